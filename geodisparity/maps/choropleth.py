"""One-layer interactive maps: choropleth, LISA clusters, hot spots, policy targets.

Each function classifies or labels the regions, builds a folium map with a
legend (class ranges and counts, "No data" counted) and escaped tooltips, and
returns it; :func:`~geodisparity.maps.save_map` writes a small offline file.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> regions = gpd.GeoDataFrame({"name": ["A", "B", "C"], "gdp": [1.0, None, 3.0]},
...     geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)], crs=4326)
>>> m = choropleth(regions, "gdp", k=2, unit="yuan")
>>> m = target_map(regions, "gdp", 2.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import geopandas as gpd
import pandas as pd

from geodisparity.maps.atlas import build_map
from geodisparity.maps.layers import Layer

__all__ = ["choropleth", "lisa_map", "hotspot_map", "target_map"]


def choropleth(
    regions: gpd.GeoDataFrame,
    column: str,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    breaks: Sequence[float] | None = None,
    cmap: str | None = None,
    name: str | None = None,
    tooltip: str | Sequence[str] | None = None,
    label: str | None = None,
    unit: str | None = None,
    lang: str = "en",
    tiles: str | None = None,
    attribution: str | None = None,
    title: str | None = None,
    note: str | None = None,
    tolerance: float | str | None = "auto",
) -> Any:
    """Map a value by region in classes (a choropleth).

    Parameters
    ----------
    regions : GeoDataFrame
        Polygons with a CRS and the column.
    column : str
        Numeric column to map; missing values are drawn as "No data".
    scheme : {"quantiles", "fisher_jenks", "natural_breaks", "equal_interval", \
"std_mean", "user_defined"}
        Classification (mapclassify); "natural_breaks" is Fisher-Jenks.
    k : int, default 5
        Number of classes; reduced, with a warning and a legend note, when
        there are fewer distinct values.
    breaks : sequence of float, optional
        Class upper bounds for ``scheme="user_defined"`` (e.g. policy targets).
    cmap : str, optional
        Matplotlib colormap; default "YlOrRd" ("RdBu_r" for "std_mean").
    name : str, optional
        Column with region names, shown first in tooltips (headed "Name");
        default ``name_en``/``name``/``name_zh`` by ``lang``, if present.
    tooltip : str or sequence of str, optional
        More columns shown in tooltips after the name.
    label : str, optional
        Title of the legend and tooltip row; default the column name.
    unit : str, optional
        Unit after values, e.g. "yuan".
    lang : {"en", "zh"}
        Language of legend and tooltip words.
    tiles, attribution : str, optional
        Basemap tile URL and its credit line; default none (works offline).
    title, note : str, optional
        Shown in a box on the map.
    tolerance : "auto", float or None
        Simplification tolerance in degrees; None keeps every vertex.

    Returns
    -------
    folium.Map
        The map; save it with :func:`~geodisparity.maps.save_map`.

    Raises
    ------
    EmptyDataError
        If the column has no value at all (every region missing).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> regions = gpd.GeoDataFrame({"v": [1.0, 1.0]}, crs=4326,
    ...                            geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)])
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     m = choropleth(regions, "v", k=5)
    >>> str(caught[0].message)
    "column 'v': classes reduced to 1: only 1 distinct values (k=5 requested)"
    """
    layer = Layer(column, scheme=scheme, k=k, breaks=breaks, cmap=cmap, label=label, unit=unit)
    return build_map(regions, [layer], name=name, tooltip=tooltip, lang=lang, title=title,
                     note=note, tiles=tiles, attribution=attribution, tolerance=tolerance)


def lisa_map(
    regions: gpd.GeoDataFrame,
    lisa_result: pd.DataFrame | Any,
    *,
    alpha: float = 0.05,
    column: str | None = None,
    label: str | None = None,
    unit: str | None = None,
    name: str | None = None,
    tooltip: str | Sequence[str] | None = None,
    lang: str = "en",
    tiles: str | None = None,
    attribution: str | None = None,
    title: str | None = None,
    note: str | None = None,
    tolerance: float | str | None = "auto",
) -> Any:
    """Map LISA or local Geary clusters in GeoDa's colours.

    Local Moran results show High-High, Low-Low, High-Low and Low-High; local
    Geary results (recognised by their labels) show GeoDa's High-High,
    Low-Low, Other positive and Negative, in GeoDa's local Geary colours.

    Parameters
    ----------
    regions : GeoDataFrame
        Polygons with a CRS.
    lisa_result : DataFrame, esda.Moran_Local or esda.Moran_Local_BV
        Local Moran or local Geary result aligned to ``regions.index`` with a
        ``cluster`` column of labels from
        :data:`geodisparity.categories.LISA_LABELS` or
        :data:`~geodisparity.categories.GEARY_LABELS` (missing = no data);
        ``z`` and ``p_sim`` columns, if present, go into tooltips. Every
        region must have a row. An esda local Moran result is converted by
        :func:`~geodisparity.spatial.esda_results.from_esda`.
    alpha : float, default 0.05
        Significance level applied to an esda result's ``p_sim``; a
        DataFrame already carries its labels.
    column : str, optional
        The variable analysed, shown in tooltips.
    label, unit, name, tooltip, lang, tiles, attribution, title, note, tolerance
        As in :func:`choropleth`.

    Returns
    -------
    folium.Map
        The map.

    Raises
    ------
    JoinError
        If regions are missing from ``lisa_result`` (they are named).

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import box
    >>> regions = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=4326,
    ...                            index=["a", "b"])
    >>> result = pd.DataFrame({"cluster": ["High-High", "Not significant"]}, index=["a", "b"])
    >>> m = lisa_map(regions, result)
    >>> lisa_map(regions, result.loc[["a"]])
    Traceback (most recent call last):
    ...
    geodisparity.errors.JoinError: 1 regions have no row in lisa_result: b; ...
    """
    layer = Layer(column, kind="lisa", result=_frame(lisa_result, alpha), label=label, unit=unit)
    return build_map(regions, [layer], name=name, tooltip=tooltip, lang=lang, title=title,
                     note=note, tiles=tiles, attribution=attribution, tolerance=tolerance)


def hotspot_map(
    regions: gpd.GeoDataFrame,
    gi_result: pd.DataFrame | Any,
    *,
    column: str | None = None,
    label: str | None = None,
    unit: str | None = None,
    name: str | None = None,
    tooltip: str | Sequence[str] | None = None,
    lang: str = "en",
    tiles: str | None = None,
    attribution: str | None = None,
    title: str | None = None,
    note: str | None = None,
    tolerance: float | str | None = "auto",
) -> Any:
    """Map Getis-Ord Gi* (or Gi) hot and cold spots at 90/95/99% confidence (ArcGIS's bins).

    The confidence levels are those of the statistic's ``gi_bin``: a
    two-sided p (or its FDR adjustment) at most 0.10 / 0.05 / 0.01, hot or
    cold by the sign of z (see
    :func:`~geodisparity.spatial.local_stats.local_gi_star`).

    Parameters
    ----------
    regions : GeoDataFrame
        Polygons with a CRS.
    gi_result : DataFrame
        Gi* result aligned to ``regions.index`` with a ``cluster`` column of
        labels from :data:`geodisparity.categories.HOTSPOT_LABELS` (or, when
        ``cluster`` is all missing, a ``gi_bin`` column of -3..3); or an
        ``esda.G_Local``, converted by
        :func:`~geodisparity.spatial.esda_results.from_esda`.
    column, label, unit, name, tooltip, lang, tiles, attribution, title, note, tolerance
        As in :func:`lisa_map`.

    Returns
    -------
    folium.Map
        The map.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import box
    >>> regions = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=4326)
    >>> result = pd.DataFrame({"cluster": ["Hot spot (99%)", None]})
    >>> m = hotspot_map(regions, result, lang="zh")
    """
    layer = Layer(column, kind="hotspot", result=_frame(gi_result, 0.05), label=label, unit=unit)
    return build_map(regions, [layer], name=name, tooltip=tooltip, lang=lang, title=title,
                     note=note, tiles=tiles, attribution=attribution, tolerance=tolerance)


def target_map(
    regions: gpd.GeoDataFrame,
    column: str,
    target: float,
    *,
    direction: Literal["above", "below"] = "above",
    label: str | None = None,
    unit: str | None = None,
    name: str | None = None,
    tooltip: str | Sequence[str] | None = None,
    lang: str = "en",
    tiles: str | None = None,
    attribution: str | None = None,
    title: str | None = None,
    note: str | None = None,
    tolerance: float | str | None = "auto",
) -> Any:
    """Map whether each region meets a policy target: met, within 10%, not met.

    Parameters
    ----------
    regions : GeoDataFrame
        Polygons with a CRS and the column.
    column : str
        Numeric column compared with the target.
    target : float
        The target value.
    direction : {"above", "below"}
        "above": met when value >= target (income); "below": met when
        value <= target (poverty rate). "Within 10%" misses by at most
        10% of the target.
    label, unit, name, tooltip, lang, tiles, attribution, title, note, tolerance
        As in :func:`choropleth`.

    Returns
    -------
    folium.Map
        The map.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> regions = gpd.GeoDataFrame({"rate": [0.02, None]}, crs=4326,
    ...                            geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)])
    >>> m = target_map(regions, "rate", 0.03, direction="below")
    """
    layer = Layer(column, kind="target", target=target, direction=direction, label=label,
                  unit=unit)
    return build_map(regions, [layer], name=name, tooltip=tooltip, lang=lang, title=title,
                     note=note, tiles=tiles, attribution=attribution, tolerance=tolerance)


def _frame(result: Any, alpha: float) -> Any:
    """Convert an esda local result to geodisparity's frame; anything else is returned as is."""
    from geodisparity.spatial.esda_results import from_esda, is_esda_local

    return from_esda(result, alpha=alpha) if is_esda_local(result) else result
