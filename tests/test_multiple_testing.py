"""Benjamini-Hochberg and Bonferroni against hand computation and the step-up rule."""

import numpy as np
import pytest

from geodisparity.errors import InputError
from geodisparity.spatial.multiple_testing import adjust_pvalues, benjamini_hochberg, bonferroni


def step_up_rejections(p, alpha):
    """The Benjamini-Hochberg (1995) procedure as published: reject the k smallest,
    k the largest rank with p_(k) <= k * alpha / m."""
    m = len(p)
    order = np.argsort(p)
    passing = [k for k in range(1, m + 1) if p[order[k - 1]] <= k * alpha / m]
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


def test_adjust_dispatches_and_refuses_unknown():
    p = [0.01, 0.2]
    np.testing.assert_array_equal(adjust_pvalues(p, method="fdr"), benjamini_hochberg(p))
    np.testing.assert_array_equal(adjust_pvalues(p, method="bonferroni"), bonferroni(p))
    with pytest.raises(InputError, match="holm"):
        adjust_pvalues(p, method="holm")


@pytest.mark.parametrize("bad", [[1.5], [-0.1], [[0.1, 0.2]]])
def test_invalid_pvalues_are_refused(bad):
    with pytest.raises(InputError):
        benjamini_hochberg(bad)
