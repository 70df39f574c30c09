"""Several indicator layers in one map, with outlines drawn on top.

:func:`atlas` is the general map builder; :func:`~geodisparity.maps.choropleth`
and the cluster maps are atlases of one layer. Indicator layers are Leaflet
base layers (one visible at a time, chosen in the layer control) sharing one
copy of the simplified geometry; each has its own legend, shown while the
layer is. Outlines (e.g. prefectures dissolved from counties, and the bold
outer edge) are drawn above every layer and do not catch the mouse.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> regions = gpd.GeoDataFrame(
...     {"name": ["A", "B"], "pref": ["p", "p"], "gdp": [1.0, 2.0], "pop": [3.0, None]},
...     geometry=[box(120, 30, 121, 31), box(121, 30, 122, 31)], crs=4326)
>>> m = atlas(regions, [Layer("gdp", k=2), Layer("pop", k=1)], outline={"Prefectures": "pref"},
...           title="Demo")
>>> import folium
>>> isinstance(m, folium.Map)
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodisparity.errors import InputError, MissingColumnError, format_rows
from geodisparity.i18n import check_lang, translate
from geodisparity.maps.layers import Layer, StyledLayer, style_layer
from geodisparity.maps.legend import legend_html
from geodisparity.maps.simplify import (
    auto_tolerance,
    coordinate_decimals,
    drawable,
    encode_geometry,
    simplify_coverage,
    to_web_geometry,
)
from geodisparity.maps.style import NO_DATA_COLOR, OUTLINE_COLOR
from geodisparity.maps.tooltip import escape_text, tooltip_columns

__all__ = ["atlas", "build_map", "unmapped_note", "LayerSpec", "OutlineSpec"]

LayerSpec = Layer | Mapping[str, Any] | str
OutlineSpec = str | gpd.GeoSeries | gpd.GeoDataFrame

_FILL_OPACITY = 0.85
_EDGE_COLOR = "#6E6E6E"


def _as_layer(spec: LayerSpec) -> Layer:
    if isinstance(spec, Layer):
        return spec
    if isinstance(spec, str):
        return Layer(spec)
    if isinstance(spec, Mapping):
        try:
            return Layer(**spec)
        except TypeError as exc:
            raise InputError(f"layer {dict(spec)!r} has an unknown key: {exc}") from None
    raise InputError(
        f"each layer must be a Layer, a dict of Layer fields or a column name; "
        f"got {type(spec).__name__}"
    )


def _tolerance(value: float | str | None, geometry: gpd.GeoSeries) -> float:
    if value is None:
        return 0.0
    if isinstance(value, str):
        if value != "auto":
            raise InputError(f"tolerance must be 'auto', a number or None; got {value!r}")
        return auto_tolerance(geometry)
    return float(value)


def _region_options(styled: StyledLayer) -> dict[str, Any]:
    edge_weight = 0.5
    return {
        "c": styled.classes.tolist(),
        "colors": list(styled.colors),
        "fields": [escape_text(f) for f in styled.fields],
        "t": [[escape_text(c) for c in row] for row in styled.cells],
        "opacity": _FILL_OPACITY,
        "edge": _EDGE_COLOR,
        "weight": edge_weight,
        "nodata": {"fillColor": NO_DATA_COLOR, "fillOpacity": _FILL_OPACITY,
                   "color": "#999999", "weight": edge_weight, "dashArray": "3 3",
                   "opacity": 1},
    }


def _dissolve(simple: gpd.GeoSeries, regions: pd.DataFrame, column: str) -> list[Any]:
    if column not in regions.columns:
        raise MissingColumnError(
            f"outline={column!r} is not a column of regions; columns are: "
            f"{format_rows(map(str, regions.columns), limit=20)}"
        )
    keys = regions[column].to_numpy()
    groups = pd.Series(np.arange(len(keys))).groupby(keys, dropna=True)
    values = simple.values
    return [shapely.coverage_union_all(values[pos.to_numpy()]) for _, pos in groups]


def _outline_geometry(spec: OutlineSpec, simple: gpd.GeoSeries, regions: pd.DataFrame,
                      tolerance: float, decimals: int) -> list[Any]:
    if isinstance(spec, str):
        return _dissolve(simple, regions, spec)
    minx, _, maxx, _ = simple.total_bounds
    web = to_web_geometry(spec, central=(minx + maxx) / 2)  # in the regions' longitude range
    web = web[drawable(web)]
    return list(simplify_coverage(web, tolerance=tolerance, decimals=decimals).values)


def _outline_items(outline: Any, lang: str) -> list[tuple[str, OutlineSpec]]:
    """Return (layer label, spec) pairs; a dict maps labels to specs."""
    if outline is None:
        return []
    if isinstance(outline, Mapping):
        return [(str(label), spec) for label, spec in outline.items()]
    specs = [outline] if isinstance(outline, str | gpd.GeoSeries | gpd.GeoDataFrame) else outline
    return [(spec if isinstance(spec, str) else translate("Outline", lang), spec)
            for spec in specs]


def unmapped_note(regions: pd.DataFrame, shown: np.ndarray, *, name: str | None = None,
                  lang: str = "en") -> str | None:
    """Return the note naming the regions left off a map (no boundary), or None.

    Parameters
    ----------
    regions : DataFrame
        The regions (index = key).
    shown : array of bool
        Which regions are drawn (see :func:`geodisparity.maps.simplify.drawable`).
    name : str, optional
        Column with region names (default as in tooltips).
    lang : {"en", "zh"}
        Language of the note.

    Returns
    -------
    str or None
        E.g. "Not on the map (no boundary): 330101 (Foo)"; None when all are drawn.

    Examples
    --------
    >>> frame = pd.DataFrame({"name": ["A", "B"]}, index=["k1", "k2"])
    >>> unmapped_note(frame, np.array([True, False]))
    'Not on the map (no boundary): k2 (B)'
    >>> unmapped_note(frame, np.array([True, True])) is None
    True
    """
    hidden = ~np.asarray(shown, dtype=bool)
    if not hidden.any():
        return None
    columns, _ = tooltip_columns(regions, name, None, lang)
    keys = regions.index[hidden]
    if columns:
        names = regions[columns[0]].to_numpy()[hidden]
        items = [f"{key} ({label})" if pd.notna(label) and str(label) != str(key) else str(key)
                 for key, label in zip(keys, names, strict=True)]
    else:
        items = [str(key) for key in keys]
    return f"{translate('Not on the map (no boundary)', lang)}: {format_rows(items)}"


def _info_html(title: str | None, *notes: str | None) -> str:
    heading = f"<h3>{escape_text(title)}</h3>" if title else ""
    return heading + "".join(f'<div class="gd-note">{escape_text(note)}</div>'
                             for note in notes if note)


def _check_unique_titles(styled: Sequence[StyledLayer]) -> None:
    """Refuse two layers with one title: the layer control would show only one of them."""
    titles = [layer.title for layer in styled]
    repeated = sorted({str(t) for t in titles if titles.count(t) > 1})
    if repeated:
        raise InputError(
            f"layers: {len(titles) - len(set(titles)) + 1} layers share the title "
            f"{', '.join(map(repr, repeated))}; give each a distinct label="
        )


def _new_map(bounds: np.ndarray, tiles: str | None, attribution: str | None) -> Any:
    from geodisparity.maps.safe import SafeMap, SafeTileLayer

    minx, miny, maxx, maxy = bounds
    # zoomSnap 0.1: the initial view fits the regions tightly, not at a power-of-2 zoom.
    m = SafeMap(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=6, tiles=None,
                control_scale=True, zoom_snap=0.1)
    if tiles is not None:
        if not attribution:
            raise InputError(
                "tiles= needs attribution= (the tile provider's credit line), e.g. "
                "attribution='© Intranet GIS'"
            )
        # Leaflet shows the attribution as HTML: give it escaped text, never markup.
        SafeTileLayer(tiles=str(tiles), attr=escape_text(attribution), control=False).add_to(m)
    elif attribution:
        from geodisparity.maps.elements import Attribution

        Attribution(escape_text(attribution)).add_to(m)
    return m


def build_map(
    regions: gpd.GeoDataFrame,
    layers: Sequence[LayerSpec],
    *,
    outline: OutlineSpec | Sequence[OutlineSpec] | Mapping[str, OutlineSpec] | None = None,
    edge: bool = False,
    layer_control: bool = False,
    name: str | None = None,
    tooltip: str | Sequence[str] | None = None,
    lang: str = "en",
    title: str | None = None,
    note: str | None = None,
    tiles: str | None = None,
    attribution: str | None = None,
    tolerance: float | str | None = "auto",
    decimals: int | None = None,
) -> Any:
    """Build a folium map of ``regions`` with the given layers (see :func:`atlas`).

    Returns
    -------
    folium.Map
        The map.
    """
    from geodisparity.maps import elements as el

    check_lang(lang)
    specs = [_as_layer(s) for s in layers]
    if not specs:
        raise InputError("layers is empty; give at least one column or Layer")
    web = to_web_geometry(regions)
    shown = drawable(web)
    unmapped = unmapped_note(regions, shown, name=name, lang=lang)
    if unmapped:  # rows without a boundary stay off the map and are named in its note
        regions, web = regions[shown], web[shown]
    styled = [style_layer(regions, s, lang=lang, name=name, tooltip=tooltip) for s in specs]
    _check_unique_titles(styled)
    tol = _tolerance(tolerance, web)
    decimals = coordinate_decimals(tol) if decimals is None else decimals
    simple = simplify_coverage(web, tolerance=tol, decimals=decimals)

    m = _new_map(web.total_bounds, tiles, attribution)
    if lang != "en":  # a metric scale only, without miles
        m.control_scale = False
        el.MetricScale().add_to(m)
    el.PageAssets().add_to(m)
    store = el.GeometryStore(encode_geometry(simple, decimals=decimals), decimals).add_to(m)
    shown = next((i for i, s in enumerate(specs) if s.show), 0)
    for i, layer in enumerate(styled):
        region_layer = el.RegionLayer(store, _region_options(layer),
                                      name=escape_text(layer.title), overlay=False,
                                      show=i == shown).add_to(m)
        el.LegendControl(legend_html(layer.legend, lang=lang), region_layer).add_to(m)

    lines = [(label, _outline_geometry(spec, simple, regions, tol, decimals), OUTLINE_COLOR, 1.2)
             for label, spec in _outline_items(outline, lang)]
    if edge:
        whole = [shapely.coverage_union_all(simple.values)]
        lines.append((translate("Outer boundary", lang), whole, "#000000", 1.6))
    for label, geoms, color, weight in lines:
        el.OutlineLayer(encode_geometry(geoms, decimals=decimals), decimals,
                        name=escape_text(label), color=color, weight=weight).add_to(m)
    if title or note or unmapped:
        el.InfoBox(_info_html(title, note, unmapped)).add_to(m)
    if layer_control:
        from geodisparity.maps.safe import SafeLayerControl

        # Collapsed (opens on hover or tap) on small screens; CSS shows it open on large ones.
        SafeLayerControl(collapsed=True).add_to(m)
    minx, miny, maxx, maxy = web.total_bounds
    el.FitView([[miny, minx], [maxy, maxx]]).add_to(m)  # last: it measures the panels
    return m


def atlas(
    regions: gpd.GeoDataFrame,
    layers: Sequence[LayerSpec],
    *,
    outline: OutlineSpec | Sequence[OutlineSpec] | Mapping[str, OutlineSpec] | None = None,
    edge: bool = True,
    name: str | None = None,
    tooltip: str | Sequence[str] | None = None,
    lang: str = "en",
    title: str | None = None,
    note: str | None = None,
    tiles: str | None = None,
    attribution: str | None = None,
    tolerance: float | str | None = "auto",
    decimals: int | None = None,
) -> Any:
    """Map several indicators of the same regions in one interactive map.

    Parameters
    ----------
    regions : GeoDataFrame
        Polygons with a CRS and the layers' columns.
    layers : sequence of Layer, dict or str
        Indicator layers: a :class:`Layer`, a dict of its fields
        (``{"column": "gdp", "scheme": "fisher_jenks", "unit": "yuan"}``) or a
        column name (a quantile choropleth). One is visible at a time (the
        first, or the first with ``show=True``); the layer control switches.
    outline : str, GeoSeries, GeoDataFrame, a list or a dict of them, optional
        Boundaries drawn above the layers: a column name dissolves the regions
        by it (``"prefecture_code"`` gives prefecture borders that coincide with
        the county borders); a GeoSeries/GeoDataFrame is drawn as given. A dict
        names the layers: ``{"Prefectures": "prefecture_code"}``.
    edge : bool, default True
        Draw the outer edge of all regions in bold (e.g. the province border).
    name : str, optional
        Column with region names, shown first in tooltips (headed "Name");
        default ``name_en``/``name``/``name_zh`` by ``lang``, if present.
    tooltip : str or sequence of str, optional
        More columns shown in tooltips after the name.
    lang : {"en", "zh"}
        Language of legends and tooltips.
    title, note : str, optional
        Shown in a box on the map (e.g. note="Illustrative synthetic data").
    tiles, attribution : str, optional
        A basemap tile URL (e.g. an intranet server) and its credit line;
        default none (a plain background that works offline). The
        attribution alone is a credit line for the data (e.g. "Boundaries:
        Tianditu; data: Zhejiang Statistical Yearbook"), shown as plain text.
    tolerance : "auto", float or None
        Simplification tolerance in degrees (see :mod:`geodisparity.maps.simplify`);
        None keeps every vertex.
    decimals : int, optional
        Decimals of a degree kept in the map's coordinates; default
        :func:`~geodisparity.maps.simplify.coordinate_decimals` of the tolerance.
        Boundaries simplified beforehand can be passed with ``tolerance=None``
        and the decimals they were rounded to.

    Returns
    -------
    folium.Map
        Save it with :func:`geodisparity.maps.save_map` for an offline file.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> regions = gpd.GeoDataFrame({"v": [1.0, 2.0]}, crs=4326,
    ...                            geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)])
    >>> m = atlas(regions, [{"column": "v", "k": 2}], lang="zh", note="示意")
    >>> atlas(regions, [])
    Traceback (most recent call last):
    ...
    geodisparity.errors.InputError: layers is empty; give at least one column or Layer
    """
    return build_map(regions, layers, outline=outline, edge=edge, layer_control=True,
                     name=name, tooltip=tooltip, lang=lang, title=title, note=note, tiles=tiles,
                     attribution=attribution, tolerance=tolerance, decimals=decimals)
