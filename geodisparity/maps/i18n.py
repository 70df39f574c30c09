"""Words the maps show: the map view of :mod:`geodisparity.i18n`.

Kept so that ``from geodisparity.maps.i18n import translate`` goes on working;
the words themselves live in the one translation table, :mod:`geodisparity.i18n`.

Examples
--------
>>> translate("No data", "zh")
'无数据'
"""

from __future__ import annotations

from geodisparity.i18n import LANGUAGES, Lang, check_lang, translate

__all__ = ["Lang", "LANGUAGES", "check_lang", "translate"]
