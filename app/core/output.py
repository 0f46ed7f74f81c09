"""Writing scored files: the input exactly as it came, then probability, prediction, status and issues.

Text that a spreadsheet would run as a formula is neutralised with a leading
apostrophe; the file is written to a temporary name and renamed only when complete.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from app.core.bundle import Bundle
from app.core.checks import STATUS_NAMES
from app.core.fileio import atomic_path
from app.core.reading import Dialect, InputError
from app.core.report import FileReport
from app.core.scoring import CancelFn, ProgressFn, ScoredChunk, scan

__all__ = [
    "OUTPUT_COLUMNS",
    "ScoreResult",
    "format_probabilities",
    "neutralise_formulas",
    "output_names",
    "score_to_csv",
]

OUTPUT_COLUMNS = ("probability", "prediction", "row_status", "row_issues")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^\s*[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?\s*$")


def neutralise_formulas(column: pd.Series | np.ndarray) -> np.ndarray:
    """Prefix ``'`` to text cells starting with = + - @ tab or CR; numbers such as ``-3`` stay as they are."""
    values = np.asarray(column, dtype=object)
    # Cutting every cell to its first character happens in C; only the rare risky cells reach Python.
    risky = np.flatnonzero(np.isin(values.astype("<U1"), _FORMULA_START))
    if not risky.size:
        return values
    values = values.copy()
    for index in risky:
        cell = values[index]
        if not _NUMBER.match(cell):
            values[index] = "'" + cell
    return values


def format_probabilities(probability: np.ndarray, decimal: str = ".") -> np.ndarray:
    """Six decimals, in the input's decimal mark; empty where there is no score."""
    text = np.char.mod("%.6f", np.nan_to_num(probability)).astype(object)
    if decimal != ".":
        text = np.char.replace(text.astype(str), ".", decimal).astype(object)
    text[np.isnan(probability)] = ""
    return text


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
    scores: Any  # runlog.ScoreAccumulator: the distribution the run log records


class RowFormatter:
    """Output rows of scored chunks: the input neutralised, then probability, prediction, status, issues (reasons)."""

    def __init__(self, bundle: Bundle, threshold: float, decimal: str, explain: int = 0) -> None:
        self.bundle = bundle
        self.card = bundle.card
        self.threshold = threshold
        self.decimal = decimal
        self.explain = explain
        self.predicted_positive = 0
        self._labels = np.array([self.card.target.negative_label, self.card.target.positive_label, ""], dtype=object)

    def header(self, header: list[str]) -> list[str]:
        """The input's header, then the added columns (renamed if the input already uses a name)."""
        reasons = [f"reason_{k}" for k in range(1, self.explain + 1)]
        return [*header, *output_names([*header, *reasons]), *reasons]

    def rows(self, chunk: ScoredChunk) -> Iterator[tuple[Any, ...]]:
        """One tuple per row of the chunk, ready for csv.writer."""
        probability = chunk.probability
        scored = ~np.isnan(probability)
        positive = scored & (probability >= self.threshold)
        self.predicted_positive += int(positive.sum())
        columns = [neutralise_formulas(chunk.text[column]) for column in chunk.text.columns]
        columns += [
            format_probabilities(probability, self.decimal),
            self._labels[np.where(scored, positive.astype(np.int8), 2)],
            np.asarray(STATUS_NAMES, dtype=object)[chunk.assessment.status],
            chunk.assessment.issues,
        ]
        if self.explain:
            columns += self._reasons(chunk)
        return zip(*columns, strict=True)

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


def open_output(target: Path, dialect: Dialect) -> tuple[IO[str], Any]:
    """The output file and a csv.writer in the input's dialect; a file that came with a BOM gets one back."""
    handle = open(target, "w", encoding="utf-8-sig" if dialect.bom else "utf-8", newline="")  # noqa: SIM115
    return handle, csv.writer(handle, delimiter=dialect.separator, lineterminator=dialect.newline)


def close_output(handle: IO[str]) -> None:
    """Flush, sync and close."""
    handle.flush()
    os.fsync(handle.fileno())
    handle.close()


class _CsvSink:
    """Appends scored chunks to ``target``, opening it (and writing the header) at the first chunk."""

    def __init__(self, target: Path, bundle: Bundle, threshold: float, explain: int = 0) -> None:
        self.target = target
        self.bundle = bundle
        self.threshold = threshold
        self.explain = explain
        self.formatter: RowFormatter | None = None
        self._handle: IO[str] | None = None
        self._writer: Any = None

    @property
    def predicted_positive(self) -> int:
        """Rows predicted positive so far."""
        return self.formatter.predicted_positive if self.formatter else 0

    def __call__(self, chunk: ScoredChunk) -> None:
        if self.formatter is None:
            assert chunk.source is not None
            dialect = chunk.source.dialect
            self.formatter = RowFormatter(self.bundle, self.threshold, dialect.decimal, self.explain)
            self._handle, self._writer = open_output(self.target, dialect)
            self._writer.writerow(self.formatter.header(chunk.source.header or list(chunk.text.columns)))
        # csv.writer over row tuples: faster than DataFrame.to_csv for text, and it quotes only where needed.
        self._writer.writerows(self.formatter.rows(chunk))

    def close(self) -> None:
        """Flush, sync and close the output file."""
        if self._handle is not None:
            close_output(self._handle)


def score_to_csv(
    path: Path,
    out: Path,
    bundle: Bundle,
    threshold: float | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
    sinks: Sequence[Callable[[ScoredChunk], None]] = (),
    explain: int = 0,
) -> ScoreResult:
    """Score ``path`` into ``out`` atomically: on any error or cancel, ``out`` is not created or changed.

    ``sinks`` also see every chunk (e.g. the run log's row events); ``explain`` adds each row's top reasons.
    """
    from app.core.runlog import ScoreAccumulator

    path, out = Path(path), Path(out)
    if out.exists() and path.exists() and out.resolve() == path.resolve():
        raise InputError(f"{out}: the output would overwrite the input; choose another -o")
    if out.is_dir():
        raise InputError(f"{out}: is a folder; give a file name for the output")
    threshold = bundle.card.threshold if threshold is None else threshold
    scores = ScoreAccumulator(threshold)
    with atomic_path(out) as temporary:
        sink = _CsvSink(temporary, bundle, threshold, explain)

        def every_sink(chunk: ScoredChunk) -> None:
            sink(chunk)
            scores.add(chunk.probability)
            for extra in sinks:
                extra(chunk)

        try:
            report = scan(path, bundle, on_chunk=every_sink, progress=progress, cancelled=cancelled)
        finally:
            sink.close()
    return ScoreResult(report, out, threshold, sink.predicted_positive, scores)
