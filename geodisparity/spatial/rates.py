"""Rates of small regions: empirical-Bayes smoothing and Moran's I / LISA for rates.

A rate ``p_i = e_i / n_i`` (events over population at risk, e.g. doctors per
head) of a small county is noisy: its variance is about ``b / n_i``. Both tools
here shrink or standardise by the population behind each rate.

Empirical-Bayes smoothing (Marshall 1991)
    With ``b = sum(e) / sum(n)`` the overall rate, ``s2 = sum(n_i (p_i - b)**2)
    / sum(n)`` the population-weighted variance of the rates and ``n_bar`` the
    mean population, the variance of the underlying risks is estimated by the
    method of moments as ``a = s2 - b / n_bar``, set to 0 when negative
    (Marshall's rule: all rates then shrink to ``b``). The smoothed rate is
    ``b + C_i (p_i - b)`` with ``C_i = a / (a + b / n_i)``: small populations
    move most. The *spatial* version (Marshall's local smoothing, GeoDa's
    "Spatial Empirical Bayes", esda's ``Spatial_Empirical_Bayes``) estimates
    ``b_i`` and ``a_i`` in each region's neighbourhood: the region itself and
    its neighbours in the **binary** structure of the weights.

Moran's I for rates (Assuncao and Reis 1999)
    The rates are standardised as ``z_i = (p_i - b) / sqrt(v_i)`` with
    ``v_i = a + b / n_i`` (``a`` and ``b`` as above, ``a`` not truncated), and
    ``v_i = b / n_i`` where ``v_i`` would be negative (the authors' rule, as in
    esda's ``assuncao_rate``). Moran's I and the LISA of ``z`` are then
    computed exactly as :func:`~geodisparity.moran` and
    :func:`~geodisparity.local_moran` do (esda's ``Moran_Rate(adjusted=True)``
    and ``Moran_Local_Rate``).

Events must be non-negative and populations positive. Values are matched to the
weights as for the other spatial statistics (arrays by position, Series by
label); with ``nan="drop"``, regions missing either value are left out of every
estimate and come back as NaN.

References
----------
Marshall, R. J. (1991). Mapping disease and mortality rates using empirical
Bayes estimators. *Journal of the Royal Statistical Society C* 40(2), 283-294.

Assuncao, R. M. and Reis, E. A. (1999). A new proposal to adjust Moran's I for
population density. *Statistics in Medicine* 18(16), 2147-2162.

Examples
--------
>>> smoothed = eb_rates([1, 30, 0], [10, 1000, 20])
>>> bool(smoothed.iloc[0] < 1 / 10)  # the small region's 10 % shrinks towards 3 %
True
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from geodisparity._frames import default_index, wrap_series
from geodisparity._inputs import NanPolicy, resolve_column
from geodisparity.errors import InputError, format_rows
from geodisparity.spatial._spatial_inputs import prepare_spatial, transformed_matrix
from geodisparity.spatial.global_stats import MoranResult, moran
from geodisparity.spatial.local_stats import local_moran
from geodisparity.spatial.multiple_testing import Adjustment
from geodisparity.spatial.weights import SpatialWeights, Transform

__all__ = ["eb_rates", "moran_rate", "local_moran_rate"]

_SMALL = 8192  # arrays up to this size use a plain BLAS dot (single-threaded at this size)
_SEQUENCES = (np.ndarray, list, tuple)
_FLOAT = np.dtype(float)
_lowest, _total = np.minimum.reduce, np.add.reduce  # ndarray.min/.sum add a Python layer


# ----------------------------------------------------------------- inputs


def _check_counts(events: np.ndarray, population: np.ndarray, labels: Any) -> None:
    """Refuse negative events and non-positive populations, naming the rows (``labels()``)."""
    if events.size and _lowest(events) >= 0 and _lowest(population) > 0:
        return
    for name, bad, kind in (
        ("events", events < 0, "non-negative"),
        ("population", ~(population > 0), "positive"),
    ):
        if bad.any():
            values = events if name == "events" else population
            raise InputError(
                f"{name} must be {kind}; {int(bad.sum())} regions are not: "
                f"{format_rows(labels()[bad])} (values {format_rows(values[bad])})"
            )


def _column(arg: Any, data: pd.DataFrame | None, name: str) -> tuple[np.ndarray, pd.Index | None]:
    """Float values of ``arg`` and its index (None for a plain array: positions)."""
    if data is None and isinstance(arg, _SEQUENCES):
        array = arg if type(arg) is np.ndarray else np.asarray(arg, dtype=float)
        if array.ndim == 1 and array.dtype.kind in "fiub":
            return array.astype(float, copy=False), None
    series = resolve_column(arg, data, name=name)
    try:
        return series.to_numpy(dtype=float, na_value=np.nan), series.index
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be numeric; got dtype {series.dtype}") from exc


def _aspatial(
    events: Any, population: Any, data: pd.DataFrame | None, nan: NanPolicy
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, pd.Index, tuple[float, float]]:
    """Kept events and population, kept mask (None: all), output index, totals of e and n.

    Plain arrays of usable counts, the common case, pass one cheap test; only other
    input pays for finding the missing or bad rows (for a thousand regions, a mask
    or a second look at the values costs a good part of the smoothing itself).
    """
    if nan != "raise" and nan != "drop":  # noqa: PLR1714 (two comparisons: faster than `in`)
        raise InputError(f"nan={nan!r} is not accepted; use 'raise' or 'drop'")
    e, index = _column(events, data, "events")
    n, _ = _column(population, data, "population")
    if e.size != n.size:
        raise InputError(
            f"population has {n.size} rows but events has {e.size}; they must be the same length"
        )
    index = default_index(e.size) if index is None else index
    totals = _usable_totals(e, n)
    if totals is not None:
        return e, n, None, index, totals
    keep = np.isfinite(e) & np.isfinite(n)
    if keep.all():
        keep = None
    elif nan == "raise":
        raise InputError(
            f"{int((~keep).sum())} of {keep.size} rows have missing (NaN) or infinite events "
            f"or population: rows {format_rows(index[~keep])}; fix them or pass nan='drop'"
        )
    else:
        e, n = e[keep], n[keep]
    _check_counts(e, n, lambda: index if keep is None else index[keep])
    return e, n, keep, index, (float(_total(e)), float(_total(n)))


def _usable_totals(e: np.ndarray, n: np.ndarray) -> tuple[float, float] | None:
    """Totals of events and population if all are finite, events >= 0 and populations > 0.

    None otherwise, or without rows. NaN fails the comparisons, and an infinity
    makes a total infinite.
    """
    if e.size and _lowest(e) >= 0 and _lowest(n) > 0:
        totals = float(_total(e)), float(_total(n))
        if math.isfinite(totals[0] + totals[1]):
            return totals
    return None


def _spatial(
    events: Any, population: Any, weights: SpatialWeights, data: pd.DataFrame | None,
    nan: NanPolicy,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, SpatialWeights, pd.Index]:  # fmt: skip
    """Events, population and weights of the kept regions, the kept mask and all the ids."""
    sample = prepare_spatial(events, weights, data=data, nan=nan, others={"population": population})
    e, n = sample.values[:, 0], sample.values[:, 1]
    ids = sample.ids
    _check_counts(e, n, lambda: ids[sample.keep])
    return e, n, sample.keep, sample.weights, ids


def _full(values: np.ndarray, keep: np.ndarray | None) -> np.ndarray:
    """``values`` of the kept rows, NaN in the rows left out (``keep`` None: all kept)."""
    if keep is None or values.size == keep.size:
        return values
    out = np.full(keep.size, np.nan)
    out[keep] = values
    return out


# ------------------------------------------------------------- estimators


def _moments(
    e: np.ndarray, n: np.ndarray, totals: tuple[float, float] | None = None
) -> tuple[float, float, np.ndarray]:
    """Overall rate ``b``, moment estimate ``a`` (untruncated) and the deviations ``p - b``.

    ``totals``: the sums of ``e`` and ``n``, when the caller has them.
    """
    e_total, total = (float(_total(e)), float(_total(n))) if totals is None else totals
    b = e_total / total
    deviation = e / n
    deviation -= b
    weighted = n * deviation
    # A BLAS dot is several times faster than einsum for small arrays; for large ones,
    # einsum (BLAS threads cost more than they save on a busy machine).
    small = n.size <= _SMALL
    s2 = float(weighted @ deviation if small else np.einsum("i,i->", weighted, deviation)) / total
    return b, s2 - b * n.size / total, deviation


def _shrink(rate: np.ndarray, b: Any, a: np.ndarray, n: np.ndarray) -> np.ndarray:
    """``b + a / (a + b / n) * (rate - b)``; no shrinkage factor (all ``b``) where ``a`` is 0."""
    factor = np.divide(a, a + b / n, out=np.zeros(rate.shape), where=a > 0)
    return b + factor * (rate - b)


def _global_eb(e: np.ndarray, n: np.ndarray, totals: tuple[float, float]) -> np.ndarray:
    """Marshall's ``b + a / (a + b / n) (p - b)``, computed as ``(e + b c) / (n + c)``.

    With ``c = b / a`` the two are equal (multiply out ``n / (n + c) (e / n - b) + b``):
    the gamma-Poisson form takes three array operations instead of five.
    """
    b, a, _ = _moments(e, n, totals)
    if not a > 0:
        return np.full(n.shape, b)
    c = b / a
    out = e + b * c
    out /= n + c
    return out


def _plain_global_eb(
    events: Any, population: Any, data: pd.DataFrame | None, nan: NanPolicy
) -> np.ndarray | None:
    """Global EB of two 1-D float arrays of usable counts; None for any other input.

    The common call (columns of a table as arrays) skips the general input
    handling, which for a thousand regions costs a tenth of the call.
    """
    if data is not None or (nan != "raise" and nan != "drop"):  # noqa: PLR1714
        return None
    if type(events) is not np.ndarray or type(population) is not np.ndarray:
        return None
    if events.dtype != _FLOAT or population.dtype != _FLOAT or events.shape != population.shape:
        return None
    totals = _usable_totals(events, population) if events.ndim == 1 else None
    return None if totals is None else _global_eb(events, population, totals)


def _spatial_eb(e: np.ndarray, n: np.ndarray, weights: SpatialWeights) -> np.ndarray:
    """Marshall's local EB over each region's binary neighbourhood, itself included."""
    links = transformed_matrix(weights, "B")
    around = sp.csr_array(links + sp.eye_array(links.shape[0], format="csr"))
    around.data[:] = 1.0  # a stored self-link must not count twice
    rate = e / n
    total = around @ n
    b = (around @ e) / total
    rows = np.repeat(np.arange(n.size), np.diff(around.indptr))
    cols = around.indices
    spread = np.bincount(rows, n[cols] * (rate[cols] - b[rows]) ** 2, minlength=n.size)
    members = np.diff(around.indptr)
    a = spread / total - b / (total / members)
    return _shrink(rate, b, np.maximum(a, 0.0), n)


def _assuncao_reis(e: np.ndarray, n: np.ndarray) -> np.ndarray:
    b, a, deviation = _moments(e, n)
    if not b > 0:
        raise InputError("events are all zero: the rates have no variance to standardise by")
    v = b / n
    v = np.where(v + a < 0, v, v + a)
    return deviation / np.sqrt(v)


# ------------------------------------------------------------- public API


def eb_rates(
    events: Any,
    population: Any,
    *,
    weights: SpatialWeights | None = None,
    data: pd.DataFrame | None = None,
    nan: NanPolicy = "raise",
) -> pd.Series:
    """Empirical-Bayes smoothed rates: global (Marshall 1991) or, with ``weights``, spatial.

    Global: ``b + C_i (p_i - b)`` with ``p_i = e_i / n_i``, ``b = sum(e) /
    sum(n)``, ``C_i = a / (a + b / n_i)``, ``a = max(s2 - b / n_bar, 0)`` and
    ``s2 = sum(n_i (p_i - b)**2) / sum(n)``. Spatial: the same with ``b_i``,
    ``s2_i``, ``n_bar_i`` and ``a_i`` computed over region ``i`` and its
    neighbours (the binary structure of ``weights``); an island's
    neighbourhood is itself alone, so it keeps its raw rate.

    The global estimate truncates a negative ``a`` at 0, as Marshall (and
    GeoDa) do; esda's ``Empirical_Bayes`` does not, so the two differ only
    when ``a < 0``. The spatial estimate equals esda's ``Spatial_Empirical_Bayes``,
    except where ``a_i = b_i = 0`` (no events in the neighbourhood), where
    esda gives NaN and this gives 0.

    Parameters
    ----------
    events : array-like, Series or column name
        Event counts (non-negative), e.g. cases or doctors.
    population : array-like, Series or column name
        Population at risk (positive), same rows as ``events``.
    weights : SpatialWeights, optional
        Neighbour relations for spatial smoothing; None for global smoothing.
    data : DataFrame, optional
        Table in which column names are looked up.
    nan : {"raise", "drop"}
        Missing values raise, or leave the region out (NaN in the output).

    Returns
    -------
    pandas.Series
        Named ``"eb_rate"``; indexed like ``events`` (global) or by
        ``weights.ids`` (spatial).

    References
    ----------
    Marshall, R. J. (1991). Mapping disease and mortality rates using empirical
    Bayes estimators. *Journal of the Royal Statistical Society C* 40(2), 283-294.

    Examples
    --------
    >>> eb_rates([2, 10, 30], [10, 100, 1000]).round(4).tolist()
    [0.058, 0.0743, 0.0305]

    Rates that vary no more than chance would make all shrink to the overall rate:

    >>> eb_rates([1, 2, 3], [100, 200, 300]).tolist()
    [0.01, 0.01, 0.01]
    """
    if weights is None:
        smoothed = _plain_global_eb(events, population, data, nan)
        if smoothed is not None:
            return wrap_series(smoothed, default_index(smoothed.size), "eb_rate")
        e, n, keep, index, totals = _aspatial(events, population, data, nan)
        smoothed = _global_eb(e, n, totals) if e.size else e.copy()
    else:
        e, n, keep, kept_weights, index = _spatial(events, population, weights, data, nan)
        smoothed = _spatial_eb(e, n, kept_weights)
    return wrap_series(_full(smoothed, keep), index, "eb_rate")


def _standardised(
    events: Any, population: Any, weights: SpatialWeights, data: Any, nan: NanPolicy
) -> np.ndarray:
    e, n, keep, _, _ = _spatial(events, population, weights, data, nan)
    return _full(_assuncao_reis(e, n), keep)


def moran_rate(
    events: Any,
    population: Any,
    weights: SpatialWeights,
    *,
    data: pd.DataFrame | None = None,
    transform: Transform = "R",
    permutations: int = 999,
    seed: Any = None,
    nan: NanPolicy = "raise",
    allow_many_permutations: bool = False,
) -> MoranResult:
    """Moran's I of rates with the Assuncao-Reis (1999) empirical-Bayes standardisation.

    Moran's I (see :func:`~geodisparity.moran`) of ``z_i = (p_i - b) /
    sqrt(a + b / n_i)``, the rates standardised by their empirical-Bayes
    variance (``b / n_i`` where ``a + b / n_i < 0``), so that small populations
    do not dominate. esda's ``Moran_Rate(adjusted=True)``.

    Parameters
    ----------
    events : array-like, Series or column name
        Event counts (non-negative).
    population : array-like, Series or column name
        Population at risk (positive).
    weights : SpatialWeights, libpysal W or libpysal Graph
        Neighbour relations.
    data : DataFrame, optional
        Table in which column names are looked up.
    transform, permutations, seed, nan, allow_many_permutations
        As in :func:`~geodisparity.moran`.

    Returns
    -------
    MoranResult

    References
    ----------
    Assuncao, R. M. and Reis, E. A. (1999). A new proposal to adjust Moran's I
    for population density. *Statistics in Medicine* 18(16), 2147-2162.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from geodisparity.spatial.weights import SpatialWeights
    >>> w = SpatialWeights.from_sparse(sp.diags_array([np.ones(5), np.ones(5)], offsets=[-1, 1]))
    >>> r = moran_rate([1, 2, 2, 8, 9, 12], [100, 120, 90, 110, 100, 95], w, seed=0)
    >>> r.statistic > 0, r.permutations
    (True, 999)
    >>> moran_rate([0, 0, 0, 0, 0, 0], [100] * 6, w)
    Traceback (most recent call last):
    ...
    geodisparity.errors.InputError: events are all zero: the rates have no variance to standardise by
    """  # noqa: E501
    z = _standardised(events, population, weights, data, nan)
    return moran(z, weights, transform=transform, permutations=permutations, seed=seed, nan=nan,
                 allow_many_permutations=allow_many_permutations)


def local_moran_rate(
    events: Any,
    population: Any,
    weights: SpatialWeights,
    *,
    data: pd.DataFrame | None = None,
    permutations: int = 999,
    seed: Any = None,
    alpha: float = 0.05,
    adjust: Adjustment | None = None,
    transform: Transform = "R",
    nan: NanPolicy = "raise",
    allow_many_permutations: bool = False,
) -> pd.DataFrame:
    """Local Moran's I (LISA) of rates with the Assuncao-Reis (1999) standardisation.

    :func:`~geodisparity.local_moran` of the empirical-Bayes standardised rates
    ``z_i`` (see :func:`moran_rate`): esda's ``Moran_Local_Rate(adjusted=True)``.

    Parameters
    ----------
    events : array-like, Series or column name
        Event counts (non-negative).
    population : array-like, Series or column name
        Population at risk (positive).
    weights : SpatialWeights, libpysal W or libpysal Graph
        Neighbour relations.
    data : DataFrame, optional
        Table in which column names are looked up.
    permutations, seed, alpha, adjust, transform, nan, allow_many_permutations
        As in :func:`~geodisparity.local_moran`.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`~geodisparity.local_moran`, indexed by ``weights.ids``.

    References
    ----------
    Assuncao, R. M. and Reis, E. A. (1999). A new proposal to adjust Moran's I
    for population density. *Statistics in Medicine* 18(16), 2147-2162.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from geodisparity.spatial.weights import SpatialWeights
    >>> w = SpatialWeights.from_sparse(sp.diags_array([np.ones(3), np.ones(3)], offsets=[-1, 1]))
    >>> out = local_moran_rate([1, 2, 9, np.nan], [100, 100, 100, 50], w, seed=0, nan="drop")
    >>> out["quadrant"].tolist()  # the region without a count is left out
    [3, 2, 4, 0]
    """
    z = _standardised(events, population, weights, data, nan)
    return local_moran(
        z, weights, permutations=permutations, seed=seed, alpha=alpha, adjust=adjust,
        transform=transform, nan=nan, allow_many_permutations=allow_many_permutations,
    )
