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

from geodisparity._inputs import NanPolicy, Sample, check_positive, prepare_sample, warn_dropped
from geodisparity.errors import InputError

__all__ = [
    "gini",
    "theil",
    "mld",
    "ge",
    "atkinson",
    "cv",
    "williamson",
    "max_min_ratio",
    "percentile_ratio",
    "palma",
    "hoover",
    "lorenz",
]


# --- shared helpers ---------------------------------------------------------------------------


def _load(
    values: Any, weights: Any, data: pd.DataFrame | None, nan: NanPolicy, measure: str
) -> Sample:
    sample = prepare_sample(values, weights, data=data, nan=nan)
    warn_dropped(sample, measure=measure, stacklevel=4)
    return sample


def _shares(sample: Sample) -> np.ndarray | None:
    """Return population shares ``p_i``, or None for equal shares (no weights)."""
    if sample.weights is None:
        return None
    return sample.weights / sample.weights.sum()


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """Return ``sum(a * b)`` of two vectors.

    Long vectors use ``np.einsum`` rather than ``np.dot``: BLAS splits them
    across threads, whose start-up costs more than the arithmetic (10x on a
    busy machine). Short ones keep the cheaper call.
    """
    if a.size <= 4096:
        return float(np.dot(a, b))
    return float(np.einsum("i,i->", a, b))


def _avg(x: np.ndarray, p: np.ndarray | None) -> float:
    """Return the population-weighted mean of ``x`` (plain mean when ``p`` is None)."""
    return float(np.add.reduce(x) / x.size) if p is None else _dot(p, x)


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


def _positive_mean(y: np.ndarray, p: np.ndarray | None, measure: str) -> float:
    mu = _avg(y, p)
    if not mu > 0:
        raise InputError(f"{measure} needs a positive (weighted) mean of values; got {mu!r}")
    return mu


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


def _sorted(sample: Sample) -> tuple[np.ndarray, np.ndarray]:
    """Sort values ascending (ties in any order: no index depends on it), weights alike."""
    if sample.weights is None:
        return np.sort(sample.values), np.ones(sample.size)
    order = np.argsort(sample.values)
    return sample.values[order], sample.weights[order]


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


def max_min_ratio(
    values: Any, weights: Any = None, *, data: pd.DataFrame | None = None, nan: NanPolicy = "raise"
) -> float:
    """Ratio of the largest to the smallest value.

    Weights only decide which rows count: rows of zero weight are ignored.

    Parameters
    ----------
    values : array-like, Series or column name
        Values; the smallest counted one must be positive.
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
    >>> max_min_ratio([2, 10, 5])
    5.0
    >>> max_min_ratio([2, 10, 5], [0, 1, 1])
    2.0
    """
    sample = _load(values, weights, data, nan, "max_min_ratio")
    y = sample.values if sample.weights is None else sample.values[sample.weights > 0]
    low = float(y.min())
    if not low > 0:
        raise InputError(f"max_min_ratio needs a positive minimum value; got {low!r}")
    return float(y.max()) / low


def _weighted_quantile(y: np.ndarray, w: np.ndarray | None, q: float) -> float:
    """Inverted-CDF quantile: the smallest ``y`` whose cumulative weight share reaches ``q``.

    With integer weights this equals ``numpy.quantile(replicated, q,
    method="inverted_cdf")``; without weights it is that method on ``y``.

    Parameters
    ----------
    y : ndarray
        Values.
    w : ndarray or None
        Non-negative weights.
    q : float
        Probability in ``[0, 1]``.

    Returns
    -------
    float

    Examples
    --------
    >>> _weighted_quantile(np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 2.0]), 0.5)
    2.0
    """
    if w is None:
        w = np.ones_like(y)
    keep = w > 0
    order = np.argsort(y[keep])
    ys, cum = y[keep][order], np.cumsum(w[keep][order])
    target = q * cum[-1] * (1.0 - 1e-12)
    return float(ys[min(int(np.searchsorted(cum, target, side="left")), ys.size - 1)])


def percentile_ratio(
    values: Any,
    weights: Any = None,
    *,
    upper: float = 90,
    lower: float = 10,
    data: pd.DataFrame | None = None,
    nan: NanPolicy = "raise",
) -> float:
    """Ratio of two population-weighted percentiles, P90/P10 by default.

    Definition: the ``q``-th percentile is the smallest value at which the
    cumulative population share reaches ``q/100`` (inverted empirical CDF,
    numpy's ``method="inverted_cdf"`` applied to the population, so a region
    of weight ``w`` counts as ``w`` people).

    Parameters
    ----------
    values : array-like, Series or column name
        Values.
    weights : array-like, Series, column name or None
        Non-negative population weights.
    upper, lower : float
        Percentiles in ``[0, 100]``, ``lower < upper``.
    data : DataFrame, optional
        Table in which column names are looked up.
    nan : {"raise", "drop"}
        Policy for missing values.

    Returns
    -------
    float

    Examples
    --------
    >>> percentile_ratio(np.arange(1, 11))
    9.0
    >>> percentile_ratio([1, 100], [9, 1])  # 90% of people have 1
    1.0
    """
    if not 0 <= lower < upper <= 100:
        raise InputError(f"need 0 <= lower < upper <= 100; got lower={lower!r}, upper={upper!r}")
    sample = _load(values, weights, data, nan, "percentile_ratio")
    low = _weighted_quantile(sample.values, sample.weights, lower / 100)
    if not low > 0:
        raise InputError(f"percentile_ratio needs a positive P{lower:g}; got {low!r}")
    return _weighted_quantile(sample.values, sample.weights, upper / 100) / low


def _lorenz_points(sample: Sample) -> tuple[np.ndarray, np.ndarray]:
    check_positive(sample, measure="lorenz", allow_zero=True)
    y, w = _sorted(sample)
    wy = w * y
    if not wy.sum() > 0:
        raise InputError("the Lorenz curve needs a positive total of values")
    pop = np.concatenate([[0.0], np.cumsum(w) / w.sum()])
    income = np.concatenate([[0.0], np.cumsum(wy) / wy.sum()])
    return pop, income


def lorenz(values: Any, weights: Any = None, *, data: pd.DataFrame | None = None) -> pd.DataFrame:
    """Points of the (population-weighted) Lorenz curve.

    Regions are sorted by value; row ``k`` gives the cumulative population
    share and income share of the ``k`` poorest regions.

    Parameters
    ----------
    values : array-like, Series or column name
        Non-negative per-capita values.
    weights : array-like, Series, column name or None
        Non-negative population weights.
    data : DataFrame, optional
        Table in which column names are looked up.

    Returns
    -------
    DataFrame
        Columns ``population_share`` and ``income_share``, ``n + 1`` rows from
        ``(0, 0)`` to ``(1, 1)``.

    Examples
    --------
    >>> lorenz([3, 1]).to_numpy().tolist()
    [[0.0, 0.0], [0.5, 0.25], [1.0, 1.0]]
    """
    pop, income = _lorenz_points(prepare_sample(values, weights, data=data))
    return pd.DataFrame({"population_share": pop, "income_share": income})


def palma(
    values: Any, weights: Any = None, *, data: pd.DataFrame | None = None, nan: NanPolicy = "raise"
) -> float:
    """Palma ratio: income share of the richest 10% over that of the poorest 40%.

    Shares are read off the population-weighted Lorenz curve with linear
    interpolation, i.e. a region straddling a cut-off is split pro rata.

    Parameters
    ----------
    values : array-like, Series or column name
        Non-negative per-capita values.
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
    >>> round(palma(np.ones(10)), 12)
    0.25
    >>> round(palma(np.arange(1, 11)), 6)  # 10 / (1 + 2 + 3 + 4)
    1.0
    """
    sample = _load(values, weights, data, nan, "palma")
    pop, income = _lorenz_points(sample)
    bottom = float(np.interp(0.4, pop, income))
    if not bottom > 0:
        raise InputError("palma is undefined: the poorest 40% have no income")
    return (1.0 - float(np.interp(0.9, pop, income))) / bottom


def hoover(
    values: Any, weights: Any = None, *, data: pd.DataFrame | None = None, nan: NanPolicy = "raise"
) -> float:
    """Hoover index: share of income to move to reach equality, ``sum |s_i - p_i| / 2``.

    Parameters
    ----------
    values : array-like, Series or column name
        Non-negative per-capita values.
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
    >>> hoover([0, 1])
    0.5
    >>> hoover([2, 2, 2])
    0.0
    """
    sample = _load(values, weights, data, nan, "hoover")
    check_positive(sample, measure="hoover", allow_zero=True)
    p = _shares(sample)
    if p is None:
        p = np.full(sample.size, 1.0 / sample.size)
    _positive_mean(sample.values, p, "hoover")
    s = p * sample.values / _dot(p, sample.values)
    return float(np.abs(s - p).sum() / 2.0)
