"""read_boundaries and read_table on every supported format, written on the fly."""

import json
import zipfile

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon, box

from geodisparity import read_boundaries, read_table
from geodisparity.errors import (
    CRSError,
    DataFileError,
    DuplicateKeyError,
    EmptyDataError,
    EmptyGeometryWarning,
    FileFormatError,
    GeometryError,
    GeometryRepairWarning,
    InputError,
    MissingColumnError,
)

NAMES = ["淳安县", "景宁畲族自治县", "龙泉市"]
CODES = ["330127", "331127", "331181"]


def counties(crs="EPSG:4326"):
    return gpd.GeoDataFrame(
        {"adcode": CODES, "name_zh": NAMES, "rank": [1, 2, 3]},
        geometry=[box(i, 0, i + 1, 1) for i in range(3)],
        crs=crs,
    )


def write_shapefile(folder, frame, *, encoding="UTF-8", cpg=None, name="counties"):
    path = folder / f"{name}.shp"
    pyogrio.write_dataframe(frame, path, encoding=encoding)
    cpg_path = path.with_suffix(".cpg")
    if cpg is None:
        cpg_path.unlink(missing_ok=True)
    else:
        cpg_path.write_text(cpg)
    return path


def zip_files(target, files, *, folder=""):
    with zipfile.ZipFile(target, "w") as archive:
        for file in files:
            archive.write(file, f"{folder}{file.name}")
    return target


def shapefile_parts(path):
    return sorted(p for p in path.parent.iterdir() if p.stem == path.stem)


# --------------------------------------------------------------------- shapefiles


@pytest.mark.parametrize("cpg", [None, "GBK", "936", "CP936"])
def test_gbk_shapefile_decodes_chinese_names(tmp_path, cpg):
    path = write_shapefile(tmp_path, counties(), encoding="GBK", cpg=cpg)
    assert path.with_suffix(".cpg").exists() == (cpg is not None)
    raw = path.with_suffix(".dbf").read_bytes()
    assert "淳安县".encode("gbk") in raw  # the fixture really is GBK
    regions = read_boundaries(path, key="adcode")
    assert regions["name_zh"].tolist() == NAMES


def test_dbf_language_driver_id_is_honoured(tmp_path):
    path = write_shapefile(tmp_path, counties(), encoding="GBK", cpg=None)
    dbf = bytearray(path.with_suffix(".dbf").read_bytes())
    dbf[29] = 0x4D  # DBF language driver id 0x4D: code page 936 (GBK)
    path.with_suffix(".dbf").write_bytes(bytes(dbf))
    assert read_boundaries(path)["name_zh"].tolist() == NAMES


def test_utf8_shapefile_without_cpg(tmp_path):
    path = write_shapefile(tmp_path, counties(), encoding="UTF-8", cpg=None)
    assert read_boundaries(path)["name_zh"].tolist() == NAMES


def test_explicit_encoding_wins(tmp_path):
    path = write_shapefile(tmp_path, counties(), encoding="GBK", cpg=None)
    assert read_boundaries(path, encoding="GB18030")["name_zh"].tolist() == NAMES


@pytest.mark.parametrize("folder", ["", "export/counties/"])
def test_zipped_gbk_shapefile(tmp_path, folder):
    path = write_shapefile(tmp_path, counties(), encoding="GBK", cpg=None)
    archive = zip_files(tmp_path / "counties.zip", shapefile_parts(path), folder=folder)
    regions = read_boundaries(archive, key="adcode")
    assert regions["name_zh"].tolist() == NAMES
    assert regions["adcode"].tolist() == CODES
    assert regions.crs.to_epsg() == 4326


def test_zip_with_two_shapefiles_needs_layer(tmp_path):
    first = write_shapefile(tmp_path, counties(), name="counties")
    second = write_shapefile(tmp_path, counties().iloc[:1], name="city")
    archive = zip_files(tmp_path / "both.zip", shapefile_parts(first) + shapefile_parts(second))
    with pytest.raises(InputError, match=r"both\.zip holds 2 boundary files.*layer="):
        read_boundaries(archive)
    assert len(read_boundaries(archive, layer="city")) == 1
    assert len(read_boundaries(archive, layer="counties.shp")) == 3


def test_zipped_geojson(tmp_path):
    path = tmp_path / "zj.geojson"
    counties().to_file(path)
    archive = zip_files(tmp_path / "zj.zip", [path], folder="data/")
    regions = read_boundaries(archive, key="adcode")
    assert regions["name_zh"].tolist() == NAMES and regions.crs.to_epsg() == 4326


def test_zip_without_boundaries(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    archive = zip_files(tmp_path / "notes.zip", [tmp_path / "notes.txt"])
    with pytest.raises(FileFormatError, match=r"notes\.zip holds no boundary file.*notes\.txt"):
        read_boundaries(archive)


# ------------------------------------------------------------------- other formats


def test_geopackage_with_two_layers(tmp_path):
    path = tmp_path / "zj.gpkg"
    counties().to_file(path, layer="counties")
    counties().iloc[:2].to_file(path, layer="prefectures")
    with pytest.raises(InputError, match=r"zj\.gpkg has 2 layers.*counties.*prefectures"):
        read_boundaries(path)
    assert len(read_boundaries(path, layer="prefectures")) == 2
    assert read_boundaries(path, layer="counties")["name_zh"].tolist() == NAMES
    with pytest.raises(InputError, match="layer='towns'.*counties.*prefectures"):
        read_boundaries(path, layer="towns")


def test_layer_for_a_single_layer_format(tmp_path):
    path = tmp_path / "zj.geojson"
    counties().to_file(path)
    assert len(read_boundaries(path, layer="zj")) == 3
    with pytest.raises(InputError, match="layer='counties' does not apply to zj.geojson"):
        read_boundaries(path, layer="counties")


def test_geopackage_ignores_tables_without_geometry(tmp_path):
    path = tmp_path / "zj.gpkg"
    counties().to_file(path, layer="counties")
    pyogrio.write_dataframe(pd.DataFrame({"note": ["x"]}), path, layer="notes")
    assert len(pyogrio.list_layers(path)) == 2
    assert read_boundaries(path)["name_zh"].tolist() == NAMES


def test_geojson(tmp_path):
    path = tmp_path / "zj.geojson"
    counties().to_file(path)
    regions = read_boundaries(path, key="adcode")
    assert regions["adcode"].tolist() == CODES
    assert regions.attrs["source"] == "zj.geojson"
    assert regions.geom_equals(counties().geometry).all()


def test_geoparquet(tmp_path):
    path = tmp_path / "zj.parquet"
    counties(crs="EPSG:4547").to_parquet(path)
    regions = read_boundaries(path, key="adcode")
    assert regions.crs.to_epsg() == 4547
    assert regions.geom_equals(counties(crs="EPSG:4547").geometry).all()


def test_plain_parquet_is_not_boundaries(tmp_path):
    path = tmp_path / "table.parquet"
    pd.DataFrame({"a": [1]}).to_parquet(path)
    with pytest.raises(FileFormatError, match="read_table"):
        read_boundaries(path)


def topology_text(x0=120.0, y0=29.0):
    return json.dumps({
        "type": "Topology",
        "transform": {"scale": [0.01, 0.01], "translate": [x0, y0]},
        "arcs": [[[0, 0], [0, 100]], [[0, 100], [-100, 0], [0, -100], [100, 0]],
                 [[0, 0], [100, 0], [0, 100], [-100, 0]]],
        "objects": {"counties": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]], "properties": {"adcode": 330127}},
            {"type": "Polygon", "arcs": [[2, -1]], "properties": {"adcode": 331127}},
        ]}},
    })


@pytest.mark.parametrize("suffix", [".topojson", ".json"])
def test_topojson_is_lonlat(tmp_path, suffix):
    path = tmp_path / f"zj{suffix}"
    path.write_text(topology_text())
    regions = read_boundaries(path, key="adcode")
    assert regions.crs.to_epsg() == 4326
    assert regions["adcode"].tolist() == ["330127", "331127"]  # numbers read as text
    assert regions.geometry.iloc[0].equals(box(119.0, 29.0, 120.0, 30.0))
    assert regions.geometry.iloc[1].equals(box(120.0, 29.0, 121.0, 30.0))


def test_projected_topojson_needs_crs(tmp_path):
    path = tmp_path / "us.topojson"
    path.write_text(topology_text(x0=500000.0, y0=3000000.0))
    with pytest.raises(CRSError, match="crs="):
        read_boundaries(path)
    assert read_boundaries(path, crs="EPSG:32650").crs.to_epsg() == 32650


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_projected_geojson_without_crs_member(tmp_path):
    """Old GeoJSON exports hold projected metres with no "crs" member; GDAL says WGS 84."""
    path = tmp_path / "projected.geojson"
    counties(crs=None).set_geometry(
        [box(500000 + i, 3000000, 500001 + i, 3000001) for i in range(3)]
    ).to_file(path, driver="GeoJSON")
    assert '"crs"' not in path.read_text()
    with pytest.raises(CRSError, match=r"longitude/latitude.*x 500000\.\.500003.*crs="):
        read_boundaries(path)
    assert read_boundaries(path, crs="EPSG:4547").crs.to_epsg() == 4547


def test_flatgeobuf(tmp_path):
    path = tmp_path / "zj.fgb"
    counties().to_file(path)
    # FlatGeobuf stores features in spatial-index order
    assert sorted(read_boundaries(path)["name_zh"]) == sorted(NAMES)


# --------------------------------------------------------------------------- keys


def test_key_read_as_text_and_zeros_kept(tmp_path):
    frame = counties()
    frame["fips"] = ["01001", "01003", "01005"]
    frame["number"] = [1001, 1003, 1005]
    path = tmp_path / "us.gpkg"
    frame.to_file(path)
    assert read_boundaries(path, key="fips")["fips"].tolist() == ["01001", "01003", "01005"]
    assert read_boundaries(path, key="number")["number"].tolist() == ["1001", "1003", "1005"]


def test_missing_key_column(tmp_path):
    path = tmp_path / "zj.geojson"
    counties().to_file(path)
    with pytest.raises(MissingColumnError, match=r"key='code'.*zj\.geojson.*adcode, name_zh"):
        read_boundaries(path, key="code")


def test_duplicate_keys(tmp_path):
    frame = counties()
    frame["adcode"] = ["330127", "330127", "331181"]
    path = tmp_path / "zj.geojson"
    frame.to_file(path)
    with pytest.raises(DuplicateKeyError, match=r"adcode.*zj\.geojson.*330127"):
        read_boundaries(path, key="adcode")


# ------------------------------------------------------------------------ geometry


def test_invalid_geometry_is_repaired_with_a_warning(tmp_path):
    bowtie = Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])
    frame = counties()
    frame.loc[1, "geometry"] = bowtie
    path = tmp_path / "zj.gpkg"
    frame.to_file(path)
    with pytest.warns(GeometryRepairWarning, match=r"repaired 1 invalid geometry.*331127"):
        regions = read_boundaries(path, key="adcode")
    repaired = regions.geometry.iloc[1]
    assert repaired.is_valid and repaired.geom_type in ("Polygon", "MultiPolygon")
    assert repaired.area == pytest.approx(2.0)  # two triangles of area 1 each
    assert regions.geometry.iloc[0].equals(box(0, 0, 1, 1))


@pytest.mark.parametrize("empty", [None, Polygon()])
def test_empty_geometry_is_kept_and_named(tmp_path, empty):
    frame = counties()
    frame.loc[2, "geometry"] = empty
    path = tmp_path / "zj.gpkg"
    frame.to_file(path)
    message = r"zj\.gpkg has 1 region with an empty or missing geometry: 331181 \(龙泉市\)"
    with pytest.warns(EmptyGeometryWarning, match=message):
        regions = read_boundaries(path, key="adcode", name="name_zh")
    assert regions["adcode"].tolist() == CODES and regions["rank"].tolist() == [1, 2, 3]
    assert regions.geometry.isna().tolist() == [False, False, True]


def test_all_geometries_empty_is_an_error(tmp_path):
    frame = counties()
    frame["geometry"] = None
    path = tmp_path / "zj.gpkg"
    frame.to_file(path)
    with pytest.raises(GeometryError, match=r"zj\.gpkg has no geometries: all 3 rows"):
        read_boundaries(path, key="adcode")


@pytest.mark.parametrize(("geometry", "kind"), [(Point(0, 0), "Point"),
                                                (LineString([(0, 0), (1, 1)]), "LineString")])
def test_non_polygon_layer(tmp_path, geometry, kind):
    frame = gpd.GeoDataFrame({"adcode": ["1", "2"]}, geometry=[geometry, geometry], crs=4326)
    path = tmp_path / "points.geojson"
    frame.to_file(path)
    with pytest.raises(GeometryError, match=rf"holds {kind} geometries.*Polygon or MultiPolygon"):
        read_boundaries(path)


def test_polygons_inside_collections_are_kept(tmp_path):
    frame = counties()
    frame.loc[0, "geometry"] = shapely.GeometryCollection([box(0, 0, 1, 1), Point(5, 5)])
    path = tmp_path / "zj.geojson"
    frame.to_file(path)
    assert read_boundaries(path).geometry.iloc[0].equals(box(0, 0, 1, 1))


# ----------------------------------------------------------------------------- CRS


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_no_crs_needs_crs_argument(tmp_path):
    path = write_shapefile(tmp_path, counties(crs=None))
    assert not path.with_suffix(".prj").exists()
    with pytest.raises(CRSError, match=r"counties\.shp declares no coordinate.*pass crs="):
        read_boundaries(path)
    assert read_boundaries(path, crs="EPSG:4547").crs.to_epsg() == 4547


def test_crs_argument_must_agree_with_the_file(tmp_path):
    path = write_shapefile(tmp_path, counties(crs="EPSG:4326"))
    assert read_boundaries(path, crs="EPSG:4326").crs.to_epsg() == 4326
    with pytest.raises(CRSError, match="conflicts.*to_crs"):
        read_boundaries(path, crs="EPSG:3857")
    with pytest.raises(CRSError, match="not a CRS"):
        read_boundaries(path, crs="EPSG:nonsense")


# ------------------------------------------------------------------------ files


def test_empty_layer(tmp_path):
    path = tmp_path / "none.gpkg"
    counties().iloc[:0].to_file(path)
    with pytest.raises(EmptyDataError, match=r"none\.gpkg holds no regions"):
        read_boundaries(path)


def test_missing_boundary_file(tmp_path):
    with pytest.raises(DataFileError, match=r"not found: .*nowhere\.shp"):
        read_boundaries(tmp_path / "nowhere.shp")


def test_unknown_boundary_suffix(tmp_path):
    path = tmp_path / "zj.kml"
    path.write_text("<kml/>")
    with pytest.raises(FileFormatError, match=r"'\.kml' is not supported.*\.shp.*\.gpkg"):
        read_boundaries(path)


# ------------------------------------------------------------------------- tables


def test_csv_key_keeps_leading_zeros(tmp_path):
    path = tmp_path / "income.csv"
    path.write_text("fips,income,code\n01001,51.2,007\n 01003 ,48.9,008\n")
    table = read_table(path, key="fips")
    assert table["fips"].tolist() == ["01001", "01003"]
    assert table["income"].tolist() == [51.2, 48.9]
    assert table["code"].tolist() == [7, 8]  # only the key is protected
    assert table.attrs["source"] == "income.csv"


def test_csv_with_utf8_bom(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("adcode,name\n330127,淳安县\n".encode("utf-8-sig"))
    table = read_table(path, key="adcode")
    assert table.columns.tolist() == ["adcode", "name"]
    assert table["name"].tolist() == ["淳安县"]


@pytest.mark.parametrize("codec", ["gbk", "gb18030"])
def test_csv_in_gbk(tmp_path, codec):
    path = tmp_path / "gbk.csv"
    path.write_bytes("县代码,县名,人口\n330127,淳安县,45\n331127,景宁畲族自治县,17\n".encode(codec))
    table = read_table(path, key="县代码")
    assert table["县名"].tolist() == ["淳安县", "景宁畲族自治县"]
    assert table["县代码"].tolist() == ["330127", "331127"]


def test_csv_undetectable_encoding(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("name,v\nZürich,1\n".encode("latin-1"))
    with pytest.raises(FileFormatError, match="encoding="):
        read_table(path)
    assert read_table(path, encoding="latin-1")["name"].tolist() == ["Zürich"]


@pytest.mark.parametrize(("suffix", "separator"), [(".tsv", "\t"), (".csv", ";"), (".txt", "|"),
                                                   (".csv", "\t")])
def test_delimiters(tmp_path, suffix, separator):
    path = tmp_path / f"table{suffix}"
    path.write_text(separator.join(["code", "value"]) + "\n"
                    + separator.join(["001", "1.5"]) + "\n"
                    + separator.join(["002", "2,5" if separator == ";" else "2.5"]) + "\n")
    table = read_table(path, key="code")
    assert table.columns.tolist() == ["code", "value"]
    assert table["code"].tolist() == ["001", "002"]


def test_excel(tmp_path):
    path = tmp_path / "stats.xlsx"
    frame = pd.DataFrame({"adcode": ["001001", "001002"], "gdp": [1.5, 2.5]})
    frame.to_excel(path, index=False, sheet_name="data")
    table = read_table(path, key="adcode")
    assert table["adcode"].tolist() == ["001001", "001002"]
    assert table["gdp"].tolist() == [1.5, 2.5]


def test_excel_numeric_key_cells_become_text(tmp_path):
    path = tmp_path / "numbers.xlsx"
    pd.DataFrame({"adcode": [330127, 331127]}).to_excel(path, index=False)
    assert read_table(path, key="adcode")["adcode"].tolist() == ["330127", "331127"]


def test_excel_sheet_choice(tmp_path):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"k": ["01"], "v": [1]}).to_excel(writer, sheet_name="2022", index=False)
        pd.DataFrame({"k": ["01", "02"], "v": [2, 3]}).to_excel(writer, sheet_name="2023",
                                                               index=False)
    with pytest.raises(InputError, match=r"book\.xlsx has 2 sheets.*sheet=.*2022, 2023"):
        read_table(path, key="k")
    assert read_table(path, key="k", sheet="2023")["v"].tolist() == [2, 3]
    assert read_table(path, key="k", sheet=0)["v"].tolist() == [1]
    with pytest.raises(InputError, match="sheet='2024'"):
        read_table(path, sheet="2024")


def test_parquet_numeric_key(tmp_path):
    path = tmp_path / "stats.parquet"
    pd.DataFrame({"adcode": [330127, 331127], "v": [1.0, 2.0]}).to_parquet(path)
    assert read_table(path, key="adcode")["adcode"].tolist() == ["330127", "331127"]


def test_missing_key_column_lists_columns(tmp_path):
    path = tmp_path / "income.csv"
    path.write_text("fips,income\n01001,1\n")
    with pytest.raises(MissingColumnError, match=r"key='adcode'.*income\.csv.*fips, income"):
        read_table(path, key="adcode")


def test_header_whitespace_is_stripped(tmp_path):
    path = tmp_path / "spaces.csv"
    path.write_text(" fips , income\n01001,1\n")
    table = read_table(path, key="fips")
    assert table.columns.tolist() == ["fips", "income"]
    assert table["fips"].tolist() == ["01001"]


@pytest.mark.parametrize("content", ["", "fips,income\n", "\n\n"])
def test_empty_table(tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_text(content)
    with pytest.raises(EmptyDataError, match=r"empty\.csv"):
        read_table(path)


def test_empty_excel_and_parquet(tmp_path):
    pd.DataFrame({"k": []}).to_excel(tmp_path / "e.xlsx", index=False)
    pd.DataFrame({"k": []}).to_parquet(tmp_path / "e.parquet")
    for name in ("e.xlsx", "e.parquet"):
        with pytest.raises(EmptyDataError, match=name):
            read_table(tmp_path / name)


def test_missing_table_file(tmp_path):
    with pytest.raises(DataFileError, match=r"not found: .*income\.csv"):
        read_table(tmp_path / "income.csv")


@pytest.mark.parametrize("name", ["stats.xls", "stats.dta", "stats"])
def test_unsupported_table_suffix(tmp_path, name):
    path = tmp_path / name
    path.write_text("x")
    with pytest.raises(FileFormatError, match=r"not supported.*\.csv.*\.xlsx"):
        read_table(path)
