"""Matrices in the report as coloured heat tables, or as a CSV download when too big.

A Dagum between-group matrix of 49 states or a Markov transition matrix reads
faster as colour than as 2,401 numbers. :func:`heat_table` shades each cell
in one of :data:`SHADES` equal steps from light to dark blue by its value
(minimum to maximum of the matrix), in a small font inside a box that scrolls
by itself, so the page never scrolls sideways. Matrices wider than
:data:`HEAT_MAX` are replaced by a link that downloads them as CSV, carried in
the page itself (a ``data:`` URI), so the report stays one file. Every label and value is escaped.

Examples
--------
>>> import pandas as pd
>>> matrix = pd.DataFrame([[0.1, 0.3], [0.3, 0.2]], index=["<a>", "b"], columns=["<a>", "b"])
>>> table = heat_table(matrix, caption="Gini", file_name="gini matrix.csv")
>>> "&lt;a&gt;" in table.html and '<td class="h6">0.3</td>' in table.html and table.rows == 2
True
"""

from __future__ import annotations

import base64
import html
import math
import re

import pandas as pd

from geodisparity.i18n import message
from geodisparity.report import Table, format_value

__all__ = ["heat_table", "HEAT_MAX", "LINK_FROM", "SMALL_FROM", "SHADES"]

#: Widest matrix drawn as a table (rows or columns); wider ones become a CSV download.
HEAT_MAX = 60
#: From this many columns on, a CSV download link is added under the table.
LINK_FROM = 13
#: From this many columns on, the table is set in a small font.
SMALL_FROM = 8
#: Shades, light to dark (ColorBrewer's Blues, 7 classes); the template colours ``td.h0``..``h6``.
SHADES = 7


def _shade(share: float) -> int:
    """Return the class (0 to SHADES - 1) of a value at ``share`` of the matrix's range."""
    return min(int(share * SHADES), SHADES - 1)


def _file_name(name: str) -> str:
    """Make a plain file name: letters, digits, ``._-``; ``.csv`` added when missing."""
    plain = re.sub(r"[^\w.-]+", "_", name, flags=re.ASCII).strip("._") or "matrix"
    return plain if plain.lower().endswith(".csv") else f"{plain}.csv"


def _cells(frame: pd.DataFrame, digits: int) -> str:
    values = frame.to_numpy(dtype=float)
    finite = values[~pd.isna(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
    span = high - low
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = [f"<thead><tr><th></th>{head}</tr></thead><tbody>"]
    for label, row in zip(frame.index, values, strict=True):
        cells = []
        for value in row:
            if not math.isfinite(value):
                cells.append("<td>–</td>")
                continue
            shade = _shade((value - low) / span if span > 0 else 0.0)
            cells.append(f'<td class="h{shade}">{html.escape(format_value(value, digits))}</td>')
        rows.append(f"<tr><th>{html.escape(str(label))}</th>{''.join(cells)}</tr>")
    return "".join(rows) + "</tbody>"


def _download(frame: pd.DataFrame, name: str, lang: str) -> str:
    text = frame.to_csv(float_format="%.10g")
    data = base64.b64encode(text.encode("utf-8-sig")).decode("ascii")
    label = message("heat.download", lang, name=name, rows=len(frame.index),
                    columns=len(frame.columns))
    return (f'<p><a class="download" download="{html.escape(name)}" '
            f'href="data:text/csv;charset=utf-8;base64,{data}">{html.escape(label)}</a></p>')


def heat_table(frame: pd.DataFrame, *, caption: str | None = None, file_name: str = "matrix",
               lang: str = "en", digits: int = 3) -> Table:
    """Render a numeric matrix as a heat table (or, when too big, a CSV download link).

    Parameters
    ----------
    frame : DataFrame
        Numbers; the index and the columns label the rows and columns.
    caption : str, optional
        Caption above the table.
    file_name : str
        Name of the CSV file offered for download (made plain: letters,
        digits, ``._-``).
    lang : {"en", "zh"}
        Language of the link's words.
    digits : int
        Significant digits shown in the cells.

    Returns
    -------
    Table
        For :class:`geodisparity.report.Section`.

    Examples
    --------
    >>> big = pd.DataFrame([[1.0] * 61] * 61)
    >>> table = heat_table(big, file_name="/etc/x")
    >>> "<table" in table.html, 'download="etc_x.csv"' in table.html
    (False, True)
    """
    name = _file_name(file_name)
    rows, columns = frame.shape
    if max(rows, columns) > HEAT_MAX:
        text = html.escape(message("heat.too_big", lang, rows=rows, columns=columns))
        return Table(f"<p>{text}</p>{_download(frame, name, lang)}", caption)
    size = " small" if columns >= SMALL_FROM else ""
    body = f'<div class="heat-box{size}"><table class="heat">{_cells(frame, digits)}</table></div>'
    link = _download(frame, name, lang) if columns >= LINK_FROM else ""
    return Table(body + link, caption, rows=rows)
