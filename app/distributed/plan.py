"""Planning a job on the client: each input opened once by the core's reader, then cut into partitions.

A plain CSV file is cut into byte ranges at record ends outside quotes (``app.core.reading.byte_ranges``); a
compressed file, a workbook or a UTF-16 file is one partition; a Parquet file is one partition per row group.
Everything a worker needs travels in the ``Partition``, so the worker detects nothing again and every part of
a file is read with the same dialect, mapping and decimal mark.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from app.core.bundle import Bundle
from app.core.columns import ColumnMapping
from app.core.dialects import Dialect, InputError
from app.core.formats import Source
from app.core.i18n import N_, Figure, Message
from app.core.mapping_file import MappingFile
from app.core.reading import InputFile, InputOptions, byte_ranges
from app.core.scoring import map_file_columns, missing_columns_message, open_for_scoring
from app.distributed.inputs import is_parquet
from app.distributed.remote import RemoteOpener, remote_source, remote_source_size

__all__ = ["PARQUET_DIALECT", "Partition", "plan_partitions"]

# How CSV output of a Parquet input is written: UTF-8, commas, LF, a decimal point.
PARQUET_DIALECT = Dialect(encoding="utf-8", bom=False, separator=",", newline="\n")


@dataclass(frozen=True)
class Partition:
    """One task's share of the job: a byte range of a CSV file, a whole file, or a Parquet row group."""

    index: int  # position in the job, and the part file's number
    input_index: int  # which input it belongs to
    source: InputFile  # the input as the client opened it (dialect, columns, header)
    mapping: ColumnMapping
    mapping_file: MappingFile | None
    span: tuple[int, int] | None = None  # CSV bytes [start, end); None: the whole file
    row_group: int | None = None  # Parquet only

    @property
    def is_parquet(self) -> bool:
        """Read with pyarrow rather than the CSV reader."""
        return self.row_group is not None

    @property
    def values(self) -> Mapping[str, Mapping[str, str]] | None:
        """The mapping's value tables, per model column."""
        return self.mapping_file.values if self.mapping_file is not None else None

    def describe(self) -> str:
        """Where the partition is, for messages: ``data.csv, bytes 0 to 67,108,864`` (in English: the manifest
        keeps it)."""
        return self.note().english()

    def note(self) -> Message:
        """The same, to show in any language."""
        if self.row_group is not None:
            return Message.of(N_("{path}, row group {group}"), path=self.source.path, group=self.row_group)
        if self.span is not None:
            return Message.of(
                N_("{path}, bytes {start} to {end}"),
                path=self.source.path,
                start=Figure(self.span[0], grouped=True),
                end=Figure(self.span[1], grouped=True),
            )
        return Message.of("{path}", path=self.source.path)


def _parquet_input(path: Path | str, bundle: Bundle, options: InputOptions) -> tuple[InputFile, ColumnMapping, int]:
    """A Parquet file's columns mapped like a CSV header's; its row-group count."""
    if isinstance(path, str):
        size = remote_source_size(path)
        file = Source(Path(path), "parquet", size, opener=RemoteOpener(path))
    else:
        size = path.stat().st_size
        file = Source(path, "parquet", size)
    try:
        with file.open_bytes() as handle:
            metadata = pq.ParquetFile(handle).metadata
    except Exception as error:  # pyarrow raises its own untyped errors for a damaged file
        raise InputError(
            Message.of(N_("{path}: cannot be read as Parquet ({error})"), path=path, error=str(error))
        ) from None
    columns = list(metadata.schema.to_arrow_schema().names)
    mapping = map_file_columns(Path(path), columns, columns, bundle, options)
    if mapping.missing:
        raise InputError(missing_columns_message(Path(path), bundle, mapping, columns, options))
    source = InputFile(Path(path), PARQUET_DIALECT, columns, size, header=columns, source=file)
    return source, mapping, metadata.num_row_groups


def plan_partitions(
    files: Sequence[Path | str], bundle: Bundle, options: InputOptions | None, partition_bytes: int
) -> list[Partition]:
    """Open every input on the client (an unreadable one stops the job before it starts) and cut it up."""
    options = options or InputOptions()
    partitions: list[Partition] = []
    for input_index, path in enumerate(files):
        if is_parquet(path):
            source, mapping, groups = _parquet_input(path, bundle, options)
            for group in range(max(groups, 1)):
                partitions.append(
                    Partition(len(partitions), input_index, source, mapping, options.mapping, row_group=group)
                )
            continue
        remote = remote_source(path) if isinstance(path, str) else None
        source, mapping, _ = open_for_scoring(Path(path), bundle, options=options, source_file=remote)
        assert source.source is not None
        spans: list[tuple[int, int] | None] = [None]  # compressed files and workbooks are read whole
        if source.source.kind == "csv":
            spans = list(byte_ranges(source.source, source.dialect, partition_bytes))
        for span in spans:
            partitions.append(Partition(len(partitions), input_index, source, mapping, options.mapping, span=span))
    return partitions
