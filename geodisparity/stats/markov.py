"""Do poor regions stay poor? Classic and spatial Markov chains of income classes.

Each year, regions are put in ``k`` quantile classes of that year's values
(class 0 the poorest); transitions between consecutive years are counted and
turned into probabilities. The spatial Markov chain (Rey 2001, "Spatial
empirics for economic growth and convergence", Geographical Analysis
33:195-214) counts the same transitions separately by the class of the
region's spatial lag (its neighbours' mean) at the start of the transition.

Input form: a wide table or 2-D array (rows regions, columns years in order),
or a long DataFrame with ``region``, ``year`` and ``value`` columns.

Class rule (as PySAL's ``mapclassify.Quantiles`` used by ``giddy``): cut
points are the ``j/k`` quantiles (linear interpolation) of the year's values,
and a value equal to a cut point falls in the lower class.

Examples
--------
>>> m = markov_chain([[1, 2], [2, 1], [3, 3], [4, 4]], k=2)
>>> m.counts.tolist()
[[2, 0], [0, 2]]
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geodisparity._inputs import NanPolicy
from geodisparity._results import HtmlRepr, result_dict, short_repr
from geodisparity.errors import InputError, IslandWarning, WeightsError, format_rows

if TYPE_CHECKING:  # imported lazily: the spatial package is not needed for plain chains
    from geodisparity.spatial.weights import SpatialWeights

__all__ = ["MarkovChain", "SpatialMarkovChain", "markov_chain", "spatial_markov"]


@dataclass(frozen=True, repr=False)
class MarkovChain(HtmlRepr):
    """Transitions between quantile classes of consecutive years.

    Attributes
    ----------
    counts : ndarray
        ``k x k`` transition counts, row = class in year ``t``, column = ``t+1``.
    probabilities : ndarray
        Row-normalised counts (rows with no transitions stay zero).
    steady_state : ndarray
        Long-run class distribution ``pi = pi P`` (least squares solution;
        not unique when the chain is reducible).
    classes : DataFrame
        Class of each region (rows) in each year (columns).
    k : int
        Number of classes.
    n_regions, n_periods : int
        Shape of the panel used.
    n_dropped : int
        Regions dropped for missing values.
    """

    counts: np.ndarray
    probabilities: np.ndarray
    steady_state: np.ndarray
    classes: pd.DataFrame
    k: int
    n_regions: int
    n_periods: int
    n_dropped: int

    def __repr__(self) -> str:
        return short_repr(self, ["k", "n_regions", "n_periods", "n_dropped"])

    def to_frame(self) -> pd.DataFrame:
        """Return the transition probabilities as a ``k x k`` table."""
        labels = pd.RangeIndex(self.k)
        return pd.DataFrame(self.probabilities, index=labels.rename("from"),
                            columns=labels.rename("to"))  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """Return all fields as plain Python."""
        return result_dict(self)


@dataclass(frozen=True, repr=False)
class SpatialMarkovChain(HtmlRepr):
    """Transitions conditioned on the class of the spatial lag.

    Attributes
    ----------
    counts : ndarray
        ``m x k x k``: ``counts[l]`` counts transitions of regions whose
        spatial lag was in class ``l`` at the start of the transition.
    probabilities : ndarray
        ``m x k x k`` row-normalised ``counts``.
    steady_states : ndarray
        ``m x k`` steady state of each conditional chain.
    overall : MarkovChain
        The unconditioned (classic) chain.
    lag_classes : DataFrame
        Class of each region's spatial lag in each year.
    k, m : int
        Classes of the values and of the lags.
    n_dropped : int
        Always 0: missing values raise, since dropping a region would change
        its neighbours' spatial lags.
    """

    counts: np.ndarray
    probabilities: np.ndarray
    steady_states: np.ndarray
    overall: MarkovChain
    lag_classes: pd.DataFrame
    k: int
    m: int
    n_dropped: int = 0

    def __repr__(self) -> str:
        return short_repr(self, ["k", "m"]) + f" over {self.overall.n_regions} regions"

    def to_frame(self) -> pd.DataFrame:
        """Return the conditional probabilities, one row per (lag class, from class)."""
        index = pd.MultiIndex.from_product([range(self.m), range(self.k)], names=["lag", "from"])
        flat = self.probabilities.reshape(self.m * self.k, self.k)
        return pd.DataFrame(flat, index=index, columns=pd.RangeIndex(self.k, name="to"))

    def to_dict(self) -> dict[str, Any]:
        """Return all fields as plain Python."""
        out = result_dict(self)
        out["overall"] = self.overall.to_dict()
        return out


def _wide(
    data: Any, value: str | None, year: str | None, region: str | None, nan: NanPolicy
) -> tuple[pd.DataFrame, int]:
    """Return a regions x years float table and the number of regions dropped."""
    if any(arg is not None for arg in (value, year, region)):
        if None in (value, year, region) or not isinstance(data, pd.DataFrame):
            raise InputError("a long table needs data= a DataFrame and all of value, year, region")
        if data.duplicated([region, year]).any():
            dup = data.loc[data.duplicated([region, year], keep=False), region].unique()
            raise InputError(f"regions repeat within a year: {format_rows(dup)}")
        wide = data.pivot(index=region, columns=year, values=value).sort_index(axis=1)
    elif isinstance(data, pd.DataFrame):
        wide = data
    else:
        array = np.asarray(data, dtype=float)
        if array.ndim != 2:
            raise InputError(f"values must be 2-D (regions x years); got shape {array.shape}")
        wide = pd.DataFrame(array)
    wide = wide.apply(pd.to_numeric, errors="coerce").astype(float)
    missing = ~np.isfinite(wide.to_numpy()).all(axis=1)
    if missing.any():
        if nan != "drop":
            raise InputError(
                f"{int(missing.sum())} regions have missing values in some year: "
                f"{format_rows(wide.index[missing])}; fix them or pass nan='drop'"
            )
        wide = wide.loc[~missing]
    if wide.shape[1] < 2 or wide.shape[0] == 0:
        raise InputError(f"need at least 2 years and 1 region; got shape {wide.shape}")
    return wide, int(missing.sum())


def quantile_classes(wide: np.ndarray, k: int) -> np.ndarray:
    """Classify each column of ``wide`` into ``k`` quantile classes (0 = lowest).

    Parameters
    ----------
    wide : ndarray
        ``n x t`` values.
    k : int
        Number of classes.

    Returns
    -------
    ndarray
        ``n x t`` integer classes.

    Examples
    --------
    >>> quantile_classes(np.array([[1.0], [2.0], [3.0], [4.0]]), 2).ravel().tolist()
    [0, 0, 1, 1]
    """
    probs = np.arange(1, k) / k
    breaks = np.quantile(wide, probs, axis=0)  # (k-1) x t
    classes = np.empty(wide.shape, dtype=np.intp)
    for col in range(wide.shape[1]):
        classes[:, col] = np.searchsorted(breaks[:, col], wide[:, col], side="left")
    return classes


def _transitions(start: np.ndarray, end: np.ndarray, k: int) -> np.ndarray:
    return np.bincount(start * k + end, minlength=k * k).reshape(k, k)


def _probabilities(counts: np.ndarray) -> np.ndarray:
    rows = counts.sum(axis=-1, keepdims=True)
    return np.divide(counts, rows, out=np.zeros(counts.shape), where=rows > 0)


def steady_state(p: np.ndarray) -> np.ndarray:
    """Return ``pi`` with ``pi = pi p`` and ``sum(pi) = 1`` (least squares).

    Parameters
    ----------
    p : ndarray
        ``k x k`` transition probabilities.

    Returns
    -------
    ndarray

    Examples
    --------
    >>> steady_state(np.array([[0.5, 0.5], [0.25, 0.75]])).round(4).tolist()
    [0.3333, 0.6667]
    """
    k = p.shape[0]
    system = np.vstack([p.T - np.eye(k), np.ones((1, k))])
    target = np.zeros(k + 1)
    target[-1] = 1.0
    return np.linalg.lstsq(system, target, rcond=None)[0]


def _check_k(k: int, name: str) -> int:
    if not isinstance(k, int | np.integer) or k < 2:
        raise InputError(f"{name} must be an integer >= 2; got {k!r}")
    return int(k)


def _chain(wide: pd.DataFrame, k: int, n_dropped: int) -> MarkovChain:
    classes = quantile_classes(wide.to_numpy(), k)
    counts = _transitions(classes[:, :-1].ravel(), classes[:, 1:].ravel(), k)
    probs = _probabilities(counts)
    table = pd.DataFrame(classes, index=wide.index, columns=wide.columns)
    return MarkovChain(counts, probs, steady_state(probs), table, k, *wide.shape, n_dropped)


def markov_chain(
    data: Any,
    *,
    k: int = 5,
    value: str | None = None,
    year: str | None = None,
    region: str | None = None,
    nan: NanPolicy = "raise",
) -> MarkovChain:
    """Classic Markov chain of per-year quantile classes.

    Parameters
    ----------
    data : 2-D array-like or DataFrame
        Wide (rows regions, columns years in order), or long with the
        ``value``, ``year`` and ``region`` columns named.
    k : int, default 5
        Number of quantile classes.
    value, year, region : str, optional
        Column names of a long table.
    nan : {"raise", "drop"}
        Regions with a missing value in any year raise, or are dropped.

    Returns
    -------
    MarkovChain

    Examples
    --------
    >>> m = markov_chain([[1, 1, 2], [2, 2, 1]], k=2)
    >>> m.counts.tolist(), m.probabilities.tolist()
    ([[1, 1], [1, 1]], [[0.5, 0.5], [0.5, 0.5]])
    """
    k = _check_k(k, "k")
    wide, n_dropped = _wide(data, value, year, region, nan)
    return _chain(wide, k, n_dropped)


def _aligned_lag(
    wide: pd.DataFrame, weights: SpatialWeights, from_array: bool
) -> tuple[np.ndarray, np.ndarray]:
    if from_array:
        if weights.n != len(wide):
            raise WeightsError(f"weights has {weights.n} regions but data has {len(wide)} rows")
        values = wide.to_numpy()
    else:
        missing = weights.ids.difference(wide.index)
        if len(missing):
            raise WeightsError(
                f"{len(missing)} regions of the weights are not in data: {format_rows(missing)}"
            )
        values = wide.loc[weights.ids].to_numpy()
    if weights.islands:
        warnings.warn(
            f"{len(weights.islands)} regions have no neighbours; their spatial lag is 0: "
            f"{format_rows(weights.islands)}",
            IslandWarning,
            stacklevel=3,
        )
    return weights.row_standardised().sparse @ values, values


def spatial_markov(
    data: Any,
    weights: Any,
    *,
    k: int = 5,
    m: int | None = None,
    value: str | None = None,
    year: str | None = None,
    region: str | None = None,
) -> SpatialMarkovChain:
    """Spatial Markov chain: transitions conditioned on the neighbours' class.

    The spatial lag is the row-standardised weights times the values (the
    neighbours' mean); it is classified into ``m`` quantile classes per year.

    Parameters
    ----------
    data : 2-D array-like or DataFrame
        Wide (rows regions, columns years); a wide DataFrame's index or the
        long table's regions are matched to ``weights.ids``; a plain array
        must already be in ``weights.ids`` order.
    weights : SpatialWeights, libpysal.weights.W or libpysal.graph.Graph
        Neighbour relations of the regions.
    k : int, default 5
        Classes of the values.
    m : int, optional
        Classes of the spatial lag; default ``k``.
    value, year, region : str, optional
        Column names of a long table.

    Returns
    -------
    SpatialMarkovChain

    Examples
    --------
    >>> from geodisparity.spatial.weights import SpatialWeights
    >>> w = SpatialWeights.from_sparse([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]])
    >>> sm = spatial_markov([[1, 1], [2, 2], [3, 3], [4, 4]], w, k=2)
    >>> sm.counts[0].tolist(), sm.counts[1].tolist()  # poor stay poor next to poor
    ([[2, 0], [0, 0]], [[0, 0], [0, 2]])
    """
    k = _check_k(k, "k")
    m = k if m is None else _check_k(m, "m")
    from_array = not isinstance(data, pd.DataFrame)
    wide, _ = _wide(data, value, year, region, "raise")
    from geodisparity.spatial.interop import as_weights

    weights = as_weights(weights)
    lag, values = _aligned_lag(wide, weights, from_array)
    index = wide.index if from_array else weights.ids
    ordered = pd.DataFrame(values, index=index, columns=wide.columns)
    overall = _chain(ordered, k, 0)
    classes = overall.classes.to_numpy()
    lag_classes = quantile_classes(lag, m)
    start, end = classes[:, :-1].ravel(), classes[:, 1:].ravel()
    condition = lag_classes[:, :-1].ravel()
    counts = np.bincount((condition * k + start) * k + end, minlength=m * k * k)
    counts = counts.reshape(m, k, k)
    probs = _probabilities(counts)
    steady = np.array([steady_state(p) for p in probs])
    lag_table = pd.DataFrame(lag_classes, index=index, columns=wide.columns)
    return SpatialMarkovChain(counts, probs, steady, overall, lag_table, k, m)
