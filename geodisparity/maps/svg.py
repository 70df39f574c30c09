"""Static maps as small inline SVG, drawn without matplotlib.

:func:`svg_map` draws a layer (choropleth, LISA, hot spots, emerging patterns,
targets) in the same classes and colours as the interactive map and
:func:`geodisparity.maps.plot`, as one ``<path>`` per region, with a title, a
legend and a scale bar. The regions are projected into the equal-area CRS
fitted to their extent (:func:`geodisparity.crs.to_equal_area`) and simplified
as a coverage, so neighbours keep their shared borders and a county map weighs
a few tens of kilobytes. Regions without a boundary are left off and named in
:attr:`SvgMap.unmapped`.

Every piece of text (region names in ``<title>`` tooltips, legend labels, the
title) is written as escaped character data (``html.escape`` with
``quote=True``), never as markup; the report checks the result against a
short list of allowed elements and attributes before embedding it
(:func:`check_svg`).

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> from geodisparity.maps.layers import Layer
>>> regions = gpd.GeoDataFrame({"v": [1.0, 2.0], "name": ["<b>A</b>", "B"]}, crs=4326,
...                            geometry=[box(120, 30, 121, 31), box(121, 30, 122, 31)])
>>> drawn = svg_map(regions, Layer("v", k=2))
>>> drawn.markup.count('<path class="gd-region"'), "&lt;b&gt;A&lt;/b&gt;" in drawn.markup
(2, True)
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodisparity.crs import to_equal_area
from geodisparity.errors import InputError
from geodisparity.i18n import check_lang, translate
from geodisparity.maps.atlas import unmapped_note
from geodisparity.maps.layers import Layer, style_layer
from geodisparity.maps.simplify import drawable, simplify_coverage, to_web_geometry
from geodisparity.maps.static import format_length, nice_length
from geodisparity.maps.style import NO_DATA_COLOR
from geodisparity.maps.tooltip import tooltip_columns

__all__ = ["MapCanvas", "SvgMap", "map_canvas", "svg_map", "check_svg"]

_MAP_WIDTH = 520.0
_MAP_HEIGHT_MAX = 520.0
_LEGEND_WIDTH = 250.0
_PAD = 10.0
_TITLE_HEIGHT = 28.0
_ROW = 18.0
_SCALE_HEIGHT = 26.0
#: Simplification tolerance in pixels: finer detail does not show at the drawn size.
_TOLERANCE_PX = 1.0
# Scoped to the map: a <style> in inline SVG applies to the whole page (and the charts).
_STYLE = (
    ".gd-map text{font-family:'geodisparity CJK',system-ui,'Noto Sans CJK SC','Noto Sans SC',"
    "sans-serif;fill:#222}"
    ".gd-region{stroke:#6E6E6E;stroke-width:0.4;stroke-linejoin:round}"
    ".gd-region:hover{stroke:#000;stroke-width:1.2}"
)
_ALLOWED = {
    "svg": {"xmlns", "viewBox", "width", "height", "role", "aria-label", "class"},
    "style": set(),
    "defs": set(),
    "pattern": {"id", "width", "height", "patternUnits", "patternTransform"},
    "title": set(),
    "g": {"class", "transform"},
    "path": {"class", "d", "fill", "stroke", "stroke-width", "fill-rule"},
    "rect": {"x", "y", "width", "height", "fill", "stroke", "stroke-width", "class"},
    "text": {"x", "y", "font-size", "font-weight", "text-anchor", "class", "fill"},
}
# The report's charts (geodisparity.charts) also draw lines, dots and dashed or round strokes.
_ALLOWED["path"] |= {"stroke-dasharray", "stroke-linejoin", "stroke-linecap", "fill-opacity"}
_ALLOWED["line"] = {"x1", "y1", "x2", "y2", "stroke", "stroke-width", "stroke-dasharray"}
_ALLOWED["circle"] = {"cx", "cy", "r", "fill", "stroke", "stroke-width", "fill-opacity"}
_SAFE_VALUE = re.compile(r"url\(#gd-hatch\)|[\w #.,()%\-+]*")


@dataclass(frozen=True)
class SvgMap:
    """An SVG map: ``markup`` (an ``<svg>`` element) and the note on regions left off."""

    markup: str
    unmapped: str | None = None


@dataclass(frozen=True)
class MapCanvas:
    """Regions projected, simplified and written as path data once, for several maps.

    ``index`` is the regions' index, ``shown`` which of them have a boundary,
    ``paths`` the ``d`` attribute of each shown region, ``width`` and
    ``height`` the map's size in pixels and ``metres_per_pixel`` its scale.
    """

    index: pd.Index
    shown: np.ndarray
    paths: tuple[str, ...]
    width: float
    height: float
    metres_per_pixel: float


def map_canvas(regions: gpd.GeoDataFrame | gpd.GeoSeries) -> MapCanvas:
    """Project and simplify ``regions`` for :func:`svg_map` (reuse it for several layers).

    Parameters
    ----------
    regions : GeoDataFrame or GeoSeries
        Polygons with a CRS.

    Returns
    -------
    MapCanvas
        The drawable regions' path data and the map's size and scale.

    Raises
    ------
    EmptyDataError, CRSError, GeometryError
        As :func:`geodisparity.maps.simplify.to_web_geometry`.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> canvas = map_canvas(gpd.GeoSeries([box(120, 30, 121, 31), None], crs=4326))
    >>> canvas.shown.tolist(), len(canvas.paths), round(canvas.width)
    ([True, False], 1, 453)
    """
    web = to_web_geometry(regions)
    shown = drawable(web)
    pixels, width, height, metres_per_pixel = _to_pixels(to_equal_area(web[shown]))
    paths = tuple(_geometry_paths(np.asarray(pixels.values, dtype=object)))
    return MapCanvas(web.index, shown, paths, width, height, metres_per_pixel)


def _text(value: Any) -> str:
    """Escape text for SVG character data or attributes (lone surrogates replaced)."""
    return html.escape(re.sub("[\ud800-\udfff]", "\ufffd", str(value)), quote=True)


def _number(tenths: int) -> str:
    """Write an integer number of tenths of a pixel shortly (``-5`` -> ``-.5``)."""
    whole, rest = divmod(abs(int(tenths)), 10)
    sign = "-" if tenths < 0 else ""
    if not rest:
        return f"{sign}{whole}"
    return f"{sign}{whole or ''}.{rest}"


def _geometry_paths(geometries: np.ndarray) -> list[str]:
    """Return the ``d`` attribute of each (multi)polygon already in pixel coordinates.

    Each ring is one closed subpath ``Mx,y dx,dy ... z`` in tenths of a pixel
    (relative moves; repeated vertices and the closing one dropped, rings left
    with fewer than 3 vertices skipped).
    """
    parts, part_geometry = shapely.get_parts(geometries, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    new = np.ones(len(ring), dtype=bool)
    new[1:] = (ring[1:] != ring[:-1]) | np.any(coords[1:] != coords[:-1], axis=1)
    coords, ring = coords[new], ring[new]
    count = np.bincount(ring, minlength=len(rings))
    last = np.cumsum(count) - 1
    first = last - count + 1
    closed = count > 1
    closed[closed] = np.all(coords[first[closed]] == coords[last[closed]], axis=1)
    keep = np.ones(len(ring), dtype=bool)
    keep[last[closed]] = False
    count -= closed
    keep &= count[ring] >= 3
    coords, ring = coords[keep], ring[keep]
    tenths = np.round(coords * 10).astype(np.int64)
    start = np.ones(len(ring), dtype=bool)
    start[1:] = ring[1:] != ring[:-1]
    moves = tenths.copy()
    moves[1:] -= tenths[:-1]
    moves[start] = tenths[start]
    numbers, position = np.unique(moves, return_inverse=True)
    text = [_number(value) for value in numbers.tolist()]
    pairs = [f"{text[x]},{text[y]}" for x, y in position.reshape(-1, 2).tolist()]
    paths = [""] * len(geometries)
    bounds = np.flatnonzero(start).tolist() + [len(pairs)]
    owner = part_geometry[ring_part[ring[start]]].tolist()
    for geometry, begin, end in zip(owner, bounds[:-1], bounds[1:], strict=True):
        paths[geometry] += f"M{pairs[begin]}l{' '.join(pairs[begin + 1 : end])}z"
    return paths


def _to_pixels(projected: gpd.GeoSeries) -> tuple[gpd.GeoSeries, float, float, float]:
    """Simplify in metres (about a pixel) and scale to pixels with y downwards.

    Returns the pixel geometries, the map's width and height in pixels and
    the number of metres per pixel.
    """
    minx, miny, maxx, maxy = projected.total_bounds
    width, height = max(maxx - minx, 1e-9), max(maxy - miny, 1e-9)
    scale = min(_MAP_WIDTH / width, _MAP_HEIGHT_MAX / height)
    simple = simplify_coverage(projected, tolerance=_TOLERANCE_PX / scale, decimals=6)
    values = np.array(simple.values, dtype=object)
    present = drawable(simple)

    def place(xy: np.ndarray) -> np.ndarray:
        out = np.empty_like(xy)
        out[:, 0] = (xy[:, 0] - minx) * scale
        out[:, 1] = (maxy - xy[:, 1]) * scale
        return out

    values[present] = shapely.transform(values[present], place)
    pixels = gpd.GeoSeries(values, index=projected.index)
    return pixels, width * scale, height * scale, 1 / scale


def _names(regions: gpd.GeoDataFrame, lang: str) -> list[str]:
    columns, _ = tooltip_columns(regions, None, None, lang)
    keys = [str(key) for key in regions.index]
    if not columns:
        return keys
    return [f"{name} ({key})" if str(name) != key else key
            for key, name in zip(keys, regions[columns[0]].astype(str), strict=True)]


def _legend(styled: Any, lang: str, x: float, y: float) -> tuple[list[str], float]:
    legend = styled.legend
    lines = [legend.title] + [t for t in (legend.subtitle, legend.note and f"({legend.note})")
                              if t]
    out = [f'<text x="{x:g}" y="{y + 13 + i * _ROW:g}" font-size="12" font-weight="600">'
           f"{_text(line)}</text>" for i, line in enumerate(lines)]
    rows = [(e.label, e.color, e.count) for e in legend.entries]
    if legend.n_missing:
        rows.append((translate("No data", lang), "url(#gd-hatch)", legend.n_missing))
    top = y + len(lines) * _ROW + 4
    for i, (label, color, count) in enumerate(rows):
        row_y = top + i * _ROW
        out.append(f'<rect x="{x:g}" y="{row_y:g}" width="14" height="12" fill="{_text(color)}" '
                   'stroke="#777777" stroke-width="0.5"/>')
        out.append(f'<text x="{x + 20:g}" y="{row_y + 10.5:g}" font-size="11">'
                   f"{_text(label)} ({count:,})</text>")
    return out, top + len(rows) * _ROW - y


def _scale_bar(metres_per_pixel: float, x: float, y: float) -> list[str]:
    length = nice_length(_MAP_WIDTH / 4 * metres_per_pixel)
    bar = length / metres_per_pixel
    return [
        f'<rect x="{x:g}" y="{y:g}" width="{bar / 2:.1f}" height="5" fill="#000000"/>',
        f'<rect x="{x + bar / 2:.1f}" y="{y:g}" width="{bar / 2:.1f}" height="5" '
        'fill="#ffffff" stroke="#000000" stroke-width="0.8"/>',
        f'<rect x="{x:g}" y="{y:g}" width="{bar:.1f}" height="5" fill="none" '
        'stroke="#000000" stroke-width="0.8"/>',
        f'<text x="{x:g}" y="{y - 3:g}" font-size="10">0</text>',
        f'<text x="{x + bar:.1f}" y="{y - 3:g}" font-size="10" text-anchor="end">'
        f"{_text(format_length(length))}</text>",
    ]


def svg_map(regions: gpd.GeoDataFrame, layer: Layer, *, lang: str = "en",
            title: str | None = None, canvas: MapCanvas | None = None) -> SvgMap:
    """Draw a layer of ``regions`` as an inline SVG map with legend and scale bar.

    Parameters
    ----------
    regions : GeoDataFrame
        Polygons with a CRS and the layer's column; the index is the region key.
    layer : Layer
        What to draw (any kind), classed and coloured as in the other maps.
    lang : {"en", "zh"}
        Language of the legend's own words.
    title : str, optional
        Title above the map; default the layer's title.
    canvas : MapCanvas, optional
        :func:`map_canvas` of these regions, to draw several maps from one
        projection and simplification; default computed here.

    Returns
    -------
    SvgMap
        The ``<svg>`` markup and the note naming regions without a boundary.

    Raises
    ------
    EmptyDataError, CRSError, GeometryError
        As :func:`geodisparity.maps.simplify.to_web_geometry`.
    InputError
        If ``canvas`` was made for other regions.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> regions = gpd.GeoDataFrame({"v": [1.0, 2.0]}, index=["a", "b"], crs=4326,
    ...                            geometry=[box(120, 30, 121, 31), None])
    >>> svg_map(regions, Layer("v", k=1)).unmapped
    'Not on the map (no boundary): b'
    """
    check_lang(lang)
    if canvas is None:
        canvas = map_canvas(regions)
    elif not canvas.index.equals(regions.index):
        raise InputError("canvas was made for other regions; call map_canvas(regions) again")
    width, height, metres_per_pixel = canvas.width, canvas.height, canvas.metres_per_pixel
    unmapped = unmapped_note(regions, canvas.shown, lang=lang)
    if unmapped:
        regions = regions[canvas.shown]
    styled = style_layer(regions, layer, lang=lang)
    names = _names(regions, lang)
    top = _PAD + _TITLE_HEIGHT
    body = []
    for path, cls, name in zip(canvas.paths, styled.classes, names, strict=True):
        fill = styled.colors[cls] if cls >= 0 else "url(#gd-hatch)"
        body.append(f'<path class="gd-region" fill="{_text(fill)}" fill-rule="evenodd" '
                    f'd="{path}"><title>{_text(name)}</title></path>')
    legend_x = _PAD + width + 2 * _PAD
    legend, legend_height = _legend(styled, lang, legend_x, top)
    total_w = legend_x + _LEGEND_WIDTH
    total_h = top + max(height + _SCALE_HEIGHT, legend_height) + _PAD
    heading = styled.title if title is None else title
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {total_w:.0f} {total_h:.0f}" '
        f'width="{total_w:.0f}" height="{total_h:.0f}" role="img" '
        f'aria-label="{_text(heading)}" class="gd-map">',
        f"<style>{_STYLE}</style>",
        '<defs><pattern id="gd-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect x="0" y="0" width="6" height="6" '
        f'fill="{NO_DATA_COLOR}"/><path d="M0,0 0,6" stroke="#999999" stroke-width="1.5"/>'
        "</pattern></defs>",
        f'<text x="{_PAD:g}" y="{_PAD + 16:g}" font-size="15" font-weight="600">'
        f"{_text(heading)}</text>",
        f'<g transform="translate({_PAD:g},{top:g})">', *body,
        *_scale_bar(metres_per_pixel, 0.0, height + _SCALE_HEIGHT - 8), "</g>",
        *legend, "</svg>",
    ]
    return SvgMap("".join(parts), unmapped)


def check_svg(markup: str) -> str:
    """Check that ``markup`` is an SVG with only the elements and attributes maps use.

    The report embeds SVG as markup, so this refuses anything a browser could
    run or fetch: scripts, event handlers, links, foreign objects, and
    attribute values outside a plain character set.

    Parameters
    ----------
    markup : str
        One ``<svg>`` element, as made by :func:`svg_map`.

    Returns
    -------
    str
        ``markup`` unchanged.

    Raises
    ------
    InputError
        Naming the first element or attribute refused.

    Examples
    --------
    >>> check_svg('<svg xmlns="http://www.w3.org/2000/svg"><text x="1">&lt;b&gt;</text></svg>')[:4]
    '<svg'
    >>> check_svg('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    Traceback (most recent call last):
    ...
    geodisparity.errors.InputError: svg has an element not allowed in a map: script
    """
    try:
        root = ET.fromstring(markup)
    except ET.ParseError as error:
        raise InputError(f"svg is not well-formed XML: {error}") from None
    namespace = "{http://www.w3.org/2000/svg}"
    if root.tag != namespace + "svg":
        raise InputError(f"svg must be one <svg> element, got {root.tag}")
    for element in root.iter():
        tag = element.tag.removeprefix(namespace)
        if tag == element.tag or tag not in _ALLOWED:
            raise InputError(f"svg has an element not allowed in a map: {tag}")
        if tag == "style" and element.text != _STYLE:
            raise InputError("svg has a style other than the maps' own")
        for name, value in element.attrib.items():
            plain = tag == "svg" or name == "d" or _SAFE_VALUE.fullmatch(value)
            if name not in _ALLOWED[tag] or not plain:
                raise InputError(f"svg has an attribute not allowed in a map: {tag} {name}")
    return markup
