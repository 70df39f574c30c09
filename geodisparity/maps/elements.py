r"""The folium elements our maps are made of, and the page script they share.

Folium renders each element's Jinja template into the page; ours are
:class:`~geodisparity.maps.safe.SafeMacro` elements, so that output is added
verbatim and never compiled as a template a second time. They carry data as
JSON literals made safe for ``<script>`` (:func:`js_literal`), share the
region geometry between layers (:class:`GeometryStore`), draw regions with
class colours and escaped tooltips (:class:`RegionLayer`), and show one
legend per visible layer (:class:`LegendControl`, which follows the layer
through Leaflet's ``overlayadd``/``overlayremove``/``baselayerchange`` events).
Only Leaflet itself is used: no jQuery, Bootstrap or other plugin.

Examples
--------
>>> js_literal({"name": "</script><script>alert(1)</script>"})
'{"name":"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"}'
"""

from __future__ import annotations

import json
from typing import Any

import folium
from branca.element import Figure
from folium.template import Template

from geodisparity.maps.safe import SafeMacro, Verbatim

__all__ = [
    "js_literal",
    "PageAssets",
    "GeometryStore",
    "RegionLayer",
    "OutlineLayer",
    "LegendControl",
    "InfoBox",
    "MetricScale",
]

_CSS = """
.leaflet-container{background:#f4f4f2}
.gd-box{background:rgba(255,255,255,.93);padding:6px 9px;font:12px/1.4 sans-serif;
 border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.35);max-width:300px;color:#222}
.gd-box h4{margin:0 0 4px;font-size:13px}
.gd-box .gd-sub,.gd-box .gd-note{color:#555;margin:2px 0}
.gd-box .gd-note{font-style:italic}
.gd-row i{display:inline-block;width:16px;height:12px;margin-right:6px;
 vertical-align:middle;border:1px solid #888}
.gd-row .gd-n{color:#666;margin-left:4px}
.gd-nodata{background-image:repeating-linear-gradient(45deg,#fff 0 2px,transparent 2px 5px)}
.gd-title h3{margin:0 0 2px;font-size:15px}
.gd-tip{border-collapse:collapse}
.gd-tip th{text-align:left;padding-right:8px;font-weight:600;color:#444}
"""

# Plain ES5 with Leaflet only. Geometry arrives delta-encoded (see simplify.encode_geometry).
_JS = """
var geodisparity = (function () {
  function decode(enc, s) {
    var x = 0, y = 0;
    function ring(r) {
      var out = [];
      for (var i = 0; i < r.length; i += 2) { x += r[i]; y += r[i + 1]; out.push([x / s, y / s]); }
      if (out.length) { out.push(out[0]); }
      return out;
    }
    return enc.map(function (g) {
      return {type: "MultiPolygon", coordinates: g.map(function (p) { return p.map(ring); })};
    });
  }
  function tip(fields, cells) {
    var h = '<table class="gd-tip">';
    for (var j = 0; j < fields.length; j++) {
      h += "<tr><th>" + fields[j] + "</th><td>" + cells[j] + "</td></tr>";
    }
    return h + "</table>";
  }
  function regions(geoms, o) {
    var fc = {type: "FeatureCollection", features: geoms.map(function (g, i) {
      return {type: "Feature", geometry: g, properties: {i: i}}; })};
    var group = L.geoJSON(fc, {
      pane: o.pane || "overlayPane",
      style: function (f) {
        var c = o.c[f.properties.i];
        if (c < 0) { return o.nodata; }
        return {fillColor: o.colors[c], fillOpacity: o.opacity, color: o.edge,
                weight: o.weight, opacity: 1};
      },
      onEachFeature: function (f, layer) {
        var cells = o.t[f.properties.i];
        if (cells) { layer.bindTooltip(tip(o.fields, cells), {sticky: true, opacity: 0.96}); }
        layer.on("mouseover", function () {
          layer.setStyle({weight: o.weight + 2, color: "#111"}); layer.bringToFront(); });
        layer.on("mouseout", function () { group.resetStyle(layer); });
      }
    });
    return group;
  }
  function outline(geoms, o) {
    var map = o.map;
    if (!map.getPane("gdOutline")) {
      var pane = map.createPane("gdOutline");
      pane.style.zIndex = 450; pane.style.pointerEvents = "none";
    }
    return L.geoJSON({type: "FeatureCollection", features: geoms.map(function (g) {
      return {type: "Feature", geometry: g, properties: {}}; })},
      {pane: "gdOutline", interactive: false,
       style: {fill: false, color: o.color, weight: o.weight, opacity: 1}});
  }
  var legends = [];
  function sync(map) {
    legends.forEach(function (e) {
      if (e.map !== map) { return; }
      var on = !e.layer || map.hasLayer(e.layer);
      if (on && !e.shown) { e.control.addTo(map); e.shown = true; }
      else if (!on && e.shown) { e.control.remove(); e.shown = false; }
    });
  }
  function box(map, html, cls, position) {
    var c = L.control({position: position});
    c.onAdd = function () {
      var d = L.DomUtil.create("div", "gd-box " + cls);
      d.innerHTML = html;
      L.DomEvent.disableClickPropagation(d); L.DomEvent.disableScrollPropagation(d);
      return d;
    };
    return c;
  }
  function legend(map, layer, html) {
    legends.push({map: map, layer: layer, control: box(map, html, "gd-legend", "bottomright"),
                  shown: false});
    if (!map._gdLegendHook) {
      map._gdLegendHook = true;
      map.on("overlayadd overlayremove baselayerchange", function () { sync(map); });
    }
    sync(map);
  }
  return {decode: decode, regions: regions, outline: outline, legend: legend, box: box,
          sync: sync};
})();
"""


def js_literal(value: Any) -> str:
    r"""Return ``value`` as a JSON literal safe inside an HTML ``<script>`` block.

    ``<``, ``>`` and ``&`` are written as ``\u003c``-style escapes, so no
    string from data can close the script tag or open a comment.

    Parameters
    ----------
    value : object
        JSON-serialisable data.

    Returns
    -------
    str
        Compact JSON.

    Examples
    --------
    >>> js_literal([1, "a&b"])
    '[1,"a\\u0026b"]'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


class PageAssets(SafeMacro):
    """Adds our CSS and page script to the document head, once per page."""

    def render(self, **kwargs: Any) -> None:
        """Add the CSS and script to the figure's header."""
        figure = self.get_root()
        if isinstance(figure, Figure):
            figure.header.add_child(Verbatim(f"<style>{_CSS}</style>"), name="gd_css")
            figure.header.add_child(Verbatim(f"<script>{_JS}</script>"), name="gd_js")
        super().render(**kwargs)


class GeometryStore(SafeMacro):
    """Region geometry shared by every layer of the map (written once)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = geodisparity.decode({{ this.encoded }}, {{ this.scale }});
{% endmacro %}"""
    )

    def __init__(self, encoded: str, decimals: int):
        super().__init__()
        self._name = "Geometry"
        self.encoded = encoded
        self.scale = js_literal(10**decimals)


class RegionLayer(folium.map.Layer, SafeMacro):
    """Regions filled by class, with tooltips built from escaped cells."""

    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = geodisparity.regions({{ this.store.get_name() }}, {{ this.options }});
{% endmacro %}"""
    )

    def __init__(self, store: GeometryStore, options: dict[str, Any], *, name: str,
                 overlay: bool, show: bool):
        super().__init__(name=name, overlay=overlay, control=True, show=show)
        self._name = "Regions"
        self.store = store
        self.options = js_literal(options)


class OutlineLayer(folium.map.Layer, SafeMacro):
    """Boundary lines drawn above the regions (prefectures, province edge)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = geodisparity.outline(
    geodisparity.decode({{ this.encoded }}, {{ this.scale }}),
    {map: {{ this._parent.get_name() }}, color: {{ this.color }}, weight: {{ this.weight }}});
{% endmacro %}"""
    )

    def __init__(self, encoded: str, decimals: int, *, name: str, color: str, weight: float):
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "Outline"
        self.encoded = encoded
        self.scale = js_literal(10**decimals)
        self.color = js_literal(color)
        self.weight = js_literal(weight)


class LegendControl(SafeMacro):
    """A legend (escaped HTML) shown while its layer is on the map."""

    _template = Template(
        """{% macro script(this, kwargs) %}
geodisparity.legend({{ this._parent.get_name() }},
    {{ this.layer.get_name() if this.layer else "null" }}, {{ this.html }});
{% endmacro %}"""
    )

    def __init__(self, html: str, layer: folium.map.Layer | None = None):
        super().__init__()
        self._name = "Legend"
        self.layer = layer
        self.html = js_literal(html)


class InfoBox(SafeMacro):
    """A fixed box of escaped HTML (title and note of the map)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
geodisparity.box({{ this._parent.get_name() }}, {{ this.html }}, "gd-title",
    {{ this.position }}).addTo({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(self, html: str, *, position: str = "topright"):
        super().__init__()
        self._name = "InfoBox"
        self.html = js_literal(html)
        self.position = js_literal(position)


class MetricScale(SafeMacro):
    """Leaflet's scale bar in metres and kilometres only (no miles)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"
