"""The Moran scatter plot (Anselin, 1996) as SVG, points coloured by LISA cluster.

Each region is a point: its standardised value ``z`` (deviation from the mean
over the standard deviation, ``ddof=0``) across, the spatial lag ``Wz`` with
row-standardised weights up. The least-squares line through the origin has
slope ``z'Wz / z'z``, which is Moran's I when no region is an island (then
``S0 = n``). The four quadrants are the High-High, Low-High, Low-Low and
High-Low associations; points take the colours of their LISA cluster (GeoDa's)
so the significant ones stand out.

Examples
--------
>>> from geodisparity.spatial.weights import SpatialWeights
>>> w = SpatialWeights.from_sparse([[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]])
>>> points = moran_points([1.0, 2.0, 4.0, 3.0], w)  # a line of four regions
>>> round(points.slope, 4)
0.3
>>> svg = moran_scatter(points, title="Income")
>>> "Moran&#x27;s I = 0.3<" in svg
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from geodisparity.categories import (
    HIGH_HIGH,
    HIGH_LOW,
    ISOLATED,
    LISA_LABELS,
    LOW_HIGH,
    LOW_LOW,
    NOT_SIGNIFICANT,
)
from geodisparity.charts._axes import (
    AXIS,
    GRID,
    INK,
    MUTED,
    Scale,
    escape,
    format_number,
    line,
    nice_ticks,
    number,
    svg_document,
    text,
    x_axis,
    y_axis,
)
from geodisparity.charts._words import word
from geodisparity.errors import InputError
from geodisparity.i18n import translate
from geodisparity.maps.style import LISA_COLORS

__all__ = ["MoranPoints", "moran_points", "moran_scatter", "MAX_LABELLED"]

#: Up to this many regions, each point is a circle with its name on hover; above, one
#: path per cluster keeps the chart small (about 12 bytes a point).
MAX_LABELLED = 600
#: Dots of regions that are not significant: darker than the map's fill, to show on white.
_PLAIN = "#BDBDBD"
_PLOT = 260.0
_LEFT, _TOP, _RIGHT, _BOTTOM = 44.0, 40.0, 150.0, 42.0


@dataclass(frozen=True)
class MoranPoints:
    """Standardised values ``z``, their spatial lag, the clusters, names and the slope."""

    z: np.ndarray
    lag: np.ndarray
    clusters: np.ndarray
    names: tuple[str, ...]
    slope: float


def moran_points(values: Any, weights: Any, *, clusters: Sequence[str] | None = None,
                 names: Sequence[str] | None = None) -> MoranPoints:
    """Return the points of a Moran scatter plot.

    Parameters
    ----------
    values : array-like
        One value per region, in the weights' row order (no missing value).
    weights : SpatialWeights
        Spatial weights; row-standardised here.
    clusters : sequence of str, optional
        LISA cluster label of each region (:data:`geodisparity.categories.LISA_LABELS`);
        default all "Not significant".
    names : sequence of str, optional
        Region names for the hover text; default the weights' ids.

    Returns
    -------
    MoranPoints

    Raises
    ------
    InputError
        If the lengths differ from the weights, a value is missing, or all values are equal.

    Examples
    --------
    >>> from geodisparity.spatial.weights import SpatialWeights
    >>> moran_points([1.0, 1.0], SpatialWeights.from_sparse([[0, 1], [1, 0]]))
    Traceback (most recent call last):
    ...
    geodisparity.errors.InputError: moran_points: values must vary and have no missing value ...
    """
    y = np.asarray(values, dtype=float).ravel()
    n = weights.n
    if len(y) != n or (clusters is not None and len(clusters) != n) or (
            names is not None and len(names) != n):
        raise InputError(f"moran_points: values, clusters and names need one entry for each of "
                         f"the {n} regions of the weights; got {len(y)} values")
    if not np.isfinite(y).all() or np.std(y) == 0:
        raise InputError("moran_points: values must vary and have no missing value "
                         f"({int((~np.isfinite(y)).sum())} missing)")
    z = (y - y.mean()) / y.std()
    lag = np.asarray(weights.row_standardised().sparse @ z)
    labels = np.asarray(clusters if clusters is not None else [NOT_SIGNIFICANT] * n, dtype=object)
    shown = tuple(str(v) for v in (names if names is not None else weights.ids))
    return MoranPoints(z, lag, labels.astype(str), shown, float(z @ lag / (z @ z)))


def _color(cluster: str) -> str:
    return _PLAIN if cluster == NOT_SIGNIFICANT else LISA_COLORS.get(cluster, _PLAIN)


def _dots(points: MoranPoints, sx: Scale, sy: Scale) -> list[str]:
    """Draw the points, not significant ones first so that clusters are drawn on top."""
    xs, ys = sx(points.z), sy(points.lag)
    order = sorted(range(len(xs)), key=lambda i: points.clusters[i] != NOT_SIGNIFICANT)
    if len(xs) <= MAX_LABELLED:
        return [f'<circle cx="{number(xs[i])}" cy="{number(ys[i])}" r="3.2" '
                f'fill="{_color(points.clusters[i])}" stroke="#ffffff" stroke-width="0.5">'
                f"<title>{escape(points.names[i])}: {escape(points.clusters[i])}</title></circle>"
                for i in order]
    parts = []
    for cluster in (NOT_SIGNIFICANT, *[c for c in LISA_LABELS if c != NOT_SIGNIFICANT]):
        chosen = [i for i in order if points.clusters[i] == cluster]
        if chosen:
            d = "".join(f"M{number(xs[i])},{number(ys[i])}h0" for i in chosen)
            parts.append(f'<path d="{d}" stroke="{_color(cluster)}" stroke-width="5.5" '
                         'stroke-linecap="round" fill="none"/>')
    return parts


def _legend(points: MoranPoints, x: float, y: float, lang: str) -> list[str]:
    parts = []
    row = y
    for cluster in LISA_LABELS:
        count = int((points.clusters == cluster).sum())
        if not count and cluster in (ISOLATED,):
            continue
        parts.append(f'<circle cx="{number(x + 5)}" cy="{number(row - 4)}" r="4" '
                     f'fill="{_color(cluster)}"/>')
        parts.append(text(x + 14, row, f"{translate(cluster, lang)} ({count:,})", size=10))
        row += 16
    return parts


def moran_scatter(points: MoranPoints, *, title: str, statistic: float | None = None,
                  lang: str = "en") -> str:
    """Draw the Moran scatter plot with its slope, quadrant lines and a cluster legend.

    Parameters
    ----------
    points : MoranPoints
        From :func:`moran_points`.
    title : str
        Heading inside the chart (escaped).
    statistic : float, optional
        Moran's I to print; default the slope (equal when no region is an island).
    lang : {"en", "zh"}
        Language of the chart's own words and cluster names.

    Returns
    -------
    str
        One ``<svg>`` element.

    Examples
    --------
    >>> from geodisparity.spatial.weights import SpatialWeights
    >>> w = SpatialWeights.from_sparse([[0, 1], [1, 0]])
    >>> svg = moran_scatter(moran_points([1.0, 3.0], w, names=["<A>", "B"]), title="x", lang="zh")
    >>> "&lt;A&gt;" in svg and "莫兰指数" in svg
    True
    """
    extent = float(max(np.abs(points.z).max(), np.abs(points.lag).max(), 1.0))
    ticks = nice_ticks(-extent, extent, count=5)
    left, top = _LEFT, _TOP
    right, bottom = left + _PLOT, top + _PLOT
    sx = Scale((ticks[0], ticks[-1]), (left, right))
    sy = Scale((ticks[0], ticks[-1]), (bottom, top))
    parts = [text(10, 18, title, size=12, bold=True),
             text(left, top - 8, word("spatial_lag", lang), size=10, fill=MUTED)]
    parts += y_axis(sy, ticks, left, right)
    parts += [line(sx(t), top, sx(t), bottom, stroke=GRID) for t in ticks]
    parts += x_axis(sx, ticks, [format_number(t, 2) for t in ticks], bottom, left, right)
    parts.append(text((left + right) / 2, bottom + 30, word("standardised", lang), size=10,
                      anchor="middle", fill=MUTED))
    parts += [line(sx(0), top, sx(0), bottom, stroke=AXIS), line(left, sy(0), right, sy(0),
                                                                  stroke=AXIS)]
    corners = ((HIGH_HIGH, right - 4, top + 12, "end"), (LOW_HIGH, left + 4, top + 12, None),
               (LOW_LOW, left + 4, bottom - 6, None), (HIGH_LOW, right - 4, bottom - 6, "end"))
    parts += [text(x, y, translate(label, lang), size=10, anchor=anchor, fill=MUTED)
              for label, x, y, anchor in corners]
    parts += _dots(points, sx, sy)
    high = ticks[-1]
    reach = min(high, high / abs(points.slope)) if points.slope else high
    parts.append(line(sx(-reach), sy(-reach * points.slope), sx(reach), sy(reach * points.slope),
                      stroke=INK, width=1.8))
    value = points.slope if statistic is None else statistic
    parts.append(text(right + 12, top + 4, word("moran_i", lang, value=format_number(value, 4)),
                      size=11, bold=True))
    parts += _legend(points, right + 12, top + 26, lang)
    return svg_document(right + _RIGHT, bottom + _BOTTOM, title, parts)
