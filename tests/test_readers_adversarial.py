"""Hostile and broken input files: every one gives a correct result or a clear error.

Each file is written here, in tmp_path: shapefiles with lying .cpg files and
DBF language ids, CSV rows with extra fields, year columns holding text, tables
that match nothing, regions without geometry, and a corpus of broken files that
must all raise a GeodisparityError naming the file.
"""

import csv
import io
import json
import re
import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon, box

from geodisparity import join, read_boundaries, read_table
from geodisparity.errors import (
    DataFileError,
    EmptyGeometryWarning,
    EncodingMismatchWarning,
    FileFormatError,
    GeodisparityError,
    GeometryError,
    InputError,
    JoinError,
)
from geodisparity.io._encoding import cpg_codec
from geodisparity.io._tables import field_counts

CODES = ["330127", "331127", "331181"]
NAMES = ["淳安县", "景宁畲族自治县", "龙泉市"]


def counties(names=NAMES):
    return gpd.GeoDataFrame({"adcode": CODES, "name": names},
                            geometry=[box(i, 0, i + 1, 1) for i in range(3)], crs="EPSG:4326")


def shapefile(folder, frame=None, *, encoding="GBK", cpg=None, language_id=None, name="zj"):
    """Write a shapefile in ``encoding``, then set its .cpg text (None: no .cpg) and LDID."""
    path = folder / f"{name}.shp"
    pyogrio.write_dataframe(counties() if frame is None else frame, path, encoding=encoding)
    cpg_path = path.with_suffix(".cpg")
    cpg_path.unlink(missing_ok=True)
    if cpg is not None:
        cpg_path.write_text(cpg)
    dbf_path = path.with_suffix(".dbf")
    dbf = bytearray(dbf_path.read_bytes())
    dbf[29] = 0 if language_id is None else language_id
    dbf_path.write_bytes(bytes(dbf))
    return path


def zipped(path, target):
    """Zip the parts of shapefile ``path`` (listed first: never the archive being written)."""
    parts = [path.with_suffix(s) for s in (".shp", ".shx", ".dbf", ".prj", ".cpg")]
    with zipfile.ZipFile(target, "w") as archive:
        for part in parts:
            if part.exists():
                archive.write(part, part.name)
    return target


# ------------------------------------------------------------ CSV rows with extra fields


@pytest.mark.parametrize(("text", "lines"), [
    ("adcode,v\n330127,1,\n331127,2\n331181,3\n", "line 2 (3 fields)"),  # trailing comma
    ("adcode,v\n330127,1\n331127,1,234\n331181,3\n", "line 3 (3 fields)"),  # 1,234 unquoted
    ("adcode,v\n330127,1,\n331127,2,\n331181,3,\n", "line 2 (3 fields), line 3 (3 fields)"),
])
def test_rows_with_more_fields_than_the_header_are_refused(tmp_path, text, lines):
    path = tmp_path / "income.csv"
    path.write_text(text)
    message = rf"income\.csv: \d rows? ha(s|ve) more fields than its header.*{re.escape(lines)}"
    with pytest.raises(FileFormatError, match=message):
        read_table(path, key="adcode")


def test_without_the_check_pandas_would_shift_the_key(tmp_path):
    """The failure this guards against: pandas takes the first field as the row label."""
    path = tmp_path / "income.csv"
    path.write_text("adcode,v\n330127,1,\n331127,2,\n")
    shifted = pd.read_csv(path, dtype=str)
    assert shifted["adcode"].tolist() == ["1", "2"]  # values, not codes
    with pytest.raises(FileFormatError):
        read_table(path, key="adcode")


def test_short_rows_are_refused_but_notes_and_blank_lines_are_read(tmp_path):
    path = tmp_path / "income.csv"
    path.write_text("adcode,v,w\n330127,1,2\n331127,5\n")
    with pytest.raises(FileFormatError, match=r"fewer fields than its header.*line 3 \(2"):
        read_table(path, key="adcode")
    path.write_text("adcode,v,w\n330127,1,2\n\n331127,,5\nSource: yearbook 2023\n")
    table = read_table(path, key="adcode")
    assert table["adcode"].tolist() == ["330127", "331127", "Source: yearbook 2023"]
    assert table["w"].tolist()[:2] == [2, 5]


def test_quoted_separators_and_multiline_fields_count_as_one_field(tmp_path):
    path = tmp_path / "income.csv"
    path.write_text('adcode,name,v\n330127,"Chun\'an, County",1\n331127,"two\nlines",2\n'
                    "331181,x,3,\n")
    with pytest.raises(FileFormatError, match=r"line 5 \(4 fields\)"):  # where it starts
        read_table(path, key="adcode")
    path.write_text('adcode,name,v\n330127,"Chun\'an, County",1\n331127,"two\nlines",2\n')
    table = read_table(path, key="adcode")
    assert table["name"].tolist() == ["Chun'an, County", "two\nlines"]


def test_tsv_with_an_extra_tab(tmp_path):
    path = tmp_path / "income.tsv"
    path.write_text("adcode\tv\n330127\t1\t\n")
    with pytest.raises(FileFormatError, match=r"income\.tsv.*line 2"):
        read_table(path, key="adcode")


@pytest.mark.parametrize("header", ["adcode,v,v", "adcode,v, v "])
def test_repeated_column_names_are_refused(tmp_path, header):
    path = tmp_path / "income.csv"
    path.write_text(f"{header}\n330127,1,2\n")
    with pytest.raises(FileFormatError, match=r"income\.csv has several columns.*'v' \(2 times"):
        read_table(path, key="adcode")


# ----------------------------------------------------------- shapefile encodings


@pytest.mark.parametrize(("value", "codec"), [
    ("UTF-8", "utf-8"), ("UTF8", "utf-8"), ("65001", "utf-8"), ("\ufeffutf-8\n", "utf-8"),
    ("GBK", "gbk"), ("936", "gbk"), ("CP936", "gbk"), ("GB18030", "gb18030"),
    ("1252", "cp1252"), ("ANSI 1252", "cp1252"), ("88591", "iso8859-1"),
    ("ISO 8859-1", "iso8859-1"), ("8859-5", "iso8859-5"), ("Big5", "big5"), ("  ", None),
])
def test_cpg_values_as_esri_and_others_write_them(value, codec):
    assert cpg_codec(value, "x.cpg") == codec


@pytest.mark.parametrize("cpg", ["bogus-encoding", "rot13", "SYSTEM"])
def test_unknown_cpg_is_an_error_naming_file_and_value(tmp_path, cpg):
    path = shapefile(tmp_path, cpg=cpg)
    with pytest.raises(FileFormatError, match=rf"\.cpg file of zj\.shp .*{cpg!r}.*encoding="):
        read_boundaries(path)
    assert read_boundaries(path, encoding="gbk")["name"].tolist() == NAMES  # the way out


def test_gbk_shapefile_whose_cpg_says_utf8(tmp_path):
    path = shapefile(tmp_path, cpg="UTF-8")
    assert "淳安县".encode("gbk") in path.with_suffix(".dbf").read_bytes()
    message = r"zj\.shp: its \.cpg file says 'UTF-8', but its text is plainly GB18030"
    with pytest.warns(EncodingMismatchWarning, match=message):
        regions = read_boundaries(path, key="adcode")
    assert regions["name"].tolist() == NAMES


def test_arcgis_ansi_language_id_over_gbk_bytes(tmp_path):
    path = shapefile(tmp_path, language_id=0x57)
    with pytest.warns(EncodingMismatchWarning, match=r"language id 0x57 says cp1252.*GB18030"):
        assert read_boundaries(path)["name"].tolist() == NAMES


def test_gbk_language_id_over_utf8_bytes(tmp_path):
    path = shapefile(tmp_path, encoding="UTF-8", language_id=0x4D)
    with pytest.warns(EncodingMismatchWarning, match=r"0x4D says gbk.*plainly UTF-8"):
        assert read_boundaries(path)["name"].tolist() == NAMES


def test_zipped_shapefile_with_a_lying_cpg(tmp_path):
    archive = zipped(shapefile(tmp_path, cpg="UTF-8"), tmp_path / "zj.zip")
    with pytest.warns(EncodingMismatchWarning, match=r"zj\.zip \(zj\.shp\): its \.cpg"):
        assert read_boundaries(archive)["name"].tolist() == NAMES


@pytest.mark.parametrize(("names", "encoding", "cpg", "language_id"), [
    (["Zürich", "Genève", "Köln"], "cp1252", "1252", None),
    (["Zürich", "Genève", "Köln"], "cp1252", None, 0x57),
    (["臺北市", "新北市", "桃園市"], "big5", "BIG5", None),
    (NAMES, "GBK", "GBK", None),
    (NAMES, "GBK", None, 0x4D),
    (NAMES, "UTF-8", "UTF-8", None),
])
def test_declarations_that_fit_the_bytes_are_followed_silently(
        tmp_path, recwarn, names, encoding, cpg, language_id):
    path = shapefile(tmp_path, counties(names), encoding=encoding, cpg=cpg,
                     language_id=language_id)
    assert read_boundaries(path)["name"].tolist() == names
    assert not [w for w in recwarn if issubclass(w.category, EncodingMismatchWarning)]


def test_declared_utf8_over_bytes_that_fit_nothing(tmp_path):
    path = shapefile(tmp_path, counties(["Zürich", "Genève", "Köln"]), encoding="cp1252",
                     cpg="UTF-8")
    with pytest.raises(FileFormatError, match=r"zj\.shp: its \.cpg file says 'UTF-8', but its "
                                              r"text is not valid utf-8"):
        read_boundaries(path)
    assert read_boundaries(path, encoding="cp1252")["name"].tolist()[0] == "Zürich"


def test_explicit_encoding_that_does_not_fit_names_the_rows(tmp_path):
    path = shapefile(tmp_path, cpg="GBK")
    with pytest.raises(FileFormatError, match=r"zj\.shp is not valid utf-8 in 3 rows: 0, 1, 2"):
        read_boundaries(path, encoding="utf-8")


@pytest.mark.parametrize("encoding", ["latin_1", "mac_roman", "cp1252", "ISO-8859-1", "cp437"])
def test_python_codec_names_gdal_does_not_know(tmp_path, encoding):
    names = ["Zürich", "Genève", "Köln"]
    as_bytes = [n.encode(encoding).decode("latin-1") for n in names]  # the DBF bytes
    path = shapefile(tmp_path, counties(as_bytes), encoding="ISO-8859-1", cpg=None)
    assert read_boundaries(path, encoding=encoding)["name"].tolist() == names


def test_chinese_field_names_are_decoded_too(tmp_path):
    frame = counties().rename(columns={"name": "名称"})
    path = shapefile(tmp_path, frame, cpg="UTF-8")
    with pytest.warns(EncodingMismatchWarning):
        assert read_boundaries(path)["名称"].tolist() == NAMES


# ------------------------------------------------------------------ encoding= argument


def boundary_files(folder):
    frame = counties()
    paths = [shapefile(folder, cpg="GBK"), folder / "zj.geojson", folder / "zj.gpkg",
             folder / "zj.topojson"]
    frame.to_file(paths[1])
    frame.to_file(paths[2])
    paths[3].write_text(json.dumps({"type": "Topology", "arcs": [], "objects": {}}))
    paths.append(zipped(paths[0], folder / "zj.zip"))
    return paths


@pytest.mark.parametrize("encoding", ["no-such-codec", "rot13", "", 936])
def test_unknown_encoding_argument(tmp_path, encoding):
    table = tmp_path / "income.csv"
    table.write_text("adcode,v\n330127,1\n")
    for path in boundary_files(tmp_path):
        with pytest.raises(InputError, match=rf"encoding={encoding!r} is not a known text"):
            read_boundaries(path, encoding=encoding)
    with pytest.raises(InputError, match=rf"encoding={encoding!r} is not a known text"):
        read_table(table, key="adcode", encoding=encoding)


# ------------------------------------------------------------------------ years


def long_table(years):
    return pd.DataFrame({"adcode": [CODES[i % 3] for i in range(len(years))],
                         "year": years, "v": np.arange(len(years), dtype=float)})


@pytest.mark.parametrize("year", ["year", ("year", 2023)])
def test_year_column_holding_text_names_values_and_rows(year):
    table = long_table([2023, "2023年", 2023, "n/a"])
    message = r"year column 'year' of the table holds values that are not years " \
              r"\('2023年', 'n/a'\) in 2 rows: 1, 3"
    with pytest.raises(InputError, match=message):
        join(counties(), table, on="adcode", year=year)


def test_years_as_text_or_floats_are_accepted_as_whole_numbers():
    table = long_table(["2022", " 2023 ", 2022.0, "2023.0", 2022, 2023])
    joined, report = join(counties(), table, on="adcode", year="year")
    assert report.matched_rows == 6
    assert joined["year"].dtype == np.int64
    assert sorted(joined["year"].tolist()) == [2022, 2022, 2022, 2023, 2023, 2023]
    selected, _ = join(counties(), table, on="adcode", year=("year", "2023"))
    assert selected["v"].tolist() == [3.0, 1.0, 5.0]


@pytest.mark.parametrize("value", [2023.5, True, "2023年"])
def test_fractional_or_boolean_years_are_not_years(value):
    with pytest.raises(InputError, match="not years"):
        join(counties(), long_table([2023, value, 2022]), on="adcode", year="year")


def test_select_a_year_that_is_not_a_year():
    with pytest.raises(InputError, match=r"year=\('year', 'latest'\).*whole number"):
        join(counties(), long_table([2023, 2022]), on="adcode", year=("year", "latest"))


# ------------------------------------------------------------------- nothing matched


def test_table_that_matches_no_region():
    table = pd.DataFrame({"code": ["11", "12"], "v": [1.0, 2.0]})
    table.attrs["source"] = "gdp.csv"
    with pytest.raises(JoinError) as caught:
        join(counties(), table, left_on="adcode", right_on="code")
    message = str(caught.value)
    assert message.startswith("nothing matched: none of the 2 rows of gdp.csv matches one "
                              "of the 3 regions (by key: regions column 'adcode', gdp.csv "
                              "column 'code')")
    assert "region keys look like: '330127', '331127', '331181' (6 characters)" in message
    assert "table keys look like: '000011', '000012' (6 characters)" in message  # as compared
    assert "2 zero-padded to 6 digits" in message
    assert "leading zeros" in message and "code system" not in message.split("\n")[0]


def test_longer_codes_of_the_same_system_are_pointed_out():
    table = pd.DataFrame({"adcode": ["330127000000", "331127000000"], "v": [1.0, 2.0]})
    with pytest.raises(JoinError, match=r"2 table keys start with a region key but are longer"
                                        r".*cut them to 6 characters"):
        join(counties(), table, on="adcode")


def test_names_that_match_no_region():
    table = pd.DataFrame({"name": ["Chun'an", "Jingning"], "v": [1.0, 2.0]})
    with pytest.raises(JoinError, match=r"(?s)nothing matched.*by name.*'淳安县'.*Chun'an"
                                        r".*same language and script"):
        join(counties(), table, names="name")


# ---------------------------------------------------------------- empty geometries


def us_atlas_like_topology():
    """Three counties as in the 1:10m us-atlas file: the smallest vanished (a null geometry)."""
    return {
        "type": "Topology",
        "arcs": [[[0, 0], [0, 1]], [[0, 1], [-1, 1], [-1, 0], [0, 0]],
                 [[0, 0], [1, 0], [1, 1], [0, 1]]],
        "objects": {"counties": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]], "id": "02100",
             "properties": {"name": "Haines"}},
            {"type": "Polygon", "arcs": [[2, -1]], "id": "02110",
             "properties": {"name": "Juneau"}},
            {"type": None, "id": "02105", "properties": {"name": "Skagway"}},
        ]}},
    }


def test_topojson_region_without_geometry_is_kept_with_a_warning(tmp_path):
    path = tmp_path / "counties-10m.json"
    topology = us_atlas_like_topology()
    for member in topology["objects"]["counties"]["geometries"]:
        member["properties"]["fips"] = member["id"]
    path.write_text(json.dumps(topology))
    message = r"counties-10m\.json has 1 region with an empty or missing geometry: " \
              r"02105 \(Skagway\)"
    with pytest.warns(EmptyGeometryWarning, match=message):
        regions = read_boundaries(path, key="fips", name="name")
    assert regions["fips"].tolist() == ["02100", "02110", "02105"]
    assert regions.geometry.isna().tolist() == [False, False, True]

    table = pd.DataFrame({"fips": ["02100", "02110", "02105"], "pop": [2500, 32000, 1100]})
    joined, report = join(regions, table, on="fips", names=("name", None))
    assert joined["pop"].tolist() == [2500, 32000, 1100]  # the vanished county has its data
    assert report.complete
    assert report.empty_geometry["fips"].tolist() == ["02105"]
    assert report.empty_labels == ("02105 (Skagway)",)
    assert "1 region has an empty or missing geometry" in str(report)
    assert "02105 (Skagway)" in str(report)
    assert "empty_geometry=1" in repr(report)
    assert report.to_dict()["empty_geometry"] == [{"fips": "02105", "name": "Skagway"}]


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".shp", ".parquet"])
@pytest.mark.parametrize("empty", [None, Polygon()])
def test_empty_or_missing_geometry_in_every_format(tmp_path, suffix, empty):
    frame = counties()
    frame.loc[1, "geometry"] = empty
    path = tmp_path / f"zj{suffix}"
    if suffix == ".parquet":
        frame.to_parquet(path)
    else:
        pyogrio.write_dataframe(frame, path, encoding="UTF-8" if suffix == ".shp" else None)
    with pytest.warns(EmptyGeometryWarning, match=r"331127 \(景宁畲族自治县\)"):
        regions = read_boundaries(path, key="adcode", name="name")
    assert regions["adcode"].tolist() == CODES
    assert regions.geometry.isna().tolist() == [False, True, False]


def test_invalid_geometry_with_no_area_left_is_kept_without_geometry(tmp_path):
    frame = counties()
    frame.loc[2, "geometry"] = Polygon([(0, 0), (1, 1), (2, 2), (0, 0)])  # collinear
    assert not frame.geometry.iloc[2].is_valid
    path = tmp_path / "zj.geojson"
    frame.to_file(path)
    with pytest.warns(EmptyGeometryWarning, match=r"invalid geometry has no area left.*331181"):
        regions = read_boundaries(path, key="adcode")
    assert regions.geometry.isna().tolist() == [False, False, True]


def test_report_without_empty_geometries():
    _, report = join(counties(), pd.DataFrame({"adcode": CODES, "v": [1, 2, 3]}), on="adcode")
    assert report.empty_geometry.empty and report.empty_labels == ()
    assert "geometry" not in str(report)


# ------------------------------------------------------------------ broken files


def _shapefile_variant(folder, drop=(), cut=None):
    path = shapefile(folder, cpg="GBK", name="good")
    target = folder / "broken.shp"
    for part in [path.with_suffix(s) for s in (".shp", ".shx", ".dbf", ".prj", ".cpg")]:
        if part.suffix in drop or not part.exists():
            continue
        data = part.read_bytes()
        if cut and part.suffix == cut[0]:
            data = data[: cut[1]]
        target.with_suffix(part.suffix).write_bytes(data)
    return target


def _write(name, content):
    def build(folder):
        path = folder / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return path
    return build


def _topology(document):
    return _write("broken.topojson", json.dumps(document))


def _plain_parquet(folder):
    path = folder / "broken.parquet"
    pd.DataFrame({"adcode": ["1"]}).to_parquet(path)
    return path


def _folder(folder):
    path = folder / "broken.shp"
    path.mkdir()
    return path


def _zip_of(members):
    def build(folder):
        path = folder / "broken.zip"
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in members.items():
                archive.writestr(name, data)
        return path
    return build


BROKEN_BOUNDARIES = {
    "truncated .shp": lambda f: _shapefile_variant(f, cut=(".shp", 150)),
    ".shp cut inside its header": lambda f: _shapefile_variant(f, cut=(".shp", 60)),
    "truncated .dbf": lambda f: _shapefile_variant(f, cut=(".dbf", 100)),
    "truncated .shx": lambda f: _shapefile_variant(f, cut=(".shx", 104)),
    ".shp without .dbf": lambda f: _shapefile_variant(f, drop=(".dbf",)),
    ".shp without .shx": lambda f: _shapefile_variant(f, drop=(".shx",)),
    "zero-byte .shp": _write("broken.shp", b""),
    "zero-byte .geojson": _write("broken.geojson", b""),
    "zero-byte .json": _write("broken.json", b""),
    "zero-byte .topojson": _write("broken.topojson", b""),
    "zero-byte .gpkg": _write("broken.gpkg", b""),
    "zero-byte .parquet": _write("broken.parquet", b""),
    "zero-byte .fgb": _write("broken.fgb", b""),
    "zero-byte .zip": _write("broken.zip", b""),
    "GeoJSON that is not JSON": _write("broken.geojson", "this is { not JSON"),
    ".json that is not JSON": _write("broken.json", "<html>404</html>"),
    "GeoJSON array": _write("broken.geojson", "[1, 2, 3]"),
    "GeoJSON without features": _write("broken.geojson", '{"type": "FeatureCollection"}'),
    "GeoJSON of points": _write("broken.geojson", json.dumps({
        "type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
                                                   "geometry": {"type": "Point",
                                                                "coordinates": [0, 0]}}]})),
    "gzip bytes named .geojson": _write("broken.geojson", b"\x1f\x8b\x08\x00" + bytes(40)),
    "TopoJSON without arcs": _topology({"type": "Topology", "objects": {"a": {
        "type": "GeometryCollection", "geometries": [{"type": "Polygon", "arcs": [[0]]}]}}}),
    "TopoJSON with a missing arc": _topology({"type": "Topology", "arcs": [], "objects": {
        "a": {"type": "GeometryCollection", "geometries": [{"type": "Polygon",
                                                            "arcs": [[5]]}]}}}),
    "TopoJSON with nested arc indices": _topology({"type": "Topology", "arcs": [
        [[0, 0], [1, 0], [1, 1], [0, 0]]], "objects": {"a": {
            "type": "GeometryCollection", "geometries": [{"type": "Polygon",
                                                          "arcs": [[[[0]]]]}]}}}),
    "TopoJSON with a bad transform": _topology({"type": "Topology", "transform": {
        "scale": "x"}, "arcs": [], "objects": {}}),
    "TopoJSON object that is a string": _topology({"type": "Topology", "arcs": [],
                                                   "objects": {"a": "x"}}),
    "TopoJSON nested a million deep": _write(
        "broken.topojson", '{"type": "Topology", "objects": ' + "[" * 10**6 + "]" * 10**6 + "}"),
    "TopoJSON in Latin-1": _write("broken.topojson",
                                  '{"type": "Topology", "é": 1}'.encode("latin-1")),
    "GeoParquet without geo metadata": _plain_parquet,
    "Parquet garbage": _write("broken.parquet", b"PAR1" + bytes(50) + b"PAR1"),
    "GeoPackage garbage": _write("broken.gpkg", b"SQLite format 3\x00" + bytes(100)),
    "FlatGeobuf garbage": _write("broken.fgb", b"fgb\x03fgb\x00" + b"\x01" * 100),
    "zip garbage": _write("broken.zip", b"PK\x03\x04" + bytes(60)),
    "zip without boundaries": _zip_of({"readme.txt": "hello"}),
    "zip of a junk shapefile": _zip_of({"x.shp": b"junk", "x.shx": b"junk", "x.dbf": b"junk"}),
    "zip of an empty GeoJSON": _zip_of({"x.geojson": b""}),
    "a folder named .shp": _folder,
    "unknown .cpg": lambda f: shapefile(f, cpg="klingon", name="broken"),
}

BROKEN_TABLES = {
    "zero-byte .csv": _write("broken.csv", b""),
    "zero-byte .xlsx": _write("broken.xlsx", b""),
    "zero-byte .parquet": _write("broken.parquet", b""),
    "CSV named .xlsx": _write("broken.xlsx", "adcode,v\n330127,1\n"),
    "empty zip named .xlsx": _zip_of({}),
    "binary named .csv": _write("broken.csv", bytes(range(256)) * 4),
    "NUL byte inside CSV text": _write("broken.csv", b"adcode,v\n330127,1\x00\n"),
    "Latin-1 CSV": _write("broken.csv", "adcode,name\n1,Zürich\n".encode("latin-1")),
    "unclosed quote": _write("broken.csv", 'adcode,v\n"330127,1\n331127,2\n'),
    "trailing commas": _write("broken.csv", "adcode,v\n330127,1,\n"),
    "header only": _write("broken.csv", "adcode,v\n"),
    "repeated columns": _write("broken.csv", "adcode,v,v\n330127,1,2\n"),
    "Parquet garbage": _write("broken.parquet", b"PAR1" + bytes(50) + b"PAR1"),
    "key missing": _write("broken.csv", "code,v\n330127,1\n"),
}


@pytest.mark.parametrize("build", BROKEN_BOUNDARIES.values(), ids=BROKEN_BOUNDARIES.keys())
def test_broken_boundary_files_give_clear_errors(tmp_path, build):
    path = build(tmp_path)
    if path.suffix == ".zip" and path.name != "broken.zip":
        path = path.rename(tmp_path / "broken.zip")
    with pytest.raises(GeodisparityError) as caught:
        read_boundaries(path, key="adcode")
    assert path.name in str(caught.value), str(caught.value)


@pytest.mark.parametrize("build", BROKEN_TABLES.values(), ids=BROKEN_TABLES.keys())
def test_broken_tables_give_clear_errors(tmp_path, build):
    path = build(tmp_path)
    if path.name == "broken.zip":
        path = path.rename(tmp_path / "broken.xlsx")
    with pytest.raises(GeodisparityError) as caught:
        read_table(path, key="adcode")
    assert path.name in str(caught.value), str(caught.value)


def test_csv_named_xlsx_says_what_it_is(tmp_path):
    path = _write("income.xlsx", "adcode,v\n330127,1\n")(tmp_path)
    with pytest.raises(FileFormatError, match=r"income\.xlsx.*plain text.*\.csv suffix"):
        read_table(path)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
def test_utf16_csv_with_or_without_byte_order_mark(tmp_path, encoding):
    path = tmp_path / "income.csv"
    path.write_bytes("adcode,name,v\n330127,淳安县,1.5\n".encode(encoding))
    table = read_table(path, key="adcode")
    assert table.to_dict("list") == {"adcode": ["330127"], "name": ["淳安县"], "v": [1.5]}


def test_readers_never_leak_other_exceptions_on_random_bytes(tmp_path):
    """Random bytes under every suffix: only GeodisparityError comes out."""
    rng = np.random.default_rng(8)
    suffixes = [".shp", ".geojson", ".json", ".topojson", ".gpkg", ".parquet", ".fgb", ".zip"]
    for trial in range(6):
        data = rng.integers(0, 256, size=int(rng.integers(1, 400)), dtype=np.uint8).tobytes()
        for suffix in suffixes:
            path = tmp_path / f"random{trial}{suffix}"
            path.write_bytes(data)
            with pytest.raises(GeodisparityError):
                read_boundaries(path)
        for suffix in [".csv", ".tsv", ".xlsx", ".parquet"]:
            path = tmp_path / f"random{trial}{suffix}"
            path.write_bytes(data)
            try:
                read_table(path)
            except GeodisparityError:
                pass


def test_shapely_sees_the_kept_rows_as_missing(tmp_path):
    frame = counties()
    frame.loc[0, "geometry"] = None
    path = tmp_path / "zj.geojson"
    frame.to_file(path)
    with pytest.warns(EmptyGeometryWarning):
        regions = read_boundaries(path)
    assert shapely.is_missing(regions.geometry.array).tolist() == [True, False, False]


def test_only_empty_geometries_is_still_an_error(tmp_path):
    path = tmp_path / "zj.json"
    topology = us_atlas_like_topology()
    for member in topology["objects"]["counties"]["geometries"]:
        member.pop("arcs", None)
        member["type"] = None
    path.write_text(json.dumps(topology))
    with pytest.raises(GeometryError, match=r"zj\.json has no geometries"):
        read_boundaries(path)


def test_a_link_to_a_device_is_not_read(tmp_path):
    link = tmp_path / "income.csv"
    link.symlink_to("/dev/zero")
    with pytest.raises(DataFileError, match=r"not a regular file.*income\.csv"):
        read_table(link)


_CSV_PIECES = list('ab1,;\t|"\n\r 0.年\x00') + ["adcode", "2023", ",,", '""']


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.sampled_from(_CSV_PIECES), max_size=60))
def test_random_delimited_text_gives_a_table_or_a_clear_error(tmp_path, pieces):
    path = tmp_path / "random.csv"
    path.write_text("".join(pieces), encoding="utf-8", newline="")
    try:
        table = read_table(path)
    except GeodisparityError as exc:
        assert "random.csv" in str(exc)
        return
    assert len(table) > 0


@pytest.mark.parametrize("corner", [(1e231, 1e231), (float("nan"), 0.0), (float("inf"), 1.0)])
def test_wild_coordinates_are_refused_before_any_repair(tmp_path, corner):
    """GEOS spends minutes repairing such rings; a corrupt file must fail at once."""
    frame = counties()
    frame.loc[1, "geometry"] = Polygon([(0, 0), (1, 0), corner, (0, 1)])
    path = tmp_path / "zj.gpkg"
    frame.to_file(path)
    with pytest.raises(GeometryError, match=r"zj\.gpkg has coordinates that are not finite.*"
                                            r"1 row \(331127\)"):
        read_boundaries(path, key="adcode")


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.sampled_from(list("ab1,;\t\n\r ") + [",,", "\r\n", "\n\n"]),
                       max_size=60))
def test_fast_field_counts_agree_with_the_csv_module(pieces):
    """Quote-free text is split directly; the csv module is the reference."""
    text = "".join(pieces)
    rows = [row for row in csv.reader(io.StringIO(text, newline="")) if row]
    header, counts = field_counts(text, ",", "t.csv")
    assert header == (rows[0] if rows else [])
    assert [n for _, n in counts] == [len(row) for row in rows[1:]]
    lines = [number for number, line in enumerate(text.replace("\r\n", "\n").replace(
        "\r", "\n").split("\n"), start=1) if line]
    assert [line for line, _ in counts] == lines[1:]


def test_leading_blank_lines_before_the_header(tmp_path):
    path = tmp_path / "income.csv"
    path.write_text("\n\nadcode,v\n330127,1\n331127,2,\n")
    with pytest.raises(FileFormatError, match=r"line 5 \(3 fields\)"):
        read_table(path, key="adcode")
    path.write_text("\n\nadcode,v\n330127,1\n")
    assert read_table(path, key="adcode")["adcode"].tolist() == ["330127"]
