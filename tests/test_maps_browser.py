"""Saved maps in a real headless Chromium, with every network request blocked.

Skipped when Chromium or Playwright is missing, except under CI (CI set), where
that is a failure. Screenshots go to test-artifacts/ for a human to look at.
"""

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from browser_helpers import ARTIFACTS, Page, _unavailable, chromium_browser  # noqa: F401
from shapely.geometry import Polygon

from geodisparity import categories as cat
from geodisparity.maps import Layer, atlas, choropleth, hotspot_map, lisa_map, save_map

pytestmark = pytest.mark.browser

XSS_NAME = "<img src=x onerror=alert(1)>"
SCRIPT_NAME = "<script>window.__pwned = 1</script>"
ATTR_NAME = '" onmouseover="window.__pwned = 2'


def _grid(nx=6, ny=5):
    """Counties as a jagged grid (shared wavy borders), in Zhejiang's longitudes."""
    rng = np.random.default_rng(7)
    xs = 119 + np.arange(nx + 1) * 0.5
    ys = 28 + np.arange(ny + 1) * 0.5
    wobble = rng.uniform(-0.08, 0.08, size=(nx + 1, ny + 1, 2))
    wobble[[0, -1], :, 0] = 0
    wobble[:, [0, -1], 1] = 0

    def node(i, j):
        return (xs[i] + wobble[i, j, 0], ys[j] + wobble[i, j, 1])

    polys, names, prefs = [], [], []
    for i in range(nx):
        for j in range(ny):
            polys.append(Polygon([node(i, j), node(i + 1, j), node(i + 1, j + 1), node(i, j + 1)]))
            names.append(f"County {i}-{j}")
            prefs.append(f"P{i // 2}")
    regions = gpd.GeoDataFrame({"name_en": names, "prefecture_code": prefs},
                               geometry=polys, crs="EPSG:4326")
    regions.index = [f"33{k:04d}" for k in range(len(regions))]
    regions["income"] = rng.lognormal(10.5, 0.4, len(regions)).round(0)
    regions.loc[regions.index[1], "income"] = np.nan
    regions["poverty"] = rng.uniform(0.01, 0.08, len(regions))
    regions.loc[regions.index[0], "name_en"] = XSS_NAME
    regions.loc[regions.index[2], "name_en"] = SCRIPT_NAME
    regions.loc[regions.index[3], "name_en"] = ATTR_NAME
    return regions


@pytest.fixture(scope="module")
def atlas_page(browser, tmp_path_factory):
    regions = _grid()
    lisa = pd.DataFrame({"cluster": ["High-High", "Low-Low", "Not significant"] * 10},
                        index=regions.index)
    lisa.loc[regions.index[5], "cluster"] = "Isolated"
    m = atlas(
        regions,
        [Layer("income", unit="yuan", label="Income <per head>"),
         Layer("poverty", kind="target", target=0.04, direction="below", label="Poverty"),
         Layer("income", kind="lisa", result=lisa, label="LISA")],
        outline={"Prefectures": "prefecture_code"},
        title="Synthetic <script>alert(2)</script>",
        note="Illustrative synthetic data",
    )
    path = save_map(m, tmp_path_factory.mktemp("maps") / "atlas.html")
    page = Page(browser, path, m.get_name())
    yield regions, page
    page.close()


def test_page_loads_offline_without_errors(atlas_page):
    regions, page = atlas_page
    assert page.blocked == []
    assert all(u.startswith(("file:", "data:")) for u in page.requests)
    assert page.errors == []
    assert page.page.evaluate("() => typeof L !== 'undefined' && L.version") == "1.9.3"


def test_every_region_is_drawn_once(atlas_page):
    regions, page = atlas_page
    assert page.page.locator(".leaflet-overlay-pane path").count() == len(regions)


def test_legend_and_layer_control(atlas_page):
    regions, page = atlas_page
    control = page.page.locator(".leaflet-control-layers")
    assert control.count() == 1
    control.hover()  # collapsed on this 1100x800 page: it opens on hover
    for name in ("Income <per head>", "Poverty", "LISA", "Prefectures", "Outer boundary"):
        assert name in control.inner_text()
    outlines = regions["prefecture_code"].nunique() + 1  # prefectures and the outer edge
    assert page.page.locator(".leaflet-gdOutline-pane path").count() == outlines
    legends = page.page.locator(".gd-legend")
    assert legends.count() == 1
    assert "Income <per head>" in legends.inner_text()
    assert "No data (1)" in legends.inner_text()
    # Switch to the second base layer: its legend replaces the first.
    page.page.get_by_text("Poverty", exact=True).click()
    assert legends.count() == 1
    assert "Target met" in legends.inner_text()
    assert page.page.locator(".leaflet-overlay-pane path").count() == len(regions)
    page.page.get_by_text("Income <per head>", exact=True).click()
    assert "Income <per head>" in legends.inner_text()


def test_tooltip_shows_the_name_and_value(atlas_page):
    regions, page = atlas_page
    row = regions.iloc[10]
    text = page.hover_region(row.geometry).inner_text()
    assert row["name_en"] in text
    assert f"{row['income']:,.0f} yuan" in text


@pytest.mark.parametrize("position", [0, 2, 3])
def test_names_from_data_render_as_text(atlas_page, position):
    regions, page = atlas_page
    tooltip = page.hover_region(regions.geometry.iloc[position])
    assert regions["name_en"].iloc[position] in tooltip.inner_text()
    assert tooltip.locator("img, script").count() == 0
    assert page.page.locator(".leaflet-tooltip [onmouseover]").count() == 0
    assert page.dialogs == []
    assert page.page.evaluate("() => window.__pwned") is None
    assert page.errors == []


def test_title_and_note_shown_as_text(atlas_page):
    regions, page = atlas_page
    box = page.page.locator(".gd-title")
    assert "Synthetic <script>alert(2)</script>" in box.inner_text()
    assert "Illustrative synthetic data" in box.inner_text()
    assert page.dialogs == []


def test_screenshot(atlas_page):
    regions, page = atlas_page
    ARTIFACTS.mkdir(exist_ok=True)
    page.hover_region(regions.geometry.iloc[12])
    out = ARTIFACTS / "maps_atlas.png"
    page.page.screenshot(path=str(out))
    assert out.stat().st_size > 10_000


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_single_layer_maps(browser, tmp_path, lang):
    regions = _grid(4, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = choropleth(regions, "income", scheme="fisher_jenks", k=4, lang=lang)
    path = save_map(m, tmp_path / "c.html")
    page = Page(browser, path, m.get_name())
    try:
        assert page.page.locator(".leaflet-overlay-pane path").count() == len(regions)
        legend = page.page.locator(".gd-legend").inner_text()
        assert ("无数据" if lang == "zh" else "No data") in legend
        assert page.blocked == [] and page.errors == []
        if lang == "zh":
            ARTIFACTS.mkdir(exist_ok=True)
            page.page.screenshot(path=str(ARTIFACTS / "maps_choropleth_zh.png"))
    finally:
        page.close()


def test_lisa_map_colours(browser, tmp_path):
    regions = _grid(3, 2)
    labels = ["High-High", "Low-Low", "High-Low", "Low-High", "Not significant", "Isolated"]
    result = pd.DataFrame({"cluster": labels}, index=regions.index)
    m = lisa_map(regions, result)
    page = Page(browser, save_map(m, tmp_path / "lisa.html"), m.get_name())
    try:
        fills = page.page.eval_on_selector_all(
            ".leaflet-overlay-pane path", "els => els.map(e => e.getAttribute('fill'))")
        assert sorted(f.upper() for f in fills) == sorted(
            ["#FF0000", "#0000FF", "#F4ADA8", "#A7ADF9", "#EEEEEE", "#464646"])
    finally:
        page.close()


def test_local_geary_map_colours_and_legend(browser, tmp_path):
    regions = _grid(3, 2)
    labels = pd.Categorical(list(cat.GEARY_LABELS), categories=cat.GEARY_LABELS)
    m = lisa_map(regions, pd.DataFrame({"cluster": labels}, index=regions.index), lang="zh")
    page = Page(browser, save_map(m, tmp_path / "geary.html"), m.get_name())
    try:
        fills = page.page.eval_on_selector_all(
            ".leaflet-overlay-pane path", "els => els.map(e => e.getAttribute('fill'))")
        assert [f.upper() for f in fills] == [
            "#B2182B", "#EF8A62", "#FDDBC7", "#67ADC7", "#EEEEEE", "#464646"]
        legend = page.page.locator(".gd-legend").inner_text()
        assert "局部 Geary 聚类" in legend and "其他正相关" in legend and "负相关" in legend
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()


def test_hotspot_map_colours_and_legend(browser, tmp_path):
    regions = _grid(4, 2)
    labels = list(cat.HOTSPOT_LABELS)
    result = pd.DataFrame({"cluster": labels, "gi_bin": [3, 2, 1, 0, -1, -2, -3, 0]},
                          index=regions.index)
    m = hotspot_map(regions, result, lang="en")
    page = Page(browser, save_map(m, tmp_path / "gi.html"), m.get_name())
    try:
        fills = page.page.eval_on_selector_all(
            ".leaflet-overlay-pane path", "els => els.map(e => e.getAttribute('fill'))")
        assert [f.upper() for f in fills] == [
            "#D62F27", "#ED7551", "#FAB984", "#EEEEEE", "#C0CCBE", "#849EBA", "#4575B5",
            "#464646"]
        legend = page.page.locator(".gd-legend").inner_text()
        assert all(label in legend for label in labels)
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()


def test_missing_browser_skips_locally_but_fails_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="under CI"):
        _unavailable("no chromium")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        _unavailable("no chromium")
