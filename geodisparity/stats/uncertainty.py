"""How sure are we? Bootstrap intervals for indices and a permutation test of group gaps.

:func:`bootstrap` resamples regions with replacement (each keeping its
population weight) and recomputes an index; for this package's indices the
replicates are computed together as weighted indices whose weights are the
region weight times how often the region was drawn, which gives the same
numbers as recomputing on resampled rows, much faster. Its interval is the
percentile, basic or bias-corrected and accelerated (BCa) one; BCa's
jackknife leaves out one region at a time, the same units the bootstrap draws.

:func:`between_group_test` asks whether the between-group share of
inequality is larger than if the group labels were assigned at random.

Both take a ``seed`` and build their own ``numpy.random.Generator``: equal
seeds give equal results, and global random state is never touched.

Examples
--------
>>> from geodisparity.stats.inequality import gini
>>> b = bootstrap(gini, [1, 2, 3, 4, 5, 6, 7, 8], n_boot=199, seed=1)
>>> b.low <= b.estimate <= b.high
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from geodisparity._inputs import NanPolicy, prepare_sample
from geodisparity._results import HtmlRepr, result_dict, short_repr
from geodisparity.errors import InputError, format_rows
from geodisparity.stats import inequality as ineq
from geodisparity.stats.dagum import _decompose, directed_differences
from geodisparity.stats.decomposition import (
    GroupedSample,
    _ge_terms,
    decompose,
    grouped_sample,
)

__all__ = ["BootstrapResult", "BetweenGroupTest", "bootstrap", "between_group_test"]

_CHUNK_CELLS = 2_000_000  # resample draws held in memory at once


@dataclass(frozen=True, repr=False)
class BootstrapResult(HtmlRepr):
    """A bootstrap confidence interval.

    Attributes
    ----------
    statistic : str
        Name of the index.
    estimate : float
        The index on the data.
    low, high : float
        Interval bounds.
    ci : float
        Confidence level, e.g. 0.95.
    method : str
        ``"percentile"``, ``"basic"`` or ``"bca"``.
    std_error : float
        Standard deviation of the replicates.
    n_boot : int
        Number of replicates.
    replicates : ndarray
        The replicate values.
    n : int
        Regions used.
    n_dropped : int
        Rows dropped for missing values.
    seed : int or None
        The seed given.
    bias_correction : float or None
        BCa's ``z0`` (None for the other methods).
    acceleration : float or None
        BCa's jackknife acceleration ``a`` (None for the other methods).
    """

    statistic: str
    estimate: float
    low: float
    high: float
    ci: float
    method: str
    std_error: float
    n_boot: int
    replicates: np.ndarray
    n: int
    n_dropped: int
    seed: int | None
    bias_correction: float | None = None
    acceleration: float | None = None

    def __repr__(self) -> str:
        names = ["statistic", "estimate", "low", "high", "ci", "method", "std_error", "n_boot", "n"]
        return short_repr(self, names)

    def to_frame(self) -> pd.DataFrame:
        """Return a one-row summary table (without the replicates)."""
        row = {k: v for k, v in self.to_dict().items() if k != "replicates"}
        return pd.DataFrame([row])

    def to_dict(self) -> dict[str, Any]:
        """Return all fields as plain Python."""
        return result_dict(self)


# --- vectorised replicates: weights (B x n) given, values fixed ---------------------------------


def _ge_rows(y: np.ndarray, w: np.ndarray, alpha: float) -> np.ndarray:
    total = w.sum(axis=1)
    mu = (w @ y) / total
    r = y[None, :] / mu[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        if alpha == 0:
            terms = -np.log(r)
        elif alpha == 1:
            terms = np.where(r > 0, r * np.log(np.where(r > 0, r, 1.0)), 0.0)
        else:
            terms = (r**alpha - 1.0) / (alpha * (alpha - 1.0))
    return (w * terms).sum(axis=1) / total


def _gini_rows(y: np.ndarray, w: np.ndarray) -> np.ndarray:
    order = np.argsort(y, kind="stable")
    ys, ws = y[order], w[:, order]
    wy = ws * ys
    below_w = np.cumsum(ws, axis=1) - ws
    below_wy = np.cumsum(wy, axis=1) - wy
    num = (ws * (ys * below_w - below_wy)).sum(axis=1)
    return num / (ws.sum(axis=1) * wy.sum(axis=1))


def _cv_rows(y: np.ndarray, w: np.ndarray) -> np.ndarray:
    total = w.sum(axis=1)
    mu = (w @ y) / total
    var = (w * (y[None, :] - mu[:, None]) ** 2).sum(axis=1) / total
    return np.sqrt(var) / mu


def _kernel(statistic: Callable[..., float], kwargs: dict[str, Any]) -> Callable | None:
    if statistic is ineq.gini:
        return _gini_rows
    if statistic in (ineq.cv, ineq.williamson):
        return _cv_rows
    if statistic is ineq.theil:
        return lambda y, w: _ge_rows(y, w, 1.0)
    if statistic is ineq.mld:
        return lambda y, w: _ge_rows(y, w, 0.0)
    if statistic is ineq.ge and "alpha" in kwargs:
        return lambda y, w: _ge_rows(y, w, float(kwargs["alpha"]))
    return None


def _draw_chunks(rng: np.random.Generator, n: int, n_boot: int) -> Iterator[np.ndarray]:
    rows = max(1, _CHUNK_CELLS // max(n, 1))
    for start in range(0, n_boot, rows):
        yield rng.integers(0, n, size=(min(rows, n_boot - start), n))


def _counts(draws: np.ndarray, n: int) -> np.ndarray:
    b = draws.shape[0]
    flat = draws + (np.arange(b) * n)[:, None]
    return np.bincount(flat.ravel(), minlength=b * n).reshape(b, n).astype(float)


def _replicates(
    statistic: Callable[..., float], y: np.ndarray, w: np.ndarray | None,
    n_boot: int, rng: np.random.Generator, kwargs: dict[str, Any],
) -> np.ndarray:  # fmt: skip
    kernel = _kernel(statistic, kwargs)
    base = np.ones(y.size) if w is None else w
    out = []
    for draws in _draw_chunks(rng, y.size, n_boot):
        if kernel is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                out.append(kernel(y, _counts(draws, y.size) * base))
        else:
            out.extend(
                statistic(y[idx], weights=None if w is None else w[idx], **kwargs)
                for idx in draws
            )
    return np.concatenate([np.atleast_1d(np.asarray(o, dtype=float)) for o in out])


def _jackknife(
    statistic: Callable[..., float], y: np.ndarray, w: np.ndarray | None, kwargs: dict[str, Any]
) -> np.ndarray:
    """Compute the statistic with each region left out in turn (with its weight)."""
    n = y.size
    kernel = _kernel(statistic, kwargs)
    if kernel is None:
        out = np.empty(n)
        keep = np.ones(n, dtype=bool)
        for i in range(n):
            keep[i] = False
            out[i] = statistic(y[keep], weights=None if w is None else w[keep], **kwargs)
            keep[i] = True
        return out
    base = np.ones(n) if w is None else w
    rows = max(1, _CHUNK_CELLS // max(n, 1))
    out = []
    for start in range(0, n, rows):
        left_out = np.arange(start, min(start + rows, n))
        counts = np.ones((left_out.size, n))
        counts[np.arange(left_out.size), left_out] = 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            out.append(kernel(y, counts * base))
    return np.concatenate(out)


def _bias_correction(estimate: float, reps: np.ndarray) -> float:
    """BCa's ``z0``: the normal quantile of the share of replicates below the estimate."""
    from scipy.special import ndtri

    reps = reps[~np.isnan(reps)]
    below = (np.count_nonzero(reps < estimate) + np.count_nonzero(reps <= estimate)) / (
        2.0 * reps.size
    )  # ties count half
    if below in (0.0, 1.0):
        side = "below" if below == 1.0 else "above"
        raise InputError(
            f"method='bca' needs replicates on both sides of the estimate {estimate!r}; "
            f"all {reps.size} are {side} it, so the bias correction is infinite. "
            "Use method='percentile', or more regions"
        )
    return float(ndtri(below))


def _bca_levels(z0: float, jack: np.ndarray, tail: float) -> tuple[list[float], float]:
    """Efron's adjusted quantile levels and the jackknife acceleration ``a``."""
    from scipy.special import ndtr, ndtri

    d = jack.mean() - jack
    spread = float(d @ d)
    accel = float(np.sum(d**3) / (6.0 * spread**1.5)) if spread > 0 else 0.0
    levels = [
        float(ndtr(z0 + (z0 + z) / (1.0 - accel * (z0 + z))))
        for z in (ndtri(tail), ndtri(1.0 - tail))
    ]
    return levels, accel


def bootstrap(
    statistic: Callable[..., float],
    values: Any,
    weights: Any = None,
    *,
    data: pd.DataFrame | None = None,
    ci: float = 0.95,
    n_boot: int = 999,
    seed: int | None = None,
    method: Literal["percentile", "basic", "bca"] = "percentile",
    nan: NanPolicy = "raise",
    **kwargs: Any,
) -> BootstrapResult:
    """Bootstrap confidence interval of an inequality index.

    Regions are drawn with replacement ``n`` times per replicate, each keeping
    its weight. ``statistic`` is any function called as
    ``f(values, weights=weights, **kwargs)`` and returning a float; for
    :func:`~geodisparity.gini`, ``theil``, ``mld``, ``ge``, ``cv`` and
    ``williamson`` the replicates are computed in bulk.

    Parameters
    ----------
    statistic : callable
        The index, e.g. ``geodisparity.gini``.
    values : array-like, Series or column name
        Values.
    weights : array-like, Series, column name or None
        Population weights.
    data : DataFrame, optional
        Table in which column names are looked up.
    ci : float, default 0.95
        Confidence level in ``(0, 1)``.
    n_boot : int, default 999
        Number of replicates.
    seed : int, optional
        Seed of the random generator.
    method : {"percentile", "basic", "bca"}
        Percentile interval; the basic (reflected) interval ``2 * estimate -
        quantiles``; or Efron's (1987) bias-corrected and accelerated interval:
        the replicates' quantiles at levels ``Phi(z0 + (z0 + z_q) / (1 - a (z0
        + z_q)))`` for ``z_q`` the normal quantiles of the two tails, with
        ``z0 = Phi^-1(share of replicates below the estimate)`` (ties count
        half, as in SciPy) and ``a = sum(d**3) / (6 sum(d**2)**1.5)``, ``d`` the
        deviations of the leave-one-region-out jackknife values from their mean.
        Without any jackknife spread ``a`` is 0; when all replicates equal the
        estimate the interval is that value; when all lie on one side of it
        ``z0`` is infinite and an :class:`~geodisparity.errors.InputError` is raised.
    nan : {"raise", "drop"}
        Policy for missing values.
    **kwargs
        Passed to ``statistic`` (e.g. ``alpha=2`` for ``ge``).

    Returns
    -------
    BootstrapResult

    Examples
    --------
    >>> from geodisparity.stats.inequality import theil
    >>> a = bootstrap(theil, [1, 2, 3, 10], [5, 1, 1, 1], n_boot=99, seed=7)
    >>> b = bootstrap(theil, [1, 2, 3, 10], [5, 1, 1, 1], n_boot=99, seed=7)
    >>> a.low == b.low and a.n_boot == 99
    True
    >>> bootstrap(theil, [3.0], n_boot=9, seed=0).std_error  # one region: no spread
    0.0
    >>> r = bootstrap(theil, [1, 2, 3, 10], [5, 1, 1, 1], n_boot=999, seed=7, method="bca")
    >>> r.low <= r.estimate <= r.high, r.acceleration > 0
    (True, True)
    >>> bootstrap(theil, [3.0], n_boot=9, seed=0, method="bca").low  # no spread: the estimate
    0.0

    References
    ----------
    Efron, B. (1987). Better bootstrap confidence intervals. *Journal of the
    American Statistical Association* 82(397), 171-185.
    """
    if not 0 < ci < 1:
        raise InputError(f"ci must be in (0, 1); got {ci!r}")
    if not isinstance(n_boot, int | np.integer) or n_boot < 1:
        raise InputError(f"n_boot must be a positive integer; got {n_boot!r}")
    if method not in ("percentile", "basic", "bca"):
        raise InputError(
            f"method={method!r} is not accepted; use 'percentile', 'basic' or 'bca'"
        )
    if not callable(statistic):
        raise InputError(f"statistic must be a function; got {statistic!r}")
    sample = prepare_sample(values, weights, data=data, nan=nan)
    estimate = float(statistic(sample.values, weights=sample.weights, **kwargs))
    rng = np.random.default_rng(seed)
    reps = _replicates(statistic, sample.values, sample.weights, int(n_boot), rng, kwargs)
    tail = (1.0 - ci) / 2.0
    levels, z0, accel = [tail, 1.0 - tail], None, None
    if method == "bca":
        z0, accel = _bias_correction(estimate, reps), 0.0
        if np.nanmax(reps) > np.nanmin(reps):  # else all equal the estimate: nothing to adjust
            jack = _jackknife(statistic, sample.values, sample.weights, kwargs)
            if not np.isfinite(jack).all():
                bad = sample.index[~np.isfinite(jack)]
                raise InputError(
                    f"method='bca' needs the statistic without each region in turn; leaving "
                    f"out rows {format_rows(bad)} makes it undefined. Use method='percentile'"
                )
            levels, accel = _bca_levels(z0, jack, tail)
    q_low, q_high = np.nanquantile(reps, levels)
    if method == "basic":
        q_low, q_high = 2 * estimate - q_high, 2 * estimate - q_low
    std = float(np.nanstd(reps, ddof=1)) if reps.size > 1 else float("nan")
    name = getattr(statistic, "__name__", repr(statistic))
    return BootstrapResult(
        name, estimate, float(q_low), float(q_high), float(ci), method, std, int(n_boot), reps,
        sample.size, sample.n_dropped, seed, z0, accel,
    )  # fmt: skip


# --- permutation test of the between-group component ------------------------------------------


@dataclass(frozen=True, repr=False)
class BetweenGroupTest(HtmlRepr):
    """Permutation test of the between-group share of inequality.

    Attributes
    ----------
    measure : str
        ``"theil"``, ``"mld"`` or ``"dagum"`` (Dagum's net between share).
    observed : float
        Between-group share of the index on the data.
    p_value : float
        ``(1 + #{null >= observed}) / (permutations + 1)``, one-sided.
    null_mean, null_std : float
        Mean and standard deviation of the share under random labels.
    permutations : int
        Number of label shuffles.
    n, k : int
        Regions and groups.
    n_dropped : int
        Rows dropped for missing values.
    seed : int or None
        The seed given.
    """

    measure: str
    observed: float
    p_value: float
    null_mean: float
    null_std: float
    permutations: int
    n: int
    k: int
    n_dropped: int
    seed: int | None

    def __repr__(self) -> str:
        return short_repr(self, ["measure", "observed", "p_value", "permutations", "n", "k"])

    def to_frame(self) -> pd.DataFrame:
        """Return a one-row summary table."""
        return pd.DataFrame([self.to_dict()])

    def to_dict(self) -> dict[str, Any]:
        """Return all fields as plain Python."""
        return result_dict(self)


def _share_function(measure: str) -> Callable[[GroupedSample], float]:
    if measure in ("theil", "mld"):
        alpha = 1.0 if measure == "theil" else 0.0
        return lambda gs: decompose(gs, alpha, measure).between_share
    if measure == "dagum":

        def dagum_share(gs: GroupedSample) -> float:
            pop, income = gs.totals()
            return _decompose(gs, pop, income, directed_differences(gs)).net_between_share

        return dagum_share
    raise InputError(f"measure={measure!r} is not accepted; use 'theil', 'mld' or 'dagum'")


def _ge_between_shares(gs: GroupedSample, shuffles: np.ndarray, alpha: float) -> np.ndarray:
    """Between-group share of GE(alpha) for each row of shuffled group codes, at once.

    The same quantities as :func:`~geodisparity.stats.decomposition.decompose`
    (``between = sum_g v_g GE-term(mu_g / mu)``, ``v_g`` the population share), for
    all shuffles together: the total index does not depend on the labels.
    """
    shuffles_n, k = shuffles.shape[0], gs.k
    flat = (shuffles + k * np.arange(shuffles_n)[:, None]).ravel()
    pop = np.bincount(flat, weights=np.tile(gs.weights, shuffles_n),
                      minlength=shuffles_n * k).reshape(shuffles_n, k)
    income = np.bincount(flat, weights=np.tile(gs.weights * gs.values, shuffles_n),
                         minlength=shuffles_n * k).reshape(shuffles_n, k)
    total_pop, total_income = gs.weights.sum(), float(gs.weights @ gs.values)
    mu = total_income / total_pop
    total = float((gs.weights / total_pop) @ _ge_terms(gs.values, mu, alpha)) + 0.0
    if not total > 0:
        return np.full(shuffles_n, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(pop > 0, _ge_terms(income / pop, mu, alpha), 0.0)
    return ((pop / total_pop) * terms).sum(axis=1) / total


def between_group_test(
    values: Any,
    groups: Any,
    weights: Any = None,
    *,
    data: pd.DataFrame | None = None,
    permutations: int = 999,
    seed: int | None = None,
    measure: str = "theil",
    nan: NanPolicy = "raise",
) -> BetweenGroupTest:
    """Test whether groups differ more than random labelling would produce.

    Group labels are shuffled across regions (values keep their weights), and
    the between-group share is recomputed each time.

    Parameters
    ----------
    values : array-like, Series or column name
        Per-capita values (positive for ``"mld"``).
    groups : array-like, Series or column name
        Group label of each region.
    weights : array-like, Series, column name or None
        Population weights.
    data : DataFrame, optional
        Table in which column names are looked up.
    permutations : int, default 999
        Number of shuffles.
    seed : int, optional
        Seed of the random generator.
    measure : {"theil", "mld", "dagum"}
        Theil T or MLD between share, or Dagum's net between-group share.
    nan : {"raise", "drop"}
        Policy for missing values.

    Returns
    -------
    BetweenGroupTest

    Examples
    --------
    >>> t = between_group_test([1, 1.1, 1.2, 1.3, 1.4, 5, 5.1, 5.2, 5.3, 5.4], list("aaaaabbbbb"),
    ...                        permutations=99, seed=0)
    >>> t.p_value <= 0.05
    True
    >>> between_group_test([1, 2, 3], ["a"] * 3, permutations=9, seed=0)  # one group
    Traceback (most recent call last):
    ...
    geodisparity.errors.InputError: groups has a single group ('a') across all 3 rows; ...
    """
    if not isinstance(permutations, int | np.integer) or permutations < 1:
        raise InputError(f"permutations must be a positive integer; got {permutations!r}")
    share = _share_function(measure)
    gs = grouped_sample(values, groups, weights, data, nan)
    if measure == "mld" and (gs.values <= 0).any():
        raise InputError("measure='mld' needs positive values")
    observed = share(gs)
    rng = np.random.default_rng(seed)
    shuffles = np.stack([rng.permutation(gs.codes) for _ in range(int(permutations))])
    if measure in ("theil", "mld"):
        null = _ge_between_shares(gs, shuffles, 1.0 if measure == "theil" else 0.0)
    else:
        null = np.array([share(GroupedSample(gs.values, gs.weights, codes, gs.labels, gs.index,
                                             gs.n_dropped)) for codes in shuffles])
    exceed = int((null >= observed - 1e-12).sum())
    return BetweenGroupTest(
        measure, float(observed), (exceed + 1) / (null.size + 1), float(null.mean()),
        float(null.std(ddof=1)) if null.size > 1 else float("nan"), int(permutations),
        int(gs.values.size), gs.k, gs.n_dropped, seed,
    )  # fmt: skip
