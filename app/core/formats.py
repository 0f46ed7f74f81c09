"""Format openers: what kind of file an input is, and a stream of its CSV bytes, decompressed as it is read.

Plain CSV is read as it is; ``.gz``, ``.bz2``, ``.xz`` and a ``.zip`` holding one CSV are decompressed as a
stream, never whole into memory or onto disk; a workbook (xlsx, xlsm, xlsb, xls, ods) becomes CSV text cell by
cell (``app.core.excel``). The kind is told from the file's first bytes, not its name.
"""

from __future__ import annotations

import bz2
import contextlib
import errno
import gzip
import io
import lzma
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal, Protocol

from app.core.dialects import InputError, Opened
from app.core.fileio import file_kind
from app.core.i18n import N_, Figure, Message

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer


__all__ = ["COMPRESSIONS", "Opened", "Source", "detect_source", "detect_stream_source"]

COMPRESSIONS = {"gzip": ".gz", "bz2": ".bz2", "xz": ".xz", "zip": ".zip"}  # kind -> the suffix it is written with
_SIGNATURES = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bz2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),  # an empty zip archive
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "excel"),  # an old-format .xls (OLE2)
)
_WORKBOOK_MEMBERS = ("xl/workbook.xml", "xl/workbook.bin")
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


@dataclass(frozen=True)
class Source:
    """An input file and how to read it."""

    path: Path
    kind: str  # csv | gzip | bz2 | xz | zip | excel
    size: int  # bytes on disk
    member: str | None = None  # the CSV inside a zip
    sheet: str | None = None  # the workbook sheet to read
    sheets: tuple[str, ...] = ()  # every sheet of a workbook, in order
    hidden: tuple[str, ...] = ()  # the sheets the workbook hides
    # Why ``sheet`` was read when none was named and there are several: "active" (the sheet the workbook was
    # saved showing) or "first visible"; "" when it was named or is the only one.
    chosen: Literal["", "active", "first visible"] = ""
    # Opens the file's bytes when it is not a local path (an object-store URL through fsspec; see
    # app.distributed.remote); None: the local file at ``path``.
    opener: Callable[[], IO[bytes]] | None = field(default=None, compare=False)

    @property
    def is_workbook(self) -> bool:
        """A spreadsheet rather than a text file."""
        return self.kind == "excel"

    def describe(self) -> str:
        """How the file was read, for the dialect line: ``gzip-compressed``, ``sheet 'Data' of a workbook`` (in
        English: JSON and logs keep it)."""
        return self.note().english()

    def note(self) -> Message:
        """The same, to show in any language."""
        if self.kind == "excel" and self.chosen:
            why = N_("the active one") if self.chosen == "active" else N_("the first visible one")
            return Message.of(
                N_("sheet {sheet} of a workbook ({why} of {count} sheets)"),
                sheet=repr(self.sheet),
                why=Message.of(why),
                count=Figure(len(self.sheets)),
            )
        if self.kind == "excel":
            return Message.of(N_("sheet {sheet} of a workbook"), sheet=repr(self.sheet))
        if self.kind == "zip":
            return Message.of(N_("{member} in a zip archive"), member=self.member)
        return Message.of("") if self.kind == "csv" else Message.of(N_("{kind}-compressed"), kind=self.kind)

    def open_bytes(self) -> IO[bytes]:
        """The file's bytes as stored (compressed or not), seekable."""
        return self.opener() if self.opener is not None else open(self.path, "rb")

    @contextlib.contextmanager
    def open(self) -> Iterator[Opened]:
        """The file's CSV bytes as a stream, closed when the block ends; a damaged file raises InputError."""
        if self.kind == "excel":
            from app.core.excel import open_sheet

            with open_sheet(self.path, self.sheet or "", self.size) as opened:
                yield opened
            return
        with self.open_bytes() as raw:
            if self.kind == "csv":
                yield Opened(raw, raw.tell)
                return
            try:
                if self.kind == "zip":
                    archive = zipfile.ZipFile(raw)
                    member, total = archive.open(self.member or ""), archive.getinfo(self.member or "").file_size
                    stream = _Checked(member, self)
                    position = lambda: min(self.size, member.tell() * self.size // max(total, 1))  # noqa: E731
                else:
                    decompressor: dict[str, Callable[[IO[bytes]], _Readable]] = {
                        "gzip": lambda f: gzip.GzipFile(fileobj=f),
                        "bz2": bz2.BZ2File,
                        "xz": lzma.LZMAFile,
                    }
                    stream, position = _Checked(decompressor[self.kind](raw), self), raw.tell
            except _DAMAGED as error:
                raise InputError(
                    Message.of(
                        N_("{path}: the {container} file cannot be read ({error})"),
                        path=self.path,
                        container=self.note(),
                        error=str(error),
                    )
                ) from None
            with io.BufferedReader(stream, buffer_size=1 << 20) as buffered:
                yield Opened(buffered, position)


_DAMAGED = (OSError, EOFError, lzma.LZMAError, zipfile.BadZipFile, zlib.error)


class _Readable(Protocol):
    """What _Checked reads from: a decompressing stream or an archive member."""

    def read(self, size: int = ..., /) -> bytes: ...

    def close(self) -> None: ...


class _Checked(io.RawIOBase):
    """A decompressing stream whose read errors (a truncated or damaged archive) become InputError."""

    def __init__(self, stream: _Readable, source: Source) -> None:
        super().__init__()
        self._stream, self._source = stream, source

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        try:
            data = self._stream.read(len(view))
        except _DAMAGED as error:
            raise InputError(
                Message.of(
                    N_("{path}: the {container} data is damaged or cut short ({error})"),
                    path=self._source.path,
                    container=self._source.note(),
                    error=str(error),
                )
            ) from None
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._stream.close()
        super().close()


def _kind_from(head: bytes) -> str:
    """What a file is from its first bytes: a compression, a zip, an old workbook, or else CSV text."""
    return next((name for signature, name in _SIGNATURES if head.startswith(signature)), "csv")


def _zip_source(path: Path, size: int) -> Source:
    """A workbook (xlsx, xlsm, xlsb, ods are zip files) or a zip archive holding exactly one CSV."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if any(name in names for name in _WORKBOOK_MEMBERS):
                return Source(path, "excel", size)
            if "mimetype" in names and archive.read("mimetype").startswith(_ODS_MIMETYPE):
                return Source(path, "excel", size)
            files = [
                info.filename
                for info in archive.infolist()
                if not info.is_dir() and not info.filename.startswith("__MACOSX/") and "/." not in "/" + info.filename
            ]
    except zipfile.BadZipFile as error:
        raise InputError(
            Message.of(N_("{path}: is a damaged zip archive ({error})"), path=path, error=str(error))
        ) from None
    if not files:
        raise InputError(Message.of(N_("{path}: is a zip archive with no file in it"), path=path))
    if len(files) > 1:
        shown = ", ".join(files[:3]) + (", …" if len(files) > 3 else "")
        raise InputError(
            Message.of(
                N_("{path}: is a zip archive of {count} files ({files}); unzip it and score one of them"),
                path=path,
                count=Figure(len(files)),
                files=shown,
            )
        )
    return Source(path, "zip", size, member=files[0])


def detect_source(path: Path, sheet: str | None = None) -> Source:
    """What ``path`` is and how to read it; InputError for what cannot be read, naming what it is."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            raise InputError(
                Message.of(
                    N_("{path}: is a symbolic link to {target}, which does not exist"),
                    path=path,
                    target=path.readlink(),
                )
            ) from None
        raise InputError(Message.of(N_("{path}: no such file"), path=path)) from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise InputError(Message.of(N_("{path}: is a loop of symbolic links, not a file"), path=path)) from None
        raise InputError(
            Message.of(N_("{path}: cannot be opened ({reason})"), path=path, reason=error.strerror)
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(Message.of(N_("{path}: is a folder, not a CSV file"), path=path))
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            Message.of(
                N_("{path}: is {kind}, not a file; save the data to a file and score that"),
                path=path,
                kind=file_kind(info.st_mode),
            )
        )
    if info.st_size == 0:
        raise InputError(Message.of(N_("{path}: the file is empty"), path=path))
    with open(path, "rb") as handle:
        kind = _kind_from(handle.read(8))
    source = _zip_source(path, info.st_size) if kind == "zip" else Source(path, kind, info.st_size)
    if source.is_workbook:
        from app.core.excel import workbook_sheets

        sheets = workbook_sheets(path)
        names = sheets.names
        if not names:
            raise InputError(Message.of(N_("{path}: the workbook has no sheets"), path=path))
        if sheet is not None and sheet not in names:
            raise InputError(
                Message.of(
                    N_("{path}: has no sheet {sheet}; its sheets are {sheets}"),
                    path=path,
                    sheet=repr(sheet),
                    sheets=", ".join(map(repr, names)),
                )
            )
        chosen: Literal["", "active", "first visible"] = (
            "" if sheet is not None or len(names) == 1 else "active" if sheets.active else "first visible"
        )
        return Source(
            path,
            "excel",
            info.st_size,
            sheet=sheet or sheets.default,
            sheets=names,
            hidden=sheets.hidden,
            chosen=chosen,
        )
    if sheet is not None:
        raise InputError(
            Message.of(N_("{path}: --sheet applies to workbooks (xlsx, xls, ods); this file is not one"), path=path)
        )
    return source


def detect_stream_source(path: Path, size: int, opener: Callable[[], IO[bytes]]) -> Source:
    """What a file that is not a local path is, from its first bytes: CSV, or CSV compressed as a stream.
    Zip archives and workbooks are read from local paths only."""
    if size == 0:
        raise InputError(Message.of(N_("{path}: the file is empty"), path=path))
    with opener() as handle:
        kind = _kind_from(handle.read(8))
    if kind in ("zip", "excel"):
        raise InputError(
            Message.of(
                N_("{path}: zip archives and workbooks are read from local paths only; copy it here first"), path=path
            )
        )
    return Source(path, kind, size, opener=opener)
