"""SpatialWeights additions and conversions to and from libpysal."""

import warnings

import geopandas as gpd
import numpy as np
import pytest
from shapely import box

from geodisparity.errors import InputError, IslandWarning, WeightsError
from geodisparity.spatial.contiguity_weights import contiguity
from geodisparity.spatial.distance import kernel
from geodisparity.spatial.interop import from_libpysal, to_libpysal
from geodisparity.spatial.weights import SpatialWeights

libpysal = pytest.importorskip("libpysal")
from libpysal import examples  # noqa: E402


def neighbour_sets(neighbors):
    return {key: set(values) for key, values in neighbors.items()}


@pytest.fixture(scope="module")
def columbus():
    return gpd.read_file(examples.get_path("columbus.shp")).set_index("POLYID")


@pytest.mark.parametrize("transform", ["B", "R"])
def test_round_trip_through_libpysal_keeps_everything(columbus, transform):
    ours = contiguity(columbus, transform=transform)
    back = from_libpysal(to_libpysal(ours))
    assert back.ids.equals(ours.ids)
    assert back.transform == transform
    assert neighbour_sets(back.neighbors) == neighbour_sets(ours.neighbors)
    np.testing.assert_allclose(back.sparse.toarray(), ours.sparse.toarray(), rtol=1e-14)


def test_to_libpysal_agrees_with_libpysal_queen(columbus):
    ours = to_libpysal(contiguity(columbus))
    theirs = libpysal.weights.Queen.from_dataframe(columbus, use_index=True)
    assert neighbour_sets(ours.neighbors) == neighbour_sets(theirs.neighbors)
    theirs.transform = "R"
    ours.transform = "R"
    for key in theirs.neighbors:
        got = dict(zip(ours.neighbors[key], ours.weights[key], strict=True))
        expected = dict(zip(theirs.neighbors[key], theirs.weights[key], strict=True))
        assert got == pytest.approx(expected, rel=1e-12)


def test_from_libpysal_keeps_id_order_and_values():
    w = libpysal.weights.W({"b": ["a"], "a": ["b", "c"], "c": ["a"]},
                           {"b": [2.0], "a": [2.0, 0.5], "c": [0.5]}, id_order=["c", "a", "b"])
    ours = from_libpysal(w)
    assert ours.ids.tolist() == ["c", "a", "b"]
    assert ours.transform == "O"
    assert ours.sparse.toarray().tolist() == [[0, 0.5, 0], [0.5, 0, 2.0], [0, 2.0, 0]]


def test_from_libpysal_keeps_islands():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = libpysal.weights.W({0: [1], 1: [0], 2: []})
    ours = from_libpysal(w)
    assert ours.islands == [2]
    assert ours.transform == "B"


def test_kernel_diagonal_must_be_dropped_explicitly():
    points = np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0]])
    k = libpysal.weights.Kernel(points, k=1)
    with pytest.raises(WeightsError, match="diagonal"):
        from_libpysal(k)
    ours = from_libpysal(k, drop_diagonal=True)
    expected = k.full()[0]
    np.fill_diagonal(expected, 0)
    np.testing.assert_allclose(ours.sparse.toarray(), expected)
    towns = gpd.GeoSeries(gpd.points_from_xy(points[:, 0], points[:, 1]), crs="EPSG:3857")
    np.testing.assert_allclose(kernel(towns, k=1).sparse.toarray(), expected, rtol=1e-9)


def test_conversions_refuse_other_objects():
    with pytest.raises(InputError, match="libpysal.weights.W"):
        from_libpysal({"a": ["b"]})
    with pytest.raises(InputError, match="SpatialWeights"):
        to_libpysal({"a": ["b"]})


# --- SpatialWeights additions -------------------------------------------------


def weights_with_added_link():
    regions = gpd.GeoSeries([box(0, 0, 1, 1), box(1, 0, 2, 1), box(3, 0, 4, 1)],
                            index=["a", "b", "island"])
    with pytest.warns(IslandWarning):
        return contiguity(regions)


def test_added_links_survive_transforms_and_show_in_summary():
    w = weights_with_added_link()
    assert w.added_links == (("island", "b"),)
    assert w.row_standardised().added_links == w.added_links
    assert w.row_standardised().binary().added_links == w.added_links
    assert "links added for islands (1): island-b" in w.summary()


def test_transform_o_exists_only_for_builder_values():
    w = weights_with_added_link()
    with pytest.raises(WeightsError, match="transform='O'"):
        w.transformed("O")
    values = SpatialWeights.from_sparse([[0, 0.2], [0.7, 0]], transform="O")
    assert values.transformed("O") is values
    np.testing.assert_allclose(values.transformed("R").sparse.toarray(), [[0, 1], [1, 0]])
    with pytest.raises(InputError, match="transform='X'"):
        SpatialWeights.from_sparse([[0, 1], [1, 0]], transform="X")


def test_from_sparse_records_added_links():
    w = SpatialWeights.from_sparse([[0, 1], [1, 0]], ids=["p", "q"], added_links=[("p", "q")])
    assert w.added_links == (("p", "q"),)
    assert SpatialWeights.from_sparse([[0, 1], [1, 0]]).added_links == ()


def test_neighbors_keys_are_plain_python_values():
    w = SpatialWeights.from_sparse([[0, 1], [1, 0]], ids=np.array([330102, 330105]))
    assert [type(key) for key in w.neighbors] == [int, int]
