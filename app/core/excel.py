"""Workbooks (xlsx, xlsm, xlsb, xls, ods) read with python-calamine, one sheet at a time, as CSV text.

calamine is a Rust reader: on a 100k-row sheet it is several times faster than openpyxl's read-only mode
(see benchmarks/bench_formats.py). Each cell is written as the sheet holds it: numbers as numbers (a whole
number without ``.0``), dates in ISO form, text as text. The first row is the header; no other is guessed.
Unless a sheet is named, the one read is the sheet the workbook was saved showing, else the first visible one:
never a hidden sheet. A workbook that inflates far more than a table's XML does is refused before it is read.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.dialects import InputError, Opened
from app.core.i18n import N_, Figure, Message

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer
    from python_calamine import CalamineWorkbook


__all__ = ["INFLATION_LIMIT", "Sheets", "cell_text", "open_sheet", "workbook_sheets"]

_ROWS_PER_READ = 2000
# A sheet's XML packs some 14 times (measured: xlsxwriter, 200k rows of zeros or of the sample); a part that
# inflates 100 times its packed size, past 10 MiB, is a decompression bomb, not a table.
INFLATION_LIMIT = 100
_INFLATION_FLOOR = 10 * 2**20
_ACTIVE_TAB = re.compile(rb"<(?:\w+:)?workbookView\b[^>]*?\bactiveTab=[\"']([0-9]+)[\"']")


@dataclass(frozen=True)
class Sheets:
    """A workbook's sheets in order, which are hidden, and the one read when none is named."""

    names: tuple[str, ...]
    hidden: tuple[str, ...]
    default: str
    active: bool  # ``default`` is the sheet that was active when the workbook was saved (else the first visible)


def _workbook(path: Path) -> CalamineWorkbook:
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own error types for every damaged or foreign file
        raise InputError(
            Message.of(
                N_("{path}: the workbook cannot be read ({error})"),
                path=path,
                error=f"{type(error).__name__}: {error}",
            )
        ) from None


def workbook_sheets(path: Path) -> Sheets:
    """The workbook's sheets (a workbook that inflates too far is refused first, see ``INFLATION_LIMIT``)."""
    packed = zipfile.is_zipfile(path)
    if packed:
        _check_inflation(path)
    from python_calamine import SheetVisibleEnum

    workbook = _workbook(path)
    try:
        shown = {sheet.name: sheet.visible == SheetVisibleEnum.Visible for sheet in workbook.sheets_metadata}
        names = tuple(workbook.sheet_names)
    finally:
        workbook.close()
    hidden = tuple(name for name in names if not shown.get(name, True))
    visible = [name for name in names if name not in hidden] or list(names)
    active = _active_sheet(path, names) if packed else None
    if active in visible:
        return Sheets(names, hidden, active, active=True)
    return Sheets(names, hidden, visible[0] if visible else "", active=False)


def _active_sheet(path: Path, names: tuple[str, ...]) -> str | None:
    """The sheet an xlsx or xlsm workbook was saved showing (its ``activeTab``; the first when not recorded)."""
    with zipfile.ZipFile(path) as archive:
        if "xl/workbook.xml" not in archive.namelist():
            return None  # ods, xlsb: the first visible sheet
        found = _ACTIVE_TAB.search(archive.read("xl/workbook.xml"))
    tab = int(found.group(1)) if found else 0
    return names[tab] if tab < len(names) else None


def _check_inflation(path: Path) -> None:
    """Refuse a workbook a part of which inflates past ``INFLATION_LIMIT`` times its packed size.

    The sizes the archive declares are enough: calamine's zip reader stops with an error at a part that inflates
    past its declared size (see test_a_workbook_whose_sheet_inflates_a_thousandfold_is_refused).
    """
    try:
        with zipfile.ZipFile(path) as archive:
            too_far = next((info for info in archive.infolist() if info.file_size > _allowed(info)), None)
    except (zipfile.BadZipFile, OSError):
        return  # a damaged archive: calamine says what is wrong with it, naming the workbook
    if too_far is not None:
        raise InputError(
            Message.of(
                N_(
                    "{path}: {part} inflates from {packed} bytes to more than {allowed}, over {limit} times its"
                    " packed size; a workbook's data does not pack that tightly, so it is not read (a"
                    " decompression bomb?). Save the sheet as CSV and score that"
                ),
                path=path,
                part=too_far.filename,
                packed=Figure(too_far.compress_size, grouped=True),
                allowed=Figure(_allowed(too_far), grouped=True),
                limit=Figure(INFLATION_LIMIT),
            )
        )


def _allowed(info: zipfile.ZipInfo) -> int:
    """The most a workbook part may inflate to."""
    return max(_INFLATION_FLOOR, INFLATION_LIMIT * info.compress_size)


def cell_text(value: object) -> str:
    """A cell as text: ``5`` not ``5.0``, ``29.85``, ``2024-01-31``, ``TRUE``; an empty cell is ""."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


class _SheetStream(io.RawIOBase):
    """The sheet's rows as UTF-8 CSV bytes, produced as they are read."""

    def __init__(self, rows: Iterator[list[Any]]) -> None:
        super().__init__()
        self._rows = rows
        self._pending = b""
        self.rows_done = 0
        text = io.StringIO()
        # CRLF as the terminator quotes every cell holding CR or LF (csv.writer quotes only its terminator's).
        self._writer, self._text = csv.writer(text, lineterminator="\r\n"), text

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        while len(self._pending) < len(view):
            batch = [row for _, row in zip(range(_ROWS_PER_READ), self._rows, strict=False)]
            if not batch:
                break
            self._text.seek(0)
            self._text.truncate()
            self._writer.writerows([cell_text(cell) for cell in row] for row in batch)
            self._pending += self._text.getvalue().encode("utf-8")
            self.rows_done += len(batch)
        size = min(len(view), len(self._pending))
        view[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


@contextlib.contextmanager
def open_sheet(path: Path, sheet: str, size: int) -> Iterator[Opened]:
    """One sheet as a stream of CSV bytes; progress is the share of its rows read, in bytes of the file."""
    workbook = _workbook(path)
    try:
        try:
            data = workbook.get_sheet_by_name(sheet)
        except Exception as error:
            raise InputError(
                Message.of(
                    N_("{path}: sheet {sheet} cannot be read ({error})"), path=path, sheet=repr(sheet), error=str(error)
                )
            ) from None
        total = max(int(data.height), 1)
        stream = _SheetStream(iter(data.iter_rows()))
        with io.BufferedReader(stream, buffer_size=1 << 16) as buffered:
            yield Opened(buffered, lambda: min(size, stream.rows_done * size // total))
    finally:
        workbook.close()
