"""Turn the many shapes of user input into validated NumPy arrays.

Statistics accept arrays, lists, pandas Series, or a DataFrame plus column
names (``gini("income", "population", data=frame)``). This module is the one
place that resolves those forms, checks lengths, NaN and signs, and produces
error messages that name the argument, the value and the rows concerned.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from geodisparity.errors import (
    DroppedRowsWarning,
    EmptyDataError,
    InputError,
    MissingColumnError,
    format_rows,
)

__all__ = [
    "Sample",
    "NanPolicy",
    "resolve_column",
    "prepare_sample",
    "check_positive",
    "warn_dropped",
    "make_rng",
    "SEED_ACCEPTED",
]

NanPolicy = Literal["raise", "drop"]


@dataclass(frozen=True)
class Sample:
    """Validated values with optional weights and groups, aligned to ``index``."""

    values: np.ndarray
    weights: np.ndarray | None
    groups: np.ndarray | None
    index: pd.Index
    n_dropped: int
    dropped: pd.Index

    @property
    def size(self) -> int:
        """Number of observations kept."""
        return int(self.values.shape[0])


def resolve_column(arg: Any, data: pd.DataFrame | None, *, name: str) -> pd.Series | None:
    """Return ``arg`` as a Series, looking it up in ``data`` when it is a column name.

    Parameters
    ----------
    arg : array-like, Series, column name or None
        The user's argument.
    data : DataFrame or None
        Table in which column names are looked up.
    name : str
        The argument's name, for error messages.

    Returns
    -------
    Series or None
        None when ``arg`` is None.

    Examples
    --------
    >>> import pandas as pd
    >>> resolve_column("x", pd.DataFrame({"x": [1, 2]}), name="values").tolist()
    [1, 2]
    """
    if arg is None:
        return None
    if data is not None and isinstance(arg, Hashable) and not isinstance(arg, tuple | bytes):
        if arg not in data.columns:
            raise MissingColumnError(
                f"{name}={arg!r} is not a column of data; columns are: "
                f"{format_rows(map(str, data.columns), limit=20)}"
            )
        return data[arg]
    if isinstance(arg, str):
        raise InputError(f"{name}={arg!r} looks like a column name, but no data= table was given")
    if isinstance(arg, pd.Series):
        return arg
    if isinstance(arg, pd.DataFrame):
        if arg.shape[1] != 1:
            raise InputError(
                f"{name} must be one-dimensional; got a DataFrame with {arg.shape[1]} columns. "
                "Pass a column, or the DataFrame as data= with a column name"
            )
        return arg.iloc[:, 0]
    array = np.asarray(arg)
    if array.ndim != 1:
        raise InputError(
            f"{name} must be one-dimensional (an array, list or Series); got shape {array.shape}"
        )
    index = data.index if data is not None and len(data) == len(array) else None
    return pd.Series(array, index=index)


def _as_float(series: pd.Series, name: str) -> np.ndarray:
    try:
        return series.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        bad = [
            label
            for label, value in series.items()
            if pd.notna(value) and not _is_number(value)
        ]
        raise InputError(
            f"{name} must be numeric; {len(bad)} rows are not numbers: {format_rows(bad)}"
        ) from exc


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def prepare_sample(
    values: Any,
    weights: Any = None,
    groups: Any = None,
    *,
    data: pd.DataFrame | None = None,
    nan: NanPolicy = "raise",
    allow_empty: bool = False,
) -> Sample:
    """Validate values, weights and groups and align them.

    Parameters
    ----------
    values : array-like, Series or column name
        The measure, e.g. per-capita income.
    weights : array-like, Series, column name or None
        Non-negative weights, e.g. population.
    groups : array-like, Series, column name or None
        Group labels for decompositions.
    data : DataFrame, optional
        Table in which column names are looked up.
    nan : {"raise", "drop"}
        What to do with rows where values, weights or groups are missing.
    allow_empty : bool, default False
        Accept zero rows instead of raising :class:`EmptyDataError`.

    Returns
    -------
    Sample

    Examples
    --------
    >>> s = prepare_sample([1.0, float("nan"), 3.0], nan="drop")
    >>> s.values.tolist(), s.n_dropped, s.dropped.tolist()
    ([1.0, 3.0], 1, [1])
    """
    if nan not in ("raise", "drop"):
        raise InputError(f"nan={nan!r} is not accepted; use 'raise' or 'drop'")
    if groups is None:
        fast = _clean_sample(values, weights, data)
        if fast is not None:
            return fast
    value_series = resolve_column(values, data, name="values")
    weight_series = resolve_column(weights, data, name="weights")
    group_series = resolve_column(groups, data, name="groups")
    index = value_series.index
    n = len(value_series)
    for label, series in (("weights", weight_series), ("groups", group_series)):
        if series is not None and len(series) != n:
            raise InputError(
                f"{label} has {len(series)} rows but values has {n}; they must be the same length"
            )

    x = _as_float(value_series, "values")
    w = None if weight_series is None else _as_float(weight_series, "weights")
    g = None if group_series is None else group_series.to_numpy()

    missing = ~np.isfinite(x)
    if w is not None:
        missing |= ~np.isfinite(w)
    if g is not None:
        missing |= pd.isna(group_series).to_numpy()
    if not missing.any():
        dropped = index[:0]
    else:
        dropped = index[missing]
        if nan == "raise":
            raise InputError(
                f"{int(missing.sum())} of {n} rows have missing (NaN) or infinite values "
                f"in values, weights or groups: rows {format_rows(dropped)}; "
                "fix them or pass nan='drop'"
            )
        keep = ~missing
        x, index = x[keep], index[keep]
        w = None if w is None else w[keep]
        g = None if g is None else g[keep]

    if w is not None:
        negative = w < 0
        if negative.any():
            raise InputError(
                f"weights must be non-negative; {int(negative.sum())} rows are negative: "
                f"rows {format_rows(index[negative])}"
            )
        if x.size and not (w > 0).any():
            raise InputError("weights are all zero; at least one must be positive")
    if x.size == 0 and not allow_empty:
        raise EmptyDataError(
            "values is empty" + (f" after dropping {int(missing.sum())} NaN rows" if n else "")
        )
    return Sample(x, w, g, index, int(missing.sum()), dropped)


# --- fast path: numeric arrays without missing values ------------------------------------------
#
# Most calls pass clean float arrays or numeric columns. For those, validation
# is a few reductions over the data (no pandas Series, no masks, no copy of a
# float64 input) and the result is identical to the general path. Anything
# else (missing values, non-numeric or object data, bad weights, empty input,
# shapes that do not match) returns None, and the general path in
# prepare_sample takes over, so errors and warnings come from one place only.


def _numeric_view(arg: Any, data: pd.DataFrame | None) -> tuple[np.ndarray, pd.Index] | None:
    """Return ``arg`` as a read-only 1-D float64 array and its row labels, or None.

    None means "not a plain numeric input": the general path decides what to do.
    """
    index = None
    if isinstance(arg, str):
        if data is None or arg not in data.columns:
            return None
        arg = data[arg]
    elif data is not None and not isinstance(arg, np.ndarray | list):
        return None
    if isinstance(arg, pd.Series):
        if not (isinstance(arg.dtype, np.dtype) and arg.dtype.kind in "fiu"):
            return None
        array, index = arg.to_numpy(), arg.index
    elif type(arg) is np.ndarray:
        array = arg
    elif isinstance(arg, list):
        array = np.asarray(arg)
    else:
        return None
    if array.ndim != 1 or array.dtype.kind not in "fiu" or array.shape[0] == 0:
        return None
    view = array.astype(np.float64, copy=False).view()
    view.flags.writeable = False  # the user's array is shared, never modified
    if index is None:
        n = view.shape[0]
        if data is not None and len(data) == n:
            index = data.index
        else:
            index = pd.RangeIndex.from_range(range(n))  # O(1), as pandas' default index
    return view, index


def _clean_sample(values: Any, weights: Any, data: pd.DataFrame | None) -> Sample | None:
    """Return the :class:`Sample` of clean numeric inputs, or None to use the general path."""
    resolved = _numeric_view(values, data)
    if resolved is None:
        return None
    x, index = resolved
    w = None
    if weights is not None:
        resolved_weights = _numeric_view(weights, data)
        if resolved_weights is None:
            return None
        w = resolved_weights[0]
        if w.shape != x.shape:
            return None
    if not np.isfinite(x).all():
        return None
    if w is not None and not (np.isfinite(w).all() and w.min() >= 0 and w.max() > 0):
        return None
    return Sample(x, w, None, index, 0, index[:0])


def check_positive(sample: Sample, *, measure: str, allow_zero: bool = False) -> None:
    """Raise when values are not (strictly) positive, as log-based indices need.

    Parameters
    ----------
    sample : Sample
        Validated sample.
    measure : str
        Name of the index, for the message.
    allow_zero : bool, default False
        Accept zeros (Theil T tolerates them, MLD does not).

    Examples
    --------
    >>> check_positive(prepare_sample([1.0, 2.0]), measure="mld")
    """
    x = sample.values
    if x.size:
        low = x.min()
        if low > 0 or (allow_zero and low == 0):  # NaN fails both tests, as below
            return
    bad = x < 0 if allow_zero else x <= 0
    if bad.any():
        kind = "non-negative" if allow_zero else "positive"
        raise InputError(
            f"{measure} needs {kind} values; {int(bad.sum())} rows are not: "
            f"rows {format_rows(sample.index[bad])} "
            f"(values {format_rows(sample.values[bad])})"
        )


def warn_dropped(sample: Sample, *, measure: str, stacklevel: int = 3) -> None:
    """Warn with :class:`~geodisparity.errors.DroppedRowsWarning` when rows were dropped.

    Plain functions returning a float cannot report how many rows ``nan="drop"``
    removed, so they warn instead, naming the count and the rows.

    Parameters
    ----------
    sample : Sample
        Validated sample.
    measure : str
        Name of the statistic, for the message.
    stacklevel : int, default 3
        Passed to :func:`warnings.warn` so the warning points at the caller.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_dropped(prepare_sample([1.0, None], nan="drop"), measure="gini")
    >>> str(caught[0].message)
    'gini: dropped 1 of 2 rows with missing values: rows 1'
    """
    if sample.n_dropped:
        total = sample.size + sample.n_dropped
        warnings.warn(
            f"{measure}: dropped {sample.n_dropped} of {total} rows with missing values: "
            f"rows {format_rows(sample.dropped)}",
            DroppedRowsWarning,
            stacklevel=stacklevel,
        )


#: What ``seed=`` accepts, for messages and docstrings.
SEED_ACCEPTED = (
    "None (fresh entropy), a non-negative integer, a numpy.random.SeedSequence "
    "or a numpy.random.Generator (used as is, and advanced)"
)


def make_rng(seed: Any, *, name: str = "seed") -> np.random.Generator:
    """Return the random generator for ``seed``, refusing anything else with a clear error.

    Every function that draws random numbers takes its ``seed`` through here,
    so they all accept the same values: None, a non-negative integer (Python
    or NumPy, not a bool), a :class:`numpy.random.SeedSequence`, or a
    :class:`numpy.random.Generator`. Global random state is never used.

    Parameters
    ----------
    seed : None, int, SeedSequence or Generator
        The caller's seed.
    name : str, default "seed"
        The argument's name, for messages.

    Returns
    -------
    numpy.random.Generator

    Examples
    --------
    >>> bool(make_rng(7).integers(100) == make_rng(7).integers(100))
    True
    >>> make_rng(-1)
    Traceback (most recent call last):
    ...
    geodisparity.errors.InputError: seed=-1 is not accepted; use None (fresh entropy), ...
    """
    if isinstance(seed, np.random.Generator):
        return seed
    accepted = seed is None or isinstance(seed, np.random.SeedSequence)
    if isinstance(seed, int | np.integer) and not isinstance(seed, bool | np.bool_):
        accepted = seed >= 0
    if not accepted:
        raise InputError(f"{name}={seed!r} is not accepted; use {SEED_ACCEPTED}")
    return np.random.default_rng(seed)
