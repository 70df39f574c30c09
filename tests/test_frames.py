"""The fast Series wrapper gives the Series pandas's own constructor gives."""

import numpy as np
import pandas as pd
import pytest

from geodisparity._frames import default_index, wrap_series


@pytest.mark.parametrize(
    "index",
    [default_index(4), pd.Index(list("abcd"), name="region"), pd.Index([10, 3, 7, 1])],
    ids=["range", "labels", "integers"],
)
def test_wrap_series_equals_the_constructor(index):
    values = np.array([0.5, np.nan, -1.0, 2.0])
    expected = pd.Series(values.copy(), index=index, name="eb_rate")
    result = wrap_series(values, index, "eb_rate")
    pd.testing.assert_series_equal(result, expected)
    assert result.index is index and result.flags.allows_duplicate_labels
    assert result.attrs == {}


def test_wrapped_series_behaves_as_a_constructed_one():
    """Views, writes and derived objects act the same (copy-on-write included)."""
    results = []
    for make in (wrap_series, lambda v, i, n: pd.Series(v, index=i, name=n)):
        series = make(np.array([1.0, 2.0, 3.0]), default_index(3), ("a", 1))
        view = series[:2]
        view.iloc[0] = 10.0
        series.iloc[1] = 5.0
        results.append((series.tolist(), view.tolist(), (series * 2).name, series.to_frame()))
    (ours, view, name, frame), (expected, expected_view, expected_name, expected_frame) = results
    assert ours == expected and view == expected_view and name == expected_name == ("a", 1)
    pd.testing.assert_frame_equal(frame, expected_frame)


def test_default_index_is_a_range_index():
    assert default_index(0).equals(pd.RangeIndex(0))
    pd.testing.assert_index_equal(default_index(5), pd.RangeIndex(5), exact=True)
