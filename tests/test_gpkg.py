"""The GeoPackage writer (geodisparity._gpkg) against GDAL's, through pyogrio: the same layer."""

import sqlite3

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import MultiPolygon, Polygon, box

from geodisparity import boundaries
from geodisparity._gpkg import _plan, write_gpkg


def both(frame, tmp_path, layer="regions"):
    """Write ``frame`` with write_gpkg and with GDAL; return both paths."""
    ours, gdal = tmp_path / "ours.gpkg", tmp_path / "gdal.gpkg"
    write_gpkg(ours, frame, layer=layer)
    frame.to_file(gdal, driver="GPKG", layer=layer)
    return ours, gdal


def assert_same_layer(ours, gdal, layer="regions"):
    a = pyogrio.read_dataframe(ours, layer=layer, fid_as_index=True)
    b = pyogrio.read_dataframe(gdal, layer=layer, fid_as_index=True)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert a.crs == b.crs
    info_a, info_b = pyogrio.read_info(ours, layer=layer), pyogrio.read_info(gdal, layer=layer)
    for key in ("fields", "dtypes", "ogr_types", "ogr_subtypes"):
        assert list(info_a[key]) == list(info_b[key]), key
    for key in ("crs", "geometry_type", "features", "total_bounds", "capabilities"):
        assert str(info_a[key]) == str(info_b[key]), key
    assert pyogrio.list_layers(ours).tolist() == pyogrio.list_layers(gdal).tolist()
    queries = [f'SELECT geom FROM "{layer}" ORDER BY fid',
               f'SELECT * FROM "rtree_{layer}_geom" ORDER BY id',
               "SELECT * FROM gpkg_spatial_ref_sys ORDER BY srs_id",
               "SELECT * FROM gpkg_geometry_columns", "SELECT * FROM gpkg_extensions",
               "PRAGMA application_id", "PRAGMA user_version",
               f"SELECT sql FROM sqlite_master WHERE name = '{layer}' OR type = 'trigger' "
               f"AND name LIKE 'rtree%' ORDER BY name"]
    with sqlite3.connect(ours) as x, sqlite3.connect(gdal) as y:
        for query in queries:
            assert x.execute(query).fetchall() == y.execute(query).fetchall(), query
        assert x.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_the_counties_with_every_kind_of_column_are_written_as_gdal_writes_them(tmp_path):
    counties = boundaries.load("zhejiang/counties")
    n = len(counties)
    frame = counties.assign(
        value=np.where(np.arange(n) % 7 == 0, np.nan, np.arange(n) / 3),
        count=np.arange(n, dtype=np.int64) - 40, flag=np.arange(n) % 2 == 0,
        label=pd.Series([None if i % 5 == 0 else f"r{i} \"q\" 县" for i in range(n)],
                        dtype="string"),
        cluster=pd.Categorical(np.where(np.arange(n) % 3 == 0, None, "High-High")),
    )
    assert _plan(frame) is not None  # written here, not by GDAL
    assert_same_layer(*both(frame, tmp_path))


def test_missing_and_empty_geometries_and_polygons(tmp_path):
    frame = gpd.GeoDataFrame({"name": ["a", "b", "c"]},
                             geometry=[box(0, 0, 1, 1), None, Polygon()], crs=4326)
    assert _plan(frame) is not None
    assert_same_layer(*both(frame, tmp_path, layer="cells"), layer="cells")


@pytest.mark.parametrize("frame", [
    gpd.GeoDataFrame({"v": [1.0]}, geometry=[box(0, 0, 1, 1)], crs=3857),  # another CRS
    gpd.GeoDataFrame({"day": pd.to_datetime(["2024-01-02"])}, geometry=[box(0, 0, 1, 1)],
                     crs=4326),  # a date column
    gpd.GeoDataFrame({"v": [1, 2]}, geometry=[box(0, 0, 1, 1),
                                              MultiPolygon([box(2, 0, 3, 1)])], crs=4326),
])
def test_other_layers_are_left_to_gdal(frame, tmp_path):
    assert _plan(frame) is None
    ours = tmp_path / "ours.gpkg"
    write_gpkg(ours, frame, layer="regions")
    gdal = tmp_path / "gdal.gpkg"
    frame.to_file(gdal, driver="GPKG", layer="regions")
    pd.testing.assert_frame_equal(pyogrio.read_dataframe(ours), pyogrio.read_dataframe(gdal))
