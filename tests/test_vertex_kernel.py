"""The compiled kernel of queen contiguity against the NumPy path and hand-made cases.

Both group a band of coordinates by exact equality; the kernel with a hash
table (``geodisparity/spatial/_vertex_kernel.c``), NumPy by sorting. They
must give the same pairs and the same single occurrences on every input.
"""

import os
import shutil
import threading
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
    # Clip cell by cell: clipping the collection at once would merge the cells into one.
    clipped = np.array(shapely.intersection(shapely.get_parts(cells), square), dtype=object)
    assert len(clipped) == n
    return clipped


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


def _kernel_results(points, owner, n, scratch=None):
    extra = () if scratch is None else (scratch,)
    pairs, where, whose = kernel.shared_vertices(points, owner, n, 99, *extra)
    return (sorted(np.frombuffer(pairs, np.int64).tolist()),
            np.frombuffer(where, np.float64).reshape(-1, 2).tolist(),
            np.frombuffer(whose, np.int32).tolist())


@needs_kernel
def test_kernel_scratch_of_any_state_gives_the_same_results():
    geoms = np.array([*voronoi_cells(300, 3), box(5, 5, 6, 6)], dtype=object)  # lone corners
    points, owner = shapely.get_coordinates(geoms, return_index=True)
    owner = owner.astype(np.int32)
    alone = _kernel_results(points, owner, len(geoms))
    size = kernel.scratch_bytes(len(owner))
    dirty = np.full(size + 64, 0xA5, dtype=np.uint8)  # garbage left by an earlier band
    assert _kernel_results(points, owner, len(geoms), dirty) == alone
    assert _kernel_results(points, owner, len(geoms), dirty) == alone  # reused as it was left
    too_small, misaligned = np.zeros(size - 1, np.uint8), dirty[1:size + 1]
    assert _kernel_results(points, owner, len(geoms), too_small) == alone  # allocates its own
    assert _kernel_results(points, owner, len(geoms), misaligned) == alone
    assert alone[0] and alone[1]  # pairs and single occurrences were found
    with pytest.raises(TypeError):  # read-only memory is refused, not written to
        kernel.shared_vertices(points, owner, len(geoms), 99, bytes(size))


@needs_kernel
def test_a_scratch_larger_than_the_limit_is_used_once_and_not_kept(monkeypatch):
    regions = gpd.GeoSeries(voronoi_cells(200, 4))
    expected = contiguity(regions, islands="keep").neighbors
    monkeypatch.setattr(contiguity_module, "_scratch", threading.local())  # this thread: none
    monkeypatch.setattr(contiguity_module, "_SCRATCH_KEPT", 0)
    assert contiguity(regions, islands="keep").neighbors == expected
    assert getattr(contiguity_module._scratch, "buffer", None) is None
    monkeypatch.setattr(contiguity_module, "_SCRATCH_KEPT", 16 << 20)
    contiguity(regions, islands="keep")
    kept = contiguity_module._scratch.buffer
    contiguity(regions, islands="keep")
    assert contiguity_module._scratch.buffer is kept  # reused, not allocated again


@needs_kernel
def test_threads_grouping_at_once_each_use_their_own_scratch():
    from concurrent.futures import ThreadPoolExecutor

    inputs = [gpd.GeoSeries(voronoi_cells(400, seed)) for seed in range(6)]
    alone = [contiguity(g, islands="keep").neighbors for g in inputs]
    with ThreadPoolExecutor(4) as pool:
        for _ in range(3):
            assert list(pool.map(lambda g: contiguity(g, islands="keep").neighbors,
                                 inputs)) == alone


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
    pairs, single_points, single_owners = kernel.shared_vertices(twice, owner, 2, 12345)
    assert np.frombuffer(pairs, np.int64).tolist() == [1]  # the pair (0, 1)
    assert single_points == single_owners == b""


def test_numpy_groups_a_long_run_of_colliding_hashes_exactly(monkeypatch):
    monkeypatch.setattr(runs_module, "_hash_points",
                        lambda points: np.zeros(len(points), np.uint64))
    rng = np.random.default_rng(2)
    points = rng.integers(0, 300, (60_000, 2)).astype(float)
    runs = runs_module.group_band(points.copy(), np.zeros(len(points), dtype=np.int16))
    assert runs.start.sum() == len(np.unique(points, axis=0))
