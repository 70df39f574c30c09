"""Distribution-based gap measures: max/min and percentile ratios, Palma, Hoover, Lorenz.

Like :mod:`geodisparity.stats.inequality`, every measure is population-weighted
when ``weights`` are given: a region of weight ``w`` counts as ``w`` people.

Examples
--------
>>> max_min_ratio([10, 20, 40])
4.0
>>> lorenz([1, 3]).iloc[-1].tolist()
[1.0, 1.0]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from geodisparity._inputs import NanPolicy, Sample, check_positive, prepare_sample
from geodisparity.errors import InputError
from geodisparity.stats._common import _dot, _load, _positive_mean, _shares, _sorted

__all__ = ["max_min_ratio", "percentile_ratio", "palma", "hoover", "lorenz"]


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
