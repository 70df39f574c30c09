"""The conditional randomisation engine: exact distribution, fast path = general path, seeds."""

from itertools import permutations as ordered_tuples

import numpy as np
import pytest
import scipy.sparse as sp
from spatial_helpers import queen_lattice

from geodisparity.spatial import _draws
from geodisparity.spatial.permutation import (
    draw_table,
    lag_distribution,
    permuted_lags,
    pseudo_p_value,
    simulate,
)

# A small irregular graph: region 6 is an island, rows 0 and 3 carry unequal weights.
DENSE = np.array(
    [
        [0, 0.5, 2.0, 0, 0, 1.0, 0],
        [1, 0, 1, 0, 0, 0, 0],
        [1, 1, 0, 1, 0, 0, 0],
        [0, 0, 3.0, 0, 1.0, 0.5, 0],
        [0, 0, 0, 1, 0, 1, 0],
        [1, 0, 0, 1, 1, 0, 0],
        [0, 0, 0, 0, 0, 0, 0],
    ]
)
Z = np.array([2.1, -0.3, 0.4, -1.2, 0.9, -0.6, -1.3])
# The same graph with one link fewer: other cardinalities, the same largest one.
FEWER = DENSE.copy()
FEWER[0, 5] = 0  # region 0 (unequal weights) keeps 2 of its 3 neighbours


def exact_lags(weights: sp.csr_array, z: np.ndarray, i: int) -> np.ndarray:
    """Every equally likely conditional lag of region i: ordered k-tuples of the others."""
    lo, hi = weights.indptr[i], weights.indptr[i + 1]
    w = weights.data[lo:hi]
    others = [j for j in range(z.size) if j != i]
    return np.array([w @ z[list(t)] for t in ordered_tuples(others, len(w))])


@pytest.mark.parametrize("fast", [True, False])
def test_each_region_gets_its_exact_conditional_distribution(fast):
    weights = sp.csr_array(DENSE)
    permutations = 20_000
    observed = weights @ Z
    dist = lag_distribution(Z, weights, observed, permutations=permutations,
                            rng=np.random.default_rng(3), fast=fast)
    for i in range(6):
        lags = exact_lags(weights, Z, i)
        p_ge = np.mean(lags >= observed[i] - 1e-12)
        p_le = np.mean(lags <= observed[i] + 1e-12)
        se = np.sqrt(max(p_ge * (1 - p_ge), 1e-12) / permutations)
        assert abs(dist.n_ge[i] / permutations - p_ge) < 4.5 * se + 1e-9, i
        se = np.sqrt(max(p_le * (1 - p_le), 1e-12) / permutations)
        assert abs(dist.n_le[i] / permutations - p_le) < 4.5 * se + 1e-9, i
        # The mean excludes z_i: W_i * mean(z without i); including i would be off by
        # W_i * z_i / (n - 1), tens of standard errors here.
        assert abs(dist.mean[i] - lags.mean()) < 4.5 * lags.std() / np.sqrt(permutations), i
        assert dist.std[i] == pytest.approx(lags.std(), rel=0.05), i
    assert np.isnan(dist.mean[6]) and dist.n_ge[6] == 0


def test_fast_and_general_paths_give_identical_counts_with_one_seed():
    weights = queen_lattice(30, 40)
    weights = sp.csr_array(weights / weights.sum(axis=1)[:, None])  # row-standardised
    z = np.random.default_rng(0).standard_normal(weights.shape[0])
    observed = weights @ z
    args = dict(permutations=499)
    fast = lag_distribution(z, weights, observed, rng=np.random.default_rng(9), **args)
    slow = lag_distribution(z, weights, observed, rng=np.random.default_rng(9), fast=False,
                            **args)
    np.testing.assert_array_equal(fast.n_ge, slow.n_ge)
    np.testing.assert_array_equal(fast.n_le, slow.n_le)
    np.testing.assert_allclose(fast.mean, slow.mean, atol=1e-12)
    np.testing.assert_allclose(fast.std, slow.std, atol=1e-10)


def test_general_path_chunks_agree_with_a_direct_simulation_of_the_scheme():
    weights = sp.csr_array(DENSE)
    plan = simulate(weights, 50, np.random.default_rng(1))
    seen = 0
    for chunk, rows, (block,) in permuted_lags([Z], plan):
        for col, i in enumerate(rows):
            lo, hi = weights.indptr[i], weights.indptr[i + 1]
            w = weights.data[lo:hi]
            for p in range(chunk.table.shape[0]):
                draws = [j for j in chunk.table[p] if j != i][: len(w)]
                assert block[p, col] == pytest.approx(w @ Z[draws], abs=1e-12)
                seen += 1
    assert seen == 50 * 6  # every permutation of every region with neighbours


def test_seeded_runs_repeat_and_different_seeds_differ():
    weights = queen_lattice(20, 20)
    z = np.random.default_rng(0).standard_normal(400)
    obs = weights @ z

    def run(seed):
        return lag_distribution(z, weights, obs, permutations=199,
                                rng=np.random.default_rng(seed)).n_ge

    np.testing.assert_array_equal(run(5), run(5))
    assert (run(5) != run(6)).any()


@pytest.mark.parametrize("n, depth, rows", [(1000, 10, 300), (40, 30, 200), (20_000, 200, 600)])
def test_draw_table_rows_are_distinct_and_in_range(n, depth, rows):
    table = draw_table(n, depth, rows, np.random.default_rng(2))
    assert table.shape == (rows, depth)
    assert table.min() >= 0 and table.max() < n
    assert all(np.unique(row).size == depth for row in table)


def test_draw_table_is_uniform_over_ordered_pairs():
    table = draw_table(5, 2, 40_000, np.random.default_rng(4))
    codes = table[:, 0] * 5 + table[:, 1]
    counts = np.bincount(codes, minlength=25).reshape(5, 5)
    assert np.all(np.diag(counts) == 0)
    expected = 40_000 / 20
    chi2 = ((counts[~np.eye(5, dtype=bool)] - expected) ** 2 / expected).sum()
    assert chi2 < 45  # 19 degrees of freedom: P(chi2 > 45) < 0.001


def test_draw_table_edge_cases():
    assert draw_table(3, 0, 4, np.random.default_rng(0)).shape == (4, 0)
    with pytest.raises(ValueError, match="depth"):
        draw_table(3, 4, 1, np.random.default_rng(0))


def test_ties_count_on_both_sides():
    # Two regions with k = n - 1: the lag never changes, so every permutation ties.
    weights = sp.csr_array(np.ones((3, 3)) - np.eye(3))
    z = np.array([-1.0, 0.0, 1.0])
    dist = lag_distribution(z, weights, weights @ z, permutations=20,
                            rng=np.random.default_rng(0))
    assert dist.n_ge.tolist() == [20, 20, 20] and dist.n_le.tolist() == [20, 20, 20]
    assert pseudo_p_value(dist.n_ge, dist.n_le, 20).tolist() == [1.0, 1.0, 1.0]


def test_pseudo_p_value_folds_to_the_smaller_tail():
    got = pseudo_p_value(np.array([3, 97, 50]), np.array([97, 3, 50]), 99)
    assert got.tolist() == [0.04, 0.04, 0.51]


def _fresh(monkeypatch):
    """Forget the reused tables, so that the next plan draws its own."""
    monkeypatch.setattr(_draws, "_recent", type(_draws._recent)())


def test_a_second_plan_with_the_same_seed_reuses_the_table_without_drawing(monkeypatch):
    _fresh(monkeypatch)
    weights = sp.csr_array(DENSE)
    first = list(simulate(weights, 99, np.random.default_rng(8)).chunks())
    drawn = []
    monkeypatch.setattr(_draws, "draw_table", lambda *args: drawn.append(args))
    again = list(simulate(weights, 99, np.random.default_rng(8)).chunks())
    assert drawn == [] and again[0] is first[0]
    assert not again[0].table.flags.writeable and not again[0].hit_region.flags.writeable


@pytest.mark.parametrize("seed, dense", [(8, FEWER), (8, DENSE), (9, FEWER)])
def test_reused_tables_give_the_counts_of_fresh_draws(seed, dense, monkeypatch):
    # The table drawn for FEWER with seed 8 is reused for FEWER with seed 8 only: DENSE
    # (more neighbours, the same largest number) needs self-draws that FEWER's lack.
    z = Z + 0.1
    _fresh(monkeypatch)
    lag_distribution(z, sp.csr_array(FEWER), sp.csr_array(FEWER) @ z, permutations=99,
                     rng=np.random.default_rng(8))
    weights = sp.csr_array(dense)

    def run():
        return lag_distribution(z, weights, weights @ z, permutations=99,
                                rng=np.random.default_rng(seed))

    reused = run()
    _fresh(monkeypatch)
    fresh = run()
    np.testing.assert_array_equal(reused.n_ge, fresh.n_ge)
    np.testing.assert_array_equal(reused.n_le, fresh.n_le)
    np.testing.assert_array_equal(reused.mean, fresh.mean)


def test_large_tables_are_drawn_afresh_and_the_kept_ones_stay_bounded(monkeypatch):
    _fresh(monkeypatch)
    weights = queen_lattice(30, 40)
    for seed in range(12):
        simulate(weights, 99, np.random.default_rng(seed)).chunks().__next__()
    kept = sum(chunk.table.size for chunk in _draws._recent.values())
    assert 0 < kept <= _draws.REUSE_ELEMENTS
    big = simulate(weights, _draws.REUSE_TABLE_ELEMENTS, np.random.default_rng(0))
    assert next(big.chunks()).table.flags.writeable  # not kept


def test_plans_drawn_in_many_threads_at_once_give_the_tables_of_one_thread(monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    z = Z + 0.1
    weights = queen_lattice(6, 7)
    zz = np.resize(z, weights.shape[0])

    def run(seed):
        result = lag_distribution(zz, weights, weights @ zz, permutations=99,
                                  rng=np.random.default_rng(seed))
        return result.n_ge.tolist(), result.mean.tolist()

    _fresh(monkeypatch)
    alone = [run(seed % 5) for seed in range(40)]
    _fresh(monkeypatch)
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(lambda seed: run(seed % 5), range(40)))
    assert together == alone
