"""Folium elements whose rendered text is never compiled as a template again.

branca renders a :class:`~branca.element.MacroElement` in two passes: its
``header``, ``html`` and ``script`` macros are rendered, and each result is
wrapped in ``Element(text)``, whose constructor compiles ``text`` as a Jinja
template that is rendered once more when the page is assembled. Any text from
data inside that output (a region name in a JSON literal, a layer name in the
layer control, a tile attribution) is therefore Jinja source: ``{{ 7*7 }}``
shows as ``49``, ``{% if %}`` breaks the page and a crafted name runs code.

This module closes that path without touching branca or folium globally:

- :class:`Verbatim` is an element whose ``render`` returns its text as is.
- :class:`SafeMacro` is a mixin that renders the macros once and adds their
  output as :class:`Verbatim` text. Placed after a folium class in the bases
  (``class SafeMap(folium.Map, SafeMacro)``), C3 linearisation puts it right
  before ``MacroElement``, so folium's own ``render`` steps still run and only
  the final, unsafe step is replaced. Children that use branca's plain
  ``MacroElement.render`` (folium's ``ElementAddToElement``, ``FitBounds``...)
  are rendered the same safe way.
- :class:`SafeMap`, :class:`SafeTileLayer` and :class:`SafeLayerControl` are
  the folium classes our maps use, made safe.

Examples
--------
>>> m = SafeMap(location=[0, 0], tiles=None)
>>> _ = SafeLayerControl().add_to(m)
>>> layer = SafeTileLayer("https://tiles.example/{z}/{x}/{y}.png", attr="{{ 7*7 }}",
...                       name="{% if %}").add_to(m)
>>> page = m.get_root().render()
>>> '"attribution": "{{ 7*7 }}"' in page and '"{% if %}" : tile_layer_' in page
True
"""

from __future__ import annotations

from typing import Any

import folium
from branca.element import Element, Figure, MacroElement

from geodisparity.errors import InputError

__all__ = ["Verbatim", "SafeMacro", "SafeMap", "SafeTileLayer", "SafeLayerControl"]

_PARTS = ("header", "html", "script")


class Verbatim(Element):
    """Text put into the page exactly as given (never compiled as a template).

    Parameters
    ----------
    text : str
        Finished HTML, CSS or JavaScript; whoever builds it escapes any data in it.

    Examples
    --------
    >>> Verbatim("{{ 7*7 }}").render()
    '{{ 7*7 }}'
    """

    def __init__(self, text: str):
        super().__init__()
        self._name = "Verbatim"
        self.text = str(text)

    def render(self, **kwargs: Any) -> str:
        """Return the text unchanged."""
        return self.text


def render_macros(element: MacroElement, kwargs: dict[str, Any]) -> None:
    """Render ``element``'s macros once and add their output to the page as verbatim text.

    Parameters
    ----------
    element : branca.element.MacroElement
        An element in a figure.
    kwargs : dict
        Render options passed down by branca.

    Raises
    ------
    InputError
        If the element is not part of a figure (a map).
    """
    figure = element.get_root()
    if not isinstance(figure, Figure):
        raise InputError(f"{type(element).__name__} must be added to a map before rendering")
    macros = element._template.module.__dict__
    for part in _PARTS:
        macro = macros.get(part)
        if macro is not None:
            getattr(figure, part).add_child(Verbatim(macro(element, kwargs)),
                                            name=element.get_name())
    for child in element._children.values():
        if type(child).render is MacroElement.render:
            render_macros(child, kwargs)
        else:
            child.render(**kwargs)


class SafeMacro(MacroElement):
    """Mixin: a macro element whose output is added verbatim (see the module docstring)."""

    def render(self, **kwargs: Any) -> None:
        """Render the macros and add their output to the figure, then render the children."""
        render_macros(self, kwargs)


class SafeMap(folium.Map, SafeMacro):
    """A :class:`folium.Map` whose page parts are never compiled as templates."""


class SafeTileLayer(folium.TileLayer, SafeMacro):
    """A :class:`folium.TileLayer` whose options (attribution) stay data."""


class SafeLayerControl(folium.LayerControl, SafeMacro):
    """A :class:`folium.LayerControl` whose layer names stay data."""
