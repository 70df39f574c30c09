"""Benjamini-Hochberg, Benjamini-Yekutieli and Bonferroni against hand computation,
the published step-up rules and scipy's ``false_discovery_control``."""

import numpy as np
import pytest
from spatial_helpers import queen_lattice

from geodisparity.errors import InputError
from geodisparity.spatial.local_geary import local_geary
from geodisparity.spatial.local_stats import local_gi_star, local_moran
from geodisparity.spatial.multiple_testing import (
    adjust_pvalues,
    benjamini_hochberg,
    benjamini_yekutieli,
    bonferroni,
)
from geodisparity.spatial.weights import SpatialWeights


def step_up_rejections(p, alpha, c=1.0):
    """The Benjamini-Hochberg (1995) procedure as published: reject the k smallest,
    k the largest rank with p_(k) <= k * alpha / (c m); Benjamini-Yekutieli (2001)
    is the same with c = sum_{i<=m} 1/i."""
    m = len(p)
    order = np.argsort(p)
    passing = [k for k in range(1, m + 1) if p[order[k - 1]] <= k * alpha / (c * m)]
    rejected = np.zeros(m, dtype=bool)
    if passing:
        rejected[order[: max(passing)]] = True
    return rejected


def test_hand_computed_example():
    # m = 5; sorted p: 0.005, 0.011, 0.02, 0.04, 0.3
    # m p / rank: 0.025, 0.0275, 0.0333.., 0.05, 0.3 -> running minimum from the top
    p = [0.04, 0.005, 0.3, 0.011, 0.02]
    expected = [0.05, 0.025, 0.3, 0.0275, 0.1 / 3]
    np.testing.assert_allclose(benjamini_hochberg(p), expected, rtol=1e-12)


def test_monotone_step_takes_the_minimum_of_later_ranks():
    # ranks 1..3: 3*0.02/1 = 0.06, 3*0.021/2 = 0.0315, 3*0.022/3 = 0.022 -> all 0.022
    np.testing.assert_allclose(benjamini_hochberg([0.02, 0.021, 0.022]), [0.022] * 3)


@pytest.mark.parametrize("alpha", [0.01, 0.05, 0.1])
def test_q_below_alpha_is_the_step_up_procedure(alpha):
    rng = np.random.default_rng(0)
    p = np.concatenate([rng.uniform(size=80), rng.uniform(0, 0.01, size=20)])
    np.testing.assert_array_equal(benjamini_hochberg(p) <= alpha, step_up_rejections(p, alpha))


def test_nan_is_left_out_of_the_count():
    got = benjamini_hochberg([0.01, np.nan, 0.02])
    assert np.isnan(got[1])
    np.testing.assert_allclose(got[[0, 2]], [0.02, 0.02])
    np.testing.assert_allclose(bonferroni([0.01, np.nan, 0.3]), [0.02, np.nan, 0.6])


def test_capped_at_one_and_empty():
    assert bonferroni([0.6, 0.7]).tolist() == [1.0, 1.0]
    assert benjamini_hochberg([0.9, 0.95]).max() <= 1.0
    assert benjamini_hochberg([]).size == 0
    assert np.isnan(benjamini_hochberg([np.nan])).all()


def test_by_hand_computed_example():
    # m = 4: c(4) = 25/12. Sorted p 0.001, 0.01, 0.03, 0.2 -> c m p / rank =
    # 25/3 * (0.001, 0.005, 0.01, 0.05) = 0.008333, 0.041667, 0.083333, 0.416667
    p = [0.03, 0.001, 0.2, 0.01]
    expected = [25 / 3 * 0.01, 25 / 3 * 0.001, 25 / 3 * 0.05, 25 / 3 * 0.005]
    np.testing.assert_allclose(benjamini_yekutieli(p), expected, rtol=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_by_matches_scipy(seed):
    from scipy.stats import false_discovery_control

    rng = np.random.default_rng(seed)
    p = np.concatenate([rng.uniform(size=150), rng.uniform(0, 0.002, size=30)])
    rng.shuffle(p)
    np.testing.assert_allclose(benjamini_yekutieli(p), false_discovery_control(p, method="by"),
                               rtol=1e-12)
    np.testing.assert_allclose(benjamini_hochberg(p), false_discovery_control(p, method="bh"),
                               rtol=1e-12)


@pytest.mark.parametrize("alpha", [0.01, 0.05, 0.1])
def test_by_q_below_alpha_is_the_published_step_up(alpha):
    rng = np.random.default_rng(3)
    p = np.concatenate([rng.uniform(size=80), rng.uniform(0, 0.002, size=20)])
    c = sum(1 / i for i in range(1, 101))
    np.testing.assert_array_equal(benjamini_yekutieli(p) <= alpha,
                                  step_up_rejections(p, alpha, c))
    assert (benjamini_yekutieli(p) >= benjamini_hochberg(p)).all()


def test_by_ignores_nan():
    got = benjamini_yekutieli([0.01, np.nan, 0.02])
    assert np.isnan(got[1])
    np.testing.assert_allclose(got[[0, 2]], [0.03, 0.03])  # c(2) = 1.5 times BH's 0.02


@pytest.mark.parametrize("func", [local_moran, local_gi_star, local_geary])
def test_every_local_statistic_accepts_by(func):
    weights = SpatialWeights.from_sparse(queen_lattice(8, 8))
    y = np.random.default_rng(4).normal(size=64)
    y[:16] += 2
    out = func(y, weights, seed=1, permutations=99, adjust="by")
    tested = out["p"] if "p" in out else out["p_sim"]
    np.testing.assert_allclose(out["q"], benjamini_yekutieli(tested))
    np.testing.assert_array_equal(out["significant"], out["q"] <= 0.05)


def test_adjust_dispatches_and_refuses_unknown():
    p = [0.01, 0.2]
    np.testing.assert_array_equal(adjust_pvalues(p, method="fdr"), benjamini_hochberg(p))
    np.testing.assert_array_equal(adjust_pvalues(p, method="by"), benjamini_yekutieli(p))
    np.testing.assert_array_equal(adjust_pvalues(p, method="bonferroni"), bonferroni(p))
    with pytest.raises(InputError, match="holm"):
        adjust_pvalues(p, method="holm")


@pytest.mark.parametrize("bad", [[1.5], [-0.1], [[0.1, 0.2]]])
def test_invalid_pvalues_are_refused(bad):
    with pytest.raises(InputError):
        benjamini_hochberg(bad)
