"""Words the maps show, in English or Chinese (``lang="en" | "zh"``).

Legend titles, "No data", class and cluster labels and tooltip field names
all pass through :func:`translate`, so one map speaks one language.

Examples
--------
>>> translate("No data", "zh")
'无数据'
>>> translate("High-High", "en")
'High-High'
>>> translate("Some column name", "zh")
'Some column name'
"""

from __future__ import annotations

from typing import Literal

from geodisparity import categories as cat
from geodisparity.errors import InputError

__all__ = ["Lang", "LANGUAGES", "check_lang", "translate"]

Lang = Literal["en", "zh"]
LANGUAGES: tuple[str, ...] = ("en", "zh")

_ZH: dict[str, str] = {
    "No data": "无数据",
    "Name": "名称",
    "Value": "数值",
    "Rank": "排名",
    "Class": "分级",
    "Cluster": "聚类",
    "Hot/cold spot": "热点/冷点",
    "Target": "目标",
    "Indicator": "指标",
    "Outer boundary": "外边界",
    "Prefectures": "地市",
    "Outline": "轮廓",
    "Province": "省界",
    "Regions": "地区",
    "Illustrative synthetic data": "示意性模拟数据",
    "classes reduced to": "分级数减少为",
    "distinct values": "个不同取值",
    "LISA clusters": "LISA 聚类",
    "Local Geary clusters": "局部 Geary 聚类",
    "Hot spots (Getis-Ord Gi*)": "热点分析 (Getis-Ord Gi*)",
    cat.HIGH_HIGH: "高-高",
    cat.LOW_LOW: "低-低",
    cat.HIGH_LOW: "高-低",
    cat.LOW_HIGH: "低-高",
    cat.NOT_SIGNIFICANT: "不显著",
    cat.ISOLATED: "孤立 (无邻接)",
    cat.OTHER_POSITIVE: "其他正相关",
    cat.NEGATIVE: "负相关",
    "Hot spot (99%)": "热点 (99%)",
    "Hot spot (95%)": "热点 (95%)",
    "Hot spot (90%)": "热点 (90%)",
    "Cold spot (90%)": "冷点 (90%)",
    "Cold spot (95%)": "冷点 (95%)",
    "Cold spot (99%)": "冷点 (99%)",
    "Target met": "达标",
    "Within 10% of target": "距目标 10% 以内",
    "Target not met": "未达标",
    "Not on the map (no boundary)": "未绘制（无边界）",
    # emerging hot spot analysis (issue 11)
    "Emerging hot spots": "时空热点模式",
    "Pattern": "模式",
    "Trend (tau)": "趋势 (tau)",
    "Trend p": "趋势 p 值",
    **{f"{p} {side} spot": f"{zh}{side_zh}"
       for p, zh in zip(cat.EMERGING_PATTERNS, ("新增", "连续", "加强", "持续", "减弱", "零星",
                                                 "振荡", "历史"), strict=True)
       for side, side_zh in (("hot", "热点"), ("cold", "冷点"))},
    cat.NO_PATTERN: "未检测到模式",
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a supported language, else raise :class:`InputError`.

    Parameters
    ----------
    lang : str
        ``"en"`` or ``"zh"``.

    Returns
    -------
    str
        The same code.

    Examples
    --------
    >>> check_lang("zh")
    'zh'
    """
    if lang not in LANGUAGES:
        raise InputError(f"lang must be one of {', '.join(LANGUAGES)}; got {lang!r}")
    return lang


def translate(text: str, lang: str) -> str:
    """Return ``text`` in ``lang``; text without a translation is returned unchanged.

    Parameters
    ----------
    text : str
        An English term the maps use (labels from :mod:`geodisparity.categories`).
    lang : str
        ``"en"`` or ``"zh"``.

    Returns
    -------
    str
        The translated term.

    Examples
    --------
    >>> translate("Target met", "zh")
    '达标'
    """
    check_lang(lang)
    if lang == "zh":
        return _ZH.get(text, text)
    return text


# Targets, task books and the composite index (issue 11).
_ZH.update({
    "Targets off track": "未按进度推进的目标数",
    "Off track": "进度滞后",
    "Composite index": "综合指数",
    "Composite rank": "综合排名",
})
