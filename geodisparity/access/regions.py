"""Accessibility scores of demand points summed up by region, weighted by population.

Examples
--------
>>> import geopandas as gpd
>>> from shapely import Point, box
>>> homes = gpd.GeoDataFrame({"access": [1.0, 3.0], "people": [300, 100]},
...                          geometry=[Point(1, 1), Point(2, 2)], crs=3857)
>>> county = gpd.GeoDataFrame(geometry=[box(0, 0, 4, 4)], crs=3857)
>>> access_by_region(homes, county, population="people").tolist()  # (300*1 + 100*3) / 400
[1.5]
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from geodisparity.access.inputs import amounts, column_values
from geodisparity.access.pairs import geometry_of
from geodisparity.errors import DroppedRowsWarning, InputError, format_rows

__all__ = ["access_by_region"]


def access_by_region(
    points: Any,
    regions: Any,
    *,
    population: Hashable | Sequence[float] | np.ndarray | pd.Series,
    access: Hashable | Sequence[float] | np.ndarray | pd.Series = "access",
) -> pd.Series:
    """Population-weighted mean of point accessibility scores in each region.

    ``sum(P_i A_i) / sum(P_i)`` over the demand points ``i`` inside a region:
    the score of the average resident, as
    :func:`~geodisparity.accessibility` scores would be for the region's
    whole population. A point counts once, in the region that contains it
    (on a shared border, or where regions overlap, the first such region in
    ``regions``' order); points outside every region are left out with a
    :class:`~geodisparity.errors.DroppedRowsWarning`.
    Non-point demand rows (e.g. small census areas) count by a point inside
    each (``representative_point``).

    Parameters
    ----------
    points : GeoDataFrame or GeoSeries
        Demand locations with a CRS (reprojected to ``regions``' CRS).
    regions : GeoDataFrame or GeoSeries
        Polygons with a CRS.
    population : column name or array-like
        People at each point (0 or more, no missing value).
    access : column name or array-like, default "access"
        The points' scores (e.g. from :func:`~geodisparity.accessibility`).

    Returns
    -------
    pandas.Series
        Named ``"access"``, aligned to ``regions``' rows; NaN for a region
        with no point, or only points of population 0.

    Raises
    ------
    InputError
        A negative or missing population, or a missing or infinite score.
    CRSError
        ``points`` or ``regions`` has no CRS.
    GeometryError
        Some rows have a missing or empty geometry.

    Examples
    --------
    Two counties; three villages, one in the sea:

    >>> import geopandas as gpd
    >>> from shapely import Point, box
    >>> counties = gpd.GeoDataFrame({"name": ["north", "south"]}, index=[11, 12], crs=3857,
    ...                             geometry=[box(0, 10, 10, 20), box(0, 0, 10, 10)])
    >>> villages = gpd.GeoDataFrame({"access": [2.0, 4.0, 9.0], "people": [100, 300, 50]},
    ...                             crs=3857,
    ...                             geometry=[Point(5, 15), Point(6, 16), Point(50, 50)])
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     by_county = access_by_region(villages, counties, population="people")
    >>> by_county  # (100 * 2 + 300 * 4) / 400 = 3.5; no village in the south
    11    3.5
    12    NaN
    Name: access, dtype: float64
    >>> print(caught[0].message)
    1 of 3 points lie in no region and are left out (population 50): rows 2
    """
    point_geometry = geometry_of(points, argument="points")
    region_geometry = geometry_of(regions, argument="regions")
    people = amounts(points, population, argument="population", where="points")
    scores = column_values(points, access, argument="access", where="points")
    scores = _scores(scores)
    where = _region_of(point_geometry.to_crs(region_geometry.crs), region_geometry)
    outside = where < 0
    if outside.any():
        warnings.warn(
            f"{int(outside.sum())} of {len(where)} points lie in no region and are left out "
            f"(population {people[outside].sum():g}): rows "
            f"{format_rows(point_geometry.index[outside])}",
            DroppedRowsWarning, stacklevel=2,
        )
    inside = ~outside
    n = len(region_geometry)
    total = np.bincount(where[inside], weights=people[inside], minlength=n)
    weighted = np.bincount(where[inside], weights=(people * scores)[inside], minlength=n)
    mean = np.divide(weighted, total, out=np.full(n, np.nan), where=total > 0)
    return pd.Series(mean, index=region_geometry.index, name="access")


def _scores(series: pd.Series) -> np.ndarray:
    try:
        values = series.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise InputError(f"access must hold numbers: {exc}") from exc
    bad = ~np.isfinite(values)
    if bad.any():
        raise InputError(f"access has {int(bad.sum())} missing or infinite scores: rows "
                         f"{format_rows(series.index[bad])}")
    return values


def _region_of(points: Any, regions: Any) -> np.ndarray:
    """Position of the (first) region containing each point; -1 for none."""
    import shapely

    values = np.asarray(points.values, dtype=object)
    others = shapely.get_type_id(values) != 0
    inner = values.copy()
    inner[others] = shapely.point_on_surface(values[others])
    tree = shapely.STRtree(np.asarray(regions.values, dtype=object))
    point_at, region_at = tree.query(inner, predicate="intersects")
    where = np.full(len(values), -1, dtype=np.intp)
    # query returns pairs sorted by point; keep the lowest region position per point
    order = np.lexsort((region_at, point_at))
    point_at, region_at = point_at[order], region_at[order]
    first = np.unique(point_at, return_index=True)[1]
    where[point_at[first]] = region_at[first]
    return where
