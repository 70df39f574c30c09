"""Rasters summarised per region: exact zonal statistics, weighting, tiles and Dask.

Modules, in the order data flows through them:

- ``sources``: open a path or an array; its CRS; missing cells (nodata, fill value, NaN);
- ``alignment``: a weights raster on the values' grid, or resampled on request;
- ``coverage``: exact covered fractions of cells, from the boundaries alone;
- ``windows``: tile-by-tile reduction, for rasters larger than memory;
- ``dask_tasks``: the tiles as Dask tasks (threads or a distributed cluster);
- ``accumulate``: per-region partial sums that merge exactly across tiles;
- ``zonal``: ``zonal_stats``, exported as ``geodisparity.zonal_stats``.
"""
