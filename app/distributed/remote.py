"""Inputs that are not local paths: object-store URLs (s3://, gs://, abfs://, hdfs://...) through fsspec.

The matching fsspec backend must be installed on the client and every worker (s3fs, gcsfs, adlfs...). Each
file is opened by URL wherever it is read, so a partition carries its URL, never an open file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO

import fsspec

from app.core.dialects import InputError
from app.core.formats import Source, detect_stream_source
from app.core.i18n import N_, Message

__all__ = ["RemoteOpener", "expand_url", "is_url", "remote_source", "remote_source_size", "remote_stamp"]

_GLOB_CHARACTERS = set("*?[")
# What tells one version of an object from the next, by backend: S3 and Azure's ETag, Google's generation,
# a file's modification time, the in-memory store's creation time.
_VERSION_KEYS = ("ETag", "etag", "generation", "mtime", "LastModified", "last_modified", "created")


def is_url(argument: str) -> bool:
    """An fsspec URL such as ``s3://bucket/key`` rather than a local path."""
    return "://" in argument


@dataclass(frozen=True)
class RemoteOpener:
    """Opens one URL's bytes; small and picklable, so it travels to the workers inside a partition."""

    url: str

    def __call__(self) -> IO[bytes]:
        return fsspec.open(self.url, "rb").open()


def _filesystem(url: str) -> tuple[fsspec.AbstractFileSystem, str]:
    try:
        return fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as error:  # no backend for the protocol, or not a URL it knows
        raise InputError(
            Message.of(
                N_("{path}: cannot be opened ({error}); install the fsspec backend for it"), path=url, error=str(error)
            )
        ) from None


def expand_url(url: str) -> list[str]:
    """A URL's files: itself, a folder's (recursively, sorted; hidden and ``_`` files skipped) or a glob's."""
    fs, root = _filesystem(url)
    try:
        if _GLOB_CHARACTERS & set(root):
            found = sorted(p for p in fs.glob(root) if fs.isfile(p))
            if not found:
                raise InputError(Message.of(N_("{path}: matches no file"), path=url))
        elif fs.isdir(root):
            found = sorted(
                p
                for p in fs.find(root)
                if not any(part.startswith((".", "_")) for part in p[len(root.rstrip("/")) + 1 :].split("/"))
            )
            if not found:
                raise InputError(Message.of(N_("{path}: the folder holds no file to score"), path=url))
        elif fs.exists(root):
            found = [root]
        else:
            raise InputError(Message.of(N_("{path}: no such file"), path=url))
    except OSError as error:
        raise InputError(Message.of(N_("{path}: cannot be listed ({error})"), path=url, error=str(error))) from None
    return [fs.unstrip_protocol(p) for p in found]


def remote_source_size(url: str) -> int:
    """The size in bytes of the file at ``url``."""
    fs, root = _filesystem(url)
    try:
        return int(fs.size(root))
    except OSError as error:
        raise InputError(Message.of(N_("{path}: cannot be opened ({reason})"), path=url, reason=str(error))) from None


def remote_stamp(url: str) -> tuple[int, str]:
    """The size of the file at ``url`` and what its store says of its version (ETag, generation or time)."""
    fs, root = _filesystem(url)
    try:
        info = fs.info(root)
    except OSError as error:
        raise InputError(Message.of(N_("{path}: cannot be opened ({reason})"), path=url, reason=str(error))) from None
    return int(info["size"]), str(next((info[key] for key in _VERSION_KEYS if info.get(key) is not None), ""))


def remote_source(url: str) -> Source:
    """How to read the file at ``url``: its kind from its first bytes, its size, and an opener."""
    return detect_stream_source(Path(url), remote_source_size(url), RemoteOpener(url))
