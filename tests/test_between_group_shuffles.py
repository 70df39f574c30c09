"""between_group_test computes the Theil/MLD null shares for all shuffles at once; it must
agree with decompose() run shuffle by shuffle (the published decomposition)."""

import numpy as np
import pytest

from geodisparity import between_group_test
from geodisparity.stats.decomposition import GroupedSample, decompose, grouped_sample


def loop_reference(values, groups, weights, *, permutations, seed, alpha, measure):
    gs = grouped_sample(values, groups, weights, None, "raise")
    observed = decompose(gs, alpha, measure).between_share
    rng = np.random.default_rng(seed)
    null = np.array([
        decompose(GroupedSample(gs.values, gs.weights, rng.permutation(gs.codes), gs.labels,
                                gs.index, gs.n_dropped), alpha, measure).between_share
        for _ in range(permutations)
    ])
    p = (int((null >= observed - 1e-12).sum()) + 1) / (permutations + 1)
    return observed, p, null.mean(), null.std(ddof=1)


@pytest.mark.parametrize(("measure", "alpha"), [("theil", 1.0), ("mld", 0.0)])
@pytest.mark.parametrize("case", range(4))
def test_vectorised_null_matches_decompose_per_shuffle(measure, alpha, case):
    rng = np.random.default_rng(case)
    n, k = [(12, 2), (90, 11), (40, 5), (7, 3)][case]
    values = rng.lognormal(10, 0.5, n)
    groups = np.r_[np.arange(k), rng.integers(0, k, n - k)]
    weights = None if case == 3 else rng.integers(1_000, 90_000, n).astype(float)
    ours = between_group_test(values, groups, weights, permutations=199, seed=case,
                              measure=measure)
    observed, p, mean, std = loop_reference(values, groups, weights, permutations=199,
                                            seed=case, alpha=alpha, measure=measure)
    assert ours.observed == pytest.approx(observed, rel=1e-12)
    assert ours.p_value == p
    assert ours.null_mean == pytest.approx(mean, rel=1e-12)
    assert ours.null_std == pytest.approx(std, rel=1e-10)
