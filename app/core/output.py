"""Writing scored files: the input exactly as it came, then probability, prediction, status and issues.

Text that a spreadsheet would run as a formula is neutralised with a leading
apostrophe; the file is written to a temporary name and renamed only when complete.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from app.core.bundle import Bundle
from app.core.checks import STATUS_NAMES
from app.core.fileio import atomic_path
from app.core.reading import InputError
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
    """The report of a scoring run and where the scored file went."""

    report: FileReport
    out: Path
    threshold: float
    predicted_positive: int


class _CsvSink:
    """Appends scored chunks to ``target`` in the input's dialect, opening it at the first chunk."""

    def __init__(self, target: Path, bundle: Bundle, threshold: float, explain: int = 0) -> None:
        self.target = target
        self.bundle = bundle
        self.card = bundle.card
        self.explain = explain
        self.threshold = threshold
        self.predicted_positive = 0
        self._handle: IO[str] | None = None
        self._writer: Any = None

    def __call__(self, chunk: ScoredChunk) -> None:
        dialect = chunk.source.dialect
        if self._handle is None:
            header = chunk.source.header or list(chunk.text.columns)
            # A file that came with a byte-order mark gets one back, so spreadsheets read UTF-8.
            encoding = "utf-8-sig" if dialect.bom else "utf-8"
            self._handle = open(self.target, "w", encoding=encoding, newline="")  # noqa: SIM115 closed by close()
            self._writer = csv.writer(self._handle, delimiter=dialect.separator, lineterminator=dialect.newline)
            reasons = [f"reason_{k}" for k in range(1, self.explain + 1)]
            self._writer.writerow([*header, *output_names([*header, *reasons]), *reasons])
        probability = chunk.probability
        scored = ~np.isnan(probability)
        positive = scored & (probability >= self.threshold)
        self.predicted_positive += int(positive.sum())
        labels = np.array([self.card.target.negative_label, self.card.target.positive_label, ""], dtype=object)
        columns = [neutralise_formulas(chunk.text[column]) for column in chunk.text.columns]
        columns += [
            format_probabilities(probability, dialect.decimal),
            labels[np.where(scored, positive.astype(np.int8), 2)],
            np.asarray(STATUS_NAMES, dtype=object)[chunk.assessment.status],
            chunk.assessment.issues,
        ]
        if self.explain:
            columns += self._reasons(chunk)
        # csv.writer over row tuples: faster than DataFrame.to_csv for text, and it quotes only where needed.
        self._writer.writerows(zip(*columns, strict=True))

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

    def close(self) -> None:
        """Flush, sync and close the output file."""
        if self._handle is not None:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()


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

    ``sinks`` also see every chunk (run log, score summary); ``explain`` adds each row's top reasons.
    """
    path, out = Path(path), Path(out)
    if out.exists() and path.exists() and out.resolve() == path.resolve():
        raise InputError(f"{out}: the output would overwrite the input; choose another -o")
    if out.is_dir():
        raise InputError(f"{out}: is a folder; give a file name for the output")
    threshold = bundle.card.threshold if threshold is None else threshold
    with atomic_path(out) as temporary:
        sink = _CsvSink(temporary, bundle, threshold, explain)

        def every_sink(chunk: ScoredChunk) -> None:
            sink(chunk)
            for extra in sinks:
                extra(chunk)

        try:
            report = scan(path, bundle, on_chunk=every_sink, progress=progress, cancelled=cancelled)
        finally:
            sink.close()
    return ScoreResult(report=report, out=out, threshold=threshold, predicted_positive=sink.predicted_positive)
