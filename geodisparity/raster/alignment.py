"""A weights raster (e.g. gridded population) on the grid of the values raster.

Weighting needs one weight per value cell. Two rasters on the same grid (same CRS, shape
and transform, to 1e-9 of a cell) pair up directly. Otherwise the weights are resampled
onto the values' grid only when the caller names a method (``resample_weights=``, any of
rasterio's ``Resampling`` names, e.g. ``"average"`` or ``"bilinear"``), window by window,
and the result says so; never silently.

For counts per cell (residents per cell) on equal-area grids, ``"average"`` or
``"bilinear"`` give weights proportional to residents per value cell, which is what a
weighted mean needs (a constant factor cancels); ``"sum"`` keeps counts when coarsening.

Examples
--------
>>> import numpy as np
>>> from affine import Affine
>>> from geodisparity.raster.sources import open_source
>>> grid = dict(transform=Affine(1, 0, 0, 0, -1, 2), crs="EPSG:3857")
>>> values = open_source(np.zeros((2, 2)), **grid)
>>> weights = align_weights(open_source(np.ones((2, 2)), **grid), values, resampling=None)
>>> weights.describe()
'aligned (same grid)'
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from geodisparity.errors import InputError
from geodisparity.raster.sources import RasterSource, Window

__all__ = ["AlignedWeights", "align_weights"]


@dataclass(frozen=True)
class AlignedWeights:
    """Weights readable by windows of the values' grid.

    Attributes
    ----------
    source : RasterSource
        The weights raster as given.
    resampling : str or None
        rasterio resampling name, or ``None`` when both rasters share the grid.
    """

    source: RasterSource
    resampling: str | None

    def describe(self) -> str:
        """How the weights were put on the values' grid, for ``DataFrame.attrs``."""
        if self.resampling is None:
            return "aligned (same grid)"
        return f"resampled to the values' grid ({self.resampling})"

    def tile(self, window: Window) -> AlignedWeights:
        """Return a copy holding only ``window`` of an aligned array (for a Dask task)."""
        if self.resampling is not None:
            return self
        return replace(self, source=self.source.tile(window))

    def read_aligned(self, window: Window, values: RasterSource) -> tuple[np.ndarray, np.ndarray]:
        """Weights and their validity on ``window`` of the values' grid."""
        if self.resampling is None:
            return self.source.read(window)
        return self._resampled(window, values)

    def _resampled(self, window: Window, values: RasterSource):
        import rasterio
        from rasterio.enums import Resampling
        from rasterio.warp import reproject

        r0, r1, c0, c1 = window
        out = np.full((r1 - r0, c1 - c0), np.nan)
        common = dict(
            destination=out, dst_transform=_shifted(values.transform, r0, c0),
            dst_crs=values.crs.to_wkt(), dst_nodata=np.nan,
            src_nodata=self.source.nodata, resampling=Resampling[self.resampling],
        )
        if self.source.array is not None:
            reproject(source=self.source.array, src_transform=self.source.transform,
                      src_crs=self.source.crs.to_wkt(), **common)
        else:
            with rasterio.open(self.source.path) as dataset:
                reproject(source=rasterio.band(dataset, self.source.band),
                          src_crs=self.source.crs.to_wkt(), **common)
        if self.source.scale != 1.0 or self.source.offset != 0.0:
            out = out * self.source.scale + self.source.offset
        return out, ~np.isnan(out)


def _shifted(transform: Any, row: int, col: int) -> Any:
    """Return the transform of a window starting at cell ``(row, col)`` (north-up grids)."""
    from affine import Affine

    t = transform
    return Affine(t.a, t.b, t.c + col * t.a, t.d, t.e, t.f + row * t.e)


def _same_grid(a: RasterSource, b: RasterSource) -> bool:
    if a.shape != b.shape or not a.crs.equals(b.crs):
        return False
    cell = max(abs(a.transform.a), abs(a.transform.e))
    return all(abs(x - y) <= 1e-9 * cell for x, y in zip(a.transform[:6], b.transform[:6],
                                                          strict=True))


def align_weights(
    weights: RasterSource, values: RasterSource, *, resampling: str | None
) -> AlignedWeights:
    """Pair a weights raster with the values' grid, or fail clearly.

    Parameters
    ----------
    weights, values : RasterSource
        The two rasters.
    resampling : str or None
        A rasterio ``Resampling`` name to resample mismatched weights; ``None`` demands
        the same grid.

    Returns
    -------
    AlignedWeights

    Raises
    ------
    InputError
        If the grids differ and no resampling was named, or the name is unknown.
    """
    from rasterio.enums import Resampling

    if resampling is not None and resampling not in Resampling.__members__:
        raise InputError(
            f"resample_weights: {resampling!r} is not a rasterio resampling method; use one "
            f"of {', '.join(Resampling.__members__)}"
        )
    if _same_grid(weights, values):
        return AlignedWeights(weights, None)
    if resampling is None:
        raise InputError(
            f"weights: {weights.label} is not on the grid of the values ({values.label}): "
            f"shape {weights.shape} vs {values.shape}, transform {tuple(weights.transform)[:6]} "
            f"vs {tuple(values.transform)[:6]}, CRS {weights.crs.to_string()} vs "
            f"{values.crs.to_string()}; resample it explicitly with "
            "resample_weights='average' (or 'bilinear', 'nearest', 'sum')"
        )
    return AlignedWeights(weights, resampling)
