"""Static maps (PNG, SVG, PDF) with matplotlib, in the same classes and colours.

:func:`plot` draws a choropleth, LISA, hot-spot or target layer with a legend
(class ranges and counts) and a scale bar. The regions are drawn in an
equal-area projection fitted to their extent
(:func:`geodisparity.crs.equal_area_crs`), so the scale bar is in true
metres near the map's centre; polygons crossing the antimeridian keep their
shape. Regions without a boundary are left off and named under the map. It
uses the Agg canvas directly (no pyplot state) and changes fonts only inside
``matplotlib.rc_context``.

Chinese labels need a CJK font (e.g. Debian's ``fonts-noto-cjk``); without
one, ``lang="zh"`` falls back to English words with a warning.

Examples
--------
>>> nice_length(37_000)
20000
>>> format_length(20000), format_length(500)
('20 km', '500 m')
"""

from __future__ import annotations

import math
import os
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np

from geodisparity._output import atomic_path, check_writable
from geodisparity.crs import to_equal_area
from geodisparity.errors import GeodisparityWarning, InputError
from geodisparity.i18n import check_lang
from geodisparity.maps.atlas import unmapped_note
from geodisparity.maps.layers import Layer, style_layer
from geodisparity.maps.simplify import drawable, to_web_geometry
from geodisparity.maps.style import NO_DATA_COLOR

__all__ = ["plot", "cjk_font", "nice_length", "format_length"]

_CJK_HINTS = ("Noto Sans CJK", "Noto Serif CJK", "Source Han", "WenQuanYi", "SimHei",
              "Microsoft YaHei", "PingFang", "Heiti", "AR PL", "Droid Sans Fallback")
_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def cjk_font() -> str | None:
    """Return the name of an installed font that covers Chinese, or None.

    Returns
    -------
    str or None
        A family name matplotlib can use.

    Examples
    --------
    >>> cjk_font() is None or isinstance(cjk_font(), str)
    True
    """
    from matplotlib import font_manager

    for entry in font_manager.fontManager.ttflist:
        if any(hint.lower() in entry.name.lower() for hint in _CJK_HINTS):
            return entry.name
    # Fonts installed after matplotlib built its cache: ask fontconfig, register the file.
    found = _fontconfig_cjk_file()
    if found is None:
        return None
    font_manager.fontManager.addfont(found)
    return font_manager.FontProperties(fname=found).get_name()


def _fontconfig_cjk_file() -> str | None:
    import shutil
    import subprocess

    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        out = subprocess.run([fc_list, ":lang=zh", "file"], capture_output=True, text=True,
                             timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    files = sorted(line.split(":")[0].strip() for line in out.splitlines() if ":" in line)
    usable = [f for f in files if f.lower().endswith((".ttf", ".otf", ".ttc"))]
    return usable[0] if usable else None


def nice_length(limit: float) -> int:
    """Return the largest 1, 2 or 5 x 10^n metres not above ``limit``.

    Parameters
    ----------
    limit : float
        Longest acceptable length in metres.

    Returns
    -------
    int
        A round length.

    Examples
    --------
    >>> nice_length(0.5)
    1
    """
    if limit < 1:
        return 1
    power = 10 ** math.floor(math.log10(limit))
    return int(max(m for m in (1, 2, 5) if m * power <= limit) * power)


def format_length(metres: float) -> str:
    """Return ``metres`` as "500 m" or "20 km"."""
    if metres >= 1000:
        return f"{metres / 1000:,.0f} km"
    return f"{metres:,.0f} m"


def _scale_bar(ax: Any, bounds: np.ndarray) -> None:
    from matplotlib.patches import Rectangle

    minx, miny, maxx, maxy = bounds
    width, height = maxx - minx, maxy - miny
    length = nice_length(width / 4)
    x0, y0 = minx + 0.04 * width, miny + 0.04 * height
    bar_h = 0.012 * height
    ax.add_patch(Rectangle((x0, y0), length, bar_h, facecolor="black", edgecolor="black",
                           zorder=5))
    ax.add_patch(Rectangle((x0 + length / 2, y0), length / 2, bar_h, facecolor="white",
                           edgecolor="black", zorder=6))
    ax.text(x0 + length, y0 + bar_h * 1.8, format_length(length), ha="right", va="bottom",
            fontsize=8, zorder=6)
    ax.text(x0, y0 + bar_h * 1.8, "0", ha="left", va="bottom", fontsize=8, zorder=6)


def _literal(*texts: Any) -> None:
    """Show matplotlib texts as typed: no ``$...$`` mathtext, no LaTeX (text comes from data)."""
    for text in texts:
        text.set_parse_math(False)
        text.set_usetex(False)
        text.set_text(re.sub("[\ud800-\udfff]", "\ufffd", text.get_text()))


def _draw(ax: Any, regions: gpd.GeoDataFrame, layer: Layer, lang: str,
          title: str | None) -> None:
    from matplotlib.patches import Patch

    web = to_web_geometry(regions)
    shown = drawable(web)
    unmapped = unmapped_note(regions, shown, lang=lang)
    if unmapped:  # rows without a boundary stay off the map and are named under it
        regions, web = regions[shown], web[shown]
    styled = style_layer(regions, layer, lang=lang)
    projected = to_equal_area(web)
    classes = styled.classes
    has = classes >= 0
    colors = [styled.colors[c] for c in classes[has]]
    if has.any():
        projected[has].plot(ax=ax, color=colors, edgecolor="#6E6E6E", linewidth=0.3)
    if (~has).any():
        projected[~has].plot(ax=ax, facecolor=NO_DATA_COLOR, edgecolor="#999999",
                             linewidth=0.3, hatch="///")
    legend = styled.legend
    handles = [Patch(facecolor=e.color, edgecolor="#777777", label=f"{e.label} ({e.count:,})")
               for e in legend.entries]
    if legend.n_missing:
        from geodisparity.i18n import translate

        handles.append(Patch(facecolor=NO_DATA_COLOR, edgecolor="#999999", hatch="///",
                             label=f"{translate('No data', lang)} ({legend.n_missing:,})"))
    legend_title = legend.title + (f"\n{legend.subtitle}" if legend.subtitle else "")
    if legend.note:
        legend_title += f"\n({legend.note})"
    drawn = ax.legend(handles=handles, title=legend_title, loc="lower right", fontsize=8,
                      title_fontsize=9, frameon=True, framealpha=0.9)
    _literal(drawn.get_title(), *drawn.get_texts())
    _scale_bar(ax, projected.total_bounds)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title:
        _literal(ax.set_title(title, fontsize=12))
    if unmapped:
        _literal(ax.text(0.0, -0.01, unmapped, transform=ax.transAxes, ha="left", va="top",
                         fontsize=7, color="#555555", wrap=True))


def plot(
    regions: gpd.GeoDataFrame,
    column: str | None = None,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    breaks: Sequence[float] | None = None,
    cmap: str | None = None,
    layer: Layer | None = None,
    label: str | None = None,
    unit: str | None = None,
    ax: Any = None,
    lang: str = "en",
    title: str | None = None,
    path: str | os.PathLike[str] | None = None,
    overwrite: bool = False,
    dpi: int = 150,
) -> Any:
    """Draw a static map of a column (or of a :class:`Layer`) with a legend and a scale bar.

    Parameters
    ----------
    regions : GeoDataFrame
        Polygons with a CRS.
    column : str, optional
        Numeric column for a choropleth; or give ``layer=`` instead.
    scheme, k, breaks, cmap, label, unit
        As in :func:`geodisparity.maps.choropleth` (same classes and colours).
    layer : Layer, optional
        Any layer kind ("lisa", "hotspot", "target"); overrides the above.
    ax : matplotlib Axes, optional
        Draw into it; default a new figure (not registered with pyplot).
    lang : {"en", "zh"}
        Language of legend words; "zh" needs a CJK font (else English, with a warning).
    title : str, optional
        Title above the map.
    path : str or path-like, optional
        Save to this ``.png``, ``.svg`` or ``.pdf`` file, atomically.
    overwrite : bool, default False
        Replace an existing file at ``path``.
    dpi : int, default 150
        Resolution of raster output.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> regions = gpd.GeoDataFrame({"v": [1.0, None]}, crs=4326,
    ...                            geometry=[box(120, 30, 121, 31), box(121, 30, 122, 31)])
    >>> fig = plot(regions, "v", k=1)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['1 (1)', 'No data (1)']
    """
    import matplotlib

    check_lang(lang)
    if layer is None:
        if column is None:
            raise InputError("plot needs column= or layer=")
        layer = Layer(column, scheme=scheme, k=k, breaks=breaks, cmap=cmap, label=label,
                      unit=unit)
    fmt = None
    if path is not None:
        fmt = _FORMATS.get(Path(path).suffix.lower())
        if fmt is None:
            raise InputError(f"path={str(path)!r} must end in one of: {', '.join(_FORMATS)}")
        check_writable(path, overwrite=overwrite)  # fail before drawing
    rc: dict[str, Any] = {}
    if lang == "zh":
        font = cjk_font()
        if font is None:
            warnings.warn(
                "no CJK font found (install e.g. the Debian package fonts-noto-cjk); "
                "drawing the legend in English", GeodisparityWarning, stacklevel=2)
            lang = "en"
        else:
            rc = {"font.family": "sans-serif",
                  "font.sans-serif": [font, *matplotlib.rcParams["font.sans-serif"]]}
    with matplotlib.rc_context(rc):
        if ax is None:
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure

            fig = Figure(figsize=(8, 7), layout="constrained")
            FigureCanvasAgg(fig)
            ax = fig.add_subplot()
        else:
            fig = ax.figure
        _draw(ax, regions, layer, lang, title)
        if path is not None:
            with atomic_path(path, overwrite=overwrite) as tmp:
                fig.savefig(tmp, format=fmt, dpi=dpi)
    return fig
