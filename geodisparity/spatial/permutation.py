"""Conditional randomisation engine for the local statistics.

A local statistic for region ``i`` (local Moran, Gi*, local Geary...) is
tested against its *conditional permutation distribution*: ``z_i`` stays in
place and the ``k_i`` neighbour slots are filled with ``k_i`` values drawn
without replacement from the ``n - 1`` other values. Every statistic here is a
function of the spatial lag ``L_i = sum_m w_im * z[d_m]`` of the drawn values
``d_1..d_k``, so the engine simulates lags.

The shared draw table
---------------------
Like esda, all regions share one table of random draws, so the cost does not
grow with ``n x permutations`` random numbers. Row ``p`` of the table holds the
first ``K + 1`` entries of a uniformly random ordering of *all* ``n`` positions
(``K`` is the largest cardinality). For region ``i`` the draws of permutation
``p`` are the first ``k_i`` entries of that row **with ``i`` deleted**:

* if ``i`` is not among the row's first ``k_i`` entries, they are the first
  ``k_i`` entries;
* otherwise ``i`` is skipped and entry ``k_i + 1`` moves in.

Why this is exact: deleting ``i`` from a uniformly random ordering of the ``n``
positions leaves a uniformly random ordering of the ``n - 1`` others (every
ordering of the others arises from exactly ``n`` orderings of all, one per slot
of ``i``). Its first ``k_i`` entries are therefore a uniform draw without
replacement from the other values, i.e. exactly the conditional permutation
distribution, for every region and every cardinality at once (they depend on
the first ``k_i + 1 <= K + 1`` entries only, which the table holds); rows are
independent, so the ``permutations`` lags of a region are i.i.d. draws from it.
As in esda, different regions share the table, so their Monte Carlo errors are
correlated: the share of significant regions on a map varies more from seed to
seed than independent draws would make it (on a 200 x 200 grid, the share with
``p <= 0.01`` ranged over 0.30-0.34 across six seeds, esda's and pygeoda's
runs falling in the same range). Each region's own distribution is exact.

Why this is fast
----------------
With the table fixed, region ``i``'s permuted lag is a *base* lag, computed as
if ``i`` were an ordinary value, plus a correction in the few rows where ``i``
itself sits among the first ``k_i`` entries (about ``permutations * k_i / n``
rows; the table has only ``permutations * K`` entries, so all such (row,
region) pairs are found in one pass over it).

* Equal weights (binary or row-standardised contiguity / KNN: the common case).
  The base lag is ``c_i * S_k[p]`` where ``S_k[p]`` is the sum of the first
  ``k`` values of row ``p``: it depends on the cardinality only. One sorted
  array of ``S_k`` per distinct ``k`` answers every region's "how many
  permutations are at least / at most my observed lag" by binary search; the
  rows where the region was drawn are then swapped exactly (remove
  ``S_k[p]``, add ``S_k[p] - z_i + z[row_p[k]]``). Cost
  ``O(permutations * K + distinct_k * permutations * log + n * log(permutations))``.
* Unequal weights (distance bands, kernels). Base lags of a chunk of regions
  are one dense product ``z[table] @ weights`` (``permutations x chunk``,
  memory bounded by :data:`CHUNK_ELEMENTS`), corrected in the same rows.

Both paths use the same table and the same draws, so for equal weights they
give the same counts (up to floating-point summation order within ties).

Ties: a permuted lag within a relative ``1e-10`` of the observed one counts as
equal (integer-valued data has genuine ties that floating point would split at
random). Counts of ``>=`` and ``<=`` both include ties.

Examples
--------
>>> import numpy as np, scipy.sparse as sp
>>> w = sp.csr_array(np.array([[0, 1, 1], [1, 0, 1], [1, 1, 0]], dtype=float))
>>> z = np.array([-1.0, 0.0, 1.0])
>>> dist = lag_distribution(z, w, w @ z, permutations=99, rng=np.random.default_rng(0))
>>> dist.n_ge.tolist(), dist.n_le.tolist()  # with k = n - 1 the lag cannot change
([99, 99, 99], [99, 99, 99])
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = [
    "CHUNK_ELEMENTS",
    "LagDistribution",
    "draw_table",
    "lag_distribution",
    "permuted_lags",
    "pseudo_p_value",
    "row_sums",
    "simulate",
]

#: Most elements in one ``permutations x regions`` block of the general path.
CHUNK_ELEMENTS = 1 << 22

_TIE_RTOL = 1e-10


@dataclass(frozen=True)
class LagDistribution:
    """Per-region summary of the conditional permutation distribution of the lag.

    Attributes
    ----------
    n_ge, n_le : numpy.ndarray
        Permutations whose lag is at least / at most the observed lag (ties in both).
    mean, std : numpy.ndarray
        Mean and standard deviation (``ddof=0``) of the permuted lags; NaN for islands.
    permutations : int
        Number of permutations.
    """

    n_ge: np.ndarray
    n_le: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    permutations: int


def draw_table(n: int, depth: int, permutations: int, rng: np.random.Generator) -> np.ndarray:
    """Draw ``permutations`` rows of ``depth`` distinct positions out of ``range(n)``.

    Each row is the prefix of a uniformly random ordering of ``range(n)``.

    Parameters
    ----------
    n : int
        Number of positions.
    depth : int
        Entries per row, at most ``n``.
    permutations : int
        Number of rows.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    numpy.ndarray
        ``(permutations, depth)`` integer array.

    Examples
    --------
    >>> t = draw_table(5, 5, 3, np.random.default_rng(1))
    >>> sorted(t[0].tolist())
    [0, 1, 2, 3, 4]
    >>> draw_table(5, 0, 2, np.random.default_rng(1)).shape
    (2, 0)
    """
    dtype = np.int32 if n < 2**31 - 1 else np.int64
    if depth > n:
        raise ValueError(f"depth={depth} exceeds n={n}")
    if depth == 0 or permutations == 0:
        return np.empty((permutations, depth), dtype=dtype)
    if depth * depth <= n:
        return _draw_by_rejection(n, depth, permutations, rng, dtype)
    if n * permutations <= 10_000_000:
        full = np.tile(np.arange(n, dtype=dtype), (permutations, 1))
        return np.ascontiguousarray(rng.permuted(full, axis=1)[:, :depth])
    rows = [rng.choice(n, size=depth, replace=False) for _ in range(permutations)]
    return np.asarray(rows, dtype=dtype)


def _draw_by_rejection(
    n: int, depth: int, permutations: int, rng: np.random.Generator, dtype: type
) -> np.ndarray:
    # Uniform tuples conditioned on having distinct entries are uniform ordered
    # samples without replacement. With depth**2 <= n at most ~half the rows clash.
    table = rng.integers(0, n, size=(permutations, depth), dtype=dtype)
    redraw = _rows_with_repeats(table)
    while redraw.size:
        table[redraw] = rng.integers(0, n, size=(redraw.size, depth), dtype=dtype)
        redraw = redraw[_rows_with_repeats(table[redraw])]
    return table


def _rows_with_repeats(table: np.ndarray) -> np.ndarray:
    ordered = np.sort(table, axis=1)
    return np.flatnonzero((np.diff(ordered, axis=1) == 0).any(axis=1))


def pseudo_p_value(n_ge: np.ndarray, n_le: np.ndarray, permutations: int) -> np.ndarray:
    """Folded pseudo p-value ``(min(n_ge, n_le) + 1) / (permutations + 1)``.

    This is esda's default ("directed") definition: the tail the observed value
    falls in, counted with the observed value itself.

    Parameters
    ----------
    n_ge, n_le : numpy.ndarray
        Permutations at least / at most as large as the observed statistic.
    permutations : int
        Number of permutations.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> pseudo_p_value(np.array([0, 999]), np.array([999, 500]), 999).tolist()
    [0.001, 0.501]
    """
    return (np.minimum(n_ge, n_le) + 1.0) / (permutations + 1.0)


@dataclass(frozen=True)
class _Layout:
    weights: sp.csr_array
    cardinality: np.ndarray
    k_max: int
    table: np.ndarray
    hit_perm: np.ndarray
    hit_region: np.ndarray
    hit_pos: np.ndarray


def _layout(weights: sp.csr_array, permutations: int, rng: np.random.Generator) -> _Layout:
    n = weights.shape[0]
    cardinality = np.diff(weights.indptr)
    k_max = int(cardinality.max()) if n else 0
    table = draw_table(n, min(k_max + 1, n), permutations, rng)
    # (row, region, slot) wherever a region sits among its own first k draws.
    head = table[:, :k_max]
    inside = np.arange(k_max)[None, :] < cardinality[head]
    hit_perm, hit_pos = np.nonzero(inside)
    hit_region = head[hit_perm, hit_pos].astype(np.intp)
    order = np.argsort(hit_region, kind="stable")
    return _Layout(
        weights, cardinality, k_max, table, hit_perm[order], hit_region[order], hit_pos[order]
    )


def row_sums(matrix: sp.csr_array, *, absolute: bool = False) -> np.ndarray:
    """Sum of each row of a CSR matrix (of the absolute values if asked).

    Parameters
    ----------
    matrix : scipy.sparse.csr_array
        The matrix.
    absolute : bool, default False
        Sum ``abs(matrix)`` instead.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> row_sums(sp.csr_array(np.array([[0, -1.0], [0, 0]])), absolute=True).tolist()
    [1.0, 0.0]
    """
    data = np.abs(matrix.data) if absolute else matrix.data
    out = np.zeros(matrix.shape[0])
    has = np.diff(matrix.indptr) > 0
    if has.any():
        out[has] = np.add.reduceat(data, matrix.indptr[:-1][has])
    return out


def _tolerance(weights: sp.csr_array, z: np.ndarray) -> np.ndarray:
    row_abs = row_sums(weights, absolute=True)
    scale = float(np.max(np.abs(z))) if z.size else 0.0
    return _TIE_RTOL * np.maximum(row_abs * scale, np.finfo(float).tiny)


def _equal_weight_rows(weights: sp.csr_array) -> np.ndarray:
    """Per region, the common weight of all its neighbours, or NaN if they differ."""
    card = np.diff(weights.indptr)
    common = np.full(weights.shape[0], np.nan)
    has = card > 0
    if not has.any():
        return common
    first = weights.data[weights.indptr[:-1][has]]
    spread = np.abs(weights.data - np.repeat(first, card[has]))
    differs = spread > 1e-12 * np.abs(np.repeat(first, card[has]))
    common[has] = np.where(first > 0, first, np.nan)
    if differs.any():
        rows = np.repeat(np.arange(weights.shape[0]), card)
        common[np.unique(rows[differs])] = np.nan
    return common


def lag_distribution(
    z: np.ndarray,
    weights: sp.csr_array,
    observed: np.ndarray,
    *,
    permutations: int,
    rng: np.random.Generator,
    fast: bool = True,
) -> LagDistribution:
    """Compare each region's observed lag with its conditional permutation distribution.

    Parameters
    ----------
    z : numpy.ndarray
        Values to permute (standardise them for numerical accuracy), length ``n``.
    weights : scipy.sparse.csr_array
        Off-diagonal weights; row ``i`` holds region ``i``'s neighbours.
    observed : numpy.ndarray
        Observed lags ``weights @ z``.
    permutations : int
        Number of permutations (at least 1).
    rng : numpy.random.Generator
        Source of randomness.
    fast : bool, default True
        Use the per-cardinality sorted path for rows with equal weights. False
        sends every region through the general path (same draws; for testing).

    Returns
    -------
    LagDistribution

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> w = sp.csr_array(np.array([[0, 1.0], [1.0, 0]]))
    >>> d = lag_distribution(np.array([1.0, -1.0]), w, np.array([-1.0, 1.0]),
    ...                      permutations=9, rng=np.random.default_rng(0))
    >>> d.n_ge.tolist(), d.std.tolist()  # two regions: each has one possible neighbour
    ([9, 9], [0.0, 0.0])
    """
    weights = sp.csr_array(weights)
    n = weights.shape[0]
    layout = _layout(weights, permutations, rng)
    values = z[layout.table]
    tol = _tolerance(weights, z)
    n_ge = np.zeros(n, dtype=np.int64)
    n_le = np.zeros(n, dtype=np.int64)
    mean = np.full(n, np.nan)
    std = np.full(n, np.nan)
    common = _equal_weight_rows(weights) if fast else np.full(n, np.nan)
    quick = np.isfinite(common)
    if quick.any():
        _equal_weights_path(z, values, layout, observed, tol, common, quick,
                            n_ge, n_le, mean, std)
    general = ~quick & (layout.cardinality > 0)
    if general.any():
        for rows, (block,) in permuted_lags([z], layout, values=[values], regions=general):
            lo = observed[rows] - tol[rows]
            hi = observed[rows] + tol[rows]
            n_ge[rows] = np.count_nonzero(block >= lo, axis=0)
            n_le[rows] = np.count_nonzero(block <= hi, axis=0)
            m1 = block.mean(axis=0)
            m2 = np.einsum("ij,ij->j", block, block) / permutations
            mean[rows] = m1
            std[rows] = np.sqrt(np.maximum(m2 - m1 * m1, 0.0))
    return LagDistribution(n_ge, n_le, mean, std, permutations)


def _equal_weights_path(
    z: np.ndarray,
    values: np.ndarray,
    layout: _Layout,
    observed: np.ndarray,
    tol: np.ndarray,
    common: np.ndarray,
    quick: np.ndarray,
    n_ge: np.ndarray,
    n_le: np.ndarray,
    mean: np.ndarray,
    std: np.ndarray,
) -> None:
    """Fill the outputs for regions whose neighbours all carry the same weight."""
    permutations = values.shape[0]
    card = layout.cardinality
    sums = np.cumsum(values[:, : layout.k_max], axis=1)  # sums[p, k-1] = S_k[p]
    threshold = np.zeros_like(z)
    threshold[quick] = observed[quick] / common[quick]
    tol_s = np.zeros_like(z)
    tol_s[quick] = tol[quick] / common[quick]
    total1 = np.zeros_like(z)
    total2 = np.zeros_like(z)
    for k in np.unique(card[quick]):
        regions = np.flatnonzero(quick & (card == k))
        s_k = sums[:, k - 1]
        ordered = np.sort(s_k)
        lo = threshold[regions] - tol_s[regions]
        hi = threshold[regions] + tol_s[regions]
        n_ge[regions], n_le[regions] = _count_sorted(ordered, lo, hi)
        total1[regions] = s_k.sum()
        total2[regions] = np.square(s_k).sum()
    # Rows where the region drew itself: swap the base sum for the exact one.
    keep = quick[layout.hit_region]
    p, i = layout.hit_perm[keep], layout.hit_region[keep]
    k = card[i]
    old = sums[p, k - 1]
    new = old - z[i] + values[p, k]
    lo = threshold[i] - tol_s[i]
    hi = threshold[i] + tol_s[i]
    n = z.size
    n_ge += np.bincount(i, (new >= lo).astype(float) - (old >= lo), minlength=n).astype(np.int64)
    n_le += np.bincount(i, (new <= hi).astype(float) - (old <= hi), minlength=n).astype(np.int64)
    total1 += np.bincount(i, new - old, minlength=n)
    total2 += np.bincount(i, new * new - old * old, minlength=n)
    m1 = total1[quick] / permutations
    var = np.maximum(total2[quick] / permutations - m1 * m1, 0.0)
    mean[quick] = common[quick] * m1
    std[quick] = common[quick] * np.sqrt(var)


def _count_sorted(ordered: np.ndarray, lo: np.ndarray, hi: np.ndarray):
    """Count entries of sorted ``ordered`` that are >= ``lo`` and <= ``hi``."""
    size = ordered.size
    below = np.searchsorted(ordered, lo, side="left")  # entries < lo
    # Entries in [lo, hi] (ties) are rare: search again only where one exists.
    tie = ordered[np.minimum(below, size - 1)] <= hi
    tie &= below < size
    at_most = below.copy()
    at_most[tie] = np.searchsorted(ordered, hi[tie], side="right")
    return size - below, at_most


def permuted_lags(
    columns: Sequence[np.ndarray],
    layout: _Layout,
    *,
    values: Sequence[np.ndarray] | None = None,
    regions: np.ndarray | None = None,
) -> Iterator[tuple[np.ndarray, list[np.ndarray]]]:
    """Yield exact permuted lags, chunk by chunk, for the general path.

    Parameters
    ----------
    columns : sequence of numpy.ndarray
        Value vectors permuted together (the same draws for each), e.g. ``z``
        and ``z**2`` for local Geary.
    layout : _Layout
        Weights, draw table and self-draw positions (see :func:`simulate`).
    values : sequence of numpy.ndarray, optional
        ``column[table]`` for each column, if already computed.
    regions : numpy.ndarray of bool, optional
        Regions to simulate; all with neighbours by default.

    Yields
    ------
    rows : numpy.ndarray
        Positions of the regions in this chunk.
    blocks : list of numpy.ndarray
        One ``(permutations, len(rows))`` array of lags per column.
    """
    weights, card, k_max = layout.weights, layout.cardinality, layout.k_max
    if values is None:
        values = [column[layout.table] for column in columns]
    if regions is None:
        regions = card > 0
    selected = np.flatnonzero(regions)
    permutations = layout.table.shape[0]
    chunk = max(1, CHUNK_ELEMENTS // max(permutations, 1))
    steps = [v[:, 1:] - v[:, :-1] for v in values]
    heads = [np.ascontiguousarray(v[:, :k_max]) for v in values]
    for start in range(0, selected.size, chunk):
        rows = selected[start : start + chunk]
        padded = _padded_weights(weights, rows, k_max)
        blocks = [head @ padded.T for head in heads]
        lo, hi = np.searchsorted(layout.hit_region, [rows[0], rows[-1] + 1])
        p = layout.hit_perm[lo:hi]
        i = layout.hit_region[lo:hi]
        slot = layout.hit_pos[lo:hi]
        member = np.searchsorted(rows, i)
        inside = (member < rows.size) & (rows[np.minimum(member, rows.size - 1)] == i)
        p, slot, member = p[inside], slot[inside], member[inside]
        after = np.arange(k_max)[None, :] >= slot[:, None]
        for block, step in zip(blocks, steps, strict=True):
            delta = (step[p] * padded[member] * after).sum(axis=1)
            np.add.at(block, (p, member), delta)
        yield rows, blocks


def simulate(
    weights: sp.csr_array, permutations: int, rng: np.random.Generator
) -> _Layout:
    """Draw the shared table for ``weights`` and locate the self-draws.

    Parameters
    ----------
    weights : scipy.sparse.csr_array
        Off-diagonal weights.
    permutations : int
        Number of permutations.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    _Layout
        Input of :func:`permuted_lags`.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> lay = simulate(sp.csr_array(np.ones((3, 3)) - np.eye(3)), 4, np.random.default_rng(0))
    >>> lay.table.shape
    (4, 3)
    """
    return _layout(sp.csr_array(weights), permutations, rng)


def _padded_weights(weights: sp.csr_array, rows: np.ndarray, k_max: int) -> np.ndarray:
    """Weights of ``rows`` as a dense ``(len(rows), k_max)`` array, zero-padded."""
    starts = weights.indptr[rows]
    counts = weights.indptr[rows + 1] - starts
    out = np.zeros((rows.size, k_max))
    if counts.sum() == 0:
        return out
    owner = np.repeat(np.arange(rows.size), counts)
    first = np.repeat(np.cumsum(counts) - counts, counts)
    slot = np.arange(owner.size) - first
    source = np.repeat(starts, counts) + slot
    out[owner, slot] = weights.data[source]
    return out
