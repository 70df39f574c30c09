"""Read boundary files and statistics tables, with checks that fail loudly.

:func:`read_boundaries` reads polygons (shapefile, zipped shapefile, GeoPackage,
GeoJSON, TopoJSON, GeoParquet, FlatGeobuf) and checks what later stages rely
on: a known CRS, polygonal non-empty geometries (invalid ones are repaired with
a warning), and a unique text key. :func:`read_table` reads CSV, TSV, Excel and
Parquet tables, keeping the key column as text so codes such as ``"001001"``
keep their leading zeros, and detecting GBK/GB18030 text that is not UTF-8.

Both record the file name in ``frame.attrs["source"]``; :func:`geodisparity.join`
uses it in its report.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import warnings
import zipfile
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geodisparity.errors import (
    DataFileError,
    EmptyDataError,
    FileFormatError,
    GeometryError,
    GeometryRepairWarning,
    InputError,
    MissingColumnError,
    format_rows,
)
from geodisparity.io._boundary_checks import check_geometries, settle_crs, unique_text_keys
from geodisparity.io._encoding import (
    guess_text_encoding,
    shapefile_encoding,
    zip_shapefile_encoding,
)
from geodisparity.io.keys import repair_keys

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

__all__ = ["read_boundaries", "read_table", "BOUNDARY_SUFFIXES", "TABLE_SUFFIXES"]

logger = logging.getLogger(__name__)

BOUNDARY_SUFFIXES: dict[str, str] = {
    ".shp": "shapefile",
    ".zip": "zipped shapefile (or other boundary file)",
    ".gpkg": "GeoPackage",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON or TopoJSON",
    ".topojson": "TopoJSON",
    ".parquet": "GeoParquet",
    ".geoparquet": "GeoParquet",
    ".fgb": "FlatGeobuf",
}
TABLE_SUFFIXES: dict[str, str] = {
    ".csv": "CSV (delimiter sniffed)",
    ".txt": "delimited text (delimiter sniffed)",
    ".tsv": "tab-separated text",
    ".tab": "tab-separated text",
    ".xlsx": "Excel workbook",
    ".xlsm": "Excel workbook",
    ".parquet": "Parquet",
}
_TOPOLOGY = re.compile(r'"type"\s*:\s*"Topology"')
_ZIP_MEMBERS = (".shp", ".gpkg", ".geojson", ".json", ".fgb")


# --------------------------------------------------------------------------- boundaries


def read_boundaries(
    path: str | PathLike[str],
    *,
    layer: str | None = None,
    key: str | None = None,
    encoding: str | None = None,
    crs: Any = None,
) -> gpd.GeoDataFrame:
    """Read region boundaries from a file and check them.

    Parameters
    ----------
    path : str or path-like
        A shapefile (``.shp``), a ``.zip`` holding one (also inside a folder),
        a GeoPackage (``.gpkg``), GeoJSON (``.geojson``/``.json``), TopoJSON
        (``.topojson``, or ``.json`` whose type is ``"Topology"``), GeoParquet
        (``.parquet``) or FlatGeobuf (``.fgb``).
    layer : str, optional
        Layer of a GeoPackage, object of a TopoJSON, or member of a zip (file
        name or stem). Needed only when the file holds several.
    key : str, optional
        Column of region codes. It is checked to exist, read as text (numbers
        are written without a ``.0``; text keeps its leading zeros; whitespace
        is stripped) and must be unique and present on every row.
    encoding : str, optional
        Text encoding of the attributes. By default a shapefile's ``.cpg`` (or
        its DBF language id) is honoured; without either, text that is valid
        UTF-8 is read as UTF-8 and text that decodes as GB18030 (a superset of
        GBK) into Chinese characters is read as GB18030.
    crs : optional
        CRS (anything pyproj accepts, e.g. ``"EPSG:4547"``) declared for a file
        that has none. A file that declares a CRS must agree with it; they are
        never silently reprojected (use ``frame.to_crs`` after reading).
        TopoJSON declares no CRS: its coordinates are taken as longitude and
        latitude (EPSG:4326) unless ``crs`` says otherwise.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per region with the file's attributes, Polygon or MultiPolygon
        geometries, a CRS, and ``attrs["source"]`` set to the file name.

    Raises
    ------
    DataFileError
        If the file does not exist.
    FileFormatError
        If the suffix is not supported, or the file cannot be read.
    InputError
        If the file holds several layers and ``layer`` is missing or unknown,
        or key values are missing.
    EmptyDataError
        If the layer has no rows.
    MissingColumnError
        If ``key`` is not a column.
    DuplicateKeyError
        If ``key`` values repeat.
    CRSError
        If no CRS is known, or ``crs`` conflicts with the file's.
    GeometryError
        If geometries are missing, empty, not polygonal, or cannot be repaired.

    Warns
    -----
    GeometryRepairWarning
        When invalid geometries were repaired (``shapely.make_valid``, keeping
        the polygonal parts).

    Examples
    --------
    >>> import tempfile, pathlib, geopandas as gpd
    >>> from shapely.geometry import box
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> gpd.GeoDataFrame({"code": ["01001", "01003"]}, geometry=[box(0, 0, 1, 1),
    ...     box(1, 0, 2, 1)], crs="EPSG:4326").to_file(folder / "two.geojson")
    >>> regions = read_boundaries(folder / "two.geojson", key="code")
    >>> regions["code"].tolist(), regions.crs.to_epsg(), regions.attrs["source"]
    (['01001', '01003'], 4326, 'two.geojson')
    >>> read_boundaries(folder / "none.geojson")
    Traceback (most recent call last):
    ...
    geodisparity.errors.DataFileError: boundary file not found: ...none.geojson
    """
    source = _existing(path, "boundary file")
    suffix = source.suffix.lower()
    if suffix not in BOUNDARY_SUFFIXES:
        raise FileFormatError(_unsupported(source, BOUNDARY_SUFFIXES, "boundary"))
    frame, lonlat = _read_any_boundaries(source, suffix, layer=layer, encoding=encoding)
    frame.attrs["source"] = source.name
    if frame.empty:
        raise EmptyDataError(f"{source.name} holds no regions (the layer has no rows)")
    settle_crs(frame, crs, source, lonlat_implied=lonlat)
    if key is not None:
        frame[key] = unique_text_keys(frame, key, source)
    labels = frame[key] if key is not None else frame.index
    repaired = check_geometries(frame, labels, source)
    if repaired:
        warnings.warn(
            f"repaired {len(repaired)} invalid geometr{'y' if len(repaired) == 1 else 'ies'} "
            f"in {source.name} (make_valid, polygonal parts kept): rows {format_rows(repaired)}",
            GeometryRepairWarning,
            stacklevel=2,
        )
    return frame


def _existing(path: str | PathLike[str], what: str) -> Path:
    source = Path(path)
    if not source.exists():
        raise DataFileError(f"{what} not found: {source}")
    if source.is_dir():
        raise DataFileError(f"{what} is a folder, not a file: {source}")
    return source


def _unsupported(source: Path, suffixes: dict[str, str], what: str) -> str:
    accepted = ", ".join(f"{s} ({d})" for s, d in suffixes.items())
    hint = "; save .xls workbooks as .xlsx" if source.suffix.lower() == ".xls" else ""
    return (
        f"cannot read {source.name} as a {what} file: suffix {source.suffix or '(none)'!r} "
        f"is not supported; supported suffixes: {accepted}{hint}"
    )


def _read_any_boundaries(
    source: Path, suffix: str, *, layer: str | None, encoding: str | None
) -> tuple[gpd.GeoDataFrame, bool]:
    """Dispatch on the suffix; also say whether the format implies longitude/latitude."""
    if suffix == ".topojson":
        return _read_topojson(source, layer, encoding), True
    if suffix in (".parquet", ".geoparquet"):
        _single_layer(source, layer)
        return _read_geoparquet(source), False
    if suffix == ".json":
        text = _read_text(source, encoding or "utf-8-sig")
        if _TOPOLOGY.search(text):
            return _decode_topojson(text, source, layer), True
    if suffix == ".zip":
        return _read_zip(source, layer, encoding)
    if suffix == ".shp" and encoding is None:
        encoding = shapefile_encoding(source)
    if suffix in (".gpkg", ".fgb"):
        chosen = _choose_layer(source, layer)
    else:
        chosen = _single_layer(source, layer)
    return _read_ogr(str(source), source, chosen, encoding), suffix in (".geojson", ".json")


def _read_ogr(
    vsi_path: str, source: Path, layer: str | None, encoding: str | None
) -> gpd.GeoDataFrame:
    import pyogrio

    try:
        return pyogrio.read_dataframe(vsi_path, layer=layer, encoding=encoding)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise FileFormatError(f"cannot read {source.name}: {exc}") from exc
    except LookupError as exc:
        raise InputError(f"encoding={encoding!r} is not a known text encoding") from exc


def _choose_layer(source: Path, layer: str | None) -> str:
    import pyogrio

    try:
        listed = pyogrio.list_layers(str(source))
    except pyogrio.errors.DataSourceError as exc:
        raise FileFormatError(f"cannot read {source.name}: {exc}") from exc
    names = [str(name) for name, _ in listed]
    spatial = [str(name) for name, kind in listed if kind is not None]
    described = [f"{name} ({kind or 'no geometry'})" for name, kind in listed]
    if layer is not None:
        if layer not in names:
            raise InputError(
                f"layer={layer!r} is not in {source.name}; its layers are: "
                f"{format_rows(described, limit=50)}"
            )
        return layer
    if len(spatial) == 1:
        return spatial[0]
    if not spatial:
        raise GeometryError(f"{source.name} has no layer with geometries: "
                            f"{format_rows(described, limit=50)}")
    raise InputError(
        f"{source.name} has {len(spatial)} layers with geometries; choose one with layer=: "
        f"{format_rows(described, limit=50)}"
    )


def _single_layer(source: Path, layer: str | None) -> None:
    """Accept ``layer`` for a one-layer format only if it names that layer (the file stem)."""
    if layer is not None and layer != source.stem:
        raise InputError(
            f"layer={layer!r} does not apply to {source.name}, which holds one layer "
            f"({source.stem!r}); layer= chooses within GeoPackages, TopoJSON files and zips"
        )
    return None


def _read_text(source: Path, encoding: str) -> str:
    try:
        return source.read_bytes().decode(encoding)
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            f"{source.name} is not valid {encoding} text ({exc.reason} at byte {exc.start}); "
            "pass encoding="
        ) from exc


def _read_topojson(source: Path, layer: str | None, encoding: str | None) -> gpd.GeoDataFrame:
    return _decode_topojson(_read_text(source, encoding or "utf-8-sig"), source, layer)


def _decode_topojson(text: str, source: Path, layer: str | None) -> gpd.GeoDataFrame:
    """Read a TopoJSON file with GDAL; ``text`` (parsed here) names its objects."""
    from geodisparity.io import topojson

    try:
        topology = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileFormatError(f"{source.name} is not valid JSON: {exc}") from exc
    try:
        # GDAL gets the text as decoded here (BOM removed, any encoding= applied) as UTF-8
        return topojson.read(text.encode("utf-8"), topology, layer=layer)
    except (FileFormatError, InputError) as exc:
        raise type(exc)(f"{source.name}: {exc}") from exc


def _read_geoparquet(source: Path) -> gpd.GeoDataFrame:
    import geopandas as gpd

    try:
        return gpd.read_parquet(source)
    except (ValueError, OSError) as exc:  # e.g. a plain Parquet table without geo metadata
        raise FileFormatError(
            f"cannot read {source.name} as GeoParquet: {exc}; a Parquet file without "
            "geometries is a table: use read_table"
        ) from exc


def _read_zip(source: Path, layer: str | None,
              encoding: str | None) -> tuple[gpd.GeoDataFrame, bool]:
    try:
        with zipfile.ZipFile(source) as archive:
            names = archive.namelist()
            member = _zip_member(source, names, layer)
            if member.lower().endswith(".shp") and encoding is None:
                encoding = zip_shapefile_encoding(archive, names, member)
    except zipfile.BadZipFile as exc:
        raise FileFormatError(f"{source.name} is not a valid zip archive: {exc}") from exc
    frame = _read_ogr(f"/vsizip/{source.resolve()}/{member}", source, None, encoding)
    return frame, member.lower().endswith((".geojson", ".json"))


def _zip_member(source: Path, names: list[str], layer: str | None) -> str:
    candidates = [
        name for name in names
        if name.lower().endswith(_ZIP_MEMBERS) and not name.startswith("__MACOSX/")
    ]
    if layer is not None:
        chosen = [n for n in candidates if n == layer or Path(n).name == layer
                  or Path(n).stem == layer]
        if len(chosen) != 1:
            raise InputError(
                f"layer={layer!r} names {len(chosen)} boundary files in {source.name}; "
                f"it holds: {format_rows(candidates, limit=50)}"
            )
        return chosen[0]
    if not candidates:
        raise FileFormatError(
            f"{source.name} holds no boundary file (looked for {', '.join(_ZIP_MEMBERS)}); "
            f"it holds: {format_rows(names, limit=20)}"
        )
    if len(candidates) > 1:
        raise InputError(
            f"{source.name} holds {len(candidates)} boundary files; choose one with layer=: "
            f"{format_rows(candidates, limit=50)}"
        )
    return candidates[0]


# ---------------------------------------------------------------------------- tables


def read_table(
    path: str | PathLike[str],
    *,
    key: str | None = None,
    sheet: str | int | None = None,
    encoding: str | None = None,
) -> pd.DataFrame:
    r"""Read a statistics table, keeping the key column as text.

    Parameters
    ----------
    path : str or path-like
        CSV (``.csv``, ``.txt``; delimiter sniffed among comma, tab, semicolon
        and bar), TSV (``.tsv``, ``.tab``), Excel (``.xlsx``, ``.xlsm``) or
        Parquet (``.parquet``).
    key : str, optional
        Column of region codes, parsed as text (so ``"001001"`` keeps its
        zeros) with surrounding whitespace stripped; Parquet numbers are
        written as text without a ``.0``.
    sheet : str or int, optional
        Excel sheet name or position; needed when the workbook has several.
    encoding : str, optional
        Text encoding of CSV/TSV files. By default a UTF-8 or UTF-16 byte-order
        mark is honoured, then UTF-8 is tried, then GB18030 (a superset of GBK)
        when it decodes into Chinese text.

    Returns
    -------
    pandas.DataFrame
        The table, with column names stripped of surrounding whitespace and
        ``attrs["source"]`` set to the file name.

    Raises
    ------
    DataFileError
        If the file does not exist.
    FileFormatError
        If the suffix is not supported or the text encoding cannot be detected.
    MissingColumnError
        If ``key`` is not a column (the message lists the columns).
    EmptyDataError
        If the table has no rows.
    InputError
        If ``sheet`` is needed or names no sheet.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> csv_file = pathlib.Path(tempfile.mkdtemp()) / "income.csv"
    >>> _ = csv_file.write_text("fips,income\n01001,51.2\n01003, 48.9\n")
    >>> table = read_table(csv_file, key="fips")
    >>> table["fips"].tolist(), table["income"].tolist()
    (['01001', '01003'], [51.2, 48.9])
    >>> _ = csv_file.write_text("fips,income\n")
    >>> read_table(csv_file, key="fips")
    Traceback (most recent call last):
    ...
    geodisparity.errors.EmptyDataError: income.csv has a header but no rows
    """
    source = _existing(path, "table file")
    suffix = source.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise FileFormatError(_unsupported(source, TABLE_SUFFIXES, "table"))
    if suffix in (".xlsx", ".xlsm"):
        table = _read_excel(source, key, sheet)
    elif suffix == ".parquet":
        table = _read_parquet(source, key)
    else:
        table = _read_delimited(source, key, encoding, tab=suffix in (".tsv", ".tab"))
    if table.empty:
        raise EmptyDataError(f"{source.name} has a header but no rows")
    if key is not None:
        table[key] = table[key].str.strip()
    table.attrs["source"] = source.name
    return table


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


def _strip_headers(table: pd.DataFrame) -> pd.DataFrame:
    return table.rename(columns=lambda c: c.strip() if isinstance(c, str) else c)


def _read_delimited(source: Path, key: str | None, encoding: str | None,
                    *, tab: bool) -> pd.DataFrame:
    import pandas as pd

    raw = source.read_bytes()
    if not raw.strip():
        raise EmptyDataError(f"{source.name} is empty")
    text = _decode_table_text(raw, encoding, source)
    sample = text[:65536]
    separator = "\t" if tab else _sniff_separator(sample)
    header = next(csv.reader(io.StringIO(sample), delimiter=separator), [])
    column = _key_column(header, key, source)
    dtype = {column: "str"} if column is not None else None
    try:
        table = pd.read_csv(io.StringIO(text), sep=separator, dtype=dtype)
    except (pd.errors.ParserError, ValueError) as exc:
        raise FileFormatError(f"cannot parse {source.name}: {exc}") from exc
    return _strip_headers(table)


def _decode_table_text(raw: bytes, encoding: str | None, source: Path) -> str:
    if encoding is None:
        if raw.startswith(b"\xef\xbb\xbf"):
            encoding = "utf-8-sig"
        elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            encoding = "utf-16"
        else:
            encoding = guess_text_encoding(raw) or ("ascii" if raw.isascii() else None)
        if encoding is None:
            raise FileFormatError(
                f"{source.name} is neither UTF-8 nor Chinese GBK/GB18030 text; "
                "pass encoding= (e.g. encoding='latin-1')"
            )
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            f"{source.name} is not valid {encoding} text ({exc.reason} at byte {exc.start}); "
            "pass another encoding="
        ) from exc
    except LookupError as exc:
        raise InputError(f"encoding={encoding!r} is not a known text encoding") from exc


def _sniff_separator(sample: str) -> str:
    lines = "\n".join(sample.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(lines, delimiters=",\t;|").delimiter
    except csv.Error:
        return ","


def _read_excel(source: Path, key: str | None, sheet: str | int | None) -> pd.DataFrame:
    import pandas as pd

    try:
        workbook = pd.ExcelFile(source, engine="openpyxl")
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise FileFormatError(f"cannot read {source.name} as an Excel workbook: {exc}") from exc
    with workbook:
        names = workbook.sheet_names
        chosen = _choose_sheet(names, sheet, source)
        header = pd.read_excel(workbook, sheet_name=chosen, nrows=0).columns.tolist()
        column = _key_column(header, key, source)
        dtype = {column: "str"} if column is not None else None
        table = pd.read_excel(workbook, sheet_name=chosen, dtype=dtype)
    return _strip_headers(table)


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


def _read_parquet(source: Path, key: str | None) -> pd.DataFrame:
    import pandas as pd

    try:
        table = _strip_headers(pd.read_parquet(source))
    except (OSError, ValueError) as exc:
        raise FileFormatError(f"cannot read {source.name} as Parquet: {exc}") from exc
    column = _key_column(table.columns.tolist(), key, source)
    if column is not None:
        table[column] = repair_keys(table[column])[0]
    return table
