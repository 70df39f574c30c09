r"""Tables: CSV/TSV (decoded, separator sniffed, field counts checked), Excel and Parquet.

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
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geodisparity.errors import (
    EmptyDataError,
    FileFormatError,
    InputError,
    MissingColumnError,
    format_rows,
)
from geodisparity.io._encoding import guess_text_encoding
from geodisparity.io.keys import repair_keys

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["read_delimited", "read_excel", "read_parquet", "read_dbf", "decode_table_text",
           "field_count_problems"]

_SHOWN = 8  # lines listed in a message


def _read_text_table(source: Path, key_column: Callable[[list[str]], str | None],
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
    problem = field_count_problems(text, separator, source.name)
    header = header_of(text, separator)
    check_unique_headers(header, source.name)
    column = key_column(header)
    if problem:
        raise FileFormatError(problem)
    dtype = {column: "str"} if column is not None else None
    try:
        return pd.read_csv(io.StringIO(text), sep=separator, dtype=dtype, index_col=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise FileFormatError(f"cannot parse {source.name}: {exc}") from exc


def header_of(text: str, separator: str) -> list[str]:
    """Return the first row's fields."""
    try:
        rows = csv.reader(io.StringIO(text[:65536], newline=""), delimiter=separator)
        return next((row for row in rows if row), [])  # pandas skips leading blank lines
    except csv.Error:  # field_count_problems reports it with the file name
        return []


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

    Lines are counted from 1 and name the line where a row starts; the header
    is the first row that is not blank (as pandas reads it). Blank rows and
    rows of one field are not problems.
    """
    header, counts = field_counts(text, separator, name)
    longer = [(line, n) for line, n in counts if n > len(header)]
    shorter = [(line, n) for line, n in counts if 1 < n < len(header)]
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


def field_counts(text: str, separator: str, name: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Return the header's fields and ``(line, field count)`` of every later row.

    Text without quote characters is split directly (fast); otherwise the
    :mod:`csv` module parses it, so quoted separators and line breaks count
    as part of their field, as pandas reads them.
    """
    if '"' not in text:
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        first = next((i for i, line in enumerate(lines) if line), len(lines))
        if first == len(lines):
            return [], []
        counts = [line.count(separator) + 1 if line else 0 for line in lines]
        rows = [(i + 1, n) for i, n in enumerate(counts) if n and i > first]
        return lines[first].split(separator), rows
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)

    def parsed() -> Iterator[tuple[int, list[str]]]:
        previous = 0
        for row in reader:
            yield previous + 1, row
            previous = reader.line_num

    try:
        return _split_header(parsed())
    except csv.Error as exc:
        raise FileFormatError(f"cannot parse {name} near line {reader.line_num}: {exc}") from exc


def _split_header(rows: Iterable[tuple[int, list[str]]]
                  ) -> tuple[list[str], list[tuple[int, int]]]:
    header: list[str] | None = None
    counts = []
    for line, fields in rows:
        if header is None:
            if fields:
                header = fields
        elif fields:
            counts.append((line, len(fields)))
    return header or [], counts


def _rows(n: int) -> str:
    return "1 row has" if n == 1 else f"{n} rows have"


def _lines(found: list[tuple[int, int]]) -> str:
    return format_rows([f"line {line} ({count} fields)" for line, count in found], limit=_SHOWN)


def _key_column(columns: list[Any], key: str | None, source: Path) -> str | None:
    """Return the raw header that ``key`` names (headers compared stripped)."""
    if key is None:
        return None
    for column in columns:
        if str(column).strip() == key:
            return column
    raise MissingColumnError(
        f"key={key!r} is not a column of {source.name}; its columns are: "
        f"{format_rows([str(c).strip() for c in columns], limit=50)}"
    )


def _strip_headers(table: pd.DataFrame, source: Path) -> pd.DataFrame:
    table = table.rename(columns=lambda c: c.strip() if isinstance(c, str) else c)
    check_unique_headers(table.columns.tolist(), source.name)
    return table


def check_unique_headers(header: list[Any], name: str) -> None:
    """Raise FileFormatError if two columns have the same name (compared stripped).

    A repeated name makes a column choice ambiguous (which ``income``?), so it
    is refused rather than renamed.
    """
    seen: dict[str, int] = {}
    for column in header:
        text = str(column).strip()
        seen[text] = seen.get(text, 0) + 1
    repeated = [f"{column!r} ({n} times)" for column, n in seen.items() if n > 1]
    if repeated:
        raise FileFormatError(
            f"{name} has several columns with the same name: {format_rows(repeated)}; "
            "rename them so that each column can be chosen"
        )


def read_delimited(source: Path, key: str | None, encoding: str | None,
                   *, tab: bool) -> pd.DataFrame:
    """Read a CSV/TSV table, its ``key`` column as text (``encoding`` already checked)."""
    table = _read_text_table(source, lambda header: _key_column(header, key, source), encoding,
                             tab=tab)
    return _strip_headers(table, source)


def read_excel(source: Path, key: str | None, sheet: str | int | None) -> pd.DataFrame:
    """Read one sheet of an Excel workbook, its ``key`` column as text."""
    import pandas as pd

    try:
        workbook = pd.ExcelFile(source, engine="openpyxl")
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise FileFormatError(
            f"cannot read {source.name} as an Excel workbook: {exc}{_text_hint(source)}"
        ) from exc
    with workbook:
        names = workbook.sheet_names
        chosen = _choose_sheet(names, sheet, source)
        header = pd.read_excel(workbook, sheet_name=chosen, nrows=0).columns.tolist()
        column = _key_column(header, key, source)
        dtype = {column: "str"} if column is not None else None
        table = pd.read_excel(workbook, sheet_name=chosen, dtype=dtype)
    return _strip_headers(table, source)


def _text_hint(source: Path) -> str:
    """Say so when a workbook is really delimited text (a CSV renamed to .xlsx)."""
    with source.open("rb") as handle:
        head = handle.read(4096)
    if not head or b"\x00" in head:
        return ""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut at the end of the sample
            return ""
    return "; it holds plain text: if it is a CSV file, give it the .csv suffix"


def _choose_sheet(names: list[str], sheet: str | int | None, source: Path) -> str | int:
    if sheet is None:
        if len(names) == 1:
            return names[0]
        raise InputError(
            f"{source.name} has {len(names)} sheets; choose one with sheet=: "
            f"{format_rows(names, limit=50)}"
        )
    if isinstance(sheet, int) and 0 <= sheet < len(names) or sheet in names:
        return sheet
    raise InputError(
        f"sheet={sheet!r} is not a sheet of {source.name}; its sheets are: "
        f"{format_rows(names, limit=50)} (or a position 0..{len(names) - 1})"
    )


def read_parquet(source: Path, key: str | None) -> pd.DataFrame:
    """Read a Parquet table, its ``key`` column repaired into text."""
    import pandas as pd

    try:
        table = pd.read_parquet(source)
    except (OSError, ValueError) as exc:
        raise FileFormatError(f"cannot read {source.name} as Parquet: {exc}") from exc
    table = _strip_headers(table, source)
    column = _key_column(table.columns.tolist(), key, source)
    if column is not None:
        table[column] = repair_keys(table[column])[0]
    return table


def read_dbf(source: Path, key: str | None, encoding: str | None) -> pd.DataFrame:
    """Read a dBASE table (.dbf), its text decoded as a shapefile's, ``key`` repaired into text.

    The encoding is ``encoding`` if given, else the ``.cpg`` beside the file,
    the DBF language id and the bytes (see
    :func:`geodisparity.io._encoding.choose_dbf_encoding`); an overruled
    declaration warns with :class:`~geodisparity.errors.EncodingMismatchWarning`.
    """
    import codecs
    import warnings

    import pandas as pd
    import pyogrio

    from geodisparity.errors import EncodingMismatchWarning
    from geodisparity.io._encoding import choose_dbf_encoding, decode_frame_text
    from geodisparity.io._shapefile import check_dbf

    data = source.read_bytes()
    check_dbf(data, source.name)
    if encoding is not None:
        codec = codecs.lookup(encoding).name
    else:
        cpg = next((p for p in (source.with_suffix(".cpg"), source.with_suffix(".CPG"))
                    if p.is_file()), None)
        decision = choose_dbf_encoding(
            data, None if cpg is None else cpg.read_bytes().decode("latin-1"), source.name)
        if decision.warning is not None:
            warnings.warn(decision.warning, EncodingMismatchWarning, stacklevel=3)
        codec = decision.codec
    try:
        frame = pyogrio.read_dataframe(source, encoding="ISO-8859-1", read_geometry=False)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise FileFormatError(f"cannot read {source.name} as a dBASE table: {exc}") from exc
    table = _strip_headers(decode_frame_text(pd.DataFrame(frame), codec, source.name), source)
    column = _key_column(table.columns.tolist(), key, source)
    if column is not None:
        table[column] = repair_keys(table[column])[0]
    return table
