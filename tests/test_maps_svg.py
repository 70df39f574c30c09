"""Inline SVG maps of the report: structure, colours, escaping, rendering, no matplotlib."""

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from browser_helpers import ARTIFACTS, chromium_browser  # noqa: F401
from shapely.geometry import box

from geodisparity.errors import InputError
from geodisparity.maps.layers import Layer, style_layer
from geodisparity.maps.style import class_colors
from geodisparity.maps.svg import check_svg, svg_map
from geodisparity.report import Figure, Section, render_report

NS = "{http://www.w3.org/2000/svg}"
HOSTILE = ["</svg><script>alert(1)</script>", "{{ 7*7 }}", '"><img src=x onerror=alert(2)>']
ROOT = Path(__file__).resolve().parents[1]


def grid(n=4, names=None):
    cells = [box(120 + i * 0.2, 28 + j * 0.2, 120.2 + i * 0.2, 28.2 + j * 0.2)
             for i in range(n) for j in range(n)]
    values = np.arange(len(cells), dtype=float)
    frame = pd.DataFrame({"v": values, "name": names or [f"R{i}" for i in range(len(cells))]},
                         index=[f"k{i}" for i in range(len(cells))])
    return gpd.GeoDataFrame(frame, geometry=cells, crs=4326)


def regions_of(markup):
    root = ET.fromstring(markup)
    return [p for p in root.iter(NS + "path") if p.get("class") == "gd-region"]


def test_one_path_per_region_with_the_class_colours():
    regions = grid()
    regions.loc["k3", "v"] = np.nan
    layer = Layer("v", k=4)
    drawn = svg_map(regions, layer)
    paths = regions_of(drawn.markup)
    assert len(paths) == len(regions)
    styled = style_layer(regions, layer)
    expected = [styled.colors[c] if c >= 0 else "url(#gd-hatch)" for c in styled.classes]
    assert [p.get("fill") for p in paths] == expected
    assert [p.find(NS + "title").text for p in paths][:2] == ["R0 (k0)", "R1 (k1)"]
    assert drawn.unmapped is None
    assert len(drawn.markup) < 20_000


def test_shared_borders_are_identical_after_simplification():
    drawn = svg_map(grid(2), Layer("v", k=2))
    d = [p.get("d") for p in regions_of(drawn.markup)]
    assert all(path.startswith("M") and path.endswith("z") for path in d)
    assert len(set(d)) == 4


def test_regions_without_boundary_are_left_off_and_named():
    regions = grid(2)
    regions.loc["k1", "geometry"] = None
    drawn = svg_map(regions, Layer("v", k=2))
    assert len(regions_of(drawn.markup)) == 3
    assert drawn.unmapped == "Not on the map (no boundary): k1 (R1)"


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_names_and_labels_appear_only_escaped(text):
    regions = grid(2, names=[text] * 4)
    drawn = svg_map(regions, Layer("v", k=2, label=text), title=text)
    root = ET.fromstring(drawn.markup)  # still one well-formed document
    assert {e.tag.removeprefix(NS) for e in root.iter()} <= {
        "svg", "style", "defs", "pattern", "rect", "path", "title", "g", "text"}
    texts = [e.text for e in root.iter() if e.text]
    assert text in texts  # shown as typed
    assert text not in drawn.markup or "<" not in text and '"' not in text
    page = render_report([Section("Maps", figures=[Figure.from_svg(drawn.markup, text)])],
                         title="t")
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert ("{{ 7*7 }}" in page) == (text == "{{ 7*7 }}")  # never evaluated as a template


@pytest.mark.parametrize("markup", [
    '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(javascript:x)"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(http://x)</style></svg>',
    "<svg><rect/></svg>",
    "<svg",
])
def test_report_refuses_svg_that_is_not_a_plain_map(markup):
    with pytest.raises(InputError, match="svg"):
        check_svg(markup)
    with pytest.raises(InputError):
        render_report([Section("Maps", figures=[Figure.from_svg(markup, "c")])], title="t")


@pytest.mark.parametrize("cmap", ["YlOrRd", "RdBu_r", "RdBu", "YlOrRd_r", "OrRd",
                                  "Blues", "Greens_r"])
def test_default_ramps_match_matplotlib_without_importing_it(cmap):
    import matplotlib
    from matplotlib.colors import to_hex

    for k in range(1, 40):
        positions = [0.5] if k == 1 else np.linspace(0, 1, k)
        assert class_colors(k, cmap) == [to_hex(matplotlib.colormaps[cmap](float(p)))
                                         for p in positions]
    assert class_colors(3, "viridis")[0] == to_hex(matplotlib.colormaps["viridis"](0.0))


def test_demo_run_does_not_import_matplotlib(tmp_path):
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from geodisparity.cli import main\n"
        f"r = CliRunner().invoke(main, ['-q', 'run', {str(ROOT / 'examples/zhejiang_demo.toml')!r},"
        f" '-o', {str(tmp_path / 'out')!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in ('matplotlib', 'mapclassify', 'openpyxl', 'scipy.stats')"
        " if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    assert result.stdout.strip().splitlines()[-1] == "[]"
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    maps = re.findall(r'<svg[^>]*class="gd-map".*?</svg>', report, flags=re.S)
    assert len(maps) == 3
    for markup in maps:
        assert len(regions_of(markup)) == 90
        assert len(markup) < 100_000


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_maps_render_in_chromium(browser, tmp_path, lang):  # noqa: F811
    regions = grid(5, names=[HOSTILE[0]] + [f"县{i}" for i in range(24)])
    layer = Layer("v", k=5, label="收入" if lang == "zh" else "Income")
    drawn = svg_map(regions, layer, lang=lang)
    page = render_report([Section("Maps", figures=[Figure.from_svg(drawn.markup, "map")])],
                         title="t", lang=lang)
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    view = browser.new_page(viewport={"width": 1000, "height": 800})
    dialogs = []
    view.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    view.goto(path.as_uri())
    shapes = view.locator("svg.gd-map path.gd-region")
    assert shapes.count() == 25
    box_ = view.locator("svg.gd-map").bounding_box()
    assert box_["width"] > 300 and box_["height"] > 200
    ARTIFACTS.mkdir(exist_ok=True)
    view.screenshot(path=str(ARTIFACTS / f"report_svg_map_{lang}.png"), full_page=True)
    assert dialogs == [] and view.evaluate("() => document.scripts.length") == 0
    view.close()
