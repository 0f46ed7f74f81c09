"""What ``score --engine dask INPUT...`` reads: files, folders and globs, expanded in a stable order."""

from __future__ import annotations

import glob
from collections.abc import Sequence
from pathlib import Path

from app.core.dialects import InputError

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


def expand_inputs(inputs: Sequence[str]) -> list[Path]:
    """The input files in job order: each argument in turn, a folder's or a glob's files sorted by name.

    A file is listed once even when two arguments name it. A folder or glob that holds no file is an error
    naming it: a job that silently reads nothing would publish an empty result.
    """
    found: list[Path] = []
    for argument in inputs:
        if "://" in argument:
            raise InputError(
                f"{argument}: object-store URLs are not read by this version; copy the files to a local or"
                " mounted path (the workers must see the same path) and score that"
            )
        path = Path(argument)
        if path.is_dir():
            files = _folder_files(path)
            if not files:
                raise InputError(f"{argument}: the folder holds no file to score")
        elif _GLOB_CHARACTERS & set(argument) and not path.exists():
            files = sorted(Path(p) for p in glob.glob(argument, recursive=True) if Path(p).is_file())
            if not files:
                raise InputError(f"{argument}: matches no file")
        else:
            files = [path]  # the core's reader says what is wrong with a path that is not a readable file
        found.extend(files)
    by_place = {p.resolve(): p for p in reversed(found)}  # the first mention of each file wins
    return list(dict.fromkeys(by_place[p.resolve()] for p in found))


def is_parquet(path: Path) -> bool:
    """A Parquet file, told by its name or by its first four bytes."""
    if path.suffix.lower() in PARQUET_SUFFIXES:
        return True
    try:
        with open(path, "rb") as handle:
            return handle.read(4) == _PARQUET_MAGIC
    except OSError:
        return False
