"""Exact coverage fractions: hand-computed cells, and shapely's cell-by-cell intersections."""

import numpy as np
import pytest
import shapely
from affine import Affine

from geodisparity.errors import GeometryError, InputError
from geodisparity.raster.coverage import boundary_pieces, coverage_window, region_boxes


def _fractions(geom, transform, shape, window=None):
    pieces = boundary_pieces([geom], transform, shape)
    return coverage_window(pieces, 0, window or (0, shape[0], 0, shape[1]))


def _by_shapely(geom, transform, shape):
    """Reference: intersect every cell with the polygon (slow, independent)."""
    out = np.zeros(shape)
    for r in range(shape[0]):
        for c in range(shape[1]):
            xa, ya = transform.c + c * transform.a, transform.f + r * transform.e
            xb, yb = xa + transform.a, ya + transform.e
            cell = shapely.box(min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb))
            out[r, c] = cell.intersection(geom).area / cell.area
    return out


def test_hand_computed_square_and_triangle():
    unit = Affine(1, 0, 0, 0, -1, 3)
    square = shapely.box(0.5, 0.5, 2.0, 2.0)
    assert _fractions(square, unit, (3, 3)).tolist() == [
        [0.0, 0.0, 0.0], [0.5, 1.0, 0.0], [0.25, 0.5, 0.0]]
    triangle = shapely.Polygon([(0, 0), (2, 0), (0, 2)])
    assert _fractions(triangle, Affine(1, 0, 0, 0, -1, 2), (2, 2)).tolist() == [
        [0.5, 0.0], [1.0, 0.5]]


@pytest.mark.parametrize("transform", [
    Affine(0.7, 0, 0.1, 0, -0.6, 10.3),     # north-up
    Affine(-0.7, 0, 12.0, 0, 0.6, -1.0),    # both axes flipped
    Affine(0.7, 0, 0.1, 0, 0.6, -1.0),      # south-up
    Affine(0.7, 0, 3.1, 0, -0.6, 8.3),      # the polygon overflows the raster on all sides
    Affine(0.7, 0, -4.1, 0, -0.6, 10.3),    # ... on the right and at the bottom
])
def test_fractions_match_shapely_intersections(transform):
    holed = shapely.Point(5, 5).buffer(3.3).difference(shapely.Point(5.2, 5.1).buffer(1.1))
    two = shapely.MultiPolygon([holed, shapely.box(9.05, 1.1, 10.9, 9.7)])
    expected = _by_shapely(two, transform, (20, 20))
    pieces = boundary_pieces([two], transform, (20, 20))
    r0, r1, c0, c1 = region_boxes(pieces, (20, 20))[0]
    assert expected[:r0].sum() == expected[r1:].sum() == 0  # the box holds the region
    assert expected[:, :c0].sum() == expected[:, c1:].sum() == 0
    np.testing.assert_allclose(_fractions(two, transform, (20, 20)), expected, atol=1e-12)
    window = (3, 17, 5, 9)  # a window gives the same fractions as the whole raster
    np.testing.assert_allclose(_fractions(two, transform, (20, 20), window),
                               expected[3:17, 5:9], atol=1e-12)


def test_orientation_of_the_input_rings_does_not_matter():
    ring = [(0.2, 0.3), (2.7, 0.9), (1.4, 2.8)]
    unit = Affine(1, 0, 0, 0, -1, 3)
    ccw, cw = shapely.Polygon(ring), shapely.Polygon(ring[::-1])
    np.testing.assert_array_equal(_fractions(ccw, unit, (3, 3)), _fractions(cw, unit, (3, 3)))
    assert _fractions(ccw, unit, (3, 3)).sum() == pytest.approx(ccw.area, rel=1e-12)


def test_boxes_and_empty_geometries():
    unit = Affine(1, 0, 0, 0, -1, 10)
    geoms = [shapely.box(1.5, 1.5, 3.5, 2.5), None, shapely.Polygon(), shapely.box(20, 20, 21, 21)]
    pieces = boundary_pieces(geoms, unit, (10, 10))
    boxes = region_boxes(pieces, (10, 10))
    assert boxes.tolist() == [[7, 9, 1, 4], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]


def test_lines_are_refused_and_rotation_is_refused():
    unit = Affine(1, 0, 0, 0, -1, 3)
    with pytest.raises(GeometryError, match="polygons"):
        boundary_pieces([shapely.LineString([(0, 0), (1, 1)])], unit, (3, 3))
    with pytest.raises(InputError, match="rotated"):
        boundary_pieces([shapely.box(0, 0, 1, 1)], Affine(1, 0.2, 0, 0, -1, 3), (3, 3))


@pytest.mark.parametrize("seed", range(4))
def test_edges_through_cell_corners_and_long_edges(seed):
    rng = np.random.default_rng(seed)
    unit = Affine(1, 0, 0, 0, -1, 12)
    # Diagonals through cell corners (crossings of a row and a column coincide) ...
    diamond = shapely.Polygon([(6, 0), (12, 6), (6, 12), (0, 6)])
    # ... and a star with long edges crossing many rows and columns in every direction.
    angles = np.sort(rng.uniform(0, 2 * np.pi, 40))
    radii = rng.uniform(1.0, 5.5, 40)
    star = shapely.Polygon(np.c_[6 + radii * np.cos(angles), 6 + radii * np.sin(angles)])
    for shape in (diamond, star.buffer(0)):
        np.testing.assert_allclose(_fractions(shape, unit, (12, 12)),
                                   _by_shapely(shape, unit, (12, 12)), atol=1e-12)
