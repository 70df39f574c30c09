"""Turn a run's results into the sections of the HTML report.

Kept apart from :mod:`geodisparity.pipeline` so that the computing stages and
the wording a planner reads can change independently.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from geodisparity.categories import HOTSPOT_LABELS, ISOLATED, LISA_LABELS, NOT_SIGNIFICANT
from geodisparity.config import RunConfig
from geodisparity.report import Section, Table

__all__ = ["build_sections"]

WORDS = {
    "en": {
        "data": "Data and join",
        "gaps": "The three gaps",
        "gaps_intro": (
            "Regional gap: ratio of the highest to the lowest region and the population-weighted "
            "coefficient of variation (Williamson). Urban-rural gap: ratio of population-weighted "
            "mean urban to rural income. Income gap: population-weighted Gini coefficient."
        ),
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
        "decomposition": "差距分解",
        "convergence": "收敛分析",
        "clusters": "空间集聚",
        "regions": "个地区",
    },
}


def build_sections(
    *,
    config: RunConfig,
    year: int | None,
    join_report: Any,
    gaps: pd.DataFrame,
    decompositions: dict[str, dict[str, Any]],
    convergence: dict[str, Any] | None,
    weights: Any,
    global_table: pd.DataFrame,
    cluster_table: pd.DataFrame,
    current: pd.DataFrame,
) -> list[Section]:
    """Assemble the report's sections, in reading order."""
    words = WORDS.get(config.lang, WORDS["en"])
    sections = [
        _data_section(config, year, join_report, current, words),
        Section(words["gaps"], [words["gaps_intro"]], [Table.from_frame(gaps)]),
    ]
    if decompositions:
        sections.append(_decomposition_section(decompositions, year, words))
    if convergence:
        sections.append(_convergence_section(convergence, words))
    if len(global_table):
        sections.append(_cluster_section(config, weights, global_table, cluster_table, current,
                                         words))
    return sections


def _data_section(config: RunConfig, year: int | None, report: Any, current: pd.DataFrame,
                  words: dict[str, str]) -> Section:
    lines = [
        f"Boundaries: {config.boundaries.source} ({len(current)} {words['regions']}).",
        f"Table: {config.table.path}" + (f"; analysis year {year}." if year is not None else "."),
    ]
    lines += [line for line in str(report).splitlines() if line.strip()]
    return Section(words["data"], lines)


def _decomposition_section(decompositions: dict[str, dict[str, Any]], year: int | None,
                           words: dict[str, str]) -> Section:
    title = words["decomposition"] + (f" ({year})" if year is not None else "")
    paragraphs, tables = [], []
    for group, result in decompositions.items():
        theil, dagum = result["theil"], result["dagum"]
        paragraphs.append(
            f"By {group}: Theil T {theil.total:.4f}, of which {theil.between_share:.1%} between "
            f"groups. Dagum Gini {dagum.gini:.4f}: within {dagum.within_share:.1%}, net between "
            f"{dagum.net_between_share:.1%}, transvariation {dagum.transvariation_share:.1%}."
        )
        tables.append(Table.from_frame(theil.groups, caption=f"Theil decomposition by {group}"))
        tables.append(Table.from_frame(dagum.gini_matrix, index=True,
                                       caption=f"Dagum Gini within (diagonal) and between {group}"))
    return Section(title, paragraphs, tables)


def _convergence_section(convergence: dict[str, Any], words: dict[str, str]) -> Section:
    sigma, beta = convergence["sigma"], convergence["beta"]
    trend = "narrowing" if sigma.slope < 0 else "widening"
    paragraphs = [
        f"Sigma convergence: dispersion ({sigma.measure}) is {trend} by {abs(sigma.slope):.4f} per "
        f"year (p = {sigma.p_value:.3g}, {sigma.n_years} years).",
        f"Beta convergence {beta.start}-{beta.end}: beta = {beta.beta:.4f} "
        f"(s.e. {beta.std_error:.4f}, p = {beta.p_value:.3g}, n = {beta.n})"
        + (f"; speed {beta.speed:.2%} per year, half-life {beta.half_life:.1f} years."
           if beta.speed is not None and beta.speed > 0 and beta.half_life is not None
           else "; no convergence implied."),
    ]
    return Section(words["convergence"], paragraphs, [Table.from_frame(sigma.table)])


def _cluster_section(config: RunConfig, weights: Any, global_table: pd.DataFrame,
                     cluster_table: pd.DataFrame, current: pd.DataFrame,
                     words: dict[str, str]) -> Section:
    c = config.clusters
    paragraphs = [
        f"Weights: {c.weights}; {weights.n} regions, islands linked to their nearest region: "
        f"{len(getattr(weights, 'added_links', []) or [])} links added. "
        f"{c.permutations} permutations, alpha {c.alpha}, adjustment {c.adjust or 'none'}."
    ]
    tables = [Table.from_frame(global_table, caption="Global Moran's I")]
    name_column = config.boundaries.name
    for column in c.columns:
        lisa = cluster_table[f"{column}_lisa_cluster"]
        gi = cluster_table[f"{column}_gi_cluster"]
        counts = pd.DataFrame({
            "LISA": lisa.value_counts().reindex(LISA_LABELS, fill_value=0),
        })
        hot = gi.value_counts().reindex(HOTSPOT_LABELS, fill_value=0).rename("Gi*")
        tables.append(Table.from_frame(counts, index=True, caption=f"{column}: LISA clusters"))
        tables.append(Table.from_frame(hot.to_frame(), index=True,
                                       caption=f"{column}: Gi* hot and cold spots"))
        significant = lisa[~lisa.isin([NOT_SIGNIFICANT, ISOLATED])]
        if name_column and name_column in current and len(significant):
            names = current.loc[significant.index, name_column].astype(str)
            pairs = zip(names, significant, strict=True)
            listed = ", ".join(f"{name} ({label})" for name, label in pairs)
            paragraphs.append(f"{column}: {listed}.")
    return Section(words["clusters"], paragraphs, tables)
