"""Which file column feeds which model column: names matched exactly, then loosely; header names made unique."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.core.dialects import InputError
from app.core.i18n import N_, Message

__all__ = ["ColumnMapping", "header_names", "map_columns", "normalised_name"]


def normalised_name(name: str) -> str:
    """Header key that ignores case, spaces, underscores, hyphens and dots."""
    return re.sub(r"[\s_\-.]+", "", str(name)).casefold()


@dataclass(frozen=True)
class ColumnMapping:
    """Which file column feeds which expected column."""

    source_for: Mapping[str, str]  # expected name -> file column
    renamed: Mapping[str, str] = field(default_factory=dict)  # expected name -> differing file column
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    mapped: Mapping[str, str] = field(default_factory=dict)  # expected name -> file column, from a mapping file
    ambiguous: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # expected name -> the columns it could be
    duplicates: tuple[str, ...] = ()  # names the header repeats (the extra ones pass through under their positions)


def map_columns(
    file_columns: Sequence[str],
    expected: Sequence[str],
    optional: Sequence[str] = (),
    *,
    written: Sequence[str] | None = None,
    explicit: Mapping[str, str] | None = None,
) -> ColumnMapping:
    """Match expected columns: as a mapping file says, then exactly, then ignoring case, spaces and underscores.

    ``file_columns`` are the unique names (a repeated ``tenure`` is ``tenure`` and ``tenure.1``); ``written`` the
    names as the header has them. An expected column two file columns could feed is ``ambiguous``, never a pick.
    """
    written = list(file_columns if written is None else written)
    wanted = list(dict.fromkeys([*expected, *optional]))
    mapped = {name: column for name, column in (explicit or {}).items() if name in wanted}
    source_for: dict[str, str] = dict(mapped)
    renamed: dict[str, str] = {}
    ambiguous: dict[str, tuple[str, ...]] = {}
    taken: set[str] = set(mapped.values())
    free = [(unique, name) for unique, name in zip(file_columns, written, strict=True) if unique not in taken]
    for loosely in (False, True):  # every exact match first, so a loose one never takes a column named exactly
        for name in wanted:
            if name in source_for or name in ambiguous:
                continue
            key = normalised_name(name)
            found = tuple(
                unique
                for unique, original in free
                if unique not in taken and (normalised_name(original) == key if loosely else original == name)
            )
            if len(found) > 1:
                ambiguous[name] = found
            elif found:
                source_for[name] = found[0]
                if loosely:
                    renamed[name] = found[0]
                taken.add(found[0])
    missing = tuple(name for name in expected if name not in source_for and name not in ambiguous)
    extra = tuple(c for c in file_columns if c not in taken)
    counts: dict[str, int] = {}
    for name in written:
        counts[name] = counts.get(name, 0) + 1
    duplicates = tuple(name for name, count in counts.items() if count > 1)
    return ColumnMapping(source_for, renamed, missing, extra, mapped, ambiguous, duplicates)


def header_names(text: str, separator: str, path: Path) -> tuple[list[str], list[str]]:
    """The header as written, and the same names made unique and stripped for lookups."""
    try:
        header = next(csv.reader(io.StringIO(text, newline=""), delimiter=separator), None)
    except csv.Error as error:
        raise InputError(
            Message.of(N_("{path}: the header line cannot be read ({error})"), path=path, error=str(error))
        ) from None
    if not header or not any(h.strip() for h in header):
        first = text.lstrip("\ufeff")[:1]
        if first in ("\r", "\n") and text.strip():
            raise InputError(
                Message.of(N_("{path}: the first line is blank; the header must be the first line"), path=path)
            )
        raise InputError(Message.of(N_("{path}: the file is empty (no header line)"), path=path))
    while len(header) > 1 and not header[-1].strip():
        header = header[:-1]  # trailing separators after the last name name no column (rows may end with them too)
    names = [h.strip() or f"column_{index + 1}" for index, h in enumerate(header)]
    taken = set(names)
    seen: set[str] = set()
    unique = []
    for name in names:
        if name in seen:  # pandas' convention for repeated headers (name.1, name.2), never clashing with a real one
            suffix = 1
            while f"{name}.{suffix}" in taken:
                suffix += 1
            name = f"{name}.{suffix}"
            taken.add(name)
        seen.add(name)
        unique.append(name)
    return header, unique
