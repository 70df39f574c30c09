"""Hand-made rasters and polygons for the zonal statistics tests."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import rasterio
import shapely
from affine import Affine

CELL = 1000.0
CRS = "EPSG:3857"


def grid(height: int, *, cell: float = CELL, x0: float = 0.0, y0: float = 0.0) -> Affine:
    """North-up transform whose lower-left corner is (x0, y0)."""
    return Affine(cell, 0, x0, 0, -cell, y0 + height * cell)


def write_tif(path, values, transform, *, crs=CRS, nodata=None, tiled=False):
    """Write a one-band GeoTIFF (float64 unless the array says otherwise)."""
    profile = dict(driver="GTiff", width=values.shape[1], height=values.shape[0], count=1,
                   dtype=values.dtype, transform=transform, crs=crs, nodata=nodata)
    if tiled:
        profile.update(tiled=True, blockxsize=16, blockysize=16, compress="deflate")
    with rasterio.open(path, "w", **profile) as dataset:
        dataset.write(values, 1)
    return path


def blobs(n: int, *, seed: int, extent: tuple[float, float], scale: float = CELL):
    """``n`` random polygons: discs with holes, and two-part multipolygons."""
    rng = np.random.default_rng(seed)
    width, height = extent
    shapes = []
    for k in range(n):
        x, y = rng.uniform(0.15, 0.85) * width, rng.uniform(0.15, 0.85) * height
        radius = rng.uniform(0.6, 4.0) * scale
        disc = shapely.Point(x, y).buffer(radius, quad_segs=int(rng.integers(2, 12)))
        if k % 3 == 1:
            disc = disc.difference(shapely.Point(x + 0.1 * radius, y).buffer(0.4 * radius))
        elif k % 3 == 2:
            other = shapely.box(x + 1.3 * radius, y - 0.3 * radius, x + 2.1 * radius, y + radius)
            disc = shapely.MultiPolygon([disc, other])
        shapes.append(disc)
    return gpd.GeoDataFrame({"name": [f"r{k}" for k in range(n)]}, geometry=shapes,
                            crs=CRS).set_index("name")


def random_raster(height: int, width: int, *, seed: int, levels: int = 7, missing=0.05):
    """Integer-valued floats (so that majorities are meaningful) with NaN holes."""
    rng = np.random.default_rng(seed)
    values = rng.integers(0, levels, (height, width)).astype(np.float64)
    values[rng.random((height, width)) < missing] = np.nan
    return values
