"""gd.zonal_stats against exactextract (exact coverage) and rasterstats (centre, all touched).

exactextract keeps coverage fractions in single precision (float32), so coverage-weighted
results agree to about 1e-7 relative, not to double precision; statistics that do not
depend on the fractions' last bits (min, max, majority with integer values) agree exactly.
"""

import numpy as np
import pytest
from zonal_helpers import CELL, CRS, blobs, grid, random_raster

import geodisparity as gd

HEIGHT, WIDTH = 30, 40


@pytest.fixture(scope="module")
def case():
    values = random_raster(HEIGHT, WIDTH, seed=11)
    regions = blobs(15, seed=11, extent=(WIDTH * CELL, HEIGHT * CELL))
    people = np.random.default_rng(12).gamma(2.0, 50.0, (HEIGHT, WIDTH))
    return values, regions, people


def _exactextract(values, regions, ops, weights=None):
    exactextract = pytest.importorskip("exactextract")
    from exactextract.raster import NumPyRasterSource

    box = dict(xmin=0.0, ymin=0.0, xmax=WIDTH * CELL, ymax=HEIGHT * CELL, srs_wkt=None)
    source = NumPyRasterSource(np.where(np.isnan(values), -1.0, values), nodata=-1.0, **box)
    weight_source = None if weights is None else NumPyRasterSource(weights, **box)
    frame = exactextract.exact_extract(source, regions.reset_index(drop=True), ops,
                                       weights=weight_source, output="pandas")
    frame.index = regions.index
    return frame


def test_exact_coverage_agrees_with_exactextract(case):
    values, regions, _ = case
    ours = gd.zonal_stats(regions, values, transform=grid(HEIGHT), crs=CRS,
                          stats=("mean", "sum", "count", "std", "min", "max", "majority"))
    theirs = _exactextract(values, regions,
                           ["mean", "sum", "count", "stdev", "min", "max", "majority"])
    for mine, their in [("mean", "mean"), ("sum", "sum"), ("count", "count"), ("std", "stdev")]:
        np.testing.assert_allclose(ours[mine], theirs[their], rtol=2e-7, err_msg=mine)
    for name in ("min", "max", "majority"):
        np.testing.assert_array_equal(ours[name], theirs[name], err_msg=name)


def test_population_weighting_agrees_with_exactextract(case):
    values, regions, people = case
    ours = gd.zonal_stats(regions, values, transform=grid(HEIGHT), crs=CRS, weights=people,
                          stats=("mean", "sum", "std"))
    theirs = _exactextract(values, regions, ["weighted_mean", "weighted_sum", "weighted_stdev"],
                           weights=people)
    for mine, their in [("mean", "weighted_mean"), ("sum", "weighted_sum"),
                        ("std", "weighted_stdev")]:
        np.testing.assert_allclose(ours[mine], theirs[their], rtol=2e-7, err_msg=mine)
    unweighted = gd.zonal_stats(regions, values, transform=grid(HEIGHT), crs=CRS, stats="mean")
    assert not np.allclose(ours["mean"], unweighted["mean"])  # the weights do matter


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # rasterstats uses affine's *
@pytest.mark.parametrize("all_touched", [False, True])
def test_centre_and_all_touched_agree_with_rasterstats(case, all_touched):
    rasterstats = pytest.importorskip("rasterstats")
    values, regions, _ = case
    mode = {"all_touched": True} if all_touched else {"coverage": "centre"}
    ours = gd.zonal_stats(regions, values, transform=grid(HEIGHT), crs=CRS,
                          stats=("mean", "sum", "count", "min", "max"), **mode)
    assert ours.attrs["coverage"] == ("all_touched" if all_touched else "centre")
    theirs = rasterstats.zonal_stats(
        list(regions.geometry), np.where(np.isnan(values), -1.0, values), nodata=-1.0,
        affine=grid(HEIGHT), all_touched=all_touched,
        stats=["mean", "sum", "count", "min", "max"],
    )
    for name in ("mean", "sum", "count", "min", "max"):
        np.testing.assert_allclose(ours[name], [row[name] for row in theirs], rtol=1e-12,
                                   err_msg=name)
    counts = ours["count"]
    assert (counts == np.round(counts)).all()  # whole cells, not fractions
