"""Turn a run's results into the sections of the HTML report.

Kept apart from :mod:`geodisparity.pipeline` so that the computing stages and
the wording a planner reads can change independently.
"""

from __future__ import annotations

import os
from pathlib import Path, PureWindowsPath
from typing import TYPE_CHECKING, Any

import pandas as pd

from geodisparity.categories import HOTSPOT_LABELS, ISOLATED, LISA_LABELS, NOT_SIGNIFICANT
from geodisparity.config import RunConfig
from geodisparity.i18n import MESSAGES
from geodisparity.i18n import words as report_words
from geodisparity.pipeline_atlas import layer_name, unprefix
from geodisparity.pipeline_charts import decomposition_figure, gap_figures, moran_figure
from geodisparity.pipeline_labels import Labels
from geodisparity.pipeline_missing import notes_section
from geodisparity.pipeline_targets import GROUP_COLUMNS
from geodisparity.pipeline_targets_report import target_sections
from geodisparity.report import Figure, Section, Table
from geodisparity.report_heat import heat_table
from geodisparity.report_lists import display_names, parent_column, region_list

if TYPE_CHECKING:  # pragma: no cover
    from geodisparity.maps.svg import MapCanvas
    from geodisparity.pipeline import _Analysis

__all__ = ["build_sections", "region_names", "file_name", "GAP_HEADERS", "GAP_HEADERS_ZH"]

#: Readable headers for the columns of :func:`geodisparity.gaps` (from :mod:`geodisparity.i18n`).
GAP_HEADERS = report_words("gaps", "en")
#: Chinese headers for the columns of :func:`geodisparity.gaps`.
GAP_HEADERS_ZH = report_words("gaps", "zh")


def build_sections(config: RunConfig, result: _Analysis) -> list[Section]:
    """Assemble the report's sections, in reading order."""
    from geodisparity.maps.svg import map_canvas

    words = report_words("report", config.lang)
    labels = Labels.of(config, result.current.columns)
    canvas = map_canvas(result.current)  # projected and simplified once for every map
    headers = GAP_HEADERS_ZH if config.lang == "zh" else GAP_HEADERS
    gaps = result.gaps.rename(columns=headers)
    sections = [
        _data_section(config, result, words),
        Section(words["gaps"], [words["gaps_intro"]], [Table.from_frame(gaps)],
                gap_figures(config, result, headers)),
        _maps_section(config, result, labels, canvas),
    ]
    sections[2:2] = target_sections(config, result.targets)  # after the gaps
    notes = notes_section(config, result.left_out)  # regions left out, no permutation test
    sections[1:1] = [notes] if notes is not None else []
    if result.decompositions or len(result.intervals):
        sections.append(_decomposition_section(config, result, words, labels))
    if result.convergence:
        sections.append(_convergence_section(result.convergence, words, labels))
    if len(result.global_table):
        sections.append(_cluster_section(config, result, words, labels))
    from geodisparity.pipeline_spacetime import space_time_sections

    sections += space_time_sections(config, result.space_time, result.current, canvas=canvas,
                                    regions=region_names(config, result.current))
    from geodisparity.pipeline_access import access_sections

    sections += access_sections(config, result.access, result.current, result.year)
    return sections


def _data_section(config: RunConfig, result: _Analysis, words: dict[str, str]) -> Section:
    lines = [  # file names only: the report must not show the paths of the machine
        words["boundaries_line"].format(source=file_name(config.boundaries.source),
                                        n=len(result.current)),
    ]
    if config.table.path is not None:  # else the attributes of the boundary file
        lines.append(words["table_line"].format(path=file_name(config.table.path)))
    if result.year is not None:
        lines.append(words["year_line"].format(year=result.year))
    if result.join_report is not None:
        lines += [line for line in result.join_report.summary(config.lang).splitlines()
                  if line.strip()]
    return Section(words["data"], lines)


def _maps_section(config: RunConfig, result: _Analysis, labels: Labels,
                  canvas: MapCanvas) -> Section:
    """Draw static maps of the income and of the first clustering column's LISA clusters."""
    from geodisparity.config import MapLayer
    from geodisparity.maps import Layer
    from geodisparity.maps.svg import svg_map

    income, year, c = config.analysis.income, result.year, config.clusters
    specs = [Layer(income, label=layer_name(MapLayer(income), labels, year),
                   unit=labels.unit(income))]
    if c.columns:
        column = c.columns[0]
        lisa = unprefix(result.cluster_table, f"{column}_lisa_")
        specs.append(Layer(column, kind="lisa", result=lisa, unit=labels.unit(column),
                           label=layer_name(MapLayer(column, kind="lisa"), labels, year),
                           value_label=labels.label(column), alpha=c.alpha, adjust=c.adjust))
    figures = []
    for layer in specs:
        drawn = svg_map(result.current, layer, lang=config.lang, canvas=canvas)
        note = f" {drawn.unmapped}" if drawn.unmapped else ""
        figures.append(Figure.from_svg(drawn.markup, f"{layer.label}{note}"))
    return Section(labels.say("report.maps"), [], [], figures)


def _decomposition_section(config: RunConfig, result: _Analysis, words: dict[str, str],
                           labels: Labels) -> Section:
    year, current = result.year, result.current
    title = labels.with_year(words["decomposition"], year)
    paragraphs: list[str] = []
    tables: list[Table] = []
    if len(result.intervals):
        intervals = result.intervals.copy()
        if "index" in intervals:
            intervals["index"] = intervals["index"].map(labels.label)
        tables.append(Table.from_frame(labels.frame(intervals), caption=words["intervals"]))
    for group, parts in result.decompositions.items():
        theil, dagum, test = parts["theil"], parts["dagum"], parts["test"]
        name = labels.label(group)
        paragraphs.append(words["by_group"].format(
            group=name, theil=theil.total, between=theil.between_share, p=test.p_value,
            gini=dagum.gini, within=dagum.within_share, net=dagum.net_between_share,
            trans=dagum.transvariation_share,
        ))
        groups = theil.groups.copy()
        shown = labels.values_of(group, current)
        if "group" in groups:
            groups["group"] = groups["group"].map(lambda v, m=shown: m.get(v, v))
        tables.append(Table.from_frame(labels.frame(groups),
                                       caption=words["theil_caption"].format(group=name)))
        matrix = labels.matrix(dagum.gini_matrix, column=group, regions=current)
        tables.append(heat_table(matrix, file_name=f"dagum_{group}", lang=labels.lang,
                                 caption=words["dagum_caption"].format(group=name)))
    figures = [decomposition_figure(config, group, parts)
               for group, parts in result.decompositions.items()]
    return Section(title, paragraphs, tables, figures)


def _convergence_section(convergence: dict[str, Any], words: dict[str, str],
                         labels: Labels) -> Section:
    sigma, beta = convergence["sigma"], convergence["beta"]
    converging = beta.speed is not None and beta.speed > 0 and beta.half_life is not None
    implied = (words["implied"].format(speed=beta.speed, half_life=beta.half_life)
               if converging else words["not_implied"])
    paragraphs = [
        words["sigma"].format(
            measure=labels.in_sentence(sigma.measure), slope=abs(sigma.slope), p=sigma.p_value,
            years=sigma.n_years, trend=words["narrowing"] if sigma.slope < 0 else words["widening"],
        ),
        words["beta"].format(start=beta.start, end=beta.end, beta=beta.beta, se=beta.std_error,
                             p=beta.p_value, n=beta.n, implied=implied),
    ]
    return Section(words["convergence"], paragraphs, [Table.from_frame(labels.frame(sigma.table))])


def _cluster_section(config: RunConfig, result: _Analysis, words: dict[str, str],
                     labels: Labels) -> Section:
    c, weights = config.clusters, result.weights
    paragraphs = [words["weights_line"].format(
        rule=labels.say(f"rule.{c.weights}", k=c.k) if f"rule.{c.weights}" in MESSAGES
        else c.weights, n=weights.n, added=len(weights.added_links),
        permutations=c.permutations, alpha=c.alpha,
        adjust=words[f"adjust_{c.adjust or 'none'}"],
    ), words["hotspot_rule"]]
    moran = result.global_table.copy()
    if "column" in moran:
        moran["column"] = moran["column"].map(labels.label)
    tables = [Table.from_frame(labels.frame(moran), caption=words["moran_caption"])]
    names, parents = region_names(config, result.current)
    for column in c.columns:
        lisa = result.cluster_table[f"{column}_lisa_cluster"].astype(str)
        gi = result.cluster_table[f"{column}_gi_cluster"].astype(str)
        regions = labels.label("regions")
        counts = pd.concat([
            lisa.value_counts().reindex(LISA_LABELS, fill_value=0).rename(regions)
            .rename_axis(labels.label("lisa_cluster")).reset_index(),
            gi.value_counts().reindex(HOTSPOT_LABELS, fill_value=0).rename(regions + " ")
            .rename_axis(labels.label("gi_class")).reset_index(),
        ], axis=1)
        label = labels.label(column)
        tables.append(Table.from_frame(labels.frame(counts),
                                       caption=words["cluster_caption"].format(column=label)))
        significant = lisa[~lisa.isin([NOT_SIGNIFICANT, ISOLATED])]
        if len(significant):  # one line when short, grouped by parent and folded when long
            paragraphs.append(region_list(
                words["cluster_list"].format(column=label), names.reindex(significant.index),
                notes=significant.map(labels.value), parents=parents, lang=config.lang))
        else:
            paragraphs.append(words["no_clusters"].format(column=label))
    shown = display_names(names, parents, lang=config.lang)
    figures = [moran_figure(config, result, column, shown) for column in c.columns]
    return Section(words["clusters"], paragraphs, tables, [f for f in figures if f])


def region_names(config: RunConfig, current: pd.DataFrame) -> tuple[pd.Series, pd.Series | None]:
    """Return the regions' names (their keys when there is no name column) and parents.

    The parent (prefecture, state) is the task book's group column when the
    regions have one, else the ``[analysis] groups`` column with the most groups;
    names and parents are shown in the report's language when the regions
    have both (``name_en`` / ``name_zh``).
    """
    from geodisparity.pipeline_labels import Labels

    labels = Labels(config.lang, columns=tuple(map(str, current.columns)))
    name = config.boundaries.name and labels.display(config.boundaries.name)
    names = (current[name] if name and name in current
             else pd.Series(current.index.astype(str), index=current.index))
    groups = sorted(config.analysis.groups, key=lambda g: -current[g].nunique()
                    if g in current else 0)
    column = parent_column(pd.DataFrame(current), [*GROUP_COLUMNS.get(
        config.lang, GROUP_COLUMNS["en"]), *groups])
    return names, (current[labels.display(column)] if column else None)


def file_name(path: str | os.PathLike[str]) -> str:
    """Return the last part of a path (a bundled layer's name unchanged).

    Examples
    --------
    >>> file_name("/home/ana/data/counties.shp"), file_name("zhejiang/counties")
    ('counties.shp', 'zhejiang/counties')
    """
    from geodisparity import boundaries

    text = str(path)
    if text in boundaries.available():
        return text
    return PureWindowsPath(text).name if "\\" in text else Path(text).name
