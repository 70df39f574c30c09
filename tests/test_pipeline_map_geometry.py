"""The maps' boundaries, simplified by a worker thread while a run computes its statistics."""

import threading
from concurrent.futures import ThreadPoolExecutor

import geopandas as gpd
import pytest
import shapely
from shapely import box

import geodisparity as gd
from geodisparity import pipeline_map_geometry
from geodisparity.errors import GeometryError


@pytest.fixture(scope="module")
def counties():
    return gd.boundaries.load("zhejiang/counties").set_index("adcode", drop=False)


def test_the_worker_gives_what_simplifying_at_the_end_gives(counties):
    expected, decimals = pipeline_map_geometry.simplified_for_maps(counties)
    with ThreadPoolExecutor(1) as pool:
        simple, got_decimals = pipeline_map_geometry.start(counties, pool).result(counties)
    assert got_decimals == decimals
    assert simple.index.equals(counties.index)
    assert shapely.equals_identical(simple.values, expected.values).all()
    assert shapely.get_num_coordinates(simple.values).sum() < 0.5 * shapely.get_num_coordinates(
        counties.geometry.values).sum()


def test_it_runs_in_another_thread_while_the_caller_goes_on(counties):
    seen = []
    original = pipeline_map_geometry.simplified_for_maps

    def spy(regions):
        seen.append(threading.current_thread().name)
        return original(regions)

    with ThreadPoolExecutor(1, thread_name_prefix="maps") as pool:
        pipeline_map_geometry.simplified_for_maps = spy
        try:
            pending = pipeline_map_geometry.start(counties, pool)
            pending.result(counties)
        finally:
            pipeline_map_geometry.simplified_for_maps = original
    assert seen and seen[0].startswith("maps")


def test_regions_changed_since_the_start_are_simplified_again(counties):
    with ThreadPoolExecutor(1) as pool:
        pending = pipeline_map_geometry.start(counties, pool)
        fewer = counties.iloc[:40]
        moved = counties.set_geometry(counties.geometry.translate(1.0, 0.0))
        for changed in (fewer, moved, counties.to_crs(3857)):
            simple, _ = pending.result(changed)
            expected, _ = pipeline_map_geometry.simplified_for_maps(changed)
            assert simple.index.equals(changed.index)
            assert shapely.equals_identical(simple.values, expected.values).all()


def test_an_error_of_the_worker_is_raised_where_the_maps_are_drawn():
    regions = gpd.GeoDataFrame({"geometry": [box(0, 0, 1, 1), shapely.Point(5, 5)]},
                               index=["a", "dot"], crs="EPSG:4326")
    with ThreadPoolExecutor(1) as pool:
        pending = pipeline_map_geometry.start(regions, pool)  # no error yet
        with pytest.raises(GeometryError, match="dot"):
            pending.result(regions)


def test_the_caller_may_change_its_frame_while_the_worker_reads(counties):
    regions = counties.copy()
    with ThreadPoolExecutor(1) as pool:
        pending = pipeline_map_geometry.start(regions, pool)
        regions["extra"] = 1.0  # the worker has a GeoSeries of its own
        regions.index.name = "renamed"
        simple, _ = pending.result(regions)
    assert simple.index.equals(regions.index)
