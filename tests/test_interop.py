"""Weights to and from libpysal (W and Graph), and statistics that take either."""

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import box

import geodisparity as gd
from geodisparity.errors import InputError, WeightsError, WeightsTypeError
from geodisparity.spatial.contiguity_weights import contiguity
from geodisparity.spatial.distance import kernel
from geodisparity.spatial.interop import as_weights, from_libpysal, to_libpysal
from geodisparity.spatial.weights import SpatialWeights

libpysal = pytest.importorskip("libpysal")
esda = pytest.importorskip("esda")
from libpysal.graph import Graph  # noqa: E402


def squares_with_an_island():
    """A 3 x 2 block of squares plus a far square, string ids in no sorted order."""
    cells = [box(x, y, x + 1, y + 1) for y in range(2) for x in range(3)]
    cells.append(box(10, 10, 11, 11))
    ids = ["zeta", "alpha", "mu", "beta", "omega", "kappa", "far"]
    return gpd.GeoSeries(cells, index=ids, crs="EPSG:3857")


def towns_with_an_island():
    xy = [(0, 0), (900, 0), (0, 1200), (1500, 1500), (800, 700), (20_000, 0)]
    points = gpd.points_from_xy([x for x, _ in xy], [y for _, y in xy])
    return gpd.GeoSeries(points, index=["t5", "t1", "t3", "t0", "t4", "lone"], crs="EPSG:3857")


def binary():
    return contiguity(squares_with_an_island(), islands="keep")


def row_standardised():
    return contiguity(squares_with_an_island(), islands="keep", transform="R")


def kernel_weights():
    return kernel(towns_with_an_island(), bandwidth=2000, islands="keep")


WEIGHTS = {"binary": binary, "row_standardised": row_standardised, "kernel": kernel_weights}


def dense_by_id(ids, neighbors, weights):
    """Dense matrix from libpysal-style neighbour and weight dicts, rows in ``ids`` order."""
    position = {key: i for i, key in enumerate(ids)}
    out = np.zeros((len(ids), len(ids)))
    for key, others in neighbors.items():
        for other, value in zip(others, weights[key], strict=True):
            out[position[key], position[other]] = value
    return out


@pytest.mark.parametrize("kind", ["W", "graph"])
@pytest.mark.parametrize("name", sorted(WEIGHTS))
def test_round_trip_keeps_ids_weights_islands_and_transform(name, kind):
    ours = WEIGHTS[name]()
    assert ours.islands  # every case has an island to carry across
    theirs = to_libpysal(ours, kind=kind)
    back = from_libpysal(theirs)
    assert back.ids.equals(ours.ids)
    assert back.islands == ours.islands
    assert back.transform == ours.transform
    np.testing.assert_array_equal(back.sparse.toarray(), ours.sparse.toarray())


@pytest.mark.parametrize("name", sorted(WEIGHTS))
def test_graph_holds_what_the_weights_hold(name):
    ours = WEIGHTS[name]()
    graph = to_libpysal(ours, kind="graph")
    assert list(graph.unique_ids) == ours.ids.tolist()
    assert graph.transformation == ours.transform
    assert graph.isolates.tolist() == ours.islands
    expected = ours.sparse.toarray()
    # Read libpysal's own view (its adjacency, by label) rather than our converter.
    adjacency = graph.adjacency
    got = np.zeros_like(expected)
    rows = ours.ids.get_indexer(adjacency.index.get_level_values("focal"))
    cols = ours.ids.get_indexer(adjacency.index.get_level_values("neighbor"))
    got[rows, cols] = adjacency.to_numpy()
    np.testing.assert_array_equal(got, expected)
    # libpysal's own conversion of our Graph to a W agrees with ours.
    legacy = graph.to_W()
    np.testing.assert_array_equal(
        dense_by_id(ours.ids, legacy.neighbors, legacy.weights), expected
    )


@pytest.mark.parametrize("name", sorted(WEIGHTS))
def test_w_holds_what_the_weights_hold(name):
    ours = WEIGHTS[name]()
    w = to_libpysal(ours, kind="W")
    assert w.id_order == ours.ids.tolist()
    assert w.islands == ours.islands
    assert w.transform == ours.transform
    np.testing.assert_array_equal(dense_by_id(ours.ids, w.neighbors, w.weights),
                                  ours.sparse.toarray())


def test_from_graph_built_by_libpysal_matches_our_contiguity():
    regions = squares_with_an_island()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # libpysal warns about the island
        graph = Graph.build_contiguity(regions, rook=False)
    ours = from_libpysal(graph)
    assert ours.ids.equals(regions.index)
    assert ours.islands == ["far"]
    assert ours.transform == "B"
    np.testing.assert_array_equal(ours.sparse.toarray(), binary().sparse.toarray())
    standardised = from_libpysal(graph.transform("R"))
    assert standardised.transform == "R"
    np.testing.assert_allclose(standardised.sparse.toarray(),
                               row_standardised().sparse.toarray(), rtol=1e-15)


def test_graph_kernel_with_self_weight_needs_drop_diagonal():
    towns = towns_with_an_island()
    graph = Graph.build_kernel(towns, kernel="triangular", bandwidth=2000)
    graph = graph.assign_self_weight(1.0)
    with pytest.raises(WeightsError, match="drop_diagonal=True"):
        from_libpysal(graph)
    ours = from_libpysal(graph, drop_diagonal=True)
    assert np.all(ours.sparse.diagonal() == 0)
    assert ours.islands == ["lone"]


def test_graph_ids_keep_their_order_not_sorted():
    graph = Graph.from_arrays(["c", "c", "a", "b"], ["a", "b", "c", "c"], [1.0, 2.0, 1.0, 2.0])
    ours = from_libpysal(graph)
    assert ours.ids.tolist() == ["c", "a", "b"]
    assert ours.transform == "O"
    assert ours.sparse.toarray().tolist() == [[0, 1, 2], [1, 0, 0], [2, 0, 0]]


def test_to_libpysal_refuses_an_unknown_kind():
    with pytest.raises(InputError, match="kind='network'"):
        to_libpysal(binary(), kind="network")


# --- statistics accept W and Graph ------------------------------------------------


@pytest.fixture(scope="module")
def columbus():
    return gpd.read_file(libpysal.examples.get_path("columbus.shp")).set_index("POLYID")


def columbus_forms(columbus):
    ours = contiguity(columbus)
    return {
        "SpatialWeights": ours,
        "W": libpysal.weights.Queen.from_dataframe(columbus, use_index=True),
        "Graph": Graph.build_contiguity(columbus, rook=False),
    }


@pytest.mark.parametrize("form", ["SpatialWeights", "W", "Graph"])
def test_global_statistics_accept_every_form(columbus, form):
    weights = columbus_forms(columbus)[form]
    crime = columbus["CRIME"]
    result = gd.moran(crime, weights, permutations=0)
    reference = esda.Moran(crime.to_numpy(), columbus_forms(columbus)["W"], permutations=0)
    assert result.statistic == pytest.approx(reference.I, rel=1e-12)
    geary = gd.geary(crime, weights, permutations=0)
    assert geary.statistic == pytest.approx(
        esda.Geary(crime.to_numpy(), columbus_forms(columbus)["W"], permutations=0).C, rel=1e-12
    )


@pytest.mark.parametrize("form", ["W", "Graph"])
def test_local_statistics_accept_w_and_graph(columbus, form):
    forms = columbus_forms(columbus)
    crime = columbus["CRIME"]
    expected = gd.local_moran(crime, forms["SpatialWeights"], seed=3)
    got = gd.local_moran(crime, forms[form], seed=3)
    pd.testing.assert_frame_equal(got, expected, check_names=False)  # W has no index name
    gi = gd.local_gi_star(crime, forms[form], seed=3)
    pd.testing.assert_frame_equal(
        gi, gd.local_gi_star(crime, forms["SpatialWeights"], seed=3), check_names=False
    )


@pytest.mark.parametrize("form", ["W", "Graph"])
def test_spatial_markov_accepts_w_and_graph(form):
    regions = squares_with_an_island().iloc[:6]
    rng = np.random.default_rng(0)
    wide = pd.DataFrame(rng.normal(size=(6, 5)).cumsum(axis=1), index=regions.index)
    ours = contiguity(regions)
    theirs = to_libpysal(ours, kind="W" if form == "W" else "graph")
    expected = gd.spatial_markov(wide, ours, k=2)
    got = gd.spatial_markov(wide, theirs, k=2)
    np.testing.assert_array_equal(got.counts, expected.counts)


@pytest.mark.parametrize(
    "call",
    [
        lambda w: gd.moran([1.0, 2.0, 3.0, 4.0], w),
        lambda w: gd.local_moran([1.0, 2.0, 3.0, 4.0], w),
        lambda w: gd.spatial_markov(np.ones((4, 3)), w),
    ],
    ids=["moran", "local_moran", "spatial_markov"],
)
def test_other_weights_types_are_refused_by_name(call):
    dense = np.ones((4, 4)) - np.eye(4)
    with pytest.raises(WeightsTypeError, match=r"weights must be .* got numpy\.ndarray"):
        call(dense)
    with pytest.raises(TypeError):  # also a TypeError for callers that do not know ours
        call({0: [1]})


def test_as_weights_returns_spatial_weights_unchanged():
    ours = binary()
    assert as_weights(ours) is ours
    assert isinstance(as_weights(to_libpysal(ours, kind="graph")), SpatialWeights)


@pytest.mark.parametrize("kind", ["W", "graph"])
def test_panel_statistics_take_libpysal_weights(kind):
    """Emerging hot spots and LISA dynamics give the same result from W, Graph and ours."""
    cells = [box(x, y, x + 1, y + 1) for y in range(4) for x in range(4)]
    ours = contiguity(gpd.GeoSeries(cells, index=[f"r{i}" for i in range(16)], crs="EPSG:3857"),
                      "rook")
    theirs = gd.to_libpysal(ours, kind=kind)
    rng = np.random.default_rng(3)
    panel = pd.DataFrame(rng.normal(size=(ours.n, 5)), index=ours.ids)
    a = gd.emerging_hotspots(panel, None, ours, time=None, permutations=99, seed=2)
    b = gd.emerging_hotspots(panel, None, theirs, time=None, permutations=99, seed=2)
    pd.testing.assert_frame_equal(a.regions, b.regions)
    c = gd.lisa_dynamics(panel, None, ours, time=None, permutations=99, seed=2)
    d = gd.lisa_dynamics(panel, None, theirs, time=None, permutations=99, seed=2)
    assert c.cohesion == d.cohesion
    np.testing.assert_array_equal(c.quadrants.to_numpy(), d.quadrants.to_numpy())
