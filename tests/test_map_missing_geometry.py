"""Rows whose geometry is empty or missing: left off every map, named in its note."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon, box

from geodisparity.errors import EmptyDataError
from geodisparity.maps import (
    Layer,
    atlas,
    choropleth,
    hotspot_map,
    lisa_map,
    plot,
    simplify_coverage,
    target_map,
)
from geodisparity.maps.elements import js_literal
from geodisparity.maps.simplify import drawable, encode_geometry, to_web_geometry
from geodisparity.maps.tooltip import escape_text


@pytest.fixture
def regions():
    geoms = [box(120 + i * 0.5, 30, 120.5 + i * 0.5, 30.5) for i in range(6)]
    geoms[1] = Polygon()  # vanished when the file was simplified
    geoms[4] = None  # no geometry at all
    frame = gpd.GeoDataFrame(
        {"name": ["A", "Tiny county", "C", "D", "Lost <b>county</b>", "F"],
         "income": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "pref": list("ppqqrr")},
        geometry=geoms, crs=4326, index=[f"33{i:04d}" for i in range(6)])
    return frame


def cluster_result(index, labels):
    return pd.DataFrame({"cluster": labels}, index=index)


def as_page_text(text):
    """How text reaches the page: HTML-escaped, inside a JSON string."""
    return js_literal(escape_text(text))[1:-1]


def page(m):
    return m.get_root().render()


def decoded_count(html):
    """Regions drawn: the first JSON list handed to geodisparity.decode."""
    import json
    start = html.index("geodisparity.decode(") + len("geodisparity.decode(")
    text, _ = json.JSONDecoder().raw_decode(html[start:])
    return len(text)


MAKERS = {
    "choropleth": lambda r: choropleth(r, "income", k=2),
    "target": lambda r: target_map(r, "income", 3.0),
    "lisa": lambda r: lisa_map(r, cluster_result(r.index, ["High-High", "Low-Low"] * 3)),
    "hotspot": lambda r: hotspot_map(r, cluster_result(r.index, ["Hot spot (99%)", None] * 3)),
    "atlas": lambda r: atlas(r, [Layer("income", k=2)],
                             outline={"Prefectures": "pref", "Given": r.geometry}),
}


@pytest.mark.parametrize("kind", MAKERS)
def test_every_map_leaves_them_off_and_names_them(regions, kind):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        html = page(MAKERS[kind](regions))
    assert decoded_count(html) == 4
    note = "Not on the map (no boundary): 330001 (Tiny county), 330004 (Lost <b>county</b>)"
    assert as_page_text(note) in html


def test_note_in_chinese_and_without_names(regions):
    m = choropleth(regions.drop(columns="name"), "income", k=2, lang="zh", note="示意")
    html = page(m)
    assert as_page_text("未绘制（无边界）: 330001, 330004") in html and "示意" in html


def test_legend_counts_only_drawn_regions(regions):
    from geodisparity.maps.layers import style_layer

    kept = regions[drawable(regions.geometry)]
    styled = style_layer(kept, Layer("income", k=2))
    html = page(choropleth(regions, "income", k=2))
    assert sum(e.count for e in styled.legend.entries) == 4
    assert "(2)" in html and "(3)" not in html


def test_static_plot_names_them_under_the_map(regions):
    fig = plot(regions, "income", k=2)
    ax = fig.axes[0]
    assert "330001 (Tiny county)" in ax.texts[-1].get_text()
    assert len(ax.collections[0].get_paths()) == 4


def test_simplify_and_encode_keep_them_as_gaps(regions):
    simple = simplify_coverage(regions.geometry, tolerance=0.01)
    assert simple.iloc[4] is None and simple.iloc[1].is_empty
    kept = np.asarray(simple.values)[[0, 2, 3, 5]]
    np.testing.assert_allclose(shapely.area(kept), 0.25)
    assert encode_geometry(simple, decimals=3).count("[]") == 2


def test_only_missing_geometry_is_a_clear_error(regions):
    with pytest.raises(EmptyDataError, match="none of the 2 regions has a geometry"):
        to_web_geometry(regions.iloc[[1, 4]])


def test_all_drawn_gives_no_note(regions):
    html = page(choropleth(regions.iloc[[0, 2, 3]], "income", k=2))
    assert "Not on the map" not in html
    assert np.all(drawable(regions.geometry) == [True, False, True, True, False, True])
