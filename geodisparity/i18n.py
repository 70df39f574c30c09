"""Every word and sentence geodisparity shows, in English and Chinese, in one table.

:data:`MESSAGES` (kept as data in :mod:`geodisparity._messages`) maps a message key
to its ``(English, Chinese)`` text, side by side. Keys are grouped by where the text
appears: ``term.*`` (words on
maps, legends and tooltips, also found by their English text with
:func:`translate`), ``page.*`` (the report page), ``gaps.*`` (gap table
headers), ``report.*``, ``targets.*`` and ``time.*`` (report sections),
``join.*`` (the join summary), ``layer.*`` (generated layer names) and
``value.*`` (booleans and other values shown as words). Texts with
``{fields}`` are filled by :func:`message` with :meth:`str.format`; user text
enters only as field values, never as a format string.

A test checks that every key has both texts, and that a Chinese text differs
from its English one unless the key is in :data:`SAME_IN_BOTH`.

Examples
--------
>>> message("term.no_data", "zh")
'无数据'
>>> message("report.year_line", "en", year=2023)
'Analysis year for maps, decompositions and clusters: 2023.'
>>> translate("High-High", "zh"), translate("Some column name", "zh")
('高-高', 'Some column name')
"""

from __future__ import annotations

from typing import Any, Literal

from geodisparity._messages import MESSAGES, SAME_IN_BOTH
from geodisparity.errors import InputError

__all__ = ["Lang", "LANGUAGES", "MESSAGES", "SAME_IN_BOTH", "check_lang", "message", "words",
           "translate", "term", "bool_word", "listing"]

Lang = Literal["en", "zh"]
LANGUAGES: tuple[str, ...] = ("en", "zh")

_BY_ENGLISH: dict[str, str] = {en: zh for key, (en, zh) in MESSAGES.items()
                               if key.startswith("term.")}


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


def message(key: str, lang: str, /, **fields: Any) -> str:
    """Return the text of message ``key`` in ``lang``, with ``fields`` filled in.

    Parameters
    ----------
    key : str
        A key of :data:`MESSAGES`.
    lang : {"en", "zh"}
        Language.
    **fields
        Values for the ``{fields}`` of the text (user text is safe here: it is a
        value, never the format string).

    Returns
    -------
    str
        The text.

    Raises
    ------
    KeyError
        If ``key`` is not in the table (a programming error).

    Examples
    --------
    >>> message("report.map_value", "zh", column="{x}", year=2023)
    '{x}（2023）'
    """
    text = MESSAGES[key][LANGUAGES.index(check_lang(lang))]
    return text.format(**fields) if fields else text


def words(prefix: str, lang: str) -> dict[str, str]:
    """Return the texts of every key ``<prefix>.<name>`` as ``{name: text}``.

    Parameters
    ----------
    prefix : str
        A group of keys, e.g. ``"report"``.
    lang : {"en", "zh"}
        Language.

    Returns
    -------
    dict
        Unformatted texts by short name.

    Examples
    --------
    >>> words("page", "zh")["generated"]
    '生成于'
    """
    column = LANGUAGES.index(check_lang(lang))
    start = prefix + "."
    return {key[len(start):]: texts[column] for key, texts in MESSAGES.items()
            if key.startswith(start)}


def translate(text: str, lang: str) -> str:
    """Return the English map word ``text`` in ``lang``; other text comes back unchanged.

    Parameters
    ----------
    text : str
        An English term the maps use (the ``term.*`` entries, e.g. labels from
        :mod:`geodisparity.categories`).
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
        return _BY_ENGLISH.get(text, text)
    return text


def term(name: Any, lang: str) -> Any:
    """Return the word of ``targets.term.<name>`` (a column or status), else ``name``.

    Examples
    --------
    >>> term("target_year", "zh"), term("target_year", "en"), term(3, "zh")
    ('目标年份', 'Target year', 3)
    """
    if not isinstance(name, str):
        return name
    key = "targets.term." + name.replace(" ", "_")
    return message(key, lang) if key in MESSAGES else name


def bool_word(value: Any, lang: str) -> Any:
    """Return ``True``/``False`` as "yes"/"no" ("是"/"否"); other values unchanged.

    Examples
    --------
    >>> bool_word(True, "zh"), bool_word(False, "en"), bool_word(1.5, "en")
    ('是', 'no', 1.5)
    """
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return message("value.true" if value else "value.false", lang)
    return value


def listing(items: Any, lang: str, *, limit: int | None = None) -> str:
    """Join items as a list in ``lang``, the first ``limit`` only ("a, b and 3 more").

    Examples
    --------
    >>> listing(["杭州", "宁波", "温州"], "zh", limit=2)
    '杭州、宁波 等（另有 1 个）'
    >>> listing([], "en")
    '(none)'
    """
    shown = [str(item) for item in items]
    if not shown:
        return message("list.none", lang)
    rest = len(shown) - limit if limit is not None else 0
    text = message("list.separator", lang).join(shown[:limit] if rest > 0 else shown)
    return message("list.more", lang, shown=text, rest=rest) if rest > 0 else text
