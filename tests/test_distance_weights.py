"""KNN, distance band and kernel weights against libpysal on the same points."""

import warnings

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geodisparity.errors import CRSError, InputError, IslandWarning, WeightsError
from geodisparity.spatial.distance import distance_band, kernel, knn, region_points

libpysal = pytest.importorskip("libpysal")
from libpysal import examples  # noqa: E402


def neighbour_sets(neighbors):
    return {key: set(values) for key, values in neighbors.items()}


@pytest.fixture(scope="module")
def georgia():
    """Georgia counties in UTM metres (the bundled file has no CRS; EPSG:32617 is its UTM)."""
    return gpd.read_file(examples.get_path("G_utm.shp")).set_crs("EPSG:32617")


@pytest.fixture(scope="module")
def georgia_points(georgia):
    _, xy = region_points(georgia)
    return xy


def dense(w):
    return w.sparse.toarray()


def libpysal_dense(w):
    matrix, _ = w.full()
    return matrix


def test_region_points_are_centroids_in_metres(georgia):
    _, xy = region_points(georgia)
    np.testing.assert_allclose(xy, shapely.get_coordinates(georgia.centroid.values), rtol=1e-12)


def test_region_points_project_longitude_latitude():
    # 0.01 degree of longitude on the equator is 1113.2 m; metric_crs promises < 0.5% error.
    towns = gpd.GeoSeries(shapely.points([0.0, 0.01], [0.0, 0.0]), crs="EPSG:4326")
    _, xy = region_points(towns)
    assert np.hypot(*(xy[1] - xy[0])) == pytest.approx(1113.19, rel=5e-3)
    assert distance_band(towns, 1200, islands="keep").islands == []
    assert distance_band(towns, 1000, islands="keep").islands == [0, 1]


@pytest.mark.parametrize("k", [1, 4, 8])
def test_knn_matches_libpysal(georgia, georgia_points, k):
    ours = knn(georgia, k)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # libpysal warns that k=1 leaves components apart
        theirs = libpysal.weights.KNN(georgia_points, k=k)
    assert neighbour_sets(ours.neighbors) == neighbour_sets(theirs.neighbors)
    assert set(ours.cardinalities) == {k}


def test_knn_with_coincident_points_matches_libpysal():
    xy = np.array([[0, 0], [0, 0], [0, 0], [5, 0], [9, 0]], dtype=float)
    towns = gpd.GeoSeries(shapely.points(xy), crs="EPSG:3857")
    ours = knn(towns, 2)
    theirs = libpysal.weights.KNN(xy, k=2)
    assert ours.cardinalities.tolist() == [2] * 5
    assert neighbour_sets(ours.neighbors)[4] == neighbour_sets(theirs.neighbors)[4]
    for row in range(3):
        assert row not in ours.neighbors[row]


def test_knn_ties_follow_the_kd_tree_not_the_row_order():
    """The tie-breaking the docstring describes: on a lattice (4 regions at distance 1),
    k=2 keeps exactly two of the nearest, chosen in cKDTree.query's order, as libpysal's
    legacy KNN does; Graph.build_knn keeps the lowest rows and differs on some regions."""
    from scipy.spatial import cKDTree

    xy = np.array([(x, y) for x in range(6) for y in range(6)], dtype=float) * 1000
    ours = knn(gpd.GeoSeries(shapely.points(xy), crs="EPSG:3857"), 2).neighbors
    distances = np.hypot(*(xy[:, None, :] - xy[None, :, :]).T)
    np.fill_diagonal(distances, np.inf)
    _, tree_order = cKDTree(xy).query(xy, k=3)
    lowest_rows = {}
    for row in range(len(xy)):
        chosen = list(ours[row])
        assert len(chosen) == 2
        assert distances[row, chosen].max() == distances[row].min() == 1000  # only nearest
        assert set(chosen) == set(tree_order[row][tree_order[row] != row][:2])
        lowest_rows[row] = set(np.flatnonzero(distances[row] == 1000)[:2])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # libpysal warns that the lattice splits in components
        legacy = libpysal.weights.KNN(xy, k=2).neighbors
    graph = libpysal.graph.Graph.build_knn(xy, k=2).adjacency
    assert neighbour_sets(ours) == neighbour_sets(legacy)
    graph_sets = {row: set(graph.loc[row].index) for row in range(len(xy))}
    assert graph_sets == lowest_rows
    differing = sum(set(ours[row]) != graph_sets[row] for row in range(len(xy)))
    assert differing > 0  # the docstring says libpysal's Graph can choose differently


@pytest.mark.parametrize("threshold", [60_000.0, 120_000.0])
@pytest.mark.parametrize(("binary", "alpha"), [(True, -1.0), (False, -1.0), (False, -2.0)])
def test_distance_band_matches_libpysal(georgia, georgia_points, threshold, binary, alpha):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = distance_band(georgia, threshold, binary=binary, alpha=alpha, islands="keep")
        theirs = libpysal.weights.DistanceBand(
            georgia_points, threshold=threshold, binary=binary, alpha=alpha
        )
    np.testing.assert_allclose(dense(ours), libpysal_dense(theirs), rtol=1e-12, atol=0)
    assert ours.transform == ("B" if binary else "O")
    assert ours.islands == [theirs.id_order[i] for i in range(theirs.n) if theirs.cardinalities[
        theirs.id_order[i]] == 0]


@pytest.mark.parametrize("function", ["triangular", "uniform", "quadratic", "quartic", "gaussian"])
@pytest.mark.parametrize("fixed", [True, False])
def test_kernel_matches_libpysal_off_the_diagonal(georgia, georgia_points, function, fixed):
    ours = kernel(georgia, k=4, function=function, fixed=fixed)
    theirs = libpysal.weights.Kernel(georgia_points, k=4, function=function, fixed=fixed)
    expected = libpysal_dense(theirs)
    np.fill_diagonal(expected, 0.0)
    np.testing.assert_allclose(dense(ours), expected, rtol=1e-9, atol=1e-15)
    assert ours.transform == "O"


@pytest.mark.parametrize("function", ["triangular", "gaussian"])
def test_kernel_with_given_bandwidth_matches_libpysal(georgia, georgia_points, function):
    ours = kernel(georgia, bandwidth=80_000, function=function, islands="keep")
    theirs = libpysal.weights.Kernel(georgia_points, bandwidth=80_000, function=function)
    expected = libpysal_dense(theirs)
    np.fill_diagonal(expected, 0.0)
    np.testing.assert_allclose(dense(ours), expected, rtol=1e-9, atol=1e-15)


def test_kernel_aliases_and_row_standardisation(georgia):
    bisquare = kernel(georgia, function="bisquare", transform="R")
    quartic = kernel(georgia, function="quartic")
    np.testing.assert_allclose(dense(bisquare), dense(quartic.row_standardised()), rtol=1e-12)
    np.testing.assert_allclose(bisquare.sparse.sum(axis=1), 1.0, rtol=1e-12)


# --- islands ----------------------------------------------------------------


def line_of_towns():
    return gpd.GeoSeries(
        shapely.points([0, 1000, 1500, 9000], [0, 0, 0, 0]), index=list("abcd"), crs="EPSG:3857"
    )


def test_distance_band_islands_policies():
    towns = line_of_towns()
    assert distance_band(towns, 2000, islands="keep").islands == ["d"]
    with pytest.raises(WeightsError, match="d"):
        distance_band(towns, 2000, islands="error")
    with pytest.warns(IslandWarning, match="d -> c"):
        linked = distance_band(towns, 2000, binary=False)
    assert linked.added_links == (("d", "c"),)
    assert dense(linked)[3, 2] == pytest.approx(1 / 7500)
    assert dense(linked)[2, 3] == pytest.approx(1 / 7500)


def test_kernel_islands_get_the_bandwidth_edge_weight():
    with pytest.warns(IslandWarning):
        w = kernel(line_of_towns(), bandwidth=2000)
    assert w.added_links == (("d", "c"),)
    assert dense(w)[3, 2] == pytest.approx(1 - 1 / 1.0000001)


# --- bad input ----------------------------------------------------------------


def test_missing_crs_is_refused():
    towns = gpd.GeoSeries(shapely.points([0, 1], [0, 0]))
    with pytest.raises(CRSError, match="no CRS"):
        knn(towns, 1)


def test_crs_not_in_metres_is_refused():
    towns = gpd.GeoSeries(shapely.points([0, 1], [0, 0]), crs="EPSG:2249")  # US survey feet
    with pytest.raises(CRSError, match="not in metres"):
        distance_band(towns, 10)


@pytest.mark.parametrize(("k", "error"), [(0, InputError), (2.5, InputError), (True, InputError),
                                          (4, WeightsError), (9, WeightsError)])
def test_bad_k_is_refused(k, error):
    with pytest.raises(error, match=f"k={k}"):
        knn(line_of_towns(), k)


@pytest.mark.parametrize("threshold", [0, -5, float("inf"), "far"])
def test_bad_threshold_is_refused(threshold):
    with pytest.raises(InputError, match="threshold="):
        distance_band(line_of_towns(), threshold)


def test_bad_kernel_options_are_refused():
    with pytest.raises(InputError, match="function='cosine'"):
        kernel(line_of_towns(), function="cosine")
    with pytest.raises(InputError, match="one per region"):
        kernel(line_of_towns(), bandwidth=[1.0, 2.0])


def test_coincident_points_with_negative_alpha_are_refused():
    towns = gpd.GeoSeries(shapely.points([0, 0, 5], [0, 0, 0]), index=["x", "y", "z"],
                          crs="EPSG:3857")
    with pytest.raises(WeightsError, match="same point.*x, y"):
        distance_band(towns, 10, binary=False)
    assert distance_band(towns, 10).neighbors["x"] == ["y", "z"]


def test_duplicate_index_is_refused():
    towns = gpd.GeoSeries(shapely.points([0, 1], [0, 0]), index=["a", "a"], crs="EPSG:3857")
    with pytest.raises(Exception, match="duplicate index"):
        knn(towns, 1)


def test_longitude_latitude_centroids_are_close_to_projected_ones():
    counties = gpd.read_file(examples.get_path("virginia.shp"))  # EPSG:4326
    _, xy = region_points(counties)
    from geodisparity.crs import metric_crs

    centroids = gpd.GeoSeries(shapely.centroid(counties.geometry.values), crs=counties.crs)
    exact = counties.to_crs(metric_crs(centroids)).centroid  # same CRS as region_points
    gap = np.hypot(*(xy - shapely.get_coordinates(exact.values)).T)
    assert gap.max() < 100.0  # metres, for counties some 30-80 km across
