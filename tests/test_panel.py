"""The panel of a space-time analysis: the direct placement equals the general path."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from geodisparity.spatial import _panel
from geodisparity.spatial._panel import panel
from geodisparity.spatial.weights import SpatialWeights


def general(frame, value, weights, time, id):  # noqa: A002
    """The general path alone (pivot, reindex, checks)."""
    original = _panel._by_position
    _panel._by_position = lambda *args: None
    try:
        return panel(frame, value, weights, time=time, id=id)
    finally:
        _panel._by_position = original


@pytest.mark.parametrize("seed", range(5))
def test_a_complete_long_table_gives_the_general_paths_panel(seed):
    rng = np.random.default_rng(seed)
    n, years = int(rng.integers(2, 30)), rng.choice(np.arange(1990, 2030), 4, replace=False)
    ids = pd.Index([f"r{i:03d}" for i in rng.permutation(n)], dtype="string")
    weights = SpatialWeights.from_sparse(sp.csr_array(np.ones((n, n)) - np.eye(n)), ids=ids)
    long = pd.DataFrame({"code": np.repeat(ids.to_numpy(), 4), "year": np.tile(years, n),
                         "v": rng.integers(-50, 50, 4 * n) if seed % 2 else rng.normal(size=4 * n)})
    long = long.iloc[rng.permutation(len(long))].reset_index(drop=True)
    assert _panel._by_position(long, "v", weights, "year", "code") is not None
    pd.testing.assert_frame_equal(panel(long, "v", weights, time="year", id="code"),
                                  general(long, "v", weights, "year", "code"), check_exact=True)


def test_tables_with_problems_go_through_the_general_checks():
    ids = pd.Index(["a", "b"])
    weights = SpatialWeights.from_sparse(sp.csr_array([[0, 1], [1, 0]]), ids=ids)
    good = pd.DataFrame({"code": ["a", "b", "a", "b"], "year": [1, 1, 2, 2], "v": [1.0, 2, 3, 4]})
    cases = [good.iloc[:3], good.assign(v=[1.0, np.nan, 3, 4]),
             good.assign(code=["a", "c", "a", "b"]), good.assign(year=[1, 1, 1, 2]),
             good.assign(v=["1", "2", "3", "4"]), good.iloc[:2]]
    for frame in cases:
        assert _panel._by_position(frame, "v", weights, "year", "code") is None
    with pytest.raises(Exception, match="lack a finite"):
        panel(cases[1], "v", weights, time="year", id="code")
