"""Decomposition shares as stacked 100% bars, as SVG.

One bar per decomposition: the Theil index split into its between-group and
within-group parts (Shorrocks, 1980), Dagum's Gini into within-group, net
between-group and transvariation parts (Dagum, 1997). Each segment is labelled
with its percentage when it is wide enough and carries it on hover; a legend
names the parts below the bars.

Examples
--------
>>> svg = share_bars([("Theil T 0.012", [("between", 0.59), ("within", 0.41)])],
...                  title="By prefecture")
>>> svg.count("<rect"), "59%" in svg
(5, True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from geodisparity.charts._axes import (
    AXIS,
    escape,
    line,
    number,
    svg_document,
    text,
    text_width,
)
from geodisparity.charts._words import word
from geodisparity.errors import InputError

__all__ = ["share_bars", "decomposition_bars", "PART_COLORS"]

#: Colour of each part, by its key: between-group parts dark, within-group light.
PART_COLORS = {"between": "#2171B5", "net_between": "#08306B", "within": "#9ECAE1",
               "transvariation": "#FDAE61"}
_OTHER = "#BDBDBD"
_BAR_WIDTH, _ROW, _BAR = 300.0, 34.0, 20.0
_MIN_LABEL = 34.0  # px: narrower segments carry their share only on hover


def _check(rows: Sequence[tuple[str, Sequence[tuple[str, float]]]]) -> None:
    for label, parts in rows:
        shares = [share for _, share in parts]
        if not parts or not all(math.isfinite(s) and s >= 0 for s in shares) or sum(shares) <= 0:
            raise InputError(f"share_bars: bar {label!r} needs non-negative finite shares with a "
                             f"positive sum; got {shares}")


def share_bars(rows: Sequence[tuple[str, Sequence[tuple[str, float]]]], *, title: str,
               names: dict[str, str] | None = None) -> str:
    """Draw each row as a bar split into its parts' shares of the total.

    Parameters
    ----------
    rows : sequence of (label, parts)
        Bar label (escaped) and its parts as ``(key, share)``; shares are
        scaled to sum to 1. A key of :data:`PART_COLORS` takes that colour.
    title : str
        Heading inside the chart (escaped).
    names : dict, optional
        Legend name of each key; default the key.

    Returns
    -------
    str
        One ``<svg>`` element.

    Raises
    ------
    InputError
        If a bar has no part, a negative or missing share, or shares summing to 0.

    Examples
    --------
    >>> share_bars([("x", [("within", float("nan"))])], title="t")
    Traceback (most recent call last):
    ...
    geodisparity.errors.InputError: share_bars: bar 'x' needs non-negative finite shares ...
    """
    _check(rows)
    names = names or {}
    left = 10 + max([text_width(label, 11) for label, _ in rows] + [60.0]) + 10
    parts = [text(10, 18, title, size=12, bold=True)]
    keys: list[str] = []
    for i, (label, shares) in enumerate(rows):
        top = 34 + i * _ROW
        parts.append(text(left - 8, top + _BAR / 2 + 4, label, size=11, anchor="end"))
        total, x = sum(s for _, s in shares), left
        for key, share in shares:
            width = share / total * _BAR_WIDTH
            color = PART_COLORS.get(key, _OTHER)
            name = names.get(key, key)
            parts.append(f'<rect x="{number(x)}" y="{number(top)}" width="{number(width)}" '
                         f'height="{_BAR:g}" fill="{color}" stroke="#ffffff" stroke-width="1">'
                         f"<title>{escape(name)}: {share / total:.1%}</title></rect>")
            if width >= _MIN_LABEL:
                ink = "#ffffff" if key in ("between", "net_between") else "#1D2433"
                parts.append(text(x + width / 2, top + _BAR / 2 + 4, f"{share / total:.0%}",
                                  size=10, anchor="middle", fill=ink))
            x += width
            keys += [key] if key not in keys else []
    bottom = 34 + len(rows) * _ROW
    parts.append(line(left, 28, left, bottom - _ROW + _BAR + 6, stroke=AXIS))
    legend, rows_used = _legend(keys, names, left, bottom + 6, left + _BAR_WIDTH)
    parts += legend
    return svg_document(left + _BAR_WIDTH + 16, bottom + 12 + 18 * rows_used, title, parts)


def _legend(keys: list[str], names: dict[str, str], left: float, y: float,
            right: float) -> tuple[list[str], int]:
    """Legend entries left to right, wrapped before ``right``; returns the rows used."""
    parts, x, row = [], left, 0
    for key in keys:
        name = names.get(key, key)
        width = 16 + text_width(name, 10)
        if x > left and x + width > right:
            x, row = left, row + 1
        top = y + 18 * row
        parts.append(f'<rect x="{number(x)}" y="{number(top)}" width="12" height="12" '
                     f'fill="{PART_COLORS.get(key, _OTHER)}"/>')
        parts.append(text(x + 16, top + 10, name, size=10))
        x += width + 14
    return parts, row + 1


def decomposition_bars(theil: Any, dagum: Any, *, title: str, lang: str = "en") -> str:
    """Draw a Theil decomposition and a Dagum Gini decomposition as two share bars.

    Parameters
    ----------
    theil : TheilDecomposition
        From :func:`geodisparity.theil_decomposition` (``total``, ``between_share``).
    dagum : DagumResult
        From :func:`geodisparity.dagum_gini` (``gini`` and the three shares).
    title : str
        Heading inside the chart (escaped).
    lang : {"en", "zh"}
        Language of the bar labels and the legend.

    Returns
    -------
    str
        One ``<svg>`` element.

    Examples
    --------
    >>> import geodisparity as gd
    >>> import pandas as pd
    >>> data = pd.DataFrame({"y": [1.0, 2.0, 3.0, 6.0], "g": ["a", "a", "b", "b"]})
    >>> t, d = gd.theil_decomposition("y", "g", data=data), gd.dagum_gini("y", "g", data=data)
    >>> svg = decomposition_bars(t, d, title="By g", lang="zh")
    >>> "组间" in svg and "超变密度" in svg
    True
    """
    between = float(theil.between_share)
    rows = [
        (word("theil_bar", lang, value=f"{theil.total:.4f}"),
         [("between", between), ("within", 1.0 - between)]),
        (word("dagum_bar", lang, value=f"{dagum.gini:.4f}"),
         [("within", dagum.within_share),
          ("net_between", dagum.net_between_share),
          ("transvariation", dagum.transvariation_share)]),
    ]
    names = {key: word(key, lang) for key in ("between", "within", "net_between",
                                              "transvariation")}
    return share_bars(rows, title=title, names=names)
