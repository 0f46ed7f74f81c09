"""Reading the CSV files analysts really have: any common encoding, separator and decimal mark.

Everything is read as text in chunks of constant size; nothing is converted here, so
the input can be written back exactly as it came. Anything that cannot be read raises
``InputError`` with a message naming the file and the problem.
"""

from __future__ import annotations

import codecs
import dataclasses
import io
import itertools
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

import numpy as np
import pandas as pd

from app.core.columns import ColumnMapping, header_names, map_columns, normalised_name
from app.core.dialects import (
    SAMPLE_BYTES,
    ByteCounts,
    Cancelled,
    Dialect,
    InputError,
    count_bytes,
    detect_encoding,
    detect_newline,
    detect_separator,
)
from app.core.formats import Source, detect_source
from app.core.i18n import N_, Figure, Message
from app.core.mapping_file import MappingFile
from app.core.records import (
    EXTRA_FIELDS,
    header_end,
    joined_extras,
    line_count,
    line_widths,
    offset_message,
    parser_message,
    read_options,
    record_cut,
    record_widths,
    trim_lines,
    trim_records,
    whole_lines,
)
from app.core.text import NULLABLE_TEXT

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

ProgressFn = Callable[[int, int], None]
CancelFn = Callable[[], bool]

__all__ = [
    "CHUNK_ROWS",
    "CancelFn",
    "Cancelled",
    "ProgressFn",
    "Source",
    "ColumnMapping",
    "Dialect",
    "InputError",
    "InputFile",
    "InputOptions",
    "TextChunk",
    "byte_ranges",
    "byte_splittable",
    "map_columns",
    "normalise_decimal_comma",
    "normalised_name",
    "open_input",
    "read_options",
]

CHUNK_ROWS = 50_000
_MIN_BLOCK, _GUESSED_ROW_CHARS = 256, 128  # block size in characters, before the first rows tell better
HEADER_LIMIT = 64 * 2**20  # characters: a longer header is refused, never cut
_COMMA_DECIMAL = re.compile(r"^\s*[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+\s*$")
_DOT_DECIMAL = re.compile(r"^\s*[+-]?\d+\.\d+\s*$")
# 2.497: with a decimal comma, dots group thousands; alone it could be either, so it decides nothing.
_DOT_THOUSANDS = re.compile(r"^\s*[+-]?\d{1,3}(\.\d{3})+\s*$")


def normalise_decimal_comma(values: pd.Series) -> pd.Series:
    """``1.234,5``, ``29,85`` and ``2.497`` become ``1234.5``, ``29.85`` and ``2497``; other cells are left alone."""
    text = values.astype(NULLABLE_TEXT)
    comma = (text.str.match(_COMMA_DECIMAL) | text.str.match(_DOT_THOUSANDS)).fillna(False)
    if not comma.any():
        return values
    fixed = text[comma].str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    result = text.copy()
    result[comma] = fixed
    return result


def _through_header(stream: IO[str], separator: str, where: Path) -> str:
    """The stream's first text, read on past the sample until the header record ends (refused above the limit)."""
    text = stream.read(SAMPLE_BYTES)
    while header_end(text, separator) == len(text):
        if len(text) >= HEADER_LIMIT:
            raise InputError(
                Message.of(
                    N_(
                        "{path}: the header line is longer than {limit} MiB of text; a header that long is not a"
                        " table's column names (is the file one line, or not CSV?)"
                    ),
                    path=where,
                    limit=Figure(HEADER_LIMIT // 2**20),
                )
            )
        more = stream.read(len(text))
        if not more:
            break
        text += more
    return text


def _sample(source: Source, encoding: str) -> str:
    """The start of the file as text, extended past the sample until the header record ends."""
    with source.open() as opened:
        stream = io.TextIOWrapper(opened.stream, encoding=encoding, errors="ignore", newline="")
        return _through_header(stream, ",", source.path).lstrip("\ufeff")


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
    widths: np.ndarray | None = None  # per row, how many fields it really has; None when it cannot be told


@dataclass
class InputFile:
    """An opened input: its dialect, header and a reader of text chunks."""

    path: Path
    dialect: Dialect
    columns: list[str]
    size: int
    header: list[str] = field(default_factory=list)  # as written, for writing the file back
    source: Source | None = None  # how to read it (plain, compressed, a workbook's sheet); None: plain CSV
    _position: int = 0
    # ", bytes A to B" while a byte range is read, for messages; set by each chunks()
    _where: Message = field(default_factory=lambda: Message.of(""))

    def __post_init__(self) -> None:
        if self.source is None:
            self.source = Source(Path(self.path), "csv", self.size)

    @property
    def bytes_read(self) -> int:
        """How far the reader has got, for progress."""
        return self._position

    def chunks(self, rows: int = CHUNK_ROWS, span: tuple[int, int] | None = None) -> Iterator[TextChunk]:
        """Yield blocks of about ``rows`` rows, each cut at a record boundary and parsed on its own.

        ``span`` reads only the bytes ``[start, end)`` of a plain CSV file, cut where ``byte_ranges`` cuts: a
        range that starts past 0 starts at a record, not at the header.
        """
        assert self.source is not None
        with self.source.open() as opened:
            errors = "replace" if self.dialect.replaced else "strict"
            raw: IO[bytes] = opened.stream
            self._where = Message.of("")
            if span is not None:
                raw = _window(raw, span, self)
                where = (
                    N_(", bytes {start} to {end} (lines and rows counted from there)")
                    if span[0]
                    else N_(", bytes {start} to {end}")
                )
                self._where = Message.of(where, start=Figure(span[0], grouped=True), end=Figure(span[1], grouped=True))
            stream = io.TextIOWrapper(raw, encoding=self.dialect.encoding, errors=errors, newline="")
            try:
                if span is None or span[0] == 0:
                    buffer = _through_header(stream, self.dialect.separator, self.path).lstrip("\ufeff")
                    start = header_end(buffer, self.dialect.separator)
                    line = line_count(buffer, 0, start)
                    buffer = buffer[start:]
                else:
                    buffer, line = "", 0  # line numbers in messages count from the range's start
                row, used, at_end = 0, 0, False  # where the next block starts
                size = max(_MIN_BLOCK, rows * _GUESSED_ROW_CHARS)  # characters per block, refined as rows come
                while buffer or not at_end:
                    while not at_end and len(buffer) < size:
                        piece = stream.read(size - len(buffer))
                        at_end = not piece
                        buffer += piece
                    final = at_end and len(buffer) <= size
                    cut = len(buffer) if final else record_cut(buffer, size)
                    chunk = self._parse(buffer[:cut], line, row, final=final) if cut else None
                    if chunk is None:  # no whole record within the block yet (a long quoted field): take more
                        size = 2 * size
                        continue
                    line, row, used = line + line_count(buffer, 0, cut), row + len(chunk.text), used + cut
                    buffer = buffer[cut:]
                    self._position = opened.position()
                    size = max(_MIN_BLOCK, rows * used // max(row, 1))
                    if len(chunk.text):
                        yield chunk
            except UnicodeDecodeError as error:
                raise InputError(
                    Message.of(
                        N_("{path}{where}: text is not valid {encoding} ({reason})"),
                        path=self.path,
                        where=self._where,
                        encoding=self.dialect.encoding,
                        reason=error.reason,
                    )
                ) from None
        self._position = self.size

    def _parse(self, block: str, line: int, row: int, final: bool) -> TextChunk | None:
        """Parse one block; None when it ends inside a quoted field and more text may close it."""
        separator, width = self.dialect.separator, len(self.columns)
        whole = whole_lines(block, self.dialect.newline, separator)
        if whole is not None:
            lines, fields, kept, every = whole
            parsed, tails = trim_lines(block, self.dialect.newline, every, lines, fields, kept, separator, width)
            try:
                frame = self._read(parsed, 0 if tails is not None else max(0, int(fields.max(initial=0)) - width))
            except pd.errors.ParserError as error:
                if self._unfinished(error, final):
                    return None
            else:
                if len(lines) == len(frame):
                    names = list(frame.columns)
                    if tails is None:
                        tails = joined_extras(frame[names[width:]], self.dialect)
                    widths = _harmless_tails(line_widths(lines, fields, separator), tails, width)
                    return TextChunk(frame[names[:width]], tails, lines, fields, widths)
            # The lines were not rows after all (the parser joined some): parse it as any block.
        try:
            frame = self._read(block, EXTRA_FIELDS)
        except pd.errors.ParserError as error:
            if self._unfinished(error, final):
                return None
            # More fields than the header and the padding hold: cut every record at the header's width.
            trimmed, tails = trim_records(block, separator, width)
            try:
                frame = self._read(trimmed, 0)
            except pd.errors.ParserError:
                frame = None
            if frame is None or len(frame) != len(tails):
                message = offset_message(parser_message(error), line, row)
                raise InputError(
                    Message.of(
                        N_("{path}{where}: cannot be read as CSV ({reason})"),
                        path=self.path,
                        where=self._where,
                        reason=message,
                    )
                ) from None
            widths = _harmless_tails(record_widths(trimmed, separator, len(frame)), tails, width)
            return TextChunk(frame, tails, widths=widths)
        names = list(frame.columns)
        tails = joined_extras(frame[names[width:]], self.dialect)
        widths = _harmless_tails(record_widths(block, separator, len(frame)), tails, width)
        return TextChunk(frame[names[:width]], tails, widths=widths)

    def _read(self, block: str, extra_fields: int) -> pd.DataFrame:
        """Parse a block; a first row wider than the names (which pandas would silently cut) raises ParserError."""
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            try:
                return self._parse_block(block, extra_fields)
            except pd.errors.ParserWarning as warning:
                raise pd.errors.ParserError(str(warning)) from None

    def _parse_block(self, block: str, extra_fields: int) -> pd.DataFrame:
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


class _Window(io.RawIOBase):
    """The bytes ``[start, end)`` of a seekable file, as a stream that ends at ``end``."""

    def __init__(self, stream: IO[bytes], span: tuple[int, int]) -> None:
        super().__init__()
        self._stream, self._left = stream, span[1] - span[0]
        stream.seek(span[0])

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        data = self._stream.read(min(len(view), self._left))
        self._left -= len(data)
        view[: len(data)] = data
        return len(data)


def _window(stream: IO[bytes], span: tuple[int, int], source: InputFile) -> IO[bytes]:
    if source.source is None or source.source.kind != "csv":
        raise ValueError(f"{source.path}: only a plain CSV file is read by byte range")
    return io.BufferedReader(_Window(stream, span), buffer_size=1 << 20)


_QUOTE = ord('"')


def byte_splittable(source: Source, dialect: Dialect) -> bool:
    """Whether the file can be cut by byte offset: plain CSV, in an encoding where a quote or line end byte
    is always that character (UTF-8, single-byte code pages, the East Asian multi-byte ones), not UTF-16/32."""
    if source.kind != "csv":
        return False
    try:
        name = codecs.lookup(dialect.encoding).name
    except LookupError:
        return False
    if name.startswith(("utf-16", "utf-32", "utf-7")):
        return False
    return name == "utf-8-sig" or '"\r\n'.encode(dialect.encoding) == b'"\r\n'  # the BOM only opens the file


def _mixed_line_ends(
    data: np.ndarray, newline: str, quote_at: np.ndarray, quotes: int, before: np.uint8 | None
) -> bool:
    """A line end of another kind than the file's outside quotes (LF inside a quoted field of a CRLF file is
    Excel's way and fine). The reader writes a block holding one cell by cell, so where blocks fall would show."""
    cr, lf = np.uint8(13), np.uint8(10)
    if newline == "\n":
        return bool((data == cr).any())
    if newline == "\r":
        return bool((data == lf).any())
    if before == cr and data[0] != lf:
        return True  # the previous block ended in a lone CR
    ends_cr = np.flatnonzero(data[:-1] == cr)
    if (data[ends_cr + 1] != lf).any():
        return True
    feeds = np.flatnonzero(data == lf)
    previous = data[np.maximum(feeds - 1, 0)]
    if feeds.size and feeds[0] == 0:
        previous[0] = cr if before is None else before
    lone = feeds[previous != cr]
    return bool(((quotes + np.searchsorted(quote_at, lone)) % 2 == 0).any())


def byte_ranges(
    source: Source, dialect: Dialect, part_bytes: int, block_bytes: int = 16 << 20
) -> list[tuple[int, int]]:
    """Byte ranges of about ``part_bytes`` covering the file, each cut just after a line end outside quotes.

    A line end with an even number of quote bytes before it ends a record (a doubled quote inside a field
    counts two), so a cut never falls inside a quoted field; one pass counts quotes with numpy, in C. That
    count is exact unless a quote is text in an unquoted field (``27" monitor``), which the parser keeps as a
    character: such a quote is one the count takes for an opening quote although it does not start a field.
    A file with one is not cut, nor one that ends inside quotes, nor one that cannot be cut by bytes (see
    ``byte_splittable``): it is one range, read as the local engine reads it.
    """
    whole = [(0, source.size)]
    if part_bytes <= 0 or source.size <= part_bytes or not byte_splittable(source, dialect):
        return whole
    end_byte = ord("\r") if dialect.newline == "\r" else ord("\n")
    # What may stand before a quote that opens a field: a separator, a line end, or the quote before it (a
    # doubled quote's second half comes right after a closing quote in the count).
    openers = np.frombuffer((dialect.separator + '\r\n"').encode(dialect.encoding), dtype=np.uint8)
    cuts, quotes, offset, target, before = [0], 0, 0, part_bytes, None
    with source.open_bytes() as handle:
        while block := handle.read(block_bytes):
            data = np.frombuffer(block, dtype=np.uint8)
            quote_at = np.flatnonzero(data == _QUOTE)
            opening = quote_at[(quotes + np.arange(quote_at.size)) % 2 == 0]
            previous = data[np.maximum(opening - 1, 0)]
            if opening.size and opening[0] == 0:
                previous[0] = openers[0] if before is None else before  # the file's first byte opens a field
            if not np.isin(previous, openers).all():
                return whole
            if _mixed_line_ends(data, dialect.newline, quote_at, quotes, before):
                return whole
            while target < offset + len(block):
                local = max(0, target - offset)
                ends = np.flatnonzero(data[local:] == end_byte) + local
                counted = quotes + np.searchsorted(quote_at, ends)  # quote bytes before each line end
                outside = ends[counted % 2 == 0]
                if not outside.size:
                    break  # the record goes on into the next block
                cut = offset + int(outside[0]) + 1
                if cut < source.size:
                    cuts.append(cut)
                target = cut + part_bytes
            quotes += quote_at.size
            offset += len(block)
            before = data[-1]
    if quotes % 2 or (dialect.newline == "\r\n" and before == 13):
        return whole  # the file ends inside quotes (the reader says where, counting from the top), or in a CR
    return list(itertools.pairwise([*cuts, source.size]))


def _detect_decimal(source: Source, dialect: Dialect, columns: list[str], numeric: Sequence[str]) -> str:
    """Decimal comma when numeric columns hold ``12,5`` and never ``12.5`` (only with non-comma separators)."""
    if dialect.separator == "," or not numeric:
        return "."
    probe = InputFile(source.path, dialect, columns, 0, source=source)
    chunk = next(probe.chunks(rows=2000), None)
    if chunk is None:
        return "."
    first, comma, dot = chunk.text, 0, 0
    for column in numeric:
        if column in first.columns:
            values = first[column].astype(NULLABLE_TEXT)
            comma += int(values.str.match(_COMMA_DECIMAL).sum())
            dot += int((values.str.match(_DOT_DECIMAL) & ~values.str.match(_DOT_THOUSANDS)).sum())
    return "," if comma > dot else "."


def _harmless_tails(widths: np.ndarray | None, tails: np.ndarray, width: int) -> np.ndarray | None:
    """Field counts with trailing empty fields beyond the header not counted (``a,b,c,`` has the header's 3)."""
    if widths is None:
        return None
    widths = widths.copy()
    widths[(widths > width) & (np.asarray(tails, dtype=object) == "")] = width
    return widths


@dataclass(frozen=True)
class InputOptions:
    """How to read an input beyond what can be told from it: a workbook's sheet, a column mapping."""

    sheet: str | None = None
    mapping: MappingFile | None = None


_WORKBOOK_DIALECT = Dialect(encoding="utf-8", bom=False, separator=",", newline="\r\n")


def open_input(
    path: Path,
    numeric_columns: Sequence[str] = (),
    *,
    sheet: str | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
    source: Source | None = None,
) -> InputFile:
    """Detect what ``path`` is and how it is written, and return a chunk reader.

    ``numeric_columns`` help spot decimal commas; ``sheet`` picks a workbook's sheet (default: see ``detect_source``).
    Telling the encoding reads the whole file once, reporting ``progress`` and honouring ``cancelled``.
    """
    source = source if source is not None else detect_source(Path(path), sheet)  # given: a file that is not local
    path = source.path
    with source.open() as opened:
        head = opened.stream.read(SAMPLE_BYTES)
    if source.is_workbook:
        encoding, bom, replaced = "utf-8", False, 0  # the sheet's text is ours, written as UTF-8
    else:

        def scan() -> ByteCounts:
            with source.open() as whole:
                report = None if progress is None else (lambda _: progress(whole.position(), source.size))
                return count_bytes(whole.stream, report, cancelled)

        encoding, bom, replaced = detect_encoding(path, head, scan)
    try:
        sample = head.decode(encoding, errors="ignore")
    except LookupError:
        raise InputError(Message.of(N_("{path}: unknown encoding {encoding}"), path=path, encoding=encoding)) from None
    sample = sample.lstrip("\ufeff")
    if not sample.strip():
        empty = N_("{path}: the file is empty") if not source.is_workbook else N_("{path}: the sheet is empty")
        raise InputError(Message.of(empty, path=path))
    if header_end(sample, ",") == len(sample) and len(head) == SAMPLE_BYTES:  # the header goes on past the sample
        sample = _sample(source, encoding)
    if source.is_workbook:
        dialect = _WORKBOOK_DIALECT
    else:
        dialect = Dialect(encoding, bom, detect_separator(sample), detect_newline(sample), replaced=replaced)
    header, columns = header_names(sample, dialect.separator, path)
    numeric_keys = {normalised_name(n) for n in numeric_columns}
    numeric_in_file = [c for c in columns if normalised_name(c) in numeric_keys]
    decimal = _detect_decimal(source, dialect, columns, numeric_in_file)
    dialect = dataclasses.replace(dialect, decimal=decimal, container=source.describe(), container_note=source.note())
    return InputFile(path=path, dialect=dialect, columns=columns, size=source.size, header=header, source=source)
