"""Group equal coordinates: order them so that equal ones are adjacent.

Contiguity needs, for millions of ring coordinates, the groups of exactly
equal (x, y) pairs. :func:`equal_coordinate_runs` finds them with radix
passes that keep memory access local (see its docstring), plain NumPy.
"""

from __future__ import annotations

import logging
import math

import numpy as np

__all__ = ["equal_coordinate_runs"]

logger = logging.getLogger(__name__)

_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))
_CHUNK = 16384  # coordinates sorted at a time: small enough to stay in cache
_GRID = 256  # cells per side of the grid that orders coordinates first
_SAMPLE = 4096  # points sampled to place the grid
_CROWDED = 2 * _CHUNK  # larger chunks (one crowded cell) are sorted by a 32-bit hash
_BLOCK = 65536  # points whose grid cells are computed at a time


def equal_coordinate_runs(
    xy: np.ndarray, owner: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Order coordinates so that equal ones are adjacent.

    Returns ``order`` (positions; within a run of equal coordinates they
    ascend), ``start`` (True where a run of equal coordinates begins, in
    sorted order) and ``owner_sorted`` (``owner[order]``). ``xy`` is used as
    scratch space (``-0.0`` becomes ``0.0``).

    Sorting millions of hashed coordinates in one go scatters every memory
    access; two steps keep them local instead:

    1. Coordinates are ordered by cell of a 256 x 256 grid over most of
       them (one stable radix pass on 16-bit cell numbers). Rings
       run through neighbouring cells, so memory is read almost in order.
       Equal coordinates fall in the same cell.
    2. The cells, in that order, are cut into chunks of about 16,384
       coordinates, which fit in the processor's cache, and each chunk is
       ordered by a 16-bit hash of the coordinates (one stable radix pass,
       so within a hash the order stays by cell, then by position). Equal
       coordinates share a key (cell, hash); a key shared by different
       coordinates (a collision: a few thousand among China's 4 million
       vertices) is detected exactly and its run re-sorted by the
       coordinates themselves. A chunk made of one crowded cell (more than
       ``_CROWDED`` coordinates) is ordered by a 32-bit hash instead.

    Every array as long as ``xy`` costs time twice: once to fill it, and,
    in a fresh process, once for the operating system to hand out memory
    the process has not used yet (on a virtual machine this can take longer
    than the work itself: it made the first call of a script 2 to 3 times
    slower than the next ones). Temporaries are therefore made block by
    block or chunk by chunk, small enough to stay in cache; only ``order``,
    ``start`` and ``owner_sorted`` (with the cell numbers and a collision
    mask) are as long as ``xy``.
    """
    n = len(xy)
    if n == 0:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=bool), owner[:0]
    points = np.ascontiguousarray(xy, dtype=np.float64)
    points += 0.0  # turns -0.0 into 0.0 (in place: the caller's array is a scratch copy)
    cells = _grid_cells(points)
    order = np.argsort(cells, kind="stable")  # by cell; each chunk is then re-ordered in place
    order, start, key_start, owner_sorted = _sort_chunks(
        order, points, owner, cells, _chunk_bounds(cells)
    )
    collided = start > key_start  # points differ, keys do not
    if collided.any():
        as_complex = points.view(np.complex128)[:, 0]
        members = _resort_collisions(order, key_start, collided, points)
        start[members] = _run_starts(as_complex[order[members]]) | key_start[members]
        owner_sorted[members] = owner[order[members]]
        logger.debug("re-sorted %d runs of colliding hashes", int(key_start[members].sum()))
    return order, start, owner_sorted


def _grid_cells(points: np.ndarray) -> np.ndarray:
    """Cell number (16 bits) of each point in a 256 x 256 grid.

    The grid spans the 0.1 to 99.9 percentiles of a sample of the points,
    so that a stray far-away polygon does not crowd all the others into one
    cell; points outside fall in the border cells. Any function of the
    coordinates would do for exactness (equal points get equal numbers);
    cells only make the later passes local. Computed ``_BLOCK`` points at a
    time, so that the floating-point temporaries stay in cache.
    """
    sample = points[:: max(1, len(points) // _SAMPLE)]
    sample = sample[np.isfinite(sample).all(axis=1)]
    low, high = np.percentile(sample, [0.1, 99.9], axis=0) if len(sample) else np.zeros((2, 2))
    spans = high - low
    scales = [
        _GRID / float(span) if math.isfinite(span) and span > 0 else 0.0 for span in spans
    ]
    digits = np.empty((len(points), 2), dtype=np.uint8)
    scaled = np.empty(min(len(points), _BLOCK))
    with np.errstate(invalid="ignore"):  # NaN coordinates
        for begin in range(0, len(points), _BLOCK):
            block = points[begin : begin + _BLOCK]
            out = scaled[: len(block)]
            for axis in (0, 1):
                np.subtract(block[:, axis], low[axis], out=out)
                out *= scales[axis]
                np.clip(out, 0, _GRID - 1, out=out)
                digits[begin : begin + len(block), axis] = out  # truncated to 0..255 (NaN: any)
    return digits.view(np.uint16)[:, 0]


def _chunk_bounds(cells: np.ndarray) -> np.ndarray:
    """Cut positions of the cell-ordered coordinates, between cells, about every ``_CHUNK``.

    0 and n are included. A cut falls at the first coordinate of the cell
    that holds coordinate ``k * _CHUNK``.
    """
    n = len(cells)
    counts = np.zeros(_GRID * _GRID, dtype=np.int64)
    for begin in range(0, n, _BLOCK):  # (bincount of everything at once copies it to int64)
        counts += np.bincount(cells[begin : begin + _BLOCK], minlength=_GRID * _GRID)
    cell_starts = np.zeros(_GRID * _GRID + 1, dtype=np.int64)
    np.cumsum(counts, out=cell_starts[1:])
    targets = np.arange(_CHUNK, n, _CHUNK)
    cuts = cell_starts[np.searchsorted(cell_starts, targets, side="right") - 1]
    return np.unique(np.concatenate([[0], cuts, [n]]))


def _sort_chunks(
    order: np.ndarray,
    points: np.ndarray,
    owner: np.ndarray,
    cells: np.ndarray,
    bounds: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """Order each chunk of ``order`` by the hash of its points (one stable radix pass).

    ``order`` holds the positions sorted by cell and is re-ordered in place;
    ``points``, ``owner`` and ``cells`` are in position order. Returns
    ``order``, where the points (``start``) and the keys, cell and hash
    (``key_start``), change, and the owners in sorted order. ``start`` and
    ``key_start`` are True at the beginning of each chunk (chunks hold
    different cells, hence different points). Working chunk by chunk keeps
    the gathers, hashes and comparisons in cache.
    """
    n = len(order)
    start = np.empty(n, dtype=bool)
    key_start = np.empty(n, dtype=bool)
    owner_sorted = np.empty(n, dtype=owner.dtype)
    for begin, end in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        positions = order[begin:end]
        chunk = points[positions]
        if end - begin <= _CROWDED:
            hashes = _hash16(chunk)
            chunk_order = np.argsort(hashes, kind="stable")
            run_keys = cells[positions].astype(np.uint32)
            run_keys <<= np.uint32(16)
            run_keys |= hashes
            run_keys = run_keys[chunk_order]
        else:  # a crowded cell: 16 bits of hash would collide too often
            chunk_order, run_keys = _order_by_hash32(chunk)
        positions = positions[chunk_order]  # a copy: writing ``order`` below is safe
        order[begin:end] = positions
        owner_sorted[begin:end] = owner[positions]
        _run_starts(chunk.view(np.complex128)[chunk_order, 0], out=start[begin:end])
        _run_starts(run_keys, out=key_start[begin:end])
    return order, start, key_start, owner_sorted


def _order_by_hash32(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Stable order of ``(m, 2)`` ``points`` by a 32-bit hash (two radix passes), and the hashes."""
    hashes = _hash32(points)
    first = np.argsort(hashes.astype(np.uint16), kind="stable")
    high = (hashes >> np.uint32(16)).astype(np.uint16)
    chunk_order = first[np.argsort(high[first], kind="stable")]
    return chunk_order, hashes[chunk_order]


def _hash16(points: np.ndarray) -> np.ndarray:
    """Hash each (x, y) float64 pair to 16 bits, enough to tell apart the points of one cell.

    The top bits of a product depend on all the bits of its factors, so y's
    bits are spread upwards, x's added, and the mix spread upwards again.
    """
    bits = points.view(np.uint64)
    h = bits[:, 1] * _MIX[0]
    h ^= bits[:, 0]
    h *= _MIX[1]
    h >>= np.uint64(48)
    return h.astype(np.uint16)


def _hash32(points: np.ndarray) -> np.ndarray:
    """Return the top 32 bits of :func:`_hash_points`."""
    return (_hash_points(points) >> np.uint64(32)).astype(np.uint32)


def _hash_points(points: np.ndarray) -> np.ndarray:
    """Mix the bits of each (x, y) float64 pair into one uint64; the top bits are used.

    Multiplication only carries information towards the high bits, and the
    information of a float is in its high bits, so x's high bits are first
    folded down; y then only needs to reach the top bits through the last
    multiplication.
    """
    bits = points.view(np.uint64)
    h = bits[:, 0] >> np.uint64(29)
    h ^= bits[:, 0]
    h *= _MIX[0]
    h ^= bits[:, 1]
    h *= _MIX[1]
    return h


def _run_starts(values: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Flag where a run of equal values begins (into ``out`` if given)."""
    start = np.empty(len(values), dtype=bool) if out is None else out
    start[:1] = True
    np.not_equal(values[1:], values[:-1], out=start[1:])
    return start


def _resort_collisions(
    order: np.ndarray, key_start: np.ndarray, collided: np.ndarray, points: np.ndarray
) -> np.ndarray:
    """Sort by exact coordinates, in place, the key runs that hold several coordinates.

    Returns the sorted indices of the re-sorted runs. Collisions are few and
    their runs short, so each run's ends are found by stepping from the
    collision rather than by listing every run.
    """
    n = len(order)
    first = np.flatnonzero(collided)
    while (back := ~key_start[first]).any():  # step back to the start of the run
        first[back] -= 1
    first = np.unique(first)
    last = first + 1  # one past the end of each run
    while (ahead := last < n).any():
        ahead[ahead] = ~key_start[last[ahead]]
        if not ahead.any():
            break
        last[ahead] += 1
    lengths = last - first
    members = np.repeat(first - (np.cumsum(lengths) - lengths), lengths)
    members += np.arange(lengths.sum())
    sub = order[members]
    in_run = np.repeat(np.arange(first.size), lengths)
    resorted = np.lexsort((sub, points[sub, 1], points[sub, 0], in_run))
    order[members] = sub[resorted]
    return members
