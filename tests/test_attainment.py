"""Target attainment and task books on hand-computed cases."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest

import geodisparity as gd
from geodisparity.errors import GeodisparityError, PaceWarning
from geodisparity.taskbook import write_excel

PANEL = pd.DataFrame({
    "id": ["a"] * 4 + ["b"] * 4,
    "year": [2020, 2021, 2022, 2023] * 2,
    "doctors": [2.0, 2.2, 2.5, 2.75, 2.0, 2.0, 2.05, 2.1],
})
DOCTORS = gd.Indicator("doctors", target=3.5, target_year=2025)


def _row(table, region, year):
    return table[(table["id"] == region) & (table["year"] == year)].iloc[0]


def test_linear_pace_by_hand():
    t = gd.target_attainment(PANEL, [DOCTORS], year="year", id="id", pace="linear")
    a, b = _row(t, "a", 2023), _row(t, "b", 2023)
    assert a["gap"] == pytest.approx(0.75) and a["years_left"] == 2
    assert a["needed_pace"] == pytest.approx(0.75 / 2)
    assert a["actual_pace"] == pytest.approx((2.75 - 2.0) / 3)  # window 3: from 2020
    assert a["pace_ratio"] == pytest.approx(0.25 / 0.375)
    assert a["pace_status"] == "at risk" and a["status"] == "not met"
    assert b["actual_pace"] == pytest.approx(0.1 / 3)
    assert b["pace_status"] == "off track" and b["pace_method"] == "linear"
    assert t.columns[:3].tolist() == ["id", "year", "indicator"]


def test_compound_pace_by_hand_and_window():
    t = gd.target_attainment(PANEL, [DOCTORS], year="year", id="id", window=2)
    a = _row(t, "a", 2023)
    needed = (3.5 / 2.75) ** (1 / 2) - 1
    actual = (2.75 / 2.2) ** (1 / 2) - 1  # window 2: from 2021
    assert a["needed_pace"] == pytest.approx(needed, rel=1e-12)
    assert a["actual_pace"] == pytest.approx(actual, rel=1e-12)
    assert a["pace_status"] == ("on track" if actual >= needed else
                                "at risk" if actual >= 0.5 * needed else "off track")
    assert a["pace_method"] == "compound"
    first = _row(t, "a", 2020)
    assert np.isnan(first["actual_pace"]) and pd.isna(first["pace_status"])


def test_gap_in_the_window_uses_the_earliest_year_available():
    panel = PANEL[~((PANEL["id"] == "a") & (PANEL["year"] == 2020))]
    t = gd.target_attainment(panel, [DOCTORS], year="year", id="id", pace="linear")
    assert _row(t, "a", 2023)["actual_pace"] == pytest.approx((2.75 - 2.2) / 2)


def test_lower_is_better_and_deadline_passed():
    ratio = gd.Indicator("ratio", direction="lower", target=1.9, target_year=2022)
    frame = pd.DataFrame({"id": ["p"] * 3, "year": [2021, 2022, 2023],
                          "ratio": [2.1, 1.95, 1.85]})
    t = gd.target_attainment(frame, [ratio], year="year", id="id", pace="linear")
    assert t["gap"].round(6).tolist() == [0.2, 0.05, -0.05]
    assert t["status"].tolist() == ["not met", "within tolerance", "met"]
    # 2021: needs -0.2 per year, nothing earlier; 2022: deadline today, not met; 2023: met
    assert t["needed_pace"].iloc[0] == pytest.approx(-0.2)
    assert t["pace_status"].fillna("-").tolist() == ["-", "off track", "on track"]


def test_lower_is_better_pace_compares_declines():
    ratio = gd.Indicator("ratio", direction="lower", target=1.8, target_year=2025)
    frame = pd.DataFrame({"id": ["p", "p", "q", "q"], "year": [2022, 2023] * 2,
                          "ratio": [2.2, 2.0, 2.0, 2.02]})
    t = gd.target_attainment(frame, [ratio], year="year", id="id")
    p, q = t.iloc[1], t.iloc[3]
    assert p["needed_pace"] == pytest.approx((1.8 / 2.0) ** 0.5 - 1)
    assert p["actual_pace"] == pytest.approx(2.0 / 2.2 - 1)
    assert p["pace_status"] == "on track"  # falling faster than needed
    assert q["pace_ratio"] < 0 and q["pace_status"] == "off track"  # moving away


def test_compound_falls_back_to_linear_on_zero_values():
    frame = pd.DataFrame({"id": ["z", "z"], "year": [2022, 2023], "beds": [0.0, 1.0]})
    goal = gd.Indicator("beds", target=4.0, target_year=2026)
    with pytest.warns(PaceWarning, match="2 rows use the linear pace instead: 0, 1") as caught:
        t = gd.target_attainment(frame, [goal], year="year", id="id")
    assert caught[0].filename == __file__  # stacklevel points at the caller
    last = t.iloc[1]
    assert last["pace_method"] == "linear (value or target not above 0)"
    assert last["actual_pace"] == pytest.approx(1.0) and last["needed_pace"] == pytest.approx(1.0)
    assert last["pace_status"] == "on track"


def test_per_region_targets_and_tolerance_edges():
    frame = pd.DataFrame({"id": list("abc"), "x": [95.0, 94.0, 50.0],
                          "goal": [100.0, 100.0, 40.0]})
    t = gd.target_attainment(frame, [gd.Indicator("x", target="goal")], id="id")
    assert t["status"].tolist() == ["within tolerance", "not met", "met"]
    assert t["gap_share"].tolist() == pytest.approx([0.05, 0.06, -0.25])
    assert t["pace_status"].fillna("-").tolist() == ["-", "-", "on track"]
    assert t["target"].tolist() == [100.0, 100.0, 40.0]


def test_indicators_without_targets_are_skipped_and_errors_name_the_problem():
    t = gd.target_attainment(PANEL, ["id", DOCTORS], year="year", id="id")
    assert set(t["indicator"]) == {"doctors"}
    with pytest.raises(GeodisparityError, match="none of the indicators has a target"):
        gd.target_attainment(PANEL, ["doctors"])
    with pytest.raises(GeodisparityError, match=r"\(id, year\) repeats in rows 0, 8"):
        gd.target_attainment(pd.concat([PANEL, PANEL.iloc[:1]], ignore_index=True), [DOCTORS],
                             year="year", id="id")
    with pytest.raises(GeodisparityError, match="years repeat in column 'year'.*give id="):
        gd.target_attainment(PANEL, [DOCTORS], year="year")
    with pytest.raises(GeodisparityError, match="pace='fast'"):
        gd.target_attainment(PANEL, [DOCTORS], pace="fast")
    with pytest.raises(GeodisparityError, match="'goal'"):
        gd.target_attainment(PANEL, [gd.Indicator("doctors", target="goal")])


def _book_frame():
    regions = pd.DataFrame({"id": list("abcd"), "pref": ["P", "P", "Q", "Q"],
                            "name": ["=HYPERLINK(1)", "B", "C", "D"]})
    panel = pd.DataFrame({
        "id": list("abcd") * 2, "year": [2022] * 4 + [2023] * 4,
        "x": [1.0, 1.0, 1.0, 2.0, 1.1, 1.5, 1.0, 2.5],
        "y": [5.0, 5.0, 5.0, 5.0, 4.0, 5.0, 5.2, 4.0],
    })
    items = [gd.Indicator("x", target=2.0, target_year=2025),
             gd.Indicator("y", direction="lower", target=4.0, target_year=2024)]
    return regions, gd.target_attainment(panel, items, year="year", id="id", pace="linear")


def test_task_book_urgency_order_and_counts():
    regions, t = _book_frame()
    book = gd.task_book(t, id="id", year="year", regions=regions, group="pref", name="name",
                        labels={"x": "X label"})
    items = book.items
    # 2023: a x ratio .1/.3 off; b x ratio .5/.25 = 2 on; c x 0 off; c y moving away (off),
    # b y 0 change -> off; d met both.
    by_hand = t[(t["year"] == 2023) & t["pace_status"].isin(["off track", "at risk"])]
    assert len(items) == len(by_hand)
    assert set(zip(items["id"], items["indicator"], strict=True)) == set(
        zip(by_hand["id"], by_hand["indicator"], strict=True))
    # y has 1 year left, x 2: y items first, then by pace ratio, worst first
    q = items[items["pref"] == "Q"]
    assert q["indicator"].tolist() == ["y", "x"]
    assert items["urgency"].min() == 1 and sorted(items["urgency"]) == list(
        range(1, len(items) + 1))
    assert items.columns[:3].tolist() == ["pref", "id", "name"]
    assert book.per_region.loc["d", "off_track"] == 0
    assert book.per_region.loc["a", "indicators"] == "X label"
    summary = book.by_group.set_index(["pref", "indicator"])
    assert summary.loc[("Q", "x"), "regions"] == 2 and summary.loc[("Q", "x"), "off_track"] == 1
    assert book.year == 2023 and "TaskBook(year=2023" in repr(book)


def test_task_book_excel_keeps_formula_text_as_text(tmp_path):
    regions, t = _book_frame()
    book = gd.task_book(t, id="id", year="year", regions=regions, group="pref", name="name")
    path = write_excel(book, tmp_path / "taskbook.xlsx")
    sheet = openpyxl.load_workbook(path)["regions"]
    header = [c.value for c in sheet[1]]
    names = [row[header.index("name")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "=HYPERLINK(1)" in names
    assert header.index("name") == 2
    cells = [c for c in sheet["C"] if c.value == "=HYPERLINK(1)"]
    assert cells and all(c.data_type == "s" for c in cells)
    assert sheet.max_row == len(book.items) + 1
    assert openpyxl.load_workbook(path)["groups"].max_row == len(book.by_group) + 1
