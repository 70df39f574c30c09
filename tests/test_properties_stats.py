"""Property-based tests of the statistics (hypothesis): invariances and clear errors only.

Each property follows from the published definition of the index:

* row order: every index here is a symmetric function of the (value, weight)
  pairs; Moran's I is invariant when regions and weights are permuted together;
* scale: Gini, GE (Theil, MLD), Atkinson and the CV are homogeneous of degree 0
  (Cowell 2011, ch. 3, "scale independence"); Moran's I is invariant to any
  positive affine map of the values;
* replication: with population weights, a region of weight 2 is the same as
  that region listed twice with weight 1 (the "population principle"; Dalton
  1920); Dagum's decomposition counts people the same way;
* bad input: random NaN, inf, negative, empty, text, object and mismatched
  inputs raise a ``GeodisparityError`` (and a documented warning at most),
  never another exception.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import geodisparity as gd  # noqa: E402
from geodisparity.errors import GeodisparityError, GeodisparityWarning  # noqa: E402
from geodisparity.spatial.weights import SpatialWeights  # noqa: E402

FAST = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

positive = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)
weights_ = st.floats(min_value=0.1, max_value=100.0, allow_nan=False, allow_infinity=False)


@st.composite
def samples(draw, min_size=2, max_size=40):
    n = draw(st.integers(min_size, max_size))
    values = np.array(draw(st.lists(positive, min_size=n, max_size=n)))
    weights = np.array(draw(st.lists(weights_, min_size=n, max_size=n)))
    order = np.array(draw(st.permutations(range(n))))
    return values, weights, order


INDICES = {
    "gini": lambda y, w: gd.gini(y, w),
    "theil": lambda y, w: gd.theil(y, w),
    "mld": lambda y, w: gd.mld(y, w),
    "ge2": lambda y, w: gd.ge(y, 2, w),
    "atkinson": lambda y, w: gd.atkinson(y, 0.5, w),
    "atkinson1": lambda y, w: gd.atkinson(y, 1.0, w),
    "cv": lambda y, w: gd.cv(y, w),
}


@pytest.mark.parametrize("name", INDICES)
@FAST
@given(sample=samples())
def test_indices_do_not_depend_on_row_order(name, sample):
    y, w, order = sample
    index = INDICES[name]
    assert index(y[order], w[order]) == pytest.approx(index(y, w), rel=1e-9, abs=1e-12)
    assert index(y[order], None) == pytest.approx(index(y, None), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("name", INDICES)
@FAST
@given(sample=samples(), factor=st.floats(min_value=1e-3, max_value=1e3))
def test_indices_are_scale_invariant(name, sample, factor):
    y, w, _ = sample
    index = INDICES[name]
    assert index(y * factor, w) == pytest.approx(index(y, w), rel=1e-8, abs=1e-12)


@pytest.mark.parametrize("name", INDICES)
@FAST
@given(sample=samples(max_size=20), data=st.data())
def test_a_weight_of_two_equals_a_duplicated_row(name, sample, data):
    y, w, _ = sample
    w = np.rint(w) + 1  # whole numbers of people
    i = data.draw(st.integers(0, y.size - 1))
    index = INDICES[name]
    doubled = w.copy()
    doubled[i] *= 2
    repeated_y = np.append(y, y[i])
    repeated_w = np.append(w, w[i])
    assert index(y, doubled) == pytest.approx(index(repeated_y, repeated_w), rel=1e-9, abs=1e-12)
    # Integer weights are people: expanding every region into its people changes nothing.
    people = np.repeat(y, w.astype(int))
    assert index(y, w) == pytest.approx(index(people, None), rel=1e-9, abs=1e-12)


@FAST
@given(sample=samples(min_size=4, max_size=24), data=st.data())
def test_dagum_gini_is_order_invariant_and_counts_people(sample, data):
    y, w, order = sample
    groups = np.array(data.draw(st.lists(st.sampled_from("abc"), min_size=y.size,
                                         max_size=y.size)))
    if np.unique(groups).size < 2:
        groups[0], groups[1] = "a", "b"
    base = gd.dagum_gini(y, groups, w)
    shuffled = gd.dagum_gini(y[order], groups[order], w[order])
    for field in ("gini", "within", "net_between", "transvariation"):
        assert getattr(shuffled, field) == pytest.approx(getattr(base, field), rel=1e-9,
                                                         abs=1e-12)
    assert base.gini == pytest.approx(gd.gini(y, w), rel=1e-9)
    whole = np.rint(w) + 1
    people = gd.dagum_gini(np.repeat(y, whole.astype(int)), np.repeat(groups, whole.astype(int)))
    assert gd.dagum_gini(y, groups, whole).gini == pytest.approx(people.gini, rel=1e-9)


# ---------------------------------------------------------------- Moran's I


def random_weights(n, density, rng):
    upper = sp.random(n, n, density=density, random_state=rng, format="csr")
    matrix = upper + upper.T
    matrix.setdiag(0)
    matrix.eliminate_zeros()
    matrix.data[:] = 1.0
    ring = sp.diags_array([np.ones(n - 1), np.ones(n - 1)], offsets=[-1, 1])
    return sp.csr_array(((matrix + ring) > 0).astype(float))


@FAST
@given(n=st.integers(5, 40), seed=st.integers(0, 2**32 - 1),
       shift=st.floats(-1e3, 1e3), factor=st.floats(1e-3, 1e3))
def test_moran_is_invariant_to_consistent_permutation_and_affine_maps(n, seed, shift, factor):
    rng = np.random.default_rng(seed)
    matrix = random_weights(n, 0.1, rng)
    x = rng.standard_normal(n)
    reference = gd.moran(x, SpatialWeights.from_sparse(matrix), permutations=0).statistic
    order = rng.permutation(n)
    permuted = SpatialWeights.from_sparse(matrix[order][:, order])
    assert gd.moran(x[order], permuted, permutations=0).statistic == pytest.approx(
        reference, rel=1e-9, abs=1e-12)
    moved = gd.moran(shift + factor * x, SpatialWeights.from_sparse(matrix), permutations=0)
    assert moved.statistic == pytest.approx(reference, rel=1e-7, abs=1e-9)


# ---------------------------------------------------------------- bad input only gives clear errors

bad_scalars = st.one_of(
    st.just(np.nan), st.just(np.inf), st.just(-np.inf), st.floats(-1e6, -1e-3),
    st.just(0.0), st.text(max_size=4), st.none(), st.just(b"x"), st.just(object()),
    st.booleans(),
)
good_scalars = st.floats(0.5, 100.0)


@st.composite
def bad_arrays(draw):
    kind = draw(st.sampled_from(["mixed", "empty", "2d", "object", "text", "length"]))
    n = draw(st.integers(1, 12))
    if kind == "empty":
        return [], None
    if kind == "2d":
        return np.ones((n, 2)), None
    if kind == "text":
        return draw(st.lists(st.text(max_size=3), min_size=n, max_size=n)), None
    if kind == "length":
        return np.ones(n) + np.arange(n), np.ones(n + draw(st.integers(1, 3)))
    values = draw(st.lists(st.one_of(good_scalars, bad_scalars), min_size=n, max_size=n))
    if kind == "object":
        return np.array(values, dtype=object), None
    weights = draw(st.one_of(st.none(), st.lists(st.one_of(good_scalars, bad_scalars),
                                                  min_size=n, max_size=n)))
    return values, weights


CALLS = {
    "gini": lambda v, w: gd.gini(v, w),
    "theil": lambda v, w: gd.theil(v, w),
    "mld": lambda v, w: gd.mld(v, w),
    "ge": lambda v, w: gd.ge(v, 2, w),
    "atkinson": lambda v, w: gd.atkinson(v, 0.5, w),
    "cv": lambda v, w: gd.cv(v, w),
    "williamson": lambda v, w: gd.williamson(v, w if w is not None else [1.0] * _len(v)),
    "theil_decomposition": lambda v, w: gd.theil_decomposition(v, ["a", "b"] * _len(v), w),
    "ge_decomposition": lambda v, w: gd.ge_decomposition(v, (["a", "b"] * _len(v))[:_len(v)],
                                                         2, w),
    "dagum_gini": lambda v, w: gd.dagum_gini(v, (["a", "b"] * _len(v))[:_len(v)], w),
    "bootstrap": lambda v, w: gd.bootstrap(gd.gini, v, w, n_boot=9, seed=0),
    "moran": lambda v, w: gd.moran(v, _chain(_len(v)), permutations=9, seed=0),
    "local_moran": lambda v, w: gd.local_moran(v, _chain(_len(v)), permutations=9, seed=0),
    "local_gi_star": lambda v, w: gd.local_gi_star(v, _chain(_len(v)), permutations=9, seed=0),
}


def _len(v):
    try:
        return len(v)
    except TypeError:
        return 1


def _chain(n):
    n = max(n, 1)
    return SpatialWeights.from_sparse(
        sp.diags_array([np.ones(n - 1), np.ones(n - 1)], offsets=[-1, 1], shape=(n, n)))


@pytest.mark.parametrize("name", CALLS)
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arrays=bad_arrays())
def test_random_bad_input_gives_only_clear_errors(name, arrays):
    values, weights = arrays
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning but ours is a failure
        warnings.simplefilter("ignore", GeodisparityWarning)
        try:
            CALLS[name](values, weights)
        except GeodisparityError:
            pass
