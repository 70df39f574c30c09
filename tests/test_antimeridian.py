"""Polygons across the antimeridian: detected, drawn in one piece, measured right.

References: pyproj.Geod (Karney's geodesic polygon areas, which follow each
edge the short way and so read a crossing ring correctly), and the symmetry
of the ellipsoid about its axis: a region's area does not change when it is
moved in longitude, so a polygon across 180 degrees must measure the same as
its copy moved to Greenwich.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from browser_helpers import chromium_browser  # noqa: F401  (the browser fixture)
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod
from shapely.geometry import MultiPolygon, Polygon, box

from geodisparity.antimeridian import (
    central_longitude,
    crosses,
    longitude_extent,
    to_frame,
    unwrap,
)
from geodisparity.crs import area_km2, equal_area_crs
from geodisparity.maps.simplify import encode_geometry, to_web_geometry

GEOD = Geod(ellps="WGS84")


def wrap(lon):
    return (np.asarray(lon) + 180.0) % 360.0 - 180.0


def ring(west, south, east, north, step=0.05):
    """A densified box ring in true (continuous) longitudes, east may exceed 180."""
    xs = np.arange(west, east, step)
    ys = np.arange(south, north, step)
    pts = ([(x, south) for x in xs] + [(east, y) for y in ys]
           + [(x, north) for x in xs[::-1] + step] + [(west, y) for y in ys[::-1] + step])
    return np.asarray(pts)


def crossing(west, south, east, north):
    """The box written as files write it: longitudes wrapped into [-180, 180)."""
    pts = ring(west, south, east, north)
    return Polygon(np.column_stack([wrap(pts[:, 0]), pts[:, 1]]))


def geodesic_km2(geom):
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


FIJI = crossing(177.0, -19.0, 182.0, -16.0)
CHUKOTKA = crossing(170.0, 63.0, 190.0, 70.0)


def test_crossing_rings_are_detected():
    assert crosses(FIJI) and crosses(CHUKOTKA)
    assert crosses(MultiPolygon([box(10, 0, 11, 1), FIJI]))
    # An edge longer than 180 degrees is read the short way (RFC 7946): a 2-degree box.
    assert crosses(box(-179, 0, 179, 1)) and unwrap(box(-179, 0, 179, 1)).area == 2.0
    world = box(-180, -90, 180, 90)  # edges from -180 to 180 exactly: the map's edge
    assert not crosses(world) and unwrap(world) is world
    assert not crosses(box(170, 0, 180, 1)) and not crosses(None) and not crosses(Polygon())
    pole = Polygon([(-180, -90), (-180, -70), (0, -65), (180, -70), (180, -90)])
    assert not crosses(pole)  # goes once round the pole: already right


def test_unwrap_gives_the_true_shape():
    true = Polygon(ring(177.0, -19.0, 182.0, -16.0))
    assert unwrap(FIJI).symmetric_difference(true).area < 1e-9
    plain = box(0, 0, 1, 1)
    assert unwrap(plain) is plain


def test_unwrap_keeps_holes_inside():
    outer = ring(176.0, -20.0, 184.0, -14.0)
    hole = ring(179.0, -18.0, 181.0, -16.0)[::-1]
    polygon = Polygon(np.column_stack([wrap(outer[:, 0]), outer[:, 1]]),
                      [np.column_stack([wrap(hole[:, 0]), hole[:, 1]])])
    fixed = unwrap(polygon)
    assert fixed.is_valid
    assert fixed.area == pytest.approx(8 * 6 - 2 * 2, rel=1e-6)


@pytest.mark.parametrize("shape", [(177.0, -19.0, 182.0, -16.0), (170.0, 63.0, 190.0, 70.0),
                                   (172.0, 51.0, 188.0, 55.0), (179.9, 10.0, 180.3, 10.5)])
def test_area_matches_geod_on_the_true_shape(shape):
    true = Polygon(ring(*shape))
    got = area_km2(gpd.GeoSeries([crossing(*shape)], crs=4326)).iloc[0]
    assert got == pytest.approx(geodesic_km2(true), rel=2e-4)


def test_already_split_multipolygon_measures_the_same():
    west, east = box(177, -19, 180, -16), box(-180, -19, -178, -16)
    series = gpd.GeoSeries([MultiPolygon([west, east]), crossing(177, -19, 182, -16)], crs=4326)
    areas = area_km2(series)
    assert areas.iloc[0] == pytest.approx(areas.iloc[1], rel=1e-3)


def test_equal_area_crs_of_a_crossing_polygon_is_centred_on_180():
    crs = equal_area_crs(gpd.GeoSeries([CHUKOTKA], crs=4326))
    assert crs.coordinate_operation.method_name == "Albers Equal Area"
    assert abs(crs.coordinate_operation.params[1].value) == pytest.approx(180.0)


@settings(max_examples=30, deadline=None)
@given(west=st.floats(150.0, 179.5), width=st.floats(1.0, 25.0), south=st.floats(-70.0, 60.0),
       height=st.floats(0.5, 10.0))
def test_area_is_invariant_to_moving_across_the_antimeridian(west, width, south, height):
    east = west + width
    here = gpd.GeoSeries([crossing(west, south, east, south + height)], crs=4326)
    moved = gpd.GeoSeries([Polygon(ring(west - 170.0, south, east - 170.0, south + height))],
                          crs=4326)
    assert area_km2(here).iloc[0] == pytest.approx(area_km2(moved).iloc[0], rel=1e-6)


def test_longitude_extent_and_centre():
    assert longitude_extent([FIJI]) == pytest.approx((177.0, 182.0))
    assert central_longitude([FIJI, box(-178, -20, -177, -19)]) == pytest.approx(180.0)
    assert central_longitude([box(-170, -60, -10, 60), box(10, -60, 170, 60)]) == 0.0


def test_frame_centred_on_the_pacific_is_continuous():
    series = gpd.GeoSeries([FIJI, box(-178, -20, -177, -19), box(178, -21, 179, -20)], crs=4326)
    framed = to_frame(series, central_longitude(series))
    minx, _, maxx, _ = framed.total_bounds
    assert maxx - minx < 10
    np.testing.assert_allclose(shapely.area(np.asarray(framed.values)),
                               [unwrap(g).area for g in series])


def test_world_frame_splits_at_the_antimeridian():
    series = gpd.GeoSeries([CHUKOTKA, box(-10, 0, 10, 10), None], crs=4326)
    framed = to_frame(series, 0.0)
    chukotka = framed.iloc[0]
    assert chukotka.geom_type == "MultiPolygon" and len(chukotka.geoms) == 2
    assert all(part.bounds[2] - part.bounds[0] <= 10.0 + 1e-9 for part in chukotka.geoms)
    assert chukotka.area == pytest.approx(unwrap(CHUKOTKA).area)
    assert framed.iloc[1] is series.iloc[1] and framed.iloc[2] is None


def test_web_map_geometry_is_not_a_band_round_the_globe():
    regions = gpd.GeoDataFrame({"v": [1.0, 2.0]},
                               geometry=[CHUKOTKA, crossing(185, 63, 195, 68)], crs=4326)
    web = to_web_geometry(regions)
    minx, _, maxx, _ = web.total_bounds
    assert maxx - minx == pytest.approx(25.0)
    # the page's geometry: decode the delta encoding and check each ring's span
    import json
    decoded = json.loads(encode_geometry(web, decimals=3))
    for geom in decoded:
        xs = np.cumsum(np.concatenate([np.asarray(r[0::2]) for p in geom for r in p]))
        assert np.ptp(xs) / 1000 < 30


@pytest.mark.browser
def test_pacific_map_draws_no_band_in_the_browser(browser, tmp_path):
    from browser_helpers import Page

    from geodisparity.maps import choropleth, save_map

    regions = gpd.GeoDataFrame(
        {"v": [1.0, 2.0, 3.0]},
        geometry=[FIJI, crossing(182, -19, 184, -16), box(175, -19, 177, -16)], crs=4326)
    m = choropleth(regions, "v", k=3)
    page = Page(browser, save_map(m, tmp_path / "fiji.html"), m.get_name())
    try:
        widths = page.page.eval_on_selector_all(
            ".leaflet-overlay-pane path", "els => els.map(e => e.getBoundingClientRect().width)")
        map_width = page.page.evaluate(f"() => {m.get_name()}.getSize().x")
        assert len(widths) == 3 and max(widths) < 0.6 * map_width  # Fiji is 5 of 9 degrees
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()
