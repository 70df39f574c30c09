"""``[access]`` in a study file, end to end: a small facilities file, the CLI, the outputs."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import geodisparity as gd
from geodisparity.cli import main
from geodisparity.config import ConfigError, parse_config
from geodisparity.crs import metric_crs

ROOT = Path(__file__).resolve().parents[1]
DEMO_TABLE = ROOT / "examples" / "data" / "zhejiang_demo.csv"
BASE = {
    "boundaries": {"source": "zhejiang/counties", "key": "adcode", "name": "name_en"},
    "table": {"path": "t.csv", "key": "adcode"},
    "analysis": {"income": "income", "population": "population"},
}


@pytest.fixture(scope="module")
def counties():
    return gd.boundaries.load("zhejiang/counties")


def facilities_of(counties, picks=(0, 10, 40, 70)):
    """Four hospitals at points inside four counties (longitude/latitude), beds 100-400."""
    inside = counties.geometry.iloc[list(picks)].representative_point()
    return pd.DataFrame({"name": [f"H{i}" for i in range(len(picks))],
                         "longitude": inside.x.round(6).to_numpy(),
                         "latitude": inside.y.round(6).to_numpy(),
                         "beds": [100 * (i + 1) for i in range(len(picks))]})


def study(tmp_path, counties, access, *, cluster=True):
    table = pd.read_csv(DEMO_TABLE, dtype={"adcode": str})
    table = table[table["year"] == 2023].drop(columns="year")
    table.to_csv(tmp_path / "t.csv", index=False)
    facilities_of(counties).to_csv(tmp_path / "hospitals.csv", index=False)
    lines = ['[boundaries]', 'source = "zhejiang/counties"', 'key = "adcode"',
             'name = "name_en"', '[table]', 'path = "t.csv"', 'key = "adcode"',
             '[analysis]', 'income = "income"', 'population = "population"', 'bootstrap = 0',
             '[clusters]', 'columns = ["beds_access"]' if cluster else 'columns = []',
             'permutations = 99', '[access]']
    lines += [f"{key} = {value}" for key, value in access.items()]
    path = tmp_path / "study.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


ACCESS = {"facilities": '"hospitals.csv"', "capacity": '"beds"', "x": '"longitude"',
          "y": '"latitude"', "catchment": 40000, "method": '"e2sfca"', "per": 1000,
          "name": '"beds_access"', "label": '{ en = "Access to beds", zh = "床位可达性" }',
          "unit": '"beds per 1,000"'}


def test_run_adds_the_score_to_regions_atlas_clusters_and_report(tmp_path, counties):
    config = study(tmp_path, counties, ACCESS)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(config), "--output", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    regions = pd.read_csv(out / "regions.csv", dtype={"adcode": str})
    # the same score computed directly: county polygons (centroids) against the hospitals
    table = pd.read_csv(tmp_path / "t.csv", dtype={"adcode": str})
    demand = counties.merge(table[["adcode", "population"]], on="adcode")
    hospitals = facilities_of(counties)
    hospitals = gpd.GeoDataFrame(hospitals, crs=4326, geometry=gpd.points_from_xy(
        hospitals["longitude"], hospitals["latitude"]))
    expected = gd.accessibility(demand, hospitals, population="population", capacity="beds",
                                method="e2sfca", catchment=40000, per=1000)
    got = regions.set_index("adcode")["beds_access"].loc[demand["adcode"]]
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-12)
    assert (got > 0).sum() >= 4 and (got == 0).sum() > 10  # served near the hospitals only
    assert "beds_access_lisa_cluster" in regions.columns  # clustered like any column
    atlas = (out / "atlas.html").read_text(encoding="utf-8")
    assert "Access to beds" in atlas
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Access to services" in report and "enhanced, Luo &amp; Qi 2009" in report
    assert "4 facilities with a total capacity of 1,000" in report


def test_population_points_are_averaged_per_region(tmp_path, counties):
    rng = np.random.default_rng(3)
    sample = counties.iloc[:12]
    points = sample.geometry.sample_points(5, rng=rng).explode(index_parts=False)
    people = gpd.GeoDataFrame({"pop": rng.integers(100, 1000, len(points))},
                              geometry=points.to_numpy(), crs=counties.crs)
    people.to_file(tmp_path / "people.gpkg")
    access = {**ACCESS, "demand": '"people.gpkg"', "population": '"pop"', "method": '"2sfca"',
              "catchment": 15000}
    config = study(tmp_path, counties, access, cluster=False)  # NaN where no point
    result = CliRunner().invoke(main, ["run", str(config), "--output", str(tmp_path / "out")],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    regions = pd.read_csv(tmp_path / "out" / "regions.csv", dtype={"adcode": str})
    hospitals = facilities_of(counties)
    hospitals = gpd.GeoDataFrame(hospitals, crs=4326, geometry=gpd.points_from_xy(
        hospitals["longitude"], hospitals["latitude"]))
    scores = gd.accessibility(people, hospitals, population="pop", capacity="beds",
                              catchment=15000, per=1000)
    # population-weighted mean per county, by hand: which county holds each point
    owner = np.repeat(sample["adcode"].to_numpy(), 5)
    frame = pd.DataFrame({"adcode": owner, "w": people["pop"] * scores, "pop": people["pop"]})
    by_hand = frame.groupby("adcode")["w"].sum() / frame.groupby("adcode")["pop"].sum()
    got = regions.set_index("adcode")["beds_access"]
    np.testing.assert_allclose(got.loc[by_hand.index], by_hand, rtol=1e-12)
    assert got.drop(by_hand.index).isna().all()  # no point, no score


@pytest.mark.parametrize(("access", "message"), [
    ({"capacity": "beds", "catchment": 1000}, "access.facilities is missing"),
    ({"facilities": "h.csv", "capacity": "beds", "catchment": 0}, "access.catchment = 0"),
    ({"facilities": "h.csv", "capacity": "beds", "catchment": 9, "bands": [3]},
     "access.bands is for method = \"e2sfca\""),
    ({"facilities": "h.csv", "capacity": "beds", "catchment": 9, "method": "e2sfca",
      "bands": [3, 12], "weights": [1, 0.5, 0.1]}, "must increase and stay below"),
    ({"facilities": "h.csv", "capacity": "beds", "catchment": 9, "method": "e2sfca",
      "bands": [3, 6], "weights": [1, 0.5]}, "needs 3 weights"),
    ({"facilities": "h.csv", "capacity": "beds", "catchment": 9, "demand": "people.gpkg"},
     "name its population column"),
    ({"facilities": "h.csv", "capacity": "beds", "catchment": 9, "method": "3sfca"},
     "access.method = '3sfca' is not accepted"),
])
def test_access_section_errors_name_the_key(access, message):
    with pytest.raises(ConfigError, match=message):
        parse_config({**BASE, "access": access})


def test_population_is_required_somewhere():
    raw = {**BASE, "analysis": {"income": "income"},
           "access": {"facilities": "h.csv", "capacity": "beds", "catchment": 9}}
    with pytest.raises(ConfigError, match="needs a population"):
        parse_config(raw)
    decay = parse_config({**BASE, "access": {"facilities": "h.csv", "capacity": "beds",
                                             "catchment": 9, "method": "e2sfca",
                                             "bands": [3, 6], "weights": [1, 0.5, 0.2]}})
    assert decay.access.decay() == ((3.0, 1.0), (6.0, 0.5), (9.0, 0.2))


def test_missing_facilities_file_and_bad_coordinates(tmp_path, counties):
    config = study(tmp_path, counties, {**ACCESS, "facilities": '"nowhere.csv"'})
    result = CliRunner().invoke(main, ["run", str(config), "--output", str(tmp_path / "o1")])
    assert result.exit_code != 0 and "access.facilities" in result.output
    assert "nowhere.csv" in result.output and not (tmp_path / "o1" / "atlas.html").exists()
    config = study(tmp_path, counties, ACCESS)
    bad = facilities_of(counties)
    bad.loc[2, "latitude"] = None
    bad.to_csv(tmp_path / "hospitals.csv", index=False)
    result = CliRunner().invoke(main, ["run", str(config), "--output", str(tmp_path / "o2")])
    assert result.exit_code != 0 and "no numeric longitude/latitude" in result.output
    assert "rows 4 of the file" in result.output


def test_metric_crs_of_zhejiang_is_utm_51n(counties):
    """The run measures metres in UTM 51N for Zhejiang (the projection the docs promise)."""
    assert metric_crs(counties).to_epsg() == 32651
