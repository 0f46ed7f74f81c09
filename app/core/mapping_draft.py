"""Drafting a column mapping for a file: suggestions by name and value, a preview of what it would score.

The mapping dialog draws what these compute; the CLI needs none of it (it reads a finished mapping file).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from app.core.bundle import Bundle
from app.core.card import FeatureSpec
from app.core.checks import STATUS_INVALID
from app.core.columns import map_columns
from app.core.mapping_file import MappingFile
from app.core.prepare import BINARY_WORDS
from app.core.reading import Dialect, TextChunk, open_input
from app.core.scoring import score_chunk
from app.core.text import TEXT

__all__ = ["FileSample", "Preview", "header_key", "preview", "read_sample", "suggest_columns", "suggest_values"]

SAMPLE_ROWS = 2000
VALUE_LIMIT = 50  # distinct values shown per column: enough for any categorical, few enough to read


@dataclass(frozen=True)
class FileSample:
    """The first rows of a file as text, to draft a mapping on."""

    path: Path
    columns: list[str]
    chunk: TextChunk  # the first block, as the reader gives it
    dialect: Dialect
    sheet: str | None = None

    @property
    def rows(self) -> pd.DataFrame:
        """The first rows as text."""
        return self.chunk.text

    def values(self, column: str, limit: int = VALUE_LIMIT) -> list[str]:
        """The column's distinct values, most frequent first, spaces around them ignored."""
        counts = self.rows[column].astype(TEXT).str.strip().value_counts(sort=True)
        return [str(value) for value in counts.index[:limit]]


def header_key(columns: Sequence[str]) -> str:
    """What a mapping is remembered by: a hash of the file's column names, in order."""
    return hashlib.sha256("\x1f".join(columns).encode("utf-8")).hexdigest()[:32]


def read_sample(path: Path, bundle: Bundle, sheet: str | None = None, rows: int = SAMPLE_ROWS) -> FileSample:
    """The header and first ``rows`` rows of ``path``."""
    numeric = [f.name for f in bundle.card.features if f.is_numeric]
    source = open_input(Path(path), numeric_columns=numeric, sheet=sheet)
    parts: list[TextChunk] = []
    for part in source.chunks(rows):  # a block holds about ``rows`` rows: read on until there are ``rows``
        parts.append(part)
        if sum(len(p.text) for p in parts) >= rows:
            break
    if not parts:
        chunk = TextChunk(pd.DataFrame(columns=source.columns), np.empty(0, dtype=object))
    else:
        widths = [p.widths for p in parts]
        chunk = TextChunk(
            pd.concat([p.text for p in parts], ignore_index=True).head(rows),
            np.concatenate([p.extras for p in parts])[:rows],
            widths=np.concatenate(widths)[:rows] if all(w is not None for w in widths) else None,  # type: ignore[arg-type]
        )
    return FileSample(Path(path), list(source.columns), chunk, source.dialect, sheet)


def model_columns(bundle: Bundle) -> list[str]:
    """The columns a mapping may name: the id columns, then the features in the model's order."""
    return [*bundle.card.id_columns, *bundle.card.feature_names]


def suggest_columns(bundle: Bundle, columns: Sequence[str], current: Mapping[str, str] | None = None) -> dict[str, str]:
    """The file column for each model column: the mapping's where it has one, else matched by name."""
    found = map_columns(columns, bundle.card.feature_names, optional=bundle.card.id_columns)
    suggestion = dict(found.source_for.items())
    for name, column in (current or {}).items():
        if column in columns:
            suggestion[name] = column
    return suggestion


def suggest_values(
    spec: FeatureSpec, values: Sequence[str], current: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Obvious matches of file values to the model's: the same text, any case; yes/no words for binaries."""
    if spec.kind == "binary":
        known = {"1": "1", "0": "0", "1.0": "1", "0.0": "0", **BINARY_WORDS}
        suggestion = {v: known[v.casefold()] for v in values if v.casefold() in known}
    else:
        folded = {str(c).casefold(): str(c) for c in spec.categories}
        suggestion = {v: folded[v.casefold()] for v in values if v.casefold() in folded}
    suggestion.update({k: v for k, v in (current or {}).items() if k in values})
    return suggestion


@dataclass(frozen=True)
class Preview:
    """What a mapping would do to a file's first rows: how many score, how many are invalid, and which model
    columns still have no file column (or more than one that could feed them)."""

    rows: int
    scored: int
    invalid: int
    missing: tuple[str, ...]


def preview(sample: FileSample, bundle: Bundle, mapping: MappingFile) -> Preview:
    """How many of the sample's rows the mapping would score, how many would be invalid, and what is unmapped."""
    card = bundle.card
    found = map_columns(sample.columns, card.feature_names, optional=card.id_columns, explicit=mapping.columns)
    rows = len(sample.rows)
    missing = (*found.missing, *found.ambiguous)
    if missing or not rows:
        return Preview(rows, 0, rows, tuple(missing))
    assessment, _ = score_chunk(sample.chunk, bundle, found, sample.dialect, predict=False, values=mapping.values)
    invalid = int(np.sum(assessment.status == STATUS_INVALID))
    return Preview(rows, rows - invalid, invalid, ())
