"""The command line, as a planner uses it: run a config, open the outputs, check them."""

import json
import re
import shutil
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from geodisparity.categories import HOTSPOT_LABELS, LISA_LABELS
from geodisparity.cli import main
from geodisparity.maps.fonts import find_cjk_font

ROOT = Path(__file__).resolve().parents[1]
DEMO_CONFIG = ROOT / "examples" / "zhejiang_demo.toml"
OUTPUTS = {"atlas.html", "report.html", "regions.csv", "gaps.csv", "clusters.csv", "summary.json"}
# the demo sets targets and a composite index (tests/test_targets_pipeline.py checks them)
OUTPUTS |= {"taskbook.csv", "taskbook.xlsx", "attainment.csv", "composite.csv"}
OUTPUTS |= {"regions.gpkg", "tables.xlsx"}  # for reuse in a GIS and a spreadsheet


def run_cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    result = run_cli("run", DEMO_CONFIG, "--output", out)
    assert result.exit_code == 0, result.output
    return out, result


def test_run_writes_every_output(demo_run):
    out, result = demo_run
    assert {p.name for p in out.iterdir()} == OUTPUTS
    assert str(out) in result.output


def test_gaps_table_has_one_row_per_year_with_sane_values(demo_run):
    out, _ = demo_run
    gaps = pd.read_csv(out / "gaps.csv")
    assert gaps["year"].tolist() == [2019, 2020, 2021, 2022, 2023]
    assert gaps["n_regions"].eq(90).all()
    assert gaps["income_gini"].between(0, 1).all()
    assert (gaps["urban_rural_ratio"] > 1).all()
    assert (gaps["regional_max_min_ratio"] >= 1).all()


def test_region_and_cluster_tables_cover_all_counties(demo_run):
    out, _ = demo_run
    regions = pd.read_csv(out / "regions.csv", dtype={"adcode": str})
    clusters = pd.read_csv(out / "clusters.csv", dtype={"region": str})
    assert len(regions) == len(clusters) == 90
    assert regions["adcode"].str.fullmatch(r"33\d{4}").all()
    assert set(clusters["income_lisa_cluster"]) <= set(LISA_LABELS)
    assert set(clusters["doctors_per_1000_gi_cluster"]) <= set(HOTSPOT_LABELS)
    assert set(clusters["region"]) == set(regions["adcode"])


def test_report_is_self_contained_and_labelled_illustrative(demo_run):
    out, _ = demo_run
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Illustrative synthetic data" in html
    assert "The three gaps" in html and "Dagum" in html and "Moran" in html
    assert not re.search(r"""(src|href)=["']https?://""", html)


def test_atlas_has_no_remote_assets(demo_run):
    out, _ = demo_run
    html = (out / "atlas.html").read_text(encoding="utf-8")
    assert not re.search(r"""<(script|link)[^>]+(src|href)=["']https?://""", html)
    assert "Illustrative synthetic data" in html


def test_summary_json_parses(demo_run):
    out, _ = demo_run
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["analysis_year"] == 2023
    assert len(summary["gaps"]) == 5
    assert {row["column"] for row in summary["moran"]} == {"income", "doctors_per_1000"}


def test_rerun_refuses_to_overwrite_and_keeps_files(demo_run):
    out, _ = demo_run
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    result = run_cli("run", DEMO_CONFIG, "--output", out)
    assert result.exit_code == 1
    assert "--overwrite" in result.output
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before


def test_failed_run_leaves_no_files(tmp_path):
    config = tmp_path / "bad.toml"
    text = DEMO_CONFIG.read_text(encoding="utf-8")
    demo_table = (DEMO_CONFIG.parent / "data" / "zhejiang_demo.csv").as_posix()
    text = text.replace('path = "data/zhejiang_demo.csv"', f'path = "{demo_table}"')
    text = text.replace('columns = ["income", "doctors_per_1000"]', 'columns = ["income", "nope"]')
    text = text.replace('column = "doctors_per_1000"\nkind = "hotspot"',
                        'column = "nope"\nkind = "hotspot"')
    config.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("run", config, "--output", out)
    assert result.exit_code == 1
    assert "'nope'" in result.output
    assert not out.exists() or list(out.iterdir()) == []


def test_config_error_names_the_key(tmp_path):
    config = tmp_path / "c.toml"
    shutil.copy(DEMO_CONFIG, config)
    config.write_text(config.read_text(encoding="utf-8").replace("permutations = 999",
                                                                 "permutations = -5"))
    result = run_cli("run", config, "--output", tmp_path / "out")
    assert result.exit_code == 1
    assert "clusters.permutations = -5" in result.output


def test_missing_config_is_a_bad_parameter(tmp_path):
    result = run_cli("run", tmp_path / "nope.toml")
    assert result.exit_code == 2
    assert "nope.toml" in result.output


def test_boundaries_lists_bundled_layers():
    result = run_cli("boundaries")
    assert result.exit_code == 0
    assert result.output.split() == [
        "zhejiang/counties", "zhejiang/prefectures", "zhejiang/province"
    ]


def test_join_reports_unmatched_rows_and_writes_output(tmp_path):
    table = pd.read_csv(ROOT / "examples" / "data" / "zhejiang_demo_2023.csv", dtype=str)
    table = table[table["adcode"] != "330127"]
    table.loc[table["adcode"] == "330108", "adcode"] = "330199"
    path = tmp_path / "t.csv"
    table.to_csv(path, index=False)
    out = tmp_path / "joined.gpkg"
    result = run_cli("join", "zhejiang/counties", path, "--left-on", "adcode",
                     "--right-on", "adcode", "--name", "name_en", "-o", out)
    assert result.exit_code == 0, result.output
    assert "88 of 90 regions matched" in result.output
    assert "Chun'an County" in result.output and "330199" in result.output
    import geopandas as gpd

    joined = gpd.read_file(out)
    assert len(joined) == 90
    assert joined["income"].isna().sum() == 2
    again = run_cli("join", "zhejiang/counties", path, "--left-on", "adcode",
                    "--right-on", "adcode", "-o", out)
    assert again.exit_code == 1 and "--overwrite" in again.output


def write_own_data(folder):
    """A planner's own files: a GBK shapefile without .cpg and a single-year CSV."""
    import geopandas as gpd

    from geodisparity import boundaries

    counties = boundaries.load("zhejiang/counties")[["adcode", "name_zh", "geometry"]]
    counties = counties.rename(columns={"adcode": "CODE", "name_zh": "NAME"})
    shapefile = folder / "counties.shp"
    counties.to_file(shapefile, encoding="GBK")
    shapefile.with_suffix(".cpg").unlink(missing_ok=True)
    demo = ROOT / "examples" / "data" / "zhejiang_demo_2023.csv"
    table = pd.read_csv(demo, dtype={"adcode": str})
    table = table[["adcode", "income", "doctors"]].rename(columns={"adcode": "county_code"})
    table["county_code"] = table["county_code"].astype(int)  # codes as numbers, as Excel saves them
    table.to_csv(folder / "income.csv", index=False)
    assert gpd.read_file(shapefile, encoding="GBK")["NAME"].str.contains("县").any()


OWN_CONFIG = """
title = "Own data"
lang = "{lang}"

[boundaries]
source = "counties.shp"
key = "CODE"
name = "NAME"

[table]
path = "income.csv"
key = "county_code"

[analysis]
income = "income"
bootstrap = 0

[clusters]
columns = ["income"]
weights = "knn"
k = 5
permutations = 99
adjust = "by"
"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_run_on_own_shapefile_and_single_year_table(tmp_path, lang):
    write_own_data(tmp_path)
    config = tmp_path / "own.toml"
    config.write_text(OWN_CONFIG.format(lang=lang), encoding="utf-8")
    result = run_cli("run", config, "--output", tmp_path / "out")
    assert result.exit_code == 0, result.output
    regions = pd.read_csv(tmp_path / "out" / "regions.csv", dtype={"CODE": str})
    assert len(regions) == 90 and regions["NAME"].str.endswith(("县", "区", "市")).all()
    gaps = pd.read_csv(tmp_path / "out" / "gaps.csv")
    assert len(gaps) == 1 and "year" not in gaps
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert ("三大差距" in report) == (lang == "zh")
    assert "None" not in report
    assert "Benjamini-Yekutieli" in report and "ArcGIS" in report  # adjustment and Gi* rule
    atlas = (tmp_path / "out" / "atlas.html").read_text(encoding="utf-8")
    assert "淳安县" in atlas
    faces = [re.findall(r"@font-face\{[^}]*\}", page) for page in (atlas, report)]
    if find_cjk_font() is not None:  # the Chinese names: one font subset, shared by both pages
        assert all(len(f) == 1 for f in faces) and faces[0] == faces[1]
    # the default layers: the income, then its clusters (no year in a single-year table)
    assert {"en": "income: LISA clusters", "zh": "income：LISA 集聚"}[lang] in atlas


@pytest.mark.parametrize(
    ("args", "level"),
    [([], "WARNING"), (["-v"], "INFO"), (["-vv"], "DEBUG"), (["-q"], "ERROR"),
     (["--quiet"], "ERROR")],
)
def test_group_verbosity_sets_the_log_level_for_any_command(monkeypatch, args, level):
    import logging

    from geodisparity import boundaries

    package_logger = logging.getLogger("geodisparity")
    before = package_logger.level
    seen = []
    monkeypatch.setattr(boundaries, "available", lambda: seen.append(
        logging.getLevelName(package_logger.getEffectiveLevel())) or [])
    result = run_cli(*args, "boundaries")
    assert result.exit_code == 0, result.output
    assert seen == [level]
    assert package_logger.level == before  # restored once the command is over


def test_quiet_and_verbose_exclude_each_other():
    result = CliRunner().invoke(main, ["-q", "-v", "boundaries"])
    assert result.exit_code == 2
    assert "exclude each other" in result.output
    for args in (["-q", "run", "-v"], ["-v", "run", "-q"], ["run", "-q", "-v"]):
        result = CliRunner().invoke(main, [*args, "nothing.toml"])
        assert result.exit_code == 2, args
        assert "exclude each other" in result.output, args


@pytest.mark.parametrize("where", ["group", "command"])
def test_verbose_run_logs_progress_and_quiet_run_prints_only_the_summary(tmp_path, where):
    write_own_data(tmp_path)
    config = tmp_path / "own.toml"
    config.write_text(OWN_CONFIG.format(lang="en"), encoding="utf-8")
    verbose = ["-v", "run"] if where == "group" else ["run", "-v"]
    hush = ["-q", "run"] if where == "group" else ["run", "-q"]
    loud = run_cli(*verbose, config, "--output", tmp_path / "loud")
    quiet = run_cli(*hush, config, "--output", tmp_path / "quiet")
    assert loud.exit_code == quiet.exit_code == 0, loud.output + quiet.output
    assert loud.stderr.strip() and quiet.stderr == ""
    assert quiet.stdout.strip() and quiet.stdout == quiet.output
    assert (tmp_path / "quiet" / "atlas.html").is_file()


# --- regions.gpkg and tables.xlsx, checked against the CSV files -----------------------------


def _same_values(got, expected):
    """Compare a column with its CSV text: numbers to 1e-12, other values as text."""
    got, expected = pd.Series(list(got), dtype=object), pd.Series(list(expected), dtype=object)
    if got.map(lambda v: isinstance(v, bool)).any():
        got = got.map(lambda v: str(v) if isinstance(v, bool) else v)
    as_numbers = pd.to_numeric(expected, errors="coerce")
    if expected.notna().any() and as_numbers.notna().eq(expected.notna()).all():
        a = pd.to_numeric(got, errors="coerce").to_numpy(dtype=float)
        return bool(np.allclose(a, as_numbers.to_numpy(dtype=float), rtol=1e-12, atol=0,
                                equal_nan=True))
    def text(values):  # a CSV cannot tell an empty text from a missing one
        return [None if pd.isna(v) or v == "" else str(v) for v in values]

    return text(got) == text(expected)


def test_value_comparison_can_fail():
    assert _same_values([1.0, None], ["1.0", None]) and not _same_values([1.0], ["1.5"])
    assert _same_values([True, "a"], ["True", "a"]) and not _same_values(["a"], ["b"])
    assert not _same_values([None], ["x"])


def _csv(path):
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False,
                       na_values=[""])


def test_regions_gpkg_holds_every_computed_column_with_geometry(demo_run):
    import geopandas as gpd
    import pyogrio

    from geodisparity.pipeline_outputs import gpkg_column_names

    out, result = demo_run
    assert "regions.gpkg" in result.output
    assert [tuple(layer) for layer in pyogrio.list_layers(out / "regions.gpkg")] == [
        ("regions", "MultiPolygon")]
    layer = gpd.read_file(out / "regions.gpkg", layer="regions")
    regions, clusters = _csv(out / "regions.csv"), _csv(out / "clusters.csv")
    assert len(layer) == len(regions) == len(clusters) == 90
    assert layer.geometry.notna().all() and layer.geometry.is_valid.all()
    assert layer.crs.to_epsg() == 4326
    by_key = layer.set_index("adcode", drop=False)
    import shapely

    from geodisparity import boundaries

    full = boundaries.load("zhejiang/counties").set_index("adcode").geometry  # not simplified
    assert shapely.get_num_coordinates(by_key.geometry.loc[full.index].values).sum() == (
        shapely.get_num_coordinates(full.values).sum())
    assert set(by_key.index) == set(regions["adcode"]) == set(clusters["region"])
    for table, key in ((regions, "adcode"), (clusters, "region")):
        names = dict(zip(table.columns, gpkg_column_names(table.columns), strict=True))
        for column in table.columns.drop(key):
            assert names[column] in layer.columns, column
            aligned = by_key[names[column]].loc[table[key]]
            assert _same_values(aligned, table[column]), column


def test_tables_xlsx_holds_every_table_with_labelled_sheets(demo_run):
    import openpyxl

    out, _ = demo_run
    book = openpyxl.load_workbook(out / "tables.xlsx", read_only=True)
    names = book.sheetnames
    assert names[0] == "contents" and all(len(n) <= 31 for n in names)
    assert len({n.lower() for n in names}) == len(names)
    contents = [row for row in book["contents"].iter_rows(values_only=True)]
    assert contents[0] == ("Sheet", "Table", "File")
    assert [r[0] for r in contents[1:]] == names[1:]
    mirrored = {file: sheet for sheet, _, file in contents[1:] if file}
    csv_files = {p.name for p in out.glob("*.csv")}
    assert set(mirrored) == csv_files  # every CSV table has its sheet
    for file, sheet in mirrored.items():
        expected = _csv(out / file)
        rows = list(book[sheet].iter_rows(values_only=True))
        assert len(rows) == len(expected) + 1, file
        assert len(rows[0]) == len(expected.columns), file
        rows = [row + (None,) * (len(rows[0]) - len(row)) for row in rows]  # empty cells
        for position, column in enumerate(expected.columns):
            assert _same_values([row[position] for row in rows[1:]], expected[column]), \
                (file, column)
    for sheet in ("Moran's I", "Bootstrap intervals", "Theil by mountain26",
                  "Dagum Gini by mountain26", "Sigma convergence", "LISA Markov income"):
        assert sheet in names
    header = next(book["Regions"].iter_rows(values_only=True))
    assert "Doctors per 1,000 residents (illustrative target)" in header  # configured label
    moran = list(book["Moran's I"].iter_rows(values_only=True))
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))["moran"]
    assert [row[1] for row in moran[1:]] == pytest.approx([m["moran_i"] for m in summary])


def test_an_existing_workbook_is_not_replaced(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "tables.xlsx").write_bytes(b"mine")
    result = CliRunner().invoke(main, ["run", str(DEMO_CONFIG), "--output", str(out)])
    assert result.exit_code == 1 and "tables.xlsx" in result.output
    assert (out / "tables.xlsx").read_bytes() == b"mine"
    assert not (out / "regions.gpkg").exists()


def test_attribution_from_the_study_file_on_atlas_and_report(demo_run):
    out, _ = demo_run
    study = tomllib.loads(DEMO_CONFIG.read_text(encoding="utf-8"))
    text = study["attribution"]["en"]
    assert text in (out / "atlas.html").read_text(encoding="utf-8")
    assert f'<div class="attribution">{text}</div>' in (out / "report.html").read_text(
        encoding="utf-8")
