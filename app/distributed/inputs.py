"""What ``score --engine dask INPUT...`` reads: files, folders and globs, expanded in a stable order."""

from __future__ import annotations

import glob
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from app.core.dialects import InputError
from app.core.i18n import N_, Message
from app.distributed.remote import RemoteOpener, expand_url, is_url

__all__ = ["PARQUET_SUFFIXES", "expand_inputs", "is_parquet"]

PARQUET_SUFFIXES = (".parquet", ".pq", ".parq")
_PARQUET_MAGIC = b"PAR1"
_GLOB_CHARACTERS = set("*?[")


def _visible(path: Path, root: Path) -> bool:
    """Not a hidden file nor a marker such as ``_SUCCESS`` or ``_manifest.json`` (Spark's and our own)."""
    return not any(part.startswith((".", "_")) for part in path.relative_to(root).parts)


def _folder_files(folder: Path) -> list[Path]:
    """Every data file under a folder (a Parquet dataset's hive-style subfolders included), sorted by path;
    not the files of an earlier job's output folder (one with a ``_manifest.json``) inside it."""
    outputs = [m.parent for m in folder.rglob("_manifest.json")]
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and _visible(p, folder) and not any(o in p.parents for o in outputs)
    )


def expand_inputs(inputs: Sequence[str]) -> list[Path | str]:
    """The input files in job order: each argument in turn, a folder's or a glob's files sorted by name.

    Local paths come back as ``Path``, object-store URLs as ``str`` (see ``app.distributed.remote``). A file
    is listed once even when two arguments name it. A folder or glob that holds no file is an error naming
    it: a job that silently reads nothing would publish an empty result.
    """
    found: list[Path | str] = []
    for argument in inputs:
        if is_url(argument):
            found.extend(expand_url(argument))
            continue
        path = Path(argument)
        if path.is_dir():
            files = _folder_files(path)
            if not files:
                raise InputError(Message.of(N_("{path}: the folder holds no file to score"), path=argument))
        elif _GLOB_CHARACTERS & set(argument) and not path.exists():
            files = sorted(Path(p) for p in glob.glob(argument, recursive=True) if Path(p).is_file())
            if not files:
                raise InputError(Message.of(N_("{path}: matches no file"), path=argument))
        else:
            files = [path]  # the core's reader says what is wrong with a path that is not a readable file
        found.extend(files)
    by_place = {_place(p): p for p in reversed(found)}  # the first mention of each file wins
    return list(dict.fromkeys(by_place[_place(p)] for p in found))


def _place(path: Path | str) -> str:
    """Where a file really is: a local path resolved (``..`` and links), a URL as written."""
    return path if isinstance(path, str) else str(path.resolve())


def is_parquet(path: Path | str) -> bool:
    """A Parquet file, told by its name or by its first four bytes."""
    name = PurePosixPath(path) if isinstance(path, str) else path
    if name.suffix.lower() in PARQUET_SUFFIXES:
        return True
    try:
        with RemoteOpener(path)() if isinstance(path, str) else open(path, "rb") as handle:
            return bool(handle.read(4) == _PARQUET_MAGIC)
    except OSError:
        return False
