"""What runs on a worker: the model, received by value and verified, and the scoring of one partition.

The bundle travels as bytes in a worker plugin, never as a pickled InferenceSession: each worker checks the
bytes against the card's sha256, loads them with the core's ``load_bundle`` (one onnxruntime session with one
thread, since the worker processes are the parallelism) and reuses that session for every partition.
A partition is scored by the core's ``scan_chunks``; its part file is written to a temporary file and then
stored whole (renamed into the staging folder, or uploaded), so a task that reruns after a worker died stores
the same bytes again.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from distributed import get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from app.core.bundle import CARD_FILE, MODEL_FILE, Bundle, load_bundle
from app.core.checks import STATUS_NAMES
from app.core.dialects import InputError
from app.core.fileio import sha256_bytes, sha256_file
from app.core.i18n import N_, Message
from app.core.metrics import ScoreAccumulator
from app.core.output import OUTPUT_COLUMNS, CsvSink, close_output, open_output, output_names
from app.core.reading import CHUNK_ROWS, TextChunk
from app.core.report import PartialReport, ReportBuilder
from app.core.scoring import ScoredChunk, scan_chunks
from app.core.text import TEXT
from app.distributed.plan import Partition
from app.distributed.publish import PartFolder

__all__ = ["ModelPlugin", "PartResult", "plugin_name", "score_partition", "worker_identity"]


def plugin_name(sha256: str) -> str:
    """One plugin per model, so jobs of two models can share a cluster without replacing each other's."""
    return f"scoredesk-model-{sha256[:16]}"


class ModelPlugin(WorkerPlugin):
    """The verified bundle on every worker, present and future (a restarted worker gets it again)."""

    def __init__(self, model: bytes, card: bytes, sha256: str) -> None:
        self.model, self.card, self.sha256 = model, card, sha256
        self.bundle: Bundle | None = None

    def setup(self, worker: Any) -> None:  # noqa: ANN401  # distributed.Worker, untyped
        """Check the bytes that arrived, then load them as the core loads any bundle."""
        if sha256_bytes(self.model) != self.sha256:
            raise RuntimeError(f"the model that reached worker {worker.address} does not match sha256 {self.sha256}")
        folder = Path(tempfile.mkdtemp(prefix="scoredesk-model-", dir=worker.local_directory))
        (folder / MODEL_FILE).write_bytes(self.model)
        (folder / CARD_FILE).write_bytes(self.card)
        self.bundle = load_bundle(folder, threads=1)
        if self.bundle.card.onnx_sha256 != self.sha256:
            raise RuntimeError(f"the model card that reached worker {worker.address} is for another model")


def worker_identity(sha256: str, dask_worker: Any) -> dict[str, str | None]:  # noqa: ANN401  # distributed.Worker
    """This worker's scoredesk version and the sha256 of the model it holds, for the job's start check."""
    from app import __version__

    plugin = dask_worker.plugins.get(plugin_name(sha256))
    bundle = getattr(plugin, "bundle", None)
    return {"version": __version__, "sha256": bundle.card.onnx_sha256 if bundle is not None else None}


@dataclass
class PartResult:
    """What a partition sends back: its part file's name, rows and sha256, and its mergeable summaries."""

    index: int
    name: str
    rows: int
    sha256: str
    partial: PartialReport
    scores: ScoreAccumulator


def _parquet_text(table: pa.Table) -> pd.DataFrame:
    """A row group as the checks read any input: every column as text, a missing value as ``""``."""
    columns = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        try:
            text = column if pa.types.is_string(column.type) else pc.cast(column, pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # lists, structs, bytes that are not UTF-8
            text = pa.array([None if v is None else str(v) for v in column.to_pylist()], type=pa.string())
        values = pc.fill_null(text, "").to_numpy(zero_copy_only=False)
        columns[name] = pd.array(values, dtype=TEXT)
    return pd.DataFrame(columns)


def _parquet_chunks(partition: Partition, rows: int) -> Iterator[tuple[TextChunk, pa.Table]]:
    """The row group in batches of ``rows``, read one at a time (a row group can hold millions of rows), as text
    for the checks and as the typed table for the output."""
    assert partition.source.source is not None
    with partition.source.source.open_bytes() as handle:
        try:
            reader = pq.ParquetFile(handle)
            groups = [partition.row_group or 0] if reader.num_row_groups else []
            batches = reader.iter_batches(batch_size=rows, row_groups=groups)
            while True:
                try:
                    batch = next(batches)
                except StopIteration:
                    return
                piece = pa.Table.from_batches([batch])
                text = _parquet_text(piece)
                yield TextChunk(text, np.full(len(text), "", dtype=object)), piece
        except InputError:
            raise
        except Exception as error:  # pyarrow raises its own untyped errors for a damaged or cut-short file
            raise InputError(
                Message.of(N_("{path}: cannot be read as Parquet ({error})"), path=partition.note(), error=str(error))
            ) from None


# The types of OUTPUT_COLUMNS in a Parquet part: probability, prediction, row_status, row_issues, extra_fields.
_ADDED_TYPES = (pa.float64(), pa.string(), pa.string(), pa.string(), pa.string())


class _ParquetPart:
    """Writes scored chunks as Parquet: the input's columns with their types, then the added columns."""

    def __init__(self, target: Path, header: list[str], threshold: float, labels: tuple[str, str], csv: bool) -> None:
        self.target, self.threshold, self.labels = target, threshold, labels
        added = OUTPUT_COLUMNS if csv else OUTPUT_COLUMNS[:-1]  # extra_fields holds what a CSV row had beyond
        self.names = output_names(header)[: len(added)]
        self.writer: pq.ParquetWriter | None = None

    def write(self, chunk: ScoredChunk, typed: pa.Table | None) -> None:
        table = typed if typed is not None else pa.Table.from_pandas(chunk.text, preserve_index=False)
        probability = chunk.probability
        scored = ~np.isnan(probability)
        prediction = np.where(probability >= self.threshold, self.labels[1], self.labels[0]).astype(object)
        prediction[~scored] = None
        values = [
            probability,
            prediction,
            np.asarray(STATUS_NAMES, dtype=object)[chunk.assessment.status],
            chunk.assessment.issues,
            chunk.extras,
        ]
        masks = [~scored, None, None, None, None]
        for name, column, kind, mask in zip(self.names, values, _ADDED_TYPES, masks, strict=False):
            table = table.append_column(name, pa.array(column, type=kind, mask=mask))
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.target, table.schema)
        self.writer.write_table(table)

    def close(self, empty_schema: pa.Schema | None) -> None:
        if self.writer is None:  # no rows: still a valid file with the columns
            schema = empty_schema or pa.schema([])
            self.writer = pq.ParquetWriter(self.target, schema)
        self.writer.close()


def _empty_schema(partition: Partition, names: list[str]) -> pa.Schema:
    """The schema a part with no rows is written with."""
    if partition.is_parquet and partition.source.source is not None:
        with partition.source.source.open_bytes() as handle:
            base = pq.ParquetFile(handle).schema_arrow
    else:
        base = pa.schema([(c, pa.string()) for c in partition.source.columns])
    for name, kind in zip(names, _ADDED_TYPES, strict=False):
        base = base.append(pa.field(name, kind))
    return base


def score_partition(
    partition: Partition,
    folder: PartFolder,
    output_format: str,
    threshold: float,
    sha256: str,
    chunk_rows: int = CHUNK_ROWS,
) -> PartResult:
    """Score one partition into ``part-NNNNN.csv`` (or ``.parquet``) in ``folder``; return its summaries."""
    worker = get_worker()
    plugin = worker.plugins[plugin_name(sha256)]
    assert isinstance(plugin, ModelPlugin)
    assert plugin.bundle is not None  # setup ran: a worker gets its plugins before any task
    bundle = plugin.bundle
    card, source = bundle.card, partition.source
    name = f"part-{partition.index:05d}.{output_format}"
    temporary = folder.scratch(name, worker.local_directory)
    builder = ReportBuilder(card, str(source.path), source.dialect, partition.mapping, partition.mapping_file)
    scores = ScoreAccumulator(threshold)
    labels = (card.target.negative_label, card.target.positive_label)
    latest: list[pa.Table] = []  # the typed rows of the chunk being scored: scan_chunks writes each as it reads it
    if partition.is_parquet:

        def chunks() -> Iterator[TextChunk]:
            for chunk, table in _parquet_chunks(partition, chunk_rows):
                latest[:] = [table]
                yield chunk

        reader: Iterator[TextChunk] = chunks()
    else:
        reader = source.chunks(chunk_rows, partition.span)
    csv_sink = CsvSink(lambda dialect: open_output(temporary, dialect), bundle, threshold)
    parquet = _ParquetPart(temporary, list(source.columns), threshold, labels, csv=not partition.is_parquet)

    def write(chunk: ScoredChunk) -> None:
        scores.add(chunk.probability)
        if output_format == "csv":
            csv_sink(chunk)
        else:
            parquet.write(chunk, latest[0] if latest else None)

    try:
        partition.stamp.check(partition.note())  # the byte range or row group of the file that was planned
        scan_chunks(
            source,
            reader,
            bundle,
            partition.mapping,
            builder,
            values=partition.values,
            on_chunk=write,
            where=partition.note(),  # rows are counted from the partition's first: say which partition
        )
        if output_format == "csv":
            if csv_sink.handle is None:
                csv_sink.start(source.dialect, source.header or list(source.columns))
            assert csv_sink.handle is not None
            close_output(csv_sink.handle, temporary)
        else:
            parquet.close(_empty_schema(partition, parquet.names))
        partition.stamp.check(partition.note())  # and it did not change while this task read it
        digest = sha256_file(temporary)
        folder.store(temporary, name)
    finally:
        if temporary.exists():
            temporary.unlink()
    return PartResult(partition.index, name, builder.rows, digest, builder.partial(), scores)
