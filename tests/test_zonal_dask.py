"""Tiles as Dask tasks give the single-process results, on threads and on a local cluster."""

import sys

import numpy as np
import pandas as pd
import pytest
from zonal_helpers import CELL, CRS, blobs, grid, random_raster, write_tif

import geodisparity as gd
from geodisparity.errors import MissingDependencyError

STATS = ("mean", "sum", "count", "min", "max", "std", "majority")
HEIGHT, WIDTH = 48, 64


@pytest.fixture(scope="module")
def tiled(tmp_path_factory):
    values = random_raster(HEIGHT, WIDTH, seed=5)
    people = np.random.default_rng(6).gamma(2.0, 40.0, (HEIGHT, WIDTH))
    folder = tmp_path_factory.mktemp("zonal_dask")
    path = write_tif(folder / "values.tif", values, grid(HEIGHT), tiled=True)
    weights = write_tif(folder / "people.tif", people, grid(HEIGHT), tiled=True)
    regions = blobs(14, seed=5, extent=(WIDTH * CELL, HEIGHT * CELL))
    return path, weights, regions


def test_dask_threads_equal_the_single_process_exactly(tiled):
    pytest.importorskip("dask")
    path, weights, regions = tiled
    single = gd.zonal_stats(regions, path, stats=STATS, weights=weights, tile=16)
    threads = gd.zonal_stats(regions, path, stats=STATS, weights=weights, tile=16, dask=True)
    assert single.attrs["tiles"] == threads.attrs["tiles"] == 12
    pd.testing.assert_frame_equal(threads, single, check_exact=True)
    # Arrays are cut into tiles too (each task receives only its tile).
    values = random_raster(HEIGHT, WIDTH, seed=5)
    from_array = gd.zonal_stats(regions, values, transform=grid(HEIGHT), crs=CRS, stats=STATS,
                                tile=16, dask=True)
    pd.testing.assert_frame_equal(
        from_array, gd.zonal_stats(regions, path, stats=STATS, tile=16), check_exact=True)


@pytest.mark.slow
def test_a_local_cluster_with_two_workers_equals_the_single_process(tiled):
    distributed = pytest.importorskip("distributed")
    path, weights, regions = tiled
    single = gd.zonal_stats(regions, path, stats=STATS, weights=weights, tile=(16, 32))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            given = gd.zonal_stats(regions, path, stats=STATS, weights=weights, tile=(16, 32),
                                   client=client)
            active = gd.zonal_stats(regions, path, stats=STATS, weights=weights,
                                    tile=(16, 32), dask=True)   # the active client
            ran_on = client.run(lambda: True)
    assert len(ran_on) == 2
    pd.testing.assert_frame_equal(given, single, check_exact=True)
    pd.testing.assert_frame_equal(active, single, check_exact=True)


def test_without_dask_the_error_names_the_extra(tiled, monkeypatch):
    path, _, regions = tiled
    monkeypatch.setitem(sys.modules, "dask", None)
    with pytest.raises(MissingDependencyError, match=r"geodisparity\[dask\]"):
        gd.zonal_stats(regions, path, stats="mean", dask=True)
    # Without dask=True nothing needs dask.
    assert gd.zonal_stats(regions, path, stats="mean", tile=16)["mean"].notna().any()
