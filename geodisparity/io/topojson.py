"""Decode TopoJSON topologies into GeoDataFrames.

TopoJSON stores each shared border once, as an *arc*; polygons list the arcs
that make up their rings. Arcs may be quantised: positions are integers, each
one a delta from the previous position of the same arc, and the topology's
``transform`` (``scale`` and ``translate``) maps them back to coordinates. An
arc index ``i`` used in a ring means arc ``i`` as stored; a negative index
means arc ``~i`` (that is ``-i - 1``) walked backwards.

This module follows the TopoJSON format specification (version 1.0): arcs are
decoded once, then rings are stitched from them, dropping the first position of
every arc after the first (it repeats the last position of the previous arc).

Examples
--------
Two unit squares side by side, sharing the arc at x = 1:

>>> topology = {
...     "type": "Topology",
...     "arcs": [[[1, 0], [1, 1]], [[1, 1], [0, 1], [0, 0], [1, 0]],
...              [[1, 0], [2, 0], [2, 1], [1, 1]]],
...     "objects": {"squares": {"type": "GeometryCollection", "geometries": [
...         {"type": "Polygon", "arcs": [[0, 1]], "properties": {"name": "west"}},
...         {"type": "Polygon", "arcs": [[2, -1]], "properties": {"name": "east"}},
...     ]}},
... }
>>> frame = decode(topology)
>>> frame["name"].tolist(), frame.area.tolist()
(['west', 'east'], [1.0, 1.0])

A feature whose type is null decodes to a missing geometry:

>>> topology["objects"]["squares"]["geometries"].append({"type": None})
>>> decode(topology).geometry.isna().tolist()
[False, False, True]
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from geodisparity.errors import FileFormatError, InputError, format_rows

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["decode", "object_names", "decode_arcs"]

logger = logging.getLogger(__name__)

_GEOMETRY_TYPES = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
)


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

    Examples
    --------
    >>> object_names({"type": "Topology", "arcs": [], "objects": {"a": {}, "b": {}}})
    ['a', 'b']
    >>> object_names({"type": "Topology", "arcs": [], "objects": {}})
    []
    """
    _check_topology(topology)
    return list(topology["objects"])


def decode_arcs(topology: Mapping[str, Any]) -> list[np.ndarray]:
    """Decode every arc of a topology into an ``(n, 2)`` array of coordinates.

    Parameters
    ----------
    topology : mapping
        A parsed TopoJSON document.

    Returns
    -------
    list of numpy.ndarray
        One array per arc, in arc-index order. With a ``transform`` the
        delta-encoded integer positions are summed along the arc, then scaled
        and translated.

    Examples
    --------
    >>> arcs = decode_arcs({"type": "Topology", "objects": {},
    ...                     "transform": {"scale": [0.5, 2], "translate": [10, 20]},
    ...                     "arcs": [[[0, 0], [2, 1], [-1, 0]]]})
    >>> arcs[0].tolist()
    [[10.0, 20.0], [11.0, 22.0], [10.5, 22.0]]
    >>> decode_arcs({"type": "Topology", "objects": {}, "arcs": [[]]})[0].shape
    (0, 2)
    """
    _check_topology(topology)
    scale, translate = _transform(topology)
    decoded = []
    for index, arc in enumerate(topology["arcs"]):
        positions = _positions(arc, f"arc {index}")
        if scale is not None and len(positions):
            positions = np.cumsum(positions, axis=0) * scale + translate
        decoded.append(positions)
    return decoded


def decode(topology: Mapping[str, Any], *, layer: str | None = None) -> gpd.GeoDataFrame:
    """Decode one object of a topology into a GeoDataFrame.

    Parameters
    ----------
    topology : mapping
        A parsed TopoJSON document.
    layer : str, optional
        Name of the object to decode. May be omitted when the topology has
        exactly one object.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per geometry of the object (one row per member when the object
        is a GeometryCollection), with the members' ``properties`` as columns,
        an ``id`` column when members carry ids, and no CRS (TopoJSON does not
        declare one; :func:`geodisparity.read_boundaries` assigns it).

    Raises
    ------
    InputError
        If ``layer`` is missing while there are several objects, or names no object.
    FileFormatError
        If the document is not a valid topology.

    Examples
    --------
    >>> topology = {"type": "Topology", "arcs": [[[0, 0], [1, 0], [1, 1], [0, 0]]],
    ...             "objects": {"one": {"type": "Polygon", "arcs": [[0]], "id": 7}}}
    >>> frame = decode(topology)
    >>> frame["id"].tolist(), frame.area.tolist()
    ([7], [0.5])
    >>> decode(topology, layer="two")
    Traceback (most recent call last):
    ...
    geodisparity.errors.InputError: layer='two' is not an object of this TopoJSON; its ...
    """
    import geopandas as gpd
    import pandas as pd

    name = _pick_object(object_names(topology), layer)
    root = topology["objects"][name]
    members = _members(root, name)
    arcs = decode_arcs(topology)
    scale, translate = _transform(topology)
    decoder = _Decoder(arcs, scale, translate)
    geometries = [decoder.geometry(member, f"{name}[{i}]") for i, member in enumerate(members)]
    index = pd.RangeIndex(len(members))
    attributes = pd.DataFrame([_record(member) for member in members], index=index)
    return gpd.GeoDataFrame(attributes, geometry=gpd.GeoSeries(geometries, index=index), crs=None)


def _check_topology(topology: Mapping[str, Any]) -> None:
    if not isinstance(topology, Mapping) or topology.get("type") != "Topology":
        found = topology.get("type") if isinstance(topology, Mapping) else type(topology).__name__
        raise FileFormatError(f"not a TopoJSON topology: expected type 'Topology', got {found!r}")
    if not isinstance(topology.get("objects"), Mapping):
        raise FileFormatError("not a TopoJSON topology: 'objects' must be an object")
    if not isinstance(topology.get("arcs"), Sequence):
        raise FileFormatError("not a TopoJSON topology: 'arcs' must be an array")


def _pick_object(names: list[str], layer: str | None) -> str:
    if layer is None:
        if len(names) == 1:
            return names[0]
        if not names:
            raise FileFormatError("this TopoJSON has no objects")
        raise InputError(
            f"this TopoJSON has {len(names)} objects; choose one with layer=: "
            f"{format_rows(names, limit=50)}"
        )
    if layer not in names:
        raise InputError(
            f"layer={layer!r} is not an object of this TopoJSON; its objects are: "
            f"{format_rows(names, limit=50)}"
        )
    return layer


def _transform(topology: Mapping[str, Any]) -> tuple[np.ndarray | None, np.ndarray | None]:
    transform = topology.get("transform")
    if transform is None:
        return None, None
    try:
        scale = np.asarray(transform["scale"], dtype=float)[:2]
        translate = np.asarray(transform["translate"], dtype=float)[:2]
    except (KeyError, TypeError, ValueError) as exc:
        raise FileFormatError(
            f"TopoJSON transform must hold 'scale' and 'translate' pairs, got {transform!r}"
        ) from exc
    if scale.shape != (2,) or translate.shape != (2,):
        raise FileFormatError(f"TopoJSON transform needs two numbers each, got {transform!r}")
    return scale, translate


def _positions(values: Any, where: str) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise FileFormatError(f"TopoJSON {where} does not hold numeric positions") from exc
    if array.size == 0:
        return np.empty((0, 2))
    if array.ndim != 2 or array.shape[1] < 2:
        raise FileFormatError(f"TopoJSON {where} must be a list of [x, y] positions")
    return array[:, :2]


def _members(root: Any, name: str) -> list[Mapping[str, Any]]:
    if not isinstance(root, Mapping):
        raise FileFormatError(f"TopoJSON object {name!r} is not a geometry object")
    if root.get("type") == "GeometryCollection":
        members = root.get("geometries", [])
        if not isinstance(members, Sequence):
            raise FileFormatError(f"TopoJSON object {name!r} has no 'geometries' array")
        return list(members)
    return [root]


def _record(member: Mapping[str, Any]) -> dict[str, Any]:
    properties = member.get("properties") or {}
    record = dict(properties) if isinstance(properties, Mapping) else {}
    if "id" in member and "id" not in record:
        record["id"] = member["id"]
    return record


class _Decoder:
    """Turn TopoJSON geometry objects into shapely geometries, given decoded arcs."""

    def __init__(self, arcs: list[np.ndarray], scale: Any, translate: Any) -> None:
        self.arcs = arcs
        self.scale = scale
        self.translate = translate

    def geometry(self, member: Mapping[str, Any], where: str) -> Any:
        import shapely

        if not isinstance(member, Mapping):
            raise FileFormatError(f"TopoJSON geometry {where} is not an object")
        kind = member.get("type")
        if kind is None:
            return None
        if kind not in _GEOMETRY_TYPES:
            raise FileFormatError(
                f"TopoJSON geometry {where} has type {kind!r}; expected one of "
                f"{', '.join(_GEOMETRY_TYPES)} or null"
            )
        if kind == "GeometryCollection":
            parts = [self.geometry(g, f"{where}.{i}") for i, g in
                     enumerate(member.get("geometries", []))]
            return shapely.GeometryCollection([p for p in parts if p is not None])
        if kind in ("Point", "MultiPoint"):
            return self._points(kind, member.get("coordinates"), where)
        arcs = member.get("arcs")
        if arcs is None:
            raise FileFormatError(f"TopoJSON geometry {where} ({kind}) has no 'arcs'")
        try:
            return self._arc_geometry(kind, arcs)
        except (IndexError, TypeError) as exc:
            raise FileFormatError(
                f"TopoJSON geometry {where} ({kind}) refers to arcs that do not exist "
                f"or is malformed: {exc}"
            ) from exc

    def _points(self, kind: str, coordinates: Any, where: str) -> Any:
        import shapely

        nested = [coordinates] if kind == "Point" else coordinates
        positions = _positions(nested, f"geometry {where}")
        if self.scale is not None:  # points are quantised but never delta-encoded
            positions = positions * self.scale + self.translate
        if kind == "Point":
            return shapely.Point(positions[0]) if len(positions) else shapely.Point()
        return shapely.MultiPoint(positions)

    def _arc_geometry(self, kind: str, arcs: Any) -> Any:
        import shapely

        if kind == "LineString":
            return shapely.LineString(self._line(arcs))
        if kind == "MultiLineString":
            return shapely.MultiLineString([self._line(line) for line in arcs])
        if kind == "Polygon":
            return self._polygon(arcs) or shapely.Polygon()
        polygons = [p for p in (self._polygon(rings) for rings in arcs) if p is not None]
        return shapely.MultiPolygon(polygons)

    def _line(self, indices: Sequence[int]) -> np.ndarray:
        """Stitch arcs end to end; each later arc starts where the previous one ended."""
        pieces = []
        for position, index in enumerate(indices):
            index = int(index)
            arc = self.arcs[~index][::-1] if index < 0 else self.arcs[index]
            pieces.append(arc if position == 0 else arc[1:])
        return np.concatenate(pieces) if pieces else np.empty((0, 2))

    def _polygon(self, rings: Sequence[Sequence[int]]) -> Any:
        import shapely

        coordinates = [self._line(ring) for ring in rings]
        if not coordinates or len(coordinates[0]) < 4:
            return None  # the shell collapsed (e.g. under quantisation): no polygon
        holes = [ring for ring in coordinates[1:] if len(ring) >= 4]
        if len(holes) < len(coordinates) - 1:
            logger.debug("dropped %d TopoJSON holes with fewer than 4 positions",
                         len(coordinates) - 1 - len(holes))
        return shapely.Polygon(coordinates[0], holes)
