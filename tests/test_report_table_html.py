"""Report tables written directly (geodisparity.report_table_html) against pandas' to_html."""

import numpy as np
import pandas as pd
import pytest

from geodisparity.report import Table, format_value
from geodisparity.report_table_html import html_table

PIECES = ["a", " ", "  ", "&", "<", ">", "\t", "\n", "\r", "é", "县", "'", '"', "&amp;", "x y",
          "{{ 7*7 }}"]


def number(value):
    return format_value(value, 4)


def pandas_html(frame):
    return frame.to_html(index=False, escape=True, border=0, na_rep="–", float_format=number)


def random_frame(rng):
    def text():
        return "".join(rng.choice(PIECES, size=int(rng.integers(0, 6))))

    n = int(rng.integers(1, 6))
    floats = rng.normal(size=n) * 10.0 ** rng.integers(-9, 7)
    floats[rng.random(n) < 0.3] = np.nan
    floats[rng.random(n) < 0.1] = -np.inf
    return pd.DataFrame({
        (text() or "f") + "0": floats,
        text() + "1": rng.integers(-10_000, 10_000, n),
        text() + "2": rng.random(n) > 0.5,
        text() + "3": pd.Series([None if rng.random() < 0.3 else text() for _ in range(n)],
                                dtype=object),
        text() + "4": pd.Series([None if rng.random() < 0.3 else text() for _ in range(n)],
                                dtype="str"),
        text() + "5": pd.Series([pd.NA if rng.random() < 0.3 else text() for _ in range(n)],
                                dtype="string"),
    })


@pytest.mark.parametrize("seed", range(4))
def test_the_markup_is_pandas_markup_character_for_character(seed):
    rng = np.random.default_rng(seed)
    for _ in range(40):
        frame = random_frame(rng)
        if frame.columns.is_unique:
            assert html_table(frame, number, "–") == pandas_html(frame)


@pytest.mark.parametrize("frame", [
    pd.DataFrame(), pd.DataFrame({"a": []}), pd.DataFrame({"a": [pd.Timestamp("2024-01-02")]}),
    pd.DataFrame({"a": [1.5, "x"]}), pd.DataFrame({("a", "b"): [1]}),
    pd.DataFrame({"a": [1]}, index=["r"]).T,
])
def test_other_frames_go_to_pandas(frame):
    if html_table(frame, number, "–") is None:
        assert Table.from_frame(frame).html == pandas_html(frame)
    else:  # a frame it covers must come out as pandas writes it
        assert html_table(frame, number, "–") == pandas_html(frame)
