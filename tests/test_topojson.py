"""TopoJSON read through GDAL's driver: object choice, null members, and geometries
checked against shapely polygons written out by hand and an independent encoder."""

import json
import warnings

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon

from geodisparity.errors import FileFormatError, GeometryError, InputError
from geodisparity.io import topojson

SCALE = (0.5, 0.25)
TRANSLATE = (100.0, 30.0)

# Quantised grid positions. West square 0..4 x 0..4 with a hole 1..3 x 1..3,
# east square 4..8 x 0..4; they share the edge x = 4. A triangle island 10..11.
ARCS_ABSOLUTE = [
    [(4, 0), (4, 4)],  # 0: shared edge, walked upwards
    [(4, 4), (0, 4), (0, 0), (4, 0)],  # 1: rest of the west square
    [(4, 0), (8, 0), (8, 4), (4, 4)],  # 2: rest of the east square
    [(1, 1), (1, 3), (3, 3), (3, 1), (1, 1)],  # 3: hole in the west square
    [(10, 0), (11, 0), (11, 1), (10, 0)],  # 4: island of the east region
]


def real(x, y):
    return TRANSLATE[0] + SCALE[0] * x, TRANSLATE[1] + SCALE[1] * y


def delta_encode(arc):
    """Write an arc the way quantised TopoJSON stores it: first position, then differences."""
    points = np.asarray(arc)
    return np.vstack([points[:1], np.diff(points, axis=0)]).astype(int).tolist()


def square(x0, y0, x1, y1):
    return [real(x0, y0), real(x1, y0), real(x1, y1), real(x0, y1)]


EXPECTED_WEST = Polygon(square(0, 0, 4, 4), [square(1, 1, 3, 3)])
EXPECTED_EAST = MultiPolygon([
    Polygon(square(4, 0, 8, 4)),
    Polygon([real(10, 0), real(11, 0), real(11, 1)]),
])


def topology(quantised=True):
    arcs = [delta_encode(a) for a in ARCS_ABSOLUTE] if quantised else [
        [list(real(*p)) for p in arc] for arc in ARCS_ABSOLUTE
    ]
    document = {
        "type": "Topology",
        "arcs": arcs,
        "objects": {
            "counties": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1], [3]], "id": "w",
                     "properties": {"name": "West", "code": "001"}},
                    {"type": "MultiPolygon", "arcs": [[[2, -1]], [[4]]], "id": "e",
                     "properties": {"name": "East", "code": "002"}},
                ],
            },
            "capitals": {
                "type": "GeometryCollection",
                "geometries": [{"type": "Point", "coordinates": [2, 2]},
                               {"type": "MultiPoint", "coordinates": [[6, 2], [10, 1]]}],
            },
        },
    }
    if quantised:
        document["transform"] = {"scale": list(SCALE), "translate": list(TRANSLATE)}
    return document


@pytest.fixture
def read(tmp_path):
    """Write a document to a .topojson file and read one object of it."""

    def read_document(document, layer=None, suffix=".topojson"):
        path = tmp_path / f"doc{suffix}"
        path.write_text(json.dumps(document))
        return topojson.read(path, document, layer=layer)

    return read_document


@pytest.mark.parametrize("quantised", [True, False])
def test_polygons_match_hand_written_shapely(read, quantised):
    frame = read(topology(quantised), layer="counties")
    assert frame["name"].tolist() == ["West", "East"]
    assert frame["code"].tolist() == ["001", "002"]
    assert frame["id"].tolist() == ["w", "e"]
    west, east = frame.geometry
    assert west.equals(EXPECTED_WEST)
    assert len(west.interiors) == 1
    assert east.equals(EXPECTED_EAST)
    assert west.area == pytest.approx(EXPECTED_WEST.area, rel=1e-12)
    assert shapely.is_valid(frame.geometry.array).all()


def test_neighbours_share_the_reversed_arc_exactly(read):
    west, east = read(topology(), layer="counties").geometry
    shared = west.intersection(east.geoms[0])
    assert shared.geom_type == "LineString"
    assert shared.length == pytest.approx(4 * SCALE[1])


def test_points_are_quantised_but_not_delta_encoded(read):
    frame = read(topology(), layer="capitals")
    point, multipoint = frame.geometry
    assert point.equals(shapely.Point(real(2, 2)))
    assert multipoint.equals(shapely.MultiPoint([real(6, 2), real(10, 1)]))


def test_lines_and_null_members(read):
    document = topology()
    document["objects"]["misc"] = {"type": "GeometryCollection", "geometries": [
        {"type": "LineString", "arcs": [0, -3]},
        {"type": "MultiLineString", "arcs": [[0], [~2]]},
        {"type": None, "properties": {"name": "nothing"}},
    ]}
    frame = read(document, layer="misc")
    line, multiline, missing = frame.geometry
    # arc 0 then arc 2 reversed; the joint position appears once
    assert list(line.coords) == [real(4, 0), real(4, 4), real(8, 4), real(8, 0), real(4, 0)]
    assert multiline.geoms[1].equals(shapely.LineString(
        [real(4, 4), real(8, 4), real(8, 0), real(4, 0)]))
    assert missing is None
    assert frame["name"].tolist()[2] == "nothing"


@pytest.mark.parametrize("suffix", [".topojson", ".json"])
def test_null_member_keeps_its_row_and_place(read, suffix):
    """GDAL skips members whose type is null; the reader puts them back, in place,
    so a region without a geometry is reported rather than silently dropped."""
    document = topology()
    members = document["objects"]["counties"]["geometries"]
    members.insert(1, {"type": None, "id": "n", "properties": {"name": "Null", "code": "003"}})
    frame = read(document, layer="counties", suffix=suffix)
    assert frame["code"].tolist() == ["001", "003", "002"]
    assert frame["id"].tolist() == ["w", "n", "e"]
    assert frame.geometry.isna().tolist() == [False, True, False]
    assert frame.geometry.iloc[0].equals(EXPECTED_WEST)
    assert frame.geometry.iloc[2].equals(EXPECTED_EAST)


def test_null_member_reaches_the_boundary_checks(tmp_path):
    """read_boundaries sees the region without a geometry: it is either refused by
    name or kept (with a warning) as a row with an empty geometry, never lost."""
    from geodisparity import read_boundaries

    document = topology()
    document["objects"]["counties"]["geometries"].append(
        {"type": None, "properties": {"name": "Null", "code": "003"}})
    path = tmp_path / "nulls.topojson"
    path.write_text(json.dumps(document))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = read_boundaries(path, layer="counties", key="code")
    except GeometryError as exc:
        assert "003" in str(exc) or "empty or missing" in str(exc)
    else:
        assert frame["code"].tolist() == ["001", "002", "003"]


def test_nested_collections_are_refused(read):
    document = topology()
    document["objects"]["misc"] = {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "arcs": [[2, -1]]},
        {"type": "GeometryCollection", "geometries": [{"type": "Polygon", "arcs": [[2, -1]]}]},
    ]}
    with pytest.raises(FileFormatError, match="'misc' nests geometry collections.*members 1"):
        read(document, layer="misc")


def test_single_geometry_object_is_one_row(read):
    document = {"type": "Topology", "arcs": [[[0, 0], [2, 0], [2, 2], [0, 0]]],
                "objects": {"one": {"type": "Polygon", "arcs": [[0]]}}}
    frame = read(document)
    assert len(frame) == 1 and "id" not in frame
    assert frame.geometry.iloc[0].area == pytest.approx(2.0)


def test_single_geometry_objects_are_told_apart(read):
    """GDAL puts single-geometry objects in one layer; each object reads as its own row,
    with its own id (GDAL would give the object's name)."""
    document = {"type": "Topology", "arcs": [[[0, 0], [2, 0], [2, 2], [0, 0]],
                                            [[5, 5], [6, 5], [6, 6], [5, 5]]],
                "objects": {"big": {"type": "Polygon", "arcs": [[0]], "id": 7},
                            "none": {"type": None, "properties": {"n": "x"}},
                            "small": {"type": "Polygon", "arcs": [[1]],
                                      "properties": {"n": "s"}}}}
    big, small = read(document, layer="big"), read(document, layer="small")
    assert big["id"].tolist() == [7] and big.area.tolist() == [2.0]
    assert small["n"].tolist() == ["s"] and small.area.tolist() == [0.5]
    none = read(document, layer="none")
    assert none["n"].tolist() == ["x"] and none.geometry.isna().all()


def test_object_choice(read):
    assert topojson.object_names(topology()) == ["counties", "capitals"]
    with pytest.raises(InputError, match="2 objects.*layer=.*counties, capitals"):
        read(topology())
    with pytest.raises(InputError, match="layer='towns'.*counties, capitals"):
        read(topology(), layer="towns")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"type": "FeatureCollection", "features": []}, "'Topology'"),
        ({"type": "Topology", "arcs": [], "objects": {"a": {"type": "Circle"}}}, "'Circle'"),
        ({"type": "Topology", "arcs": [], "objects": {"a": 5}}, "not a geometry object"),
        ({"type": "Topology", "arcs": [], "objects": {"a": {"type": "GeometryCollection"}}},
         "no 'geometries'"),
    ],
)
def test_malformed_topologies_raise(read, document, message):
    with pytest.raises(FileFormatError, match=message):
        read(document)


def test_real_counties_encoded_by_an_independent_encoder(tmp_path):
    """The bundled Zhejiang counties, encoded by the `topojson` package (shared arcs,
    reversed arcs, quantisation), decode back to the originals within the grid step."""
    tp = pytest.importorskip("topojson")
    from geodisparity import boundaries, read_boundaries

    original = boundaries.load("zhejiang/counties")
    path = tmp_path / "zhejiang.topojson"
    path.write_text(tp.Topology(original, prequantize=100_000).to_json())
    document = json.loads(path.read_text())
    arcs_used = [i for g in document["objects"]["data"]["geometries"]
                 for polygon in (g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]])
                 for ring in polygon for i in ring]
    assert min(arcs_used) < 0  # the fixture really exercises reversed arcs

    decoded = read_boundaries(path, key="adcode")
    assert decoded["adcode"].tolist() == original["adcode"].tolist()
    assert decoded.crs.to_epsg() == 4326
    step = max(document["transform"]["scale"])
    mine, theirs = decoded.geometry.array, original.geometry.array
    # rounding moves each vertex by at most half a step per axis, so the two outlines
    # differ by a band no wider than a step along the boundary
    difference = shapely.area(shapely.symmetric_difference(mine, theirs))
    assert (difference <= shapely.length(theirs) * step).all()
    np.testing.assert_allclose(shapely.bounds(mine), shapely.bounds(theirs), rtol=0, atol=step)

    # the shared borders decode to the same positions on both sides (no slivers)
    assert shapely.is_valid(mine).all()


@pytest.mark.parametrize(("encoding", "bom"), [("gbk", b""), (None, b"\xef\xbb\xbf")])
def test_gbk_and_bom_topojson(tmp_path, encoding, bom):
    """A GBK TopoJSON reads with encoding="gbk" (GDAL decodes the attributes with it);
    a UTF-8 file with a byte-order mark reads as it is."""
    from geodisparity import read_boundaries

    document = topology()
    document["objects"]["counties"]["geometries"][0]["properties"]["name"] = "淳安县"
    path = tmp_path / "zj.topojson"
    path.write_bytes(bom + json.dumps(document, ensure_ascii=False).encode(encoding or "utf-8"))
    frame = read_boundaries(path, layer="counties", key="code", encoding=encoding)
    assert frame["name"].tolist() == ["淳安县", "East"]
    assert frame.geometry.iloc[0].equals(EXPECTED_WEST)
