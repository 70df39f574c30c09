"""The vectorised ``encode_geometry`` writes the very bytes of a plain per-ring encoder."""

import json

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from geodisparity import boundaries
from geodisparity.maps.simplify import encode_geometry, simplify_coverage, to_web_geometry


def reference_encoding(geometry, decimals):
    """Ring by ring, in plain Python: the encoding as documented (and as first written)."""
    scale = 10.0**decimals
    last = [0, 0]

    def ring(coords):
        xy = [(round(x * scale), round(y * scale)) for x, y in np.asarray(coords)[:-1, :2]]
        xy = [p for k, p in enumerate(xy) if k == 0 or p != xy[k - 1]]
        if len(xy) < 3:
            return []
        out = []
        for x, y in xy:
            out += [x - last[0], y - last[1]]
            last[:] = [x, y]
        return out

    items = []
    for geom in geometry:
        if geom is None or geom.is_empty:
            items.append([])
            continue
        polygons = []
        for part in geom.geoms if geom.geom_type == "MultiPolygon" else [geom]:
            exterior = ring(part.exterior.coords)
            if exterior:
                holes = [ring(r.coords) for r in part.interiors]
                polygons.append([exterior, *(h for h in holes if h)])
        if not polygons:
            dot = geom.envelope.buffer(0.5 / scale, quad_segs=1)
            polygons = [[ring(dot.exterior.coords)]]
        items.append(polygons)
    return json.dumps(items, separators=(",", ":"))


def test_bundled_zhejiang_counties_encode_identically():
    counties = to_web_geometry(boundaries.load("zhejiang/counties").geometry)
    simple = simplify_coverage(counties)
    for geometry, decimals in [(simple, 4), (counties, 5), (counties, 2)]:
        assert encode_geometry(geometry, decimals=decimals) == reference_encoding(
            geometry, decimals
        )


@pytest.mark.parametrize("seed", [0, 1])
def test_voronoi_cells_with_holes_dots_and_gaps_encode_identically(seed):
    rng = np.random.default_rng(seed)
    cells = list(shapely.get_parts(shapely.voronoi_polygons(
        shapely.multipoints(rng.uniform(120, 121, (200, 2))), extend_to=box(119, 28, 122, 31)
    )))
    cells[3] = cells[3].difference(cells[3].centroid.buffer(0.01))  # a hole
    cells[5] = MultiPolygon([cells[5], box(125, 30, 125.00001, 30.00001)])  # a part too small
    extra = [None, Polygon(), box(0, 0, 1e-7, 1e-7), box(0, 0, 0.004, 0.004), MultiPolygon()]
    geometry = cells + extra + cells[:3]
    for decimals in (1, 2, 3, 5):
        assert encode_geometry(geometry, decimals=decimals) == reference_encoding(
            geometry, decimals
        )
