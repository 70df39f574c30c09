"""Save maps as single HTML files that open with no network at all.

Folium pages load Leaflet, jQuery, Bootstrap, Font Awesome and marker plugins
from public CDNs, so they stay blank offline or on an intranet. Our maps use
only Leaflet, so :func:`save_map` (with ``offline=True``, the default) inlines
Leaflet 1.9.3's script and stylesheet from the ``xstatic-leaflet`` package
(its images as ``data:`` URIs) and removes every other CDN asset. Basemap
tiles, if the map has any, still load from their server. Chinese text is
drawn from a subset font embedded in the page (:mod:`geodisparity.maps.fonts`).

Examples
--------
>>> page = offline_html('<head><script src="https://code.jquery.com/jquery.js"></script></head>')
>>> "jquery" in page, "L.version" in page or "Leaflet" in page
(False, True)
"""

from __future__ import annotations

import base64
import html
import os
import re
import warnings
from functools import cache
from pathlib import Path
from typing import Any

from geodisparity._output import atomic_path, check_writable
from geodisparity.errors import GeodisparityWarning, InputError
from geodisparity.maps.fonts import embed_cjk_font

__all__ = ["save_map", "offline_html", "leaflet_assets", "remote_assets", "show", "OfflineMap"]

_REMOTE_SCRIPT = re.compile(
    r"""<script\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?//[^>]*>\s*</script>""", re.IGNORECASE)
_REMOTE_LINK = re.compile(
    r"""<link\b[^>]*\bhref\s*=\s*["']?(?:https?:)?//[^>]*>""", re.IGNORECASE)
_URL = re.compile(r"""(?:src|href)\s*=\s*["']?((?:https?:)?//[^"'\s>]+)""", re.IGNORECASE)

#: Assets folium adds to every map; our maps need none of them but Leaflet.
_FOLIUM_DEFAULTS = ("/leaflet@", "jquery", "bootstrap", "awesome-markers", "awesome_markers",
                    "fontawesome", "font-awesome", "glyphicons", "leaflet.awesome.rotate")


@cache
def leaflet_assets() -> tuple[str, str]:
    """Return Leaflet's (script, stylesheet) from the xstatic-leaflet package.

    Returns
    -------
    tuple of str
        The minified script (source-map comment removed) and the stylesheet
        minified, with the layer-control images inlined as ``data:`` URIs and
        the marker images (unused by our maps) left out.

    Examples
    --------
    >>> js, css = leaflet_assets()
    >>> "leaflet-container" in css and "url(images/" not in css
    True
    """
    from geodisparity._optional import import_optional

    xstatic = import_optional("xstatic.pkg.leaflet", extra="", purpose="Offline maps")
    base = Path(xstatic.BASE_DIR)
    script = (base / "leaflet.js").read_text(encoding="utf-8")
    script = re.sub(r"//# sourceMappingURL=\S+", "", script)
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        data = base64.b64encode((base / match.group(1)).read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    css = re.sub(r"url\((images/layers(?:-2x)?\.png)\)", inline, css)
    # Marker icons are not used by our maps; drop them rather than inline 6 KB.
    css = re.sub(r"background-image:\s*url\(images/[\w.-]+\.png\);?", "", css)
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    css = re.sub(r"\s*([{};,])\s*", r"\1", re.sub(r"\s+", " ", css)).strip()
    if "</script" in script.lower():
        raise InputError("the packaged Leaflet script cannot be inlined (contains '</script')")
    return script, css


def remote_assets(page: str) -> list[str]:
    """Return the http(s) URLs a page loads as scripts, stylesheets or other links.

    Parameters
    ----------
    page : str
        HTML text.

    Returns
    -------
    list of str
        URLs found in ``src=`` and ``href=`` attributes.

    Examples
    --------
    >>> remote_assets('<script src="https://x.org/a.js"></script><a href="#top">')
    ['https://x.org/a.js']
    """
    return _URL.findall(page)


def offline_html(page: str) -> str:
    """Return ``page`` with CDN scripts and stylesheets removed and Leaflet inlined.

    Parameters
    ----------
    page : str
        HTML rendered by folium.

    Returns
    -------
    str
        The same page, self-contained.

    Examples
    --------
    >>> css = '<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/bootstrap.css"/>'
    >>> "<link" in offline_html(f"<head>{css}</head>")
    False
    """
    removed = [m.group(0) for m in _REMOTE_SCRIPT.finditer(page)]
    removed += [m.group(0) for m in _REMOTE_LINK.finditer(page)]
    unknown = [tag for tag in removed if not any(k in tag.lower() for k in _FOLIUM_DEFAULTS)]
    if unknown:
        warnings.warn(
            f"save_map(offline=True) removed {len(unknown)} remote assets the map may need "
            f"(plugins cannot load offline): {', '.join(remote_assets(' '.join(unknown)))}",
            GeodisparityWarning, stacklevel=3)
    page = _REMOTE_LINK.sub("", _REMOTE_SCRIPT.sub("", page))
    script, css = leaflet_assets()
    bundle = f"<style>{css}</style>\n<script>{script}</script>\n"
    head = re.search(r"<head[^>]*>", page, re.IGNORECASE)
    if head is None:
        return bundle + page
    return page[: head.end()] + "\n" + bundle + page[head.end():]


def save_map(m: Any, path: str | os.PathLike[str], *, offline: bool = True,
             overwrite: bool = False, embed_font: bool = True) -> Path:
    """Save a folium map as one HTML file, by default fully offline.

    Parameters
    ----------
    m : folium.Map
        A map from :func:`~geodisparity.maps.choropleth`, :func:`~geodisparity.maps.atlas`
        and the like (any folium map works; plugins needing other CDN files do not).
    path : str or path-like
        Output file (``.html``); missing folders are created. Written
        atomically: a temporary file in the same folder is renamed into place
        once complete.
    offline : bool, default True
        Inline Leaflet and drop every CDN asset, so the file opens with no
        network. False keeps folium's CDN links (smaller, needs internet).
    overwrite : bool, default False
        Replace an existing file; otherwise raise
        :class:`~geodisparity.errors.OutputExistsError`.
    embed_font : bool, default True
        Embed the Chinese glyphs the page uses (:mod:`geodisparity.maps.fonts`);
        False leaves that to a later :func:`~geodisparity.maps.fonts.embed_cjk_font_files`.

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import tempfile, pathlib, geopandas as gpd
    >>> from shapely.geometry import box
    >>> from geodisparity.maps import choropleth
    >>> regions = gpd.GeoDataFrame({"v": [1.0, 2.0]}, crs=4326,
    ...                            geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)])
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "map.html"
    >>> save_map(choropleth(regions, "v", k=2), out).stat().st_size > 150_000
    True
    >>> save_map(choropleth(regions, "v", k=2), out)
    Traceback (most recent call last):
    ...
    geodisparity.errors.OutputExistsError: ... already exists; pass overwrite=True ...
    """
    if not hasattr(m, "get_root"):
        raise InputError(f"m must be a folium map, got {type(m).__name__}")
    target = check_writable(path, overwrite=overwrite)  # fail before rendering a large map
    if target.is_dir():
        raise InputError(f"path={str(target)!r} is a folder; give a file name such as map.html")
    page = m.get_root().render()
    if embed_font:
        page = embed_cjk_font(page)
    if offline:
        page = offline_html(page)
    with atomic_path(target, overwrite=overwrite) as tmp:
        tmp.write_bytes(page.encode("utf-8"))
    return target


class OfflineMap:
    """A folium map that a notebook displays with no network.

    Folium's own notebook display loads Leaflet, jQuery and Bootstrap from
    CDNs, so a map stays blank offline. This wrapper's ``_repr_html_`` is the
    page :func:`save_map` would write (Leaflet inlined, every CDN asset
    removed) inside an ``<iframe srcdoc>``, the whole page HTML-escaped as one
    attribute value, the frame sandboxed to scripts only. Make one with
    :func:`show`.

    Parameters
    ----------
    m : folium.Map
        The map.
    height : int, default 500
        Height of the frame in pixels.

    Attributes
    ----------
    map : folium.Map
        The wrapped map.
    height : int
        Height of the frame in pixels.
    """

    def __init__(self, m: Any, *, height: int = 500) -> None:
        if not hasattr(m, "get_root"):
            raise InputError(f"m must be a folium map, got {type(m).__name__}")
        if isinstance(height, bool) or not isinstance(height, int) or height < 50:
            raise InputError(f"height must be a whole number of pixels >= 50, got {height!r}")
        self.map = m
        self.height = height
        self._page: str | None = None

    def __repr__(self) -> str:
        return f"OfflineMap({type(self.map).__name__}, height={self.height})"

    def html(self) -> str:
        """Return the self-contained page of the map (what :func:`save_map` writes).

        The map is rendered once, on the first call: folium's rendering is not
        repeatable (a second render can lose elements added while rendering).
        """
        if self._page is None:
            self._page = offline_html(embed_cjk_font(self.map.get_root().render()))
        return self._page

    def _repr_html_(self) -> str:
        page = html.escape(self.html(), quote=True)
        return (
            f'<iframe srcdoc="{page}" sandbox="allow-scripts" '
            f'style="width: 100%; height: {self.height}px; border: none;"></iframe>'
        )


def show(m: Any, *, height: int = 500) -> OfflineMap:
    """Display a map in a Jupyter notebook without loading anything from the internet.

    Parameters
    ----------
    m : folium.Map
        A map from :func:`~geodisparity.maps.choropleth`, :func:`~geodisparity.maps.atlas`
        and the like.
    height : int, default 500
        Height of the map in the notebook, in pixels.

    Returns
    -------
    OfflineMap
        An object that notebooks render as the offline map (the last
        expression of a cell, or ``IPython.display.display(...)``).

    Raises
    ------
    InputError
        If ``m`` is not a folium map or ``height`` is not a whole number >= 50.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> from geodisparity.maps import choropleth
    >>> regions = gpd.GeoDataFrame({"v": [1.0, 2.0]}, crs=4326,
    ...                            geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)])
    >>> shown = show(choropleth(regions, "v", k=2), height=300)
    >>> frame = shown._repr_html_()
    >>> frame.startswith("<iframe srcdoc="), "<script src=" in shown.html()
    (True, False)
    >>> show("not a map")
    Traceback (most recent call last):
    ...
    geodisparity.errors.InputError: m must be a folium map, got str
    """
    return OfflineMap(m, height=height)
