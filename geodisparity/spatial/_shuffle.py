"""Fast exact random permutations for the global statistics' permutation inference.

A global statistic under permutation is a quadratic form ``x_p' M x_p`` (Moran's
I, Geary's c, Getis-Ord G) or a linear form ``u' x_p`` (bivariate Moran) of the
permuted values ``x_p``. Each permutation must be uniformly random and
independent of the others; what costs time at large ``n`` is generating them.

How a permutation is drawn
--------------------------
Fisher-Yates, forward: for ``i = 0 .. n - 2`` swap slots ``i`` and
``j_i = i + U_i`` with ``U_i`` uniform on ``0 .. n - 1 - i``. The ``U_i`` are
drawn all at once, from 32-bit random words by Lemire's multiply-and-reject
method (exact: a word is redrawn when it falls in the small biased remainder),
and the swaps are then applied in one compiled call, LAPACK's ``dlaswp``
(which performs exactly this sequence of row interchanges). Small jobs (up to
:data:`LOOP_SWAPS` slot steps in all) apply the same swaps slot by slot, each
step vectorised over the rows, which gives identical rows and spares the
import of ``scipy.linalg`` (about 0.1 s) while it is not yet imported. The permutations are
uniform, as with ``Generator.shuffle``, at about half its cost (measured at
160,000 values), since the random numbers are made in bulk rather than by one
call per element. Rows are shuffled a few at a time (about
:data:`BLOCK_ELEMENTS` values) so that the swaps stay in cache.

Rows of a block are shuffled in place again for each new block: a Fisher-Yates
pass yields a uniform permutation whatever the order it starts from, and its
draws are fresh, so successive rows are independent.

How the forms are computed
--------------------------
``x' M x = x' T x`` with ``T = triu(M + M', 1) + diag(M)``: half the entries of a
symmetric ``M``. The lags of many permutations (about :data:`PRODUCT_ELEMENTS`
values) are one sparse-dense product ``T @ X`` (``X`` is ``n x columns``), much
faster per column than one sparse product per permutation; then one ``einsum``.
Up to :data:`DENSE_N` regions, a ``T`` with at least ``1 / DENSE_SHARE`` of its
entries filled is used dense instead (no transposition); the draws are the same
either way.

Determinism: the draws depend only on the generator's state, ``n`` and
``permutations`` (and the block sizes, constants), so a seed reproduces
results exactly. They differ from ``Generator.shuffle``'s draws for the same seed.

Examples
--------
>>> rng = np.random.default_rng(0)
>>> block = next(shuffled_rows(np.arange(5.0), 3, rng))
>>> block.shape, sorted(block[0].tolist())
((3, 5), [0.0, 1.0, 2.0, 3.0, 4.0])
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from geodisparity._resources import check_memory

__all__ = [
    "BLOCK_ELEMENTS",
    "DENSE_N",
    "DENSE_SHARE",
    "SMALL_BLOCK_ELEMENTS",
    "PRODUCT_ELEMENTS",
    "permuted_linear_forms",
    "permuted_quadratic_forms",
    "quadratic_form_matrix",
    "shuffled_rows",
    "estimate_bytes",
]

#: About how many values are shuffled by one ``dlaswp`` call (``rows x n``, at least
#: one row). Small enough for the random words and swap targets to stay in cache:
#: measured faster than 16 times larger blocks at n = 10,000.
BLOCK_ELEMENTS = 1 << 17

#: Up to this many slot steps (``(n - 1)`` per block) in a whole job, the swaps are
#: applied by a numpy loop over the slots instead of ``dlaswp`` (same result), unless
#: ``scipy.linalg`` is already imported: each step costs about 10 us, so the loop
#: only pays while it spares the import (about 0.1 s), i.e. for a process's first jobs.
LOOP_SWAPS = 1024

#: Up to this many values, blocks hold :data:`SMALL_BLOCK_ELEMENTS` values (measured
#: faster), and a form whose matrix has at least ``1 / DENSE_SHARE`` of its entries
#: filled uses the dense matrix. A sparser one (contiguity: about 4 per row) uses the
#: sparse product: with one BLAS thread, dense is up to 2x slower at 100-500 queen
#: cells; with BLAS's default threads on a busy machine, 5-15x (threads that wait on
#: each other for a small product), which made Moran's I with 999 permutations at
#: 90 regions slower than esda's.
DENSE_N = 512
DENSE_SHARE = 4
SMALL_BLOCK_ELEMENTS = 1 << 15

#: About how many values one sparse-dense product of permuted columns holds (at least
#: 8 columns; measured best at 3,000-160,000 values).
PRODUCT_ELEMENTS = 1 << 18

_WORD = 2**32
# x * bound stays below 2**53 (exact in float64) while bound <= 2**21.
_FLOAT_EXACT_N = 2**21


class _Slots(NamedTuple):
    """Per Fisher-Yates slot ``i``: its index, bound ``n - i`` and Lemire's threshold."""

    index: np.ndarray
    bound: np.ndarray
    bound32: np.ndarray
    scale: np.ndarray
    threshold: np.ndarray


def _slots(n: int) -> _Slots:
    bound = np.arange(n, 1, -1, dtype=np.int64)
    threshold = (_WORD % bound).astype(np.uint32)  # 2**32 mod bound
    index = np.arange(n - 1, dtype=np.int32)
    return _Slots(index, bound, bound.astype(np.uint32), bound / _WORD, threshold)


def _scaled(words: np.ndarray, slots: _Slots, slot: np.ndarray | slice, n: int) -> np.ndarray:
    """``floor(words * bound / 2**32)`` exactly, as int32 (Lemire's multiply-shift)."""
    if n <= _FLOAT_EXACT_N:
        product = words.astype(np.float64)
        product *= slots.scale[slot]
        return product.astype(np.int32)
    product = words.astype(np.uint64) * slots.bound[slot].astype(np.uint64)
    return (product >> np.uint64(32)).astype(np.int32)


def _biased(words: np.ndarray, slots: _Slots, slot: np.ndarray | slice) -> np.ndarray:
    """Lemire's rejection test: the low word of ``words * bound`` is below the threshold."""
    with np.errstate(over="ignore"):
        return words * slots.bound32[slot] < slots.threshold[slot]


def _random_words(rng: np.random.Generator, size: int) -> np.ndarray:
    """``size`` uniform 32-bit words: both halves of the generator's raw 64-bit output."""
    return rng.bit_generator.random_raw((size + 1) // 2).view(np.uint32)[:size]


def _draw_steps(rows: int, n: int, rng: np.random.Generator, slots: _Slots) -> np.ndarray:
    """Fisher-Yates steps ``U`` (``rows x (n - 1)`` int32), ``U[:, i]`` uniform on ``0..n-1-i``."""
    every = slice(None)
    words = _random_words(rng, rows * (n - 1)).reshape(rows, n - 1)
    steps = _scaled(words, slots, every, n)
    row, slot = np.divmod(np.flatnonzero(_biased(words, slots, every)), n - 1)
    while row.size:  # rare: probability < n / 2**32 per draw
        fresh = _random_words(rng, row.size)
        steps[row, slot] = _scaled(fresh, slots, slot, n)
        bad = _biased(fresh, slots, slot)
        row, slot = row[bad], slot[bad]
    return steps


def _pivots(steps: np.ndarray, n: int, slots: _Slots) -> np.ndarray:
    """Absolute swap targets for ``dlaswp`` over the flattened ``rows x n`` block."""
    rows = steps.shape[0]
    start = (np.arange(rows, dtype=np.int64) * n).astype(np.int32)[:, None]
    pivots = np.empty((rows, n), dtype=np.int32)
    np.add(steps, slots.index, out=pivots[:, :-1])
    pivots[:, :-1] += start
    pivots[:, -1:] = start + (n - 1)  # the last slot stays: a no-op swap
    if int(pivots.max()) >= rows * n:  # guard: dlaswp does not check its input
        raise RuntimeError("internal error: swap target out of range")
    return pivots


def _rows_per_block(n: int, permutations: int, elements: int) -> int:
    return max(1, min(permutations, elements // n))


def _swap_by_slot(part: np.ndarray, steps: np.ndarray) -> None:
    """Swap slot ``i`` with ``i + steps[:, i]`` in every row, for ``i = 0 .. n - 2`` in order."""
    rows = np.arange(part.shape[0])
    for i in range(steps.shape[1]):
        target = steps[:, i] + i
        held = part[:, i].copy()
        part[:, i] = part[rows, target]
        part[rows, target] = held


def _loop_pays(slot_steps: int) -> bool:
    """Tell whether swapping slot by slot beats ``dlaswp`` for a job of ``slot_steps``."""
    return slot_steps <= LOOP_SWAPS and "scipy.linalg" not in sys.modules


def _shuffle_in_place(
    part: np.ndarray, rng: np.random.Generator, slots: _Slots, *, loop: bool = False
) -> None:
    """Apply a fresh Fisher-Yates pass to each row of the C-contiguous ``part``."""
    rows, n = part.shape
    steps = _draw_steps(rows, n, rng, slots)
    if loop:
        _swap_by_slot(part, steps)
        return
    from scipy.linalg.lapack import dlaswp  # imported only for large jobs

    pivots = _pivots(steps, n, slots)
    out = dlaswp(part.reshape(-1, 1), pivots.reshape(-1), overwrite_a=1)
    if not np.shares_memory(out, part):  # the wrapper copied: take its result
        part[...] = out.reshape(rows, n)


def shuffled_rows(
    values: np.ndarray, permutations: int, rng: np.random.Generator, *, rows: int | None = None
) -> Iterator[np.ndarray]:
    """Yield ``(rows, n)`` blocks whose rows are independent uniform permutations of ``values``.

    A yielded block is reused (shuffled again) for the next one: copy it to keep it.

    Parameters
    ----------
    values : numpy.ndarray
        The values to permute (float64, at least 2).
    permutations : int
        Total number of rows over all blocks.
    rng : numpy.random.Generator
        Source of randomness.
    rows : int, optional
        Rows per block (the last may have fewer); by default about
        :data:`BLOCK_ELEMENTS` values. Part of what the draws depend on.

    Yields
    ------
    numpy.ndarray

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> rows = np.vstack([b.copy() for b in shuffled_rows(np.arange(4.0), 5, rng)])
    >>> rows.shape, bool((np.sort(rows, axis=1) == np.arange(4.0)).all())
    ((5, 4), True)
    """
    values = np.asarray(values, dtype=np.float64)
    n = values.size
    budget = SMALL_BLOCK_ELEMENTS if n <= DENSE_N else BLOCK_ELEMENTS
    step = _rows_per_block(n, permutations, budget)  # rows per dlaswp call
    if n * step >= 2**31:  # dlaswp takes 32-bit positions
        raise ValueError(f"too many values to permute: n={n}")
    slots = _slots(n)
    loop = _loop_pays(-(-permutations // step) * (n - 1))  # (either way, the same rows)
    block = np.empty((rows or step, n))
    block[...] = values
    done = 0
    while done < permutations:
        count = min(block.shape[0], permutations - done)
        for start in range(0, count, step):
            _shuffle_in_place(block[start : min(start + step, count)], rng, slots, loop=loop)
        yield block[:count]
        done += count


def estimate_bytes(n: int, nnz: int, permutations: int) -> int:
    """Bytes the permutations of ``n`` values hold at once, roughly (an upper estimate).

    A shuffled block (values, swap targets, random words and steps), the columns
    of one sparse-dense product and its result, the form's matrix (dense up to
    :data:`DENSE_N` regions) and the output.

    Parameters
    ----------
    n, nnz : int
        Values and stored entries of the form's matrix.
    permutations : int
        Number of permutations.

    Returns
    -------
    int

    Examples
    --------
    >>> estimate_bytes(10_000, 60_000, 999) < 2**27
    True
    """
    budget = SMALL_BLOCK_ELEMENTS if n <= DENSE_N else BLOCK_ELEMENTS
    rows = _rows_per_block(n, permutations, budget)
    width = min(permutations, max(8, PRODUCT_ELEMENTS // max(n, 1)))
    block = max(rows, width) * n * (8 + 4 + 8 + 4 + 8)
    product = 3 * n * width * 8
    matrix = n * n * 8 if n <= DENSE_N else nnz * 16
    return int(block + product + matrix + 8 * permutations + 64 * n)


def _check_memory(n: int, nnz: int, permutations: int) -> None:
    check_memory(estimate_bytes(n, nnz, permutations),
                 what=f"{permutations} permutations of {n} values")


def quadratic_form_matrix(
    matrix: sp.sparray, *, scale: float = 1.0, diagonal: np.ndarray | None = None
) -> sp.csr_array:
    """Upper-triangular ``T`` with ``x' T x == x' (scale * M + diag(diagonal)) x`` for every ``x``.

    Parameters
    ----------
    matrix : scipy sparse array
        Square matrix ``M``.
    scale : float, default 1.0
        Factor applied to ``M``.
    diagonal : numpy.ndarray, optional
        Added to the diagonal.

    Returns
    -------
    scipy.sparse.csr_array

    Examples
    --------
    >>> m = sp.csr_array(np.array([[1.0, 2.0], [0.0, 3.0]]))
    >>> quadratic_form_matrix(m).toarray().tolist()
    [[1.0, 2.0], [0.0, 3.0]]
    >>> quadratic_form_matrix(m, scale=-2.0, diagonal=np.ones(2)).toarray().tolist()
    [[-1.0, -4.0], [0.0, -5.0]]
    """
    coo = sp.coo_array(matrix)
    row, col = coo.coords
    # Fold each entry below the diagonal onto its mirror above it (duplicates are summed).
    first, second, data = np.minimum(row, col), np.maximum(row, col), scale * coo.data
    if diagonal is not None:
        index = np.arange(coo.shape[0])
        first, second = np.concatenate([first, index]), np.concatenate([second, index])
        data = np.concatenate([data, diagonal])
    return sp.csr_array((data, (first, second)), shape=coo.shape)


def permuted_quadratic_forms(
    values: np.ndarray, upper: sp.csr_array, permutations: int, rng: np.random.Generator
) -> np.ndarray:
    """``x_p' T x_p`` for ``permutations`` random permutations ``x_p`` of ``values``.

    Parameters
    ----------
    values : numpy.ndarray
        Values to permute.
    upper : scipy.sparse.csr_array
        The form's matrix, preferably from :func:`quadratic_form_matrix`.
    permutations : int
        Number of permutations.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> t = quadratic_form_matrix(sp.csr_array(np.ones((3, 3)) - np.eye(3)))
    >>> permuted_quadratic_forms(np.array([1.0, 2.0, 3.0]), t, 2, np.random.default_rng(0))
    array([22., 22.])
    """
    n = values.size
    _check_memory(n, upper.nnz, permutations)
    if n <= DENSE_N and permutations:  # small: blocks of rows that stay in cache
        if upper.nnz * DENSE_SHARE < n * n:  # sparse (contiguity, k nearest): no BLAS
            return np.concatenate([
                _sparse_forms(upper, np.ascontiguousarray(block.T))
                for block in shuffled_rows(values, permutations, rng)
            ])
        dense_t = upper.toarray().T
        return np.concatenate([
            np.einsum("pi,pi->p", block, block @ dense_t)
            for block in shuffled_rows(values, permutations, rng)
        ])
    width = min(permutations, max(8, PRODUCT_ELEMENTS // n))
    columns = np.empty((n, width))
    out = np.empty(permutations)
    done = 0
    for block in shuffled_rows(values, permutations, rng, rows=width):
        part = columns[:, : block.shape[0]]
        part[...] = block.T  # the sparse product is fastest on C-ordered columns
        out[done : done + block.shape[0]] = _sparse_forms(upper, part)
        done += block.shape[0]
    return out


def _sparse_forms(upper: sp.csr_array, columns: np.ndarray) -> np.ndarray:
    """``x' T x`` for each C-ordered column ``x`` of ``columns``."""
    return np.einsum("ij,ij->j", columns, upper @ columns)


def permuted_linear_forms(
    values: np.ndarray, coefficients: np.ndarray, permutations: int, rng: np.random.Generator
) -> np.ndarray:
    """``u' x_p`` for ``permutations`` random permutations ``x_p`` of ``values``.

    Parameters
    ----------
    values : numpy.ndarray
        Values to permute.
    coefficients : numpy.ndarray
        The fixed vector ``u``.
    permutations : int
        Number of permutations.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> permuted_linear_forms(np.array([1.0, 2.0]), np.ones(2), 3, np.random.default_rng(0))
    array([3., 3., 3.])
    """
    _check_memory(values.size, 0, permutations)
    return np.concatenate([
        block @ coefficients for block in shuffled_rows(values, permutations, rng)
    ])
