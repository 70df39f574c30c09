"""Polygons across the antimeridian (Chukotka, Fiji, the Aleutians), drawn and measured right.

A ring whose longitudes jump from near +180 to near -180 describes a small
region across the 180th meridian, but read literally (as shapely, Leaflet and
a projection centred elsewhere do) it spans the whole globe: a band around
the world on a map, and a wrong area. This module reads such rings as their
shortest path: an edge whose longitudes differ by more than 180 degrees goes
the short way across the antimeridian.

- :func:`unwrap` rewrites each crossing polygon with continuous longitudes
  (e.g. 178..182 for Fiji); rings that go once round a pole (Antarctica) are
  left as they are.
- :func:`longitude_extent` reads the longitude extent of a set of
  geometries, across the antimeridian when that is narrower.
- :func:`to_frame` places every polygon in one continuous range
  ``[central - 180, central + 180)``: crossing polygons are unwrapped, others
  shifted by 360 degrees where needed, and a part that still sticks out of
  the range is split at its edge. Geometries already inside are returned
  untouched.

Examples
--------
>>> from shapely.geometry import Polygon
>>> fiji = Polygon([(178, -18), (-179, -18), (-179, -16), (178, -16)])
>>> fiji.bounds[2] - fiji.bounds[0]  # read literally: 357 degrees wide
357.0
>>> unwrap(fiji).bounds
(178.0, -18.0, 181.0, -16.0)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

__all__ = ["present", "crosses", "unwrap", "longitude_extent", "central_longitude", "to_frame"]

#: Longitude ranges wider than this are global: the map is centred on Greenwich.
_GLOBAL_SPAN = 180.0
_FAR = 1e4  # beyond any longitude or latitude, for clipping boxes


def present(geometry: Any) -> np.ndarray:
    """Return which geometries are present and not empty.

    Parameters
    ----------
    geometry : GeoSeries or sequence of shapely geometries
        Any geometries.

    Returns
    -------
    numpy.ndarray of bool
        False for missing (None) and empty geometries.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> present([box(0, 0, 1, 1), None, Polygon()]).tolist()
    [True, False, False]
    """
    values = np.asarray(getattr(geometry, "values", geometry), dtype=object)
    return ~shapely.is_missing(values) & ~shapely.is_empty(values)


def _unwrapped_ring(coords: np.ndarray) -> np.ndarray | None:
    """Return the ring with continuous longitudes; None if it does not cross or circles a pole."""
    lon = coords[:, 0]
    step = np.diff(lon)
    # An edge from -180 to 180 exactly runs along a pole or the map's edge: not a crossing.
    long_edge = (np.abs(step) > 180.0) & (np.abs(step) != 360.0)
    jumps = np.where(long_edge, -np.round(step / 360.0), 0.0)
    if not jumps.any():
        return None
    turns = np.concatenate([[0.0], np.cumsum(jumps)])  # whole turns added to each vertex
    if turns[-1] != 0:  # once round a pole: already right in longitude/latitude
        return None
    out = coords.copy()
    out[:, 0] = lon + 360.0 * turns
    return out


def _unwrap_polygon(polygon: Polygon) -> Polygon:
    exterior = _unwrapped_ring(np.asarray(polygon.exterior.coords))
    if exterior is None:
        return polygon
    middle = (exterior[:, 0].min() + exterior[:, 0].max()) / 2
    holes = []
    for ring in polygon.interiors:
        coords = np.asarray(ring.coords)
        hole = _unwrapped_ring(coords)
        hole = coords.copy() if hole is None else hole
        hole[:, 0] += 360.0 * np.round((middle - hole[:, 0].mean()) / 360.0)
        holes.append(hole)
    return Polygon(exterior, holes)


def _parts(geom: Any) -> list[Polygon]:
    if geom.geom_type == "MultiPolygon":
        return list(geom.geoms)
    return [geom] if geom.geom_type == "Polygon" else []


def _join(parts: list[Polygon]) -> Any:
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def crosses(geom: Any) -> bool:
    """Whether a polygon or multipolygon has a ring crossing the antimeridian.

    Parameters
    ----------
    geom : shapely geometry or None
        In longitude/latitude degrees.

    Returns
    -------
    bool
        True when some ring has an edge more than 180 degrees of longitude
        long that closes when read the short way (rings round a pole do not count).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> crosses(Polygon([(179, 0), (-179, 0), (-179, 1), (179, 1)])), crosses(box(0, 0, 1, 1))
    (True, False)
    """
    if geom is None or geom.is_empty:
        return False
    minx, _, maxx, _ = geom.bounds
    if maxx - minx <= 180.0:
        return False
    return any(_unwrapped_ring(np.asarray(p.exterior.coords)) is not None for p in _parts(geom))


def unwrap(geom: Any) -> Any:
    """Return ``geom`` with each crossing polygon rewritten in continuous longitudes.

    Parameters
    ----------
    geom : shapely geometry or None
        Polygon or MultiPolygon in longitude/latitude degrees (anything else
        is returned unchanged).

    Returns
    -------
    shapely geometry or None
        The same geometry if nothing crosses the antimeridian; otherwise the
        crossing parts have longitudes beyond 180 (or below -180) so that
        their area and shape are right in plane coordinates.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> chukotka = Polygon([(170, 64), (-170, 64), (-170, 70), (170, 70)])
    >>> round(unwrap(chukotka).area, 6)
    120.0
    >>> unwrap(box(0, 0, 1, 1)) == box(0, 0, 1, 1)
    True
    """
    if not crosses(geom):
        return geom
    return _join([_unwrap_polygon(p) for p in _parts(geom)])


def _intervals(geometry: Any) -> np.ndarray:
    """Longitude interval ``(west, east)`` of each drawable geometry, parts of wide ones apart."""
    values = np.asarray(getattr(geometry, "values", geometry), dtype=object)
    values = values[present(values)]
    if not len(values):
        return np.empty((0, 2))
    bounds = shapely.bounds(values)
    narrow = bounds[:, 2] - bounds[:, 0] <= 180.0
    rows = [bounds[narrow][:, [0, 2]]]
    for geom in values[~narrow]:
        parts = [shapely.bounds(p) for p in _parts(unwrap(geom))]
        rows.append(np.asarray([[b[0], b[2]] for b in parts]).reshape(-1, 2))
    return np.concatenate(rows)


def _reading(intervals: np.ndarray, low: float) -> tuple[float, float]:
    """West and east when every interval is shifted so that its middle lies in [low, low+360)."""
    middle = intervals.mean(axis=1)
    shifted = intervals - 360.0 * np.floor((middle - low) / 360.0)[:, np.newaxis]
    return float(shifted[:, 0].min()), float(shifted[:, 1].max())


def longitude_extent(geometry: Any) -> tuple[float, float]:
    """Return the west and east longitude of a set of geometries, the narrower way round.

    Two readings are compared, as for bounds on a globe: geometries placed in
    [-180, 180) and in [0, 360); the narrower wins (the first on a tie).
    Crossing polygons count with their unwrapped longitudes.

    Parameters
    ----------
    geometry : GeoSeries or sequence of shapely geometries
        In longitude/latitude degrees; missing and empty ones are ignored.

    Returns
    -------
    tuple of float
        ``(west, east)`` with ``west < east``; ``east`` may exceed 180 when
        the extent crosses the antimeridian. NaN, NaN when nothing is drawable.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> longitude_extent([box(175, 0, 180, 1), box(-180, 0, -175, 1)])
    (175.0, 185.0)
    >>> longitude_extent([box(-10, 0, 10, 1)])
    (-10.0, 10.0)
    """
    intervals = _intervals(geometry)
    if not len(intervals):
        return math.nan, math.nan
    first = _reading(intervals, -180.0)
    second = _reading(intervals, 0.0)
    return first if first[1] - first[0] <= second[1] - second[0] else second


def central_longitude(geometry: Any) -> float:
    """Return the longitude a map of ``geometry`` is best centred on.

    The middle of :func:`longitude_extent`, or 0 when the extent is wider than
    180 degrees (a world map keeps Greenwich in the middle).

    Parameters
    ----------
    geometry : GeoSeries or sequence of shapely geometries
        In longitude/latitude degrees.

    Returns
    -------
    float
        A longitude, possibly beyond 180 (e.g. 180.0 for Fiji, 0.0 if nothing is drawable).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> central_longitude([box(175, 0, 180, 1), box(-180, 0, -175, 1)])
    180.0
    """
    west, east = longitude_extent(geometry)
    if not math.isfinite(west) or east - west > _GLOBAL_SPAN:
        return 0.0
    return (west + east) / 2


def _shift(geom: Any, degrees: float) -> Any:
    return shapely.transform(geom, lambda xy: xy + np.array([degrees, 0.0])) if degrees else geom


def _polygons(geom: Any) -> list[Polygon]:
    return [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and not p.is_empty]


def _fit_part(part: Polygon, west: float) -> list[Polygon]:
    """Shift a polygon so that its middle lies in [west, west+360); split what sticks out."""
    minx, _, maxx, _ = part.bounds
    part = _shift(part, -360.0 * math.floor(((minx + maxx) / 2 - west) / 360.0))
    minx, _, maxx, _ = part.bounds
    east = west + 360.0
    if minx >= west and maxx <= east:
        return [part]
    inside = _polygons(part.intersection(box(west, -_FAR, east, _FAR)))
    below = _polygons(part.intersection(box(-_FAR, -_FAR, west, _FAR)))
    above = _polygons(part.intersection(box(east, -_FAR, _FAR, _FAR)))
    return inside + [_shift(p, 360.0) for p in below] + [_shift(p, -360.0) for p in above]


def _fit(geom: Any, west: float) -> Any:
    if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        return geom
    minx, _, maxx, _ = geom.bounds
    if minx >= west and maxx <= west + 360.0 and maxx - minx <= 180.0:
        return geom
    parts = [p for part in _parts(unwrap(geom)) for p in _fit_part(part, west)]
    return _join(parts) if parts else geom


def to_frame(geometry: Any, central: float) -> Any:
    """Place every polygon in the longitude range ``[central - 180, central + 180]``.

    Parameters
    ----------
    geometry : GeoSeries
        Polygons in longitude/latitude degrees (missing and empty ones are kept).
    central : float
        Middle of the range, e.g. from :func:`central_longitude`.

    Returns
    -------
    GeoSeries
        Same index and CRS. Polygons crossing the antimeridian are unwrapped,
        polygons outside the range are shifted by 360 degrees, and parts
        sticking out of the range are split at its edge and moved to the other
        side. Geometries already inside are the same objects.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> fiji = gpd.GeoSeries([Polygon([(178, -18), (-179, -18), (-179, -16), (178, -16)]),
    ...                       box(-178, -19, -177, -18)], crs=4326)
    >>> to_frame(fiji, 180.0).total_bounds.tolist()  # continuous across 180
    [178.0, -19.0, 183.0, -16.0]
    >>> [round(g.area, 6) for g in to_frame(fiji, 0.0)]  # world view: split at +-180
    [6.0, 1.0]
    """
    west = central - 180.0
    values = np.array(geometry.values, dtype=object)
    bounds = geometry.bounds.to_numpy()
    narrow = (bounds[:, 2] - bounds[:, 0] <= 180.0) & present(values)
    turns = np.zeros(len(values))
    turns[narrow] = np.floor(((bounds[narrow, 0] + bounds[narrow, 2]) / 2 - west) / 360.0)
    fits = narrow & (bounds[:, 0] - 360.0 * turns >= west) & (
        bounds[:, 2] - 360.0 * turns <= west + 360.0)
    todo = present(values) & ~fits
    moved = fits & (turns != 0)
    if not (todo.any() or moved.any()):
        return geometry
    for turn in np.unique(turns[moved]):  # whole geometries moved by whole turns, vectorised
        group = moved & (turns == turn)
        values[group] = _shift(values[group], -360.0 * turn)
    values[todo] = [_fit(g, west) for g in values[todo]]
    return type(geometry)(values, index=geometry.index, crs=geometry.crs)
