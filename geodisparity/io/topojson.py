"""Read one named object of a TopoJSON file through GDAL's TopoJSON driver.

A TopoJSON topology holds several named *objects*; GDAL (through pyogrio)
decodes their shared, quantised arcs. This module only chooses the object and
fills two gaps of the driver so that no region is lost or mislabelled:

- GDAL makes a layer of each ``GeometryCollection`` object, named after it, and
  gathers the objects that are a single geometry into one layer called
  ``"TopoJSON"`` (with the object's name as ``id``); :func:`read` picks the
  right layer and row, and keeps the member's own ``id``.
- GDAL skips members whose ``type`` is null (a region without a geometry); they
  come back here as rows with a missing geometry, in their place, so the
  common boundary checks report them instead of the region vanishing.

TopoJSON declares no CRS: the frame comes back without one, and
:func:`geodisparity.read_boundaries` takes it as longitude/latitude unless told
otherwise.

Examples
--------
>>> import json, pathlib, tempfile
>>> topology = {"type": "Topology", "arcs": [[[0, 0], [1, 0], [1, 1], [0, 0]]],
...             "objects": {"towns": {"type": "GeometryCollection", "geometries": [
...                 {"type": "Polygon", "arcs": [[0]], "properties": {"name": "a"}},
...                 {"type": None, "properties": {"name": "lost"}}]}}}
>>> path = pathlib.Path(tempfile.mkdtemp()) / "towns.topojson"
>>> _ = path.write_text(json.dumps(topology))
>>> frame = read(path, topology)
>>> frame["name"].tolist(), frame.geometry.isna().tolist()
(['a', 'lost'], [False, True])
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geodisparity.errors import FileFormatError, InputError, format_rows

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["object_names", "read"]

#: Member types GDAL's driver reads; members of other types are skipped by it.
_READ_BY_GDAL = frozenset(
    {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
)
#: GDAL's layer for the objects that are a single geometry.
_SINGLES_LAYER = "TopoJSON"


def object_names(topology: Mapping[str, Any]) -> list[str]:
    """List the named objects of a topology, in file order.

    Parameters
    ----------
    topology : mapping
        A parsed TopoJSON document (``{"type": "Topology", ...}``).

    Returns
    -------
    list of str
        The keys of ``topology["objects"]``.

    Raises
    ------
    FileFormatError
        If the document is not a topology.

    Examples
    --------
    >>> object_names({"type": "Topology", "arcs": [], "objects": {"a": {}, "b": {}}})
    ['a', 'b']
    >>> object_names({"type": "FeatureCollection"})
    Traceback (most recent call last):
    ...
    geodisparity.errors.FileFormatError: not a TopoJSON topology: expected type 'Topology', ...
    """
    found = topology.get("type") if isinstance(topology, Mapping) else type(topology).__name__
    if found != "Topology":
        raise FileFormatError(f"not a TopoJSON topology: expected type 'Topology', got {found!r}")
    if not isinstance(topology.get("objects"), Mapping):
        raise FileFormatError("not a TopoJSON topology: 'objects' must be an object")
    return [str(name) for name in topology["objects"]]


def read(
    source: bytes | str | Path, topology: Mapping[str, Any], *, layer: str | None = None
) -> gpd.GeoDataFrame:
    """Read one object of a TopoJSON document with GDAL.

    Parameters
    ----------
    source : bytes, str or path-like
        The document as UTF-8 bytes (GDAL reads them in memory; this is how
        :func:`geodisparity.read_boundaries` passes text it decoded, e.g. from
        GBK or with a byte-order mark, which GDAL's parser refuses), or the
        path of a UTF-8 TopoJSON file without a byte-order mark.
    topology : mapping
        The same document, parsed (``json.loads``): it names the objects and
        their members.
    layer : str, optional
        The object to read; needed when the topology holds several.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per member of the object, in file order: its properties, an
        ``id`` column when members carry ids, a missing geometry where the
        member's type is null, and no CRS.

    Raises
    ------
    InputError
        If ``layer`` is missing while there are several objects, or unknown.
    FileFormatError
        If the document is not a topology, a member's type is unknown or a
        nested collection, or GDAL cannot read the file.

    Examples
    --------
    >>> import json, pathlib, tempfile
    >>> topology = {"type": "Topology", "arcs": [[[0, 0], [2, 0], [2, 2], [0, 0]]],
    ...             "objects": {"one": {"type": "Polygon", "arcs": [[0]], "id": 7},
    ...                         "two": {"type": "Polygon", "arcs": [[0]]}}}
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "one.json"
    >>> _ = path.write_text(json.dumps(topology))
    >>> frame = read(path, topology, layer="one")
    >>> frame["id"].tolist(), frame.area.tolist()
    ([7], [2.0])
    >>> read(path, topology)
    Traceback (most recent call last):
    ...
    geodisparity.errors.InputError: this TopoJSON holds 2 objects; choose one with layer=: one, two
    """
    name = _pick_object(object_names(topology), layer)
    root = topology["objects"][name]
    if not isinstance(root, Mapping):
        raise FileFormatError(f"TopoJSON object {name!r} is not a geometry object")
    if root.get("type") == "GeometryCollection":
        members = root.get("geometries")
        if not isinstance(members, list) or not all(isinstance(m, Mapping) for m in members):
            raise FileFormatError(f"TopoJSON object {name!r} has no 'geometries' array")
        kinds = _member_kinds(members, name)
        frame = _read_layer(source, name)
    else:
        members, kinds = [root], _member_kinds([root], name)
        frame = _read_single(source, topology, name)
    return _complete(frame, members, kinds, name)


def _pick_object(names: list[str], layer: str | None) -> str:
    listed = format_rows(names, limit=50)
    if layer is None:
        if len(names) == 1:
            return names[0]
        if not names:
            raise FileFormatError("this TopoJSON has no objects")
        raise InputError(
            f"this TopoJSON holds {len(names)} objects; choose one with layer=: {listed}"
        )
    if layer not in names:
        raise InputError(
            f"layer={layer!r} is not an object of this TopoJSON; its objects: {listed}"
        )
    return layer


def _member_kinds(members: list[Mapping[str, Any]], name: str) -> list[str | None]:
    """Return each member's type (None: null geometry); refuse what GDAL would skip."""
    kinds = [member.get("type") for member in members]
    nested = [i for i, kind in enumerate(kinds) if kind == "GeometryCollection"]
    if nested:
        raise FileFormatError(
            f"TopoJSON object {name!r} nests geometry collections (members "
            f"{format_rows(nested)}), which GDAL's TopoJSON driver does not read; "
            "boundaries must be Polygon or MultiPolygon members"
        )
    unknown = sorted({repr(k) for k in kinds if k is not None and k not in _READ_BY_GDAL})
    if unknown:
        raise FileFormatError(
            f"TopoJSON object {name!r} has members of unknown type {', '.join(unknown)}; "
            f"known types: {', '.join(sorted(_READ_BY_GDAL))}"
        )
    return kinds


def _read_layer(source: bytes | str | Path, layer: str) -> gpd.GeoDataFrame:
    import pyogrio

    try:
        return pyogrio.read_dataframe(source, layer=layer)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise FileFormatError(f"GDAL cannot read TopoJSON object {layer!r}: {exc}") from exc


def _read_single(
    source: bytes | str | Path, topology: Mapping[str, Any], name: str
) -> gpd.GeoDataFrame:
    """Read the row of a single-geometry object from GDAL's shared ``TopoJSON`` layer."""
    singles = [
        key for key, obj in topology["objects"].items()
        if isinstance(obj, Mapping) and obj.get("type") in _READ_BY_GDAL
    ]
    if name not in singles:  # a null geometry: GDAL has no row for it
        frame = _read_layer(source, _SINGLES_LAYER) if singles else None
        return frame.iloc[:0] if frame is not None else _empty_frame()
    frame = _read_layer(source, _SINGLES_LAYER)
    return frame.iloc[[singles.index(name)]].drop(columns="id").reset_index(drop=True)


def _empty_frame() -> gpd.GeoDataFrame:
    import geopandas as gpd

    return gpd.GeoDataFrame(geometry=gpd.GeoSeries([], dtype="geometry"))


def _complete(
    frame: gpd.GeoDataFrame, members: list[Mapping[str, Any]], kinds: list[str | None], name: str
) -> gpd.GeoDataFrame:
    """Put back the members GDAL skipped (null type) and the members' own ids."""
    import geopandas as gpd
    import pandas as pd

    read_rows = [i for i, kind in enumerate(kinds) if kind is not None]
    if len(frame) != len(read_rows):
        raise FileFormatError(
            f"GDAL read {len(frame)} members of TopoJSON object {name!r}, "
            f"expected {len(read_rows)}"
        )
    frame = frame.set_axis(read_rows)
    missing = [i for i, kind in enumerate(kinds) if kind is None]
    if missing:
        records = [dict(members[i].get("properties") or {}) for i in missing]
        lost = gpd.GeoDataFrame(records, index=missing, geometry=[None] * len(missing))
        frame = gpd.GeoDataFrame(pd.concat([frame, lost]).sort_index(), crs=None)
    frame = frame.drop(columns="id", errors="ignore") if "id" in frame else frame
    has_property_id = any("id" in (m.get("properties") or {}) for m in members)
    if has_property_id or any("id" in m for m in members):
        frame["id"] = [
            (m.get("properties") or {}).get("id", m.get("id")) for m in members
        ]
    columns = [c for c in frame.columns if c != frame.geometry.name] + [frame.geometry.name]
    return frame[columns].reset_index(drop=True)
