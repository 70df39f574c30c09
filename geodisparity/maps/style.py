"""Colours shared by the HTML and static maps.

Class colours of choropleths come from a matplotlib colormap sampled once per
map; cluster colours follow GeoDa (LISA, local Geary) and ArcGIS (Getis-Ord Gi*
hot spots).

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
    import matplotlib
    from matplotlib.colors import to_hex

    name = cmap or DEFAULT_CMAP
    try:
        colormap = matplotlib.colormaps[name]
    except KeyError:
        raise InputError(
            f"cmap={name!r} is not a matplotlib colormap; try 'YlOrRd', 'Blues' or 'viridis'"
        ) from None
    positions = [0.5] if k == 1 else np.linspace(0.0, 1.0, k)
    return [to_hex(colormap(float(p))) for p in positions]
