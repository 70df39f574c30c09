"""Global statistics against esda: analytical values exact, permutation p within MC error."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from spatial_helpers import libpysal_example, mc_tolerance, queen_lattice

from geodisparity.errors import InputError
from geodisparity.spatial.global_stats import (
    GearyResult,
    GetisOrdResult,
    MoranBivariateResult,
    MoranResult,
    geary,
    getis_ord_g,
    moran,
    moran_bivariate,
)
from geodisparity.spatial.weights import SpatialWeights

MANY = 9_999


@pytest.fixture(scope="module")
def esda():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import esda

    return esda


@pytest.fixture(scope="module", params=["stl", "sids2"])
def example(request):
    if request.param == "stl":
        return libpysal_example("stl_hom.dbf", "stl.gal", ["HR8893", "HR7984"])
    return libpysal_example("sids2.dbf", "sids2.gal", ["SIDR74", "SIDR79"])


def first_two(data):
    a, b = list(data)
    return data[a], data[b]


def assert_close(ours, reference, name):
    assert ours == pytest.approx(reference, rel=1e-10, abs=1e-12), name


@pytest.fixture()
def legacy_seed():
    """esda's global statistics draw from NumPy's global state: seed it, then restore it."""
    state = np.random.get_state()  # noqa: NPY002
    np.random.seed(12345)  # noqa: NPY002
    yield
    np.random.set_state(state)  # noqa: NPY002


def test_moran_matches_esda(esda, example, legacy_seed):
    w, ours_w, data = example
    y, _ = first_two(data)
    ref = esda.Moran(y, w, permutations=MANY)
    ours = moran(y, ours_w, permutations=MANY, seed=1)
    for mine, theirs in [
        ("statistic", "I"), ("expected", "EI"), ("variance_norm", "VI_norm"),
        ("variance_rand", "VI_rand"), ("z_norm", "z_norm"), ("z_rand", "z_rand"),
        ("p_norm", "p_norm"), ("p_rand", "p_rand"),
    ]:
        assert_close(getattr(ours, mine), getattr(ref, theirs), mine)
    assert abs(ours.p_sim - ref.p_sim) <= mc_tolerance(ref.p_sim, MANY)
    assert ours.z_sim == pytest.approx(ref.z_sim, abs=0.2)
    assert ours.expected_sim == pytest.approx(ref.EI_sim, abs=5 * ref.seI_sim / np.sqrt(MANY))


def test_geary_matches_esda(esda, example, legacy_seed):
    w, ours_w, data = example
    y, _ = first_two(data)
    ref = esda.Geary(y, w, permutations=MANY)
    ours = geary(y, ours_w, permutations=MANY, seed=2)
    for mine, theirs in [
        ("statistic", "C"), ("expected", "EC"), ("variance_norm", "VC_norm"),
        ("variance_rand", "VC_rand"), ("z_norm", "z_norm"), ("z_rand", "z_rand"),
    ]:
        assert_close(getattr(ours, mine), getattr(ref, theirs), mine)
    # esda's Geary p-values are one-sided; ours are two-sided.
    assert_close(ours.p_norm, 2 * ref.p_norm, "p_norm")
    assert_close(ours.p_rand, 2 * ref.p_rand, "p_rand")
    assert abs(ours.p_sim - ref.p_sim) <= mc_tolerance(ref.p_sim, MANY)


def test_getis_ord_g_matches_esda(esda, example, legacy_seed):
    w, ours_w, data = example
    y, _ = first_two(data)
    ref = esda.G(y, w, permutations=MANY)
    ours = getis_ord_g(y, ours_w, permutations=MANY, seed=3)
    assert ours.transform == "B"
    assert_close(ours.statistic, ref.G, "G")
    assert_close(ours.expected, ref.EG, "EG")
    assert_close(ours.variance_rand, ref.VG, "VG")
    assert_close(ours.z_rand, ref.z_norm, "z")
    assert_close(ours.p_rand, 2 * ref.p_norm, "p")  # esda: one-sided
    assert ours.z_norm is None and ours.variance_norm is None
    assert abs(ours.p_sim - ref.p_sim) <= mc_tolerance(ref.p_sim, MANY)


def test_moran_bivariate_matches_esda(esda, example, legacy_seed):
    w, ours_w, data = example
    x, y = first_two(data)
    ref = esda.Moran_BV(x, y, w, permutations=MANY)
    ours = moran_bivariate(x, y, ours_w, permutations=MANY, seed=4)
    assert_close(ours.statistic, ref.I, "I")
    assert ours.expected is None and ours.z_norm is None
    assert abs(ours.p_sim - ref.p_sim) <= mc_tolerance(ref.p_sim, MANY)


def test_binary_transform_matches_esda(esda, example):
    w, ours_w, data = example
    y, _ = first_two(data)
    ref = esda.Moran(y, w, transformation="b", permutations=0)
    ours = moran(y, ours_w, transform="B", permutations=0)
    assert_close(ours.statistic, ref.I, "I")
    assert_close(ours.z_rand, ref.z_rand, "z_rand")
    ref = esda.Geary(y, w, transformation="b", permutations=0)
    assert_close(geary(y, ours_w, transform="B", permutations=0).statistic, ref.C, "C")


# --------------------------------------------------------------- behaviour


@pytest.fixture()
def grid():
    weights = SpatialWeights.from_sparse(queen_lattice(10, 10))
    y = np.random.default_rng(0).gamma(2.0, size=100)
    y[:30] += 3
    return weights, y


@pytest.mark.parametrize(
    "func, cls", [(moran, MoranResult), (geary, GearyResult), (getis_ord_g, GetisOrdResult)]
)
def test_without_permutations_the_simulation_fields_are_none(grid, func, cls):
    weights, y = grid
    result = func(y, weights, permutations=0)
    assert isinstance(result, cls)
    assert result.permutations == 0
    assert all(getattr(result, f) is None for f in
               ("p_sim", "expected_sim", "variance_sim", "z_sim", "p_z_sim"))
    assert set(result.to_dict()) >= {"name", "statistic", "p_sim", "z_rand"}
    assert "p_sim" not in repr(result) and type(result).__name__ in repr(result)


def test_bivariate_result_fields(grid):
    weights, y = grid
    result = moran_bivariate(y, y[::-1].copy(), weights, seed=1, permutations=99)
    assert isinstance(result, MoranBivariateResult)
    frame = result.to_frame()
    assert frame.shape[0] == 1 and frame.loc[0, "permutations"] == 99
    assert "p_sim 0." in repr(result)


@pytest.mark.parametrize("func", [moran, geary, getis_ord_g])
def test_seeded_permutations_repeat_and_differ(grid, func):
    weights, y = grid
    a = func(y, weights, seed=7, permutations=199)
    assert a == func(y, weights, seed=7, permutations=199)
    others = {func(y, weights, seed=s, permutations=199).expected_sim for s in (8, 9)}
    assert a.expected_sim not in others


def test_results_are_frozen(grid):
    weights, y = grid
    result = moran(y, weights, permutations=0)
    with pytest.raises(AttributeError):
        result.statistic = 0.0


def test_labelled_series_are_aligned(grid):
    weights, y = grid
    series = pd.Series(y, index=weights.ids).iloc[::-1]
    assert moran(series, weights, permutations=0) == moran(y, weights, permutations=0)
    with pytest.raises(InputError, match="does not match"):
        moran(series.reset_index(drop=True).rename(lambda i: i + 1), weights)


def test_nan_drop_removes_the_region_and_its_links(grid):
    weights, y = grid
    y = y.copy()
    y[5] = np.nan
    with pytest.raises(InputError, match="nan='drop'"):
        moran(y, weights)
    kept = np.arange(100) != 5
    sub = SpatialWeights.from_sparse(weights.sparse[kept][:, kept])
    dropped = moran(y, weights, nan="drop", permutations=0)
    assert dropped.n == 99
    assert dropped.statistic == pytest.approx(moran(y[kept], sub, permutations=0).statistic)


def test_bad_inputs_are_refused(grid):
    weights, y = grid
    with pytest.raises(InputError, match="constant"):
        moran(np.ones(100), weights)
    with pytest.raises(InputError, match="non-negative"):
        getis_ord_g(y - 10, weights)
    with pytest.raises(InputError, match="permutations"):
        geary(y, weights, permutations=-5)
    with pytest.raises(InputError, match="transform"):
        moran(y, weights, transform="X")
    with pytest.raises(InputError, match="at least 4"):
        moran([1.0, 2.0], SpatialWeights.from_sparse([[0, 1], [1, 0]]))
    no_links = SpatialWeights.from_sparse(sp.csr_array((5, 5)))
    with pytest.raises(InputError, match="no links"):
        moran([1.0, 2.0, 3.0, 4.0, 5.0], no_links)


def test_islands_match_esda(esda, example):
    import libpysal

    _, ours_w, data = example
    y, _ = first_two(data)
    matrix = sp.lil_array(ours_w.sparse)
    matrix[3, :] = 0
    matrix[:, 3] = 0
    island_w = SpatialWeights.from_sparse(sp.csr_array(matrix))
    assert island_w.islands == [3]
    w = libpysal.weights.WSP(island_w.sparse).to_W(silence_warnings=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = esda.Moran(y, w, permutations=0)
    ours = moran(y, island_w, permutations=0)
    assert_close(ours.statistic, ref.I, "I")
    assert_close(ours.z_rand, ref.z_rand, "z_rand")
