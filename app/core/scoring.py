"""Streaming a file through the checks and the model, chunk by chunk, in constant memory.

``scan`` is the one driver: ``check`` uses it without a sink, ``score`` with a CSV sink,
the GUI with a sink that keeps the results, ``evaluate`` with one that keeps labels.
It is a plain function taking ``progress(done, total)`` and ``cancelled()``, so the
GUI can run it in a worker thread and tests can run it without Qt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from app.core.bundle import Bundle, BundleError
from app.core.card import ModelCard
from app.core.checks import STATUS_INVALID, ChunkAssessment, assess_chunk
from app.core.dialects import SEPARATORS
from app.core.formats import Source
from app.core.i18n import N_, Figure, Message, Nn_, Remedy, general
from app.core.mapping_file import apply_values
from app.core.predictor import implausible
from app.core.reading import (
    CHUNK_ROWS,
    CancelFn,
    Cancelled,
    ColumnMapping,
    Dialect,
    InputError,
    InputFile,
    InputOptions,
    ProgressFn,
    TextChunk,
    map_columns,
    open_input,
)
from app.core.report import FileReport, ReportBuilder
from app.core.text import TEXT

__all__ = [
    "AmbiguousColumnsError",
    "CancelFn",
    "Cancelled",
    "MissingColumnsError",
    "ModelOutputError",
    "ProgressFn",
    "ScoredChunk",
    "map_file_columns",
    "missing_columns_message",
    "model_columns",
    "open_for_scoring",
    "scan",
    "scan_chunks",
    "score_chunk",
]

REPEATED_HEADER_SHARE = 0.8


class MissingColumnsError(InputError):
    """The file lacks columns the model needs; ``report`` still says what it has."""

    def __init__(self, message: str | Message, report: FileReport) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class ScoredChunk:
    """One chunk as read, with its checks and probabilities (NaN where not scored)."""

    start: int
    text: pd.DataFrame
    assessment: ChunkAssessment
    probability: np.ndarray
    source: InputFile
    mapping: ColumnMapping
    lines: list[str] | None = None  # each row as written, when the reader could tell (see TextChunk)
    fields: np.ndarray | None = None
    extras: np.ndarray | None = None  # per row, the fields beyond the header's width as written

    def subset(self, keep: np.ndarray) -> ScoredChunk:
        """The same chunk with only the rows ``keep`` (a boolean mask over its rows) marks, each unchanged."""
        rows = np.flatnonzero(keep)
        found = self.assessment
        assessment = ChunkAssessment(
            {name: values[rows] for name, values in found.columns.items()},
            {key: mask[rows] for key, mask in found.masks.items()},
            found.status[rows],
            found.issues[rows],
            found.drift_counts,
        )
        return ScoredChunk(
            self.start,
            self.text.iloc[rows].reset_index(drop=True),
            assessment,
            self.probability[rows],
            self.source,
            self.mapping,
            None if self.lines is None else [self.lines[row] for row in rows],
            None if self.fields is None else self.fields[rows],
            None if self.extras is None else self.extras[rows],
        )


class ModelOutputError(BundleError):
    """The model returned a probability that is no number from 0 to 1: it is broken, so the run stops."""


class AmbiguousColumnsError(InputError):
    """Two file columns could each feed one model column; a mapping must say which."""


def _repeated_header(chunk: pd.DataFrame) -> np.ndarray:
    """Rows whose cells mostly repeat their column's name (files pasted together, header and all)."""
    columns = list(chunk.columns)
    name = columns[0].strip().casefold()
    result = np.zeros(len(chunk), dtype=bool)
    # Cheap first: only a cell starting with a space or a letter that folds into the name's start can match.
    initials = chunk[columns[0]].to_numpy(dtype=object).astype("<U1")
    possible = [c for c in pd.unique(initials) if c.isspace() or name.startswith(c.casefold())]
    rows = np.flatnonzero(np.isin(initials, possible))
    if not rows.size:
        return result
    first = _folded(chunk[columns[0]].iloc[rows]) == name
    if not first.any():
        return result
    candidates = chunk.iloc[rows[first]]
    equal = sum(_folded(candidates[c]) == c.strip().casefold() for c in columns)
    result[rows[first]] = equal >= max(1, REPEATED_HEADER_SHARE * len(columns))
    return result


def _folded(column: pd.Series) -> np.ndarray:
    """Cells stripped and case-folded, computed in C (numpy string ufuncs), not cell by cell in Python."""
    text = column.to_numpy(dtype=object).astype(np.dtypes.StringDType())
    return np.strings.lower(np.strings.strip(text))


def _malformed(extras: np.ndarray) -> np.ndarray:
    """Rows with non-empty fields beyond the header's width (trailing empty fields are harmless)."""
    return np.asarray(np.asarray(extras, dtype=object) != "", dtype=bool)


def missing_columns_message(
    path: Path, bundle: Bundle, mapping: ColumnMapping, columns: Sequence[str], options: InputOptions
) -> Message:
    """One line naming the file, the model columns it lacks with their kinds, and how to map them."""
    card = bundle.card
    kinds = {f.name: f.kind for f in card.features}
    names = ", ".join(f"{m!r} ({kinds.get(m, 'column')})" for m in mapping.missing)
    count = Figure(len(mapping.missing))
    hint: Message | Remedy
    if len(columns) == 1:
        hint = Message.of(N_("; it has a single column, so it may not be a CSV file"))
    elif options.mapping is not None:
        hint = Message.of(
            Nn_(
                "; map a file column to it in [columns] of {mapping}",
                "; map a file column to each in [columns] of {mapping}",
            ),
            count=count,
            mapping=options.mapping.name,
        )
    else:
        hint = Remedy(
            Message.of(
                Nn_(
                    ": map one of the file's columns to it with --mapping",
                    ": map one of the file's columns to each with --mapping",
                ),
                count=count,
            ),
            Message.of(
                Nn_(
                    ": map one of the file's columns to it (File ▸ Map columns…)",
                    ": map one of the file's columns to each (File ▸ Map columns…)",
                ),
                count=count,
            ),
        )
    return Message.of(
        Nn_("{path}: missing column {names}{hint}", "{path}: missing columns {names}{hint}"),
        path=path,
        names=names,
        hint=hint,
        count=count,
    )


def map_file_columns(
    path: Path,
    columns: Sequence[str],
    written: Sequence[str],
    bundle: Bundle,
    options: InputOptions,
    optional_columns: Sequence[str] = (),
) -> ColumnMapping:
    """A file's columns (``written`` as its header spells them) matched to the model's: as the mapping file says,
    then by name. AmbiguousColumnsError when two could feed one; missing ones are left in ``mapping.missing``."""
    card = bundle.card
    optional = [*card.id_columns, card.target.column, *card.passthrough, *optional_columns]
    explicit = None
    if options.mapping is not None:
        options.mapping.check_file_columns(columns)
        explicit = options.mapping.columns
    mapping = map_columns(columns, card.feature_names, optional=optional, written=written, explicit=explicit)
    if mapping.ambiguous:
        name, candidates = next(iter(mapping.ambiguous.items()))
        positions = ", ".join(f"{list(columns).index(c) + 1} ({c!r})" for c in candidates)
        raise AmbiguousColumnsError(
            Message.of(
                N_(
                    "{path}: columns {positions} could each feed the model's {column}; say which with --mapping"
                    " ({example}; a repeated name is told apart as NAME.1, NAME.2 by position)"
                ),
                path=path,
                positions=positions,
                column=repr(name),
                example=f'[columns] {name} = "{candidates[0]}"',
            )
        )
    return mapping


def open_for_scoring(
    path: Path,
    bundle: Bundle,
    optional_columns: Sequence[str] = (),
    options: InputOptions | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
    source_file: Source | None = None,
) -> tuple[InputFile, ColumnMapping, ReportBuilder]:
    """Open the input and map its columns; raise MissingColumnsError (with a report) when features are absent.
    ``source_file`` is how to read a file that is not a local path (see ``open_input``)."""
    card = bundle.card
    options = options or InputOptions()
    numeric = [f.name for f in card.features if f.is_numeric]
    source = open_input(
        Path(path),
        numeric_columns=numeric,
        sheet=options.sheet,
        progress=progress,
        cancelled=cancelled,
        source=source_file,
    )
    written = [h.strip() or unique for h, unique in zip(source.header, source.columns, strict=False)]
    mapping = map_file_columns(path, source.columns, written, bundle, options, optional_columns)
    builder = ReportBuilder(card, str(path), source.dialect, mapping, options.mapping, len(source.columns))
    if mapping.missing:
        message = missing_columns_message(Path(path), bundle, mapping, source.columns, options)
        raise MissingColumnsError(message, builder.finish())
    return source, mapping, builder


def _other_separator_rows(text: pd.DataFrame, widths: np.ndarray | None, source: InputFile) -> dict[str, np.ndarray]:
    """Per other separator, the rows that have one field but would split into the header's width with it."""
    if widths is None or not (one := widths == 1).any():
        return {}
    width, first = len(text.columns), text[text.columns[0]].to_numpy(dtype=object)
    found = {}
    for separator in SEPARATORS:
        if separator != source.dialect.separator:
            counts = np.fromiter((str(cell).count(separator) + 1 for cell in first), np.int64, len(first))
            rows = np.flatnonzero(one & (counts >= max(2, width - 1)))
            if rows.size:
                found[separator] = rows
    return found


def _replaced_bytes(text: pd.DataFrame, extras: np.ndarray) -> np.ndarray:
    """Rows holding U+FFFD, where the reader replaced bytes that were not valid in the file's encoding."""
    found = np.asarray([("\ufffd" in cell) for cell in extras], dtype=bool)
    for column in text.columns:
        found |= text[column].astype(TEXT).str.contains("\ufffd", regex=False).to_numpy(dtype=bool)
    return found


def model_columns(
    text: pd.DataFrame,
    card: ModelCard,
    source_for: Mapping[str, str],
    values: Mapping[str, Mapping[str, str]] | None = None,
) -> pd.DataFrame:
    """The model's feature columns of a file's text, as the model names and spells them: each taken from the file
    column the mapping chose, its values translated by the mapping's value table. Scoring, the window's What-if and
    explanations, and a challenger's comparison all start here, so none of them can skip a step."""
    features = pd.DataFrame({name: text[source_for[name]] for name in card.feature_names})
    for name, table in (values or {}).items():
        if name in features:
            features[name] = apply_values(features[name], table)
    return features


def score_chunk(
    chunk: TextChunk,
    bundle: Bundle,
    mapping: ColumnMapping,
    dialect: Dialect,
    predict: bool = True,
    values: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[ChunkAssessment, np.ndarray]:
    """Checks and probabilities (NaN where invalid or not predicted) for one chunk as read; ``values`` are a
    mapping's value tables, per model column. Rows holding U+FFFD are flagged when the dialect says the reader
    replaced invalid bytes."""
    text, extras, widths = chunk.text, chunk.extras, chunk.widths
    card = bundle.card
    features = model_columns(text, card, mapping.source_for, values)
    row_masks = {"repeated_header": _repeated_header(text), "malformed_row": _malformed(extras)}
    if widths is not None:
        short = widths < len(text.columns)
        if short.any():
            last_used = max(list(text.columns).index(mapping.source_for[name]) for name in card.feature_names)
            row_masks["short_row"] = short & (widths <= last_used)  # a field a feature comes from is absent
            row_masks["short_row_tail"] = short & (widths > last_used)
    if dialect.replaced:
        row_masks["invalid_bytes"] = _replaced_bytes(text, extras)
    assessment = assess_chunk(features, card, row_masks, dialect.decimal)
    probability = np.full(len(text), np.nan)
    if predict and len(text):
        probability = bundle.predictor.predict_prepared(assessment.columns)
        probability[assessment.status == STATUS_INVALID] = np.nan
    return assessment, probability


def _checked(
    probability: np.ndarray, status: np.ndarray, bundle: Bundle, where: Message | Path, start: int
) -> np.ndarray:
    """The chunk's probabilities, or ModelOutputError naming the first scored row whose value no working model
    returns. One such row stops the run rather than making the row invalid: a model that returns NaN, 1.8 or
    -0.3 for one row cannot be trusted for the rows where its output happens to look like a probability."""
    bad = np.flatnonzero((status != STATUS_INVALID) & implausible(probability))
    if bad.size:
        value = float(probability[bad[0]])
        raise ModelOutputError(
            Message.of(
                N_(
                    "{name} {version} returned {value} as the probability of row {row} of {where}: a probability"
                    " is a number from 0 to 1, so the model is broken and the run stops; use another version of the"
                    " model (`model rollback`, or Model ▸ Versions… in the window)"
                ),
                name=bundle.card.name,  # not the path: on a cluster's worker that is a temporary copy
                version=bundle.card.version,
                value="NaN" if np.isnan(value) else general(value),
                row=Figure(start + int(bad[0]) + 1),
                where=where,
            )
        )
    return np.asarray(np.clip(probability, 0.0, 1.0))  # float32 rounding past a bound, nothing more (implausible)


def scan(
    path: Path,
    bundle: Bundle,
    *,
    predict: bool = True,
    on_chunk: Callable[[ScoredChunk], None] | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
    chunk_rows: int = CHUNK_ROWS,
    optional_columns: Sequence[str] = (),
    options: InputOptions | None = None,
) -> FileReport:
    """Read, check and (optionally) score ``path``; hand each chunk to ``on_chunk``; return the report."""
    # One progress bar for both passes: telling the encoding reads the file once (the first fifth), then scoring.
    detecting = None if progress is None else (lambda done, total: progress(done // 5, total))
    source, mapping, builder = open_for_scoring(path, bundle, optional_columns, options, detecting, cancelled)

    def scoring_progress() -> None:
        if progress is not None:
            progress(source.size - (source.size - source.bytes_read) * 4 // 5, source.size)

    scan_chunks(
        source,
        source.chunks(chunk_rows),
        bundle,
        mapping,
        builder,
        predict=predict,
        values=options.mapping.values if options is not None and options.mapping is not None else None,
        on_chunk=on_chunk,
        chunk_done=scoring_progress,
        cancelled=cancelled,
    )
    if builder.rows == 0:
        raise InputError(Message.of(N_("{path}: the file has a header but no data rows"), path=path))
    return builder.finish()


def scan_chunks(
    source: InputFile,
    chunks: Iterable[TextChunk],
    bundle: Bundle,
    mapping: ColumnMapping,
    builder: ReportBuilder,
    *,
    predict: bool = True,
    values: Mapping[str, Mapping[str, str]] | None = None,
    on_chunk: Callable[[ScoredChunk], None] | None = None,
    chunk_done: Callable[[], None] | None = None,
    cancelled: CancelFn | None = None,
    where: Message | None = None,
) -> None:
    """Check and score each chunk of ``source`` into ``builder``, handing it on: the whole file, or one part of
    it that a cluster's worker reads (``InputFile.chunks(span=...)``), which ``ReportBuilder.absorb`` merges.
    ``where`` names that part in a message (default: the file)."""
    card = bundle.card
    id_column = next((mapping.source_for[c] for c in card.id_columns if c in mapping.source_for), None)
    for chunk in chunks:
        if cancelled is not None and cancelled():
            raise Cancelled(f"{source.path}: cancelled")
        text = chunk.text
        assessment, probability = score_chunk(chunk, bundle, mapping, source.dialect, predict, values)
        start = builder.rows
        if predict:
            probability = _checked(probability, assessment.status, bundle, where or source.path, start)
        builder.add(assessment, text[id_column] if id_column else None)
        builder.add_widths(chunk.widths, start, _other_separator_rows(text, chunk.widths, source))
        if on_chunk is not None:
            on_chunk(
                ScoredChunk(
                    start, text, assessment, probability, source, mapping, chunk.lines, chunk.fields, chunk.extras
                )
            )
        if chunk_done is not None:
            chunk_done()
