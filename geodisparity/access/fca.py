r"""Two-step floating catchment area (2SFCA) accessibility, plain and enhanced.

Step 1 gives each facility ``j`` a supply-to-demand ratio, its capacity over
the (distance-weighted) population within its catchment; step 2 gives each
demand location ``i`` the (distance-weighted) sum of the ratios of the
facilities within its catchment:

.. math::

    R_j = \frac{S_j}{\sum_{k:\, d_{kj} \le d_0} P_k\, W(d_{kj})}, \qquad
    A_i = \sum_{j:\, d_{ij} \le d_0} R_j\, W(d_{ij})

with ``W = 1`` for the original method (Luo & Wang 2003), distance-decay bands
for the enhanced one (Luo & Qi 2009) and a Gaussian kernel falling to 0 at the
catchment's edge (Dai 2010). The reachable pairs form a sparse demand x supply
matrix (:mod:`geodisparity.access.pairs`); both steps are sums over those
pairs, with no loop over locations.

Examples
--------
>>> import pandas as pd
>>> cost = pd.DataFrame([[10.0, 50.0], [20.0, 15.0]], index=["a", "b"], columns=["x", "y"])
>>> people = pd.DataFrame({"pop": [100, 300]}, index=["a", "b"])
>>> clinics = pd.DataFrame({"doctors": [2, 3]}, index=["x", "y"])
>>> accessibility(people, clinics, population="pop", capacity="doctors", catchment=30,
...               cost=cost).tolist()  # x serves 400 people, y 300: a 2/400, b 2/400 + 3/300
[0.005, 0.015]
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geodisparity.access.inputs import amounts
from geodisparity.access.pairs import Pairs, pairs_from_cost, pairs_within
from geodisparity.errors import InputError

__all__ = ["accessibility", "METHODS", "LUO_QI_WEIGHTS"]

#: Accepted values of ``method``.
METHODS = ("2sfca", "e2sfca")

#: The weights of Luo & Qi's (2009) three travel-time zones (0-10, 10-20, 20-30 minutes),
#: used by ``method="e2sfca"`` without ``decay`` on three equal bands of the catchment.
LUO_QI_WEIGHTS = (1.0, 0.68, 0.22)

_HALF = np.exp(-0.5)


@dataclass(frozen=True)
class _Catchment:
    """How far a catchment reaches and how weight falls with distance (or cost) within it."""

    limit: float
    weight: Callable[[np.ndarray], np.ndarray]


def accessibility(
    demand: Any,
    supply: Any,
    *,
    population: Hashable | Sequence[float] | np.ndarray | pd.Series,
    capacity: Hashable | Sequence[float] | np.ndarray | pd.Series,
    method: str = "2sfca",
    catchment: float | None = None,
    decay: str | Sequence[tuple[float, float]] | dict[float, float] | None = None,
    cost: pd.DataFrame | pd.Series | None = None,
    crs: Any = None,
    per: float = 1.0,
) -> pd.Series:
    """Spatial accessibility of facilities by the two-step floating catchment area method.

    For each facility ``j``, step 1 divides its capacity ``S_j`` by the
    population within its catchment, ``R_j = S_j / sum_k P_k W(d_kj)``; step 2
    sums, for each demand location ``i``, the ratios of the facilities within
    reach, ``A_i = sum_j R_j W(d_ij)`` (both sums over pairs with
    ``d <= catchment``). ``method="2sfca"`` is the original method of Luo &
    Wang (2003), ``W = 1``; ``method="e2sfca"`` the enhanced method of Luo & Qi
    (2009), whose weight ``W`` falls with distance by bands or, with
    ``decay="gaussian"``, by the Gaussian kernel of Dai (2010),
    ``W(d) = (exp(-(d/d0)^2 / 2) - exp(-1/2)) / (1 - exp(-1/2))``, which is 1
    at the facility and 0 at the catchment's edge ``d0``. The same weight
    applies in both steps, as in Luo & Qi.

    A demand location with no facility within reach scores 0. A facility whose
    catchment holds no population (no demand location within reach, or only
    locations of population 0) serves no one: it is left out (``R_j = 0``)
    rather than divided by zero.

    Parameters
    ----------
    demand : GeoDataFrame, GeoSeries or DataFrame
        Where people live: points, or polygons standing for their centroid
        (computed in the projected CRS). A DataFrame without geometry only
        with ``cost``, whose ids are its index.
    supply : GeoDataFrame, GeoSeries or DataFrame
        Facilities: points (or polygons, by their centroid); without geometry
        only with ``cost``.
    population : column name or array-like
        People at each demand row (0 or more, no missing value): a column of
        ``demand`` or values in its row order.
    capacity : column name or array-like
        Capacity of each facility (beds, doctors, school places; 0 or more).
    method : {"2sfca", "e2sfca"}, default "2sfca"
        Original (Luo & Wang 2003) or enhanced (Luo & Qi 2009) 2SFCA.
    catchment : float, optional
        How far a catchment reaches, ``d0``: metres for straight-line distance,
        the unit of ``cost`` otherwise (e.g. minutes). Needed except with
        ``decay`` bands, whose last distance is then the catchment.
    decay : "gaussian", sequence of (distance, weight) pairs or dict, optional
        For ``method="e2sfca"`` only: bands ``[(d1, w1), (d2, w2), ...]``
        (or a dict ``{d1: w1, d2: w2}``) with increasing distances give
        weight ``w1`` up to ``d1`` (included), ``w2`` above ``d1`` up to
        ``d2``, and so on, 0 beyond the last band; or ``"gaussian"`` (Dai
        2010, above). Default for ``"e2sfca"``: Luo &
        Qi's weights 1, 0.68 and 0.22 on three equal bands of the catchment.
    cost : DataFrame or Series, optional
        Travel costs (e.g. minutes by road) instead of straight-line
        distances: a DataFrame indexed by the demand ids (``demand.index``)
        with one column per supply id (``supply.index``), NaN or inf where
        unreachable; or a Series indexed by (demand id, supply id), pairs
        left out being unreachable.
    crs : CRS or str, optional
        Projected CRS in which to measure straight-line distances; default
        :func:`geodisparity.crs.metric_crs` of both layers' joint extent: a
        UTM zone (scale error below 0.5%), or for larger extents an azimuthal
        equidistant projection centred on the data, exact from its centre and
        about 1.7% long across at 2,000 km from it. Straight lines understate
        travel; give ``cost`` for road or transit times.
    per : float, default 1
        Scale of the scores: capacity per ``per`` people (e.g. 1000 for beds
        per 1,000 residents).

    Returns
    -------
    pandas.Series
        Float scores named ``"access"``, aligned to ``demand``'s rows.

    Raises
    ------
    InputError
        A negative, missing or infinite population or capacity (naming the
        rows), an unknown method, a bad catchment or decay, a negative cost,
        or cost ids that are not demand or supply ids.
    CRSError
        ``demand`` or ``supply`` has no CRS, or ``crs`` is not projected.
    GeometryError
        Some rows have a missing or empty geometry.

    References
    ----------
    Luo, W. and Wang, F. (2003). Measures of spatial accessibility to health
    care in a GIS environment: synthesis and a case study in the Chicago
    region. *Environment and Planning B* 30(6), 865-884.

    Luo, W. and Qi, Y. (2009). An enhanced two-step floating catchment area
    (E2SFCA) method for measuring spatial accessibility to primary care
    physicians. *Health & Place* 15(4), 1100-1107.

    Dai, D. (2010). Black residential segregation, disparities in spatial
    access to health care facilities, and late-stage breast cancer diagnosis
    in metropolitan Detroit. *Health & Place* 16(5), 1038-1052.

    Examples
    --------
    Three villages on a line (x in metres, UTM zone 51N) and two clinics;
    catchments of 3 km. Clinic X (10 beds) reaches villages A and B
    (3,000 people), clinic Y (5 beds) only village C (500 people); village C
    lies 9 km from X:

    >>> import geopandas as gpd
    >>> from shapely import Point
    >>> villages = gpd.GeoDataFrame(
    ...     {"people": [1000, 2000, 500]}, index=["A", "B", "C"], crs=32651,
    ...     geometry=[Point(500000, 3300000), Point(502000, 3300000), Point(510000, 3300000)])
    >>> clinics = gpd.GeoDataFrame(
    ...     {"beds": [10, 5]}, index=["X", "Y"], crs=32651,
    ...     geometry=[Point(501000, 3300000), Point(509000, 3300000)])
    >>> accessibility(villages, clinics, population="people", capacity="beds",
    ...               catchment=3000, per=1000).round(4)  # beds per 1,000 people
    A     3.3333
    B     3.3333
    C    10.0000
    Name: access, dtype: float64

    A village out of every clinic's reach scores 0:

    >>> accessibility(villages, clinics, population="people", capacity="beds",
    ...               catchment=500).tolist()
    [0.0, 0.0, 0.0]
    """
    rule = _catchment(method, catchment, decay)
    people = amounts(demand, population, argument="population", where="demand")
    places = amounts(supply, capacity, argument="capacity", where="supply")
    scale = _per(per)
    if cost is None:
        pairs = pairs_within(demand, supply, rule.limit, crs=crs)
    else:
        pairs = pairs_from_cost(cost, demand.index, supply.index, limit=rule.limit)
    scores = _two_steps(pairs, rule.weight(pairs.cost), people, places)
    return pd.Series(scores * scale, index=demand.index, name="access")


def _two_steps(pairs: Pairs, weight: np.ndarray, people: np.ndarray,
               places: np.ndarray) -> np.ndarray:
    """Step 1 (ratio per facility) and step 2 (sum per demand row) over the reachable pairs.

    ``bincount`` over the pairs is the sparse products ``W.T @ P`` and
    ``W @ R`` of the demand x supply weight matrix ``W``.
    """
    served = np.bincount(pairs.cols, weights=weight * people[pairs.rows],
                         minlength=len(places))
    ratio = np.divide(places, served, out=np.zeros(len(places)), where=served > 0)
    return np.bincount(pairs.rows, weights=weight * ratio[pairs.cols], minlength=len(people))


def _catchment(method: str, catchment: Any, decay: Any) -> _Catchment:
    """Read method, catchment and decay into a reach and a weight function."""
    if method not in METHODS:
        raise InputError(f"method={method!r} is not accepted; use one of {', '.join(METHODS)}")
    if method == "2sfca":
        if decay is not None:
            raise InputError(f"decay={decay!r} is for method='e2sfca'; the original 2SFCA "
                             f"weighs everyone within the catchment alike")
        limit = _distance(catchment, argument="catchment")
        return _Catchment(limit, lambda d: np.ones(len(d)))
    if decay is None:
        limit = _distance(catchment, argument="catchment")
        bands = [(limit * k / 3, w) for k, w in zip((1, 2, 3), LUO_QI_WEIGHTS, strict=True)]
        return _bands(bands, catchment)
    if isinstance(decay, str):
        if decay != "gaussian":
            raise InputError(f"decay={decay!r} is not accepted; use 'gaussian' or a list of "
                             f"(distance, weight) bands")
        limit = _distance(catchment, argument="catchment")
        return _Catchment(limit, lambda d: (np.exp(-0.5 * (d / limit) ** 2) - _HALF) / (1 - _HALF))
    return _bands(decay, catchment)


def _bands(decay: Any, catchment: Any) -> _Catchment:
    """Step weights: ``w_k`` for distances above ``d_{k-1}`` up to ``d_k`` (included)."""
    if isinstance(decay, dict):  # {distance: weight}, as PySAL access's step_fn takes
        decay = sorted(decay.items())
    try:
        table = np.asarray(decay, dtype=float)
    except (TypeError, ValueError):
        table = None
    if table is None or table.ndim != 2 or table.shape[1] != 2 or len(table) == 0:
        raise InputError(f"decay={decay!r} must be 'gaussian' or a list of (distance, weight) "
                         f"pairs, e.g. [(1000, 1.0), (2000, 0.68), (3000, 0.22)]")
    edges, weights = table[:, 0], table[:, 1]
    if not (np.isfinite(table).all() and edges[0] > 0 and (np.diff(edges) > 0).all()):
        raise InputError(f"decay={decay!r}: band distances must be finite, above 0 and "
                         f"increasing")
    if (weights < 0).any():
        raise InputError(f"decay={decay!r}: band weights must be 0 or more")
    if catchment is not None and _distance(catchment, argument="catchment") != edges[-1]:
        raise InputError(f"catchment={catchment!r} differs from the last decay band "
                         f"({edges[-1]:g}); leave catchment out, the last band ends it")
    return _Catchment(float(edges[-1]),
                      lambda d: weights[np.minimum(np.searchsorted(edges, d), len(edges) - 1)])


def _distance(value: Any, *, argument: str) -> float:
    if value is None:
        raise InputError(f"{argument} is missing: give how far a catchment reaches (metres, "
                         f"or the unit of cost=)")
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise InputError(f"{argument}={value!r} must be a number")
    if not (np.isfinite(value) and value > 0):
        raise InputError(f"{argument}={value!r} must be a finite number above 0")
    return float(value)


def _per(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number) \
            or not (np.isfinite(value) and value > 0):
        raise InputError(f"per={value!r} must be a finite number above 0 (e.g. 1000 for "
                         f"capacity per 1,000 people)")
    return float(value)
