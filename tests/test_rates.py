"""Rate smoothing and Moran's I for rates against esda and Marshall's formulas by hand."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from spatial_helpers import libpysal_example, mc_tolerance, queen_lattice

from geodisparity.errors import InputError
from geodisparity.spatial.global_stats import moran
from geodisparity.spatial.local_stats import local_moran
from geodisparity.spatial.rates import eb_rates, local_moran_rate, moran_rate
from geodisparity.spatial.weights import SpatialWeights


@pytest.fixture(scope="module")
def esda():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import esda
        import esda.smoothing  # noqa: F401

    return esda


@pytest.fixture(scope="module", params=["stl", "sids2"])
def example(request):
    """(libpysal W, SpatialWeights, events, population)."""
    if request.param == "stl":
        w, ours, data = libpysal_example("stl_hom.dbf", "stl.gal", ["HC8893", "PO8893"])
        return w, ours, data["HC8893"], data["PO8893"]
    w, ours, data = libpysal_example("sids2.dbf", "sids2.gal", ["SID74", "BIR74"])
    return w, ours, data["SID74"], data["BIR74"]


@pytest.fixture()
def legacy_seed():
    """esda's global Moran permutes with NumPy's global state: seed it, then restore it."""
    state = np.random.get_state()  # noqa: NPY002
    np.random.seed(1999)  # noqa: NPY002
    yield
    np.random.set_state(state)  # noqa: NPY002


def marshall_by_hand(events, population):
    """Marshall (1991) global EB written out term by term, one region at a time."""
    total_e, total_n, k = sum(events), sum(population), len(events)
    b = total_e / total_n
    s2 = sum(n * (e / n - b) ** 2 for e, n in zip(events, population, strict=True)) / total_n
    a = max(s2 - b / (total_n / k), 0.0)
    out = []
    for e, n in zip(events, population, strict=True):
        c = a / (a + b / n) if a > 0 else 0.0
        out.append(b + c * (e / n - b))
    return out


# ------------------------------------------------------------------ smoothing


def test_global_eb_matches_esda(example, esda):
    _, _, events, population = example
    reference = esda.smoothing.Empirical_Bayes(events, population).r.ravel()
    ours = eb_rates(events, population)
    np.testing.assert_allclose(ours.to_numpy(), reference, rtol=1e-12, atol=0)


@pytest.mark.parametrize(
    ("events", "population"),
    [
        ([2, 10, 30], [10, 100, 1000]),  # a > 0: partial shrinkage
        ([1, 2, 3, 5], [100, 200, 300, 400]),  # a < 0: Marshall sets it to 0
        ([0, 0, 0], [5, 10, 20]),  # no events at all
        ([7], [70]),  # one region
    ],
)
def test_global_eb_matches_marshall_by_hand(events, population):
    ours = eb_rates(events, population)
    np.testing.assert_allclose(ours.to_numpy(), marshall_by_hand(events, population), rtol=1e-13)


@pytest.mark.parametrize(
    ("events", "population"),
    [
        ([2.0, 10, 30, 0], [10.0, 100, 1000, 40]),  # a > 0
        ([1.0, 2, 3, 5], [100.0, 200, 300, 400]),  # a < 0
    ],
)
def test_float_arrays_give_what_other_inputs_give(events, population):
    """Float arrays take a shorter road; lists, integers and Series the general one."""
    plain = eb_rates(np.array(events), np.array(population))
    pd.testing.assert_series_equal(plain, eb_rates(events, population))
    pd.testing.assert_series_equal(plain, eb_rates(pd.Series(events), pd.Series(population)))
    np.testing.assert_allclose(plain.to_numpy(), marshall_by_hand(events, population), rtol=1e-13)
    with pytest.raises(InputError, match="nan='skip' is not accepted"):
        eb_rates(np.array(events), np.array(population), nan="skip")
    bad = np.array(events)
    bad[1] = np.inf
    with pytest.raises(InputError, match="rows 1"):
        eb_rates(bad, np.array(population))


def test_negative_variance_is_truncated_unlike_esda(esda):
    events, population = [1, 2, 3, 5], [100, 200, 300, 400]
    ours = eb_rates(events, population)
    assert ours.nunique() == 1 and ours.iloc[0] == pytest.approx(11 / 1000)
    unclipped = esda.smoothing.Empirical_Bayes(events, population).r.ravel()
    assert not np.allclose(unclipped, ours)  # esda keeps a < 0 (documented difference)


def test_spatial_eb_matches_esda(example, esda):
    w, ours, events, population = example
    reference = esda.smoothing.Spatial_Empirical_Bayes(events, population, w).r.ravel()
    result = eb_rates(events, population, weights=ours)
    assert result.index.equals(ours.ids)
    np.testing.assert_allclose(result.to_numpy(), reference, rtol=1e-12, atol=0)
    row_standardised = SpatialWeights.from_sparse(ours.sparse, ids=ours.ids, transform="R")
    again = eb_rates(events, population, weights=row_standardised)
    np.testing.assert_allclose(again.to_numpy(), reference, rtol=1e-12, atol=0)


def test_spatial_eb_by_hand_with_island():
    """Neighbourhood = the region and its neighbours; an island keeps its raw rate."""
    matrix = sp.csr_array(np.array([[0, 1, 1, 0], [1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]]))
    events, population = [3, 1, 12, 4], [100, 50, 300, 80]
    result = eb_rates(events, population, weights=SpatialWeights.from_sparse(matrix))
    expected = []
    for i, members in enumerate([[0, 1, 2], [1, 0], [2, 0], [3]]):
        e = [events[j] for j in members]
        n = [population[j] for j in members]
        b = sum(e) / sum(n)
        s2 = sum(nj * (ej / nj - b) ** 2 for ej, nj in zip(e, n, strict=True)) / sum(n)
        a = max(s2 - b / (sum(n) / len(n)), 0.0)
        c = a / (a + b / population[i]) if a > 0 else 0.0
        expected.append(b + c * (events[i] / population[i] - b))
    np.testing.assert_allclose(result.to_numpy(), expected, rtol=1e-13)
    assert result.iloc[3] == 4 / 80


def test_series_labels_data_columns_and_nan_drop():
    ids = list("abcdefghi")
    weights = SpatialWeights.from_sparse(queen_lattice(3, 3), ids=ids)
    rng = np.random.default_rng(0)
    events = pd.Series(rng.poisson(20, 9).astype(float), index=ids)
    population = pd.Series(rng.integers(500, 2000, 9).astype(float), index=ids)
    expected = eb_rates(events.to_numpy(), population.to_numpy(), weights=weights)
    frame = pd.DataFrame({"e": events, "n": population}).iloc[::-1]
    by_name = eb_rates("e", "n", weights=weights, data=frame)
    pd.testing.assert_series_equal(by_name, expected)
    table = pd.DataFrame({"e": events, "n": population})
    aspatial = eb_rates("e", "n", data=table)
    assert aspatial.index.equals(table.index) and aspatial.name == "eb_rate"

    events["e"] = np.nan
    with pytest.raises(InputError, match="1 of 9 regions have missing .*: e;"):
        eb_rates(events, population, weights=weights)
    dropped = eb_rates(events, population, weights=weights, nan="drop")
    assert np.isnan(dropped["e"]) and dropped.drop("e").notna().all()
    kept = [i for i in ids if i != "e"]
    alone = eb_rates(events[kept].to_numpy(), population[kept].to_numpy(), nan="drop")
    global_dropped = eb_rates(events.to_numpy(), population.to_numpy(), nan="drop")
    np.testing.assert_allclose(global_dropped.dropna().to_numpy(), alone.to_numpy())


@pytest.mark.parametrize(
    ("events", "population", "message"),
    [
        ([1, -2, 3], [10, 10, 10], "events must be non-negative; 1 regions are not: 1"),
        ([1, 2, 3], [10, 0, 10], "population must be positive; 1 regions are not: 1"),
        ([1, 2, 3], [10, 10], "population has 2 rows but events has 3"),
        ([1, 2, 3], [10, np.nan, 10], "rows 1"),
    ],
)
def test_bad_counts(events, population, message):
    with pytest.raises(InputError, match=message):
        eb_rates(events, population)


# ----------------------------------------------------- Moran's I for rates


def test_moran_rate_matches_esda(example, esda, legacy_seed):
    w, ours, events, population = example
    permutations = 999
    reference = esda.Moran_Rate(events, population, w, adjusted=True, permutations=permutations)
    result = moran_rate(events, population, ours, permutations=permutations, seed=3)
    assert result.statistic == pytest.approx(reference.I, rel=1e-12)
    assert result.variance_rand == pytest.approx(reference.VI_rand, rel=1e-10)
    assert result.z_norm == pytest.approx(reference.z_norm, rel=1e-10)
    assert abs(result.p_sim - reference.p_sim) <= mc_tolerance(reference.p_sim, permutations)


def test_moran_rate_standardisation_is_assuncao_reis(example, esda):
    _, ours, events, population = example
    z = esda.smoothing.assuncao_rate(events, population)
    expected = moran(z, ours, permutations=0).to_dict()
    result = moran_rate(events, population, ours, permutations=0).to_dict()
    assert result.keys() == expected.keys()
    for key, value in expected.items():
        assert result[key] == (value if isinstance(value, str) else pytest.approx(value)), key


def test_assuncao_reis_negative_variance_rule(esda):
    """A region whose a + b/n_i < 0 is standardised by b/n_i (a small rate spread forces a < 0)."""
    weights = SpatialWeights.from_sparse(queen_lattice(2, 3))
    events, population = [10, 21, 30, 41, 50, 62], [1000, 2000, 3000, 4000, 5000, 6000]
    z = esda.smoothing.assuncao_rate(np.array(events, float), np.array(population, float))
    n = np.array(population, float)
    rates, b = np.array(events) / n, sum(events) / sum(population)
    a = (n @ (rates - b) ** 2) / n.sum() - b / n.mean()
    negative = a + b / n < 0
    assert a < 0 and negative.any() and not negative.all()
    v = np.where(negative, b / n, a + b / n)
    np.testing.assert_allclose(z, (rates - b) / np.sqrt(v), rtol=1e-12)
    ours = moran_rate(events, population, weights, permutations=0)
    assert ours.statistic == pytest.approx(moran(z, weights, permutations=0).statistic, rel=1e-12)


def test_local_moran_rate_matches_esda(example, esda):
    w, ours, events, population = example
    permutations = 999
    with warnings.catch_warnings():  # esda announces a change of its default alternative
        warnings.simplefilter("ignore", DeprecationWarning)
        reference = esda.Moran_Local_Rate(
            events, population, w, adjusted=True, permutations=permutations, seed=5
        )
    result = local_moran_rate(events, population, ours, permutations=permutations, seed=6)
    np.testing.assert_allclose(result["statistic"].to_numpy(), reference.Is, rtol=1e-12)
    tolerance = mc_tolerance(reference.p_sim, permutations)
    assert (np.abs(result["p_sim"].to_numpy() - reference.p_sim) <= tolerance).all()
    assert (result["quadrant"].to_numpy() == reference.q).all()
    z = esda.smoothing.assuncao_rate(events, population)
    plain = local_moran(z, ours, permutations=permutations, seed=6)
    pd.testing.assert_frame_equal(result, plain)


def test_local_moran_rate_drops_missing_regions():
    weights = SpatialWeights.from_sparse(queen_lattice(4, 4))
    rng = np.random.default_rng(8)
    events = rng.poisson(15, 16).astype(float)
    population = rng.integers(300, 900, 16).astype(float)
    events[[2, 9]] = np.nan
    out = local_moran_rate(events, population, weights, seed=0, nan="drop")
    assert out.loc[[2, 9], "statistic"].isna().all()
    assert out["statistic"].drop([2, 9]).notna().all()
    with pytest.raises(InputError, match="2, 9"):
        local_moran_rate(events, population, weights)


def test_bad_counts_name_the_regions():
    weights = SpatialWeights.from_sparse(queen_lattice(2, 2), ids=["n1", "n2", "n3", "n4"])
    with pytest.raises(InputError, match="population must be positive; 1 regions are not: n3"):
        eb_rates([1, 2, 3, 4], [10, 10, -5, 10], weights=weights)
    with pytest.raises(InputError, match="events must be non-negative; 1 regions are not: n2"):
        moran_rate([1, -2, 3, 4], [10, 10, 10, 10], weights)
