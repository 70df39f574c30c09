"""The targets stage of ``geodisparity run``: attainment, task books, composite index.

Called by :mod:`geodisparity.pipeline` through four small hooks:
:func:`target_outputs` (which files), :func:`analyse_targets` (compute),
:func:`write_target_outputs` (CSV and Excel) and :func:`target_layers` (atlas);
:mod:`geodisparity.pipeline_targets_report` words the report section. The stage
does nothing when the study file sets no target and no composite index.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from geodisparity.config import RunConfig
from geodisparity.indicators import Indicator
from geodisparity.pipeline_labels import Labels, display_name
from geodisparity.stats.composite import CompositeIndex
from geodisparity.taskbook import TaskBook

__all__ = ["TargetRun", "target_outputs", "analyse_targets", "write_target_outputs",
           "target_layers", "OFF_TRACK_COLUMN", "OFF_TRACK_LIST_COLUMN"]

logger = logging.getLogger(__name__)

#: Columns added to the regions (and ``regions.csv``) by the targets stage.
OFF_TRACK_COLUMN = "targets_off_track"
OFF_TRACK_LIST_COLUMN = "targets_off_track_list"
SCORE_COLUMN, RANK_COLUMN = "composite_score", "composite_rank"

#: Columns tried, in order, for the prefecture of a county in the task book.
GROUP_COLUMNS = {"en": ("prefecture_en", "prefecture_zh", "prefecture_code", "prefecture"),
                 "zh": ("prefecture_zh", "prefecture_en", "prefecture_code", "prefecture")}


@dataclass(frozen=True)
class TargetRun:
    """What the targets stage computed.

    Attributes
    ----------
    year : int or None
        The analysis year (the task book's year).
    regions : DataFrame or None
        :func:`~geodisparity.target_attainment` of the regions' indicators, all years.
    gaps : DataFrame or None
        The same for the province-level gap statistics (``[[targets]]``).
    book : TaskBook or None
        The analysis year's task book.
    composite : CompositeIndex or None
        The composite index, all years.
    indicators : tuple of Indicator
        Every indicator with a target or in the composite, for labels and units.
    group : str or None
        Column grouping the regions in the task book (e.g. prefecture).
    names : Series or None
        Region names by key, when the boundaries have a name column.
    """

    year: int | None
    regions: pd.DataFrame | None
    gaps: pd.DataFrame | None
    book: TaskBook | None
    composite: CompositeIndex | None
    indicators: tuple[Indicator, ...]
    group: str | None
    names: pd.Series | None = None

    def label(self, column: str, lang: str) -> str:
        """Return the display label of an indicator or gap statistic column."""
        for indicator in self.indicators:
            if indicator.column == column and indicator.label is not None:
                return indicator.label_in(lang)
        return Labels(lang).label(column)

    def annotate(self, current: Any, key: str) -> Any:
        """Add off-track counts and lists, and the composite score and rank, to the regions."""
        out = current.copy()
        if self.book is not None:
            per = self.book.per_region
            keys = out[key]
            out[OFF_TRACK_COLUMN] = keys.map(per["off_track"]).fillna(0).astype(int).to_numpy()
            out[OFF_TRACK_LIST_COLUMN] = keys.map(per["indicators"]).fillna("").to_numpy()
        if self.composite is not None:
            scores = self.composite.scores
            if self.year is not None and "year" in scores:
                scores = scores[scores["year"] == self.year]
            scores = scores.drop_duplicates(key).set_index(key)
            out[SCORE_COLUMN] = out[key].map(scores["score"]).to_numpy()
            out[RANK_COLUMN] = out[key].map(scores["rank"]).to_numpy()
        return out


def _target_indicators(config: RunConfig) -> list[Indicator]:
    return [e.indicator for e in config.indicators if e.indicator.target is not None]


def target_outputs(config: RunConfig) -> dict[str, str]:
    """Return the extra output files of a run (kind -> file name); empty without targets."""
    files: dict[str, str] = {}
    if _target_indicators(config):
        files.update(taskbook="taskbook.csv", workbook="taskbook.xlsx")
    if _target_indicators(config) or config.targets:
        files["targets"] = "attainment.csv"
    if config.composite is not None:
        files["composite"] = "composite.csv"
    return files


def analyse_targets(long: Any, current: Any, gap_table: pd.DataFrame, config: RunConfig,
                    year: int | None) -> TargetRun | None:
    """Compute attainment, the task book and the composite index the study file asks for."""
    from geodisparity import target_attainment, task_book

    if not target_outputs(config):
        return None
    key, year_column = config.boundaries.key, config.table.year
    a = config.attainment
    options = {"tolerance": a.tolerance, "pace": a.pace, "window": a.window,
               "at_risk": a.at_risk}
    plain, plain_current = _plain(long), _plain(current)  # each once: a copy of the frame
    items = _target_indicators(config)
    regions = book = None
    group = _group_column(current, config)
    name = display_name(config, current.columns)
    if items:
        regions = target_attainment(plain, items, year=year_column, id=key, **options)
        labels = {i.column: i.label_in(config.lang) for i in items}
        book = task_book(regions, id=key, year=year_column, as_of=year, regions=plain_current,
                         group=group, name=name, labels=labels)
    gaps = None
    if config.targets:
        gaps = target_attainment(_gap_frame(plain, gap_table, config), list(config.targets),
                                 year="year" if year_column else None, id="scope", **options)
    composite = _composite(plain, config)
    described = {e.name: e.indicator for e in config.indicators}
    every = (*items, *config.targets,
             *[described[n] for n in (config.composite.indicators if config.composite else ())])
    names = (plain_current.drop_duplicates(key).set_index(key)[name]
             if name and name in current.columns else None)
    return TargetRun(year, regions, gaps, book, composite, tuple(every), group, names)


def _plain(frame: Any) -> pd.DataFrame:
    geometry = getattr(frame, "_geometry_column_name", None)
    data = frame.drop(columns=[geometry]) if geometry in frame else frame
    return pd.DataFrame(data).reset_index(drop=True)


def _group_column(current: Any, config: RunConfig) -> str | None:
    return next((c for c in GROUP_COLUMNS.get(config.lang, GROUP_COLUMNS["en"])
                 if c in current.columns), None)


def _gap_frame(plain: pd.DataFrame, gap_table: pd.DataFrame, config: RunConfig) -> pd.DataFrame:
    """Return the gap statistics per year, with the population-weighted Theil index added."""
    from geodisparity import theil

    a, year = config.analysis, config.table.year
    frame = gap_table.copy()
    data = plain.dropna(subset=[a.income])
    if year is None:
        frame["income_theil"] = theil(a.income, a.population, data=data)
    else:
        by_year = {y: theil(a.income, a.population, data=part)
                   for y, part in data.groupby(year, sort=True)}
        frame["income_theil"] = frame["year"].map(by_year)
    frame["scope"] = "province"
    return frame


def _composite(plain: pd.DataFrame, config: RunConfig) -> CompositeIndex | None:
    from geodisparity import composite_index

    c = config.composite
    if c is None:
        return None
    described = {e.name: e.indicator for e in config.indicators}
    return composite_index(
        plain, [described[name] for name in c.indicators], weights=c.weights, method=c.method,
        normalise=c.normalise, reference_year=c.reference_year, year=config.table.year,
        id=config.boundaries.key, draws=c.draws, perturbation=c.perturbation, seed=c.seed,
    )


def write_target_outputs(run: TargetRun | None, staged: dict[str, Path]) -> None:
    """Write the task book (CSV and Excel), the attainment table and the composite scores."""
    from geodisparity.pipeline import write_frame
    from geodisparity.taskbook import write_excel

    if run is None:
        return
    if run.book is not None:
        write_frame(run.book.items, staged["taskbook"], overwrite=True)
        write_excel(run.book, staged["workbook"], overwrite=True)
    if "targets" in staged:
        parts = [part for part in (run.regions, run.gaps) if part is not None]
        write_frame(pd.concat(parts, ignore_index=True), staged["targets"], overwrite=True)
    if run.composite is not None:
        write_frame(run.composite.to_frame(), staged["composite"], overwrite=True)


def target_layers(run: TargetRun | None, config: RunConfig) -> list[dict[str, Any]]:
    """Atlas layers: targets off track per region (tooltip lists them) and the composite."""
    from geodisparity.i18n import message, translate

    if run is None:
        return []
    lang = config.lang
    def named(term: str) -> str:
        text = translate(term, lang)
        return text if run.year is None else message("layer.year", lang, label=text, year=run.year)

    layers: list[dict[str, Any]] = []
    if run.book is not None:
        n = len(_target_indicators(config))
        layers.append({
            "column": OFF_TRACK_COLUMN, "kind": "choropleth", "scheme": "user_defined",
            "breaks": tuple(float(b) for b in range(n + 1)), "cmap": "OrRd",
            "label": named("Targets off track"),
            "tooltip": {OFF_TRACK_LIST_COLUMN: translate("Off track", lang)},
        })
    if run.composite is not None:
        layers.append({
            "column": SCORE_COLUMN, "kind": "choropleth", "scheme": "quantiles", "k": 5,
            "label": named("Composite index"),
            "tooltip": {RANK_COLUMN: translate("Composite rank", lang)},
        })
    return layers
