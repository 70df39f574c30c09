"""Line up a panel (regions x periods) with spatial weights.

Shared by the space-time statistics (:mod:`geodisparity.spatial.emerging`,
:mod:`geodisparity.spatial.lisa_dynamics`). The input is either a long table
(one row per region and period: ``id``, ``time`` and ``value`` columns; ``id``
None means the region is the row index) or, with ``time=None``, a wide table
(rows: regions by index, columns: periods). Regions must be exactly the
weights' ids, every region needs a finite value in every period, and periods
are sorted.

Examples
--------
>>> import pandas as pd, scipy.sparse as sp
>>> from geodisparity.spatial.weights import SpatialWeights
>>> w = SpatialWeights.from_sparse(sp.csr_array([[0, 1], [1, 0]]), ids=["a", "b"])
>>> long = pd.DataFrame({"code": ["b", "a", "a", "b"], "year": [2020, 2020, 2021, 2021],
...                      "v": [2.0, 1.0, 3.0, 4.0]})
>>> panel(long, "v", w, time="year", id="code").to_numpy().tolist()
[[1.0, 3.0], [2.0, 4.0]]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from geodisparity.errors import (
    DuplicateKeyError,
    InputError,
    MissingColumnError,
    format_rows,
)
from geodisparity.spatial.weights import SpatialWeights

__all__ = ["panel"]


def _require(frame: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise MissingColumnError(
            f"{', '.join(map(repr, missing))} not a column of frame; columns are: "
            f"{format_rows(map(str, frame.columns), limit=20)}"
        )


def _wide(frame: pd.DataFrame, value: str | None, time: str | None, id: str | None) -> pd.DataFrame:
    if time is None:
        return frame if value is None else frame[value]
    _require(frame, [c for c in (value, time, id) if c is not None])
    keys = frame[id] if id is not None else frame.index.to_series()
    long = pd.DataFrame({"id": keys.to_numpy(), "time": frame[time].to_numpy(),
                         "value": frame[value].to_numpy()})
    repeated = long.duplicated(["id", "time"], keep=False)
    if repeated.any():
        pairs = long.loc[repeated, ["id", "time"]].drop_duplicates()
        raise DuplicateKeyError(
            f"frame has several rows for the same region and {time}: "
            f"{format_rows(f'{a} ({b})' for a, b in pairs.itertuples(index=False))}"
        )
    return long.pivot(index="id", columns="time", values="value")


def _by_position(frame: pd.DataFrame, value: str | None, weights: SpatialWeights,
                 time: str | None, id: str | None) -> pd.DataFrame | None:  # noqa: A002
    """Return the panel of a complete long table of numbers, placed by position, or None.

    Every check of :func:`panel` passes when each (region of the weights, period)
    pair has exactly one finite number: the cells are then filled directly (a
    pivot, reindex and conversion take ten times longer). Anything else (other
    regions, repeats, gaps, text, missing values) returns None and goes through
    the general path, which says what is wrong.
    """
    if time is None or value is None or any(
            c is not None and c not in frame.columns for c in (value, time, id)):
        return None
    values, periods = frame[value].to_numpy(), frame[time].to_numpy()
    if values.dtype.kind not in "fiu" or periods.dtype.kind not in "iu":
        return None
    rows = weights.ids.get_indexer(frame[id] if id is not None else frame.index)
    labels, columns = np.unique(periods, return_inverse=True)
    cells = rows * labels.size + columns
    if (len(labels) < 2 or (rows < 0).any() or cells.size != weights.ids.size * labels.size
            or np.unique(cells).size != cells.size):
        return None
    table = np.empty(cells.size)
    table[cells] = values
    if not np.isfinite(table).all():
        return None
    return pd.DataFrame(table.reshape(-1, labels.size), index=weights.ids,
                        columns=pd.Index(labels, name="time"))


def panel(
    frame: pd.DataFrame, value: str | None, weights: SpatialWeights, *, time: str | None,
    id: str | None,
) -> pd.DataFrame:
    """Return a float table, rows ``weights.ids``, columns the sorted periods.

    Parameters
    ----------
    frame : DataFrame
        Long table (with ``time``) or wide table (``time=None``).
    value : str or None
        Column of values (long table); None for a wide table of values.
    weights : SpatialWeights
        Neighbour relations; their ids fix the row order.
    time, id : str or None
        Columns of the period and of the region id (None: the index).

    Returns
    -------
    DataFrame

    Raises
    ------
    InputError
        Regions not in the weights or missing, missing values, fewer than 2 periods.
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"frame must be a pandas DataFrame; got {type(frame).__name__}")
    if not isinstance(weights, SpatialWeights):
        raise InputError(f"weights must be a SpatialWeights; got {type(weights).__name__}")
    quick = _by_position(frame, value, weights, time, id)
    if quick is not None:
        return quick
    wide = _wide(frame, value, time, id)
    wide = wide.reindex(sorted(wide.columns), axis=1)
    missing = weights.ids.difference(wide.index, sort=False)
    extra = wide.index.difference(weights.ids, sort=False)
    if len(missing) or len(extra):
        raise InputError(
            f"the regions of frame do not match the weights' ids: {len(missing)} regions "
            f"have no row ({format_rows(missing)}), {len(extra)} rows have no region in the "
            f"weights ({format_rows(extra)})"
        )
    try:
        values = wide.reindex(weights.ids).apply(pd.to_numeric, errors="raise").astype(float)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{value or 'frame'} must hold numbers: {exc}") from None
    bad = ~np.isfinite(values.to_numpy()).all(axis=1)
    if bad.any():
        raise InputError(
            f"{int(bad.sum())} regions lack a finite {value or 'value'} in some period "
            f"(a space-time analysis needs every region in every period): "
            f"{format_rows(values.index[bad])}"
        )
    if values.shape[1] < 2:
        raise InputError(f"need at least 2 periods; got {values.shape[1]}")
    return values


def period_labels(columns: pd.Index) -> list[Any]:
    """Plain Python period labels (ints stay ints) for column names and messages.

    Examples
    --------
    >>> period_labels(pd.Index([np.int64(2020), np.int64(2021)]))
    [2020, 2021]
    """
    return [c.item() if isinstance(c, np.generic) else c for c in columns]
