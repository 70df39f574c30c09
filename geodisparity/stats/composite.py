"""Composite indices: several indicators, one score and one rank per region and year.

Steps, each a small function: take the indicator columns -> normalise each
so that higher is better (min-max or z-score, with bounds taken from a
reference year so that scores stay comparable across years) -> weigh them
(equal, given, entropy weight method, CRITIC) -> aggregate (weighted sum or
TOPSIS) -> rank within each year -> optionally re-rank under random
perturbations of the weights to see which ranks are stable.

References
----------
- Entropy weight method: Zou Z., Yun Y., Sun J. (2006). Entropy method for
  determination of weight of evaluating indicators in fuzzy synthetic
  evaluation for water quality assessment. *J. Environ. Sci.* 18(5), 1020-1023.
- CRITIC: Diakoulaki D., Mavrotas G., Papayannakis L. (1995). Determining
  objective weights in multiple criteria problems: the CRITIC method.
  *Computers & Operations Research* 22(7), 763-770.
- TOPSIS: Hwang C.-L., Yoon K. (1981). *Multiple Attribute Decision Making:
  Methods and Applications*. Springer.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"income": [10.0, 20.0, 30.0], "gini": [0.4, 0.3, 0.2]})
>>> result = composite_index(frame, ["income", Indicator("gini", direction="lower")],
...                          weights="equal")
>>> result.scores["rank"].tolist()
[3, 2, 1]
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geodisparity._inputs import make_rng
from geodisparity._resources import check_count
from geodisparity.errors import (
    DroppedRowsWarning,
    InputError,
    MissingColumnError,
    format_rows,
)
from geodisparity.indicators import Indicator, as_indicators

__all__ = ["CompositeIndex", "composite_index", "normalise_columns", "entropy_weights",
           "critic_weights", "ENTROPY_SHIFT", "STABLE_SHARE"]

#: Added to each min-shifted normalised column before the entropy weight method
#: takes logarithms, so that no share is 0 (see :func:`entropy_weights`).
ENTROPY_SHIFT = 0.01

#: A rank is called stable when it stays within +-1 in at least this share of draws.
STABLE_SHARE = 0.9

WEIGHTINGS = ("entropy", "critic", "equal", "given")
METHODS = ("weighted_sum", "topsis")
NORMALISATIONS = ("minmax", "zscore")


@dataclass(frozen=True, repr=False)
class CompositeIndex:
    """A composite index: scores, ranks, weights and their sensitivity.

    Attributes
    ----------
    scores : DataFrame
        Aligned to the input rows: the ``id`` and ``year`` columns when given,
        ``score`` and ``rank`` (1 = best within its year; NaN where an
        indicator is missing).
    weights : Series
        Weight of each indicator (by column), summing to 1.
    sensitivity : DataFrame or None
        With ``draws > 0``, aligned to the input rows: ``rank_low`` and
        ``rank_high`` (5th and 95th percentiles of the rank over the draws),
        ``share_within_1`` (share of draws whose rank is within 1 of
        ``rank``) and ``stable`` (that share is at least :data:`STABLE_SHARE`).
    indicators : tuple of Indicator
        The indicators, as used.
    weighting, method, normalise : str
        The options used.
    reference_year : int or None
        Year whose rows fixed the normalisation bounds and the weights
        (None: all rows).
    draws : int
        Number of weight perturbations (0: none).
    perturbation : float
        Each draw multiplies every weight by a factor uniform in
        ``[1 - perturbation, 1 + perturbation]`` and renormalises.
    """

    scores: pd.DataFrame
    weights: pd.Series
    sensitivity: pd.DataFrame | None
    indicators: tuple[Indicator, ...]
    weighting: str
    method: str
    normalise: str
    reference_year: int | None
    draws: int
    perturbation: float

    def to_frame(self) -> pd.DataFrame:
        """Scores and ranks, with the sensitivity columns when computed."""
        if self.sensitivity is None:
            return self.scores.copy()
        return pd.concat([self.scores, self.sensitivity], axis=1)

    def __repr__(self) -> str:
        weights = ", ".join(f"{k}: {v:.3f}" for k, v in self.weights.items())
        stable = ""
        if self.sensitivity is not None:
            stable = f", stable ranks {self.sensitivity['stable'].mean():.0%} of rows"
        return (f"CompositeIndex(method={self.method!r}, weights={self.weighting!r}, "
                f"normalise={self.normalise!r}, rows={len(self.scores)}, "
                f"weights={{{weights}}}{stable})")


def composite_index(
    frame: pd.DataFrame,
    indicators: Iterable[str | Indicator],
    *,
    weights: str | Mapping[str, float] = "entropy",
    method: str = "weighted_sum",
    normalise: str = "minmax",
    reference_year: int | None = None,
    year: str | None = None,
    id: str | None = None,  # noqa: A002 - the name users expect for a region key
    draws: int = 0,
    perturbation: float = 0.2,
    seed: Any = None,
) -> CompositeIndex:
    """Combine indicators into one score and rank per region and year.

    Each indicator is first normalised so that higher is better:
    min-max ``(x - min) / (max - min)`` (``(max - x) / (max - min)`` when
    lower is better) or z-score ``(x - mean) / sd`` (sign flipped when lower
    is better), with min, max, mean and sd taken from the reference rows
    (the ``reference_year``, or all rows), so a region's score in any year
    is on the same scale. Weights are then, from the normalised reference
    rows:

    - ``"equal"``: ``1/m``;
    - ``"given"`` or a mapping ``{column: weight}``: the indicators'
      :attr:`Indicator.weight` (or the mapping), scaled to sum to 1;
    - ``"entropy"`` (Zou et al. 2006): each column is shifted to be positive,
      ``x'_ij = z_ij - min_i z_ij + 0.01``; ``p_ij = x'_ij / sum_i x'_ij``,
      ``e_j = -sum_i p_ij ln p_ij / ln n``, ``d_j = 1 - e_j``,
      ``w_j = d_j / sum_k d_k``;
    - ``"critic"`` (Diakoulaki et al. 1995): ``C_j = sigma_j sum_k (1 - r_jk)``
      with ``sigma_j`` the standard deviation of column j and ``r_jk`` the
      Pearson correlation of columns j and k; ``w_j = C_j / sum_k C_k``.

    The score is the weighted sum ``sum_j w_j z_ij``, or TOPSIS's closeness
    (Hwang & Yoon 1981): with ``v_ij = w_j z_ij``, the ideal ``v+_j`` and
    anti-ideal ``v-_j`` are the column maximum and minimum over the
    reference rows, ``d+_i`` and ``d-_i`` the Euclidean distances to them,
    and the score ``d-_i / (d+_i + d-_i)``.

    Parameters
    ----------
    frame : DataFrame
        One row per region (and year, for a panel).
    indicators : iterable of str or Indicator
        Columns (higher is better) or :class:`~geodisparity.Indicator` objects.
    weights : {"entropy", "critic", "equal", "given"} or mapping, default "entropy"
        How the indicators are weighted.
    method : {"weighted_sum", "topsis"}, default "weighted_sum"
        How the normalised indicators are combined.
    normalise : {"minmax", "zscore"}, default "minmax"
        How each indicator is put on a common scale.
    reference_year : int, optional
        Year whose rows fix the normalisation bounds, the weights and
        TOPSIS's ideal points (needs ``year``); default all rows.
    year : str, optional
        Column of years; ranks are within each year.
    id : str, optional
        Column of region keys, copied into the scores.
    draws : int, default 0
        Monte Carlo draws of perturbed weights for the rank sensitivity.
    perturbation : float, default 0.2
        Each draw multiplies each weight by a uniform factor in
        ``[1 - perturbation, 1 + perturbation]`` and renormalises.
    seed : int, numpy.random.Generator or None
        Seed of the draws (see :func:`geodisparity._inputs.make_rng`).

    Returns
    -------
    CompositeIndex

    Raises
    ------
    InputError
        An unknown option, a non-numeric indicator, too few complete rows,
        or weights that do not apply.

    Examples
    --------
    >>> frame = pd.DataFrame({"id": list("abcd"), "year": [2022, 2022, 2023, 2023],
    ...                       "x": [1.0, 3.0, 2.0, 5.0], "y": [2.0, 1.0, 3.0, 2.0]})
    >>> r = composite_index(frame, ["x", "y"], weights="equal", year="year", id="id",
    ...                     reference_year=2022)
    >>> r.scores
      id  year  score  rank
    0  a  2022   0.50     1
    1  b  2022   0.50     1
    2  c  2023   1.25     2
    3  d  2023   1.50     1

    A region missing an indicator gets no score:

    >>> frame.loc[3, "y"] = float("nan")
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     ranks = composite_index(frame, ["x", "y"], weights="equal").scores["rank"]
    >>> ranks.tolist(), str(caught[0].message)
    ([3, 2, 1, <NA>], '1 rows miss an indicator and get no score: 3')
    """
    items = as_indicators(indicators)
    _check_options(weights, method, normalise, draws, perturbation)
    make_rng(seed)  # refuses a bad seed even without draws
    columns = [i.column for i in items]
    values = _matrix(frame, columns)
    complete = ~np.isnan(values).any(axis=1)
    _warn_incomplete(frame, complete)
    reference = _reference_rows(frame, year, reference_year) & complete
    if reference.sum() < 2:
        raise InputError(f"composite_index needs at least 2 complete reference rows; got "
                         f"{int(reference.sum())} (reference_year={reference_year!r})")
    better = np.array([i.better for i in items], dtype=float)
    z = normalise_columns(values, better, reference, method=normalise)
    w = _weights(weights, items, z[reference])
    score = np.full(len(frame), np.nan)
    score[complete] = _aggregate(z[complete], w[None, :], z[reference], method)[:, 0]
    groups = _year_groups(frame, year, complete)
    rank = np.full(len(frame), np.nan)
    for rows in groups:
        rank[rows] = _rank_desc(score[rows][:, None])[:, 0]
    scores = _score_frame(frame, year, id, score, rank)
    sensitivity = None
    if draws:
        sensitivity = _sensitivity(z, w, reference, rank, groups, method, draws,
                                   perturbation, seed, frame.index)
    label = weights if isinstance(weights, str) else "given"
    return CompositeIndex(scores, pd.Series(w, index=columns, name="weight"), sensitivity, items,
                          label, method, normalise, reference_year, draws, perturbation)


def _check_options(weights: Any, method: str, normalise: str, draws: int,
                   perturbation: float) -> None:
    if isinstance(weights, str) and weights not in WEIGHTINGS:
        raise InputError(f"weights={weights!r} is not accepted; use one of "
                         f"{', '.join(WEIGHTINGS)} or a mapping of column to weight")
    if method not in METHODS:
        raise InputError(f"method={method!r} is not accepted; use one of {', '.join(METHODS)}")
    if normalise not in NORMALISATIONS:
        raise InputError(f"normalise={normalise!r} is not accepted; use one of "
                         f"{', '.join(NORMALISATIONS)}")
    check_count(draws, name="draws")  # a whole number from 0 to the permutation ceiling
    if not 0 <= perturbation < 1:
        raise InputError(f"perturbation={perturbation!r} must be at least 0 and below 1")


def _matrix(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"frame must be a DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise MissingColumnError(f"indicators name {', '.join(map(repr, missing))}, not columns "
                                 f"of frame; columns are: {format_rows(frame.columns, limit=20)}")
    out = np.empty((len(frame), len(columns)))
    for j, column in enumerate(columns):
        numbers = pd.to_numeric(frame[column], errors="coerce")
        text = frame.index[numbers.isna() & frame[column].notna()]
        if len(text):
            raise InputError(f"indicator {column!r} must hold numbers; rows with text: "
                             f"{format_rows(text)}")
        out[:, j] = numbers.to_numpy(dtype=float)
    out[~np.isfinite(out)] = np.nan
    return out


def _warn_incomplete(frame: pd.DataFrame, complete: np.ndarray) -> None:
    if not complete.all():
        warnings.warn(
            f"{int((~complete).sum())} rows miss an indicator and get no score: "
            f"{format_rows(frame.index[~complete])}", DroppedRowsWarning, stacklevel=4)


def _reference_rows(frame: pd.DataFrame, year: str | None,
                    reference_year: int | None) -> np.ndarray:
    if year is not None and year not in frame.columns:
        raise MissingColumnError(f"year={year!r} is not a column of frame")
    if reference_year is None:
        return np.ones(len(frame), dtype=bool)
    if year is None:
        raise InputError(f"reference_year={reference_year!r} needs year= (the column of years)")
    rows = (frame[year] == reference_year).to_numpy()
    if not rows.any():
        years = ", ".join(map(str, sorted(pd.unique(frame[year].dropna()))))
        raise InputError(f"reference_year={reference_year!r} is not in column {year!r}; "
                         f"years are: {years}")
    return rows


def normalise_columns(values: np.ndarray, better: np.ndarray, reference: np.ndarray, *,
                      method: str = "minmax") -> np.ndarray:
    """Rescale each column so that higher is better, with bounds from the reference rows.

    Parameters
    ----------
    values : ndarray, shape (n, m)
        Raw indicator values.
    better : ndarray, shape (m,)
        +1 where higher is better, -1 where lower is.
    reference : ndarray of bool, shape (n,)
        Rows whose min/max (or mean/sd) define the scale.
    method : {"minmax", "zscore"}
        Min-max to [0, 1] on the reference rows, or z-scores (population sd).

    Returns
    -------
    ndarray, shape (n, m)
        A column constant over the reference rows becomes 0.

    Examples
    --------
    >>> normalise_columns(np.array([[1.0], [3.0], [5.0]]), np.array([-1.0]),
    ...                   np.array([True, True, False])).ravel().tolist()
    [1.0, 0.0, -1.0]
    """
    ref = values[reference]
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "minmax":
            low, high = np.nanmin(ref, axis=0), np.nanmax(ref, axis=0)
            span = high - low
            z = np.where(better > 0, values - low, high - values) / span
        else:
            span = np.nanstd(ref, axis=0)
            z = better * (values - np.nanmean(ref, axis=0)) / span
    return np.where(span > 0, z, np.where(np.isnan(values), np.nan, 0.0))


def entropy_weights(z: np.ndarray) -> np.ndarray:
    """Entropy weight method (Zou et al. 2006) on normalised columns.

    Each column is shifted to ``z - min(z) + ENTROPY_SHIFT`` (0.01) so that
    all shares are positive; then ``p_ij = x_ij / sum_i x_ij``,
    ``e_j = -sum_i p_ij ln p_ij / ln n``, ``d_j = 1 - e_j``, ``w = d / sum d``.

    Parameters
    ----------
    z : ndarray, shape (n, m)
        Normalised reference rows, higher is better, n >= 2.

    Returns
    -------
    ndarray, shape (m,)

    Examples
    --------
    >>> entropy_weights(np.array([[0.0, 1.0], [1.0, 1.0]])).tolist()
    [1.0, 0.0]
    """
    x = z - z.min(axis=0) + ENTROPY_SHIFT
    p = x / x.sum(axis=0)
    e = -(p * np.log(p)).sum(axis=0) / np.log(len(z))
    return _share(1.0 - e, "entropy")


def critic_weights(z: np.ndarray) -> np.ndarray:
    """CRITIC weights (Diakoulaki et al. 1995): ``C_j = sigma_j sum_k (1 - r_jk)``.

    Parameters
    ----------
    z : ndarray, shape (n, m)
        Normalised reference rows. A constant column gets weight 0 (its
        correlations are taken as 0).

    Returns
    -------
    ndarray, shape (m,)

    Examples
    --------
    >>> critic_weights(np.array([[0.0, 0.0], [1.0, 0.5], [0.5, 1.0]])).round(3).tolist()
    [0.5, 0.5]
    """
    sigma = z.std(axis=0, ddof=1)
    centred = z - z.mean(axis=0)
    norms = np.sqrt((centred**2).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (centred.T @ centred) / np.outer(norms, norms)
    r = np.where(np.isfinite(r), r, 0.0)
    return _share(sigma * (1.0 - r).sum(axis=1), "critic")


def _share(d: np.ndarray, name: str) -> np.ndarray:
    d = np.clip(d, 0.0, None)  # entropy above 1 only by rounding
    if not d.sum() > 0:
        raise InputError(f"weights={name!r}: every indicator is constant over the reference rows, "
                         f"so none carries information; use weights='equal'")
    return d / d.sum()


def _weights(weights: str | Mapping[str, float], items: tuple[Indicator, ...],
             z_ref: np.ndarray) -> np.ndarray:
    if weights == "equal":
        return np.full(len(items), 1.0 / len(items))
    if weights == "entropy":
        return entropy_weights(z_ref)
    if weights == "critic":
        return critic_weights(z_ref)
    if isinstance(weights, Mapping):
        unknown = sorted(set(weights) - {i.column for i in items})
        if unknown:
            raise InputError(f"weights names {unknown!r}, not among the indicators")
        given = [weights.get(i.column) for i in items]
    else:
        given = [i.weight for i in items]
    missing = [i.column for i, g in zip(items, given, strict=True) if g is None]
    if missing:
        raise InputError(f"weights='given' needs a weight for every indicator; missing for "
                         f"{', '.join(map(repr, missing))}")
    w = np.asarray(given, dtype=float)
    if (w < 0).any() or not np.isfinite(w).all() or not w.sum() > 0:
        raise InputError(f"weights {dict(zip([i.column for i in items], given, strict=True))} "
                         f"must be finite, 0 or more, and not all 0")
    return w / w.sum()


def _aggregate(z: np.ndarray, w: np.ndarray, z_ref: np.ndarray, method: str) -> np.ndarray:
    """Scores of rows ``z`` (n, m) under each weight vector of ``w`` (draws, m): (n, draws)."""
    return _scores_by_draw(w, z, z_ref, method).T


def _scores_by_draw(w: np.ndarray, z: np.ndarray, z_ref: np.ndarray,
                    method: str) -> np.ndarray:
    """Scores as a (draws, n) array: one row per weight vector, C-contiguous for ranking."""
    if method == "weighted_sum":
        return w @ z.T
    best, worst = z_ref.max(axis=0), z_ref.min(axis=0)
    w2 = w**2
    d_plus = np.sqrt(w2 @ ((z - best) ** 2).T)  # v_ij - v+_j = w_j (z_ij - max z_j)
    d_minus = np.sqrt(w2 @ ((z - worst) ** 2).T)
    with np.errstate(invalid="ignore", divide="ignore"):
        return d_minus / (d_plus + d_minus)


def _year_groups(frame: pd.DataFrame, year: str | None,
                 complete: np.ndarray) -> list[np.ndarray]:
    positions = np.flatnonzero(complete)
    if year is None:
        return [positions]
    keys = frame[year].to_numpy()[positions]
    return [positions[idx] for idx in pd.Series(keys).groupby(keys, sort=True).indices.values()]


def _rank_desc(scores: np.ndarray) -> np.ndarray:
    """Rank each column, 1 = highest, ties share the best rank ("min"); NaN stays NaN."""
    return _rank_rows_desc(np.ascontiguousarray(scores.T)).T


def _rank_rows_desc(scores: np.ndarray) -> np.ndarray:
    """Rank within each row, 1 = highest, ties share the best rank ("min"); NaN stays NaN.

    One argsort per row, then each run of equal values takes the position of
    its first member, whatever order the sort left the run in (several times
    faster than ``scipy.stats.rankdata``).
    """
    s = -scores
    order = np.argsort(s, axis=1)
    ordered = np.take_along_axis(s, order, axis=1)
    first = np.ones(s.shape, dtype=bool)
    first[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    positions = np.arange(s.shape[1], dtype=float)
    starts = np.maximum.accumulate(np.where(first, positions, 0.0), axis=1)
    ranks = np.empty(s.shape)
    np.put_along_axis(ranks, order, starts + 1.0, axis=1)
    ranks[np.isnan(s)] = np.nan
    return ranks


def _score_frame(frame: pd.DataFrame, year: str | None, id: str | None,  # noqa: A002
                 score: np.ndarray, rank: np.ndarray) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    if id is not None:
        if id not in frame.columns:
            raise MissingColumnError(f"id={id!r} is not a column of frame")
        out[id] = frame[id].to_numpy()
    if year is not None:
        out[year] = frame[year].to_numpy()
    out["score"] = score
    out["rank"] = pd.array(np.where(np.isnan(rank), pd.NA, rank), dtype="Int64") \
        if np.isnan(rank).any() else rank.astype(int)
    return out


def _rank_range(ranks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each column's 5th and 95th percentile, ``method="lower"`` and ``"higher"``.

    Ranks are whole numbers: the percentiles are observed ranks, not interpolated.
    Both order statistics come from one partition (``np.percentile`` twice would
    partition a copy twice); the positions are numpy's, ``floor((n - 1) q)`` and
    ``ceil((n - 1) q)``, and a column with a NaN gives NaN, as with ``np.percentile``.
    """
    n = ranks.shape[0]
    low, high = int(np.floor((n - 1) * (5 / 100))), int(np.ceil((n - 1) * (95 / 100)))
    ordered = np.partition(ranks, [low, high], axis=0)
    unknown = np.isnan(ranks).any(axis=0)
    return (np.where(unknown, np.nan, ordered[low]), np.where(unknown, np.nan, ordered[high]))


def _sensitivity(z: np.ndarray, w: np.ndarray, reference: np.ndarray, rank: np.ndarray,
                 groups: list[np.ndarray], method: str, draws: int, perturbation: float,
                 seed: Any, index: pd.Index) -> pd.DataFrame:
    """Rank percentiles and stability over random multiplicative perturbations of the weights."""
    rng = make_rng(seed)
    factors = rng.uniform(1 - perturbation, 1 + perturbation, size=(draws, len(w)))
    drawn = w * factors
    drawn /= drawn.sum(axis=1, keepdims=True)
    out = np.full((len(z), 3), np.nan)
    z_ref = z[reference]
    for rows in groups:  # one (draws, regions) block per year: ranks along its rows
        ranks = _rank_rows_desc(_scores_by_draw(drawn, z[rows], z_ref, method))
        out[rows, 0], out[rows, 1] = _rank_range(ranks)
        out[rows, 2] = (np.abs(ranks - rank[rows]) <= 1).mean(axis=0)
    frame = pd.DataFrame(out, index=index, columns=["rank_low", "rank_high", "share_within_1"])
    frame["stable"] = frame["share_within_1"] >= STABLE_SHARE
    return frame
