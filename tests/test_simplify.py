"""Coverage simplification keeps neighbours, leaves no gaps or overlaps, and shrinks files."""

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon

from geodisparity.errors import CRSError, EmptyDataError, GeometryError, InputError
from geodisparity.maps.simplify import (
    auto_tolerance,
    coordinate_decimals,
    encode_geometry,
    simplify_coverage,
    to_web_geometry,
)


def wiggly_coverage(nx=5, ny=4, points=80, seed=3):
    """A perfect coverage: each shared border is one random polyline used by both sides.

    Includes an enclave (a region inside a hole of another) and an island.
    """
    rng = np.random.default_rng(seed)
    size = 0.4
    nodes = np.stack(np.meshgrid(np.arange(nx + 1), np.arange(ny + 1), indexing="ij"), -1) * size
    nodes = nodes + np.array([120.0, 29.0])
    nodes[1:-1, 1:-1] += rng.uniform(-0.08, 0.08, size=(nx - 1, ny - 1, 2))

    def edge(a, b, wavy):
        t = np.linspace(0, 1, points + 2)[:, None]
        line = a + t * (b - a)
        if wavy:
            normal = np.array([-(b - a)[1], (b - a)[0]])
            noise = np.cumsum(rng.normal(0, 0.0008, points + 2))
            noise -= np.linspace(noise[0], noise[-1], points + 2)  # pin both ends
            line = line + noise[:, None] * normal / np.linalg.norm(normal)
        return line

    h = {(i, j): edge(nodes[i, j], nodes[i + 1, j], 0 < j < ny)
         for i in range(nx) for j in range(ny + 1)}
    v = {(i, j): edge(nodes[i, j], nodes[i, j + 1], 0 < i < nx)
         for i in range(nx + 1) for j in range(ny)}
    cells = []
    for i in range(nx):
        for j in range(ny):
            ring = np.concatenate([h[i, j][:-1], v[i + 1, j][:-1], h[i, j + 1][::-1][:-1],
                                   v[i, j][::-1][:-1]])
            cells.append(Polygon(ring))
    host = cells[nx * ny // 2]
    c = host.representative_point()
    enclave = shapely.Point(c.x, c.y).buffer(0.05, quad_segs=16)
    cells[nx * ny // 2] = host.difference(enclave)
    cells.append(enclave)
    island = shapely.Point(nodes[-1, -1][0] + 0.3, nodes[-1, -1][1] + 0.3).buffer(0.04)
    cells.append(island)
    return gpd.GeoSeries(cells, crs="EPSG:4326")


def queen_sets(geoms):
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    sets = [set() for _ in range(len(geoms))]
    for a, b in zip(left, right, strict=True):
        if a != b:
            sets[a].add(b)
    return sets


def overlap_area(geoms):
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = [(a, b) for a, b in zip(left, right, strict=True) if a < b]
    return sum(shapely.intersection(geoms[a], geoms[b]).area for a, b in pairs)


@pytest.fixture(scope="module")
def coverage():
    gs = wiggly_coverage()
    assert shapely.coverage_is_valid(gs.values)
    return gs


def test_fixture_is_a_valid_coverage(coverage):
    assert coverage.is_valid.all()
    assert overlap_area(coverage.values) < 1e-12


def test_neighbours_unchanged(coverage):
    simple = simplify_coverage(coverage)
    assert queen_sets(simple.values) == queen_sets(coverage.values)


def test_neighbours_agree_with_libpysal(coverage):
    libpysal = pytest.importorskip("libpysal")
    simple = simplify_coverage(coverage)
    queen = libpysal.weights.Queen.from_dataframe(
        gpd.GeoDataFrame(geometry=simple.reset_index(drop=True)), use_index=False,
        silence_warnings=True)
    ours = queen_sets(simple.values)
    assert {i: set(queen.neighbors[i]) for i in range(len(simple))} == dict(enumerate(ours))


def test_no_overlap_no_gap(coverage):
    tol = auto_tolerance(coverage)
    simple = simplify_coverage(coverage)
    assert overlap_area(simple.values) < 1e-9 * coverage.union_all().area
    before, after = coverage.union_all(), shapely.coverage_union_all(simple.values)
    # The outer boundary moves by at most ~tolerance: area changes by < perimeter * tol.
    assert abs(after.area - before.area) < before.length * tol
    holes = sum(len(p.interiors) for p in getattr(after, "geoms", [after]))
    holes_before = sum(len(p.interiors) for p in getattr(before, "geoms", [before]))
    assert holes == holes_before
    assert shapely.coverage_is_valid(simple.values)


def test_checks_detect_per_polygon_simplification(coverage):
    # The same checks fail on naive per-polygon simplification: they can fail.
    naive = shapely.simplify(coverage.values, auto_tolerance(coverage) * 3)
    assert overlap_area(naive) > 1e-9 * coverage.union_all().area or \
        not shapely.coverage_is_valid(naive)


def test_vertices_reduced(coverage):
    simple = simplify_coverage(coverage)
    before = shapely.get_num_coordinates(coverage.values).sum()
    after = shapely.get_num_coordinates(simple.values).sum()
    assert after < 0.7 * before


def test_tolerance_from_extent():
    gs = gpd.GeoSeries([shapely.box(118, 27, 123, 31)], crs=4326)
    assert auto_tolerance(gs) == pytest.approx(5 / 2000)
    assert coordinate_decimals(auto_tolerance(gs)) == 3
    assert coordinate_decimals(1e-5) == 6
    assert coordinate_decimals(1.0) == 3


def test_rounding_to_decimals(coverage):
    simple = simplify_coverage(coverage, decimals=3)
    xy = shapely.get_coordinates(simple.values)
    np.testing.assert_allclose(xy, np.round(xy, 3), atol=1e-9)


def test_zero_tolerance_keeps_vertices(coverage):
    simple = simplify_coverage(coverage, tolerance=0, decimals=6)
    assert (shapely.get_num_coordinates(simple.values)
            == shapely.get_num_coordinates(coverage.values)).all()


def test_negative_tolerance_rejected(coverage):
    with pytest.raises(InputError, match="tolerance"):
        simplify_coverage(coverage, tolerance=-1)


def decode(text, decimals):
    """Reference decoder, written from the documented format."""
    x = y = 0
    out = []
    for geom in json.loads(text):
        polys = []
        for poly in geom:
            rings = []
            for ring in poly:
                pts = []
                for k in range(0, len(ring), 2):
                    x += ring[k]
                    y += ring[k + 1]
                    pts.append((x / 10**decimals, y / 10**decimals))
                rings.append(pts)
            polys.append(Polygon(rings[0], rings[1:]))
        out.append(shapely.MultiPolygon(polys))
    return out


def test_encoding_round_trip(coverage):
    simple = simplify_coverage(coverage, decimals=4)
    text = encode_geometry(simple, decimals=4)
    assert " " not in text
    decoded = decode(text, 4)
    assert len(decoded) == len(simple)
    for a, b in zip(decoded, simple, strict=True):
        assert a.symmetric_difference(b).area < 1e-9


def test_encoding_is_compact(coverage):
    simple = simplify_coverage(coverage)
    plain = json.dumps(shapely.geometry.mapping(shapely.GeometryCollection(list(simple))))
    assert len(encode_geometry(simple, decimals=3)) < len(plain) / 2


def test_tiny_region_stays_visible():
    tiny = shapely.box(120, 30, 120.00001, 30.00001)
    decoded = decode(encode_geometry([tiny], decimals=3), 3)
    assert decoded[0].area > 0


@pytest.mark.parametrize(
    ("geoms", "crs", "error"),
    [
        ([], 4326, EmptyDataError),
        ([shapely.box(0, 0, 1, 1)], None, CRSError),
        ([None], 4326, EmptyDataError),  # no region has a geometry
        ([shapely.Point(0, 0)], 4326, GeometryError),
    ],
)
def test_bad_geometry(geoms, crs, error):
    with pytest.raises(error):
        to_web_geometry(gpd.GeoSeries(geoms, crs=crs))


def test_reprojects_to_lonlat():
    projected = gpd.GeoSeries([shapely.box(500000, 3300000, 510000, 3310000)], crs=32651)
    web = to_web_geometry(projected)
    assert web.crs.to_epsg() == 4326
    minx, miny, maxx, maxy = web.total_bounds
    assert 122 < minx < 124 and 29 < miny < 31
