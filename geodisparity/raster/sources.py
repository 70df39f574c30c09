"""Raster inputs: a path GDAL reads (GeoTIFF, netCDF...) or an array with its transform and CRS.

A :class:`RasterSource` describes the grid (shape, transform, CRS) and reads any window
as float64 values with a validity mask. Missing cells are the file's nodata (for netCDF,
the variable's ``_FillValue``, which GDAL reports as nodata), its mask or alpha band, and NaN.
Scale and offset (netCDF ``scale_factor`` / ``add_offset``) are applied. The source holds
only a path or an array, so it can be sent to Dask workers, which open the file themselves.

Examples
--------
>>> import numpy as np
>>> from affine import Affine
>>> src = open_source(np.array([[1.0, np.nan], [-9.0, 4.0]]),
...                   transform=Affine(1, 0, 0, 0, -1, 2), crs="EPSG:3857", nodata=-9)
>>> values, valid = src.read((0, 2, 0, 2))
>>> valid.tolist()
[[True, False], [False, True]]
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from geodisparity.errors import CRSError, DataFileError, FileFormatError, InputError

__all__ = ["RasterSource", "open_source"]

Window = tuple[int, int, int, int]  # rows r0:r1, columns c0:c1


@dataclass(frozen=True)
class RasterSource:
    """One band of a raster: where it is, its grid, and how missing cells are marked.

    Attributes
    ----------
    path : str or None
        File (or GDAL dataset name) read window by window; ``None`` for an array.
    array : numpy.ndarray or None
        The band, when given as an array.
    band : int
        Band number (1-based) in the file.
    shape : tuple of int
        ``(height, width)``.
    transform : affine.Affine
        Cell ``(col, row)`` to map coordinates.
    crs : pyproj.CRS
        The raster's CRS (from the file, or given).
    nodata : float or None
        The value marking missing cells (besides NaN and the dataset mask).
    scale, offset : float
        Stored values are multiplied by ``scale`` and ``offset`` is added.
    block : tuple of int
        The file's block ``(rows, cols)``, to align windows with it.
    origin : tuple of int
        Raster cell of ``array[0, 0]`` (non-zero for a tile cut by :meth:`tile`).
    mask_band : bool
        The file has a mask band or alpha band (read along with the values).
    """

    path: str | None
    array: np.ndarray | None
    band: int
    shape: tuple[int, int]
    transform: Any
    crs: Any
    nodata: float | None
    scale: float = 1.0
    offset: float = 0.0
    block: tuple[int, int] = (256, 256)
    origin: tuple[int, int] = (0, 0)
    mask_band: bool = False

    @property
    def label(self) -> str:
        """How the source is named in messages and in ``DataFrame.attrs``."""
        return self.path if self.path is not None else f"array of shape {self.shape}"

    def tile(self, window: Window) -> RasterSource:
        """Return a copy holding only ``window`` of an array (for a Dask task); files as is."""
        if self.array is None:
            return self
        r0, r1, c0, c1 = window
        part = np.ascontiguousarray(self.array[r0 - self.origin[0]:r1 - self.origin[0],
                                               c0 - self.origin[1]:c1 - self.origin[1]])
        return replace(self, array=part, origin=(r0, c0))

    def read(self, window: Window) -> tuple[np.ndarray, np.ndarray]:
        """Read ``window = (r0, r1, c0, c1)`` as float64 values and a validity mask."""
        r0, r1, c0, c1 = window
        mask = None
        if self.array is not None:
            dr, dc = self.origin
            raw = self.array[r0 - dr:r1 - dr, c0 - dc:c1 - dc]
        else:
            import rasterio
            from rasterio.windows import Window as RioWindow

            window_ = RioWindow(c0, r0, c1 - c0, r1 - r0)
            with rasterio.open(self.path) as dataset:
                raw = dataset.read(self.band, window=window_)
                if self.mask_band:
                    mask = dataset.read_masks(self.band, window=window_)
        valid = _valid(raw, self.nodata)
        if mask is not None:
            valid &= mask > 0
        values = raw.astype(np.float64)
        if self.scale != 1.0 or self.offset != 0.0:
            values = values * self.scale + self.offset
        return values, valid


def _valid(raw: np.ndarray, nodata: float | None) -> np.ndarray:
    """Cells that are neither NaN nor equal to ``nodata`` (compared in the band's type)."""
    valid = ~np.isnan(raw) if raw.dtype.kind == "f" else np.ones(raw.shape, dtype=bool)
    if nodata is not None and not np.isnan(nodata):
        with np.errstate(over="ignore", invalid="ignore"):
            marker = np.asarray(nodata).astype(raw.dtype)
        valid &= raw != marker
    return valid


def _as_crs(crs: Any, *, name: str) -> Any:
    from pyproj import CRS
    from pyproj.exceptions import CRSError as ProjCRSError

    try:
        return CRS.from_user_input(crs)
    except ProjCRSError as exc:
        raise CRSError(f"{name}: {crs!r} is not a CRS pyproj understands ({exc})") from exc


def _from_array(
    raster: Any, *, band: int, transform: Any, crs: Any, nodata: float | None, name: str
) -> RasterSource:
    from affine import Affine

    array = np.asarray(raster)
    if array.ndim == 2 and band != 1:
        raise InputError(f"band: {name} is a 2-D array (one band), so band={band!r} is not in it")
    if array.ndim == 3:
        if not 1 <= band <= array.shape[0]:
            raise InputError(f"band: {band!r} is not in 1..{array.shape[0]} for {name}")
        array = array[band - 1]
    if array.ndim != 2 or array.dtype.kind not in "biuf":
        raise InputError(
            f"{name}: expected a path or a 2-D numeric array (or bands x rows x cols), "
            f"got an array of shape {array.shape} and type {array.dtype}"
        )
    if transform is None:
        raise InputError(f"transform: {name} is an array, so transform= (an Affine) is needed")
    if crs is None:
        raise CRSError(f"crs: {name} is an array, so crs= is needed (e.g. crs='EPSG:4326')")
    return RasterSource(
        path=None, array=array, band=band, shape=array.shape, transform=Affine(*transform[:6]),
        crs=_as_crs(crs, name="crs"), nodata=None if nodata is None else float(nodata),
    )


def _from_path(raster: Any, *, band: int, crs: Any, nodata: float | None, name: str):
    import rasterio
    from rasterio.errors import RasterioIOError

    path = os.fspath(raster)
    if "://" not in path and not path.startswith(("/vsi", "NETCDF:", "HDF5:")) and not (
        Path(path).exists()
    ):
        raise DataFileError(f"{name}: no such file: {path}")
    try:
        dataset = rasterio.open(path)
    except RasterioIOError as exc:
        raise FileFormatError(f"{name}: GDAL cannot read {path} as a raster ({exc})") from exc
    with dataset:
        if not 1 <= band <= dataset.count:
            raise InputError(f"band: {band!r} is not in 1..{dataset.count} for {name} {path}")
        if crs is not None:
            found = _as_crs(crs, name="crs")
        elif dataset.crs is not None:
            found = _as_crs(dataset.crs.to_wkt(), name=name)
        else:
            raise CRSError(
                f"{name}: {path} has no CRS; give one with crs= "
                "(e.g. crs='EPSG:4326' for a longitude/latitude grid)"
            )
        block = dataset.block_shapes[band - 1]
        flags = {flag.name for flag in dataset.mask_flag_enums[band - 1]}
        return RasterSource(
            path=path, array=None, band=band, shape=(dataset.height, dataset.width),
            transform=dataset.transform, crs=found,
            nodata=float(nodata) if nodata is not None else dataset.nodatavals[band - 1],
            scale=float(dataset.scales[band - 1] or 1.0),
            offset=float(dataset.offsets[band - 1] or 0.0), block=tuple(block),
            mask_band=bool(flags & {"per_dataset", "alpha"}),
        )


def open_source(
    raster: Any,
    *,
    band: int = 1,
    transform: Any = None,
    crs: Any = None,
    nodata: float | None = None,
    name: str = "raster",
) -> RasterSource:
    """Describe a raster given as a path or an array.

    Parameters
    ----------
    raster : str, os.PathLike, numpy.ndarray or RasterSource
        A file GDAL reads, or a 2-D array (or bands x rows x cols).
    band : int, default 1
        Band to read (1-based).
    transform : affine.Affine, optional
        Needed for an array.
    crs : optional
        The raster's CRS: needed for an array, and for a file that has none; overrides
        the file's otherwise.
    nodata : float, optional
        Missing-value marker; overrides the file's.
    name : str
        The argument's name, for messages.

    Returns
    -------
    RasterSource

    Raises
    ------
    CRSError
        If no CRS is known.
    DataFileError, FileFormatError
        If the file is missing or not a raster.
    """
    if isinstance(raster, RasterSource):
        return raster
    if not isinstance(band, int | np.integer) or isinstance(band, bool):
        raise InputError(f"band: expected a band number (int), got {band!r}")
    if isinstance(raster, str | os.PathLike):
        if transform is not None:
            raise InputError(f"transform: {name} is a file, whose own transform is used")
        return _from_path(raster, band=int(band), crs=crs, nodata=nodata, name=name)
    return _from_array(raster, band=int(band), transform=transform, crs=crs, nodata=nodata,
                       name=name)
