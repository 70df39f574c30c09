"""A gap statistic over the years, with its target, as a small SVG line chart.

One chart per statistic (each has its own scale: a ratio near 2, a Gini near
0.1), drawn as a line with a dot per year (hover: the year and value). A
target is a dashed line at its value, up to its year, ending in a diamond;
the x axis reaches the target year when it lies ahead.

Examples
--------
>>> svg = trend_chart([2019, 2020, 2021], [1.82, 1.80, 1.78], title="Urban / rural ratio",
...                   target=1.9, target_year=2025)
>>> svg.startswith("<svg") and "Target 1.9 (2025)" in svg and svg.count("<circle") == 3
True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from geodisparity.charts._axes import (
    INK,
    Scale,
    escape,
    format_number,
    format_tick,
    line,
    nice_ticks,
    number,
    svg_document,
    text,
    text_width,
    x_axis,
    y_axis,
    year_ticks,
)
from geodisparity.charts._words import word
from geodisparity.errors import InputError

__all__ = ["trend_chart", "TARGET_COLOR"]

#: Colour of target lines and markers.
TARGET_COLOR = "#D95F02"
_WIDTH, _HEIGHT = 330.0, 210.0
_TOP, _BOTTOM, _RIGHT = 40.0, 26.0, 14.0


def _check(years: Sequence[int], values: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(years, dtype=float)
    y = np.asarray(values, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise InputError(f"trend_chart: years ({x.shape}) and values ({y.shape}) must be "
                         "1-dimensional and of the same length")
    if not np.isfinite(y).any() or not np.isfinite(x).all():
        raise InputError("trend_chart: values has no finite value, or years a missing one")
    order = np.argsort(x, kind="stable")
    return x[order], y[order]


def _line_path(xs: np.ndarray, ys: np.ndarray) -> str:
    """Path data through the points, broken where a value is missing."""
    parts, pen_down = [], False
    for x, y in zip(xs, ys, strict=True):
        if not np.isfinite(y):
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{number(x)},{number(y)}")
        pen_down = True
    return "".join(parts)


def _target_parts(target: float, target_year: int | None, sx: Scale, sy: Scale,
                  lang: str) -> list[str]:
    left, right = sx.range
    y = sy(target)
    end = sx(target_year) if target_year is not None else right
    value = format_number(target, 6)
    label = (word("target_line", lang, value=value, year=target_year) if target_year is not None
             else word("target_line_no_year", lang, value=value))
    parts = [line(left, y, end, y, stroke=TARGET_COLOR, width=1.5, dash="5 3")]
    if target_year is not None:
        parts.append(f'<path d="M{number(end)},{number(y - 5)}l5,5 -5,5 -5,-5z" '
                     f'fill="{TARGET_COLOR}"/>')
    parts.append(text(right, y - 5, label, size=10, anchor="end", fill=TARGET_COLOR))
    return parts


def trend_chart(years: Sequence[int], values: Sequence[float], *, title: str,
                target: float | None = None, target_year: int | None = None,
                lang: str = "en") -> str:
    """Draw one statistic over the years as an SVG line chart, with its target.

    Parameters
    ----------
    years : sequence of int
        The years (any order; drawn in ascending order).
    values : sequence of float
        The statistic in each year; a missing value breaks the line.
    title : str
        Heading inside the chart (escaped).
    target : float, optional
        A target value, drawn as a dashed line.
    target_year : int, optional
        The year by which ``target`` should be reached; the line ends there.
    lang : {"en", "zh"}
        Language of the chart's own words.

    Returns
    -------
    str
        One ``<svg>`` element, about 2-3 KB.

    Raises
    ------
    InputError
        If ``years`` and ``values`` differ in length, or no value is finite.

    Examples
    --------
    >>> svg = trend_chart([2020, 2021, 2022], [0.13, float("nan"), 0.12], title="<Gini>")
    >>> "&lt;Gini&gt;" in svg, svg.count("<circle")
    (True, 2)
    """
    xs, ys = _check(years, values)
    finite = ys[np.isfinite(ys)]
    low, high = float(finite.min()), float(finite.max())
    if target is not None:
        low, high = min(low, target), max(high, target)
    y_ticks = nice_ticks(low, high, count=4)
    step = y_ticks[1] - y_ticks[0]
    label_width = max(text_width(format_tick(t, step), 10) for t in y_ticks)
    left = 10 + label_width + 6
    first, last = int(xs[0]), int(xs[-1])
    if target_year is not None:
        last = max(last, int(target_year))
        first = min(first, int(target_year))
    pad = 10.0
    sx = Scale((first, last), (left + pad, _WIDTH - _RIGHT - pad))
    sy = Scale((y_ticks[0], y_ticks[-1]), (_HEIGHT - _BOTTOM, _TOP))
    bottom = _HEIGHT - _BOTTOM
    x_ticks = year_ticks(first, last, count=6)
    parts = [text(10, 18, title, size=12, bold=True)]
    parts += y_axis(sy, y_ticks, left, _WIDTH - _RIGHT)
    parts += x_axis(sx, x_ticks, [str(t) for t in x_ticks], bottom, left, _WIDTH - _RIGHT)
    if target is not None:
        parts += _target_parts(float(target), target_year, sx, sy, lang)
    px, py = sx(xs), sy(ys)
    parts.append(f'<path d="{_line_path(px, py)}" fill="none" stroke="{INK}" '
                 'stroke-width="2" stroke-linejoin="round"/>')
    for x, y, year, value in zip(px, py, xs, ys, strict=True):
        if np.isfinite(value):
            parts.append(f'<circle cx="{number(x)}" cy="{number(y)}" r="3" fill="{INK}">'
                         f"<title>{int(year)}: {escape(format_number(value))}</title>"
                         "</circle>")
    return svg_document(_WIDTH, _HEIGHT, title, parts)
