"""LISA dynamics: how regions and their neighbourhoods move between Moran quadrants.

Each period, local Moran's I (:func:`~geodisparity.spatial.local_stats.local_moran`)
puts each region in a quadrant of the Moran scatterplot by the sign of its
standardised value and of its spatial lag: 1 High-High, 2 Low-High, 3 Low-Low,
4 High-Low (esda's and giddy's coding; 0 for an island, left out of the
transitions). Between consecutive periods each region makes one of Rey's
space-time transitions (Rey 2001, "Spatial empirics for economic growth and
convergence", *Geographical Analysis* 33(3), 195-214, Table 3; Rey and Janikas
2006, "STARS: Space-Time Analysis of Regional Systems", *Geographical Analysis*
38(1)):

``"0"``
    Neither the region nor its neighbourhood moves (same quadrant).
``"I"``
    Only the region moves: HH <-> LH, HL <-> LL.
``"II"``
    Only the neighbourhood moves: HH <-> HL, LH <-> LL.
``"IIIA"``
    Both move in the same direction: HH <-> LL.
``"IIIB"``
    Both move in opposite directions: HL <-> LH.

The LISA Markov matrix counts the quadrant transitions pooled over all pairs
of consecutive periods (giddy's ``LISA_Markov.transitions``; its rows,
normalised, are the transition probabilities). *Cohesion* (Rey 2001) is the
share of type 0 transitions; *significant cohesion* is, of the regions in a
significant cluster (``p_sim <= alpha``, after ``adjust``) at the start of a
transition, the share still significant in the same quadrant at its end.

Examples
--------
>>> import numpy as np, pandas as pd, scipy.sparse as sp
>>> from geodisparity.spatial.weights import SpatialWeights
>>> chain = sp.diags_array([np.ones(5), np.ones(5)], offsets=[-1, 1], shape=(6, 6))
>>> w = SpatialWeights.from_sparse(chain.tocsr())
>>> wide = pd.DataFrame({2020: [1.0, 2, 3, 4, 5, 6], 2021: [1.0, 2, 6, 4, 5, 3]})
>>> result = lisa_dynamics(wide, None, w, time=None, permutations=0)
>>> result.quadrants[2021].tolist(), result.types["2020-2021"].tolist()
([3, 3, 4, 1, 4, 2], ['0', '0', 'I', '0', 'II', 'I'])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geodisparity._inputs import make_rng
from geodisparity._results import result_dict, short_repr
from geodisparity.categories import HIGH_HIGH, HIGH_LOW, LOW_HIGH, LOW_LOW
from geodisparity.spatial._panel import panel, period_labels
from geodisparity.spatial.interop import as_weights
from geodisparity.spatial.local_stats import check_options
from geodisparity.spatial.multiple_testing import Adjustment
from geodisparity.spatial.weights import SpatialWeights

__all__ = ["LisaDynamics", "lisa_dynamics", "transition_types", "TRANSITION_TYPES"]

#: Quadrant labels by esda's codes 1-4.
QUADRANTS: tuple[str, ...] = (HIGH_HIGH, LOW_HIGH, LOW_LOW, HIGH_LOW)
#: Rey's space-time transition types, in reading order.
TRANSITION_TYPES: tuple[str, ...] = ("0", "I", "II", "IIIA", "IIIB")


@dataclass(frozen=True, repr=False)
class LisaDynamics:
    """Result of :func:`lisa_dynamics`.

    Attributes
    ----------
    quadrants : DataFrame
        Quadrant (1 HH, 2 LH, 3 LL, 4 HL, 0 island) of each region in each period.
    significant : DataFrame
        Whether each region's local Moran is significant in each period.
    types : DataFrame
        Transition type of each region between consecutive periods (columns
        ``"<from>-<to>"``); None for an island.
    counts : ndarray
        4 x 4 quadrant transitions pooled over periods (row: from, column: to,
        in the order HH, LH, LL, HL).
    probabilities : ndarray
        Row-normalised ``counts`` (a row with no transitions stays zero).
    by_period : DataFrame
        Per pair of periods: regions of each type, ``cohesion`` and
        ``significant_cohesion``.
    cohesion : float
        Share of type 0 transitions, pooled.
    significant_cohesion : float
        Of significant clusters at the start of a transition, the share still
        significant in the same quadrant at its end (NaN if none).
    permutations : int
        Permutations of each period's local Moran.
    alpha : float
        Significance level.
    adjust : str or None
        Multiple-testing adjustment within each period.
    """

    quadrants: pd.DataFrame
    significant: pd.DataFrame
    types: pd.DataFrame
    counts: np.ndarray
    probabilities: np.ndarray
    by_period: pd.DataFrame
    cohesion: float
    significant_cohesion: float
    permutations: int
    alpha: float
    adjust: str | None

    def __repr__(self) -> str:
        return short_repr(self, ["cohesion", "significant_cohesion", "permutations"])

    def to_frame(self) -> pd.DataFrame:
        """Return the LISA Markov transition probabilities with quadrant labels."""
        labels = pd.Index(QUADRANTS)
        return pd.DataFrame(self.probabilities, index=labels.rename("from"),
                            columns=labels.rename("to"))

    def type_totals(self) -> pd.Series:
        """Count the transitions of each type, pooled over periods."""
        return self.by_period[list(TRANSITION_TYPES)].sum()

    def to_dict(self) -> dict[str, Any]:
        """Return all fields as plain Python."""
        return result_dict(self)


def transition_types(start: Any, end: Any) -> np.ndarray:
    """Rey's transition type between two quadrants (esda coding; 0 = island gives None).

    Parameters
    ----------
    start, end : array-like of int
        Quadrants 1-4 (or 0 for an island) at the start and end.

    Returns
    -------
    numpy.ndarray of object
        ``"0"``, ``"I"``, ``"II"``, ``"IIIA"``, ``"IIIB"`` or None.

    Examples
    --------
    >>> transition_types([1, 1, 1, 1, 4, 0], [1, 2, 4, 3, 2, 1]).tolist()
    ['0', 'I', 'II', 'IIIA', 'IIIB', None]
    """
    a, b = np.asarray(start, dtype=int), np.asarray(end, dtype=int)
    high_a, high_b = np.isin(a, (1, 4)), np.isin(b, (1, 4))
    lag_a, lag_b = np.isin(a, (1, 2)), np.isin(b, (1, 2))
    own, lag = high_a != high_b, lag_a != lag_b
    same_direction = (high_a == lag_a) & (high_b == lag_b)  # HH <-> LL
    kind = np.select(
        [~own & ~lag, own & ~lag, ~own & lag, same_direction], ["0", "I", "II", "IIIA"],
        default="IIIB",
    ).astype(object)
    kind[(a == 0) | (b == 0)] = None
    return kind


def _by_period(quadrants: np.ndarray, significant: np.ndarray,
               names: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    rows, types = [], []
    for t, name in enumerate(names):
        start, end = quadrants[:, t], quadrants[:, t + 1]
        kind = transition_types(start, end)
        types.append(kind)
        valid = kind != None  # noqa: E711 - elementwise on an object array
        counts = {k: int(np.sum(kind[valid] == k)) for k in TRANSITION_TYPES}
        was = significant[:, t] & valid
        kept = was & significant[:, t + 1] & (start == end)
        rows.append({"transition": name, **counts, "regions": int(valid.sum()),
                     "cohesion": counts["0"] / valid.sum() if valid.any() else np.nan,
                     "significant_start": int(was.sum()), "significant_kept": int(kept.sum()),
                     "significant_cohesion": kept.sum() / was.sum() if was.any() else np.nan})
    return pd.DataFrame(rows), np.column_stack(types)


def lisa_dynamics(
    frame: pd.DataFrame,
    value: str | None,
    weights: SpatialWeights,
    *,
    time: str | None = "year",
    id: str | None = None,
    permutations: int = 999,
    alpha: float = 0.05,
    adjust: Adjustment | None = None,
    seed: Any = None,
    allow_many_permutations: bool = False,
) -> LisaDynamics:
    """Quadrants, Rey's transition types and the LISA Markov matrix of a panel.

    See the module docstring for the definitions and references.

    Parameters
    ----------
    frame : DataFrame
        Long table with one row per region and period, or with ``time=None``
        a wide table (rows: regions by index, columns: periods).
    value : str or None
        Column of values (None with a wide table).
    weights : SpatialWeights, libpysal W or libpysal Graph
        Spatial neighbour relations (row-standardised for the lag, as esda).
    time : str or None, default "year"
        Column of the period; None for a wide table.
    id : str, optional
        Column of the region id; default the index of ``frame``.
    permutations : int, default 999
        Permutations of each period's local Moran (0: nothing is significant).
    alpha : float, default 0.05
        Significance level of the clusters.
    adjust : {"fdr", "by", "bonferroni"} or None
        Multiple-testing adjustment within each period.
    seed : int, numpy.random.Generator or None
        Seed of the permutations.
    allow_many_permutations : bool, default False
        Accept ``permutations`` above 99,999 (refused otherwise, so that a
        mistyped count fails at once).

    Returns
    -------
    LisaDynamics

    Examples
    --------
    >>> import numpy as np, pandas as pd, scipy.sparse as sp
    >>> from geodisparity.spatial.weights import SpatialWeights
    >>> w = SpatialWeights.from_sparse(sp.csr_array([[0, 1, 0], [1, 0, 0], [0, 0, 0]]))
    >>> wide = pd.DataFrame({1: [1.0, 2.0, 3.0], 2: [2.0, 1.0, 3.0], 3: [2.0, 1.0, 3.0]})
    >>> out = lisa_dynamics(wide, None, w, time=None, permutations=0)
    >>> out.quadrants[1].tolist(), out.types["2-3"].tolist()  # region 2 is an island
    ([3, 3, 0], ['0', '0', None])
    """
    from geodisparity.spatial.local_stats import local_moran

    check_options(permutations, alpha, adjust, "R", seed, allow_many_permutations)
    weights = as_weights(weights)
    values = panel(frame, value, weights, time=time, id=id)
    rng = make_rng(seed)
    x = values.to_numpy()
    quadrants = np.zeros(x.shape, dtype=np.int64)
    significant = np.zeros(x.shape, dtype=bool)
    for t in range(x.shape[1]):
        lisa = local_moran(x[:, t], weights, permutations=permutations, seed=rng, alpha=alpha,
                           adjust=adjust, allow_many_permutations=allow_many_permutations)
        quadrants[:, t] = lisa["quadrant"].to_numpy()
        significant[:, t] = lisa["significant"].to_numpy()
    periods = period_labels(values.columns)
    names = [f"{a}-{b}" for a, b in zip(periods[:-1], periods[1:], strict=True)]
    by_period, types = _by_period(quadrants, significant, names)
    valid = (quadrants[:, :-1] > 0) & (quadrants[:, 1:] > 0)
    start, end = quadrants[:, :-1][valid] - 1, quadrants[:, 1:][valid] - 1
    counts = np.bincount(start * 4 + end, minlength=16).reshape(4, 4)
    totals = counts.sum(axis=1, keepdims=True)
    probabilities = np.divide(counts, totals, out=np.zeros((4, 4)), where=totals > 0)
    was = int(by_period["significant_start"].sum())
    ids, columns = weights.ids, pd.Index(periods, name=time)
    return LisaDynamics(
        quadrants=pd.DataFrame(quadrants, index=ids, columns=columns),
        significant=pd.DataFrame(significant, index=ids, columns=columns),
        types=pd.DataFrame(types, index=ids, columns=pd.Index(names, name="transition"),
                           dtype=object),
        counts=counts, probabilities=probabilities, by_period=by_period,
        cohesion=float(by_period["0"].sum() / max(int(valid.sum()), 1)) if valid.any()
        else float("nan"),
        significant_cohesion=float(by_period["significant_kept"].sum() / was) if was
        else float("nan"),
        permutations=int(permutations), alpha=float(alpha), adjust=adjust,
    )
