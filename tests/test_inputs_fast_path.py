"""Fast path of input handling: same samples, errors and results as the general path.

``prepare_sample`` validates clean numeric arrays and columns with a few
reductions instead of building pandas objects. These tests pin that the two
paths agree on every input form, that the fast path never touches the user's
data, that large inputs with problems still get the general path's errors
naming rows, and that the large-array numerics agree with PySAL and with an
exactly rounded reference (``math.fsum``).
"""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import geodisparity as gd
from geodisparity import _inputs
from geodisparity._inputs import prepare_sample
from geodisparity.errors import DroppedRowsWarning, InputError
from geodisparity.stats.inequality import _mean_log

inequality = pytest.importorskip("inequality")

N_LARGE = 7_001  # above the block size of the log-product path, not a multiple of the block

FRAME = pd.DataFrame(
    {"inc": [3.0, 1.0, 7.5, 2.0], "pop": [10, 0, 4, 1], "n": [1, 2, 3, 4]},
    index=["r1", "r2", "r3", "r4"],
)

INPUT_FORMS = {
    "float64 array": lambda: (np.array([3.0, 1.0, 7.5, 2.0]), np.array([10.0, 0.0, 4.0, 1.0])),
    "int64 array": lambda: (np.array([3, 1, 7, 2]), np.array([10, 0, 4, 1])),
    "float32 and uint8": lambda: (
        np.array([3.0, 1.0, 7.5, 2.0], dtype=np.float32),
        np.array([10, 0, 4, 1], dtype=np.uint8),
    ),
    "lists": lambda: ([3.0, 1.0, 7.5, 2.0], [10, 0, 4, 1]),
    "list of ints, no weights": lambda: ([3, 1, 7, 2], None),
    "series with labels": lambda: (FRAME["inc"], FRAME["pop"]),
    "integer series": lambda: (FRAME["n"], None),
    "column names": lambda: ("inc", "pop"),
    "array with data": lambda: (FRAME["inc"].to_numpy(), None),
    "array longer than data": lambda: (np.arange(1.0, 6.0), None),
}


def general_path_sample(monkeypatch, *args, **kwargs):
    with monkeypatch.context() as patch:
        patch.setattr(_inputs, "_clean_sample", lambda *a: None)
        return prepare_sample(*args, **kwargs)


@pytest.mark.parametrize("form", INPUT_FORMS)
def test_fast_and_general_paths_give_the_same_sample(monkeypatch, form):
    values, weights = INPUT_FORMS[form]()
    data = FRAME if form in ("column names", "array with data", "array longer than data") else None
    fast = prepare_sample(values, weights, data=data)
    general = general_path_sample(monkeypatch, values, weights, data=data)
    assert fast.values.dtype == general.values.dtype == np.float64
    np.testing.assert_array_equal(fast.values, general.values)
    if general.weights is None:
        assert fast.weights is None
    else:
        np.testing.assert_array_equal(fast.weights, general.weights)
    assert fast.index.equals(general.index)
    assert fast.index.tolist() == general.index.tolist()
    assert (fast.n_dropped, fast.dropped.tolist()) == (general.n_dropped, general.dropped.tolist())


def test_user_arrays_are_never_modified():
    rng = np.random.default_rng(1)
    values = rng.lognormal(size=N_LARGE)
    weights = rng.integers(1, 100, size=N_LARGE).astype(float)
    before_values, before_weights = values.copy(), weights.copy()
    for func in (gd.gini, gd.theil, gd.mld, gd.cv, gd.hoover, gd.palma, gd.percentile_ratio):
        func(values)
        func(values, weights)
    gd.atkinson(values, 1.0)
    gd.atkinson(values, 0.5, weights)
    np.testing.assert_array_equal(values, before_values)
    np.testing.assert_array_equal(weights, before_weights)
    assert values.flags.writeable and weights.flags.writeable
    sample = prepare_sample(values, weights)
    with pytest.raises(ValueError, match="read-only"):
        sample.values[0] = 0.0


def large_series(bad_value=None, at=(17, 6_001)):
    values = np.random.default_rng(2).lognormal(mean=10, sigma=0.6, size=N_LARGE)
    if bad_value is not None:
        values[list(at)] = bad_value
    return pd.Series(values, index=[f"c{i}" for i in range(N_LARGE)])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_large_input_with_missing_values_raises_naming_rows(bad):
    with pytest.raises(InputError, match=r"2 of 7001 rows have missing.*rows c17, c6001"):
        gd.gini(large_series(bad))


def test_large_input_drop_warns_and_matches_clean_data():
    series = large_series(np.nan)
    with pytest.warns(DroppedRowsWarning, match=r"dropped 2 of 7001 rows.*rows c17, c6001"):
        result = gd.atkinson(series, 1.0, nan="drop")
    clean = series.dropna().to_numpy()
    expected = 1.0 - math.exp(math.fsum(np.log(clean)) / clean.size) / clean.mean()
    assert result == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda s: gd.mld(s), r"mld needs positive values; 2 rows are not: rows c17, c6001"),
        (lambda s: gd.atkinson(s, 1), r"needs positive values; 2 rows are not: rows c17, c6001"),
        (lambda s: gd.gini(-s), r"gini needs non-negative values; 6999 rows"),  # -0.0 is fine
    ],
)
def test_large_input_sign_errors_name_rows(call, match):
    with pytest.raises(InputError, match=match):
        call(large_series(0.0))


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        (lambda w: np.where(np.arange(w.size) == 9, -1.0, w), r"1 rows are negative: rows c9"),
        (lambda w: np.zeros_like(w), "weights are all zero"),
        (lambda w: np.where(np.arange(w.size) == 9, np.nan, w), r"missing.*rows c9"),
    ],
)
def test_large_input_bad_weights_fall_back_to_general_errors(weights, match):
    series = large_series()
    with pytest.raises(InputError, match=match):
        gd.theil(series, weights(np.ones(N_LARGE)))


# --- numerics of the large-array paths ----------------------------------------------------------


@pytest.mark.parametrize("n", [6_144, 200_003])
def test_large_arrays_agree_with_pysal(n):
    y = np.random.default_rng(3).lognormal(mean=10, sigma=0.6, size=n)
    assert gd.gini(y) == pytest.approx(inequality.gini.Gini(y).g, rel=1e-12)
    assert gd.theil(y) == pytest.approx(inequality.theil.Theil(y).T, rel=1e-12)
    assert gd.atkinson(y, 1.0) == pytest.approx(inequality.atkinson.atkinson(y, 1.0), rel=1e-12)


RANGES = {
    "incomes": lambda rng, n: rng.lognormal(mean=10, sigma=0.6, size=n),
    "around one": lambda rng, n: rng.uniform(0.5, 2.0, size=n),
    "tiny values": lambda rng, n: rng.uniform(1e-30, 1e-29, size=n),
    "huge values": lambda rng, n: rng.uniform(1e150, 1e151, size=n),
    "wide range": lambda rng, n: 10.0 ** rng.uniform(-300, 300, size=n),
    "subnormal minimum": lambda rng, n: np.append(rng.uniform(1, 2, size=n - 1), 5e-324),
}


@pytest.mark.parametrize("kind", RANGES)
@pytest.mark.parametrize("n", [6_143, 6_144, 100_003])
def test_mean_log_matches_exactly_rounded_sum(kind, n):
    x = RANGES[kind](np.random.default_rng(4), n)
    logs = np.log(x)
    expected = math.fsum(logs) / n
    scale = float(np.abs(logs).max())  # error relative to the size of the terms
    assert abs(_mean_log(x, x.min(), x.sum()) - expected) <= 1e-13 * scale


def test_atkinson_one_of_equal_large_values_is_zero_to_rounding():
    assert gd.atkinson(np.full(N_LARGE, 123.456), 1.0) == pytest.approx(0.0, abs=1e-14)


def test_fast_path_emits_no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gd.atkinson(large_series(), 1.0)
        gd.gini(np.arange(1, N_LARGE + 1), np.ones(N_LARGE))


@pytest.mark.parametrize("n", [4_095, 4_096, 50_001])
def test_gini_of_many_ties_equals_exact_integer_pair_sum(n):
    y = np.random.default_rng(5).integers(0, 10, size=n)
    counts = np.bincount(y, minlength=10).tolist()
    pair_sum = sum(counts[a] * counts[b] * (b - a) for a in range(10) for b in range(a + 1, 10))
    expected = pair_sum / (n * int(y.sum()))  # sum_{i<j} |y_i - y_j| / (n sum y)
    assert gd.gini(y) == pytest.approx(expected, rel=1e-13)
    assert gd.gini(y.astype(float)[::-1].copy()) == pytest.approx(expected, rel=1e-13)
