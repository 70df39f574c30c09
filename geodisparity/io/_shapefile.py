"""Shapefiles: check that the parts are there and whole, then read their text in the right encoding.

A shapefile is several files: ``.shp`` (geometries), ``.shx`` (their index),
``.dbf`` (attributes), optionally ``.cpg`` (the attributes' encoding) and
``.prj``. GDAL reads a ``.shp`` without its ``.dbf`` as a layer with no
columns, and a truncated ``.shp`` as regions with no geometry, so both are
checked here first, from the headers' own lengths. The attributes are read
through GDAL as ISO-8859-1 (one character per byte) and decoded in Python with
the encoding chosen by :func:`geodisparity.io._encoding.choose_dbf_encoding`.

Examples
--------
>>> import tempfile, pathlib, geopandas as gpd
>>> from shapely.geometry import box
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> gpd.GeoDataFrame({"name": ["淳安县"]}, geometry=[box(0, 0, 1, 1)],
...     crs="EPSG:4326").to_file(folder / "one.shp", encoding="GBK")
>>> parts = parts_on_disk(folder / "one.shp")
>>> check_parts(parts)
>>> decide(parts, None).codec
'gb18030'
"""

from __future__ import annotations

import codecs
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from geodisparity.errors import FileFormatError, InputError
from geodisparity.io._encoding import TextDecision, choose_dbf_encoding, decode_frame_text

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["ShapefileParts", "parts_on_disk", "parts_in_zip", "check_parts", "check_dbf",
           "decide", "read_shapefile"]

_FILE_CODE = 9994
_HEADER = 100


@dataclass(frozen=True)
class ShapefileParts:
    """What is needed to check a shapefile: headers and sizes, the DBF and the .cpg text."""

    name: str
    shp_head: bytes
    shp_size: int
    shx_head: bytes | None
    shx_size: int
    dbf: bytes | None
    cpg: str | None


def parts_on_disk(shp: Path) -> ShapefileParts:
    """Collect the parts of the shapefile ``shp`` (sidecars matched in either case)."""
    shx, dbf, cpg = (_sidecar(shp, suffix) for suffix in (".shx", ".dbf", ".cpg"))
    return ShapefileParts(
        name=shp.name,
        shp_head=_head(shp),
        shp_size=shp.stat().st_size,
        shx_head=None if shx is None else _head(shx),
        shx_size=0 if shx is None else shx.stat().st_size,
        dbf=None if dbf is None else dbf.read_bytes(),
        cpg=None if cpg is None else cpg.read_bytes().decode("latin-1"),
    )


def parts_in_zip(archive: zipfile.ZipFile, member: str, label: str) -> ShapefileParts:
    """Collect the parts of the shapefile ``member`` of a zip archive."""
    lower = {info.filename.lower(): info for info in archive.infolist()}
    stem = member[: -len(".shp")].lower()
    found = {suffix: lower.get(stem + suffix) for suffix in (".shx", ".dbf", ".cpg")}

    def head(info: zipfile.ZipInfo) -> bytes:
        with archive.open(info) as handle:
            return handle.read(_HEADER)

    shx, dbf, cpg = found[".shx"], found[".dbf"], found[".cpg"]
    shp = lower[member.lower()]
    return ShapefileParts(
        name=label,
        shp_head=head(shp),
        shp_size=shp.file_size,
        shx_head=None if shx is None else head(shx),
        shx_size=0 if shx is None else shx.file_size,
        dbf=None if dbf is None else archive.read(dbf),
        cpg=None if cpg is None else archive.read(cpg).decode("latin-1"),
    )


def check_parts(parts: ShapefileParts) -> None:
    """Raise FileFormatError if the .dbf or .shx is missing, or a part is cut short."""
    if parts.dbf is None:
        raise FileFormatError(
            f"{parts.name} has no .dbf file (its attribute table) beside it; a shapefile "
            "needs its .shp, .shx and .dbf files, with the same name, in the same folder"
        )
    if parts.shx_head is None:
        raise FileFormatError(
            f"{parts.name} has no .shx file (its index) beside it; a shapefile "
            "needs its .shp, .shx and .dbf files, with the same name, in the same folder"
        )
    _check_main_file(parts.shp_head, parts.shp_size, f"{parts.name}")
    _check_main_file(parts.shx_head, parts.shx_size, f"the .shx file of {parts.name}")
    check_dbf(parts.dbf, parts.name)


def _check_main_file(head: bytes, size: int, what: str) -> None:
    if size < _HEADER or int.from_bytes(head[0:4], "big") != _FILE_CODE:
        raise FileFormatError(
            f"{what} is not a shapefile part: it is {size} bytes long and does not start "
            "with the shapefile header (file code 9994, 100 bytes)"
        )
    declared = int.from_bytes(head[24:28], "big") * 2  # the length is in 16-bit words
    if declared > size:
        raise FileFormatError(
            f"{what} is truncated: its header says {declared} bytes but the file has {size}; "
            "copy or extract it again"
        )


def check_dbf(dbf: bytes, name: str) -> None:
    """Raise FileFormatError if a DBF is shorter than its header says (cut short)."""
    if len(dbf) < 32:
        raise FileFormatError(f"the .dbf file of {name} is truncated: {len(dbf)} bytes, "
                              "shorter than a DBF header (32 bytes); copy or extract it again")
    records = int.from_bytes(dbf[4:8], "little")
    header = int.from_bytes(dbf[8:10], "little")
    length = int.from_bytes(dbf[10:12], "little")
    needed = header + records * length
    if needed > len(dbf):
        raise FileFormatError(
            f"the .dbf file of {name} is truncated: its header says {records} records "
            f"({needed} bytes) but the file has {len(dbf)} bytes; copy or extract it again"
        )


def decide(parts: ShapefileParts, encoding: str | None) -> TextDecision:
    """Choose the attributes' codec: ``encoding`` if given, else by .cpg, language id, bytes."""
    if encoding is not None:
        return TextDecision(codecs.lookup(encoding).name)
    assert parts.dbf is not None  # check_parts ran first
    return choose_dbf_encoding(parts.dbf, parts.cpg, parts.name)


def read_shapefile(path: str, name: str, decision: TextDecision) -> gpd.GeoDataFrame:
    """Read a checked shapefile (a path or a GDAL /vsizip/ path) and decode its text."""
    import pyogrio
    import shapely

    try:  # on_invalid="fix" closes unclosed rings; other undecodable geometries become None
        frame = pyogrio.read_dataframe(path, encoding="ISO-8859-1", on_invalid="fix")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
            shapely.errors.GEOSException) as exc:
        raise FileFormatError(f"cannot read {name}: {exc}") from exc
    except LookupError as exc:  # pragma: no cover - ISO-8859-1 is always known
        raise InputError(str(exc)) from exc
    return decode_frame_text(frame, decision.codec, name)


def _sidecar(shp: Path, suffix: str) -> Path | None:
    for candidate in (shp.with_suffix(suffix), shp.with_suffix(suffix.upper())):
        if candidate.is_file():
            return candidate
    return None


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(_HEADER)
