"""The three gaps: urban-rural ratio and the per-year gaps table."""

import numpy as np
import pandas as pd
import pytest

import geodisparity as gd
from geodisparity.errors import InputError, MissingColumnError
from geodisparity.stats.three_gaps import GAP_COLUMNS

inequality = pytest.importorskip("inequality")


@pytest.fixture
def panel():
    rng = np.random.default_rng(12)
    n = 26
    rows = []
    for year in (2015, 2020):
        rural = rng.uniform(8, 20, size=n)
        rows.append(pd.DataFrame({
            "adcode": np.arange(n) + 330100,
            "year": year,
            "income": rng.lognormal(3, 0.4, size=n),
            "population": rng.integers(50_000, 2_000_000, size=n),
            "urban": rural * rng.uniform(1.5, 2.5, size=n),
            "rural": rural,
            "pref": np.repeat(["hz", "nb", "wz"], [9, 9, 8]),
        }))
    return pd.concat(rows, ignore_index=True)


def test_urban_rural_ratio_by_hand():
    r = gd.urban_rural_ratio([30, 40], [10, 20], weights=[1, 3])
    assert r.per_region.tolist() == [3.0, 2.0]
    assert r.urban_mean == pytest.approx((30 + 120) / 4)
    assert r.rural_mean == pytest.approx((10 + 60) / 4)
    assert r.aggregate == pytest.approx(150 / 70)
    assert gd.urban_rural_ratio([30, 40], [10, 20]).aggregate == pytest.approx(70 / 30)


def test_urban_rural_ratio_aligned_to_index_and_drop():
    frame = pd.DataFrame({"u": [30.0, 40.0, np.nan, 50.0], "r": [10.0, 20.0, 5.0, np.nan],
                          "pop": [1, 1, 1, 1]}, index=["a", "b", "c", "d"])
    with pytest.raises(InputError, match="2 of 4 rows.*c, d"):
        gd.urban_rural_ratio("u", "r", "pop", data=frame)
    r = gd.urban_rural_ratio("u", "r", "pop", data=frame, nan="drop")
    assert r.per_region.index.tolist() == ["a", "b", "c", "d"]
    np.testing.assert_array_equal(r.per_region.to_numpy(), [3.0, 2.0, np.nan, np.nan])
    assert r.n == 2 and r.n_dropped == 2
    assert r.to_frame().shape == (4, 1)


def test_urban_rural_errors():
    with pytest.raises(InputError, match="rural must be positive.*b"):
        gd.urban_rural_ratio(pd.Series([1.0, 2.0], index=["a", "b"]), pd.Series([1.0, 0.0]))
    with pytest.raises(InputError, match="must match"):
        gd.urban_rural_ratio([1.0, 2.0], [1.0])


def test_gaps_one_row_per_year_against_independent_computation(panel):
    table = gd.gaps(panel, income="income", population="population", urban="urban",
                    rural="rural", groups="pref", year="year")
    assert table["year"].tolist() == [2015, 2020]
    assert list(table.columns) == ["year", *GAP_COLUMNS]
    for _, row in table.iterrows():
        part = panel[panel["year"] == row["year"]]
        y, w = part["income"].to_numpy(), part["population"].to_numpy(float)
        mean = np.average(y, weights=w)
        assert row["n_regions"] == len(part)
        assert row["regional_max_min_ratio"] == pytest.approx(y.max() / y.min())
        assert row["regional_williamson"] == pytest.approx(
            np.sqrt(np.average((y - mean) ** 2, weights=w)) / mean)
        urban = np.average(part["urban"], weights=w)
        rural = np.average(part["rural"], weights=w)
        assert row["urban_rural_ratio"] == pytest.approx(urban / rural)
        diffs = np.abs(y[:, None] - y[None, :]) * w[:, None] * w[None, :]
        assert row["income_gini"] == pytest.approx(diffs.sum() / (2 * w.sum() ** 2 * mean))
        assert 0 < row["regional_theil_between_share"] < 1


def test_gaps_unweighted_matches_pysal(panel):
    part = panel[panel["year"] == 2015]
    row = gd.gaps(part, income="income", groups="pref").iloc[0]
    y, g = part["income"].to_numpy(), part["pref"].to_numpy()
    oracle = inequality.theil.TheilD(y, g)
    assert row["income_gini"] == pytest.approx(inequality.gini.Gini(y).g)
    share = float(np.ravel(oracle.bg)[0] / np.ravel(oracle.T)[0])
    assert row["regional_theil_between_share"] == pytest.approx(share)
    assert np.isnan(row["urban_rural_ratio"])
    assert "year" not in row.index


def test_gaps_errors(panel):
    with pytest.raises(MissingColumnError, match="nope"):
        gd.gaps(panel, income="nope")
    with pytest.raises(InputError, match="both urban"):
        gd.gaps(panel, income="income", urban="urban")
    with pytest.raises(InputError, match="DataFrame"):
        gd.gaps([1, 2, 3], income="income")
