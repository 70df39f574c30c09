"""Group equal coordinates: order them so that equal ones are adjacent.

Contiguity needs, for millions of ring coordinates, the groups of exactly
equal (x, y) pairs. :func:`equal_coordinate_runs` finds them with radix
passes that keep memory access local (see its docstring), plain NumPy.
"""

from __future__ import annotations

import logging
import math
from typing import NamedTuple

import numpy as np
import shapely

__all__ = ["CoordinateRuns", "equal_coordinate_runs"]

logger = logging.getLogger(__name__)

_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))
_CHUNK = 16384  # coordinates sorted at a time: small enough to stay in cache
_GRID = 256  # cells per side of the grid that orders coordinates first
_CROWDED = 2 * _CHUNK  # larger chunks (one crowded cell) are sorted by a 32-bit hash
_BLOCK = 65536  # coordinates read from shapely at a time


class CoordinateRuns(NamedTuple):
    """Ring coordinates in an order where equal ones are adjacent.

    ``points`` are the ``(n, 2)`` coordinates in that order (``-0.0``
    written ``0.0``), ``owner`` the position of each one's geometry,
    ``start`` True where a run of equal coordinates begins, and ``order``
    (when asked for) each one's position among the coordinates of
    ``shapely.get_coordinates(geoms)``. Within a run, positions ascend.
    """

    points: np.ndarray
    owner: np.ndarray
    start: np.ndarray
    order: np.ndarray | None


def equal_coordinate_runs(geoms: np.ndarray, *, with_order: bool = False) -> CoordinateRuns:
    """Order the ring coordinates of ``geoms`` so that equal ones are adjacent.

    Sorting millions of hashed coordinates in one go scatters every memory
    access; two steps keep them local instead:

    1. Coordinates are placed by cell of a 256 x 256 grid over most of
       them (a counting sort on 16-bit cell numbers, stable). Equal
       coordinates fall in the same cell.
    2. The cells, in that order, are cut into chunks of about 16,384
       coordinates, which fit in the processor's cache, and each chunk is
       ordered by a 16-bit hash of the coordinates (one stable radix pass,
       so within a hash the order stays by cell, then by position). Equal
       coordinates share a key (cell, hash); a key shared by different
       coordinates (a collision: a few thousand among China's 4 million
       vertices) is detected exactly and its run re-sorted by the
       coordinates themselves. A chunk made of one crowded cell (more than
       ``_CROWDED`` coordinates) is ordered by a 32-bit hash instead.

    Every array as long as the coordinates costs time twice: once to fill
    it, and, in a fresh process, once for the operating system to hand out
    memory the process has not used yet (on a virtual machine this can take
    longer than the work itself). So the coordinates are read from shapely
    ``_BLOCK`` at a time, twice (for their cells, then to place them), and
    written once, straight to their place in cell order; only the sorted
    coordinates, their owners (16-bit when they fit), the cell numbers, two
    run masks and, if asked for, the positions (32-bit when they fit) are as long as all of them.
    """
    counts = shapely.get_num_coordinates(geoms)
    n = int(counts.sum())
    index = np.int32 if n < 2**31 else np.int64
    if n == 0:
        empty = np.empty(0, dtype=index)
        return CoordinateRuns(np.empty((0, 2)), empty, np.empty(0, dtype=bool),
                              empty if with_order else None)
    # Owners are geometry positions: 16 bits suffice for up to 32,767 geometries.
    owners = np.int16 if len(geoms) < 2**15 else index
    batches = _batches(counts)
    grid = _grid_frame(geoms)
    cells = np.empty(n, dtype=np.uint16)
    cell_counts = np.zeros(_GRID * _GRID, dtype=np.int64)
    for first, last, begin, end in batches:
        cells[begin:end] = _grid_cells(shapely.get_coordinates(geoms[first:last]), grid)
        low, in_batch = _cell_span(cells[begin:end])
        cell_counts[low : low + in_batch.size] += in_batch
    runs = _place_by_cell(geoms, counts, batches, cells, cell_counts, (owners, index),
                          with_order)
    del cells
    key_start = _sort_chunks(runs, cell_counts)
    collided = runs.start > key_start  # points differ, keys do not
    if collided.any():
        resorted = _resort_collisions(runs, key_start, collided)
        logger.debug("re-sorted %d runs of colliding hashes", resorted)
    return runs


def _batches(counts: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Cut the geometries into batches of about ``_BLOCK`` coordinates.

    Returns ``(first, last, begin, end)``: geometries ``first:last`` hold
    coordinates ``begin:end``.
    """
    ends = np.cumsum(counts)
    cuts = np.searchsorted(ends, np.arange(_BLOCK, int(ends[-1]), _BLOCK), side="left") + 1
    cuts = np.unique(np.concatenate([[0], cuts, [len(counts)]])).tolist()
    offsets = np.concatenate([[0], ends]).tolist()
    return [(a, b, offsets[a], offsets[b]) for a, b in zip(cuts[:-1], cuts[1:], strict=True)]


def _grid_frame(geoms: np.ndarray) -> tuple[np.ndarray, list[float]]:
    """Lower corner and scales of a grid over most of the geometries.

    The grid spans the 0.1 to 99.9 percentiles of the geometries' bounds, so
    that a stray far-away polygon does not crowd all the others into one
    cell; points outside fall in the border cells.
    """
    bounds = shapely.bounds(geoms)
    bounds = bounds[np.isfinite(bounds).all(axis=1)]
    if not len(bounds):
        return np.zeros(2), [0.0, 0.0]
    low = np.percentile(bounds[:, :2], 0.1, axis=0)
    high = np.percentile(bounds[:, 2:], 99.9, axis=0)
    scales = [
        _GRID / float(span) if math.isfinite(span) and span > 0 else 0.0
        for span in high - low
    ]
    return low, scales


def _grid_cells(points: np.ndarray, grid: tuple[np.ndarray, list[float]]) -> np.ndarray:
    """Cell number (16 bits) of each point in the 256 x 256 ``grid``.

    Any function of the coordinates would do for exactness (equal points get
    equal numbers); cells only make the later passes local.
    """
    low, scales = grid
    digits = np.empty((len(points), 2), dtype=np.uint8)
    scaled = np.empty(len(points))
    with np.errstate(invalid="ignore"):  # NaN coordinates
        for axis in (0, 1):
            np.subtract(points[:, axis], low[axis], out=scaled)
            scaled *= scales[axis]
            np.clip(scaled, 0, _GRID - 1, out=scaled)
            digits[:, axis] = scaled  # truncated to 0..255 (NaN: any)
    return digits.view(np.uint16)[:, 0]


def _place_by_cell(
    geoms: np.ndarray,
    counts: np.ndarray,
    batches: list[tuple[int, int, int, int]],
    cells: np.ndarray,
    cell_counts: np.ndarray,
    types: tuple[type, type],
    with_order: bool,
) -> CoordinateRuns:
    """Write each batch's coordinates (and owners, positions) to their place in cell order.

    A stable counting sort: within a cell, coordinates keep their order.
    """
    n = len(cells)
    points = np.empty((n, 2))
    owners, index = types  # integer types of the owners and of the positions
    owner = np.empty(n, dtype=owners)
    order = np.empty(n, dtype=index) if with_order else None
    cursor = np.zeros(_GRID * _GRID, dtype=np.int64)  # next free place of each cell
    np.cumsum(cell_counts[:-1], out=cursor[1:])
    for first, last, begin, end in batches:
        batch = shapely.get_coordinates(geoms[first:last])
        batch += 0.0  # turns -0.0 into 0.0
        low, in_batch = _cell_span(cells[begin:end])  # a batch's cells lie in a narrow band
        batch_cells = cells[begin:end] - np.uint16(low)
        local = np.argsort(batch_cells, kind="stable")
        span = cursor[low : low + in_batch.size]  # (a view: updated in place below)
        shift = span - np.cumsum(in_batch)  # place of a cell's k-th coordinate, minus k,
        shift += in_batch  # less the number of coordinates of the batch sorted before it
        places = shift[batch_cells[local]]
        places += np.arange(end - begin)
        span += in_batch
        as_complex(points)[places] = as_complex(batch)[local]
        owner[places] = np.repeat(np.arange(first, last, dtype=owners), counts[first:last])[local]
        if order is not None:
            order[places] = local + begin
    return CoordinateRuns(points, owner, np.empty(n, dtype=bool), order)


def _cell_span(cells: np.ndarray) -> tuple[int, np.ndarray]:
    """Return the lowest cell number of a batch and the counts of cells from it on.

    A batch holds neighbouring geometries, whose cells span a few rows of the
    grid: counting over that span, not all 65,536 cells, saves most of the
    per-batch work.
    """
    low = int(cells.min())
    return low, np.bincount(cells - np.uint16(low))


def _chunk_bounds(cell_counts: np.ndarray) -> np.ndarray:
    """Cut positions of the cell-ordered coordinates, between cells, about every ``_CHUNK``.

    0 and n are included. A cut falls at the first coordinate of the cell
    that holds coordinate ``k * _CHUNK``.
    """
    cell_starts = np.zeros(_GRID * _GRID + 1, dtype=np.int64)
    np.cumsum(cell_counts, out=cell_starts[1:])
    n = int(cell_starts[-1])
    targets = np.arange(_CHUNK, n, _CHUNK)
    cuts = cell_starts[np.searchsorted(cell_starts, targets, side="right") - 1]
    return np.unique(np.concatenate([[0], cuts, [n]]))


def _sort_chunks(runs: CoordinateRuns, cell_counts: np.ndarray) -> np.ndarray:
    """Order each chunk of ``runs`` by the hash of its points (one stable radix pass), in place.

    Fills ``runs.start`` (where the points change) and returns where the
    keys, cell and hash, change. Both are True at the beginning of each
    chunk (chunks hold different cells, hence different points). Working
    chunk by chunk keeps the hashes and comparisons in cache.
    """
    points, owner, start, order = runs
    key_start = np.empty(len(start), dtype=bool)
    cell_starts = np.concatenate([[0], np.cumsum(cell_counts)])
    cell_ids = np.arange(_GRID * _GRID, dtype=np.uint32)
    bounds = _chunk_bounds(cell_counts)
    for begin, end in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        chunk = points[begin:end]
        if end - begin <= _CROWDED:
            hashes = _hash16(chunk)
            chunk_order = np.argsort(hashes, kind="stable")
            first = int(np.searchsorted(cell_starts, begin, side="right")) - 1
            last = int(np.searchsorted(cell_starts, end, side="left")) - 1
            run_keys = np.repeat(cell_ids[first : last + 1], cell_counts[first : last + 1])
            run_keys <<= np.uint32(16)
            run_keys |= hashes
            run_keys = run_keys[chunk_order]
        else:  # a crowded cell: 16 bits of hash would collide too often
            chunk_order, run_keys = _order_by_hash32(chunk)
        as_complex(chunk)[:] = as_complex(chunk)[chunk_order]  # (rows of two are slow to move)
        for array in (owner, order) if order is not None else (owner,):
            array[begin:end] = array[begin:end][chunk_order]
        _run_starts(as_complex(chunk), out=start[begin:end])
        _run_starts(run_keys, out=key_start[begin:end])
    return key_start


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


def as_complex(points: np.ndarray) -> np.ndarray:
    """View ``(n, 2)`` float64 ``points`` as ``n`` complex numbers (one item per point)."""
    return points.view(np.complex128)[:, 0]


def _run_starts(values: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Flag where a run of equal values begins (into ``out`` if given)."""
    start = np.empty(len(values), dtype=bool) if out is None else out
    start[:1] = True
    np.not_equal(values[1:], values[:-1], out=start[1:])
    return start


def _resort_collisions(runs: CoordinateRuns, key_start: np.ndarray, collided: np.ndarray) -> int:
    """Sort by exact coordinates, in place, the key runs that hold several coordinates.

    Returns the number of runs re-sorted. Collisions are few and their runs
    short, so each run's ends are found by stepping from the collision
    rather than by listing every run. Within a key run, places ascend with
    positions (every pass was stable), so places break ties.
    """
    points, owner, start, order = runs
    n = len(start)
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
    in_run = np.repeat(np.arange(first.size), lengths)
    picked = members[np.lexsort((members, points[members, 1], points[members, 0], in_run))]
    for array in (as_complex(points), owner, order) if order is not None else (
        as_complex(points), owner):
        array[members] = array[picked]
    start[members] = _run_starts(as_complex(points)[members]) | key_start[members]
    return int(first.size)
