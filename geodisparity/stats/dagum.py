"""Dagum's decomposition of the Gini coefficient by groups.

Dagum (1997, "A new approach to the decomposition of the Gini income
inequality ratio", Empirical Economics 22:515-531) splits the Gini ratio of
a population divided into ``k`` groups into three parts, ``G = G_w + G_nb +
G_t``:

- ``G_w``, within groups: ``sum_j G_jj p_j s_j``;
- ``G_nb``, net between groups: ``sum_{j<h} G_jh (p_j s_h + p_h s_j) |D_jh|``;
- ``G_t``, transvariation (the overlap of the groups' distributions):
  ``sum_{j<h} G_jh (p_j s_h + p_h s_j) (1 - |D_jh|)``.

Here ``p_j`` is group ``j``'s population share, ``s_j`` its income share,
``G_jh = sum_{i in j} sum_{r in h} w_i w_r |y_i - y_r| / (W_j W_h (mu_j + mu_h))``
the Gini between groups ``j`` and ``h`` (``G_jj`` the group's own Gini), and
``D_jh = (d_jh - p_jh) / (d_jh + p_jh)`` the relative economic affluence,
with ``d_jh`` the weighted mean of ``y_i - y_r`` over pairs where ``y_i > y_r``
(``i`` in ``j``, ``r`` in ``h``) and ``p_jh`` the same over ``y_r > y_i``.
``D`` is antisymmetric; its sign is that of ``mu_j - mu_h``.

Weights are populations: a region of weight ``w`` counts as ``w`` people, so
integer weights give the same result as repeating rows.

All pair sums come from one sort and, for each group ``h``, prefix sums of
``h``'s weight and income along the sorted order: O(n log n + k n) time and
O(n) memory, not the O(n^2) double loop.

Examples
--------
>>> d = dagum_gini([1, 2, 3, 4], ["a", "a", "b", "b"])
>>> round(d.within + d.net_between + d.transvariation, 12) == round(d.gini, 12)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geodisparity._inputs import NanPolicy, Sample, check_positive
from geodisparity._results import HtmlRepr, result_dict, short_repr
from geodisparity.errors import InputError, format_rows
from geodisparity.stats.decomposition import GroupedSample, grouped_sample

__all__ = ["DagumGini", "dagum_gini"]


@dataclass(frozen=True, repr=False)
class DagumGini(HtmlRepr):
    """Dagum's three-way decomposition of the Gini coefficient.

    Attributes
    ----------
    gini : float
        Overall Gini ``G`` (equals :func:`geodisparity.gini` on the same data).
    within, net_between, transvariation : float
        ``G_w``, ``G_nb``, ``G_t``; they sum to ``gini``.
    between : float
        Gross between-group part ``G_nb + G_t``.
    within_share, net_between_share, transvariation_share : float
        Each part over ``gini`` (NaN when ``gini`` is 0).
    gini_matrix : DataFrame
        ``k x k``: ``G_jj`` on the diagonal, ``G_jh`` off it (symmetric).
    affluence_matrix : DataFrame
        ``k x k`` relative economic affluence ``D_jh`` (antisymmetric,
        positive where the row group's mean is higher).
    groups : DataFrame
        One row per group: ``group``, ``n``, ``population``,
        ``population_share``, ``income_share``, ``mean``, ``gini`` (``G_jj``),
        ``within_contribution`` (``G_jj p_j s_j``).
    n : int
        Regions used.
    n_dropped : int
        Rows dropped for missing values.
    """

    gini: float
    within: float
    net_between: float
    transvariation: float
    between: float
    within_share: float
    net_between_share: float
    transvariation_share: float
    gini_matrix: pd.DataFrame
    affluence_matrix: pd.DataFrame
    groups: pd.DataFrame
    n: int
    n_dropped: int

    def __repr__(self) -> str:
        names = ["gini", "within", "net_between", "transvariation", "n"]
        return short_repr(self, names) + f" with {len(self.groups)} groups"

    def to_frame(self) -> pd.DataFrame:
        """Return the three components with their values and shares of ``gini``."""
        return pd.DataFrame(
            {
                "component": ["within", "net_between", "transvariation", "total"],
                "value": [self.within, self.net_between, self.transvariation, self.gini],
                "share": [self.within_share, self.net_between_share,
                          self.transvariation_share, 1.0],
            }
        )  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """Return all fields as plain Python (tables as lists of rows)."""
        return result_dict(self)


def directed_differences(gs: GroupedSample) -> np.ndarray:
    """Return ``A[j, h] = sum_{i in j, r in h, y_i > y_r} w_i w_r (y_i - y_r)``.

    Parameters
    ----------
    gs : GroupedSample
        Values, weights and group codes.

    Returns
    -------
    ndarray
        ``k x k``. ``A + A.T`` holds the sums of absolute differences.

    Examples
    --------
    >>> from geodisparity.stats.decomposition import grouped_sample
    >>> directed_differences(grouped_sample([1, 4], [0, 1], None, None, "raise")).tolist()
    [[0.0, 0.0], [3.0, 0.0]]
    """
    order = np.argsort(gs.values, kind="stable")
    y, w, codes = gs.values[order], gs.weights[order], gs.codes[order]
    wy = w * y
    result = np.empty((gs.k, gs.k))
    for h in range(gs.k):
        in_h = codes == h
        w_h = np.where(in_h, w, 0.0)
        wy_h = np.where(in_h, wy, 0.0)
        # Weight and income of group h strictly before each position; tied values
        # add y_i - y_r = 0 whichever side they fall, so ties need no care.
        below_w = np.cumsum(w_h) - w_h
        below_wy = np.cumsum(wy_h) - wy_h
        gaps = y * below_w - below_wy
        result[:, h] = np.bincount(codes, weights=w * gaps, minlength=gs.k)
    return result


def _check_groups(gs: GroupedSample, population: np.ndarray) -> None:
    empty = gs.labels[population <= 0]
    if len(empty):
        raise InputError(
            f"every group needs a positive total weight; {len(empty)} groups have none: "
            f"{format_rows(empty)}"
        )


def dagum_gini(
    values: Any,
    groups: Any,
    weights: Any = None,
    *,
    data: pd.DataFrame | None = None,
    nan: NanPolicy = "raise",
) -> DagumGini:
    """Decompose the Gini coefficient into within, net between and transvariation parts.

    See the module docstring for the definitions (Dagum 1997).

    Parameters
    ----------
    values : array-like, Series or column name
        Non-negative per-capita values.
    groups : array-like, Series or column name
        Group label of each region (e.g. prefecture, or mountain / not).
    weights : array-like, Series, column name or None
        Non-negative population weights; every group needs a positive total.
    data : DataFrame, optional
        Table in which column names are looked up.
    nan : {"raise", "drop"}
        Policy for rows with missing values, weights or groups.

    Returns
    -------
    DagumGini

    Examples
    --------
    >>> d = dagum_gini([1, 2, 10, 11], ["poor", "poor", "rich", "rich"])  # G = 76 / 192
    >>> round(d.net_between / d.gini, 3), d.transvariation
    (0.947, 0.0)
    >>> round(dagum_gini([1, 2, 3], ["a", "b", "b"]).within_share, 6)  # singleton group "a"
    0.25
    """
    gs = grouped_sample(values, groups, weights, data, nan)
    check_positive(
        Sample(gs.values, gs.weights, gs.codes, gs.index, gs.n_dropped, gs.index[:0]),
        measure="dagum_gini",
        allow_zero=True,
    )
    population, income = gs.totals()
    _check_groups(gs, population)
    if not income.sum() > 0:
        raise InputError("dagum_gini needs a positive total of values")
    return _decompose(gs, population, income, directed_differences(gs))


def _decompose(
    gs: GroupedSample, population: np.ndarray, income: np.ndarray, directed: np.ndarray
) -> DagumGini:
    mean = income / population
    p = population / population.sum()
    s = income / income.sum()
    absolute = directed + directed.T
    with np.errstate(divide="ignore", invalid="ignore"):
        gini_jh = absolute / (np.outer(population, population) * (mean[:, None] + mean[None, :]))
        # A group (or pair) with zero income has no differences: 0/0 is taken as 0. Its
        # within term is weighted by its income share s_j = 0, so the identity G = sum holds.
        gini_jh = np.nan_to_num(gini_jh)
        affluence = np.where(absolute > 0, (directed - directed.T) / absolute, 0.0)
    weight = np.outer(p, s) + np.outer(s, p)
    upper = np.triu(np.ones((gs.k, gs.k), dtype=bool), k=1)
    between_parts = gini_jh * weight * upper
    net_between = float((between_parts * np.abs(affluence)).sum())
    between = float(between_parts.sum())
    within_parts = np.diag(gini_jh) * p * s
    within = float(within_parts.sum())
    total = within + between
    shares = [x / total if total > 0 else float("nan") for x in (within, net_between)]
    transvariation = between - net_between
    labels = gs.labels
    table = pd.DataFrame(
        {
            "group": labels,
            "n": np.bincount(gs.codes, minlength=gs.k),
            "population": population,
            "population_share": p,
            "income_share": s,
            "mean": mean,
            "gini": np.diag(gini_jh),
            "within_contribution": within_parts,
        }
    )
    return DagumGini(
        gini=total,
        within=within,
        net_between=net_between,
        transvariation=transvariation,
        between=between,
        within_share=shares[0],
        net_between_share=shares[1],
        transvariation_share=transvariation / total if total > 0 else float("nan"),
        gini_matrix=pd.DataFrame(gini_jh, index=labels, columns=labels),
        affluence_matrix=pd.DataFrame(affluence, index=labels, columns=labels),
        groups=table,
        n=int(gs.values.size),
        n_dropped=gs.n_dropped,
    )
