"""Population, capacity and score columns of the accessibility functions, validated.

Examples
--------
>>> import pandas as pd
>>> amounts(pd.DataFrame({"beds": [3, 0]}), "beds", argument="capacity", where="supply").tolist()
[3.0, 0.0]
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd

from geodisparity.errors import InputError, format_rows

__all__ = ["amounts", "column_values"]


def amounts(frame: Any, spec: Any, *, argument: str, where: str) -> np.ndarray:
    """Return population or capacity (0 or more): a column of ``frame`` or its values."""
    series = column_values(frame, spec, argument=argument, where=where)
    try:
        values = series.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{argument} must hold numbers: {exc}") from exc
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        raise InputError(
            f"{argument} must be 0 or more, with no missing value; {int(bad.sum())} rows of "
            f"{where} are not: {format_rows(frame.index[bad])} (values "
            f"{format_rows(values[bad])})"
        )
    return values


def column_values(frame: Any, spec: Any, *, argument: str, where: str) -> pd.Series:
    """Return ``spec`` as a Series aligned to ``frame``: a column of it or values in its order."""
    if not isinstance(frame, pd.DataFrame | pd.Series):
        raise InputError(f"{where} must be a GeoDataFrame, GeoSeries or DataFrame; got "
                         f"{type(frame).__name__}")
    if isinstance(spec, str) or (isinstance(spec, Hashable) and not isinstance(spec, tuple)
                                 and np.ndim(spec) == 0):
        if not isinstance(frame, pd.DataFrame) or spec not in frame.columns:
            columns = list(frame.columns) if isinstance(frame, pd.DataFrame) else []
            raise InputError(f"{argument}={spec!r} is not a column of {where}; columns: "
                             f"{format_rows(map(str, columns), limit=20)}")
        return frame[spec]
    if isinstance(spec, pd.Series):
        if not spec.index.equals(frame.index):
            raise InputError(f"{argument} is a Series whose index differs from {where}'s; "
                             f"give a column name, or values in {where}'s row order")
        return spec
    values = np.asarray(spec)
    if values.ndim != 1 or len(values) != len(frame):
        raise InputError(f"{argument} must be a column name or {len(frame)} values, one per row "
                         f"of {where}; got shape {values.shape}")
    return pd.Series(values, index=frame.index)
