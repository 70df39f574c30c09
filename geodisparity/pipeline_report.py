"""Turn a run's results into the sections of the HTML report.

Kept apart from :mod:`geodisparity.pipeline` so that the computing stages and
the wording a planner reads can change independently.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from geodisparity.categories import HOTSPOT_LABELS, ISOLATED, LISA_LABELS, NOT_SIGNIFICANT
from geodisparity.config import RunConfig
from geodisparity.report import Figure, Section, Table

if TYPE_CHECKING:  # pragma: no cover
    from geodisparity.pipeline import _Analysis

__all__ = ["build_sections", "GAP_HEADERS"]

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
        "regions": "regions",
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
        "regions": "个地区",
    },
}


def build_sections(config: RunConfig, result: _Analysis) -> list[Section]:
    """Assemble the report's sections, in reading order."""
    words = WORDS.get(config.lang, WORDS["en"])
    gaps = result.gaps.rename(columns=GAP_HEADERS)
    sections = [
        _data_section(config, result, words),
        Section(words["gaps"], [words["gaps_intro"]], [Table.from_frame(gaps)]),
        _maps_section(config, result, words),
    ]
    if result.decompositions or len(result.intervals):
        sections.append(_decomposition_section(result, words))
    if result.convergence:
        sections.append(_convergence_section(result.convergence, words))
    if len(result.global_table):
        sections.append(_cluster_section(config, result, words))
    return sections


def _data_section(config: RunConfig, result: _Analysis, words: dict[str, str]) -> Section:
    year = result.year
    lines = [
        f"Boundaries: {config.boundaries.source} ({len(result.current)} {words['regions']}).",
        f"Table: {config.table.path}" + (f"; analysis year {year}." if year is not None else "."),
    ]
    lines += [line for line in str(result.join_report).splitlines() if line.strip()]
    return Section(words["data"], lines)


def _maps_section(config: RunConfig, result: _Analysis, words: dict[str, str]) -> Section:
    """Draw static maps of the income and of the first clustering column's LISA clusters."""
    from geodisparity.maps import Layer, plot

    a = config.analysis
    specs = [(Layer(a.income, label=a.income), f"{a.income} ({result.year})")]
    if config.clusters.columns:
        column = config.clusters.columns[0]
        lisa = _unprefix(result.cluster_table, f"{column}_lisa_")
        specs.append((Layer(column, kind="lisa", result=lisa, label=f"LISA: {column}"),
                      f"LISA clusters of {column}"))
    figures = []
    with tempfile.TemporaryDirectory() as folder:
        for number, (layer, caption) in enumerate(specs):
            png = Path(folder) / f"map{number}.png"
            plot(result.current, layer=layer, lang=config.lang, path=png, dpi=110)
            figures.append(Figure.from_png(png, caption))
    return Section(words["maps"], [], [], figures)


def _unprefix(table: pd.DataFrame, prefix: str) -> pd.DataFrame:
    columns = [c for c in table.columns if c.startswith(prefix)]
    return table[columns].rename(columns=lambda c: c[len(prefix):])


def _decomposition_section(result: _Analysis, words: dict[str, str]) -> Section:
    year = result.year
    title = words["decomposition"] + (f" ({year})" if year is not None else "")
    paragraphs: list[str] = []
    tables: list[Table] = []
    if len(result.intervals):
        tables.append(Table.from_frame(result.intervals,
                                       caption="Indices with 95% bootstrap confidence intervals"))
    for group, parts in result.decompositions.items():
        theil, dagum, test = parts["theil"], parts["dagum"], parts["test"]
        paragraphs.append(
            f"By {group}: Theil T {theil.total:.4f}, of which {theil.between_share:.1%} between "
            f"groups (permutation p = {test.p_value:.3g}). Dagum Gini {dagum.gini:.4f}: within "
            f"{dagum.within_share:.1%}, net between {dagum.net_between_share:.1%}, "
            f"transvariation {dagum.transvariation_share:.1%}."
        )
        tables.append(Table.from_frame(theil.groups, caption=f"Theil decomposition by {group}"))
        tables.append(Table.from_frame(dagum.gini_matrix, index=True,
                                       caption=f"Dagum Gini within (diagonal) and between {group}"))
    return Section(title, paragraphs, tables)


def _convergence_section(convergence: dict[str, Any], words: dict[str, str]) -> Section:
    sigma, beta = convergence["sigma"], convergence["beta"]
    trend = "narrowing" if sigma.slope < 0 else "widening"
    implied = (
        f"; speed {beta.speed:.2%} per year, half-life {beta.half_life:.1f} years."
        if beta.speed is not None and beta.speed > 0 and beta.half_life is not None
        else "; no convergence implied."
    )
    paragraphs = [
        f"Sigma convergence: dispersion ({sigma.measure}) is {trend} by {abs(sigma.slope):.4f} "
        f"per year (p = {sigma.p_value:.3g}, {sigma.n_years} years).",
        f"Beta convergence {beta.start}-{beta.end}: beta = {beta.beta:.4f} "
        f"(s.e. {beta.std_error:.4f}, p = {beta.p_value:.3g}, n = {beta.n}){implied}",
    ]
    return Section(words["convergence"], paragraphs, [Table.from_frame(sigma.table)])


def _cluster_section(config: RunConfig, result: _Analysis, words: dict[str, str]) -> Section:
    c, weights = config.clusters, result.weights
    paragraphs = [
        f"Weights: {c.weights} ({weights.n} regions; {len(weights.added_links)} links added to "
        f"connect islands to their nearest region). {c.permutations} permutations, "
        f"alpha {c.alpha}, multiple-testing adjustment: {c.adjust or 'none'}."
    ]
    tables = [Table.from_frame(result.global_table, caption="Global Moran's I")]
    for column in c.columns:
        lisa = result.cluster_table[f"{column}_lisa_cluster"].astype(str)
        gi = result.cluster_table[f"{column}_gi_cluster"].astype(str)
        counts = pd.concat([
            lisa.value_counts().reindex(LISA_LABELS, fill_value=0).rename("regions")
            .rename_axis("LISA cluster").reset_index(),
            gi.value_counts().reindex(HOTSPOT_LABELS, fill_value=0).rename("regions ")
            .rename_axis("Gi* class").reset_index(),
        ], axis=1)
        tables.append(Table.from_frame(counts, caption=f"{column}: clusters and hot spots"))
        paragraphs.append(_significant_regions(column, lisa, result.current,
                                               config.boundaries.name))
    return Section(words["clusters"], paragraphs, tables)


def _significant_regions(column: str, lisa: pd.Series, current: pd.DataFrame,
                         name: str | None) -> str:
    significant = lisa[~lisa.isin([NOT_SIGNIFICANT, ISOLATED])]
    if not len(significant):
        return f"{column}: no significant LISA clusters."
    labels = (current.loc[significant.index, name].astype(str) if name and name in current
              else significant.index.astype(str))
    pairs = zip(labels, significant, strict=True)
    return f"{column}: " + ", ".join(f"{label} ({cluster})" for label, cluster in pairs) + "."
