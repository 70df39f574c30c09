"""Tooltip contents: escaped text cells, one row per region.

Every string that comes from data (names, categories, numbers, column
labels) is HTML-escaped here, in Python, before it reaches the page. The page
only joins the escaped cells into a small table, so a region called
``<img src=x onerror=alert(1)>`` is shown as that text and never runs.

Examples
--------
>>> escape_text("<b>Hangzhou</b> & co")
'&lt;b&gt;Hangzhou&lt;/b&gt; &amp; co'
>>> tooltip_html(["Name"], ["<script>"])
'<table class="gd-tip"><tr><th>Name</th><td>&lt;script&gt;</td></tr></table>'
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from geodisparity.errors import MissingColumnError, format_rows
from geodisparity.i18n import translate
from geodisparity.maps.classify import format_number

__all__ = [
    "NAME_COLUMNS",
    "escape_text",
    "format_cell",
    "tooltip_columns",
    "tooltip_html",
]

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

#: Columns tried, in order, for the region's name in each language.
NAME_COLUMNS: dict[str, tuple[str, ...]] = {
    "en": ("name_en", "name", "NAME", "name_zh"),
    "zh": ("name_zh", "name", "NAME", "name_en"),
}


def escape_text(value: Any) -> str:
    r"""Return ``value`` as HTML-safe text (quotes escaped too).

    Parameters
    ----------
    value : object
        Anything; it is converted with ``str`` first.

    Returns
    -------
    str
        Escaped text.

    Examples
    --------
    >>> escape_text('"x"')
    '&quot;x&quot;'
    >>> escape_text("lone \ud800 surrogate")  # cannot be written as UTF-8: replaced
    'lone � surrogate'
    """
    return html.escape(_LONE_SURROGATE.sub("\ufffd", str(value)), quote=True)


def format_cell(value: Any, *, unit: str | None = None, lang: str = "en") -> str:
    """Return a display string for a tooltip cell (not yet escaped).

    Parameters
    ----------
    value : object
        A number (formatted with thousands separators), text, or missing.
    unit : str, optional
        Appended to numbers.
    lang : str
        Language of "No data".

    Returns
    -------
    str
        The display text.

    Examples
    --------
    >>> format_cell(12345.678, unit="yuan")
    '12,346 yuan'
    >>> format_cell(None, lang="zh")
    '无数据'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return translate("No data", lang)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float) or hasattr(value, "dtype"):
        try:
            number = float(value)
        except (TypeError, ValueError):
            return str(value)
        if math.isnan(number):
            return translate("No data", lang)
        text = format_number(number)
        return f"{text} {unit}" if unit else text
    return str(value)


def _check_columns(regions: pd.DataFrame, columns: list[str], argument: str) -> None:
    missing = [c for c in columns if c not in regions.columns]
    if missing:
        raise MissingColumnError(
            f"{argument} names columns not in regions: {format_rows(missing)}; "
            f"columns are: {format_rows(map(str, regions.columns), limit=20)}"
        )


def tooltip_columns(
    regions: pd.DataFrame,
    name: str | None,
    tooltip: str | Sequence[str] | None,
    lang: str,
) -> tuple[list[str], list[str]]:
    """Return the columns shown first in tooltips and their headings.

    Parameters
    ----------
    regions : DataFrame
        The regions.
    name : str or None
        Column with the region's name, headed "Name" ("名称"); None picks
        the first of ``name_en``/``name``/``name_zh`` (English) or
        ``name_zh``/``name``/``name_en`` (Chinese) present, or none.
    tooltip : str, sequence of str or None
        More columns to show after the name, headed by their column names.
    lang : str
        Map language.

    Returns
    -------
    tuple of (list of str, list of str)
        Columns and headings.

    Examples
    --------
    >>> frame = pd.DataFrame({"name_zh": ["杭州"], "name_en": ["Hangzhou"], "pop": [1]})
    >>> tooltip_columns(frame, None, "pop", "zh")
    (['name_zh', 'pop'], ['名称', 'pop'])
    >>> tooltip_columns(pd.DataFrame({"x": [1]}), None, None, "en")
    ([], [])
    """
    if name is None:
        names = [c for c in NAME_COLUMNS[lang] if c in regions.columns][:1]
    else:
        _check_columns(regions, [name], f"name={name!r}")
        names = [name]
    extra = [] if tooltip is None else [tooltip] if isinstance(tooltip, str) else list(tooltip)
    _check_columns(regions, extra, f"tooltip={tooltip!r}")
    extra = [c for c in extra if c not in names]
    return names + extra, [translate("Name", lang)] * len(names) + extra


def tooltip_html(fields: Sequence[str], cells: Sequence[str]) -> str:
    """Return the tooltip table for one region, escaping headings and cells.

    The page builds the same table from the escaped cells it receives; this
    function is the reference for that markup.

    Parameters
    ----------
    fields : sequence of str
        Row headings.
    cells : sequence of str
        Row values (display text).

    Returns
    -------
    str
        ``<table class="gd-tip">...</table>``.

    Examples
    --------
    >>> tooltip_html([], [])
    '<table class="gd-tip"></table>'
    """
    rows = "".join(
        f"<tr><th>{escape_text(f)}</th><td>{escape_text(c)}</td></tr>"
        for f, c in zip(fields, cells, strict=True)
    )
    return f'<table class="gd-tip">{rows}</table>'
