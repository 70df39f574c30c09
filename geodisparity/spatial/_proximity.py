"""How close regions come to each other: near-misses and nearest regions.

Used by contiguity: :func:`near_pairs` finds regions whose boundaries come
within a tolerance (slivers, barely-touching polygons), and
:func:`nearest_regions` finds the region nearest to each island.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely

from geodisparity.spatial._regions import metric_crs_for

__all__ = ["near_pairs", "nearest_regions", "ROOK_RUN_FACTOR"]

# With a tolerance, boundaries that stay within tolerance of each other for
# more than this many tolerances share an edge. A corner touching another
# boundary stays that close for tolerance / sin(angle) along each of its two
# edges: about 2 to 3 tolerances, unless an edge runs within a few degrees of
# the other boundary, which then counts as running alongside it.
ROOK_RUN_FACTOR = 10.0


def near_pairs(
    series: Any, rule: str, tolerance: float, exact: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Return pairs of regions, not yet neighbours, whose boundaries come within ``tolerance`` m.

    With longitude/latitude, candidates are found in degrees with a reach
    that cannot be shorter than ``tolerance`` metres, then only the
    candidate regions are projected (by :func:`geodisparity.crs.metric_crs`)
    and measured in metres.
    """
    target = metric_crs_for(series, purpose=f"tolerance={tolerance:g}")
    geoms = np.asarray(series.values, dtype=object)
    n = len(geoms)
    geographic = series.crs.is_geographic
    reach = _degrees_reaching(tolerance, series.total_bounds) if geographic else tolerance
    first, second = shapely.STRtree(geoms).query(geoms, predicate="dwithin", distance=reach)
    keep = first < second
    keep &= ~np.isin(first * n + second, exact[0].astype(np.int64) * n + exact[1])
    first, second = first[keep], second[keep]
    if first.size == 0:
        return first, second
    involved = np.unique(np.concatenate([first, second]))
    local = geoms
    if geographic:
        local = np.empty(n, dtype=object)
        local[involved] = np.asarray(series.iloc[involved].to_crs(target).values, dtype=object)
    near = shapely.dwithin(local[first], local[second], tolerance)
    first, second = first[near], second[near]
    if rule == "queen" or first.size == 0:
        return first, second
    boundaries = np.empty(n, dtype=object)
    boundaries[involved] = shapely.boundary(local[involved])
    alongside = shapely.intersection(
        boundaries[first], shapely.buffer(boundaries[second], tolerance, quad_segs=4)
    )
    along = shapely.length(alongside) > ROOK_RUN_FACTOR * tolerance
    return first[along], second[along]


def _degrees_reaching(metres: float, bounds: np.ndarray) -> float:
    """Degrees of longitude/latitude that span at least ``metres`` anywhere in ``bounds``."""
    highest = min(89.0, max(abs(bounds[1]), abs(bounds[3])))
    shortest_degree = 110_574.0 * math.cos(math.radians(highest))  # metres, lower bound
    return 1.01 * metres / shortest_degree


def nearest_regions(series: Any, lonely: np.ndarray) -> np.ndarray:
    """Return the position of the region nearest to each island (boundary vertices).

    Vertices are compared in the CRS plane, or for longitude/latitude as
    points on the sphere (chord length, which ranks like great-circle
    distance). Regions are visited by increasing lower bound of their
    distance, from the bounding boxes, so only a few are measured.
    """
    geoms = np.asarray(series.values, dtype=object)
    geographic = series.crs is not None and series.crs.is_geographic
    bounds = shapely.bounds(geoms)

    def vertices(region: int) -> np.ndarray:
        xy = shapely.get_coordinates(geoms[region])
        return _on_sphere(xy) if geographic else xy

    nearest = np.empty(len(lonely), dtype=np.intp)
    for k, island in enumerate(lonely):
        own = vertices(island)
        bound = _distance_lower_bound(bounds, island, geographic)
        bound[island] = np.inf
        best, best_distance = -1, np.inf
        for region in np.argsort(bound, kind="stable"):
            if bound[region] > best_distance:
                break
            distance = least_distance(own, vertices(region), cap=best_distance)
            if distance < best_distance:
                best, best_distance = region, distance
        nearest[k] = best
    return nearest


EARTH_RADIUS_M = 6_371_008.8

#: Vertex pairs measured at once (a few MB); beyond :data:`PAIRS_LIMIT` pairs left
#: after pruning, a k-d tree is used (``scipy.spatial``, whose import costs ~0.2 s).
CHUNK_PAIRS = 1 << 17
PAIRS_LIMIT = 1 << 21


def least_distance(points: np.ndarray, others: np.ndarray, *, cap: float = np.inf) -> float:
    """Least Euclidean distance between a vertex of ``points`` and one of ``others``.

    The vertices of each set nearest the other's bounding box give an upper
    bound; only vertices within it of the other set's bounding box can do
    better, and only those are kept. When many pairs are left, a sample of
    them tightens the bound and prunes again; the rest are compared (exact).
    With a ``cap`` (a distance already found elsewhere), vertices farther than
    it from the other set's box are left out first, and ``inf`` is returned
    when no pair is closer than ``cap``.

    Examples
    --------
    >>> a, b = np.array([[0.0, 0.0], [5.0, 5.0]]), np.array([[3.0, 4.0], [9.0, 9.0]])
    >>> least_distance(a, b), least_distance(a, b, cap=1.0)
    (2.23606797749979, inf)
    """
    if cap < np.inf:
        points = points[_box_gap(points, others) < cap]
        others = others[_box_gap(others, points) < cap] if len(points) else others[:0]
        if not len(others):
            return np.inf
    bound = _brute_least(_facing(points, others), _facing(others, points))
    if bound == 0.0:
        return bound if cap > 0 else np.inf
    points, others = _within(points, others, bound)
    if len(points) * len(others) > CHUNK_PAIRS:  # concave shapes: the box says little
        sample = points[:: max(1, len(points) * len(others) // CHUNK_PAIRS)]
        bound = min(bound, _brute_least(sample, others))
        points, others = _within(points, others, bound)
    if len(points) * len(others) > PAIRS_LIMIT:
        from scipy.spatial import cKDTree  # large, close vertex sets only

        least = float(cKDTree(points).query(others, k=1)[0].min())
    else:
        least = min(bound, _brute_least(points, others))
    return least if least < cap else np.inf


def _within(points: np.ndarray, others: np.ndarray, bound: float) -> tuple[np.ndarray, ...]:
    """Vertices of each set within ``bound`` of the other's bounding box (pruned in turn)."""
    points = points[_box_gap(points, others) <= bound]
    others = others[_box_gap(others, points) <= bound]
    return points[_box_gap(points, others) <= bound], others


def _box_gap(points: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Distance from each of ``points`` to the bounding box of ``others`` (a lower bound)."""
    low, high = others.min(axis=0), others.max(axis=0)
    squared = np.zeros(len(points))
    for axis in range(points.shape[1]):  # (as a sum over axis 1 adds them, but faster)
        column = points[:, axis]
        squared += np.square(np.maximum(0.0, np.maximum(low[axis] - column, column - high[axis])))
    return np.sqrt(squared)


def _facing(points: np.ndarray, others: np.ndarray, count: int = 64) -> np.ndarray:
    """Return the ``count`` vertices of ``points`` nearest the bounding box of ``others``."""
    if len(points) <= count:
        return points
    return points[np.argpartition(_box_gap(points, others), count)[:count]]


def _brute_least(points: np.ndarray, others: np.ndarray) -> float:
    step = max(1, CHUNK_PAIRS // max(1, len(points)))
    least = np.inf
    columns = [points[:, axis, None] for axis in range(points.shape[1])]
    for start in range(0, len(others), step):
        block = others[start : start + step]
        # Axis by axis, in the order a sum over the last axis adds them (same result),
        # without its slow reduction over an axis of 2 or 3.
        squared = np.square(columns[0] - block[:, 0])
        for axis in range(1, len(columns)):
            squared += np.square(columns[axis] - block[:, axis])
        least = min(least, float(np.sqrt(squared.min())))
    return least


def _distance_lower_bound(bounds: np.ndarray, i: int, geographic: bool) -> np.ndarray:
    """Lower bound of the distance from box ``i`` to every box (chord on the sphere)."""
    west, south, east, north = bounds.T
    dx = np.maximum(0.0, np.maximum(west - east[i], west[i] - east))
    dy = np.maximum(0.0, np.maximum(south - north[i], south[i] - north))
    if not geographic:
        return np.hypot(dx, dy)
    # haversine(d) >= hav(latitude gap) + cos^2(highest |latitude|) hav(longitude gap)
    dlon = np.radians(np.minimum(dx, 360.0 - dx))
    polewards = np.maximum(np.abs(south), np.abs(north))
    highest = np.maximum(polewards, polewards[i])
    hav = np.sin(np.radians(dy) / 2) ** 2 + (np.cos(np.radians(highest)) * np.sin(dlon / 2)) ** 2
    return 2 * EARTH_RADIUS_M * np.sqrt(np.minimum(hav, 1.0))


def _on_sphere(lonlat: np.ndarray) -> np.ndarray:
    """Longitude/latitude in degrees as 3-D points on a sphere of the Earth's radius (m)."""
    lon, lat = np.radians(lonlat[:, 0]), np.radians(lonlat[:, 1])
    cos_lat = np.cos(lat)
    xyz = np.column_stack([cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)])
    return EARTH_RADIUS_M * xyz
