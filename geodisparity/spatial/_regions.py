"""Validate the regions a weights builder receives, and project them to metres.

Every builder (contiguity, k nearest neighbours, distance band, kernel) takes
a GeoDataFrame or GeoSeries of regions. This module is the one place that
checks them (no rows, duplicate index, wrong geometry type, missing CRS) and
that finds a projected CRS in metres when a distance is given in metres.

A row whose geometry is missing or empty (a tiny county lost when a file was
simplified) is kept: it has no location, so every builder makes it an island
(:func:`located_rows` tells which rows have one), and the islands policy
cannot link it to a nearest region.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from geodisparity.errors import (
    CRSError,
    DuplicateKeyError,
    EmptyDataError,
    GeometryError,
    InputError,
    format_rows,
)

__all__ = ["as_geoseries", "check_polygons", "located_rows", "to_metres", "metric_crs_for"]

POLYGON_IDS = (3, 6)  # shapely type ids of Polygon and MultiPolygon


def as_geoseries(regions: Any, *, name: str = "regions") -> Any:
    """Return ``regions`` as a GeoSeries after checking rows, index and geometries.

    Parameters
    ----------
    regions : GeoDataFrame or GeoSeries
        The regions; the index gives the region ids.
    name : str
        Argument name for messages.

    Returns
    -------
    geopandas.GeoSeries
    """
    import geopandas as gpd

    if isinstance(regions, gpd.GeoDataFrame):
        try:
            series = regions.geometry
        except AttributeError as exc:  # no active geometry column
            raise InputError(
                f"{name} is a GeoDataFrame without an active geometry column; "
                "set one with set_geometry(...)"
            ) from exc
    elif isinstance(regions, gpd.GeoSeries):
        series = regions
    else:
        raise InputError(
            f"{name} must be a GeoDataFrame or GeoSeries; got {type(regions).__name__}"
        )
    if len(series) == 0:
        raise EmptyDataError(f"{name} has no rows; spatial weights need at least one region")
    duplicated = series.index[series.index.duplicated()]
    if len(duplicated):
        raise DuplicateKeyError(
            f"{name} has a duplicate index; each region needs a unique id. "
            f"Repeated ids: {format_rows(pd.unique(duplicated))}"
        )
    return series


def located_rows(series: Any, *, name: str = "regions") -> np.ndarray:
    """Return a boolean mask of the rows whose geometry is present and not empty.

    Raises :class:`GeometryError` when no row has one.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Polygon, box
    >>> located_rows(gpd.GeoSeries([box(0, 0, 1, 1), None, Polygon()])).tolist()
    [True, False, False]
    """
    import shapely

    located = ~shapely.is_missing(series.values) & ~shapely.is_empty(series.values)
    located = np.asarray(located, dtype=bool)
    if not located.any():
        raise GeometryError(
            f"every row of {name} has a missing or empty geometry "
            f"({format_rows(series.index)}); spatial weights need located regions"
        )
    return located


def check_polygons(series: Any, *, name: str = "regions") -> None:
    """Raise :class:`GeometryError` naming the rows that are not (multi)polygons (nor empty)."""
    import shapely

    types = shapely.get_type_id(np.asarray(series.values, dtype=object))
    bad = ~np.isin(types, POLYGON_IDS) & (types != -1)  # -1: missing
    if bad.any():
        bad &= ~np.asarray(shapely.is_empty(np.asarray(series.values, dtype=object)))
    if bad.any():
        found = ", ".join(sorted(set(series[bad].geom_type.tolist())))
        raise GeometryError(
            f"{int(bad.sum())} rows of {name} are not polygons ({found}); contiguity needs "
            f"Polygon or MultiPolygon geometries: {format_rows(series.index[bad])}"
        )


def metric_crs_for(series: Any, *, purpose: str) -> Any:
    """Return a projected CRS in metres suited to ``series``.

    A projected CRS whose unit is the metre is kept; longitude/latitude gets
    :func:`geodisparity.crs.metric_crs` (UTM, or azimuthal equidistant for
    large extents).
    """
    crs = series.crs
    if crs is None:
        raise CRSError(
            f"{purpose} is given in metres, but the regions have no CRS; set one with "
            "regions.set_crs(...) (for longitude/latitude: 'EPSG:4326')"
        )
    if crs.is_projected:
        unit = crs.axis_info[0].unit_conversion_factor if crs.axis_info else None
        if unit != 1.0:
            raise CRSError(
                f"{purpose} is given in metres, but the regions' CRS ({crs.name}) is not in "
                "metres; reproject them with regions.to_crs(...) to a metric CRS"
            )
        return crs
    from geodisparity.crs import metric_crs

    return metric_crs(series)


def to_metres(series: Any, *, purpose: str) -> Any:
    """Return ``series`` in a projected CRS whose unit is the metre."""
    target = metric_crs_for(series, purpose=purpose)
    if series.crs.is_projected and target is series.crs:
        return series
    return series.to_crs(target)
