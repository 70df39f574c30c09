"""The report's targets sections: gap targets, the task book and the composite index.

Words in English and Chinese, like :mod:`geodisparity.pipeline_report`; every
value from the data goes through :class:`geodisparity.report.Table` (escaped)
or into a paragraph that the report template escapes.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from geodisparity.config import RunConfig
from geodisparity.i18n import MESSAGES, bool_word, listing, term
from geodisparity.i18n import words as section_words
from geodisparity.pipeline_labels import Labels
from geodisparity.pipeline_targets import TargetRun
from geodisparity.report import Section, Table
from geodisparity.stats.attainment import PACE_STATUSES, STATUSES
from geodisparity.stats.composite import STABLE_SHARE

__all__ = ["target_sections", "TOP_ITEMS"]

#: How many task-book items the report lists (all are in taskbook.csv).
TOP_ITEMS = 25

def _term(text: Any, lang: str) -> Any:
    return term(text, lang)


def _localise(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Show status words, booleans and headings in the report's language."""
    labels = Labels(lang)
    out = frame.copy()
    for column in ("status", "pace_status"):
        if column in out:
            out[column] = out[column].map(lambda v: _term(v, lang))
    for column in out.columns:
        if pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].map(lambda v: bool_word(v, lang))
    return out.rename(columns=lambda c: _term(c, lang) if _is_term(c) else labels.label(c))


def _is_term(column: Any) -> bool:
    return isinstance(column, str) and f"targets.term.{column.replace(' ', '_')}" in MESSAGES


def target_sections(config: RunConfig, run: TargetRun | None) -> list[Section]:
    """Return the targets section and the composite index section (when computed)."""
    if run is None:
        return []
    words = section_words("targets", config.lang)
    sections = []
    if run.regions is not None or run.gaps is not None:
        sections.append(_targets_section(config, run, words))
    if run.composite is not None:
        sections.append(_composite_section(config, run, words))
    return sections


def _targets_section(config: RunConfig, run: TargetRun, words: dict[str, str]) -> Section:
    a, lang = config.attainment, config.lang
    pace = _term(a.pace, lang)
    paragraphs = [words["intro"].format(tolerance=a.tolerance, window=a.window, pace=pace,
                                        at_risk=a.at_risk)]
    tables = []
    if run.gaps is not None:
        tables.append(Table.from_frame(_localise(_gap_table(run, lang), lang),
                                       caption=words["gap_caption"]))
    year = run.year if run.year is not None else ""
    if run.regions is not None:
        tables.append(Table.from_frame(_localise(_status_counts(run, config), lang),
                                       caption=words["status_caption"].format(year=year)))
    book = run.book
    if book is not None and book.by_group is not None and len(book.items):
        by_group = book.by_group.copy()
        by_group["indicator"] = by_group["indicator"].map(lambda c: run.label(c, lang))
        if run.names is not None:
            by_group["most_urgent"] = by_group["most_urgent"].map(run.names)
        tables.append(Table.from_frame(_localise(by_group, lang), caption=words[
            "group_caption"].format(group=Labels(lang).label(run.group), year=year)))
    if book is not None and len(book.items):
        top = (book.items.sort_values("urgency").head(TOP_ITEMS)
               .drop(columns=["indicator", "target_year", "pace_method"]))
        tables.append(Table.from_frame(_localise(top, lang), caption=words[
            "items_caption"].format(n=len(top), total=len(book.items))))
    elif book is not None:
        paragraphs.append(words["no_items"].format(year=year))
    return Section(words["targets"], paragraphs, tables)


def _gap_table(run: TargetRun, lang: str) -> pd.DataFrame:
    gaps = run.gaps
    assert gaps is not None
    if run.year is not None and "year" in gaps:
        gaps = gaps[gaps["year"] == run.year]
    table = gaps[["indicator", "value", "target", "target_year", "gap", "status",
                  "needed_pace", "actual_pace", "pace_status"]].copy()
    table["indicator"] = table["indicator"].map(lambda c: run.label(c, lang))
    return table


def _status_counts(run: TargetRun, config: RunConfig) -> pd.DataFrame:
    regions, lang, year = run.regions, config.lang, config.table.year
    assert regions is not None
    if run.year is not None and year in regions:
        regions = regions[regions[year] == run.year]
    rows = []
    for column, part in regions.groupby("indicator", sort=False):
        row: dict[str, Any] = {"indicator": run.label(str(column), lang)}
        row.update({_term(s, lang): int((part["status"] == s).sum()) for s in STATUSES})
        row.update({_term(s, lang): int((part["pace_status"] == s).sum()) for s in PACE_STATUSES})
        rows.append(row)
    return pd.DataFrame(rows)


def _composite_section(config: RunConfig, run: TargetRun, words: dict[str, str]) -> Section:
    result, lang = run.composite, config.lang
    assert result is not None
    frame = result.to_frame()
    year_column = config.table.year
    if run.year is not None and year_column in frame:
        frame = frame[frame[year_column] == run.year]
    key, name = config.boundaries.key, config.boundaries.name
    stable = int(frame["stable"].sum()) if "stable" in frame else 0
    reference = (str(result.reference_year) if result.reference_year is not None
                 else words["all_years"])
    paragraph = words["composite_intro"].format(
        names=listing((i.label_in(lang) for i in result.indicators), lang),
        weighting=_term(result.weighting, lang), method=_term(result.method, lang),
        normalise=_term(result.normalise, lang),
        reference=reference, draws=result.draws, perturbation=result.perturbation,
        stable=stable, n=len(frame), share=STABLE_SHARE,
    )
    weights = result.weights.rename(lambda c: run.label(c, lang)).rename_axis("indicator")
    ranked = frame.sort_values("rank")
    if name and run.names is not None:
        ranked.insert(1, name, ranked[key].map(run.names).to_numpy())
    tables = [Table.from_frame(_localise(weights.reset_index(), lang),
                               caption=words["weights_caption"]),
              Table.from_frame(_localise(ranked.drop(columns=[year_column], errors="ignore"),
                                         lang),
                               caption=words["ranks_caption"].format(year=run.year or ""))]
    return Section(words["composite"], [paragraph], tables)

