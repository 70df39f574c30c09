"""Interactive and static maps that planners can open anywhere.

Interactive maps are folium maps made only of Leaflet (no jQuery, Bootstrap or
other CDN files): :func:`save_map` writes them as small single HTML files that
work offline. Boundaries are simplified as a coverage (neighbours keep their
shared borders) and drawn in one piece across the antimeridian; rows without a
geometry are left off and named in the map's note. Every text from data is
HTML-escaped data and never template source (``safe``), and legends and
tooltips speak English or Chinese (``lang="en" | "zh"``).

Modules: ``classify`` (classes by mapclassify's definitions), ``style`` (colours),
``legend``, ``tooltip``, ``simplify``, ``layers``, ``safe`` (folium elements added verbatim),
``elements`` (our folium elements and page script), ``choropleth``, ``atlas``, ``offline``
(:func:`save_map`, and :func:`show` for notebooks), ``static`` (:func:`plot`, matplotlib),
``fonts`` (the Chinese glyphs a page uses, embedded as a subset font) and ``i18n``.

Examples
--------
>>> import geodisparity.maps as gm
>>> sorted(gm.__all__)[:3]
['Classification', 'Layer', 'atlas']
"""

from __future__ import annotations

from geodisparity.maps.atlas import atlas
from geodisparity.maps.choropleth import choropleth, hotspot_map, lisa_map, target_map
from geodisparity.maps.classify import Classification, classify
from geodisparity.maps.layers import Layer
from geodisparity.maps.offline import save_map, show
from geodisparity.maps.simplify import simplify_coverage
from geodisparity.maps.static import plot

__all__ = [
    "Classification",
    "Layer",
    "atlas",
    "choropleth",
    "classify",
    "hotspot_map",
    "lisa_map",
    "plot",
    "save_map",
    "show",
    "simplify_coverage",
    "target_map",
]
