"""Region keys and names: turn them into comparable text.

Codes such as county adcodes or US FIPS codes are identifiers, not numbers, yet
spreadsheets and CSV readers turn them into numbers: ``"01001"`` becomes
``1001`` and sometimes ``1001.0``. :func:`repair_keys` turns any key column
back into text and counts what it changed; :func:`pad_keys` restores the
leading zeros when the boundary codes show the width. :func:`normalize_name`
reduces a region name to a form that survives suffixes (县, 市, County),
case, accents, full-width characters and punctuation.

Examples
--------
>>> import pandas as pd
>>> keys, counts = repair_keys(pd.Series([1001.0, " 330127 ", None]))
>>> keys.tolist(), counts
(['1001', '330127', nan], {'converted to text': 1, 'whitespace stripped': 1})
>>> normalize_name("景宁畲族自治县"), normalize_name("Chun'an County")
('景宁', 'chunan')
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "repair_keys",
    "pad_keys",
    "strip_leading_zeros",
    "common_digit_width",
    "normalize_name",
    "clean_name",
    "parse_years",
]

_DECIMAL_ZERO = re.compile(r"^([+-]?\d+)\.0*$")
_DIGITS = re.compile(r"^\d+$")
_YEAR = re.compile(r"^[+-]?\d+(?:\.0*)?$")

# The 56 officially recognised ethnic groups of China (names without 族), used to
# strip the suffix of autonomous units such as 景宁畲族自治县 or 双江拉祜族佤族布朗族傣族自治县.
_ETHNIC_GROUPS = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 "
    "拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 "
    "怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
_ETHNIC = "|".join(sorted(_ETHNIC_GROUPS, key=len, reverse=True))
_ZH_AUTONOMOUS = re.compile(rf"(?:(?:{_ETHNIC})族)*(?:各族)?自治(?:县|旗|州|区)$")
# Plain administrative suffixes, longest first so 新区 is stripped before 区.
_ZH_SUFFIXES = ("自治县", "自治旗", "新区", "特区", "林区", "矿区", "县", "市", "区", "旗")
_EN_SUFFIXES = (
    "autonomous county",
    "autonomous banner",
    "county level city",
    "new area",
    "special district",
    "forestry district",
    "census area",
    "municipality",
    "prefecture",
    "district",
    "borough",
    "parish",
    "county",
    "banner",
    "city",
)
# English names of the same groups as they appear in official county names
# ("Jingning She Autonomous County", "Shuangjiang Lahu Va Blang and Dai Autonomous County").
_ETHNIC_GROUPS_EN = (
    "han mongol mongolian hui tibetan uyghur uygur miao yi zhuang bouyei buyei korean manchu "
    "dong yao bai tujia hani kazak kazakh dai li lisu va wa she gaoshan lahu sui shui dongxiang "
    "naxi jingpo kirgiz kyrgyz tu daur mulao mulam qiang blang bulang salar maonan gelao xibe "
    "achang pumi tajik nu uzbek russian ewenki evenki deang de ang bonan baoan yugur jing tatar "
    "derung oroqen hezhen monba lhoba jino"
).split()
_EN_AUTONOMOUS = re.compile(
    r"(?:\s+(?:" + "|".join(_ETHNIC_GROUPS_EN) + r"|and))+\s+autonomous\s+"
    r"(?:county|banner|prefecture|region)$"
)
_EN_SUFFIX = re.compile(r"\s+(?:" + "|".join(s.replace(" ", r"\s+") for s in _EN_SUFFIXES) + r")$")
_PUNCTUATION = re.compile(r"[\s'\u2018\u2019\u02bc`\-\u2010-\u2015.,·•・/()\[\]]+")


def repair_keys(values: pd.Series) -> tuple[pd.Series, dict[str, int]]:
    """Turn a key column into stripped text, counting each kind of repair.

    Parameters
    ----------
    values : pandas.Series
        Keys as read: text, integers, or floats (``1001.0``) from a spreadsheet.

    Returns
    -------
    keys : pandas.Series
        Keys as ``str`` dtype with the same index; missing keys stay missing.
    counts : dict
        Non-zero counts of ``"converted to text"`` (numbers written as text),
        ``"'.0' removed"`` (text such as ``"1001.0"``) and
        ``"whitespace stripped"``.

    Examples
    --------
    >>> import pandas as pd
    >>> keys, counts = repair_keys(pd.Series(["1001.0", "01001", " 7"]))
    >>> keys.tolist(), counts
    (['1001', '01001', '7'], {"'.0' removed": 1, 'whitespace stripped': 1})
    >>> repair_keys(pd.Series([], dtype=float))[0].tolist()
    []
    """
    import pandas as pd

    counts: dict[str, int] = {}
    missing = values.isna().to_numpy()
    texts: list[object] = []
    converted = stripped = decimal = 0
    for value, absent in zip(values.tolist(), missing, strict=True):
        if absent:
            texts.append(pd.NA)
            continue
        was_text = isinstance(value, str)
        if not was_text:
            converted += 1
            value = _number_to_text(value)
        text = value.strip()
        stripped += text != value
        match = _DECIMAL_ZERO.match(text)
        if match:
            decimal += was_text
            text = match.group(1)
        texts.append(text)
    for label, count in (("converted to text", converted), ("'.0' removed", decimal),
                         ("whitespace stripped", stripped)):
        if count:
            counts[label] = int(count)
    return pd.Series(texts, index=values.index, dtype="str"), counts


def _number_to_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "item"):  # numpy scalars
        return _number_to_text(value.item())
    return str(value)


def common_digit_width(keys: pd.Series) -> int | None:
    """Return the width shared by all keys when they are all digit strings.

    Parameters
    ----------
    keys : pandas.Series
        Text keys (missing values are ignored).

    Returns
    -------
    int or None
        The common width, or None if some key has a non-digit or the widths differ.

    Examples
    --------
    >>> import pandas as pd
    >>> common_digit_width(pd.Series(["01001", "56045"]))
    5
    >>> common_digit_width(pd.Series(["1001", "56045"])) is None
    True
    """
    present = [k for k in keys.dropna().tolist() if isinstance(k, str)]
    if not present or not all(_DIGITS.match(k) for k in present):
        return None
    widths = {len(k) for k in present}
    return widths.pop() if len(widths) == 1 else None


def pad_keys(keys: pd.Series, width: int) -> tuple[pd.Series, int]:
    """Left-pad all-digit keys shorter than ``width`` with zeros.

    Parameters
    ----------
    keys : pandas.Series
        Text keys.
    width : int
        Target width (the boundary codes' width).

    Returns
    -------
    keys : pandas.Series
        The padded keys.
    count : int
        How many keys were padded.

    Examples
    --------
    >>> import pandas as pd
    >>> padded, n = pad_keys(pd.Series(["1001", "56045", "x1", None]), 5)
    >>> padded.tolist(), n
    (['01001', '56045', 'x1', nan], 1)
    """
    short = keys.map(lambda k: isinstance(k, str) and bool(_DIGITS.match(k)) and len(k) < width)
    short = short.astype(bool)
    padded = keys.copy()
    padded[short] = keys[short].str.zfill(width)
    return padded, int(short.sum())


def strip_leading_zeros(keys: pd.Series) -> tuple[pd.Series, int]:
    """Remove leading zeros from all-digit keys (``"01001"`` -> ``"1001"``, ``"000"`` -> ``"0"``).

    Parameters
    ----------
    keys : pandas.Series
        Text keys.

    Returns
    -------
    keys : pandas.Series
        The keys without leading zeros.
    count : int
        How many keys changed.

    Examples
    --------
    >>> import pandas as pd
    >>> stripped, n = strip_leading_zeros(pd.Series(["01001", "56045", "000", "0x1"]))
    >>> stripped.tolist(), n
    (['1001', '56045', '0', '0x1'], 2)
    """
    def strip(key: object) -> object:
        if isinstance(key, str) and _DIGITS.match(key):
            return key.lstrip("0") or "0"
        return key

    stripped = keys.map(strip)
    changed = int((stripped != keys).fillna(False).sum())
    return stripped.astype(keys.dtype), changed


def clean_name(name: object) -> str | None:
    """Tidy a name without changing its meaning: Unicode NFKC and collapsed spaces.

    Parameters
    ----------
    name : object
        A region name; missing values give None.

    Returns
    -------
    str or None
        The tidied name (full-width letters and spaces become ordinary ones).

    Examples
    --------
    >>> clean_name("淳安县\u3000")
    '淳安县'
    >>> clean_name(float("nan")) is None
    True
    """
    if name is None or (isinstance(name, float) and name != name):
        return None
    text = unicodedata.normalize("NFKC", str(name))
    return " ".join(text.split()) or None


def normalize_name(name: object) -> str | None:
    """Reduce a region name to a comparison form.

    Applies Unicode NFKC (full-width characters and spaces), case folding,
    accent removal (NFKD, combining marks dropped), removes one administrative
    suffix (English words such as "County", "City", "District", "Autonomous
    County" with the ethnic names before it; Chinese suffixes such as 自治县
    with the ethnic names before it, 新区, 县, 市, 区; the longest suffix
    first), then drops spaces and punctuation (apostrophes, hyphens, dots). A
    suffix is only removed when something is left.

    Parameters
    ----------
    name : object
        A region name; missing values give None.

    Returns
    -------
    str or None
        The normalised name.

    Examples
    --------
    >>> [normalize_name(n) for n in ["淳安县", "淳安", "上城区", "杭州市"]]
    ['淳安', '淳安', '上城', '杭州']
    >>> [normalize_name(n) for n in ["Chun'an County", "CHUN-AN", "Yueqing City"]]
    ['chunan', 'chunan', 'yueqing']
    >>> normalize_name("Jingning She Autonomous County")
    'jingning'

    >>> normalize_name("Bāotóu"), normalize_name("县"), normalize_name(None)
    ('baotou', '县', None)
    """
    text = clean_name(name)
    if text is None:
        return None
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = " ".join(_PUNCTUATION.sub(" ", text).split())
    text = _strip_suffix(text)
    return "".join(text.split()) or None


def _strip_suffix(text: str) -> str:
    stripped = _EN_AUTONOMOUS.sub("", text)
    if stripped and stripped != text:
        return stripped
    stripped = _EN_SUFFIX.sub("", text)
    if stripped and stripped != text:
        return stripped
    match = _ZH_AUTONOMOUS.search(text)
    if match and match.start() > 0:
        return text[: match.start()]
    for suffix in _ZH_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def parse_years(values: pd.Series) -> tuple[pd.Series, list[object]]:
    """Read a year column as whole numbers, and list the rows that hold something else.

    Accepted: integers, floats with no fraction (``2023.0``, as spreadsheets
    give them) and text of such numbers (``"2023"``, ``" 2023.0 "``).
    Anything else (``"2023年"``, ``"n/a"``, ``2023.5``, ``True``) is a bad row;
    missing values stay missing.

    Parameters
    ----------
    values : pandas.Series
        The year column as read.

    Returns
    -------
    years : pandas.Series
        ``Int64`` years, missing where the value is missing or bad, same index.
    bad : list
        Index labels of the rows whose value is not a year.

    Examples
    --------
    >>> import pandas as pd
    >>> years, bad = parse_years(pd.Series([2023, "2022", 2021.0, None, "2023年", "n/a"]))
    >>> years.tolist()[:4], bad
    ([2023, 2022, 2021, <NA>], [4, 5])
    """
    import numbers

    import pandas as pd

    parsed: list[object] = []
    bad: list[object] = []
    for label, value in zip(values.index, values.tolist(), strict=True):
        year = None
        if value is None or value is pd.NA or (isinstance(value, float) and value != value):
            parsed.append(pd.NA)
            continue
        if isinstance(value, bool):
            year = None
        elif isinstance(value, numbers.Integral):
            year = int(value)
        elif isinstance(value, numbers.Real) and float(value).is_integer():
            year = int(value)
        elif isinstance(value, str) and _YEAR.match(value.strip()):
            year = int(value.strip().split(".")[0])
        if year is None:
            bad.append(label)
        parsed.append(pd.NA if year is None else year)
    return pd.Series(parsed, index=values.index, dtype="Int64", name=values.name), bad
