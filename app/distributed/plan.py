"""Planning a job on the client: each input opened once by the core's reader, then cut into partitions.

A plain CSV file is cut into byte ranges at record ends outside quotes (``app.core.reading.byte_ranges``); a
compressed file, a workbook or a UTF-16 file is one partition; a Parquet file is one partition per row group.
Everything a worker needs travels in the ``Partition``, so the worker detects nothing again and every part of
a file is read with the same dialect, mapping and decimal mark.
"""

from __future__ import annotations

import os
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
from app.distributed.remote import RemoteOpener, remote_source, remote_source_size, remote_stamp

__all__ = ["PARQUET_DIALECT", "InputStamp", "Partition", "plan_partitions"]

# How CSV output of a Parquet input is written: UTF-8, commas, LF, a decimal point.
PARQUET_DIALECT = Dialect(encoding="utf-8", bom=False, separator=",", newline="\n")


@dataclass(frozen=True)
class InputStamp:
    """An input as the client planned it: its size and modification time (an object store's ETag). A partition
    compares it with the file it reads, since byte ranges and row groups only mean something in that file."""

    location: Path | str  # a local path, or an object-store URL
    size: int
    version: str

    @classmethod
    def of(cls, location: Path | str) -> InputStamp:
        """The input as it is now."""
        if isinstance(location, str):
            return cls(location, *remote_stamp(location))
        try:
            found = os.stat(location)
        except OSError as error:
            raise InputError(
                Message.of(N_("{path}: cannot be opened ({reason})"), path=location, reason=error.strerror)
            ) from None
        return cls(location, found.st_size, str(found.st_mtime_ns))

    def check(self, where: Message | Path | str) -> None:
        """InputError naming ``where`` when the input is no longer the file that was planned."""
        now = InputStamp.of(self.location)
        if now == self:
            return
        change = (
            Message.of(
                N_("{then} bytes then, {now} now"),
                then=Figure(self.size, grouped=True),
                now=Figure(now.size, grouped=True),
            )
            if now.size != self.size
            else Message.of(N_("still {size} bytes, but written since"), size=Figure(self.size, grouped=True))
        )
        raise InputError(
            Message.of(
                N_(
                    "{where}: the file changed since the job started ({change}); nothing was published: score it"
                    " again once it is complete"
                ),
                where=where,
                change=change,
            )
        )


@dataclass(frozen=True)
class Partition:
    """One task's share of the job: a byte range of a CSV file, a whole file, or a Parquet row group."""

    index: int  # position in the job, and the part file's number
    input_index: int  # which input it belongs to
    source: InputFile  # the input as the client opened it (dialect, columns, header)
    mapping: ColumnMapping
    mapping_file: MappingFile | None
    stamp: InputStamp  # the file's size and version when it was planned
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


def _cuts(
    path: Path | str, bundle: Bundle, options: InputOptions, partition_bytes: int
) -> tuple[InputFile, ColumnMapping, list[tuple[tuple[int, int] | None, int | None]]]:
    """One input opened and mapped, and where to cut it: (byte range, row group) per partition."""
    if is_parquet(path):
        source, mapping, groups = _parquet_input(path, bundle, options)
        return source, mapping, [(None, group) for group in range(max(groups, 1))]
    remote = remote_source(path) if isinstance(path, str) else None
    source, mapping, _ = open_for_scoring(Path(path), bundle, options=options, source_file=remote)
    assert source.source is not None
    spans: list[tuple[int, int] | None] = [None]  # compressed files and workbooks are read whole
    if source.source.kind == "csv":
        spans = list(byte_ranges(source.source, source.dialect, partition_bytes))
    return source, mapping, [(span, None) for span in spans]


def plan_partitions(
    files: Sequence[Path | str], bundle: Bundle, options: InputOptions | None, partition_bytes: int
) -> list[Partition]:
    """Open every input on the client (an unreadable one stops the job before it starts) and cut it up."""
    options = options or InputOptions()
    partitions: list[Partition] = []
    for input_index, path in enumerate(files):
        try:
            stamp: InputStamp | None = InputStamp.of(path)
        except InputError:  # the reader says best what is wrong with a file it cannot open
            stamp = None
        source, mapping, cuts = _cuts(path, bundle, options, partition_bytes)
        stamp = stamp or InputStamp.of(path)
        stamp.check(path)  # written to while the client read it: the cuts may be in the wrong places
        for span, group in cuts:
            partitions.append(
                Partition(len(partitions), input_index, source, mapping, options.mapping, stamp, span, group)
            )
    return partitions
