"""Composite index: weights, normalisation and TOPSIS against hand computations.

The references below are written out element by element with the standard
library (``math``, ``statistics``), independently of the vectorised code.
"""

from __future__ import annotations

import math
import statistics
import warnings

import numpy as np
import pandas as pd
import pytest

import geodisparity as gd
from geodisparity.errors import (
    DroppedRowsWarning,
    GeodisparityError,
    InputError,
    MissingColumnError,
)

ROWS = [[1.0, 10.0, 0.30], [2.0, 30.0, 0.25], [4.0, 20.0, 0.40], [3.0, 25.0, 0.20]]
FRAME = pd.DataFrame(ROWS, columns=["income", "doctors", "gini"], index=list("abcd"))
INDICATORS = ["income", "doctors", gd.Indicator("gini", direction="lower")]


def _minmax_by_hand(rows: list[list[float]], better: list[int]) -> list[list[float]]:
    out = [[0.0] * len(better) for _ in rows]
    for j, sign in enumerate(better):
        column = [r[j] for r in rows]
        low, high = min(column), max(column)
        for i, x in enumerate(column):
            out[i][j] = (x - low) / (high - low) if sign > 0 else (high - x) / (high - low)
    return out


Z = _minmax_by_hand(ROWS, [1, 1, -1])


def _entropy_by_hand(z: list[list[float]]) -> list[float]:
    n, m = len(z), len(z[0])
    d = []
    for j in range(m):
        column = [row[j] for row in z]
        shifted = [x - min(column) + 0.01 for x in column]
        total = sum(shifted)
        e = -sum((x / total) * math.log(x / total) for x in shifted) / math.log(n)
        d.append(1 - e)
    return [dj / sum(d) for dj in d]


def _critic_by_hand(z: list[list[float]]) -> list[float]:
    columns = [[row[j] for row in z] for j in range(len(z[0]))]
    c = [statistics.stdev(a) * sum(1 - statistics.correlation(a, b) for b in columns)
         for a in columns]
    return [cj / sum(c) for cj in c]


def test_minmax_honours_direction_and_equal_weights_average():
    result = gd.composite_index(FRAME, INDICATORS, weights="equal")
    expected = [sum(row) / 3 for row in Z]
    np.testing.assert_allclose(result.scores["score"], expected, rtol=1e-12)
    assert result.scores.index.tolist() == list("abcd")
    order = sorted(range(4), key=lambda i: -expected[i])
    assert [result.scores["rank"].iloc[i] for i in order] == [1, 2, 3, 4]


def test_entropy_weights_match_hand_computation():
    result = gd.composite_index(FRAME, INDICATORS, weights="entropy")
    np.testing.assert_allclose(result.weights.to_numpy(), _entropy_by_hand(Z), rtol=1e-12)
    assert result.weights.index.tolist() == ["income", "doctors", "gini"]
    weighted = [sum(w * x for w, x in zip(_entropy_by_hand(Z), row, strict=True)) for row in Z]
    np.testing.assert_allclose(result.scores["score"], weighted, rtol=1e-12)


def test_entropy_three_rows_closed_form():
    # x -> [0, .5, 1] and y -> [0, 0, 1]; shifted by 0.01 the shares are written out here
    frame = pd.DataFrame({"x": [0.0, 1.0, 2.0], "y": [5.0, 5.0, 9.0]})

    def entropy(shares):
        return -sum(p * math.log(p) for p in shares) / math.log(3)

    d_x = 1 - entropy([0.01 / 1.53, 0.51 / 1.53, 1.01 / 1.53])
    d_y = 1 - entropy([0.01 / 1.03, 0.01 / 1.03, 1.01 / 1.03])
    w = gd.composite_index(frame, ["x", "y"], weights="entropy").weights
    assert w["x"] == pytest.approx(d_x / (d_x + d_y), rel=1e-12)
    assert w["y"] > w["x"]  # the more concentrated column carries more information


def test_critic_weights_match_hand_computation():
    result = gd.composite_index(FRAME, INDICATORS, weights="critic")
    np.testing.assert_allclose(result.weights.to_numpy(), _critic_by_hand(Z), rtol=1e-12)


def test_topsis_matches_hand_computation():
    weights = {"income": 0.5, "doctors": 0.3, "gini": 0.2}
    result = gd.composite_index(FRAME, INDICATORS, weights=weights, method="topsis")
    w = [0.5, 0.3, 0.2]
    v = [[wj * x for wj, x in zip(w, row, strict=True)] for row in Z]
    best = [max(col) for col in zip(*v, strict=True)]
    worst = [min(col) for col in zip(*v, strict=True)]
    expected = []
    for row in v:
        d_plus = math.dist(row, best)
        d_minus = math.dist(row, worst)
        expected.append(d_minus / (d_plus + d_minus))
    np.testing.assert_allclose(result.scores["score"], expected, rtol=1e-12)
    assert result.method == "topsis" and result.weighting == "given"


def test_given_weights_from_indicators_are_rescaled():
    items = [gd.Indicator("income", weight=2), gd.Indicator("doctors", weight=1),
             gd.Indicator("gini", direction="lower", weight=1)]
    result = gd.composite_index(FRAME, items, weights="given")
    assert result.weights.tolist() == [0.5, 0.25, 0.25]
    with pytest.raises(GeodisparityError, match="missing for 'doctors'"):
        gd.composite_index(FRAME, [items[0], "doctors"], weights="given")


def test_zscore_uses_population_sd_and_direction():
    result = gd.composite_index(FRAME, ["income", gd.Indicator("gini", direction="lower")],
                                weights="equal", normalise="zscore")
    inc = FRAME["income"].tolist()
    gin = FRAME["gini"].tolist()
    z_inc = [(x - statistics.fmean(inc)) / statistics.pstdev(inc) for x in inc]
    z_gin = [-(x - statistics.fmean(gin)) / statistics.pstdev(gin) for x in gin]
    np.testing.assert_allclose(result.scores["score"],
                               [(a + b) / 2 for a, b in zip(z_inc, z_gin, strict=True)])


def test_reference_year_fixes_bounds_and_ranks_within_years():
    panel = pd.DataFrame({"id": list("abcabc"), "year": [2020] * 3 + [2023] * 3,
                          "x": [1.0, 2.0, 3.0, 2.0, 4.0, 5.0]})
    result = gd.composite_index(panel, ["x"], weights="equal", year="year", id="id",
                                reference_year=2020)
    # bounds 1..3 from 2020: 2023 scores leave [0, 1] and stay comparable
    assert result.scores["score"].tolist() == [0.0, 0.5, 1.0, 0.5, 1.5, 2.0]
    assert result.scores["rank"].tolist() == [3, 2, 1, 3, 2, 1]
    assert result.scores.columns.tolist() == ["id", "year", "score", "rank"]
    pooled = gd.composite_index(panel, ["x"], weights="equal", year="year")
    assert pooled.scores["score"].max() == 1.0
    with pytest.raises(GeodisparityError, match="reference_year=2019 is not in column"):
        gd.composite_index(panel, ["x"], year="year", reference_year=2019)


def test_sensitivity_is_seeded_and_collapses_without_perturbation():
    kwargs = {"weights": "entropy", "draws": 200, "seed": 7}
    first = gd.composite_index(FRAME, INDICATORS, **kwargs).sensitivity
    again = gd.composite_index(FRAME, INDICATORS, **kwargs).sensitivity
    pd.testing.assert_frame_equal(first, again)
    still = gd.composite_index(FRAME, INDICATORS, weights="entropy", draws=50,
                               perturbation=0.0, seed=1)
    assert (still.sensitivity["share_within_1"] == 1).all()
    np.testing.assert_array_equal(still.sensitivity["rank_low"], still.scores["rank"])
    np.testing.assert_array_equal(still.sensitivity["rank_high"], still.scores["rank"])


def test_sensitivity_dominant_region_always_first_and_close_pair_unstable():
    # e dominates everyone; a and b swap order as the weights move
    frame = pd.DataFrame({"x": [1.0, 0.0, 0.2, 0.1, 5.0], "y": [0.0, 1.0, 0.2, 0.1, 5.0]},
                         index=list("abcde"))
    r = gd.composite_index(frame, ["x", "y"], weights="equal", draws=500, perturbation=0.5,
                           seed=3)
    assert r.sensitivity.loc["e", "rank_low"] == r.sensitivity.loc["e", "rank_high"] == 1
    assert r.sensitivity.loc["e", "stable"]
    ranks = r.sensitivity.loc[["a", "b"], ["rank_low", "rank_high"]]
    assert (ranks["rank_low"] == 2).all() and (ranks["rank_high"] == 3).all()
    assert "stable ranks" in repr(r) and r.to_frame().shape[1] == 6


def test_missing_values_get_no_score_with_warning():
    frame = FRAME.copy()
    frame.loc["c", "doctors"] = np.nan
    with pytest.warns(DroppedRowsWarning, match="1 rows miss an indicator.*: c"):
        result = gd.composite_index(frame, INDICATORS, weights="equal")
    assert pd.isna(result.scores.loc["c", "rank"]) and np.isnan(result.scores.loc["c", "score"])


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"weights": "ahp"}, "weights='ahp' is not accepted"),
    ({"method": "vikor"}, "method='vikor' is not accepted"),
    ({"normalise": "rank"}, "normalise='rank' is not accepted"),
    ({"draws": -1}, "draws must be >= 0; got -1"),
    ({"weights": {"income": 1, "nope": 1}}, "weights names \\['nope'\\]"),
])
def test_bad_options_are_named(kwargs, message):
    with pytest.raises(GeodisparityError, match=message):
        gd.composite_index(FRAME, INDICATORS, **kwargs)


def test_bad_columns_are_named():
    with pytest.raises(MissingColumnError, match="'nope'"):
        gd.composite_index(FRAME, ["nope"])
    text = FRAME.assign(income=["1", "x", "3", "4"])
    with pytest.raises(GeodisparityError, match="'income' must hold numbers; rows with text: b"):
        gd.composite_index(text, ["income"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DroppedRowsWarning)
        with pytest.raises(GeodisparityError, match="at least 2 complete reference rows"):
            gd.composite_index(FRAME.iloc[:1], ["income"])
    with pytest.raises(GeodisparityError, match="every indicator is constant"):
        gd.composite_index(FRAME.assign(k=1.0), ["k"], weights="entropy")


def test_indicator_validation():
    with pytest.raises(GeodisparityError, match="target='' must be"):
        gd.Indicator("x", target="")
    with pytest.raises(GeodisparityError, match="weight=-1"):
        gd.Indicator("x", weight=-1)
    with pytest.raises(GeodisparityError, match="label="):
        gd.Indicator("x", label={"en": 3})
    with pytest.raises(GeodisparityError, match="target_year=2025.5"):
        gd.Indicator("x", target_year=2025.5)
    assert gd.Indicator("x", label={"en": "X"}).label_in("zh") == "X"
    assert gd.Indicator("x", target="x_target").target_column == "x_target"


def test_fast_ranks_match_scipy_rankdata_with_ties():
    from scipy.stats import rankdata

    from geodisparity.stats.composite import _rank_desc

    rng = np.random.default_rng(5)
    for _ in range(50):
        scores = rng.integers(0, 4, size=(int(rng.integers(1, 25)), 3)).astype(float)
        np.testing.assert_array_equal(_rank_desc(scores),
                                      rankdata(-scores, method="min", axis=0))
    with_nan = np.array([[1.0], [np.nan], [3.0], [1.0]])
    assert np.array_equal(_rank_desc(with_nan)[:, 0], [2, np.nan, 1, 2], equal_nan=True)


def test_draw_count_has_the_permutation_ceiling_and_seed_is_checked():
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [3.0, 1.0, 2.0]})
    with pytest.raises(InputError, match="draws=100000 is above the ceiling"):
        gd.composite_index(frame, ["a", "b"], draws=100_000)
    with pytest.raises(InputError, match="seed"):
        gd.composite_index(frame, ["a", "b"], seed=-1)


def test_rank_range_is_made_of_observed_ranks():
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(rng.uniform(size=(40, 4)), columns=list("abcd"))
    result = gd.composite_index(frame, list("abcd"), weights="equal", draws=200, seed=1)
    bounds = result.sensitivity[["rank_low", "rank_high"]].to_numpy()
    np.testing.assert_array_equal(bounds, np.round(bounds))
    assert (result.sensitivity["rank_low"] <= result.scores["rank"]).all()
    assert (result.scores["rank"] <= result.sensitivity["rank_high"]).all()


def test_rank_range_is_numpys_lower_and_higher_percentile():
    from geodisparity.stats.composite import _rank_range

    rng = np.random.default_rng(7)
    for n, m in [(1, 3), (2, 5), (1000, 90), (999, 7), (37, 1)]:
        ranks = rng.integers(1, m + 1, size=(n, m)).astype(float)
        ranks[:, m // 2] = np.nan if n > 1 else ranks[:, m // 2]
        low, high = _rank_range(ranks)
        np.testing.assert_array_equal(low, np.percentile(ranks, 5, axis=0, method="lower"))
        np.testing.assert_array_equal(high, np.percentile(ranks, 95, axis=0, method="higher"))
