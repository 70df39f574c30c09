"""Targets in a study file, end to end: parse, run the demo, check the task book by hand."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

import geodisparity as gd
from geodisparity.cli import main
from geodisparity.config import ConfigError, Indicator, load_config, parse_config

ROOT = Path(__file__).resolve().parents[1]
DEMO_CONFIG = ROOT / "examples" / "zhejiang_demo.toml"
DEMO_TABLE = ROOT / "examples" / "data" / "zhejiang_demo.csv"
BASE = {
    "boundaries": {"source": "zhejiang/counties", "key": "adcode", "name": "name_en"},
    "table": {"path": "t.csv", "key": "adcode", "year": "year"},
    "analysis": {"income": "income"},
}


def _parse(**sections):
    return parse_config({**BASE, **sections})


def test_indicator_entries_carry_the_public_indicator():
    cfg = _parse(indicators=[
        {"name": "doctors_per_1000", "expression": "doctors / population * 1000",
         "target": 3.5, "target_year": 2025, "label": {"en": "Doctors", "zh": "医生"},
         "weight": 2},
        {"name": "ratio", "direction": "lower", "target": "ratio_goal"},
    ])
    entry = cfg.indicators[0]
    assert Indicator is gd.Indicator
    assert entry.indicator == gd.Indicator("doctors_per_1000", target=3.5, target_year=2025,
                                           weight=2.0, label={"en": "Doctors", "zh": "医生"})
    assert entry.label == "Doctors" and entry.indicator.label_in("zh") == "医生"
    assert cfg.indicators[1].expression is None
    assert cfg.indicators[1].indicator.target_column == "ratio_goal"


def test_gap_targets_attainment_and_composite_sections():
    cfg = _parse(
        indicators=[{"name": "income"}, {"name": "doctors", "weight": 1}],
        targets=[{"statistic": "urban_rural_ratio", "target": 1.9, "target_year": 2025}],
        attainment={"pace": "linear", "window": 2},
        composite={"indicators": ["income", "doctors"], "method": "topsis", "draws": 10},
    )
    assert cfg.targets == (gd.Indicator("urban_rural_ratio", direction="lower", target=1.9,
                                        target_year=2025),)
    assert cfg.attainment.pace == "linear" and cfg.attainment.window == 2
    assert cfg.composite.method == "topsis" and cfg.composite.draws == 10


@pytest.mark.parametrize(("sections", "message"), [
    ({"indicators": [{"name": "x", "direction": "up"}]},
     "indicators\\[1\\].direction = 'up' is not accepted"),
    ({"indicators": [{"name": "x", "label": {"fr": "x"}}]},
     "unknown key indicators\\[1\\].label.fr"),
    ({"indicators": [{"name": "x", "target": ""}]}, "indicators\\[1\\].target = ''"),
    ({"indicators": [{"name": "x", "weight": -1}]}, "indicators\\[1\\].weight = -1"),
    ({"targets": [{"statistic": "happiness", "target": 1}]},
     "targets\\[1\\].statistic = 'happiness' is not accepted"),
    ({"targets": [{"statistic": "income_gini"}]}, "targets\\[1\\].target is missing"),
    ({"targets": [{"statistic": "income_gini", "target": "goal"}]},
     "targets\\[1\\].target = 'goal'"),
    ({"attainment": {"pace": "fast"}}, "attainment.pace = 'fast'"),
    ({"attainment": {"window": 0}}, "attainment.window = 0"),
    ({"composite": {"indicators": ["income", "nope"]}, "indicators": [{"name": "income"}]},
     "composite.indicators names 'nope'"),
    ({"composite": {"indicators": ["a", "b"], "weights": "given"},
      "indicators": [{"name": "a", "weight": 1}, {"name": "b"}]}, "weight = <number>.*'b'"),
])
def test_target_sections_errors_name_the_key(sections, message):
    with pytest.raises(ConfigError, match=message):
        _parse(**sections)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("targets")
    result = CliRunner().invoke(main, ["run", str(DEMO_CONFIG), "--output", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def _demo_frame():
    table = pd.read_csv(DEMO_TABLE, dtype={"adcode": str})
    table["doctors_per_1000"] = table["doctors"] / table["population"] * 1000
    table["beds_per_1000"] = table["hospital_beds"] / table["population"] * 1000
    return table


def test_taskbook_outputs_parse_and_agree_with_a_direct_computation(demo):
    config = load_config(DEMO_CONFIG)
    items = [e.indicator for e in config.indicators if e.indicator.target is not None]
    direct = gd.target_attainment(_demo_frame(), items, year="year", id="adcode")
    latest = direct[direct["year"] == 2023]
    slipping = latest[latest["pace_status"].isin(["off track", "at risk"])]

    book = pd.read_csv(demo / "taskbook.csv", dtype={"adcode": str}, encoding="utf-8-sig")
    assert len(book) == len(slipping) > 0
    merged = book.merge(slipping, on=["adcode", "indicator"], suffixes=("", "_direct"))
    assert len(merged) == len(book)
    assert (merged["pace_status"] == merged["pace_status_direct"]).all()
    np.testing.assert_allclose(merged["needed_pace"], merged["needed_pace_direct"], rtol=1e-9)
    np.testing.assert_allclose(merged["gap"], merged["gap_direct"], rtol=1e-9)
    # sorted by prefecture, then urgency; urgency numbers every item once
    assert sorted(book["urgency"]) == list(range(1, len(book) + 1))
    for _, part in book.groupby("prefecture_en"):
        assert part["urgency"].is_monotonic_increasing

    workbook = openpyxl.load_workbook(demo / "taskbook.xlsx")
    assert workbook.sheetnames == ["regions", "groups"]
    assert workbook["regions"].max_row == len(book) + 1
    groups = pd.read_excel(demo / "taskbook.xlsx", sheet_name="groups")
    assert groups["off_track"].sum() == (book["pace_status"] == "off track").sum()

    regions = pd.read_csv(demo / "regions.csv", dtype={"adcode": str})
    counts = book[book["pace_status"] == "off track"].groupby("adcode").size()
    expected = regions["adcode"].map(counts).fillna(0).astype(int)
    assert (regions["targets_off_track"] == expected).all()


def test_gap_targets_and_composite_agree_with_direct_computation(demo):
    attainment = pd.read_csv(demo / "attainment.csv", dtype={"adcode": str})
    province = attainment[attainment["scope"] == "province"].set_index(["indicator", "year"])
    gaps = pd.read_csv(demo / "gaps.csv").set_index("year")
    for year, row in gaps.iterrows():
        for statistic in ("urban_rural_ratio", "regional_max_min_ratio", "income_gini"):
            assert province.loc[(statistic, year), "value"] == pytest.approx(row[statistic])
    assert province.loc[("urban_rural_ratio", 2023), "status"] == "met"  # 1.74 <= 1.9
    gini = province.loc[("income_gini", 2023)]
    needed = (0.115 / gini["value"]) ** (1 / 2) - 1  # compound, two years left
    actual = (gini["value"] / province.loc[("income_gini", 2020), "value"]) ** (1 / 3) - 1
    assert gini["needed_pace"] == pytest.approx(needed)
    assert gini["actual_pace"] == pytest.approx(actual)
    table = _demo_frame()

    config = load_config(DEMO_CONFIG)
    described = {e.name: e.indicator for e in config.indicators}
    c = config.composite
    direct = gd.composite_index(table, [described[n] for n in c.indicators], weights=c.weights,
                                reference_year=c.reference_year, year="year", id="adcode")
    written = pd.read_csv(demo / "composite.csv", dtype={"adcode": str})
    both = written.merge(direct.scores, on=["adcode", "year"], suffixes=("", "_direct"))
    assert len(both) == len(written) == 450
    np.testing.assert_allclose(both["score"], both["score_direct"], rtol=1e-9)
    assert (both["rank"] == both["rank_direct"]).all()
    assert written["share_within_1"].between(0, 1).all()


def test_report_and_atlas_show_the_targets(demo):
    report = (demo / "report.html").read_text(encoding="utf-8")
    titles = re.findall(r"<h2[^>]*>([^<]*)", report)
    assert titles.index("Targets and task books") == titles.index("The three gaps") + 1
    assert "Composite index" in titles
    assert "illustrative target" in report and "most urgent items" in report
    atlas = (demo / "atlas.html").read_text(encoding="utf-8")
    assert "Targets off track, 2023" in atlas and "Composite index, 2023" in atlas


def test_chinese_report_words_the_targets_in_chinese(tmp_path):
    text = DEMO_CONFIG.read_text(encoding="utf-8")
    for old, new in [('lang = "en"', 'lang = "zh"'), ("permutations = 999", "permutations = 99"),
                     ("bootstrap = 499", "bootstrap = 0"), ("draws = 1000", "draws = 50"),
                     ('path = "data/zhejiang_demo.csv"', f'path = "{DEMO_TABLE.as_posix()}"')]:
        assert old in text
        text = text.replace(old, new)
    config = tmp_path / "zh.toml"
    config.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(config), "--output", str(tmp_path / "out")],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "目标与任务书" in report and "综合指数" in report
    assert "每千人医生数（示意目标）" in report and "滞后" in report
    assert "Targets and task books" not in report
    atlas = (tmp_path / "out" / "atlas.html").read_text(encoding="utf-8")
    assert "未按进度推进的目标数" in atlas
    book = pd.read_csv(tmp_path / "out" / "taskbook.csv", encoding="utf-8-sig")
    assert book.columns[0] == "prefecture_zh"


def test_layer_tooltip_rows_are_per_layer_and_escaped(tmp_path):
    import geopandas as gpd
    from shapely.geometry import box

    from geodisparity.maps.layers import Layer, style_layer

    hostile = "<img src=x onerror=alert(1)>"
    regions = gpd.GeoDataFrame(
        {"name": ["A", "B"], "n": [0, 2], "why": ["", hostile]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=4326)
    styled = style_layer(regions, Layer("n", k=2, tooltip={"why": "Off track"}))
    assert styled.fields[-1] == "Off track" and styled.cells[1][-1] == hostile
    plain = style_layer(regions, Layer("n", k=2))
    assert "Off track" not in plain.fields
    m = gd.atlas(regions, [Layer("n", k=2, tooltip={"why": hostile}), Layer("n", k=2, label="m")])
    path = gd.save_map(m, tmp_path / "m.html")
    html = Path(path).read_text(encoding="utf-8")
    assert hostile not in html
    assert html.count("\\u0026lt;img src=x onerror=alert(1)\\u0026gt;") == 2  # heading, cell


def test_single_year_table_with_targets_has_status_but_no_pace(tmp_path):
    table = (ROOT / "examples" / "data" / "zhejiang_demo_2023.csv").as_posix()
    config = tmp_path / "one.toml"
    config.write_text(f"""
[boundaries]
source = "zhejiang/counties"
key = "adcode"
name = "name_en"
[table]
path = "{table}"
key = "adcode"
[[indicators]]
name = "doctors_per_1000"
expression = "doctors / population * 1000"
target = 3.5
[[indicators]]
name = "income"
[[targets]]
statistic = "income_theil"
target = 0.02
[analysis]
income = "income"
population = "population"
bootstrap = 0
[composite]
indicators = ["income", "doctors_per_1000"]
weights = "critic"
draws = 20
""", encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(config), "--output", str(tmp_path / "out")],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    attainment = pd.read_csv(tmp_path / "out" / "attainment.csv")
    assert attainment["pace_status"].isna().sum() == (attainment["status"] != "met").sum()
    theil = attainment[attainment["indicator"] == "income_theil"].iloc[0]
    data = pd.read_csv(table)
    assert theil["value"] == pytest.approx(gd.theil("income", "population", data=data))
    book = pd.read_csv(tmp_path / "out" / "taskbook.csv")
    assert book.empty  # without years there is no pace, so nothing is off track
    composite = pd.read_csv(tmp_path / "out" / "composite.csv")
    assert sorted(composite["rank"]) == list(range(1, 91))
