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
  of similar cardinality are one dense product ``z[table] @ weights``
  (``rows x chunk``), corrected in the same rows.

Memory stays bounded whatever the cardinality: the table is drawn and used in
chunks of rows (:mod:`geodisparity.spatial._draws`), regions are processed in
chunks sorted by cardinality, each padded only to its own largest cardinality,
and every block holds about :data:`~geodisparity.spatial._draws.CHUNK_ELEMENTS`
values. The equal-weights path keeps one sum per permutation and distinct
cardinality. The chunk size does not change the draws, so results are the
same, for a seed, whatever the chunking. Before drawing, the engine estimates
its memory and refuses when the machine does not have it.

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

from geodisparity.spatial import _draws
from geodisparity.spatial._draws import Chunk, Plan, draw_table, simulate

__all__ = [
    "LagDistribution",
    "LagTally",
    "draw_table",
    "lag_distribution",
    "permuted_lags",
    "pseudo_p_value",
    "row_sums",
    "simulate",
]

#: Most elements in one ``permutations x regions`` block of the general path.

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



class LagTally:
    """Accumulate, chunk by chunk, the counts and moments of each region's permuted lags.

    Parameters
    ----------
    n : int
        Number of regions.
    permutations : int
        Total number of permutations.

    Examples
    --------
    >>> tally = LagTally(2, 3)
    >>> tally.add(np.array([1]), np.array([[0.0], [1.0], [2.0]]), np.array([1.0]), np.array([1.0]))
    >>> d = tally.distribution(np.array([False, True]))
    >>> d.n_ge.tolist(), d.n_le.tolist(), d.mean.tolist()
    ([0, 2], [0, 2], [nan, 1.0])
    """

    def __init__(self, n: int, permutations: int) -> None:
        self.permutations = permutations
        self.n_ge = np.zeros(n, dtype=np.int64)
        self.n_le = np.zeros(n, dtype=np.int64)
        self.total1 = np.zeros(n)
        self.total2 = np.zeros(n)

    def add(self, rows: np.ndarray, sims: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
        """Count the ``(permutations_in_chunk, len(rows))`` ``sims`` against ``lo`` and ``hi``."""
        self.n_ge[rows] += np.count_nonzero(sims >= lo, axis=0)
        self.n_le[rows] += np.count_nonzero(sims <= hi, axis=0)
        self.total1[rows] += sims.sum(axis=0)
        self.total2[rows] += np.einsum("ij,ij->j", sims, sims)

    def distribution(self, has: np.ndarray) -> LagDistribution:
        """Return the summary; regions outside ``has`` (islands) get NaN moments."""
        m1 = self.total1 / self.permutations
        var = np.maximum(self.total2 / self.permutations - m1 * m1, 0.0)
        mean = np.where(has, m1, np.nan)
        std = np.where(has, np.sqrt(var), np.nan)
        return LagDistribution(self.n_ge, self.n_le, mean, std, self.permutations)


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

    Raises
    ------
    ResourceError
        The engine would need more memory than is available.

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
    plan = simulate(weights, permutations, rng)
    tol = _tolerance(weights, z)
    common = _equal_weight_rows(weights) if fast else np.full(n, np.nan)
    quick = np.isfinite(common)
    general = ~quick & (plan.cardinality > 0)
    tally = LagTally(n, permutations)
    equal = _EqualWeights(z, plan, observed, tol, common, quick) if quick.any() else None
    lo, hi = observed - tol, observed + tol
    for chunk in plan.chunks():
        values = z[chunk.table]
        if equal is not None:
            equal.add(chunk, values)
        if general.any():
            for rows, (block,) in _chunk_lags([values], plan, chunk, general):
                tally.add(rows, block, lo[rows], hi[rows])
    if equal is not None:
        equal.finish(tally)
    return tally.distribution(plan.cardinality > 0)


class _EqualWeights:
    """The per-cardinality path for regions whose neighbours all carry the same weight.

    The base lag of such a region is ``c_i * S_k[p]``; the ``S_k`` of every
    permutation and distinct ``k`` are kept (``permutations x distinct``), then
    sorted once to count by binary search. Rows where a region drew itself are
    corrected chunk by chunk.
    """

    def __init__(self, z: np.ndarray, plan: Plan, observed: np.ndarray, tol: np.ndarray,
                 common: np.ndarray, quick: np.ndarray) -> None:
        self.z, self.plan, self.common, self.quick = z, plan, common, quick
        card = plan.cardinality
        self.ks = np.unique(card[quick])
        self.sums = np.empty((plan.permutations, self.ks.size))
        self.threshold = np.zeros_like(z)
        self.threshold[quick] = observed[quick] / common[quick]
        self.tol = np.zeros_like(z)
        self.tol[quick] = tol[quick] / common[quick]
        n = z.size
        self.fix_ge = np.zeros(n)
        self.fix_le = np.zeros(n)
        self.fix1 = np.zeros(n)
        self.fix2 = np.zeros(n)

    def add(self, chunk: Chunk, values: np.ndarray) -> None:
        """Keep the chunk's ``S_k`` and correct the rows where a region drew itself."""
        card, z, n = self.plan.cardinality, self.z, self.z.size
        sums = np.cumsum(values[:, : self.plan.k_max], axis=1)  # sums[p, k-1] = S_k[p]
        self.sums[chunk.rows] = sums[:, self.ks - 1]
        keep = self.quick[chunk.hit_region]
        p, i = chunk.hit_perm[keep], chunk.hit_region[keep]
        k = card[i]
        old = sums[p, k - 1]
        new = old - z[i] + values[p, k]
        lo = self.threshold[i] - self.tol[i]
        hi = self.threshold[i] + self.tol[i]
        self.fix_ge += np.bincount(i, (new >= lo).astype(float) - (old >= lo), minlength=n)
        self.fix_le += np.bincount(i, (new <= hi).astype(float) - (old <= hi), minlength=n)
        self.fix1 += np.bincount(i, new - old, minlength=n)
        self.fix2 += np.bincount(i, new * new - old * old, minlength=n)

    def finish(self, tally: LagTally) -> None:
        """Count every region against its sorted ``S_k`` and write the totals into ``tally``."""
        card, quick, common = self.plan.cardinality, self.quick, self.common
        total1 = np.zeros_like(self.z)
        total2 = np.zeros_like(self.z)
        for column, k in enumerate(self.ks):
            regions = np.flatnonzero(quick & (card == k))
            s_k = self.sums[:, column]
            lo = self.threshold[regions] - self.tol[regions]
            hi = self.threshold[regions] + self.tol[regions]
            n_ge, n_le = _count_sorted(np.sort(s_k), lo, hi)
            tally.n_ge[regions] = n_ge + np.rint(self.fix_ge[regions]).astype(np.int64)
            tally.n_le[regions] = n_le + np.rint(self.fix_le[regions]).astype(np.int64)
            total1[regions] = s_k.sum()
            total2[regions] = np.square(s_k).sum()
        total1 += self.fix1
        total2 += self.fix2
        tally.total1[quick] = common[quick] * total1[quick]
        tally.total2[quick] = common[quick] ** 2 * total2[quick]


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
    plan: Plan,
    *,
    regions: np.ndarray | None = None,
) -> Iterator[tuple[Chunk, np.ndarray, list[np.ndarray]]]:
    """Yield exact permuted lags, chunk by chunk, for the general path.

    Parameters
    ----------
    columns : sequence of numpy.ndarray
        Value vectors permuted together (the same draws for each), e.g. ``z``
        and ``z**2`` for local Geary.
    plan : Plan
        Weights and seeded draw blocks (see :func:`simulate`).
    regions : numpy.ndarray of bool, optional
        Regions to simulate; all with neighbours by default.

    Yields
    ------
    chunk : Chunk
        The rows of the draw table (``chunk.rows``: which permutations).
    rows : numpy.ndarray
        Positions of the regions in this block.
    blocks : list of numpy.ndarray
        One ``(len(chunk.table), len(rows))`` array of lags per column.

    Examples
    --------
    >>> w = sp.csr_array(np.array([[0, 2.0, 1.0], [1.0, 0, 0], [1.0, 0, 0]]))
    >>> plan = simulate(w, 4, np.random.default_rng(0))
    >>> [(chunk.rows, rows.tolist(), blocks[0].shape)
    ...  for chunk, rows, blocks in permuted_lags([np.arange(3.0)], plan)]
    [(slice(0, 4, None), [1, 2, 0], (4, 3))]
    """
    if regions is None:
        regions = plan.cardinality > 0
    for chunk in plan.chunks():
        values = [column[chunk.table] for column in columns]
        for rows, blocks in _chunk_lags(values, plan, chunk, regions):
            yield chunk, rows, blocks


def _region_spans(card_sorted: np.ndarray, n_rows: int) -> Iterator[tuple[int, int]]:
    """Cut regions sorted by cardinality into spans whose blocks hold about CHUNK_ELEMENTS."""
    budget = _draws.CHUNK_ELEMENTS
    start, m = 0, card_sorted.size
    while start < m:
        # The largest end with (end - start) * card[end - 1] <= budget (increasing in end).
        low, high = start + 1, min(m, start + max(1, budget // max(n_rows, 1)))
        while low < high:
            middle = (low + high + 1) // 2
            if (middle - start) * int(card_sorted[middle - 1]) <= budget:
                low = middle
            else:
                high = middle - 1
        yield start, low
        start = low


def _chunk_lags(
    values: Sequence[np.ndarray], plan: Plan, chunk: Chunk, regions: np.ndarray
) -> Iterator[tuple[np.ndarray, list[np.ndarray]]]:
    """Permuted lags of ``regions`` over the rows of ``chunk`` (``values``: column[table])."""
    weights, card = plan.weights, plan.cardinality
    selected = np.flatnonzero(regions)
    selected = selected[np.argsort(card[selected], kind="stable")]
    rank = np.full(card.size, -1, dtype=np.intp)
    rank[selected] = np.arange(selected.size)
    hit_rank = rank[chunk.hit_region]
    inside = np.flatnonzero(hit_rank >= 0)
    order = inside[np.argsort(hit_rank[inside], kind="stable")]
    hit_rank, hit_perm, hit_pos = hit_rank[order], chunk.hit_perm[order], chunk.hit_pos[order]
    steps = [v[:, 1:] - v[:, :-1] for v in values]
    for start, end in _region_spans(card[selected], chunk.table.shape[0]):
        rows = selected[start:end]
        k_c = int(card[rows[-1]])
        padded = _padded_weights(weights, rows, k_c)
        blocks = [np.ascontiguousarray(v[:, :k_c]) @ padded.T for v in values]
        lo, hi = np.searchsorted(hit_rank, [start, end])
        _correct_self_draws(blocks, steps, padded, hit_perm[lo:hi], hit_rank[lo:hi] - start,
                            hit_pos[lo:hi])
        yield rows, blocks


def _correct_self_draws(
    blocks: list[np.ndarray], steps: list[np.ndarray], padded: np.ndarray,
    perm: np.ndarray, member: np.ndarray, slot: np.ndarray,
) -> None:
    """Where a region drew itself, its draws shift down one slot from ``slot`` on."""
    k_c = padded.shape[1]
    step_size = max(1, _draws.CHUNK_ELEMENTS // max(k_c, 1))
    for first in range(0, perm.size, step_size):
        p = perm[first : first + step_size]
        m = member[first : first + step_size]
        after = np.arange(k_c)[None, :] >= slot[first : first + step_size, None]
        shifted = padded[m] * after
        for block, step in zip(blocks, steps, strict=True):
            np.add.at(block, (p, m), (step[p, :k_c] * shifted).sum(axis=1))


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
