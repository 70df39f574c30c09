"""Shared helpers for result dataclasses: plain-Python export and a short repr."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["to_plain", "result_dict", "short_repr"]


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
