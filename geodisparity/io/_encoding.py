"""Guess the text encoding of shapefile attributes and text tables.

Chinese shapefiles are often exported without a ``.cpg`` file; GDAL then reads
their GBK text as ISO-8859-1 and every name turns to mojibake. Here the raw
bytes of the DBF character fields are checked: valid UTF-8 is UTF-8; bytes that
decode as GB18030 (a superset of GBK) into characters of the common GB2312 set
are GB18030. Latin-1 text misread as GB18030 falls outside GB2312 and is left
alone.

Examples
--------
>>> guess_text_encoding("龙泉市".encode("gb18030"))
'GB18030'
"""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

__all__ = ["guess_text_encoding", "shapefile_encoding", "zip_shapefile_encoding"]

logger = logging.getLogger(__name__)


def _sidecar(shp: Path, suffix: str) -> Path | None:
    for candidate in (shp.with_suffix(suffix), shp.with_suffix(suffix.upper())):
        if candidate.exists():
            return candidate
    return None


def shapefile_encoding(shp: Path) -> str | None:
    """Guess the encoding of a shapefile with neither .cpg nor DBF language id."""
    dbf = _sidecar(shp, ".dbf")
    if _sidecar(shp, ".cpg") is not None or dbf is None:
        return None  # GDAL honours the .cpg (or reports the missing .dbf itself)
    return _guess_dbf_encoding(dbf.read_bytes(), shp.name)


def zip_shapefile_encoding(archive: zipfile.ZipFile, names: list[str], shp: str) -> str | None:
    stem = shp[: -len(".shp")]
    lower = {name.lower(): name for name in names}
    if f"{stem}.cpg".lower() in lower or f"{stem}.dbf".lower() not in lower:
        return None
    return _guess_dbf_encoding(archive.read(lower[f"{stem}.dbf".lower()]), shp)


def _guess_dbf_encoding(data: bytes, name: str) -> str | None:
    if len(data) > 29 and data[29] != 0:
        return None  # a DBF language driver id: GDAL decodes with it
    encoding = guess_text_encoding(_dbf_text_bytes(data))
    if encoding is not None:
        logger.info("%s has no .cpg; its text decodes as %s", name, encoding)
    return encoding


def _dbf_text_bytes(data: bytes, max_records: int = 20000) -> bytes:
    """Concatenate the raw bytes of the character fields of a DBF file."""
    if len(data) < 32:
        return b""
    n_records = int.from_bytes(data[4:8], "little")
    header_length = int.from_bytes(data[8:10], "little")
    record_length = int.from_bytes(data[10:12], "little")
    spans, offset, position = [], 1, 32  # offset 0 of a record is the deletion flag
    while position + 32 <= min(header_length, len(data)) and data[position] != 0x0D:
        descriptor = data[position : position + 32]
        length = descriptor[16]
        if descriptor[11:12] == b"C":
            spans.append((offset, offset + length))
        offset += length
        position += 32
    chunks = []
    for index in range(min(n_records, max_records)):
        start = header_length + index * record_length
        record = data[start : start + record_length]
        chunks.extend(record[a:b].rstrip(b" \x00") for a, b in spans)
    return b"\n".join(chunks)


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
