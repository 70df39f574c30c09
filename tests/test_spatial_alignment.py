"""Values meet the right regions: Series align to the weights' ids by label, or are refused."""

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from shapely import box

from geodisparity.errors import DuplicateKeyError, InputError
from geodisparity.spatial.contiguity_weights import contiguity
from geodisparity.spatial.global_stats import geary, getis_ord_g, moran, moran_bivariate
from geodisparity.spatial.local_geary import local_geary
from geodisparity.spatial.local_stats import (
    local_gi_star,
    local_moran,
    local_moran_bivariate,
)
from geodisparity.spatial.weights import SpatialWeights

esda = pytest.importorskip("esda")
libpysal = pytest.importorskip("libpysal")

STATISTICS = [moran, geary, getis_ord_g, moran_bivariate, local_moran, local_moran_bivariate,
              local_gi_star, local_geary]


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(0)
    cells = [box(i % 6, i // 6, i % 6 + 1, i // 6 + 1) for i in range(36)]
    return gpd.GeoDataFrame(
        {"code": [f"c{i:02d}" for i in range(36)], "income": np.arange(36.0) + 4 * rng.random(36)},
        geometry=cells,
    ).set_index("code")


def queen(regions):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return contiguity(regions)


def esda_moran(frame):
    """Oracle: libpysal queen weights and esda's Moran's I on the frame in its own order."""
    w = libpysal.weights.Queen.from_dataframe(frame, use_index=True)
    w.transform = "R"
    return esda.Moran(frame["income"].to_numpy(), w, permutations=0).I


def test_a_series_meets_its_regions_whatever_order_the_weights_were_built_in(frame):
    reordered = queen(frame.sort_values("income", ascending=False))
    expected = esda_moran(frame)
    assert moran(frame["income"], reordered, permutations=0).statistic == pytest.approx(expected)
    assert moran("income", reordered, data=frame, permutations=0).statistic == pytest.approx(
        expected)
    assert moran(frame[["income"]], reordered, permutations=0).statistic == pytest.approx(
        expected)


def test_a_plain_array_is_matched_by_position_as_documented(frame):
    reordered_frame = frame.sort_values("income", ascending=False)
    reordered = queen(reordered_frame)
    expected = esda_moran(frame)
    in_weights_order = reordered_frame["income"].to_numpy()
    assert moran(in_weights_order, reordered, permutations=0).statistic == pytest.approx(expected)
    # The same numbers in another order are other data: position is the caller's job.
    wrong = moran(frame["income"].to_numpy(), reordered, permutations=0).statistic
    assert wrong != pytest.approx(expected)


@pytest.mark.parametrize("statistic", STATISTICS, ids=lambda f: f.__name__)
def test_every_statistic_documents_how_values_are_matched(statistic):
    text = " ".join(statistic.__doc__.split())
    assert "matched to ``weights.ids`` by label" in text
    assert "a plain array or list is matched by position, which the caller must ensure" in text


def test_a_series_with_a_range_index_is_refused_against_named_regions(frame):
    weights = queen(frame)
    with pytest.raises(InputError, match=r"36 regions have no value \(c00.*36 values have no"):
        moran(frame["income"].reset_index(drop=True), weights, permutations=0)


def test_range_ids_and_a_shuffled_range_index_align_by_label():
    rng = np.random.default_rng(1)
    matrix = sp.diags_array([np.ones(11), np.ones(11)], offsets=[-1, 1])
    weights = SpatialWeights.from_sparse(matrix)  # ids 0..11
    values = pd.Series(rng.standard_normal(12))
    shuffled = values.sample(frac=1, random_state=3)  # same labels, other order
    assert not shuffled.index.equals(weights.ids)
    expected = moran(values.to_numpy(), weights, permutations=0).statistic
    assert moran(shuffled, weights, permutations=0).statistic == pytest.approx(expected)
    local = local_moran(shuffled, weights, permutations=0)
    assert local.index.equals(weights.ids)
    pd.testing.assert_frame_equal(local, local_moran(values, weights, permutations=0))


@pytest.mark.parametrize("statistic", STATISTICS, ids=lambda f: f.__name__)
def test_misaligned_series_are_refused_by_every_statistic(statistic, frame):
    weights = queen(frame)
    short = frame["income"].drop("c05")
    args = (short, frame["income"]) if "bivariate" in statistic.__name__ else (short,)
    with pytest.raises(InputError, match=r"1 regions have no value \(c05\)"):
        statistic(*args, weights, permutations=0)


def test_extra_and_duplicate_labels_are_refused(frame):
    weights = queen(frame)
    extra = pd.concat([frame["income"], pd.Series([1.0], index=["zz"])])
    with pytest.raises(InputError, match=r"1 values have no region \(zz\)"):
        moran(extra, weights, permutations=0)
    doubled = pd.concat([frame["income"].iloc[1:], frame["income"].iloc[:2]])
    with pytest.raises(DuplicateKeyError, match="duplicate index labels: c01"):
        moran(doubled, weights, permutations=0)


def test_weights_ids_must_be_unique():
    with pytest.raises(DuplicateKeyError, match="repeated: a"):
        SpatialWeights.from_sparse(np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]]), ids=["a", "b", "a"])


def test_text_values_are_refused_naming_the_rows(frame):
    weights = queen(frame)
    text = frame["income"].astype(object)
    text.loc["c07"] = "n/a"
    with pytest.raises(InputError, match="not numbers, in rows c07"):
        moran(text, weights, permutations=0)
