"""LISA dynamics against giddy's LISA_Markov and Rey's transition types by hand."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import geodisparity as gd
from geodisparity.spatial.lisa_dynamics import transition_types
from geodisparity.spatial.weights import SpatialWeights

HH, LH, LL, HL = 1, 2, 3, 4
# Rey (2001), Table 3: every pair of quadrants and its type, written out.
BY_HAND = {
    (HH, HH): "0", (LH, LH): "0", (LL, LL): "0", (HL, HL): "0",
    (HH, LH): "I", (LH, HH): "I", (HL, LL): "I", (LL, HL): "I",
    (HH, HL): "II", (HL, HH): "II", (LH, LL): "II", (LL, LH): "II",
    (HH, LL): "IIIA", (LL, HH): "IIIA",
    (HL, LH): "IIIB", (LH, HL): "IIIB",
}


def test_transition_types_of_all_sixteen_pairs() -> None:
    pairs = list(BY_HAND)
    types = transition_types([a for a, _ in pairs], [b for _, b in pairs])
    assert types.tolist() == [BY_HAND[p] for p in pairs]
    assert transition_types([0, 1], [1, 0]).tolist() == [None, None]


def _lattice(rows: int, cols: int):
    import libpysal

    w = libpysal.weights.lat2W(rows, cols, rook=False)
    matrix, ids = w.full()
    return w, SpatialWeights.from_sparse(sp.csr_array(matrix), ids=ids)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_quadrants_and_markov_matrix_match_giddy(seed: int) -> None:
    pytest.importorskip("giddy")
    from giddy.markov import LISA_Markov

    w, ours_w = _lattice(6, 7)
    rng = np.random.default_rng(seed)
    n, periods = w.n, 8
    trend = np.linspace(0, 3, n)[:, None]
    y = trend * rng.normal(1, 0.5, (1, periods)) + rng.normal(size=(n, periods))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        oracle = LISA_Markov(y, w, permutations=0)
    ours = gd.lisa_dynamics(pd.DataFrame(y, index=ours_w.ids), None, ours_w, time=None,
                            permutations=0)
    assert (ours.quadrants.to_numpy() == oracle.q).all()
    assert (ours.counts == oracle.transitions).all()
    assert ours.probabilities == pytest.approx(np.nan_to_num(oracle.p))
    # giddy's move types number the 16 (from, to) pairs as 4 (from - 1) + to
    from_q, to_q = ours.quadrants.to_numpy()[:, :-1], ours.quadrants.to_numpy()[:, 1:]
    assert ((from_q - 1) * 4 + to_q == oracle.move_types).all()


def test_cohesion_and_type_counts_by_hand() -> None:
    chain = sp.diags_array([np.ones(5), np.ones(5)], offsets=[-1, 1], shape=(6, 6))
    w = SpatialWeights.from_sparse(chain.tocsr())
    wide = pd.DataFrame({2020: [1.0, 2, 3, 4, 5, 6], 2021: [1.0, 2, 6, 4, 5, 3],
                         2022: [6.0, 5, 4, 3, 2, 1]})
    out = gd.lisa_dynamics(wide, None, w, time=None, permutations=0)
    # 2020: LL LL LL HH HH HH (a gradient); 2021: region 2 jumps high, region 5 drops
    assert out.quadrants[2021].tolist() == [LL, LL, HL, HH, HL, LH]
    assert out.types["2020-2021"].tolist() == ["0", "0", "I", "0", "II", "I"]
    first = out.by_period.iloc[0]
    assert (first["0"], first["I"], first["II"], first["IIIA"], first["IIIB"]) == (3, 2, 1, 0, 0)
    assert first["cohesion"] == pytest.approx(3 / 6)
    assert out.type_totals().sum() == 12
    assert out.cohesion == pytest.approx(out.by_period["0"].sum() / 12)
    assert out.counts.sum() == 12
    assert np.isnan(out.significant_cohesion)  # no permutations: nothing significant


def test_significant_cohesion_counts_kept_clusters() -> None:
    w_lib, w = _lattice(8, 8)
    rng = np.random.default_rng(4)
    field = np.add.outer(np.arange(8.0), np.arange(8.0)).ravel()[:, None]
    y = field + rng.normal(0, 1, (64, 4))
    out = gd.lisa_dynamics(pd.DataFrame(y, index=w.ids), None, w, time=None, seed=1,
                           permutations=199)
    q, s = out.quadrants.to_numpy(), out.significant.to_numpy()
    was = s[:, :-1]
    kept = was & s[:, 1:] & (q[:, :-1] == q[:, 1:])
    assert out.significant_cohesion == pytest.approx(kept.sum() / was.sum())
    assert out.significant_cohesion > 0.5  # a strong gradient keeps its clusters
    again = gd.lisa_dynamics(pd.DataFrame(y, index=w.ids), None, w, time=None, seed=1,
                             permutations=199)
    pd.testing.assert_frame_equal(out.significant, again.significant)
    assert out.to_frame().shape == (4, 4)
