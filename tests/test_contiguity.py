"""Queen and rook contiguity: agreement with libpysal, tolerance, islands, bad input."""

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely import box

from geodisparity.errors import (
    CRSError,
    DuplicateKeyError,
    EmptyDataError,
    GeometryError,
    InputError,
    IslandWarning,
    NearMissWarning,
    WeightsError,
)
from geodisparity.spatial import _coordinate_runs as runs_module
from geodisparity.spatial import contiguity_weights as contiguity_module
from geodisparity.spatial.contiguity_weights import contiguity

libpysal = pytest.importorskip("libpysal")
from libpysal import examples  # noqa: E402

# Polygon datasets shipped inside the libpysal wheel (no download needed).
BUNDLED = [
    "columbus.shp",
    "sids2.shp",
    "stl_hom.shp",
    "G_utm.shp",
    "virginia.shp",
    "vautm17n.shp",
    "mexicojoin.shp",
    "us48.shp",
    "Chicago77.shp",
    "tokyomet262.shp",
    "10740.shp",
    "Polygon_Holes.shp",
    "lattice10x10.shp",
    "rook31.shp",
]
LIBPYSAL_RULE = {"queen": "Queen", "rook": "Rook"}


def neighbour_sets(neighbors):
    return {key: set(values) for key, values in neighbors.items()}


def libpysal_sets(regions, rule):
    builder = getattr(libpysal.weights, LIBPYSAL_RULE[rule])
    if isinstance(regions, gpd.GeoSeries):
        regions = gpd.GeoDataFrame(geometry=regions)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = builder.from_dataframe(regions, use_index=True)
    return neighbour_sets(w.neighbors)


def read_example(name):
    try:
        path = examples.get_path(name)
        return gpd.read_file(path)
    except Exception as exc:  # pragma: no cover - depends on the libpysal wheel
        pytest.skip(f"libpysal example {name} unavailable: {exc}")


def grid(nrows, ncols, *, size=1.0, crs=None):
    cells = [box(j * size, i * size, (j + 1) * size, (i + 1) * size)
             for i in range(nrows) for j in range(ncols)]
    return gpd.GeoSeries(cells, crs=crs)


@pytest.mark.parametrize("rule", ["queen", "rook"])
@pytest.mark.parametrize("name", BUNDLED)
def test_same_neighbours_as_libpysal_on_bundled_examples(name, rule):
    regions = read_example(name)
    ours = contiguity(regions, rule, islands="keep")
    assert neighbour_sets(ours.neighbors) == libpysal_sets(regions, rule)
    assert (ours.sparse != ours.sparse.T).nnz == 0


@pytest.mark.parametrize("rule", ["queen", "rook"])
def test_same_neighbours_as_libpysal_on_random_voronoi_cells(rule):
    rng = np.random.default_rng(4)
    seeds = shapely.multipoints(rng.random((400, 2)) * 1000)
    cells = shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=box(0, 0, 1000, 1000)))
    regions = gpd.GeoSeries(shapely.intersection(cells, box(0, 0, 1000, 1000)))
    ours = contiguity(regions, rule, islands="keep")
    assert neighbour_sets(ours.neighbors) == libpysal_sets(regions, rule)


def test_same_neighbours_as_libpysal_on_zhejiang_counties():
    boundaries = pytest.importorskip("geodisparity.boundaries")
    counties = boundaries.load("zhejiang/counties")
    for rule in ("queen", "rook"):
        ours = contiguity(counties, rule, islands="keep")
        assert neighbour_sets(ours.neighbors) == libpysal_sets(counties, rule)


def test_zhejiang_islands_are_linked_within_zhoushan():
    boundaries = pytest.importorskip("geodisparity.boundaries")
    counties = boundaries.load("zhejiang/counties").set_index("adcode")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected_islands = libpysal.weights.Queen.from_dataframe(counties, use_index=True).islands
    assert expected_islands  # offshore counties of the Zhoushan archipelago
    with pytest.warns(IslandWarning) as record:
        w = contiguity(counties)
    assert len(record) == 1
    assert sorted(a for a, _ in w.added_links) == sorted(expected_islands)
    # Each offshore county is linked to another county of Zhoushan (prefecture 3309).
    assert all(str(b).startswith("3309") for _, b in w.added_links)
    assert w.islands == []


@pytest.mark.parametrize(("rule", "rook"), [("queen", False), ("rook", True)])
@pytest.mark.parametrize(("nrows", "ncols"), [(1, 2), (1, 5), (4, 4), (7, 3)])
def test_grid_matches_lat2w(nrows, ncols, rule, rook):
    ours = contiguity(grid(nrows, ncols), rule, islands="keep")
    expected = libpysal.weights.lat2W(nrows, ncols, rook=rook)
    assert neighbour_sets(ours.neighbors) == neighbour_sets(expected.neighbors)


def test_extra_vertex_on_the_neighbours_edge_is_queen_but_not_rook():
    left = box(0, 0, 1, 1)
    right = shapely.Polygon([(1, 0), (2, 0), (2, 1), (1, 1), (1, 0.5)])  # splits the edge
    regions = gpd.GeoSeries([left, right])
    assert contiguity(regions, "queen").neighbors == {0: [1], 1: [0]}
    with pytest.warns(IslandWarning):
        rook = contiguity(regions, "rook")
    assert rook.added_links == ((0, 1),)
    assert contiguity(regions, "rook", islands="keep").islands == [0, 1]
    assert neighbour_sets(contiguity(regions, "rook", islands="keep").neighbors) == (
        libpysal_sets(regions, "rook")
    )


def test_reversed_edges_and_negative_zero_are_shared():
    left = shapely.Polygon([(-1, 0), (-0.0, 0), (0, 1), (-1, 1)])
    right = shapely.Polygon([(0.0, 1), (1, 1), (1, 0), (0, 0)])  # other orientation
    assert contiguity(gpd.GeoSeries([left, right]), "rook").neighbors == {0: [1], 1: [0]}


def test_enclave_in_a_hole_neighbours_the_region_around_it():
    outer = box(0, 0, 3, 3).difference(box(1, 1, 2, 2))
    regions = gpd.GeoSeries([outer, box(1, 1, 2, 2)], index=["ring", "enclave"])
    for rule in ("queen", "rook"):
        assert contiguity(regions, rule).neighbors == {"ring": ["enclave"], "enclave": ["ring"]}


def test_parts_of_a_multipolygon_belong_to_one_region():
    county = shapely.MultiPolygon([box(0, 0, 1, 1), box(5, 0, 6, 1)])  # mainland + island
    regions = gpd.GeoSeries([county, box(6, 0, 7, 1), box(1, 0, 2, 1)], index=["c", "e", "w"])
    w = contiguity(regions, "rook")
    assert neighbour_sets(w.neighbors) == {"c": {"e", "w"}, "e": {"c"}, "w": {"c"}}


@pytest.mark.parametrize("band", [1 << 17, 3])
def test_hash_collisions_are_resolved_exactly(monkeypatch, band):
    regions = grid(6, 6)
    expected = contiguity(regions, "rook").neighbors
    # Every point with the same hash: everything collides.
    monkeypatch.setattr(
        runs_module, "_hash_points", lambda points: np.zeros(len(points), np.uint64)
    )
    monkeypatch.setattr(runs_module, "_BAND", band)
    assert contiguity(regions, "rook").neighbors == expected
    assert neighbour_sets(contiguity(regions, "queen").neighbors) == neighbour_sets(
        libpysal.weights.lat2W(6, 6, rook=False).neighbors
    )


def test_points_one_bit_apart_are_not_shared():
    # The right square starts one float step to the right of the left one's edge.
    step = np.nextafter(1.0, 2.0)
    regions = gpd.GeoSeries([box(0, 0, 1, 1), box(step, 0, 2, 1), box(0, 1, 1, 2)])
    for rule in ("queen", "rook"):
        w = contiguity(regions, rule, islands="keep", warn_near_misses=False)
        assert w.islands == [1]
        assert neighbour_sets(w.neighbors) == libpysal_sets(regions, rule)


@pytest.mark.parametrize("rule", ["queen", "rook"])
@pytest.mark.parametrize("band", [1, 7, 1000])
def test_any_band_size_gives_the_same_neighbours(monkeypatch, band, rule):
    # Tiny bands put every band boundary to work: most regions span several.
    regions = read_example("columbus.shp")
    monkeypatch.setattr(runs_module, "_BAND", band)
    ours = contiguity(regions, rule, islands="keep")
    assert neighbour_sets(ours.neighbors) == libpysal_sets(regions, rule)


@pytest.mark.parametrize("rule", ["queen", "rook"])
def test_regions_in_any_band_order_give_the_same_neighbours(monkeypatch, rule):
    # Shuffled rows: a run's occurrences come in any order of their regions.
    regions = read_example("columbus.shp")
    shuffled = regions.iloc[np.random.default_rng(3).permutation(len(regions))]
    monkeypatch.setattr(runs_module, "_BAND", 50)
    ours = contiguity(shuffled, rule, islands="keep")
    assert neighbour_sets(ours.neighbors) == libpysal_sets(shuffled, rule)


def test_bands_group_every_coordinate_exactly_once(monkeypatch):
    monkeypatch.setattr(runs_module, "_BAND", 40)
    geoms = np.asarray(read_example("columbus.shp").geometry.values, dtype=object)
    runs = runs_module.equal_coordinate_runs(geoms, with_order=True)
    coordinates = shapely.get_coordinates(geoms)
    assert np.array_equal(np.sort(runs.order), np.arange(len(coordinates)))
    assert np.array_equal(runs.points, coordinates[runs.order])
    owner = np.repeat(np.arange(len(geoms)), shapely.get_num_coordinates(geoms))
    assert np.array_equal(runs.owner, owner[runs.order])
    # A run is one distinct point, and no point is in two runs.
    run = np.cumsum(runs.start) - 1
    distinct = np.unique(coordinates, axis=0)
    assert run[-1] + 1 == len(distinct)
    assert (runs.points == runs.points[np.flatnonzero(runs.start)][run]).all()


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
@pytest.mark.parametrize("band", [1 << 18, 1])
def test_coordinates_that_are_not_finite_are_grouped_apart(monkeypatch, band):
    # shapely's bounds skip NaN: a NaN coordinate may lie "below" its geometry's bands.
    monkeypatch.setattr(runs_module, "_BAND", band)
    nan_ring = shapely.Polygon([(0, 1), (1, 1), (1, np.nan), (1, 2), (0, 1)])
    geoms = np.array([box(0, 0, 1, 1), nan_ring, box(1, 0, 2, 1), shapely.Polygon()],
                     dtype=object)
    runs = runs_module.equal_coordinate_runs(geoms)
    assert len(runs.start) == sum(shapely.get_num_coordinates(geoms))
    nan_rows = np.isnan(runs.points).any(axis=1)
    assert runs.start[nan_rows].all()  # NaN equals nothing


def test_row_standardised_transform():
    w = contiguity(grid(3, 3), transform="R")
    assert w.transform == "R"
    np.testing.assert_allclose(w.sparse.sum(axis=1), 1.0, rtol=1e-12)


# --- tolerance ------------------------------------------------------------


def two_squares(gap, *, crs="EPSG:32650", diagonal=False):
    size = 1000.0
    second = (box(size + gap, size + gap, 2 * size + gap, 2 * size + gap) if diagonal
              else box(size + gap, 0, 2 * size + gap, size))
    x0, y0 = 500_000.0, 3_300_000.0  # inside UTM zone 50N, where Zhejiang lies
    return gpd.GeoSeries(
        [shapely.affinity.translate(g, x0, y0) for g in (box(0, 0, size, size), second)],
        index=["a", "b"], crs=crs,
    )


@pytest.mark.parametrize("rule", ["queen", "rook"])
@pytest.mark.parametrize(
    ("gap", "tolerance", "linked"),
    [(1e-7, 0.0, False), (1e-7, 1e-6, True), (5.0, 1e-6, False), (5.0, 4.9, False),
     (5.0, 5.1, True), (5.0, 50.0, True)],
)
def test_tolerance_links_squares_across_a_gap(gap, tolerance, linked, rule):
    if tolerance == 0:  # a 0.1 micrometre gap at 500 km is a rounding artefact: reported
        with pytest.warns(NearMissWarning, match="a-b"):
            w = contiguity(two_squares(gap), rule, tolerance=tolerance, islands="keep")
    else:
        w = contiguity(two_squares(gap), rule, tolerance=tolerance, islands="keep")
    assert w.islands == ([] if linked else ["a", "b"])


def test_tolerance_on_corner_contact_is_queen_not_rook():
    squares = two_squares(3.0, diagonal=True)
    assert contiguity(squares, "queen", tolerance=10).islands == []
    assert contiguity(squares, "rook", tolerance=10, islands="keep").islands == ["a", "b"]


def test_tolerance_is_in_metres_for_longitude_latitude():
    metres = two_squares(5.0)
    degrees = metres.to_crs("EPSG:4326")
    assert contiguity(degrees, tolerance=10, islands="keep").islands == []
    assert contiguity(degrees, tolerance=2, islands="keep").islands == ["a", "b"]


def test_tolerance_needs_a_crs():
    with pytest.raises(CRSError, match="no CRS"):
        contiguity(two_squares(5.0, crs=None), tolerance=10)


# --- islands ----------------------------------------------------------------


def with_island():
    return gpd.GeoSeries(
        [box(0, 0, 1, 1), box(1, 0, 2, 1), box(2.5, 0, 3.5, 1), box(9, 9, 10, 10)],
        index=["w", "e", "near", "far"],
    )


def test_islands_keep_leaves_them_without_neighbours():
    w = contiguity(with_island(), islands="keep")
    assert w.islands == ["near", "far"]
    assert w.added_links == ()


def test_islands_error_names_them():
    with pytest.raises(WeightsError, match="near, far"):
        contiguity(with_island(), islands="error")


def test_islands_nearest_links_both_ways_and_warns_once():
    with pytest.warns(IslandWarning, match="near -> e") as record:
        w = contiguity(with_island())
    assert len(record) == 1
    assert w.added_links == (("near", "e"), ("far", "near"))
    assert w.islands == []
    assert (w.sparse != w.sparse.T).nnz == 0
    assert set(w.neighbors["e"]) == {"w", "near"}


def test_islands_nearest_in_longitude_latitude_uses_metres():
    # At 60 degrees north a degree of longitude is half a degree of latitude:
    # the region 0.8 degrees east is nearer than the one 0.5 degrees north.
    regions = gpd.GeoSeries(
        [box(0, 60, 0.1, 60.1), box(0.9, 60, 1.0, 60.1), box(0, 60.6, 0.1, 60.7)],
        index=["island", "east", "north"], crs="EPSG:4326",
    )
    with pytest.warns(IslandWarning):
        w = contiguity(regions)
    assert ("island", "east") in w.added_links


def test_single_region_stays_an_island_with_a_warning():
    with pytest.warns(IslandWarning, match="only region"):
        w = contiguity(gpd.GeoSeries([box(0, 0, 1, 1)], index=["solo"]))
    assert w.islands == ["solo"]


# --- bad input ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("regions", "error", "message"),
    [
        (gpd.GeoSeries([box(0, 0, 1, 1), shapely.Point(0, 0)], index=["a", "p"]),
         GeometryError, "not polygons.*Point.*p"),
        (gpd.GeoSeries([shapely.Polygon(), None], index=["e", "n"]),
         GeometryError, "every row of regions has a missing or empty geometry"),
        (gpd.GeoSeries([box(0, 0, 1, 1), box(1, 0, 2, 1)], index=["a", "a"]),
         DuplicateKeyError, "Repeated ids: a"),
        (gpd.GeoSeries([], dtype="geometry"), EmptyDataError, "no rows"),
        (pd.DataFrame({"x": [1]}), InputError, "GeoDataFrame or GeoSeries"),
        (gpd.GeoDataFrame({"x": [1]}), InputError, "without an active geometry"),
    ],
)
def test_bad_regions_are_refused(regions, error, message):
    with pytest.raises(error, match=message):
        contiguity(regions)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"rule": "bishop"}, "rule='bishop'"), ({"tolerance": -1}, "tolerance=-1"),
     ({"tolerance": float("nan")}, "tolerance=nan"), ({"islands": "drop"}, "islands='drop'")],
)
def test_bad_options_are_refused(kwargs, message):
    with pytest.raises(InputError, match=message):
        contiguity(grid(2, 2), **kwargs)


def test_geodataframe_index_gives_the_ids():
    frame = gpd.GeoDataFrame(
        {"name": ["x", "y"]}, geometry=list(grid(1, 2)), index=[330102, 330105]
    )
    assert contiguity(frame).neighbors == {330102: [330105], 330105: [330102]}


def test_ring_ids_split_geometries_exactly_as_shapely():
    shapes = [
        box(0, 0, 1, 1),
        box(0, 0, 3, 3).difference(box(1, 1, 2, 2)),  # hole
        shapely.MultiPolygon([box(5, 0, 6, 1), box(7, 0, 8, 1)]),  # two parts
        shapely.MultiPolygon([box(9, 0, 10, 1)]),  # one part
        shapely.MultiPolygon([box(0, 5, 1, 6), box(1, 6, 2, 7)]),  # parts touching at a vertex
    ]
    geoms = np.array(shapes, dtype=object)
    xy, owner, order, start, owner_sorted = contiguity_module._sorted_vertices(geoms)
    ring = contiguity_module._ring_ids(geoms, owner, order, start, owner_sorted)
    rings, ring_owner = shapely.get_rings(shapely.get_parts(geoms), return_index=True)
    expected = np.repeat(np.arange(len(rings)), shapely.get_num_coordinates(rings))
    # Same partition of the coordinates into rings, whatever the numbering.
    assert len(np.unique(ring)) == len(rings) == 8
    pairs = set(zip(ring.tolist(), expected.tolist(), strict=True))
    assert len(pairs) == len(rings)


def test_corner_on_an_edge_needs_a_tolerance_like_libpysal():
    # b's corner (1, 0.5) lies inside a's right edge: no shared vertex (pysal issue #889).
    a = box(0, 0, 1, 1)
    b = shapely.Polygon([(1, 0.5), (2, 0.5), (2, 1.5), (1.5, 1.5)])
    regions = gpd.GeoSeries([a, b], index=["a", "b"], crs="EPSG:32650")
    exact = contiguity(regions, islands="keep")
    assert exact.islands == ["a", "b"]
    assert neighbour_sets(exact.neighbors) == libpysal_sets(regions, "queen")
    assert contiguity(regions, tolerance=1e-6, islands="keep").islands == []
    assert contiguity(regions, "rook", tolerance=1e-6, islands="keep").islands == ["a", "b"]


# --- vertices that miss each other by rounding ---------------------------------------


def test_an_edge_rounded_differently_on_each_side_is_reported():
    # 0.1 + 0.2 != 0.3: the same edge, computed two ways, misses by one rounding step.
    left = shapely.Polygon([(0, 0), (0.1 + 0.2, 0), (0.1 + 0.2, 1), (0, 1)])
    right = shapely.Polygon([(0.3, 0), (1, 0), (1, 1), (0.3, 1)])
    regions = gpd.GeoSeries([left, right, box(5, 5, 6, 6)], index=["l", "r", "far"],
                            crs="EPSG:3857")
    with pytest.warns(NearMissWarning, match=r"1 boundary vertices of 1 pairs .*: l-r\. Pass "
                      r"tolerance=0\.001 \(metres\)"):
        w = contiguity(regions, islands="keep")
    assert w.neighbors["l"] == []  # tolerance=0 compares exactly, as documented
    with warnings.catch_warnings():
        warnings.simplefilter("error", NearMissWarning)
        fixed = contiguity(regions, tolerance=0.001, islands="keep")
        silenced = contiguity(regions, islands="keep", warn_near_misses=False)
    assert fixed.neighbors["l"] == ["r"] and silenced.neighbors["l"] == []


def test_a_boundary_one_decimal_step_apart_is_reported_in_degrees():
    # Both written with 6 decimals; one file rounded the shared meridian up, one down.
    west = box(116.0, 39.0, 116.123456, 39.5)
    east = box(116.123457, 39.0, 116.5, 39.5)
    regions = gpd.GeoSeries([west, east], index=["w", "e"], crs="EPSG:4326")
    with pytest.warns(NearMissWarning, match=r"w-e\. Pass tolerance=1 \(metres\)"):
        contiguity(regions, islands="keep")
    with warnings.catch_warnings():
        warnings.simplefilter("error", NearMissWarning)
        assert contiguity(regions, tolerance=1, islands="keep").neighbors["w"] == ["e"]


def test_clean_boundaries_and_existing_neighbours_give_no_near_miss_warning():
    regions = read_example("columbus.shp")
    # A vertex nudged by one step next to a boundary that is otherwise shared exactly.
    touching = [box(0, 0, 1, 1), shapely.Polygon([(1, 0), (2, 0), (2, 1), (1, 1),
                                                  (np.nextafter(1.0, 2.0), 0.5)])]
    with warnings.catch_warnings():
        warnings.simplefilter("error", NearMissWarning)
        contiguity(regions)
        contiguity(gpd.GeoSeries(touching), islands="keep")


@pytest.mark.parametrize("packed", [True, False])
def test_near_miss_pairs_finds_planted_pairs_and_nothing_else(monkeypatch, packed):
    from geodisparity.spatial import _near_misses

    if not packed:  # as if keys were too large to pack with positions: the argsort path
        monkeypatch.setattr(_near_misses, "_PACKED_BITS", 8)
    rng = np.random.default_rng(5)
    far = rng.random((3000, 2)) * 10
    owner = rng.integers(0, 50, 3000)
    planted = rng.choice(3000, 200, replace=False)
    nudged = far[planted] + rng.choice([-1, 1], (200, 2)) * 4e-9  # eps is 1e-8 (10 * 1e-9)
    xy = np.concatenate([far, nudged])
    owners = np.concatenate([owner, (owner[planted] + 1) % 50])
    a, b, count = _near_misses.near_miss_pairs(xy, owners, eps=1e-8)
    expected = {tuple(sorted((int(owner[i]), (int(owner[i]) + 1) % 50))) for i in planted}
    found = set(zip(a.tolist(), b.tolist(), strict=True))
    assert found <= expected  # nothing that is not within eps
    assert 190 <= count <= 200  # a pair straddling two columns of the grid may be missed
    assert len(found) >= 0.9 * len(expected)


# --- empty or missing geometries ----------------------------------------------------


def squares_with_holes_in_the_file():
    return gpd.GeoSeries(
        [box(0, 0, 1, 1), None, box(1, 0, 2, 1), shapely.Polygon(), box(9, 9, 10, 10)],
        index=["a", "gone", "b", "vanished", "far"], crs="EPSG:3857",
    )


@pytest.mark.parametrize("rule", ["queen", "rook"])
def test_empty_geometries_are_islands_that_cannot_be_linked(rule):
    regions = squares_with_holes_in_the_file()
    with pytest.warns(IslandWarning) as caught:
        w = contiguity(regions, rule)
    messages = " ".join(str(item.message) for item in caught)
    assert "2 regions have a missing or empty geometry" in messages
    assert "gone, vanished" in messages
    assert w.ids.tolist() == regions.index.tolist()
    assert w.neighbors["gone"] == [] and w.neighbors["vanished"] == []
    assert w.neighbors["a"] == ["b"]
    assert w.added_links == (("far", "b"),)  # a located island still finds its nearest


def test_empty_geometries_follow_keep_and_error():
    regions = squares_with_holes_in_the_file()
    with pytest.warns(IslandWarning, match="gone, vanished"):
        kept = contiguity(regions, islands="keep")
    assert kept.islands == ["gone", "vanished", "far"]
    with pytest.raises(WeightsError, match=r"3 regions .*gone, vanished, far \(2 of them have a "
                       "missing or empty geometry"):
        contiguity(regions, islands="error")


def test_statistics_label_an_empty_geometry_isolated():
    from geodisparity.spatial.local_stats import local_moran

    regions = gpd.GeoSeries(
        [box(i % 4, i // 4, i % 4 + 1, i // 4 + 1) for i in range(12)] + [None],
        index=[f"r{i}" for i in range(13)],
    )
    with pytest.warns(IslandWarning, match="r12"):
        w = contiguity(regions)
    values = pd.Series(np.arange(13.0) ** 1.5, index=regions.index)
    out = local_moran(values, w, seed=0, permutations=99)
    assert out.loc["r12", "cluster"] == "Isolated" and not out.loc["r12", "significant"]


def test_a_long_boundary_moved_by_one_step_is_reported_with_its_vertex_count():
    # A wavy shared boundary of 40 vertices; the east side has it one float step east.
    ys = np.linspace(0.0, 1.0, 40)
    xs = 10.0 + 0.01 * np.sin(7 * ys)
    west = shapely.Polygon([(9.0, 0.0), *zip(xs, ys, strict=True), (9.0, 1.0)])
    moved = np.nextafter(xs, np.inf)
    east = shapely.Polygon([*zip(moved, ys, strict=True), (11.0, 1.0), (11.0, 0.0)][::-1])
    regions = gpd.GeoSeries([west, east], index=["west", "east"])
    with pytest.warns(NearMissWarning) as caught:
        w = contiguity(regions, islands="keep")
    count = int(str(caught[0].message).split()[0])
    assert 36 <= count <= 40 and "west-east" in str(caught[0].message)
    assert w.islands == ["west", "east"]
