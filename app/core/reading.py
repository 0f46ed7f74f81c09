"""Reading the CSV files analysts really have: any common encoding, separator and decimal mark.

Everything is read as text in chunks of constant size; nothing is converted here, so
the input can be written back exactly as it came. Anything that cannot be read raises
``InputError`` with a message naming the file and the problem.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import errno
import functools
import io
import itertools
import os
import re
import stat
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from app.core.fileio import file_kind

__all__ = [
    "CHUNK_ROWS",
    "ColumnMapping",
    "Dialect",
    "InputError",
    "InputFile",
    "TextChunk",
    "map_columns",
    "normalise_decimal_comma",
    "normalised_name",
    "open_input",
    "read_options",
]

CHUNK_ROWS = 50_000
_MIN_BLOCK, _GUESSED_ROW_CHARS = 256, 128  # block size in characters, before the first rows tell better
EXTRA_FIELDS = 16  # room for rows with more fields than the header; they are flagged, not lost
EXTRA_PREFIX = "\x00extra"
_SAMPLE_BYTES = 256 * 1024
HEADER_LIMIT = 64 * 2**20  # characters: a longer header is refused, never cut
_SEPARATORS = (",", ";", "\t", "|")
_SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_BINARY_SIGNATURES = (
    (b"PK\x03\x04", "is a zip file (an Excel workbook?), not CSV; save it as CSV first"),
    (b"\xd0\xcf\x11\xe0", "is an old-format Excel or Office document, not CSV; save it as CSV first"),
    (b"\x1f\x8b", "is gzip-compressed; decompress it first"),
    (b"%PDF", "is a PDF document, not CSV"),
)
# Control characters other than tab, line feed, form feed and carriage return: text files barely have them.
_CONTROL_BYTES = bytes([*range(9), 11, *range(14, 32)])
_COMMA_DECIMAL = re.compile(r"^\s*[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+\s*$")
_DOT_DECIMAL = re.compile(r"^\s*[+-]?\d+\.\d+\s*$")


class InputError(ValueError):
    """The input cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Dialect:
    """How a file is written: encoding, byte-order mark, separator, line ending and decimal mark."""

    encoding: str
    bom: bool
    separator: str
    newline: str
    decimal: str = "."
    replaced: int = 0  # bytes that are not valid in the encoding, read as U+FFFD (reported per row)

    def describe(self) -> str:
        """e.g. ``UTF-8 with BOM, semicolon-separated, decimal comma, CRLF``."""
        parts = [
            self.encoding.upper() + (" with BOM" if self.bom else ""),
            f"{_SEPARATOR_NAMES[self.separator]}-separated",
        ]
        if self.decimal == ",":
            parts.append("decimal comma")
        if self.replaced:
            parts.append(f"{self.replaced:,} invalid byte{'s' if self.replaced != 1 else ''} shown as \ufffd")
        parts.append({"\r\n": "CRLF", "\r": "CR"}.get(self.newline, "LF"))
        return ", ".join(parts)


def normalised_name(name: str) -> str:
    """Header key that ignores case, spaces, underscores, hyphens and dots."""
    return re.sub(r"[\s_\-.]+", "", str(name)).casefold()


@dataclass(frozen=True)
class ColumnMapping:
    """Which file column feeds which expected column."""

    source_for: Mapping[str, str]  # expected name -> file column
    renamed: Mapping[str, str] = field(default_factory=dict)  # expected name -> differing file column
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()


def map_columns(file_columns: Sequence[str], expected: Sequence[str], optional: Sequence[str] = ()) -> ColumnMapping:
    """Match expected columns exactly first, then ignoring case, spaces and underscores."""
    wanted = list(dict.fromkeys([*expected, *optional]))
    source_for: dict[str, str] = {}
    renamed: dict[str, str] = {}
    taken: set[str] = set()
    for name in wanted:
        if name in file_columns:
            source_for[name] = name
            taken.add(name)
    by_key: dict[str, list[str]] = {}
    for column in file_columns:
        if column not in taken:
            by_key.setdefault(normalised_name(column), []).append(column)
    for name in wanted:
        if name in source_for:
            continue
        candidates = by_key.get(normalised_name(name), [])
        if candidates:
            source_for[name] = renamed[name] = candidates.pop(0)
            taken.add(source_for[name])
    missing = tuple(name for name in expected if name not in source_for)
    extra = tuple(c for c in file_columns if c not in taken)
    return ColumnMapping(source_for=source_for, renamed=renamed, missing=missing, extra=extra)


def normalise_decimal_comma(values: pd.Series) -> pd.Series:
    """``1.234,5`` and ``29,85`` become ``1234.5`` and ``29.85``; other cells are left alone."""
    text = values.astype("string")
    comma = text.str.match(_COMMA_DECIMAL).fillna(False)
    if not comma.any():
        return values
    fixed = text[comma].str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    result = text.copy()
    result[comma] = fixed
    return result


def _detect_encoding(path: Path, head: bytes) -> tuple[str, bool, int]:
    """Encoding, byte-order mark, and how many bytes are not valid in that encoding (UTF-8 only)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", True, 0
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", True, 0
    for signature, problem in _BINARY_SIGNATURES:
        if head.startswith(signature):
            raise InputError(f"{path}: {problem}")
    nuls = head.count(0)
    if nuls:
        # UTF-16 without a byte-order mark puts a NUL beside every ASCII character.
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > len(head) // 4 and even == 0:
            return "utf-16-le", False, 0
        if even > len(head) // 4 and odd == 0:
            return "utf-16-be", False, 0
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls > max(1, len(head) // 50):  # a stray NUL from a database export is kept as text
        raise InputError(f"{path}: binary content, not a CSV text file")
    invalid, valid = _utf8_counts(path)
    if not invalid or valid >= invalid:
        return "utf-8", False, invalid  # UTF-8, perhaps with a few stray bytes: reported per row
    try:
        with open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                block.decode("cp1252")
        return "cp1252", False, 0
    except UnicodeDecodeError:
        return "latin-1", False, 0  # decodes any byte; the last resort of spreadsheet exports


def _long_header(path: Path, encoding: str, separator: str) -> str:
    """The start of a file whose header goes on past the sample, read until the header ends."""
    with open(path, encoding=encoding, errors="ignore", newline="") as handle:
        text = handle.read(_SAMPLE_BYTES)
        while _header_end(text, separator) == len(text):
            if len(text) >= HEADER_LIMIT:
                raise InputError(
                    f"{path}: the header line is longer than {HEADER_LIMIT // 2**20} MiB of text; a header that long"
                    " is not a table's column names (is the file one line, or not CSV?)"
                )
            more = handle.read(len(text))
            if not more:
                break
            text += more
    return text.lstrip("\ufeff")


def _detect_newline(sample: str) -> str:
    """CRLF, LF or a lone CR (old Mac spreadsheets): the line end the first line uses, written back the same."""
    first = re.search(r"\r\n|\n|\r", sample)
    return first.group() if first else "\n"


_STRAY_BYTE = re.compile("[\udc80-\udcff]")
_MULTIBYTE = re.compile("[^\x00-\x7f\udc80-\udcff]")


def _utf8_counts(path: Path) -> tuple[int, int]:
    """Bytes that are not valid UTF-8, and valid multi-byte UTF-8 characters, in the whole file.

    A legacy (Windows-1252) file has stray bytes and no valid multi-byte characters; a UTF-8 file that one
    program re-saved a cell of has a few stray bytes among many valid ones. Telling them apart keeps the
    second from being read as Windows-1252, which would turn every ``é`` of it into ``Ã©``.
    """
    decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
    invalid = valid = 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            if block.isascii():
                continue
            text = decoder.decode(block)
            invalid += len(_STRAY_BYTE.findall(text))
            valid += len(_MULTIBYTE.findall(text))
        text = decoder.decode(b"", final=True)
    return invalid + len(_STRAY_BYTE.findall(text)), valid


def _detect_separator(sample: str) -> str:
    """The separator that splits the first records into the most, most consistent fields."""
    lines = sample.splitlines(keepends=True)
    if len(sample) >= _SAMPLE_BYTES - 4 and len(lines) > 1:
        lines = lines[:-1]  # the last line of a sample may be cut
    text = "".join(lines[:200])
    best, best_score = ",", (-1.0, 0)
    for separator in _SEPARATORS:
        try:
            records = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=separator) if r][:50]
        except csv.Error:
            continue
        if not records:
            continue
        width = len(records[0])
        consistent = sum(len(r) == width for r in records) / len(records)
        score = (consistent if width > 1 else 0.0, width)
        if score > best_score:
            best, best_score = separator, score
    return best


def _header(text: str, separator: str, path: Path) -> tuple[list[str], list[str]]:
    """The header as written, and the same names made unique and stripped for lookups."""
    try:
        header = next(csv.reader(io.StringIO(text, newline=""), delimiter=separator), None)
    except csv.Error as error:
        raise InputError(f"{path}: the header line cannot be read ({error})") from None
    if not header or not any(h.strip() for h in header):
        raise InputError(f"{path}: the file is empty (no header line)")
    names = [h.strip() for h in header]
    seen: dict[str, int] = {}
    unique = []
    for index, name in enumerate(names):
        name = name or f"column_{index + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"  # pandas' convention for repeated headers
        else:
            seen[name] = 0
        unique.append(name)
    return header, unique


@dataclass
class TextChunk:
    """A block of rows as read: the header's columns as text, the text beyond them, and each row's line."""

    text: pd.DataFrame
    # Per row, the fields beyond the header's width as written ("" for most rows), never split into columns:
    # a row of ten million fields costs one string, not ten million cells.
    extras: np.ndarray
    # Each row exactly as written, without its line end, when every row of the block is one whole line
    # (no quoted line breaks, one kind of line end); None otherwise. Lets the output copy rows verbatim.
    lines: list[str] | None = None
    fields: np.ndarray | None = None  # per line, separators + 1: the most fields it can hold


@dataclass
class InputFile:
    """An opened input: its dialect, header and a reader of text chunks."""

    path: Path
    dialect: Dialect
    columns: list[str]
    size: int
    header: list[str] = field(default_factory=list)  # as written, for writing the file back
    _position: int = 0

    @property
    def bytes_read(self) -> int:
        """How far the reader has got, for progress."""
        return self._position

    def chunks(self, rows: int = CHUNK_ROWS) -> Iterator[TextChunk]:
        """Yield blocks of about ``rows`` rows, each cut at a record boundary and parsed on its own."""
        with open(self.path, "rb") as raw:
            errors = "replace" if self.dialect.replaced else "strict"
            stream = io.TextIOWrapper(raw, encoding=self.dialect.encoding, errors=errors, newline="")
            try:
                buffer = stream.read(_SAMPLE_BYTES)
                while _header_end(buffer, self.dialect.separator) == len(buffer) and len(buffer) < HEADER_LIMIT:
                    more = stream.read(len(buffer))  # a header longer than the sample: read it whole
                    if not more:
                        break
                    buffer += more
                buffer = buffer.lstrip("\ufeff")
                start = _header_end(buffer, self.dialect.separator)
                line, row, used = _line_count(buffer, 0, start), 0, 0  # where the next block starts
                buffer, at_end = buffer[start:], False
                size = max(_MIN_BLOCK, rows * _GUESSED_ROW_CHARS)  # characters per block, refined as rows come
                while buffer or not at_end:
                    while not at_end and len(buffer) < size:
                        piece = stream.read(size - len(buffer))
                        at_end = not piece
                        buffer += piece
                    final = at_end and len(buffer) <= size
                    cut = len(buffer) if final else _record_cut(buffer, size)
                    chunk = self._parse(buffer[:cut], line, row, final=final) if cut else None
                    if chunk is None:  # no whole record within the block yet (a long quoted field): take more
                        size = 2 * size
                        continue
                    line, row, used = line + _line_count(buffer, 0, cut), row + len(chunk.text), used + cut
                    buffer = buffer[cut:]
                    self._position = raw.tell()
                    size = max(_MIN_BLOCK, rows * used // max(row, 1))
                    if len(chunk.text):
                        yield chunk
            except UnicodeDecodeError as error:
                raise InputError(f"{self.path}: text is not valid {self.dialect.encoding} ({error.reason})") from None
        self._position = self.size

    def _parse(self, block: str, line: int, row: int, final: bool) -> TextChunk | None:
        """Parse one block; None when it ends inside a quoted field and more text may close it."""
        separator, width = self.dialect.separator, len(self.columns)
        whole = _whole_lines(block, self.dialect.newline, separator)
        if whole is not None:
            lines, fields, kept = whole
            parsed, tails = _trim_lines(block, self.dialect.newline, lines, fields, kept, separator, width)
            try:
                frame = self._read(parsed, 0 if tails is not None else max(0, int(fields.max(initial=0)) - width))
            except pd.errors.ParserError as error:
                if self._unfinished(error, final):
                    return None
            else:
                if len(lines) == len(frame):
                    names = list(frame.columns)
                    if tails is None:
                        tails = _joined_extras(frame[names[width:]], self.dialect)
                    return TextChunk(frame[names[:width]], tails, lines, fields)
            # The lines were not rows after all (the parser joined some): parse it as any block.
        try:
            frame = self._read(block, EXTRA_FIELDS)
        except pd.errors.ParserError as error:
            if self._unfinished(error, final):
                return None
            # More fields than the header and the padding hold: cut every record at the header's width.
            trimmed, tails = _trim_records(block, separator, width)
            try:
                frame = self._read(trimmed, 0)
            except pd.errors.ParserError:
                frame = None
            if frame is None or len(frame) != len(tails):
                message = _offset_message(_parser_message(error), line, row)
                raise InputError(f"{self.path}: cannot be read as CSV ({message})") from None
            return TextChunk(frame, tails)
        names = list(frame.columns)
        return TextChunk(frame[names[:width]], _joined_extras(frame[names[width:]], self.dialect))

    def _read(self, block: str, extra_fields: int) -> pd.DataFrame:
        options = read_options(self.dialect, self.columns, extra_fields)
        if self.dialect.newline != "\r" or "\n" in block:
            return pd.read_csv(io.StringIO(block), **options)
        # pandas' parser drops a row of empty fields (";") that follows a blank line when lines end in a lone CR.
        # With no LF in the block, CR can become LF for the parser and LF back to CR in the cells, exactly.
        frame = pd.read_csv(io.StringIO(block.replace("\r", "\n")), **options)
        for column in frame.columns:
            if frame[column].str.contains("\n", regex=False).any():
                frame[column] = frame[column].str.replace("\n", "\r", regex=False)
        return frame

    @staticmethod
    def _unfinished(error: pd.errors.ParserError, final: bool) -> bool:
        """The block ends inside a quoted field that more text may close."""
        return not final and "EOF inside string" in str(error)


def _header_end(text: str, separator: str) -> int:
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


def _line_count(text: str, start: int, end: int) -> int:
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


def _record_cut(buffer: str, limit: int) -> int:
    """Where to cut ``buffer``, at most ``limit`` characters in, so the block holds whole records: after a line
    end with an even number of quotes before it (0: none). The parser checks the guess; a block that ends
    inside quotes is retried larger."""
    limit = min(limit, len(buffer))
    end = max(buffer.rfind("\n", 0, limit), buffer.rfind("\r", 0, limit - 1)) + 1  # a CR at the edge may be CRLF
    quotes = buffer.count('"', 0, end)
    while quotes % 2 and end > 0:
        start = _line_start(buffer, end)
        quotes -= buffer.count('"', start, end)
        end = start
    return end


def _whole_lines(block: str, newline: str, separator: str) -> tuple[list[str], np.ndarray, np.ndarray | None] | None:
    """The block's non-blank lines, their separator counts + 1 and their indexes among all the block's lines, if
    each line can only be one whole row: one kind of line end, and an even number of quotes on every line. The
    parser's row count confirms it. The indexes are None when no line is blank."""
    if newline == "\r\n":
        if not block.count("\r") == block.count("\n") == block.count("\r\n"):
            return None
    elif ("\n" if newline == "\r" else "\r") in block:
        return None
    lines = block.split(newline)
    if lines and not lines[-1]:
        lines.pop()
    if '"' in block and any(count % 2 for count in map(str.count, lines, itertools.repeat('"'))):
        return None
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
    return lines, fields, kept


def _trim_lines(
    block: str,
    newline: str,
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
    every_line = block.split(newline)
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
            return found.start(), found.end(), _record_end(text, found.end())
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


def _record_end(text: str, position: int) -> int:
    """Where the record that goes on at ``position`` ends: the first line end outside quotes."""
    inside = False
    while True:
        found = _QUOTE_OR_END.search(text, position)
        if found is None:
            return len(text)
        if found.group() == '"':
            inside = not inside
        elif not inside:
            return found.start()
        position = found.end()


@functools.cache
def _field_end_pattern(separator: str) -> re.Pattern[str]:
    return re.compile(f"[{re.escape(separator)}\r\n]")


def _trim_records(block: str, separator: str, width: int) -> tuple[str, np.ndarray]:
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


def _joined_extras(extras: pd.DataFrame, dialect: Dialect) -> np.ndarray:
    """Per row, the cells the parser found beyond the header, written back as CSV text (trailing empties left
    out, as for rows cut by ``_trim_records``)."""
    tails = np.full(len(extras), "", dtype=object)
    if extras.empty:
        return tails
    values = extras.to_numpy(dtype=object)
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
        "dtype": str,
        "keep_default_na": False,
        "na_filter": False,
        "quotechar": '"',
        "skip_blank_lines": True,
        "engine": "c",
        "low_memory": False,  # blocks are small already; parsing each in one go is 30% faster
    }


def _parser_message(error: Exception) -> str:
    message = str(error).strip().removeprefix("Error tokenizing data. C error: ")
    return message.replace("Expected", "expected").rstrip(".")


def _offset_message(message: str, line: int, row: int) -> str:
    """The parser counts lines and rows within the block; make them count from the top of the file."""
    message = re.sub(r"line (\d+)", lambda m: f"line {int(m.group(1)) + line}", message)
    return re.sub(r"row (\d+)", lambda m: f"row {int(m.group(1)) + row + 1}", message)


def _detect_decimal(path: Path, dialect: Dialect, columns: list[str], numeric: Sequence[str]) -> str:
    """Decimal comma when numeric columns hold ``12,5`` and never ``12.5`` (only with non-comma separators)."""
    if dialect.separator == "," or not numeric:
        return "."
    probe = InputFile(path, dialect, columns, 0)
    chunk = next(probe.chunks(rows=2000), None)
    if chunk is None:
        return "."
    first, comma, dot = chunk.text, 0, 0
    for column in numeric:
        if column in first.columns:
            values = first[column].astype("string")
            comma += int(values.str.match(_COMMA_DECIMAL).sum())
            dot += int(values.str.match(_DOT_DECIMAL).sum())
    return "," if comma and not dot else "."


def open_input(path: Path, numeric_columns: Sequence[str] = ()) -> InputFile:
    """Detect how ``path`` is written and return a chunk reader; ``numeric_columns`` help spot decimal commas."""
    path = Path(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if path.is_symlink():
            raise InputError(f"{path}: is a symbolic link to {os.readlink(path)}, which does not exist") from None
        raise InputError(f"{path}: no such file") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise InputError(f"{path}: is a loop of symbolic links, not a file") from None
        raise InputError(f"{path}: cannot be opened ({error.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path}: is a folder, not a CSV file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path}: is {file_kind(info.st_mode)}, not a file; save the data to a file and score that")
    size = info.st_size
    if size == 0:
        raise InputError(f"{path}: the file is empty")
    with open(path, "rb") as handle:
        head = handle.read(_SAMPLE_BYTES)
    encoding, bom, replaced = _detect_encoding(path, head)
    try:
        sample = head.decode(encoding, errors="ignore")
    except LookupError:
        raise InputError(f"{path}: unknown encoding {encoding}") from None
    sample = sample.lstrip("\ufeff")
    if not sample.strip():
        raise InputError(f"{path}: the file is empty")
    if _header_end(sample, ",") == len(sample) and size > len(head):  # the header goes on past the sample
        sample = _long_header(path, encoding, ",")
    separator = _detect_separator(sample)
    newline = _detect_newline(sample)
    header, columns = _header(sample, separator, path)
    dialect = Dialect(encoding=encoding, bom=bom, separator=separator, newline=newline, replaced=replaced)
    numeric_keys = {normalised_name(n) for n in numeric_columns}
    numeric_in_file = [c for c in columns if normalised_name(c) in numeric_keys]
    dialect = dataclasses.replace(dialect, decimal=_detect_decimal(path, dialect, columns, numeric_in_file))
    return InputFile(path=path, dialect=dialect, columns=columns, size=size, header=header)
