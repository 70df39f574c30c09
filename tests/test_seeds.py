"""Seeds: one helper, the same accepted values everywhere, clear errors for the rest."""

import numpy as np
import pytest
import scipy.sparse as sp

from geodisparity._inputs import make_rng
from geodisparity.errors import InputError
from geodisparity.spatial.global_stats import geary, getis_ord_g, moran, moran_bivariate
from geodisparity.spatial.local_geary import local_geary
from geodisparity.spatial.local_stats import (
    local_gi_star,
    local_moran,
    local_moran_bivariate,
)
from geodisparity.spatial.weights import SpatialWeights
from geodisparity.stats.inequality import gini
from geodisparity.stats.uncertainty import between_group_test, bootstrap

X = np.array([1.0, 3.0, 2.0, 8.0, 5.0, 4.0, 9.0, 7.0])
Y = X[::-1].copy()
W = SpatialWeights.from_sparse(sp.diags_array([np.ones(7), np.ones(7)], offsets=[-1, 1]))

TAKES_A_SEED = {
    "moran": lambda seed, **k: moran(X, W, seed=seed, **k),
    "geary": lambda seed, **k: geary(X, W, seed=seed, **k),
    "getis_ord_g": lambda seed, **k: getis_ord_g(X, W, seed=seed, **k),
    "moran_bivariate": lambda seed, **k: moran_bivariate(X, Y, W, seed=seed, **k),
    "local_moran": lambda seed, **k: local_moran(X, W, seed=seed, **k),
    "local_moran_bivariate": lambda seed, **k: local_moran_bivariate(X, Y, W, seed=seed, **k),
    "local_gi_star": lambda seed, **k: local_gi_star(X, W, seed=seed, **k),
    "local_geary": lambda seed, **k: local_geary(X, W, seed=seed, **k),
    "bootstrap": lambda seed, **k: bootstrap(gini, X, seed=seed, n_boot=k.get("permutations", 99)),
    "between_group_test": lambda seed, **k: between_group_test(
        X, list("aaaabbbb"), seed=seed, permutations=k.get("permutations", 99) or 1),
}

def seed_id(seed):
    """A test id that is the same in every process (no memory addresses: pytest-xdist)."""
    return "object" if type(seed) is object else f"{type(seed).__name__}-{seed}"


BAD_SEEDS = [-1, "abc", 1.5, True, False, np.float64(2.0), [1, 2], object(), np.int64(-3)]


def fingerprint(result):
    """Something that changes with the draws: p-values, replicates or null moments."""
    for name in ("p_sim", "replicates", "null_mean"):
        if hasattr(result, name):
            return np.asarray(getattr(result, name), dtype=float)
    return result["p_sim"].to_numpy(dtype=float)


@pytest.mark.parametrize("name", TAKES_A_SEED)
@pytest.mark.parametrize("bad", BAD_SEEDS, ids=seed_id)
def test_a_bad_seed_is_an_input_error_naming_seed_and_the_value(name, bad):
    with pytest.raises(InputError, match=r"seed=.* is not accepted; use None .*non-negative"):
        TAKES_A_SEED[name](bad, permutations=9)


@pytest.mark.parametrize("name", [n for n in TAKES_A_SEED if not n.startswith(("boot", "betw"))])
def test_a_bad_seed_is_refused_even_without_permutations(name):
    with pytest.raises(InputError, match="seed=-1"):
        TAKES_A_SEED[name](-1, permutations=0)


@pytest.mark.parametrize("name", TAKES_A_SEED)
def test_accepted_seeds_reproduce_a_run(name):
    run = TAKES_A_SEED[name]
    first = fingerprint(run(12, permutations=99))
    np.testing.assert_array_equal(first, fingerprint(run(np.int64(12), permutations=99)))
    sequence = fingerprint(run(np.random.SeedSequence(5), permutations=99))
    np.testing.assert_array_equal(
        sequence, fingerprint(run(np.random.SeedSequence(5), permutations=99)))
    generator = fingerprint(run(np.random.default_rng(12), permutations=99))
    np.testing.assert_array_equal(first, generator)  # a Generator is used as is
    assert np.isfinite(fingerprint(run(None, permutations=99))).any()


def test_a_generator_is_used_as_is_and_advanced():
    rng = np.random.default_rng(3)
    assert make_rng(rng) is rng
    a = moran(X, W, seed=rng, permutations=99).p_sim
    b = moran(X, W, seed=rng, permutations=99).p_sim
    fresh = np.random.default_rng(3)
    assert a == moran(X, W, seed=fresh, permutations=99).p_sim
    assert rng.bit_generator.state != np.random.default_rng(3).bit_generator.state
    assert b is not None


def test_make_rng_never_touches_global_state():
    before = np.random.get_state()[1].copy()  # noqa: NPY002 (checking it is left alone)
    make_rng(None).random(5)
    make_rng(1).random(5)
    np.testing.assert_array_equal(np.random.get_state()[1], before)  # noqa: NPY002


def test_large_integer_seeds_are_accepted():
    assert make_rng(2**100).integers(10) == make_rng(2**100).integers(10)
