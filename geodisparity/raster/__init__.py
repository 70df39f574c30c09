"""Rasters summarised per region: exact zonal statistics, weighting, tiles and Dask.

Modules, in the order data flows through them:

- :mod:`~geodisparity.raster.sources`: open a path or an array; CRS; missing cells;
- :mod:`~geodisparity.raster.alignment`: a weights raster on the values' grid;
- :mod:`~geodisparity.raster.coverage`: exact covered fractions of cells;
- :mod:`~geodisparity.raster.windows`: tile-by-tile reduction (larger than memory);
- :mod:`~geodisparity.raster.dask_tasks`: tiles as Dask tasks;
- :mod:`~geodisparity.raster.accumulate`: partial sums that merge exactly across tiles;
- :mod:`~geodisparity.raster.zonal`: :func:`~geodisparity.raster.zonal.zonal_stats`.
"""
