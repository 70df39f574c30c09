"""Charts for the HTML report, written as small inline SVG (no matplotlib, no JavaScript).

One module per kind of chart: :mod:`~geodisparity.charts.trend` (a gap
statistic over the years, with its target), :mod:`~geodisparity.charts.lorenz`
(Lorenz curves and the line of equality), :mod:`~geodisparity.charts.moran`
(the Moran scatter plot, coloured by LISA cluster) and
:mod:`~geodisparity.charts.bars` (decomposition shares). They share the scales,
ticks and element writers of :mod:`geodisparity.charts._axes`. Every chart is
one ``<svg>`` whose text is escaped character data and which passes
:func:`geodisparity.maps.svg.check_svg`, so the report embeds it like a map.

Examples
--------
>>> from geodisparity.maps.svg import check_svg
>>> svg = lorenz_chart([lorenz([1, 2, 3, 10], label="2023")], title="<Income>", lang="zh")
>>> check_svg(svg) == svg and "&lt;Income&gt;" in svg and "基尼系数" in svg
True
"""

from geodisparity.charts._axes import nice_ticks
from geodisparity.charts.bars import decomposition_bars, share_bars
from geodisparity.charts.lorenz import Lorenz, lorenz, lorenz_chart
from geodisparity.charts.moran import MoranPoints, moran_points, moran_scatter
from geodisparity.charts.trend import trend_chart

__all__ = [
    "nice_ticks",
    "trend_chart",
    "Lorenz",
    "lorenz",
    "lorenz_chart",
    "MoranPoints",
    "moran_points",
    "moran_scatter",
    "share_bars",
    "decomposition_bars",
]
