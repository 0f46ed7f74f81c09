"""Where a job's parts go, and how its output is published whole or not at all.

A local or mounted folder: the workers write into a hidden staging folder beside ``OUT`` and the client, once
the manifest is written, renames it to ``OUT``, so ``OUT`` appears complete in one step.

An object store (s3://, gs://, abfs://...) has no rename. There each part is uploaded whole, as one object (an
object store's PUT is atomic per object: a reader sees all of a part or none of it), and ``_manifest.json`` is
uploaded last: readers wait for the manifest. A job that fails or is cancelled deletes what it uploaded.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import fsspec
from fsspec.implementations.local import LocalFileSystem

from app.core.dialects import InputError
from app.core.fileio import OutputError, atomic_write_text, describe_output_error, make_folders
from app.core.i18n import N_, Message
from app.distributed.remote import is_url

__all__ = ["MANIFEST", "Output", "PartFolder", "PublishError", "local_path", "open_output"]

MANIFEST = "_manifest.json"


_REMOVE_ATTEMPTS = 100  # each attempt removes what the running tasks wrote since the last


class PublishError(OutputError):
    """A job's output cannot be checked or published; the message names it."""


@dataclass(frozen=True)
class PartFolder:
    """Where the workers put finished parts: a local staging folder, or an object-store URL. Picklable."""

    location: str
    remote: bool

    def scratch(self, name: str, worker_directory: str) -> Path:
        """Where a part is written before it is stored: beside its place locally, on the worker's disk for a
        store."""
        folder = Path(worker_directory) if self.remote else Path(self.location)
        return folder / f".{name}.{uuid.uuid4().hex}.tmp"

    def store(self, written: Path, name: str) -> None:
        """Put a finished part file at its place; a task rerun after a worker died puts the same bytes again."""
        if not self.remote:
            os.replace(written, Path(self.location) / name)
            return
        fs, root = fsspec.core.url_to_fs(self.location)
        fs.put_file(str(written), f"{root.rstrip('/')}/{name}")


class Output:
    """A job's output: where its parts go while it runs, then published with the manifest, or discarded."""

    def __init__(self, shown: str, parts: PartFolder, final: Path | None, made: list[Path]) -> None:
        self.shown, self.parts, self.final, self.made = shown, parts, final, made

    def publish(self, manifest: str) -> None:
        """Write the manifest last and make the output visible."""
        if self.final is None:
            fs, root = fsspec.core.url_to_fs(self.parts.location)
            try:
                fs.pipe_file(f"{root.rstrip('/')}/{MANIFEST}", manifest.encode())
            except OSError as error:
                raise PublishError(
                    Message.of(
                        N_("{path}: the manifest could not be written ({error})"), path=self.shown, error=str(error)
                    )
                ) from None
            return
        staging = Path(self.parts.location)
        atomic_write_text(staging / MANIFEST, manifest)
        os.rename(staging, self.final)

    def discard(self) -> None:
        """Remove what the job wrote: the staging folder and the folders made for it, or the uploaded parts."""
        if self.final is None:
            fs, root = fsspec.core.url_to_fs(self.parts.location)
            with contextlib.suppress(OSError):
                if fs.exists(root):
                    fs.rm(root, recursive=True)
            return
        # A cancelled task can still be running: it may open its scratch file in the staging folder while rmtree
        # empties it, and rmtree then cannot remove the folder. Once the folder is gone nothing can write there
        # again (a part is only opened or renamed into it, never makes it), so remove until it is gone.
        staging = Path(self.parts.location)
        for _ in range(_REMOVE_ATTEMPTS):
            shutil.rmtree(staging, ignore_errors=True)
            if not staging.exists():
                break
        _remove_empty(self.made)


def _remove_empty(folders: Sequence[Path]) -> None:
    """Remove the folders made for the output, deepest first, where nothing else put a file."""
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


def _refuse_existing(shown: str) -> None:
    raise InputError(
        Message.of(
            N_("{path}: already exists; a job publishes a new folder and never overwrites one: choose another -o"),
            path=shown,
        )
    )


def local_path(out: str | Path) -> Path | None:
    """``out`` as a local path: itself, or a ``file://`` URL's path; None for any other URL."""
    if not is_url(str(out)):
        return Path(out)
    fs, root = _filesystem(str(out))
    return Path(root) if isinstance(fs, LocalFileSystem) else None


def _filesystem(url: str) -> tuple[fsspec.AbstractFileSystem, str]:
    try:
        return fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as error:  # no backend for the protocol, or not a URL it knows
        raise InputError(
            Message.of(
                N_("{path}: cannot be written ({error}); install the fsspec backend for it"), path=url, error=str(error)
            )
        ) from None


def open_output(out: str | Path) -> Output:
    """Prepare ``out`` for a job: a staging folder beside a local folder, or a check that a store's is new."""
    shown = str(out)
    path = local_path(out)
    if path is None:
        fs, root = _filesystem(shown)
        try:
            if fs.exists(root):
                _refuse_existing(shown)
        except OSError as error:
            raise PublishError(
                Message.of(N_("{path}: cannot be checked ({error})"), path=shown, error=str(error))
            ) from None
        return Output(shown, PartFolder(shown.rstrip("/"), remote=True), None, [])
    if path.exists() or path.is_symlink():
        _refuse_existing(shown)
    made: list[Path] = []
    try:
        made = make_folders(path.parent)
        staging = path.parent / f".{path.name}.staging-{uuid.uuid4().hex[:12]}"
        staging.mkdir()
    except OSError as error:
        _remove_empty(made)
        raise OutputError(describe_output_error(path, error)) from None
    return Output(shown, PartFolder(str(staging), remote=False), path, made)
