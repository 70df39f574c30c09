"""Zonal statistics: a raster summarised per region, with exact partial-cell coverage.

The data flow is sources (open the raster) -> coverage (boundary pieces per region) ->
windows (tile by tile, in this process or as Dask tasks) -> accumulate (merge partial sums)
-> one column per statistic, aligned to the regions.
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geodisparity.errors import (
    InputError,
    OutsideRasterWarning,
    RasterError,
    format_rows,
)
from geodisparity.raster.accumulate import STATISTICS, Partials, finish
from geodisparity.raster.alignment import align_weights
from geodisparity.raster.coverage import bounds_boxes, check_polygons
from geodisparity.raster.sources import RasterSource, open_source
from geodisparity.raster.windows import make_tasks, plan_tiles, tile_size, tile_task

if TYPE_CHECKING:  # pragma: no cover
    import geopandas

__all__ = ["zonal_stats"]

DEFAULT_STATS = ("mean", "sum", "min", "max", "std", "count", "majority")
_COVERAGES = ("exact", "centre")


def _check_stats(stats: Any) -> tuple[str, ...]:
    names = (stats,) if isinstance(stats, str) else tuple(stats)
    unknown = [name for name in names if name not in STATISTICS]
    if unknown or not names:
        raise InputError(
            f"stats: {format_rows(unknown) if unknown else 'nothing'} asked for; "
            f"choose among {', '.join(STATISTICS)}"
        )
    return tuple(dict.fromkeys(names))


def _mode(coverage: str, all_touched: bool) -> str:
    if coverage not in _COVERAGES:
        raise InputError(f"coverage: {coverage!r} is not one of {', '.join(_COVERAGES)}")
    if not isinstance(all_touched, bool | np.bool_):
        raise InputError(f"all_touched: expected True or False, got {all_touched!r}")
    if all_touched and coverage == "centre":
        raise InputError("all_touched=True counts every touched cell in full, which "
                         "contradicts coverage='centre'; give one or the other")
    return "all_touched" if all_touched else coverage


def _is_file(raster: Any) -> bool:
    return isinstance(raster, str | os.PathLike | RasterSource)


def _region_geoms(regions: Any, crs: Any) -> np.ndarray:
    from geodisparity.crs import geometry_with_crs

    series = geometry_with_crs(regions, argument="regions")
    if not series.crs.equals(crs):
        series = series.to_crs(crs)
    return np.asarray(series.values, dtype=object)


def _check_overlap(boxes: np.ndarray, geoms: np.ndarray, index: pd.Index,
                   source: RasterSource) -> None:
    import shapely

    outside = (boxes[:, 0] >= boxes[:, 1]) & ~shapely.is_empty(geoms) & ~shapely.is_missing(
        geoms)
    if outside.all() and len(geoms):
        t = source.transform
        left, top = t.c, t.f
        right, bottom = t.c + source.shape[1] * t.a, t.f + source.shape[0] * t.e
        extent = shapely.total_bounds(geoms)
        raise RasterError(
            f"raster: {source.label} (extent {min(left, right):g}, {min(top, bottom):g}, "
            f"{max(left, right):g}, {max(top, bottom):g} in its CRS) does not overlap any of "
            f"the {len(geoms)} regions (extent {', '.join(f'{v:g}' for v in extent)} in the "
            "raster's CRS); check the raster, the regions and their CRS"
        )
    if outside.any():
        warnings.warn(
            f"{int(outside.sum())} regions lie wholly outside the raster {source.label}; "
            f"their statistics are NaN: {format_rows(index[outside])}",
            OutsideRasterWarning, stacklevel=3,
        )


def zonal_stats(
    regions: geopandas.GeoDataFrame | geopandas.GeoSeries,
    raster: Any,
    *,
    stats: str | tuple[str, ...] | list[str] = DEFAULT_STATS,
    band: int = 1,
    weights: Any = None,
    all_touched: bool = False,
    coverage: str = "exact",
    transform: Any = None,
    crs: Any = None,
    nodata: float | None = None,
    weights_band: int = 1,
    resample_weights: str | None = None,
    tile: int | tuple[int, int] | None = None,
    dask: bool = False,
    client: Any = None,
) -> pd.DataFrame:
    """Summarise a raster over each region, counting partial cells by their covered fraction.

    Each cell enters a region's statistics with its coverage fraction ``c``: the exact
    share of the cell's area inside the polygon, as computed by exactextract (Baston,
    2022), so that small regions and edges are neither dropped nor double-counted. With
    ``weights=`` (e.g. gridded population) a cell's weight is ``e = c * w``, giving
    population-weighted means: the elevation or light intensity residents experience.

    Statistics (``v`` a valid cell value, ``e = c`` or ``c * w``):

    - ``mean``: ``sum(e v) / sum(e)``; ``sum``: ``sum(e v)``;
    - ``count``: ``sum(c)``, the number of valid cells covered (fractions add up);
    - ``weight``: ``sum(e)`` (with weights: e.g. the residents on valid cells);
    - ``std``, ``variance``: the ``e``-weighted population variance
      ``sum(e (v - mean)^2) / sum(e)`` and its square root;
    - ``min``, ``max``, ``range``: over valid cells with ``c > 0``;
    - ``majority``: the value with the largest ``sum(e)`` (the largest value on a tie).

    Missing cells (the file's nodata, a netCDF ``_FillValue``, the dataset mask, NaN, and
    with weights a missing weight) are left out. A region with no valid covered cell gets
    NaN (and ``count`` 0).

    Parameters
    ----------
    regions : geopandas.GeoDataFrame or geopandas.GeoSeries
        Polygons with a CRS; they are reprojected to the raster's CRS (the raster is never
        resampled).
    raster : str, os.PathLike or numpy.ndarray
        Any file GDAL reads (GeoTIFF, netCDF, VRT...), read window by window, or an array
        (2-D, or bands x rows x cols) with ``transform`` and ``crs``.
    stats : str or sequence of str
        Statistics, in the order of the columns: any of ``mean``, ``sum``, ``count``,
        ``weight``, ``min``, ``max``, ``range``, ``std``, ``variance``, ``majority``.
    band : int, default 1
        Band of ``raster`` (1-based).
    weights : str, os.PathLike or numpy.ndarray, optional
        A weights raster (e.g. residents per cell) on the same grid as ``raster``, or on
        any grid with ``resample_weights``. An array is taken to be on the values' grid;
        for an array on another grid, pass
        ``geodisparity.raster.sources.open_source(array, transform=..., crs=...)``.
    all_touched : bool, default False
        Count every cell the region touches in full (``c = 1``), like rasterio's
        ``all_touched``; not exact.
    coverage : {"exact", "centre"}, default "exact"
        ``"centre"``: a cell counts in full when its centre lies in the region (GDAL's
        rasterisation, rasterstats' default); not exact.
    transform : affine.Affine, optional
        Cell-to-map transform of an array raster (north-up).
    crs : optional
        CRS of an array raster, or of a file that has none (e.g. ``"EPSG:4326"``).
    nodata : float, optional
        Missing-value marker, overriding the file's.
    weights_band : int, default 1
        Band of ``weights``.
    resample_weights : str, optional
        rasterio resampling method (e.g. ``"average"``, ``"bilinear"``) that puts weights
        on another grid onto the values' grid; without it, different grids are an error.
    tile : int or (int, int), optional
        Rows and columns per window. Default: the whole raster up to 2**24 cells, else
        4096-cell tiles aligned to the file's blocks; memory stays bounded by the tile.
    dask : bool, default False
        Process the tiles as Dask tasks: on local threads, or on the active
        ``dask.distributed`` client if there is one. Needs ``geodisparity[dask]``.
    client : distributed.Client, optional
        Run the tasks on this cluster (implies ``dask=True``). Files must be readable at
        the same path from the workers.

    Returns
    -------
    pandas.DataFrame
        One row per region (the regions' index), one column per statistic. ``attrs``
        records ``coverage``, ``weights`` (``None``, ``"aligned (same grid)"`` or the
        resampling), ``raster``, ``band``, ``crs`` and ``tiles``.

    Raises
    ------
    CRSError
        If the regions or the raster have no CRS (give ``crs=`` for the raster).
    RasterError
        If the raster does not overlap any region.
    InputError
        For an unknown statistic, mismatched weights grids, or contradictory options.

    Warns
    -----
    OutsideRasterWarning
        When some (not all) regions lie wholly outside the raster.

    See Also
    --------
    geodisparity.raster.coverage : how the fractions are computed.

    References
    ----------
    Baston, D. (2022). exactextract: fast and accurate raster zonal statistics.
    https://github.com/isciences/exactextract

    Examples
    --------
    A 4 x 4 raster of 1 km cells and two regions, one of them half over a nodata cell:

    >>> import numpy as np, geopandas as gpd, shapely
    >>> from affine import Affine
    >>> values = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, -1], [13, 14, 15, 16.]])
    >>> grid = dict(transform=Affine(1000, 0, 0, 0, -1000, 4000), crs="EPSG:3857")
    >>> regions = gpd.GeoSeries([shapely.box(0, 3000, 2000, 4000),    # cells 1 and 2
    ...                          shapely.box(2500, 1000, 4000, 2000)],  # half 11, then -1
    ...                         index=["north", "east"], crs="EPSG:3857")
    >>> zonal_stats(regions, values, stats=("mean", "count", "sum"), nodata=-1, **grid)
           mean  count  sum
    north   1.5    2.0  3.0
    east   11.0    0.5  5.5

    Population weighting: the mean value where people live.

    >>> people = np.zeros((4, 4)); people[0, 1] = 30.0; people[0, 0] = 10.0
    >>> zonal_stats(regions, values, stats="mean", weights=people, nodata=-1,
    ...             **grid).loc["north", "mean"]
    np.float64(1.75)
    """
    names = _check_stats(stats)
    mode = _mode(coverage, all_touched)
    source = open_source(raster, band=band, transform=transform, crs=crs, nodata=nodata)
    aligned = None
    if weights is not None:
        on_values_grid = {} if _is_file(weights) else {"transform": source.transform,
                                                       "crs": source.crs}
        weights_source = open_source(weights, band=weights_band, name="weights",
                                     **on_values_grid)
        aligned = align_weights(weights_source, source, resampling=resample_weights)
    geoms = _region_geoms(regions, source.crs)
    index = regions.index
    check_polygons(geoms)
    boxes = bounds_boxes(geoms, source.transform, source.shape)
    _check_overlap(boxes, geoms, index, source)
    use_dask = bool(dask) or client is not None
    tiles = plan_tiles(source.shape, tile_size(tile, source, tiled=use_dask))
    tasks = make_tasks(tiles, geoms, boxes, transform=source.transform, shape=source.shape,
                       source=source, weights=aligned, cut=use_dask)
    histogram = "majority" in names
    if use_dask:
        from geodisparity.raster.dask_tasks import run_tasks

        results = run_tasks(tasks, mode=mode, histogram=histogram, client=client)
    else:
        results = (tile_task(task, mode=mode, histogram=histogram) for task in tasks)
    total = Partials.empty(len(geoms), histogram=histogram)
    for task, part in zip(tasks, results, strict=True):
        total.merge_at(task.regions, part)
    frame = pd.DataFrame(finish(total, names), index=index)
    frame.attrs.update({
        "coverage": mode, "weights": None if aligned is None else aligned.describe(),
        "raster": source.label, "band": band, "crs": source.crs.to_string(),
        "tiles": len(tiles),
    })
    return frame
