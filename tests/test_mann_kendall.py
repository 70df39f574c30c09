"""Mann-Kendall trend test against a direct O(n^2) implementation and scipy's Kendall tau."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from scipy import stats

from geodisparity.errors import InputError
from geodisparity.stats.mann_kendall import mann_kendall, mann_kendall_rows


def direct(x: list[float]) -> tuple[int, float, float, float]:
    """S, Var(S) with ties (Kendall 1975), continuity-corrected z and two-sided p."""
    n = len(x)
    s = sum((x[j] > x[i]) - (x[j] < x[i]) for i in range(n) for j in range(i + 1, n))
    ties = sum(t * (t - 1) * (2 * t + 5) for t in Counter(x).values() if t > 1)
    var = (n * (n - 1) * (2 * n + 5) - ties) / 18
    if s > 0:
        z = (s - 1) / math.sqrt(var)
    elif s < 0:
        z = (s + 1) / math.sqrt(var)
    else:
        z = 0.0
    return s, var, z, math.erfc(abs(z) / math.sqrt(2))


SERIES = [
    [1.0, 2.0, 3.0, 5.0, 4.0],
    [5.0, 4.0, 3.0, 2.0, 1.0],
    [1.0, 1.0, 2.0, 2.0, 2.0, 3.0, 1.0],  # ties
    [0.3, -1.2, 0.3, 0.3, 2.0, -1.2, 4.0, 4.0, 4.0, 0.0],  # ties of several sizes
    [2.0, 1.0],
]


@pytest.mark.parametrize("series", SERIES)
def test_matches_direct_implementation(series: list[float]) -> None:
    s, var, z, p = direct(series)
    result = mann_kendall(series)
    assert result.s == s
    assert result.variance == pytest.approx(var, rel=1e-12)
    assert result.z == pytest.approx(z, rel=1e-12, abs=1e-15)
    assert result.p_value == pytest.approx(p, rel=1e-10)


@pytest.mark.parametrize("seed", range(20))
def test_random_series_with_and_without_ties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 30))
    series = rng.integers(0, 5, n).astype(float) if seed % 2 else rng.normal(size=n)
    s, var, z, p = direct(series.tolist())
    result = mann_kendall(series)
    assert (result.s, result.variance) == (s, pytest.approx(var))
    assert result.p_value == pytest.approx(p, rel=1e-10)
    # tau-b against time: scipy's kendalltau (time has no ties, so it is S / sqrt((n0-n1) n0))
    assert result.tau == pytest.approx(stats.kendalltau(np.arange(n), series).statistic,
                                       rel=1e-12)


def test_without_ties_s_is_scipy_tau_times_pairs() -> None:
    rng = np.random.default_rng(5)
    series = rng.normal(size=15)
    tau = stats.kendalltau(np.arange(15), series).statistic
    assert mann_kendall(series).s == round(tau * 15 * 14 / 2)


def test_rows_match_one_by_one_and_leave_out_nan() -> None:
    rng = np.random.default_rng(1)
    values = rng.integers(0, 4, (30, 9)).astype(float)
    values[3, 2] = np.nan
    values[7, :8] = np.nan  # one value left: no test
    out = mann_kendall_rows(values)
    for row in range(30):
        finite = values[row][np.isfinite(values[row])]
        if finite.size < 2:
            assert np.isnan(out["p"][row]) and np.isnan(out["tau"][row])
            continue
        one = mann_kendall(finite)
        assert out["s"][row] == one.s
        assert out["p"][row] == pytest.approx(one.p_value)


def test_all_tied_has_no_trend() -> None:
    result = mann_kendall([2.0, 2.0, 2.0, 2.0])
    assert (result.s, result.z, result.p_value) == (0, 0.0, 1.0)
    assert np.isnan(result.tau)


@pytest.mark.parametrize("bad", [[1.0], [], [1.0, np.inf, 2.0], [np.nan, 1.0, 2.0]])
def test_bad_input_raises(bad: list[float]) -> None:
    with pytest.raises(InputError, match="values"):
        mann_kendall(bad)
