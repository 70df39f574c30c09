"""The charts' own words, from the package's translation table (``chart.*`` keys).

Labels from the study file (statistic and group names) are passed in by the
caller and never looked up here.

Examples
--------
>>> word("equality", "zh")
'绝对平均线'
>>> word("target_line", "en", value=1.9, year=2025)
'Target 1.9 (2025)'
"""

from __future__ import annotations

from geodisparity.i18n import message

__all__ = ["word"]


def word(key: str, lang: str, **values: object) -> str:
    """Return the chart word ``key`` in ``lang``, with ``values`` filled in."""
    return message(f"chart.{key}", lang, **values)
