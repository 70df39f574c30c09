"""Distance-based spatial weights: k nearest neighbours, distance band, kernel.

Each region is represented by one point, its centroid (point geometries are
used as they are), in a projected CRS in metres (see :func:`region_points`).
Distances are Euclidean in metres, found with :class:`scipy.spatial.cKDTree`.
Definitions follow libpysal's ``KNN``, ``DistanceBand`` and ``Kernel`` so
that results agree on the same points.

Examples
--------
>>> import geopandas as gpd
>>> from shapely import points
>>> towns = gpd.GeoSeries(points([0, 1000, 3000], [0, 0, 0]), crs="EPSG:3857")
>>> knn(towns, 1).neighbors
{0: [1], 1: [0], 2: [1]}
>>> distance_band(towns, 1500, islands="keep").islands
[2]
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely

from geodisparity.errors import InputError, WeightsError, format_rows
from geodisparity.spatial._islands import IslandPolicy, check_policy, resolve_islands
from geodisparity.spatial._regions import as_geoseries, to_metres
from geodisparity.spatial.weights import SpatialWeights, Transform

__all__ = ["knn", "distance_band", "kernel", "region_points", "KernelFunction"]

KernelFunction = Literal["triangular", "uniform", "quadratic", "quartic", "gaussian"]
KERNEL_ALIASES = {"epanechnikov": "quadratic", "bisquare": "quartic"}
# libpysal widens a bandwidth taken from a k-th neighbour distance by this
# factor, so that the k-th neighbour gets a small positive kernel weight.
BANDWIDTH_EPS = 1.0000001


def region_points(regions: Any) -> tuple[pd.Index, np.ndarray]:
    """Return the region ids and one (x, y) point per region, in metres.

    Parameters
    ----------
    regions : GeoDataFrame or GeoSeries
        Regions with a CRS. Points are used as they are; other geometries
        are replaced by their centroid. In a projected CRS the centroid is
        exact; with longitude/latitude it is computed in longitude/latitude
        and then projected with :func:`geodisparity.crs.metric_crs`, which
        avoids projecting every vertex and moves county centroids by a few
        metres to tens of metres (project the regions first for exact
        planar centroids).

    Returns
    -------
    (pandas.Index, numpy.ndarray)
        The ids and an ``(n, 2)`` array of coordinates in metres.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> ids, xy = region_points(gpd.GeoSeries([box(0, 0, 2, 2)], crs="EPSG:3857"))
    >>> xy.tolist()
    [[1.0, 1.0]]
    """
    import geopandas as gpd

    series = as_geoseries(regions)
    geoms = np.asarray(series.values, dtype=object)
    is_point = shapely.get_type_id(geoms) == 0
    if not is_point.all():
        geoms = np.where(is_point, geoms, shapely.centroid(geoms))
    points = gpd.GeoSeries(geoms, index=series.index, crs=series.crs)
    metric = to_metres(points, purpose="distance")
    return series.index, shapely.get_coordinates(np.asarray(metric.values, dtype=object))


def knn(regions: Any, k: int, *, transform: Transform = "B") -> SpatialWeights:
    """Link each region to its ``k`` nearest regions.

    Parameters
    ----------
    regions : GeoDataFrame or GeoSeries
        Regions with a CRS (see :func:`region_points`).
    k : int
        Number of neighbours, ``1 <= k < n``.
    transform : {"B", "R"}, default "B"
        Binary or row-standardised weights.

    Returns
    -------
    SpatialWeights
        Every region has exactly ``k`` neighbours; the matrix is not
        symmetric in general.

    Notes
    -----
    Ties: when several regions are equally far at the k-th distance, exactly
    ``k`` neighbours are still kept, and which of the tied regions get in is
    the order in which :meth:`scipy.spatial.cKDTree.query` returns them. That
    order follows the tree's layout, not the rows' order or ids: it is
    deterministic for the same coordinates, but not "the lowest row first".
    libpysal's legacy ``weights.KNN`` queries the same tree and agrees;
    libpysal's ``graph.Graph.build_knn`` keeps the tied regions in row order
    and can choose differently (on a 6 x 6 lattice with ``k=2``, 23 of 36
    regions get another neighbour). Where ties matter (regular grids), use
    :func:`distance_band` or :func:`kernel`, which treat equal distances alike.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import points
    >>> towns = gpd.GeoSeries(points([0, 1000, 3000], [0, 0, 0]), crs="EPSG:3857")
    >>> knn(towns, 2).cardinalities.tolist()
    [2, 2, 2]
    >>> knn(towns, 3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    geodisparity.errors.WeightsError: k=3 needs more regions than neighbours; ...
    """
    ids, xy = region_points(regions)
    k = _check_k(k, len(ids))
    rows, cols, _ = _nearest_k(xy, k)
    matrix = sp.csr_array((np.ones(rows.size), (rows, cols)), shape=(len(ids),) * 2)
    return SpatialWeights.from_sparse(matrix, ids).transformed(transform)


def distance_band(
    regions: Any,
    threshold: float,
    *,
    binary: bool = True,
    alpha: float = -1.0,
    islands: IslandPolicy = "nearest",
    transform: Transform | None = None,
) -> SpatialWeights:
    """Link regions whose points are at most ``threshold`` metres apart.

    Parameters
    ----------
    regions : GeoDataFrame or GeoSeries
        Regions with a CRS (see :func:`region_points`).
    threshold : float
        Distance in metres; pairs at a distance ``<= threshold`` are linked.
    binary : bool, default True
        True: weight 1 per link. False: weight ``distance ** alpha``.
    alpha : float, default -1.0
        Distance-decay exponent when ``binary=False``.
    islands : {"nearest", "keep", "error"}, default "nearest"
        Regions with no other region within ``threshold``: link each to its
        nearest region (both directions, weight as for any link at that
        distance; recorded in ``added_links``, one IslandWarning), keep them
        without neighbours, or raise :class:`~geodisparity.errors.WeightsError`.
    transform : {"B", "R", "O"}, optional
        Defaults to ``"B"`` when ``binary`` and ``"O"`` (the ``distance **
        alpha`` values) otherwise.

    Returns
    -------
    SpatialWeights
        Symmetric weights (before row-standardisation).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import points
    >>> towns = gpd.GeoSeries(points([0, 1000, 3000], [0, 0, 0]), crs="EPSG:3857")
    >>> distance_band(towns, 2500, binary=False).sparse.toarray()[0].round(4).tolist()
    [0.0, 0.001, 0.0]
    >>> import warnings
    >>> with warnings.catch_warnings(record=True):
    ...     distance_band(towns, 1500).added_links
    ((2, 1),)
    """
    ids, xy = region_points(regions)
    threshold = _check_distance(threshold, "threshold")
    check_policy(islands)
    n = len(ids)
    rows, cols, dist = _pairs_within(xy, threshold)
    if binary:
        values = np.ones(rows.size)
    else:
        _check_no_zero_distance(ids, rows, cols, dist, alpha)
        values = dist**alpha
    matrix = sp.csr_array((values, (rows, cols)), shape=(n, n))
    matrix.sort_indices()

    def link_to_nearest(lonely: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        _, targets, distance = _nearest_k(xy, 1, among=lonely)
        return targets, (np.ones(lonely.size) if binary else distance**alpha)

    matrix, links = resolve_islands(
        matrix,
        ids,
        islands=islands,
        find_nearest=link_to_nearest,
        what=f"a {threshold:g} m distance band",
        stacklevel=3,
    )
    own = "B" if binary else "O"
    weights = SpatialWeights.from_sparse(matrix, ids, transform=own, added_links=links)
    return weights.transformed(transform or own)


def kernel(
    regions: Any,
    *,
    bandwidth: float | Any | None = None,
    k: int = 2,
    function: KernelFunction = "triangular",
    fixed: bool = True,
    islands: IslandPolicy = "nearest",
    transform: Transform = "O",
) -> SpatialWeights:
    """Kernel weights: a neighbour at distance d gets ``K(d / bandwidth)``.

    Parameters
    ----------
    regions : GeoDataFrame or GeoSeries
        Regions with a CRS (see :func:`region_points`).
    bandwidth : float or array-like, optional
        In metres: one value, or one per region. When omitted it comes from
        the ``k``-th nearest-neighbour distance, times 1.0000001 as in
        libpysal: the largest over all regions (``fixed=True``) or each
        region's own (``fixed=False``, adaptive).
    k : int, default 2
        Neighbour count used to derive the bandwidth.
    function : {"triangular", "uniform", "quadratic", "quartic", "gaussian"}
        ``K(z)`` for ``z = d / bandwidth < 1``: ``1 - z``, ``1/2``,
        ``3/4 (1 - z^2)``, ``15/16 (1 - z^2)^2``, or
        ``exp(-z^2 / 2) / sqrt(2 pi)`` (truncated at the bandwidth).
        ``"epanechnikov"`` and ``"bisquare"`` are accepted for quadratic and
        quartic.
    fixed : bool, default True
        Fixed or adaptive bandwidth (only used when ``bandwidth`` is None).
        Adaptive weights link each region to its ``k`` nearest regions.
    islands : {"nearest", "keep", "error"}, default "nearest"
        Regions with no other region inside their bandwidth (possible only
        with a given bandwidth): link to the nearest region with the kernel
        weight at the bandwidth's edge, keep, or raise.
    transform : {"O", "R", "B"}, default "O"
        ``"O"`` keeps the kernel values.

    Returns
    -------
    SpatialWeights
        Not symmetric for adaptive bandwidths. Unlike libpysal, a region is
        never its own neighbour: libpysal puts ``K(0)`` on the diagonal.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import points
    >>> towns = gpd.GeoSeries(points([0, 1000, 3000], [0, 0, 0]), crs="EPSG:3857")
    >>> import warnings
    >>> with warnings.catch_warnings(record=True):  # town 2 is an island: IslandWarning
    ...     w = kernel(towns, bandwidth=2000)
    >>> w.sparse.toarray().round(2).tolist()
    [[0.0, 0.5, 0.0], [0.5, 0.0, 0.0], [0.0, 0.0, 0.0]]
    >>> w.added_links
    ((2, 1),)
    """
    ids, xy = region_points(regions)
    kernel_function = _kernel_function(function)
    check_policy(islands)
    n = len(ids)
    if bandwidth is None:
        k = _check_k(k, n)
        rows, cols, dist = _nearest_k(xy, k)
        kth = dist.reshape(n, k).max(axis=1)
        widths = kth * BANDWIDTH_EPS if not fixed else np.full(n, kth.max() * BANDWIDTH_EPS)
        if fixed:
            rows, cols, dist = _pairs_within(xy, float(widths[0]))
    else:
        widths = _check_bandwidth(bandwidth, n)
        rows, cols, dist = _pairs_within(xy, float(widths.max()))
        inside = dist <= widths[rows]
        rows, cols, dist = rows[inside], cols[inside], dist[inside]
    with np.errstate(divide="ignore", invalid="ignore"):
        values = kernel_function(dist / widths[rows])
    matrix = sp.csr_array((values, (rows, cols)), shape=(n, n))
    matrix.eliminate_zeros()  # a neighbour exactly at the bandwidth gets K(1) = 0
    matrix.sort_indices()

    def link_to_nearest(lonely: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        _, targets, _ = _nearest_k(xy, 1, among=lonely)
        edge = kernel_function(np.full(lonely.size, 1.0 / BANDWIDTH_EPS))
        return targets, edge

    matrix, links = resolve_islands(
        matrix,
        ids,
        islands=islands,
        find_nearest=link_to_nearest,
        what=f"{function} kernel weights",
        stacklevel=3,
    )
    weights = SpatialWeights.from_sparse(matrix, ids, transform="O", added_links=links)
    return weights.transformed(transform)


def _nearest_k(
    xy: np.ndarray, k: int, *, among: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows, neighbour positions and distances of the ``k`` nearest other points."""
    from scipy.spatial import cKDTree

    n = len(xy)
    sources = np.arange(n) if among is None else np.asarray(among)
    distance, index = cKDTree(xy).query(xy[sources], k=k + 1)
    distance, index = distance.reshape(len(sources), k + 1), index.reshape(len(sources), k + 1)
    not_self = index != sources[:, None]
    # A row without itself among the k + 1 (coincident points): drop the farthest.
    full = not_self.all(axis=1)
    not_self[full, -1] = False
    rows = np.repeat(sources, k)
    return rows, index[not_self], distance[not_self]


def _pairs_within(xy: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All ordered pairs (i != j) of points at most ``radius`` apart, with distances."""
    from scipy.spatial import cKDTree

    pairs = cKDTree(xy).query_pairs(radius, output_type="ndarray")
    first, second = pairs[:, 0], pairs[:, 1]
    dist = np.hypot(*(xy[first] - xy[second]).T)
    return (
        np.concatenate([first, second]),
        np.concatenate([second, first]),
        np.concatenate([dist, dist]),
    )


def _check_k(k: Any, n: int) -> int:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise InputError(f"k={k!r} is not accepted; use a whole number of neighbours >= 1")
    if k >= n:
        raise WeightsError(
            f"k={k} needs more regions than neighbours; got {n} regions, so use k <= {n - 1}"
        )
    return int(k)


def _check_distance(value: Any, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or number <= 0:
        raise InputError(f"{name}={value!r} is not accepted; use a distance in metres > 0")
    return number


def _check_bandwidth(bandwidth: Any, n: int) -> np.ndarray:
    if np.ndim(bandwidth) == 0:
        return np.full(n, _check_distance(bandwidth, "bandwidth"))
    widths = np.asarray(bandwidth, dtype=float).ravel()
    if widths.size != n or not np.all(np.isfinite(widths) & (widths > 0)):
        raise InputError(
            f"bandwidth must be one distance in metres > 0 or one per region ({n}); "
            f"got {widths.size} values, min {widths.min() if widths.size else 'n/a'}"
        )
    return widths


def _check_no_zero_distance(
    ids: pd.Index, rows: np.ndarray, cols: np.ndarray, dist: np.ndarray, alpha: float
) -> None:
    zero = dist == 0
    if alpha < 0 and zero.any():
        raise WeightsError(
            f"{int(zero.sum()) // 2} pairs of regions have the same point, so distance ** "
            f"alpha (alpha={alpha}) is infinite; regions: {format_rows(pd.unique(ids[rows[zero]]))}"
        )


def _kernel_function(function: Any) -> Any:
    name = KERNEL_ALIASES.get(str(function).lower(), str(function).lower())
    functions = {
        "triangular": lambda z: 1.0 - z,
        "uniform": lambda z: np.full_like(z, 0.5),
        "quadratic": lambda z: 0.75 * (1.0 - z**2),
        "quartic": lambda z: (15.0 / 16.0) * (1.0 - z**2) ** 2,
        "gaussian": lambda z: np.exp(-(z**2) / 2.0) / math.sqrt(2.0 * math.pi),
    }
    if name not in functions:
        raise InputError(
            f"function={function!r} is not accepted; use one of "
            f"{', '.join(sorted(functions))} (or epanechnikov, bisquare)"
        )
    return functions[name]
