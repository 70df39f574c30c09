"""Checks applied to every boundary layer read: CRS, unique text keys, polygonal geometries.

A region whose geometry is empty or missing (a small county that vanished when
the file was simplified) is kept, with a missing geometry: its row still
carries data for joins and non-spatial statistics. Spatial weights treat it as
an island and maps leave it off.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geodisparity.errors import (
    CRSError,
    DuplicateKeyError,
    GeometryError,
    InputError,
    MissingColumnError,
    format_rows,
)
from geodisparity.io.keys import repair_keys

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

__all__ = ["settle_crs", "unique_text_keys", "check_geometries", "row_labels", "GeometryCheck"]

_POLYGONAL = ("Polygon", "MultiPolygon")
_MAX_COORDINATE = 1e9  # beyond any projected CRS (metres or feet) and any longitude/latitude


#: Where else a CRS is given, for messages read outside Python.
_WHERE_CRS = " (--crs on the command line, boundaries.crs in a study file)"


def settle_crs(frame: gpd.GeoDataFrame, crs: Any, source: Path, *,
               lonlat_implied: bool = False) -> None:
    """Give ``frame`` its CRS: the file's, else ``crs``, else raise.

    ``lonlat_implied`` is for formats whose coordinates are longitude/latitude
    by definition (TopoJSON; GeoJSON per RFC 7946, which GDAL reads as WGS 84).
    When such a file's coordinates cannot be longitude/latitude, the implied
    CRS is wrong: ``crs`` replaces it, and without ``crs`` it is an error.
    """
    from pyproj import CRS
    from pyproj.exceptions import CRSError as ProjCRSError

    try:
        declared = CRS.from_user_input(crs) if crs is not None else None
    except ProjCRSError as exc:
        raise CRSError(f"crs={crs!r} is not a CRS pyproj understands: {exc}") from exc
    geographic = frame.crs is None or frame.crs.is_geographic
    if lonlat_implied and geographic and not _within_lonlat(frame):
        if declared is None:
            west, south, east, north = frame.total_bounds
            raise CRSError(
                f"{source.name} is taken as longitude/latitude, as its format implies, but its "
                f"coordinates span x {west:g}..{east:g}, y {south:g}..{north:g}; "
                f"pass crs= with its projection{_WHERE_CRS}"
            )
        frame.set_crs(declared, inplace=True, allow_override=True)
        return
    if frame.crs is None and declared is None and lonlat_implied:
        declared = CRS.from_user_input("EPSG:4326")
    if frame.crs is None:
        if declared is None:
            raise CRSError(
                f"{source.name} declares no coordinate reference system; pass crs= "
                f"(e.g. crs='EPSG:4326' for longitude/latitude){_WHERE_CRS}"
            )
        frame.set_crs(declared, inplace=True)
    elif declared is not None and not frame.crs.equals(declared, ignore_axis_order=True):
        raise CRSError(
            f"crs={crs!r} conflicts with the CRS declared by {source.name} "
            f"({frame.crs.to_string()}); crs= only declares a CRS for files without one. "
            "Read without crs= and reproject with .to_crs(...)"
        )


def _within_lonlat(frame: gpd.GeoDataFrame) -> bool:
    import shapely

    geometries = frame.geometry.array
    if (shapely.is_missing(geometries) | shapely.is_empty(geometries)).all():
        return True
    west, south, east, north = frame.total_bounds
    return west >= -180.5 and east <= 360.5 and south >= -90.5 and north <= 90.5


def unique_text_keys(frame: pd.DataFrame, key: str, source: Path) -> pd.Series:
    if key not in frame.columns:
        raise MissingColumnError(
            f"key={key!r} is not a column of {source.name}; its columns are: "
            f"{format_rows([c for c in frame.columns if c != frame.geometry.name], limit=50)}"
        )
    keys, _ = repair_keys(frame[key])
    missing = keys.isna()
    if missing.any():
        raise InputError(
            f"key column {key!r} of {source.name} is empty in {int(missing.sum())} rows: "
            f"{format_rows(frame.index[missing])}"
        )
    repeated = keys[keys.duplicated(keep=False)]
    if len(repeated):
        raise DuplicateKeyError(
            f"key column {key!r} of {source.name} repeats {repeated.nunique()} values: "
            f"{format_rows(dict.fromkeys(repeated))}"
        )
    return keys


@dataclass(frozen=True)
class GeometryCheck:
    """What :func:`check_geometries` found: labels of repaired and of empty rows."""

    repaired: list[object]
    empty: list[object]
    emptied: list[object]


def row_labels(frame: pd.DataFrame, key: str | None, name: str | None) -> list[str]:
    """Label rows for messages: ``"02105 (Skagway)"``, the key, the name, or the row index."""
    import pandas as pd

    keys = frame[key] if key is not None else pd.Series(frame.index, index=frame.index)
    if name is None:
        return [str(k) for k in keys]
    return [str(k) if pd.isna(n) else f"{k} ({n})"
            for k, n in zip(keys, frame[name], strict=True)]


def check_geometries(frame: gpd.GeoDataFrame, labels: Any, source: Path) -> GeometryCheck:
    """Check the geometries of ``frame`` in place: keep empty ones, repair invalid ones.

    Empty geometries, missing ones and invalid ones with no area left after
    repair become missing (None); the rows are kept. Non-polygonal
    geometries are an error, and so is a layer where no row has a geometry.
    """
    import geopandas as gpd
    import numpy as np
    import shapely

    geometries = frame.geometry.array
    labels = np.asarray(labels, dtype=object)
    empty = shapely.is_missing(geometries) | shapely.is_empty(geometries)
    if empty.all():
        raise GeometryError(f"{source.name} has no geometries: " + (
            "its one row has an empty or missing geometry" if len(empty) == 1
            else f"all {len(empty)} rows have empty or missing geometries"))
    _check_coordinates(geometries, labels, source)
    polygonal = np.array([None if e else _polygonal_part(g)
                          for g, e in zip(geometries, empty, strict=True)], dtype=object)
    wrong = shapely.is_missing(polygonal) & ~empty
    if wrong.any():
        found = sorted(set(shapely.get_type_id(geometries[wrong]).tolist()))
        names = ", ".join(_TYPE_NAMES.get(t, str(t)) for t in found)
        raise GeometryError(
            f"{source.name} holds {names} geometries in {int(wrong.sum())} rows "
            f"({format_rows(labels[wrong])}); boundaries must be Polygon or MultiPolygon"
        )
    invalid = ~empty & ~shapely.is_valid(polygonal)
    lost = np.zeros(len(polygonal), dtype=bool)
    if invalid.any():
        fixed = np.array([_polygonal_part(g) for g in shapely.make_valid(polygonal[invalid])],
                         dtype=object)
        lost[invalid] = shapely.is_missing(fixed) | shapely.is_empty(fixed)
        polygonal[invalid] = np.where(lost[invalid], None, fixed)
        if (empty | lost).all():
            raise GeometryError(
                f"{source.name} has no geometries: {int(empty.sum())} rows are empty or "
                f"missing and {int(lost.sum())} invalid ones have no area left after repair"
            )
    frame[frame.geometry.name] = gpd.GeoSeries(polygonal, index=frame.index, crs=frame.crs)
    return GeometryCheck(repaired=labels[invalid & ~lost].tolist(), empty=labels[empty].tolist(),
                         emptied=labels[lost].tolist())


def _check_coordinates(geometries: Any, labels: Any, source: Path) -> None:
    """Refuse coordinates that are not finite or beyond any CRS's range (a corrupt file).

    GEOS can take minutes on such geometries, so they are caught before any repair.
    """
    import numpy as np
    import shapely

    coordinates, rows = shapely.get_coordinates(geometries, return_index=True)
    with np.errstate(invalid="ignore"):
        fine = (np.isfinite(coordinates) & (np.abs(coordinates) <= _MAX_COORDINATE)).all(axis=1)
    wild = np.zeros(len(geometries), dtype=bool)
    wild[rows[~fine]] = True
    if wild.any():
        raise GeometryError(
            f"{source.name} has coordinates that are not finite or beyond "
            f"{_MAX_COORDINATE:.0e} in {_rows(int(wild.sum()))} ({format_rows(labels[wild])}); "
            "the file is probably corrupt"
        )


def _rows(n: int) -> str:
    return "1 row" if n == 1 else f"{n} rows"


_TYPE_NAMES = {0: "Point", 1: "LineString", 2: "LinearRing", 3: "Polygon", 4: "MultiPoint",
               5: "MultiLineString", 6: "MultiPolygon", 7: "GeometryCollection"}


def _polygonal_part(geometry: Any) -> Any:
    """Return the polygons of a geometry (one Polygon or a MultiPolygon), or None."""
    import shapely

    if geometry is None:
        return None
    kind = geometry.geom_type
    if kind in _POLYGONAL:
        return geometry
    if kind != "GeometryCollection":
        return None
    polygons = []
    for part in shapely.get_parts(geometry):
        inner = _polygonal_part(part)
        if inner is not None:
            polygons.extend(shapely.get_parts(inner))
    if not polygons:
        return None
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)
