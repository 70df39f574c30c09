"""Shrink boundaries for web maps without opening gaps between neighbours.

Three steps keep the HTML small:

1. Simplify the whole coverage at once with :func:`shapely.coverage_simplify`,
   which moves each shared border once for both neighbours, so they keep a
   common edge (simplifying polygon by polygon opens slivers and overlaps).
2. Choose the tolerance from the map's extent: ``extent / 2000`` in degrees.
   A map of the whole extent opens about 1,000 pixels wide, so one pixel spans
   ``extent / 1000`` and the removed detail stays below half a pixel at the
   initial zoom (zooming in shows the simplification, as on any web map).
3. Round coordinates to the decimals that tolerance needs (a grid at most
   half of it, between 3 and 6 decimals of a degree) and write them compactly: integer
   differences between successive vertices (:func:`encode_geometry`), which
   the page turns back into GeoJSON, and only the properties the map uses.

Examples
--------
>>> from shapely.geometry import box
>>> import geopandas as gpd
>>> cells = gpd.GeoSeries([box(0, 0, 1, 1), box(1, 0, 2, 1)], crs="EPSG:4326")
>>> auto_tolerance(cells)
0.001
>>> coordinate_decimals(0.001)
4
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import geopandas as gpd
import numpy as np
import shapely

from geodisparity.errors import CRSError, EmptyDataError, GeometryError, InputError, format_rows

__all__ = [
    "EXTENT_DIVISOR",
    "auto_tolerance",
    "coordinate_decimals",
    "drawable",
    "to_web_geometry",
    "simplify_coverage",
    "encode_geometry",
]

#: The tolerance is the map extent divided by this (half a pixel on a ~1,000 px map).
EXTENT_DIVISOR = 2000


def auto_tolerance(geometry: gpd.GeoSeries) -> float:
    """Return a simplification tolerance (CRS units) suited to the map's extent.

    Parameters
    ----------
    geometry : GeoSeries
        The boundaries to be drawn, in the CRS the tolerance applies to.

    Returns
    -------
    float
        ``max(width, height) / 2000``, rounded down to two significant digits
        (0 for an empty or degenerate extent).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> auto_tolerance(gpd.GeoSeries([box(118, 27, 123, 31.2)]))
    0.0025
    >>> auto_tolerance(gpd.GeoSeries([], dtype="geometry"))
    0.0
    """
    if len(geometry) == 0 or geometry.is_empty.all():
        return 0.0
    minx, miny, maxx, maxy = geometry.total_bounds
    extent = max(maxx - minx, maxy - miny) / EXTENT_DIVISOR
    if not math.isfinite(extent) or extent <= 0:
        return 0.0
    scale = 10.0 ** (math.floor(math.log10(extent)) - 1)
    return float(round(math.floor(extent / scale) * scale, 12))


def coordinate_decimals(tolerance: float) -> int:
    """Return how many decimals of a degree keep rounding below half of ``tolerance``.

    Parameters
    ----------
    tolerance : float
        Simplification tolerance in degrees.

    Returns
    -------
    int
        Between 3 (about 100 m) and 6 (about 0.1 m).

    Examples
    --------
    >>> coordinate_decimals(0.03)
    3
    >>> coordinate_decimals(0.0)
    6
    """
    if tolerance <= 0:
        return 6
    return int(min(6, max(3, math.ceil(-math.log10(tolerance / 2)))))


def drawable(geometry: gpd.GeoSeries) -> np.ndarray:
    """Return which geometries can be drawn (present and not empty).

    Parameters
    ----------
    geometry : GeoSeries
        Region boundaries.

    Returns
    -------
    numpy.ndarray of bool
        False for missing (None) and empty geometries.

    Examples
    --------
    >>> from shapely.geometry import Polygon, box
    >>> drawable(gpd.GeoSeries([box(0, 0, 1, 1), None, Polygon()])).tolist()
    [True, False, False]
    """
    from geodisparity.antimeridian import present

    return present(geometry)


def to_web_geometry(regions: gpd.GeoDataFrame | gpd.GeoSeries, *,
                    central: float | None = None) -> gpd.GeoSeries:
    """Return the polygons of ``regions`` in EPSG:4326 (longitude, latitude), checked.

    Missing and empty geometries are kept as they are (maps leave them off and
    name them in their note); polygons crossing the antimeridian are unwrapped
    and the whole set is placed in one continuous longitude range (see
    :func:`geodisparity.antimeridian.to_frame`), so they draw as they are on
    the ground and not as bands around the globe.

    Parameters
    ----------
    regions : GeoDataFrame or GeoSeries
        Boundaries with a CRS.
    central : float, optional
        Middle longitude of the range the polygons are placed in (give the
        middle of the map's regions when adding outlines to it); default
        :func:`geodisparity.antimeridian.central_longitude` of the regions.

    Returns
    -------
    GeoSeries
        Same index, EPSG:4326.

    Raises
    ------
    EmptyDataError
        If there are no regions, or none has a geometry.
    CRSError
        If the CRS is missing.
    GeometryError
        If some geometries are not polygons.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> to_web_geometry(gpd.GeoSeries([box(0, 0, 1, 1), None], crs=4326)).isna().tolist()
    [False, True]
    >>> to_web_geometry(gpd.GeoSeries([box(179, 0, 180, 1), box(-180, 0, -179, 1)],
    ...                               crs=4326)).total_bounds.tolist()
    [179.0, 0.0, 181.0, 1.0]
    """
    from geodisparity.antimeridian import central_longitude, to_frame

    if not isinstance(regions, gpd.GeoDataFrame | gpd.GeoSeries):
        raise InputError(
            f"regions must be a GeoDataFrame or GeoSeries, got {type(regions).__name__}"
        )
    geometry = regions.geometry if isinstance(regions, gpd.GeoDataFrame) else regions
    if len(geometry) == 0:
        raise EmptyDataError("regions has no rows; a map needs at least one region")
    if geometry.crs is None:
        raise CRSError(
            "regions has no CRS; set one (e.g. regions.set_crs('EPSG:4326')) so the map "
            "can place the boundaries"
        )
    present = drawable(geometry)
    if not present.any():
        raise EmptyDataError(
            f"none of the {len(geometry)} regions has a geometry (all missing or empty); "
            "a map needs at least one boundary"
        )
    kinds = geometry.geom_type
    wrong = geometry.index[present & ~kinds.isin(["Polygon", "MultiPolygon"]).to_numpy()]
    if len(wrong):
        raise GeometryError(
            f"{len(wrong)} regions are not polygons ({', '.join(sorted(set(kinds[wrong])))}): "
            f"{format_rows(wrong)}"
        )
    if geometry.crs.to_epsg() != 4326:
        geometry = geometry.to_crs(4326)
    return to_frame(geometry, central_longitude(geometry) if central is None else central)


def simplify_coverage(
    geometry: gpd.GeoSeries,
    *,
    tolerance: float | None = None,
    decimals: int | None = None,
    rounded: bool = True,
) -> gpd.GeoSeries:
    """Simplify a polygon coverage as a whole and round its coordinates.

    Parameters
    ----------
    geometry : GeoSeries
        Polygons that tile an area (counties), ideally without overlaps.
    tolerance : float, optional
        Simplification tolerance in CRS units; default :func:`auto_tolerance`.
        0 keeps every vertex (only rounding applies).
    decimals : int, optional
        Decimals to round to; default :func:`coordinate_decimals` of the tolerance.
    rounded : bool, default True
        False leaves the coordinates unrounded (a valid coverage, for
        further simplification).

    Returns
    -------
    GeoSeries
        Same index and CRS. Neighbours keep their shared borders exactly;
        missing and empty geometries are returned as they are.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> cells = gpd.GeoSeries([box(0, 0, 1, 1), box(1, 0, 2, 1)])
    >>> simplify_coverage(cells, tolerance=0.1).area.tolist()
    [1.0, 1.0]
    >>> simplify_coverage(gpd.GeoSeries([], dtype="geometry")).size
    0
    >>> simplify_coverage(gpd.GeoSeries([box(0, 0, 1, 1), None])).isna().tolist()
    [False, True]
    """
    if len(geometry) == 0:
        return geometry.copy()
    if tolerance is None:
        tolerance = auto_tolerance(geometry)
    if tolerance < 0 or not math.isfinite(tolerance):
        raise InputError(f"tolerance must be a finite number >= 0, got {tolerance!r}")
    if decimals is None:
        decimals = coordinate_decimals(tolerance)
    values = np.array(geometry.values, dtype=object)
    present = drawable(geometry)
    shapes = values[present]
    if tolerance > 0 and len(shapes):
        shapes = shapely.coverage_simplify(shapes, tolerance, simplify_boundary=True)
    values[present] = shapely.transform(shapes, lambda xy: np.round(xy, decimals)) if rounded \
        else shapes
    return gpd.GeoSeries(values, index=geometry.index, crs=geometry.crs)


class _Rings(NamedTuple):
    """Rings of many polygons as integer vertices, in drawing order."""

    vertices: np.ndarray  # (v, 2) int64, closing vertex and repeats left out
    count: np.ndarray  # vertices per ring
    geometry: np.ndarray  # position of each ring's geometry
    exterior: np.ndarray  # True for a polygon's exterior ring
    kept: np.ndarray  # ring drawn: >= 3 vertices, and its exterior too


def _rings(values: np.ndarray, scale: float) -> _Rings:
    """Round every ring of ``values`` to integer units of ``1 / scale``; drop collapsed ones."""
    parts, part_geometry = shapely.get_parts(values, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    xy, ring = shapely.get_coordinates(rings, return_index=True)
    closing = np.ones(len(ring), dtype=bool)
    closing[:-1] = ring[1:] != ring[:-1]
    xy, ring = xy[~closing], ring[~closing]
    integer = np.rint(xy * scale).astype(np.int64)
    new = np.ones(len(ring), dtype=bool)  # rounding can repeat a vertex: keep one
    new[1:] = (ring[1:] != ring[:-1]) | np.any(integer[1:] != integer[:-1], axis=1)
    integer, ring = integer[new], ring[new]
    count = np.bincount(ring, minlength=len(rings))
    exterior = np.ones(len(rings), dtype=bool)
    exterior[1:] = ring_part[1:] != ring_part[:-1]
    polygon_kept = np.zeros(len(parts), dtype=bool)
    polygon_kept[ring_part[exterior]] = count[exterior] >= 3
    kept = (count >= 3) & polygon_kept[ring_part]
    return _Rings(integer[kept[ring]], count, part_geometry[ring_part], exterior, kept)


def _as_objects(geometry: Sequence[Any] | gpd.GeoSeries) -> np.ndarray:
    values = np.empty(len(geometry), dtype=object)
    values[:] = list(geometry.values if isinstance(geometry, gpd.GeoSeries) else geometry)
    return values


def encode_geometry(geometry: Sequence[Any] | gpd.GeoSeries, *, decimals: int) -> str:
    """Return polygons as compact delta-encoded JSON, decoded to GeoJSON in the browser.

    Each geometry becomes a list of polygons, each polygon a list of rings and
    each ring a flat list of integers ``dx, dy, dx, dy...``: coordinates in
    units of ``10**-decimals`` degrees, each written as the difference to the
    vertex before it (across rings and geometries, starting from 0, 0). The
    closing vertex is left out; vertices repeated by rounding and rings
    collapsed by it are dropped; a missing or empty geometry is an empty
    list. Differences between near vertices take 2-4 characters instead of
    the 8-10 of a plain coordinate, which halves the file; the page's script
    rebuilds ordinary GeoJSON MultiPolygons.

    Parameters
    ----------
    geometry : sequence of Polygon or MultiPolygon
        Geometries in longitude/latitude.
    decimals : int
        Decimals kept (the integer unit is ``10**-decimals``).

    Returns
    -------
    str
        JSON without spaces, one entry per geometry.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> encode_geometry([box(0, 0, 1, 1)], decimals=1)
    '[[[[10,0,0,10,-10,0,0,-10]]]]'
    >>> encode_geometry([box(0, 0, 1, 1), box(1, 0, 2, 1)], decimals=0)
    '[[[[1,0,0,1,-1,0,0,-1]]],[[[2,0,0,1,-1,0,0,-1]]]]'
    >>> encode_geometry([None, box(0, 0, 1, 1)], decimals=0)
    '[[],[[[1,0,0,1,-1,0,0,-1]]]]'
    """
    scale = 10.0**decimals
    values = _as_objects(geometry)
    present = ~(shapely.is_missing(values) | shapely.is_empty(values))
    drawn = np.zeros(len(values), dtype=bool)
    rings = _rings(values, scale)
    drawn[rings.geometry[rings.kept]] = True
    dots = np.flatnonzero(present & ~drawn)
    if len(dots):  # smaller than the rounding unit: keep it visible as a dot
        envelopes = shapely.envelope(values[dots])
        values[dots] = shapely.buffer(envelopes, 0.5 / scale, quad_segs=1)
        rings = _rings(values, scale)
    deltas = np.diff(rings.vertices, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    flat = deltas.ravel().tolist()
    items: list[Any] = [[] for _ in range(len(values))]
    start = 0
    for index in np.flatnonzero(rings.kept).tolist():
        end = start + 2 * int(rings.count[index])
        polygons = items[rings.geometry[index]]
        if rings.exterior[index]:
            polygons.append([flat[start:end]])
        else:
            polygons[-1].append(flat[start:end])
        start = end
    for dot in dots:  # a dot that rounding collapses too is an empty ring
        items[dot] = items[dot] or [[[]]]
    return json.dumps(items, separators=(",", ":"))
