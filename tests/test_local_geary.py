"""Local Geary classes against GeoDa (pygeoda on Georgia) and the rule they follow."""

import warnings

import geopandas as gpd
import numpy as np
import pytest
from spatial_helpers import mc_tolerance, queen_lattice

import geodisparity as gd
from geodisparity.categories import GEARY_LABELS
from geodisparity.spatial.local_geary import local_geary
from geodisparity.spatial.weights import SpatialWeights

P = 9_999


@pytest.fixture(scope="module")
def georgia():
    """Georgia's 159 counties: our queen weights and pygeoda's, from the same file."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from libpysal import examples
    pygeoda = pytest.importorskip("pygeoda")
    path = examples.get_path("G_utm.shp")
    counties = gpd.read_file(path).set_crs("EPSG:32617")
    theirs = pygeoda.open(path)
    return counties, gd.contiguity(counties, "queen"), theirs, pygeoda.queen_weights(theirs)


def geoda_classes(pygeoda_result):
    labels = pygeoda_result.lisa_labels()
    names = {"Other Positive": "Other positive", "Undefined": "Isolated"}
    return np.array([names.get(labels[c], labels[c]) for c in pygeoda_result.lisa_clusters()])


def test_georgia_weights_are_geodas(georgia):
    _, ours, _, theirs = georgia
    for i in range(ours.n):
        assert sorted(theirs.get_neighbors(i)) == ours.sparse[[i]].indices.tolist()


@pytest.mark.parametrize("column", ["PctBach", "PctRural", "PctFB", "TotPop90"])
def test_georgia_classes_match_geoda(georgia, column):
    import pygeoda

    counties, weights, table, geoda_w = georgia
    ours = local_geary(counties[column].to_numpy(float), weights, seed=1, permutations=P)
    ref = pygeoda.local_geary(geoda_w, table[column], permutations=P, seed=1)
    p_ref = np.array(ref.lisa_pvalues())
    # Two Monte Carlo estimates may fall on either side of 0.05 near it: compare
    # the regions clearly away from the cut (nearly all of them).
    clear = (np.abs(p_ref - 0.05) > mc_tolerance(np.full(p_ref.size, 0.05), P)) & (
        np.abs(ours["p_sim"] - 0.05) > mc_tolerance(np.full(p_ref.size, 0.05), P))
    assert clear.mean() > 0.9
    np.testing.assert_array_equal(ours["cluster"].astype(str)[clear], geoda_classes(ref)[clear])
    assert list(ours["cluster"].cat.categories) == list(GEARY_LABELS)


def test_georgia_negative_counties_are_no_longer_high_high(georgia):
    # The example: Moran quadrants called 11 of the 23 significant
    # counties High-High for PctBach; GeoDa calls several of those Negative.
    counties, weights, _, _ = georgia
    out = local_geary(counties["PctBach"].to_numpy(float), weights, seed=1, permutations=P)
    negative = out["cluster"] == "Negative"
    assert negative.sum() >= 4
    assert (out.loc[negative, "quadrant"] == 1).any()  # High-High by quadrant, yet Negative
    assert (out.loc[negative, "z"] > 0).all()  # c_i above its permutation mean


def test_classes_follow_significance_tail_and_quadrant():
    weights = SpatialWeights.from_sparse(queen_lattice(14, 14))
    rng = np.random.default_rng(7)
    y = rng.standard_normal(196)
    y[:40] += 3  # a high block: positive association
    y[120:196:9] += 6  # scattered spikes: negative association
    out = local_geary(y, weights, seed=7, permutations=999)
    cluster = out["cluster"].astype(str)
    sig = out["significant"].to_numpy()
    np.testing.assert_array_equal(sig, out["p_sim"] <= 0.05)
    assert (cluster[~sig] == "Not significant").all()
    positive = sig & (out["z"] < 0).to_numpy()  # c_i below its permutation mean
    negative = sig & (out["z"] > 0).to_numpy()
    assert positive.any() and negative.any()
    assert (cluster[negative] == "Negative").all()
    expected = out["quadrant"].map({1: "High-High", 3: "Low-Low", 2: "Other positive",
                                    4: "Other positive"})
    np.testing.assert_array_equal(cluster[positive], expected[positive])
    assert {"High-High", "Low-Low", "Negative"} <= set(cluster)


def test_adjusted_significance_drives_the_classes():
    weights = SpatialWeights.from_sparse(queen_lattice(10, 10))
    y = np.random.default_rng(2).standard_normal(100)
    y[:25] += 3
    out = local_geary(y, weights, seed=2, permutations=999, adjust="fdr")
    np.testing.assert_array_equal(out["significant"], out["q"] <= 0.05)
    np.testing.assert_array_equal(out["cluster"].astype(str) == "Not significant",
                                  ~out["significant"])
