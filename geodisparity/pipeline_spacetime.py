"""Change over time in ``geodisparity run``: emerging hot spots and LISA dynamics.

When the table has a year column, each column of ``[clusters] columns`` gets an
emerging hot spot analysis (:func:`geodisparity.emerging_hotspots`) and a LISA
dynamics analysis (:func:`geodisparity.lisa_dynamics`) over all years, with the
run's weights, permutations, seed, alpha and adjustment. Study-file options,
in ``[clusters]``:

``emerging = true | false``
    Emerging hot spots; by default on when the table has at least 5 years
    (with fewer, no Mann-Kendall trend can reach p < 0.05).
``dynamics = true | false``
    LISA dynamics; by default on with at least 2 years.
``time_lag = 0``
    Earlier years in the emerging hot spot neighbourhood (0 to 10).

A region missing in some year, or a missing value, leaves the analysis out
with a note in the report (the neighbours of the others would change).
This module computes, adds columns to ``clusters.csv`` and atlas layers, and
writes the report's "Change over time" section.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geodisparity.categories import NO_PATTERN
from geodisparity.config import RunConfig
from geodisparity.errors import InputError
from geodisparity.i18n import words as section_words
from geodisparity.pipeline_labels import Labels, display_name
from geodisparity.report import Figure, Section, Table
from geodisparity.report_heat import heat_table
from geodisparity.report_lists import RegionList, region_list

__all__ = ["SpaceTime", "space_time", "space_time_layers", "space_time_sections", "summary",
           "MIN_EMERGING_YEARS"]

logger = logging.getLogger(__name__)

#: Fewest years for the automatic emerging hot spot analysis.
MIN_EMERGING_YEARS = 5
#: Regions named in the report's list of patterns; the rest are counted.
LISTED = 40


@dataclass(frozen=True)
class SpaceTime:
    """Results of the change-over-time stage, by clustering column."""

    emerging: dict[str, Any] = field(default_factory=dict)
    dynamics: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: The columns each note is about (the report names them in its own language).
    left_out: list[str] = field(default_factory=list)

    def join_to(self, cluster_table: pd.DataFrame) -> pd.DataFrame:
        """Add ``<column>_emerging_{cluster,tau,p_trend,n_hot,n_cold}`` to the cluster table."""
        parts = [cluster_table]
        for column, result in self.emerging.items():
            regions = result.regions.rename(columns={"category": "cluster"})
            keep = regions[["cluster", "tau", "p_trend", "n_hot", "n_cold"]]
            parts.append(keep.reindex(cluster_table.index).add_prefix(f"{column}_emerging_"))
        return pd.concat(parts, axis=1)


def _wanted(option: bool | None, years: int, minimum: int) -> bool:
    return years >= minimum if option is None else bool(option) and years >= 2


def space_time(long: pd.DataFrame, weights: Any, config: RunConfig) -> SpaceTime:
    """Run the emerging hot spot and LISA dynamics analyses a configuration asks for.

    Parameters
    ----------
    long : DataFrame
        The joined table with derived indicators, all years.
    weights : SpatialWeights
        The run's weights (ids: the boundary key).
    config : RunConfig
        The study.

    Returns
    -------
    SpaceTime
    """
    from geodisparity import emerging_hotspots, lisa_dynamics

    c, year, key = config.clusters, config.table.year, config.boundaries.key
    if year is None or not c.columns:
        return SpaceTime()
    years = int(pd.Series(long[year]).dropna().nunique())
    options = {"time": year, "id": key, "permutations": c.permutations, "alpha": c.alpha,
               "adjust": c.adjust, "seed": c.seed}
    emerging: dict[str, Any] = {}
    dynamics: dict[str, Any] = {}
    notes: list[str] = []
    left_out: list[str] = []
    for column in c.columns:
        frame = pd.DataFrame(long[[key, year, column]])
        try:
            if _wanted(c.emerging, years, MIN_EMERGING_YEARS):
                emerging[column] = emerging_hotspots(frame, column, weights,
                                                     time_lag=c.time_lag, **options)
            if _wanted(c.dynamics, years, 2):
                dynamics[column] = lisa_dynamics(frame, column, weights, **options)
        except InputError as exc:
            logger.warning("change over time of %s left out: %s", column, exc)
            notes.append(f"{column}: {exc}")
            left_out.append(column)
    return SpaceTime(emerging, dynamics, notes, left_out)


def space_time_layers(space: SpaceTime | None, cluster_table: pd.DataFrame,
                      lang: str, *, labels: Any = None) -> list[dict[str, Any]]:
    """Atlas layers of the emerging hot spot patterns, one per column, named with their years."""
    from geodisparity.pipeline_labels import Labels

    if space is None:
        return []
    labels = labels or Labels(lang)
    layers = []
    for column, found in space.emerging.items():
        prefix = f"{column}_emerging_"
        columns = [c for c in cluster_table if c.startswith(prefix)]
        result = cluster_table[columns].set_axis([c[len(prefix):] for c in columns], axis=1)
        name = labels.say("layer.emerging", label=labels.label(column))
        periods = tuple(found.periods)
        layers.append({"column": column, "kind": "emerging", "result": result,
                       "label": labels.with_year(name, (periods[0], periods[-1])),
                       "value_label": labels.label(column), "unit": labels.unit(column)})
    return layers


def _label(text: str, lang: str) -> str:
    from geodisparity.i18n import translate

    return translate(text, lang)


def _emerging_part(column: str, result: Any, regions: tuple[pd.Series, pd.Series | None] | None,
                   lang: str, words: dict[str, str]
                   ) -> tuple[list[str | RegionList], list[Table]]:
    periods = result.periods
    lag = words["lag"].format(k=result.time_lag) if result.time_lag else ""
    rule = words["emerging_rule"].format(column=column, start=periods[0], end=periods[-1],
                                         periods=len(periods), lag=lag, alpha=result.alpha)
    counts = result.counts()
    table = pd.DataFrame({words["pattern"]: [_label(p, lang) for p in counts.index],
                          words["regions"]: counts.to_numpy()})
    table = table[counts.to_numpy() > 0]
    category = result.regions["category"].astype(str)
    shown = category[category != NO_PATTERN]
    names, parents = regions or (pd.Series(category.index.astype(str), index=category.index),
                                 None)
    caption = words["emerging_caption"].format(column=column)
    tables = [Table.from_frame(table, caption=caption)]
    if not len(shown):
        return [rule, words["none_listed"].format(column=column)], tables
    listed = region_list(words["pattern_list"].format(column=column),
                         names.reindex(shown.index), notes=shown.map(lambda p: _label(p, lang)),
                         parents=parents, lang=lang)
    return [rule, listed], tables


def _dynamics_part(column: str, result: Any, labels: Labels,
                   words: dict[str, str]) -> tuple[list[str | RegionList], list[Table]]:
    lang = labels.lang
    kept = ("–" if np.isnan(result.significant_cohesion)
            else f"{result.significant_cohesion:.1%}")
    text = words["dynamics_rule"].format(column=column, cohesion=result.cohesion, kept=kept)
    matrix = result.to_frame()
    matrix.index = [_label(q, lang) for q in matrix.index]
    matrix.columns = [_label(q, lang) for q in matrix.columns]
    types = result.by_period.drop(columns=["significant_start", "significant_kept"])
    return [text], [
        heat_table(matrix, caption=words["matrix_caption"].format(column=column),
                   file_name=f"lisa_markov_{column}", lang=lang),
        Table.from_frame(labels.frame(types),
                         caption=words["types_caption"].format(column=column)),
    ]


def _pattern_figure(current: pd.DataFrame, column: str, result: Any, lang: str,
                    caption: str, canvas: Any = None) -> Figure:
    """Draw a static map of the emerging hot spot patterns of one column."""
    from geodisparity.maps import Layer
    from geodisparity.maps.svg import svg_map

    layer = Layer(column, kind="emerging", result=result.regions, label=caption)
    drawn = svg_map(current, layer, lang=lang, canvas=canvas)
    note = f" {drawn.unmapped}" if drawn.unmapped else ""
    return Figure.from_svg(drawn.markup, caption + note)


def summary(space: SpaceTime | None) -> dict[str, Any]:
    """Plain numbers for ``summary.json``: pattern counts and LISA dynamics by column.

    Examples
    --------
    >>> summary(SpaceTime())
    {'emerging_hotspots': {}, 'lisa_dynamics': {}, 'left_out': []}
    """
    space = space or SpaceTime()
    return {
        "emerging_hotspots": {column: {k: int(v) for k, v in r.counts().items() if v}
                              for column, r in space.emerging.items()},
        "lisa_dynamics": {column: {"cohesion": r.cohesion,
                                   "significant_cohesion": None
                                   if np.isnan(r.significant_cohesion)
                                   else r.significant_cohesion,
                                   "transitions": r.counts.tolist()}
                          for column, r in space.dynamics.items()},
        "left_out": list(space.notes),
    }


def space_time_sections(config: RunConfig, space: SpaceTime | None,
                        current: pd.DataFrame, *, canvas: Any = None,
                        regions: tuple[pd.Series, pd.Series | None] | None = None,
                        ) -> list[Section]:
    """Write the report's "Change over time" section (none when nothing was computed).

    ``regions`` holds the regions' names and parents for the lists of regions
    (:func:`geodisparity.pipeline_report.region_names`); default the
    boundaries' name column, with no parent.
    """
    if space is None or not (space.emerging or space.dynamics or space.notes):
        return []
    lang = config.lang
    words = section_words("time", lang)
    labels = Labels.of(config, current.columns)
    name = display_name(config, current.columns)
    if regions is None and name and name in current:
        regions = (current[name], None)
    paragraphs: list[str | RegionList] = []
    tables: list[Table] = []
    for column in config.clusters.columns:
        parts = []
        label = labels.label(column)
        if column in space.emerging:
            parts.append(_emerging_part(label, space.emerging[column], regions, lang, words))
        if column in space.dynamics:
            parts.append(_dynamics_part(label, space.dynamics[column], labels, words))
        for text, found in parts:
            paragraphs += text
            tables += found
    if lang == "en":
        paragraphs += [words["left_out"].format(note=note) for note in space.notes]
    else:  # the error's own words are English: say what happened instead
        paragraphs += [words["left_out_column"].format(column=labels.label(column))
                       for column in space.left_out]
    figures = []
    if space.emerging:  # a static map of the first column's patterns
        column, result = next(iter(space.emerging.items()))
        periods = tuple(result.periods)
        caption = labels.with_year(words["figure"].format(column=labels.label(column)),
                                   (periods[0], periods[-1]))
        figures.append(_pattern_figure(current, column, result, lang, caption, canvas))
    return [Section(words["title"], paragraphs, tables, figures)]
