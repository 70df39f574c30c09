"""The emerging hot spot layer in a real headless browser: legend, tooltip, names as text."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from browser_helpers import Page, chromium_browser  # noqa: F401
from shapely.geometry import box

import geodisparity as gd
from geodisparity.maps import Layer, save_map

XSS_NAME = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def emerging_page(browser, tmp_path_factory):
    nx, ny = 8, 6
    cells = [(i, j) for i in range(nx) for j in range(ny)]
    regions = gpd.GeoDataFrame(
        {"name_en": [f"County {i}-{j}" for i, j in cells]},
        geometry=[box(119 + i * 0.3, 28 + j * 0.3, 119.3 + i * 0.3, 28.3 + j * 0.3)
                  for i, j in cells], crs=4326)
    regions.index = [f"33{k:04d}" for k in range(len(regions))]
    regions.loc[regions.index[0], "name_en"] = XSS_NAME
    weights = gd.contiguity(regions, "queen")
    rng = np.random.default_rng(1)
    corner = np.array([i + j for i, j in cells], dtype=float)  # high towards one corner
    wide = pd.DataFrame(corner[:, None] + rng.normal(0, 0.5, (len(cells), 10)),
                        index=regions.index, columns=range(2014, 2024))
    result = gd.emerging_hotspots(wide, None, weights, time=None, seed=3)
    m = gd.atlas(regions, [Layer(kind="emerging", result=result.regions, label="Patterns")],
                 lang="zh")
    path = save_map(m, tmp_path_factory.mktemp("maps") / "emerging.html")
    page = Page(browser, path, m.get_name())
    yield regions, result, page
    page.close()


def test_legend_lists_the_patterns_found(emerging_page):
    regions, result, page = emerging_page
    assert page.errors == [] and page.blocked == []
    legend = page.page.locator(".gd-legend").inner_text()
    counts = result.counts()
    assert counts["Persistent hot spot"] > 0 and counts["Persistent cold spot"] > 0
    assert f"持续热点 ({counts['Persistent hot spot']})" in legend
    assert "新增热点" not in legend or counts["New hot spot"] > 0


def test_tooltip_shows_pattern_and_name_as_text(emerging_page):
    regions, result, page = emerging_page
    last = regions.index[-1]  # the high corner
    tooltip = page.hover_region(regions.geometry.loc[last])
    assert "持续热点" in tooltip.inner_text()
    first = page.hover_region(regions.geometry.iloc[0])
    assert XSS_NAME in first.inner_text()
    assert first.locator("img").count() == 0 and page.dialogs == []
