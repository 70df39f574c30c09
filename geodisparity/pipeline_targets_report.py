"""The report's targets sections: gap targets, the task book and the composite index.

Words in English and Chinese, like :mod:`geodisparity.pipeline_report`; every
value from the data goes through :class:`geodisparity.report.Table` (escaped)
or into a paragraph that the report template escapes.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from geodisparity.config import RunConfig
from geodisparity.pipeline_targets import TargetRun
from geodisparity.report import Section, Table
from geodisparity.stats.attainment import PACE_STATUSES, STATUSES
from geodisparity.stats.composite import STABLE_SHARE

__all__ = ["target_sections", "TOP_ITEMS"]

#: How many task-book items the report lists (all are in taskbook.csv).
TOP_ITEMS = 25

WORDS = {
    "en": {
        "targets": "Targets and task books",
        "intro": (
            "Status: met; within tolerance (missed by at most {tolerance:.0%} of the target); "
            "not met. Pace: the annual change still needed to reach the target by its year, "
            "against the actual annual change over the last {window} years ({pace}; a compound "
            "rate falls back to linear change where a value is not above 0). On track: the "
            "target is met or the actual pace is at least the needed pace; at risk: at least "
            "{at_risk:.0%} of it; off track: less, or the target year has come and the target "
            "is not met. Task-book items are ordered by urgency: off track before at risk, then "
            "fewer years left, then the smaller share of the needed pace achieved."
        ),
        "gap_caption": "Province-level targets on the gap statistics",
        "status_caption": "Regions by status and pace, {year}",
        "group_caption": "Task book by {group}: regions off track and at risk, {year}",
        "items_caption": ("The {n} most urgent items of {total} (all in taskbook.csv and "
                          "taskbook.xlsx)"),
        "no_items": "No region is off track or at risk on any target in {year}.",
        "composite": "Composite index",
        "composite_intro": (
            "Indicators: {names}. Weights: {weighting}; aggregation: {method}; normalisation: "
            "{normalise}, with bounds from {reference}. Under {draws} random perturbations of "
            "the weights (each multiplied by a factor within ±{perturbation:.0%}), {stable} of "
            "{n} regions keep their rank within ±1 in at least {share:.0%} of the draws."
        ),
        "all_years": "all years",
        "weights_caption": "Weights",
        "ranks_caption": "Composite index, {year}: scores, ranks and their 90% range under "
                         "perturbed weights",
    },
    "zh": {
        "targets": "目标与任务书",
        "intro": (
            "达标状态：达标；容差以内（差距不超过目标值的 {tolerance:.0%}）；未达标。"
            "进度：按目标年份达标尚需的年均变化，与最近 {window} 年的实际年均变化相比"
            "（{pace}；数值不大于 0 时复合增长率改用线性变化）。"
            "按进度：已达标或实际进度不低于所需进度；"
            "有风险：达到所需进度的 {at_risk:.0%} 以上；"
            "滞后：低于此比例，或目标年份已到仍未达标。"
            "任务书条目按紧迫程度排序：先滞后、后有风险，"
            "再按剩余年数由少到多，再按已达到的所需进度比例由低到高。"
        ),
        "gap_caption": "全省差距指标的目标",
        "status_caption": "各地区达标与进度状况（{year}）",
        "group_caption": "按 {group} 的任务书：进度滞后与有风险的地区数（{year}）",
        "items_caption": ("最紧迫的 {n} 项（共 {total} 项；"
                          "完整清单见 taskbook.csv 与 taskbook.xlsx）"),
        "no_items": "{year} 年没有地区在任何目标上进度滞后或有风险。",
        "composite": "综合指数",
        "composite_intro": (
            "指标：{names}。权重：{weighting}；合成方法：{method}；"
            "标准化：{normalise}，边界取自{reference}。"
            "在 {draws} 次随机扰动权重（每个权重乘以 ±{perturbation:.0%} 以内的因子）下，"
            "{n} 个地区中有 {stable} 个在至少 {share:.0%} 的抽样中排名变动不超过 ±1。"
        ),
        "all_years": "全部年份",
        "weights_caption": "权重",
        "ranks_caption": "综合指数（{year}）：得分、排名及权重扰动下排名的 90% 区间",
    },
}

#: Table headings and status words in Chinese (English uses the column names' words).
ZH_TERMS = {
    "met": "达标", "within tolerance": "容差以内", "not met": "未达标",
    "on track": "按进度", "at risk": "有风险", "off track": "滞后",
    "compound": "复合增长率", "linear": "线性",
    "indicator": "指标", "value": "数值", "target": "目标", "target_year": "目标年份",
    "gap": "差距", "status": "达标状态", "years_left": "剩余年数", "needed_pace": "所需年均变化",
    "actual_pace": "实际年均变化", "pace_ratio": "进度比", "pace_status": "进度",
    "urgency": "紧迫度", "regions": "地区数", "off_track": "滞后", "at_risk": "有风险",
    "most_urgent": "最紧迫地区", "score": "得分", "rank": "排名", "rank_low": "排名下限",
    "rank_high": "排名上限", "share_within_1": "排名±1 以内比例", "weight": "权重",
    "year": "年份", "label": "指标",
    "entropy": "熵权法", "critic": "CRITIC 法", "equal": "等权", "given": "给定权重",
    "weighted_sum": "加权求和", "topsis": "TOPSIS 法", "minmax": "极差标准化",
    "zscore": "Z 分数标准化",
}


def _term(text: Any, lang: str) -> Any:
    return ZH_TERMS.get(text, text) if lang == "zh" and isinstance(text, str) else text


def _localise(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Translate status words and headings for a Chinese report."""
    if lang != "zh":
        return frame.rename(columns=lambda c: str(c).replace("_", " "))
    out = frame.copy()
    for column in ("status", "pace_status"):
        if column in out:
            out[column] = out[column].map(lambda v: _term(v, lang))
    return out.rename(columns=lambda c: _term(c, lang))


def target_sections(config: RunConfig, run: TargetRun | None) -> list[Section]:
    """Return the targets section and the composite index section (when computed)."""
    if run is None:
        return []
    words = WORDS.get(config.lang, WORDS["en"])
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
            "group_caption"].format(group=run.group, year=year)))
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
        names=", ".join(i.label_in(lang) for i in result.indicators),
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

