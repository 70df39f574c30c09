"""Between- and within-group decomposition of generalised entropy indices.

For regions grouped into prefectures (or "mountain counties" vs the rest),
GE(alpha) splits exactly into a between-group part, the index of the group
means, and a within-group part, a weighted sum of each group's own index
(Shorrocks 1980, Econometrica 48:613-625):

``GE = GE_B + sum_g v_g^(1-alpha) s_g^alpha GE_g``

with ``v_g`` the group's population share and ``s_g`` its income share.
Theil T (alpha=1) weights groups by income share, the MLD (alpha=0) by
population share. All is population-weighted: a region of weight ``w``
counts as ``w`` people.

Examples
--------
>>> d = theil_decomposition([1, 1, 3, 3], ["a", "a", "b", "b"])
>>> round(d.between_share, 6)
1.0
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geodisparity._inputs import NanPolicy, Sample, check_positive, prepare_sample
from geodisparity._results import HtmlRepr, result_dict, short_repr
from geodisparity.errors import InputError

__all__ = ["Decomposition", "theil_decomposition", "ge_decomposition"]


@dataclass(frozen=True)
class GroupedSample:
    """Values with population weights and integer group codes ``0..k-1``."""

    values: np.ndarray
    weights: np.ndarray
    codes: np.ndarray
    labels: pd.Index
    index: pd.Index
    n_dropped: int

    @property
    def k(self) -> int:
        """Number of groups."""
        return len(self.labels)

    def totals(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the population and the income (``sum w y``) of each group."""
        pop = np.bincount(self.codes, weights=self.weights, minlength=self.k)
        income = np.bincount(self.codes, weights=self.weights * self.values, minlength=self.k)
        return pop, income


def grouped_sample(
    values: Any, groups: Any, weights: Any, data: pd.DataFrame | None, nan: NanPolicy
) -> GroupedSample:
    """Validate inputs for a decomposition and code the groups ``0..k-1``.

    Parameters
    ----------
    values, groups, weights : array-like, Series or column name
        As for :func:`geodisparity._inputs.prepare_sample`; ``groups`` required.
    data : DataFrame or None
        Table in which column names are looked up.
    nan : {"raise", "drop"}
        Policy for missing values.

    Returns
    -------
    GroupedSample

    Examples
    --------
    >>> grouped_sample([1, 2], ["b", "a"], None, None, "raise").codes.tolist()
    [1, 0]
    >>> grouped_sample([1, 2], ["a", "a"], None, None, "raise")
    Traceback (most recent call last):
    ...
    geodisparity.errors.InputError: groups has a single group ('a') across all 2 rows; ...
    """
    if groups is None:
        raise InputError("groups is required for a decomposition; got None")
    sample: Sample = prepare_sample(values, weights, groups, data=data, nan=nan)
    try:
        codes, labels = pd.factorize(pd.Series(sample.groups), sort=True)
    except TypeError:  # unorderable mixed labels: keep order of appearance
        codes, labels = pd.factorize(pd.Series(sample.groups), sort=False)
    if len(labels) < 2:
        raise InputError(
            f"groups has a single group ({labels[0]!r}) across all {sample.size} rows; a "
            "decomposition needs at least two groups (check the groups column)"
        )
    w = np.ones(sample.size) if sample.weights is None else sample.weights
    codes = codes.astype(np.intp)
    return GroupedSample(sample.values, w, codes, pd.Index(labels), sample.index, sample.n_dropped)


@dataclass(frozen=True, repr=False)
class Decomposition(HtmlRepr):
    """Between/within decomposition of a GE index by groups.

    Attributes
    ----------
    measure : str
        ``"theil"`` (alpha=1), ``"mld"`` (alpha=0) or ``"ge"``.
    alpha : float
        The GE parameter.
    total, between, within : float
        ``total == between + within`` (to rounding).
    between_share, within_share : float
        ``between / total`` and ``within / total`` (NaN when total is 0).
    groups : DataFrame
        One row per group: ``group``, ``n`` (regions), ``population_share``,
        ``income_share``, ``mean`` (weighted mean), ``index`` (the group's
        own GE), ``within_contribution`` (its weighted part of ``within``).
    n : int
        Regions used.
    n_dropped : int
        Rows dropped for missing values.
    """

    measure: str
    alpha: float
    total: float
    between: float
    within: float
    between_share: float
    within_share: float
    groups: pd.DataFrame
    n: int
    n_dropped: int

    def __repr__(self) -> str:
        fields = ["measure", "alpha", "total", "between", "within", "between_share", "n"]
        return short_repr(self, fields)

    def to_frame(self) -> pd.DataFrame:
        """Return the per-group table (one row per group)."""
        return self.groups.copy()

    def to_dict(self) -> dict[str, Any]:
        """Return all fields as plain Python (the group table as a list of rows)."""
        return result_dict(self)


def _ge_terms(y: np.ndarray, mean: np.ndarray, alpha: float) -> np.ndarray:
    """Per-observation GE summand relative to ``mean`` (broadcast per observation)."""
    r = y / mean
    with np.errstate(divide="ignore", invalid="ignore"):
        if alpha == 0:
            return -np.log(r)
        if alpha == 1:
            return np.where(r > 0, r * np.log(np.where(r > 0, r, 1.0)), 0.0)
        return (r**alpha - 1.0) / (alpha * (alpha - 1.0))


def decompose(gs: GroupedSample, alpha: float, measure: str) -> Decomposition:
    """Decompose GE(alpha) of a grouped sample (see module docstring).

    Parameters
    ----------
    gs : GroupedSample
        Validated sample.
    alpha : float
        GE parameter.
    measure : str
        Name recorded in the result.

    Returns
    -------
    Decomposition

    Examples
    --------
    >>> gs = grouped_sample([1, 3], ["a", "b"], None, None, "raise")
    >>> decompose(gs, 0.0, "mld").within
    0.0
    """
    pop, income = gs.totals()
    total_pop, total_income = pop.sum(), income.sum()
    if not total_income > 0:
        raise InputError(f"{measure} needs a positive total of values; got {total_income!r}")
    mu = total_income / total_pop
    v = pop / total_pop
    s = income / total_income
    with np.errstate(divide="ignore", invalid="ignore"):
        group_mean = income / pop
    p = gs.weights / total_pop
    total = float(p @ _ge_terms(gs.values, mu, alpha))
    between = float(v[pop > 0] @ _ge_terms(group_mean[pop > 0], mu, alpha))
    terms = _ge_terms(gs.values, group_mean[gs.codes], alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        group_index = np.bincount(gs.codes, weights=gs.weights * terms, minlength=gs.k) / pop
    group_weight = v ** (1.0 - alpha) * s**alpha
    contribution = np.where(pop > 0, group_weight * group_index, 0.0)
    within = float(contribution.sum())
    total, between = total + 0.0, between + 0.0
    share = (lambda x: x / total) if total > 0 else (lambda x: float("nan"))
    table = pd.DataFrame(
        {
            "group": gs.labels,
            "n": np.bincount(gs.codes, minlength=gs.k),
            "population_share": v,
            "income_share": s,
            "mean": group_mean,
            "index": group_index,
            "within_contribution": contribution,
        }
    )
    return Decomposition(
        measure, float(alpha), total, between, within, share(between), share(within),
        table, int(gs.values.size), gs.n_dropped,
    )  # fmt: skip


def theil_decomposition(
    values: Any,
    groups: Any,
    weights: Any = None,
    *,
    data: pd.DataFrame | None = None,
    nan: NanPolicy = "raise",
) -> Decomposition:
    """Decompose the Theil T index (GE(1)) into between- and within-group parts.

    ``T = T_B + sum_g s_g T_g``: ``T_B`` is the Theil index of the group means
    (each group standing for its population), ``T_g`` group ``g``'s own
    index, ``s_g`` its income share. Unweighted, it matches PySAL's
    ``inequality.theil.TheilD``.

    Parameters
    ----------
    values : array-like, Series or column name
        Non-negative per-capita values.
    groups : array-like, Series or column name
        Group label of each region (e.g. prefecture code).
    weights : array-like, Series, column name or None
        Non-negative population weights.
    data : DataFrame, optional
        Table in which column names are looked up.
    nan : {"raise", "drop"}
        Policy for rows with missing values, weights or groups.

    Returns
    -------
    Decomposition

    Examples
    --------
    >>> d = theil_decomposition([1, 2, 3, 6], ["a", "a", "b", "b"])
    >>> abs(d.between + d.within - d.total) < 1e-12
    True
    >>> theil_decomposition([1, 2, 4], ["a", "b", "b"]).within > 0  # singleton group "a"
    True
    """
    gs = grouped_sample(values, groups, weights, data, nan)
    check_positive(_as_sample(gs), measure="theil", allow_zero=True)
    return decompose(gs, 1.0, "theil")


def ge_decomposition(
    values: Any,
    groups: Any,
    alpha: float,
    weights: Any = None,
    *,
    data: pd.DataFrame | None = None,
    nan: NanPolicy = "raise",
) -> Decomposition:
    """Decompose GE(alpha) into between- and within-group parts (Shorrocks 1980).

    Parameters
    ----------
    values : array-like, Series or column name
        Per-capita values: positive when ``alpha <= 0``, non-negative otherwise.
    groups : array-like, Series or column name
        Group label of each region.
    alpha : float
        GE parameter (0: mean log deviation, 1: Theil T, 2: half squared CV).
    weights : array-like, Series, column name or None
        Non-negative population weights.
    data : DataFrame, optional
        Table in which column names are looked up.
    nan : {"raise", "drop"}
        Policy for rows with missing values, weights or groups.

    Returns
    -------
    Decomposition

    Examples
    --------
    >>> d = ge_decomposition([1, 2, 3, 6], ["a", "a", "b", "b"], 0, weights=[1, 2, 1, 2])
    >>> d.measure, abs(d.between + d.within - d.total) < 1e-12
    ('mld', True)
    """
    alpha = float(alpha)
    measure = {0.0: "mld", 1.0: "theil"}.get(alpha, "ge")
    gs = grouped_sample(values, groups, weights, data, nan)
    check_positive(_as_sample(gs), measure=f"ge(alpha={alpha:g})", allow_zero=alpha > 0)
    return decompose(gs, alpha, measure)


def _as_sample(gs: GroupedSample) -> Sample:
    return Sample(gs.values, gs.weights, gs.codes, gs.index, gs.n_dropped, gs.index[:0])
