"""The charts' own words, in English and Chinese.

Kept in one small table so that it can join the package's translation table
as one block. Labels from the study file (statistic and group names) are
passed in by the caller and never looked up here.

Examples
--------
>>> word("equality", "zh")
'绝对平均线'
>>> word("target", "en")
'Target'
"""

from __future__ import annotations

from geodisparity.maps.i18n import check_lang

__all__ = ["CHART_WORDS", "word"]

CHART_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "target": "Target",
        "target_line": "Target {value} ({year})",
        "target_line_no_year": "Target {value}",
        "equality": "Line of equality",
        "population_share": "Cumulative share of population",
        "income_share": "Cumulative share of income",
        "gini": "Gini {value}",
        "moran_i": "Moran's I = {value}",
        "standardised": "Standardised value",
        "spatial_lag": "Spatial lag",
        "regions": "{n} regions",
        "between": "Between groups",
        "within": "Within groups",
        "net_between": "Net between groups",
        "transvariation": "Transvariation",
        "theil_bar": "Theil T {value}",
        "dagum_bar": "Dagum Gini {value}",
    },
    "zh": {
        "target": "目标",
        "target_line": "目标 {value}（{year}）",
        "target_line_no_year": "目标 {value}",
        "equality": "绝对平均线",
        "population_share": "人口累计占比",
        "income_share": "收入累计占比",
        "gini": "基尼系数 {value}",
        "moran_i": "莫兰指数 I = {value}",
        "standardised": "标准化值",
        "spatial_lag": "空间滞后",
        "regions": "{n} 个地区",
        "between": "组间",
        "within": "组内",
        "net_between": "净组间",
        "transvariation": "超变密度",
        "theil_bar": "泰尔指数 {value}",
        "dagum_bar": "Dagum 基尼系数 {value}",
    },
}


def word(key: str, lang: str, **values: object) -> str:
    """Return the chart word ``key`` in ``lang``, with ``values`` filled in."""
    check_lang(lang)
    text = CHART_WORDS[lang][key]
    return text.format(**values) if values else text
