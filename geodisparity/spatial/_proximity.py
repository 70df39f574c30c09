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
    from scipy.spatial import cKDTree

    geoms = np.asarray(series.values, dtype=object)
    geographic = series.crs is not None and series.crs.is_geographic
    bounds = shapely.bounds(geoms)

    def vertices(region: int) -> np.ndarray:
        xy = shapely.get_coordinates(geoms[region])
        return _on_sphere(xy) if geographic else xy

    nearest = np.empty(len(lonely), dtype=np.intp)
    for k, island in enumerate(lonely):
        tree = cKDTree(vertices(island))
        bound = _distance_lower_bound(bounds, island, geographic)
        bound[island] = np.inf
        best, best_distance = -1, np.inf
        for region in np.argsort(bound, kind="stable"):
            if bound[region] > best_distance:
                break
            distance = tree.query(vertices(region), k=1)[0].min()
            if distance < best_distance:
                best, best_distance = region, distance
        nearest[k] = best
    return nearest


EARTH_RADIUS_M = 6_371_008.8


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
