"""Find boundary vertices of different regions that miss each other by rounding.

With ``tolerance=0`` contiguity compares coordinates exactly. When two files
(or two programs) rounded a shared boundary differently, its vertices differ
by a rounding step and the two regions silently stop being neighbours. This
module looks for such near misses after the exact grouping, at little cost:

* only coordinates that occur once are candidates (a shared boundary moved
  by rounding has none of its vertices in common; a vertex that two regions
  share exactly and a third misses, or a ring's first vertex, which occurs
  twice, is not looked at);
* "near" means within ``eps`` along both axes, ``eps`` being the largest of
  1e-9 times the largest coordinate, 4 units in its last place, and the
  coordinates' decimal step when they are written with at most 9 decimals and
  that step is at most 1e-6 times the largest coordinate (one step of 1e-6
  degrees is a rounding difference, not a gap);
* candidates are sorted by cell of a grid of ``64 eps`` (column by column)
  and compared with the next one in that order: this finds nearly every near
  pair (one straddling the edge between two columns, with probability about
  1/64, is missed: it does not matter, since a moved boundary has many
  vertices). One sort of a few percent of the vertices keeps the cost small.

Examples
--------
>>> xy = np.array([[0.0, 0.0], [1.0, 0.0], [np.nextafter(1.0, 2.0), 0.0], [2.0, 5.0]])
>>> near_miss_pairs(xy, np.array([0, 0, 1, 1]))
(array([0]), array([1]), 1)
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import scipy.sparse as sp

from geodisparity.errors import NearMissWarning, format_rows

__all__ = ["near_miss_pairs", "rounding_scale", "warn_rounding_misses"]

_SAMPLE = 2_000
_FIRST_LOOK = 64  # values tried before the whole sample, for each number of decimals
_PACKED_BITS = 62  # bits for a cell key and a position packed into one int64


def rounding_scale(xy: np.ndarray) -> float:
    """Distance under which two different coordinates are taken for one rounded twice.

    Examples
    --------
    >>> rounding_scale(np.array([[116.123456, 39.5], [117.0, 40.25]]))
    1e-06
    >>> rounding_scale(np.array([[0.0, 0.0], [3.0, 4.0]]))  # small integers: 1e-9 relative
    4e-09
    """
    sample = xy[:: max(1, len(xy) // _SAMPLE)]  # a magnitude and a precision: a sample does
    sample = sample[np.isfinite(sample).all(axis=1)]
    if not sample.size:
        return 0.0
    scale = float(np.abs(sample).max())
    eps = max(1e-9 * scale, 4 * float(np.spacing(scale)))
    step = _decimal_step(sample)
    # A decimal step counts only where it is fine for the coordinates' size:
    # 1e-6 degrees is rounding, a whole unit on a lattice of small integers is not.
    return max(eps, step) if step is not None and step <= 1e-6 * scale else eps


def _decimal_step(sample: np.ndarray) -> float | None:
    """``10**-d`` for the fewest decimals ``d <= 9`` that write every sampled value exactly."""
    values = sample.ravel()
    head = values[:_FIRST_LOOK]
    for decimals in range(10):
        # Most decimals fail on the first few values: look at those before all of them.
        if _written_with(head, decimals) and _written_with(values, decimals):
            return 10.0**-decimals
    return None


def _written_with(values: np.ndarray, decimals: int) -> bool:
    """Every value is written exactly (to a few units in the last place) with ``decimals``."""
    scaled = values * 10.0**decimals
    return bool(np.all(np.abs(scaled - np.rint(scaled)) <= 8 * np.spacing(np.abs(scaled))))


def near_miss_pairs(
    xy: np.ndarray, owner: np.ndarray, eps: float | None = None
) -> tuple[np.ndarray, np.ndarray, int]:
    """Owner pairs of distinct coordinates within ``eps`` of each other (both axes).

    Parameters
    ----------
    xy : numpy.ndarray
        ``(m, 2)`` distinct coordinates (candidates).
    owner : numpy.ndarray
        Region position of each coordinate.
    eps : float, optional
        Nearness; :func:`rounding_scale` of ``xy`` by default.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray, int)
        Region pairs ``(first < second)``, repeats removed, and the number
        of near-missing vertex pairs found.
    """
    eps = rounding_scale(xy) if eps is None else eps
    # Separate contiguous columns: reductions over an axis of length 2 are slow.
    x, y = np.ascontiguousarray(xy[:, 0]), np.ascontiguousarray(xy[:, 1])
    finite = np.isfinite(x) & np.isfinite(y)
    if not finite.all():
        x, y, owner = x[finite], y[finite], owner[finite]
    if eps <= 0 or len(x) < 2:
        return np.empty(0, np.intp), np.empty(0, np.intp), 0
    cell = 64.0 * eps
    # The grid's origin is shifted by an irrational share of a cell, so that
    # round coordinates (0.3, 116.5) do not fall on its lines.
    shift = 0.6180339887 * cell
    column = np.floor((x - (x.min() - shift)) / cell).astype(np.int64)
    row = np.floor((y - (y.min() - shift)) / cell).astype(np.int64)
    rows = int(row.max()) + 2  # a free row between columns: no cell follows another's edge
    order, key = _sorted_by_cell(column * rows + row)
    # Only neighbouring cells can hold points within eps of each other: the next
    # row of a column (a step of 1) or the next column (a step of rows +- 1).
    step = np.diff(key)
    close = np.flatnonzero((step <= 1) | ((step >= rows - 1) & (step <= rows + 1)))
    a, b = order[close], order[close + 1]  # a cell rarely holds more than two candidates
    near = np.abs(x[a] - x[b]) <= eps
    near &= np.abs(y[a] - y[b]) <= eps
    near &= owner[a] != owner[b]
    vertex_pairs = np.sort(np.column_stack([a[near], b[near]]), axis=1)
    regions = np.sort(owner[vertex_pairs], axis=1)
    regions = np.unique(regions, axis=0) if len(regions) else regions.reshape(0, 2)
    return regions[:, 0].astype(np.intp), regions[:, 1].astype(np.intp), len(vertex_pairs)


def _sorted_by_cell(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions in the order of ``key`` (ties in any order), and the sorted keys.

    Key and position are packed into one integer when they fit: sorting values
    is about three times as fast as sorting positions by value.
    """
    position_bits = max(1, int(len(key) - 1).bit_length())
    if int(key.max()) < 1 << max(0, _PACKED_BITS - position_bits):
        packed = np.sort((key << position_bits) | np.arange(len(key), dtype=np.int64))
        return packed & ((1 << position_bits) - 1), packed >> position_bits
    order = np.argsort(key)
    return order, key[order]


def warn_rounding_misses(
    points: np.ndarray,
    owner: np.ndarray,
    matrix: sp.csr_array,
    ids: Any,
    *,
    geographic: bool,
    stacklevel: int,
) -> None:
    """Warn when regions that are not neighbours have vertices that miss by rounding.

    Parameters
    ----------
    points, owner : numpy.ndarray
        The ring coordinates that occur exactly once (``(m, 2)``), and the
        position of each one's region (see
        :func:`~geodisparity.spatial._coordinate_runs.single_occurrences`).
    matrix : scipy.sparse.csr_array
        The contiguity found (near pairs already linked are not reported).
    ids : pandas.Index
        Region ids, for the message.
    geographic : bool
        Coordinates are longitude/latitude (for the suggested tolerance).
    stacklevel : int
        Stack level of the warning.
    """
    if not len(points):
        return
    a, b, count = near_miss_pairs(points, owner, eps := rounding_scale(points))
    if not a.size:
        return
    linked = np.asarray(matrix[a, b]).ravel() != 0
    a, b = a[~linked], b[~linked]
    if not a.size:
        return
    metres = eps * (111_320.0 if geographic else 1.0)
    suggestion = 10.0 ** math.ceil(math.log10(max(metres * 2, 1e-3)))
    pairs = format_rows(f"{ids[i]}-{ids[j]}" for i, j in zip(a, b, strict=True))
    warnings.warn(
        f"{count} boundary vertices of {a.size} pairs of regions that are not neighbours "
        f"miss each other by rounding (closer than {eps:.3g} in the coordinates' units, "
        f"but not equal), so tolerance=0 does not join them: {pairs}. Pass "
        f"tolerance={suggestion:g} (metres) to join them, or warn_near_misses=False",
        NearMissWarning,
        stacklevel=stacklevel + 1,
    )
