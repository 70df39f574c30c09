"""The report's charts, drawn from a run's results: trends, Lorenz curves, Moran plots, shares.

:mod:`geodisparity.pipeline_report` places these figures in its sections: the
gap statistics over the years (with the study's ``[[targets]]``) and the Lorenz
curves of the first and the analysis year under "The three gaps", the
decomposition shares under "Decompositions", a Moran scatter plot per
clustering column under "Spatial clustering". Headings come from the study
(column names, labels) and enter the SVG only as escaped text.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geodisparity.config import RunConfig
from geodisparity.errors import InputError
from geodisparity.i18n import message
from geodisparity.report import Figure

if TYPE_CHECKING:  # pragma: no cover
    from geodisparity.pipeline import _Analysis

__all__ = ["column_label", "gap_figures", "decomposition_figure", "moran_figure",
           "CHART_STATISTICS"]

logger = logging.getLogger(__name__)

#: Columns of the gap table drawn over the years, in reading order.
CHART_STATISTICS = ("urban_rural_ratio", "regional_max_min_ratio", "regional_williamson",
                    "regional_theil_between_share", "income_gini")



def column_label(config: RunConfig, column: str) -> str:
    """Return the study's label of a column (its ``[[indicators]]`` label), else the column."""
    from geodisparity.pipeline_labels import Labels

    return Labels.of(config).label(column)


def gap_figures(config: RunConfig, result: _Analysis, headers: dict[str, str]) -> list[Figure]:
    """Trend charts of the gap statistics (two or more years), then the Lorenz curves."""
    from geodisparity.charts import trend_chart

    gaps, lang = result.gaps, config.lang
    figures = []
    if "year" in gaps and gaps["year"].nunique() >= 2:
        targets = {t.column: t for t in config.targets if isinstance(t.target, int | float)}
        for column in CHART_STATISTICS:
            if column not in gaps or not np.isfinite(gaps[column].to_numpy(float)).any():
                continue
            target = targets.get(column)
            svg = trend_chart(gaps["year"].astype(int), gaps[column].astype(float),
                              title=headers.get(column, column), lang=lang,
                              target=None if target is None else float(target.target),
                              target_year=None if target is None else target.target_year)
            figures.append(Figure.from_svg(svg, target.label_in(lang) if target else ""))
    lorenz = _lorenz_figure(config, result)
    return figures + ([lorenz] if lorenz else [])


def _lorenz_figure(config: RunConfig, result: _Analysis) -> Figure | None:
    """Lorenz curves of the income in the first year and the analysis year."""
    from geodisparity.charts import lorenz, lorenz_chart

    a, year_column, lang = config.analysis, config.table.year, config.lang
    frames: list[tuple[str, pd.DataFrame]] = [("" if result.year is None else str(result.year),
                                               pd.DataFrame(result.current))]
    long = getattr(result, "long", None)
    if year_column and long is not None and long[year_column].nunique() > 1:
        first = long[year_column].min()
        if result.year is not None and first != result.year:
            frames.insert(0, (str(int(first)), pd.DataFrame(long[long[year_column] == first])))
    curves = []
    for label, frame in frames:
        columns = [a.income, *([a.population] if a.population else [])]
        data = frame[columns].dropna()
        try:
            curves.append(lorenz(data[a.income], data[a.population] if a.population else None,
                                 label=label))
        except InputError as error:  # e.g. negative values: no curve, the rest of the report
            logger.warning("Lorenz curve of %s (%s) not drawn: %s", a.income, label, error)
    if not curves:
        return None
    title = message("chart.lorenz_title", lang, column=column_label(config, a.income))
    return Figure.from_svg(lorenz_chart(curves, title=title, lang=lang), "")


def decomposition_figure(config: RunConfig, group: str, parts: dict[str, Any]) -> Figure:
    """Theil and Dagum decomposition shares by one group column, as bars."""
    from geodisparity.charts import decomposition_bars

    lang = config.lang
    title = message("chart.shares_title", lang, group=column_label(config, group))
    return Figure.from_svg(decomposition_bars(parts["theil"], parts["dagum"], title=title,
                                              lang=lang), "")


def moran_figure(config: RunConfig, result: _Analysis, column: str,
                 names: pd.Series | None = None) -> Figure | None:
    """Draw the Moran scatter plot of one clustering column, coloured by LISA cluster."""
    from geodisparity.charts import moran_points, moran_scatter

    weights, lang = result.weights, config.lang
    ids = weights.ids
    values = result.current[column].reindex(ids)
    clusters = result.cluster_table[f"{column}_lisa_cluster"].reindex(ids).astype(str)
    shown = names.reindex(ids).astype(str).tolist() if names is not None else None
    try:
        points = moran_points(values.to_numpy(float), weights, clusters=clusters.tolist(),
                              names=shown)
    except InputError as error:
        logger.warning("Moran scatter plot of %s not drawn: %s", column, error)
        return None
    table = result.global_table
    row = table[table["column"] == column]
    statistic = float(row["moran_i"].iloc[0]) if len(row) else None
    title = message("chart.moran_title", lang, column=column_label(config, column))
    return Figure.from_svg(moran_scatter(points, title=title, statistic=statistic, lang=lang),
                           "")
