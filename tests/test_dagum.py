"""Dagum Gini decomposition against a naive double loop written from Dagum (1997)."""

import numpy as np
import pandas as pd
import pytest

import geodisparity as gd
from geodisparity.errors import InputError


def naive_dagum(y, groups, w=None):
    """Dagum (1997) by its definitions, with an O(n^2) double loop over pairs."""
    y = np.asarray(y, float)
    w = np.ones_like(y) if w is None else np.asarray(w, float)
    labels = sorted(set(groups))
    groups = np.asarray(groups)
    idx = [np.flatnonzero(groups == lab) for lab in labels]
    k = len(labels)
    pop = np.array([w[i].sum() for i in idx])
    mean = np.array([np.average(y[i], weights=w[i]) for i in idx])
    mu = np.average(y, weights=w)
    p = pop / pop.sum()
    s = p * mean / mu
    gjh = np.zeros((k, k))
    djh = np.zeros((k, k))
    for j in range(k):
        for h in range(k):
            total = above = below = 0.0
            for a in idx[j]:
                for b in idx[h]:
                    diff = y[a] - y[b]
                    total += w[a] * w[b] * abs(diff)
                    if diff > 0:
                        above += w[a] * w[b] * diff
                    elif diff < 0:
                        below += w[a] * w[b] * -diff
            gjh[j, h] = total / (pop[j] * pop[h] * (mean[j] + mean[h]))
            djh[j, h] = (above - below) / (above + below) if above + below > 0 else 0.0
    within = sum(gjh[j, j] * p[j] * s[j] for j in range(k))
    nb = t = 0.0
    for j in range(k):
        for h in range(j):
            part = gjh[j, h] * (p[j] * s[h] + p[h] * s[j])
            nb += part * abs(djh[j, h])
            t += part * (1 - abs(djh[j, h]))
    diffs = np.abs(y[:, None] - y[None, :]) * w[:, None] * w[None, :]
    overall = diffs.sum() / (2 * w.sum() ** 2 * mu)
    return {"gini": overall, "within": within, "net_between": nb, "transvariation": t,
            "gjh": gjh, "djh": djh}


@pytest.fixture(params=["unweighted", "weighted", "ties"])
def case(request):
    rng = np.random.default_rng(31)
    n = 45
    y = rng.lognormal(size=n)
    g = rng.choice(["n", "s", "e", "w"], size=n)
    w = None
    if request.param == "weighted":
        w = rng.uniform(0.1, 5, size=n)
    if request.param == "ties":
        y = rng.integers(1, 6, size=n).astype(float)  # many ties across groups
        w = rng.integers(1, 4, size=n).astype(float)
    return y, g, w


def test_matches_naive_double_loop(case):
    y, g, w = case
    ours = gd.dagum_gini(y, g, w)
    ref = naive_dagum(y, g, w)
    for name in ("gini", "within", "net_between", "transvariation"):
        assert getattr(ours, name) == pytest.approx(ref[name], rel=1e-10, abs=1e-14), name
    np.testing.assert_allclose(ours.gini_matrix.to_numpy(), ref["gjh"], rtol=1e-10)
    np.testing.assert_allclose(ours.affluence_matrix.to_numpy(), ref["djh"], atol=1e-10)


def test_identity_and_overall_gini(case):
    y, g, w = case
    d = gd.dagum_gini(y, g, w)
    assert d.within + d.net_between + d.transvariation == pytest.approx(d.gini, rel=1e-12)
    assert d.gini == pytest.approx(gd.gini(y, w), rel=1e-10)
    assert d.within_share + d.net_between_share + d.transvariation_share == pytest.approx(1.0)
    assert d.between == pytest.approx(d.net_between + d.transvariation)


def test_integer_weights_equal_replicated_rows():
    rng = np.random.default_rng(4)
    y, g = rng.lognormal(size=30), rng.choice(["a", "b", "c"], size=30)
    w = rng.integers(1, 5, size=30)
    d = gd.dagum_gini(y, g, w)
    r = gd.dagum_gini(np.repeat(y, w), np.repeat(g, w))
    for name in ("gini", "within", "net_between", "transvariation"):
        assert getattr(d, name) == pytest.approx(getattr(r, name), rel=1e-10)
    np.testing.assert_allclose(d.gini_matrix, r.gini_matrix, rtol=1e-10)


def test_separated_groups_have_no_transvariation():
    d = gd.dagum_gini([1, 2, 10, 11], ["poor", "poor", "rich", "rich"])
    assert d.transvariation == pytest.approx(0.0, abs=1e-15)
    assert d.affluence_matrix.loc["rich", "poor"] == pytest.approx(1.0)
    assert d.affluence_matrix.loc["poor", "rich"] == pytest.approx(-1.0)
    # overall G = 76 / 192 by hand (sum of ordered |differences| / (2 n^2 mu))
    assert d.gini == pytest.approx(76 / 192)


def test_identical_groups_are_all_transvariation():
    y = [1.0, 2.0, 3.0, 1.0, 2.0, 3.0]
    d = gd.dagum_gini(y, list("aaabbb"))
    assert d.net_between == pytest.approx(0.0, abs=1e-15)
    assert d.gini_matrix.loc["a", "b"] == pytest.approx(d.gini_matrix.loc["a", "a"])


def test_group_table_and_export():
    rng = np.random.default_rng(9)
    y, g = rng.lognormal(size=20), rng.choice(["x", "y"], size=20)
    d = gd.dagum_gini(pd.Series(y), pd.Series(g))
    table = d.groups
    assert table["n"].sum() == 20
    assert table["within_contribution"].sum() == pytest.approx(d.within)
    x = g == "x"
    assert table.set_index("group").loc["x", "gini"] == pytest.approx(gd.gini(y[x]))
    frame = d.to_frame()
    assert frame["value"].tolist()[:3] == pytest.approx([d.within, d.net_between,
                                                         d.transvariation])
    assert d.to_dict()["n"] == 20


def test_errors():
    with pytest.raises(InputError, match="positive total weight.*b"):
        gd.dagum_gini([1, 2, 3], ["a", "a", "b"], [1, 1, 0])
    with pytest.raises(InputError, match="non-negative"):
        gd.dagum_gini([-1, 2], ["a", "b"])
    with pytest.raises(InputError, match="groups is required"):
        gd.dagum_gini([1, 2], None)


def test_a_group_with_zero_income_adds_nothing_and_warns_nothing():
    """Found by the property tests: 0/0 inside a zero-income group is 0, the identity holds."""
    import warnings

    import geodisparity as gd

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = gd.dagum_gini([0.0, 0.0, 1.0, 3.0], ["a", "a", "b", "b"], None)
    assert result.gini == pytest.approx(gd.gini([0.0, 0.0, 1.0, 3.0]))
    assert result.within + result.net_between + result.transvariation == pytest.approx(result.gini)
