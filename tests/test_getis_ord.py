"""Getis-Ord Gi* and Gi: analytical z against exact enumeration and the null, hot-spot bins.

References: the variance of Ord and Getis (1995) is checked against the exact
randomisation variance by enumerating every permutation of a small data set;
under the null z must have mean 0 and sd 1 for any weights; the ArcGIS bins
must flag about 10 / 5 / 1 % of regions at 90 / 95 / 99 % without clustering.
"""

import itertools
import warnings

import geopandas as gpd
import numpy as np
import pytest
import scipy.sparse as sp
from shapely import points
from spatial_helpers import brute_force_p, libpysal_example, mc_tolerance, queen_lattice

import geodisparity as gd
from geodisparity.categories import HOTSPOT_BINS
from geodisparity.errors import InputError
from geodisparity.spatial.local_stats import local_gi, local_gi_star
from geodisparity.spatial.multiple_testing import benjamini_hochberg, benjamini_yekutieli
from geodisparity.spatial.weights import SpatialWeights

FUNCS = {True: local_gi_star, False: local_gi}


def quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


@pytest.fixture(scope="module")
def esda():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import esda

    return esda


@pytest.fixture(scope="module")
def columbus():
    return libpysal_example("columbus.dbf", "columbus.gal", ["CRIME", "INC", "HOVAL"])


@pytest.fixture(scope="module")
def towns():
    """150 random towns: irregular k-nearest-neighbour and kernel weights."""
    xy = np.random.default_rng(0).uniform(0, 10_000, size=(150, 2))
    regions = gpd.GeoSeries(points(xy[:, 0], xy[:, 1]), crs="EPSG:3857")
    return {
        "knn": quiet(gd.knn, regions, 5),
        "kernel": quiet(gd.kernel, regions, k=6, function="quadratic"),
    }


def dense_gi_weights(w: np.ndarray, transform: str, star: bool) -> np.ndarray:
    """The Gi / Gi* weight matrix written out directly (esda's convention for the self-weight)."""
    a = (w > 0).astype(float) if transform == "B" else w.astype(float)
    if star:
        a = a + np.diag(a.max(axis=1))
    if transform == "R":
        a = a / a.sum(axis=1, keepdims=True)
    return a


# ------------------------------------------------ variance: exact enumeration


@pytest.fixture(scope="module")
def tiny():
    """7 regions, irregular links with unequal weights, skewed values."""
    rng = np.random.default_rng(42)
    links = np.triu(rng.random((7, 7)) < 0.45, 1)
    links[np.arange(6), np.arange(1, 7)] = True  # a chain through all: no island
    w = np.zeros((7, 7))
    w[links] = rng.uniform(0.3, 2.0, links.sum())
    w = w + w.T
    x = rng.gamma(1.5, 3.0, 7) + 0.5
    return w, x


@pytest.mark.parametrize("transform", ["B", "R", "O"])
def test_gi_star_z_is_exact_under_total_randomisation(tiny, transform):
    # Ord and Getis (1995): G*_i under random permutation of all n values.
    w, x = tiny
    a = dense_gi_weights(w, transform, star=True)
    perms = np.array(list(itertools.permutations(range(7))))  # all 5,040 arrangements
    g = x[perms] @ a.T / x.sum()
    observed = a @ x / x.sum()
    exact_z = (observed - g.mean(axis=0)) / g.std(axis=0)
    out = local_gi_star(x, SpatialWeights.from_sparse(sp.csr_array(w)), permutations=0,
                        transform=transform)
    np.testing.assert_allclose(out["statistic"], observed, rtol=1e-12)
    np.testing.assert_allclose(out["z_norm"], exact_z, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("transform", ["B", "R", "O"])
def test_gi_z_is_exact_under_conditional_randomisation(tiny, transform):
    # G_i: x_i stays, the other 6 values are permuted (720 arrangements per region).
    w, x = tiny
    a = dense_gi_weights(w, transform, star=False)
    out = local_gi(x, SpatialWeights.from_sparse(sp.csr_array(w)), permutations=0,
                   transform=transform)
    for i in range(7):
        others = np.delete(np.arange(7), i)
        arrangements = others[np.array(list(itertools.permutations(range(6))))]
        draws = np.zeros((len(arrangements), 7))
        draws[:, others] = x[arrangements]
        g = draws @ a[i] / (x.sum() - x[i])
        observed = a[i] @ x / (x.sum() - x[i])
        assert out["statistic"].iloc[i] == pytest.approx(observed, rel=1e-12)
        exact = (observed - g.mean()) / g.std()
        assert out["z_norm"].iloc[i] == pytest.approx(exact, rel=1e-9, abs=1e-12)


def test_gi_pseudo_p_matches_brute_force_with_unequal_weights(columbus):
    _, weights, data = columbus
    y = data["INC"]
    matrix = sp.csr_array(weights.sparse)
    matrix.data = np.random.default_rng(0).uniform(0.2, 3.0, matrix.nnz)
    rows = sp.csr_array(matrix / matrix.sum(axis=1)[:, None])
    ref = brute_force_p(rows, lambda i, nb, wt: (y[nb] @ wt) / (y.sum() - y[i]), 4_000, seed=5)
    out = local_gi(y, SpatialWeights.from_sparse(matrix), permutations=9_999, seed=6)
    assert np.all(np.abs(out["p_sim"] - ref) <= mc_tolerance(ref, 4_000))
    np.testing.assert_allclose(out["p"], np.minimum(2 * out["p_sim"], 1))


# ------------------------------------------------ the null: mean 0, sd 1


def null_z(func, weights, transform, draws=150):
    zs = [
        func(np.random.default_rng(seed).normal(10.0, 2.0, weights.n), weights,
             permutations=0, transform=transform)["z_norm"].to_numpy()
        for seed in range(draws)
    ]
    return np.concatenate(zs)


@pytest.mark.parametrize("star", [True, False])
@pytest.mark.parametrize(
    ("graph", "transform"),
    [("lattice", "B"), ("lattice", "R"), ("knn", "B"), ("knn", "R"),
     ("kernel", "O"), ("kernel", "R")],
)
def test_z_is_standard_under_the_null(towns, graph, transform, star):
    # Before the general variance, row-standardised z had sd 0.35 (lattice)
    # and kernel z 0.19 (R) / 0.69 (O).
    weights = SpatialWeights.from_sparse(queen_lattice(12, 12)) if graph == "lattice" else (
        towns[graph])
    z = null_z(FUNCS[star], weights, transform)
    assert abs(z.mean()) < 0.03
    assert abs(z.std() - 1.0) < 0.03


@pytest.mark.parametrize("star", [True, False])
def test_row_standardising_binary_weights_leaves_z_alone(columbus, star):
    # ArcGIS: "row standardization has no impact" on the Gi* z-score: each row
    # of weights is scaled by one number, which cancels in z.
    _, weights, data = columbus
    func = FUNCS[star]
    binary = func(data["HOVAL"], weights, permutations=0, transform="B")
    rows = func(data["HOVAL"], weights, permutations=0, transform="R")
    np.testing.assert_allclose(rows["z_norm"], binary["z_norm"], rtol=1e-10)
    assert not np.allclose(rows["statistic"], binary["statistic"])


@pytest.mark.parametrize("star", [True, False])
def test_binary_weights_match_esda_and_others_do_not(esda, columbus, star):
    w, weights, data = columbus
    y = data["CRIME"]
    for transform in ("B", "R"):
        ref = quiet(esda.G_Local, y, w, transform=transform, star=star, permutations=0)
        out = FUNCS[star](y, weights, transform=transform, permutations=0)
        np.testing.assert_allclose(out["statistic"], ref.Gs, rtol=0, atol=1e-12)
        if transform == "B":
            np.testing.assert_allclose(out["z_norm"], ref.Zs, rtol=0, atol=1e-10)
            np.testing.assert_allclose(out["p_norm"], 2 * ref.p_norm, rtol=0, atol=1e-12)
        else:  # esda keeps the binary-weights variance: z shrinks by about 1 / sqrt(k + 1)
            assert np.std(ref.Zs) < 0.5 * np.std(out["z_norm"])


def test_a_region_linked_to_all_others_has_no_test():
    # Equal weights to every other region: G_i is the same in every arrangement.
    weights = SpatialWeights.from_sparse(sp.csr_array(np.ones((5, 5)) - np.eye(5)))
    out = local_gi([1.0, 2.0, 4.0, 8.0, 9.0], weights, permutations=0)
    assert out["z_norm"].isna().all()
    assert (out["p_norm"] == 1).all() and (out["gi_bin"] == 0).all()
    assert not out["significant"].any()


def test_gi_island_and_zero_totals():
    w = SpatialWeights.from_sparse(sp.csr_array([[0, 1, 0], [1, 0, 0], [0, 0, 0]]))
    out = local_gi([1.0, 2.0, 3.0], w, seed=0, permutations=99)
    assert out["cluster"].iloc[2] == "Isolated" and np.isnan(out["p"].iloc[2])
    with pytest.raises(InputError, match="other regions sum to zero for 0;"):
        local_gi([0.0, 3.0, -3.0], w, permutations=0)  # sum of the others of region 0
    with pytest.raises(InputError, match="Gi\\*"):
        local_gi_star([1.0, 2.0, -3.0], w, permutations=0)


# ------------------------------------------------ hot-spot bins (ArcGIS)


def null_bins(weights, *, permutations, datasets, **kwargs):
    bins = [
        local_gi_star(np.random.default_rng(seed).normal(10.0, 2.0, weights.n), weights,
                      permutations=permutations, seed=seed, **kwargs)["gi_bin"].to_numpy()
        for seed in range(datasets)
    ]
    return np.abs(np.concatenate(bins))


def assert_shares(bins):
    # Overlapping neighbourhoods make the regions' tests dependent: allow four
    # standard errors with a third of the regions as independent tests.
    n_effective = bins.size / 3
    for level, share in ((1, 0.10), (2, 0.05), (3, 0.01)):
        observed = np.mean(bins >= level)
        assert abs(observed - share) < 4 * np.sqrt(share * (1 - share) / n_effective), (
            level, observed)


def test_null_data_fill_the_bins_at_their_confidence_analytically(towns):
    # With the general variance: ~10 / 5 / 1 %. Before, row-standardised
    # weights flagged none at all.
    assert_shares(null_bins(towns["knn"], permutations=0, datasets=60))
    assert_shares(null_bins(SpatialWeights.from_sparse(queen_lattice(12, 12)),
                            permutations=0, datasets=60))


def test_null_data_fill_the_bins_at_their_confidence_by_permutation():
    # Two-sided pseudo p: ~10 % at 90 % (the folded p put ~20 % there).
    weights = SpatialWeights.from_sparse(queen_lattice(12, 12))
    assert_shares(null_bins(weights, permutations=999, datasets=30))


def test_bins_follow_the_two_sided_p_and_the_sign_of_z():
    weights = SpatialWeights.from_sparse(queen_lattice(12, 12))
    y = np.random.default_rng(4).gamma(2.0, size=144)
    y[:20] += 4
    out = local_gi_star(y, weights, seed=4, permutations=499)
    np.testing.assert_allclose(out["p"], np.minimum(2 * out["p_sim"], 1))
    level = np.select([out["p"] <= 0.01, out["p"] <= 0.05, out["p"] <= 0.10], [3, 2, 1], 0)
    np.testing.assert_array_equal(out["gi_bin"], level * np.sign(out["z"]).astype(int))
    np.testing.assert_array_equal(out["cluster"].astype(str), out["gi_bin"].map(HOTSPOT_BINS))
    np.testing.assert_array_equal(out["significant"], out["p"] <= 0.05)
    assert (out["gi_bin"] == 3).any() and (out["gi_bin"] < 0).any()
    analytic = local_gi_star(y, weights, permutations=0)
    level = np.select([analytic["p_norm"] <= 0.01, analytic["p_norm"] <= 0.05,
                       analytic["p_norm"] <= 0.10], [3, 2, 1], 0)
    np.testing.assert_array_equal(analytic["gi_bin"], level * np.sign(analytic["z_norm"]))


@pytest.mark.parametrize(("adjust", "oracle"), [("fdr", benjamini_hochberg),
                                                ("by", benjamini_yekutieli)])
def test_fdr_bins_use_the_adjusted_p(adjust, oracle):
    weights = SpatialWeights.from_sparse(queen_lattice(12, 12))
    y = np.random.default_rng(5).normal(size=144)
    y[:30] += 2
    out = local_gi_star(y, weights, permutations=0, adjust=adjust)
    np.testing.assert_allclose(out["q"], oracle(out["p_norm"]))
    level = np.select([out["q"] <= 0.01, out["q"] <= 0.05, out["q"] <= 0.10], [3, 2, 1], 0)
    np.testing.assert_array_equal(out["gi_bin"], level * np.sign(out["z_norm"]))
    plain = local_gi_star(y, weights, permutations=0)
    assert (out["gi_bin"] != 0).sum() < (plain["gi_bin"] != 0).sum()
    assert (out["gi_bin"] == 3).any()
