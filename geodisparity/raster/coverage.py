"""Exact fractions of raster cells covered by polygons, in time proportional to the perimeter.

How it works
------------
The area of a polygon inside a cell is the integral of its winding number over the cell.
Every ring edge changes the winding number by its sign to its right, so each edge is cut
where it crosses a row or column line of the grid; each piece lies in one cell and gives

- to its own cell the exact area between the piece and the cell's right side,
  ``(col + 1 - x_mid) * dy`` (the piece is straight, so the mid-point is exact), and
- to every cell further right in the row the full ``dy`` (stored once, in the next
  cell, and spread by a cumulative sum along the row).

Every cell thus gets its exact covered fraction; fractions within 1e-12 of 0 or 1 are
snapped, so that no rounding residue makes an outside cell "touched". The work is one
pass over the edges plus the crossings (the polygon's perimeter in cells), then a
cumulative sum over the region's bounding box.

Why not exactextract as the engine: its Python binding processes features one by one
through GEOS and its own raster objects. On China's 2,875 counties (4.2 million vertices)
over a 350 x 225 DEM it took 35 s where ``zonal_stats`` took 2.9 s, and 39 s vs 4.1 s on a
7,000 x 4,500 raster (scripts/bench/bench_zonal.py, one run each); the fractions agree to
its single precision (exactextract keeps them as float32: means agree to ~1e-7 relative,
against shapely's cell-by-cell intersections ours agree to 1e-12). It would also make a
compiled package a hard dependency.

Examples
--------
>>> import shapely
>>> from affine import Affine
>>> square = shapely.box(0.5, 0.5, 2.0, 2.0)          # a 1.5 x 1.5 square on a unit grid
>>> pieces = boundary_pieces([square], Affine(1, 0, 0, 0, -1, 3), (3, 3))
>>> coverage_window(pieces, 0, (0, 3, 0, 3)).round(3).tolist()
[[0.0, 0.0, 0.0], [0.5, 1.0, 0.0], [0.25, 0.5, 0.0]]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from geodisparity.errors import GeometryError, InputError

__all__ = [
    "BoundaryPieces", "boundary_pieces", "bounds_boxes", "check_polygons", "coverage_window",
    "region_boxes",
]

# Cells whose exact fraction rounds to within this of 0 or 1 are taken as 0 or 1.
_SNAP = 1e-12
# Vertices per batch of regions cut at once.
_BATCH = 1 << 17


@dataclass(frozen=True)
class BoundaryPieces:
    """Boundary pieces of every region summed per crossed cell, sorted by region, row, column.

    Attributes
    ----------
    region, row, col : numpy.ndarray
        Region position (0-based), cell row and column of each piece.
    area : numpy.ndarray
        Signed area from the piece to its cell's right side.
    cover : numpy.ndarray
        Signed row height of the piece, added to every cell to its right.
    start : numpy.ndarray
        ``start[i]:start[i + 1]`` are the pieces of region ``i`` (length ``n + 1``).
    """

    region: np.ndarray
    row: np.ndarray
    col: np.ndarray
    area: np.ndarray
    cover: np.ndarray
    start: np.ndarray

    @property
    def n_regions(self) -> int:
        """Number of regions."""
        return len(self.start) - 1

    def of(self, i: int, rows: tuple[int, int] | None = None) -> slice:
        """Slice of region ``i``'s pieces, optionally only those in ``rows = (r0, r1)``."""
        lo, hi = int(self.start[i]), int(self.start[i + 1])
        if rows is None:
            return slice(lo, hi)
        part = self.row[lo:hi]
        return slice(lo + int(np.searchsorted(part, rows[0])),
                     lo + int(np.searchsorted(part, rows[1])))


def _pixel_edges(geoms: np.ndarray, transform: Any) -> tuple[np.ndarray, ...]:
    """Ring edges of every polygon in (column, row) pixel coordinates, with their region."""
    a, b, c, d, e, f = (transform.a, transform.b, transform.c,
                        transform.d, transform.e, transform.f)
    if b != 0 or d != 0:
        raise InputError(
            f"raster: a rotated or sheared grid (transform {tuple(transform)[:6]}) is not "
            "supported; warp it to a north-up grid first (e.g. gdalwarp)"
        )
    oriented = shapely.orient_polygons(geoms, exterior_cw=False)
    parts, part_region = shapely.get_parts(oriented, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    ring_region = part_region[ring_part]
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    cols = (coords[:, 0] - c) / a
    rows = (coords[:, 1] - f) / e
    same = ring[1:] == ring[:-1]
    x0, y0 = cols[:-1][same], rows[:-1][same]
    x1, y1 = cols[1:][same], rows[1:][same]
    region = ring_region[ring[:-1][same]]
    # Exteriors are counter-clockwise in map coordinates; the pixel axes may flip that.
    sign = -1.0 if a * e > 0 else 1.0
    moving = y0 != y1                      # horizontal edges add no area to any cell
    return x0[moving], y0[moving], x1[moving], y1[moving], region[moving], sign


def _lines_between(p0: np.ndarray, p1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First integer line after ``p0`` towards ``p1``, and how many lie strictly between."""
    up = p1 > p0
    first = np.where(up, np.floor(p0) + 1, np.ceil(p0) - 1)
    count = np.where(up, np.ceil(p1) - np.floor(p0) - 1, np.ceil(p0) - np.floor(p1) - 1)
    return first, np.maximum(count, 0).astype(np.int64)


def _crossings(p0, p1, q0, q1, first, count, other_count):
    """Parameter ``t`` of each crossing of the p-lines, in order along each edge, and its rank.

    The rank of a crossing among all of its edge's crossings is its index among the p-lines
    plus the number of q-lines crossed before it, counted from the point it lies at.
    """
    edge = np.repeat(np.arange(len(p0)), count)
    index = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    step = np.where(p1 > p0, 1.0, -1.0)[edge]
    t = (first[edge] + step * index - p0[edge]) / (p1[edge] - p0[edge])
    q = q0[edge] + t * (q1[edge] - q0[edge])
    q_from = q0[edge]
    before = np.where(q1[edge] > q_from, np.ceil(q) - np.floor(q_from) - 1,
                      np.ceil(q_from) - np.floor(q) - 1)
    before = np.clip(before, 0, other_count[edge]).astype(np.int64)
    return edge, t, index + before


def _split(x0, y0, x1, y1):
    """Cut edges at the integer rows and columns: edge, mid-point and signed height of pieces.

    Each crossing's place along its edge is computed, not sorted for: crossings of columns
    and rows interleave by how many of the other kind come first. Two crossings that
    coincide (a cell corner) may take one slot or swap; the piece between them has no
    length, so nothing is lost.
    """
    fx, nx = _lines_between(x0, x1)
    fy, ny = _lines_between(y0, y1)
    crosses = (nx + ny) > 0
    whole = np.flatnonzero(~crosses)
    cut = np.flatnonzero(crosses)
    x0c, y0c, x1c, y1c = x0[cut], y0[cut], x1[cut], y1[cut]
    nxc, nyc = nx[cut], ny[cut]
    ex, tx, rx = _crossings(x0c, x1c, y0c, y1c, fx[cut], nxc, nyc)
    ey, ty, ry = _crossings(y0c, y1c, x0c, x1c, fy[cut], nyc, nxc)
    slots = nxc + nyc + 2
    base = np.cumsum(slots) - slots
    t = np.full(int(slots.sum()), np.nan)
    t[base] = 0.0
    t[base + slots - 1] = 1.0
    t[base[ex] + 1 + rx] = tx
    t[base[ey] + 1 + ry] = ty
    edge = np.repeat(np.arange(len(cut)), slots)
    filled = ~np.isnan(t)
    edge, t = edge[filled], t[filled]
    keep = (edge[1:] == edge[:-1]) & (t[1:] > t[:-1])
    ta, tb = t[:-1][keep], t[1:][keep]
    e = cut[edge[:-1][keep]]
    mid = 0.5 * (ta + tb)
    dx, dy = x1[e] - x0[e], y1[e] - y0[e]
    return (np.concatenate([whole, e]),
            np.concatenate([0.5 * (x0[whole] + x1[whole]), x0[e] + mid * dx]),
            np.concatenate([0.5 * (y0[whole] + y1[whole]), y0[e] + mid * dy]),
            np.concatenate([y1[whole] - y0[whole], (tb - ta) * dy]))


def check_polygons(geoms: np.ndarray) -> None:
    """Raise :class:`GeometryError` unless every geometry is a (multi)polygon, empty or None."""
    kinds = shapely.get_type_id(geoms)
    bad = np.flatnonzero(~np.isin(kinds, (-1, 3, 6)) & ~shapely.is_empty(geoms))
    if bad.size:
        raise GeometryError(
            f"regions: zonal statistics need polygons; rows at positions "
            f"{', '.join(map(str, bad[:10]))} hold {shapely.get_type_id(geoms[bad[0]])!s} "
            "geometries (type id; 3 = Polygon, 6 = MultiPolygon)"
        )


def boundary_pieces(
    geoms: Sequence[Any] | np.ndarray, transform: Any, shape: tuple[int, int]
) -> BoundaryPieces:
    """Cut every region's boundary at the grid lines: one piece per crossed cell.

    Parameters
    ----------
    geoms : sequence of shapely (Multi)Polygon
        Regions in the raster's CRS; ``None`` or empty geometries give no pieces.
    transform : affine.Affine
        The raster's north-up transform (no rotation).
    shape : tuple of int
        The raster's ``(height, width)``; pieces above or below it are dropped, those
        left or right of it gathered in columns -1 and ``width``.

    Returns
    -------
    BoundaryPieces

    Raises
    ------
    GeometryError
        If a geometry is not a polygon or multipolygon.
    """
    geoms = np.asarray(geoms, dtype=object)
    check_polygons(geoms)
    found = []
    for lo, hi in _batches(geoms):
        x0, y0, x1, y1, region, sign = _pixel_edges(geoms[lo:hi], transform)
        e, xm, ym, dy = _split(x0, y0, x1, y1)
        found.append(_by_cell(region[e] + lo, xm, ym, dy * sign, shape))
    reg, row, col, area, height = (np.concatenate(arrays) for arrays in zip(*found, strict=True))
    start = np.searchsorted(reg, np.arange(len(geoms) + 1))
    return BoundaryPieces(reg, row, col, area, height, start)


def _batches(geoms: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive runs of regions with about ``_BATCH`` vertices each.

    Small batches keep the temporary arrays in the allocator's cache; a fresh 30 MB array
    per step costs more in page faults than the arithmetic on it.
    """
    ends = np.cumsum(shapely.get_num_coordinates(geoms))
    cuts = np.searchsorted(ends, np.arange(_BATCH, ends[-1] if ends.size else 0, _BATCH))
    bounds = np.unique(np.r_[0, cuts + 1, len(geoms)].clip(0, len(geoms)))
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))


def _by_cell(reg, xm, ym, height, shape):
    """Sum the pieces of each region in each cell, keeping only what the raster can use.

    Rows outside the raster never matter; cells left of it only through their row height,
    so they are gathered in column -1, and cells right of it only to say that the region
    reaches the right edge, so they are gathered in column ``width``.
    """
    rows, cols = shape
    col = np.floor(xm).astype(np.int64)
    row = np.floor(ym).astype(np.int64)
    area = (col + 1 - xm) * height
    keep = (row >= 0) & (row < rows)
    reg, row, col, area, height = reg[keep], row[keep], col[keep], area[keep], height[keep]
    np.clip(col, -1, cols, out=col)
    key = (reg * rows + row) * (cols + 2) + (col + 1)
    order = np.argsort(key)
    key = key[order]
    first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if key.size else key
    area = np.add.reduceat(area[order], first) if key.size else area
    height = np.add.reduceat(height[order], first) if key.size else height
    key = key[first]
    reg, rest = np.divmod(key, rows * (cols + 2))
    row, col = np.divmod(rest, cols + 2)
    # 32-bit cells and regions: the pieces travel to Dask workers.
    return reg.astype(np.int32), row.astype(np.int32), (col - 1).astype(np.int32), area, height


def bounds_boxes(geoms: np.ndarray, transform: Any, shape: tuple[int, int]) -> np.ndarray:
    """Cell box ``(r0, r1, c0, c1)`` holding each polygon's bounds, clipped to the raster.

    A missing or empty geometry, or one wholly outside the raster, gets an empty box.
    """
    bounds = shapely.bounds(geoms)
    with np.errstate(invalid="ignore"):
        cols = (bounds[:, [0, 2]] - transform.c) / transform.a
        rows = (bounds[:, [1, 3]] - transform.f) / transform.e
    boxes = np.zeros((len(geoms), 4), dtype=np.int64)
    known = np.isfinite(bounds).all(axis=1)
    height, width = shape
    boxes[known, 0] = np.floor(rows[known].min(axis=1)).clip(0, height)
    boxes[known, 1] = np.ceil(rows[known].max(axis=1)).clip(0, height)
    boxes[known, 2] = np.floor(cols[known].min(axis=1)).clip(0, width)
    boxes[known, 3] = np.ceil(cols[known].max(axis=1)).clip(0, width)
    empty = (boxes[:, 0] >= boxes[:, 1]) | (boxes[:, 2] >= boxes[:, 3])
    boxes[empty] = 0
    return boxes


def region_boxes(pieces: BoundaryPieces, shape: tuple[int, int]) -> np.ndarray:
    """Cell bounding box ``(r0, r1, c0, c1)`` of each region, clipped to the raster.

    A region without pieces, or wholly outside the raster, gets an empty box (``r0 == r1``).
    """
    n = pieces.n_regions
    boxes = np.zeros((n, 4), dtype=np.int64)
    counts = np.diff(pieces.start)
    has = np.flatnonzero(counts)
    if has.size:
        first = pieces.start[has]
        boxes[has, 0] = pieces.row[first]
        boxes[has, 1] = pieces.row[pieces.start[has + 1] - 1] + 1
        boxes[has, 2] = np.minimum.reduceat(pieces.col, first)
        boxes[has, 3] = np.maximum.reduceat(pieces.col, first) + 1
    height, width = shape
    boxes[:, 0:2] = boxes[:, 0:2].clip(0, height)
    boxes[:, 2:4] = boxes[:, 2:4].clip(0, width)
    empty = (boxes[:, 0] >= boxes[:, 1]) | (boxes[:, 2] >= boxes[:, 3])
    boxes[empty] = 0
    return boxes


def coverage_window(
    pieces: BoundaryPieces, i: int, window: tuple[int, int, int, int]
) -> np.ndarray:
    """Exact covered fraction of every cell of ``window = (r0, r1, c0, c1)`` by region ``i``.

    Pieces left of the window still count (their row height reaches into it), so any
    window of the raster gives the same fractions as the whole.

    Parameters
    ----------
    pieces : BoundaryPieces
        From :func:`boundary_pieces`.
    i : int
        Region position.
    window : tuple of int
        Rows ``r0:r1`` and columns ``c0:c1`` of the raster.

    Returns
    -------
    numpy.ndarray
        ``(r1 - r0, c1 - c0)`` fractions in [0, 1].
    """
    r0, r1, c0, c1 = window
    h, w = r1 - r0, c1 - c0
    part = pieces.of(i, (r0, r1))
    row = pieces.row[part].astype(np.int64) - r0
    col = pieces.col[part].astype(np.int64) - c0
    inside = (col >= 0) & (col < w)
    flat_cell = row[inside] * w + col[inside]
    area = np.bincount(flat_cell, pieces.area[part][inside], minlength=h * w)
    nxt = col + 1
    spread = nxt < w
    flat_next = row[spread] * w + np.maximum(nxt[spread], 0)
    cover = np.bincount(flat_next, pieces.cover[part][spread], minlength=h * w)
    winding = np.cumsum(cover.reshape(h, w), axis=1, dtype=np.float64)
    frac = np.add(area.reshape(h, w), winding, dtype=np.float64)  # bincount of none: int
    np.clip(frac, 0.0, 1.0, out=frac)
    frac[frac < _SNAP] = 0.0
    frac[frac > 1.0 - _SNAP] = 1.0
    return frac
