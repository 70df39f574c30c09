"""Chinese text drawn from the embedded subset font in a Chromium that has no CJK font at all.

Chromium runs with ``FONTCONFIG_FILE`` pointing at a configuration whose only font is
DejaVu Sans (a Latin font, copied from matplotlib's data), so without the embedded font
every Chinese character is the ``.notdef`` box. Two checks:

- pixels: seven distinct characters render as seven identical boxes without the embedded
  font (this proves the set-up) and as seven distinct glyphs, none a box, with it;
- fonts used: Chromium's DevTools protocol (``CSS.getPlatformFontsForNode``) names the font
  that drew each text of a real report and atlas: every element with Chinese text is
  drawn with the embedded Noto Sans CJK SC, inline SVG text included.

Skipped when Chromium, Playwright or the Noto font is missing, except under CI (CI set).
"""

import os
import re
import shutil
from pathlib import Path

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import pytest
from browser_helpers import CHROMIUM, FLAGS, Page, _unavailable
from shapely.geometry import box

from geodisparity.charts.lorenz import lorenz, lorenz_chart
from geodisparity.maps import Layer, atlas, save_map
from geodisparity.maps import fonts as gf
from geodisparity.maps.svg import svg_map
from geodisparity.report import Figure, Section, Table, render_report

pytestmark = pytest.mark.browser

CHARACTERS = "浙江省差距县市"
CELL = 64
_FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{fonts}</dir><cachedir>{cache}</cachedir></fontconfig>
"""
# Marks every rendered element whose own text has CJK characters; returns their texts.
_MARK_CJK = """() => {
  const cjk = /[\\u2e80-\\u9fff\\uac00-\\ud7af\\uf900-\\ufaff\\uff00-\\uffef]/;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const marked = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (cjk.test(node.data) && el && el.getClientRects().length) { marked.add(el); }
  }
  const texts = [];
  for (const el of marked) {
    el.setAttribute("data-cjk", String(texts.length));
    texts.push(el.textContent.trim().slice(0, 40));
  }
  return texts;
}"""


@pytest.fixture(scope="module")
def font():
    found = gf.find_cjk_font()
    if found is None:
        _unavailable("Noto Sans CJK SC is not installed (scripts/install_fonts)")
    return found


@pytest.fixture(scope="module")
def bare_browser(tmp_path_factory):
    """Headless Chromium whose only font is DejaVu Sans (no CJK coverage)."""
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        _unavailable(f"Chromium not found at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    folder = tmp_path_factory.mktemp("fontconfig")
    (folder / "fonts").mkdir()
    dejavu = Path(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSans.ttf")
    shutil.copy(dejavu, folder / "fonts")
    conf = folder / "fonts.conf"
    conf.write_text(_FONTS_CONF.format(fonts=folder / "fonts", cache=folder / "cache"),
                    encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, env=env)
        yield browser
        browser.close()


def _open(browser, path, **kwargs):
    page = Page(browser, path, **kwargs)
    page.page.evaluate("() => document.fonts.ready.then(() => true)")
    return page


def _cells(browser, tmp_path, *, embed):
    """Screenshot each character of CHARACTERS; return a list of grey-level arrays."""
    from PIL import Image

    spans = "".join(f'<span class="c">{c}</span>' for c in CHARACTERS)
    html = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{{margin:0;'
            f"font:48px/{CELL}px {gf.FONT_STACK}}}.c{{display:inline-block;width:{CELL}px;"
            f"height:{CELL}px;text-align:center}}</style></head><body>{spans}</body></html>")
    path = tmp_path / f"glyphs_{embed}.html"
    path.write_text(gf.embed_cjk_font(html) if embed else html, encoding="utf-8")
    page = _open(browser, path, wait_for=".c")
    try:
        shot = page.page.screenshot(clip={"x": 0, "y": 0, "width": CELL * len(CHARACTERS),
                                          "height": CELL})
        assert page.blocked == []
    finally:
        page.close()
    import io

    grey = np.asarray(Image.open(io.BytesIO(shot)).convert("L"), dtype=int)
    return [grey[:, i * CELL:(i + 1) * CELL] for i in range(len(CHARACTERS))]


def test_glyphs_replace_the_notdef_boxes(bare_browser, font, tmp_path):
    boxes = _cells(bare_browser, tmp_path, embed=False)
    glyphs = _cells(bare_browser, tmp_path, embed=True)
    for cell in boxes + glyphs:
        assert (cell < 128).sum() > 20  # ink in every cell
    # without the embedded font: one and the same box for every character (no CJK font here)
    assert all(np.array_equal(boxes[0], cell) for cell in boxes)
    # with it: seven different glyphs, none of them the box
    for i, cell in enumerate(glyphs):
        assert not np.array_equal(cell, boxes[0]), CHARACTERS[i]
        for j in range(i):
            assert not np.array_equal(cell, glyphs[j]), (CHARACTERS[i], CHARACTERS[j])


def _fonts_of_cjk_elements(page):
    """Return {element text: [(family, custom font?), ...]} for every element with CJK text."""
    texts = page.page.evaluate(_MARK_CJK)
    cdp = page.page.context.new_cdp_session(page.page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    nodes, stack = {}, [cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]]
    while stack:  # the document tree, with attributes: find the marked elements
        node = stack.pop()
        attributes = node.get("attributes", [])
        if "data-cjk" in attributes[::2]:
            nodes[int(attributes[attributes.index("data-cjk") + 1])] = node["nodeId"]
        stack += node.get("children", [])
    used = {}
    for i, text in enumerate(texts):
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": nodes[i]})["fonts"]
        used[text] = [(f["familyName"], f["isCustomFont"]) for f in fonts]
    cdp.detach()
    return used


def _regions():
    return gpd.GeoDataFrame(
        {"income": [30_000.0, 42_000.0, None, 51_000.0],
         "name_zh": ["淳安县", "建德市", "桐庐县", "富阳区"],
         "prefecture_code": ["3301", "3301", "3301", "3301"]},
        geometry=[box(119, 29, 119.5, 29.5), box(119.5, 29, 120, 29.5),
                  box(119, 29.5, 119.5, 30), box(119.5, 29.5, 120, 30)], crs=4326)


def _report(folder):
    """Write the report with the embedded font, and the same page without it; return both."""
    regions = _regions()
    table = Table.from_frame(pd.DataFrame({"县": ["淳安县"], "基尼系数": [0.21]}),
                             caption="县域差距")
    drawn = svg_map(regions, Layer("income", k=2, label="人均收入", unit="元"), lang="zh",
                    title="收入地图")
    chart = lorenz_chart([lorenz([1.0, 2.0, 4.0, 9.0], label="二〇二三年")], title="洛伦兹曲线",
                         lang="zh")
    section = Section("区域差距", ["泰尔指数按地市分解。"], [table],
                      [Figure.from_svg(drawn.markup, "人均可支配收入"),
                       Figure.from_svg(chart, "收入分布")])
    page = render_report([section], title="浙江县域差距报告", lang="zh", note="示意数据")
    bare, removed = re.subn(r"<style>@font-face\{.*?\}</style>", "", page)
    assert removed == 1
    paths = {True: folder / "report.html", False: folder / "report_bare.html"}
    paths[True].write_text(page, encoding="utf-8")
    paths[False].write_text(bare, encoding="utf-8")
    return paths


def test_report_chinese_drawn_from_the_embedded_font(bare_browser, font, tmp_path):
    for embed, path in _report(tmp_path).items():
        page = _open(bare_browser, path, wait_for="h1")
        try:
            used = _fonts_of_cjk_elements(page)
            assert page.blocked == [] and page.errors == []
            assert all(u.startswith(("file:", "data:")) for u in page.requests)
        finally:
            page.close()
        expected = {"浙江县域差距报告", "区域差距", "县", "淳安县", "收入地图", "洛伦兹曲线"}
        assert expected <= set(used)
        for text, fonts in used.items():
            from_embedded = (font.family, True) in fonts
            assert from_embedded == embed, (text, fonts)
            if not embed:  # the control: boxes from the Latin font
                assert {family for family, _ in fonts} == {"DejaVu Sans"}, (text, fonts)


def test_atlas_chinese_drawn_from_the_embedded_font(bare_browser, font, tmp_path):
    regions = _regions()
    m = atlas(regions, [Layer("income", k=2, label="人均收入", unit="元")], name="name_zh",
              lang="zh", title="浙江县域", note="示意数据", outline={"地市": "prefecture_code"})
    path = save_map(m, tmp_path / "atlas.html")
    page = _open(bare_browser, path, map_name=m.get_name())
    try:
        page.hover_region(regions.geometry.iloc[0])
        used = _fonts_of_cjk_elements(page)
        assert page.blocked == [] and page.errors == []
        assert all(u.startswith(("file:", "data:")) for u in page.requests)
    finally:
        page.close()
    assert {"浙江县域", "示意数据", "淳安县"} <= set(used)  # title, note, tooltip
    assert any(t.startswith("人均收入") for t in used)  # legend and layer control
    for text, fonts in used.items():
        assert (font.family, True) in fonts, (text, fonts)
