"""Emerging hot spot analysis: how Getis-Ord Gi* hot and cold spots change over time.

Three steps, as ArcGIS's *Emerging Hot Spot Analysis* ("How Emerging Hot Spot
Analysis works", ArcGIS Pro documentation) and R's ``sfdep::emerging_hotspot_analysis``:

1. **Gi* in every period** with :func:`~geodisparity.spatial.local_stats.local_gi_star`
   (the general Ord-Getis variance and ArcGIS's two-sided bins). With
   ``time_lag=k`` the neighbourhood is a space-time one, like ArcGIS's
   *neighbourhood time step*: region ``i`` in period ``t`` has as neighbours
   its spatial neighbours in period ``t`` and, in each of the ``k`` earlier
   periods, itself and its spatial neighbours. The Gi* of period ``t`` is
   then computed on the values of periods ``t-k .. t`` (fewer at the start of
   the series), its permutations drawing from those values.
   :func:`space_time_weights` builds the whole block sparse matrix.
2. **Mann-Kendall trend** of each region's series of Gi* z-scores (the
   analytical ``z_norm``; :mod:`geodisparity.stats.mann_kendall`): ``tau``
   (tau-b with time) and its two-sided ``p_trend``.
3. **One of 17 patterns** per region. With ``T`` periods, a period is a hot
   (cold) spot when its Gi* is significant (``p <= alpha``, after ``adjust``)
   with positive (negative) z; the trend is significant when ``p_trend <= alpha``.
   For a region whose final period is a hot spot:

   - ``>= 90%`` of periods hot: **intensifying** (significant upward trend),
     **diminishing** (significant downward trend), else **persistent**;
   - otherwise, if it was ever a cold spot: **oscillating**;
   - otherwise, hot only in the final period: **new**; hot periods forming one
     run of ``>= 2`` ending in the final period: **consecutive**; else
     **sporadic** (on and off, never cold).

   A region whose final period is not a hot spot but that was hot in ``>= 90%``
   of periods is a **historical** hot spot. Cold spots mirror all of this
   (intensifying cold: a significant *downward* trend). Everything else:
   **no pattern detected**. ``>= 90%`` is counted exactly (``10 n_hot >= 9 T``),
   so with fewer than 10 periods it means every period, and a historical
   pattern needs at least 10 periods (ArcGIS advises at least 10 time steps).

Where this differs from the published wording: ArcGIS's definitions overlap
in places, so an order is fixed. *Persistent* requires the final period to be
hot (otherwise the region is historical); a region whose final period is cold
is classed by the cold patterns even if it was hot in ``>= 90%`` of periods;
*new* and *consecutive* additionally require never having been a cold spot
(a region cold before is oscillating). sfdep differs more: its persistent and
historical tests ignore the final period's significance, its sporadic test
does not require the final period to be hot, and its first matching rule
wins in a fixed list; it uses one ``threshold`` (default 0.01) for bins and
trend, as we use ``alpha``.

The global window (the values a Gi* is compared with): ArcGIS Pro's *Define
Global Window* offers the entire cube (its default), the neighbourhood time
step or the individual time step. We use the neighbourhood time step (periods
``t - time_lag .. t``), which with ``time_lag=0`` is the individual time step,
so that a growth of every region over the years does not make every late
period hot; the entire cube is not offered. ArcGIS's *neighbourhood time step*
(default 1) is our ``time_lag`` (default 0, Gi* of each period on its own, as
the issue asks and as sfdep with ``k = 0``).

Examples
--------
>>> import numpy as np, pandas as pd, scipy.sparse as sp
>>> from geodisparity.spatial.weights import SpatialWeights
>>> chain = sp.diags_array([np.ones(9), np.ones(9)], offsets=[-1, 1], shape=(10, 10))
>>> w = SpatialWeights.from_sparse(chain.tocsr())
>>> wide = pd.DataFrame(np.tile(np.arange(10.0)[:, None], (1, 4)))  # the same every period
>>> result = emerging_hotspots(wide, None, w, time=None, permutations=0)
>>> result.regions["category"].tolist()[-1], result.regions["category"].tolist()[0]
('Persistent hot spot', 'Persistent cold spot')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from geodisparity._inputs import make_rng
from geodisparity._results import result_dict, short_repr
from geodisparity.categories import EMERGING_LABELS
from geodisparity.errors import InputError
from geodisparity.spatial._panel import panel, period_labels
from geodisparity.spatial._spatial_inputs import transformed_matrix
from geodisparity.spatial.interop import as_weights
from geodisparity.spatial.local_stats import check_options
from geodisparity.spatial.multiple_testing import Adjustment
from geodisparity.spatial.weights import SpatialWeights

__all__ = ["EmergingHotSpots", "emerging_hotspots", "classify_emerging", "space_time_weights"]


@dataclass(frozen=True, repr=False)
class EmergingHotSpots:
    """Result of :func:`emerging_hotspots`.

    Attributes
    ----------
    regions : DataFrame
        One row per region (``weights.ids``): ``category`` (categorical over
        :data:`~geodisparity.categories.EMERGING_LABELS`), ``tau``,
        ``p_trend``, ``z_trend`` and ``s`` (Mann-Kendall of the Gi* z-scores),
        ``n_hot`` and ``n_cold`` (significant periods), ``final_bin``.
    bins : DataFrame
        ArcGIS hot-spot bin (-3..3) of each region (rows) in each period (columns).
    z : DataFrame
        Analytical Gi* z-score of each region in each period.
    significant : DataFrame
        Whether each Gi* is significant at ``alpha`` (after ``adjust``).
    periods : tuple
        The periods, in order.
    time_lag, permutations : int
        Earlier periods in the neighbourhood; permutations per Gi*.
    alpha : float
        Significance level of the periods and of the trend.
    adjust : str or None
        Multiple-testing adjustment within each period.
    """

    regions: pd.DataFrame
    bins: pd.DataFrame
    z: pd.DataFrame
    significant: pd.DataFrame
    periods: tuple[Any, ...]
    time_lag: int
    permutations: int
    alpha: float
    adjust: str | None

    def __repr__(self) -> str:
        counts = self.counts()
        top = ", ".join(f"{label}: {n}" for label, n in counts[counts > 0].items())
        return short_repr(self, ["time_lag", "permutations", "alpha"]) + f" [{top}]"

    def counts(self) -> pd.Series:
        """Count the regions in each of the 17 patterns, in legend order."""
        return self.regions["category"].value_counts().reindex(EMERGING_LABELS, fill_value=0)

    def to_frame(self) -> pd.DataFrame:
        """Return ``regions`` with the bins of each period as ``bin_<period>`` columns."""
        return pd.concat([self.regions, self.bins.add_prefix("bin_")], axis=1)

    def to_dict(self) -> dict[str, Any]:
        """Return all fields as plain Python."""
        return result_dict(self)


def space_time_weights(weights: SpatialWeights, n_periods: int, time_lag: int) -> sp.csr_array:
    """Block sparse weights of a space-time cube, periods stacked in order.

    Row and column ``t * n + i`` stand for region ``i`` in period ``t``. The
    block of periods ``(t, t)`` holds the spatial weights ``W``; for each of
    the ``time_lag`` earlier periods ``s`` (``t - time_lag <= s < t``) the block
    ``(t, s)`` holds ``W + D``, where ``D`` links each region to itself with the
    largest weight of its row (1 for binary weights), as Gi* weighs a region's
    own value. Later periods are never neighbours.

    Parameters
    ----------
    weights : SpatialWeights
        Spatial neighbour relations (their stored values are used).
    n_periods : int
        Number of periods.
    time_lag : int
        Earlier periods in the neighbourhood (0: space only).

    Returns
    -------
    scipy.sparse.csr_array
        ``(n_periods * n) x (n_periods * n)``, zero diagonal.

    Examples
    --------
    >>> w = SpatialWeights.from_sparse(sp.csr_array([[0, 1], [1, 0]]))
    >>> space_time_weights(w, 2, 1).toarray().astype(int).tolist()
    [[0, 1, 0, 0], [1, 0, 0, 0], [1, 1, 0, 1], [1, 1, 1, 0]]
    """
    if isinstance(time_lag, bool) or not isinstance(time_lag, int | np.integer) or time_lag < 0:
        raise InputError(f"time_lag must be a whole number >= 0; got {time_lag!r}")
    matrix = transformed_matrix(weights, "O")
    n = matrix.shape[0]
    own = np.zeros(n)
    has = np.diff(matrix.indptr) > 0
    if has.any():
        own[has] = np.maximum.reduceat(matrix.data, matrix.indptr[:-1][has])
    earlier = (matrix + sp.diags_array(own, shape=(n, n))).tocsr()
    blocks: list[list[Any]] = [[None] * n_periods for _ in range(n_periods)]
    for t in range(n_periods):
        blocks[t][t] = matrix
        for s in range(max(0, t - time_lag), t):
            blocks[t][s] = earlier
    return sp.csr_array(sp.block_array(blocks, format="csr", dtype=float))


def _window(cube: sp.csr_array, n: int, t: int, time_lag: int) -> tuple[sp.csr_array, int]:
    """Square weights of the periods ``t - time_lag .. t``: only period ``t``'s rows have links."""
    first = max(0, t - time_lag)
    rows = cube[t * n:(t + 1) * n, first * n:(t + 1) * n]
    size = (t + 1 - first) * n
    empty = sp.csr_array((size - n, size))
    return sp.csr_array(sp.vstack([empty, rows], format="csr")), first


def _gi_by_period(
    values: np.ndarray, weights: SpatialWeights, *, time_lag: int, permutations: int,
    alpha: float, adjust: Adjustment | None, seed: Any, allow_many_permutations: bool = False,
) -> dict[str, np.ndarray]:
    """Gi* bins, z-scores and significance of every region (rows) in every period (columns)."""
    from geodisparity.spatial.local_stats import local_gi_star

    n, periods = values.shape
    rng = make_rng(seed)
    cube = space_time_weights(weights, periods, time_lag) if time_lag else None
    out = {"bin": np.zeros((n, periods), dtype=np.int64), "z": np.full((n, periods), np.nan),
           "significant": np.zeros((n, periods), dtype=bool)}
    for t in range(periods):
        if cube is None:
            w_t, x_t = weights, values[:, t]
        else:
            matrix, first = _window(cube, n, t, time_lag)
            w_t = SpatialWeights.from_sparse(matrix, transform="O")
            x_t = values[:, first:t + 1].ravel(order="F")
        gi = local_gi_star(x_t, w_t, permutations=permutations, seed=rng, alpha=alpha,
                           adjust=adjust, allow_many_permutations=allow_many_permutations)
        last = gi.iloc[-n:]
        out["bin"][:, t] = last["gi_bin"].to_numpy()
        out["z"][:, t] = last["z_norm"].to_numpy()
        out["significant"][:, t] = last["significant"].to_numpy()
    return out


def _hot_patterns(hot: np.ndarray, cold: np.ndarray, up: np.ndarray,
                  down: np.ndarray) -> np.ndarray:
    """Pattern index (0-7 in EMERGING_PATTERNS order, -1 none) of the hot side."""
    periods = hot.shape[1]
    n_hot = hot.sum(axis=1)
    final_run = np.cumprod(hot[:, ::-1], axis=1).sum(axis=1)
    major = 10 * n_hot >= 9 * periods
    final = hot[:, -1]
    ever_cold = cold.any(axis=1)
    choices = [
        final & major & up,  # intensifying
        final & major & down,  # diminishing
        final & major,  # persistent
        final & ever_cold,  # oscillating
        final & (n_hot == 1),  # new
        final & (n_hot == final_run),  # consecutive (run >= 2)
        final,  # sporadic
        major,  # historical (final period not hot)
    ]
    codes = [2, 4, 3, 6, 0, 1, 5, 7]
    return np.select(choices, codes, default=-1)


def classify_emerging(
    hot: Any, cold: Any, trend: Any, trend_significant: Any
) -> np.ndarray:
    """Classify regions into the 17 emerging hot spot patterns (module docstring rules).

    Parameters
    ----------
    hot, cold : array-like of bool
        ``(regions, periods)``: whether each period is a significant hot /
        cold spot (never both).
    trend : array-like of float
        Sign or size of the Mann-Kendall statistic (``tau`` or ``S``) per region.
    trend_significant : array-like of bool
        Whether each region's trend is significant.

    Returns
    -------
    numpy.ndarray of str
        One label of :data:`~geodisparity.categories.EMERGING_LABELS` per region.

    Examples
    --------
    >>> hot = [[False, False, True, True], [True, False, True, False]]
    >>> cold = [[False, False, False, False], [False, False, False, False]]
    >>> classify_emerging(hot, cold, [0.5, 0.0], [False, False]).tolist()
    ['Consecutive hot spot', 'No pattern detected']
    """
    hot_b, cold_b = np.asarray(hot, dtype=bool), np.asarray(cold, dtype=bool)
    if hot_b.ndim != 2 or hot_b.shape != cold_b.shape:
        raise InputError(f"hot and cold must be 2-D of one shape; got {hot_b.shape}, "
                         f"{cold_b.shape}")
    if (hot_b & cold_b).any():
        raise InputError("a period cannot be both a hot and a cold spot")
    direction = np.sign(np.nan_to_num(np.asarray(trend, dtype=float)))
    significant = np.asarray(trend_significant, dtype=bool)
    up, down = significant & (direction > 0), significant & (direction < 0)
    hot_code = _hot_patterns(hot_b, cold_b, up, down)
    cold_code = _hot_patterns(cold_b, hot_b, down, up)  # mirrored: intensifying cold goes down
    n_patterns = len(EMERGING_LABELS) // 2
    labels = np.array(EMERGING_LABELS, dtype=object)
    # the final period decides the side; otherwise a historical pattern, else none
    historical = np.where(hot_code >= 0, hot_code,
                          np.where(cold_code >= 0, cold_code + n_patterns, 2 * n_patterns))
    code = np.where(hot_b[:, -1], hot_code,
                    np.where(cold_b[:, -1], cold_code + n_patterns, historical))
    return labels[code].astype(str)


def emerging_hotspots(
    frame: pd.DataFrame,
    value: str | None,
    weights: SpatialWeights,
    *,
    time: str | None = "year",
    id: str | None = None,
    time_lag: int = 0,
    permutations: int = 999,
    alpha: float = 0.05,
    adjust: Adjustment | None = None,
    seed: Any = None,
    allow_many_permutations: bool = False,
) -> EmergingHotSpots:
    """Emerging hot spot analysis (Gi* per period, Mann-Kendall trend, 17 patterns).

    See the module docstring for the rules, the references and where they
    differ from ArcGIS and sfdep.

    Parameters
    ----------
    frame : DataFrame
        Long table with one row per region and period (columns ``id``,
        ``time``, ``value``), or with ``time=None`` a wide table (rows:
        regions by index, columns: periods).
    value : str or None
        Column of values (None with a wide table).
    weights : SpatialWeights, libpysal W or libpysal Graph
        Spatial neighbour relations; their ids are the regions.
    time : str or None, default "year"
        Column of the period (sortable); None for a wide table.
    id : str, optional
        Column of the region id; default the index of ``frame``.
    time_lag : int, default 0
        Earlier periods in the space-time neighbourhood (ArcGIS's
        neighbourhood time step; 0: space only).
    permutations : int, default 999
        Permutations per Gi* (0: analytical p-values).
    alpha : float, default 0.05
        Significance of each period's Gi* and of the trend.
    adjust : {"fdr", "by", "bonferroni"} or None
        Multiple-testing adjustment of each period's Gi* p-values (ArcGIS
        applies an FDR correction).
    seed : int, numpy.random.Generator or None
        Seed of the permutations.
    allow_many_permutations : bool, default False
        Accept ``permutations`` above 99,999 (refused otherwise, so that a
        mistyped count fails at once).

    Returns
    -------
    EmergingHotSpots

    Raises
    ------
    InputError
        Regions missing from a period or not in the weights, missing values,
        fewer than 2 periods, a bad option.

    Examples
    --------
    >>> import numpy as np, pandas as pd, scipy.sparse as sp
    >>> from geodisparity.spatial.weights import SpatialWeights
    >>> w = SpatialWeights.from_sparse(sp.csr_array([[0, 1, 0], [1, 0, 1], [0, 1, 0]]))
    >>> long = pd.DataFrame({"id": [0, 1, 2] * 2, "year": [1] * 3 + [2] * 3,
    ...                      "v": [1.0, 2.0, 3.0, 1.0, np.nan, 3.0]})
    >>> emerging_hotspots(long, "v", w, id="id")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geodisparity.errors.InputError: 1 regions lack a finite v in some period (...): 1
    """
    check_options(permutations, alpha, adjust, "R", seed, allow_many_permutations)
    weights = as_weights(weights)
    space_time_weights(weights, 1, time_lag)  # validates time_lag
    values = panel(frame, value, weights, time=time, id=id)
    gi = _gi_by_period(values.to_numpy(), weights, time_lag=time_lag,
                       permutations=permutations, alpha=alpha, adjust=adjust, seed=seed,
                       allow_many_permutations=allow_many_permutations)
    from geodisparity.stats.mann_kendall import mann_kendall_rows

    trend = mann_kendall_rows(gi["z"])
    hot = gi["significant"] & (gi["bin"] > 0)
    cold = gi["significant"] & (gi["bin"] < 0)
    with np.errstate(invalid="ignore"):
        trend_significant = np.nan_to_num(trend["p"], nan=np.inf) <= alpha
    labels = classify_emerging(hot, cold, trend["s"], trend_significant)
    periods = period_labels(values.columns)
    ids = weights.ids

    def table(array: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(array, index=ids, columns=pd.Index(periods, name=time))

    regions = pd.DataFrame({
        "category": pd.Categorical(labels, categories=list(EMERGING_LABELS)),
        "tau": trend["tau"], "p_trend": trend["p"], "z_trend": trend["z"], "s": trend["s"],
        "n_hot": hot.sum(axis=1), "n_cold": cold.sum(axis=1), "final_bin": gi["bin"][:, -1],
    }, index=ids)
    return EmergingHotSpots(regions, table(gi["bin"]), table(gi["z"]), table(gi["significant"]),
                            tuple(periods), int(time_lag), int(permutations), float(alpha),
                            adjust)

