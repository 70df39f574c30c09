"""The three gaps a planner watches: between regions, between town and country, in income.

- Regional gap: how far apart the regions' per-capita incomes are
  (max/min ratio, Williamson's population-weighted CV, and how much of the
  Theil index lies between groups such as prefectures).
- Urban-rural gap: urban over rural per-capita income.
- Income gap: the population-weighted Gini of per-capita income.

:func:`gaps` puts all three in one tidy table, one row per year.

Examples
--------
>>> r = urban_rural_ratio([30, 40], [10, 20])
>>> r.per_region.tolist(), r.aggregate
([3.0, 2.0], 2.3333333333333335)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geodisparity._inputs import NanPolicy, prepare_sample, resolve_column
from geodisparity._results import HtmlRepr, result_dict, short_repr
from geodisparity.errors import InputError, MissingColumnError, format_rows
from geodisparity.stats.decomposition import decompose, grouped_sample
from geodisparity.stats.distribution import max_min_ratio
from geodisparity.stats.inequality import cv, gini

__all__ = ["UrbanRuralRatio", "urban_rural_ratio", "gaps", "GAP_COLUMNS"]

#: Columns of :func:`gaps`, with their definitions.
GAP_COLUMNS: dict[str, str] = {
    "n_regions": "number of regions used",
    "regional_max_min_ratio": "highest / lowest regional per-capita income (times)",
    "regional_williamson": "Williamson CV: population-weighted sd / weighted mean of "
    "per-capita income (unweighted CV without population); unitless",
    "regional_theil_between_share": "share (0-1) of the population-weighted Theil T index "
    "lying between the groups; NaN without groups",
    "urban_rural_ratio": "population-weighted mean urban / mean rural per-capita income "
    "(times); NaN without urban and rural",
    "income_gini": "population-weighted Gini of per-capita income (0-1)",
}


@dataclass(frozen=True, repr=False)
class UrbanRuralRatio(HtmlRepr):
    """Urban over rural per-capita income, per region and overall.

    Attributes
    ----------
    per_region : Series
        ``urban / rural`` of each region, aligned to the input index (NaN for
        rows dropped with ``nan="drop"``).
    aggregate : float
        Weighted mean of urban over weighted mean of rural income (plain means
        without weights).
    urban_mean, rural_mean : float
        The two (weighted) means.
    n : int
        Regions used.
    n_dropped : int
        Rows dropped for missing values.
    """

    per_region: pd.Series
    aggregate: float
    urban_mean: float
    rural_mean: float
    n: int
    n_dropped: int

    def __repr__(self) -> str:
        return short_repr(self, ["aggregate", "urban_mean", "rural_mean", "n", "n_dropped"])

    def to_frame(self) -> pd.DataFrame:
        """Return the per-region ratios as a one-column DataFrame."""
        return self.per_region.to_frame()

    def to_dict(self) -> dict[str, Any]:
        """Return all fields as plain Python."""
        return result_dict(self)


def urban_rural_ratio(
    urban: Any,
    rural: Any,
    weights: Any = None,
    *,
    data: pd.DataFrame | None = None,
    nan: NanPolicy = "raise",
) -> UrbanRuralRatio:
    """Ratio of urban to rural per-capita income.

    Parameters
    ----------
    urban, rural : array-like, Series or column name
        Urban and rural per-capita income of each region; rural must be positive.
    weights : array-like, Series, column name or None
        Population used to weight both means (e.g. total population).
    data : DataFrame, optional
        Table in which column names are looked up.
    nan : {"raise", "drop"}
        Policy for rows with missing urban, rural or weight values.

    Returns
    -------
    UrbanRuralRatio

    Examples
    --------
    >>> urban_rural_ratio([30, 40], [10, 20], weights=[1, 3]).aggregate  # 37.5 / 17.5
    2.142857142857143
    >>> urban_rural_ratio([30, None], [10, 20], nan="drop").per_region.tolist()
    [3.0, nan]
    """
    u = resolve_column(urban, data, name="urban")
    r = resolve_column(rural, data, name="rural")
    if len(u) != len(r):
        raise InputError(f"rural has {len(r)} rows but urban has {len(u)}; they must match")
    w = resolve_column(weights, data, name="weights")
    if w is not None and len(w) != len(u):
        raise InputError(f"weights has {len(w)} rows but urban has {len(u)}; they must match")
    if nan not in ("raise", "drop"):
        raise InputError(f"nan={nan!r} is not accepted; use 'raise' or 'drop'")
    urban_all, rural_all = _floats(u, "urban"), _floats(r, "rural")
    weight_all = None if w is None else _floats(w, "weights")
    missing = ~np.isfinite(urban_all) | ~np.isfinite(rural_all)
    if weight_all is not None:
        missing |= ~np.isfinite(weight_all)
    if missing.any() and nan == "raise":
        raise InputError(
            f"{int(missing.sum())} of {len(u)} rows have missing urban, rural or weights values: "
            f"rows {format_rows(u.index[missing])}; fix them or pass nan='drop'"
        )
    kept = np.flatnonzero(~missing)
    urban_v, rural_v = urban_all[kept], rural_all[kept]
    sample = prepare_sample(  # validates the weights (sign, all zero) and emptiness
        pd.Series(urban_v, index=u.index[kept]),
        None if weight_all is None else weight_all[kept],
    )
    bad = rural_v <= 0
    if bad.any():
        raise InputError(
            f"rural must be positive; {int(bad.sum())} rows are not: "
            f"rows {format_rows(u.index[kept[bad]])}"
        )
    p = np.ones(kept.size) if sample.weights is None else sample.weights
    urban_mean, rural_mean = float(p @ urban_v / p.sum()), float(p @ rural_v / p.sum())
    ratio = np.full(len(u), np.nan)
    ratio[kept] = urban_v / rural_v
    per_region = pd.Series(ratio, index=u.index, name="urban_rural_ratio")
    return UrbanRuralRatio(
        per_region, urban_mean / rural_mean, urban_mean, rural_mean, int(kept.size),
        int(missing.sum()),
    )  # fmt: skip


def _floats(series: pd.Series, name: str) -> np.ndarray:
    try:
        return series.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be numeric") from exc


def _one_period(
    frame: pd.DataFrame,
    income: str,
    population: str | None,
    urban: str | None,
    rural: str | None,
    groups: str | None,
    nan: NanPolicy,
) -> dict[str, float]:
    sample = prepare_sample(income, population, groups, data=frame, nan=nan)
    w = sample.weights
    row = {
        "n_regions": sample.size,
        "regional_max_min_ratio": max_min_ratio(sample.values, w),
        "regional_williamson": cv(sample.values, w),
        "regional_theil_between_share": np.nan,
        "urban_rural_ratio": np.nan,
        "income_gini": gini(sample.values, w),
    }
    if groups is not None:
        gs = grouped_sample(sample.values, sample.groups, w, None, "raise")
        row["regional_theil_between_share"] = decompose(gs, 1.0, "theil").between_share
    if urban is not None:
        row["urban_rural_ratio"] = urban_rural_ratio(
            urban, rural, population, data=frame, nan=nan
        ).aggregate
    return row


def gaps(
    frame: pd.DataFrame,
    *,
    income: str,
    population: str | None = None,
    urban: str | None = None,
    rural: str | None = None,
    groups: str | None = None,
    year: str | None = None,
    nan: NanPolicy = "raise",
) -> pd.DataFrame:
    """Regional, urban-rural and income gaps in one table, one row per year.

    Parameters
    ----------
    frame : DataFrame
        One row per region (and year, when ``year`` is given).
    income : str
        Column of per-capita income.
    population : str, optional
        Column of population; weights every measure when given.
    urban, rural : str, optional
        Columns of urban and rural per-capita income (give both or neither).
    groups : str, optional
        Column of group labels (e.g. prefecture) for the Theil between share.
    year : str, optional
        Column of years; one output row per year.
    nan : {"raise", "drop"}
        Policy for rows with missing values.

    Returns
    -------
    DataFrame
        Columns (see ``GAP_COLUMNS`` for definitions): ``year`` (when given),
        ``n_regions``, ``regional_max_min_ratio``, ``regional_williamson``,
        ``regional_theil_between_share``, ``urban_rural_ratio``,
        ``income_gini``. Columns that cannot be computed hold NaN.

    Examples
    --------
    >>> f = pd.DataFrame({"inc": [1.0, 2.0, 4.0], "pop": [1, 1, 2]})
    >>> gaps(f, income="inc", population="pop")[["regional_max_min_ratio", "income_gini"]]
       regional_max_min_ratio  income_gini
    0                     4.0         0.25
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"frame must be a DataFrame; got {type(frame).__name__}")
    if (urban is None) != (rural is None):
        raise InputError("give both urban= and rural= columns, or neither")
    for column in (income, population, urban, rural, groups, year):
        if column is not None and column not in frame.columns:
            raise MissingColumnError(
                f"column {column!r} is not in frame; columns are: "
                f"{format_rows(map(str, frame.columns), limit=20)}"
            )
    args = (income, population, urban, rural, groups, nan)
    if year is None:
        return pd.DataFrame([_one_period(frame, *args)])
    rows = [
        {"year": key, **_one_period(part, *args)}
        for key, part in frame.groupby(year, sort=True, dropna=True)
    ]
    return pd.DataFrame(rows)
