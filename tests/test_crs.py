"""Tests of the fitted projections in geodisparity.crs.

References: the closed-form area of a latitude/longitude cell on the WGS 84
ellipsoid (authalic latitude function q, as in Snyder 1987, "Map Projections:
A Working Manual", eq. 3-12), the same on a sphere, and pyproj.Geod
(geodesic areas and distances, Karney's algorithms).
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import CRS, Geod
from shapely import box

from geodisparity import boundaries
from geodisparity.crs import area_km2, equal_area_crs, metric_crs, to_equal_area
from geodisparity.errors import CRSError, EmptyDataError, GeodisparityError, InputError

A = 6378137.0
F = 1 / 298.257223563
E = math.sqrt(2 * F - F * F)
GEOD = Geod(ellps="WGS84")


def _q(lat_deg: float) -> float:
    s = math.sin(math.radians(lat_deg))
    return (1 - E * E) * (s / (1 - E * E * s * s) - math.log((1 - E * s) / (1 + E * s)) / (2 * E))


def cell_km2(west: float, south: float, east: float, north: float) -> float:
    """Exact area of a longitude/latitude cell (edges along parallels) on WGS 84."""
    return A * A / 2 * (_q(north) - _q(south)) * math.radians(east - west) / 1e6


def cells(*boxes, crs="EPSG:4326") -> gpd.GeoSeries:
    # densified so that straight edges follow the parallels closely
    return gpd.GeoSeries([box(*b) for b in boxes], crs=crs).segmentize(0.01)


@pytest.fixture(scope="module")
def counties():
    return boundaries.load("zhejiang/counties")


def _method(crs: CRS) -> str:
    return crs.coordinate_operation.method_name


@pytest.mark.parametrize("bounds", [
    (0, 0, 1, 1), (120, 30, 121, 31), (10, 60, 11, 61), (-70, -46, -69, -45), (5, 80, 6, 81),
])
def test_cell_area_matches_closed_form(bounds):
    ours = area_km2(cells(bounds)).iloc[0]
    assert ours == pytest.approx(cell_km2(*bounds), rel=1e-4)


def test_equator_cell_against_geod_and_sphere():
    ours = area_km2(cells((0, 0, 1, 1))).iloc[0]
    geod = abs(GEOD.geometry_area_perimeter(cells((0, 0, 1, 1)).iloc[0])[0]) / 1e6
    assert ours == pytest.approx(geod, rel=1e-3)
    assert ours == pytest.approx(12_308.5, abs=0.5)
    # on a sphere of radius 6371 km the same cell is the often-quoted ~12,364 km2
    sphere = area_km2(cells((0, 0, 1, 1), crs="+proj=longlat +R=6371000 +no_defs")).iloc[0]
    expected = 6371.0**2 * math.radians(1) * math.sin(math.radians(1))
    assert sphere == pytest.approx(expected, rel=1e-4)
    assert sphere == pytest.approx(12_364, rel=1e-3)


def test_county_areas_against_geod(counties):
    ours = area_km2(counties).to_numpy()
    reference = np.array([abs(GEOD.geometry_area_perimeter(g)[0]) / 1e6
                          for g in counties.geometry])
    np.testing.assert_allclose(ours, reference, rtol=1e-3)


@pytest.mark.parametrize("kind", ["geodataframe", "geoseries", "web_mercator", "tuple", "list",
                                  "array"])
def test_albers_fitted_to_the_extent(kind, counties):
    west, south, east, north = counties.total_bounds
    data = {
        "geodataframe": counties,
        "geoseries": counties.geometry,
        "web_mercator": counties.to_crs("EPSG:3857"),
        "tuple": (west, south, east, north),
        "list": [west, south, east, north],
        "array": np.array([west, south, east, north]),
    }[kind]
    crs = equal_area_crs(data)
    assert crs.is_projected and _method(crs) == "Albers Equal Area"
    params = {p.name: p.value for p in crs.coordinate_operation.params}
    span = north - south
    assert params["Latitude of 1st standard parallel"] == pytest.approx(south + span / 6, abs=1e-6)
    assert params["Latitude of 2nd standard parallel"] == pytest.approx(north - span / 6, abs=1e-6)
    assert params["Longitude of false origin"] == pytest.approx((west + east) / 2, abs=1e-6)


def test_projected_input_gives_the_same_areas(counties):
    direct = area_km2(counties)
    via_mercator = area_km2(counties.to_crs("EPSG:3857"))
    np.testing.assert_allclose(via_mercator, direct, rtol=1e-4)


def test_antimeridian_extent_is_centred_on_180():
    halves = cells((175, -20, 180, -15), (-180, -20, -175, -15))
    crs = equal_area_crs(halves)
    assert _method(crs) == "Albers Equal Area"
    assert abs(crs.coordinate_operation.params[1].value) == pytest.approx(180.0)
    assert area_km2(halves).sum() == pytest.approx(cell_km2(175, -20, 185, -15), rel=1e-4)
    assert abs(equal_area_crs((170, -20, -170, -10)).coordinate_operation.params[1].value) == 180


def test_equator_straddling_extent_uses_lambert_azimuthal():
    data = cells((-2, -2, 2, 2))
    assert _method(equal_area_crs(data)) == "Lambert Azimuthal Equal Area"
    assert area_km2(data).iloc[0] == pytest.approx(cell_km2(-2, -2, 2, 2), rel=1e-4)


def test_global_extent_uses_equal_earth():
    data = cells((-170, -60, -10, 60), (10, -60, 170, 60))
    assert equal_area_crs(data).name == "Equal Earth"
    assert equal_area_crs((-180, -90, 180, 90)).name == "Equal Earth"
    expected = [cell_km2(-170, -60, -10, 60), cell_km2(10, -60, 170, 60)]
    np.testing.assert_allclose(area_km2(data), expected, rtol=1e-4)


def test_datum_of_the_input_is_kept(counties):
    cgcs2000 = counties.set_crs("EPSG:4490", allow_override=True)
    assert equal_area_crs(cgcs2000).geodetic_crs.datum.name == CRS("EPSG:4490").datum.name
    assert metric_crs(cgcs2000).geodetic_crs.datum.name == CRS("EPSG:4490").datum.name


@pytest.mark.parametrize("crs", [CRS.from_json(CRS("EPSG:4326").to_json()),
                                 CRS.from_wkt(CRS("EPSG:4326").to_wkt()), CRS("OGC:CRS84")])
def test_a_crs_read_from_a_file_projects_as_the_catalogued_one(crs, counties):
    # WGS 84 read from PROJJSON or WKT is replaced by PROJ's catalogued EPSG:4326 (much
    # faster to build on); CRS84 (longitude first) is not the same CRS and is kept.
    from pyproj import Transformer

    shapes = counties.geometry.iloc[:5].set_crs(crs, allow_override=True)
    projected = to_equal_area(shapes)
    direct = Transformer.from_crs(crs, projected.crs, always_xy=True)
    xy = shapes.get_coordinates().to_numpy()
    expected = np.column_stack(direct.transform(xy[:, 0], xy[:, 1]))
    np.testing.assert_array_equal(projected.get_coordinates().to_numpy(), expected)
    assert (projected.crs.geodetic_crs.to_epsg() == 4326) == (crs.to_epsg() == 4326)


def test_metric_crs_for_zhejiang_measures_distances(counties):
    crs = metric_crs(counties)
    assert crs.to_epsg() == 32651
    rng = np.random.default_rng(20261129)
    west, south, east, north = counties.total_bounds
    lon = rng.uniform(west, east, size=(2, 300))
    lat = rng.uniform(south, north, size=(2, 300))
    points = gpd.GeoSeries(gpd.points_from_xy(lon.ravel(), lat.ravel()), crs="EPSG:4326")
    xy = points.to_crs(crs)
    x, y = xy.x.to_numpy().reshape(2, -1), xy.y.to_numpy().reshape(2, -1)
    planar = np.hypot(x[0] - x[1], y[0] - y[1])
    _, _, geodesic = GEOD.inv(lon[0], lat[0], lon[1], lat[1])
    keep = geodesic > 1_000
    np.testing.assert_allclose(planar[keep], geodesic[keep], rtol=5e-3)


@pytest.mark.parametrize("bounds,epsg", [
    ((120.0, 30.0, 120.5, 30.5), 32651),
    ((-70.0, -34.0, -69.0, -33.0), 32719),
    ((2.0, 48.5, 2.5, 49.0), 32631),
    ((-180.0, 60.0, -179.0, 61.0), 32601),
])
def test_metric_crs_picks_the_utm_zone_of_the_centre(bounds, epsg):
    assert metric_crs(bounds).to_epsg() == epsg


def test_metric_crs_for_large_extents_is_equidistant_from_the_centre():
    crs = metric_crs((73.0, 18.0, 135.0, 53.0))
    assert crs.to_epsg() is None and "equidistant" in crs.name.lower()
    centre = (104.0, 35.5)
    targets = np.array([[73.0, 40.0], [135.0, 48.0], [110.0, 18.0], [87.0, 53.0]])
    projected = gpd.GeoSeries(gpd.points_from_xy(*np.vstack([centre, targets]).T),
                              crs="EPSG:4326").to_crs(crs)
    planar = np.hypot(projected.x[1:] - projected.x[0], projected.y[1:] - projected.y[0])
    _, _, geodesic = GEOD.inv(np.full(4, centre[0]), np.full(4, centre[1]),
                              targets[:, 0], targets[:, 1])
    np.testing.assert_allclose(planar, geodesic, rtol=1e-6)


def test_area_is_aligned_to_the_index_with_nan_for_missing():
    series = gpd.GeoSeries([box(120, 30, 120.1, 30.1), None, box(121, 30, 121.1, 30.1)],
                           index=["b", "a", "b"], crs="EPSG:4326")
    result = area_km2(series)
    assert list(result.index) == ["b", "a", "b"] and result.name == "area_km2"
    assert np.isnan(result["a"]) and (result["b"] > 90).all()
    empty = area_km2(series.iloc[:0])
    assert empty.empty and empty.dtype == float


@pytest.mark.parametrize("function", [equal_area_crs, metric_crs, area_km2])
def test_missing_crs_is_an_error_naming_the_argument(function):
    frame = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)])
    with pytest.raises(CRSError, match="regions(_or_bounds)? has no CRS"):
        function(frame)
    assert issubclass(CRSError, ValueError) and issubclass(CRSError, GeodisparityError)


@pytest.mark.parametrize("function", [equal_area_crs, metric_crs])
def test_empty_data_is_an_error(function):
    with pytest.raises(EmptyDataError):
        function(gpd.GeoSeries([], crs="EPSG:4326"))
    with pytest.raises(EmptyDataError):
        function(gpd.GeoSeries([None], crs="EPSG:4326"))


@pytest.mark.parametrize("bad", [
    (0, 0, 1), (0, float("nan"), 1, 1), (0, 10, 1, 5), (0, -95, 1, 1), (200, 0, 210, 1),
    "0,0,1,1", None, ("a", 0, 1, 1),
])
def test_bad_bounds_are_refused(bad):
    with pytest.raises(InputError, match="regions_or_bounds"):
        equal_area_crs(bad)


def test_area_needs_geometries():
    with pytest.raises(InputError, match="GeoDataFrame or GeoSeries"):
        area_km2(pd.DataFrame({"x": [1]}))
