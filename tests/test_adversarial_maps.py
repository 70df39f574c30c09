"""Hostile text from data in every place a map or report shows it.

A corpus of payloads (Jinja syntax in all its forms, HTML and JavaScript
injection, ``</script>``, ``<!--``, line separators, right-to-left override,
NUL, a very long string, emoji, Chinese, mathtext) is used as region names,
tooltip values, column names, titles, notes, legend labels, units, group
values, layer names and the tile attribution. The fast tests read the saved
files; the browser tests open them in headless Chromium with the network
blocked and check that no payload runs and that each one shows as typed.
"""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path

import geopandas as gpd
import markupsafe
import numpy as np
import pandas as pd
import pytest
from branca.element import Element
from browser_helpers import Page, chromium_browser  # noqa: F401  (the browser fixture)
from folium.elements import JavascriptLink
from shapely.geometry import box

from geodisparity.maps import Layer, atlas, choropleth, lisa_map, plot, save_map
from geodisparity.maps.elements import js_literal
from geodisparity.maps.safe import Verbatim
from geodisparity.maps.tooltip import escape_text
from geodisparity.report import Figure, Section, Table, render_report

#: Payloads that would run code if a template engine ever compiled text from data.
SSTI_FILE = "gd_pwned_by_template"
PAYLOADS = {
    "jinja-expr": "A{{ 7*7 }}Z",
    "jinja-expr-tight": "A{{7*7}}Z",
    "jinja-class": "{{ ''.__class__ }}",
    "jinja-mro": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "jinja-shell": "{{ cycler.__init__.__globals__.os.popen('touch " + SSTI_FILE + "').read() }}",
    "jinja-config": "{{ config }}{{ self }}{{ kwargs }}{{ this }}",
    "jinja-if": "{% if 1 %}A{{ 7*7 }}Z{% endif %}",
    "jinja-if-broken": "{% if %}",
    "jinja-for": "{% for i in range(3) %}{{ i }}{% endfor %}",
    "jinja-set": "{% set x = 7*7 %}A{{ x }}Z",
    "jinja-macro": "{% macro script(this, kwargs) %}{% endmacro %}",
    "jinja-raw": "{% raw %}",
    "jinja-endraw": "{% endraw %}",
    "jinja-comment-open": "{#",
    "jinja-comment": "{# hidden #}",
    "jinja-trim": "A{%- if 1 -%}{{- 7*7 -}}{%- endif -%}Z",
    "jinja-line": "# for x in y",
    "braces": "{{ }} {% %} {# #} }} {{",
    "js-template": "`${window.__pwned = 1}`",
    "other-templates": "${7*7} #{7*7} <%= 7*7 %> [[7*7]]",
    "script": "<script>window.__pwned = 2</script>",
    "close-script": "</script><script>window.__pwned = 3</script>",
    "close-script-upper": "</SCRIPT ><script>window.__pwned = 4</script>",
    "comment-open": "<!--",
    "comment-script": "<!-- <script>window.__pwned = 5</script>",
    "comment-close": "-->",
    "img-onerror": "<img src=x onerror=\"window.__pwned = 6; alert(6)\">",
    "svg-onload": "<svg onload=window.__pwned=7>",
    "attr-double": "\" onmouseover=\"window.__pwned = 8",
    "attr-single": "' onmouseover='window.__pwned = 9",
    "iframe": "<iframe srcdoc=\"<script>parent.__pwned = 10</script>\"></iframe>",
    "javascript-url": "javascript:window.__pwned = 11",
    "style": "</style><script>window.__pwned = 12</script><style>",
    "entities": "&lt;b&gt; &amp; &#60;script&#62; &quot;",
    "js-escapes": "\\u003cscript\\u003e \\\" \\' \\n \\",
    "quotes": "\"'`",
    "cdata": "<![CDATA[ ]]>",
    "line-separators": "line\u2028separator\u2029paragraph",
    "newlines": "first\nsecond\r\nthird\tcolumn",
    "rtl-override": "\u202eevil\u202c normal",
    "nul": "nul\x00byte",
    "control": "bell\x07 escape\x1b[31m",
    "emoji": "emoji 😀 👨‍👩‍👧 🏳️‍🌈",
    "chinese": "杭州市西湖区（测试）",
    "long": "L" * 3000 + "{{ 7*7 }}",
    "mathtext": r"$\frac{a}{b}$ and $x^2$",
    "mathtext-broken": r"$\frac$ $\sqrt{",
    "percent-format": "%s %d {0} {name} {0.__class__}",
}
IDS = list(PAYLOADS)
TEXTS = list(PAYLOADS.values())
JOINED = " ¦ ".join(TEXTS)


def shown(text: str) -> str:
    """The text a browser shows for ``text``: HTML parsing drops NUL and turns CR LF into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def in_page_data(text: str) -> str:
    """How text from data sits in a map page: HTML-escaped, then a JSON string."""
    return js_literal(escape_text(text))[1:-1]


def grid(n: int) -> gpd.GeoDataFrame:
    side = int(np.ceil(np.sqrt(n)))
    geoms = [box(120 + (i % side) * 0.2, 30 + (i // side) * 0.2,
                 120.2 + (i % side) * 0.2, 30.2 + (i // side) * 0.2) for i in range(n)]
    rng = np.random.default_rng(3)
    return gpd.GeoDataFrame({"v": rng.uniform(1, 100, n).round(2)}, geometry=geoms, crs=4326,
                            index=[f"k{i}" for i in range(n)])


TILE = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
        "z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def hostile_regions() -> tuple[gpd.GeoDataFrame, list[str]]:
    """One region per payload, with payloads as names, values, groups and column names."""
    n = len(TEXTS)
    regions = grid(n)
    regions["name"] = TEXTS
    regions["kind"] = TEXTS[1:] + TEXTS[:1]
    regions["group"] = TEXTS
    thirds = [" ¦ ".join(TEXTS[i::3]) for i in range(3)]
    for i, heading in enumerate(thirds):
        regions[heading] = TEXTS[i:] + TEXTS[:i]
    regions[JOINED] = regions["v"] * 2  # an indicator named by every payload
    return regions, thirds


def hostile_atlas():
    """An atlas with every payload in every place that shows text."""
    regions, thirds = hostile_regions()
    layers = [Layer("v", label=thirds[0], unit=thirds[1], k=4),
              Layer("v", kind="target", target=50.0, label=thirds[1], unit=thirds[2]),
              Layer(JOINED, k=3)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = atlas(regions, layers, name="name", tooltip=["kind", *thirds],
                  outline={thirds[2]: "group"}, title=JOINED, note=JOINED, tiles=TILE,
                  attribution=JOINED)
    return regions, m


@pytest.fixture(scope="module")
def saved_atlas(tmp_path_factory):
    before = (Path.cwd() / SSTI_FILE).exists()
    regions, m = hostile_atlas()
    path = save_map(m, tmp_path_factory.mktemp("adversarial") / "atlas.html")
    assert (Path.cwd() / SSTI_FILE).exists() == before  # the shell payload ran nothing
    return regions, m, path, path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def report_page():
    frame = pd.DataFrame({t: [t] for t in TEXTS[:12]}, index=pd.Index([JOINED], name=JOINED))
    sections = [Section(text, [text, f"By {text}: Theil 0.1"],
                        [Table.from_frame(frame, caption=text, index=True)],
                        [Figure(TILE, text)]) for text in TEXTS]
    return render_report(sections, title=JOINED, note=JOINED, atlas="atlas.html")


# ---------------------------------------------------------------------------
# Fast checks on the saved files
# ---------------------------------------------------------------------------

def test_no_template_expression_was_evaluated(saved_atlas, report_page):
    page = saved_atlas[3]
    assert "A49Z" not in page and "A49Z" not in report_page
    assert "<class " not in page and "&lt;class " not in page


@pytest.mark.parametrize("payload", TEXTS, ids=IDS)
def test_map_text_is_only_escaped_data(saved_atlas, payload):
    page = saved_atlas[3]
    # names, tooltip values and headings, legends, title and note
    assert page.count(in_page_data(payload)) >= 5
    if "<" in payload:
        assert payload not in page  # never raw HTML


@pytest.mark.parametrize("payload", TEXTS, ids=IDS)
def test_report_text_is_only_escaped_data(report_page, payload):
    assert str(markupsafe.escape(payload)) in report_page
    if "<" in payload:
        assert payload not in report_page


@pytest.mark.parametrize("payload", [JOINED, *(PAYLOADS[k] for k in IDS if "math" in k)])
def test_static_map_text_is_literal(payload):
    regions = grid(4)
    regions["v"] = [1.0, 2.0, 3.0, np.nan]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # glyphs missing from the default font
        fig = plot(regions, "v", k=2, label=payload, unit=payload, title=payload)
        fig.savefig(io.BytesIO(), format="png", dpi=40)
    ax = fig.axes[0]
    assert ax.get_title() == payload
    assert ax.get_legend().get_title().get_text() == payload
    assert all(payload in t.get_text() for t in ax.get_legend().get_texts()[:2])


def test_retemplating_would_be_caught():
    name = "{{ ''.__class__ }}"
    regions = grid(2)
    regions["name"] = [name, "{% if %}"]
    m = atlas(regions, [Layer("v", k=2, label=name)], title=name, tiles=TILE, attribution=name)
    figure = m.get_root()
    page = figure.render()
    assert in_page_data(name) in page
    assert "class &#x27;str" not in page and "<class 'str'>" not in page
    # Every piece of the page our elements produce is verbatim text; what else is there
    # (folium's meta tag and CDN links) holds no data.
    for part in (figure.header, figure.html, figure.script):
        for key, child in part._children.items():
            assert isinstance(child, Verbatim) or (
                key == "meta_http" and type(child) is Element
            ) or isinstance(child, JavascriptLink) or type(child).__name__ == "CssLink", key


def test_attribution_is_text_not_markup():
    regions = grid(2)
    m = choropleth(regions, "v", k=2, tiles=TILE, attribution='<a href="https://x.org">X</a> ©')
    page = m.get_root().render()
    assert "&lt;a href=&quot;https://x.org&quot;&gt;X&lt;/a&gt; ©" in json.loads(
        '"' + page.split('"attribution": "')[1].split('"')[0] + '"')


def test_atlas_link_in_report_must_be_relative():
    from geodisparity.errors import InputError

    for bad in ("javascript:alert(1)", "//evil.org/a.html", " javascript:x", "a\\b.html"):
        with pytest.raises(InputError, match="relative link"):
            render_report([], title="t", atlas=bad)
    assert 'href="atlas.html"' in render_report([], title="t", atlas="atlas.html")


# ---------------------------------------------------------------------------
# In headless Chromium
# ---------------------------------------------------------------------------

_CHECK = """() => ({
  pwned: window.__pwned === undefined ? null : String(window.__pwned),
  scripts: document.scripts.length,
  body: document.body.textContent,
})"""

_TOOLTIPS = """() => {
  var out = [];
  Object.keys(window).filter(k => k.indexOf("regions_") === 0).forEach(function (k) {
    window[k].eachLayer(function (f) {
      var d = document.createElement("div");
      d.innerHTML = f.getTooltip().getContent();
      document.body.appendChild(d);
      out.push(d.textContent);
      d.remove();
    });
  });
  return out.join("\\n");
}"""

_LEGENDS = """() => {
  var out = [];
  document.querySelectorAll(".leaflet-control-layers-base input").forEach(function (input) {
    input.click();
    out.push(document.querySelector(".gd-legend").textContent);
  });
  return out.join("\\n");
}"""


def _assert_safe(page: Page) -> dict:
    state = page.page.evaluate(_CHECK)
    assert state["pwned"] is None
    assert page.dialogs == []
    assert page.errors == []
    assert page.blocked == []
    return state


@pytest.fixture(scope="module")
def kitchen_sink(browser, saved_atlas):
    regions, m, path, _ = saved_atlas
    page = Page(browser, path, m.get_name())
    yield regions, page
    page.close()


@pytest.mark.browser
def test_nothing_runs_and_the_title_box_shows_every_payload(kitchen_sink):
    regions, page = kitchen_sink
    _assert_safe(page)
    title = page.page.locator(".gd-title").text_content()
    attribution = page.page.locator(".leaflet-control-attribution").text_content()
    for text in TEXTS:
        assert title.count(shown(text)) >= 2, text  # the title and the note
        assert shown(text) in attribution, text


@pytest.mark.browser
def test_layer_control_and_legends_show_every_payload(kitchen_sink):
    regions, page = kitchen_sink
    control = page.page.locator(".leaflet-control-layers").text_content()
    legends = page.page.evaluate(_LEGENDS)
    for text in TEXTS:
        assert shown(text) in control, text
        assert shown(text) in legends, text
    _assert_safe(page)


@pytest.mark.browser
def test_tooltips_show_every_payload(kitchen_sink):
    regions, page = kitchen_sink
    tooltips = page.page.evaluate(_TOOLTIPS)
    for text in TEXTS:
        assert tooltips.count(shown(text)) >= 3, text  # name, value and column heading
    real = page.hover_region(regions.geometry.iloc[IDS.index("img-onerror")]).text_content()
    assert shown(PAYLOADS["img-onerror"]) in real
    assert page.page.locator(".leaflet-tooltip img, .leaflet-tooltip script").count() == 0
    _assert_safe(page)


@pytest.mark.browser
@pytest.mark.parametrize("key", ["script", "close-script", "img-onerror", "jinja-shell",
                                 "comment-script", "line-separators"])
def test_lisa_map_with_payloads(browser, tmp_path, key):
    payload = PAYLOADS[key]
    regions = grid(4)
    regions["name"] = [payload] * 4
    result = pd.DataFrame({"cluster": ["High-High", "Low-Low", "High-Low", "Low-High"]},
                          index=regions.index)
    m = lisa_map(regions, result, column="v", label=payload, unit=payload, title=payload)
    page = Page(browser, save_map(m, tmp_path / "lisa.html"), m.get_name())
    try:
        _assert_safe(page)
        assert shown(payload) in page.page.locator(".gd-legend").text_content()
        assert shown(payload) in page.page.evaluate(_TOOLTIPS)
        assert shown(payload) in page.page.locator(".gd-title").text_content()
    finally:
        page.close()


@pytest.mark.browser
def test_report_shows_every_payload_as_text(browser, tmp_path, report_page):
    path = tmp_path / "report.html"
    path.write_text(report_page, encoding="utf-8")
    page = Page(browser, path, wait_for="main")
    try:
        state = _assert_safe(page)
        assert state["scripts"] == 0
        for text in TEXTS:
            assert state["body"].count(shown(text)) >= 4, text  # heading, paragraph, captions
        alts = page.page.eval_on_selector_all("img", "els => els.map(e => e.alt)")
        # in an attribute NUL becomes U+FFFD rather than being dropped
        assert alts == [shown(t.replace("\x00", "\ufffd")) for t in TEXTS]
    finally:
        page.close()


# ---------------------------------------------------------------------------
# Through the command line: boundary names and a study file from someone else
# ---------------------------------------------------------------------------

STUDY = """
title = {title}
note = {note}
lang = "en"

[boundaries]
source = "counties.gpkg"
key = "CODE"
name = "NAME"

[table]
path = "income.csv"
key = "county_code"

[analysis]
income = "income"
bootstrap = 0

[clusters]
columns = ["income"]
weights = "knn"
k = 5
permutations = 99
"""

#: What a GeoPackage and a TOML file can carry (no NUL, no 3,000-character names).
CLI_IDS = [k for k in IDS if k not in ("nul", "long", "control")]


@pytest.mark.slow
def test_geodisparity_run_with_hostile_names_and_study_file(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from geodisparity import boundaries
    from geodisparity.cli import main

    monkeypatch.chdir(tmp_path)
    counties = boundaries.load("zhejiang/counties")[["adcode", "geometry"]]
    counties = counties.rename(columns={"adcode": "CODE"})
    texts = [PAYLOADS[k] for k in CLI_IDS]
    counties["NAME"] = [texts[i % len(texts)] + f" {i}" for i in range(len(counties))]
    counties.to_file(tmp_path / "counties.gpkg")
    rng = np.random.default_rng(1)
    pd.DataFrame({"county_code": counties["CODE"],
                  "income": rng.lognormal(10.5, 0.3, len(counties)).round(0)}).to_csv(
        tmp_path / "income.csv", index=False)
    joined = " ¦ ".join(texts)
    (tmp_path / "study.toml").write_text(
        STUDY.format(title=json.dumps(joined, ensure_ascii=False),
                     note=json.dumps(joined, ensure_ascii=False)), encoding="utf-8")
    result = CliRunner().invoke(main, ["run", "study.toml", "--output", "out"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / SSTI_FILE).exists()
    atlas_page = (tmp_path / "out" / "atlas.html").read_text(encoding="utf-8")
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "A49Z" not in atlas_page and "A49Z" not in report
    for name in counties["NAME"]:
        assert in_page_data(name) in atlas_page, name
    for text in texts:
        # (read_text turns the CR LF of one payload into LF)
        assert str(markupsafe.escape(text.replace("\r\n", "\n"))) in report, text
        assert in_page_data(text) in atlas_page, text  # the study's title and note
        if "<" in text:
            assert text not in report and text not in atlas_page
