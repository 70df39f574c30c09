"""A report that scales: 3,000 regions with repeated names, big matrices, narrow screens."""

from __future__ import annotations

import base64
import io
import re
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from browser_helpers import ARTIFACTS, chromium_browser  # noqa: F401
from click.testing import CliRunner
from shapely.geometry import box

from geodisparity.cli import main
from geodisparity.pipeline_report import file_name
from geodisparity.report import Section, Table, render_report
from geodisparity.report_heat import HEAT_MAX, heat_table
from geodisparity.report_lists import display_names, region_list

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = "<img src=x onerror=alert(1)>{{ 7*7 }}"
#: County names that repeat across (and within) states, as in the US.
NAMES = ["Washington", "Jackson", "Franklin", "Jefferson", "Lincoln", "Madison", "Clay",
         "Monroe", "Marion", "Union", "Wayne", "Montgomery", "Greene", "Grant", "Warren", "Lee",
         "Adams", "Hamilton", "Marshall", "Polk", "Clark", "Johnson", "Douglas", "Lake", HOSTILE]
WIDTHS = (1400, 1024, 400)


# --- names and lists ---------------------------------------------------------------------------

def test_display_names_add_the_parent_only_where_names_repeat():
    names = pd.Series(["Washington", "Washington", "Adams", "Jackson", "Jackson"],
                      index=["39167", "53001", "39001", "39079", "39080"])
    parents = pd.Series(["Ohio", "Washington", "Ohio", "Ohio", "Ohio"], index=names.index)
    assert display_names(names, parents).tolist() == [
        "Washington (Ohio)", "Washington (Washington)", "Adams", "Jackson (Ohio, 39079)",
        "Jackson (Ohio, 39080)"]
    assert display_names(names).tolist()[:3] == ["Washington (39167)", "Washington (53001)",
                                                  "Adams"]
    zh = display_names(pd.Series(["城关镇", "城关镇"], index=["a", "b"]),
                       pd.Series(["甲县", "乙县"], index=["a", "b"]), lang="zh")
    assert zh.tolist() == ["城关镇（甲县）", "城关镇（乙县）"]
    labels = display_names(names, parents)
    assert labels.is_unique  # the point: every label names one region


def test_region_list_is_one_line_when_short_and_grouped_by_parent_when_long():
    names = pd.Series(NAMES[:5], index=range(5))
    short = region_list("Clusters", names, notes=pd.Series(["High-High"] * 5, index=range(5)))
    assert not short.collapsed and short.text.startswith("Clusters: Washington (High-High), ")
    many = pd.Series([NAMES[i % 24] for i in range(300)], index=range(300))
    parents = pd.Series([f"State {i // 30}" for i in range(300)], index=range(300))
    listed = region_list("Clusters", many, parents=parents)
    assert listed.collapsed and len(listed.groups) == 10 and listed.size == 300
    for _, items in listed.groups:
        assert len(set(items)) == len(items)  # unique within each parent


def test_long_lists_and_tables_fold_and_stay_escaped():
    many = pd.Series([NAMES[i % 25] for i in range(100)], index=range(100))
    parents = pd.Series([f"S{i // 20}" for i in range(100)], index=range(100))
    section = Section("Clusters", ["intro", region_list(HOSTILE, many, parents=parents)],
                      [Table.from_frame(pd.DataFrame({"v": range(50)}), caption="Long table"),
                       Table.from_frame(pd.DataFrame({"v": range(5)}), caption="Short table")])
    page = render_report([section], title="t")
    assert page.count('<details class="list">') == 1
    assert re.search(r'<details class="long"><summary>Long table \(50 rows\)', page)
    assert '<h3 class="muted">Short table</h3>' in page
    assert len(re.findall(r"<details><summary>S\d \(20\)</summary>", page)) == 5
    assert HOSTILE not in page and "&lt;img src=x onerror=alert(1)&gt;{{ 7*7 }}" in page


# --- matrices ----------------------------------------------------------------------------------

def test_heat_table_shades_by_value_and_offers_the_matrix_as_csv():
    rng = np.random.default_rng(1)
    labels = [f"State {i}" for i in range(49)]
    matrix = pd.DataFrame(rng.uniform(0.05, 0.3, (49, 49)), index=labels, columns=labels)
    table = heat_table(matrix, caption="Dagum", file_name="dagum_state", lang="en")
    shades = [int(s) for s in re.findall(r'<td class="h(\d)">', table.html)]
    values = matrix.to_numpy().ravel()
    assert len(shades) == 49 * 49
    order = np.argsort(values)
    assert np.all(np.diff(np.asarray(shades)[order]) >= 0)  # darker never means smaller
    assert shades[int(values.argmin())] == 0 and shades[int(values.argmax())] == 6
    assert 'class="heat-box small"' in table.html
    link = re.search(r'download="dagum_state.csv" href="data:text/csv;charset=utf-8;base64,'
                     r'([A-Za-z0-9+/=]+)"', table.html)
    back = pd.read_csv(io.BytesIO(base64.b64decode(link.group(1))), index_col=0,
                       encoding="utf-8-sig")
    assert np.allclose(back.to_numpy(), matrix.to_numpy(), rtol=1e-9)


def test_a_matrix_too_big_to_show_becomes_a_download_only():
    n = HEAT_MAX + 1
    table = heat_table(pd.DataFrame(np.eye(n)), file_name="../../etc/passwd", lang="zh")
    assert "<table" not in table.html and "矩阵过大" in table.html
    assert 'download="etc_passwd.csv"' in table.html


@pytest.mark.parametrize("path, expected", [
    ("/home/ana/data/counties.shp", "counties.shp"),
    ("data/zhejiang_demo.csv", "zhejiang_demo.csv"),
    ("C:\\Users\\ana\\Desktop\\income.xlsx", "income.xlsx"),
    ("zhejiang/counties", "zhejiang/counties"),  # a bundled layer's name
])
def test_report_shows_file_names_not_paths(path, expected):
    assert file_name(path) == expected


# --- a national-scale study: 3,000 counties in 50 states ---------------------------------------

def _national_study(folder: Path) -> Path:
    nx, ny = 60, 50
    rows, shapes = [], []
    for j in range(ny):
        for i in range(nx):
            rows.append({"fips": f"{j * nx + i:05d}", "county": NAMES[(i * 7 + j * 3) % 25],
                         "state": f"State {(j // 10) * 10 + i // 6:02d}"})
            shapes.append(box(-120 + i * 0.5, 30 + j * 0.4, -119.5 + i * 0.5, 30.4 + j * 0.4))
    regions = gpd.GeoDataFrame(rows, geometry=shapes, crs=4326)
    regions.to_file(folder / "counties.gpkg", driver="GPKG")
    rng = np.random.default_rng(7)
    x = np.arange(nx * ny) % nx
    base = 30_000 + 500 * x + 300 * (np.arange(nx * ny) // nx)
    frames = []
    for year in (2021, 2022):
        income = base * (1 + 0.03 * (year - 2021)) + rng.normal(0, 2_000, nx * ny)
        frames.append(pd.DataFrame({
            "fips": regions["fips"], "year": year, "income": income.round(1),
            "population": rng.integers(5_000, 500_000, nx * ny),
            "urban_income": (income * 1.6).round(1), "rural_income": (income * 0.9).round(1)}))
    pd.concat(frames).to_csv(folder / "income.csv", index=False)
    study = folder / "study.toml"
    study.write_text(f"""
title = "National"
[boundaries]
source = {str(folder / "counties.gpkg")!r}
key = "fips"
name = "county"
[table]
path = {str(folder / "income.csv")!r}
key = "fips"
year = "year"
[analysis]
income = "income"
population = "population"
urban = "urban_income"
rural = "rural_income"
groups = ["state"]
bootstrap = 0
[clusters]
columns = ["income"]
permutations = 99
""", encoding="utf-8")
    return study


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("national")
    study = _national_study(folder)  # absolute paths in the study file, on purpose
    result = CliRunner().invoke(main, ["-q", "run", str(study), "-o", str(folder / "out")],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return folder, (folder / "out" / "report.html").read_text(encoding="utf-8")


def test_national_report_names_no_path_of_the_machine(national):
    folder, page = national
    assert str(folder) not in page and str(Path.home()) + "/" not in page
    assert "Boundaries: counties.gpkg (3000 regions)" in page
    assert "Table: income.csv." in page


def test_national_report_groups_and_disambiguates_region_lists(national):
    _, page = national
    lists = re.findall(r'<details class="list">(.*?)</div></details>', page, flags=re.S)
    assert lists, "the long cluster list is folded"
    groups = re.findall(r"<details><summary>(State \d\d) \((\d+)\)</summary><p>(.*?)</p>",
                        lists[0])
    assert len(groups) > 10
    for state, count, items in groups:
        labels = items.split(", ")
        assert len(labels) == int(count) and len(set(labels)) == len(labels), state
    assert "Washington (" in page and HOSTILE not in page


def test_national_report_has_charts_and_a_heat_table_and_a_sane_size(national):
    folder, page = national
    charts = re.findall(r'<svg[^>]*class="gd-chart".*?</svg>', page, flags=re.S)
    assert len(charts) >= 7  # 5 gap trends, Lorenz, decomposition, Moran
    assert all(len(chart) < 50_000 for chart in charts)
    assert '<table class="heat">' in page and 'download="dagum_state.csv"' in page
    size = (folder / "out" / "report.html").stat().st_size
    assert size < 1_500_000, size


@pytest.mark.browser
def test_national_report_never_scrolls_sideways(browser, national):  # noqa: F811
    folder, _ = national
    path = folder / "out" / "report.html"
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.goto(path.as_uri())
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.evaluate("() => document.querySelectorAll('details').forEach("
                          "d => d.open = true)")
            scroll, client = page.evaluate(
                "() => [document.documentElement.scrollWidth, "
                "document.documentElement.clientWidth]")
            assert scroll <= client, (width, scroll, client)
        if ARTIFACTS.exists():
            shutil.copy(path, ARTIFACTS / "national_report.html")
    finally:
        page.close()


@pytest.mark.browser
def test_demo_report_in_chinese_fits_every_width_with_its_charts(browser, tmp_path):  # noqa: F811
    lang = "zh"  # English chart words are checked in test_charts.py
    study = (ROOT / "examples" / "zhejiang_demo.toml").read_text(encoding="utf-8")
    study = study.replace('lang = "en"', f'lang = "{lang}"').replace(
        'path = "data/', f'path = "{(ROOT / "examples" / "data").as_posix()}/').replace(
        "permutations = 999", "permutations = 99").replace("draws = 1000", "draws = 100")
    (tmp_path / "study.toml").write_text(study, encoding="utf-8")
    result = CliRunner().invoke(main, ["-q", "run", str(tmp_path / "study.toml"), "-o",
                                       str(tmp_path / "out")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    english = ["Line of equality", "Spatial lag", "Standardised value", "Between groups",
               "Transvariation", "Lorenz curve", "Moran scatter plot"]
    assert all((word in html) == (lang == "en") for word in english), lang
    assert str(ROOT) not in html
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto((tmp_path / "out" / "report.html").as_uri())
        assert page.locator("svg.gd-chart").count() >= 10
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            scroll, client = page.evaluate(
                "() => [document.documentElement.scrollWidth, "
                "document.documentElement.clientWidth]")
            assert scroll <= client, (width, scroll, client)
            box = page.locator("svg.gd-chart").first.bounding_box()
            assert box["width"] <= client
    finally:
        page.close()
