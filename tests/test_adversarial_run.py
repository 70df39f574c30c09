"""`geodisparity run` on a study whose every piece of text is hostile.

The boundary names, group values, a column name, the title, the note, labels and units all carry
payloads from ``adversarial_payloads``. The run must succeed, no payload may run (the template
payloads would create a canary file), and each payload must show literally in the atlas data and
the report. A second set of tests feeds hostile study files and checks that each is refused with
one clear line, exit code non-zero, and that nothing is written.
"""

import html
import json
import os
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from adversarial_payloads import CANARY, HTML, TEMPLATE, TEXT
from click.testing import CliRunner

import geodisparity as gd
from geodisparity.cli import main

ROOT = Path(__file__).resolve().parents[1]
DEMO_TABLE = ROOT / "examples" / "data" / "zhejiang_demo.csv"
NAME_PAYLOADS = TEMPLATE + HTML + TEXT
INCOME_COLUMN = "{{ 7*7 }} income"


def toml_string(text):
    """A TOML basic string (JSON's escapes are valid TOML for the characters used here)."""
    return json.dumps(text, ensure_ascii=False)


def hostile_study(folder: Path) -> Path:
    counties = gd.boundaries.load("zhejiang/counties")
    counties["name_en"] = [NAME_PAYLOADS[i % len(NAME_PAYLOADS)] + f" #{i}"
                           for i in range(len(counties))]
    prefectures = sorted(counties["prefecture_en"].unique())
    hostile_groups = dict(zip(prefectures, TEMPLATE + HTML, strict=False))
    counties["prefecture_en"] = counties["prefecture_en"].map(hostile_groups)
    counties.to_file(folder / "regions.geojson", driver="GeoJSON")

    table = pd.read_csv(DEMO_TABLE, dtype={"adcode": str})
    table = table.drop(columns=["name_zh", "name_en"]).rename(columns={"income": INCOME_COLUMN})
    table.to_csv(folder / "table.csv", index=False)

    study = f"""
title = {toml_string(TEMPLATE[0] + " " + HTML[1])}
note = {toml_string(TEMPLATE[2] + " " + HTML[2] + " " + TEXT[0])}
lang = "en"

[boundaries]
source = "regions.geojson"
key = "adcode"
name = "name_en"

[table]
path = "table.csv"
key = "adcode"
year = "year"

[[indicators]]
name = "doctors_per_1000"
expression = "doctors / population * 1000"
label = {toml_string(TEMPLATE[1] + " " + HTML[3])}
unit = {toml_string(TEMPLATE[4])}

[analysis]
income = {toml_string(INCOME_COLUMN)}
population = "population"
urban = "urban_income"
rural = "rural_income"
groups = ["mountain26", "prefecture_en"]
bootstrap = 49

[clusters]
columns = [{toml_string(INCOME_COLUMN)}, "doctors_per_1000"]
permutations = 99

[[layers]]
column = {toml_string(INCOME_COLUMN)}
label = {toml_string(TEMPLATE[3] + " " + HTML[4])}
unit = {toml_string(TEMPLATE[9])}

[[layers]]
column = {toml_string(INCOME_COLUMN)}
kind = "lisa"
label = {toml_string(TEMPLATE[5])}

[[layers]]
column = "doctors_per_1000"
kind = "hotspot"
label = {toml_string(HTML[5] + " " + TEMPLATE[8])}
"""
    path = folder / "study.toml"
    path.write_text(study, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    study = hostile_study(folder)
    out = folder / "out"
    cwd = Path.cwd()
    os.chdir(folder)  # a payload that ran 'touch' would leave the canary here
    try:
        result = CliRunner().invoke(main, ["run", str(study), "--output", str(out)])
    finally:
        os.chdir(cwd)
    return folder, out, result


def test_hostile_study_runs(hostile_run):
    folder, out, result = hostile_run
    assert result.exit_code == 0, result.output
    assert (out / "atlas.html").exists() and (out / "report.html").exists()


def test_no_payload_ran(hostile_run):
    folder, _, _ = hostile_run
    assert not list(folder.rglob(CANARY))
    assert not Path(CANARY).exists()


def test_template_payloads_show_literally_in_the_report(hostile_run):
    _, out, _ = hostile_run
    report = (out / "report.html").read_text(encoding="utf-8")
    for payload in (TEMPLATE[0], TEMPLATE[2], TEMPLATE[3], TEMPLATE[5]):
        assert html.escape(payload, quote=False) in report or html.escape(payload) in report, \
            payload
    assert "<script>window.__pwned" not in report
    assert '<img src=x onerror' not in report


def test_template_payloads_show_literally_in_the_atlas(hostile_run):
    _, out, _ = hostile_run
    atlas = (out / "atlas.html").read_text(encoding="utf-8")
    # Names reach the page as JSON data; the template payloads have no HTML specials.
    for payload in (TEMPLATE[0], TEMPLATE[2], TEMPLATE[3], TEMPLATE[7]):
        assert payload in atlas, payload
    assert ">49<" not in atlas
    assert "<script>window.__pwned" not in atlas
    assert "</script><script>window.__pwned" not in atlas


def test_hostile_column_name_reaches_the_tables_as_data(hostile_run):
    _, out, _ = hostile_run
    regions = pd.read_csv(out / "regions.csv", dtype={"adcode": str})
    assert INCOME_COLUMN in regions.columns
    assert regions["name_en"].str.contains("{{ 7*7 }}", regex=False).any()


def test_regions_keep_hostile_names_unchanged(hostile_run):
    _, out, _ = hostile_run
    regions = pd.read_csv(out / "regions.csv", dtype={"adcode": str}, keep_default_na=False)
    names = set(regions["name_en"])
    assert any(name.startswith(HTML[0]) for name in names)


HOSTILE_EXPRESSIONS = [
    "__import__('os').system('touch " + CANARY + "')",
    "@population",
    "population.sum()",
    "population[0]",
    "doctors // population",
    "(lambda: 1)()",
    "open('x')",
    "[x for x in population]",
]


@pytest.mark.parametrize("expression", HOSTILE_EXPRESSIONS)
def test_hostile_indicator_expression_is_refused_and_nothing_written(tmp_path, expression):
    shutil.copy(DEMO_TABLE, tmp_path / "table.csv")
    study = tmp_path / "study.toml"
    study.write_text(f"""
[boundaries]
source = "zhejiang/counties"
key = "adcode"

[table]
path = "table.csv"
key = "adcode"
year = "year"

[[indicators]]
name = "x"
expression = {toml_string(expression)}

[analysis]
income = "income"
""", encoding="utf-8")
    out = tmp_path / "out"
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(main, ["run", str(study), "--output", str(out)])
    finally:
        os.chdir(cwd)
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "indicators" in result.output or "'x'" in result.output
    assert not out.exists()
    assert not list(tmp_path.rglob(CANARY))


def test_hostile_boundary_names_survive_join_and_report(tmp_path):
    counties = gd.boundaries.load("zhejiang/counties").head(12).copy()
    counties["name_en"] = TEMPLATE
    table = pd.DataFrame({"adcode": counties["adcode"], "v": range(12)})
    joined, report = gd.join(counties, table, left_on="adcode", right_on="adcode",
                             names=("name_en", None))
    assert list(joined["name_en"]) == TEMPLATE
    assert isinstance(str(report), str)
    assert isinstance(joined, gpd.GeoDataFrame)
