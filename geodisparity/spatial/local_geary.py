"""Local Geary's c with GeoDa's cluster classes.

``c_i = sum_j w_ij (z_i - z_j)**2`` (Anselin 1995, *Geographical Analysis*
27(2), 93-115; esda's ``Geary_Local``): small where a region resembles its
neighbours (positive association), large where it differs from them
(negative association). The output has the columns of
:func:`~geodisparity.spatial.local_stats.local_moran` (``statistic, z,
p_sim, q, significant, quadrant, cluster``) and follows the conventions of
:mod:`geodisparity.spatial.local_stats` (islands, ``nan="drop"``,
permutations, ``adjust``).

Classes follow GeoDa (Anselin 2019, *Geographical Analysis* 51(2), 133-150;
libgeoda's ``UniGeary``):

* a significant region whose ``c_i`` is small for its permutation
  distribution (positive association) is "High-High" when ``z_i`` and its
  spatial lag are both positive, "Low-Low" when both are negative, and
  "Other positive" otherwise;
* a significant region whose ``c_i`` is large (negative association) is
  "Negative", whatever its quadrant;
* the rest are "Not significant", and regions without neighbours "Isolated".

"Small" and "large" are the two tails of the folded pseudo p-value: ``c_i``
is small when fewer permutations fall at or below it than at or above it.
GeoDa compares ``c_i`` with the mean of its permutations and counts the
tail on that side. The two rules agree for every significant region unless
one extreme value skews the permutation distribution so much that its mean
passes its 95th percentile: GeoDa then calls a region in the upper tail not
significant, and we call it "Negative". esda's ``Geary_Local`` labels
(``labels=True``) compare ``c_i`` with the mean over all regions and use
``x_i`` alone, not its lag; we do not follow them.

Examples
--------
>>> import numpy as np, scipy.sparse as sp
>>> from geodisparity.spatial.weights import SpatialWeights
>>> w = SpatialWeights.from_sparse(sp.csr_array(np.ones((3, 3)) - np.eye(3)))
>>> local_geary([1.0, 2.0, 4.0], w, permutations=0)["cluster"].tolist()
['Not significant', 'Not significant', 'Not significant']
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from geodisparity._inputs import NanPolicy, make_rng
from geodisparity.categories import (
    GEARY_LABELS,
    HIGH_HIGH,
    ISOLATED,
    LOW_LOW,
    NEGATIVE,
    NOT_SIGNIFICANT,
    OTHER_POSITIVE,
)
from geodisparity.spatial._spatial_inputs import prepare_spatial, transformed_matrix
from geodisparity.spatial.local_stats import (
    _frame,
    _quadrant,
    _significance,
    check_options,
    standardise,
)
from geodisparity.spatial.multiple_testing import Adjustment
from geodisparity.spatial.permutation import (
    LagTally,
    permuted_lags,
    pseudo_p_value,
    row_sums,
    simulate,
)
from geodisparity.spatial.weights import SpatialWeights, Transform

__all__ = ["local_geary", "geary_classes"]


def geary_classes(
    z: np.ndarray,
    lag: np.ndarray,
    positive: np.ndarray,
    significant: np.ndarray,
    island: np.ndarray,
) -> np.ndarray:
    """Positions in :data:`~geodisparity.categories.GEARY_LABELS` of GeoDa's local Geary classes.

    Parameters
    ----------
    z, lag : numpy.ndarray
        Standardised values and their spatial lag.
    positive : numpy.ndarray of bool
        ``c_i`` in the lower tail of its permutation distribution.
    significant, island : numpy.ndarray of bool
        Which regions are significant, and which have no neighbours.

    Returns
    -------
    numpy.ndarray of int8

    Examples
    --------
    >>> yes, no = np.array([True] * 4), np.array([False] * 4)
    >>> codes = geary_classes(np.array([1.0, -1.0, -1.0, 1.0]), np.array([1.0, -1.0, 1.0, 1.0]),
    ...                       np.array([True, True, True, False]), yes, no)
    >>> [GEARY_LABELS[c] for c in codes]
    ['High-High', 'Low-Low', 'Other positive', 'Negative']
    """
    code = GEARY_LABELS.index
    labels = np.select(
        [~positive, (z > 0) & (lag > 0), (z < 0) & (lag < 0)],
        [code(NEGATIVE), code(HIGH_HIGH), code(LOW_LOW)],
        code(OTHER_POSITIVE),
    )
    labels = np.where(significant, labels, code(NOT_SIGNIFICANT))
    return np.where(island, code(ISOLATED), labels).astype(np.int8)


def local_geary(
    values: Any,
    weights: SpatialWeights,
    *,
    data: pd.DataFrame | None = None,
    permutations: int = 999,
    seed: Any = None,
    alpha: float = 0.05,
    adjust: Adjustment | None = None,
    transform: Transform = "R",
    nan: NanPolicy = "raise",
    allow_many_permutations: bool = False,
) -> pd.DataFrame:
    """Local Geary's c: ``c_i = sum_j w_ij (z_i - z_j)**2`` (esda's ``Geary_Local``).

    Small values mean a region resembles its neighbours. Significant regions
    get GeoDa's classes (see the module docstring): "High-High", "Low-Low" or
    "Other positive" when ``c_i`` is significantly small, "Negative" when it
    is significantly large.

    Parameters
    ----------
    values : array-like, Series or column name
        One value per region. A Series (or a column of ``data``) is matched to
        ``weights.ids`` by label and refused when its labels differ from them; a
        plain array or list is matched by position, which the caller must ensure.
    weights : SpatialWeights, libpysal W or libpysal Graph
        Neighbour relations.
    data : DataFrame, optional
        Table in which a column name ``values`` is looked up.
    permutations, seed, alpha, adjust, transform, nan, allow_many_permutations
        As in :func:`~geodisparity.spatial.local_stats.local_moran`.

    Returns
    -------
    pandas.DataFrame
        Columns ``statistic, z, p_sim, q, significant, quadrant, cluster``;
        ``cluster`` is categorical over
        :data:`~geodisparity.categories.GEARY_LABELS`, ``quadrant`` the Moran
        quadrant (1 High-High, 2 Low-High, 3 Low-Low, 4 High-Low, 0 island).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from geodisparity.spatial.weights import SpatialWeights
    >>> w = SpatialWeights.from_sparse(sp.csr_array(np.ones((3, 3)) - np.eye(3)))
    >>> local_geary([1.0, 2.0, 4.0], w, seed=0)["statistic"].round(3).tolist()
    [3.214, 1.607, 4.179]
    >>> chain = sp.diags_array([np.ones(19), np.ones(19)], offsets=[-1, 1], shape=(20, 20))
    >>> values = np.arange(20.0)
    >>> values[[3, 4, 5]] = [-5.0, 30.0, -5.0]  # a high region between the two lowest
    >>> out = local_geary(values, SpatialWeights.from_sparse(chain.tocsr()), seed=1)
    >>> out["cluster"].iloc[4], out["quadrant"].iloc[4]  # 4 = High-Low for local Moran
    ('Negative', np.int64(4))
    """
    check_options(permutations, alpha, adjust, transform, seed, allow_many_permutations)
    sample = prepare_spatial(values, weights, data=data, nan=nan)
    z = standardise(sample.values, "values")
    matrix = transformed_matrix(sample.weights, transform)
    island = np.diff(matrix.indptr) == 0
    rows = np.repeat(np.arange(z.size), np.diff(matrix.indptr))
    statistic = np.bincount(
        rows, matrix.data * (z[rows] - z[matrix.indices]) ** 2, minlength=z.size
    )
    if permutations:
        p_sim, zscore, positive = _geary_permutations(z, matrix, statistic, permutations, seed)
        p_sim, zscore = np.where(island, np.nan, p_sim), np.where(island, np.nan, zscore)
    else:  # nothing is significant: the tails do not matter
        p_sim = zscore = np.full(z.size, np.nan)
        positive = np.ones(z.size, dtype=bool)
    q, significant = _significance(p_sim, alpha, adjust)
    significant &= ~island
    lag = matrix @ z
    columns = {
        "statistic": np.where(island, np.nan, statistic),
        "z": zscore,
        "p_sim": p_sim,
        "q": q,
        "significant": significant,
        "quadrant": _quadrant(z, lag, island),
        "cluster": geary_classes(z, lag, positive, significant, island),
    }
    return _frame(sample, sample.ids, columns, GEARY_LABELS)


def _geary_permutations(
    z: np.ndarray, matrix: sp.csr_array, observed: np.ndarray, permutations: int, seed: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Permuted ``c_i = W_i z_i**2 - 2 z_i L(z)_i + L(z**2)_i``, chunk by chunk.

    Returns ``p_sim``, the simulation z and whether ``c_i`` lies in the lower
    tail (fewer permutations at or below it than at or above it).
    """
    plan = simulate(matrix, permutations, make_rng(seed), columns=2)
    row_sum = row_sums(matrix)
    scale = np.max(np.abs(z))
    tally = LagTally(z.size, permutations)
    for _, rows, (lag1, lag2) in permuted_lags([z, z * z], plan):
        zi = z[rows]
        sims = row_sum[rows] * zi * zi - 2.0 * zi * lag1 + lag2
        tol = 1e-10 * row_sum[rows] * (np.abs(zi) + scale) ** 2
        tally.add(rows, sims, observed[rows] - tol, observed[rows] + tol)
    dist = tally.distribution(plan.cardinality > 0)
    n_ge, n_le = dist.n_ge, dist.n_le
    with np.errstate(divide="ignore", invalid="ignore"):
        zscore = (observed - dist.mean) / dist.std
    return pseudo_p_value(n_ge, n_le, permutations), zscore, n_le < n_ge
