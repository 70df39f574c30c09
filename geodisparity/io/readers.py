"""Read boundary files and statistics tables, with checks that fail loudly.

:func:`read_boundaries` reads polygons (shapefile, zipped shapefile, GeoPackage,
GeoJSON, TopoJSON, GeoParquet, FlatGeobuf) and checks what later stages rely
on: a known CRS, polygonal geometries (invalid ones are repaired with a
warning; empty or missing ones are kept without a geometry, with a warning),
and a unique text key. Shapefile text is decoded as its ``.cpg`` or DBF
language id says, unless the bytes prove otherwise (with a warning), and a
broken file (truncated, missing its ``.dbf``, not what its suffix says) is a
:class:`~geodisparity.errors.FileFormatError` naming it. :func:`read_table`
reads CSV, TSV, Excel and Parquet tables, keeping the key column as text so
codes such as ``"001001"`` keep their leading zeros, detecting GBK/GB18030 and
UTF-16 text, and refusing rows whose field count differs from the header's.

Both record the file name in ``frame.attrs["source"]``; :func:`geodisparity.join`
uses it in its report.
"""

from __future__ import annotations

import json
import logging
import re
import warnings
import zipfile
import zlib
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from geodisparity.errors import (
    DataFileError,
    EmptyDataError,
    EmptyGeometryWarning,
    EncodingMismatchWarning,
    FileFormatError,
    GeometryError,
    GeometryRepairWarning,
    InputError,
    MissingColumnError,
    format_rows,
)
from geodisparity.io import _shapefile
from geodisparity.io._boundary_checks import (
    GeometryCheck,
    check_geometries,
    row_labels,
    settle_crs,
    unique_text_keys,
)
from geodisparity.io._encoding import check_encoding
from geodisparity.io._tables import (
    check_unique_headers,
    read_dbf,
    read_delimited,
    read_excel,
    read_parquet,
)

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
    ".dbf": "dBASE table (a shapefile's attributes)",
}
_TOPOLOGY = re.compile(r'"type"\s*:\s*"Topology"')
_ZIP_MEMBERS = (".shp", ".gpkg", ".geojson", ".json", ".fgb")


class _Loaded(NamedTuple):
    """A layer as read, whether its format implies longitude/latitude, and an encoding note."""

    frame: gpd.GeoDataFrame
    lonlat: bool
    encoding_note: str | None = None


# --------------------------------------------------------------------------- boundaries


def read_boundaries(
    path: str | PathLike[str],
    *,
    layer: str | None = None,
    key: str | None = None,
    name: str | None = None,
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
    name : str, optional
        Column of region names. Only labels rows in warnings and errors
        (``"02105 (Skagway)"``); it must be a column.
    encoding : str, optional
        Text encoding of the attributes (a Python codec name); it overrides
        anything the file declares. By default a shapefile's ``.cpg`` (or else
        its DBF language id) is honoured unless the bytes contradict it: text
        that is plainly UTF-8, or GB18030 (a superset of GBK) decoding into
        common Chinese characters, is read as such, with a warning. Without a
        declaration the same detection applies, then ISO-8859-1.
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
        geometries (missing, None, for regions whose geometry is empty or
        missing in the file), a CRS, and ``attrs["source"]`` set to the file
        name.

    Raises
    ------
    DataFileError
        If the file does not exist.
    FileFormatError
        If the suffix is not supported, or the file cannot be read: broken,
        truncated, a shapefile without its ``.dbf`` or ``.shx``, a ``.cpg``
        naming an unknown encoding, text that is not valid in the encoding.
    InputError
        If the file holds several layers and ``layer`` is missing or unknown,
        key values are missing, or ``encoding`` is not a known text encoding.
    EmptyDataError
        If the layer has no rows.
    MissingColumnError
        If ``key`` is not a column.
    DuplicateKeyError
        If ``key`` values repeat.
    CRSError
        If no CRS is known, or ``crs`` conflicts with the file's.
    GeometryError
        If geometries are not polygonal, or no row has a geometry.

    Warns
    -----
    GeometryRepairWarning
        When invalid geometries were repaired (``shapely.make_valid``, keeping
        the polygonal parts).
    EmptyGeometryWarning
        When some regions have an empty or missing geometry (or an invalid one
        with no area left after repair). They are kept, without a geometry: they
        join and count in non-spatial statistics, are islands in spatial
        weights and are left off maps; the join report lists them.
    EncodingMismatchWarning
        When a shapefile's ``.cpg`` or DBF language id is contradicted by its
        bytes, which are then decoded as UTF-8 or GB18030.

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
    encoding = check_encoding(encoding)
    suffix = source.suffix.lower()
    if suffix not in BOUNDARY_SUFFIXES:
        raise FileFormatError(_unsupported(source, BOUNDARY_SUFFIXES, "boundary"))
    frame, lonlat, note = _read_any_boundaries(source, suffix, layer=layer, encoding=encoding)
    if note:
        warnings.warn(note, EncodingMismatchWarning, stacklevel=2)
    frame.attrs["source"] = source.name
    check_unique_headers(frame.columns.tolist(), source.name)
    if frame.empty:
        raise EmptyDataError(f"{source.name} holds no regions (the layer has no rows)")
    settle_crs(frame, crs, source, lonlat_implied=lonlat)
    if key is not None:
        frame[key] = unique_text_keys(frame, key, source)
    if name is not None and name not in frame.columns:
        raise MissingColumnError(
            f"name={name!r} is not a column of {source.name}; its columns are: "
            f"{format_rows([c for c in frame.columns if c != frame.geometry.name], limit=50)}"
        )
    found = check_geometries(frame, row_labels(frame, key, name), source)
    for message, category in _geometry_notes(found, source):
        warnings.warn(message, category, stacklevel=2)
    return frame


def _geometry_notes(found: GeometryCheck, source: Path) -> list[tuple[str, type[Warning]]]:
    notes: list[tuple[str, type[Warning]]] = []
    if found.repaired:
        n = len(found.repaired)
        notes.append((
            f"repaired {n} invalid geometr{'y' if n == 1 else 'ies'} in {source.name} "
            f"(make_valid, polygonal parts kept): rows {format_rows(found.repaired)}",
            GeometryRepairWarning,
        ))
    parts = []
    if found.empty:
        parts.append(f"{_count(len(found.empty), 'region')} with an empty or missing geometry: "
                     f"{format_rows(found.empty)}")
    if found.emptied:
        parts.append(f"{_count(len(found.emptied), 'region')} whose invalid geometry has no "
                     f"area left after repair: {format_rows(found.emptied)}")
    if parts:
        notes.append((
            f"{source.name} has " + "; and ".join(parts) + ". They are kept without a "
            "geometry: they join and count in non-spatial statistics, are islands in spatial "
            "weights and are left off maps",
            EmptyGeometryWarning,
        ))
    return notes


def _count(n: int, noun: str) -> str:
    return f"1 {noun}" if n == 1 else f"{n} {noun}s"


def _existing(path: str | PathLike[str], what: str) -> Path:
    source = Path(path)
    if not source.exists():
        raise DataFileError(f"{what} not found: {source}")
    if source.is_dir():
        raise DataFileError(f"{what} is a folder, not a file: {source}")
    if not source.is_file():  # a device or pipe (e.g. a link to /dev/zero) would never end
        raise DataFileError(f"{what} is not a regular file: {source}")
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
) -> _Loaded:
    """Dispatch on the suffix; also say whether the format implies longitude/latitude."""
    if suffix == ".topojson":
        return _Loaded(_read_topojson(source, layer, encoding), True)
    if suffix in (".parquet", ".geoparquet"):
        _single_layer(source, layer)
        return _Loaded(_read_geoparquet(source), False)
    if suffix == ".json":
        text = _read_text(source, encoding or "utf-8-sig")
        if _TOPOLOGY.search(text):
            return _Loaded(_decode_topojson(text, source, layer), True)
    if suffix == ".zip":
        return _read_zip(source, layer, encoding)
    if suffix == ".shp":
        _single_layer(source, layer)
        parts = _shapefile.parts_on_disk(source)
        return _read_checked_shapefile(str(source), parts, encoding)
    if suffix in (".gpkg", ".fgb"):
        chosen = _choose_layer(source, layer)
    else:
        chosen = _single_layer(source, layer)
    return _Loaded(_read_ogr(str(source), source, chosen, encoding),
                   suffix in (".geojson", ".json"))


def _read_checked_shapefile(path: str, parts: _shapefile.ShapefileParts,
                            encoding: str | None) -> _Loaded:
    _shapefile.check_parts(parts)
    decision = _shapefile.decide(parts, encoding)
    return _Loaded(_shapefile.read_shapefile(path, parts.name, decision), False,
                   decision.warning)


def _read_ogr(
    vsi_path: str, source: Path, layer: str | None, encoding: str | None
) -> gpd.GeoDataFrame:
    import pyogrio
    import shapely

    try:  # on_invalid="fix" closes unclosed rings; other undecodable geometries become None
        return pyogrio.read_dataframe(vsi_path, layer=layer, encoding=encoding,
                                      on_invalid="fix")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
            shapely.errors.GEOSException) as exc:
        raise FileFormatError(f"cannot read {source.name}: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            f"the text of {source.name} is not valid {encoding or 'UTF-8'} ({exc.reason}); "
            "pass encoding= with the right one"
        ) from exc


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
    except RecursionError as exc:
        raise FileFormatError(f"{source.name} nests its JSON too deeply to be read") from exc
    try:
        # GDAL gets the text as decoded here (BOM removed, any encoding= applied) as UTF-8
        return topojson.read(text.encode("utf-8"), topology, layer=layer)
    except (FileFormatError, InputError) as exc:
        raise type(exc)(f"{source.name}: {exc}") from exc


def _read_geoparquet(source: Path) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import shapely

    try:
        return gpd.read_parquet(source)
    except (ValueError, OSError, shapely.errors.GEOSException) as exc:  # e.g. no geo metadata
        raise FileFormatError(
            f"cannot read {source.name} as GeoParquet: {exc}; a Parquet file without "
            "geometries is a table: use read_table"
        ) from exc


def _read_zip(source: Path, layer: str | None, encoding: str | None) -> _Loaded:
    parts = None
    try:
        with zipfile.ZipFile(source) as archive:
            member = _zip_member(source, archive.namelist(), layer)
            if member.lower().endswith(".shp"):
                parts = _shapefile.parts_in_zip(archive, member, f"{source.name} ({member})")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error,
            NotImplementedError, RuntimeError, OSError) as exc:  # corrupt or encrypted
        raise FileFormatError(f"{source.name} is not a valid zip archive: {exc}") from exc
    path = f"/vsizip/{source.resolve()}/{member}"
    if parts is not None:
        return _read_checked_shapefile(path, parts, encoding)
    return _Loaded(_read_ogr(path, source, None, encoding),
                   member.lower().endswith((".geojson", ".json")))


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
        and bar), TSV (``.tsv``, ``.tab``), Excel (``.xlsx``, ``.xlsm``),
        Parquet (``.parquet``) or dBASE (``.dbf``, for instance the attribute
        table of a shapefile; text decoded as the shapefile's would be).
    key : str, optional
        Column of region codes, parsed as text (so ``"001001"`` keeps its
        zeros) with surrounding whitespace stripped; Parquet numbers are
        written as text without a ``.0``.
    sheet : str or int, optional
        Excel sheet name or position; needed when the workbook has several.
    encoding : str, optional
        Text encoding of CSV/TSV and dBASE files. By default a UTF-8 or UTF-16 byte-order
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
    encoding = check_encoding(encoding)
    suffix = source.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise FileFormatError(_unsupported(source, TABLE_SUFFIXES, "table"))
    if suffix in (".xlsx", ".xlsm"):
        table = read_excel(source, key, sheet)
    elif suffix == ".parquet":
        table = read_parquet(source, key)
    elif suffix == ".dbf":
        table = read_dbf(source, key, encoding)
    else:
        table = read_delimited(source, key, encoding, tab=suffix in (".tsv", ".tab"))
    if table.empty:
        raise EmptyDataError(f"{source.name} has a header but no rows")
    if key is not None:
        table[key] = table[key].str.strip()
    table.attrs["source"] = source.name
    return table
