"""Local indicators of spatial association: LISA, Getis-Ord Gi* and Gi.

Local Geary's c lives in :mod:`geodisparity.spatial.local_geary`, with the same
columns and conventions.

Each function returns one row per region, aligned to ``weights.ids`` (ready to
join onto the boundaries), with these columns:

``statistic``
    The local statistic (NaN for an island).
``z``
    Observed statistic standardised by its permutation distribution (esda's
    ``z_sim``). Gi* and Gi also have the analytical ``z_norm`` and two-sided
    ``p_norm``, and ``p``, the two-sided p-value their bins use.
``p_sim``
    Folded pseudo p-value ``(min(n_ge, n_le) + 1) / (permutations + 1)`` where
    ``n_ge`` / ``n_le`` count permutations at least / at most as large as the
    observed statistic (esda's default definition; ties count on both sides,
    so a region with ``z_i = 0`` gets 1 where esda reports ``1/(P+1)``).
``q``
    Adjusted p-value (``adjust="fdr"``, ``"by"`` or ``"bonferroni"``) of
    ``p_sim`` (of ``p`` for Gi* and Gi); NaN when ``adjust=None``.
``significant``
    ``q <= alpha`` when adjusting, else ``p_sim <= alpha`` (``p <= alpha`` for
    Gi* and Gi).
``quadrant``
    LISA and local Geary: 1 High-High, 2 Low-High, 3 Low-Low, 4 High-Low (esda's
    coding, by the signs of ``z_i`` and of its spatial lag), 0 for an island.
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
significant; Gi* and Gi fall back on their analytical ``p_norm``.

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

from functools import cache
from typing import Any

import numpy as np
import pandas as pd

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
from geodisparity.errors import InputError, format_rows
from geodisparity.spatial._getis_ord import (
    gi_weights,
    gi_z,
    hotspot_bins,
    two_sided_p,
    two_sided_pseudo_p,
)
from geodisparity.spatial._spatial_inputs import SpatialSample, prepare_spatial, transformed_matrix
from geodisparity.spatial.multiple_testing import ACCEPTED, ADJUSTMENTS, Adjustment, adjust_pvalues
from geodisparity.spatial.permutation import (
    LagDistribution,
    lag_distribution,
    pseudo_p_value,
)
from geodisparity.spatial.weights import SpatialWeights, Transform

__all__ = ["local_moran", "local_moran_bivariate", "local_gi_star", "local_gi"]

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
    if adjust is not None and adjust not in ADJUSTMENTS:
        raise InputError(f"adjust={adjust!r} is not accepted; {ACCEPTED}")
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


@cache
def _category_dtype(categories: tuple[str, ...]) -> pd.CategoricalDtype:
    """Return the dtype of a ``cluster`` column, built once per set of labels (a fixed few)."""
    return pd.CategoricalDtype(list(categories))


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
            out[name] = pd.Categorical.from_codes(full, dtype=_category_dtype(categories))
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
    weights : SpatialWeights, libpysal W or libpysal Graph
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
    adjust : {"fdr", "by", "bonferroni"} or None
        Multiple-testing adjustment of ``p_sim`` into ``q``: Benjamini-Hochberg,
        Benjamini-Yekutieli (valid under any dependence between regions) or
        Bonferroni (see :mod:`geodisparity.spatial.multiple_testing`).
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
        sample, z, z, sample.ids, permutations=permutations, seed=seed, alpha=alpha,
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
    weights : SpatialWeights, libpysal W or libpysal Graph
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
        sample, zx, zy, sample.ids, permutations=permutations, seed=seed, alpha=alpha,
        adjust=adjust, transform=transform,
    )


def _check_denominator(denominator: np.ndarray, ids: pd.Index, star: bool) -> None:
    """Refuse a zero total: G divides by it (for Gi, by the total of the other regions)."""
    zero = denominator == 0
    if star and zero.any():
        raise InputError("values sum to zero; Gi* divides by their total")
    if zero.any():
        raise InputError(
            f"values of the other regions sum to zero for {format_rows(ids[zero])}; "
            "Gi divides by that total"
        )


def _getis_ord(
    values: Any,
    weights: SpatialWeights,
    *,
    star: bool,
    data: pd.DataFrame | None,
    permutations: int,
    seed: Any,
    alpha: float,
    adjust: Adjustment | None,
    transform: Transform,
    nan: NanPolicy,
    allow_many_permutations: bool = False,
) -> pd.DataFrame:
    """``G*_i`` (``star=True``) or ``G_i``, their z-scores, p-values and hot-spot bins."""
    check_options(permutations, alpha, adjust, transform, seed, allow_many_permutations)
    sample = prepare_spatial(values, weights, data=data, nan=nan)
    x = sample.values
    z_values = standardise(x, "values")
    off, own = gi_weights(sample.weights, transform, star=star)
    island = np.diff(off.indptr) == 0
    n, total = x.size, x.sum()
    denominator = np.full(n, total) if star else total - x
    _check_denominator(denominator, sample.ids[sample.keep], star)
    statistic = (off @ x + own * x) / denominator
    z_norm = gi_z(x, off, own, star=star)
    p_norm = np.where(np.isnan(z_norm), 1.0, two_sided_p(z_norm))
    if permutations:
        lag = off @ z_values
        dist = lag_distribution(
            z_values, off, lag, permutations=permutations, rng=make_rng(seed)
        )
        p_sim, z = _from_lags(dist, lag, np.sign(denominator), island)
        p, sign = two_sided_pseudo_p(p_sim), z
    else:
        p_sim = z = np.full(n, np.nan)
        p, sign = p_norm, z_norm
    p = np.where(island, np.nan, p)
    q, significant = _significance(p, alpha, adjust)
    significant &= ~island
    bins = np.where(island, 0, hotspot_bins(q if adjust else p, sign))
    by_bin = np.array([HOTSPOT_LABELS.index(HOTSPOT_BINS[b]) for b in range(-3, 4)])
    labels = np.where(island, HOTSPOT_LABELS.index(ISOLATED), by_bin[bins + 3]).astype(np.int8)
    columns = {
        "statistic": np.where(island, np.nan, statistic),
        "z": z,
        "z_norm": np.where(island, np.nan, z_norm),
        "p_norm": np.where(island, np.nan, p_norm),
        "p_sim": p_sim,
        "p": p,
        "q": q,
        "significant": significant,
        "gi_bin": bins,
        "cluster": labels,
    }
    return _frame(sample, sample.ids, columns, HOTSPOT_LABELS)


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
    ``G_Local(star=True)``, Ord and Getis 1995).

    Analytical inference follows Ord and Getis (1995, *Geographical
    Analysis* 27(4)) with the general variance for any weights (row sums of
    the weights and of their squares; see
    :mod:`geodisparity.spatial._getis_ord`): ``z_norm`` is standard normal
    under randomisation whether the weights are binary, row-standardised or
    kernel values, and does not change with row standardisation (as in
    ArcGIS). esda's ``G_Local`` uses the binary-weights variance and so
    reports smaller ``z_norm`` for other weights; binary weights agree.

    Hot-spot bins follow ArcGIS's Hot Spot Analysis (Getis-Ord Gi*):
    ``gi_bin`` is ``+-3 / +-2 / +-1`` when the two-sided ``p`` is at most
    0.01 / 0.05 / 0.10 (99 / 95 / 90 % confidence), hot (+) or cold (-) by
    the sign of ``z`` (``z_norm`` without permutations). ``p`` is the
    two-sided pseudo p-value ``min(1, 2 p_sim)`` with permutations, else
    ``p_norm``; with ``adjust`` the adjusted ``q`` takes its place (``"fdr"``
    is ArcGIS's False Discovery Rate correction). ``significant`` is
    ``p <= alpha`` (or ``q <= alpha``); the bins do not depend on ``alpha``.
    Without clustering about 10 / 5 / 1 % of regions land in the 90 / 95 /
    99 % bins.

    Parameters
    ----------
    values : array-like, Series or column name
        One value per region (a count, rate or amount). A Series (or a column
        of ``data``) is matched to ``weights.ids`` by label and refused when its
        labels differ from them; a plain array or list is matched by position,
        which the caller must ensure.
    weights : SpatialWeights, libpysal W or libpysal Graph
        Neighbour relations, without self-links.
    data : DataFrame, optional
        Table in which a column name ``values`` is looked up.
    permutations, seed, alpha, adjust, transform, nan, allow_many_permutations
        As in :func:`local_moran`.

    Returns
    -------
    pandas.DataFrame
        Columns ``statistic, z, z_norm, p_norm, p_sim, p, q, significant,
        gi_bin, cluster``; ``p_norm`` and ``p`` are two-sided, ``p_sim`` is
        the folded pseudo p-value (esda's).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from geodisparity.spatial.weights import SpatialWeights
    >>> w = SpatialWeights.from_sparse(sp.csr_array([[0, 1, 0], [1, 0, 0], [0, 0, 0]]))
    >>> local_gi_star([1.0, 2.0, 3.0], w, seed=0)["cluster"].tolist()[2]
    'Isolated'
    >>> chain = SpatialWeights.from_sparse(sp.diags_array(
    ...     [np.ones(9), np.ones(9)], offsets=[-1, 1], shape=(10, 10)).tocsr())
    >>> out = local_gi_star(np.arange(10.0), chain, permutations=0)
    >>> out["gi_bin"].tolist()  # the low end is a cold spot, the high end a hot spot
    [-2, -2, -1, 0, 0, 0, 0, 1, 2, 2]
    """
    return _getis_ord(
        values, weights, star=True, data=data, permutations=permutations, seed=seed,
        alpha=alpha, adjust=adjust, transform=transform, nan=nan,
        allow_many_permutations=allow_many_permutations,
    )


def local_gi(
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
    """Getis-Ord Gi (without the star): the neighbours' share, leaving the region out.

    ``G_i = sum_{j != i} w_ij x_j / sum_{j != i} x_j`` (Getis and Ord 1992,
    *Geographical Analysis* 24(3); esda's ``G_Local(star=False)``). The
    region's own value enters neither sum, so Gi asks whether the
    surroundings of a region are high or low, Gi* whether the region and its
    surroundings are. Under randomisation ``x_i`` stays put and the other
    ``n - 1`` values are permuted: its mean and variance come from those.
    The analytical z, the hot-spot bins and the columns are as in
    :func:`local_gi_star`.

    Parameters
    ----------
    values : array-like, Series or column name
        One value per region (a count, rate or amount). A Series (or a column
        of ``data``) is matched to ``weights.ids`` by label and refused when its
        labels differ from them; a plain array or list is matched by position,
        which the caller must ensure.
    weights : SpatialWeights, libpysal W or libpysal Graph
        Neighbour relations, without self-links.
    data : DataFrame, optional
        Table in which a column name ``values`` is looked up.
    permutations, seed, alpha, adjust, transform, nan, allow_many_permutations
        As in :func:`local_moran`.

    Returns
    -------
    pandas.DataFrame
        Same columns as :func:`local_gi_star`.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from geodisparity.spatial.weights import SpatialWeights
    >>> w = SpatialWeights.from_sparse(sp.csr_array(np.ones((4, 4)) - np.eye(4)))
    >>> out = local_gi([1.0, 2.0, 3.0, 6.0], w, permutations=0, transform="B")
    >>> out["statistic"].round(3).tolist()  # everyone else is a neighbour: G_i = 1
    [1.0, 1.0, 1.0, 1.0]
    >>> out["z_norm"].isna().all()  # ... whatever the permutation: no test
    np.True_
    """
    return _getis_ord(
        values, weights, star=False, data=data, permutations=permutations, seed=seed,
        alpha=alpha, adjust=adjust, transform=transform, nan=nan,
        allow_many_permutations=allow_many_permutations,
    )
