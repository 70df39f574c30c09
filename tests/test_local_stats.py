"""Local statistics against esda (observed values exact, p-values within Monte Carlo error)."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from spatial_helpers import brute_force_p, libpysal_example, mc_tolerance, queen_lattice

from geodisparity.categories import HOTSPOT_BINS, HOTSPOT_LABELS, LISA_LABELS
from geodisparity.errors import InputError
from geodisparity.spatial.local_geary import local_geary
from geodisparity.spatial.local_stats import (
    local_gi_star,
    local_moran,
    local_moran_bivariate,
)
from geodisparity.spatial.multiple_testing import benjamini_hochberg
from geodisparity.spatial.weights import SpatialWeights

MANY = 9_999  # permutations for the comparisons with esda


@pytest.fixture(scope="module")
def esda():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import esda

    return esda


@pytest.fixture(scope="module")
def columbus():
    # Continuous variables: no ties, where esda's tie rule and ours would differ.
    return libpysal_example("columbus.dbf", "columbus.gal", ["CRIME", "INC", "HOVAL"])


def quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


def assert_p_close(ours, reference, permutations=MANY):
    ours, reference = np.asarray(ours, float), np.asarray(reference, float)
    assert np.all(np.abs(ours - reference) <= mc_tolerance(reference, permutations))


# --------------------------------------------------------------- vs esda: statistics


def row_standardised(w):
    matrix = sp.csr_array(w.sparse)
    return sp.csr_array(matrix / matrix.sum(axis=1)[:, None])


def test_local_moran_statistic_and_quadrant_match_esda(esda, columbus):
    w, ours_w, data = columbus
    for transform in ("r", "b"):
        for column in ("CRIME", "HOVAL"):
            y = data[column]
            ref = quiet(esda.Moran_Local, y, w, transformation=transform, permutations=0)
            out = local_moran(y, ours_w, transform=transform.upper(), permutations=0)
            np.testing.assert_allclose(out["statistic"], ref.Is, rtol=0, atol=1e-10)
            np.testing.assert_array_equal(out["quadrant"], ref.q)


def test_local_gi_star_statistic_and_analytical_z_match_esda(esda, columbus):
    w, ours_w, data = columbus
    y = data["CRIME"]
    binary = quiet(esda.G_Local, y, w, transform="B", star=True, permutations=0)
    for transform in ("R", "B"):
        ref = quiet(esda.G_Local, y, w, transform=transform, star=True, permutations=0)
        out = local_gi_star(y, ours_w, transform=transform, permutations=0)
        np.testing.assert_allclose(out["statistic"], ref.Gs, rtol=0, atol=1e-10)
        # esda's z is right for binary weights only; ours does not change when the
        # rows are standardised (see test_getis_ord.py). esda's p_norm is one-sided.
        np.testing.assert_allclose(out["z_norm"], binary.Zs, rtol=0, atol=1e-10)
        np.testing.assert_allclose(out["p_norm"], 2 * binary.p_norm, rtol=0, atol=1e-12)


def test_local_geary_statistic_matches_esda(esda, columbus):
    w, ours_w, data = columbus
    ref = quiet(esda.Geary_Local(connectivity=w, permutations=0).fit, data["INC"])
    out = local_geary(data["INC"], ours_w, permutations=0)
    np.testing.assert_allclose(out["statistic"], ref.localG, rtol=0, atol=1e-10)


def test_local_moran_bivariate_statistic_matches_esda(esda, columbus):
    w, ours_w, data = columbus
    x, y = data["INC"], data["CRIME"]
    ref = quiet(esda.Moran_Local_BV, x, y, w, permutations=0)
    out = local_moran_bivariate(x, y, ours_w, permutations=0)
    np.testing.assert_allclose(out["statistic"], ref.Is, rtol=0, atol=1e-10)
    np.testing.assert_array_equal(out["quadrant"], ref.q)


# ------------------------------------------- p-values vs a brute-force permutation


def test_local_moran_p_matches_brute_force(columbus):
    _, ours_w, data = columbus
    y = data["HOVAL"]
    z = (y - y.mean()) / y.std()
    matrix = row_standardised(ours_w)
    ref = brute_force_p(matrix, lambda i, nb, wt: z[i] * (z[nb] @ wt), 4_000, seed=1)
    out = local_moran(y, ours_w, permutations=MANY, seed=2)
    assert_p_close(out["p_sim"], ref, 4_000)


def test_local_geary_p_matches_brute_force(columbus):
    _, ours_w, data = columbus
    y = data["CRIME"]
    z = (y - y.mean()) / y.std()
    matrix = row_standardised(ours_w)
    ref = brute_force_p(matrix, lambda i, nb, wt: ((z[i] - z[nb]) ** 2) @ wt, 4_000, seed=3)
    out = local_geary(y, ours_w, permutations=MANY, seed=4)
    assert_p_close(out["p_sim"], ref, 4_000)


def test_gi_star_p_matches_brute_force_with_unequal_weights(columbus):
    _, ours_w, data = columbus
    y = data["INC"]
    rng = np.random.default_rng(0)
    matrix = sp.csr_array(ours_w.sparse)
    matrix.data = rng.uniform(0.2, 3.0, matrix.nnz)  # unequal weights: the general path
    unequal = SpatialWeights.from_sparse(matrix, ids=ours_w.ids)
    own = np.asarray(matrix.max(axis=1).toarray()).ravel()
    star = sp.csr_array(matrix / (matrix.sum(axis=1) + own)[:, None])
    own = own / (np.asarray(matrix.sum(axis=1)).ravel() + own)
    ref = brute_force_p(
        star, lambda i, nb, wt: (own[i] * y[i] + y[nb] @ wt) / y.sum(), 4_000, seed=5
    )
    out = local_gi_star(y, unequal, permutations=MANY, seed=6)
    assert_p_close(out["p_sim"], ref, 4_000)


# --------------------------------------------------------------- vs esda: p-values


@pytest.mark.slow
def test_local_moran_p_matches_esda(esda, columbus):
    w, ours_w, data = columbus
    y = data["CRIME"]
    ref = quiet(esda.Moran_Local, y, w, transformation="r", permutations=MANY, seed=11)
    out = local_moran(y, ours_w, permutations=MANY, seed=1)
    assert_p_close(out["p_sim"], ref.p_sim)
    np.testing.assert_allclose(out["z"], ref.z_sim, atol=0.2)


@pytest.mark.slow
def test_local_moran_unequal_weights_p_matches_esda(esda, columbus):
    import libpysal

    _, _, data = columbus
    # Inverse-distance weights between centroids: every row has unequal weights.
    table = libpysal.io.open(libpysal.examples.get_path("columbus.dbf"))
    xy = np.column_stack([np.asarray(table.by_col(c)) for c in ("X", "Y")])
    dist = quiet(libpysal.weights.DistanceBand, xy, threshold=12.0, binary=False, alpha=-1.0)
    ours_w = SpatialWeights.from_sparse(dist.sparse, ids=dist.id_order)
    assert not ours_w.islands
    y = data["INC"]
    ref = quiet(esda.Moran_Local, y, dist, transformation="r", permutations=MANY, seed=3)
    out = local_moran(y, ours_w, permutations=MANY, seed=3)
    np.testing.assert_allclose(out["statistic"], ref.Is, rtol=0, atol=1e-10)
    assert_p_close(out["p_sim"], ref.p_sim)


@pytest.mark.slow
def test_local_gi_star_p_matches_esda(esda, columbus):
    w, ours_w, data = columbus
    y = data["CRIME"]
    ref = quiet(esda.G_Local, y, w, transform="R", star=True, permutations=MANY, seed=4,
                n_jobs=1)
    out = local_gi_star(y, ours_w, permutations=MANY, seed=4)
    assert_p_close(out["p_sim"], ref.p_sim)
    np.testing.assert_allclose(out["z"], ref.z_sim, atol=0.2)


@pytest.mark.slow
def test_local_geary_p_matches_esda(esda, columbus):
    w, ours_w, data = columbus
    y = data["INC"]
    ref = quiet(esda.Geary_Local(connectivity=w, permutations=MANY).fit, y)
    out = local_geary(y, ours_w, permutations=MANY, seed=6)
    assert_p_close(out["p_sim"], ref.p_sim)


@pytest.mark.slow
def test_local_moran_bivariate_p_matches_esda(esda, columbus):
    w, ours_w, data = columbus
    x, y = data["INC"], data["CRIME"]
    ref = quiet(esda.Moran_Local_BV, x, y, w, permutations=MANY, seed=7)
    out = local_moran_bivariate(x, y, ours_w, permutations=MANY, seed=7)
    assert_p_close(out["p_sim"], ref.p_sim)


# --------------------------------------------------------------- islands


@pytest.fixture(scope="module")
def with_island(columbus):
    w, _, data = columbus
    matrix = sp.lil_array(w.sparse)
    matrix[0, :] = 0
    matrix[:, 0] = 0
    return SpatialWeights.from_sparse(sp.csr_array(matrix)), data["CRIME"]


@pytest.mark.parametrize("func", [local_moran, local_gi_star, local_geary])
def test_an_island_is_isolated_and_never_significant(func, with_island):
    weights, y = with_island
    y = y.copy()
    y[0] = y.min() - 100  # extreme: esda would call it a significant Low-Low
    out = func(y, weights, seed=0, adjust="fdr")
    row = out.iloc[0]
    assert row["cluster"] == "Isolated"
    assert not row["significant"]
    assert np.isnan(row["p_sim"]) and np.isnan(row["q"]) and np.isnan(row["statistic"])
    assert out["cluster"].iloc[1:].ne("Isolated").all()
    assert out["q"].iloc[1:].notna().all()


def test_esda_calls_the_island_low_low_and_we_do_not(esda, with_island):
    import libpysal

    weights, y = with_island
    y = y.copy()
    y[0] = y.min() - 100
    w = quiet(libpysal.weights.WSP(weights.sparse).to_W, silence_warnings=True)
    ref = quiet(esda.Moran_Local, y, w, permutations=0)
    assert ref.q[0] == 3  # esda: "Low-Low" (lag 0 counts as low)
    assert local_moran(y, weights, seed=1)["quadrant"].iloc[0] == 0


# --------------------------------------------------------------- columns and labels


@pytest.mark.parametrize("func", [local_moran])  # local Geary: see test_local_geary.py
def test_cluster_labels_follow_quadrant_and_significance(func):
    weights = SpatialWeights.from_sparse(queen_lattice(12, 12))
    y = np.random.default_rng(3).standard_normal(144)
    y[:30] += 3  # a high block
    out = func(y, weights, seed=3, permutations=199)
    assert list(out["cluster"].cat.categories) == list(LISA_LABELS)
    expected = np.where(
        out["significant"],
        out["quadrant"].map({1: "High-High", 2: "Low-High", 3: "Low-Low", 4: "High-Low"}),
        "Not significant",
    )
    np.testing.assert_array_equal(out["cluster"].astype(str), expected)
    np.testing.assert_array_equal(out["significant"], out["p_sim"] <= 0.05)
    assert (out["cluster"] == "High-High").any()


def test_gi_star_bins_follow_p_and_sign():
    weights = SpatialWeights.from_sparse(queen_lattice(12, 12))
    y = np.random.default_rng(4).gamma(2.0, size=144)
    y[:20] += 4
    out = local_gi_star(y, weights, seed=4, permutations=499)
    p, z = np.minimum(2 * out["p_sim"], 1), out["z"]  # two-sided, as ArcGIS's bins
    level = np.select([p <= 0.01, p <= 0.05, p <= 0.10], [3, 2, 1], 0)
    np.testing.assert_array_equal(out["gi_bin"], level * np.sign(z).astype(int))
    labels = out["gi_bin"].map(HOTSPOT_BINS)
    np.testing.assert_array_equal(out["cluster"].astype(str), labels)
    assert list(out["cluster"].cat.categories) == list(HOTSPOT_LABELS)
    assert (out["gi_bin"] == 3).any()


def test_gi_star_without_permutations_uses_the_analytical_p():
    weights = SpatialWeights.from_sparse(queen_lattice(8, 8))
    y = np.arange(64.0) + 1
    out = local_gi_star(y, weights, permutations=0, transform="B")
    assert out["p_sim"].isna().all() and out["z"].isna().all()
    np.testing.assert_array_equal(out["significant"], out["p_norm"] <= 0.05)
    assert out["significant"].any()


def test_fdr_column_is_benjamini_hochberg_of_p_sim():
    weights = SpatialWeights.from_sparse(queen_lattice(10, 10))
    y = np.random.default_rng(5).standard_normal(100)
    y[:25] += 2
    out = local_moran(y, weights, seed=5, adjust="fdr", permutations=999)
    np.testing.assert_allclose(out["q"], benjamini_hochberg(out["p_sim"]))
    np.testing.assert_array_equal(out["significant"], out["q"] <= 0.05)
    plain = local_moran(y, weights, seed=5, permutations=999)
    assert plain["q"].isna().all()
    assert out["significant"].sum() <= plain["significant"].sum()
    bonf = local_moran(y, weights, seed=5, adjust="bonferroni", permutations=999)
    np.testing.assert_allclose(bonf["q"], np.minimum(plain["p_sim"] * 100, 1))


def test_zero_deviation_region_is_not_significant():
    # z_i = 0: the statistic is 0 whatever the draws (esda reports p = 1/(P+1)).
    weights = SpatialWeights.from_sparse(queen_lattice(5, 5))
    y = np.arange(25.0)
    y[12] = y.mean()
    out = local_moran(y, weights, seed=0, permutations=99)
    assert out["p_sim"].iloc[12] == 1.0 and not out["significant"].iloc[12]


def test_seeds_repeat_and_differ():
    weights = SpatialWeights.from_sparse(queen_lattice(15, 15))
    y = np.random.default_rng(6).standard_normal(225)
    a = local_moran(y, weights, seed=42, permutations=99)
    pd.testing.assert_frame_equal(a, local_moran(y, weights, seed=42, permutations=99))
    assert not a["p_sim"].equals(local_moran(y, weights, seed=43, permutations=99)["p_sim"])


# --------------------------------------------------------------- inputs


@pytest.fixture()
def small():
    ids = pd.Index(["c", "a", "b", "d", "e"], name="code")
    matrix = sp.diags_array([np.ones(4), np.ones(4)], offsets=[-1, 1])
    return SpatialWeights.from_sparse(matrix, ids=ids), np.array([1.0, 3.0, 2.0, 8.0, 9.0])


def test_output_is_indexed_by_the_weights_ids(small):
    weights, y = small
    out = local_moran(y, weights, seed=0, permutations=9)
    assert out.index.equals(weights.ids)


@pytest.mark.parametrize("form", ["array", "list", "series", "shuffled", "column"])
def test_input_forms_agree(small, form):
    weights, y = small
    series = pd.Series(y, index=weights.ids)
    kwargs = {}
    if form == "array":
        values = y
    elif form == "list":
        values = y.tolist()
    elif form == "series":
        values = series
    elif form == "shuffled":
        values = series.sample(frac=1.0, random_state=0)
    else:
        values, kwargs = "v", {"data": series.to_frame("v").iloc[::-1]}
    out = local_moran(values, weights, seed=1, permutations=19, **kwargs)
    ref = local_moran(y, weights, seed=1, permutations=19)
    pd.testing.assert_frame_equal(out, ref)


def test_series_with_other_labels_is_refused(small):
    weights, y = small
    with pytest.raises(InputError, match="does not match the weights' ids"):
        local_moran(pd.Series(y, index=list("vwxyz")), weights)


def test_wrong_length_array_is_refused(small):
    weights, y = small
    with pytest.raises(InputError, match="4 values but the weights have 5"):
        local_moran(y[:4], weights)


def test_nan_raises_or_drops(small):
    weights, y = small
    y = y.copy()
    y[2] = np.nan
    with pytest.raises(InputError, match="b"):
        local_moran(y, weights)
    out = local_moran(y, weights, nan="drop", seed=0, permutations=9)
    assert np.isnan(out["statistic"].iloc[2]) and pd.isna(out["cluster"].iloc[2])
    # Dropping region b cuts the chain c-a | d-e; the rest is computed on the kept regions.
    kept = [0, 1, 3, 4]
    sub = SpatialWeights.from_sparse(weights.sparse[kept][:, kept], ids=weights.ids[kept])
    ref = local_moran(y[kept], sub, seed=0, permutations=9)
    np.testing.assert_allclose(out["statistic"].iloc[kept], ref["statistic"])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"permutations": -1}, "permutations"),
        ({"permutations": 9.5}, "permutations"),
        ({"alpha": 1.5}, "alpha"),
        ({"adjust": "holm"}, "adjust"),
        ({"transform": "V"}, "transform"),
    ],
)
def test_bad_options_are_refused(small, kwargs, match):
    weights, y = small
    with pytest.raises(InputError, match=match):
        local_moran(y, weights, **kwargs)


@pytest.mark.parametrize("func", [local_moran, local_gi_star, local_geary])
def test_constant_or_single_values_are_refused(func):
    weights = SpatialWeights.from_sparse(queen_lattice(3, 3))
    with pytest.raises(InputError, match="constant"):
        func(np.ones(9), weights)
    one = SpatialWeights.from_sparse(sp.csr_array((1, 1)))
    with pytest.raises(InputError, match="at least 2"):
        func([1.0], one)


def test_empty_input_is_refused():
    empty = SpatialWeights.from_sparse(sp.csr_array((0, 0)))
    with pytest.raises(InputError):
        local_moran([], empty)


def test_transform_o_uses_the_weights_as_stored():
    weights = SpatialWeights.from_sparse(queen_lattice(6, 6)).row_standardised()
    y = np.random.default_rng(8).standard_normal(36)
    as_stored = local_moran(y, weights, transform="O", seed=1, permutations=99)
    pd.testing.assert_frame_equal(as_stored, local_moran(y, weights, seed=1, permutations=99))
    binary = local_moran(y, weights, transform="B", seed=1, permutations=99)
    assert not np.allclose(binary["statistic"], as_stored["statistic"])


def test_gi_star_after_dropping_a_region_restandardises(small):
    weights, y = small
    y = y.copy()
    y[4] = np.nan
    out = local_gi_star(y, weights.row_standardised(), nan="drop", seed=0, permutations=9)
    kept = [0, 1, 2, 3]
    sub = SpatialWeights.from_sparse(weights.sparse[kept][:, kept], ids=weights.ids[kept])
    ref = local_gi_star(y[kept], sub, seed=0, permutations=9)
    np.testing.assert_allclose(out["statistic"].iloc[kept], ref["statistic"], rtol=1e-12)
