"""Bootstrap intervals and the between-group permutation test."""

import numpy as np
import pytest

import geodisparity as gd
from geodisparity.errors import InputError


@pytest.fixture
def data():
    rng = np.random.default_rng(41)
    return rng.lognormal(size=150), rng.integers(1, 20, size=150).astype(float)


@pytest.mark.parametrize("index", [gd.gini, gd.theil, gd.mld, gd.cv, gd.williamson])
def test_bulk_replicates_equal_row_resampling(data, index):
    y, w = data
    bulk = gd.bootstrap(index, y, w, n_boot=60, seed=3)
    generic = lambda v, weights: index(v, weights)  # noqa: E731 - forces the row-by-row path
    rows = gd.bootstrap(generic, y, w, n_boot=60, seed=3)
    np.testing.assert_allclose(bulk.replicates, rows.replicates, rtol=1e-10)
    assert bulk.estimate == pytest.approx(index(y, w))


def test_ge_with_alpha_keyword(data):
    y, w = data
    bulk = gd.bootstrap(gd.ge, y, w, n_boot=30, seed=1, alpha=2)
    rows = gd.bootstrap(lambda v, weights: gd.ge(v, 2, weights), y, w, n_boot=30, seed=1)
    np.testing.assert_allclose(bulk.replicates, rows.replicates, rtol=1e-10)


def test_generic_statistic_is_resampled_by_rows():
    seen = []

    def record(values, weights):
        seen.append(values.size)
        return float(values.mean())

    b = gd.bootstrap(record, [1.0, 2.0, 3.0], n_boot=5, seed=0)
    assert seen == [3] * 6 and b.replicates.size == 5
    assert set(np.round(b.replicates * 3)).issubset(set(range(3, 10)))


def test_seeded_runs_reproduce_and_differ_across_seeds(data):
    y, w = data
    a = gd.bootstrap(gd.gini, y, w, n_boot=99, seed=7)
    b = gd.bootstrap(gd.gini, y, w, n_boot=99, seed=7)
    c = gd.bootstrap(gd.gini, y, w, n_boot=99, seed=8)
    np.testing.assert_array_equal(a.replicates, b.replicates)
    assert not np.array_equal(a.replicates, c.replicates)
    state = np.random.get_state()[1].copy()  # noqa: NPY002
    gd.bootstrap(gd.gini, y, w, n_boot=9)
    after = np.random.get_state()[1]  # noqa: NPY002
    np.testing.assert_array_equal(after, state)  # global RNG untouched


def test_interval_properties(data):
    y, w = data
    b = gd.bootstrap(gd.theil, y, w, n_boot=499, seed=2, ci=0.9)
    assert b.low < b.estimate < b.high
    assert b.std_error == pytest.approx(np.std(b.replicates, ddof=1))
    assert (b.low, b.high) == pytest.approx(tuple(np.quantile(b.replicates, [0.05, 0.95])))
    basic = gd.bootstrap(gd.theil, y, w, n_boot=499, seed=2, ci=0.9, method="basic")
    assert basic.low == pytest.approx(2 * b.estimate - b.high)
    assert (b.n, b.n_dropped, b.statistic, b.n_boot) == (150, 0, "theil", 499)
    assert b.to_frame().shape[0] == 1 and "replicates" not in b.to_frame()


def test_standard_error_of_mean_matches_theory():
    rng = np.random.default_rng(0)
    y = rng.normal(10, 2, size=400)
    b = gd.bootstrap(lambda v, weights: float(v.mean()), y, n_boot=1000, seed=1)
    assert b.std_error == pytest.approx(y.std() / np.sqrt(y.size), rel=0.1)


def test_bootstrap_errors(data):
    y, w = data
    with pytest.raises(InputError, match="ci must be"):
        gd.bootstrap(gd.gini, y, ci=95)
    with pytest.raises(InputError, match="n_boot"):
        gd.bootstrap(gd.gini, y, n_boot=0)
    with pytest.raises(InputError, match="method="):
        gd.bootstrap(gd.gini, y, method="bc")
    with pytest.raises(InputError, match="statistic must be a function"):
        gd.bootstrap("gini", y)


@pytest.mark.parametrize("measure", ["theil", "mld", "dagum"])
def test_between_group_test_detects_real_groups(measure):
    rng = np.random.default_rng(6)
    y = np.concatenate([rng.lognormal(0, 0.3, 40), rng.lognormal(1, 0.3, 40)])
    g = np.repeat(["mountain", "plain"], 40)
    t = gd.between_group_test(y, g, permutations=199, seed=4, measure=measure)
    assert t.p_value == pytest.approx(1 / 200)
    assert t.observed > t.null_mean
    if measure == "theil":
        assert t.observed == pytest.approx(gd.theil_decomposition(y, g).between_share)
    if measure == "dagum":
        assert t.observed == pytest.approx(gd.dagum_gini(y, g).net_between_share)


def test_between_group_test_random_labels_not_significant():
    rng = np.random.default_rng(10)
    y, w = rng.lognormal(size=120), rng.integers(1, 9, size=120)
    g = rng.choice(list("abc"), size=120)
    t = gd.between_group_test(y, g, w, permutations=199, seed=1)
    assert t.p_value > 0.05
    again = gd.between_group_test(y, g, w, permutations=199, seed=1)
    assert again.p_value == t.p_value and again.null_mean == t.null_mean
    assert (t.n, t.k, t.permutations) == (120, 3, 199)


def test_between_group_test_errors():
    with pytest.raises(InputError, match="measure="):
        gd.between_group_test([1, 2], ["a", "b"], measure="gini")
    with pytest.raises(InputError, match="permutations"):
        gd.between_group_test([1, 2], ["a", "b"], permutations=0)
    with pytest.raises(InputError, match="positive"):
        gd.between_group_test([0, 2], ["a", "b"], measure="mld")


# --- BCa intervals --------------------------------------------------------------------------


def scipy_bca(y, w, index, n_boot, seed, ci=0.95):
    """SciPy's BCa on the region positions: the same draws and jackknife as ours for one seed."""
    from scipy import stats

    def on_rows(rows, axis=-1):
        flat = rows.reshape(-1, rows.shape[-1])
        out = np.array([index(y[r], None if w is None else w[r]) for r in flat])
        return out.reshape(rows.shape[:-1])

    return stats.bootstrap(
        (np.arange(y.size),), on_rows, n_resamples=n_boot, method="BCa", confidence_level=ci,
        rng=np.random.default_rng(seed), vectorized=True,
    )


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("index", [gd.gini, gd.theil, lambda v, weights: float(np.median(v))])
def test_bca_equals_scipy_with_the_same_draws(data, index, weighted):
    y, w = data
    w = w if weighted else None
    ours = gd.bootstrap(index, y, w, n_boot=2_000, seed=12, method="bca", ci=0.9)
    reference = scipy_bca(y, w, lambda v, ww: index(v, weights=ww), 2_000, 12, ci=0.9)
    np.testing.assert_allclose(ours.replicates, reference.bootstrap_distribution, rtol=1e-12)
    assert (ours.low, ours.high) == pytest.approx(
        (reference.confidence_interval.low, reference.confidence_interval.high), rel=1e-10
    )


def test_bca_within_monte_carlo_error_of_scipy(data):
    y, w = data
    ours = gd.bootstrap(gd.theil, y, w, n_boot=9_999, seed=1, method="bca")
    reference = scipy_bca(y, w, lambda v, ww: gd.theil(v, weights=ww), 9_999, 2)
    # A 2.5 % quantile of 9,999 replicates has a Monte Carlo sd of about 0.03 standard
    # errors; the difference of two independent estimates 0.04: allow five of those.
    tolerance = 0.2 * ours.std_error
    assert abs(ours.low - reference.confidence_interval.low) <= tolerance
    assert abs(ours.high - reference.confidence_interval.high) <= tolerance
    percentile = gd.bootstrap(gd.theil, y, w, n_boot=9_999, seed=1)
    assert (ours.low, ours.high) != (percentile.low, percentile.high)


def test_bca_by_hand():
    """Efron (1987): z0, the jackknife acceleration and the adjusted levels, written out."""
    from statistics import NormalDist

    y = np.array([1.0, 2.0, 2.5, 4.0, 7.0, 11.0, 18.0])
    result = gd.bootstrap(gd.gini, y, n_boot=499, seed=5, method="bca", ci=0.8)
    reps = result.replicates
    normal = NormalDist()
    share_below = (np.sum(reps < result.estimate) + np.sum(reps <= result.estimate)) / (2 * 499)
    z0 = normal.inv_cdf(share_below)
    jack = np.array([gd.gini(np.delete(y, i)) for i in range(y.size)])
    d = jack.mean() - jack
    a = (d**3).sum() / (6 * ((d**2).sum()) ** 1.5)
    levels = [normal.cdf(z0 + (z0 + z) / (1 - a * (z0 + z))) for z in (-1.2815515655, 1.2815515655)]
    assert result.bias_correction == pytest.approx(z0, rel=1e-12)
    assert result.acceleration == pytest.approx(a, rel=1e-12)
    assert (result.low, result.high) == pytest.approx(tuple(np.quantile(reps, levels)), rel=1e-6)
    assert result.method == "bca" and "bca" in repr(result)
    frame = result.to_frame()
    assert frame.loc[0, "acceleration"] == pytest.approx(a)


def test_bca_degenerate_cases():
    flat = gd.bootstrap(gd.gini, [2.0, 2.0, 2.0, 2.0], n_boot=99, seed=0, method="bca")
    assert (flat.low, flat.high, flat.bias_correction, flat.acceleration) == (0.0, 0.0, 0.0, 0.0)
    distinct = lambda v, weights: float(np.unique(v).size)  # noqa: E731 - a resample rarely has all
    with pytest.raises(InputError, match="all 99 are below it"):
        gd.bootstrap(distinct, np.arange(30.0), n_boot=99, seed=0, method="bca")
    percentile = gd.bootstrap(gd.gini, [1.0, 2.0, 4.0], n_boot=99, seed=0)
    assert percentile.bias_correction is None and percentile.acceleration is None


def test_bca_jackknife_must_be_defined():
    """Leaving out the only non-zero region makes the Gini undefined (zero mean)."""
    with pytest.raises(InputError, match="leaving out rows 2 makes it undefined"):
        gd.bootstrap(gd.gini, [0.0, 0.0, 5.0, 0.0, 0.0, 0.0], n_boot=199, seed=3, method="bca")
