"""Shared helpers for result dataclasses: plain-Python export, a short repr, notebook display."""

from __future__ import annotations

import dataclasses
import html
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["to_plain", "result_dict", "short_repr", "html_table", "HtmlRepr"]

#: Rows of a table field shown in a notebook; the rest are counted.
_PREVIEW_ROWS = 10


def to_plain(value: Any) -> Any:
    """Convert NumPy and pandas objects to plain Python for JSON export.

    Parameters
    ----------
    value : Any
        A scalar, array, Series, DataFrame, tuple or dict.

    Returns
    -------
    Any
        DataFrames become lists of row dicts, Series dicts, arrays lists.

    Examples
    --------
    >>> to_plain(np.float64(1.5)), to_plain(np.array([1, 2]))
    (1.5, [1, 2])
    """
    if isinstance(value, pd.DataFrame):
        return [{str(k): to_plain(v) for k, v in row.items()} for row in value.to_dict("records")]
    if isinstance(value, pd.Series):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple | list):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    return value


def result_dict(result: Any) -> dict[str, Any]:
    """Return every field of a result dataclass as plain Python.

    Parameters
    ----------
    result : dataclass instance
        A frozen result.

    Returns
    -------
    dict

    Examples
    --------
    >>> @dataclasses.dataclass(frozen=True)
    ... class R:
    ...     a: float
    >>> result_dict(R(np.float64(2.0)))
    {'a': 2.0}
    """
    return {f.name: to_plain(getattr(result, f.name)) for f in dataclasses.fields(result)}


def short_repr(result: Any, names: list[str]) -> str:
    """Return ``ClassName(a=1.0, b=...)`` for the named scalar fields.

    Parameters
    ----------
    result : dataclass instance
        A frozen result.
    names : list of str
        Fields to show, in order.

    Returns
    -------
    str

    Examples
    --------
    >>> @dataclasses.dataclass(frozen=True)
    ... class R:
    ...     a: float
    >>> short_repr(R(0.123456789), ["a"])
    'R(a=0.1235)'
    """
    parts = []
    for name in names:
        value = getattr(result, name)
        if isinstance(value, float | np.floating):
            parts.append(f"{name}={float(value):.4g}")
        else:
            parts.append(f"{name}={value!r}")
    return f"{type(result).__name__}({', '.join(parts)})"


def html_table(result: Any) -> str:
    """Return an HTML table of a result's fields, every text escaped.

    Scalars are shown as they are (floats to 6 significant digits); arrays,
    Series and DataFrames as a preview of at most 10 rows with their shape.
    Field names, labels and values pass through :func:`html.escape`, so
    region names or group labels from users' files cannot inject markup.

    Parameters
    ----------
    result : dataclass instance
        A result.

    Returns
    -------
    str
        ``<table>`` with the class name as caption and one row per field.

    Examples
    --------
    >>> @dataclasses.dataclass(frozen=True)
    ... class R:
    ...     label: str
    ...     value: float
    >>> html_table(R("<b>north</b>", 0.123456789))  # doctest: +NORMALIZE_WHITESPACE
    '<table class="geodisparity-result"><caption>R</caption>\
<tr><th>label</th><td>&#x27;&lt;b&gt;north&lt;/b&gt;&#x27;</td></tr>\
<tr><th>value</th><td>0.123457</td></tr></table>'
    """
    rows = "".join(
        f"<tr><th>{html.escape(f.name)}</th><td>{_html_value(getattr(result, f.name))}</td></tr>"
        for f in dataclasses.fields(result)
    )
    caption = html.escape(type(result).__name__)
    return f'<table class="geodisparity-result"><caption>{caption}</caption>{rows}</table>'


def _html_value(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return html.escape(f"{float(value):.6g}")
    if isinstance(value, np.ndarray) and value.ndim <= 2:
        value = pd.DataFrame(value) if value.ndim == 2 else pd.Series(value)
    if isinstance(value, pd.Series):
        value = value.to_frame()
    if isinstance(value, pd.DataFrame):
        return _html_frame(value)
    text = repr(value)
    return html.escape(text if len(text) <= 300 else text[:299] + "…")


def _html_frame(frame: pd.DataFrame) -> str:
    shown = frame.head(_PREVIEW_ROWS)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    body = "".join(
        f"<tr><th>{html.escape(str(index))}</th>"
        + "".join(f"<td>{_html_cell(v)}</td>" for v in row)
        + "</tr>"
        for index, row in zip(shown.index, shown.itertuples(index=False), strict=True)
    )
    more = len(frame) - len(shown)
    width = len(shown.columns) + 1
    note = f'<tr><td colspan="{width}">… {more} more rows</td></tr>' if more else ""
    shape = f"{len(frame)} rows × {len(frame.columns)} columns"
    return f"<table><caption>{shape}</caption><tr><th></th>{head}</tr>{body}{note}</table>"


def _html_cell(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return html.escape(f"{float(value):.6g}")
    return html.escape(str(value))


class HtmlRepr:
    """Mixin giving a result dataclass a notebook display: :func:`html_table` of its fields."""

    def _repr_html_(self) -> str:
        return html_table(self)
