"""Group equal coordinates: order them so that equal ones are adjacent.

Contiguity needs, for millions of ring coordinates, the groups of exactly
equal (x, y) pairs. :func:`coordinate_bands` cuts the coordinates into bands
of y, so that every array stays small (see its docstring), and
:func:`group_band` orders a band so that equal coordinates form runs
(NumPy). Queen contiguity may group a band with its compiled kernel instead
(:mod:`geodisparity.spatial.contiguity_weights`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import NamedTuple

import numpy as np
import shapely

__all__ = [
    "CoordinateRuns",
    "coordinate_bands",
    "coordinate_run_bands",
    "equal_coordinate_runs",
    "group_band",
    "single_occurrences",
]

_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))
_BAND = 1 << 18  # coordinates per band, about: a band's arrays stay in the processor's caches
_STEPS = 4096  # the y axis is cut into this many steps; a band is a run of steps


class CoordinateRuns(NamedTuple):
    """Ring coordinates in an order where equal ones are adjacent.

    ``points`` are the ``(n, 2)`` coordinates in that order (``-0.0``
    written ``0.0``), ``owner`` the position of each one's geometry,
    ``start`` True where a run of equal coordinates begins, and ``order``
    (when asked for) each one's position among the coordinates of
    ``shapely.get_coordinates(geoms)``. Within a run, the coordinates of one
    geometry are next to each other, their positions ascending.
    """

    points: np.ndarray
    owner: np.ndarray
    start: np.ndarray
    order: np.ndarray | None


class _Bands(NamedTuple):
    """How y values map to bands: ``lookup[step(y)]``, the step counted from ``low``."""

    low: float
    scale: float  # steps per unit of y
    lookup: np.ndarray  # band of each step, non-decreasing

    def of(self, y: np.ndarray) -> np.ndarray:
        """Band of each y (NaN: band 0). Monotone in y, so equal values share a band."""
        steps = y - self.low
        steps *= self.scale
        np.fmax(steps, 0, out=steps)  # (fmax turns NaN into 0)
        np.minimum(steps, _STEPS - 1, out=steps)
        return self.lookup[steps.astype(np.intp)]


def equal_coordinate_runs(geoms: np.ndarray, *, with_order: bool = False) -> CoordinateRuns:
    """Every band of :func:`coordinate_run_bands`, one after the other.

    Runs never cross bands (a band holds every occurrence of its coordinates).

    Examples
    --------
    >>> from shapely import box
    >>> runs = equal_coordinate_runs(np.array([box(0, 0, 1, 1), box(1, 0, 2, 1)]))
    >>> int(runs.start.sum()), len(runs.start)  # 6 distinct points among 10 coordinates
    (6, 10)
    """
    bands = list(coordinate_run_bands(geoms, with_order=with_order))
    if not bands:
        index = _index_type(0)
        return CoordinateRuns(np.empty((0, 2)), np.empty(0, dtype=_owner_type(len(geoms))),
                              np.empty(0, dtype=bool),
                              np.empty(0, dtype=index) if with_order else None)
    return CoordinateRuns(*(np.concatenate(part) if part[0] is not None else None
                            for part in zip(*bands, strict=True)))


def coordinate_run_bands(
    geoms: np.ndarray, *, with_order: bool = False
) -> Iterator[CoordinateRuns]:
    """Yield the ring coordinates of ``geoms`` band by band, equal ones adjacent.

    The bands of :func:`coordinate_bands`, each ordered by a hash of its
    coordinates, its positions packed into the hash's low bits so that one
    sort of 64-bit integers orders them. Equal coordinates then form runs;
    a hash shared by different coordinates (a collision) is found exactly,
    and its run re-sorted by the coordinates themselves.

    Yields
    ------
    CoordinateRuns
        One per band that holds coordinates, ``order`` filled when
        ``with_order``.
    """
    for band in coordinate_bands(geoms, with_order=with_order):
        yield group_band(*band)


def coordinate_bands(
    geoms: np.ndarray, *, with_order: bool = False
) -> Iterator[tuple[np.ndarray, ...]]:
    """Yield the ring coordinates of ``geoms`` band by band of y.

    Arrays as long as all the coordinates cost time twice: once to fill,
    and, in a fresh process, once more for the operating system to hand out
    memory the process has not used yet (on a virtual machine this costs as
    much as the work). So the plane is cut into bands of y, each holding about
    ``_BAND`` coordinates, and every array stays band-sized:

    1. Bands follow the spread of the vertices along y (the geometries'
       vertex counts placed at their centres), through a table of 4,096
       steps, so that a coordinate's band is a function of its y alone:
       equal coordinates fall in the same band.
    2. The bands are swept from low y to high y. A geometry's coordinates
       are read from shapely once, at the band of its lowest point; those of
       a geometry that spans several bands are split by band (a stable
       radix pass) and kept until their band comes.

    Yields
    ------
    tuple of numpy.ndarray
        ``(points, owner)`` per band that holds coordinates: ``points``
        ``(m, 2)``, the band's own array (callers may change it), and
        ``owner``, the position of each one's geometry; then ``order`` when
        ``with_order``, each one's position among the coordinates of
        ``shapely.get_coordinates(geoms)``. Each geometry's coordinates in a
        band are next to each other, in shapely's order.
    """
    counts = shapely.get_num_coordinates(geoms)
    bounds = shapely.bounds(geoms)
    bands = _band_frame(bounds, counts)
    first, last = _geometry_bands(bounds, bands)
    offsets = np.zeros(len(geoms) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    types = (_owner_type(len(geoms)), _index_type(int(offsets[-1])))
    by_first = np.argsort(first, kind="stable")
    cuts = np.searchsorted(first[by_first], np.arange(int(bands.lookup[-1]) + 2))
    waiting: dict[int, list[tuple[np.ndarray, ...]]] = {}  # pieces read before their band
    for band in range(len(cuts) - 1):
        pieces = waiting.pop(band, [])
        arriving = by_first[cuts[band] : cuts[band + 1]]
        spans = last[arriving] > band
        if (whole := arriving[~spans]).size:
            pieces.append(_read(geoms, whole, counts, offsets, types, with_order))
        if (spanning := arriving[spans]).size:
            read = _read(geoms, spanning, counts, offsets, types, with_order)
            for later, piece in _split_by_band(read, bands, band):
                (pieces if later == band else waiting.setdefault(later, [])).append(piece)
        pieces = [piece for piece in pieces if len(piece[0])]
        if pieces:
            yield tuple(np.concatenate(part) if len(pieces) > 1 else part[0]
                        for part in zip(*pieces, strict=True))


def single_occurrences(runs: CoordinateRuns) -> tuple[np.ndarray, np.ndarray]:
    """Points (``(m, 2)``) and owners of the coordinates that occur once in ``runs``.

    Examples
    --------
    >>> from shapely import box
    >>> points, owner = single_occurrences(
    ...     equal_coordinate_runs(np.array([box(0, 0, 1, 1), box(1, 0, 2, 1)])))
    >>> sorted(zip(owner.tolist(), points.tolist()))  # (a ring's first vertex occurs twice)
    [(0, [0.0, 0.0]), (0, [0.0, 1.0]), (1, [2.0, 1.0])]
    """
    start = runs.start
    alone = start.copy()
    alone[:-1] &= start[1:]
    picked = np.flatnonzero(alone)
    return as_complex(runs.points)[picked].view(np.float64).reshape(-1, 2), runs.owner[picked]


def _band_frame(bounds: np.ndarray, counts: np.ndarray) -> _Bands:
    """Bands of about ``_BAND`` coordinates along y, from the geometries' extents and sizes."""
    finite = np.isfinite(bounds).all(axis=1)
    n = int(counts.sum())
    n_bands = max(1, math.ceil(n / _BAND))
    if n_bands == 1 or not finite.any():
        return _Bands(0.0, 0.0, np.zeros(_STEPS, dtype=np.intp))
    low = float(bounds[finite, 1].min())
    span = float(bounds[finite, 3].max()) - low
    scale = _STEPS / span if 0 < span < math.inf else 0.0
    centre = (bounds[finite, 1] + bounds[finite, 3]) / 2
    step = np.clip(((centre - low) * scale).astype(np.intp), 0, _STEPS - 1)
    mass = np.bincount(step, weights=counts[finite], minlength=_STEPS)
    before = np.cumsum(mass) - mass  # coordinates (about) below each step
    lookup = np.minimum((before * (n_bands / max(n, 1))).astype(np.intp), n_bands - 1)
    return _Bands(low, scale, lookup)


def _geometry_bands(bounds: np.ndarray, bands: _Bands) -> tuple[np.ndarray, np.ndarray]:
    """First and last band of each geometry; all of them when its extent is not finite."""
    with np.errstate(invalid="ignore"):
        first = bands.of(bounds[:, 1])
        last = bands.of(bounds[:, 3])
    unknown = ~np.isfinite(bounds).all(axis=1)
    first[unknown] = 0
    last[unknown] = bands.lookup[-1]
    return first, last


def _read(
    geoms: np.ndarray,
    rows: np.ndarray,
    counts: np.ndarray,
    offsets: np.ndarray,
    types: tuple[type, type],
    with_order: bool,
) -> tuple[np.ndarray, ...]:
    """Coordinates of the geometries ``rows``, their owners and (if asked) positions."""
    owners, index = types
    points = shapely.get_coordinates(geoms[rows])
    sizes = counts[rows]
    owner = np.repeat(rows.astype(owners), sizes)
    if not with_order:
        return points, owner
    # Position = the geometry's first position + the coordinate's rank within it.
    order = np.repeat((offsets[rows] - (np.cumsum(sizes) - sizes)).astype(index), sizes)
    order += np.arange(len(points), dtype=index)
    return points, owner, order


def _split_by_band(
    read: tuple[np.ndarray, ...], bands: _Bands, band: int
) -> Iterator[tuple[int, tuple[np.ndarray, ...]]]:
    """Cut a read into pieces by band (stable: each geometry's order is kept).

    Every coordinate's band is at least ``band``, the band of its geometry's
    lowest point, except NaN (band 0: shapely's bounds skip NaN), which stays
    in ``band``; it equals nothing anyway.
    """
    points = read[0]
    if not len(points):
        return
    with np.errstate(invalid="ignore"):
        which = bands.of(points[:, 1]) - band
    np.maximum(which, 0, out=which)
    if which.max() < 2**16:
        which = which.astype(np.uint16)  # (a radix sort)
    order = np.argsort(which, kind="stable")
    which = which[order]
    cuts = np.flatnonzero(np.diff(which)) + 1
    moved = [as_complex(points)[order].view(np.float64).reshape(-1, 2),
             *(part[order] for part in read[1:])]
    for begin, end in zip([0, *cuts.tolist()], [*cuts.tolist(), len(order)], strict=True):
        yield band + int(which[begin]), tuple(part[begin:end] for part in moved)


def group_band(
    points: np.ndarray, owner: np.ndarray, order: np.ndarray | None = None
) -> CoordinateRuns:
    """Order one band's coordinates so that equal ones are adjacent (``points`` is changed)."""
    np.add(points, 0.0, out=points)  # turns -0.0 into 0.0
    m = len(points)
    bits = max(1, (m - 1).bit_length())
    low = np.uint64((1 << bits) - 1)
    key = _hash_points(points)
    unequal = np.flatnonzero(np.isnan(points).any(axis=1))
    if unequal.size:  # NaN equals nothing: a key of its own, not one long run of collisions
        key[unequal] = unequal.astype(np.uint64) * _MIX[0]
    key &= ~low
    key |= np.arange(m, dtype=np.uint64)  # ties (equal hashes) keep the band's order
    key.sort()
    place = (key & low).astype(np.intp)
    key >>= np.uint64(bits)
    sorted_points = as_complex(points)[place]
    runs = CoordinateRuns(sorted_points.view(np.float64).reshape(-1, 2), owner[place],
                          _run_starts(sorted_points),
                          None if order is None else order[place])
    key_start = _run_starts(key)
    collided = runs.start > key_start  # points differ, keys do not
    if collided.any():
        _resort_collisions(runs, key_start, collided)
    return runs


def _hash_points(points: np.ndarray) -> np.ndarray:
    """Mix the bits of each (x, y) float64 pair into one uint64; the top bits are used.

    A product's top bits depend on every bit of its factors, so x is spread
    upwards, y added, and the sum spread upwards again.
    """
    bits = points.view(np.uint64)
    h = bits[:, 0] * _MIX[0]
    h ^= bits[:, 1]
    h *= _MIX[1]
    return h


def as_complex(points: np.ndarray) -> np.ndarray:
    """View ``(n, 2)`` float64 ``points`` as ``n`` complex numbers (one item per point)."""
    return points.view(np.complex128)[:, 0]


def _owner_type(n_geoms: int) -> type:
    """int16 when it can number every geometry (halves the memory traffic), else int32/64."""
    return np.int16 if n_geoms < 2**15 else _index_type(n_geoms)


def _index_type(n: int) -> type:
    return np.int32 if n < 2**31 else np.int64


def _run_starts(values: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Flag where a run of equal values begins (into ``out`` if given)."""
    start = np.empty(len(values), dtype=bool) if out is None else out
    start[:1] = True
    np.not_equal(values[1:], values[:-1], out=start[1:])
    return start


def _resort_collisions(runs: CoordinateRuns, key_start: np.ndarray, collided: np.ndarray) -> int:
    """Sort by exact coordinates, in place, the key runs that hold several coordinates.

    Returns the number of runs re-sorted. Places break ties, so each
    geometry's coordinates stay together and in order. The cost is linear
    in the band plus a sort of the collided runs, however long they are
    (a file can be made to collide on purpose).
    """
    points, owner, start, order = runs
    n = len(start)
    run = np.cumsum(key_start) - 1  # key run of each place
    bounds = np.append(np.flatnonzero(key_start), n)
    bad = np.unique(run[collided])
    first, last = bounds[bad], bounds[bad + 1]
    lengths = last - first
    members = np.repeat(first - (np.cumsum(lengths) - lengths), lengths)
    members += np.arange(lengths.sum())
    in_run = np.repeat(np.arange(first.size), lengths)
    picked = members[np.lexsort((members, points[members, 1], points[members, 0], in_run))]
    for array in (as_complex(points), owner) if order is None else (
            as_complex(points), owner, order):
        array[members] = array[picked]
    start[members] = _run_starts(as_complex(points)[members]) | key_start[members]
    return int(first.size)
