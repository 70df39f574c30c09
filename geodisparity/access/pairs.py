"""Demand-supply pairs within a catchment: by straight-line distance, or from a cost matrix.

Both routes return the same thing, a list of reachable pairs (positions of
the demand row and of the supply row, and their distance or cost), which is
the sparse demand x supply matrix that the two steps of a floating catchment
multiply by. Pairs beyond the catchment are never built: straight-line
distances come from a k-d tree query bounded by the catchment, so memory
grows with the pairs in reach, not with demand x supply.

Examples
--------
>>> import pandas as pd
>>> cost = pd.DataFrame([[5.0, 40.0], [25.0, None]], index=["a", "b"], columns=["x", "y"])
>>> pairs = pairs_from_cost(cost, pd.Index(["a", "b"]), pd.Index(["x", "y"]), limit=30.0)
>>> pairs.rows.tolist(), pairs.cols.tolist(), pairs.cost.tolist()
([0, 1], [0, 0], [5.0, 25.0])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geodisparity.errors import (
    CRSError,
    DuplicateKeyError,
    GeometryError,
    InputError,
    format_rows,
)

__all__ = ["Pairs", "pairs_within", "pairs_from_cost", "geometry_of"]


@dataclass(frozen=True)
class Pairs:
    """Reachable demand-supply pairs: row positions, column positions, cost (metres or given)."""

    rows: np.ndarray
    cols: np.ndarray
    cost: np.ndarray


def geometry_of(frame: Any, *, argument: str) -> Any:
    """Return the GeoSeries of a GeoDataFrame or GeoSeries, every row located, with a CRS."""
    import geopandas
    import shapely

    from geodisparity.crs import geometry_with_crs

    if not isinstance(frame, geopandas.GeoDataFrame | geopandas.GeoSeries):
        raise InputError(
            f"{argument} has no geometry ({type(frame).__name__}); give a GeoDataFrame of "
            f"points or polygons with a CRS, or a travel-cost matrix in cost="
        )
    geometry = geometry_with_crs(frame, argument=argument)
    values = np.asarray(geometry.values, dtype=object)
    missing = shapely.is_missing(values) | shapely.is_empty(values)
    if missing.any():
        raise GeometryError(
            f"{int(missing.sum())} rows of {argument} have a missing or empty geometry, so no "
            f"distance can be measured: {format_rows(geometry.index[missing])}"
        )
    return geometry


def pairs_within(demand: Any, supply: Any, limit: float, *, crs: Any = None) -> Pairs:
    """Pairs of demand and supply locations at most ``limit`` metres apart.

    Both layers are projected to ``crs`` (default
    :func:`geodisparity.crs.metric_crs` of their joint extent); polygons and
    other shapes stand for their centroid, computed in that projection.
    Distances are Euclidean in the projection, found with a k-d tree
    (:meth:`scipy.spatial.cKDTree.sparse_distance_matrix`), pairs at exactly
    ``limit`` included.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Point
    >>> homes = gpd.GeoSeries([Point(500000, 3300000), Point(504000, 3300000)], crs=32651)
    >>> clinic = gpd.GeoSeries([Point(501000, 3300000)], crs=32651)
    >>> pairs = pairs_within(homes, clinic, 2000.0)
    >>> pairs.rows.tolist(), pairs.cols.tolist(), pairs.cost.round(3).tolist()
    ([0], [0], [1000.0])
    """
    from scipy.spatial import cKDTree

    d_geometry = geometry_of(demand, argument="demand")
    s_geometry = geometry_of(supply, argument="supply")
    target = _projection(d_geometry, s_geometry, crs)
    d_xy = _coordinates(d_geometry.to_crs(target))
    s_xy = _coordinates(s_geometry.to_crs(target))
    if len(d_xy) == 0 or len(s_xy) == 0:
        return Pairs(np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp), np.zeros(0))
    found = cKDTree(d_xy).sparse_distance_matrix(cKDTree(s_xy), limit, output_type="ndarray")
    return Pairs(found["i"].astype(np.intp), found["j"].astype(np.intp),
                 found["v"].astype(float))


def _projection(demand: Any, supply: Any, crs: Any) -> Any:
    """Return the CRS of the distances: ``crs`` if given, else one fitted to the data."""
    import geopandas
    from pyproj import CRS

    from geodisparity.crs import metric_crs

    if crs is not None:
        chosen = CRS.from_user_input(crs)
        if not chosen.is_projected:
            raise CRSError(f"crs={crs!r} is not a projected CRS; distances need one in metres "
                           f"(or leave crs=None to have one chosen for the data)")
        return chosen
    both = pd.concat([demand, supply.to_crs(demand.crs)], ignore_index=True)
    if len(both) == 0:
        return demand.crs
    return metric_crs(geopandas.GeoSeries(both, crs=demand.crs))


def _coordinates(geometry: Any) -> np.ndarray:
    """x, y of points; centroids (in the projected CRS) of anything else."""
    import shapely

    values = np.asarray(geometry.values, dtype=object)
    others = shapely.get_type_id(values) != 0
    if others.any():
        values = values.copy()
        values[others] = shapely.centroid(values[others])
    return shapely.get_coordinates(values).reshape(len(values), 2)


def pairs_from_cost(cost: Any, demand_ids: pd.Index, supply_ids: pd.Index, *,
                    limit: float) -> Pairs:
    """Pairs whose travel cost is at most ``limit``, from a wide or long cost matrix.

    ``cost`` is a DataFrame indexed by demand ids with one column per supply
    id, or a Series indexed by (demand id, supply id) pairs. Missing values,
    infinities and pairs absent from the long form are unreachable.
    """
    for ids, argument in ((demand_ids, "demand"), (supply_ids, "supply")):
        if ids.has_duplicates:
            raise DuplicateKeyError(
                f"{argument} has repeated index values, so cost= cannot be matched to its "
                f"rows: {format_rows(ids[ids.duplicated()].unique())}"
            )
    if isinstance(cost, pd.DataFrame):
        rows, cols, values = _wide(cost, demand_ids, supply_ids)
    elif isinstance(cost, pd.Series) and cost.index.nlevels == 2:
        rows, cols, values = _long(cost, demand_ids, supply_ids)
    else:
        raise InputError(
            f"cost must be a DataFrame (index: demand ids, columns: supply ids) or a Series "
            f"indexed by (demand id, supply id) pairs; got {type(cost).__name__}. A long "
            f"table converts with table.set_index(['origin', 'destination'])['cost']"
        )
    negative = values < 0
    if negative.any():
        where = [f"({demand_ids[r]}, {supply_ids[c]})"
                 for r, c in zip(rows[negative], cols[negative], strict=True)]
        raise InputError(f"cost has {int(negative.sum())} negative values, at (demand, supply) "
                         f"{format_rows(where)}; travel costs must be 0 or more")
    keep = np.isfinite(values) & (values <= limit)
    return Pairs(rows[keep].astype(np.intp, copy=False), cols[keep].astype(np.intp, copy=False),
                 values[keep])


def _wide(cost: pd.DataFrame, demand_ids: pd.Index, supply_ids: pd.Index) -> tuple[np.ndarray, ...]:
    _same_ids(cost.index, demand_ids, "the rows of cost", "demand")
    _same_ids(cost.columns, supply_ids, "the columns of cost", "supply")
    matrix = _numbers(cost.reindex(index=demand_ids, columns=supply_ids))
    rows, cols = np.nonzero(~np.isnan(matrix))
    return rows, cols, matrix[rows, cols]


def _long(cost: pd.Series, demand_ids: pd.Index, supply_ids: pd.Index) -> tuple[np.ndarray, ...]:
    index = cost.index
    if index.has_duplicates:
        raise DuplicateKeyError(f"cost gives some (demand, supply) pairs twice: "
                                f"{format_rows(index[index.duplicated()].unique())}")
    rows = _positions(index, 0, demand_ids, "demand")
    cols = _positions(index, 1, supply_ids, "supply")
    values = _numbers(cost.to_frame()).ravel()
    present = ~np.isnan(values)
    return rows[present], cols[present], values[present]


def _positions(index: pd.MultiIndex, level: int, ids: pd.Index, argument: str) -> np.ndarray:
    """Row positions in ``ids`` of one level of a (demand, supply) index, via its codes."""
    labels = index.levels[level]
    codes = np.asarray(index.codes[level])
    at = ids.get_indexer(labels)
    used = np.zeros(len(labels), dtype=bool)
    used[codes[codes >= 0]] = True
    _known(labels[used & (at < 0)], argument)
    if (codes < 0).any():
        raise InputError(f"cost has missing {argument} ids in {int((codes < 0).sum())} pairs")
    return at[codes]


def _same_ids(found: pd.Index, expected: pd.Index, where: str, argument: str) -> None:
    missing = expected.difference(found, sort=False)
    if len(missing):
        raise InputError(f"{where} lack {len(missing)} {argument} ids: {format_rows(missing)}; "
                         f"give a cost for every {argument} row (NaN where unreachable)")
    if found.has_duplicates:
        raise DuplicateKeyError(f"{where} repeat some {argument} ids: "
                                f"{format_rows(found[found.duplicated()].unique())}")
    _known(found.difference(expected, sort=False), argument)


def _known(unknown: pd.Index, argument: str) -> None:
    if len(unknown):
        raise InputError(
            f"cost names {len(unknown.unique())} {argument} ids that are not in the index of "
            f"{argument}: {format_rows(unknown.unique())} (check that the id types match, "
            f"e.g. 330102 and '330102')"
        )


def _numbers(frame: pd.DataFrame) -> np.ndarray:
    try:
        matrix = frame.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise InputError("cost must hold numbers (travel times or distances), NaN where "
                         f"unreachable: {exc}") from exc
    return np.where(matrix == np.inf, np.nan, matrix)  # -inf stays, refused as negative
