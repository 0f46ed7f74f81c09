"""Scored output as an Excel workbook, for ``-o OUT.xlsx``: the same columns as the CSV, numbers as numbers.

Written with xlsxwriter in constant-memory mode (one row in memory at a time). Text cells keep the formula
neutralisation of the CSV output, and xlsxwriter is told never to turn strings into formulas, numbers or links.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.dialects import Dialect
from app.core.fileio import OutputError
from app.core.i18n import N_, Figure, Message

if TYPE_CHECKING:
    from xlsxwriter.format import Format

__all__ = ["EXCEL_ROW_LIMIT", "WorkbookLimitError", "WorkbookWriter", "workbook_number"]

EXCEL_ROW_LIMIT = 1_048_576  # rows a worksheet holds, the header included
EXCEL_COLUMN_LIMIT = 16_384
EXCEL_CELL_LIMIT = 32_767  # characters in one cell
# How Python writes a double (what app.core.excel makes of a sheet's number): 0.30000000000000004, 1e-05.
_DOUBLE = re.compile(r"-?[0-9]+(\.[0-9]+)?(e[+-][0-9]+)?")
EXCEL_DIGITS = 15  # significant digits Excel keeps and shows; a number with more stays text
EXCEL_DECIMALS = 30  # decimal places a number format shows


@functools.cache
def _number_pattern(decimal: str) -> re.Pattern[str]:
    """A number as a file with this decimal mark writes it (the other mark groups thousands, as the reader takes
    it): not an id such as 0042 (a number would drop the zero), not 12E4 (it would become 120000)."""
    point, group = (r"\.", ",") if decimal == "." else (",", r"\.")
    return re.compile(rf"(-?)(0|[1-9][0-9]*|[1-9][0-9]{{0,2}}(?:{group}[0-9]{{3}})+)(?:{point}([0-9]+))?")


def workbook_number(text: str, decimal: str) -> tuple[float, str] | None:
    """The number a cell means and the format that shows it as written (``1.10`` -> 1.1, ``0.00``); None for
    text, and for a number Excel cannot hold exactly: more than 15 digits, or ``-0`` (Excel has no -0)."""
    match = _number_pattern(decimal).fullmatch(text)
    if match is None:
        return None
    sign, whole, fraction = match.group(1), match.group(2), match.group(3) or ""
    grouped = not whole.isdigit()
    whole = whole.replace("," if decimal == "." else ".", "")
    digits = (whole + fraction).lstrip("0")
    if len(whole) > EXCEL_DIGITS or len(digits) > EXCEL_DIGITS or len(fraction) > EXCEL_DECIMALS:
        return None
    if sign and not digits.strip("0"):
        return None
    shape = ("#,##0" if grouped else "0") + ("." + "0" * len(fraction) if fraction else "")
    return float(f"{sign}{whole}.{fraction or 0}"), shape


class WorkbookLimitError(OutputError):
    """The scored rows do not fit in a worksheet; CSV has no such limit."""


class WorkbookWriter:
    """Rows into one worksheet of a new workbook; ``close`` finishes the file."""

    def __init__(self, path: Path, out: Path, dialect: Dialect) -> None:
        import xlsxwriter

        options = {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
        self._book = xlsxwriter.Workbook(str(path), {**options, "strings_to_urls": False})
        self._sheet = self._book.add_worksheet("Scored")
        self._decimal = dialect.decimal
        # A sheet's numbers came in as the shortest text of the double the workbook held: that double goes back.
        self._doubles = dialect.container.startswith("sheet")
        self._formats: dict[str, Format] = {}
        self._out = out
        self.rows = 0

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        """Append rows; cells that are plain numbers become numbers, the rest text."""
        for row in rows:
            if self.rows >= EXCEL_ROW_LIMIT:
                raise WorkbookLimitError(
                    Message.of(
                        N_("{path}: more rows than a worksheet holds ({limit}); write CSV instead"),
                        path=self._out,
                        limit=Figure(EXCEL_ROW_LIMIT, grouped=True),
                    )
                )
            if len(row) > EXCEL_COLUMN_LIMIT:
                raise WorkbookLimitError(
                    Message.of(
                        N_("{path}: {columns} columns, more than a worksheet holds ({limit}); write CSV instead"),
                        path=self._out,
                        columns=Figure(len(row), grouped=True),
                        limit=Figure(EXCEL_COLUMN_LIMIT, grouped=True),
                    )
                )
            for column, cell in enumerate(row):
                text = "" if cell is None else str(cell)
                number = self._number(text) if text else None
                if number is not None:
                    value, shape = number
                    self._sheet.write_number(self.rows, column, value, self._format(shape))
                elif len(text) > EXCEL_CELL_LIMIT:
                    raise WorkbookLimitError(
                        Message.of(
                            N_(
                                "{path}: row {row} holds a cell of {characters} characters, more than a worksheet"
                                " cell holds ({limit}); write CSV instead"
                            ),
                            path=self._out,
                            row=self.rows,
                            characters=Figure(len(text), grouped=True),
                            limit=Figure(EXCEL_CELL_LIMIT, grouped=True),
                        )
                    )
                elif text:
                    self._sheet.write_string(self.rows, column, text)
            self.rows += 1

    def _number(self, text: str) -> tuple[float, str | None] | None:
        """The number a cell means and its format (None: General), or None to write it as text."""
        number = workbook_number(text, self._decimal)
        if number is None and self._doubles and _DOUBLE.fullmatch(text):
            value = float(text)
            whole = value.is_integer() and abs(value) < 2**53 and str(int(value)) == text  # as cell_text writes it
            if whole or repr(value) == text:
                return value, None
        return number

    def _format(self, shape: str | None) -> Format | None:
        """One shared format per number shape (a workbook holds a limited number of formats)."""
        if shape is None:
            return None
        if shape not in self._formats:
            self._formats[shape] = self._book.add_format({"num_format": shape})
        return self._formats[shape]

    def close(self) -> None:
        """Write the workbook's parts and close the file."""
        self._book.close()
