"""Are regions converging? Sigma and beta convergence over years.

Input form: a *long* table, one row per region and year, e.g. the demo data's
``adcode, year, income, population`` columns. A wide table (regions x years)
can be turned into one with ``wide.melt(ignore_index=False, var_name="year")``.

- Sigma convergence: the dispersion of incomes across regions falls over
  time. :func:`sigma_convergence` gives the CV, Williamson's weighted CV and
  the standard deviation of log income per year, and tests the linear trend
  of one of them.
- Beta convergence: poorer regions grow faster. :func:`beta_convergence`
  regresses the annualised log growth between the first and last year on
  the log initial level (absolute), plus control columns (conditional).

Examples
--------
>>> f = pd.DataFrame({"region": [1, 2, 3] * 2, "year": [2000] * 3 + [2010] * 3,
...                   "income": [1.0, 2.0, 4.0, 2.0, 3.0, 4.0]})
>>> beta_convergence(f, value="income", year="year", region="region").beta < 0
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geodisparity._inputs import NanPolicy
from geodisparity._results import HtmlRepr, result_dict, short_repr
from geodisparity.errors import DuplicateKeyError, InputError, MissingColumnError, format_rows
from geodisparity.stats.student import t_two_sided_p

__all__ = ["SigmaConvergence", "BetaConvergence", "sigma_convergence", "beta_convergence"]

_SIGMA_MEASURES = ("cv", "weighted_cv", "sd_log")


@dataclass(frozen=True)
class OLSFit:
    """Ordinary least squares with classical standard errors."""

    coef: np.ndarray
    std_error: np.ndarray
    t: np.ndarray
    p_value: np.ndarray
    r_squared: float
    df_resid: int


def ols(x: np.ndarray, y: np.ndarray) -> OLSFit:
    """Fit ``y = x b + e`` by least squares; ``x`` includes the intercept column.

    Parameters
    ----------
    x : ndarray
        ``n x k`` design matrix of full column rank.
    y : ndarray
        Response, length ``n > k``.

    Returns
    -------
    OLSFit
        Coefficients, classical standard errors ``sqrt(diag(s^2 (X'X)^-1))``,
        t statistics and two-sided p-values from Student's t with ``n - k``
        degrees of freedom.

    Examples
    --------
    >>> fit = ols(np.column_stack([np.ones(4), [0, 1, 2, 3]]), np.array([1.0, 3, 5, 7]))
    >>> fit.coef.round(6).tolist(), fit.r_squared
    ([1.0, 2.0], 1.0)
    """
    n, k = x.shape
    if n <= k:
        raise InputError(f"the regression needs more observations ({n}) than coefficients ({k})")
    if np.linalg.matrix_rank(x) < k:
        raise InputError("the regressors are collinear (or a control column is constant)")
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ coef
    df = n - k
    sigma2 = float(resid @ resid) / df
    se = np.sqrt(np.diag(sigma2 * np.linalg.inv(x.T @ x)))
    with np.errstate(divide="ignore", invalid="ignore"):
        t = coef / se
    p = t_two_sided_p(t, df)  # 2 P(T_df > |t|), without importing scipy
    tss = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float(resid @ resid) / tss if tss > 0 else float("nan")
    return OLSFit(coef, se, t, p, r2, df)


def _require_columns(frame: Any, columns: Sequence[str | None]) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"data must be a long DataFrame; got {type(frame).__name__}")
    for column in columns:
        if column is not None and column not in frame.columns:
            raise MissingColumnError(
                f"column {column!r} is not in data; columns are: "
                f"{format_rows(map(str, frame.columns), limit=20)}"
            )


def _drop_missing(frame: pd.DataFrame, columns: list[str], nan: NanPolicy) -> pd.DataFrame:
    if nan not in ("raise", "drop"):
        raise InputError(f"nan={nan!r} is not accepted; use 'raise' or 'drop'")
    numeric = frame[columns].apply(pd.to_numeric, errors="coerce")
    missing = ~np.isfinite(numeric.to_numpy(dtype=float)).all(axis=1)
    if missing.any() and nan == "raise":
        raise InputError(
            f"{int(missing.sum())} rows have missing or non-numeric values in {columns}: "
            f"rows {format_rows(frame.index[missing])}; fix them or pass nan='drop'"
        )
    return frame.loc[~missing]


# --- sigma convergence ------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class SigmaConvergence(HtmlRepr):
    """Dispersion per year and the linear trend of one measure.

    Attributes
    ----------
    table : DataFrame
        One row per year: ``year``, ``n``, ``mean`` (weighted when weights
        are given), ``cv``, ``weighted_cv`` (NaN without weights), ``sd_log``.
    measure : str
        The column whose trend is tested.
    slope, intercept : float
        OLS of ``measure`` on year; a negative slope means sigma convergence.
    std_error, t, p_value : float
        Of the slope (two-sided, Student's t with ``n_years - 2`` df); NaN
        with fewer than 3 years.
    r_squared : float
        Of the trend line.
    n_years : int
        Years in the table.
    n_dropped : int
        Rows dropped for missing values.
    """

    table: pd.DataFrame
    measure: str
    slope: float
    intercept: float
    std_error: float
    t: float
    p_value: float
    r_squared: float
    n_years: int
    n_dropped: int

    def __repr__(self) -> str:
        return short_repr(self, ["measure", "slope", "std_error", "p_value", "n_years"])

    def to_frame(self) -> pd.DataFrame:
        """Return the per-year dispersion table."""
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        """Return all fields as plain Python."""
        return result_dict(self)


def _dispersion(part: pd.DataFrame, value: str, weights: str | None) -> dict[str, float]:
    y = part[value].to_numpy(dtype=float)
    mean = float(y.mean())
    row = {"n": y.size, "mean": mean, "cv": float(y.std() / mean), "weighted_cv": np.nan}
    if weights is not None:
        p = part[weights].to_numpy(dtype=float)
        p = p / p.sum()
        row["mean"] = wmean = float(p @ y)
        row["weighted_cv"] = float(np.sqrt(p @ (y - wmean) ** 2) / wmean)
    with np.errstate(divide="ignore", invalid="ignore"):
        row["sd_log"] = float(np.log(y).std()) if (y > 0).all() else np.nan
    return row


def sigma_convergence(
    data: pd.DataFrame,
    *,
    value: str,
    year: str,
    region: str | None = None,
    weights: str | None = None,
    measure: str = "cv",
    nan: NanPolicy = "raise",
) -> SigmaConvergence:
    """Dispersion of a value across regions per year, with a linear trend test.

    Parameters
    ----------
    data : DataFrame
        Long table: one row per region and year.
    value : str
        Column of per-capita values (positive for ``sd_log``).
    year : str
        Column of years (numeric).
    region : str, optional
        Column of region ids; when given, a region repeated within a year is
        an error.
    weights : str, optional
        Column of population, for ``weighted_cv`` (Williamson) and the mean.
    measure : {"cv", "weighted_cv", "sd_log"}
        Which dispersion's trend to test; ``"weighted_cv"`` needs ``weights``.
    nan : {"raise", "drop"}
        Policy for rows with missing values.

    Returns
    -------
    SigmaConvergence

    Examples
    --------
    >>> f = pd.DataFrame({"year": [1, 1, 2, 2, 3, 3], "y": [1, 3, 1.5, 2.5, 1.9, 2.1]})
    >>> s = sigma_convergence(f, value="y", year="year")
    >>> s.table["cv"].round(2).tolist(), s.slope < 0
    ([0.5, 0.25, 0.05], True)
    """
    if measure not in _SIGMA_MEASURES:
        raise InputError(f"measure={measure!r} is not accepted; use one of {_SIGMA_MEASURES}")
    if measure == "weighted_cv" and weights is None:
        raise InputError("measure='weighted_cv' needs weights= (a population column)")
    _require_columns(data, [value, year, region, weights])
    if region is not None and data.duplicated([region, year]).any():
        repeated = data.loc[data.duplicated([region, year], keep=False), region].unique()
        raise DuplicateKeyError(f"regions repeat within a year: {format_rows(repeated)}")
    columns = [c for c in (value, year, weights) if c is not None]
    clean = _drop_missing(data, columns, nan)
    if clean.empty:
        raise InputError("data has no complete rows")
    rows = [
        {"year": key, **_dispersion(part, value, weights)}
        for key, part in clean.groupby(year, sort=True)
    ]
    table = pd.DataFrame(rows)
    slope, intercept, se, t, p, r2 = _trend(table["year"].to_numpy(float), table[measure])
    return SigmaConvergence(
        table, measure, slope, intercept, se, t, p, r2, len(table), len(data) - len(clean)
    )


def _trend(years: np.ndarray, series: pd.Series) -> tuple[float, ...]:
    y = series.to_numpy(dtype=float)
    nan = float("nan")
    if years.size < 2 or not np.isfinite(y).all():
        return nan, nan, nan, nan, nan, nan
    x = np.column_stack([np.ones_like(years), years])
    if years.size == 2:
        coef = np.linalg.solve(x, y)
        return float(coef[1]), float(coef[0]), nan, nan, nan, nan
    fit = ols(x, y)
    return (float(fit.coef[1]), float(fit.coef[0]), float(fit.std_error[1]),
            float(fit.t[1]), float(fit.p_value[1]), fit.r_squared)  # fmt: skip


# --- beta convergence -------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class BetaConvergence(HtmlRepr):
    """Regression of annualised log growth on log initial level.

    Attributes
    ----------
    beta : float
        Coefficient on the log initial level; negative means convergence.
    std_error, t, p_value : float
        Of ``beta`` (classical OLS, Student's t with ``n - k`` df).
    intercept : float
        Regression constant.
    r_squared : float
        Of the regression.
    speed : float or None
        Implied convergence speed ``lambda = -ln(1 + beta T) / T`` per year;
        None when ``1 + beta T <= 0``.
    half_life : float or None
        ``ln 2 / lambda`` years; None unless ``lambda > 0``.
    start, end : Any
        First and last year used; ``T = end - start``.
    n : int
        Regions in the regression.
    n_dropped : int
        Regions dropped (missing in a year or missing values) with ``nan="drop"``.
    conditional : bool
        Whether controls were included.
    coefficients : DataFrame
        One row per regressor (``const``, ``log_initial``, controls):
        ``coef``, ``std_error``, ``t``, ``p_value``.
    """

    beta: float
    std_error: float
    t: float
    p_value: float
    intercept: float
    r_squared: float
    speed: float | None
    half_life: float | None
    start: Any
    end: Any
    n: int
    n_dropped: int
    conditional: bool
    coefficients: pd.DataFrame

    def __repr__(self) -> str:
        return short_repr(self, ["beta", "std_error", "p_value", "speed", "half_life", "n"])

    def to_frame(self) -> pd.DataFrame:
        """Return the coefficient table."""
        return self.coefficients.copy()

    def to_dict(self) -> dict[str, Any]:
        """Return all fields as plain Python."""
        return result_dict(self)


def _period_table(
    data: pd.DataFrame, value: str, year: str, region: str, controls: list[str], when: Any
) -> pd.DataFrame:
    part = data.loc[data[year] == when]
    duplicated = part[region].duplicated(keep=False)
    if duplicated.any():
        raise DuplicateKeyError(
            f"region {region!r} repeats within year {when!r}: "
            f"{format_rows(part.loc[duplicated, region].unique())}"
        )
    return part.set_index(region)[[value, *controls]]


def _paired_levels(
    data: pd.DataFrame, value: str, year: str, region: str, controls: list[str],
    start: Any, end: Any, nan: NanPolicy,
) -> tuple[pd.DataFrame, int]:  # fmt: skip
    first = _period_table(data, value, year, region, controls, start)
    last = _period_table(data, value, year, region, [], end)
    joined = first.join(last.rename(columns={value: "_end"}), how="outer")
    numeric = joined.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(numeric).all(axis=1)
    levels = joined[[value, "_end"]].apply(pd.to_numeric, errors="coerce")
    bad |= ~(levels > 0).all(axis=1).to_numpy()
    if bad.any() and nan == "raise":
        raise InputError(
            f"{int(bad.sum())} regions lack a positive {value!r} in {start!r} or {end!r}, or a "
            f"control value: {format_rows(joined.index[bad])}; fix them or pass nan='drop'"
        )
    return joined.loc[~bad], int(bad.sum())


def beta_convergence(
    data: pd.DataFrame,
    *,
    value: str,
    year: str,
    region: str,
    controls: Sequence[str] | None = None,
    start: Any = None,
    end: Any = None,
    nan: NanPolicy = "raise",
) -> BetaConvergence:
    """Absolute or conditional beta convergence between two years.

    Fits ``(ln y_end - ln y_start) / T = a + beta ln y_start [+ controls] + e``
    by OLS across regions, with ``T = end - start``.

    Parameters
    ----------
    data : DataFrame
        Long table: one row per region and year.
    value : str
        Column of positive per-capita values.
    year : str
        Column of (numeric) years.
    region : str
        Column of region ids; each region once per year.
    controls : sequence of str, optional
        Columns of control variables, taken in the start year (conditional
        convergence).
    start, end : optional
        Years to compare; default the first and last year in ``data``.
    nan : {"raise", "drop"}
        Regions missing in either year or with missing values raise, or are dropped.

    Returns
    -------
    BetaConvergence

    Examples
    --------
    >>> f = pd.DataFrame({"r": [1, 2, 3] * 2, "t": [0] * 3 + [10] * 3,
    ...                   "y": [1.0, 2.0, 4.0, 2.0, 3.0, 5.0]})
    >>> b = beta_convergence(f, value="y", year="t", region="r")
    >>> round(b.beta, 4), round(b.half_life, 1)
    (-0.0339, 16.7)
    """
    controls = list(controls or [])
    _require_columns(data, [value, year, region, *controls])
    if nan not in ("raise", "drop"):
        raise InputError(f"nan={nan!r} is not accepted; use 'raise' or 'drop'")
    years = pd.to_numeric(data[year], errors="coerce")
    start = years.min().item() if start is None else start
    end = years.max().item() if end is None else end
    horizon = float(end) - float(start)
    if not horizon > 0:
        raise InputError(f"end ({end!r}) must be later than start ({start!r})")
    pairs, n_dropped = _paired_levels(data, value, year, region, controls, start, end, nan)
    log0 = np.log(pairs[value].to_numpy(dtype=float))
    growth = (np.log(pairs["_end"].to_numpy(dtype=float)) - log0) / horizon
    x = np.column_stack([np.ones_like(log0), log0, pairs[controls].to_numpy(dtype=float)])
    fit = ols(x, growth)
    beta = float(fit.coef[1])
    speed = -math.log(1.0 + beta * horizon) / horizon if 1.0 + beta * horizon > 0 else None
    half_life = math.log(2.0) / speed if speed is not None and speed > 0 else None
    table = pd.DataFrame(
        {"coef": fit.coef, "std_error": fit.std_error, "t": fit.t, "p_value": fit.p_value},
        index=pd.Index(["const", "log_initial", *controls], name="term"),
    )
    return BetaConvergence(
        beta, float(fit.std_error[1]), float(fit.t[1]), float(fit.p_value[1]),
        float(fit.coef[0]), fit.r_squared, speed, half_life, start, end, len(pairs),
        n_dropped, bool(controls), table,
    )  # fmt: skip
