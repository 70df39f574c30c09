"""Local indicators of spatial association: LISA, Getis-Ord Gi*, local Geary.

Each function returns one row per region, aligned to ``weights.ids`` (ready to
join onto the boundaries), with these columns:

``statistic``
    The local statistic (NaN for an island).
``z``
    Observed statistic standardised by its permutation distribution (esda's
    ``z_sim``). Gi* also has the analytical ``z_norm`` and two-sided ``p_norm``.
``p_sim``
    Folded pseudo p-value ``(min(n_ge, n_le) + 1) / (permutations + 1)`` where
    ``n_ge`` / ``n_le`` count permutations at least / at most as large as the
    observed statistic (esda's default definition; ties count on both sides,
    so a region with ``z_i = 0`` gets 1 where esda reports ``1/(P+1)``).
``q``
    Adjusted p-value (``adjust="fdr"`` or ``"bonferroni"``); NaN when ``adjust=None``.
``significant``
    ``q <= alpha`` when adjusting, else ``p_sim <= alpha``.
``quadrant``
    LISA and local Geary: 1 High-High, 2 Low-High, 3 Low-Low, 4 High-Low (esda's
    coding), 0 for an island.
``cluster``
    A label from :mod:`geodisparity.categories`, as a categorical column in
    legend order.

Islands (regions without neighbours) have no neighbourhood to compare with:
their statistic, ``z`` and p-values are NaN, they are never significant, and
their label is ``"Isolated"`` (esda reports them as significant Low-Low).

With ``nan="drop"``, regions with missing values are left out (with their
links) and come back as rows of NaN, ``significant`` False, ``quadrant`` 0 and
a missing ``cluster``.

Permutations use the exact conditional randomisation of
:mod:`geodisparity.spatial.permutation` (``seed`` makes a run reproducible). With
``permutations=0`` no pseudo p-values exist: LISA and local Geary mark nothing
significant; Gi* falls back on its analytical ``p_norm``.

Examples
--------
>>> import numpy as np, scipy.sparse as sp
>>> from geodisparity.spatial.weights import SpatialWeights
>>> chain = sp.diags_array([np.ones(5), np.ones(5)], offsets=[-1, 1], shape=(6, 6))
>>> chain = sp.csr_array(chain.tolil()); chain[5, 4] = 0; chain[4, 5] = 0
>>> w = SpatialWeights.from_sparse(chain)  # regions 0-4 in a chain, region 5 an island
>>> out = local_moran([1.0, 2.0, 3.0, 10.0, 11.0, 4.0], w, seed=1)
>>> island = out.loc[5]
>>> island["cluster"], bool(island["significant"]), float(island["p_sim"])
('Isolated', False, nan)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from geodisparity._inputs import NanPolicy, make_rng
from geodisparity._resources import check_count
from geodisparity.categories import (
    HIGH_HIGH,
    HIGH_LOW,
    HOTSPOT_BINS,
    HOTSPOT_LABELS,
    ISOLATED,
    LISA_LABELS,
    LOW_HIGH,
    LOW_LOW,
    NOT_SIGNIFICANT,
)
from geodisparity.errors import InputError
from geodisparity.spatial._spatial_inputs import SpatialSample, prepare_spatial, transformed_matrix
from geodisparity.spatial.multiple_testing import Adjustment, adjust_pvalues
from geodisparity.spatial.permutation import (
    LagDistribution,
    LagTally,
    lag_distribution,
    permuted_lags,
    pseudo_p_value,
    row_sums,
    simulate,
)
from geodisparity.spatial.weights import SpatialWeights, Transform

__all__ = ["local_moran", "local_moran_bivariate", "local_gi_star", "local_geary"]

_QUADRANT_LABELS = {1: HIGH_HIGH, 2: LOW_HIGH, 3: LOW_LOW, 4: HIGH_LOW}


# ----------------------------------------------------------------- helpers


def check_options(
    permutations: int, alpha: float, adjust: Adjustment | None, transform: Transform,
    seed: Any = None, allow_many_permutations: bool = False,
) -> None:
    """Validate the options shared by the local statistics."""
    check_count(permutations, name="permutations", allow_many=allow_many_permutations)
    make_rng(seed)  # refuses a bad seed even when nothing is permuted
    if not 0 < alpha < 1:
        raise InputError(f"alpha must lie strictly between 0 and 1; got {alpha!r}")
    if adjust not in (None, "fdr", "bonferroni"):
        raise InputError(f"adjust={adjust!r} is not accepted; use 'fdr', 'bonferroni' or None")
    if transform not in ("B", "R", "O"):
        raise InputError(f"transform={transform!r} is not accepted; use 'R', 'B' or 'O'")


def standardise(x: np.ndarray, name: str) -> np.ndarray:
    """Return ``(x - mean) / std`` (``ddof=0``), refusing constant input."""
    if x.size < 2:
        raise InputError(f"{name} needs at least 2 regions; got {x.size}")
    sd = x.std()
    if not sd > 0:
        raise InputError(f"{name} is constant ({x[0]!r} everywhere); nothing to test")
    return (x - x.mean()) / sd


def _significance(
    p: np.ndarray, alpha: float, adjust: Adjustment | None
) -> tuple[np.ndarray, np.ndarray]:
    q = adjust_pvalues(p, method=adjust) if adjust else np.full(p.shape, np.nan)
    tested = q if adjust else p
    with np.errstate(invalid="ignore"):
        significant = np.nan_to_num(tested, nan=np.inf) <= alpha
    return q, significant


def _quadrant(x: np.ndarray, lag: np.ndarray, island: np.ndarray) -> np.ndarray:
    high, high_lag = x > 0, lag > 0
    quadrant = np.where(high, np.where(high_lag, 1, 4), np.where(high_lag, 2, 3))
    return np.where(island, 0, quadrant)


def _lisa_codes(quadrant: np.ndarray, significant: np.ndarray) -> np.ndarray:
    """Positions in :data:`LISA_LABELS` of each region's label."""
    by_quadrant = np.full(5, LISA_LABELS.index(NOT_SIGNIFICANT), dtype=np.int8)
    for code, label in _QUADRANT_LABELS.items():
        by_quadrant[code] = LISA_LABELS.index(label)
    codes = np.where(significant, by_quadrant[quadrant], LISA_LABELS.index(NOT_SIGNIFICANT))
    return np.where(quadrant == 0, LISA_LABELS.index(ISOLATED), codes).astype(np.int8)


def _frame(
    sample: SpatialSample,
    ids: pd.Index,
    columns: dict[str, np.ndarray],
    categories: tuple[str, ...],
) -> pd.DataFrame:
    """Assemble the output, re-inserting regions dropped for missing values."""
    keep = sample.keep
    out: dict[str, Any] = {}
    for name, column in columns.items():
        if name == "cluster":  # codes into ``categories``; -1 for a dropped region
            full = np.full(keep.size, -1, dtype=np.int8)
            full[keep] = column
            out[name] = pd.Categorical.from_codes(full, categories=list(categories))
        elif column.dtype == bool:
            full = np.zeros(keep.size, dtype=bool)
            full[keep] = column
            out[name] = full
        elif column.dtype.kind in "iu":
            full = np.zeros(keep.size, dtype=np.int64)
            full[keep] = column
            out[name] = full
        else:
            full = np.full(keep.size, np.nan)
            full[keep] = column
            out[name] = full
    return pd.DataFrame(out, index=ids)


def _from_lags(
    dist: LagDistribution, observed_lag: np.ndarray, slope: np.ndarray, island: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """p_sim and z of a statistic equal to ``a_i + slope_i * lag_i``."""
    p = pseudo_p_value(dist.n_ge, dist.n_le, dist.permutations)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.sign(slope) * (observed_lag - dist.mean) / dist.std
    flat = slope == 0  # the statistic does not depend on the draws
    p = np.where(flat, 1.0, p)
    z = np.where(flat | island, np.nan, z)
    return np.where(island, np.nan, p), z


def _moran_core(
    sample: SpatialSample,
    zx: np.ndarray,
    zy: np.ndarray,
    ids: pd.Index,
    *,
    permutations: int,
    seed: Any,
    alpha: float,
    adjust: Adjustment | None,
    transform: Transform,
) -> pd.DataFrame:
    matrix = transformed_matrix(sample.weights, transform)
    island = np.diff(matrix.indptr) == 0
    n = zx.size
    lag = matrix @ zy
    statistic = (n - 1) * zx * lag / n  # esda: (n - 1) z_i lag_i / sum(z**2), sum(z**2) = n
    if permutations:
        dist = lag_distribution(
            zy, matrix, lag, permutations=permutations, rng=make_rng(seed)
        )
        p_sim, z = _from_lags(dist, lag, zx, island)
    else:
        p_sim = z = np.full(n, np.nan)
    q, significant = _significance(p_sim, alpha, adjust)
    significant &= ~island
    quadrant = _quadrant(zx, lag, island)
    columns = {
        "statistic": np.where(island, np.nan, statistic),
        "z": z,
        "p_sim": p_sim,
        "q": q,
        "significant": significant,
        "quadrant": quadrant,
        "cluster": _lisa_codes(quadrant, significant),
    }
    return _frame(sample, ids, columns, LISA_LABELS)


# ------------------------------------------------------------ public API


def local_moran(
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
    """Local Moran's I (LISA) with conditional permutation inference.

    ``I_i = (n - 1) z_i L_i / sum(z**2)`` with ``z`` the standardised values
    (``ddof=0``) and ``L_i`` the spatial lag of ``z``: esda's ``Moran_Local``.

    Parameters
    ----------
    values : array-like, Series or column name
        One value per region. A Series (or a column of ``data``) is matched to
        ``weights.ids`` by label and refused when its labels differ from them; a
        plain array or list is matched by position, which the caller must ensure.
    weights : SpatialWeights
        Neighbour relations.
    data : DataFrame, optional
        Table in which a column name ``values`` is looked up.
    permutations : int, default 999
        Conditional permutations per region; 0 for none. At most 99,999 unless
        ``allow_many_permutations=True``.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed of the permutations (a non-negative integer reproduces a run).
    alpha : float, default 0.05
        Significance level of ``significant`` and ``cluster``.
    adjust : {"fdr", "bonferroni"} or None
        Multiple-testing adjustment of ``p_sim`` into ``q``.
    transform : {"R", "B", "O"}, default "R"
        Row-standardised (as esda and GeoDa), binary, or the weights' own
        values as stored (e.g. kernel weights).
    nan : {"raise", "drop"}
        Missing values raise, or drop the region (its row is NaN in the output).
    allow_many_permutations : bool, default False
        Accept more than 99,999 permutations (memory is still checked).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``weights.ids``; columns ``statistic, z, p_sim, q,
        significant, quadrant, cluster`` (see the module docstring).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from geodisparity.spatial.weights import SpatialWeights
    >>> w = SpatialWeights.from_sparse(sp.csr_array(np.ones((3, 3)) - np.eye(3)))
    >>> local_moran([1.0, 2.0, 4.0], w, seed=0).columns.tolist()
    ['statistic', 'z', 'p_sim', 'q', 'significant', 'quadrant', 'cluster']
    >>> local_moran([1.0, 2.0, 4.0], w, permutations=0)["cluster"].tolist()
    ['Not significant', 'Not significant', 'Not significant']
    """
    check_options(permutations, alpha, adjust, transform, seed, allow_many_permutations)
    sample = prepare_spatial(values, weights, data=data, nan=nan)
    z = standardise(sample.values, "values")
    return _moran_core(
        sample, z, z, weights.ids, permutations=permutations, seed=seed, alpha=alpha,
        adjust=adjust, transform=transform,
    )


def local_moran_bivariate(
    x: Any,
    y: Any,
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
    """Bivariate local Moran's I: ``x`` in a region against the lag of ``y`` around it.

    ``I_i = (n - 1) zx_i Lzy_i / sum(zx**2)`` (esda's ``Moran_Local_BV``); the
    permutations shuffle ``y`` among the other regions. Quadrants and labels
    read "High-Low" as high ``x`` surrounded by low ``y``.

    Parameters
    ----------
    x, y : array-like, Series or column name
        The focal variable and the neighbours' variable.
        A Series (or a column of ``data``) is matched to
        ``weights.ids`` by label and refused when its labels differ from them; a
        plain array or list is matched by position, which the caller must ensure.
    weights : SpatialWeights
        Neighbour relations.
    data : DataFrame, optional
        Table in which column names are looked up.
    permutations, seed, alpha, adjust, transform, nan, allow_many_permutations
        As in :func:`local_moran`.

    Returns
    -------
    pandas.DataFrame
        Same columns as :func:`local_moran`.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from geodisparity.spatial.weights import SpatialWeights
    >>> w = SpatialWeights.from_sparse(sp.csr_array(np.ones((4, 4)) - np.eye(4)))
    >>> out = local_moran_bivariate([1, 2, 3, 4], [4, 3, 2, 1], w, seed=0)
    >>> out["quadrant"].tolist()  # in a complete graph the lag of y mirrors x
    [3, 3, 1, 1]
    """
    check_options(permutations, alpha, adjust, transform, seed, allow_many_permutations)
    sample = prepare_spatial(x, weights, data=data, nan=nan, others={"y": y})
    zx = standardise(sample.values[:, 0], "x")
    zy = standardise(sample.values[:, 1], "y")
    return _moran_core(
        sample, zx, zy, weights.ids, permutations=permutations, seed=seed, alpha=alpha,
        adjust=adjust, transform=transform,
    )


def _row_max(matrix: sp.csr_array) -> np.ndarray:
    out = np.zeros(matrix.shape[0])
    has = np.diff(matrix.indptr) > 0
    if has.any():
        out[has] = np.maximum.reduceat(matrix.data, matrix.indptr[:-1][has])
    return out


def star_weights(weights: SpatialWeights, transform: Transform) -> tuple[sp.csr_array, np.ndarray]:
    """Gi* weights split into the neighbours' part and the self-weight.

    As esda's ``G_Local(star=True)``: each region is its own neighbour with the
    largest weight of its row (1 for binary weights), then the transform applies.
    """
    matrix = transformed_matrix(weights, "B" if transform == "B" else "O")
    own = _row_max(matrix)
    if transform == "R":
        total = row_sums(matrix) + own
        scale = np.divide(1.0, total, out=np.zeros_like(total), where=total > 0)
        data = matrix.data * np.repeat(scale, np.diff(matrix.indptr))
        matrix = sp.csr_array((data, matrix.indices, matrix.indptr), shape=matrix.shape)
        own = own * scale
    return matrix, own


def _hotspot_bins(p: np.ndarray, z: np.ndarray, island: np.ndarray) -> np.ndarray:
    level = np.zeros(p.shape, dtype=np.int64)
    finite = np.nan_to_num(p, nan=np.inf)
    level[finite <= 0.10] = 1
    level[finite <= 0.05] = 2
    level[finite <= 0.01] = 3
    bins = (level * np.sign(np.nan_to_num(z))).astype(np.int64)
    return np.where(island, 0, bins)


def local_gi_star(
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
    """Getis-Ord Gi* hot and cold spots.

    ``G*_i = sum_j w*_ij x_j / sum_j x_j`` where ``w*`` includes the region
    itself with the largest weight of its row, then the transform (esda's
    ``G_Local(star=True)``). ``z_norm`` is the analytical z-score of Getis and
    Ord; ``p_norm`` is **two-sided** (esda reports the one-sided half).

    Hot-spot bins follow the ArcGIS convention: ``gi_bin`` is ``+-3``, ``+-2``,
    ``+-1`` at 99 / 95 / 90 % confidence (p at most 0.01 / 0.05 / 0.10; the
    p-value is ``q`` when adjusting, else ``p_sim``, or ``p_norm`` when
    ``permutations=0``), signed by ``z``; ``cluster`` carries the matching
    :data:`~geodisparity.categories.HOTSPOT_BINS` label, or "Isolated". The
    bins do not depend on ``alpha``; ``significant`` does.

    Parameters
    ----------
    values : array-like, Series or column name
        One value per region (a count, rate or amount). A Series (or a column
        of ``data``) is matched to ``weights.ids`` by label and refused when its
        labels differ from them; a plain array or list is matched by position,
        which the caller must ensure.
    weights : SpatialWeights
        Neighbour relations, without self-links.
    data : DataFrame, optional
        Table in which a column name ``values`` is looked up.
    permutations, seed, alpha, adjust, transform, nan, allow_many_permutations
        As in :func:`local_moran`.

    Returns
    -------
    pandas.DataFrame
        Columns ``statistic, z, z_norm, p_norm, p_sim, q, significant,
        gi_bin, cluster``.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from geodisparity.spatial.weights import SpatialWeights
    >>> w = SpatialWeights.from_sparse(sp.csr_array([[0, 1, 0], [1, 0, 0], [0, 0, 0]]))
    >>> local_gi_star([1.0, 2.0, 3.0], w, seed=0)["cluster"].tolist()[2]
    'Isolated'
    """
    check_options(permutations, alpha, adjust, transform, seed, allow_many_permutations)
    sample = prepare_spatial(values, weights, data=data, nan=nan)
    x = sample.values
    z_values = standardise(x, "values")
    off, own = star_weights(sample.weights, transform)
    island = np.diff(off.indptr) == 0
    n, total = x.size, x.sum()
    if total == 0:
        raise InputError("values sum to zero; Gi* divides by the total")
    statistic = (off @ x + own * x) / total
    card = row_sums(off) + own
    mean, var = total / n, np.mean(x * x) - (total / n) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = card * (n - card) / (n - 1) / n**2 * var / mean**2
        z_norm = (statistic - card / n) / np.sqrt(variance)
    p_norm = _two_sided(z_norm)
    if permutations:
        lag = off @ z_values
        dist = lag_distribution(
            z_values, off, lag, permutations=permutations, rng=make_rng(seed)
        )
        p_sim, z = _from_lags(dist, lag, np.full(n, np.sign(total)), island)
        tested = p_sim
    else:
        p_sim = z = np.full(n, np.nan)
        tested = p_norm
    tested = np.where(island, np.nan, tested)
    q, significant = _significance(tested, alpha, adjust)
    significant &= ~island
    bins = _hotspot_bins(q if adjust else tested, z if permutations else z_norm, island)
    by_bin = np.array([HOTSPOT_LABELS.index(HOTSPOT_BINS[b]) for b in range(-3, 4)])
    labels = np.where(island, HOTSPOT_LABELS.index(ISOLATED), by_bin[bins + 3]).astype(np.int8)
    columns = {
        "statistic": np.where(island, np.nan, statistic),
        "z": z,
        "z_norm": np.where(island, np.nan, z_norm),
        "p_norm": np.where(island, np.nan, p_norm),
        "p_sim": p_sim,
        "q": q,
        "significant": significant,
        "gi_bin": bins,
        "cluster": labels,
    }
    return _frame(sample, weights.ids, columns, HOTSPOT_LABELS)


def _two_sided(z: np.ndarray) -> np.ndarray:
    from scipy.special import ndtr

    return 2.0 * ndtr(-np.abs(z))


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
    are labelled by their quadrant (value vs. neighbours' mean) with the LISA
    labels; GeoDa's "other positive" / "negative" classes are not used.

    Parameters
    ----------
    values : array-like, Series or column name
        One value per region. A Series (or a column of ``data``) is matched to
        ``weights.ids`` by label and refused when its labels differ from them; a
        plain array or list is matched by position, which the caller must ensure.
    weights : SpatialWeights
        Neighbour relations.
    data : DataFrame, optional
        Table in which a column name ``values`` is looked up.
    permutations, seed, alpha, adjust, transform, nan, allow_many_permutations
        As in :func:`local_moran`.

    Returns
    -------
    pandas.DataFrame
        Same columns as :func:`local_moran`.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from geodisparity.spatial.weights import SpatialWeights
    >>> w = SpatialWeights.from_sparse(sp.csr_array(np.ones((3, 3)) - np.eye(3)))
    >>> local_geary([1.0, 2.0, 4.0], w, seed=0)["statistic"].round(3).tolist()
    [3.214, 1.607, 4.179]
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
        p_sim, zscore = _geary_permutations(z, matrix, statistic, permutations, seed)
        p_sim, zscore = np.where(island, np.nan, p_sim), np.where(island, np.nan, zscore)
    else:
        p_sim = zscore = np.full(z.size, np.nan)
    q, significant = _significance(p_sim, alpha, adjust)
    significant &= ~island
    quadrant = _quadrant(z, matrix @ z, island)
    columns = {
        "statistic": np.where(island, np.nan, statistic),
        "z": zscore,
        "p_sim": p_sim,
        "q": q,
        "significant": significant,
        "quadrant": quadrant,
        "cluster": _lisa_codes(quadrant, significant),
    }
    return _frame(sample, weights.ids, columns, LISA_LABELS)


def _geary_permutations(
    z: np.ndarray, matrix: sp.csr_array, observed: np.ndarray, permutations: int, seed: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Permuted ``c_i = W_i z_i**2 - 2 z_i L(z)_i + L(z**2)_i``, chunk by chunk."""
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
    with np.errstate(divide="ignore", invalid="ignore"):
        zscore = (observed - dist.mean) / dist.std
    return pseudo_p_value(dist.n_ge, dist.n_le, permutations), zscore
