"""Writing scored files: the input exactly as it came, then probability, prediction, status and issues.

Text that a spreadsheet would run as a formula is neutralised with a leading
apostrophe; the file is written to a temporary name and renamed only when complete.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from app.core.bundle import Bundle
from app.core.card import ModelCard
from app.core.checks import STATUS_NAMES
from app.core.fileio import atomic_path
from app.core.reading import InputError
from app.core.report import FileReport
from app.core.scoring import CancelFn, ProgressFn, ScoredChunk, scan

__all__ = ["OUTPUT_COLUMNS", "ScoreResult", "neutralise_formulas", "output_names", "score_to_csv"]

OUTPUT_COLUMNS = ("probability", "prediction", "row_status", "row_issues")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^\s*[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?\s*$")


def neutralise_formulas(column: pd.Series) -> pd.Series:
    """Prefix ``'`` to text cells starting with = + - @ tab or CR; numbers such as ``-3`` stay as they are."""
    codes, uniques = pd.factorize(column.to_numpy(dtype=object), use_na_sentinel=False)
    distinct = pd.Series(uniques, dtype=object).astype(str)
    risky = distinct.str.startswith(_FORMULA_START) & ~distinct.str.match(_NUMBER)
    if not risky.any():
        return column
    fixed = np.where(risky.to_numpy(), "'" + distinct, distinct)
    return pd.Series(fixed[codes], index=column.index, dtype=object)


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

    def __init__(self, target: Path, card: ModelCard, threshold: float) -> None:
        self.target = target
        self.handle: IO[str] | None = None
        self.card = card
        self.threshold = threshold
        self.predicted_positive = 0
        self._names: list[str] | None = None

    def __call__(self, chunk: ScoredChunk) -> None:
        dialect = chunk.source.dialect
        header = chunk.source.header or list(chunk.text.columns)
        if self.handle is None:
            # A file that came with a byte-order mark gets one back, so spreadsheets read UTF-8.
            encoding = "utf-8-sig" if dialect.bom else "utf-8"
            self.handle = open(self.target, "w", encoding=encoding, newline="")  # noqa: SIM115 closed by close()
            self._names = output_names(header)
        probability = chunk.probability
        scored = ~np.isnan(probability)
        positive = scored & (probability >= self.threshold)
        self.predicted_positive += int(positive.sum())
        prediction = np.where(positive, self.card.target.positive_label, self.card.target.negative_label)
        columns = {
            name: neutralise_formulas(chunk.text[column])
            for name, column in zip(header, chunk.text.columns, strict=True)
        }
        added = dict(
            zip(
                self._names,
                (
                    probability,
                    np.where(scored, prediction, ""),
                    np.asarray(STATUS_NAMES, dtype=object)[chunk.assessment.status],
                    chunk.assessment.issues,
                ),
                strict=True,
            )
        )
        frame = pd.DataFrame(columns | added)
        frame.columns = [*header, *(self._names or [])]
        frame.to_csv(
            self.handle,
            header=chunk.start == 0,
            index=False,
            sep=dialect.separator,
            lineterminator=dialect.newline,
            quoting=csv.QUOTE_MINIMAL,
            float_format="%.6f",
            decimal=dialect.decimal,
            na_rep="",
        )

    def close(self) -> None:
        """Flush and close the output file."""
        if self.handle is not None:
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.handle.close()


def score_to_csv(
    path: Path,
    out: Path,
    bundle: Bundle,
    threshold: float | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
) -> ScoreResult:
    """Score ``path`` into ``out`` atomically: on any error or cancel, ``out`` is not created or changed."""
    path, out = Path(path), Path(out)
    if out.exists() and path.exists() and out.resolve() == path.resolve():
        raise InputError(f"{out}: the output would overwrite the input; choose another -o")
    if out.is_dir():
        raise InputError(f"{out}: is a folder; give a file name for the output")
    threshold = bundle.card.threshold if threshold is None else threshold
    with atomic_path(out) as temporary:
        sink = _CsvSink(temporary, bundle.card, threshold)
        try:
            report = scan(path, bundle, on_chunk=sink, progress=progress, cancelled=cancelled)
        finally:
            sink.close()
    return ScoreResult(report=report, out=out, threshold=threshold, predicted_positive=sink.predicted_positive)
