"""A scored file held in memory for the desktop app: compact, sortable and searchable at a million rows.

Text columns are kept as pandas Categoricals (codes plus distinct values), so a column
of repeated values costs a byte or two per row; sorting and searching work on the
distinct values and map back through the codes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from app.core.bundle import Bundle
from app.core.card import ModelCard
from app.core.checks import assess_chunk
from app.core.evaluation import label_values
from app.core.explain import reference_values
from app.core.reading import InputOptions
from app.core.report import FileReport
from app.core.scoring import CancelFn, ProgressFn, ScoredChunk, model_columns, scan
from app.core.text import TEXT

__all__ = ["ScoredTable", "TextColumn", "load_table"]

_WIDE_COLUMNS = 100  # from here a search joins each row's cells once instead of asking every column
_WIDE_CELLS = 5_000_000  # ... as long as the joined text stays small (a million rows of 100 columns does not)


class TextColumn:
    """One column's text: Categorical codes for repetitive columns, plain values for id-like ones.

    Merging a million distinct values into one Categorical holds the GIL for half a second,
    which would freeze the window; columns whose first chunk is mostly distinct stay plain.
    """

    def __init__(self, parts: list[np.ndarray]) -> None:
        first = parts[0]
        distinct = len(pd.unique(first)) if len(first) else 0
        self.categorical: pd.Categorical | None = None
        self.values: np.ndarray | None = None
        if len(first) and distinct > len(first) // 2:
            self.values = np.concatenate(parts) if len(parts) > 1 else first
        else:
            pieces = [pd.Categorical(part) for part in parts]
            self.categorical = union_categoricals(pieces) if len(pieces) > 1 else pieces[0]

    def cell(self, row: int) -> str:
        """The text of one cell."""
        if self.values is not None:
            return str(self.values[row])
        assert self.categorical is not None
        code = self.categorical.codes[row]
        return "" if code < 0 else str(self.categorical.categories[code])

    def take(self, rows: np.ndarray) -> np.ndarray:
        """The text of several cells."""
        if self.values is not None:
            return np.asarray(self.values[rows])
        assert self.categorical is not None
        return np.asarray(self.categorical[rows], dtype=object)

    def contains(self, folded: str) -> np.ndarray:
        """Rows whose text contains ``folded`` (already case-folded)."""
        if self.values is not None:
            found = pd.Series(self.values, dtype=object).str.casefold().str.contains(folded, regex=False)
            return np.asarray(found.to_numpy(bool), dtype=bool)
        assert self.categorical is not None
        categories = self.categorical.categories
        hits = np.fromiter((folded in str(c).casefold() for c in categories), dtype=bool, count=len(categories))
        return np.isin(self.categorical.codes, np.flatnonzero(hits)) if hits.any() else np.zeros(len(self), bool)

    def codes_and_values(self) -> tuple[np.ndarray, pd.Index]:
        """Integer codes per row and the distinct values they index (-1 for none)."""
        if self.values is not None:
            codes, uniques = pd.factorize(self.values)
            return codes, pd.Index(uniques)
        assert self.categorical is not None
        return self.categorical.codes, self.categorical.categories

    def __len__(self) -> int:
        return len(self.values) if self.values is not None else len(self.categorical)  # type: ignore[arg-type]


@dataclass
class ScoredTable:
    """Every row of a scored file with its probability, status, issues and (when present) label."""

    path: Path
    stamp: tuple[int, float]  # size and modification time when read, to notice later changes
    columns: list[str]
    text: dict[str, TextColumn]
    probability: np.ndarray
    status: np.ndarray
    issues: np.ndarray
    labels: np.ndarray | None
    report: FileReport
    options: InputOptions = field(default_factory=InputOptions)  # how it was read: sheet, mapping
    row_text: list[str] | None = None  # a wide file's rows joined for search (see index_rows_for_search)

    def __len__(self) -> int:
        return int(self.probability.size)

    @property
    def has_labels(self) -> bool:
        """True when the file carries the target column with usable labels."""
        return self.labels is not None and bool(np.any(self.labels >= 0))

    def cell(self, row: int, column: str) -> str:
        """The text of one cell, as read."""
        return self.text[column].cell(row)

    def prepared(self, rows: np.ndarray, card: ModelCard) -> pd.DataFrame:
        """Model inputs for ``rows``, prepared exactly as scoring prepared them: the mapping's columns and value
        tables applied, numbers converted under the file's dialect (NaN where a number is blank or unusable)."""
        source_for = self.report.mapping.source_for
        text = pd.DataFrame({column: self.text[column].take(rows) for column in set(source_for.values())})
        values = self.options.mapping.values if self.options.mapping is not None else None
        decimal = self.report.dialect.decimal if self.report.dialect else "."
        return assess_chunk(model_columns(text, card, source_for, values), card, {}, decimal).prepared

    def model_row(self, row: int, card: ModelCard) -> dict[str, float | str]:
        """One row as the model computes with it: prepared, and a blank cell filled the way the model's imputers
        fill it (the training median of a number, the most frequent category), so it scores as the table does."""
        prepared = self.prepared(np.array([row]), card).iloc[0]
        references = reference_values(card)
        result: dict[str, float | str] = {}
        for spec in card.features:
            value = prepared[spec.name]
            if spec.is_numeric:
                number = float(value)
                result[spec.name] = float(references[spec.name]) if np.isnan(number) else number
            else:
                result[spec.name] = str(value) if value != "" else str(references[spec.name])
        return result

    def source_column(self, model_column: str) -> str:
        """The file's column that feeds ``model_column`` (its own name when the file has it unmapped)."""
        return self.report.mapping.source_for.get(model_column, model_column)

    def changed_on_disk(self) -> bool:
        """True when the file's size or modification time differs from when it was read."""
        try:
            stat = os.stat(self.path)
        except OSError:
            return True
        return (stat.st_size, stat.st_mtime) != self.stamp

    def search(self, needle: str) -> np.ndarray:
        """Rows where any text cell contains ``needle`` (case-insensitive)."""
        mask = np.zeros(len(self), dtype=bool)
        if not needle:
            return ~mask
        folded = needle.casefold()
        if self.row_text is not None:  # a wide file: one pass over each row's text, not one per column
            return np.fromiter((folded in text for text in self.row_text), dtype=bool, count=len(self))
        for column in self.text.values():
            mask |= column.contains(folded)
        return mask

    def index_rows_for_search(self) -> None:
        """For a wide file (hundreds of columns), keep each row's cells joined and case-folded: a search then
        costs one pass over the rows instead of a pandas call per column (a 5,000-column file took a second)."""
        if len(self.text) < _WIDE_COLUMNS or len(self) * len(self.text) > _WIDE_CELLS:
            return
        columns = [column.take(np.arange(len(self))) for column in self.text.values()]
        # A unit separator between cells, so a needle never matches across two of them.
        self.row_text = ["\x1f".join(str(c) for c in cells).casefold() for cells in zip(*columns, strict=True)]

    def sort_keys(self, column: str) -> np.ndarray:
        """A key per row that orders ``column`` (numbers numerically, text alphabetically, empty last)."""
        codes, values = self.text[column].codes_and_values()
        categories = pd.Series(values, dtype=object).astype(TEXT)
        blank = categories.str.strip() == ""
        numbers = pd.to_numeric(categories.where(~blank), errors="coerce")
        if (~blank).any() and numbers[~blank].notna().mean() > 0.9:  # blanks neither count for nor against
            rank = numbers.rank(method="min", na_option="bottom").to_numpy(dtype=np.float64, copy=True)
        else:
            rank = categories.str.casefold().rank(method="min").to_numpy(dtype=np.float64, copy=True)
        rank[blank.to_numpy()] = np.inf  # an empty cell sorts last, like a missing one
        keys = np.append(rank, np.inf)  # code -1 (no value) sorts last
        return np.asarray(keys[codes], dtype=np.float64)


class _Collector:
    """A scan sink that keeps each chunk compactly."""

    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle
        self.text: dict[str, list[np.ndarray]] = {}
        self.probability: list[np.ndarray] = []
        self.status: list[np.ndarray] = []
        self.issues: list[np.ndarray] = []
        self.labels: list[np.ndarray] = []
        self.columns: list[str] = []
        self.label: str | None = None  # the label column, looked up at the first chunk ("" when absent)

    def __call__(self, chunk: ScoredChunk) -> None:
        if not self.columns:
            self.columns = list(chunk.text.columns)
        for column in self.columns:
            self.text.setdefault(column, []).append(chunk.text[column].to_numpy(dtype=object))
        self.probability.append(chunk.probability)
        self.status.append(chunk.assessment.status)
        self.issues.append(chunk.assessment.issues)
        if self.label is None:
            self.label = chunk.mapping.source_for.get(self.bundle.card.target.column, "")
        label = self.label
        if label:
            self.labels.append(label_values(chunk.text[label], self.bundle.card))

    def table(self, path: Path, stamp: tuple[int, float], report: FileReport) -> ScoredTable:
        text = {column: TextColumn(parts) for column, parts in self.text.items()}
        return ScoredTable(
            path=path,
            stamp=stamp,
            columns=self.columns,
            text=text,
            probability=np.concatenate(self.probability),
            status=np.concatenate(self.status),
            issues=np.concatenate(self.issues),
            labels=np.concatenate(self.labels) if self.labels else None,
            report=report,
        )


def load_table(
    path: Path,
    bundle: Bundle,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
    options: InputOptions | None = None,
) -> ScoredTable:
    """Read, check and score ``path`` into memory for the app (``options``: a sheet, a column mapping)."""
    path = Path(path)
    stat = os.stat(path) if path.exists() else None
    collector = _Collector(bundle)
    report = scan(path, bundle, on_chunk=collector, progress=progress, cancelled=cancelled, options=options)
    stamp = (stat.st_size, stat.st_mtime) if stat else (0, 0.0)
    table = collector.table(path, stamp, report)
    table.options = options or InputOptions()
    table.index_rows_for_search()  # here, in the loading worker, not at the first search on the GUI thread
    return table
