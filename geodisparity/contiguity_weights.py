"""Queen and rook contiguity from shared polygon vertices and edges.

Two regions are *queen* neighbours when their boundaries share a vertex, and
*rook* neighbours when they share an edge: two consecutive vertices of one
ring that are also consecutive vertices of a ring of the other region, in
either direction. This is libpysal's vertex-based definition, and the
neighbour sets agree with ``libpysal.weights.Queen`` / ``Rook`` (see Notes).

Instead of testing pairs of polygons, every ring coordinate is extracted at
once with shapely, equal coordinates are grouped with one sort of hashed
64-bit keys (exact float equality, verified after sorting), and each group of
two or more regions yields neighbour pairs. Edges are grouped the same way
from the vertex group ids. The cost is a few sorts of the vertex arrays.

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
import pandas as pd
import scipy.sparse as sp
import shapely

from geodisparity._islands import IslandPolicy, check_policy, resolve_islands
from geodisparity._regions import as_geoseries, check_polygons, to_metres
from geodisparity.errors import InputError
from geodisparity.weights import SpatialWeights, Transform

__all__ = ["contiguity"]

logger = logging.getLogger(__name__)

Rule = Literal["queen", "rook"]

# Boundaries within tolerance of each other along more than this many
# tolerances count as a shared edge (a corner contact gives at most about 2).
ROOK_RUN_FACTOR = 3.0

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
        ``3 * tolerance`` (a mere corner contact runs for about
        ``2 * tolerance``). Needs a CRS; geographic coordinates are projected
        to a metric CRS for this step.
    islands : {"nearest", "keep", "error"}, default "nearest"
        What to do with regions that have no neighbour. ``"nearest"`` links
        each to the nearest region (by boundary distance, both directions),
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
        ``tolerance > 0`` and the regions have no CRS.
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
        near_first, near_second = _near_pairs(series, rule, tolerance, (first, second))
        first = np.concatenate([first, near_first])
        second = np.concatenate([second, near_second])
    matrix = symmetric_binary(first, second, n)
    what = f"{rule} contiguity" + (f" (tolerance {tolerance:g} m)" if tolerance else "")
    matrix, links = resolve_islands(
        matrix,
        series.index,
        islands=islands,
        find_nearest=lambda lonely: (_nearest_regions(series, lonely), np.ones(lonely.size)),
        what=what,
        stacklevel=3,
    )
    weights = SpatialWeights.from_sparse(matrix, series.index, added_links=links)
    return weights.transformed(transform)


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
    return _pairs_within_runs(start, owner[order])


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
    Most boundary vertices of a tessellation occur exactly twice, once in
    each of two regions. For an edge between two such vertices the partner
    occurrences are known, and the edge is shared exactly when they are
    consecutive in one ring of the other region: no sort needed. The other
    edges (at junctions of three or more regions, ring closures, repeated
    vertices) are grouped by sorting their vertex-id pairs.

    Examples
    --------
    >>> from shapely import box
    >>> shared_edge_pairs(np.array([box(0, 0, 1, 1), box(1, 1, 2, 2), box(1, 0, 2, 1)]))
    (array([0, 1]), array([2, 2]))
    """
    xy, owner, ring = _ring_coordinates(geoms)
    order, start = _equal_coordinate_runs(xy)
    n = len(xy)
    run = np.cumsum(start) - 1
    code = np.empty(n, dtype=np.int64)
    code[order] = run
    n_codes = int(run[-1]) + 1 if n else 0
    owner_sorted = owner[order]
    distinct = start.copy()
    distinct[1:] |= owner_sorted[1:] != owner_sorted[:-1]
    owners_per_code = np.bincount(run[distinct], minlength=n_codes)
    shared = owners_per_code >= 2
    occurrences = np.bincount(run, minlength=n_codes)
    simple = (occurrences == 2) & shared  # exactly one occurrence in each of two regions

    partner = np.full(n, -1, dtype=np.int64)
    first = np.flatnonzero(start & simple[run])
    partner[order[first]] = order[first + 1]
    partner[order[first + 1]] = order[first]

    step = np.flatnonzero(ring[1:] == ring[:-1])
    after = step + 1
    is_simple = (partner[step] >= 0) & (partner[after] >= 0)
    quick = step[is_simple]
    p_here, p_next = partner[quick], partner[quick + 1]
    matched = (np.abs(p_here - p_next) == 1) & (ring[p_here] == ring[p_next])
    quick_first, quick_second = owner[quick[matched]], owner[p_here[matched]]

    rest = step[~is_simple]
    a, b = code[rest], code[rest + 1]
    keep = shared[a] & shared[b] & (a != b)
    a, b, edge_owner = a[keep], b[keep], owner[rest[keep]]
    edge_key = np.minimum(a, b) * n_codes + np.maximum(a, b)
    key_sorted, owner_by_key = _sort_by_key_then_owner(edge_key, edge_owner)
    edge_start = _run_starts(key_sorted)
    slow_first, slow_second = _pairs_within_runs(edge_start, owner_by_key)
    return (
        np.concatenate([np.minimum(quick_first, quick_second), slow_first]),
        np.concatenate([np.maximum(quick_first, quick_second), slow_second]),
    )


def symmetric_binary(first: np.ndarray, second: np.ndarray, n: int) -> sp.csr_array:
    """Build the symmetric 0/1 CSR matrix of the pairs (both directions)."""
    rows = np.concatenate([first, second]).astype(np.int64, copy=False)
    cols = np.concatenate([second, first]).astype(np.int64, copy=False)
    if rows.size:
        unique_keys = pd.unique(rows * n + cols)
        rows, cols = np.divmod(unique_keys, n)
    matrix = sp.csr_array((np.ones(rows.size), (rows, cols)), shape=(n, n))
    matrix.sort_indices()
    return matrix


def _ring_coordinates(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coordinates of all rings with, for each, its geometry and its ring number."""
    parts, part_owner = shapely.get_parts(geoms, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    counts = shapely.get_num_coordinates(rings)
    xy = shapely.get_coordinates(geoms)
    owner = np.repeat(part_owner[ring_part], counts)
    ring = np.repeat(np.arange(len(rings)), counts)
    return xy, owner, ring


def _equal_coordinate_runs(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Order coordinates so that equal ones are adjacent.

    Returns ``order`` (positions; within a run of equal coordinates they
    ascend) and ``start`` (True where a run of equal coordinates begins, in
    sorted order). Coordinates are hashed to 64-bit keys whose low bits carry
    the position, so one ``numpy.sort`` of unsigned integers does the work;
    hash collisions are detected exactly and re-sorted by the coordinates.
    """
    n = len(xy)
    if n == 0:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=bool)
    points = np.ascontiguousarray(xy, dtype=np.float64) + 0.0  # also turns -0.0 into 0.0
    as_complex = points.view(np.complex128)[:, 0]  # one value per point, for equality tests
    bits = max(1, (n - 1).bit_length())
    if bits > 40:  # too many vertices to pack a useful hash with the position
        order = np.lexsort((np.arange(n), points[:, 1], points[:, 0]))
        return order, _run_starts(as_complex[order])
    mask = np.uint64((1 << bits) - 1)
    keys = _hash_points(points)
    keys &= ~mask
    keys |= np.arange(n, dtype=np.uint64)
    keys.sort()
    order = (keys & mask).view(np.int64)
    hash_start = np.empty(n, dtype=bool)
    hash_start[0] = True
    np.greater(keys[1:] ^ keys[:-1], mask, out=hash_start[1:])
    start = _run_starts(as_complex[order])
    collided = start & ~hash_start
    if collided.any():
        order = _resort_collisions(order, hash_start, collided, points)
        start = _run_starts(as_complex[order])
        logger.debug("re-sorted %d hash collisions", int(collided.sum()))
    return order, start


def _hash_points(points: np.ndarray) -> np.ndarray:
    """Mix the bits of each (x, y) float64 pair into one uint64; the top bits are used."""
    bits = points.view(np.uint64)
    h = bits[:, 0] * _MIX[0]
    h ^= bits[:, 1]
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
    """Sort by exact coordinates the hash runs that hold more than one coordinate."""
    run = np.cumsum(hash_start) - 1
    members = np.flatnonzero(np.isin(run, np.unique(run[collided])))
    sub = order[members]
    resorted = np.lexsort((sub, points[sub, 1], points[sub, 0], run[members]))
    order = order.copy()
    order[members] = sub[resorted]
    return order


def _sort_by_key_then_owner(key: np.ndarray, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort (key, owner) pairs; pack both into one integer when they fit."""
    if key.size == 0:
        return key, owner
    owner_bits = max(1, int(owner.max()).bit_length())
    if int(key.max()).bit_length() + owner_bits <= 63:
        packed = (key << owner_bits) | owner
        packed.sort()
        return packed >> owner_bits, packed & ((1 << owner_bits) - 1)
    order = np.lexsort((owner, key))
    return key[order], owner[order]


def _pairs_within_runs(start: np.ndarray, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of distinct owners inside each run (owners ascend within a run)."""
    distinct = start.copy()
    distinct[1:] |= owner[1:] != owner[:-1]
    run = np.cumsum(start)[distinct]
    own = owner[distinct]
    size = len(run)
    candidate = np.flatnonzero(run[1:] == run[:-1])
    firsts, seconds = [], []
    gap = 1
    while candidate.size:
        firsts.append(own[candidate])
        seconds.append(own[candidate + gap])
        gap += 1
        candidate = candidate[candidate + gap < size]
        candidate = candidate[run[candidate + gap] == run[candidate]]
    if not firsts:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
    return np.concatenate(firsts), np.concatenate(seconds)


def _near_pairs(
    series: Any, rule: Rule, tolerance: float, exact: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of regions whose boundaries come within ``tolerance`` metres."""
    metric = to_metres(series, purpose=f"tolerance={tolerance:g}")
    geoms = np.asarray(metric.values, dtype=object)
    n = len(geoms)
    first, second = shapely.STRtree(geoms).query(geoms, predicate="dwithin", distance=tolerance)
    keep = first < second
    first, second = first[keep], second[keep]
    if rule == "queen" or first.size == 0:
        return first, second
    known = np.isin(first * n + second, exact[0].astype(np.int64) * n + exact[1])
    first, second = first[~known], second[~known]
    boundaries = shapely.boundary(geoms)
    near = shapely.intersection(
        boundaries[first], shapely.buffer(boundaries[second], tolerance, quad_segs=4)
    )
    along = shapely.length(near) > ROOK_RUN_FACTOR * tolerance
    return first[along], second[along]


def _nearest_regions(series: Any, lonely: np.ndarray) -> np.ndarray:
    """Position of the region nearest to each island (boundary distance).

    Distances are in the CRS units; with longitude/latitude the few regions
    within three times the nearest distance in degrees are compared in
    metres (an azimuthal equidistant projection centred on the island).
    """
    geoms = np.asarray(series.values, dtype=object)
    tree = shapely.STRtree(geoms)
    (_, nearest), distance = tree.query_nearest(
        geoms[lonely], exclusive=True, return_distance=True, all_matches=False
    )
    nearest = np.asarray(nearest)
    if series.crs is None or not series.crs.is_geographic:
        return nearest
    for k, island in enumerate(lonely):
        candidates = tree.query(geoms[island], predicate="dwithin", distance=3 * distance[k])
        candidates = candidates[candidates != island]
        if candidates.size > 1:
            nearest[k] = _nearest_in_metres(series, island, candidates)
    return nearest


def _nearest_in_metres(series: Any, island: int, candidates: np.ndarray) -> int:
    centre = series.iloc[island].centroid
    local = (
        f"+proj=aeqd +lat_0={centre.y:.6f} +lon_0={centre.x:.6f} +datum=WGS84 +units=m +no_defs"
    )
    projected = series.iloc[np.concatenate([[island], candidates])].to_crs(local)
    values = np.asarray(projected.values, dtype=object)
    return int(candidates[np.argmin(shapely.distance(values[0], values[1:]))])
