"""Scored output as an Excel workbook, for ``-o OUT.xlsx``: the same columns as the CSV, numbers as numbers.

Written with xlsxwriter in constant-memory mode (one row in memory at a time). Text cells keep the formula
neutralisation of the CSV output, and xlsxwriter is told never to turn strings into formulas, numbers or links.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.core.dialects import Dialect
from app.core.fileio import OutputError
from app.core.i18n import N_, Figure, Message

__all__ = ["EXCEL_ROW_LIMIT", "WorkbookLimitError", "WorkbookWriter"]

EXCEL_ROW_LIMIT = 1_048_576  # rows a worksheet holds, the header included
EXCEL_COLUMN_LIMIT = 16_384
EXCEL_CELL_LIMIT = 32_767  # characters in one cell
# A plain decimal number: not an id such as 0042 (a number would drop the zero) or 12E4 (it would become 120000).
_NUMBER = re.compile(r"^-?(0|[1-9][0-9]{0,14})([.,][0-9]+)?$")


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
                if text and _NUMBER.match(text) and (self._decimal == "," or "," not in text):
                    self._sheet.write_number(self.rows, column, float(text.replace(",", ".")))
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

    def close(self) -> None:
        """Write the workbook's parts and close the file."""
        self._book.close()
