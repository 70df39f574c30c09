"""Colours shared by the HTML and static maps.

Class colours of choropleths come from a matplotlib colormap sampled once per
map (ColorBrewer's ramps, the defaults among them, are sampled here in the
same way without importing matplotlib); cluster colours follow GeoDa (LISA,
local Geary) and ArcGIS (Getis-Ord Gi* hot spots).

Examples
--------
>>> LISA_COLORS["High-High"]
'#FF0000'
>>> class_colors(3, "Greys")
['#ffffff', '#959595', '#000000']
"""

from __future__ import annotations

import numpy as np

from geodisparity import categories as cat
from geodisparity.errors import InputError

__all__ = [
    "DEFAULT_CMAP",
    "DIVERGING_CMAP",
    "NO_DATA_COLOR",
    "LISA_COLORS",
    "GEARY_COLORS",
    "HOTSPOT_COLORS",
    "TARGET_COLORS",
    "EMERGING_COLORS",
    "OUTLINE_COLOR",
    "class_colors",
]

DEFAULT_CMAP = "YlOrRd"
#: Used for the standard-deviation scheme, whose classes sit either side of the mean.
DIVERGING_CMAP = "RdBu_r"
#: Light grey fill for regions without a value (drawn with a dashed edge in HTML).
NO_DATA_COLOR = "#C8C8C8"
OUTLINE_COLOR = "#333333"

#: GeoDa's LISA cluster colours; "Isolated" is GeoDa's "Undefined" (no neighbours).
LISA_COLORS: dict[str, str] = {
    cat.HIGH_HIGH: "#FF0000",
    cat.LOW_LOW: "#0000FF",
    cat.HIGH_LOW: "#F4ADA8",
    cat.LOW_HIGH: "#A7ADF9",
    cat.NOT_SIGNIFICANT: "#EEEEEE",
    cat.ISOLATED: "#464646",
}

#: GeoDa's local Geary colours (libgeoda's ``UniGeary``); "Isolated" as on the LISA map.
GEARY_COLORS: dict[str, str] = {
    cat.HIGH_HIGH: "#B2182B",
    cat.LOW_LOW: "#EF8A62",
    cat.OTHER_POSITIVE: "#FDDBC7",
    cat.NEGATIVE: "#67ADC7",
    cat.NOT_SIGNIFICANT: "#EEEEEE",
    cat.ISOLATED: "#464646",
}

#: ArcGIS-like hot (red) and cold (blue) spot colours by confidence.
HOTSPOT_COLORS: dict[str, str] = {
    "Hot spot (99%)": "#D62F27",
    "Hot spot (95%)": "#ED7551",
    "Hot spot (90%)": "#FAB984",
    cat.NOT_SIGNIFICANT: "#EEEEEE",
    "Cold spot (90%)": "#C0CCBE",
    "Cold spot (95%)": "#849EBA",
    "Cold spot (99%)": "#4575B5",
    cat.ISOLATED: "#464646",
}

TARGET_COLORS: dict[str, str] = dict(
    zip(cat.TARGET_LABELS, ("#1A9641", "#FDAE61", "#D7191C"), strict=True)
)


#: Emerging hot spot patterns, ArcGIS-like: reds for hot, blues for cold (darkest for
#: intensifying and persistent, lightest for historical), light grey for no pattern.
EMERGING_COLORS: dict[str, str] = dict(zip(cat.EMERGING_LABELS, (
    "#E31A1C", "#FC4E2A", "#800026", "#BD0026", "#FD8D3C", "#FEB24C", "#FED976", "#FFEDA0",
    "#2171B5", "#4292C6", "#08306B", "#08519C", "#6BAED6", "#9ECAE1", "#C6DBEF", "#D4E4F4",
    "#EEEEEE",
), strict=True))


#: ColorBrewer's sequential ramps (9 classes) and diverging RdBu (11 classes), as in
#: matplotlib's colormaps of those names (Harrower & Brewer 2003, colorbrewer2.org).
_BREWER = {
    "OrRd": ("fff7ec", "fee8c8", "fdd49e", "fdbb84", "fc8d59", "ef6548", "d7301f", "b30000",
             "7f0000"),
    "Blues": ("f7fbff", "deebf7", "c6dbef", "9ecae1", "6baed6", "4292c6", "2171b5", "08519c",
              "08306b"),
    "Greens": ("f7fcf5", "e5f5e0", "c7e9c0", "a1d99b", "74c476", "41ab5d", "238b45", "006d2c",
               "00441b"),
    "YlOrRd": ("ffffcc", "ffeda0", "fed976", "feb24c", "fd8d3c", "fc4e2a", "e31a1c", "bd0026",
               "800026"),
    "RdBu": ("67001f", "b2182b", "d6604d", "f4a582", "fddbc7", "f7f7f7", "d1e5f0", "92c5de",
             "4393c3", "2166ac", "053061"),
}
_LUT_SIZE = 256


def _brewer_colors(name: str, positions: np.ndarray) -> list[str] | None:
    """Sample a ColorBrewer ramp as matplotlib does, without importing matplotlib.

    matplotlib interpolates the control colours linearly into a 256-entry table
    and picks entry ``min(int(p * 256), 255)`` for position ``p``; the same is
    done here, so the colours are identical (tests compare them).
    """
    base = name.removesuffix("_r")
    if base not in _BREWER:
        return None
    anchors = np.array([[int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)] for h in _BREWER[base]])
    if name.endswith("_r"):
        anchors = anchors[::-1]
    grid = np.linspace(0.0, 1.0, len(anchors))
    table = np.column_stack([np.interp(np.linspace(0.0, 1.0, _LUT_SIZE), grid, anchors[:, c])
                             for c in range(3)])
    index = np.minimum((np.asarray(positions) * _LUT_SIZE).astype(int), _LUT_SIZE - 1)
    return ["#" + "".join(f"{round(v * 255):02x}" for v in table[i]) for i in index]


def class_colors(k: int, cmap: str | None = None) -> list[str]:
    """Return ``k`` hex colours sampled evenly from a matplotlib colormap.

    Parameters
    ----------
    k : int
        Number of classes (>= 1).
    cmap : str, optional
        A matplotlib colormap name; default ``"YlOrRd"``.

    Returns
    -------
    list of str
        ``#rrggbb`` colours from light (low values) to dark (high values).

    Examples
    --------
    >>> class_colors(1)
    ['#fd8c3c']
    """
    name = cmap or DEFAULT_CMAP
    positions = np.array([0.5]) if k == 1 else np.linspace(0.0, 1.0, k)
    brewer = _brewer_colors(name, positions)
    if brewer is not None:
        return brewer
    import matplotlib
    from matplotlib.colors import to_hex

    try:
        colormap = matplotlib.colormaps[name]
    except KeyError:
        raise InputError(
            f"cmap={name!r} is not a matplotlib colormap; try 'YlOrRd', 'Blues' or 'viridis'"
        ) from None
    return [to_hex(colormap(float(p))) for p in positions]
