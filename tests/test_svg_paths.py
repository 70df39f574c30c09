"""SVG path data built for all rings at once equals a plain ring-by-ring writer."""

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from geodisparity import boundaries
from geodisparity.maps.svg import _geometry_paths, _number


def reference_ring(coords):
    """One ring as documented: repeats and the closing vertex dropped, relative moves."""
    points = [p for k, p in enumerate(coords.tolist()) if k == 0 or p != coords[k - 1].tolist()]
    if len(points) > 1 and points[0] == points[-1]:
        points = points[:-1]
    if len(points) < 3:
        return ""
    tenths = np.round(np.array(points) * 10).astype(np.int64).tolist()
    steps = [(b[0] - a[0], b[1] - a[1]) for a, b in zip(tenths[:-1], tenths[1:], strict=True)]
    text = " ".join(f"{_number(dx)},{_number(dy)}" for dx, dy in steps)
    return f"M{_number(tenths[0][0])},{_number(tenths[0][1])}l{text}z"


def reference_path(geometry):
    rings = []
    for polygon in shapely.get_parts(geometry):
        rings += [polygon.exterior, *polygon.interiors]
    return "".join(reference_ring(shapely.get_coordinates(r)) for r in rings)


def test_zhejiang_and_voronoi_paths_equal_the_reference():
    counties = boundaries.load("zhejiang/counties").geometry.values
    scaled = shapely.transform(counties, lambda xy: (xy - xy.min(axis=0)) * 40)
    rng = np.random.default_rng(0)
    cells = list(shapely.get_parts(shapely.voronoi_polygons(
        shapely.multipoints(rng.uniform(0, 500, (300, 2))))))
    cells[3] = cells[3].difference(cells[3].centroid.buffer(3))  # a hole
    cells[4] = MultiPolygon([cells[4], box(900, 900, 900.01, 900.01)])  # a part below a tenth
    extra = [Polygon(), box(0, 0, 0.04, 0.04), Polygon([(0, 0), (0, 0), (1, 1), (0, 0)])]
    for values in (scaled, cells + extra):
        values = np.asarray(values, dtype=object)
        assert _geometry_paths(values) == [reference_path(g) for g in values]
