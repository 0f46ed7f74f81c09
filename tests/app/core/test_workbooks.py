"""Workbooks read and written: the numbers Excel shows, which sheet is read, and workbooks that inflate too far.

openpyxl is the independent reader here: what it returns (a value and its number format) is what Excel shows.
"""

from __future__ import annotations

import csv
import io
import re
import struct
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cli import EXIT_INPUT, EXIT_OK, main
from tests.app.inputs import SAMPLE

ROWS = 4


def _input(path: Path, separator: str, decimal: str, cells: list[str]) -> Path:
    """The sample's first rows in the dialect, with ``cells`` in a passthrough column ``amount``."""
    with open(SAMPLE, encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))[: ROWS + 1]
    charges = [header.index("monthly_charges"), header.index("total_charges")]
    table = [[*header, "amount"]]
    for number, row in enumerate(rows * (len(cells) // ROWS + 1)):
        if number == len(cells):
            break
        if decimal == ",":
            row = [c.replace(".", ",") if i in charges else c for i, c in enumerate(row)]
        table.append([*row, cells[number]])
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, lineterminator="\n").writerows(table)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _score(source: Path, out: Path, *more: str) -> None:
    assert main(["score", str(source), "-o", str(out), *more]) == EXIT_OK


def _meaning(text: str, decimal: str) -> Decimal | None:
    """The number a CSV cell means in a file with this decimal mark (the other mark groups thousands)."""
    point, group = (r"\.", ",") if decimal == "." else (",", r"\.")
    if re.fullmatch(rf"-?(\d+|\d{{1,3}}({group}\d{{3}})+)({point}\d+)?", text) is None:
        return None
    return Decimal(text.replace("." if decimal == "," else ",", "").replace(",", "."))


def _shown(value: float, number_format: str) -> str:
    """The number as Excel shows it in an English locale: 15 significant digits, the format's decimals."""
    number = Decimal(f"{value:.15g}")
    if number == 0:
        number = abs(number)  # Excel has no negative zero
    places = re.search(r"\.(0+)$", number_format)
    grouped = number_format.startswith("#,##0")
    if number_format == "General":
        text = format(number.normalize(), "f")
    else:
        assert re.fullmatch(r"(#,##)?0(\.0+)?", number_format), number_format
        text = format(number, f"{',' if grouped else ''}.{len(places.group(1)) if places else 0}f")
    return text


def _english(text: str, decimal: str) -> str:
    """A numeric cell written with the English marks."""
    return text.translate(str.maketrans(",.", ".,")) if decimal == "," else text


def _compare(csv_out: Path, xlsx_out: Path, separator: str, decimal: str) -> list[list[object]]:
    """Every cell of the workbook is the CSV output's cell: the same text, or the number it means, as shown."""
    with open(csv_out, encoding="utf-8", newline="") as handle:
        expected = list(csv.reader(handle, delimiter=separator))
    book = openpyxl.load_workbook(xlsx_out, read_only=True)
    cells = [[(c.value, c.number_format) for c in row] for row in book["Scored"].iter_rows()]
    book.close()
    assert len(cells) == len(expected)
    for row, (wanted, got) in enumerate(zip(expected, cells, strict=True)):
        got = got + [(None, "General")] * (len(wanted) - len(got))
        for column, (text, (value, number_format)) in enumerate(zip(wanted, got, strict=True)):
            where = f"row {row}, column {expected[0][column]!r}: CSV {text!r}, workbook {value!r} {number_format!r}"
            if isinstance(value, int | float) and not isinstance(value, bool):
                assert _meaning(text, decimal) is not None, where
                assert _shown(value, number_format) == _english(text, decimal), where
            else:
                assert (value or "") == text, where
    return [[value for value, _ in row] for row in cells]


def _plain(decimal: str, group: bool, whole: int, fraction: str, negative: bool) -> str:
    """A number as an analyst's file writes it in the dialect."""
    text = f"{whole:,}" if group else str(whole)
    if decimal == ",":
        text = text.replace(",", ".")
    text = f"{text}{decimal}{fraction}" if fraction else text
    return f"-{text}" if negative and (whole or fraction.strip("0")) else text


_DIALECTS = st.sampled_from([(",", "."), (";", "."), ("\t", "."), ("|", "."), (";", ","), ("\t", ","), ("|", ",")])
_NUMBERS = st.tuples(
    st.booleans(), st.integers(0, 10**9), st.text("0123456789", max_size=4), st.booleans()
)  # group thousands, whole part, fraction digits (trailing zeros too), negative
_ODD = st.one_of(
    st.text("0123456789.,-+ eE", min_size=1, max_size=22),
    st.sampled_from(["-0", "-0,0", "-0.00", "0042", "123456789012345.67", "0.1234567890123456789", "1e5", " 7"]),
    st.integers(10**14, 10**22).map(str),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(dialect=_DIALECTS, numbers=st.lists(_NUMBERS, min_size=1, max_size=6), odd=st.lists(_ODD, max_size=6))
def test_for_every_dialect_the_number_excel_shows_is_the_number_the_csv_output_means(
    tmp_path_factory: pytest.TempPathFactory, dialect: tuple[str, str], numbers: list, odd: list[str]
) -> None:
    separator, decimal = dialect
    folder = tmp_path_factory.mktemp("dialect")
    # (A grouped negative number is not among them: the formula guard quotes it, '-1,000, in both outputs.)
    plain = [
        _plain(decimal, group, whole, fraction, negative and not group) for group, whole, fraction, negative in numbers
    ]
    source = _input(folder / "in.csv", separator, decimal, plain + odd)
    _score(source, folder / "out.csv")
    _score(source, folder / "out.xlsx")
    values = _compare(folder / "out.csv", folder / "out.xlsx", separator, decimal)
    amount = values[0].index("amount")
    # Numbers an analyst writes in the file's own marks are numbers in the workbook, not text.
    assert all(isinstance(row[amount], int | float) for row in values[1 : len(plain) + 1]), plain
    assert all(isinstance(row[values[0].index("probability")], float) for row in values[1:])


def test_decimal_comma_numbers_are_written_as_the_reader_parsed_them(tmp_path: Path) -> None:
    source = _input(tmp_path / "in.csv", ";", ",", ["1.500", "12.345", "1.234,50", "29,85"])
    _score(source, tmp_path / "out.csv")
    _score(source, tmp_path / "out.xlsx")
    values = _compare(tmp_path / "out.csv", tmp_path / "out.xlsx", ";", ",")
    amount, charges = values[0].index("amount"), values[0].index("monthly_charges")
    assert [row[amount] for row in values[1:]] == [1500, 12345, 1234.5, 29.85]
    assert values[1][charges] == 49.25  # a model column: the sample's 49.25, written 49,25


def test_numbers_excel_cannot_hold_exactly_stay_text(tmp_path: Path) -> None:
    cells = ["123456789012345.67", "0.1234567890123456789", "1.10", "-0", "-0.0", "12345678901234567"]
    source = _input(tmp_path / "in.csv", ",", ".", cells)
    _score(source, tmp_path / "out.csv")
    _score(source, tmp_path / "out.xlsx")
    values = _compare(tmp_path / "out.csv", tmp_path / "out.xlsx", ",", ".")
    amount = values[0].index("amount")
    assert [row[amount] for row in values[1:]] == [
        "123456789012345.67",
        "0.1234567890123456789",
        1.1,  # shown 1.10: its format keeps two decimals
        "-0",
        "-0.0",
        "12345678901234567",
    ]


def _workbook(path: Path, sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = (), active: int = 0) -> Path:
    """A workbook written by openpyxl, with sheets hidden and one active, as Excel saves them."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        sheet.sheet_state = "hidden" if name in hidden else "visible"
    book.active = active
    book.save(path)
    return path


def _sample_rows(extra: list[object] | None = None) -> list[list[object]]:
    """The sample's first rows with numbers as numbers, and ``extra`` cells in an ``amount`` column."""
    with open(SAMPLE, encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))[: ROWS + 1]
    typed = [[float(c) if re.fullmatch(r"[0-9.]+", c) else c for c in row] for row in rows]
    if extra is None:
        return [header, *typed]
    return [[*header, "amount"], *([*row, cell] for row, cell in zip(typed * len(extra), extra, strict=False))]


def test_a_sheets_numbers_go_back_to_a_workbook_as_the_doubles_it_held(tmp_path: Path) -> None:
    numbers = [1 / 3, 1e-05, 123456789012345.67, 2.0**53 - 1, -2.5]
    source = _workbook(tmp_path / "in.xlsx", {"Customers": _sample_rows(numbers)})
    _score(source, tmp_path / "out.xlsx")
    held, written = (_values(path, sheet) for path, sheet in ((source, "Customers"), (tmp_path / "out.xlsx", "Scored")))
    assert [row[written[0].index("amount")] for row in written[1:]] == [row[-1] for row in held[1:]]
    assert isinstance(held[1][-1], float)
    assert held[1][-1] != float(f"{held[1][-1]:.15g}")  # 1/3 held to 17 digits, more than Excel shows


def _values(path: Path, sheet: str) -> list[list[object]]:
    book = openpyxl.load_workbook(path, read_only=True)
    values = [[c.value for c in row] for row in book[sheet].iter_rows()]
    book.close()
    return values


def _rewrite(source: Path, target: Path, part: str, change: Callable[[bytes], bytes]) -> Path:
    """A copy of a workbook with one part changed."""
    with zipfile.ZipFile(source) as packed, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in packed.infolist():
            data = packed.read(info)
            out.writestr(info.filename, change(data) if info.filename == part else data)
    return target


def _rows_of(out: Path) -> int:
    with open(out, encoding="utf-8", newline="") as handle:
        return len(list(csv.reader(handle))) - 1


def test_a_hidden_first_sheet_is_passed_over_for_the_active_visible_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _sample_rows()
    sheets = {"Old": rows[:3], "Customers": rows}
    source = _workbook(tmp_path / "in.xlsx", sheets, hidden=("Old",), active=1)
    _score(source, tmp_path / "out.csv")
    assert _rows_of(tmp_path / "out.csv") == ROWS
    assert "sheet 'Customers' of a workbook (the active one of 2 sheets)" in capsys.readouterr().out
    _score(source, tmp_path / "old.csv", "--sheet", "Old")  # named, a hidden sheet is read
    assert _rows_of(tmp_path / "old.csv") == 2


def test_the_active_sheet_is_read_when_it_is_not_the_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _workbook(
        tmp_path / "in.xlsx", {"About": [["note"], ["a cover sheet"]], "Customers": _sample_rows()}, active=1
    )
    _score(source, tmp_path / "out.csv")
    assert _rows_of(tmp_path / "out.csv") == ROWS
    assert "(the active one of 2 sheets)" in capsys.readouterr().out


def test_a_hidden_active_sheet_gives_way_to_the_first_visible_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _sample_rows()
    plain = _workbook(tmp_path / "plain.xlsx", {"Customers": rows, "Old": rows[:3]}, hidden=("Old",))
    # openpyxl will not save a hidden sheet as the active one; a workbook edited by hand may say so
    source = _rewrite(
        plain,
        tmp_path / "in.xlsx",
        "xl/workbook.xml",
        lambda xml: xml.replace(b"<workbookView ", b'<workbookView activeTab="1" '),
    )
    _score(source, tmp_path / "out.csv")
    assert _rows_of(tmp_path / "out.csv") == ROWS
    assert "sheet 'Customers' of a workbook (the first visible one of 2 sheets)" in capsys.readouterr().out


def _understate(path: Path, part: str, size: int) -> None:
    """Make the archive declare ``part`` smaller than it inflates to, in its local and central headers."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        offset = archive.getinfo(part).header_offset
    struct.pack_into("<I", data, offset + 22, size)
    central = next(
        at
        for at in range(len(data) - 4)
        if data[at : at + 4] == b"PK\x01\x02" and data[at + 46 : at + 46 + len(part)] == part.encode()
    )
    struct.pack_into("<I", data, central + 24, size)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("declared", ["as it is", "understated"])
def test_a_workbook_whose_sheet_inflates_a_thousandfold_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], declared: str
) -> None:
    plain = _workbook(tmp_path / "plain.xlsx", {"Customers": _sample_rows()})
    padding = b"<sheetData>" + b" " * 24_000_000  # 24 MB of blanks pack into some 24 kB
    bomb = _rewrite(
        plain, tmp_path / "bomb.xlsx", "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"<sheetData>", padding)
    )
    assert bomb.stat().st_size < 100_000
    if declared == "understated":  # the sizes an archive declares can lie
        _understate(bomb, "xl/worksheets/sheet1.xml", 20_000)
        with zipfile.ZipFile(bomb) as archive:
            assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 20_000
    assert main(["score", str(bomb), "-o", str(tmp_path / "out.csv")]) == EXIT_INPUT
    message = capsys.readouterr().err
    if declared == "understated":  # calamine's zip reader stops where the part passes its declared size
        assert "bomb.xlsx: sheet 'Customers' cannot be read" in message, message
        assert "larger than its declared uncompressed size" in message, message
    else:
        assert "bomb.xlsx: xl/worksheets/sheet1.xml inflates from" in message, message
    assert "Traceback" not in message
    assert not (tmp_path / "out.csv").exists()
