"""The minimal .xlsx writer, read back with openpyxl (the oracle)."""

import math

import openpyxl
import pytest

from geodisparity._xlsx import column_letters, write_xlsx
from geodisparity.errors import InputError

ROWS = [
    ["name", "gap", "flag", "empty"],
    ["=1+1", 0.5, True, None],
    ["<b>&amp;</b> \"q\" 'a'", -3, False, None],
    ["杭州市 {{ 7*7 }}", 1e-300, None, 12345678901234],
    ["ctrl\x01char", math.inf, None, None],
]


def test_values_read_back_as_written(tmp_path):
    path = tmp_path / "book.xlsx"
    write_xlsx(path, [("regions", ROWS), ("groups", [["a"], [1.25]])])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["regions", "groups"]
    sheet = book["regions"]
    got = [[c.value for c in row] for row in sheet.iter_rows()]
    assert got[1] == ["=1+1", 0.5, True, None]
    assert sheet["A2"].data_type == "s"  # text, never a formula
    assert got[2] == ["<b>&amp;</b> \"q\" 'a'", -3, False, None]
    assert got[3] == ["杭州市 {{ 7*7 }}", 1e-300, None, 12345678901234]
    assert got[4][:2] == ["ctrl\ufffdchar", "inf"]
    assert book["groups"]["A2"].value == 1.25


@pytest.mark.parametrize("names", [["a/b"], [""], ["x" * 32], ["Sheet", "sheet"]])
def test_bad_sheet_names_are_refused(tmp_path, names):
    with pytest.raises(InputError, match="sheet name"):
        write_xlsx(tmp_path / "b.xlsx", [(n, [["a"]]) for n in names])


def test_column_letters_match_openpyxl():
    from openpyxl.utils import get_column_letter

    assert [column_letters(i) for i in range(2000)] == [get_column_letter(i + 1)
                                                        for i in range(2000)]
