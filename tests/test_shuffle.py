"""Global statistics' permutations: uniform, exactly rejected, forms equal to naive ones."""

import sys
from itertools import permutations as all_orders

import numpy as np
import pytest
import scipy.sparse as sp

from geodisparity.spatial import _shuffle
from geodisparity.spatial._shuffle import (
    permuted_linear_forms,
    permuted_quadratic_forms,
    quadratic_form_matrix,
    shuffled_rows,
)


def rows_of(values, permutations, seed):
    rng = np.random.default_rng(seed)
    return np.vstack([block.copy() for block in shuffled_rows(values, permutations, rng)])


@pytest.mark.parametrize("loop", [False, True])  # dlaswp, slot loop
@pytest.mark.parametrize("n", [2, 4])
def test_every_ordering_is_equally_likely(n, loop, monkeypatch):
    monkeypatch.setattr(_shuffle, "_loop_pays", lambda steps: loop)
    draws = 48_000
    rows = rows_of(np.arange(float(n)), draws, seed=3)
    index = {order: k for k, order in enumerate(all_orders(range(n)))}
    counts = np.bincount([index[tuple(r.astype(int))] for r in rows], minlength=len(index))
    p = 1 / len(index)
    se = np.sqrt(draws * p * (1 - p))
    assert np.all(np.abs(counts - draws * p) < 5 * se), counts


def test_rows_are_independent_and_slots_uniform():
    n, draws = 300, 4_000
    rows = rows_of(np.arange(float(n)), draws, seed=4)
    assert (np.sort(rows, axis=1) == np.arange(n)).all()
    se = np.sqrt((n * n - 1) / 12 / draws)
    assert np.all(np.abs(rows.mean(axis=0) - (n - 1) / 2) < 5 * se)
    # consecutive rows (also across block boundaries) are uncorrelated
    r = np.corrcoef(rows[:-1].ravel(), rows[1:].ravel())[0, 1]
    assert abs(r) < 5 / np.sqrt(rows[1:].size)


def test_same_seed_same_rows_and_different_seed_differs():
    a = rows_of(np.arange(50.0), 30, seed=1)
    assert np.array_equal(a, rows_of(np.arange(50.0), 30, seed=1))
    assert not np.array_equal(a, rows_of(np.arange(50.0), 30, seed=2))


def test_integer_path_for_large_n_gives_the_same_steps(monkeypatch):
    # Both ways of computing floor(word * bound / 2**32) must agree exactly.
    a = rows_of(np.arange(500.0), 40, seed=5)
    monkeypatch.setattr(_shuffle, "_FLOAT_EXACT_N", 0)
    assert np.array_equal(a, rows_of(np.arange(500.0), 40, seed=5))


@pytest.mark.parametrize(("n", "permutations"), [(2, 1), (3, 7), (90, 999), (513, 200)])
def test_slot_loop_and_dlaswp_give_the_same_rows(n, permutations, monkeypatch):
    # Small jobs swap slot by slot in numpy: the very swaps dlaswp applies.
    monkeypatch.setattr(_shuffle, "_loop_pays", lambda steps: True)
    looped = rows_of(np.arange(float(n)), permutations, seed=n)
    monkeypatch.setattr(_shuffle, "_loop_pays", lambda steps: False)
    assert np.array_equal(looped, rows_of(np.arange(float(n)), permutations, seed=n))


def test_the_slot_loop_is_only_for_small_jobs_before_scipy_linalg(monkeypatch):
    monkeypatch.delitem(sys.modules, "scipy.linalg", raising=False)
    assert _shuffle._loop_pays(_shuffle.LOOP_SWAPS)
    assert not _shuffle._loop_pays(_shuffle.LOOP_SWAPS + 1)
    monkeypatch.setitem(sys.modules, "scipy.linalg", object())
    assert not _shuffle._loop_pays(1)


class ScriptedBits:
    """A bit generator stand-in returning scripted raw 64-bit words."""

    def __init__(self, words):
        self.words = list(words)

    def random_raw(self, size):
        out, self.words = self.words[:size], self.words[size:]
        return np.array(out, dtype=np.uint64)


class ScriptedRng:
    def __init__(self, words):
        self.bit_generator = ScriptedBits(words)


def test_biased_words_are_redrawn():
    # n = 3: slot 0 has bound 3 and threshold 2**32 mod 3 = 1, so word 0 is rejected.
    slots = _shuffle._slots(3)
    low, high = 0, 3 * 2**30  # slot 0 gets 0 (rejected), slot 1 gets 3 * 2**30 -> 1
    redraw = 2**31  # accepted for bound 3: floor(2**31 * 3 / 2**32) = 1
    steps = _shuffle._draw_steps(1, 3, ScriptedRng([low | high << 32, redraw]), slots)
    assert steps.tolist() == [[1, 1]]


def test_quadratic_form_matrix_keeps_every_form():
    rng = np.random.default_rng(0)
    m = sp.random_array((30, 30), density=0.2, rng=rng, format="csr")
    upper = quadratic_form_matrix(m)
    assert sp.tril(upper, k=-1).nnz == 0
    for _ in range(5):
        x = rng.standard_normal(30)
        assert x @ (upper @ x) == pytest.approx(x @ (m @ x), rel=1e-12)


@pytest.mark.parametrize(
    ("n", "density", "permutations"),
    [
        (40, 0.15, 25),  # small and sparse: sparse product
        (40, 0.9, 25),  # small and dense: dense product
        (200, 0.03, 400),  # small, several blocks
        (_shuffle.DENSE_N + 10, 0.01, 30),  # large: sparse product of columns
    ],
)
def test_forms_equal_the_naive_ones_on_the_same_permutations(n, density, permutations):
    rng = np.random.default_rng(1)
    m = sp.random_array((n, n), density=density, rng=rng, format="csr")
    x, u = rng.standard_normal(n), rng.standard_normal(n)
    rows = rows_of(x, permutations, seed=9)
    naive_q = np.einsum("ij,ij->i", rows, (m @ rows.T).T)
    upper = quadratic_form_matrix(m)
    got_q = permuted_quadratic_forms(x, upper, permutations, np.random.default_rng(9))
    np.testing.assert_allclose(got_q, naive_q, rtol=1e-12, atol=1e-12)
    got_l = permuted_linear_forms(x, u, permutations, np.random.default_rng(9))
    np.testing.assert_allclose(got_l, rows @ u, rtol=1e-12, atol=1e-12)
