"""Sigma and beta convergence: OLS against independent references and a known-beta panel."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import geodisparity as gd
from geodisparity.errors import DuplicateKeyError, InputError, MissingColumnError
from geodisparity.stats.convergence import ols


def long_panel(levels: dict[int, np.ndarray], **extra) -> pd.DataFrame:
    frames = []
    for year, values in levels.items():
        frames.append(pd.DataFrame({"region": np.arange(values.size), "year": year,
                                    "income": values, **extra}))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture
def known_beta():
    rng = np.random.default_rng(17)
    n, horizon, beta = 400, 20, -0.02
    y0 = rng.lognormal(8, 0.6, size=n)
    growth = 0.3 + beta * np.log(y0) + rng.normal(0, 0.002, size=n)
    y1 = y0 * np.exp(growth * horizon)
    return long_panel({2000: y0, 2020: y1}), beta, horizon


def test_ols_matches_lstsq_and_linregress():
    rng = np.random.default_rng(1)
    x = rng.normal(size=50)
    y = 1.5 - 0.7 * x + rng.normal(size=50)
    fit = ols(np.column_stack([np.ones(50), x]), y)
    ref = stats.linregress(x, y)
    assert fit.coef[1] == pytest.approx(ref.slope)
    assert fit.coef[0] == pytest.approx(ref.intercept)
    assert fit.std_error[1] == pytest.approx(ref.stderr)
    assert fit.std_error[0] == pytest.approx(ref.intercept_stderr)
    assert fit.p_value[1] == pytest.approx(ref.pvalue)
    assert fit.r_squared == pytest.approx(ref.rvalue**2)


def test_beta_recovers_known_beta(known_beta):
    frame, beta, horizon = known_beta
    b = gd.beta_convergence(frame, value="income", year="year", region="region")
    assert b.beta == pytest.approx(beta, abs=5e-4)
    assert b.p_value < 1e-10 and b.t < 0
    assert (b.start, b.end, b.n, b.conditional) == (2000, 2020, 400, False)
    assert b.speed == pytest.approx(-math.log(1 + b.beta * horizon) / horizon)
    assert b.half_life == pytest.approx(math.log(2) / b.speed)


def test_beta_matches_hand_computation(known_beta):
    frame, _, horizon = known_beta
    wide = frame.pivot(index="region", columns="year", values="income")
    g = (np.log(wide[2020]) - np.log(wide[2000])) / horizon
    ref = stats.linregress(np.log(wide[2000]), g)
    b = gd.beta_convergence(frame, value="income", year="year", region="region")
    assert (b.beta, b.intercept, b.std_error, b.p_value) == pytest.approx(
        (ref.slope, ref.intercept, ref.stderr, ref.pvalue))
    assert b.r_squared == pytest.approx(ref.rvalue**2)


def test_conditional_beta_matches_lstsq():
    rng = np.random.default_rng(5)
    n = 120
    y0 = rng.lognormal(8, 0.5, size=n)
    control = rng.normal(size=n)
    y1 = y0 * np.exp(10 * (0.2 - 0.015 * np.log(y0) + 0.01 * control + rng.normal(0, .01, n)))
    frame = long_panel({2010: y0, 2020: y1})
    frame["edu"] = np.tile(control, 2)
    frame.loc[frame["year"] == 2020, "edu"] = 99.0  # must use the start year's control
    b = gd.beta_convergence(frame, value="income", year="year", region="region",
                            controls=["edu"])
    x = np.column_stack([np.ones(n), np.log(y0), control])
    g = (np.log(y1) - np.log(y0)) / 10
    coef, *_ = np.linalg.lstsq(x, g, rcond=None)
    np.testing.assert_allclose(b.coefficients["coef"].to_numpy(), coef, rtol=1e-10)
    resid = g - x @ coef
    cov = resid @ resid / (n - 3) * np.linalg.inv(x.T @ x)
    assert b.std_error == pytest.approx(np.sqrt(cov[1, 1]))
    assert b.conditional and b.coefficients.index.tolist() == ["const", "log_initial", "edu"]


def test_beta_divergence_has_no_half_life():
    y0 = np.array([1.0, 2.0, 4.0, 8.0])
    frame = long_panel({0: y0, 10: y0 ** 1.5})
    b = gd.beta_convergence(frame, value="income", year="year", region="region")
    assert b.beta > 0 and b.half_life is None and b.speed < 0


def test_beta_missing_regions_raise_or_drop():
    frame = long_panel({0: np.array([1.0, 2.0, 3.0, 4.0]), 10: np.array([2.0, 3.0, 4.0, 5.0])})
    frame = frame.drop(index=7)  # region 3 missing at the end
    with pytest.raises(InputError, match="1 regions lack.*3"):
        gd.beta_convergence(frame, value="income", year="year", region="region")
    b = gd.beta_convergence(frame, value="income", year="year", region="region", nan="drop")
    assert b.n == 3 and b.n_dropped == 1


def test_beta_errors():
    frame = long_panel({0: np.array([1.0, 2.0, 3.0]), 5: np.array([2.0, 3.0, 4.0])})
    with pytest.raises(DuplicateKeyError, match="repeats"):
        gd.beta_convergence(pd.concat([frame, frame]), value="income", year="year",
                            region="region")
    with pytest.raises(InputError, match="later than start"):
        gd.beta_convergence(frame, value="income", year="year", region="region", start=5, end=0)
    with pytest.raises(MissingColumnError, match="gdp"):
        gd.beta_convergence(frame, value="gdp", year="year", region="region")
    with pytest.raises(InputError, match="more observations"):
        gd.beta_convergence(frame.iloc[[0, 1, 3, 4]], value="income", year="year",
                            region="region")


def test_sigma_per_year_and_trend():
    rng = np.random.default_rng(3)
    levels = {year: rng.lognormal(5, 0.8 - 0.05 * i, size=60) for i, year in
              enumerate(range(2000, 2010))}
    frame = long_panel(levels)
    frame["pop"] = rng.integers(1, 100, size=len(frame))
    s = gd.sigma_convergence(frame, value="income", year="year", weights="pop")
    table = s.table
    assert table["year"].tolist() == list(range(2000, 2010))
    for _, row in table.iterrows():
        part = frame[frame["year"] == row["year"]]
        y, w = part["income"].to_numpy(), part["pop"].to_numpy(float)
        assert row["cv"] == pytest.approx(np.std(y) / np.mean(y))
        mean = np.average(y, weights=w)
        assert row["weighted_cv"] == pytest.approx(
            np.sqrt(np.average((y - mean) ** 2, weights=w)) / mean)
        assert row["sd_log"] == pytest.approx(np.std(np.log(y)))
    ref = stats.linregress(table["year"], table["cv"])
    assert (s.slope, s.std_error, s.p_value) == pytest.approx((ref.slope, ref.stderr,
                                                               ref.pvalue))
    assert s.slope < 0 and s.n_years == 10
    sd_log = gd.sigma_convergence(frame, value="income", year="year", measure="sd_log")
    assert sd_log.slope == pytest.approx(stats.linregress(table["year"], table["sd_log"]).slope)


def test_sigma_two_years_has_slope_but_no_test():
    frame = long_panel({1: np.array([1.0, 3.0]), 2: np.array([1.5, 2.5])})
    s = gd.sigma_convergence(frame, value="income", year="year")
    assert s.slope == pytest.approx(0.25 - 0.5)
    assert np.isnan(s.p_value)


def test_sigma_errors_and_nan():
    frame = long_panel({1: np.array([1.0, np.nan, 2.0]), 2: np.array([1.0, 2.0, 3.0])})
    with pytest.raises(InputError, match="1 rows have missing"):
        gd.sigma_convergence(frame, value="income", year="year")
    s = gd.sigma_convergence(frame, value="income", year="year", nan="drop")
    assert s.n_dropped == 1 and s.table["n"].tolist() == [2, 3]
    with pytest.raises(InputError, match="needs weights"):
        gd.sigma_convergence(frame, value="income", year="year", measure="weighted_cv")
    with pytest.raises(DuplicateKeyError, match="repeat within a year: 0"):
        gd.sigma_convergence(pd.concat([frame, frame.iloc[[0]]]), value="income", year="year",
                             region="region", nan="drop")
    with pytest.raises(InputError, match="measure='range'"):
        gd.sigma_convergence(frame, value="income", year="year", measure="range")
