"""Study-file table options, run end to end: no [table], .dbf tables, the name join,
``missing = "drop" | "error"`` and ``permutations = 0``."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from click.testing import CliRunner

from geodisparity import boundaries, read_table
from geodisparity.cli import main
from geodisparity.errors import EncodingMismatchWarning, NoPermutationWarning

ROOT = Path(__file__).resolve().parents[1]
DEMO = pd.read_csv(ROOT / "examples" / "data" / "zhejiang_demo.csv", dtype={"adcode": str})
YEAR = DEMO[DEMO["year"] == 2023].drop(columns=["year", "data_note"])
HOLE = "330127"  # Chun'an County: the region given a missing value below

HEAD = """
[boundaries]
source = "{source}"
key = "adcode"
name = "name_en"
"""
TAIL = """
[analysis]
income = "income"
population = "population"
bootstrap = 0
{analysis}

[clusters]
columns = ["income"]
permutations = {permutations}
{clusters}
"""


def _study(tmp_path: Path, *, table: str = "", source: str = "zhejiang/counties",
           analysis: str = "", clusters: str = "", permutations: int = 99) -> Path:
    study = tmp_path / "study.toml"
    study.write_text(HEAD.format(source=source) + table + TAIL.format(
        analysis=analysis, clusters=clusters, permutations=permutations), encoding="utf-8")
    return study


def _run(study: Path):
    return CliRunner().invoke(main, ["run", str(study), "--output", str(study.parent / "out")])


def _regions(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "regions.csv", dtype={"adcode": str}).set_index("adcode")


def _with_hole(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame.loc[frame["adcode"] == HOLE, "income"] = np.nan
    return frame


def test_without_a_table_the_boundary_attributes_are_analysed(tmp_path):
    layer = boundaries.load("zhejiang/counties")
    with_data = layer.merge(YEAR.drop(columns=["name_zh", "name_en"]), on="adcode")
    with_data.to_file(tmp_path / "counties.gpkg", driver="GPKG")
    result = _run(_study(tmp_path, source="counties.gpkg"))
    assert result.exit_code == 0, result.output
    regions = _regions(tmp_path / "out")
    expected = YEAR.set_index("adcode")["income"]
    assert regions["income"].sort_index().tolist() == expected.sort_index().tolist()
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "Table:" not in report and "matched the table" not in report


def test_a_dbf_table_is_read_with_its_encoding_and_text_keys(tmp_path):
    frame = pd.DataFrame({"code": ["001", "002"], "name": ["淳安县", "建德市"], "v": [1.5, 2.0]})
    pyogrio.write_dataframe(frame, tmp_path / "t.dbf", driver="ESRI Shapefile", encoding="gbk")
    (tmp_path / "t.cpg").unlink()  # no declaration: GBK found from the bytes
    table = read_table(tmp_path / "t.dbf", key="code")
    assert table["code"].tolist() == ["001", "002"]
    assert table["name"].tolist() == frame["name"].tolist()
    assert table["v"].tolist() == [1.5, 2.0] and table.attrs["source"] == "t.dbf"
    (tmp_path / "t.cpg").write_text("UTF-8")  # a wrong declaration is overruled, with a warning
    with pytest.warns(EncodingMismatchWarning, match="t.dbf: its .cpg file says 'UTF-8'"):
        assert read_table(tmp_path / "t.dbf")["name"].tolist() == frame["name"].tolist()


def test_a_run_reads_a_dbf_table(tmp_path):
    pyogrio.write_dataframe(YEAR[["adcode", "income", "population"]], tmp_path / "t.dbf",
                            driver="ESRI Shapefile")
    table = '\n[table]\npath = "t.dbf"\nkey = "adcode"\n'
    result = _run(_study(tmp_path, table=table))
    assert result.exit_code == 0, result.output
    expected = YEAR.set_index("adcode")["income"].astype(float)
    assert _regions(tmp_path / "out")["income"].loc[expected.index].tolist() == expected.tolist()


def test_name_join_and_dropped_regions_are_reported(tmp_path):
    """[table] names: matched by name alone; clusters.missing = "drop" lists the hole."""
    named = _with_hole(YEAR).drop(columns=["adcode", "name_zh"]).rename(
        columns={"name_en": "county"})
    named.to_csv(tmp_path / "t.csv", index=False)
    table = '\n[table]\npath = "t.csv"\nnames = "county"\n'
    result = _run(_study(tmp_path, table=table, clusters='missing = "drop"'))
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    regions = _regions(out)
    expected = _with_hole(YEAR).set_index("adcode")["income"]
    assert regions["income"].loc[expected.index].equals(expected.astype(float))
    clusters = pd.read_csv(out / "clusters.csv", dtype={"region": str}).set_index("region")
    assert np.isnan(clusters.loc[HOLE, "income_lisa_statistic"])
    assert clusters.drop(index=HOLE)["income_lisa_statistic"].notna().all()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    hole = f"{YEAR.set_index('adcode').at[HOLE, 'name_en']} ({HOLE})"
    assert {"Analysis": "Gap statistics", "Region": hole, "Year": None,
            "Missing": "income"} in summary["dropped_regions"]
    assert {"Analysis": "Clusters of income", "Region": hole, "Year": None,
            "Missing": "income"} in summary["dropped_regions"]
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Regions left out" in report and hole in report


def test_missing_error_names_the_regions_and_the_setting(tmp_path):
    _with_hole(YEAR).to_csv(tmp_path / "t.csv", index=False)
    table = '\n[table]\npath = "t.csv"\nkey = "adcode"\n'
    result = _run(_study(tmp_path, table=table))  # clusters.missing defaults to "error"
    assert result.exit_code == 1
    assert (f"clusters: income: 1 row has no value in 'income': Chun'an County ({HOLE}); "
            'set clusters.missing = "drop"') in result.output
    result = _run(_study(tmp_path, table=table, analysis='missing = "error"'))
    assert result.exit_code == 1
    assert f"analysis: 1 row has no value in 'income', 'population': Chun'an County ({HOLE})" \
        in result.output and 'set analysis.missing = "drop"' in result.output
    assert not list((tmp_path / "out").glob("*.*"))  # nothing written


def test_permutations_0_warns_and_the_report_says_no_test_ran(tmp_path):
    YEAR.to_csv(tmp_path / "t.csv", index=False)
    table = '\n[table]\npath = "t.csv"\nkey = "adcode"\n'
    with pytest.warns(NoPermutationWarning, match=r"clusters\.permutations = 0"):
        result = _run(_study(tmp_path, table=table, permutations=0))
    assert result.exit_code == 0, result.output
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "No permutation test ran (clusters.permutations = 0)" in report


def test_join_takes_the_crs_of_a_file_that_declares_none(tmp_path):
    layer = boundaries.load("zhejiang/counties")[["adcode", "geometry"]].head(5)
    layer.to_file(tmp_path / "counties.shp")
    (tmp_path / "counties.prj").unlink()
    YEAR[["adcode", "income"]].to_csv(tmp_path / "t.csv", index=False)
    args = ["join", str(tmp_path / "counties.shp"), str(tmp_path / "t.csv"),
            "--left-on", "adcode", "--right-on", "adcode"]
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 1
    assert "counties.shp declares no coordinate reference system" in refused.output
    assert "--crs on the command line" in refused.output
    out = tmp_path / "joined.gpkg"
    joined = CliRunner().invoke(main, [*args, "--crs", "EPSG:4326", "-o", str(out)])
    assert joined.exit_code == 0, joined.output
    result = gpd.read_file(out)
    assert result.crs.to_epsg() == 4326 and len(result) == 5
    assert result["income"].notna().all()
