"""Line up the values of a spatial statistic with its weights.

Rule (shared by every global and local statistic):

* a plain array or list is matched to ``weights.ids`` **by position**;
* a pandas Series (or a column of ``data=``) is matched **by label**: its index
  must hold exactly the ids of the weights (any order; it is reordered). Any
  missing or extra label raises :class:`~geodisparity.errors.InputError`
  naming them, so a table that was filtered or re-indexed is never silently
  paired with the wrong regions.

``weights`` may be :class:`~geodisparity.spatial.weights.SpatialWeights` or
libpysal's ``W`` or ``Graph``: :func:`~geodisparity.spatial.interop.as_weights`
converts them here, once for every statistic.

Missing values follow ``nan``: ``"raise"`` (default) or ``"drop"``; dropped
regions are removed from the weights together with their links.

Examples
--------
>>> import pandas as pd, scipy.sparse as sp
>>> from geodisparity.spatial.weights import SpatialWeights
>>> w = SpatialWeights.from_sparse(sp.csr_array([[0, 1], [1, 0]]), ids=["a", "b"])
>>> prepare_spatial(pd.Series([2.0, 1.0], index=["b", "a"]), w).values.tolist()
[1.0, 2.0]
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from geodisparity._inputs import NanPolicy, resolve_column
from geodisparity.errors import DuplicateKeyError, InputError, format_rows
from geodisparity.spatial.interop import as_weights
from geodisparity.spatial.weights import SpatialWeights

__all__ = ["SpatialSample", "prepare_spatial", "transformed_matrix"]


@dataclass(frozen=True)
class SpatialSample:
    """Values in weights order, the weights restricted to the kept regions, and the mask.

    ``ids`` are the ids of all the regions (kept or not), in weights order.
    """

    values: np.ndarray
    weights: SpatialWeights
    keep: np.ndarray
    ids: pd.Index

    @property
    def n(self) -> int:
        """Number of regions kept."""
        return int(self.values.size)


def _is_labelled(arg: Any, data: pd.DataFrame | None) -> bool:
    if isinstance(arg, pd.Series | pd.DataFrame):
        return True
    return data is not None and isinstance(arg, Hashable) and not isinstance(arg, tuple)


def _aligned(arg: Any, weights: SpatialWeights, data: pd.DataFrame | None, name: str) -> np.ndarray:
    series = resolve_column(arg, data, name=name)
    if not _is_labelled(arg, data):
        if len(series) != weights.n:
            raise InputError(
                f"{name} has {len(series)} values but the weights have {weights.n} regions"
            )
        return _to_float(series, name)
    index = series.index
    if index.equals(weights.ids):
        return _to_float(series, name)
    if index.has_duplicates:
        raise DuplicateKeyError(
            f"{name} has duplicate index labels: {format_rows(index[index.duplicated()].unique())}"
        )
    missing = weights.ids.difference(index, sort=False)
    extra = index.difference(weights.ids, sort=False)
    if len(missing) or len(extra):
        raise InputError(
            f"the index of {name} does not match the weights' ids: "
            f"{len(missing)} regions have no value ({format_rows(missing)}), "
            f"{len(extra)} values have no region ({format_rows(extra)}). "
            "Pass values in the weights' order as a plain array to match by position"
        )
    return _to_float(series.reindex(weights.ids), name)


def _to_float(series: pd.Series, name: str) -> np.ndarray:
    try:
        return series.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be numeric; got dtype {series.dtype}") from exc


def prepare_spatial(
    values: Any,
    weights: Any,
    *,
    data: pd.DataFrame | None = None,
    nan: NanPolicy = "raise",
    others: dict[str, Any] | None = None,
) -> SpatialSample:
    """Align ``values`` (and optional ``others``) with ``weights`` and apply ``nan``.

    Parameters
    ----------
    values : array-like, Series or column name
        One value per region.
    weights : SpatialWeights, libpysal.weights.W or libpysal.graph.Graph
        Neighbour relations; their ids fix the order.
    data : DataFrame, optional
        Table in which column names are looked up.
    nan : {"raise", "drop"}
        Missing values raise, or drop the region (and its links).
    others : dict, optional
        Further variables (e.g. ``{"y": y}`` for bivariate statistics), aligned
        the same way; returned stacked as extra columns of ``values``.

    Returns
    -------
    SpatialSample
        ``values`` is ``(n,)``, or ``(n, 1 + len(others))`` with ``others``.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from geodisparity.spatial.weights import SpatialWeights
    >>> w = SpatialWeights.from_sparse(sp.csr_array([[0, 1, 0], [1, 0, 1], [0, 1, 0]]))
    >>> s = prepare_spatial([1.0, float("nan"), 3.0], w, nan="drop")
    >>> s.values.tolist(), s.weights.islands
    ([1.0, 3.0], [0, 2])
    """
    weights = as_weights(weights)
    ids = weights.ids
    if nan not in ("raise", "drop"):
        raise InputError(f"nan={nan!r} is not accepted; use 'raise' or 'drop'")
    columns = [_aligned(values, weights, data, "values")]
    for label, arg in (others or {}).items():
        columns.append(_aligned(arg, weights, data, label))
    stacked = np.column_stack(columns) if len(columns) > 1 else columns[0]
    bad = ~np.isfinite(stacked) if stacked.ndim == 1 else ~np.isfinite(stacked).all(axis=1)
    keep = ~bad
    if bad.any():
        if nan == "raise":
            raise InputError(
                f"{int(bad.sum())} of {weights.n} regions have missing (NaN) or infinite "
                f"values: {format_rows(weights.ids[bad])}; fix them or pass nan='drop'"
            )
        # Rows lose links, so a row-standardised matrix is no longer one: keep
        # the raw values and let the statistic re-apply its transform.
        matrix = weights.sparse[keep][:, keep]
        weights = SpatialWeights.from_sparse(matrix, weights.ids[keep], transform="B")
        stacked = stacked[keep]
    return SpatialSample(stacked, weights, keep, ids)


def transformed_matrix(weights: SpatialWeights, transform: str) -> sp.csr_array:
    """CSR matrix of ``weights.transformed(transform)``, built without a sparse product.

    Parameters
    ----------
    weights : SpatialWeights
        Neighbour relations.
    transform : {"B", "R", "O"}
        Binary, row-standardised, or the weights' own values as stored.

    Returns
    -------
    scipy.sparse.csr_array
        Without stored zeros; otherwise shares ``indices`` and ``indptr`` with
        ``weights.sparse``.

    Examples
    --------
    >>> from geodisparity.spatial.weights import SpatialWeights
    >>> w = SpatialWeights.from_sparse([[0, 2, 2], [1, 0, 0], [0, 0, 0]])
    >>> transformed_matrix(w, "R").toarray().tolist()
    [[0.0, 0.5, 0.5], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    matrix = weights.sparse
    if (matrix.data == 0).any():  # a stored zero is not a link
        matrix = matrix.copy()
        matrix.eliminate_zeros()
    if transform == "O" or (transform == "R" and weights.transform == "R"):
        return matrix
    if transform == "B":
        if (matrix.data == 1).all():
            return matrix
        data = np.ones_like(matrix.data)
    elif transform == "R":
        counts = np.diff(matrix.indptr)
        sums = np.zeros(matrix.shape[0])
        has = counts > 0
        sums[has] = np.add.reduceat(matrix.data, matrix.indptr[:-1][has])
        with np.errstate(divide="ignore", invalid="ignore"):
            data = matrix.data / np.repeat(sums, counts)
    else:
        raise InputError(f"transform={transform!r} is not accepted; use 'R', 'B' or 'O'")
    return sp.csr_array((data, matrix.indices, matrix.indptr), shape=matrix.shape)
