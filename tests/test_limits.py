"""Bounded resources: the permutation ceiling, the memory check, hub regions in bounded memory."""

import tracemalloc

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import geodisparity._resources as resources
from geodisparity._limits import MAX_PERMUTATIONS
from geodisparity.errors import GeodisparityError, InputError, ResourceError
from geodisparity.spatial import _draws
from geodisparity.spatial.emerging import emerging_hotspots
from geodisparity.spatial.global_stats import geary, getis_ord_g, moran, moran_bivariate
from geodisparity.spatial.lisa_dynamics import lisa_dynamics
from geodisparity.spatial.local_geary import local_geary
from geodisparity.spatial.local_stats import (
    local_gi_star,
    local_moran,
    local_moran_bivariate,
)
from geodisparity.spatial.permutation import lag_distribution
from geodisparity.spatial.rates import local_moran_rate, moran_rate
from geodisparity.spatial.spatial_gini import spatial_gini
from geodisparity.spatial.weights import SpatialWeights
from geodisparity.stats.inequality import theil
from geodisparity.stats.uncertainty import between_group_test, bootstrap

X = np.array([1.0, 3.0, 2.0, 8.0, 5.0, 4.0, 9.0, 7.0])
Y = X[::-1].copy()
GROUPS = list("aaaabbbb")


def ring(n: int) -> SpatialWeights:
    return SpatialWeights.from_sparse(
        sp.diags_array([np.ones(n - 1), np.ones(n - 1)], offsets=[-1, 1])
    )


W = ring(8)
EVENTS = np.array([1.0, 3.0, 2.0, 8.0, 5.0, 4.0, 9.0, 7.0])
PEOPLE = np.array([100.0, 120.0, 90.0, 110.0, 100.0, 95.0, 105.0, 98.0])
PANEL = pd.DataFrame({1: X, 2: Y, 3: X + Y})

# (call, count keyword, allow keyword)
PERMUTING = {
    "moran": (lambda **k: moran(X, W, **k), "permutations", "allow_many_permutations"),
    "geary": (lambda **k: geary(X, W, **k), "permutations", "allow_many_permutations"),
    "getis_ord_g": (lambda **k: getis_ord_g(X, W, **k), "permutations",
                    "allow_many_permutations"),
    "moran_bivariate": (lambda **k: moran_bivariate(X, Y, W, **k), "permutations",
                        "allow_many_permutations"),
    "local_moran": (lambda **k: local_moran(X, W, **k), "permutations",
                    "allow_many_permutations"),
    "local_moran_bivariate": (lambda **k: local_moran_bivariate(X, Y, W, **k), "permutations",
                              "allow_many_permutations"),
    "local_gi_star": (lambda **k: local_gi_star(X, W, **k), "permutations",
                      "allow_many_permutations"),
    "local_geary": (lambda **k: local_geary(X, W, **k), "permutations",
                    "allow_many_permutations"),
    "bootstrap": (lambda **k: bootstrap(theil, X, **k), "n_boot", "allow_many_replicates"),
    "between_group_test": (lambda **k: between_group_test(X, GROUPS, **k), "permutations",
                           "allow_many_permutations"),
    "spatial_gini": (lambda **k: spatial_gini(X, W, **k), "permutations",
                     "allow_many_permutations"),
    "moran_rate": (lambda **k: moran_rate(EVENTS, PEOPLE, W, **k), "permutations",
                   "allow_many_permutations"),
    "local_moran_rate": (lambda **k: local_moran_rate(EVENTS, PEOPLE, W, **k), "permutations",
                         "allow_many_permutations"),
    "emerging_hotspots": (lambda **k: emerging_hotspots(PANEL, None, W, time=None, **k),
                          "permutations", "allow_many_permutations"),
    "lisa_dynamics": (lambda **k: lisa_dynamics(PANEL, None, W, time=None, **k),
                      "permutations", "allow_many_permutations"),
}


def test_the_ceiling_is_documented_in_every_function_that_permutes():
    functions = [moran, geary, getis_ord_g, moran_bivariate, local_moran, bootstrap,
                 between_group_test, spatial_gini, emerging_hotspots, lisa_dynamics]
    for function in functions:
        assert f"{MAX_PERMUTATIONS:,}" in function.__doc__, function.__name__
        assert "allow_many_" in function.__doc__, function.__name__


@pytest.mark.parametrize("name", PERMUTING)
def test_counts_above_the_ceiling_are_refused_naming_the_argument(name):
    call, count, allow = PERMUTING[name]
    with pytest.raises(InputError, match=rf"{count}={MAX_PERMUTATIONS + 1}.*{allow}=True"):
        call(**{count: MAX_PERMUTATIONS + 1, "seed": 0})


@pytest.mark.parametrize("name", PERMUTING)
def test_counts_above_the_ceiling_run_when_explicitly_allowed(name, monkeypatch):
    monkeypatch.setattr(resources, "MAX_PERMUTATIONS", 20)
    call, count, allow = PERMUTING[name]
    with pytest.raises(InputError, match="ceiling of 20"):
        call(**{count: 21, "seed": 0})
    result = call(**{count: 21, "seed": 0, allow: True})
    assert result is not None


@pytest.mark.parametrize("name", PERMUTING)
@pytest.mark.parametrize("bad", [-1, 2.5, "999", True, None])
def test_bad_counts_are_clear_errors(name, bad):
    call, count, _ = PERMUTING[name]
    with pytest.raises(InputError, match=count):
        call(**{count: bad, "seed": 0})


@pytest.mark.parametrize("name", ["moran", "geary", "moran_bivariate", "local_moran",
                                  "local_gi_star", "local_geary"])
def test_the_engine_refuses_before_allocating_when_memory_is_short(name, monkeypatch):
    monkeypatch.setattr(resources, "available_memory", lambda: 1024)
    call, count, _ = PERMUTING[name]
    tracemalloc.start()
    try:
        with pytest.raises(ResourceError, match=r"would need about .* but only 1\.0 KiB") as err:
            call(**{count: 999, "seed": 0})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(err.value, GeodisparityError) and isinstance(err.value, MemoryError)
    assert peak < 2**20  # nothing of the size of the estimate was allocated


def test_the_memory_check_passes_when_memory_is_unknown(monkeypatch):
    monkeypatch.setattr(resources, "available_memory", lambda: None)
    assert moran(X, W, permutations=9, seed=0).permutations == 9


def test_available_memory_reads_the_machine():
    available = resources.available_memory()
    assert available is None or 2**20 < available < 2**50


def test_a_hub_with_a_million_neighbours_is_estimated_in_bounded_memory():
    # Holding the whole table took ~20 GB for 999 permutations; chunks take a fraction of 1 GiB.
    n = 1_000_001
    estimate = _draws.estimate_bytes(n, 2 * (n - 1) + n, n - 1, 999, distinct=3)
    assert estimate < 2**30
    assert 999 * (n - 1) * 8 > 7 * 2**30  # what the old design held in lags alone


# -------------------------------------------------------------------- hub regions


def hub(n: int, *, unequal: bool = False) -> sp.csr_array:
    """Region 0 neighbours every other region; the others also form a ring."""
    others = np.arange(1, n)
    rows = np.concatenate([np.zeros(n - 1, int), others, others, np.roll(others, 1)])
    cols = np.concatenate([others, np.zeros(n - 1, int), np.roll(others, 1), others])
    data = np.ones(rows.size)
    if unequal:
        data = 1.0 + (rows * 7 + cols * 3) % 5  # unequal weights: the general path
    return sp.csr_array((data, (rows, cols)), shape=(n, n))


def peak_bytes(z, weights, permutations, *, fast=True):
    tracemalloc.start()
    try:
        lag_distribution(z, weights, weights @ z, permutations=permutations,
                         rng=np.random.default_rng(0), fast=fast)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("fast", [True, False])
def test_peak_memory_does_not_grow_with_the_hub_cardinality(fast, monkeypatch):
    monkeypatch.setattr(_draws, "CHUNK_ELEMENTS", 1 << 15)
    monkeypatch.setattr(_draws, "DRAW_ELEMENTS", 1 << 13)
    permutations = 199
    peaks = {}
    for n in (2_000, 16_000):
        weights = hub(n, unequal=not fast)
        z = np.random.default_rng(1).standard_normal(n)
        peaks[n] = peak_bytes(z, weights, permutations, fast=fast)
    # Holding the table whole would take >= permutations * n * 20 bytes (64 MB at 16,000).
    whole = permutations * 16_000 * 20
    assert peaks[16_000] < whole / 8
    # Beyond what grows with n itself (per-region arrays, ~0.4 KB per region), bounded.
    assert peaks[16_000] - peaks[2_000] < 400 * 14_000 + 64 * (1 << 15)


@pytest.mark.parametrize("fast", [True, False])
def test_chunked_results_equal_unchunked_ones_for_the_same_seed(fast, monkeypatch):
    weights = hub(1_500, unequal=not fast)
    z = np.random.default_rng(2).standard_normal(1_500)
    observed = weights @ z

    def run():
        return lag_distribution(z, weights, observed, permutations=299,
                                rng=np.random.default_rng(11), fast=fast)

    whole = run()
    monkeypatch.setattr(_draws, "CHUNK_ELEMENTS", 1 << 12)  # many chunks, small region spans
    chunked = run()
    np.testing.assert_array_equal(chunked.n_ge, whole.n_ge)
    np.testing.assert_array_equal(chunked.n_le, whole.n_le)
    np.testing.assert_allclose(chunked.mean, whole.mean, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(chunked.std, whole.std, rtol=1e-8, atol=1e-12)


def test_the_hub_gets_its_exact_conditional_distribution(monkeypatch):
    # With every other region as neighbour, the hub's lag cannot change: all ties.
    monkeypatch.setattr(_draws, "CHUNK_ELEMENTS", 1 << 12)
    weights = hub(600)
    z = np.random.default_rng(3).standard_normal(600)
    dist = lag_distribution(z, weights, weights @ z, permutations=99,
                            rng=np.random.default_rng(4))
    assert dist.n_ge[0] == dist.n_le[0] == 99
    assert dist.std[0] < 1e-6 * (abs(dist.mean[0]) + 1)  # zero up to rounding
    # An ordinary ring region: the mean of its permuted lag is 2 * mean(z without it).
    i = 10
    expected = 2 * (z.sum() - z[i]) / 599
    se = dist.std[i] / np.sqrt(99)
    assert abs(dist.mean[i] - expected) < 5 * se
