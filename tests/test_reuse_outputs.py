"""Names for regions.gpkg columns and tables.xlsx sheets (the run itself: tests/test_cli.py)."""

import geopandas as gpd
import openpyxl
import pyogrio
import pytest
from shapely.geometry import box

from geodisparity._xlsx import write_xlsx
from geodisparity.pipeline_outputs import gpkg_column_names, sheet_names

AWKWARD = ["name", "Name", "NAME", "fid", "FID", "geometry", "geom", "收入 (元)", "2023",
           "a-b", "a_b", "", "  ", "Gi* z", "p<=0.05"]


def test_gpkg_column_names_survive_a_geopackage(tmp_path):
    names = gpkg_column_names(AWKWARD)
    assert len({n.lower() for n in names}) == len(names) == len(AWKWARD)
    assert names[:8] == ["name", "Name_2", "NAME_3", "fid_", "FID__2", "geometry_", "geom_",
                         "收入_元"]
    assert names[8] == "_2023" and names[9:11] == ["a_b", "a_b_2"]
    frame = gpd.GeoDataFrame({n: [i] for i, n in enumerate(names)},
                             geometry=[box(0, 0, 1, 1)], crs="EPSG:4326")
    frame.to_file(tmp_path / "r.gpkg", driver="GPKG", layer="regions")
    read = pyogrio.read_info(tmp_path / "r.gpkg", layer="regions")["fields"].tolist()
    assert read == names  # kept as given: nothing renamed or dropped by GDAL


@pytest.mark.parametrize(("titles", "expected"), [
    (["a/b", "c:d", "[x]", "q?*"], ["a_b", "c_d", "_x_", "q__"]),
    (["Sheet", "sheet", "SHEET"], ["Sheet", "sheet_2", "SHEET_3"]),
    (["x" * 40, "x" * 35], ["x" * 31, "x" * 29 + "_2"]),
    (["'quoted'", ""], ["quoted", "table"]),
])
def test_sheet_names_are_accepted_by_excel(tmp_path, titles, expected):
    names = sheet_names(titles)
    assert names == expected
    write_xlsx(tmp_path / "t.xlsx", [(n, [["a"], [1]]) for n in names])  # refuses bad names
    assert openpyxl.load_workbook(tmp_path / "t.xlsx").sheetnames == names
