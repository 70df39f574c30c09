r"""Delimited text tables (CSV, TSV): decode, sniff the separator, check every row's field count.

A row with more fields than the header (a trailing comma, an unquoted ``1,234``)
makes pandas take the extra leading field as the row label, which shifts every
value one column to the right: the key column then holds another column's value
and the row joins the wrong region. Such a row is an error here, naming its line.
A row with fewer fields than the header (but more than one) is an error too: a
dropped separator shifts the values that follow into the wrong columns, and
nothing tells a dropped middle field from omitted trailing ones. A row of one
field (a note under the table, a key without values) cannot shift anything and
is read with missing values, as are blank lines.

Examples
--------
>>> problem = field_count_problems("code,v\n01,1\n02,2,\n", ",", "t.csv")
>>> print(problem.split(". ")[0])
t.csv: 1 row has more fields than its header (2: code, v): line 3 (3 fields)
>>> field_count_problems("code,v\n01,1\n\n02\n", ",", "t.csv") is None
True
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from geodisparity.errors import EmptyDataError, FileFormatError, InputError, format_rows
from geodisparity.io._encoding import guess_text_encoding

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["read_delimited", "decode_table_text", "field_count_problems"]

_SHOWN = 8  # lines listed in a message


def read_delimited(source: Path, key_column: Callable[[list[str]], str | None],
                   encoding: str | None, *, tab: bool) -> pd.DataFrame:
    """Read a delimited table; the header ``key_column`` picks is kept as text.

    ``encoding`` must already be checked. Raises EmptyDataError for a blank
    file and FileFormatError for text that cannot be decoded or parsed, or
    rows whose field count differs from the header's.
    """
    import pandas as pd

    raw = source.read_bytes()
    if not raw.strip():
        raise EmptyDataError(f"{source.name} is empty")
    text = decode_table_text(raw, encoding, source)
    separator = "\t" if tab else sniff_separator(text[:65536])
    column = key_column(header_of(text, separator))
    problem = field_count_problems(text, separator, source.name)
    if problem:
        raise FileFormatError(problem)
    dtype = {column: "str"} if column is not None else None
    try:
        return pd.read_csv(io.StringIO(text), sep=separator, dtype=dtype, index_col=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise FileFormatError(f"cannot parse {source.name}: {exc}") from exc


def header_of(text: str, separator: str) -> list[str]:
    """Return the first row's fields."""
    return next(csv.reader(io.StringIO(text[:65536]), delimiter=separator), [])


def decode_table_text(raw: bytes, encoding: str | None, source: Path) -> str:
    """Decode table bytes: ``encoding`` if given, else by byte-order mark, UTF-8 or GB18030."""
    if encoding is None:
        encoding = _detect(raw, source)
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            f"{source.name} is not valid {encoding} text ({exc.reason} at byte {exc.start}); "
            "pass another encoding="
        ) from exc
    except LookupError as exc:  # pragma: no cover - read_table checks encoding= first
        raise InputError(f"encoding={encoding!r} is not a known text encoding") from exc


def _detect(raw: bytes, source: Path) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if b"\x00" in raw:
        return _utf16_without_mark(raw, source)
    encoding = guess_text_encoding(raw) or ("ascii" if raw.isascii() else None)
    if encoding is None:
        raise FileFormatError(
            f"{source.name} is neither UTF-8 nor Chinese GBK/GB18030 text; "
            "pass encoding= (e.g. encoding='latin-1')"
        )
    return encoding


def _utf16_without_mark(raw: bytes, source: Path) -> str:
    """UTF-16 text of mostly ASCII characters has a zero in every other byte."""
    sample = raw[:4096]
    even, odd = sample[0::2], sample[1::2]
    if odd and odd.count(0) >= 0.5 * len(odd) and even.count(0) <= 0.1 * len(even):
        return "utf-16-le"
    if even and even.count(0) >= 0.5 * len(even) and odd.count(0) <= 0.1 * len(odd):
        return "utf-16-be"
    raise FileFormatError(
        f"{source.name} holds zero bytes, so it is not a text table (a binary file, or "
        "text in an encoding that needs encoding=, such as encoding='utf-16')"
    )


def sniff_separator(sample: str) -> str:
    """Comma, tab, semicolon or bar, as :class:`csv.Sniffer` finds it in the first lines."""
    lines = "\n".join(sample.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(lines, delimiters=",\t;|").delimiter
    except csv.Error:
        return ","


def field_count_problems(text: str, separator: str, name: str) -> str | None:
    """Describe the rows whose field count differs from the header's, or return None.

    Lines are counted from 1 (the header) and name the line where a row
    starts. Blank rows and rows of one field are not problems.
    """
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    try:
        header = next(reader, [])
        longer, shorter, previous = [], [], reader.line_num
        for row in reader:
            start, previous = previous + 1, reader.line_num
            if len(row) > len(header):
                longer.append((start, len(row)))
            elif 1 < len(row) < len(header):
                shorter.append((start, len(row)))
    except csv.Error as exc:
        raise FileFormatError(f"cannot parse {name} near line {reader.line_num}: {exc}") from exc
    columns = f"{len(header)}: {format_rows(header, limit=_SHOWN)}"
    if longer:
        return (
            f"{name}: {_rows(len(longer))} more fields than its header ({columns}): "
            f"{_lines(longer)}. Extra separators (a trailing comma, an unquoted separator "
            "inside a value such as 1,234) would shift values into the wrong columns; "
            "remove them or quote the value"
        )
    if shorter:
        return (
            f"{name}: {_rows(len(shorter))} fewer fields than its header ({columns}): "
            f"{_lines(shorter)}. A missing separator would shift the values that follow "
            "into the wrong columns; write every field, empty ones included (a,,c)"
        )
    return None


def _rows(n: int) -> str:
    return "1 row has" if n == 1 else f"{n} rows have"


def _lines(found: list[tuple[int, int]]) -> str:
    return format_rows([f"line {line} ({count} fields)" for line, count in found], limit=_SHOWN)
