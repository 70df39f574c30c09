"""Projections fitted to the data: equal-area for areas, metric for distances.

Areas and distances computed on longitude/latitude degrees are wrong; a
projection chosen for the data's extent makes them accurate to a fraction of
a percent. :func:`equal_area_crs` fits an Albers equal-area conic to the
extent, :func:`metric_crs` picks a UTM zone (or an azimuthal equidistant
projection centred on the data for large extents) and :func:`area_km2`
measures polygons with the former.

Inputs are a GeoDataFrame or GeoSeries in any CRS (reprojected to longitude
and latitude to read the extent), or bounds ``(west, south, east, north)`` in
degrees of WGS 84. The fitted CRS keeps the geodetic datum of the input, so
no datum shift is introduced.

Examples
--------
>>> from geodisparity.crs import equal_area_crs, metric_crs
>>> equal_area_crs((118.0, 27.0, 123.0, 31.2)).coordinate_operation.method_name
'Albers Equal Area'
>>> metric_crs((118.0, 27.0, 123.0, 31.2)).to_epsg()
32651
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pyproj import CRS, Transformer
from pyproj.crs import CoordinateOperation, ProjectedCRS
from pyproj.crs.coordinate_operation import (
    AlbersEqualAreaConversion,
    LambertAzimuthalEqualAreaConversion,
    UTMConversion,
)

from geodisparity.antimeridian import longitude_extent, present, to_frame
from geodisparity.errors import CRSError, EmptyDataError, InputError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas

__all__ = ["equal_area_crs", "metric_crs", "area_km2", "to_equal_area"]

_WGS84 = CRS.from_epsg(4326)
# Extents wider than this (degrees) get a world projection rather than a fitted one.
_GLOBAL_LON_SPAN = 180.0
_GLOBAL_LAT_SPAN = 90.0
# UTM is used when its worst scale error over the extent stays below this.
_UTM_MAX_SCALE_ERROR = 0.005
_UTM_MAX_LAT_SPAN = 10.0

Regions = Any  # GeoDataFrame | GeoSeries | Sequence[float]; Any keeps geopandas unimported


@dataclass(frozen=True)
class _Extent:
    """A longitude/latitude extent; ``west > east`` when it crosses the antimeridian."""

    west: float
    south: float
    east: float
    north: float
    geodetic: CRS

    @property
    def lon_span(self) -> float:
        span = self.east - self.west
        return span if span >= 0 else span + 360.0

    @property
    def lat_span(self) -> float:
        return self.north - self.south

    @property
    def lon_centre(self) -> float:
        return _wrap(self.west + self.lon_span / 2)

    @property
    def lat_centre(self) -> float:
        return (self.south + self.north) / 2

    def label(self) -> str:
        return (f"{self.west:.2f}..{self.east:.2f} lon, {self.south:.2f}..{self.north:.2f} lat")


def _wrap(lon: float) -> float:
    """Longitude wrapped into [-180, 180)."""
    return (lon + 180.0) % 360.0 - 180.0


def equal_area_crs(regions_or_bounds: Regions) -> CRS:
    """Fit an equal-area projection to the extent of the data.

    An Albers equal-area conic with standard parallels at 1/6 and 5/6 of the
    latitude range and the central meridian at the centre of the longitude
    range (antimeridian-aware). Extents that straddle the equator get a
    Lambert azimuthal equal-area projection centred on the data, and global
    extents (more than 180 degrees of longitude or 90 of latitude) Equal Earth.

    Parameters
    ----------
    regions_or_bounds : GeoDataFrame, GeoSeries or sequence of 4 floats
        Data with a CRS, or bounds ``(west, south, east, north)`` in degrees
        of WGS 84 (``west > east`` for an extent crossing the antimeridian).

    Returns
    -------
    pyproj.CRS
        A projected CRS in metres on the input's geodetic datum.

    Raises
    ------
    CRSError
        If a GeoDataFrame or GeoSeries has no CRS.
    EmptyDataError
        If the data have no geometries.
    InputError
        If the bounds are not 4 finite numbers within longitude/latitude limits.

    Examples
    --------
    >>> crs = equal_area_crs((118.0, 27.0, 123.0, 31.0))
    >>> crs.coordinate_operation.method_name
    'Albers Equal Area'
    >>> [round(p.value, 3) for p in crs.coordinate_operation.params[:4]]
    [29.0, 120.5, 27.667, 30.333]
    >>> equal_area_crs((-180, -90, 180, 90)).name
    'Equal Earth'
    >>> fiji = equal_area_crs((170.0, -20.0, -170.0, -10.0))  # across the antimeridian
    >>> fiji.coordinate_operation.params[1].value
    -180.0
    """
    return _equal_area(_extent(regions_or_bounds, argument="regions_or_bounds"))


def _equal_area(extent: _Extent) -> CRS:
    """Return the equal-area projection fitted to ``extent`` (see :func:`equal_area_crs`)."""
    if extent.lon_span > _GLOBAL_LON_SPAN or extent.lat_span > _GLOBAL_LAT_SPAN:
        conversion = CoordinateOperation.from_string(f"+proj=eqearth +lon_0={extent.lon_centre}")
        return ProjectedCRS(conversion, name="Equal Earth", geodetic_crs=extent.geodetic)
    if extent.south < 0.0 < extent.north:
        conversion = LambertAzimuthalEqualAreaConversion(extent.lat_centre, extent.lon_centre)
        name = f"Lambert azimuthal equal-area centred on {extent.label()}"
        return ProjectedCRS(conversion, name=name, geodetic_crs=extent.geodetic)
    conversion = AlbersEqualAreaConversion(
        latitude_first_parallel=extent.south + extent.lat_span / 6,
        latitude_second_parallel=extent.north - extent.lat_span / 6,
        latitude_false_origin=extent.lat_centre,
        longitude_false_origin=extent.lon_centre,
    )
    name = f"Albers equal-area fitted to {extent.label()}"
    return ProjectedCRS(conversion, name=name, geodetic_crs=extent.geodetic)


def metric_crs(regions_or_bounds: Regions) -> CRS:
    """Choose a projection for distances in metres, suited to the extent of the data.

    The UTM zone of the centre when UTM's scale error stays below 0.5% over
    the whole extent (at most 10 degrees of latitude, within 80S..84N);
    otherwise an azimuthal equidistant projection centred on the data, whose
    distances from the centre are exact.

    Parameters
    ----------
    regions_or_bounds : GeoDataFrame, GeoSeries or sequence of 4 floats
        Data with a CRS, or bounds ``(west, south, east, north)`` in degrees
        of WGS 84.

    Returns
    -------
    pyproj.CRS
        A projected CRS in metres on the input's geodetic datum (EPSG:326xx or
        EPSG:327xx for UTM on WGS 84).

    Raises
    ------
    CRSError
        If a GeoDataFrame or GeoSeries has no CRS.
    EmptyDataError
        If the data have no geometries.
    InputError
        If the bounds are not 4 finite numbers within longitude/latitude limits.

    Examples
    --------
    >>> metric_crs((120.0, 30.0, 120.5, 30.5)).to_epsg()  # Hangzhou: UTM 51N
    32651
    >>> metric_crs((-70.0, -34.0, -69.0, -33.0)).to_epsg()  # Santiago: UTM 19S
    32719
    >>> metric_crs((73.0, 18.0, 135.0, 53.0)).name  # all of China
    'Azimuthal equidistant centred on 73.00..135.00 lon, 18.00..53.00 lat'
    >>> metric_crs((10.0, 50.0, 10.0, 50.0)).to_epsg()  # a single point
    32632
    """
    extent = _extent(regions_or_bounds, argument="regions_or_bounds")
    zone = int((extent.lon_centre + 180.0) // 6) % 60 + 1
    if _utm_fits(extent, zone):
        south = extent.lat_centre < 0
        if extent.geodetic.equals(_WGS84, ignore_axis_order=True):
            return CRS.from_epsg((32700 if south else 32600) + zone)
        conversion = UTMConversion(zone, hemisphere="S" if south else "N")
        return ProjectedCRS(conversion, name=f"UTM zone {zone}{'S' if south else 'N'}",
                            geodetic_crs=extent.geodetic)
    conversion = CoordinateOperation.from_string(
        f"+proj=aeqd +lat_0={extent.lat_centre} +lon_0={extent.lon_centre}"
    )
    name = f"Azimuthal equidistant centred on {extent.label()}"
    return ProjectedCRS(conversion, name=name, geodetic_crs=extent.geodetic)


def _utm_fits(extent: _Extent, zone: int) -> bool:
    """Whether UTM ``zone`` keeps its scale error below the limit over the extent."""
    if extent.lat_span > _UTM_MAX_LAT_SPAN or extent.south < -80.0 or extent.north > 84.0:
        return False
    central = -183.0 + 6.0 * zone
    offsets = [abs(_wrap(lon - central)) for lon in (extent.west, extent.east)]
    if extent.lon_span >= 180.0 or max(offsets) >= 90.0:
        return False
    # Transverse Mercator scale k = k0 / sqrt(1 - (cos(lat) sin(dlon))^2): worst at the
    # latitude nearest the equator and the longitude farthest from the central meridian.
    lat = 0.0 if extent.south <= 0.0 <= extent.north else min(abs(extent.south),
                                                              abs(extent.north))
    b = math.cos(math.radians(lat)) * math.sin(math.radians(max(offsets)))
    k = 0.9996 / math.sqrt(1.0 - b * b)
    return max(abs(k - 1.0), abs(0.9996 - 1.0)) < _UTM_MAX_SCALE_ERROR


def area_km2(regions: Regions) -> pd.Series:
    """Area of each geometry in km2, measured in :func:`equal_area_crs` of the data.

    Parameters
    ----------
    regions : GeoDataFrame or GeoSeries
        Polygons with a CRS (any CRS: geographic or projected).

    Returns
    -------
    pandas.Series
        Float areas named ``"area_km2"``, aligned to ``regions.index``; 0 for
        points and lines, NaN for missing geometries, empty for empty input.

    Raises
    ------
    CRSError
        If ``regions`` has no CRS.
    InputError
        If ``regions`` is not a GeoDataFrame or GeoSeries.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> cells = gpd.GeoSeries([box(0, 0, 1, 1), box(0, 60, 1, 61)], crs="EPSG:4326")
    >>> area_km2(cells.segmentize(0.01)).round(1).tolist()  # 1 x 1 degree cells, WGS 84
    [12308.5, 6123.1]
    >>> sphere = cells.set_crs("+proj=longlat +R=6371000", allow_override=True)
    >>> area_km2(sphere.iloc[:1].segmentize(0.01)).round(0).tolist()  # on a sphere
    [12364.0]
    >>> area_km2(cells.iloc[:0]).tolist()
    []
    """
    geometry = geometry_with_crs(regions, argument="regions")
    if len(geometry) == 0 or geometry.notna().sum() == 0:
        return pd.Series(np.full(len(geometry), np.nan), index=geometry.index,
                         name="area_km2", dtype=float)
    projected = to_equal_area(geometry)
    return pd.Series(projected.area.to_numpy() / 1e6, index=geometry.index, name="area_km2")


def to_equal_area(regions: Regions) -> geopandas.GeoSeries:
    """Project geometries into :func:`equal_area_crs` of their extent, antimeridian-safe.

    Longitude/latitude polygons are first placed in one continuous longitude
    range centred on the projection's central meridian
    (:func:`geodisparity.antimeridian.to_frame`), so a polygon crossing the
    antimeridian keeps its shape and area instead of becoming a band round
    the globe.

    Parameters
    ----------
    regions : GeoDataFrame or GeoSeries
        Geometries with a CRS.

    Returns
    -------
    GeoSeries
        Same index, in the fitted equal-area CRS (metres).

    Raises
    ------
    CRSError
        If ``regions`` has no CRS.
    EmptyDataError
        If there is no geometry at all.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Polygon
    >>> fiji = gpd.GeoSeries([Polygon([(178, -18), (-179, -18), (-179, -16), (178, -16)])],
    ...                      crs=4326)
    >>> from pyproj import Geod
    >>> geodesic = abs(Geod(ellps="WGS84").geometry_area_perimeter(fiji.iloc[0])[0])
    >>> round(float(to_equal_area(fiji).area.iloc[0]) / geodesic, 3)  # not a band round the globe
    1.0
    """
    geometry = geometry_with_crs(regions, argument="regions")
    extent = _extent(geometry, argument="regions")
    if geometry.crs.is_geographic:
        geometry = to_frame(geometry, extent.west + extent.lon_span / 2)
    if geometry.crs is not _WGS84 and geometry.crs == _WGS84:
        geometry = geometry.set_crs(_WGS84, allow_override=True)  # see _catalogued
    return geometry.to_crs(_equal_area(extent))


def geometry_with_crs(regions: Any, *, argument: str) -> geopandas.GeoSeries:
    """Return the GeoSeries of a GeoDataFrame or GeoSeries, with its CRS checked."""
    import geopandas

    if isinstance(regions, geopandas.GeoDataFrame):
        geometry = regions.geometry
    elif isinstance(regions, geopandas.GeoSeries):
        geometry = regions
    else:
        raise InputError(
            f"{argument} must be a GeoDataFrame or GeoSeries, got {type(regions).__name__}"
        )
    if geometry.crs is None:
        raise CRSError(
            f"{argument} has no CRS; set one first, e.g. "
            f"{argument}.set_crs('EPSG:4326') for longitude/latitude degrees"
        )
    return geometry


def _extent(regions_or_bounds: Any, *, argument: str) -> _Extent:
    """Longitude/latitude extent and geodetic CRS of data or of WGS 84 bounds."""
    if isinstance(regions_or_bounds, Sequence | np.ndarray) and not isinstance(
        regions_or_bounds, str
    ):
        return _extent_of_bounds(regions_or_bounds, argument=argument)
    geometry = geometry_with_crs(regions_or_bounds, argument=argument)
    geometry = geometry[present(geometry)]
    if len(geometry) == 0:
        raise EmptyDataError(f"{argument} has no geometries: cannot read an extent")
    crs = geometry.crs
    geodetic = _catalogued(crs.geodetic_crs or _WGS84)
    if crs.is_geographic:
        west, south, east, north = _geographic_bounds(geometry)
    else:
        transformer = Transformer.from_crs(crs, geodetic, always_xy=True)
        west, south, east, north = transformer.transform_bounds(
            *geometry.total_bounds, densify_pts=21
        )
    return _Extent(float(west), float(south), float(east), float(north), geodetic)


def _catalogued(crs: CRS) -> CRS:
    """Return EPSG:4326 from PROJ's database for a CRS equivalent to it, else ``crs``.

    A CRS read from a file (PROJJSON, WKT) is not tied to the database: a
    projection built on it takes about 0.02 s and a transformer from it 0.05 s
    of lookups, each time, against 1 and 5 ms for the catalogued one; the
    coordinates are the same.
    """
    return _WGS84 if crs == _WGS84 else crs


def _geographic_bounds(geometry: geopandas.GeoSeries) -> tuple[float, float, float, float]:
    """Bounds in degrees, across the antimeridian (``west > east``) when that is narrower.

    Polygons that cross the antimeridian count with their true, narrow extent
    (see :mod:`geodisparity.antimeridian`), not as bands round the globe.
    """
    west, east = longitude_extent(geometry)
    _, south, _, north = geometry.total_bounds
    if east - west >= 360.0:
        return -180.0, south, 180.0, north
    return _wrap(west), south, (_wrap(east) if east != 180.0 else 180.0), north


def _extent_of_bounds(bounds: Any, *, argument: str) -> _Extent:
    try:
        values = np.asarray(bounds, dtype=float)
    except (TypeError, ValueError):
        values = None
    if values is None or values.shape != (4,) or not np.isfinite(values).all():
        raise InputError(
            f"{argument} must be a GeoDataFrame, a GeoSeries or 4 finite numbers "
            f"(west, south, east, north) in degrees; got {bounds!r}"
        )
    west, south, east, north = (float(v) for v in values)
    if not (-180.0 <= west <= 180.0 and -180.0 <= east <= 180.0):
        raise InputError(f"{argument}: longitudes must lie in [-180, 180]; got {bounds!r}")
    if not (-90.0 <= south <= north <= 90.0):
        raise InputError(
            f"{argument}: latitudes must satisfy -90 <= south <= north <= 90; got {bounds!r}"
        )
    if west == -180.0 and east == 180.0:
        west, east = -180.0, 180.0  # whole globe, not an empty antimeridian crossing
    return _Extent(west, south, east, north, _WGS84)
