"""Inequality indices, population-weighted.

Every index takes ``values`` (e.g. per-capita income of each region) and
optional ``weights`` (e.g. population), and treats a region of weight ``w`` as
``w`` people sharing that region's value. With integer weights each index
therefore equals the unweighted index of the data with each row repeated
``w`` times (the *replication* or population principle). Without weights
every region counts once.

Notation: ``p_i = w_i / sum(w)`` population shares, ``mu = sum(p_i y_i)`` the
weighted mean, ``s_i = p_i y_i / mu`` income shares.

Examples
--------
>>> gini([1, 2, 3, 4])
0.25
>>> gini([1, 2, 3, 4], [1, 1, 1, 1]) == gini([1, 2, 3, 4])
True
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from geodisparity._inputs import NanPolicy, Sample, check_positive
from geodisparity.errors import InputError
from geodisparity.stats._common import _avg, _dot, _load, _positive_mean, _shares, _sorted

__all__ = [
    "gini",
    "theil",
    "mld",
    "ge",
    "atkinson",
    "cv",
    "williamson",
]


# --- shared helpers ---------------------------------------------------------------------------


def _mean_log(x: np.ndarray, low: float, total: float) -> float:
    """Return the mean of ``log(x)`` for positive finite ``x`` of minimum ``low`` and sum ``total``.

    Long arrays sum their logarithms as logarithms of products of ``k`` values,
    one multiplication per value instead of one logarithm. ``k`` is chosen
    from the data's range (``min(x)`` and the bound ``max(x) <= sum(x)``) so
    that no partial product can leave the normal floating-point range: every
    product is then exact to ``k`` roundings, as accurate as summing ``k`` logs.

    Examples
    --------
    >>> x = np.linspace(1.0, 1e6, 10_001)
    >>> mean_log = _mean_log(x, x.min(), x.sum())
    >>> bool(np.isclose(mean_log, np.log(x).mean(), rtol=1e-14, atol=0))
    True
    """
    n = x.size
    if n >= 6144:  # below, the fixed cost of the blocks outweighs the logs saved
        if low > 0 and math.isfinite(total):
            bits = max(-math.log2(low), math.log2(total), 1.0)
            k = min(64, int(1000 // bits))  # |log2| of any product of k values <= 1000
            if k >= 8:
                m = n - n % k
                products = x[:m].reshape(k, m // k).prod(axis=0)
                return (float(np.log(products).sum()) + float(np.log(x[m:]).sum())) / n
    return float(np.add.reduce(np.log(x))) / n


def _ge_from_shares(y: np.ndarray, p: np.ndarray | None, alpha: float) -> float:
    """Generalised entropy GE(alpha) of values ``y`` with population shares ``p``."""
    mu = _avg(y, p)
    with np.errstate(divide="ignore", invalid="ignore"):
        if alpha == 0:
            return float(np.log(mu) - _avg(np.log(y), p)) + 0.0  # no negative zero
        if alpha == 1:
            r = y / mu
            if r.min() > 0:  # the usual case: no zeros to map to 0 * log 0 = 0
                terms = np.log(r)
                terms *= r
            else:
                terms = np.where(r > 0, r * np.log(np.where(r > 0, r, 1.0)), 0.0)
            return _avg(terms, p)
        return (_avg((y / mu) ** alpha, p) - 1.0) / (alpha * (alpha - 1.0))


def _check_ge_values(sample: Sample, alpha: float, measure: str) -> None:
    check_positive(sample, measure=measure, allow_zero=alpha > 0)


_RANK_BLOCK = 1024


def _gini_sorted(y: np.ndarray, w: np.ndarray) -> float:
    """Gini of values ``y`` sorted ascending with weights ``w``.

    ``sum_{i,j} w_i w_j |y_i - y_j| / (2 W^2 mu)`` computed as
    ``sum_j w_j (y_j C_j - S_j) / (W * sum w y)`` where ``C_j``, ``S_j`` are
    the weight and weighted income strictly below ``j`` in sorted order.
    """
    wy = w * y
    below_w = np.cumsum(w) - w
    below_wy = np.cumsum(wy) - wy
    total_w, total_wy = float(w.sum()), float(wy.sum())
    return _dot(w, y * below_w - below_wy) / (total_w * total_wy)


def _gini_unweighted_sorted(y: np.ndarray) -> tuple[float, float]:
    """Return the Gini of sorted values ``y`` and their sum.

    ``G = sum_i (2 i - n - 1) y_(i) / (n sum y)``, ``i`` from 1. Long arrays
    take the rank-weighted sum block-wise, ``i - 1 = r k + c`` over ``y``
    viewed as rows of ``k`` values: ``k sum_r r rowsum_r + sum_c c colsum_c``,
    two passes over ``y`` and no ``n``-long array of ranks to allocate.
    """
    n, k = y.size, _RANK_BLOCK
    m = n // k
    if m < 4:
        total = float(np.add.reduce(y))
        centred_ranks = np.arange(1 - n, n, 2, dtype=float)  # 2 i - n - 1
        return _dot(centred_ranks, y) / (n * total) if total > 0 else math.nan, total
    head, tail = y[: m * k].reshape(m, k), y[m * k :]
    row_sums = np.add.reduce(head, axis=1)
    ranked = k * _dot(np.arange(m, dtype=float), row_sums)
    ranked += _dot(np.arange(k, dtype=float), np.add.reduce(head, axis=0))
    ranked += _dot(np.arange(m * k, n, dtype=float), tail)
    total = float(np.add.reduce(row_sums)) + float(np.add.reduce(tail))
    return (2.0 * ranked - (n - 1) * total) / (n * total) if total > 0 else math.nan, total


# --- indices ----------------------------------------------------------------------------------


def gini(
    values: Any, weights: Any = None, *, data: pd.DataFrame | None = None, nan: NanPolicy = "raise"
) -> float:
    """Gini coefficient: mean absolute difference over twice the mean.

    ``G = sum_ij p_i p_j |y_i - y_j| / (2 mu)``, the population form (pairs of
    a region with itself included, no ``n/(n-1)`` correction), as in PySAL's
    ``inequality.gini``. Computed in O(n log n) by sorting.

    Parameters
    ----------
    values : array-like, Series or column name
        Non-negative values, e.g. per-capita income.
    weights : array-like, Series, column name or None
        Non-negative population weights.
    data : DataFrame, optional
        Table in which column names are looked up.
    nan : {"raise", "drop"}
        Missing values raise an error naming the rows, or are dropped with a
        :class:`~geodisparity.errors.DroppedRowsWarning`.

    Returns
    -------
    float
        Between 0 (equality) and ``1 - 1/n``.

    Examples
    --------
    >>> gini([1, 1, 1, 1])
    0.0
    >>> gini([0, 0, 0, 1])
    0.75
    >>> gini([1, 3], weights=[3, 1])  # a region of 3 people at 1, 1 person at 3
    0.25
    """
    sample = _load(values, weights, data, nan, "gini")
    check_positive(sample, measure="gini", allow_zero=True)
    if sample.weights is None:
        y = np.sort(sample.values)
        g, total = _gini_unweighted_sorted(y)
        if not total > 0:  # values are >= 0: a zero total is a zero mean
            _positive_mean(y, None, "gini")  # raises, giving the mean
        return g + 0.0
    y, w = _sorted(sample)
    _positive_mean(y, w / w.sum(), "gini")
    return _gini_sorted(y, w)


def ge(
    values: Any,
    alpha: float,
    weights: Any = None,
    *,
    data: pd.DataFrame | None = None,
    nan: NanPolicy = "raise",
) -> float:
    """Generalised entropy index GE(alpha).

    ``GE(a) = (sum_i p_i (y_i/mu)^a - 1) / (a (a - 1))``; ``GE(0)`` is the mean
    log deviation (:func:`mld`) and ``GE(1)`` the Theil T index (:func:`theil`).
    Zeros are accepted when ``alpha > 0``; ``alpha <= 0`` needs positive values.

    Parameters
    ----------
    values : array-like, Series or column name
        Values, e.g. per-capita income.
    alpha : float
        Sensitivity: small ``alpha`` weighs the bottom, large the top.
    weights : array-like, Series, column name or None
        Non-negative population weights.
    data : DataFrame, optional
        Table in which column names are looked up.
    nan : {"raise", "drop"}
        Policy for missing values.

    Returns
    -------
    float

    Examples
    --------
    >>> round(ge([1, 2, 3, 4], 2), 6)  # half the squared coefficient of variation
    0.1
    >>> ge([0, 1], 0)
    Traceback (most recent call last):
    ...
    geodisparity.errors.InputError: ge(alpha=0) needs positive values; 1 rows are not: rows 0 (values 0.0)
    """  # noqa: E501
    alpha = float(alpha)
    measure = f"ge(alpha={alpha:g})"
    sample = _load(values, weights, data, nan, measure)
    _check_ge_values(sample, alpha, measure)
    p = _shares(sample)
    _positive_mean(sample.values, p, measure)
    return _ge_from_shares(sample.values, p, alpha)


def theil(
    values: Any, weights: Any = None, *, data: pd.DataFrame | None = None, nan: NanPolicy = "raise"
) -> float:
    """Theil T index, GE(1): ``sum_i s_i ln(s_i / p_i)``.

    Parameters
    ----------
    values : array-like, Series or column name
        Non-negative values (zeros contribute 0).
    weights : array-like, Series, column name or None
        Non-negative population weights.
    data : DataFrame, optional
        Table in which column names are looked up.
    nan : {"raise", "drop"}
        Policy for missing values.

    Returns
    -------
    float
        0 at equality, at most ``ln(n)`` unweighted.

    Examples
    --------
    >>> round(theil([0, 1]), 6)  # ln 2
    0.693147
    >>> theil([5, 5, 5])
    0.0
    """
    sample = _load(values, weights, data, nan, "theil")
    _check_ge_values(sample, 1.0, "theil")
    p = _shares(sample)
    _positive_mean(sample.values, p, "theil")
    return _ge_from_shares(sample.values, p, 1.0)


def mld(
    values: Any, weights: Any = None, *, data: pd.DataFrame | None = None, nan: NanPolicy = "raise"
) -> float:
    """Mean log deviation (Theil L), GE(0): ``sum_i p_i ln(mu / y_i)``.

    Parameters
    ----------
    values : array-like, Series or column name
        Strictly positive values.
    weights : array-like, Series, column name or None
        Non-negative population weights.
    data : DataFrame, optional
        Table in which column names are looked up.
    nan : {"raise", "drop"}
        Policy for missing values.

    Returns
    -------
    float

    Examples
    --------
    >>> round(mld([1, 4]), 6)  # ln(2.5) - ln(2)
    0.223144
    >>> mld([2.0])
    0.0
    """
    sample = _load(values, weights, data, nan, "mld")
    _check_ge_values(sample, 0.0, "mld")
    return _ge_from_shares(sample.values, _shares(sample), 0.0)


def atkinson(
    values: Any,
    epsilon: float,
    weights: Any = None,
    *,
    data: pd.DataFrame | None = None,
    nan: NanPolicy = "raise",
) -> float:
    """Atkinson index: ``1 - (equally distributed equivalent) / mean``.

    ``A(e) = 1 - (sum_i p_i (y_i/mu)^(1-e))^(1/(1-e))``, and for ``e = 1``
    ``1 - exp(sum_i p_i ln y_i) / mu``. ``epsilon >= 0``; zeros are accepted
    when ``epsilon < 1`` (``epsilon >= 1`` needs positive values).

    Parameters
    ----------
    values : array-like, Series or column name
        Values, e.g. per-capita income.
    epsilon : float
        Inequality aversion, ``>= 0``.
    weights : array-like, Series, column name or None
        Non-negative population weights.
    data : DataFrame, optional
        Table in which column names are looked up.
    nan : {"raise", "drop"}
        Policy for missing values.

    Returns
    -------
    float
        Between 0 and 1.

    Examples
    --------
    >>> round(atkinson([1, 4], 1), 6)  # geometric mean 2, mean 2.5
    0.2
    >>> atkinson([1, 4], 0)
    0.0
    """
    epsilon = float(epsilon)
    measure = f"atkinson(epsilon={epsilon:g})"
    if not epsilon >= 0:
        raise InputError(f"epsilon must be >= 0; got {epsilon!r}")
    sample = _load(values, weights, data, nan, measure)
    if epsilon == 1 and sample.weights is None:
        return _atkinson_one_unweighted(sample, measure)
    check_positive(sample, measure=measure, allow_zero=epsilon < 1)
    p = _shares(sample)
    mu = _positive_mean(sample.values, p, measure)
    if epsilon == 1:
        return float(1.0 - np.exp(_avg(np.log(sample.values), p) - np.log(mu)))
    r = sample.values / mu
    return float(1.0 - _avg(r ** (1.0 - epsilon), p) ** (1.0 / (1.0 - epsilon)))


def _atkinson_one_unweighted(sample: Sample, measure: str) -> float:
    """Atkinson(1) without weights: one minus geometric over arithmetic mean."""
    x = sample.values
    low = float(x.min())
    if not low > 0:
        check_positive(sample, measure=measure)  # raises, naming the rows
    total = float(np.add.reduce(x))
    return 1.0 - math.exp(_mean_log(x, low, total) - math.log(total / x.size))


def cv(
    values: Any, weights: Any = None, *, data: pd.DataFrame | None = None, nan: NanPolicy = "raise"
) -> float:
    """Coefficient of variation: (weighted) standard deviation over the (weighted) mean.

    The population standard deviation (divisor ``n``, or ``sum(w)``), so that
    the weighted form is Williamson's index (see :func:`williamson`).

    Parameters
    ----------
    values : array-like, Series or column name
        Values with a positive mean.
    weights : array-like, Series, column name or None
        Non-negative population weights.
    data : DataFrame, optional
        Table in which column names are looked up.
    nan : {"raise", "drop"}
        Policy for missing values.

    Returns
    -------
    float

    Examples
    --------
    >>> cv([1, 3])
    0.5
    >>> cv([7])
    0.0
    """
    sample = _load(values, weights, data, nan, "cv")
    return _cv(sample, "cv")


def _cv(sample: Sample, measure: str) -> float:
    p = _shares(sample)
    mu = _positive_mean(sample.values, p, measure)
    return float(np.sqrt(_avg((sample.values - mu) ** 2, p)) / mu)


def williamson(
    values: Any, weights: Any = None, *, data: pd.DataFrame | None = None, nan: NanPolicy = "raise"
) -> float:
    """Williamson's population-weighted coefficient of variation (Williamson 1965).

    ``V_w = sqrt(sum_i p_i (y_i - mu)^2) / mu`` with ``p_i`` population shares
    and ``mu`` the population-weighted mean. Equals :func:`cv` with the same
    weights; without weights it is the unweighted coefficient of variation.

    Parameters
    ----------
    values : array-like, Series or column name
        Per-capita values of the regions.
    weights : array-like, Series, column name or None
        Population of each region.
    data : DataFrame, optional
        Table in which column names are looked up.
    nan : {"raise", "drop"}
        Policy for missing values.

    Returns
    -------
    float

    Examples
    --------
    >>> williamson([1, 3], [1, 3])  # mean 2.5, variance 0.75
    0.34641016151377546
    >>> williamson([4, 4], [1, 9])
    0.0
    """
    sample = _load(values, weights, data, nan, "williamson")
    return _cv(sample, "williamson")


