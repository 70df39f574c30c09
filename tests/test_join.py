"""join(): key repair, name matching, long tables, and a report that hides nothing."""

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from geodisparity import JoinReport, join, read_table
from geodisparity.errors import (
    DuplicateKeyError,
    EmptyDataError,
    InputError,
    JoinError,
    MissingColumnError,
)
from geodisparity.io.keys import normalize_name


def zhejiang():
    """Five real Zhejiang counties on a synthetic grid."""
    return gpd.GeoDataFrame(
        {
            "adcode": ["330127", "330182", "331127", "331181", "330382"],
            "name_zh": ["淳安县", "建德市", "景宁畲族自治县", "龙泉市", "乐清市"],
            "name_en": ["Chun'an County", "Jiande City", "Jingning She Autonomous County",
                        "Longquan City", "Yueqing City"],
        },
        geometry=[box(i, 0, i + 1, 1) for i in range(5)],
        crs="EPSG:4326",
        index=pd.Index([10, 11, 12, 13, 14], name="rid"),
    )


def us_counties():
    return gpd.GeoDataFrame(
        {"fips": ["01001", "01003", "01005", "56045"]},
        geometry=[box(i, 0, i + 1, 1) for i in range(4)],
        crs="EPSG:4326",
    )


def check_nothing_lost(regions, table, joined, report, how="left"):
    """Every region is in the result (left) and every table row is used or reported."""
    assert report.n_left == len(regions) and report.n_right == len(table)
    assert report.matched + len(report.unmatched_left) == len(regions)
    assert report.matched_rows + len(report.unmatched_right) == len(table)
    if how == "left":
        assert set(joined.index) == set(regions.index)


# ---------------------------------------------------------------------- key repair


@pytest.mark.parametrize(
    ("keys", "repair"),
    [
        ([1001, 1003, 1005, 56045], "converted to text"),
        ([1001.0, 1003.0, 1005.0, 56045.0], "converted to text"),
        (["1001.0", "1003.0", "1005.0", "56045.0"], "'.0' removed"),
        ([" 01001", "01003 ", "01005", "56045"], "whitespace stripped"),
        (["1001", "1003", "1005", "56045"], "zero-padded to 5 digits"),
    ],
)
def test_key_repairs(keys, repair):
    regions = us_counties()
    table = pd.DataFrame({"fips": keys, "income": [1.0, 2.0, 3.0, 4.0]})
    joined, report = join(regions, table, on="fips")
    assert joined["income"].tolist() == [1.0, 2.0, 3.0, 4.0]
    assert joined["fips"].tolist() == regions["fips"].tolist()
    assert report.matched == 4 and report.unmatched_right.empty
    assert repair in report.repairs["table"]
    assert repair in str(report)
    check_nothing_lost(regions, table, joined, report)


def test_padding_counts_only_short_keys():
    table = pd.DataFrame({"fips": ["1001", "01003", "56045"], "v": [1, 2, 3]})
    _, report = join(us_counties(), table, on="fips")
    assert report.repairs["table"] == {"zero-padded to 5 digits": 1}


def test_no_padding_when_boundary_codes_vary_in_width():
    regions = gpd.GeoDataFrame({"code": ["A1", "1001"]}, geometry=[box(0, 0, 1, 1)] * 2)
    table = pd.DataFrame({"code": ["01001", "A1"], "v": [1, 2]})
    joined, report = join(regions, table, on="code")
    assert joined["v"].iloc[0] == 2 and pd.isna(joined["v"].iloc[1])
    assert report.unmatched_right["code"].tolist() == ["01001"]


def test_numeric_region_keys_meet_zero_padded_table_keys():
    regions = gpd.GeoDataFrame({"fips": [1001, 56045]}, geometry=[box(0, 0, 1, 1)] * 2)
    table = pd.DataFrame({"fips": ["01001", "56045"], "v": [1, 2]})
    joined, report = join(regions, table, on="fips")
    assert joined["v"].tolist() == [1, 2]
    assert joined["fips"].tolist() == [1001, 56045]  # the regions' column is left as it was
    assert report.repairs["regions"] == {"converted to text": 2}
    assert report.repairs["table"] == {"leading zeros removed (region keys are numbers)": 1}


def test_left_on_right_on_keep_both_key_columns():
    regions = zhejiang()
    table = pd.DataFrame({"code": [330127, 330182], "gdp": [1.0, 2.0]})
    joined, report = join(regions, table, left_on="adcode", right_on="code")
    assert joined.loc[10, "code"] == 330127
    assert joined.loc[10, "gdp"] == 1.0
    assert report.matched == 2


# ---------------------------------------------------------------------- the report


def test_report_lists_unmatched_rows_with_names_and_suggestions():
    regions = zhejiang()
    table = pd.DataFrame({
        "adcode": ["330127", "330182", "331127", "331118", "999999"],
        "county": ["淳安县", "建德市", "景宁畲族自治县", "龙泉", "火星县"],
        "income": [1.0, 2.0, 3.0, 4.0, 5.0],
    })
    table.attrs["source"] = "income.csv"
    joined, report = join(regions, table, on="adcode", names=("name_zh", "county"))
    assert report.matched == 3
    assert report.unmatched_left["adcode"].tolist() == ["331181", "330382"]
    assert report.unmatched_left["name_zh"].tolist() == ["龙泉市", "乐清市"]
    assert report.unmatched_left.index.tolist() == [13, 14]
    assert report.unmatched_right["adcode"].tolist() == ["331118", "999999"]
    text = str(report)
    assert "3 of 5 regions matched income.csv" in text
    assert "2 regions have no row in income.csv: 331181 (龙泉市), 330382 (乐清市)" in text
    assert "2 rows of income.csv match no region: 331118 (龙泉), 999999 (火星县)" in text
    # names feed the suggestions: 龙泉 normalises to the name of 龙泉市
    best = report.suggestions[report.suggestions["table_value"] == "龙泉"].iloc[0]
    assert best["region_value"] == "龙泉市" and best["region_key"] == "331181"
    assert best["score"] == 100
    assert "'龙泉' -> '龙泉市' (100, key 331181)" in text
    assert joined["income"].isna().tolist() == [False, False, False, True, True]
    check_nothing_lost(regions, table, joined, report)


def test_key_suggestions_use_edit_similarity():
    from rapidfuzz import fuzz

    table = pd.DataFrame({"fips": ["01001", "01003", "01050", "56045"], "v": [1, 2, 3, 4]})
    _, report = join(us_counties(), table, on="fips")
    row = report.suggestions.iloc[0]
    assert (row["table_value"], row["region_value"]) == ("01050", "01005")
    # two strings of 5 characters sharing a subsequence of 4: 2 * 4 / 10 = 80 %
    assert row["score"] == pytest.approx(80.0)
    assert row["score"] == pytest.approx(fuzz.ratio("01050", "01005"))


def test_report_repr_and_to_dict_are_plain():
    table = pd.DataFrame({"fips": ["1001", "99999"], "v": [1.0, np.nan]})
    _, report = join(us_counties(), table, on="fips")
    assert isinstance(report, JoinReport)
    assert repr(report).startswith("JoinReport(matched=1, n_left=4, n_right=2")
    data = report.to_dict()
    json.dumps(data)  # serialisable
    assert data["unmatched_right"] == [{"fips": "99999"}]
    assert [r["fips"] for r in data["unmatched_left"]] == ["01003", "01005", "56045"]
    assert data["repairs"]["table"] == {"zero-padded to 5 digits": 1}  # "99999" is 5 wide
    with pytest.raises(AttributeError):
        report.matched = 3  # frozen


def test_complete_join_report():
    table = pd.DataFrame({"fips": ["01001", "01003", "01005", "56045"], "v": [1, 2, 3, 4]})
    joined, report = join(us_counties(), table, on="fips", strict=True)
    assert report.complete
    assert str(report).splitlines() == [
        "4 of 4 regions matched the table (by key, how='left'; 4 of 4 table rows used)"
    ]


def test_strict_raises_with_the_summary():
    table = pd.DataFrame({"fips": ["01001", "77777"], "v": [1, 2]})
    with pytest.raises(JoinError, match=r"(?s)1 of 4 regions.*77777"):
        join(us_counties(), table, on="fips", strict=True)


def test_inner_join_drops_regions_but_reports_them():
    regions = us_counties()
    table = pd.DataFrame({"fips": ["01003", "01001", "88888"], "v": [3, 1, 8]})
    joined, report = join(regions, table, on="fips", how="inner")
    assert joined["fips"].tolist() == ["01001", "01003"]  # regions' order
    assert joined.index.tolist() == [0, 1]
    assert report.unmatched_left["fips"].tolist() == ["01005", "56045"]
    assert report.unmatched_right["fips"].tolist() == ["88888"]
    check_nothing_lost(regions, table, joined, report, how="inner")


def test_result_keeps_geometry_crs_and_index():
    regions = zhejiang()
    table = pd.DataFrame({"adcode": ["330382", "330127"], "name_zh": ["x", "y"], "v": [1, 2]})
    joined, _ = join(regions, table, on="adcode")
    assert isinstance(joined, gpd.GeoDataFrame)
    assert joined.crs == regions.crs
    assert joined.index.equals(regions.index)
    assert joined.geometry.geom_equals(regions.geometry).all()
    assert joined["name_zh"].tolist() == regions["name_zh"].tolist()  # regions' column kept
    assert joined["name_zh_table"].isna().tolist() == [False, True, True, True, False]
    assert joined.loc[10, "name_zh_table"] == "y" and joined.loc[14, "name_zh_table"] == "x"


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("column", "table_names"),
    [
        ("name_zh", ["淳安", "建德", "景宁", "龙泉", "乐清"]),
        ("name_zh", ["淳安县", "建德市", "景宁畲族自治县", "龙泉市", "乐清市"]),
        ("name_zh", ["淳安\u3000县", "建德市 ", "景宁自治县", "龙泉", "乐清"]),
        ("name_en", ["Chun'an", "JIANDE", "Jingning She Autonomous County", "Longquan",
                     "yueqing city"]),
        ("name_en", ["Chun-an County", "Jiande", "Jingning", "Lóngquán", "Yueqing"]),
    ],
)
def test_name_join_strips_suffixes(column, table_names):
    regions = zhejiang()
    table = pd.DataFrame({"county": table_names[::-1], "v": [5, 4, 3, 2, 1]})
    joined, report = join(regions, table, names=(column, "county"))
    assert report.by == "name"
    assert report.unmatched_left.empty and report.unmatched_right.empty, str(report)
    assert joined["v"].tolist() == [1, 2, 3, 4, 5]


def test_normalisation_is_symmetric_and_strips_longest_suffix():
    assert normalize_name("景宁畲族自治县") == normalize_name("景宁") == "景宁"
    assert normalize_name("浦东新区") == "浦东"
    assert normalize_name("双江拉祜族佤族布朗族傣族自治县") == "双江"
    assert normalize_name("Jingning She Autonomous County") == normalize_name("Jingning")


def test_two_regions_with_one_normalised_name_are_ambiguous():
    regions = gpd.GeoDataFrame(
        {"name": ["海宁县", "海宁市", "桐乡市"]},
        geometry=[box(i, 0, i + 1, 1) for i in range(3)],
    )
    table = pd.DataFrame({"name": ["海宁", "桐乡"], "v": [1, 2]})
    joined, report = join(regions, table, names="name")
    assert joined["v"].isna().tolist() == [True, True, False]
    assert report.ambiguous["table_value"].tolist() == ["海宁"]
    assert report.ambiguous["candidates"].tolist() == ["海宁县, 海宁市"]
    assert report.unmatched_right["name"].tolist() == ["海宁"]
    assert "'海宁' fits 海宁县, 海宁市" in str(report)
    assert not report.complete
    with pytest.raises(JoinError, match="ambiguous"):
        join(regions, table, names="name", strict=True)


def test_exact_name_beats_normalised_name():
    regions = gpd.GeoDataFrame({"name": ["海宁县", "海宁市"]},
                               geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)])
    table = pd.DataFrame({"name": ["海宁市"], "v": [7]})
    joined, report = join(regions, table, names="name")
    assert joined["v"].isna().tolist() == [True, False]
    assert report.ambiguous.empty


def test_duplicate_region_names_are_ambiguous():
    regions = gpd.GeoDataFrame({"name": ["城关镇", "城关镇"]},
                               geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)])
    table = pd.DataFrame({"name": ["城关镇"], "v": [1]})
    with pytest.raises(JoinError, match=r"nothing matched(.|\n)*each fit several regions"
                                        r"(.|\n)*'城关镇' fits 城关镇, 城关镇"):
        join(regions, table, names="name")
    regions.loc[2, ["name", "geometry"]] = ["龙泉市", box(2, 0, 3, 1)]
    _, report = join(regions, pd.DataFrame({"name": ["城关镇", "龙泉市"], "v": [1, 2]}),
                     names="name")
    assert report.ambiguous["reason"].tolist() == ["same name"]
    assert report.matched == 1


def test_two_table_spellings_of_one_region_are_duplicates():
    table = pd.DataFrame({"county": ["淳安", "淳安县"], "v": [1, 2]})
    message = r"same region name: '淳安', '淳安县' \(rows 0, 1\)"
    with pytest.raises(DuplicateKeyError, match=message):
        join(zhejiang(), table, names=("name_zh", "county"))


def test_name_suggestions_for_misspellings():
    table = pd.DataFrame({"county": ["Chun'an", "Jiandee", "Longquan", "Jingning", "Yueqing"],
                          "v": range(5)})
    _, report = join(zhejiang(), table, names=("name_en", "county"))
    assert report.unmatched_right["county"].tolist() == ["Jiandee"]
    best = report.suggestions.iloc[0]
    assert (best["table_value"], best["region_value"]) == ("Jiandee", "Jiande City")
    assert 80 <= best["score"] < 100


# ------------------------------------------------------------------------- years


def long_table():
    return pd.DataFrame({
        "adcode": ["330127", "330127", "330182", "330182", "999999"],
        "year": [2021, 2022, 2021, 2022, 2022],
        "gdp": [1.0, 1.1, 2.0, 2.1, 9.9],
    })


def test_long_table_gives_long_result():
    regions = zhejiang()
    joined, report = join(regions, long_table(), on="adcode", year="year")
    # 4 matched region-years + 3 regions without rows, once each with no year
    assert len(joined) == 7
    assert joined.index.equals(pd.RangeIndex(7))
    assert joined["adcode"].tolist() == ["330127", "330127", "330182", "330182",
                                         "331127", "331181", "330382"]
    assert joined["year"].isna().tolist() == [False] * 4 + [True] * 3
    assert joined["gdp"].tolist()[:4] == [1.0, 1.1, 2.0, 2.1]
    assert report.matched == 2 and report.matched_rows == 4
    assert report.unmatched_right["year"].tolist() == [2022]
    assert "long table by 'year'" in str(report)


def test_long_table_inner():
    joined, _ = join(zhejiang(), long_table(), on="adcode", year="year", how="inner")
    assert len(joined) == 4


def test_long_table_duplicates_are_per_year():
    table = long_table()
    table.loc[1, "year"] = 2021
    with pytest.raises(DuplicateKeyError, match=r"330127 in year 2021 \(rows 0, 1\)"):
        join(zhejiang(), table, on="adcode", year="year")


def test_long_table_missing_year():
    table = long_table()
    table["year"] = table["year"].astype(float)
    table.loc[3, "year"] = np.nan
    with pytest.raises(InputError, match="year column 'year'.*rows 3"):
        join(zhejiang(), table, on="adcode", year="year")


@pytest.mark.parametrize("value", [2022, "2022", 2022.0])
def test_select_one_year(value):
    joined, report = join(zhejiang(), long_table(), on="adcode", year=("year", value))
    assert joined["gdp"].tolist()[:2] == [1.1, 2.1]
    assert joined.index.equals(zhejiang().index)
    assert report.n_right == 3
    assert "year = " in str(report)


def test_select_missing_year_lists_the_years():
    with pytest.raises(EmptyDataError, match="year = 2030.*2021, 2022"):
        join(zhejiang(), long_table(), on="adcode", year=("year", 2030))


# ---------------------------------------------------------------------- bad input


def test_duplicate_table_keys_are_listed():
    table = pd.DataFrame({"fips": ["01001", "1001", "01003", "01003"], "v": [1, 2, 3, 4]})
    with pytest.raises(DuplicateKeyError, match=r"several rows.*01001 \(rows 0, 1\).*01003"):
        join(us_counties(), table, on="fips")


def test_duplicate_region_keys():
    regions = us_counties()
    regions.loc[1, "fips"] = "01001"
    with pytest.raises(DuplicateKeyError, match="regions column 'fips'.*01001"):
        join(regions, pd.DataFrame({"fips": ["01001"]}), on="fips")


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({}, InputError, "on="),
        ({"on": "nope"}, MissingColumnError, "'nope'.*fips"),
        ({"left_on": "fips"}, InputError, "both or neither"),
        ({"on": "fips", "left_on": "fips", "right_on": "fips"}, InputError, "not both"),
        ({"on": "fips", "how": "outer"}, InputError, "how='outer'.*'left', 'inner'"),
        ({"on": "fips", "names": ("a", "b", "c")}, InputError, "names="),
        ({"names": ("fips", None)}, InputError, "name column on each side"),
        ({"on": "fips", "year": 2022}, InputError, "year=2022"),
        ({"on": "fips", "year": "year"}, MissingColumnError, "'year'"),
    ],
)
def test_bad_arguments(kwargs, error, message):
    table = pd.DataFrame({"fips": ["01001"], "v": [1]})
    with pytest.raises(error, match=message):
        join(us_counties(), table, **kwargs)


def test_empty_inputs_and_wrong_types():
    with pytest.raises(EmptyDataError, match="no rows"):
        join(us_counties(), pd.DataFrame({"fips": []}), on="fips")
    with pytest.raises(InputError, match="GeoDataFrame"):
        join(pd.DataFrame({"fips": ["1"]}), pd.DataFrame({"fips": ["1"]}), on="fips")
    with pytest.raises(InputError, match="DataFrame"):
        join(us_counties(), {"fips": ["1"]}, on="fips")


def test_missing_table_keys_are_unmatched_not_matched_to_missing_region_keys():
    regions = gpd.GeoDataFrame({"k": ["1", None]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)])
    table = pd.DataFrame({"k": ["1", None], "v": [1, 2]})
    joined, report = join(regions, table, on="k")
    assert joined["v"].tolist()[0] == 1 and pd.isna(joined["v"].tolist()[1])
    assert len(report.unmatched_right) == 1 and len(report.unmatched_left) == 1


# ----------------------------------------------------------------- file to file


def test_csv_with_dropped_zeros_end_to_end(tmp_path):
    path = tmp_path / "income.csv"
    path.write_text("fips,income\n1001,51.2\n1003,48.9\n56045,60.1\n9999,0\n")
    table = read_table(path)  # no key= : the CSV reader turns codes into numbers
    joined, report = join(us_counties(), table, on="fips")
    assert joined["income"].tolist()[:2] == [51.2, 48.9]
    assert joined["income"].tolist()[3] == 60.1
    assert "rows of income.csv" in str(report) or "row of income.csv" in str(report)
    assert report.unmatched_right["fips"].tolist() == [9999]
    assert report.unmatched_left["fips"].tolist() == ["01005"]


def test_gbk_shapefile_and_gbk_csv_joined_by_name(tmp_path):
    import pyogrio

    from geodisparity import read_boundaries

    shp = tmp_path / "zj.shp"
    pyogrio.write_dataframe(zhejiang().reset_index(), shp, encoding="GBK")
    shp.with_suffix(".cpg").unlink()
    csv = tmp_path / "人口.csv"
    csv.write_bytes("县名,人口\n淳安,45.1\n建德,44.3\n景宁,17.2\n龙泉,29.6\n乐青,140.0\n"
                    .encode("gbk"))
    regions = read_boundaries(shp, key="adcode")
    joined, report = join(regions, read_table(csv), names=("name_zh", "县名"))
    assert joined["人口"].tolist()[:4] == [45.1, 44.3, 17.2, 29.6]
    assert pd.isna(joined["人口"].tolist()[4])
    text = str(report)
    assert "1 region has no row in 人口.csv: 乐清市" in text
    assert "1 row of 人口.csv matches no region: 乐青" in text
    assert "'乐青' -> '乐清市'" in text


# ------------------------------------------------------- bundled Zhejiang counties


@pytest.fixture(scope="module")
def zhejiang_counties():
    from geodisparity import boundaries

    return boundaries.load("zhejiang/counties")


def test_bundled_counties_with_a_flawed_csv(tmp_path, zhejiang_counties):
    """Two counties missing, one code mistyped, one padded with spaces: all of it reported."""
    regions = zhejiang_counties
    codes = regions["adcode"].tolist()
    dropped = [codes[10], codes[50]]
    mistyped = codes[70]
    typo = mistyped[:4] + mistyped[5] + mistyped[4]  # last two digits swapped
    assert typo not in codes
    rows = []
    for number, code in enumerate(codes):
        if code in dropped:
            continue
        shown = typo if code == mistyped else (f" {code} " if number == 3 else code)
        rows.append(f"{shown},{number * 1.5}")
    path = tmp_path / "income.csv"
    path.write_text("adcode,income\n" + "\n".join(rows) + "\n")

    joined, report = join(regions, read_table(path), on="adcode", names=("name_zh", None))

    assert len(joined) == 90 and joined.index.equals(regions.index)
    assert report.matched == 87
    assert sorted(report.unmatched_left["adcode"]) == sorted([*dropped, mistyped])
    assert report.unmatched_right["adcode"].tolist() == [int(typo)]
    assert report.repairs["table"] == {"converted to text": 88}  # pandas parsed the codes
    by_value = report.suggestions[report.suggestions["table_value"] == typo]
    assert mistyped in by_value["region_key"].tolist()
    expected = dict(zip(regions["adcode"], np.arange(90) * 1.5, strict=True))
    for code in [*dropped, mistyped]:
        expected[code] = np.nan
    np.testing.assert_allclose(joined["income"], [expected[c] for c in regions["adcode"]])
    text = str(report)
    name = regions.set_index("adcode")["name_zh"]
    assert f"{mistyped} ({name[mistyped]})" in text and typo in text
    with pytest.raises(JoinError, match="87 of 90 regions"):
        join(regions, read_table(path), on="adcode", strict=True)


def test_bundled_counties_by_short_names_in_gbk(tmp_path, zhejiang_counties):
    """Names without 县/市/区, one misspelled, in a GBK file: matched, reported, suggested."""
    regions = zhejiang_counties
    short = [n.replace("畲族自治县", "") if "自治" in n else n[:-1] for n in regions["name_zh"]]
    assert all(len(n) >= 2 for n in short)
    wrong = short.index("乐清")
    short[wrong] = "乐青"
    lines = [f"{n},{i}" for i, n in enumerate(short)]
    path = tmp_path / "人口.csv"
    path.write_bytes(("县,人口\n" + "\n".join(lines) + "\n").encode("gbk"))

    joined, report = join(regions, read_table(path), names=("name_zh", "县"))

    assert report.matched == 89
    assert report.unmatched_left["name_zh"].tolist() == ["乐清市"]
    assert report.unmatched_right["县"].tolist() == ["乐青"]
    best = report.suggestions.iloc[0]
    assert (best["table_value"], best["region_value"]) == ("乐青", "乐清市")
    assert joined["人口"].drop(index=regions.index[wrong]).tolist() == \
        [i for i in range(90) if i != wrong]


def test_report_to_frame_pairs_table_rows_with_their_best_suggestion():
    table = pd.DataFrame({"adcode": ["330127", "331118", "999999"],
                          "county": ["淳安县", "龙泉", "火星县"]})
    _, report = join(zhejiang(), table, on="adcode", names=("name_zh", "county"))
    frame = report.to_frame()
    assert frame["side"].tolist() == ["regions"] * 4 + ["table"] * 2
    table_rows = frame[frame["side"] == "table"].set_index("label")
    assert table_rows.loc["331118 (龙泉)", "suggestion"] == "龙泉市"
    assert table_rows.loc["331118 (龙泉)", "score"] == 100
    assert table_rows.loc["999999 (火星县)", "suggestion"] is None
