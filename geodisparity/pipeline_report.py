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
from geodisparity.maps.i18n import translate
from geodisparity.pipeline_charts import decomposition_figure, gap_figures, moran_figure
from geodisparity.pipeline_targets import GROUP_COLUMNS
from geodisparity.pipeline_targets_report import target_sections
from geodisparity.report import Figure, Section, Table
from geodisparity.report_heat import heat_table
from geodisparity.report_lists import RegionList, display_names, parent_column, region_list

if TYPE_CHECKING:  # pragma: no cover
    from geodisparity.maps.svg import MapCanvas
    from geodisparity.pipeline import _Analysis

__all__ = ["build_sections", "region_names", "file_name", "GAP_HEADERS", "GAP_HEADERS_ZH"]

#: Readable headers for the columns of :func:`geodisparity.gaps`.
GAP_HEADERS = {
    "year": "Year",
    "n_regions": "Regions",
    "regional_max_min_ratio": "Max / min ratio",
    "regional_williamson": "Williamson CV",
    "regional_theil_between_share": "Theil between-group share",
    "urban_rural_ratio": "Urban / rural ratio",
    "income_gini": "Gini",
}

WORDS = {
    "en": {
        "data": "Data and join",
        "gaps": "The three gaps",
        "gaps_intro": (
            "Regional gap: ratio of the highest to the lowest region and the population-weighted "
            "coefficient of variation (Williamson). Urban-rural gap: ratio of population-weighted "
            "mean urban to rural income. Income gap: population-weighted Gini coefficient."
        ),
        "maps": "Maps",
        "decomposition": "Decompositions",
        "convergence": "Convergence",
        "clusters": "Spatial clustering",
        "boundaries_line": "Boundaries: {source} ({n} regions).",
        "table_line": "Table: {path}.",
        "year_line": "Analysis year for maps, decompositions and clusters: {year}.",
        "map_value": "{column} ({year})",
        "map_lisa": "LISA clusters of {column}",
        "intervals": "Indices with 95% bootstrap confidence intervals",
        "by_group": (
            "By {group}: Theil T {theil:.4f}, of which {between:.1%} between groups (permutation "
            "p = {p:.3g}). Dagum Gini {gini:.4f}: within {within:.1%}, net between "
            "{net:.1%}, transvariation {trans:.1%}."
        ),
        "theil_caption": "Theil decomposition by {group}",
        "dagum_caption": "Dagum Gini within (diagonal) and between groups of {group}",
        "narrowing": "narrowing",
        "widening": "widening",
        "sigma": (
            "Sigma convergence: dispersion ({measure}) is {trend} by {slope:.4f} per year "
            "(p = {p:.3g}, {years} years)."
        ),
        "beta": (
            "Beta convergence {start}-{end}: beta = {beta:.4f} (s.e. {se:.4f}, p = {p:.3g}, "
            "n = {n}){implied}"
        ),
        "implied": "; speed {speed:.2%} per year, half-life {half_life:.1f} years.",
        "not_implied": "; no convergence implied.",
        "weights_line": (
            "Weights: {rule} ({n} regions; {added} links added to connect islands to their "
            "nearest region). {permutations} permutations, alpha {alpha}, multiple-testing "
            "adjustment: {adjust}."
        ),
        "hotspot_rule": (
            "Gi* classes follow ArcGIS's Hot Spot Analysis: 90, 95 or 99% confidence when the "
            "two-sided p-value (after the adjustment, if any) is at most 0.10, 0.05 or 0.01; "
            "hot or cold by the sign of z."
        ),
        "adjust_fdr": "false discovery rate (Benjamini-Hochberg)",
        "adjust_by": "false discovery rate under dependence (Benjamini-Yekutieli)",
        "adjust_bonferroni": "Bonferroni",
        "adjust_none": "none",
        "moran_caption": "Global Moran's I",
        "cluster_caption": "{column}: clusters and hot spots",
        "no_clusters": "{column}: no significant LISA clusters.",
        "cluster_list": "{column}: regions in significant LISA clusters",
    },
    "zh": {
        "data": "数据与匹配",
        "gaps": "三大差距",
        "gaps_intro": (
            "地区差距：最高与最低地区之比，以及人口加权变异系数（Williamson）。城乡差距：人口加权的"
            "城镇与农村居民收入之比。收入差距：人口加权基尼系数。"
        ),
        "maps": "地图",
        "decomposition": "差距分解",
        "convergence": "收敛分析",
        "clusters": "空间集聚",
        "boundaries_line": "边界：{source}（{n} 个地区）。",
        "table_line": "数据表：{path}。",
        "year_line": "地图、分解与集聚分析年份：{year}。",
        "map_value": "{column}（{year}）",
        "map_lisa": "{column} 的 LISA 集聚",
        "intervals": "主要指数及其 95% 自助法置信区间",
        "by_group": (
            "按 {group} 分组：泰尔指数 {theil:.4f}，其中组间占 {between:.1%}（置换检验 "
            "p = {p:.3g}）。Dagum 基尼系数 {gini:.4f}：组内 {within:.1%}，净组间 {net:.1%}，"
            "超变密度 {trans:.1%}。"
        ),
        "theil_caption": "按 {group} 的泰尔指数分解",
        "dagum_caption": "按 {group} 的 Dagum 基尼系数：组内（对角线）与组间",
        "narrowing": "缩小",
        "widening": "扩大",
        "sigma": (
            "σ 收敛：离散程度（{measure}）每年{trend} {slope:.4f}（p = {p:.3g}，{years} 年）。"
        ),
        "beta": (
            "β 收敛 {start}-{end}：β = {beta:.4f}（标准误 {se:.4f}，p = {p:.3g}，n = {n}）{implied}"
        ),
        "implied": "；收敛速度每年 {speed:.2%}，半衰期 {half_life:.1f} 年。",
        "not_implied": "；未显示收敛。",
        "weights_line": (
            "空间权重：{rule}（{n} 个地区；为连接孤岛增加 {added} 条邻接）。{permutations} 次置换，"
            "显著性水平 {alpha}，多重检验校正：{adjust}。"
        ),
        "hotspot_rule": (
            "Gi* 冷热点按 ArcGIS 热点分析的规则划分：双侧 p 值（如有多重检验校正，则为校正后的值）"
            "不超过 0.10、0.05、0.01 时，置信度分别为 90%、95%、99%；按 z 值正负分为热点或冷点。"
        ),
        "adjust_fdr": "错误发现率（Benjamini-Hochberg）",
        "adjust_by": "相依检验的错误发现率（Benjamini-Yekutieli）",
        "adjust_bonferroni": "Bonferroni",
        "adjust_none": "无",
        "moran_caption": "全局莫兰指数",
        "cluster_caption": "{column}：集聚与冷热点",
        "no_clusters": "{column}：无显著 LISA 集聚。",
        "cluster_list": "{column}：显著 LISA 集聚的地区",
    },
}

#: Chinese headers for the columns of :func:`geodisparity.gaps`.
GAP_HEADERS_ZH = {
    "year": "年份",
    "n_regions": "地区数",
    "regional_max_min_ratio": "最高/最低之比",
    "regional_williamson": "加权变异系数",
    "regional_theil_between_share": "泰尔指数组间占比",
    "urban_rural_ratio": "城乡收入比",
    "income_gini": "基尼系数",
}


def build_sections(config: RunConfig, result: _Analysis) -> list[Section]:
    """Assemble the report's sections, in reading order."""
    from geodisparity.maps.svg import map_canvas

    words = WORDS.get(config.lang, WORDS["en"])
    canvas = map_canvas(result.current)  # projected and simplified once for every map
    headers = GAP_HEADERS_ZH if config.lang == "zh" else GAP_HEADERS
    gaps = result.gaps.rename(columns=headers)
    sections = [
        _data_section(config, result, words),
        Section(words["gaps"], [words["gaps_intro"]], [Table.from_frame(gaps)],
                gap_figures(config, result, headers)),
        _maps_section(config, result, words, canvas),
    ]
    sections[2:2] = target_sections(config, result.targets)  # after the gaps
    if result.decompositions or len(result.intervals):
        sections.append(_decomposition_section(result, words, config.lang))
    if result.convergence:
        sections.append(_convergence_section(result.convergence, words))
    if len(result.global_table):
        sections.append(_cluster_section(config, result, words))
    from geodisparity.pipeline_spacetime import space_time_sections

    sections += space_time_sections(config, result.space_time, result.current, canvas=canvas,
                                    regions=region_names(config, result.current))
    return sections


def _data_section(config: RunConfig, result: _Analysis, words: dict[str, str]) -> Section:
    lines = [  # file names only: the report must not show the paths of the machine
        words["boundaries_line"].format(source=file_name(config.boundaries.source),
                                        n=len(result.current)),
        words["table_line"].format(path=file_name(config.table.path)),
    ]
    if result.year is not None:
        lines.append(words["year_line"].format(year=result.year))
    lines += [line for line in str(result.join_report).splitlines() if line.strip()]
    return Section(words["data"], lines)


def _maps_section(config: RunConfig, result: _Analysis, words: dict[str, str],
                  canvas: MapCanvas) -> Section:
    """Draw static maps of the income and of the first clustering column's LISA clusters."""
    from geodisparity.maps import Layer
    from geodisparity.maps.svg import svg_map

    a = config.analysis
    caption = (a.income if result.year is None
               else words["map_value"].format(column=a.income, year=result.year))
    specs = [(Layer(a.income, label=a.income), caption)]
    if config.clusters.columns:
        column = config.clusters.columns[0]
        lisa = _unprefix(result.cluster_table, f"{column}_lisa_")
        specs.append((Layer(column, kind="lisa", result=lisa, label=f"LISA: {column}"),
                      words["map_lisa"].format(column=column)))
    figures = []
    for layer, caption in specs:
        drawn = svg_map(result.current, layer, lang=config.lang, canvas=canvas)
        note = f" {drawn.unmapped}" if drawn.unmapped else ""
        figures.append(Figure.from_svg(drawn.markup, caption + note))
    return Section(words["maps"], [], [], figures)


def _unprefix(table: pd.DataFrame, prefix: str) -> pd.DataFrame:
    columns = [c for c in table.columns if c.startswith(prefix)]
    return table[columns].rename(columns=lambda c: c[len(prefix):])


def _decomposition_section(result: _Analysis, words: dict[str, str], lang: str) -> Section:
    year = result.year
    title = words["decomposition"] + (f" ({year})" if year is not None else "")
    paragraphs: list[str] = []
    tables: list[Table] = []
    if len(result.intervals):
        tables.append(Table.from_frame(result.intervals, caption=words["intervals"]))
    for group, parts in result.decompositions.items():
        theil, dagum, test = parts["theil"], parts["dagum"], parts["test"]
        paragraphs.append(words["by_group"].format(
            group=group, theil=theil.total, between=theil.between_share, p=test.p_value,
            gini=dagum.gini, within=dagum.within_share, net=dagum.net_between_share,
            trans=dagum.transvariation_share,
        ))
        tables.append(Table.from_frame(theil.groups,
                                       caption=words["theil_caption"].format(group=group)))
        tables.append(heat_table(dagum.gini_matrix, file_name=f"dagum_{group}", lang=lang,
                                 caption=words["dagum_caption"].format(group=group)))
    figures = [decomposition_figure(group, parts, lang)
               for group, parts in result.decompositions.items()]
    return Section(title, paragraphs, tables, figures)


def _convergence_section(convergence: dict[str, Any], words: dict[str, str]) -> Section:
    sigma, beta = convergence["sigma"], convergence["beta"]
    converging = beta.speed is not None and beta.speed > 0 and beta.half_life is not None
    implied = (words["implied"].format(speed=beta.speed, half_life=beta.half_life)
               if converging else words["not_implied"])
    paragraphs = [
        words["sigma"].format(
            measure=sigma.measure, slope=abs(sigma.slope), p=sigma.p_value, years=sigma.n_years,
            trend=words["narrowing"] if sigma.slope < 0 else words["widening"],
        ),
        words["beta"].format(start=beta.start, end=beta.end, beta=beta.beta, se=beta.std_error,
                             p=beta.p_value, n=beta.n, implied=implied),
    ]
    return Section(words["convergence"], paragraphs, [Table.from_frame(sigma.table)])


def _cluster_section(config: RunConfig, result: _Analysis, words: dict[str, str]) -> Section:
    c, weights = config.clusters, result.weights
    names, parents = region_names(config, result.current)
    lists: list[RegionList] = []
    paragraphs = [words["weights_line"].format(
        rule=c.weights, n=weights.n, added=len(weights.added_links),
        permutations=c.permutations, alpha=c.alpha,
        adjust=words[f"adjust_{c.adjust or 'none'}"],
    ), words["hotspot_rule"]]
    tables = [Table.from_frame(result.global_table, caption=words["moran_caption"])]
    for column in c.columns:
        lisa = result.cluster_table[f"{column}_lisa_cluster"].astype(str)
        gi = result.cluster_table[f"{column}_gi_cluster"].astype(str)
        counts = pd.concat([
            lisa.value_counts().reindex(LISA_LABELS, fill_value=0).rename("regions")
            .rename_axis("LISA cluster").reset_index(),
            gi.value_counts().reindex(HOTSPOT_LABELS, fill_value=0).rename("regions ")
            .rename_axis("Gi* class").reset_index(),
        ], axis=1)
        tables.append(Table.from_frame(counts,
                                       caption=words["cluster_caption"].format(column=column)))
        significant = lisa[~lisa.isin([NOT_SIGNIFICANT, ISOLATED])]
        if len(significant):
            lists.append(region_list(
                words["cluster_list"].format(column=column), names.reindex(significant.index),
                notes=significant.map(lambda label: translate(label, config.lang)),
                parents=parents, lang=config.lang))
        else:
            paragraphs.append(words["no_clusters"].format(column=column))
    shown = display_names(names, parents, lang=config.lang)
    figures = [moran_figure(config, result, column, shown) for column in c.columns]
    return Section(words["clusters"], paragraphs, tables, [f for f in figures if f], lists)


def region_names(config: RunConfig, current: pd.DataFrame) -> tuple[pd.Series, pd.Series | None]:
    """Return the regions' names (their keys when there is no name column) and parents.

    The parent (prefecture, state) is the task book's group column when the
    regions have one, else the ``[analysis] groups`` column with the most groups.
    """
    name = config.boundaries.name
    names = (current[name] if name and name in current
             else pd.Series(current.index.astype(str), index=current.index))
    groups = sorted(config.analysis.groups, key=lambda g: -current[g].nunique()
                    if g in current else 0)
    column = parent_column(pd.DataFrame(current), [*GROUP_COLUMNS.get(
        config.lang, GROUP_COLUMNS["en"]), *groups])
    return names, (current[column] if column else None)


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
