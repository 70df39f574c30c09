"""[[rasters]] in a study file: a hand-made raster through `geodisparity run`.

Nine square regions (1 km, in a 3 x 3 block) are written in longitude/latitude; the raster is
in Web Mercator (EPSG:3857), where the regions are exact squares of 2 x 2 cells of 500 m, so
every region's statistics are plain averages of its four cells, computed here by hand. One
cell is nodata, so its region's mean is over three cells.
"""

from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

from geodisparity.cli import main
from geodisparity.config import ConfigError, parse_config

rasterio = pytest.importorskip("rasterio")
from affine import Affine  # noqa: E402

CELL = 500.0
X0, Y0 = 1_000_000.0, 3_500_000.0  # top-left corner of the block, EPSG:3857 metres
NODATA = -9999.0
VALUES = np.arange(36, dtype=float).reshape(6, 6) * 10.0  # 6 x 6 cells: 3 x 3 regions
VALUES[0, 0] = NODATA
WEIGHTS = np.arange(1, 37, dtype=float).reshape(6, 6)[::-1]  # residents per cell


def _regions() -> gpd.GeoDataFrame:
    boxes, ids = [], []
    for row in range(3):
        for col in range(3):
            left, top = X0 + col * 2 * CELL, Y0 - row * 2 * CELL
            boxes.append(shapely.box(left, top - 2 * CELL, left + 2 * CELL, top))
            ids.append(f"R{row}{col}")
    frame = gpd.GeoDataFrame({"code": ids, "name": [f"Region {i}" for i in ids]},
                             geometry=boxes, crs="EPSG:3857")
    return frame.to_crs("EPSG:4326")  # the raster's CRS differs from the boundaries'


def _write_raster(path, values, *, crs="EPSG:3857", nodata=NODATA) -> None:
    profile = {"driver": "GTiff", "height": 6, "width": 6, "count": 1, "dtype": "float64",
               "transform": Affine(CELL, 0.0, X0, 0.0, -CELL, Y0), "nodata": nodata}
    if crs is not None:
        profile["crs"] = crs
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(values, 1)


def _expected(values: np.ndarray, weights: np.ndarray | None = None) -> dict[str, float]:
    """Mean of each region's four cells (nodata left out), weighted if asked; by hand."""
    result = {}
    for row in range(3):
        for col in range(3):
            v = values[2 * row:2 * row + 2, 2 * col:2 * col + 2].ravel()
            w = np.ones(4) if weights is None else weights[2 * row:2 * row + 2,
                                                           2 * col:2 * col + 2].ravel()
            keep = v != NODATA
            result[f"R{row}{col}"] = float((v[keep] * w[keep]).sum() / w[keep].sum())
    return result


@pytest.fixture
def study(tmp_path):
    _regions().to_file(tmp_path / "regions.geojson", driver="GeoJSON")
    rng = np.random.default_rng(5)
    codes = [f"R{r}{c}" for r in range(3) for c in range(3)]
    pd.DataFrame({"code": codes, "income": rng.uniform(20000, 60000, 9).round(),
                  "population": rng.integers(10_000, 90_000, 9)}).to_csv(
        tmp_path / "table.csv", index=False)
    _write_raster(tmp_path / "terrain.tif", VALUES)
    _write_raster(tmp_path / "terrain_nocrs.tif", VALUES, crs=None)
    _write_raster(tmp_path / "people.tif", WEIGHTS, nodata=None)
    return tmp_path


STUDY = """
title = "Rasters"
[boundaries]
source = "regions.geojson"
key = "code"
name = "name"
[table]
path = "table.csv"
key = "code"
[analysis]
income = "income"
population = "population"
bootstrap = 0
[[rasters]]
path = "terrain.tif"
name = "elevation"
label = { en = "Mean elevation", zh = "平均海拔" }
unit = "m"
[[rasters]]
path = "terrain_nocrs.tif"
crs = "EPSG:3857"
statistic = "range"
name = "relief"
[[rasters]]
path = "terrain.tif"
weights = "people.tif"
name = "elevation_residents"
[[indicators]]
name = "elevation_km"
expression = "elevation / 1000"
[clusters]
columns = ["elevation"]
permutations = 99
[[layers]]
column = "elevation"
label = "Mean elevation"
unit = "m"
[[layers]]
column = "elevation"
kind = "lisa"
"""


def _run(folder, text=STUDY, *extra):
    (folder / "study.toml").write_text(text, encoding="utf-8")
    return CliRunner().invoke(main, ["run", str(folder / "study.toml"), "-o",
                                     str(folder / "out"), *extra])


def test_raster_columns_feed_the_run(study):
    result = _run(study)
    assert result.exit_code == 0, result.output
    regions = pd.read_csv(study / "out" / "regions.csv").set_index("code")
    expected = _expected(VALUES)
    for code, value in expected.items():
        assert regions.loc[code, "elevation"] == pytest.approx(value, rel=1e-9)
        assert regions.loc[code, "elevation_km"] == pytest.approx(value / 1000, rel=1e-9)
    assert regions.loc["R00", "elevation"] == pytest.approx((10 + 60 + 70) / 3)  # nodata out
    weighted = _expected(VALUES, WEIGHTS)
    for code, value in weighted.items():
        assert regions.loc[code, "elevation_residents"] == pytest.approx(value, rel=1e-9)
    ranges = {f"R{r}{c}": VALUES[2 * r:2 * r + 2, 2 * c:2 * c + 2] for r in range(3)
              for c in range(3)}
    for code, cells in ranges.items():
        valid = cells[cells != NODATA]
        assert regions.loc[code, "relief"] == pytest.approx(valid.max() - valid.min())
    # The raster column was clustered (Moran's I on it) and mapped.
    summary = json.loads((study / "out" / "summary.json").read_text(encoding="utf-8"))
    assert [m["column"] for m in summary["moran"]] == ["elevation"]
    assert "elevation_lisa_cluster" in regions.columns
    atlas = (study / "out" / "atlas.html").read_text(encoding="utf-8")
    assert "Mean elevation" in atlas
    report = (study / "out" / "report.html").read_text(encoding="utf-8")
    assert re.search(r"<td>elevation</td>\s*<td>Mean elevation</td>\s*<td>mean of terrain.tif</td>",
                     report)
    assert "range of terrain_nocrs.tif (CRS EPSG:3857 given in the study file)" in report
    assert "weighted by people.tif" in report
    assert str(study) not in report  # file names only, never the machine's paths


def test_raster_without_crs_needs_one(study):
    text = STUDY.replace('crs = "EPSG:3857"\n', "")
    result = _run(study, text)
    assert result.exit_code == 1
    assert "terrain_nocrs.tif" in result.output and "CRS" in result.output


def test_missing_raster_named_before_computing(study):
    result = _run(study, STUDY.replace('path = "terrain.tif"', 'path = "nowhere.tif"', 1))
    assert result.exit_code == 1
    assert "rasters[1].path" in result.output and "nowhere.tif" in result.output
    assert not (study / "out").exists() or not any((study / "out").iterdir())


def test_raster_column_may_not_replace_a_table_column(study):
    result = _run(study, STUDY.replace('name = "elevation"\n', 'name = "income"\n', 1))
    assert result.exit_code == 1
    assert "'income'" in result.output and "column of the joined table" in result.output


BASE = {"boundaries": {"source": "zhejiang/counties", "key": "adcode"},
        "table": {"path": "t.csv", "key": "adcode"}, "analysis": {"income": "income"}}


@pytest.mark.parametrize(("entry", "message"), [
    ({"path": "a.tif"}, r"rasters\[1\]\.name is missing"),
    ({"path": "a.tif", "name": "x", "statistic": "median"}, "rasters\\[1\\]\\.statistic"),
    ({"path": "a.tif", "name": "x", "band": 0}, r"rasters\[1\]\.band = 0"),
    ({"path": "a.tif", "name": "x", "weights": "p.tif", "statistic": "sum"}, "does not use"),
    ({"path": "a.tif", "name": "x", "colour": "red"}, r"unknown key rasters\[1\]\.colour"),
    ({"path": " ", "name": "x"}, "must not be empty"),
    ({"path": "a.tif", "name": "x", "label": {"fr": "x"}}, r"rasters\[1\]\.label\.fr"),
])
def test_bad_entries_named(entry, message):
    with pytest.raises(ConfigError, match=message):
        parse_config({**BASE, "rasters": [entry]})


def test_two_entries_may_not_make_one_column():
    with pytest.raises(ConfigError, match="makes the column 'x' twice"):
        parse_config({**BASE, "rasters": [{"path": "a.tif", "name": "x"},
                                          {"path": "b.tif", "name": "x"}]})


def test_indicator_entry_may_describe_a_raster_column():
    config = parse_config({**BASE, "boundaries": {"source": "r.geojson", "key": "code"},
                           "rasters": [{"path": "a.tif", "name": "x", "unit": "m"}],
                           "indicators": [{"name": "x", "target": 5.0}]})
    assert [entry.name for entry in config.indicators] == ["x"]  # described once
    assert config.indicators[0].indicator.target == 5.0


def test_long_table_gets_the_raster_value_in_every_year(study):
    table = pd.read_csv(study / "table.csv")
    later = table.assign(income=table["income"] * 1.1)
    pd.concat([table.assign(year=2020), later.assign(year=2021)]).to_csv(
        study / "table.csv", index=False)
    text = STUDY.replace('key = "code"\n[analysis]', 'key = "code"\nyear = "year"\n[analysis]')
    result = _run(study, 'lang = "zh"\n' + text)
    assert result.exit_code == 0, result.output
    regions = pd.read_csv(study / "out" / "regions.csv").set_index("code")
    for code, value in _expected(VALUES).items():  # the analysis year's rows
        assert regions.loc[code, "elevation"] == pytest.approx(value, rel=1e-9)
    gaps = pd.read_csv(study / "out" / "gaps.csv")
    assert list(gaps["year"]) == [2020, 2021]
    report = (study / "out" / "report.html").read_text(encoding="utf-8")
    assert "栅格数据" in report and "有值的区域数" in report  # the section in Chinese


def test_gcj02_boundaries_moved_before_a_fine_raster(tmp_path):
    """With gcj02 = true the statistics are those of the WGS 84 outlines, not the GCJ-02 ones."""
    import geodisparity as gd
    from geodisparity.pipeline_rasters import add_raster_columns

    # A 100 m (0.001 degree) raster near Hangzhou whose values are the column number, so a
    # shift of ~450 m east changes a region's mean by ~4.5.
    transform = Affine(0.001, 0.0, 120.0, 0.0, -0.001, 30.02)
    values = np.tile(np.arange(40, dtype=float), (20, 1))
    with rasterio.open(tmp_path / "fine.tif", "w", driver="GTiff", height=20, width=40, count=1,
                       dtype="float64", transform=transform, crs="EPSG:4326") as dst:
        dst.write(values, 1)
    regions = gpd.GeoDataFrame({"code": ["a", "b"]}, crs="EPSG:4326", geometry=[
        shapely.box(120.010, 30.005, 120.020, 30.015), shapely.box(120.020, 30.005, 120.030,
                                                                   30.015)])
    config = parse_config({**BASE, "boundaries": {"source": "r.geojson", "key": "code"},
                           "rasters": [
        {"path": "fine.tif", "name": "moved", "gcj02": True},
        {"path": "fine.tif", "name": "as_is"}]}, base_dir=tmp_path)
    result, run = add_raster_columns(regions, config)
    expected = gd.zonal_stats(gd.gcj02_to_wgs84(regions).set_index("code"),
                              tmp_path / "fine.tif", stats="mean")["mean"]
    np.testing.assert_allclose(result["moved"], expected.to_numpy(), rtol=1e-12)
    # GCJ-02 is east of WGS 84 here, so the WGS 84 outline sits ~4.5 columns further west.
    assert (result["as_is"] - result["moved"]).between(4.0, 5.0).all()
    assert "boundaries moved from GCJ-02 to WGS 84" in run.table["source"].iloc[0]


@pytest.mark.parametrize("path", ["/vsicurl/https://example.invalid/dem.tif",
                                  "https://example.invalid/dem.tif", "NETCDF:terrain.tif:dem"])
def test_gdal_virtual_paths_are_not_opened(study, path):
    """A study file is data: its raster path must be a file, never a GDAL network source."""
    result = _run(study, STUDY.replace('path = "terrain.tif"', f'path = "{path}"', 1))
    assert result.exit_code == 1
    assert "rasters[1].path" in result.output and "no such file" in result.output
