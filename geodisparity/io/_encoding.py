"""Text encodings: check ``encoding=`` arguments, read shapefile declarations, trust the bytes.

Chinese shapefiles are often exported without a ``.cpg`` file, or with one that
is wrong: ArcGIS on Chinese Windows writes the DBF language id 0x57 ("ANSI",
code page 1252) above GBK bytes, and some tools write a ``.cpg`` saying UTF-8
above GBK text. Decoding by the declaration alone then gives mojibake, or a
crash. Here the declaration (``.cpg`` first, else the language id at byte 29
of the ``.dbf``) is compared with the raw bytes of the DBF text: bytes that are
plainly UTF-8, or GB18030 (a superset of GBK) decoding into common Chinese
characters (the GB2312 set), win over a declaration they contradict, with a
warning. Latin-1 text misread as GB18030 falls outside GB2312 and is left alone.

The DBF text is read through GDAL as ISO-8859-1, which maps each byte to one
character, and decoded here with the chosen Python codec
(:func:`decode_frame_text`), so any Python codec works and a byte that does not
fit gives an error naming the rows rather than a crash.

Examples
--------
>>> guess_text_encoding("龙泉市".encode("gb18030"))
'GB18030'
>>> cpg_codec("ANSI 1252", "x.cpg"), cpg_codec("88591", "x.cpg"), cpg_codec("UTF8", "x.cpg")
('cp1252', 'iso8859-1', 'utf-8')
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from geodisparity.errors import FileFormatError, InputError, format_rows

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "check_encoding",
    "guess_text_encoding",
    "cpg_codec",
    "TextDecision",
    "choose_dbf_encoding",
    "decode_frame_text",
]

logger = logging.getLogger(__name__)

# The code page each common dBase language driver id (byte 29 of a .dbf) stands for.
_LANGUAGE_IDS: dict[int, str] = {
    0x01: "cp437", 0x02: "cp850", 0x03: "cp1252", 0x04: "mac-roman", 0x13: "cp932",
    0x26: "cp866", 0x4D: "gbk", 0x4E: "cp949", 0x4F: "cp950", 0x50: "cp874",
    0x57: "cp1252", 0x58: "cp1252", 0x59: "cp1252", 0x64: "cp852", 0x65: "cp866",
    0x66: "cp865", 0x6A: "cp737", 0x6B: "cp857", 0x78: "cp950", 0x79: "cp949",
    0x7A: "gbk", 0x7B: "cp932", 0x7C: "cp874", 0xC8: "cp1250", 0xC9: "cp1251",
    0xCA: "cp1254", 0xCB: "cp1253", 0xCC: "cp1257",
}
# Windows code pages named by number in .cpg files that Python spells differently.
_CODE_PAGES = {"65001": "utf-8", "936": "gbk", "20936": "gb2312", "54936": "gb18030"}
_GB = frozenset({"gbk", "gb2312", "gb18030"})
_MULTIBYTE = _GB | {"big5", "big5hkscs", "cp932", "cp949", "cp950", "euc_jp", "euc_kr",
                    "shift_jis", "johab"}
_ISO_8859 = re.compile(r"^(?:ISO)?[-_ ]?8859[-_ ]?(\d{1,2})$")
_NUMBERED = re.compile(r"^(?:ANSI|OEM|CP|WINDOWS|MS)?[-_ ]?(\d{3,5})$")


def check_encoding(encoding: Any, *, argument: str = "encoding") -> str | None:
    """Return ``encoding`` if Python knows it as a text encoding, else raise InputError.

    Examples
    --------
    >>> check_encoding("GB18030"), check_encoding(None)
    ('GB18030', None)
    >>> check_encoding("utf-9")
    Traceback (most recent call last):
    ...
    geodisparity.errors.InputError: encoding='utf-9' is not a known text encoding; \
use a Python codec name such as 'utf-8', 'gb18030', 'gbk', 'big5', 'cp1252' or 'latin-1'
    """
    if encoding is None:
        return None
    if isinstance(encoding, str):
        try:
            "x".encode(encoding)  # LookupError for unknown names and for bytes-to-bytes codecs
            return encoding
        except (LookupError, UnicodeError):
            pass
    raise InputError(
        f"{argument}={encoding!r} is not a known text encoding; use a Python codec name such as "
        "'utf-8', 'gb18030', 'gbk', 'big5', 'cp1252' or 'latin-1'"
    )


def cpg_codec(value: str, where: str) -> str | None:
    """Return the Python codec a ``.cpg`` value names (None when it is blank).

    Accepts codec names (``"UTF-8"``, ``"GBK"``, ``"Big5"``), Windows code page
    numbers as ESRI writes them (``"1252"``, ``"ANSI 1252"``, ``"936"``,
    ``"65001"``) and ISO 8859 parts (``"88591"``, ``"ISO 8859-1"``).

    Raises
    ------
    FileFormatError
        If the value names no encoding Python knows (``where`` names the file).
    """
    text = value.strip().lstrip("\ufeff").strip()
    if not text:
        return None
    upper = text.upper()
    iso = _ISO_8859.match(upper)
    numbered = _NUMBERED.match(upper)
    candidates = [text]
    if iso:
        candidates.insert(0, f"iso8859-{iso.group(1)}")
    elif numbered:
        number = numbered.group(1)
        candidates.insert(0, _CODE_PAGES.get(number, f"cp{number}"))
    for candidate in candidates:
        try:
            "x".encode(candidate)  # LookupError for unknown names and bytes-to-bytes codecs
        except (LookupError, UnicodeError):
            continue
        name = codecs.lookup(candidate).name
        return "utf-8" if name == "utf-8-sig" else name
    raise FileFormatError(
        f"{where} names the text encoding {text!r}, which is not a known encoding; "
        "fix the .cpg file or pass encoding= (e.g. encoding='gb18030')"
    )


@dataclass(frozen=True)
class TextDecision:
    """How to decode a DBF's text: the codec, and a warning when the declaration was overruled."""

    codec: str
    warning: str | None = None


def choose_dbf_encoding(dbf: bytes, cpg: str | None, name: str) -> TextDecision:
    r"""Choose the codec of a DBF from its ``.cpg`` text (or None), language id and bytes.

    Without a declaration, text that is valid UTF-8 is UTF-8, text that decodes
    as common Chinese GB18030 is GB18030, anything else is ISO-8859-1 (as GDAL
    reads it). A declaration is followed unless the bytes prove another
    encoding (see the module docstring).

    Raises
    ------
    FileFormatError
        If the ``.cpg`` names an unknown encoding, or the text fits neither the
        declared encoding nor UTF-8/GB18030.

    Examples
    --------
    A DBF header (32 bytes, language id 0x57 at byte 29), one text field
    ``NAME`` of 6 bytes, then one record holding 淳安县 in GBK:

    >>> header = bytes([3, 126, 1, 1]) + (1).to_bytes(4, "little") + (65).to_bytes(2, "little")
    >>> header += (7).to_bytes(2, "little") + bytes(17) + bytes([0x57, 0, 0])
    >>> field = b"NAME".ljust(11, b"\x00") + b"C" + bytes(4) + bytes([6, 0]) + bytes(14)
    >>> dbf = header + field + b"\r" + b" " + "淳安县".encode("gbk") + b"\x1a"
    >>> decision = choose_dbf_encoding(dbf, None, "a.shp")
    >>> decision.codec
    'gb18030'
    >>> decision.warning.split(";")[0]
    'a.shp: its DBF language id 0x57 says cp1252, but its text is plainly GB18030'
    >>> choose_dbf_encoding(dbf, "GBK", "a.shp")
    TextDecision(codec='gb18030', warning=None)
    """
    sample = _dbf_text_bytes(dbf)
    detected = guess_text_encoding(sample)
    declared, origin = _declared(dbf, cpg, name)
    if declared is None:
        if detected is not None:
            logger.info("%s declares no encoding; its text decodes as %s", name, detected)
        return TextDecision(detected.lower() if detected else "iso8859-1")
    if detected == "GB18030" and declared in _GB:
        return TextDecision("gb18030")  # a superset: decodes GBK and GB2312 text the same
    if detected is not None and detected.lower() != declared and (
        detected == "UTF-8" or declared not in _MULTIBYTE or not _decodes(sample, declared)
    ):
        return TextDecision(detected.lower(), (
            f"{name}: {origin}, but its text is plainly {detected}; read as {detected}. "
            f"Pass encoding= to choose another"
        ))
    if not _decodes(sample, declared):
        raise FileFormatError(
            f"{name}: {origin}, but its text is not valid {declared} (nor UTF-8 or Chinese "
            "GB18030); pass encoding= with the right one"
        )
    return TextDecision(declared)


def _declared(dbf: bytes, cpg: str | None, name: str) -> tuple[str | None, str]:
    if cpg is not None:
        codec = cpg_codec(cpg, f"the .cpg file of {name}")
        if codec is not None:
            return codec, f"its .cpg file says {cpg.strip()!r}"
    language = dbf[29] if len(dbf) > 29 else 0
    if language in _LANGUAGE_IDS:
        codec = _LANGUAGE_IDS[language]
        return codec, f"its DBF language id 0x{language:02X} says {codec}"
    return None, ""


def _decodes(raw: bytes, codec: str) -> bool:
    try:
        raw.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _dbf_text_bytes(data: bytes, max_records: int = 20000) -> bytes:
    """Concatenate the field names and the raw bytes of the character fields of a DBF."""
    if len(data) < 32:
        return b""
    n_records = int.from_bytes(data[4:8], "little")
    header_length = int.from_bytes(data[8:10], "little")
    record_length = int.from_bytes(data[10:12], "little")
    spans, chunks, offset, position = [], [], 1, 32  # offset 0 of a record: deletion flag
    while position + 32 <= min(header_length, len(data)) and data[position] != 0x0D:
        descriptor = data[position : position + 32]
        chunks.append(descriptor[:11].split(b"\x00")[0])
        length = descriptor[16]
        if descriptor[11:12] == b"C":
            spans.append((offset, offset + length))
        offset += length
        position += 32
    for index in range(min(n_records, max_records)):
        start = header_length + index * record_length
        record = data[start : start + record_length]
        chunks.extend(record[a:b].rstrip(b" \x00") for a, b in spans)
    return b"\n".join(chunks)


def decode_frame_text(frame: pd.DataFrame, codec: str, name: str) -> pd.DataFrame:
    """Decode text read as ISO-8859-1 (one character per byte) with ``codec``.

    Column names and text cells are decoded; other columns are left alone.

    Raises
    ------
    FileFormatError
        Naming the rows whose text is not valid in ``codec``.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = "淳安县".encode("gbk").decode("latin-1")
    >>> decode_frame_text(pd.DataFrame({"name": [raw, None]}), "gbk", "x.shp")["name"].tolist()
    ['淳安县', nan]
    """
    if codecs.lookup(codec).name == "iso8859-1":
        return frame
    bad: set[object] = set()
    renamed = {c: _recode(c, codec) for c in frame.columns if isinstance(c, str)}
    if any(v is None for v in renamed.values()):
        raise FileFormatError(f"the field names of {name} are not valid {codec} text; "
                              "pass encoding= with the right one")
    frame = frame.rename(columns=renamed)
    for position in range(frame.shape[1]):  # by position: names may repeat
        values = frame.iloc[:, position]
        if values.dtype.kind not in "OUT" and str(values.dtype) not in ("str", "string"):
            continue
        if not any(isinstance(v, str) for v in values):
            continue
        decoded = []
        for label, value in zip(frame.index, values.tolist(), strict=True):
            text = _recode(value, codec) if isinstance(value, str) else value
            if isinstance(value, str) and text is None:
                bad.add(label)
            decoded.append(text)
        frame.isetitem(position, _like(values, decoded))
    if bad:
        raise FileFormatError(
            f"the text of {name} is not valid {codec} in {len(bad)} rows: "
            f"{format_rows(sorted(bad, key=str))}; pass encoding= with the right one"
        )
    return frame


def _recode(text: str, codec: str) -> str | None:
    try:
        return text.encode("latin-1").decode(codec)
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None


def _like(values: pd.Series, decoded: list[object]) -> pd.Series:
    import pandas as pd

    try:
        return pd.Series(decoded, index=values.index, dtype=values.dtype, name=values.name)
    except (TypeError, ValueError):
        return pd.Series(decoded, index=values.index, dtype=object, name=values.name)


def guess_text_encoding(raw: bytes) -> str | None:
    """Name the encoding of some text bytes: ``"UTF-8"``, ``"GB18030"`` or None.

    Parameters
    ----------
    raw : bytes
        The text.

    Returns
    -------
    str or None
        None for pure ASCII or when neither UTF-8 nor Chinese GB18030 fits.

    Examples
    --------
    >>> guess_text_encoding("淳安县".encode("gbk")), guess_text_encoding("淳安县".encode())
    ('GB18030', 'UTF-8')
    >>> guess_text_encoding(b"plain"), guess_text_encoding("Zürich".encode("latin-1"))
    (None, None)
    """
    if raw.isascii():
        return None
    try:
        raw.decode("utf-8")
        return "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return None
    wide = [ch for ch in text if ord(ch) > 127]
    common = sum(_in_gb2312(ch) for ch in wide)  # Latin-1 text misread lands outside it
    return "GB18030" if common >= 0.8 * len(wide) else None


def _in_gb2312(character: str) -> bool:
    try:
        character.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True
