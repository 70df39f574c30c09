"""Window-by-window reduction: rasters larger than memory, one tile at a time.

The raster is cut into tiles (aligned to the file's blocks); each tile is read once, with
its weights, and reduced to :class:`~geodisparity.raster.accumulate.Partials` for the
regions it touches. :func:`tile_task` is a pure function of its arguments (the tile, the
regions' polygons clipped to it, and the sources), so it runs the same in this process,
on Dask threads or on a distributed worker; the boundary work is spread over the tiles
too, so that a cluster shares it.

Examples
--------
>>> plan_tiles((5, 7), (2, 4))
[(0, 2, 0, 4), (0, 2, 4, 7), (2, 4, 0, 4), (2, 4, 4, 7), (4, 5, 0, 4), (4, 5, 4, 7)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from geodisparity.errors import InputError
from geodisparity.raster.accumulate import Partials
from geodisparity.raster.coverage import boundary_pieces, coverage_window
from geodisparity.raster.sources import RasterSource, Window

__all__ = ["TileTask", "plan_tiles", "make_tasks", "tile_task", "tile_size"]

#: A raster up to this many cells is read in one piece unless ``tile=`` is given.
WHOLE_LIMIT = 1 << 24
#: Default tile side (cells), rounded to whole blocks of the file.
DEFAULT_TILE = 4096


def tile_size(tile: Any, source: RasterSource, *, tiled: bool) -> tuple[int, int]:
    """Rows and columns per tile from the ``tile=`` argument (None: automatic)."""
    height, width = source.shape
    if tile is None:
        if not tiled and height * width <= WHOLE_LIMIT:
            return height, width
        brows, bcols = source.block
        rows = max(brows, DEFAULT_TILE // max(brows, 1) * brows)
        cols = max(bcols, DEFAULT_TILE // max(bcols, 1) * bcols)
        return min(rows, height), min(cols, width)
    sizes = (tile, tile) if isinstance(tile, int | np.integer) else tuple(tile)
    if len(sizes) != 2 or not all(isinstance(s, int | np.integer) and s > 0 for s in sizes):
        raise InputError(f"tile: expected a positive int or (rows, cols), got {tile!r}")
    return int(sizes[0]), int(sizes[1])


def plan_tiles(shape: tuple[int, int], size: tuple[int, int]) -> list[Window]:
    """Windows ``(r0, r1, c0, c1)`` covering ``shape`` in row-major order."""
    height, width = shape
    rows, cols = size
    return [(r, min(r + rows, height), c, min(c + cols, width))
            for r in range(0, height, rows) for c in range(0, width, cols)]


@dataclass(frozen=True)
class TileTask:
    """Everything one tile's reduction needs; small enough to send to a Dask worker.

    Attributes
    ----------
    window : tuple of int
        The tile ``(r0, r1, c0, c1)`` in raster cells.
    regions : numpy.ndarray
        Positions of the regions whose box meets the tile.
    boxes : numpy.ndarray
        Their cell boxes clipped to the tile, ``(k, 4)``.
    geoms : numpy.ndarray
        Their polygons clipped to the tile plus a margin of one cell (in the raster's CRS):
        the covered fractions of the tile's cells are those of the whole polygons.
    shape : tuple of int
        The raster's ``(height, width)``.
    source : RasterSource
        The values (only the tile, for an array).
    weights : AlignedWeights or None
        The weights (only the tile, for an aligned array).
    """

    window: Window
    regions: np.ndarray
    boxes: np.ndarray
    geoms: np.ndarray
    shape: tuple[int, int]
    source: RasterSource
    weights: Any


def _clip(geoms: np.ndarray, window: Window, transform: Any) -> np.ndarray:
    """Polygons cut to the window plus one cell all round (polygonal parts only)."""
    import shapely

    r0, r1, c0, c1 = window
    xs = (transform.c + (c0 - 1) * transform.a, transform.c + (c1 + 1) * transform.a)
    ys = (transform.f + (r0 - 1) * transform.e, transform.f + (r1 + 1) * transform.e)
    cut = shapely.clip_by_rect(geoms, min(xs), min(ys), max(xs), max(ys))
    mixed = np.flatnonzero(~np.isin(shapely.get_type_id(cut), (-1, 3, 6)))
    for k in mixed:  # a collection: keep its polygons
        parts = shapely.get_parts(cut[k])
        cut[k] = shapely.multipolygons(parts[np.isin(shapely.get_type_id(parts), (3,))])
    return cut


def make_tasks(
    tiles: list[Window], geoms: np.ndarray, boxes: np.ndarray, *, transform: Any,
    shape: tuple[int, int], source: RasterSource, weights: Any, cut: bool,
) -> list[TileTask]:
    """One task per tile that meets at least one region (``cut``: arrays cut to the tile)."""
    tasks = []
    for window in tiles:
        r0, r1, c0, c1 = window
        meets = ((boxes[:, 0] < r1) & (boxes[:, 1] > r0) & (boxes[:, 2] < c1)
                 & (boxes[:, 3] > c0))
        regions = np.flatnonzero(meets)
        if regions.size == 0:
            continue
        clipped = boxes[regions].copy()
        clipped[:, 0:2] = clipped[:, 0:2].clip(r0, r1)
        clipped[:, 2:4] = clipped[:, 2:4].clip(c0, c1)
        tasks.append(TileTask(
            window=window, regions=regions, boxes=clipped,
            geoms=_clip(geoms[regions], window, transform), shape=shape,
            source=source.tile(window) if cut else source,
            weights=weights.tile(window) if cut and weights is not None else weights,
        ))
    return tasks


def _centre_inside(geom: Any, frac: np.ndarray, box: np.ndarray, transform: Any) -> np.ndarray:
    """1 where the cell centre lies in ``geom``, tested only where the boundary crosses."""
    import shapely

    inside = (frac >= 1.0).astype(np.float64)
    rows, cols = np.nonzero((frac > 0) & (frac < 1))
    if rows.size:
        xs = transform.c + (cols + box[2] + 0.5) * transform.a
        ys = transform.f + (rows + box[0] + 0.5) * transform.e
        inside[rows, cols] = shapely.contains_xy(geom, xs, ys)
    return inside


def tile_task(task: TileTask, *, mode: str, histogram: bool) -> Partials:
    """Reduce one tile to partial sums for its regions (``mode``: exact, centre, all_touched)."""
    r0, r1, c0, c1 = task.window
    values, valid = task.source.read(task.window)
    weight_values = None
    if task.weights is not None:
        weight_values, weight_valid = task.weights.read_aligned(task.window, task.source)
        valid &= weight_valid
    parts = Partials.empty(len(task.regions), histogram=histogram)
    pieces = boundary_pieces(task.geoms, task.source.transform, task.shape)
    for k, box in enumerate(task.boxes):
        if box[0] >= box[1] or box[2] >= box[3]:
            continue
        frac = coverage_window(pieces, k, tuple(int(b) for b in box))
        if mode == "all_touched":
            frac = (frac > 0).astype(np.float64)
        elif mode == "centre":
            frac = _centre_inside(task.geoms[k], frac, box, task.source.transform)
        cells = (slice(box[0] - r0, box[1] - r0), slice(box[2] - c0, box[3] - c0))
        take = (frac > 0) & valid[cells]
        cover = frac[take]
        e = cover if weight_values is None else cover * weight_values[cells][take]
        parts.add(k, values[cells][take], cover, e)
    return parts
