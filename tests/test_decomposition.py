"""GE/Theil decomposition: PySAL TheilD oracle, identities, replication, edge cases."""

import numpy as np
import pandas as pd
import pytest

import geodisparity as gd
from geodisparity.errors import InputError

inequality = pytest.importorskip("inequality")
libpysal = pytest.importorskip("libpysal")

YEARS = [f"pcgdp{y}" for y in range(1940, 2010, 10)]


@pytest.fixture(scope="module")
def mexico():
    return pd.read_csv(libpysal.examples.get_path("mexico.csv"))


@pytest.fixture
def grouped():
    rng = np.random.default_rng(21)
    n = 80
    return (rng.lognormal(size=n), rng.choice(list("abcde"), size=n),
            rng.integers(1, 6, size=n).astype(float))


@pytest.mark.parametrize("column", YEARS)
def test_theil_decomposition_matches_pysal_theild(mexico, column):
    y, regimes = mexico[column].to_numpy(), mexico["hanson98"].to_numpy()
    oracle = inequality.theil.TheilD(y, regimes)
    ours = gd.theil_decomposition(y, regimes)
    assert ours.total == pytest.approx(float(np.ravel(oracle.T)[0]), abs=1e-10)
    assert ours.between == pytest.approx(float(np.ravel(oracle.bg)[0]), abs=1e-10)
    assert ours.within == pytest.approx(float(np.ravel(oracle.wg)[0]), abs=1e-10)


@pytest.mark.parametrize("alpha", [-1.0, 0.0, 0.5, 1.0, 2.0, 3.0])
def test_between_plus_within_is_total(grouped, alpha):
    y, g, w = grouped
    d = gd.ge_decomposition(y, g, alpha, w)
    assert d.between + d.within == pytest.approx(d.total, rel=1e-12)
    assert d.total == pytest.approx(gd.ge(y, alpha, w), rel=1e-12)
    assert d.between_share + d.within_share == pytest.approx(1.0)
    assert d.groups["within_contribution"].sum() == pytest.approx(d.within, rel=1e-12)


@pytest.mark.parametrize("alpha", [0.0, 1.0, 2.0])
def test_between_is_index_of_group_means(grouped, alpha):
    y, g, w = grouped
    frame = pd.DataFrame({"y": y, "g": g, "w": w, "wy": w * y})
    sums = frame.groupby("g")[["w", "wy"]].sum()
    means = sums["wy"] / sums["w"]
    d = gd.ge_decomposition(y, g, alpha, w)
    assert d.between == pytest.approx(gd.ge(means.to_numpy(), alpha, sums["w"].to_numpy()))
    # each group's own index, computed directly
    for _, row in d.groups.iterrows():
        mask = g == row["group"]
        assert row["index"] == pytest.approx(gd.ge(y[mask], alpha, w[mask]), abs=1e-12)


def test_weights_equal_replicated_rows(grouped):
    y, g, w = grouped
    reps = w.astype(int)
    d = gd.theil_decomposition(y, g, w)
    r = gd.theil_decomposition(np.repeat(y, reps), np.repeat(g, reps))
    assert (d.between, d.within) == pytest.approx((r.between, r.within), rel=1e-12)


def test_group_table_contents(grouped):
    y, g, w = grouped
    d = gd.theil_decomposition(y, g, w)
    table = d.to_frame()
    assert table["group"].tolist() == sorted(set(g))
    assert table["population_share"].sum() == pytest.approx(1.0)
    assert table["income_share"].sum() == pytest.approx(1.0)
    a = g == "a"
    assert table.loc[table["group"] == "a", "mean"].item() == pytest.approx(
        np.average(y[a], weights=w[a])
    )
    as_dict = d.to_dict()
    assert as_dict["total"] == d.total and len(as_dict["groups"]) == 5
    assert d.measure == "theil" and d.n == y.size and d.n_dropped == 0


@pytest.mark.parametrize("decompose", [gd.theil_decomposition, gd.dagum_gini,
                                       gd.between_group_test])
def test_a_single_group_is_an_error(decompose):
    with pytest.raises(InputError, match="single group \\('a'\\)"):
        decompose([1.0, 2.0, 5.0], ["a"] * 3)


def test_singleton_groups():
    y = np.array([1.0, 2.0, 5.0])
    own = gd.theil_decomposition(y, ["a", "b", "c"])
    assert own.within == pytest.approx(0.0, abs=1e-15) and own.between == pytest.approx(own.total)


def test_column_names_and_nan_policy():
    frame = pd.DataFrame({"inc": [1.0, 2.0, 4.0, 8.0], "pref": ["x", "x", None, "y"],
                          "pop": [1, 2, 3, 4]})
    with pytest.raises(InputError, match="1 of 4 rows"):
        gd.theil_decomposition("inc", "pref", "pop", data=frame)
    d = gd.theil_decomposition("inc", "pref", "pop", data=frame, nan="drop")
    assert d.n == 3 and d.n_dropped == 1
    assert d.total == pytest.approx(gd.theil([1.0, 2.0, 8.0], [1, 2, 4]))


def test_errors():
    with pytest.raises(InputError, match="groups is required"):
        gd.theil_decomposition([1, 2], None)
    with pytest.raises(InputError, match="positive values"):
        gd.ge_decomposition([0.0, 1.0], ["a", "b"], 0)
    with pytest.raises(InputError, match="same length"):
        gd.theil_decomposition([1, 2], ["a"])
