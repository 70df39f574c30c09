"""Mann-Kendall test for a monotonic trend in a time series.

``S = sum_{k < l} sign(x_l - x_k)`` over all pairs of periods (Mann 1945,
"Nonparametric tests against trend", *Econometrica* 13(3); Kendall 1975,
*Rank Correlation Methods*, 4th ed., Griffin). Under the null of no trend
(independent, identically distributed values) ``S`` has mean 0 and, with ties,

``Var(S) = [n(n-1)(2n+5) - sum_g t_g(t_g-1)(2t_g+5)] / 18``

where ``t_g`` is the size of each group of tied values. The test statistic
uses a continuity correction, ``Z = (S - sign(S)) / sqrt(Var(S))``, and the
p-value is two-sided, ``2 Phi(-|Z|)`` (as the R package Kendall, which R's
sfdep uses for its emerging hot spot analysis, and as ArcGIS's trend test).

``tau`` is Kendall's tau-b between the series and time, ``S / sqrt((n0 - n1)
n0)`` with ``n0 = n(n-1)/2`` and ``n1 = sum_g t_g(t_g-1)/2`` (time has no
ties): what ``scipy.stats.kendalltau(range(n), x)`` returns.

Examples
--------
>>> result = mann_kendall([1.0, 2.0, 3.0, 5.0, 4.0])
>>> result.s, round(result.tau, 3), round(result.p_value, 4)
(8, 0.8, 0.0864)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from geodisparity._results import result_dict, short_repr
from geodisparity.errors import InputError
from geodisparity.stats.normal import two_sided_normal_p

__all__ = ["MannKendall", "mann_kendall", "mann_kendall_rows"]


@dataclass(frozen=True, repr=False)
class MannKendall:
    """Result of :func:`mann_kendall`.

    Attributes
    ----------
    s : int
        Mann-Kendall ``S``: concordant minus discordant pairs with time.
    variance : float
        Tie-corrected ``Var(S)``.
    z : float
        Continuity-corrected standard normal score (0 when ``S = 0``).
    p_value : float
        Two-sided p-value of ``z``.
    tau : float
        Kendall's tau-b between the series and time (NaN if all values tie).
    n : int
        Length of the series.
    """

    s: int
    variance: float
    z: float
    p_value: float
    tau: float
    n: int

    def __repr__(self) -> str:
        return short_repr(self, ["s", "z", "p_value", "tau", "n"])

    def to_dict(self) -> dict[str, Any]:
        """Return all fields as plain Python."""
        return result_dict(self)


def _tie_terms(sorted_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: ``sum t(t-1)(2t+5)`` and ``sum t(t-1)/2`` over groups of tied values."""
    rows = sorted_rows.shape[0]
    variance_term = np.zeros(rows)
    pair_term = np.zeros(rows)
    tied = (sorted_rows[:, 1:] == sorted_rows[:, :-1]).any(axis=1)
    for row in np.flatnonzero(tied):
        _, counts = np.unique(sorted_rows[row], return_counts=True)
        t = counts[counts > 1].astype(float)
        variance_term[row] = np.sum(t * (t - 1) * (2 * t + 5))
        pair_term[row] = np.sum(t * (t - 1) / 2)
    return variance_term, pair_term


def _complete_rows(x: np.ndarray) -> dict[str, np.ndarray]:
    """Mann-Kendall of each row of a NaN-free ``(rows, n)`` array, vectorised over rows."""
    rows, n = x.shape
    s = np.zeros(rows)
    for k in range(n - 1):
        s += np.sign(x[:, k + 1:] - x[:, k:k + 1]).sum(axis=1)
    variance_term, pair_term = _tie_terms(np.sort(x, axis=1))
    variance = (n * (n - 1) * (2 * n + 5) - variance_term) / 18.0
    pairs = n * (n - 1) / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(variance > 0, (s - np.sign(s)) / np.sqrt(variance), 0.0)
        tau = np.where(pairs > pair_term, s / np.sqrt((pairs - pair_term) * pairs), np.nan)
    return {"s": s, "variance": variance, "z": z, "p": two_sided_normal_p(z), "tau": tau}


def mann_kendall_rows(values: np.ndarray) -> dict[str, np.ndarray]:
    """Mann-Kendall of each row of ``values`` (rows: series, columns: periods in order).

    Missing values (NaN) are left out of their row's series; a row with fewer
    than 2 values gets NaN everywhere.

    Parameters
    ----------
    values : numpy.ndarray
        ``(rows, periods)`` array.

    Returns
    -------
    dict of str to numpy.ndarray
        ``s``, ``variance``, ``z``, ``p`` and ``tau``, one value per row.

    Examples
    --------
    >>> out = mann_kendall_rows(np.array([[1.0, 2.0, 3.0], [3.0, np.nan, 1.0]]))
    >>> out["s"].tolist(), out["tau"].tolist()
    ([3.0, -1.0], [1.0, -1.0])
    """
    x = np.asarray(values, dtype=float)
    if x.ndim != 2:
        raise InputError(f"values must be 2-D (series x periods); got shape {x.shape}")
    complete = np.isfinite(x).all(axis=1)
    keys = ("s", "variance", "z", "p", "tau")
    out = {key: np.full(x.shape[0], np.nan) for key in keys}
    if complete.any() and x.shape[1] >= 2:
        for key, column in _complete_rows(x[complete]).items():
            out[key][complete] = column
    for row in np.flatnonzero(~complete):
        finite = x[row][np.isfinite(x[row])]
        if finite.size >= 2:
            for key, column in _complete_rows(finite[None, :]).items():
                out[key][row] = column[0]
    return out


def mann_kendall(values: Any) -> MannKendall:
    """Mann-Kendall trend test of one series (periods in time order).

    Parameters
    ----------
    values : array-like of float
        The series, oldest first; at least 2 values, none missing.

    Returns
    -------
    MannKendall
        ``S``, its tie-corrected variance, the continuity-corrected ``z``,
        the two-sided p-value and Kendall's tau-b with time.

    Raises
    ------
    InputError
        Fewer than 2 values, or missing ones.

    Examples
    --------
    >>> mann_kendall([3, 3, 3]).p_value  # all tied: no evidence of a trend
    1.0
    >>> mann_kendall([1.0, float("nan")])
    Traceback (most recent call last):
    ...
    geodisparity.errors.InputError: values has missing (NaN) or infinite entries at positions 1
    """
    x = np.asarray(values, dtype=float).ravel()
    if x.size < 2:
        raise InputError(f"values needs at least 2 periods; got {x.size}")
    bad = np.flatnonzero(~np.isfinite(x))
    if bad.size:
        positions = ", ".join(map(str, bad[:10]))
        raise InputError(f"values has missing (NaN) or infinite entries at positions {positions}")
    out = _complete_rows(x[None, :])
    return MannKendall(
        s=int(out["s"][0]), variance=float(out["variance"][0]), z=float(out["z"][0]),
        p_value=float(out["p"][0]), tau=float(out["tau"][0]), n=int(x.size),
    )
