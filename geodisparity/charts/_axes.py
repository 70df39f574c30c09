"""Scales, "nice" ticks, axes and the SVG elements every chart shares.

A chart is a plot area inside margins: :class:`Scale` maps data to pixels,
:func:`nice_ticks` picks round tick values (Heckbert's 1-2-5 rule), and the
element writers (:func:`text`, :func:`line`, ...) write SVG with short numbers.
Every piece of text goes through :func:`escape` (character data, never
markup); attributes hold only numbers, colours and fixed words, so the chart
passes :func:`geodisparity.maps.svg.check_svg` like the report's maps.

Examples
--------
>>> nice_ticks(0.113, 0.131)
[0.11, 0.115, 0.12, 0.125, 0.13, 0.135]
>>> Scale((0.0, 10.0), (100.0, 0.0))(2.5)
75.0
>>> format_tick(12500.0, 2500.0), format_tick(0.125, 0.005)
('12,500', '0.125')
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from geodisparity.errors import InputError

__all__ = ["Scale", "nice_ticks", "year_ticks", "format_tick", "format_number", "text_width",
           "escape", "number", "text", "line", "svg_document", "y_axis", "x_axis", "AXIS", "GRID",
           "INK", "MUTED"]

#: Colours of the axes, the grid lines, the main ink and secondary text.
AXIS, GRID, INK, MUTED = "#6E6E6E", "#E3E6EA", "#24364F", "#5B6475"


@dataclass(frozen=True)
class Scale:
    """A linear map from a data interval (``domain``) to a pixel interval (``range``)."""

    domain: tuple[float, float]
    range: tuple[float, float]

    def __call__(self, value: float | np.ndarray) -> float | np.ndarray:
        """Return the pixel position of ``value`` (a number or an array)."""
        (d0, d1), (r0, r1) = self.domain, self.range
        return r0 + (value - d0) * ((r1 - r0) / (d1 - d0 if d1 != d0 else 1.0))


def _nice(value: float, *, round_it: bool) -> float:
    """Return a 1, 2 or 5 (or 10) times a power of ten near ``value`` (Heckbert, 1990)."""
    exponent = math.floor(math.log10(value))
    fraction = value / 10**exponent
    if round_it:
        steps = ((1.5, 1), (3, 2), (7, 5))
        nice = next((n for limit, n in steps if fraction < limit), 10)
    else:
        nice = next((n for n in (1, 2, 5) if fraction <= n), 10)
    return nice * 10.0**exponent


def nice_ticks(low: float, high: float, *, count: int = 5) -> list[float]:
    """Return round tick values that cover ``[low, high]``, about ``count`` of them.

    Follows Heckbert's "Nice numbers for graph labels" (Graphics Gems, 1990):
    the step is 1, 2 or 5 times a power of ten, the first and last ticks are
    the multiples of the step just outside the data. A zero-width interval is
    widened around its value.

    Parameters
    ----------
    low, high : float
        The data's extent (finite; ``low <= high``).
    count : int, default 5
        Wanted number of ticks (at least 2).

    Returns
    -------
    list of float
        Ascending tick values, rounded to the step's decimals.

    Raises
    ------
    InputError
        If a bound is not finite, ``low > high`` or ``count < 2``.

    Examples
    --------
    >>> nice_ticks(0, 97)
    [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    >>> nice_ticks(3, 3)
    [2.6, 2.8, 3.0, 3.2, 3.4]
    >>> nice_ticks(0, float("nan"))
    Traceback (most recent call last):
    ...
    geodisparity.errors.InputError: nice_ticks: low=0 and high=nan must be finite with low <= high
    """
    if not (math.isfinite(low) and math.isfinite(high) and low <= high):
        raise InputError(f"nice_ticks: low={low!r} and high={high!r} must be finite with "
                         "low <= high")
    if count < 2:
        raise InputError(f"nice_ticks: count={count!r} must be at least 2")
    if high == low:
        half = abs(low) * 0.1 if low else 1.0
        low, high = low - half, high + half
    step = _nice(_nice(high - low, round_it=False) / (count - 1), round_it=True)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) + 1
    return [round(k * step, decimals) + 0.0 for k in range(first, last + 1)]


def year_ticks(first: int, last: int, *, count: int = 6) -> list[int]:
    """Return whole years from ``first`` to ``last``, every year or a round step.

    Examples
    --------
    >>> year_ticks(2019, 2025)
    [2019, 2020, 2021, 2022, 2023, 2024, 2025]
    >>> year_ticks(1929, 2009)
    [1940, 1960, 1980, 2000]
    """
    if last - first <= count:
        return list(range(first, last + 1))
    step = max(1, int(_nice((last - first) / count, round_it=False)))
    start = -(-first // step) * step
    return list(range(start, last + 1, step))


def format_tick(value: float, step: float) -> str:
    """Write a tick value with as many decimals as its step needs, thousands separated.

    Examples
    --------
    >>> format_tick(0.3, 0.1), format_tick(-0.0, 0.5), format_tick(40000.0, 10000.0)
    ('0.3', '0', '40,000')
    """
    decimals = max(0, -math.floor(math.log10(abs(step)) + 1e-9)) if step else 0
    if not round(step * 10**decimals, 6).is_integer():
        decimals += 1  # a step such as 0.25
    written = f"{value:,.{decimals}f}"
    return "0" if float(value) == 0 else written


def format_number(value: float, digits: int = 4) -> str:
    """Write a value for a label: ``digits`` significant digits, whole numbers when large.

    Examples
    --------
    >>> format_number(1.9), format_number(0.130800316), format_number(45123.4)
    ('1.9', '0.1308', '45,123')
    """
    if abs(value) >= 10 ** (digits - 1):
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def text_width(value: str, size: float) -> float:
    """Estimate the drawn width of ``value`` in pixels at font ``size`` (wide glyphs 1 em)."""
    wide = sum(unicodedata.east_asian_width(c) in "WF" for c in value)
    return size * (wide + 0.6 * (len(value) - wide))


def escape(value: object) -> str:
    """Escape text for SVG character data or attributes (lone surrogates replaced)."""
    return html.escape(re.sub("[\ud800-\udfff]", "\ufffd", str(value)), quote=True)


def number(value: float) -> str:
    """Write a pixel coordinate with at most one decimal (``12.0`` -> ``12``)."""
    rounded = round(float(value), 1) + 0.0
    return f"{rounded:g}" if abs(rounded) < 1e5 else f"{rounded:.0f}"


def text(x: float, y: float, content: object, *, size: float = 11, anchor: str | None = None,
         bold: bool = False, fill: str | None = None) -> str:
    """Return a ``<text>`` element with ``content`` escaped."""
    extra = (f' text-anchor="{anchor}"' if anchor else "") + (
        ' font-weight="600"' if bold else "") + (f' fill="{fill}"' if fill else "")
    return (f'<text x="{number(x)}" y="{number(y)}" font-size="{size:g}"{extra}>'
            f"{escape(content)}</text>")


def line(x1: float, y1: float, x2: float, y2: float, *, stroke: str = AXIS,
         width: float = 1.0, dash: str | None = None) -> str:
    """Return a ``<line>`` element."""
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<line x1="{number(x1)}" y1="{number(y1)}" x2="{number(x2)}" y2="{number(y2)}" '
            f'stroke="{stroke}" stroke-width="{width:g}"{extra}/>')


def svg_document(width: float, height: float, label: str, parts: Iterable[str]) -> str:
    """Wrap chart elements in an ``<svg>`` with a viewBox, a white background and a label.

    ``label`` is also the chart's title (drawn at 12 px by the chart): the
    chart widens to show it whole.
    """
    w, h = number(max(width, 20 + text_width(label, 12))), number(height)
    return "".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
        f'height="{h}" role="img" aria-label="{escape(label)}" class="gd-chart">',
        f'<rect x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>', *parts, "</svg>",
    ])


def y_axis(scale: Scale, ticks: Sequence[float], left: float, right: float) -> list[str]:
    """Grid lines across the plot at each tick, and tick labels left of ``left``."""
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    parts = []
    for tick in ticks:
        y = scale(tick)
        parts.append(line(left, y, right, y, stroke=GRID))
        parts.append(text(left - 5, y + 3.5, format_tick(tick, step), size=10, anchor="end",
                          fill=MUTED))
    return parts


def x_axis(scale: Scale, ticks: Sequence[float], labels: Sequence[str], bottom: float,
           left: float, right: float) -> list[str]:
    """Draw the base line at ``bottom``, a short mark and a label under each tick."""
    parts = [line(left, bottom, right, bottom)]
    for tick, label in zip(ticks, labels, strict=True):
        x = scale(tick)
        parts.append(line(x, bottom, x, bottom + 4))
        parts.append(text(x, bottom + 15, label, size=10, anchor="middle", fill=MUTED))
    return parts
