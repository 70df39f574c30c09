"""The shared draw table of the conditional permutations, drawn and held in bounded chunks.

:mod:`geodisparity.spatial.permutation` describes the table: row ``p`` holds the
first ``depth = K + 1`` entries of a uniformly random ordering of the ``n``
regions (``K`` the largest cardinality). Holding all ``permutations x depth``
entries at once costs memory in proportion to the largest cardinality: one hub
region with a million neighbours would need some 20 GB for 999 permutations.

So the table is never held whole. Its rows are drawn in *draw blocks* of at most
:data:`DRAW_ROWS` rows (fewer for a deep table, so that a block holds about
:data:`DRAW_ELEMENTS` entries), each from its own child generator spawned from the
caller's generator; they are then handed out in *chunks* of whole draw blocks
holding about :data:`CHUNK_ELEMENTS` entries. Since each block's draws come from
its own stream, the table does not depend on the chunk size: a run with small
chunks gives exactly the draws, hence the counts, of a run with one chunk.

Before anything is drawn, :func:`simulate` estimates the memory the engine will
hold at once and refuses (:class:`~geodisparity.errors.ResourceError`) when the
machine does not have it.

A small table (at most :data:`REUSE_TABLE_ELEMENTS` entries) is kept after it is
drawn and handed out again to the next plan with the same draws: the same regions,
cardinalities, permutation count and seed. A run that tests several columns or
years on the same weights with the same seed (LISA, Gi*, their dynamics) thus
draws its table once. The draws depend only on those inputs, so a reused table is
exactly the one that would be drawn again; its arrays are read-only.

Examples
--------
>>> import scipy.sparse as sp
>>> plan = simulate(sp.csr_array(np.ones((4, 4)) - np.eye(4)), 5, np.random.default_rng(0))
>>> [chunk.table.shape for chunk in plan.chunks()]
[(5, 4)]
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from geodisparity._resources import check_memory

__all__ = ["CHUNK_ELEMENTS", "DRAW_ELEMENTS", "DRAW_ROWS", "Chunk", "Plan", "draw_table",
           "estimate_bytes", "simulate"]

#: About how many values one chunk holds at once (table entries, lags, padded weights).
CHUNK_ELEMENTS = 1 << 22
#: At most this many rows of the table come from one child generator...
DRAW_ROWS = 64
#: ... and fewer when the table is deep, so that a draw block holds about this many entries.
DRAW_ELEMENTS = 1 << 20
#: The tables kept for reuse hold at most this many entries in all (the oldest go first)...
REUSE_ELEMENTS = 1 << 18
#: ... each of them at most this many (drawn in one chunk).
REUSE_TABLE_ELEMENTS = 1 << 15
_recent: OrderedDict[tuple, Chunk] = OrderedDict()
_recent_lock = threading.Lock()  # statistics may run in several threads at once


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


@dataclass(frozen=True)
class Chunk:
    """Rows ``start .. start + len(table)`` of the draw table and the self-draws in them.

    ``hit_perm`` (row within the chunk), ``hit_region`` and ``hit_pos`` list, sorted
    by region, each (row, region, slot) where a region sits among its own first
    ``k_i`` draws.
    """

    start: int
    table: np.ndarray
    hit_perm: np.ndarray
    hit_region: np.ndarray
    hit_pos: np.ndarray

    @property
    def rows(self) -> slice:
        """The permutations this chunk holds."""
        return slice(self.start, self.start + self.table.shape[0])


@dataclass(frozen=True)
class Plan:
    """The weights and the seeds of every draw block; :meth:`chunks` draws the table."""

    weights: sp.csr_array
    cardinality: np.ndarray
    k_max: int
    depth: int
    permutations: int
    block_rows: int
    seeds: tuple[np.random.SeedSequence, ...]

    def chunks(self) -> Iterator[Chunk]:
        """Yield the table in chunks of whole draw blocks (about :data:`CHUNK_ELEMENTS`)."""
        per_chunk = max(1, CHUNK_ELEMENTS // max(self.block_rows * self.depth, 1))
        if per_chunk >= len(self.seeds) and self.permutations * self.depth <= REUSE_TABLE_ELEMENTS:
            yield self._reused()
            return
        for first in range(0, len(self.seeds), per_chunk):
            yield self._draw(range(first, min(first + per_chunk, len(self.seeds))))

    def _draw(self, blocks: range) -> Chunk:
        n = self.weights.shape[0]
        parts = [
            draw_table(n, self.depth, self._rows_of(b), np.random.default_rng(self.seeds[b]))
            for b in blocks
        ]
        return _chunk(blocks.start * self.block_rows, np.concatenate(parts), self.cardinality,
                      self.k_max)

    def _rows_of(self, block: int) -> int:
        return min(self.block_rows, self.permutations - block * self.block_rows)

    def _reused(self) -> Chunk:
        """Return the whole (small) table, drawn once for every plan with the same draws."""
        key = (self.weights.shape[0], self.depth, self.k_max, self.permutations, self.block_rows,
               self.cardinality.dtype.str, self.cardinality.tobytes(),
               tuple((_entropy(s), s.spawn_key, s.pool_size) for s in self.seeds))
        with _recent_lock:
            chunk = _recent.pop(key, None)
        if chunk is None:
            chunk = self._draw(range(len(self.seeds)))
            for array in (chunk.table, chunk.hit_perm, chunk.hit_region, chunk.hit_pos):
                array.flags.writeable = False
        with _recent_lock:
            _recent[key] = chunk
            while sum(kept.table.size for kept in _recent.values()) > REUSE_ELEMENTS:
                _recent.popitem(last=False)
        return chunk


def _entropy(seed: np.random.SeedSequence) -> tuple[int, ...]:
    entropy = seed.entropy
    return tuple(entropy) if isinstance(entropy, list | tuple | np.ndarray) else (entropy,)


def _chunk(start: int, table: np.ndarray, cardinality: np.ndarray, k_max: int) -> Chunk:
    head = table[:, :k_max]
    inside = np.arange(k_max)[None, :] < cardinality[head]
    hit_perm, hit_pos = np.nonzero(inside)
    hit_region = head[hit_perm, hit_pos].astype(np.intp)
    order = np.argsort(hit_region, kind="stable")
    return Chunk(start, table, hit_perm[order], hit_region[order], hit_pos[order])


def _block_rows(depth: int, permutations: int) -> int:
    return max(1, min(DRAW_ROWS, DRAW_ELEMENTS // max(depth, 1), permutations))


def _chunk_rows(depth: int, permutations: int) -> int:
    block = _block_rows(depth, permutations)
    return min(permutations, block * max(1, CHUNK_ELEMENTS // max(block * depth, 1)))


def estimate_bytes(
    n: int, nnz: int, k_max: int, permutations: int, *, distinct: int, columns: int = 1
) -> int:
    """Bytes the engine holds at once, roughly (an upper estimate).

    Parameters
    ----------
    n, nnz : int
        Regions and links.
    k_max : int
        Largest cardinality.
    permutations : int
        Number of permutations.
    distinct : int
        Number of distinct cardinalities (the equal-weights path keeps one sum
        per permutation and cardinality).
    columns : int, default 1
        Value vectors permuted together.

    Returns
    -------
    int

    Examples
    --------
    >>> estimate_bytes(1000, 6000, 8, 999, distinct=5) < 2**30
    True
    """
    depth = min(k_max + 1, n)
    rows = _chunk_rows(depth, permutations)
    table = rows * depth * (4 + 8 + 1 + 8 * (1 + 2 * columns))  # table, card[head], sums...
    hits = rows * (nnz / max(n, 1) + 1) * 3 * 8
    lags = 3 * CHUNK_ELEMENTS * 8 * columns  # lag blocks, padded weights, hit deltas
    store = permutations * distinct * 8
    per_region = 24 * 8 * n + 12 * nnz
    return int(table + hits + lags + store + per_region)


def simulate(weights: sp.csr_array, permutations: int, rng: np.random.Generator,
             *, columns: int = 1) -> Plan:
    """Check memory and seed the draw blocks of the table for ``weights``.

    Parameters
    ----------
    weights : scipy.sparse.csr_array
        Off-diagonal weights.
    permutations : int
        Number of permutations.
    rng : numpy.random.Generator
        Source of randomness (one draw of 256 bits seeds every block).
    columns : int, default 1
        Value vectors that will be permuted together, for the memory estimate.

    Returns
    -------
    Plan

    Raises
    ------
    ResourceError
        The estimate exceeds the memory available.

    Examples
    --------
    >>> plan = simulate(sp.csr_array(np.ones((3, 3)) - np.eye(3)), 4, np.random.default_rng(0))
    >>> plan.depth, sum(chunk.table.shape[0] for chunk in plan.chunks())
    (3, 4)
    """
    weights = sp.csr_array(weights)
    n = weights.shape[0]
    cardinality = np.diff(weights.indptr)
    k_max = int(cardinality.max()) if n else 0
    depth = min(k_max + 1, n)
    distinct = int(np.unique(cardinality).size) if n else 0
    check_memory(
        estimate_bytes(n, weights.nnz, k_max, permutations, distinct=distinct, columns=columns),
        what=f"{permutations} conditional permutations of {n} regions (up to {k_max} neighbours)",
    )
    block_rows = _block_rows(depth, permutations)
    n_blocks = -(-permutations // block_rows) if permutations else 0
    root = np.random.SeedSequence(rng.bit_generator.random_raw(4).tolist())
    return Plan(weights, cardinality, k_max, depth, permutations, block_rows,
                tuple(root.spawn(n_blocks)))
