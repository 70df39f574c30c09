"""Spatial Gini against inequality's Gini_Spatial, the double-sum formula and exact enumeration."""

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from spatial_helpers import libpysal_example, mc_tolerance, queen_lattice

from geodisparity.errors import InputError
from geodisparity.spatial.spatial_gini import SpatialGini, spatial_gini
from geodisparity.spatial.weights import SpatialWeights


@pytest.fixture(scope="module")
def gini_spatial():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from inequality.gini import Gini_Spatial

    return Gini_Spatial


@pytest.fixture()
def legacy_seed():
    """inequality permutes with NumPy's global state: seed it, then restore it."""
    state = np.random.get_state()  # noqa: NPY002
    np.random.seed(20130101)  # noqa: NPY002
    yield
    np.random.set_state(state)  # noqa: NPY002


@pytest.fixture(scope="module", params=["stl", "sids2"])
def example(request):
    if request.param == "stl":
        return libpysal_example("stl_hom.dbf", "stl.gal", ["HR8893"])
    return libpysal_example("sids2.dbf", "sids2.gal", ["SIDR74"])


def knn_example(k=4, n=60, seed=3):
    """Asymmetric k-nearest-neighbour weights (libpysal W and ours) on random points."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import libpysal

    points = np.random.default_rng(seed).random((n, 2))
    w = libpysal.weights.KNN.from_array(points, k=k)
    return w, SpatialWeights.from_sparse(w.sparse, ids=w.id_order)


def double_sum(x, binary):
    """The decomposition straight from Rey and Smith's formula, with a dense n x n matrix."""
    n = x.size
    diff = np.abs(x[:, None] - x[None, :])
    den = 2 * n * n * x.mean()
    return (diff.sum() / den, (binary * diff).sum() / den, ((1 - binary) * diff).sum() / den)


def test_statistic_matches_inequality(example, gini_spatial):
    w, ours, data = example
    x = next(iter(data.values()))
    reference = gini_spatial(x, w, permutations=0)
    result = spatial_gini(x, ours, permutations=0)
    assert result.gini == pytest.approx(reference.g, rel=1e-12)
    assert result.neighbour == pytest.approx(reference.wg / reference.den, rel=1e-12)
    assert result.non_neighbour == pytest.approx(reference.wcg_share, rel=1e-12)
    assert result.polarization == pytest.approx(reference.polarization, rel=1e-12)
    assert result.neighbour_pairs == w.s0 / 2


def test_asymmetric_knn_matches_inequality(gini_spatial):
    w, ours = knn_example()
    x = np.random.default_rng(0).lognormal(size=w.n)
    reference = gini_spatial(x, w, permutations=0)
    result = spatial_gini(x, ours, permutations=0)
    assert result.neighbour == pytest.approx(reference.wg / reference.den, rel=1e-12)
    assert result.non_neighbour == pytest.approx(reference.wcg_share, rel=1e-12)


@pytest.mark.parametrize("transform", ["B", "R"])
def test_decomposition_matches_double_sum(transform):
    matrix = queen_lattice(5, 7)
    x = np.random.default_rng(1).gamma(2.0, size=35)
    weights = SpatialWeights.from_sparse(matrix, transform=transform)
    total, near, far = double_sum(x, matrix.toarray())
    result = spatial_gini(x, weights, permutations=0)
    assert (result.gini, result.neighbour, result.non_neighbour) == pytest.approx(
        (total, near, far), rel=1e-12
    )
    assert result.non_neighbour_share == pytest.approx(far / total, rel=1e-12)


def test_weight_values_do_not_count():
    matrix = queen_lattice(4, 4)
    x = np.arange(1.0, 17.0)
    scaled = matrix.copy()
    scaled.data = np.random.default_rng(2).uniform(0.1, 5.0, scaled.nnz)
    a = spatial_gini(x, SpatialWeights.from_sparse(matrix), permutations=0)
    b = spatial_gini(x, SpatialWeights.from_sparse(scaled), permutations=0)
    assert a.to_dict() == b.to_dict()


def test_p_sim_matches_inequality_within_monte_carlo_error(example, gini_spatial, legacy_seed):
    w, ours, data = example
    x = next(iter(data.values()))
    permutations = 999
    reference = gini_spatial(x, w, permutations=permutations)
    result = spatial_gini(x, ours, permutations=permutations, seed=7)
    assert abs(result.p_sim - reference.p_sim) <= mc_tolerance(reference.p_sim, permutations)
    spread = reference.s_wcg / reference.den
    assert result.expected_sim == pytest.approx(
        reference.e_wcg / reference.den, abs=6 * spread / np.sqrt(permutations)
    )
    assert np.sqrt(result.variance_sim) == pytest.approx(spread, rel=0.15)


def test_p_sim_matches_exact_enumeration():
    """All 7! placements of the values on a chain give the exact permutation p-value."""
    matrix = sp.diags_array([np.ones(6), np.ones(6)], offsets=[-1, 1]).tocsr()
    x = np.array([1.0, 1.5, 2.0, 4.0, 4.5, 7.0, 9.0])
    links = matrix.toarray()

    def far(v):
        return double_sum(v, links)[2]

    observed = far(x)
    null = np.array([far(x[list(p)]) for p in itertools.permutations(range(7))])
    exact = (min((null >= observed - 1e-12).mean(), (null <= observed + 1e-12).mean()))
    permutations = 9_999
    result = spatial_gini(x, SpatialWeights.from_sparse(matrix), permutations=permutations, seed=4)
    assert result.non_neighbour == pytest.approx(observed, rel=1e-12)
    assert abs(result.p_sim - exact) <= mc_tolerance(exact, permutations)
    assert result.expected_sim == pytest.approx(null.mean(), rel=0.01)


def test_seed_reproduces_and_fields_always_exist():
    weights = SpatialWeights.from_sparse(queen_lattice(6, 6))
    x = np.random.default_rng(5).random(36) + 1
    a = spatial_gini(x, weights, permutations=99, seed=11)
    b = spatial_gini(x, weights, permutations=99, seed=11)
    assert a == b and a.permutations == 99
    none = spatial_gini(x, weights, permutations=0)
    assert none.p_sim is None and none.z_sim is None
    frame = none.to_frame()
    assert list(frame.columns) == list(SpatialGini.__dataclass_fields__)
    assert "SpatialGini(gini = " in repr(a) and "p_sim" in repr(a)


def test_series_by_label_data_column_and_nan_drop():
    matrix = queen_lattice(3, 3)
    ids = [f"r{i}" for i in range(9)]
    weights = SpatialWeights.from_sparse(matrix, ids=ids)
    x = np.arange(1.0, 10.0)
    shuffled = pd.Series(x, index=ids).iloc[::-1]
    expected = spatial_gini(x, weights, permutations=0)
    assert spatial_gini(shuffled, weights, permutations=0) == expected
    frame = pd.DataFrame({"income": shuffled})
    assert spatial_gini("income", weights, data=frame, permutations=0) == expected
    with_nan = x.copy()
    with_nan[4] = np.nan
    dropped = spatial_gini(with_nan, weights, permutations=0, nan="drop")
    kept = np.delete(np.arange(9), 4)
    total, near, far = double_sum(x[kept], matrix.toarray()[np.ix_(kept, kept)])
    assert (dropped.gini, dropped.neighbour, dropped.non_neighbour) == pytest.approx(
        (total, near, far), rel=1e-12
    )
    with pytest.raises(InputError, match="r4"):
        spatial_gini(with_nan, weights)


@pytest.mark.parametrize(
    ("values", "kwargs", "message"),
    [
        ([0.0, 0.0, 0.0, 0.0], {}, "positive mean"),
        ([1.0, 2.0, 3.0, 4.0], {"permutations": -1}, "permutations must be >= 0"),
        ([1.0, 2.0, 3.0, 4.0], {"permutations": 9.5}, "permutations must be an integer"),
        ([1.0, 2.0, 3.0], {}, "3 values but the weights have 4"),
    ],
)
def test_bad_input(values, kwargs, message):
    weights = SpatialWeights.from_sparse(queen_lattice(2, 2))
    with pytest.raises(InputError, match=message):
        spatial_gini(values, weights, **kwargs)


def test_equal_values_are_not_significant():
    weights = SpatialWeights.from_sparse(queen_lattice(3, 3))
    result = spatial_gini(np.full(9, 2.0), weights, permutations=99, seed=0)
    assert result.gini == 0 and result.p_sim == 1.0 and np.isnan(result.non_neighbour_share)


def test_notebook_display_is_a_table_of_the_fields():
    weights = SpatialWeights.from_sparse(queen_lattice(3, 3))
    page = spatial_gini(np.arange(1.0, 10.0), weights, permutations=9, seed=0)._repr_html_()
    assert page.startswith("<table")
    for name in SpatialGini.__dataclass_fields__:
        assert f"<th>{name}</th>" in page
