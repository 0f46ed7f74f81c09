"""Atomic file writes and file hashing."""

from __future__ import annotations

import contextlib
import errno
import glob
import hashlib
import os
import secrets
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from app.core.i18n import N_, LocalizedError, Message

__all__ = [
    "OutputError",
    "atomic_path",
    "describe_output_error",
    "file_kind",
    "make_folders",
    "output_target",
    "atomic_write_bytes",
    "atomic_write_text",
    "sha256_bytes",
    "sha256_file",
]


def sha256_file(path: Path, chunk_size: int = 1 << 20) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of bytes."""
    return hashlib.sha256(data).hexdigest()


class OutputError(LocalizedError, ValueError):
    """An output cannot be written; the message names the user's path and what to do."""


_STALE_SECONDS = 24 * 3600
_NAME_KEEP = 40  # characters of the target's name in its temporary name, so that one is never too long


def file_kind(mode: int) -> Message:
    """What a path that is not a regular file is, in words (``a FIFO (named pipe)``)."""
    for test, name in (
        (stat.S_ISFIFO, N_("a FIFO (named pipe)")),
        (stat.S_ISCHR, N_("a character device")),
        (stat.S_ISBLK, N_("a block device")),
        (stat.S_ISSOCK, N_("a socket")),
        (stat.S_ISDIR, N_("a folder")),
    ):
        if test(mode):
            return Message.of(name)
    return Message.of(N_("not a regular file"))


def output_target(target: Path) -> Path:
    """The path an output will really be written to: refused when it exists and is not a regular file."""
    target = Path(target)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return target
    except OSError as error:
        raise OutputError(describe_output_error(target, error)) from None
    if not stat.S_ISREG(info.st_mode):
        raise OutputError(
            Message.of(
                N_("{path}: is {kind}, not a regular file; give a file name for the output"),
                path=str(target),
                kind=file_kind(info.st_mode),
            )
        )
    return Path(os.path.realpath(target))  # a link to a file: write the file, keep the link


def describe_output_error(target: Path, error: OSError) -> Message:
    """One line naming ``target`` (never a temporary name), what went wrong and what to do."""
    folder = str(target.parent)
    advice = {
        errno.ENOSPC: N_("the disk is full; free some space or choose a folder on another disk"),
        errno.EDQUOT: N_("the disk quota is used up; free some space or choose another folder"),
        errno.EACCES: N_("no permission to write in {folder}; choose a folder you can write to"),
        errno.EPERM: N_("no permission to write in {folder}; choose a folder you can write to"),
        errno.EROFS: N_("{folder} is on a read-only file system; choose another folder"),
        errno.ENAMETOOLONG: N_("the file name is too long for this file system; choose a shorter name"),
        errno.ELOOP: N_("the path has a loop of symbolic links; choose another name"),
    }.get(error.errno or 0)
    found: object = Message.of(advice, folder=folder) if advice else (error.strerror or str(error)).lower()
    if error.errno in (errno.EEXIST, errno.ENOTDIR):
        blocking = next((p for p in [target.parent, *target.parent.parents] if p.exists() and not p.is_dir()), None)
        if blocking is not None:
            found = Message.of(
                N_("{path} is a file, not a folder; choose another folder for the output"), path=str(blocking)
            )
    return Message.of(N_("{path}: cannot be written: {advice}"), path=str(target), advice=found)


def _umask() -> int:
    """The process's umask, read without changing it where the system tells it (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _remove_stale_temporaries(target: Path) -> None:
    """Temporary files of this output left by a run killed a day or more ago."""
    now = time.time()
    for stale in target.parent.glob(f".{glob.escape(target.name[:_NAME_KEEP])}.*.part"):
        with contextlib.suppress(OSError):
            if now - stale.lstat().st_mtime > _STALE_SECONDS and stale.is_file():
                stale.unlink()


def _temporary_name(target: Path) -> Path:
    """A fresh name for a temporary file beside ``target`` (the file is not made here)."""
    return target.parent / f".{target.name[:_NAME_KEEP]}.{secrets.token_hex(4)}.part"


def make_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; the ones created, deepest first."""
    missing = [p for p in [folder, *folder.parents] if not p.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    return missing


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; it replaces ``target`` only if the block succeeds.

    The file gets the mode of the file it replaces, or the umask's for a new one. On failure, nothing is left:
    not the temporary file, nor the folders made for it. OS errors about the output name the user's path.
    """
    target = output_target(Path(target))
    created: list[Path] = []
    temporary_path: Path | None = None
    try:
        created = make_folders(target.parent)
        _remove_stale_temporaries(target)
        # The name is kept before the file exists, so a signal that unwinds the stack at any moment (TERM, HUP,
        # Ctrl+C) finds it in the `finally` below; with mkstemp the file existed a moment before its name was
        # kept, and a signal in that moment left it behind (a test under load caught it).
        while True:
            temporary_path = _temporary_name(target)
            try:
                os.close(os.open(temporary_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
                break
            except FileExistsError:  # another run's file, however unlikely: not ours to remove
                temporary_path = None
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        os.chmod(temporary_path, mode)
        yield temporary_path
        os.replace(temporary_path, target)
        temporary_path, created = None, []
    except OSError as error:
        if error.filename not in (None, str(temporary_path), str(target), str(target.parent)) and error.errno not in (
            errno.EEXIST,
            errno.ENOTDIR,
        ):
            raise  # about another file (the input, say): not ours to rename
        raise OutputError(describe_output_error(target, error)) from None
    finally:
        if temporary_path is not None:
            temporary_path.unlink(missing_ok=True)
        for folder in created:
            with contextlib.suppress(OSError):
                folder.rmdir()


def atomic_write_bytes(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically (temporary file, fsync, rename)."""
    with atomic_path(target) as temporary, open(temporary, "wb") as handle:
        _write_synced(handle, data)


def atomic_write_text(target: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``target`` atomically."""
    atomic_write_bytes(target, text.encode("utf-8"))


def _write_synced(handle: IO[bytes], data: bytes) -> None:
    handle.write(data)
    handle.flush()
    os.fsync(handle.fileno())
