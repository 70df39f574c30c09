"""Lorenz curves with the line of equality and each curve's Gini, as SVG.

The Lorenz curve of regions with per-capita values ``y_i`` and populations
``p_i`` (Lorenz, 1905) joins the points (share of population, share of
income) of the regions sorted by ``y``, starting at (0, 0): everyone in a
region has its per-capita value. Its Gini is one minus twice the area under
the curve, ``G = 1 - sum_i (X_i - X_{i-1}) (Y_i + Y_{i-1})``, which equals
the population-weighted Gini of :func:`geodisparity.gini`.

Examples
--------
>>> curve = lorenz([1, 1, 2], label="2023")
>>> curve.x.round(3).tolist(), curve.y.round(3).tolist(), round(curve.gini, 4)
([0.0, 0.333, 0.667, 1.0], [0.0, 0.25, 0.5, 1.0], 0.1667)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from geodisparity.charts._axes import (
    AXIS,
    GRID,
    MUTED,
    Scale,
    format_number,
    line,
    number,
    svg_document,
    text,
    x_axis,
    y_axis,
)
from geodisparity.charts._words import word
from geodisparity.errors import InputError

__all__ = ["Lorenz", "lorenz", "lorenz_chart", "CURVE_COLORS"]

#: Colours of the curves, latest last: earlier years lighter.
CURVE_COLORS = ("#9ECAE1", "#4292C6", "#08519C")
#: Most points drawn per curve (a longer curve is drawn through evenly spaced regions).
MAX_POINTS = 200
_PLOT = 240.0
_LEFT, _TOP, _RIGHT, _BOTTOM = 44.0, 44.0, 16.0, 40.0


@dataclass(frozen=True)
class Lorenz:
    """A Lorenz curve: cumulative shares ``x`` (population) and ``y`` (income), and its Gini."""

    label: str
    x: np.ndarray
    y: np.ndarray
    gini: float


def lorenz(values: Any, weights: Any = None, *, label: str = "") -> Lorenz:
    """Return the Lorenz curve of per-capita ``values`` held by ``weights`` people.

    Parameters
    ----------
    values : array-like
        Non-negative per-capita values (missing ones are an error: drop them first).
    weights : array-like, optional
        Non-negative populations; default one each.
    label : str
        Legend label (e.g. the year).

    Returns
    -------
    Lorenz
        Points from (0, 0) to (1, 1), one per region, and the curve's Gini.

    Raises
    ------
    InputError
        If the lengths differ, a value is missing or negative, or the totals are 0.

    Examples
    --------
    >>> round(lorenz([10, 20, 30], [3, 2, 1]).gini, 4)
    0.2333
    >>> lorenz([0, 0])
    Traceback (most recent call last):
    ...
    geodisparity.errors.InputError: lorenz: values and weights must be finite, non-negative, ...
    """
    y = np.asarray(values, dtype=float).ravel()
    w = np.ones_like(y) if weights is None else np.asarray(weights, dtype=float).ravel()
    if (y.shape != w.shape or not len(y) or not (np.isfinite(y).all() and np.isfinite(w).all())
            or (y < 0).any() or (w < 0).any() or w.sum() <= 0 or (w * y).sum() <= 0):
        raise InputError(
            "lorenz: values and weights must be finite, non-negative, of the same length "
            f"({y.size} and {w.size}), with positive totals"
        )
    order = np.argsort(y, kind="stable")
    y, w = y[order], w[order]
    x_share = np.concatenate([[0.0], np.cumsum(w) / w.sum()])
    y_share = np.concatenate([[0.0], np.cumsum(w * y) / (w * y).sum()])
    gini = 1.0 - float(np.sum(np.diff(x_share) * (y_share[1:] + y_share[:-1])))
    return Lorenz(label, x_share, y_share, gini)


def _thinned(curve: Lorenz) -> tuple[np.ndarray, np.ndarray]:
    """At most MAX_POINTS points of the curve, evenly spaced along it, both ends kept."""
    if len(curve.x) <= MAX_POINTS:
        return curve.x, curve.y
    keep = np.unique(np.linspace(0, len(curve.x) - 1, MAX_POINTS).round().astype(int))
    return curve.x[keep], curve.y[keep]


def _legend(curves: Sequence[Lorenz], colors: Sequence[str], x: float, y: float,
            lang: str) -> list[str]:
    parts = [line(x, y - 4, x + 18, y - 4, stroke=AXIS, dash="4 3"),
             text(x + 24, y, word("equality", lang), size=10, fill=MUTED)]
    for i, (curve, color) in enumerate(zip(curves, colors, strict=True), start=1):
        row = y + 15 * i
        gini = word("gini", lang, value=format_number(curve.gini, 3))
        parts.append(line(x, row - 4, x + 18, row - 4, stroke=color, width=2.5))
        parts.append(text(x + 24, row, f"{curve.label}: {gini}" if curve.label else gini,
                          size=10))
    return parts


def lorenz_chart(curves: Sequence[Lorenz], *, title: str, lang: str = "en") -> str:
    """Draw Lorenz curves (e.g. the first and the last year) with the line of equality.

    Parameters
    ----------
    curves : sequence of Lorenz
        From :func:`lorenz`, earliest first (at most 3; the last is the darkest).
    title : str
        Heading inside the chart (escaped).
    lang : {"en", "zh"}
        Language of the chart's own words.

    Returns
    -------
    str
        One ``<svg>`` element.

    Raises
    ------
    InputError
        If no curve, or more than 3, are given.

    Examples
    --------
    >>> svg = lorenz_chart([lorenz([1, 2, 6], label="2023")], title="Income")
    >>> "Gini 0.37" in svg and "Line of equality" in svg
    True
    """
    if not 1 <= len(curves) <= len(CURVE_COLORS):
        raise InputError(f"lorenz_chart: give 1 to {len(CURVE_COLORS)} curves, got {len(curves)}")
    colors = CURVE_COLORS[-len(curves):]
    left, top = _LEFT, _TOP
    right, bottom = left + _PLOT, top + _PLOT
    sx, sy = Scale((0.0, 1.0), (left, right)), Scale((0.0, 1.0), (bottom, top))
    ticks = [0.0, 0.25, 0.5, 0.75, 1.0]
    percent = [f"{t:.0%}" for t in ticks]
    parts = [text(10, 18, title, size=12, bold=True),
             text(left, top - 8, word("income_share", lang), size=10, fill=MUTED)]
    parts += [p for p in y_axis(sy, ticks, left, right) if "<line" in p]
    parts += [text(left - 5, sy(t) + 3.5, label, size=10, anchor="end", fill=MUTED)
              for t, label in zip(ticks, percent, strict=True)]
    parts += [line(sx(t), top, sx(t), bottom, stroke=GRID) for t in ticks]
    parts += x_axis(sx, ticks, percent, bottom, left, right)
    parts.append(text((left + right) / 2, bottom + 30, word("population_share", lang), size=10,
                      anchor="middle", fill=MUTED))
    parts.append(line(left, bottom, right, top, stroke=AXIS, dash="4 3"))
    for curve, color in zip(curves, colors, strict=True):
        xs, ys = _thinned(curve)
        points = " ".join(f"{number(a)},{number(b)}" for a, b in zip(sx(xs), sy(ys), strict=True))
        parts.append(f'<path d="M{points}" fill="none" stroke="{color}" stroke-width="2.5" '
                     'stroke-linejoin="round"/>')
    parts += _legend(curves, colors, left + 8, top + 14, lang)
    return svg_document(right + _RIGHT, bottom + _BOTTOM, title, parts)
