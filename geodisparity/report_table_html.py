r"""A report table as HTML, written directly: the markup of pandas' ``DataFrame.to_html``.

:meth:`geodisparity.report.Table.from_frame` renders a frame as
``frame.to_html(index=False, escape=True, border=0, na_rep=...,
float_format=...)``. pandas' HTML writer formats a frame through its text
formatters (width, justification, then stripping), a few milliseconds per
table; a report has about twenty. :func:`html_table` writes the same markup,
character for character, for the frames a report holds (a plain header, and
columns of floats, integers, booleans or text); any other frame (a MultiIndex,
dates, objects that are not text, no rows or no columns) returns None and
goes to pandas.

Cells are escaped as pandas escapes them: tabs and line breaks shown as
``\t``, ``\r`` and ``\n`` (in values, not headers), then ``&``, ``<`` and
``>`` as entities, the cell stripped of surrounding spaces and double spaces
kept as ``&nbsp;&nbsp;``; a missing text is ``None`` or ``<NA>`` as pandas
shows them, a missing number the ``na`` text.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"name": ["<b>", None], "v": [1.5, float("nan")]})
>>> html_table(frame, str, "-") == frame.to_html(index=False, escape=True, border=0,
...                                             na_rep="-", float_format=str)
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["html_table"]


def _markup(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.strip().replace("  ", "&nbsp;&nbsp;")


def _escaped(value: Any) -> str:
    return _markup(str(value).replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n"))


def _text_cell(value: Any, na: str) -> str:
    if isinstance(value, str):
        return _escaped(value)
    return "None" if value is None else "&lt;NA&gt;" if value is pd.NA else na


def _column_cells(column: pd.Series, number: Callable[[float], str], na: str) -> list[str] | None:
    """Each cell's text as pandas writes it, or None for a column pandas must format."""
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return [na if v != v else _escaped(number(v)) for v in column.to_numpy().tolist()]
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        return [_escaped(v) for v in column.to_numpy().tolist()]
    values = column.to_numpy(dtype=object).tolist()
    text = isinstance(dtype, pd.StringDtype) or dtype == np.dtype(object)
    if not text or not all(isinstance(v, str) or v is None or v is pd.NA or v != v
                           for v in values):
        return None
    return [_text_cell(v, na) for v in values]


def html_table(frame: pd.DataFrame, number: Callable[[float], str], na: str) -> str | None:
    """Return ``frame`` as pandas' ``to_html`` writes it without index, or None.

    Parameters
    ----------
    frame : DataFrame
        The table.
    number : callable
        Formats a float (pandas' ``float_format``).
    na : str
        The text of a missing value (pandas' ``na_rep``).

    Returns
    -------
    str or None
        The markup, or None when the frame is not one this writer covers.
    """
    columns = frame.columns
    if (isinstance(columns, pd.MultiIndex) or not len(frame) or not len(columns)
            or columns.hasnans):
        return None
    cells = [_column_cells(frame.iloc[:, i], number, na) for i in range(len(columns))]
    if any(column is None for column in cells):
        return None
    head = "".join(f"      <th>{_markup(str(name))}</th>\n" for name in columns)
    rows = "".join("    <tr>\n" + "".join(f"      <td>{cell}</td>\n" for cell in row)
                   + "    </tr>\n" for row in zip(*cells, strict=True))
    return ('<table class="dataframe">\n  <thead>\n    <tr style="text-align: right;">\n'
            f"{head}    </tr>\n  </thead>\n  <tbody>\n{rows}  </tbody>\n</table>")
