"""Workbooks read one sheet at a time as CSV text: cells as the sheet holds them, which sheet is read."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from app.core.dialects import InputError
from app.core.excel import cell_text, open_sheet, workbook_sheets


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("", ""),
        (True, "TRUE"),
        (False, "FALSE"),
        (5.0, "5"),
        (-0.0, "0"),
        (29.85, "29.85"),
        (0.1 + 0.2, "0.30000000000000004"),  # the double as it is, not rounded to what Excel shows
        (1e-05, "1e-05"),
        (2.0**53, "9007199254740992.0"),  # beyond exact integers: the double's own text
        (math.nan, "nan"),
        (7, "7"),
        (dt.date(2024, 1, 31), "2024-01-31"),
        (dt.datetime(2024, 1, 31), "2024-01-31"),  # midnight: the date alone
        (dt.datetime(2024, 1, 31, 14, 5, 9), "2024-01-31 14:05:09"),
        (dt.time(14, 5), "14:05:00"),
        ("text, with a comma", "text, with a comma"),
    ],
)
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text


def _workbook(
    path: Path, sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = (), active: str = ""
) -> Path:
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
        if name == active:
            sheet.activate()
        if name in hidden:
            sheet.hide()
    book.close()
    return path


def test_the_sheet_read_is_the_active_one(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "b.xlsx", {"A": [["x"]], "B": [["y"]], "C": [["z"]]}, active="B")
    sheets = workbook_sheets(path)
    assert sheets.names == ("A", "B", "C")
    assert sheets.hidden == ()
    assert (sheets.default, sheets.active) == ("B", True)


def test_a_hidden_sheet_is_never_the_default(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "b.xlsx", {"Secret": [["x"]], "Data": [["y"]]}, hidden=("Secret",), active="Data")
    sheets = workbook_sheets(path)
    assert sheets.hidden == ("Secret",)
    assert sheets.default == "Data"
    book = openpyxl.Workbook()
    book.active.title = "Hidden"
    book.create_sheet("Shown")
    book["Hidden"].sheet_state = "hidden"
    book.active = 0  # saved showing a hidden sheet (Excel would not, a script may)
    book.save(tmp_path / "o.xlsx")
    other = workbook_sheets(tmp_path / "o.xlsx")
    assert other.hidden == ("Hidden",)
    assert other.default == "Shown"


def test_a_sheet_streams_as_csv_with_its_values_as_text(tmp_path: Path) -> None:
    rows = [
        ["id", "amount", "note", "when"],
        ["0042", 29.85, "a, b\nc", dt.datetime(2024, 1, 31)],
        [7, 5.0, None, True],
    ]
    path = tmp_path / "b.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Data")
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet.write_datetime(r, c, value, date)
            elif value is not None:
                sheet.write(r, c, value)
    book.close()
    size = path.stat().st_size
    with open_sheet(path, "Data", size) as opened:
        data = opened.stream.read()
        assert opened.position() == size  # every row read: the whole file's worth of progress
    text = data.decode("utf-8")
    assert "\r\n" in text
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["id", "amount", "note", "when"],
        ["0042", "29.85", "a, b\nc", "2024-01-31"],
        ["7", "5", "", "TRUE"],
    ]


def test_an_empty_sheet_streams_nothing(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "b.xlsx", {"Empty": []})
    with open_sheet(path, "Empty", 100) as opened:
        assert opened.stream.read() == b""


def test_a_sheet_that_is_not_there_or_a_file_that_is_no_workbook_is_refused(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "b.xlsx", {"Data": [["x"]]})
    with pytest.raises(InputError, match="sheet 'Nope' cannot be read"), open_sheet(path, "Nope", 1):
        pass
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"not a workbook")
    with pytest.raises(InputError, match="the workbook cannot be read"):
        workbook_sheets(fake)
