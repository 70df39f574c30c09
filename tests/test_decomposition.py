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


# --- groups with zero total (Shorrocks 1980; Cowell 2011, Measuring Inequality, ch. 4) ------


def ge_by_definition(y, w, alpha):
    """GE(alpha) = 1/(alpha (alpha - 1)) sum p_i ((y_i / mu)**alpha - 1), 0 log 0 = 0."""
    p = np.asarray(w, float) / np.sum(w)
    r = np.asarray(y, float) / (p @ y)
    if alpha == 1:
        return float(p @ np.where(r > 0, r * np.log(np.where(r > 0, r, 1.0)), 0.0))
    return float(p @ (r**alpha - 1.0) / (alpha * (alpha - 1.0)))


@pytest.mark.parametrize("alpha", [0.5, 1.0, 2.0, 3.0])
@pytest.mark.parametrize("weighted", [False, True])
def test_an_all_zero_group_has_a_defined_decomposition(alpha, weighted):
    import warnings

    y = np.array([0.0, 0.0, 1.0, 2.0, 5.0, 4.0])
    g = ["z", "z", "a", "a", "b", "b"]
    w = np.array([1.0, 2.0, 1.0, 1.0, 3.0, 2.0]) if weighted else np.ones(6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning leaks either
        d = gd.ge_decomposition(y, g, alpha, weights=w if weighted else None)
    assert d.total == pytest.approx(ge_by_definition(y, w, alpha), abs=1e-12)
    # Between: the GE of the group means, each standing for its population.
    means = np.array([0.0, (w[2:4] @ y[2:4]) / w[2:4].sum(), (w[4:] @ y[4:]) / w[4:].sum()])
    pops = np.array([w[:2].sum(), w[2:4].sum(), w[4:].sum()])
    assert d.between == pytest.approx(ge_by_definition(means, pops, alpha), abs=1e-12)
    assert np.isfinite(d.within) and d.within == pytest.approx(d.total - d.between, abs=1e-12)
    zero = d.groups.set_index("group").loc["z"]
    assert np.isnan(zero["index"]) and zero["within_contribution"] == 0.0
    assert zero["income_share"] == 0.0


@pytest.mark.parametrize("alpha", [-1.0, 0.0, 0.5, 1.0, 2.0])
def test_a_group_of_zero_population_carries_no_one(alpha):
    y = np.array([3.0, 1.0, 1.0, 2.0, 5.0])
    w = np.array([0.0, 0.0, 1.0, 1.0, 1.0])
    d = gd.ge_decomposition(y, ["z", "z", "a", "a", "b"], alpha, weights=w)
    kept = gd.ge_decomposition(y[2:], ["a", "a", "b"], alpha, weights=w[2:])
    assert (d.total, d.between, d.within) == pytest.approx(
        (kept.total, kept.between, kept.within), abs=1e-12)
    assert np.isnan(d.groups.set_index("group").loc["z", "mean"])


@pytest.mark.parametrize("alpha", [0.0, -1.0])
def test_zero_values_are_refused_where_the_index_needs_positive_values(alpha):
    with pytest.raises(gd.errors.InputError, match="positive values; 2 rows"):
        gd.ge_decomposition([0.0, 0.0, 1.0, 2.0], ["z", "z", "a", "a"], alpha)


@pytest.mark.parametrize("alpha", ["abc", float("nan"), float("inf"), None, True])
def test_a_bad_alpha_is_an_input_error(alpha):
    with pytest.raises(gd.errors.InputError, match="alpha="):
        gd.ge_decomposition([1.0, 2.0, 3.0, 4.0], ["a", "a", "b", "b"], alpha)
