"""Queen and rook contiguity from shared polygon vertices and edges.

Two regions are *queen* neighbours when their boundaries share a vertex, and
*rook* neighbours when they share an edge: two consecutive vertices of one
ring that are also consecutive vertices of a ring of the other region, in
either direction. This is libpysal's vertex-based definition, and the
neighbour sets agree with ``libpysal.weights.Queen`` / ``Rook`` (see Notes).

Instead of testing pairs of polygons, the ring coordinates are read from
shapely band by band of y (:mod:`geodisparity.spatial._coordinate_runs`),
so that every array stays small, and equal coordinates (exact float
equality) are grouped within each band: for queen contiguity by the compiled
kernel (``_vertex_kernel.c``, a hash table) when the package was built with
one, otherwise, and for rook, by one sort of hashes that carry their
positions, collisions detected exactly. Each group of two or more regions
yields neighbour pairs. Shared edges are found from the same groups by
comparing the ring neighbours of each pair of occurrences of a vertex. The
cost is linear in the vertices, plus a sort per band without the kernel.

Examples
--------
>>> import geopandas as gpd
>>> from shapely import box
>>> squares = gpd.GeoSeries([box(0, 0, 1, 1), box(1, 0, 2, 1), box(1, 1, 2, 2)])
>>> contiguity(squares).neighbors
{0: [1, 2], 1: [0, 2], 2: [0, 1]}
>>> contiguity(squares, "rook").neighbors
{0: [1], 1: [0, 2], 2: [1]}
"""

from __future__ import annotations

import logging
import math
import os
import threading
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely

from geodisparity.errors import InputError
from geodisparity.spatial._coordinate_runs import (
    CoordinateRuns,
    coordinate_bands,
    equal_coordinate_runs,
    group_band,
    single_occurrences,
)
from geodisparity.spatial._islands import (
    IslandPolicy,
    check_policy,
    embed,
    on_located,
    resolve_islands,
)
from geodisparity.spatial._near_misses import warn_rounding_misses
from geodisparity.spatial._proximity import near_pairs, nearest_regions
from geodisparity.spatial._regions import as_geoseries, check_polygons, located_rows
from geodisparity.spatial.weights import SpatialWeights, Transform

try:  # compiled when the package was built with a C compiler; NumPy does the same otherwise
    from geodisparity.spatial import _vertex_kernel
except ImportError:  # pragma: no cover - depends on the build
    _vertex_kernel = None

__all__ = ["contiguity"]

logger = logging.getLogger(__name__)

Rule = Literal["queen", "rook"]

_REPEATED = 32  # more pairs than this per region: drop repeats with a hash table first
_PAIR_BLOCK = 1 << 17  # occurrences paired at a time
_LONG_RUN = 64  # occurrences of one point beyond which rook looks for repeated points
_SCRATCH_KEPT = 16 << 20  # bytes of kernel table a thread keeps between calls, at most

# The kernel's table, kept per thread between bands and calls: memory that is
# allocated and freed at each call is handed back to the system and faulted in
# again, which costs a millisecond at Zhejiang's size (as much as the grouping).
# Bounded by the largest band (a few MB); results never depend on it.
_scratch = threading.local()


def contiguity(
    regions: Any,
    rule: Rule = "queen",
    *,
    tolerance: float = 0.0,
    islands: IslandPolicy = "nearest",
    transform: Transform = "B",
    warn_near_misses: bool = True,
) -> SpatialWeights:
    """Build queen or rook contiguity weights between polygons.

    Parameters
    ----------
    regions : GeoDataFrame or GeoSeries
        Polygon or MultiPolygon regions; the index gives the region ids and
        must be unique. All parts of a MultiPolygon (a county's islands)
        belong to its region.
    rule : {"queen", "rook"}
        ``"queen"``: neighbours share at least one boundary vertex.
        ``"rook"``: neighbours share at least one boundary edge (two
        consecutive vertices, in either direction).
    tolerance : float, default 0.0
        Distance in metres. ``0`` compares coordinates exactly. With a
        positive tolerance, regions whose boundaries come within
        ``tolerance`` of each other are also queen neighbours (closing
        slivers and near-misses), and rook neighbours when their boundaries
        run within ``tolerance`` of each other for more than
        ``10 * tolerance`` (a corner touching a boundary stays that close for
        only 2 to 3 tolerances). Needs a CRS; geographic coordinates are
        projected to a metric CRS for this step.
    islands : {"nearest", "keep", "error"}, default "nearest"
        What to do with regions that have no neighbour. ``"nearest"`` links
        each to the nearest region (shortest distance between boundary
        vertices, on the sphere for longitude/latitude; both directions),
        records the links in :attr:`SpatialWeights.added_links` and issues
        one :class:`~geodisparity.errors.IslandWarning` naming them;
        ``"keep"`` leaves them without neighbours; ``"error"`` raises
        :class:`~geodisparity.errors.WeightsError`.
    transform : {"B", "R"}, default "B"
        Binary or row-standardised weights.
    warn_near_misses : bool, default True
        With ``tolerance=0``, look for vertices of different regions that
        miss each other by rounding (closer than a few units in the last
        place of the coordinates, yet not equal): such shared boundaries
        silently lose their neighbours, so a
        :class:`~geodisparity.errors.NearMissWarning` gives their count and
        regions and suggests ``tolerance=``. False skips the check.

    Returns
    -------
    SpatialWeights
        Symmetric binary (or row-standardised) weights, rows in the order of
        ``regions``.

    Raises
    ------
    GeometryError
        A geometry is not a polygon, or every geometry is missing or empty.
    DuplicateKeyError
        The index has repeated ids.
    CRSError
        ``tolerance > 0`` and the regions have no CRS, or a projected CRS
        whose unit is not the metre.
    WeightsError
        ``islands="error"`` and some region has no neighbour.

    Notes
    -----
    A region whose geometry is missing or empty has no location: it is an
    island under every policy (``"nearest"`` has no nearest region for it and
    warns naming it; ``"error"`` raises).

    Coordinates are compared exactly, as libpysal does; ``-0.0`` equals
    ``0.0``. Interior rings (holes) count, so an enclave neighbours the
    region around it. A rook edge must appear as consecutive vertices in
    both regions: if one region has an extra vertex in the middle of the
    other's edge, the two edges differ and only the end vertices are shared
    (queen, not rook), exactly as in libpysal. Unlike libpysal, which joins
    the last vertex of one ring to the first of the next when it lists
    edges, only edges inside a ring are used, and zero-length edges (repeated
    vertices) are ignored; the neighbour sets differ only if such an artefact
    edge happens to coincide with a real edge of another region.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> grid = gpd.GeoSeries([box(0, 0, 1, 1), box(1, 0, 2, 1), box(5, 5, 6, 6)],
    ...                      index=["a", "b", "far"])
    >>> contiguity(grid, islands="keep").islands
    ['far']
    >>> import warnings
    >>> with warnings.catch_warnings(record=True):
    ...     w = contiguity(grid)
    >>> w.added_links, w.neighbors["far"]
    ((('far', 'b'),), ['b'])
    """
    every = as_geoseries(regions)
    check_polygons(every)
    if rule not in ("queen", "rook"):
        raise InputError(f"rule={rule!r} is not accepted; use 'queen' or 'rook'")
    tolerance = _check_tolerance(tolerance)
    check_policy(islands)
    located = located_rows(every)
    series = every if located.all() else every[located]
    geoms = np.asarray(series.values, dtype=object)
    if rule == "queen":
        first, second, alone = _vertex_pairs_and_singles(geoms)
    else:
        geoms, runs = _runs_for_edges(geoms)
        first, second = _edge_pairs(geoms, _with_positions(geoms, runs))
        alone = single_occurrences(runs)
    if tolerance > 0:
        near_first, near_second = near_pairs(series, rule, tolerance, (first, second))
        first = np.concatenate([first, near_first])
        second = np.concatenate([second, near_second])
    matrix = symmetric_binary(first, second, len(geoms))
    if tolerance == 0 and warn_near_misses:
        geographic = bool(series.crs is not None and series.crs.is_geographic)
        warn_rounding_misses(*alone, matrix, series.index, geographic=geographic, stacklevel=3)
    matrix = embed(matrix, located)
    what = f"{rule} contiguity" + (f" (tolerance {tolerance:g} m)" if tolerance else "")
    nearest = on_located(located, lambda lonely: (nearest_regions(series, lonely),
                                                  np.ones(lonely.size)))
    matrix, links = resolve_islands(
        matrix, every.index, islands=islands, find_nearest=nearest, what=what, stacklevel=3,
        unlocated=~located,
    )
    weights = SpatialWeights.from_sparse(matrix, every.index, added_links=links)
    return weights if transform == "B" else weights.transformed(transform)


def _check_tolerance(tolerance: Any) -> float:
    try:
        value = float(tolerance)
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise InputError(
            f"tolerance={tolerance!r} is not accepted; use a distance in metres >= 0"
        )
    return value


def shared_vertex_pairs(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the pairs (i < j) of geometries that share a boundary vertex.

    Parameters
    ----------
    geoms : numpy.ndarray of shapely geometries
        Polygons or multipolygons.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Positions ``i`` and ``j``; a pair may repeat.

    Examples
    --------
    >>> from shapely import box
    >>> shared_vertex_pairs(np.array([box(0, 0, 1, 1), box(1, 1, 2, 2), box(3, 3, 4, 4)]))
    (array([0]), array([1]))
    """
    return _vertex_pairs_and_singles(geoms)[:2]


def _vertex_pairs_and_singles(geoms: np.ndarray) -> tuple[np.ndarray, ...]:
    """Pairs (i < j) sharing a vertex, and the coordinates that occur once with their owners.

    The coordinates come band by band
    (:func:`~geodisparity.spatial._coordinate_runs.coordinate_bands`), so
    that no array is as long as all of them. Each band is grouped by the
    compiled kernel (a hash table, ``_vertex_kernel.c``) when the package
    was built with one, else by sorting (NumPy); both compare coordinates
    exactly.
    """
    n = len(geoms)
    codes, points, owners = [], [], []
    # The kernel's hash takes random bits, so that no file can be made to pile all its
    # points into one slot of the table; the results do not depend on them.
    salt = int.from_bytes(os.urandom(8), "little")
    for band_points, band_owner in coordinate_bands(geoms):
        if _vertex_kernel is not None:
            pairs, alone_points, alone_owner = _vertex_kernel.shared_vertices(
                band_points, band_owner.astype(np.int32, copy=False), n, salt,
                _kernel_scratch(len(band_owner)))
            codes.append(np.frombuffer(pairs, dtype=np.int64))
            points.append(np.frombuffer(alone_points, dtype=np.float64).reshape(-1, 2))
            owners.append(np.frombuffer(alone_owner, dtype=np.int32))
        else:
            runs = group_band(band_points, band_owner)
            codes.append(_occurrence_codes(*_one_per_geometry(runs), n))
            alone_points, alone_owner = single_occurrences(runs)
            points.append(alone_points)
            owners.append(alone_owner)
    if not codes:
        empty = np.empty(0, dtype=np.intp)
        return empty, empty, (np.empty((0, 2)), empty)
    return (*_decoded(np.concatenate(codes), n),
            (np.concatenate(points), np.concatenate(owners)))


def _kernel_scratch(m: int) -> np.ndarray:
    """Return the calling thread's scratch buffer for the kernel, room for ``m`` points."""
    size = _vertex_kernel.scratch_bytes(m)
    buffer = getattr(_scratch, "buffer", None)
    if buffer is None or len(buffer) < size:
        buffer = np.empty(size, dtype=np.uint8)
        if size <= _SCRATCH_KEPT:
            _scratch.buffer = buffer
    return buffer


def _runs_for_edges(geoms: np.ndarray) -> tuple[np.ndarray, CoordinateRuns]:
    """Group the coordinates for rook contiguity; return the geometries they come from too.

    Comparing ring neighbours costs the square of the longest run; a run far
    longer than the regions that can meet at a point means points repeated
    one after the other (a hostile file can repeat one 100,000 times). Such
    repeats make no edge, so they are removed and the coordinates grouped again.
    """
    runs = equal_coordinate_runs(geoms, with_order=True)
    starts = np.flatnonzero(runs.start)
    if starts.size and np.diff(np.append(starts, len(runs.start))).max() > _LONG_RUN:
        geoms = shapely.remove_repeated_points(geoms)
        runs = equal_coordinate_runs(geoms, with_order=True)
    return geoms, runs


def _one_per_geometry(runs: CoordinateRuns) -> tuple[np.ndarray, np.ndarray]:
    """``start`` and ``owner`` of the runs with each geometry's repeats of a point dropped.

    A geometry's occurrences of a point are next to each other in its run;
    only the first is needed for queen pairs. Pairing every occurrence costs
    the square of a run's length, which a hostile file (one point repeated
    100,000 times) would turn into hours.
    """
    start, owner = runs.start, runs.owner
    keep = start.copy()
    keep[1:] |= owner[1:] != owner[:-1]
    return start[keep], owner[keep]


def shared_edge_pairs(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the pairs (i < j) of geometries that share a boundary edge.

    An edge is two consecutive vertices of a ring, in either direction.

    Parameters
    ----------
    geoms : numpy.ndarray of shapely geometries
        Polygons or multipolygons.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Positions ``i`` and ``j``; a pair may repeat.

    Notes
    -----
    Vertices are first grouped as for queen contiguity. Two occurrences of
    the same vertex, in regions P and Q, reveal a shared edge when a ring
    neighbour of the vertex in P (the vertex before or after it) is also a
    ring neighbour of it in Q. Comparing the neighbours of each pair of
    occurrences finds every shared edge without sorting the edges.

    Examples
    --------
    >>> from shapely import box
    >>> first, second = shared_edge_pairs(
    ...     np.array([box(0, 0, 1, 1), box(1, 1, 2, 2), box(1, 0, 2, 1)]))
    >>> sorted(set(zip(first.tolist(), second.tolist())))
    [(0, 2), (1, 2)]
    """
    return _edge_pairs(geoms, _sorted_vertices(geoms))


def _edge_pairs(geoms: np.ndarray, vertices: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """:func:`shared_edge_pairs` from the output of :func:`_sorted_vertices`."""
    xy, owner, order, start, owner_sorted = vertices
    ring = _ring_ids(geoms, owner, order, start, owner_sorted)
    small = owner.dtype
    code = np.empty(len(xy), dtype=small)
    run = np.cumsum(start, dtype=small)
    run -= 1
    code[order] = run  # vertex id of each coordinate
    after, before = _ring_neighbours(code, ring)
    after, before = after[order], before[order]

    def share_an_edge(here: Any, there: Any) -> np.ndarray:
        # Of the two ends of a shared edge, one has the other as next vertex in
        # either region's ring; which occurrence comes first in a run varies.
        return (_meets(after[here], after[there], before[there])
                | _meets(after[there], after[here], before[here]))

    return _occurrence_pairs(start, owner_sorted, len(geoms), share_an_edge)


def _sorted_vertices(geoms: np.ndarray) -> tuple[np.ndarray, ...]:
    """Ring coordinates of ``geoms`` grouped, with what rook contiguity needs.

    Returns the sorted ``points``, ``owner`` (position of each coordinate's
    geometry, in shapely's order), and ``order``, ``start`` and
    ``owner_sorted`` of
    :func:`~geodisparity.spatial._coordinate_runs.equal_coordinate_runs`.
    """
    return _with_positions(geoms, equal_coordinate_runs(geoms, with_order=True))


def _with_positions(geoms: np.ndarray, runs: CoordinateRuns) -> tuple[np.ndarray, ...]:
    """:func:`_sorted_vertices` from runs made ``with_order``."""
    counts = shapely.get_num_coordinates(geoms)
    owner = np.repeat(np.arange(len(geoms), dtype=runs.order.dtype), counts)
    return runs.points, owner, runs.order, runs.start, runs.owner


def _index_type(n: int) -> type:
    """int32 when it can hold every position (halves the memory traffic), else int64."""
    return np.int32 if n < 2**31 else np.int64


def _occurrence_pairs(
    start: np.ndarray, owner_sorted: np.ndarray, n_geoms: int, linked: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Owner pairs of occurrences of the same vertex that ``linked`` accepts.

    Occurrences are in sorted order: a run of equal coordinates begins where
    ``start`` is True; each pair comes out as (smaller, larger). ``owner_sorted`` gives each
    occurrence's geometry. ``linked(here, there)`` receives slices or index
    arrays of sorted occurrences. Pairs repeat along shared boundaries: they
    are coded as one int64 each and, block by block of ``_PAIR_BLOCK`` runs'
    worth of occurrences (temporaries stay small), made distinct with a hash
    table when they repeat a lot (long boundaries, as between counties);
    otherwise (a lattice) repeats are left to :func:`symmetric_binary`.
    """
    return _decoded(_occurrence_codes(start, owner_sorted, n_geoms, linked), n_geoms)


def _occurrence_codes(
    start: np.ndarray, owner_sorted: np.ndarray, n_geoms: int, linked: Any = None
) -> np.ndarray:
    """Return the pair codes of :func:`_occurrence_pairs` (made distinct block by block)."""
    codes = []
    cuts = _run_cuts(start, _PAIR_BLOCK)
    for begin, end in zip(cuts[:-1], cuts[1:], strict=True):
        block = _block_pair_codes(start, owner_sorted, n_geoms, linked, begin, end)
        codes.append(pd.unique(block) if block.size > 2 * _PAIR_BLOCK // _REPEATED else block)
    return np.concatenate(codes)


def _decoded(codes: np.ndarray, n_geoms: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the pairs of ``codes`` (:func:`_pair_codes`), repeats dropped first when many."""
    if codes.size > _REPEATED * n_geoms:
        codes = pd.unique(codes)
    return (codes // n_geoms).astype(np.intp), (codes % n_geoms).astype(np.intp)


def _run_cuts(start: np.ndarray, size: int) -> list[int]:
    """Cut positions about every ``size`` occurrences, at run starts (0 and n included)."""
    n = len(start)
    cuts = [0]
    for target in range(size, n, size):
        if target <= cuts[-1]:
            continue
        cut = target + int(np.argmax(start[target:]))  # the next run start (argmax stops there)
        if not start[cut]:
            break
        cuts.append(cut)
    cuts.append(n)
    return cuts


def _block_pair_codes(
    start: np.ndarray,
    owner_sorted: np.ndarray,
    n_geoms: int,
    linked: Any,
    begin: int,
    end: int,
) -> np.ndarray:
    """Pair codes of the occurrences ``begin:end`` (runs do not cross the bounds)."""
    owners = owner_sorted[begin:end]
    m = end - begin
    same = ~start[begin + 1 : end]  # occurrence k and k + 1 are the same coordinate
    # Occurrences next to each other (most vertices occur exactly twice).
    keep = owners[1:] != owners[:-1]
    keep &= same
    if linked is not None:
        keep &= linked(slice(begin, end - 1), slice(begin + 1, end))
    hit = np.flatnonzero(keep)  # (faster than masking twice)
    codes = [_pair_codes(owners[hit], owners[1:][hit], n_geoms)]
    # Occurrences further apart, in runs of three or more (junctions).
    candidate = np.flatnonzero(same[:-1] & same[1:])
    gap = 2
    while candidate.size:
        other = candidate + gap
        keep = owners[candidate] != owners[other]
        if linked is not None:
            keep &= linked(candidate + begin, other + begin)
        codes.append(_pair_codes(owners[candidate[keep]], owners[other[keep]], n_geoms))
        candidate = candidate[other < m - 1]
        candidate = candidate[same[candidate + gap]]
        gap += 1
    return np.concatenate(codes)


def _pair_codes(first: np.ndarray, second: np.ndarray, n_geoms: int) -> np.ndarray:
    """One int64 per pair of geometry positions: ``smaller * n_geoms + larger``."""
    codes = np.minimum(first, second).astype(np.int64)
    codes *= n_geoms
    codes += np.maximum(first, second)
    return codes


def _meets(here: np.ndarray, there_after: np.ndarray, there_before: np.ndarray) -> np.ndarray:
    """Tell where ``here`` is a vertex id equal to a neighbour of the other occurrence."""
    return (here >= 0) & ((here == there_after) | (here == there_before))


def _ring_neighbours(code: np.ndarray, ring: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vertex ids after and before each occurrence in its ring (-1: none, or same vertex)."""
    n = len(code)
    # No edge between consecutive coordinates of different rings, nor of zero length.
    no_edge = ring[1:] != ring[:-1]
    no_edge |= code[1:] == code[:-1]
    after = np.empty(n, dtype=code.dtype)
    before = np.empty(n, dtype=code.dtype)
    after[-1:] = before[:1] = -1
    np.copyto(after[:-1], code[1:])
    np.copyto(before[1:], code[:-1])
    after[:-1][no_edge] = -1
    before[1:][no_edge] = -1
    return after, before


def symmetric_binary(first: np.ndarray, second: np.ndarray, n: int) -> sp.csr_array:
    """Build the symmetric 0/1 CSR matrix of the pairs (both directions, repeats allowed).

    The pairs are coded ``row * n + column`` in both directions and sorted
    once, which gives the CSR layout (rows in order, sorted columns, no
    repeats) directly: a quarter of scipy's time for a province, about half
    for thousands of regions.

    Examples
    --------
    >>> symmetric_binary(np.array([0, 1, 0]), np.array([1, 2, 1]), 3).toarray()
    array([[0., 1., 0.],
           [1., 0., 1.],
           [0., 1., 0.]])
    """
    index_type = _index_type(n)
    first, second = first.astype(np.int64, copy=False), second.astype(np.int64, copy=False)
    codes = np.concatenate([first * n + second, second * n + first])
    codes.sort()
    distinct = np.empty(codes.size, dtype=bool)
    distinct[:1] = True
    np.not_equal(codes[1:], codes[:-1], out=distinct[1:])
    rows, columns = np.divmod(codes[distinct], n)
    indptr = np.zeros(n + 1, dtype=index_type)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    matrix = sp.csr_array((np.ones(rows.size), columns.astype(index_type), indptr), shape=(n, n))
    matrix.has_canonical_format = True
    return matrix


def _ring_ids(
    geoms: np.ndarray,
    owner: np.ndarray,
    order: np.ndarray,
    start: np.ndarray,
    owner_sorted: np.ndarray,
) -> np.ndarray:
    """Ring number of every coordinate (coordinates in shapely's order).

    A ring is closed, so a geometry with several rings repeats a coordinate
    before its last one. Geometries without such a repeat are one ring and
    keep their position as ring number; only the others are split into
    parts and rings by shapely (which copies their coordinates).
    """
    n_geoms = len(geoms)
    ring = owner.copy()
    # Later occurrences of a coordinate already seen in the same geometry...
    again = ~start[1:]
    again &= owner_sorted[1:] == owner_sorted[:-1]
    repeated = order[1 + np.flatnonzero(again)]
    # ... that are not the geometry's last coordinate close a ring followed by another.
    repeated = repeated[repeated + 1 < len(owner)]
    several = np.unique(owner[repeated[owner[repeated + 1] == owner[repeated]]])
    if several.size == 0:
        return ring
    rings = shapely.get_rings(shapely.get_parts(geoms[several]))
    sizes = shapely.get_num_coordinates(rings)
    counts = shapely.get_num_coordinates(geoms[several])
    first = np.searchsorted(owner, several)  # first coordinate of each such geometry
    positions = np.repeat(first - (np.cumsum(counts) - counts), counts) + np.arange(counts.sum())
    ring[positions] = n_geoms + np.repeat(np.arange(len(rings)), sizes)
    return ring
