"""Nearest-vertex distances without a k-d tree equal scipy's cKDTree (the oracle)."""

import numpy as np
import pytest
import shapely
from scipy.spatial import cKDTree

from geodisparity import boundaries
from geodisparity.spatial import _proximity
from geodisparity.spatial._proximity import _on_sphere, least_distance


def kdtree_least(points, others):
    return float(cKDTree(points).query(others, k=1)[0].min())


def vertex_sets(series):
    xy = [shapely.get_coordinates(g) for g in series.values]
    return [_on_sphere(v) for v in xy] if series.crs.is_geographic else xy


@pytest.mark.parametrize("crs", [None, 32651])
@pytest.mark.parametrize("pairs_limit", [0, _proximity.PAIRS_LIMIT])  # k-d tree, pruned numpy
def test_zhejiang_county_pairs_match_the_kdtree(crs, pairs_limit, monkeypatch):
    monkeypatch.setattr(_proximity, "PAIRS_LIMIT", pairs_limit)
    counties = boundaries.load("zhejiang/counties").geometry
    sets = vertex_sets(counties if crs is None else counties.to_crs(crs))
    rng = np.random.default_rng(7)
    for i, j in rng.choice(len(sets), (40, 2)):
        assert least_distance(sets[i], sets[j]) == kdtree_least(sets[i], sets[j])
    for island in (70, 71):  # the two island counties and all their candidates
        for j in range(len(sets)):
            assert least_distance(sets[island], sets[j]) == kdtree_least(sets[island], sets[j])


def test_random_point_clouds_match_the_kdtree():
    rng = np.random.default_rng(3)
    for _ in range(50):
        a = rng.normal(0, 1, (rng.integers(1, 400), 2))
        b = rng.normal(rng.uniform(-3, 3, 2), rng.uniform(0.1, 2), (rng.integers(1, 3000), 2))
        assert least_distance(a, b) == kdtree_least(a, b)


def test_a_cap_gives_the_distance_below_it_and_inf_otherwise():
    rng = np.random.default_rng(5)
    for _ in range(60):
        a = rng.normal(0, 1, (rng.integers(1, 300), 2))
        b = rng.normal(rng.uniform(-4, 4, 2), rng.uniform(0.1, 2), (rng.integers(1, 2000), 2))
        exact = kdtree_least(a, b)
        cap = exact * rng.choice([0.5, 0.999, 1.0, 1.001, 3.0])
        assert least_distance(a, b, cap=cap) == (exact if exact < cap else np.inf)
