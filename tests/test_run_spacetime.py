"""geodisparity run with a table of several years: emerging hot spots and LISA dynamics."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from geodisparity.categories import EMERGING_LABELS
from geodisparity.cli import main
from geodisparity.config import ConfigError, parse_config

ROOT = Path(__file__).resolve().parents[1]
DEMO_TABLE = ROOT / "examples" / "data" / "zhejiang_demo.csv"

STUDY = """
title = "Several years"
lang = "{lang}"

[boundaries]
source = "zhejiang/counties"
key = "adcode"
name = "name_en"

[table]
path = "table.csv"
key = "adcode"
year = "year"

[analysis]
income = "income"
bootstrap = 0

[clusters]
columns = ["income"]
permutations = 99
{extra}
"""


def _run(tmp_path: Path, *, lang: str = "en", extra: str = "",
         table: pd.DataFrame | None = None) -> Path:
    if table is None:
        shutil.copy(DEMO_TABLE, tmp_path / "table.csv")
    else:
        table.to_csv(tmp_path / "table.csv", index=False)
    study = tmp_path / "study.toml"
    study.write_text(STUDY.format(lang=lang, extra=extra), encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(study), "--output", str(tmp_path / "out")],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return tmp_path / "out"


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _run(tmp_path_factory.mktemp("en"))


def test_patterns_in_clusters_table_and_report(english: Path) -> None:
    clusters = pd.read_csv(english / "clusters.csv")
    labels = clusters["income_emerging_cluster"]
    assert set(labels) <= set(EMERGING_LABELS) and len(labels) == 90
    assert clusters["income_emerging_n_hot"].between(0, 5).all()  # 5 years in the demo
    report = (english / "report.html").read_text(encoding="utf-8")
    assert "Change over time" in report and "Mann-Kendall" in report
    # the report's table counts what clusters.csv holds
    for label, count in labels.value_counts().items():
        assert f"<td>{label}</td>\n      <td>{count}</td>" in report
    assert "LISA Markov transition probabilities" in report and "IIIA" in report


def test_summary_json_and_report_figure(english: Path) -> None:
    import json

    summary = json.loads((english / "summary.json").read_text(encoding="utf-8"))
    change = summary["change_over_time"]
    clusters = pd.read_csv(english / "clusters.csv")
    assert change["emerging_hotspots"]["income"] == \
        clusters["income_emerging_cluster"].value_counts().to_dict()
    dynamics = change["lisa_dynamics"]["income"]
    assert sum(map(sum, dynamics["transitions"])) == 90 * 4  # 90 counties, 4 transitions
    assert 0 <= dynamics["cohesion"] <= 1
    report = (english / "report.html").read_text(encoding="utf-8")
    assert "Emerging hot spot patterns of income" in report  # the static map's caption


def test_atlas_has_the_emerging_layer(english: Path) -> None:
    atlas = (english / "atlas.html").read_text(encoding="utf-8")
    assert "income: emerging hot spots, 2019-2023" in atlas
    assert "No pattern detected" in atlas


def test_chinese_report_and_atlas(tmp_path: Path) -> None:
    out = _run(tmp_path, lang="zh", extra="dynamics = false")
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "时空变化" in report and "未检测到模式" in report
    assert "LISA 马尔可夫" not in report  # dynamics switched off
    assert "时空热点模式" in (out / "atlas.html").read_text(encoding="utf-8")


def test_switched_off(tmp_path: Path) -> None:
    out = _run(tmp_path, extra="emerging = false\ndynamics = false")
    assert "Change over time" not in (out / "report.html").read_text(encoding="utf-8")
    assert not any("emerging" in c for c in pd.read_csv(out / "clusters.csv").columns)


def test_region_missing_in_a_year_is_left_out_with_a_note(tmp_path: Path) -> None:
    table = pd.read_csv(DEMO_TABLE, dtype={"adcode": str})
    table = table[~((table["adcode"] == "330102") & (table["year"] == 2021))]
    out = _run(tmp_path, table=table)
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Left out: income" in report and "330102" in report


def test_time_lag_and_fewer_years(tmp_path: Path) -> None:
    table = pd.read_csv(DEMO_TABLE, dtype={"adcode": str})
    out = _run(tmp_path, table=table[table["year"] >= 2021], extra="time_lag = 1")
    report = (out / "report.html").read_text(encoding="utf-8")
    # 3 years: no automatic emerging hot spots, LISA dynamics still
    assert "Emerging hot spots of" not in report and "LISA dynamics of income" in report


@pytest.mark.parametrize(("extra", "message"), [
    ('emerging = "yes"', "clusters.emerging"),
    ("time_lag = -1", "clusters.time_lag"),
    ("dynamics = 1", "clusters.dynamics"),
])
def test_bad_options_name_the_key(extra: str, message: str) -> None:
    raw = {"boundaries": {"source": "zhejiang/counties", "key": "adcode"},
           "table": {"path": "t.csv", "key": "adcode"}, "analysis": {"income": "income"},
           "clusters": {"columns": ["income"]}}
    key, value = (part.strip() for part in extra.split("="))
    raw["clusters"][key] = {"\"yes\"": "yes", "-1": -1, "1": 1}[value]
    with pytest.raises(ConfigError, match=message):
        parse_config(raw)
