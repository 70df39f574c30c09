"""Tests of the illustrative demo table in examples/data (synthetic values)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geodisparity import boundaries

ROOT = Path(__file__).parents[1]
DATA = ROOT / "examples" / "data"
SCRIPT = ROOT / "scripts" / "make_demo_data.py"
COLUMNS = ["adcode", "name_zh", "name_en", "year", "population", "urban_share",
           "urban_income", "rural_income", "income", "hospital_beds", "doctors", "teachers",
           "data_note"]
COUNTS = ["population", "urban_income", "rural_income", "income", "hospital_beds", "doctors",
          "teachers"]


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, dtype={"adcode": str}, encoding="utf-8")


@pytest.fixture(scope="module")
def table():
    return read("zhejiang_demo.csv")


@pytest.fixture(scope="module")
def counties():
    return boundaries.load("zhejiang/counties")


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("make_demo_data", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_demo_data"] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules["make_demo_data"]


def test_structure(table):
    assert list(table.columns) == COLUMNS
    assert len(table) == 90 * 5
    assert sorted(table["year"].unique()) == [2019, 2020, 2021, 2022, 2023]
    assert not table.duplicated(["adcode", "year"]).any()
    assert table.groupby("year").size().eq(90).all()
    assert not table.isna().any().any()
    for column in COUNTS:
        assert pd.api.types.is_integer_dtype(table[column]), column
        assert (table[column] > 0).all(), column
    assert table["urban_share"].between(0, 1, inclusive="neither").all()
    assert table["adcode"].str.fullmatch(r"\d{6}").all()


def test_every_row_is_labelled_synthetic(table):
    assert (table["data_note"] == "synthetic illustrative data; not official statistics").all()
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert "synthetic" in readme.lower() and "not official statistics" in readme


def test_keys_and_names_match_the_boundaries(table, counties):
    merged = table.merge(counties[["adcode", "name_zh", "name_en"]], on="adcode",
                         how="left", suffixes=("", "_b"), indicator=True)
    assert (merged["_merge"] == "both").all()
    assert (merged["name_zh"] == merged["name_zh_b"]).all()
    assert (merged["name_en"] == merged["name_en_b"]).all()
    assert set(table["adcode"]) == set(counties["adcode"])


def test_income_is_the_population_mix_of_urban_and_rural(table):
    share = table["urban_share"]
    expected = share * table["urban_income"] + (1 - share) * table["rural_income"]
    np.testing.assert_allclose(table["income"], expected, atol=1.0)
    ratio = table["urban_income"] / table["rural_income"]
    assert ratio.between(1.55, 2.05).all()
    assert (table["rural_income"] < table["income"]).all()
    assert (table["income"] < table["urban_income"]).all()


def test_mountain_counties_are_lower_and_catch_up(table, counties):
    flags = counties.set_index("adcode")["mountain26"]
    data = table.assign(mountain26=table["adcode"].map(flags))
    by_year = data.groupby(["year", "mountain26"])["income"].mean().unstack()
    assert (by_year[True] < 0.8 * by_year[False]).all()
    wide = data.pivot(index="adcode", columns="year", values="income")
    growth = (wide[2023] / wide[2019]) ** 0.25 - 1
    assert growth.between(0.03, 0.10).all()
    assert 0.05 <= growth.median() <= 0.08
    assert growth[flags[growth.index]].mean() > growth[~flags[growth.index]].mean()
    cv = {y: wide[y].std() / wide[y].mean() for y in (2019, 2023)}
    assert cv[2023] < cv[2019]  # convergence is visible


def test_hangzhou_ningbo_districts_are_richer_than_the_interior(table, counties):
    info = counties.set_index("adcode")
    data = table[table["year"] == 2023].set_index("adcode").join(info[["prefecture_zh", "kind"]])
    core = data[data["prefecture_zh"].isin(["杭州市", "宁波市"]) & (data["kind"] == "district")]
    interior = data[data["prefecture_zh"].isin(["衢州市", "丽水市"])]
    assert core["income"].min() > interior["income"].max()


def test_single_year_file_is_the_2023_slice(table):
    single = read("zhejiang_demo_2023.csv")
    expected = table[table["year"] == 2023].drop(columns="year").reset_index(drop=True)
    pd.testing.assert_frame_equal(single, expected)


def test_script_is_deterministic_and_matches_the_committed_files(script, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert script.main(["--out", str(first)]) == 0
    assert script.main(["--out", str(second)]) == 0
    for name in ("zhejiang_demo.csv", "zhejiang_demo_2023.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
        assert (first / name).read_bytes() == (DATA / name).read_bytes()
    assert not list(tmp_path.rglob(".*tmp*"))


def test_script_refuses_to_overwrite(script, tmp_path):
    target = tmp_path / "zhejiang_demo.csv"
    target.write_text("keep me\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="--overwrite"):
        script.main(["--out", str(tmp_path)])
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert not (tmp_path / "zhejiang_demo_2023.csv").exists()


def test_another_seed_gives_other_values(script):
    default = script.build()
    other = script.build(seed=1)
    assert list(default.columns) == list(other.columns)
    assert not default["income"].equals(other["income"])
