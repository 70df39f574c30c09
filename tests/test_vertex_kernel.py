"""The compiled kernel of queen contiguity against the NumPy path and hand-made cases.

Both group a band of coordinates by exact equality; the kernel with a hash
table (``geodisparity/spatial/_vertex_kernel.c``), NumPy by sorting. They
must give the same pairs and the same single occurrences on every input.
"""

import os
import shutil
import warnings

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely import box

from geodisparity.spatial import _coordinate_runs as runs_module
from geodisparity.spatial import contiguity_weights as contiguity_module
from geodisparity.spatial.contiguity_weights import contiguity

kernel = contiguity_module._vertex_kernel
needs_kernel = pytest.mark.skipif(kernel is None, reason="the C kernel was not compiled")


def test_the_kernel_is_built_where_a_compiler_exists():
    if os.environ.get("GEODISPARITY_NO_KERNEL"):
        pytest.skip("GEODISPARITY_NO_KERNEL is set")
    if not any(shutil.which(cc) for cc in ("cc", "gcc", "clang")):
        pytest.skip("no C compiler on this machine: the NumPy path is used")
    assert kernel is not None, "reinstall the project (pip install -e .) to compile the kernel"


def both_paths(geoms):
    """(pairs, singles) from the kernel and from NumPy, as sets."""
    results = []
    for engine in (kernel, None):
        original = contiguity_module._vertex_kernel
        contiguity_module._vertex_kernel = engine
        try:
            first, second, (points, owner) = contiguity_module._vertex_pairs_and_singles(geoms)
        finally:
            contiguity_module._vertex_kernel = original
        singles = {(float(x), float(y), int(o)) for (x, y), o in zip(points, owner, strict=True)}
        results.append((set(zip(first.tolist(), second.tolist(), strict=True)), singles))
    return results


def voronoi_cells(n, seed):
    rng = np.random.default_rng(seed)
    square = box(0, 0, 1, 1)
    cells = shapely.voronoi_polygons(shapely.multipoints(rng.random((n, 2))), extend_to=square)
    return np.array(shapely.get_parts(shapely.intersection(cells, square)), dtype=object)


@needs_kernel
@pytest.mark.parametrize("band", [1 << 18, 64, 5])
@pytest.mark.parametrize("seed", [0, 1])
def test_kernel_and_numpy_agree_on_random_cells(monkeypatch, band, seed):
    monkeypatch.setattr(runs_module, "_BAND", band)
    (kernel_pairs, kernel_singles), (numpy_pairs, numpy_singles) = both_paths(
        voronoi_cells(300, seed))
    assert kernel_pairs == numpy_pairs
    assert kernel_singles == numpy_singles
    assert all(i < j for i, j in kernel_pairs)


@needs_kernel
def test_kernel_and_numpy_agree_on_the_zhejiang_counties():
    import geodisparity as gd

    geoms = np.asarray(gd.boundaries.load("zhejiang/counties").geometry.values, dtype=object)
    (kernel_pairs, kernel_singles), (numpy_pairs, numpy_singles) = both_paths(geoms)
    assert kernel_pairs == numpy_pairs and len(kernel_pairs) == 219
    assert kernel_singles == numpy_singles


@needs_kernel
def test_kernel_compares_coordinates_exactly():
    step = np.nextafter(1.0, 2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # (shapely on NaN coordinates)
        geoms = np.array([
            box(0, 0, 1, 1),
            box(step, 0, 2, 1),  # one float step right of the first: not a neighbour
            shapely.Polygon([(-0.0, 1), (1, 1), (1, 2), (-0.0, 2)]),  # -0.0 is 0.0: an edge
            shapely.Polygon([(5, 5), (6, np.nan), (6, 6), (5, 5)]),  # NaN equals nothing
            shapely.Polygon([(7, 5), (6, np.nan), (7, 6), (7, 5)]),
        ], dtype=object)
        (pairs, singles), (numpy_pairs, numpy_singles) = both_paths(geoms)
    assert pairs == numpy_pairs == {(0, 2)}
    assert {(x, y) for x, y, _ in singles if np.isfinite(y)} == {
        (x, y) for x, y, _ in numpy_singles if np.isfinite(y)}
    assert sum(np.isnan(y) for _, y, _ in singles) == 2  # each NaN occurrence stands alone


@needs_kernel
def test_many_regions_around_one_point_are_all_neighbours():
    # 120 wedges meet at the centre: every pair shares that vertex (7,140 pairs,
    # more than the kernel's first table of pair codes holds).
    angles = np.linspace(0, 2 * np.pi, 121)
    wedges = np.array([shapely.Polygon([(0, 0), (np.cos(a), np.sin(a)), (np.cos(b), np.sin(b))])
                       for a, b in zip(angles[:-1], angles[1:], strict=True)], dtype=object)
    (pairs, _), (numpy_pairs, _) = both_paths(wedges)
    assert pairs == numpy_pairs == {(i, j) for i in range(120) for j in range(i + 1, 120)}


@needs_kernel
def test_contiguity_is_the_same_with_and_without_the_kernel(monkeypatch):
    regions = gpd.GeoSeries(voronoi_cells(200, 7))
    with_kernel = contiguity(regions, islands="keep").neighbors
    monkeypatch.setattr(contiguity_module, "_vertex_kernel", None)
    assert contiguity(regions, islands="keep").neighbors == with_kernel


@needs_kernel
def test_kernel_refuses_buffers_that_do_not_match():
    with pytest.raises(ValueError, match="two float64 per int32 owner"):
        kernel.shared_vertices(np.zeros((3, 2)), np.zeros(2, dtype=np.int32), 2, 0)


# Hostile inputs: work that grows with the square of a repeat count would let a small file
# stall a run for hours. These finish at once; a quadratic path would take minutes.

@pytest.mark.parametrize("engine", ["kernel", "numpy"])
def test_a_point_repeated_fifty_thousand_times_is_grouped_quickly(engine, monkeypatch):
    if engine == "kernel" and kernel is None:
        pytest.skip("the C kernel was not compiled")
    if engine == "numpy":
        monkeypatch.setattr(contiguity_module, "_vertex_kernel", None)
    repeats = 50_000
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        regions = gpd.GeoSeries([
            shapely.Polygon([(0, 0)] * repeats + [(1, 0), (1, 1), (0, 1), (0, 0)]),
            box(1, 0, 2, 1),
            shapely.Polygon([(2, 0)] + [(2.5, np.nan)] * repeats + [(3, 0), (3, 1), (2, 0)]),
        ])
        queen = contiguity(regions, islands="keep", warn_near_misses=False)
        rook = contiguity(regions, "rook", islands="keep", warn_near_misses=False)
    assert queen.neighbors == {0: [1], 1: [0, 2], 2: [1]}
    assert rook.neighbors == {0: [1], 1: [0], 2: []}  # 1 and 2 meet at a corner only


@needs_kernel
def test_points_made_to_collide_in_the_unsalted_hash_are_grouped_exactly():
    # y chosen so that (bits(x) * C1) ^ bits(y) is one constant: without the salt every
    # point would fall in the same slot of the table.
    c1 = 0x9E3779B97F4A7C15
    x = 1.0 + np.arange(40_000) * 1e-9
    x_bits = x.view(np.uint64)
    y_bits = (x_bits * np.uint64(c1)) ^ np.uint64(0x3FF0_0000_0000_0000)
    y = y_bits.view(np.float64)
    finite = np.isfinite(y)
    points = np.column_stack([x[finite], y[finite]])
    twice = np.ascontiguousarray(np.concatenate([points, points]))
    owner = np.repeat(np.array([0, 1], dtype=np.int32), len(points))
    pairs, singles = kernel.shared_vertices(twice, owner, 2, 12345)
    assert np.frombuffer(pairs, np.int64).tolist() == [1]  # the pair (0, 1)
    assert singles == b""


def test_numpy_groups_a_long_run_of_colliding_hashes_exactly(monkeypatch):
    monkeypatch.setattr(runs_module, "_hash_points",
                        lambda points: np.zeros(len(points), np.uint64))
    rng = np.random.default_rng(2)
    points = rng.integers(0, 300, (60_000, 2)).astype(float)
    runs = runs_module.group_band(points.copy(), np.zeros(len(points), dtype=np.int16))
    assert runs.start.sum() == len(np.unique(points, axis=0))
