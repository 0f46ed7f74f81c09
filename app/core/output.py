"""Writing scored files: the input exactly as it came, then probability, prediction, status, issues and extras.

Text that a spreadsheet would run as a formula is neutralised with a leading
apostrophe; the file is written to a temporary name and renamed only when complete.
"""

from __future__ import annotations

import bz2
import csv
import functools
import gzip
import io
import itertools
import lzma
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from app.core.bundle import Bundle
from app.core.checks import STATUS_NAMES
from app.core.fileio import atomic_path
from app.core.formats import COMPRESSIONS
from app.core.i18n import N_, Message, Remedy
from app.core.metrics import ScoreAccumulator
from app.core.reading import CHUNK_ROWS, Dialect, InputError, InputOptions
from app.core.report import FileReport
from app.core.scoring import CancelFn, ProgressFn, ScoredChunk, scan

__all__ = [
    "OUTPUT_COLUMNS",
    "CsvSink",
    "ScoreResult",
    "format_probabilities",
    "neutralise_formulas",
    "output_names",
    "score_to_csv",
]

# extra_fields: the fields a row has beyond the header's width, as written (a malformed row loses nothing).
OUTPUT_COLUMNS = ("probability", "prediction", "row_status", "row_issues", "extra_fields")
# What a spreadsheet may run as a formula: = + - @, and the full-width and small forms some of them fold
# to (＝ ＋ － ＠ ﹦ ﹢ ﹣ ﹫), also after leading blanks, which some importers trim ("Trim spaces" in
# LibreOffice; Excel drops some of them). Tab and CR lead the list of starts themselves (OWASP).
_FORMULA_CHARACTERS = "=+-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b"
_BLANKS = (
    " \t\r\n\x0b\x0c\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_FORMULA_START = tuple(_FORMULA_CHARACTERS + _BLANKS)
_ASCII_STARTS = (*(c for c in _FORMULA_START if c.isascii()), '"')
# A number as spreadsheets write it: plain (-3, 1.5e3), or grouped in thousands (-1,000,000; -1.234,5), which a
# spreadsheet reads as a number too. Neither can run, so neither gets the quote that would make it text.
_NUMBER = re.compile(
    r"^[ \t]*[+-]?(([0-9]+([.,][0-9]*)?|[.,][0-9]+)([eE][+-]?[0-9]+)?"
    r"|[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?|[0-9]{1,3}(\.[0-9]{3})+(,[0-9]*)?)[ \t]*$"
)


def _runs_as_formula(cell: str) -> bool:
    """Whether a cell that starts with a formula character or a blank could run in a spreadsheet."""
    if _NUMBER.match(cell):
        return False
    if cell[0] in "\t\r":
        return True
    stripped = cell.lstrip(_BLANKS)
    return bool(stripped) and stripped[0] in _FORMULA_CHARACTERS


def neutralise_formulas(column: pd.Series | np.ndarray | Sequence[str]) -> np.ndarray:
    """Prefix ``'`` to text cells a spreadsheet could run as a formula (see ``_FORMULA_CHARACTERS``); numbers
    such as ``-3`` stay as they are."""
    values = np.asarray(column, dtype=object)
    # Cutting every cell to its first character happens in C; only the rare risky cells reach Python.
    risky = np.flatnonzero(np.isin(values.astype("<U1"), _FORMULA_START))
    if not risky.size:
        return values
    values = values.copy()
    for index in risky:
        cell = values[index]
        if _runs_as_formula(cell):
            values[index] = "'" + cell
    return values


def format_probabilities(probability: np.ndarray, decimal: str = ".", prefix: str = "") -> list[str]:
    """Six decimals, in the input's decimal mark, after ``prefix``; just ``prefix`` where there is no score.

    Digits are computed in numpy rather than formatted one float at a time: a million take 0.1 s, not 0.6 s.
    """
    scored = ~np.isnan(probability)
    millionths = np.rint(np.clip(np.nan_to_num(probability), 0.0, 1.0) * 1e6).astype(np.int64)
    lead = len(prefix)
    digits = np.empty((len(millionths), lead + 8), dtype=np.uint8)
    digits[:, :lead] = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    digits[:, lead] = ord("0") + millionths // 1_000_000
    digits[:, lead + 1] = ord(decimal)
    for place in range(6):
        digits[:, lead + 7 - place] = ord("0") + (millionths // 10**place) % 10
    text = digits.view(f"S{lead + 8}").ravel().astype(f"U{lead + 8}").astype(object)
    text[~scored] = prefix
    return text.tolist()


def output_names(header: list[str]) -> list[str]:
    """Names of the added columns; a name the input already uses gets a numeric suffix instead."""
    taken = set(header)
    names = []
    for name in OUTPUT_COLUMNS:
        candidate, suffix = name, 1
        while candidate in taken:
            candidate, suffix = f"{name}_{suffix}", suffix + 1
        taken.add(candidate)
        names.append(candidate)
    return names


@dataclass
class ScoreResult:
    """The report of a scoring run, where the scored file went, and the run's score distribution."""

    report: FileReport
    out: Path
    threshold: float
    predicted_positive: int
    scores: ScoreAccumulator  # the distribution the run log records


class RowFormatter:
    """Output rows of scored chunks: the input neutralised, then probability, prediction, status, issues (reasons)."""

    def __init__(self, bundle: Bundle, threshold: float, dialect: Dialect, explain: int = 0) -> None:
        self.bundle = bundle
        self.card = bundle.card
        self.threshold = threshold
        self.dialect = dialect
        self.explain = explain
        self._labels = np.array([self.card.target.negative_label, self.card.target.positive_label, ""], dtype=object)

    def header(self, header: list[str]) -> list[str]:
        """The input's header, neutralised like any cell, then the added columns (renamed if the input uses a name)."""
        reasons = [f"reason_{k}" for k in range(1, self.explain + 1)]
        return [*neutralise_formulas(header).tolist(), *output_names([*header, *reasons]), *reasons]

    def rows(self, chunk: ScoredChunk) -> Iterator[tuple[Any, ...]]:
        """One tuple per row of the chunk, ready for csv.writer."""
        columns = [neutralise_formulas(chunk.text[column]) for column in chunk.text.columns]
        added = [
            format_probabilities(chunk.probability, self.dialect.decimal),
            self._labels[self._outcomes(chunk.probability)],
            np.asarray(STATUS_NAMES, dtype=object)[chunk.assessment.status],
            chunk.assessment.issues,
            neutralise_formulas(_extras(chunk)),  # surplus text is a cell too: `=cmd,x` must not run
        ]
        if self.explain:
            added += self._reasons(chunk)
        return zip(*columns, *added, strict=True)

    def text(self, chunk: ScoredChunk) -> str | None:
        """The chunk's output lines, each input row copied as written; None when its rows are not whole lines.

        Copying rows verbatim is much faster than writing every cell again, and keeps the input exactly as it
        came. Rows that are not copied: those with a formula-like cell (neutralised), and those whose field
        count differs from the header's (a quoted separator, or a short or long row), written cell by cell.
        """
        if chunk.lines is None or chunk.fields is None or self.explain:
            return None
        separator, newline = self.dialect.separator, self.dialect.newline
        lines = chunk.lines
        extras = _extras(chunk)
        beyond = np.flatnonzero(extras != "")  # rows with fields past the header: cut, the rest in extra_fields
        rewrite = np.flatnonzero(chunk.fields != len(chunk.text.columns))
        rewrite = np.union1d(rewrite, _formula_rows(chunk.text, _formula_candidates(lines, separator)))
        if rewrite.size:
            lines = list(lines)
            cells = chunk.text.iloc[rewrite]
            rewritten = zip(*(neutralise_formulas(cells[column]) for column in cells.columns), strict=True)
            for row, line in zip(rewrite.tolist(), _csv_lines(rewritten, self.dialect), strict=True):
                lines[row] = line
        # The rest of each line (prediction, status, issues) takes few distinct values: write each once.
        issue_codes, issues = pd.factorize(chunk.assessment.issues, use_na_sentinel=False)
        shape = (len(issues), len(STATUS_NAMES), len(self._labels))
        keys, rest_codes = np.unique(
            np.ravel_multi_index((issue_codes, chunk.assessment.status, self._outcomes(chunk.probability)), shape),
            return_inverse=True,
        )
        issue, status, outcome = np.unravel_index(keys, shape)
        rests = zip(
            self._labels[outcome], np.asarray(STATUS_NAMES)[status], issues[issue], [""] * len(keys), strict=True
        )
        tails = np.asarray([f"{separator}{rest}{newline}" for rest in _csv_lines(rests, self.dialect)], dtype=object)
        parts: list[str] = [""] * (3 * len(lines))
        parts[0::3] = lines
        parts[1::3] = format_probabilities(chunk.probability, self.dialect.decimal, prefix=separator)
        parts[2::3] = tails[rest_codes].tolist()
        if beyond.size:
            outcome_labels = self._labels[self._outcomes(chunk.probability[beyond])]
            rests = zip(
                outcome_labels,
                np.asarray(STATUS_NAMES)[chunk.assessment.status[beyond]],
                np.asarray(chunk.assessment.issues, dtype=object)[beyond],
                neutralise_formulas(extras[beyond]),
                strict=True,
            )
            for row, rest in zip(beyond.tolist(), _csv_lines(rests, self.dialect), strict=True):
                parts[3 * row + 2] = f"{separator}{rest}{newline}"
        return "".join(parts)

    def _outcomes(self, probability: np.ndarray) -> np.ndarray:
        """Per row 0 (negative), 1 (positive) or 2 (no score): an index into the labels."""
        scored = ~np.isnan(probability)
        return np.where(scored, (scored & (probability >= self.threshold)).astype(np.int8), 2)

    def _reasons(self, chunk: ScoredChunk) -> list[np.ndarray]:
        """Top reasons per row, as ``feature=value (+0.123)``; empty for rows without a score."""
        from app.core.explain import explain_prepared, reference_values

        rows = len(chunk.probability)
        reasons = [np.full(rows, "", dtype=object) for _ in range(self.explain)]
        scored = np.flatnonzero(~np.isnan(chunk.probability))
        if scored.size == 0:
            return reasons
        prepared = chunk.assessment.prepared.iloc[scored].reset_index(drop=True)
        effects = explain_prepared(self.bundle.predictor, prepared, reference_values(self.card))
        names = list(self.card.feature_names)
        order = np.argsort(-np.abs(effects), axis=1, kind="stable")[:, : self.explain]
        for position, row in enumerate(scored):
            for rank, feature in enumerate(order[position]):
                value = prepared[names[feature]].iloc[position]
                shown = f"{value:g}" if isinstance(value, float | np.floating) else value
                reasons[rank][row] = f"{names[feature]}={shown} ({effects[position, feature]:+.3f})"
        return reasons


def _extras(chunk: ScoredChunk) -> np.ndarray:
    """The fields beyond the header's width per row ("" for most), for the ``extra_fields`` column."""
    if chunk.extras is None:
        return np.full(len(chunk.text), "", dtype=object)
    return chunk.extras


def _csv_lines(rows: Iterable[Sequence[Any]], dialect: Dialect) -> list[str]:
    """Rows as csv.writer writes them in the output's dialect (quotes only where needed), without line ends.

    csv.writer quotes a cell holding a character of its line terminator and no other: with ``\n`` it would leave
    a lone CR unquoted, which spreadsheets and readers take for a record end. Writing with ``\r\n`` quotes every
    cell holding CR or LF, whatever line end the file uses; the terminator is cut off again here.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.separator, lineterminator="\r\n")
    lengths = [writer.writerow(row) for row in rows]  # a cell may hold a line break: cut by length, not by line
    text, ends = buffer.getvalue(), itertools.accumulate(lengths)
    return [text[end - length : end - 2] for end, length in zip(ends, lengths, strict=True)]


def _csv_text(rows: Iterable[Sequence[Any]], dialect: Dialect) -> str:
    """Rows as whole output lines, each ended with the input's line end."""
    lines = _csv_lines(rows, dialect)
    return dialect.newline.join(lines) + dialect.newline if lines else ""


def _formula_candidates(lines: list[str], separator: str) -> np.ndarray:
    """Rows with a field that starts like a formula (cheap, on the raw text; numbers such as -3 included)."""
    # Joined with the separator, every field (the first of a line too) follows one: one literal-led pattern
    # scans at C speed. A quoted field is a candidate when its first character inside the quotes is risky.
    joined = separator + separator.join(lines)
    # One-character searches are fast, but there are many starts: the non-ASCII ones only when the text has any.
    starts_here = _ASCII_STARTS if joined.isascii() else (*_FORMULA_START, '"')
    present = "".join(c for c in starts_here if c in joined)
    if not present:
        return np.empty(0, dtype=np.int64)
    starts = [
        match.start()
        for match in _formula_pattern(separator, present).finditer(joined)
        if match.group()[-1] != '"' or joined[match.end() : match.end() + 1] in _FORMULA_START
    ]
    if not starts:
        return np.empty(0, dtype=np.int64)
    line_ends = np.cumsum(np.fromiter(map(len, lines), np.int64, len(lines)) + 1)
    return np.unique(np.searchsorted(line_ends, starts, side="right"))


@functools.cache
def _formula_pattern(separator: str, starts: str) -> re.Pattern[str]:
    return re.compile(f"{re.escape(separator)}[{re.escape(starts)}]")


def _formula_rows(text: pd.DataFrame, candidates: np.ndarray) -> np.ndarray:
    """The candidate rows that really have a cell to neutralise."""
    if not candidates.size:
        return candidates
    cells = text.iloc[candidates]
    changed = np.zeros(len(candidates), dtype=bool)
    for column in cells.columns:
        values = cells[column].to_numpy(dtype=object)
        fixed = neutralise_formulas(values)
        if fixed is not values:
            changed |= fixed != values
    return candidates[changed]


# Output is compressed by the suffixes input is read from (a zip of one file is an input form only).
_COMPRESSED_OUTPUT = {suffix: kind for kind, suffix in COMPRESSIONS.items() if kind != "zip"}


def output_kind(out: Path) -> str:
    """How ``out`` is written, from its name: ``xlsx``, ``gzip``, ``bz2``, ``xz`` or ``csv``."""
    suffix = out.suffix.lower()
    return "xlsx" if suffix == ".xlsx" else _COMPRESSED_OUTPUT.get(suffix, "csv")


def open_output(target: Path, dialect: Dialect, kind: str = "csv") -> IO[str]:
    """The output file, compressed when ``kind`` says so; a file that came with a BOM gets one back."""
    encoding = "utf-8-sig" if dialect.bom else "utf-8"
    if kind == "csv":
        return open(target, "w", encoding=encoding, newline="")
    module = {"gzip": gzip, "bz2": bz2, "xz": lzma}[kind]
    return module.open(target, "wt", encoding=encoding, newline="")  # type: ignore[no-any-return]


def close_output(handle: IO[str], target: Path) -> None:
    """Flush and close (a compressed file writes its trailer on close), then sync the file to disk."""
    handle.flush()
    handle.close()
    descriptor = os.open(target, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class CsvSink:
    """Appends scored chunks to the output, opening it (and writing the header) at the first chunk."""

    def __init__(
        self, opener: Callable[[Dialect], IO[str]], bundle: Bundle, threshold: float, explain: int = 0
    ) -> None:
        self.opener = opener
        self.bundle = bundle
        self.threshold = threshold
        self.explain = explain
        self.formatter: RowFormatter | None = None
        self.handle: IO[str] | None = None

    def start(self, dialect: Dialect, header: list[str]) -> RowFormatter:
        """Open the output and write the header row (the first chunk does this by itself)."""
        self.formatter = RowFormatter(self.bundle, self.threshold, dialect, self.explain)
        self.handle = self.opener(dialect)
        self.handle.write(_csv_text([self.formatter.header(header)], dialect))
        return self.formatter

    def __call__(self, chunk: ScoredChunk) -> None:
        dialect = chunk.source.dialect
        formatter, handle = self.formatter, self.handle
        if formatter is None or handle is None:
            formatter = self.start(dialect, chunk.source.header or list(chunk.text.columns))
            handle = self.handle
        assert handle is not None
        text = formatter.text(chunk)
        if text is None:  # csv.writer over row tuples: faster than DataFrame.to_csv, and quotes only where needed
            text = _csv_text(formatter.rows(chunk), dialect)
        handle.write(text)

    def finish(self, target: Path) -> None:
        """Close and sync the output file."""
        if self.handle is not None:
            close_output(self.handle, target)


class _WorkbookSink:
    """Appends scored chunks to a new workbook (``-o OUT.xlsx``), the header first."""

    def __init__(self, target: Path, out: Path, bundle: Bundle, threshold: float, explain: int = 0) -> None:
        self.target, self.out = target, out
        self.bundle, self.threshold, self.explain = bundle, threshold, explain
        self.formatter: RowFormatter | None = None
        self.writer: Any = None

    def __call__(self, chunk: ScoredChunk) -> None:
        from app.core.excel_output import WorkbookWriter

        if self.formatter is None:
            dialect = chunk.source.dialect
            self.formatter = RowFormatter(self.bundle, self.threshold, dialect, self.explain)
            self.writer = WorkbookWriter(self.target, self.out, dialect)
            self.writer.write([self.formatter.header(chunk.source.header or list(chunk.text.columns))])
        self.writer.write(list(self.formatter.rows(chunk)))

    def finish(self, target: Path) -> None:
        """Close the workbook, so its parts are written."""
        if self.writer is not None:
            self.writer.close()


def _stream_opener(stream: IO[bytes]) -> Callable[[Dialect], IO[str]]:
    """Text output onto a byte stream we do not own (standard output): never closed here."""

    def opener(dialect: Dialect) -> IO[str]:
        encoding = "utf-8-sig" if dialect.bom else "utf-8"
        return io.TextIOWrapper(stream, encoding=encoding, newline="", write_through=False)

    return opener


def score_to_csv(
    path: Path,
    out: Path | None,
    bundle: Bundle,
    threshold: float | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
    sinks: Sequence[Callable[[ScoredChunk], None]] = (),
    explain: int = 0,
    chunk_rows: int = CHUNK_ROWS,
    stream: IO[bytes] | None = None,
    options: InputOptions | None = None,
    only: np.ndarray | None = None,
) -> ScoreResult:
    """Score ``path`` into ``out`` atomically: on any error or cancel, ``out`` is not created or changed.

    With ``stream`` (and ``out`` None) the rows go there as they are scored, as ``-o -`` sends them to
    standard output. ``sinks`` also see every chunk (e.g. the run log's row events); ``explain`` adds each
    row's top reasons; ``options`` pick a workbook's sheet and a column mapping; ``only`` (a boolean mask over
    the file's rows) writes just those rows, each exactly as the whole file's output has it (the report and the
    summary still cover the whole file).
    """
    path = Path(path)
    threshold = bundle.card.threshold if threshold is None else threshold
    scores = ScoreAccumulator(threshold)

    def run(sink: CsvSink | _WorkbookSink) -> FileReport:
        def every_sink(chunk: ScoredChunk) -> None:
            if only is None:
                sink(chunk)
            else:
                kept = only[chunk.start : chunk.start + len(chunk.probability)]
                if len(kept) != len(chunk.probability):
                    raise InputError(
                        Message.of(N_("{path} has more rows than when the rows to export were chosen"), path=path)
                    )
                sink(chunk.subset(kept))
            scores.add(chunk.probability)
            for extra in sinks:
                extra(chunk)

        return scan(
            path,
            bundle,
            on_chunk=every_sink,
            progress=progress,
            cancelled=cancelled,
            chunk_rows=chunk_rows,
            options=options,
        )

    if out is None:
        if stream is None:
            raise ValueError("score_to_csv needs an output path or a stream")
        to_stream = CsvSink(_stream_opener(stream), bundle, threshold, explain)
        try:
            report = run(to_stream)
        finally:
            if to_stream.handle is not None:
                to_stream.handle.flush()
                to_stream.handle.detach()  # type: ignore[attr-defined]  # IO[str] has no detach; the wrapper has
        return ScoreResult(report, Path("-"), threshold, scores.positive, scores)
    out = Path(out)
    if out.exists() and path.exists() and out.resolve() == path.resolve():
        raise InputError(
            Message.of(
                N_("{path}: the output would overwrite the input; {remedy}"),
                path=out,
                remedy=Remedy(Message.of(N_("choose another -o")), Message.of(N_("choose another name or folder"))),
            )
        )
    kind = output_kind(out)
    with atomic_path(out) as temporary:
        sink: CsvSink | _WorkbookSink
        if kind == "xlsx":
            sink = _WorkbookSink(temporary, out, bundle, threshold, explain)
        else:
            sink = CsvSink(lambda dialect: open_output(temporary, dialect, kind), bundle, threshold, explain)
        try:
            report = run(sink)
        finally:
            sink.finish(temporary)
    return ScoreResult(report, out, threshold, scores.positive, scores)
