"""Multiple-testing control for the many p-values of a local statistic.

A LISA map tests every region at once; at ``alpha = 0.05`` about one region in
twenty looks "significant" by chance. :func:`adjust_pvalues` turns p-values into
adjusted p-values (``q``) so that ``q <= alpha`` controls the false discovery
rate (Benjamini-Hochberg, ``"fdr"``; Benjamini-Yekutieli, ``"by"``, which also
holds under any dependence between the tests) or the family-wise error rate
(Bonferroni).
NaN p-values (islands, missing values) are left out of the count of tests and
stay NaN.

Examples
--------
>>> adjust_pvalues([0.01, 0.04, 0.03, float("nan")], method="fdr").round(3).tolist()
[0.03, 0.04, 0.04, nan]
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from geodisparity.errors import InputError

__all__ = [
    "ACCEPTED",
    "ADJUSTMENTS",
    "Adjustment",
    "adjust_pvalues",
    "benjamini_hochberg",
    "benjamini_yekutieli",
    "bonferroni",
]

Adjustment = Literal["fdr", "by", "bonferroni"]
#: The accepted values of ``adjust=`` (besides None), in the order messages list them.
ADJUSTMENTS: tuple[str, ...] = ("fdr", "by", "bonferroni")
#: How messages list the accepted values of ``adjust=``.
ACCEPTED = "use " + ", ".join(repr(a) for a in ADJUSTMENTS) + " or None"


def _as_pvalues(pvalues: Any) -> np.ndarray:
    p = np.asarray(pvalues, dtype=float)
    if p.ndim != 1:
        raise InputError(f"pvalues must be one-dimensional; got shape {p.shape}")
    bad = np.isfinite(p) & ((p < 0) | (p > 1))
    if bad.any():
        raise InputError(
            f"pvalues must lie in [0, 1]; {int(bad.sum())} do not, e.g. {p[bad][0]!r}"
        )
    return p


def benjamini_hochberg(pvalues: Any) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (false discovery rate).

    With ``m`` finite p-values sorted ascending, ``q_(j) = min over l >= j of
    m * p_(l) / l``, capped at 1. Rejecting every test with ``q <= alpha`` is
    the Benjamini-Hochberg step-up procedure at level ``alpha``.

    Parameters
    ----------
    pvalues : array-like
        P-values in [0, 1]; NaN entries are ignored and returned as NaN.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values in the input order.

    Examples
    --------
    >>> benjamini_hochberg([0.01, 0.02, 0.03, 0.5]).tolist()
    [0.04, 0.04, 0.04, 0.5]
    >>> benjamini_hochberg([]).tolist()
    []
    """
    return _step_up(_as_pvalues(pvalues), dependence_factor=False)


def benjamini_yekutieli(pvalues: Any) -> np.ndarray:
    """Benjamini-Yekutieli adjusted p-values (false discovery rate under any dependence).

    The Benjamini-Hochberg step-up with every level divided by
    ``c(m) = sum_{i=1..m} 1/i`` (Benjamini and Yekutieli 2001, *Annals of
    Statistics* 29(4), Theorem 1.3): ``q_(j) = min over l >= j of
    c(m) m p_(l) / l``, capped at 1. Rejecting ``q <= alpha`` controls the
    false discovery rate at ``alpha`` whatever the dependence between the
    tests, as between the overlapping neighbourhoods of local statistics; the
    price is about ``log(m) + 0.58`` times stricter levels than
    Benjamini-Hochberg.

    Parameters
    ----------
    pvalues : array-like
        P-values in [0, 1]; NaN entries are ignored and returned as NaN.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values in the input order.

    Examples
    --------
    >>> # m = 4: c(4) = 1 + 1/2 + 1/3 + 1/4 = 25/12, and BH gives 0.04 for the first three
    >>> benjamini_yekutieli([0.01, 0.02, 0.03, 0.5]).round(4).tolist()
    [0.0833, 0.0833, 0.0833, 1.0]
    >>> benjamini_yekutieli([float("nan")]).tolist()
    [nan]
    """
    return _step_up(_as_pvalues(pvalues), dependence_factor=True)


def _step_up(p: np.ndarray, *, dependence_factor: bool) -> np.ndarray:
    """Step-up adjusted p-values ``min over l >= j of c m p_(l) / l``, capped at 1."""
    out = np.full(p.shape, np.nan)
    finite = np.flatnonzero(np.isfinite(p))
    m = finite.size
    if m == 0:
        return out
    ranks = np.arange(1, m + 1)
    c = float(np.sum(1.0 / ranks)) if dependence_factor else 1.0
    order = finite[np.argsort(p[finite], kind="stable")]
    scaled = p[order] * (c * m) / ranks
    out[order] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    return out


def bonferroni(pvalues: Any) -> np.ndarray:
    """Bonferroni adjusted p-values (family-wise error rate): ``min(m * p, 1)``.

    Parameters
    ----------
    pvalues : array-like
        P-values in [0, 1]; NaN entries are ignored and returned as NaN.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> bonferroni([0.01, 0.2, float("nan")]).tolist()
    [0.02, 0.4, nan]
    """
    p = _as_pvalues(pvalues)
    m = int(np.isfinite(p).sum())
    return np.minimum(p * m, 1.0)


def adjust_pvalues(pvalues: Any, *, method: Adjustment) -> np.ndarray:
    """Adjust p-values for multiple testing.

    Parameters
    ----------
    pvalues : array-like
        P-values in [0, 1]; NaN entries are ignored and returned as NaN.
    method : {"fdr", "by", "bonferroni"}
        ``"fdr"``: Benjamini-Hochberg; ``"by"``: Benjamini-Yekutieli (false
        discovery rate under any dependence); ``"bonferroni"``: Bonferroni.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, in the input order.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.02], method="bonferroni").tolist()
    [0.02, 0.04]
    """
    if method == "fdr":
        return benjamini_hochberg(pvalues)
    if method == "by":
        return benjamini_yekutieli(pvalues)
    if method == "bonferroni":
        return bonferroni(pvalues)
    raise InputError(f"adjust={method!r} is not accepted; {ACCEPTED}")
