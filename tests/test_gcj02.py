"""GCJ-02 <-> WGS 84: the published forward formula and its iterative inverse."""

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely import Point, Polygon

import geodisparity as gd
from geodisparity.errors import CRSError, InputError
from geodisparity.gcj02 import gcj02_offset, gcj02_to_wgs84, wgs84_to_gcj02

# Published test vectors of another implementation (hujiulong/gcoord, test/unit/crs/*.spec.ts:
# WGS84 -> GCJ02 and GCJ02 -> WGS84 of (123, 45), compared there to 5 decimals).
GCOORD_FORWARD = ((123.0, 45.0), (123.00607541, 45.00197815))
GCOORD_INVERSE = ((123.0, 45.0), (122.99395597, 44.99804071))


def test_forward_matches_published_vector():
    (lon, lat), expected = GCOORD_FORWARD
    moved = wgs84_to_gcj02(Point(lon, lat))
    assert moved.x == pytest.approx(expected[0], abs=5e-6)
    assert moved.y == pytest.approx(expected[1], abs=5e-6)


def test_inverse_matches_published_vector():
    (lon, lat), expected = GCOORD_INVERSE
    back = gcj02_to_wgs84(Point(lon, lat))
    assert back.x == pytest.approx(expected[0], abs=5e-6)
    assert back.y == pytest.approx(expected[1], abs=5e-6)


def test_inverse_of_forward_is_identity_across_china():
    rng = np.random.default_rng(12)
    points = np.column_stack([rng.uniform(73.0, 135.0, 5000), rng.uniform(18.0, 54.0, 5000)])
    there = shapely.points(points)
    back = shapely.get_coordinates(gcj02_to_wgs84(wgs84_to_gcj02(there)))
    assert np.abs(back - points).max() < 1e-6
    forward_again = shapely.get_coordinates(wgs84_to_gcj02(gcj02_to_wgs84(there)))
    assert np.abs(forward_again - points).max() < 1e-6


def test_offset_in_zhejiang_is_a_few_hundred_metres():
    counties = gd.boundaries.load("zhejiang/counties")
    wgs84 = gcj02_to_wgs84(counties)
    xy = shapely.get_coordinates(wgs84.geometry.array)
    metres = np.hypot(*gcj02_offset(xy[:, 0], xy[:, 1]))
    assert 450 < metres.min() and metres.max() < 650  # 467-610 m measured
    # The degrees moved agree with the metres: about 1/100,000 degree per metre here.
    degrees = np.hypot(*(shapely.get_coordinates(counties.geometry.array) - xy).T)
    assert 0.004 < degrees.min() and degrees.max() < 0.0065


def test_points_measured_elsewhere():
    # Offsets measured on map data in Suzhou (465 m) and Shanghai (479 m): liketrek/TREK #1636.
    for (lon, lat), measured in (((120.62, 31.30), 465), ((121.47, 31.23), 479)):
        assert np.hypot(*gcj02_offset(lon, lat)) == pytest.approx(measured, abs=15)


def test_outside_china_unchanged():
    paris = Point(2.35, 48.85)
    assert gcj02_to_wgs84(paris).equals(paris)
    assert wgs84_to_gcj02(paris).equals(paris)


def test_geodataframe_keeps_attributes_index_and_order():
    frame = gpd.GeoDataFrame(
        {"name": ["a", "b"]},
        geometry=[Polygon([(120, 30), (120.1, 30), (120.1, 30.1)]), None],
        index=["x", "y"], crs="EPSG:4326",
    )
    result = gcj02_to_wgs84(frame)
    assert list(result.index) == ["x", "y"] and list(result["name"]) == ["a", "b"]
    assert result.geometry.iloc[1] is None
    assert result.crs.to_epsg() == 4326
    assert frame.geometry.iloc[0].exterior.coords[0] == (120, 30)  # input untouched
    series = gcj02_to_wgs84(frame.geometry)
    assert isinstance(series, gpd.GeoSeries) and series.geom_equals(result.geometry).iloc[0]


def test_no_crs_is_accepted_and_labelled():
    frame = gpd.GeoDataFrame(geometry=[Point(120, 30)])
    assert gcj02_to_wgs84(frame).crs.to_epsg() == 4326


def test_projected_input_refused():
    frame = gpd.GeoDataFrame(geometry=[Point(500000, 3300000)], crs="EPSG:32651")
    with pytest.raises(CRSError, match="projected CRS"):
        gcj02_to_wgs84(frame)


def test_not_geometries_refused():
    with pytest.raises(InputError, match="gcj02_to_wgs84: expected shapely geometries"):
        gcj02_to_wgs84([(120, 30)])


def test_public_names():
    assert gd.gcj02_to_wgs84 is gcj02_to_wgs84 and "gcj02_to_wgs84" in gd.__all__


def test_z_kept_and_only_lon_lat_moved():
    point = Point(120.0, 30.0, 55.0)
    back = gcj02_to_wgs84(point)
    assert back.has_z and back.z == 55.0
    assert back.x != 120.0 and gcj02_to_wgs84(Point(120.0, 30.0)).x == back.x
