"""Inequality indices: PySAL oracles, hand-computed cases, replication, invariances, errors."""

import warnings

import numpy as np
import pandas as pd
import pytest

import geodisparity as gd
from geodisparity.errors import (
    DroppedRowsWarning,
    EmptyDataError,
    InputError,
    MissingColumnError,
)

inequality = pytest.importorskip("inequality")
libpysal = pytest.importorskip("libpysal")

YEARS = [f"pcgdp{y}" for y in range(1940, 2010, 10)]
TOL = 1e-10


@pytest.fixture(scope="module")
def mexico():
    return pd.read_csv(libpysal.examples.get_path("mexico.csv"))


def naive_gini(y, w):
    y, w = np.asarray(y, float), np.asarray(w, float)
    diff = np.abs(y[:, None] - y[None, :])
    total = (w[:, None] * w[None, :] * diff).sum()
    return float(total / (2 * w.sum() ** 2 * np.average(y, weights=w)))


# --- oracles: PySAL inequality (unweighted) --------------------------------------------------


@pytest.mark.parametrize("column", YEARS)
def test_gini_matches_pysal_on_mexico(mexico, column):
    y = mexico[column].to_numpy()
    assert gd.gini(y) == pytest.approx(inequality.gini.Gini(y).g, abs=TOL)


@pytest.mark.parametrize("column", YEARS)
def test_theil_matches_pysal_on_mexico(mexico, column):
    y = mexico[column].to_numpy()
    assert gd.theil(y) == pytest.approx(inequality.theil.Theil(y).T, abs=TOL)


@pytest.mark.parametrize("epsilon", [0.0, 0.5, 1.0, 2.0, 3.5])
def test_atkinson_matches_pysal_on_mexico(mexico, epsilon):
    y = mexico["pcgdp2000"].to_numpy()
    assert gd.atkinson(y, epsilon) == pytest.approx(
        inequality.atkinson.atkinson(y, epsilon), abs=TOL
    )


# --- hand-computed cases -------------------------------------------------------------------------


def test_hand_computed_values():
    # G = sum|yi-yj| / (2 n^2 mu): pairs of [1,2,3,4] sum to 20 (ordered), n^2 mu = 40
    assert gd.gini([1, 2, 3, 4]) == pytest.approx(0.25)
    assert gd.gini([0, 0, 0, 1]) == pytest.approx(0.75)
    assert gd.theil([0, 1]) == pytest.approx(np.log(2))
    assert gd.mld([1, 4]) == pytest.approx(np.log(2.5) - np.log(2))
    assert gd.cv([1, 3]) == pytest.approx(0.5)
    assert gd.hoover([0, 1]) == pytest.approx(0.5)
    assert gd.max_min_ratio([2, 10, 5]) == pytest.approx(5.0)
    assert gd.palma(np.arange(1, 11)) == pytest.approx(10 / (1 + 2 + 3 + 4))
    assert gd.atkinson([1, 4], 1) == pytest.approx(1 - 2 / 2.5)
    # Williamson 1965 by its formula: weighted mean 2.5, weighted variance 0.75
    assert gd.williamson([1, 3], [1, 3]) == pytest.approx(np.sqrt(0.75) / 2.5)


def test_weighted_gini_equals_double_loop():
    rng = np.random.default_rng(5)
    y, w = rng.lognormal(size=60), rng.uniform(0, 5, size=60)
    assert gd.gini(y, w) == pytest.approx(naive_gini(y, w), rel=1e-12)


def test_gini_with_ties_equals_double_loop():
    y = np.array([3.0, 1.0, 3.0, 2.0, 1.0, 3.0])
    w = np.array([1.0, 2.0, 0.5, 1.0, 3.0, 2.0])
    assert gd.gini(y, w) == pytest.approx(naive_gini(y, w), rel=1e-12)


def test_ge_two_is_half_squared_cv():
    y = np.array([1.0, 2.0, 7.0, 3.0])
    w = np.array([2.0, 1.0, 1.0, 4.0])
    assert gd.ge(y, 2, w) == pytest.approx(gd.cv(y, w) ** 2 / 2, rel=1e-12)
    assert gd.ge(y, 1, w) == pytest.approx(gd.theil(y, w), rel=1e-12)
    assert gd.ge(y, 0, w) == pytest.approx(gd.mld(y, w), rel=1e-12)
    # GE(alpha) is continuous in alpha at 0 and 1
    assert gd.ge(y, 1e-7, w) == pytest.approx(gd.mld(y, w), rel=1e-5)
    assert gd.ge(y, 1 + 1e-7, w) == pytest.approx(gd.theil(y, w), rel=1e-5)


def test_cv_and_williamson_against_numpy():
    rng = np.random.default_rng(2)
    y, w = rng.lognormal(size=40), rng.uniform(1, 9, size=40)
    assert gd.cv(y) == pytest.approx(np.std(y) / np.mean(y), rel=1e-12)
    mean = np.average(y, weights=w)
    expected = np.sqrt(np.average((y - mean) ** 2, weights=w)) / mean
    assert gd.williamson(y, w) == pytest.approx(expected, rel=1e-12)


def test_lorenz_area_gives_gini():
    rng = np.random.default_rng(8)
    y, w = rng.lognormal(size=30), rng.integers(1, 6, size=30)
    curve = gd.lorenz(y, w)
    assert curve.iloc[0].tolist() == [0.0, 0.0]
    assert curve.iloc[-1].tolist() == pytest.approx([1.0, 1.0])
    assert curve["income_share"].is_monotonic_increasing
    p, inc = curve["population_share"].to_numpy(), curve["income_share"].to_numpy()
    area = np.sum((p[1:] - p[:-1]) * (inc[1:] + inc[:-1]) / 2)
    assert 1 - 2 * area == pytest.approx(gd.gini(y, w), rel=1e-10)


def test_percentile_ratio_is_inverted_cdf_of_population():
    rng = np.random.default_rng(3)
    y, w = rng.lognormal(size=25), rng.integers(1, 7, size=25)
    people = np.repeat(y, w)
    expected = np.quantile(people, 0.8, method="inverted_cdf") / np.quantile(
        people, 0.2, method="inverted_cdf"
    )
    assert gd.percentile_ratio(y, w, upper=80, lower=20) == pytest.approx(expected)
    unweighted = np.quantile(y, 0.9, method="inverted_cdf") / np.quantile(
        y, 0.1, method="inverted_cdf"
    )
    assert gd.percentile_ratio(y) == pytest.approx(unweighted)


# --- replication, invariance ---------------------------------------------------------------------

INDICES = {
    "gini": lambda y, w=None: gd.gini(y, w),
    "theil": lambda y, w=None: gd.theil(y, w),
    "mld": lambda y, w=None: gd.mld(y, w),
    "ge(-1)": lambda y, w=None: gd.ge(y, -1, w),
    "ge(2)": lambda y, w=None: gd.ge(y, 2, w),
    "atkinson(0.5)": lambda y, w=None: gd.atkinson(y, 0.5, w),
    "atkinson(1)": lambda y, w=None: gd.atkinson(y, 1, w),
    "atkinson(2)": lambda y, w=None: gd.atkinson(y, 2, w),
    "cv": lambda y, w=None: gd.cv(y, w),
    "williamson": lambda y, w=None: gd.williamson(y, w),
    "max_min_ratio": lambda y, w=None: gd.max_min_ratio(y, w),
    "percentile_ratio": lambda y, w=None: gd.percentile_ratio(y, w),
    "palma": lambda y, w=None: gd.palma(y, w),
    "hoover": lambda y, w=None: gd.hoover(y, w),
}


@pytest.fixture
def sample():
    rng = np.random.default_rng(11)
    return rng.lognormal(mean=2, size=37), rng.integers(1, 5, size=37)


@pytest.mark.parametrize("name", INDICES)
def test_integer_weights_equal_replicated_rows(name, sample):
    y, w = sample
    f = INDICES[name]
    assert f(y, w) == pytest.approx(f(np.repeat(y, w)), rel=1e-10)


@pytest.mark.parametrize("name", INDICES)
def test_weight_two_equals_duplicated_row(name, sample):
    y, _ = sample
    w = np.ones(y.size)
    w[4] = 2
    f = INDICES[name]
    assert f(y, w) == pytest.approx(f(np.append(y, y[4])), rel=1e-10)


@pytest.mark.parametrize("name", INDICES)
def test_scale_invariance_and_weight_scale(name, sample):
    y, w = sample
    f = INDICES[name]
    assert f(y * 7.5, w) == pytest.approx(f(y, w), rel=1e-10)
    assert f(y, w * 1000.0) == pytest.approx(f(y, w), rel=1e-10)


@pytest.mark.parametrize("name", INDICES)
def test_population_principle_and_equality(name, sample):
    y, _ = sample
    f = INDICES[name]
    assert f(np.tile(y, 3)) == pytest.approx(f(y), rel=1e-10)
    equal = f(np.full(5, 3.0))
    assert equal == pytest.approx(1.0 if "ratio" in name else (0.25 if name == "palma" else 0.0),
                                  abs=1e-12)


def test_order_does_not_matter(sample):
    y, w = sample
    perm = np.random.default_rng(0).permutation(y.size)
    for f in INDICES.values():
        assert f(y[perm], w[perm]) == pytest.approx(f(y, w), rel=1e-12)


def test_transfer_from_rich_to_poor_lowers_gini():
    y = np.array([1.0, 2.0, 3.0, 10.0])
    after = y.copy()
    after[3] -= 1
    after[0] += 1
    for f in (gd.gini, gd.theil, gd.mld, gd.cv):
        assert f(after) < f(y)


# --- input forms ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["list", "array", "series", "columns"])
def test_input_forms(kind):
    y, w = [1.0, 2.0, 6.0], [3.0, 1.0, 2.0]
    frame = pd.DataFrame({"inc": y, "pop": w}, index=["a", "b", "c"])
    if kind == "list":
        result = gd.gini(y, w)
    elif kind == "array":
        result = gd.gini(np.array(y), np.array(w))
    elif kind == "series":
        result = gd.gini(frame["inc"], frame["pop"])
    else:
        result = gd.gini("inc", "pop", data=frame)
    assert result == pytest.approx(naive_gini(y, w))


def test_single_region():
    assert gd.gini([5.0]) == 0.0
    assert gd.theil([5.0], [3.0]) == 0.0


# --- NaN and errors -----------------------------------------------------------------------------


def test_nan_raises_naming_rows():
    frame = pd.DataFrame({"inc": [1.0, np.nan, 3.0, np.nan]}, index=[330101, 330102, 330103, 9])
    with pytest.raises(InputError, match=r"2 of 4 rows.*330102, 9"):
        gd.gini("inc", data=frame)


def test_nan_drop_warns_with_count_and_rows():
    frame = pd.DataFrame({"inc": [1.0, np.nan, 3.0]}, index=["x", "y", "z"])
    with pytest.warns(DroppedRowsWarning, match=r"dropped 1 of 3 rows.*rows y"):
        result = gd.theil("inc", data=frame, nan="drop")
    assert result == pytest.approx(gd.theil([1.0, 3.0]))


def test_no_warning_without_drops():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gd.gini([1.0, 2.0], nan="drop")


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: gd.gini([1, 2], [1, -1]), "non-negative"),
        (lambda: gd.gini([1, 2, 3], [1, 1]), "same length"),
        (lambda: gd.mld([0, 1]), "positive values"),
        (lambda: gd.ge([0, 1], -1), "positive values"),
        (lambda: gd.atkinson([0, 1], 1), "positive values"),
        (lambda: gd.atkinson([1, 2], -0.5), "epsilon must be >= 0"),
        (lambda: gd.gini([-1, 2]), "non-negative"),
        (lambda: gd.gini([0, 0]), "positive"),
        (lambda: gd.max_min_ratio([0, 2]), "positive minimum"),
        (lambda: gd.percentile_ratio([1, 2], upper=10, lower=90), "lower < upper"),
        (lambda: gd.gini([1, 2], nan="skip"), "nan='skip'"),
        (lambda: gd.gini([1, 2], [0, 0]), "all zero"),
        (lambda: gd.gini(["a", 2]), "numeric"),
    ],
)
def test_errors(call, match):
    with pytest.raises(InputError, match=match):
        call()


def test_empty_input_error():
    with pytest.raises(EmptyDataError, match="empty"):
        gd.gini([])
    with pytest.raises(EmptyDataError, match="after dropping 1"):
        gd.gini([np.nan], nan="drop")


def test_missing_column_error():
    with pytest.raises(MissingColumnError, match="income"):
        gd.gini("income", data=pd.DataFrame({"x": [1]}))


def test_zero_values_accepted_where_defined():
    assert gd.theil([0, 1, 2]) > 0
    assert gd.ge([0, 1, 2], 2) > 0
    assert gd.atkinson([0, 1, 2], 0.5) > 0
