"""Cutting text into records: where records end, which lines are whole rows, fields beyond the header.

These work on decoded text and never split a quoted field; ``read_options`` is the one set of pandas
options every block is parsed with.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import re

import numpy as np
import pandas as pd

from app.core.dialects import Dialect
from app.core.text import TEXT

__all__ = [
    "EXTRA_FIELDS",
    "extra_names",
    "header_end",
    "joined_extras",
    "line_count",
    "line_widths",
    "offset_message",
    "parser_message",
    "read_options",
    "record_cut",
    "record_widths",
    "trim_lines",
    "trim_records",
    "whole_lines",
]

EXTRA_FIELDS = 16  # room for rows with more fields than the header; they are flagged, not lost
EXTRA_PREFIX = "\x00extra"


def header_end(text: str, separator: str) -> int:
    """Where the header record ends (after its line end) in text that starts with it."""
    lines = io.StringIO(text, newline="")
    reader = csv.reader(lines, delimiter=separator)
    try:
        next(reader, None)
        count = reader.line_num
    except csv.Error:
        count = 1
    lines.seek(0)
    return sum(len(line) for line, _ in zip(lines, range(count), strict=False))


def line_count(text: str, start: int, end: int) -> int:
    """Physical lines in ``text[start:end]``: CRLF, LF and a lone CR each end one."""
    if text.find("\r", start, end) < 0:
        return text.count("\n", start, end)
    return text.count("\n", start, end) + text.count("\r", start, end) - text.count("\r\n", start, end)


def _line_start(buffer: str, end: int) -> int:
    """Where the line that ends at ``end`` (just after its line end) starts."""
    stop = end - 1
    if stop > 0 and buffer[stop] == "\n" and buffer[stop - 1] == "\r":
        stop -= 1
    return max(buffer.rfind("\n", 0, stop), buffer.rfind("\r", 0, stop)) + 1


def record_cut(buffer: str, limit: int) -> int:
    """Where to cut ``buffer``, at most ``limit`` characters in, so the block holds whole records: after a line
    end with an even number of quotes before it (0: none). The parser checks the guess; a block that ends
    inside quotes is retried larger."""
    limit = min(limit, len(buffer))
    # A CR at the edge may be CRLF. The end is kept at 0 or more: rfind reads -1 as "up to the last character",
    # so a limit of 0 cut after a CR beyond the limit, between the halves of a CRLF.
    end = max(buffer.rfind("\n", 0, limit), buffer.rfind("\r", 0, max(limit - 1, 0))) + 1
    quotes = buffer.count('"', 0, end)
    while quotes % 2 and end > 0:
        start = _line_start(buffer, end)
        quotes -= buffer.count('"', start, end)
        end = start
    return end


def _records(parts: list[str], newline: str) -> list[str] | None:
    """Lines joined back into records where a quoted field holds a line break (an odd quote count so far);
    None when the block ends inside quotes."""
    records: list[str] = []
    pending: list[str] = []
    quotes = 0
    for part in parts:
        count = part.count('"')
        if not pending and not count % 2:
            records.append(part)
            continue
        pending.append(part)
        quotes += count
        if not quotes % 2:
            records.append(newline.join(pending))
            pending, quotes = [], 0
    return None if pending else records


def whole_lines(
    block: str, newline: str, separator: str
) -> tuple[list[str], np.ndarray, np.ndarray | None, list[str]] | None:
    """The block's non-blank records as written, their separator counts + 1, their indexes among all the
    block's records (None when none is blank) and all the records, if each can only be one whole row: one kind
    of line end, and an even number of quotes in every record. The parser's row count confirms it.

    A record is one line, or several where a quoted field holds a line break (of the file's own kind, or LF in
    a CRLF file, as Excel writes them). Which rows are copied as written then depends on each row alone, never on
    which block it fell in: a file scored whole or in byte ranges gives the same bytes.
    """
    if newline == "\r\n":
        if not block.count("\r") == block.count("\r\n"):
            return None
    elif ("\n" if newline == "\r" else "\r") in block:
        return None
    lines: list[str] | None = block.split(newline)
    assert lines is not None
    if lines and not lines[-1]:
        lines.pop()
    if '"' in block and any(count % 2 for count in map(str.count, lines, itertools.repeat('"'))):
        lines = _records(lines, newline)
        if lines is None:
            return None
    if newline == "\r\n" and "\n" in block.replace("\r\n", ""):
        # A lone LF ends a row for the parser unless it is inside quotes: only a record may hold one.
        if any("\n" in line and line.count('"') == 0 for line in lines):
            return None
    every = [*lines, ""] if block.endswith(newline) else list(lines)
    fields = np.fromiter(map(str.count, lines, itertools.repeat(separator)), np.int64, len(lines)) + 1
    # A blank line (the parser skips it) has no separator: only lines with one field need a look.
    blank_characters = " \t".replace(separator, "")
    blank = [i for i in np.flatnonzero(fields == 1).tolist() if not lines[i].strip(blank_characters)]
    kept = None
    if blank:
        keep = np.ones(len(lines), dtype=bool)
        keep[blank] = False
        kept = np.flatnonzero(keep)
        lines, fields = [line for line, kept in zip(lines, keep.tolist(), strict=True) if kept], fields[keep]
    return lines, fields, kept, every


def trim_lines(
    block: str,
    newline: str,
    every_line: list[str],
    lines: list[str],
    fields: np.ndarray,
    kept: np.ndarray | None,
    separator: str,
    width: int,
) -> tuple[str, np.ndarray | None]:
    """The block with each line cut after its ``width``-th field, and the text beyond per line; the block
    itself and None when no line has a separator beyond the header's width (the usual case)."""
    over = np.flatnonzero(fields > width)
    if not over.size:
        return block, None
    tails = np.full(len(lines), "", dtype=object)
    every_line = list(every_line)
    for index in over.tolist():
        text = lines[index]
        head_end, tail_start, _ = _cut_record(text, 0, separator, width)
        if tail_start >= 0:
            tails[index] = text[tail_start:].rstrip(separator)
            every_line[index if kept is None else int(kept[index])] = text[:head_end]
    return newline.join(every_line), tails


_QUOTE_OR_END = re.compile(r'["\r\n]')


def _cut_record(text: str, start: int, separator: str, width: int) -> tuple[int, int, int]:
    """The record starting at ``start``: where its ``width``-th field ends, where the text beyond it starts (-1:
    there is none) and where the record ends (at its line end, or the text's end).

    Quotes are read as the parser reads them: a field that starts with one is quoted up to the closing quote
    (``""`` inside is a quote), a quote elsewhere is text. Only ``width`` fields are walked one by one; the rest
    of the record is found by its line end, so a row of millions of fields costs a few searches.
    """
    ends = _field_end_pattern(separator)
    position, length = start, len(text)
    for field_number in range(1, width + 1):
        if position < length and text[position] == '"':
            position = _closing_quote(text, position + 1)
        found = ends.search(text, position)
        if found is None:
            return length, -1, length
        if found.group() != separator:
            return found.start(), -1, found.start()
        if field_number == width:
            return found.start(), found.end(), _record_end(text, found.end(), separator)
        position = found.end()
    return position, -1, position


def _closing_quote(text: str, position: int) -> int:
    """Just past the quote that closes a quoted field whose content starts at ``position``."""
    while True:
        quote = text.find('"', position)
        if quote < 0:
            return len(text)
        if text.startswith('"', quote + 1):
            position = quote + 2
            continue
        return quote + 1


def _record_end(text: str, position: int, separator: str) -> int:
    """Where the record that goes on at ``position`` (a field's start) ends: its first line end outside a quoted
    field. A quote is read as the parser reads it: only at a field's start does it open one."""
    line_end = _LINE_END.search(text, position)
    first_line_end = line_end.start() if line_end else len(text)
    if text.find('"', position, first_line_end) < 0:
        return first_line_end  # the usual surplus: no quote at all before the line end
    ends = _field_end_pattern(separator)
    while True:
        if text.startswith('"', position):
            position = _closing_quote(text, position + 1)
        found = ends.search(text, position)
        if found is None:
            return len(text)
        if found.group() != separator:
            return found.start()
        position = found.end()


_LINE_END = re.compile(r"[\r\n]")


@functools.cache
def _field_end_pattern(separator: str) -> re.Pattern[str]:
    return re.compile(f"[{re.escape(separator)}\r\n]")


def trim_records(block: str, separator: str, width: int) -> tuple[str, np.ndarray]:
    """Every record of ``block`` cut after its ``width``-th field, and the text beyond per record."""
    pieces: list[str] = []
    tails: list[str] = []
    position, length = 0, len(block)
    while position < length:
        if block[position] in "\r\n":  # a blank line: the parser skips it too
            pieces.append(block[position])
            position += 1
            continue
        head_end, tail_start, record_end = _cut_record(block, position, separator, width)
        pieces.append(block[position:head_end])
        tails.append(block[tail_start:record_end].rstrip(separator) if tail_start >= 0 else "")
        position = record_end
        if block.startswith("\r\n", position):
            pieces.append("\r\n")
            position += 2
        elif position < length:
            pieces.append(block[position])
            position += 1
    return "".join(pieces), np.asarray(tails, dtype=object)


def joined_extras(extras: pd.DataFrame, dialect: Dialect) -> np.ndarray:
    """Per row, the cells the parser found beyond the header, written back as CSV text (trailing empties left
    out, as for rows cut by ``trim_records``)."""
    tails = np.full(len(extras), "", dtype=object)
    if extras.empty:
        return tails
    # A copy: a frame of one block (one column, or object columns) hands out a read-only view under pandas 3's
    # copy-on-write, and the assignment below raised. Several string columns are copied anyway, at no extra cost.
    values = extras.to_numpy(dtype=object, copy=True)
    values[pd.isna(values)] = ""
    rows = np.flatnonzero((values != "").any(axis=1))
    if not rows.size:
        return tails
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.separator, lineterminator="\r\n")  # quotes any CR or LF
    for row in rows.tolist():
        cells = list(values[row])
        while cells and cells[-1] == "":
            cells.pop()
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(cells)
        tails[row] = buffer.getvalue()[:-2]
    return tails


def extra_names(count: int = 0) -> list[str]:
    """Names of the padding columns that catch fields beyond the header's width."""
    return [f"{EXTRA_PREFIX}{i}" for i in range(count)]


def read_options(dialect: Dialect, columns: list[str], extra_fields: int = EXTRA_FIELDS) -> dict[str, object]:
    """The pandas settings every reader uses: all text, nothing converted, room for extra fields."""
    return {
        "sep": dialect.separator,
        "header": None,
        "names": [*columns, *extra_names(extra_fields)],
        "dtype": TEXT,
        "keep_default_na": False,
        "na_filter": False,
        "quotechar": '"',
        "skip_blank_lines": True,
        "engine": "c",
        "index_col": False,  # a row with more fields than the names must never turn its first cells into an index
        "low_memory": False,  # blocks are small already; parsing each in one go is 30% faster
    }


def parser_message(error: Exception) -> str:
    message = str(error).strip().removeprefix("Error tokenizing data. C error: ")
    return message.replace("Expected", "expected").rstrip(".")


def offset_message(message: str, line: int, row: int) -> str:
    """The parser counts lines and rows within the block; make them count from the top of the file."""
    message = re.sub(r"line (\d+)", lambda m: f"line {int(m.group(1)) + line}", message)
    return re.sub(r"row (\d+)", lambda m: f"row {int(m.group(1)) + row + 1}", message)


def line_widths(lines: list[str], fields: np.ndarray, separator: str) -> np.ndarray:
    """Each whole line's real field count: its separators + 1, or for a line with quotes (whose separators may
    be quoted) what csv reads, in C."""
    widths = np.array(fields, dtype=np.int64, copy=True)
    quoted = [index for index, line in enumerate(lines) if '"' in line]
    if quoted:
        reader = csv.reader((lines[index] for index in quoted), delimiter=separator)
        widths[quoted] = [len(record) for record in reader]
    return widths


def record_widths(block: str, separator: str, rows: int) -> np.ndarray | None:
    """Each record's field count, as csv reads the block; None when its records do not line up with the
    parser's ``rows`` (an edge of quoting the two read differently)."""
    try:
        records = csv.reader(io.StringIO(block, newline=""), delimiter=separator)
        widths = [len(r) for r in records if r and not (len(r) == 1 and not r[0].strip(" \t"))]
    except csv.Error:
        return None
    return np.asarray(widths, dtype=np.int64) if len(widths) == rows else None
