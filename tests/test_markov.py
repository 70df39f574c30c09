"""Classic and spatial Markov chains: giddy as oracle, hand-computed cases, alignment, errors."""

import numpy as np
import pandas as pd
import pytest

import geodisparity as gd
from geodisparity.errors import InputError, IslandWarning, WeightsError
from geodisparity.spatial.weights import SpatialWeights
from geodisparity.stats.markov import quantile_classes, steady_state

libpysal = pytest.importorskip("libpysal")


@pytest.fixture(scope="module")
def us_income():
    frame = pd.read_csv(libpysal.examples.get_path("usjoin.csv"))
    pci = frame[[str(y) for y in range(1929, 2010)]].to_numpy(float)
    gal = libpysal.io.open(libpysal.examples.get_path("states48.gal")).read()
    return pci, gal


def test_markov_matches_giddy(us_income):
    giddy = pytest.importorskip("giddy.markov")
    mc = pytest.importorskip("mapclassify")
    pci, _ = us_income
    q5 = np.array([mc.Quantiles(col, k=5).yb for col in pci.T]).T
    oracle = giddy.Markov(q5, summary=False)
    ours = gd.markov_chain(pci, k=5)
    np.testing.assert_array_equal(ours.counts, oracle.transitions)
    np.testing.assert_allclose(ours.probabilities, oracle.p, atol=1e-12)
    np.testing.assert_allclose(ours.steady_state, oracle.steady_state, atol=1e-8)
    np.testing.assert_array_equal(ours.classes.to_numpy(), q5)


@pytest.mark.parametrize(("transform", "k", "m"), [("raw", 5, 5), ("log", 4, 3)])
def test_spatial_markov_matches_giddy(us_income, transform, k, m):
    giddy = pytest.importorskip("giddy.markov")
    pci, gal = us_income
    y = np.log(pci) if transform == "log" else pci
    gal.transform = "r"
    oracle = giddy.Spatial_Markov(y, gal, fixed=False, k=k, m=m)
    weights = SpatialWeights.from_sparse(gal.sparse, ids=gal.id_order)
    ours = gd.spatial_markov(y, weights, k=k, m=m)
    np.testing.assert_array_equal(ours.counts, oracle.T)
    np.testing.assert_allclose(ours.probabilities, oracle.P, atol=1e-12)
    np.testing.assert_array_equal(ours.lag_classes.to_numpy(), oracle.lclass_ids)


def test_hand_computed_chain():
    # classes per year (k=2): year0 [0,0,1,1], year1 [0,1,0,1], year2 [0,1,0,1]
    values = np.array([[1, 1, 1], [2, 4, 4], [3, 2, 2], [4, 3, 3]], dtype=float)
    m = gd.markov_chain(values, k=2)
    assert m.classes.to_numpy().tolist() == [[0, 0, 0], [0, 1, 1], [1, 0, 0], [1, 1, 1]]
    assert m.counts.tolist() == [[3, 1], [1, 3]]
    assert m.probabilities.tolist() == [[0.75, 0.25], [0.25, 0.75]]
    assert m.steady_state.tolist() == pytest.approx([0.5, 0.5])
    assert (m.k, m.n_regions, m.n_periods) == (2, 4, 3)


def test_steady_state_is_stationary():
    p = np.array([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.0, 0.3, 0.7]])
    pi = steady_state(p)
    np.testing.assert_allclose(pi @ p, pi, atol=1e-12)
    assert pi.sum() == pytest.approx(1.0)


def test_quantile_classes_put_ties_at_cut_in_lower_class():
    # median of [1, 2, 2, 3] is 2: the 2s go to class 0
    assert quantile_classes(np.array([[1.0], [2.0], [2.0], [3.0]]), 2).ravel().tolist() == [
        0, 0, 0, 1]


def test_long_frame_equals_wide_array(us_income):
    pci, _ = us_income
    wide = pd.DataFrame(pci[:, :6], index=[f"s{i}" for i in range(48)], columns=range(6))
    long = wide.stack().rename("v").rename_axis(["state", "year"]).reset_index()
    a = gd.markov_chain(long, k=4, value="v", year="year", region="state")
    b = gd.markov_chain(pci[:, :6], k=4)
    np.testing.assert_array_equal(a.counts, b.counts)
    assert a.to_frame().shape == (4, 4)


def test_spatial_markov_aligns_frame_to_weights_ids(us_income):
    pci, gal = us_income
    weights = SpatialWeights.from_sparse(gal.sparse, ids=gal.id_order)
    wide = pd.DataFrame(pci[:, :10], index=gal.id_order)
    shuffled = wide.sample(frac=1.0, random_state=0)
    a = gd.spatial_markov(shuffled, weights, k=4)
    b = gd.spatial_markov(pci[:, :10], weights, k=4)
    np.testing.assert_array_equal(a.counts, b.counts)
    assert a.counts.sum() == 48 * 9
    assert a.to_frame().shape == (16, 4)


def test_spatial_markov_hand_case():
    w = SpatialWeights.from_sparse([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]])
    sm = gd.spatial_markov([[1, 1], [2, 2], [3, 3], [4, 4]], w, k=2)
    assert sm.counts[0].tolist() == [[2, 0], [0, 0]]
    assert sm.counts[1].tolist() == [[0, 0], [0, 2]]


def test_island_warns():
    w = SpatialWeights.from_sparse([[0, 1, 0], [1, 0, 0], [0, 0, 0]])
    with pytest.warns(IslandWarning, match="1 regions have no neighbours"):
        gd.spatial_markov([[1, 2], [2, 1], [3, 3]], w, k=2)


def test_errors():
    with pytest.raises(InputError, match="k must be an integer >= 2"):
        gd.markov_chain([[1, 2], [2, 1]], k=1)
    with pytest.raises(InputError, match="1 regions have missing"):
        gd.markov_chain([[1, 2], [2, np.nan], [3, 3]], k=2)
    assert gd.markov_chain([[1, 2], [2, np.nan], [3, 3]], k=2, nan="drop").n_dropped == 1
    with pytest.raises(InputError, match="at least 2 years"):
        gd.markov_chain([[1], [2]], k=2)
    w = SpatialWeights.from_sparse([[0, 1], [1, 0]])
    with pytest.raises(WeightsError, match="2 regions but data has 3"):
        gd.spatial_markov([[1, 2], [2, 1], [3, 3]], w, k=2)
    with pytest.raises(WeightsError, match="SpatialWeights"):
        gd.spatial_markov([[1, 2], [2, 1]], np.eye(2), k=2)
