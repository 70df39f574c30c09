"""Put region values into map classes, by mapclassify's definitions.

:func:`classify` follows mapclassify's schemes with the rules our maps need:
missing values get class -1 ("no data") and are counted; when there are fewer
distinct values than classes, ``k`` is reduced with a
:class:`~geodisparity.errors.ClassificationWarning` and a note for the legend
instead of an exception; "natural_breaks" means Fisher-Jenks (exact and
deterministic, unlike mapclassify's k-means ``NaturalBreaks``).

The simple schemes (quantiles, equal interval, standard deviations around the
mean, user breaks) are computed here, by the same definitions as mapclassify
(Rey, Stephens & Laura 2017, "An evaluation of sampling and full enumeration
strategies for Fisher Jenks classification in big data settings", and
mapclassify's documentation): importing mapclassify costs seconds (it pulls in
scikit-learn and compiles with numba when present), so it is imported only for
Fisher-Jenks.

Examples
--------
>>> c = classify([1.0, 2.0, 3.0, 4.0, float("nan")], scheme="equal_interval", k=3)
>>> c.classes.tolist(), c.counts, c.n_missing
([0, 0, 1, 2, -1], (2, 1, 1), 1)
"""

from __future__ import annotations

import math
import os
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geodisparity._results import HtmlRepr
from geodisparity.errors import ClassificationWarning, EmptyDataError, InputError

__all__ = ["SCHEMES", "Classification", "classify", "format_number"]

#: Scheme name -> mapclassify class name.
SCHEMES: dict[str, str] = {
    "quantiles": "Quantiles",
    "fisher_jenks": "FisherJenks",
    "natural_breaks": "FisherJenks",
    "equal_interval": "EqualInterval",
    "std_mean": "StdMean",
    "user_defined": "UserDefined",
}
#: Schemes computed here rather than by mapclassify.
_OWN_SCHEMES = frozenset({"quantiles", "equal_interval", "std_mean", "user_defined"})


@dataclass(frozen=True)
class Classification(HtmlRepr):
    """Classes of one map layer.

    Attributes
    ----------
    scheme : str
        Scheme used.
    k : int
        Number of classes actually formed.
    k_requested : int
        Number of classes asked for.
    bins : tuple of float
        Upper bound of each class (mapclassify's convention: class ``i`` holds
        values in ``(bins[i-1], bins[i]]``, class 0 everything up to ``bins[0]``).
    classes : numpy.ndarray
        Class of each region, -1 where the value is missing.
    counts : tuple of int
        Regions per class.
    n_missing : int
        Regions without a value.
    minimum : float
        Smallest value present.
    note : str or None
        Why ``k`` differs from ``k_requested`` (English), or None.
    """

    scheme: str
    k: int
    k_requested: int
    bins: tuple[float, ...]
    classes: np.ndarray
    counts: tuple[int, ...]
    n_missing: int
    minimum: float
    note: str | None

    def __repr__(self) -> str:
        bins = ", ".join(format_number(b) for b in self.bins)
        return (
            f"Classification(scheme={self.scheme!r}, k={self.k}, bins=[{bins}], "
            f"counts={list(self.counts)}, n_missing={self.n_missing})"
        )

    def ranges(self) -> list[tuple[float | None, float]]:
        """Return ``(lower, upper)`` of each class; lower is None when open (``<= upper``)."""
        lowers: list[float | None] = [self.minimum if self.minimum <= self.bins[0] else None]
        lowers += list(self.bins[:-1])
        return list(zip(lowers, self.bins, strict=True))

    def labels(self, unit: str | None = None) -> list[str]:
        """Return a readable range per class, e.g. ``'1,200 – 3,400'``."""
        digits = _decimals_for(self.bins)
        suffix = f" {unit}" if unit else ""
        out = []
        for lower, upper in self.ranges():
            up = format_number(upper, digits)
            if lower is None:
                out.append(f"≤ {up}{suffix}")
            elif lower == upper:
                out.append(f"{up}{suffix}")
            else:
                out.append(f"{format_number(lower, digits)} – {up}{suffix}")
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as plain Python values."""
        return {
            "scheme": self.scheme, "k": self.k, "k_requested": self.k_requested,
            "bins": list(self.bins), "classes": self.classes.tolist(),
            "counts": list(self.counts), "n_missing": self.n_missing,
            "minimum": self.minimum, "note": self.note,
        }


def _decimals_for(values: Sequence[float]) -> int | None:
    """Decimals that tell neighbouring breaks apart (None: 3 significant digits)."""
    finite = np.asarray([v for v in values if math.isfinite(v)], dtype=float)
    if finite.size < 2:
        return None
    gaps = np.diff(np.sort(finite))
    gaps = gaps[gaps > 0]
    if gaps.size == 0:
        return None
    return int(min(6, max(0, 1 - math.floor(math.log10(gaps.min())))))


def format_number(value: float, decimals: int | None = None) -> str:
    """Format a number with thousands separators, e.g. ``12,345.6``.

    Parameters
    ----------
    value : float
        The number; NaN gives ``"–"``.
    decimals : int, optional
        Decimals to show; default keeps about three significant digits
        (none for values of 100 and above).

    Returns
    -------
    str
        The formatted number.

    Examples
    --------
    >>> format_number(1234567.891), format_number(0.012345), format_number(3.0)
    ('1,234,568', '0.0123', '3')
    >>> format_number(float("nan"))
    '–'
    """
    if value is None or not math.isfinite(value):
        return "–"
    if decimals is None:
        magnitude = math.floor(math.log10(abs(value))) if value else 0
        decimals = int(min(6, max(0, 2 - magnitude)))
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def caller_stacklevel() -> int:
    """Return the ``stacklevel`` that points a warning at the first caller outside geodisparity."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(package):
        frame, level = frame.f_back, level + 1
    return level


def _numeric_values(values: Any) -> np.ndarray:
    try:
        series = pd.to_numeric(pd.Series(values), errors="raise")
        array = series.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise InputError(f"map values must be numbers; {exc}") from None
    if array.ndim != 1:
        raise InputError(f"map values must be one-dimensional, got shape {array.shape}")
    return array


def _check_breaks(breaks: Sequence[float] | None) -> np.ndarray:
    if breaks is None:
        raise InputError("scheme='user_defined' needs breaks=, e.g. breaks=[10_000, 20_000]")
    array = np.asarray(breaks, dtype=float)
    if array.ndim != 1 or array.size == 0 or not np.all(np.isfinite(array)):
        raise InputError(f"breaks must be a non-empty list of finite numbers, got {breaks!r}")
    if np.any(np.diff(array) <= 0):
        raise InputError(f"breaks must increase strictly, got {breaks!r}")
    return array


def _upper_bounds(y: np.ndarray, scheme: str, k: int, breaks: np.ndarray | None) -> np.ndarray:
    """Upper bound of each class, as mapclassify defines them for the simple schemes.

    - quantiles: the ``100 i / k`` percentiles (``i = 1..k``, linear interpolation,
      as ``scipy.stats.scoreatpercentile``), ties merged (``numpy.unique``);
    - equal_interval: ``min + i (max - min) / k``, the last one set to the maximum;
    - std_mean: ``mean + m s`` for ``m`` in -2, -1, 1, 2 (``s`` the sample standard
      deviation, ``ddof=1``), plus the maximum when it lies above them;
    - user_defined: the breaks, plus the maximum when it lies above them.
    """
    if scheme == "quantiles":
        width = 100.0 / k
        percents = np.arange(width, 100.0 + width, width)[:k]
        percents[-1] = 100.0
        return np.unique(np.percentile(y, percents))
    if scheme == "equal_interval":
        low, high = y.min(), y.max()
        width = (high - low) / k
        cuts = np.arange(low + width, high + width, width)[:k]
        cuts[-1] = high
        return cuts
    if scheme == "std_mean":
        cuts = y.mean() + y.std(ddof=1) * np.array([-2.0, -1.0, 1.0, 2.0])
    else:
        cuts = breaks
    return np.append(cuts, y.max()) if cuts[-1] < y.max() else cuts


def _run_mapclassify(y: np.ndarray, scheme: str, k: int) -> tuple[np.ndarray, np.ndarray]:
    import mapclassify

    result = getattr(mapclassify, SCHEMES[scheme])(y, k=k)
    return np.asarray(result.bins, dtype=float), np.asarray(result.yb, dtype=int)


def _bins_and_classes(
    y: np.ndarray, scheme: str, k: int, breaks: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Upper bounds and the class of each value: class ``i`` holds ``(bins[i-1], bins[i]]``."""
    if scheme not in _OWN_SCHEMES:
        return _run_mapclassify(y, scheme, k)
    bins = np.asarray(_upper_bounds(y, scheme, k, breaks), dtype=float)
    return bins, np.searchsorted(bins, y, side="left").astype(int)


def classify(
    values: Any,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    breaks: Sequence[float] | None = None,
    name: str = "values",
) -> Classification:
    """Classify values for a choropleth.

    Parameters
    ----------
    values : array-like of float
        One value per region; NaN/None mean "no data".
    scheme : {"quantiles", "fisher_jenks", "natural_breaks", "equal_interval", \
"std_mean", "user_defined"}
        Classification scheme. "natural_breaks" is Fisher-Jenks; "std_mean"
        uses the mean and 1 and 2 standard deviations (``k`` is ignored);
        "user_defined" uses ``breaks`` (e.g. policy targets), adding the
        maximum as the last upper bound when it lies above them.
    k : int, default 5
        Number of classes.
    breaks : sequence of float, optional
        Upper bounds for "user_defined".
    name : str
        Name of the values, for error messages.

    Returns
    -------
    Classification
        Classes, bounds and counts.

    Raises
    ------
    InputError
        Unknown scheme, bad ``k`` or ``breaks``, non-numeric values.
    EmptyDataError
        If no value is present (all missing).

    Examples
    --------
    >>> classify([5, 1, 3, 2, 4], k=5).classes.tolist()
    [4, 0, 2, 1, 3]

    Fewer distinct values than classes: k is reduced, with a warning.

    >>> import warnings
    >>> with warnings.catch_warnings(record=True):
    ...     warnings.simplefilter("ignore")
    ...     c = classify([1, 1, 2, 2], k=5)
    >>> c.k, c.note
    (2, 'classes reduced to 2: only 2 distinct values')
    """
    if scheme not in SCHEMES:
        raise InputError(f"scheme={scheme!r} is not known; use one of: {', '.join(SCHEMES)}")
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise InputError(f"k must be a whole number >= 1, got {k!r}")
    user_breaks = _check_breaks(breaks) if scheme == "user_defined" else None
    y_all = _numeric_values(values)
    present = np.isfinite(y_all)
    if not present.any():
        raise EmptyDataError(
            f"{name} has no values to map ({y_all.size} regions, all missing)"
        )
    y = y_all[present]
    distinct = np.unique(y).size
    k_used, note = int(k), None
    if scheme == "user_defined":
        k_used = int(user_breaks.size + (y.max() > user_breaks[-1]))
    elif scheme == "std_mean":
        k_used = 5
    elif distinct < k:
        k_used = distinct
        note = f"classes reduced to {distinct}: only {distinct} distinct values"
    if distinct == 1 and scheme != "user_defined":
        bins, yb = np.array([y[0]]), np.zeros(y.size, dtype=int)
    else:
        bins, yb = _bins_and_classes(y, scheme, k_used, user_breaks)
    if note is None and scheme not in ("user_defined", "std_mean") and bins.size < k:
        note = f"classes reduced to {bins.size}: tied values share a class"
    if note is not None:
        warnings.warn(f"{name}: {note} (k={k} requested)", ClassificationWarning,
                      stacklevel=caller_stacklevel())
    classes = np.full(y_all.size, -1, dtype=int)
    classes[present] = yb
    counts = np.bincount(yb, minlength=bins.size)
    return Classification(
        scheme=scheme, k=int(bins.size), k_requested=int(k), bins=tuple(float(b) for b in bins),
        classes=classes, counts=tuple(int(c) for c in counts),
        n_missing=int((~present).sum()), minimum=float(y.min()), note=note,
    )
