"""The boundaries a run's maps draw, simplified while the statistics are computed.

Every map of a run (the atlas and the report's static maps) draws the regions
of the analysis year simplified as the atlas would: simplifying the whole
coverage is the largest single computation of a run on detailed boundaries
(0.2 s for Zhejiang's 124,526 vertices). It depends on the boundaries alone,
and GEOS releases the GIL while it works, so :func:`start` hands it to a
worker thread as soon as the regions are known and :meth:`PendingGeometry.result`
collects it when the maps are drawn. The result is the same as simplifying
then; only the waiting is shorter.

Examples
--------
>>> import geopandas as gpd
>>> from concurrent.futures import ThreadPoolExecutor
>>> from shapely import box
>>> regions = gpd.GeoDataFrame({"geometry": [box(0, 0, 1, 1), box(1, 0, 2, 1)]},
...                            crs="EPSG:4326")
>>> with ThreadPoolExecutor(1) as pool:
...     simple, decimals = start(regions, pool).result(regions)
>>> import shapely
>>> decimals, shapely.area(simple.values).round(6).tolist()
(4, [1.0, 1.0])
"""

from __future__ import annotations

from concurrent.futures import Executor, Future
from typing import Any

import geopandas as gpd
import numpy as np

__all__ = ["PendingGeometry", "simplified_for_maps", "start"]


def simplified_for_maps(regions: Any) -> tuple[gpd.GeoSeries, int]:
    """Return the regions' boundaries simplified as the atlas would, and their decimals.

    The report's static maps simplify these further, to a pixel; simplifying
    the full boundaries twice costs a quarter of a second on the demo. The
    coordinates stay unrounded (a valid coverage); the atlas rounds them.
    """
    from geodisparity.maps.simplify import (
        auto_tolerance,
        coordinate_decimals,
        drawable,
        simplify_coverage,
        to_web_geometry,
    )

    web = to_web_geometry(regions)
    tolerance = auto_tolerance(web[drawable(web)])
    decimals = coordinate_decimals(tolerance)
    return simplify_coverage(web, tolerance=tolerance, rounded=False), decimals


class PendingGeometry:
    """Boundaries being simplified by a worker thread (see :func:`start`)."""

    def __init__(self, source: gpd.GeoSeries, future: Future) -> None:
        self._source = source
        self._future = future

    def result(self, regions: Any) -> tuple[gpd.GeoSeries, int]:
        """Return :func:`simplified_for_maps` of ``regions``, from the worker if it had them.

        Regions whose geometries are not those handed to the worker (the same
        objects, in the same rows) are simplified here instead. An error of
        the worker (a geometry that is not a polygon) is raised here.
        """
        simplified = self._future.result()
        if _same_geometries(self._source, regions.geometry):
            return simplified
        return simplified_for_maps(regions)


def start(regions: Any, pool: Executor) -> PendingGeometry:
    """Start simplifying ``regions`` (a GeoDataFrame) for the maps in ``pool``.

    The worker gets its own GeoSeries (the geometry objects are immutable and
    shared; the frame is not), so the main thread may go on using ``regions``.
    """
    source = regions.geometry.copy()  # read by both threads, changed by neither
    return PendingGeometry(source, pool.submit(simplified_for_maps, source))


def _same_geometries(source: gpd.GeoSeries, geometry: gpd.GeoSeries) -> bool:
    """Tell whether ``geometry`` holds the very objects of ``source``, row for row, same CRS."""
    if len(source) != len(geometry) or not source.index.equals(geometry.index):
        return False
    if source.crs != geometry.crs:
        return False
    before = np.asarray(source.values, dtype=object)
    after = np.asarray(geometry.values, dtype=object)
    return all(a is b for a, b in zip(before, after, strict=True))
