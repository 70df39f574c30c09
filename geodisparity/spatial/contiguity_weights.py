"""Queen and rook contiguity from shared polygon vertices and edges.

Two regions are *queen* neighbours when their boundaries share a vertex, and
*rook* neighbours when they share an edge: two consecutive vertices of one
ring that are also consecutive vertices of a ring of the other region, in
either direction. This is libpysal's vertex-based definition, and the
neighbour sets agree with ``libpysal.weights.Queen`` / ``Rook`` (see Notes).

Instead of testing pairs of polygons, every ring coordinate is extracted at
once with shapely, equal coordinates are grouped with one sort of hashed
64-bit keys (exact float equality, verified after sorting), and each group of
two or more regions yields neighbour pairs. Shared edges are found from the
same groups by comparing the ring neighbours of each pair of occurrences of a
vertex. The cost is one sort of the vertex keys plus linear passes.

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
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
import shapely

from geodisparity.errors import InputError
from geodisparity.spatial._islands import IslandPolicy, check_policy, resolve_islands
from geodisparity.spatial._proximity import near_pairs, nearest_regions
from geodisparity.spatial._regions import as_geoseries, check_polygons
from geodisparity.spatial.weights import SpatialWeights, Transform

__all__ = ["contiguity"]

logger = logging.getLogger(__name__)

Rule = Literal["queen", "rook"]

_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))


def contiguity(
    regions: Any,
    rule: Rule = "queen",
    *,
    tolerance: float = 0.0,
    islands: IslandPolicy = "nearest",
    transform: Transform = "B",
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

    Returns
    -------
    SpatialWeights
        Symmetric binary (or row-standardised) weights, rows in the order of
        ``regions``.

    Raises
    ------
    GeometryError
        A geometry is missing, empty, or not a polygon.
    DuplicateKeyError
        The index has repeated ids.
    CRSError
        ``tolerance > 0`` and the regions have no CRS, or a projected CRS
        whose unit is not the metre.
    WeightsError
        ``islands="error"`` and some region has no neighbour.

    Notes
    -----
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
    series = as_geoseries(regions)
    check_polygons(series)
    if rule not in ("queen", "rook"):
        raise InputError(f"rule={rule!r} is not accepted; use 'queen' or 'rook'")
    tolerance = _check_tolerance(tolerance)
    check_policy(islands)
    geoms = np.asarray(series.values, dtype=object)
    n = len(geoms)
    if rule == "queen":
        first, second = shared_vertex_pairs(geoms)
    else:
        first, second = shared_edge_pairs(geoms)
    if tolerance > 0:
        near_first, near_second = near_pairs(series, rule, tolerance, (first, second))
        first = np.concatenate([first, near_first])
        second = np.concatenate([second, near_second])
    matrix = symmetric_binary(first, second, n)
    what = f"{rule} contiguity" + (f" (tolerance {tolerance:g} m)" if tolerance else "")
    matrix, links = resolve_islands(
        matrix,
        series.index,
        islands=islands,
        find_nearest=lambda lonely: (nearest_regions(series, lonely), np.ones(lonely.size)),
        what=what,
        stacklevel=3,
    )
    weights = SpatialWeights.from_sparse(matrix, series.index, added_links=links)
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
    xy, owner = shapely.get_coordinates(geoms, return_index=True)
    order, start = _equal_coordinate_runs(xy)
    small = _index_type(len(xy))
    owner = owner.astype(small)
    return _occurrence_pairs(np.cumsum(start, dtype=small), order, owner)


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
    xy, owner = shapely.get_coordinates(geoms, return_index=True)
    order, start = _equal_coordinate_runs(xy)
    n = len(xy)
    small = _index_type(n)
    run = np.cumsum(start, dtype=small) - 1  # vertex id of each sorted occurrence
    owner = owner.astype(small)
    owner_sorted = owner[order]
    ring = _ring_ids(geoms, owner, order, start, owner_sorted)
    code = np.empty(n, dtype=small)
    code[order] = run
    after, before = _ring_neighbours(code, ring)
    after, before = after[order], before[order]

    def share_an_edge(here: Any, there: Any) -> np.ndarray:
        shared = _meets(after[here], after[there], before[there])
        shared |= _meets(before[here], after[there], before[there])
        return shared

    return _occurrence_pairs(run, order, owner, share_an_edge, owner_sorted=owner_sorted)


def _index_type(n: int) -> type:
    """int32 when it can hold every position (halves the memory traffic), else int64."""
    return np.int32 if n < 2**31 else np.int64


def _occurrence_pairs(
    run: np.ndarray,
    order: np.ndarray,
    owner: np.ndarray,
    linked: Any = None,
    *,
    owner_sorted: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Owner pairs of occurrences of the same vertex that ``linked`` accepts.

    ``run`` (vertex id) is in sorted order: equal runs are adjacent and
    positions, hence owners, ascend within a run, so each pair comes out as
    (smaller, larger). ``order`` maps sorted order to positions and
    ``owner`` gives each position's geometry. ``linked(here, there)``
    receives index arrays or slices of sorted occurrences.
    """
    n = len(run)
    if owner_sorted is None:
        owner_sorted = owner[order]
    # Occurrences next to each other (most vertices occur exactly twice): slices.
    keep = run[1:] == run[:-1]
    keep &= owner_sorted[1:] != owner_sorted[:-1]
    if linked is not None:
        keep &= linked(slice(0, n - 1), slice(1, n))
    hit = np.flatnonzero(keep)
    firsts, seconds = _along_boundaries(order[hit], owner, owner_sorted[hit + 1])
    firsts, seconds = [firsts], [seconds]
    # Occurrences further apart, in runs of three or more (junctions).
    candidate = np.flatnonzero(run[2:] == run[:-2])
    gap = 2
    while candidate.size:
        other = candidate + gap
        keep = owner_sorted[candidate] != owner_sorted[other]
        if linked is not None:
            keep &= linked(candidate, other)
        hit = candidate[keep]
        firsts.append(owner_sorted[hit])
        seconds.append(owner_sorted[hit + gap])
        gap += 1
        candidate = candidate[candidate + gap < n]
        candidate = candidate[run[candidate + gap] == run[candidate]]
    return np.concatenate(firsts).astype(np.intp), np.concatenate(seconds).astype(np.intp)


def _along_boundaries(
    positions: np.ndarray, owner: np.ndarray, partner: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Drop repeats of a pair along a shared boundary before building the matrix.

    Each position (a vertex of ``owner[position]``) is paired with
    ``partner``. Consecutive vertices of a boundary shared by two regions
    give the same pair, so in position order only changes are kept.
    """
    by_position = np.full(len(owner), -1, dtype=owner.dtype)
    by_position[positions] = partner
    changed = by_position >= 0
    changed[1:] &= (by_position[1:] != by_position[:-1]) | (owner[1:] != owner[:-1])
    kept = np.flatnonzero(changed)
    return owner[kept], by_position[kept]


def _meets(here: np.ndarray, there_after: np.ndarray, there_before: np.ndarray) -> np.ndarray:
    """Tell where ``here`` is a vertex id equal to a neighbour of the other occurrence."""
    return (here >= 0) & ((here == there_after) | (here == there_before))


def _ring_neighbours(code: np.ndarray, ring: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vertex ids after and before each occurrence in its ring (-1: none, or same vertex)."""
    n = len(code)
    same_ring = ring[1:] == ring[:-1]
    after = np.full(n, -1, dtype=code.dtype)
    before = np.full(n, -1, dtype=code.dtype)
    after[:-1] = np.where(same_ring, code[1:], -1)
    before[1:] = np.where(same_ring, code[:-1], -1)
    after[after == code] = -1  # zero-length edges (repeated vertices) are not edges
    before[before == code] = -1
    return after, before


def symmetric_binary(first: np.ndarray, second: np.ndarray, n: int) -> sp.csr_array:
    """Build the symmetric 0/1 CSR matrix of the pairs (both directions, repeats allowed)."""
    small = _index_type(n)
    rows = np.concatenate([first, second]).astype(small, copy=False)
    cols = np.concatenate([second, first]).astype(small, copy=False)
    matrix = sp.coo_array((np.ones(rows.size), (rows, cols)), shape=(n, n)).tocsr()
    matrix.sum_duplicates()  # also sorts the indices
    matrix.data[:] = 1.0
    return sp.csr_array(matrix)


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
    # Later occurrences of a coordinate already seen in the same geometry.
    repeated = order[1:][~start[1:] & (owner_sorted[1:] == owner_sorted[:-1])]
    last = np.r_[owner[1:] != owner[:-1], True]  # last coordinate of each geometry
    several = np.unique(owner[repeated[~last[repeated]]])
    if several.size == 0:
        return ring
    rings = shapely.get_rings(shapely.get_parts(geoms[several]))
    sizes = shapely.get_num_coordinates(rings)
    counts = shapely.get_num_coordinates(geoms[several])
    first = np.searchsorted(owner, several)  # first coordinate of each such geometry
    positions = np.repeat(first - (np.cumsum(counts) - counts), counts) + np.arange(counts.sum())
    ring[positions] = n_geoms + np.repeat(np.arange(len(rings)), sizes)
    return ring


def _equal_coordinate_runs(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Order coordinates so that equal ones are adjacent.

    Returns ``order`` (positions; within a run of equal coordinates they
    ascend) and ``start`` (True where a run of equal coordinates begins, in
    sorted order). Coordinates are hashed to 32 bits and ordered by a stable
    two-pass radix sort (NumPy's stable argsort of 16-bit keys), which keeps
    positions ascending among equal hashes; hash collisions are detected
    exactly and those runs re-sorted by the coordinates themselves.
    """
    n = len(xy)
    if n == 0:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=bool)
    points = np.ascontiguousarray(xy, dtype=np.float64)
    points += 0.0  # turns -0.0 into 0.0 (in place: the caller's array is a scratch copy)
    as_complex = points.view(np.complex128)[:, 0]  # one value per point, for equality tests
    order = _radix_order(_hash32(points))
    # One gather of the points (as complex numbers: NumPy gathers 2-D rows slowly);
    # recomputing the hashes in sorted order is cheaper than gathering them too.
    in_order = as_complex[order]
    hash_start = _run_starts(_hash32(in_order.view(np.float64).reshape(n, 2)))
    start = _run_starts(in_order)
    collided = start & ~hash_start
    if collided.any():
        members = _resort_collisions(order, hash_start, collided, points)
        start[members] = _run_starts(as_complex[order[members]]) | hash_start[members]
        logger.debug("re-sorted %d runs of colliding hashes", int(hash_start[members].sum()))
    return order, start


def _hash32(points: np.ndarray) -> np.ndarray:
    """Return the top 32 bits of :func:`_hash_points`."""
    return (_hash_points(points) >> np.uint64(32)).astype(np.uint32)


def _radix_order(keys: np.ndarray) -> np.ndarray:
    """Stable ordering of uint32 keys by two passes over 16-bit digits."""
    first = np.argsort((keys & np.uint32(0xFFFF)).astype(np.uint16), kind="stable")
    high = (keys >> np.uint32(16)).astype(np.uint16)[first]
    return first[np.argsort(high, kind="stable")]


def _hash_points(points: np.ndarray) -> np.ndarray:
    """Mix the bits of each (x, y) float64 pair into one uint64; the top bits are used.

    Multiplication only carries information towards the high bits, and the
    information of a float is in its high bits, so right shifts bring it
    down before each multiplication.
    """
    bits = points.view(np.uint64)
    h = bits[:, 0] >> np.uint64(29)
    h ^= bits[:, 0]
    h *= _MIX[0]
    h ^= bits[:, 1]
    h ^= h >> np.uint64(32)
    h *= _MIX[1]
    return h


def _run_starts(values: np.ndarray) -> np.ndarray:
    start = np.empty(len(values), dtype=bool)
    start[:1] = True
    np.not_equal(values[1:], values[:-1], out=start[1:])
    return start


def _resort_collisions(
    order: np.ndarray, hash_start: np.ndarray, collided: np.ndarray, points: np.ndarray
) -> np.ndarray:
    """Sort by exact coordinates, in place, the hash runs that hold several coordinates.

    Returns the sorted indices of the re-sorted runs.
    """
    run_start = np.flatnonzero(hash_start)
    run_end = np.append(run_start[1:], len(order))
    bad = np.unique(np.searchsorted(run_start, np.flatnonzero(collided), side="right") - 1)
    lengths = run_end[bad] - run_start[bad]
    members = np.repeat(run_start[bad] - (np.cumsum(lengths) - lengths), lengths)
    members += np.arange(lengths.sum())
    sub = order[members]
    in_run = np.repeat(np.arange(bad.size), lengths)
    resorted = np.lexsort((sub, points[sub, 1], points[sub, 0], in_run))
    order[members] = sub[resorted]
    return members
