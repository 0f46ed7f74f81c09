"""Column mappings: which file column feeds which model column, and which file values mean which model values.

The format is a TOML file, fixed because other tools write it::

    # model column = file column
    [columns]
    female = "gender"

    # file value = model value, for one model column
    [values.female]
    Female = 1
    Male = 0

Every error names the mapping file and the key, in one line.
"""

from __future__ import annotations

import json
import os
import stat
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from app.core.card import ModelCard
from app.core.columns import normalised_name
from app.core.dialects import InputError
from app.core.fileio import atomic_write_text, sha256_bytes
from app.core.i18n import N_, Message
from app.core.prepare import BINARY_WORDS
from app.core.text import TEXT

__all__ = ["MAX_MAPPING_BYTES", "MappingFile", "apply_values", "load_mapping", "mapping_toml", "save_mapping"]

_BINARY_VALUES = {"1": "1", "0": "0", **BINARY_WORDS}  # a mapping may name a model value so too
MAX_MAPPING_BYTES = 2**20  # a mapping of every column and thousands of values is a few KiB; more is not a mapping


@dataclass(frozen=True)
class MappingFile:
    """A parsed, checked mapping; ``values`` hold model values as the model's text (``"1"``, ``"Two year"``)."""

    columns: Mapping[str, str] = field(default_factory=dict)  # model column -> file column
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # model column -> file value -> model value
    path: Path | None = None
    sha256: str = ""
    features: tuple[str, ...] = ()  # the model's features, which the file must feed (empty: not checked)

    @property
    def name(self) -> str:
        """The file's name, as the banner and the run log show it."""
        return self.path.name if self.path else "(unsaved mapping)"

    def summary(self) -> dict[str, object]:
        """The ``mapping`` key of ``check --json`` and the run log."""
        return {"name": self.name, "sha256": self.sha256, "columns": dict(self.columns)}

    def check_file_columns(self, file_columns: Sequence[str]) -> None:
        """Every file column the mapping names is in the file, and none is a feature's only column."""
        for model_column, file_column in self.columns.items():
            if file_column not in file_columns:
                shown = ", ".join(repr(c) for c in list(file_columns)[:8]) + (", …" if len(file_columns) > 8 else "")
                raise InputError(
                    Message.of(
                        N_(
                            "{mapping}: [columns] {model_column} = {column}: the file has no column {column}"
                            " (it has {columns})"
                        ),
                        mapping=self.path or self.name,
                        model_column=model_column,
                        column=repr(file_column),
                        columns=shown,
                    )
                )
        self._check_none_given_away(file_columns)

    def _check_none_given_away(self, file_columns: Sequence[str]) -> None:
        """A file column that a feature would be read from by name, mapped to another column instead, leaves that
        feature with nothing (``tenure = "monthly_charges"``): say so, rather than that the file lacks it."""
        free = [c for c in file_columns if c not in self.columns.values()]
        for model_column, file_column in self.columns.items():
            for feature in self.features:
                key = normalised_name(feature)
                if (
                    feature == model_column
                    or feature in self.columns
                    or normalised_name(file_column) != key
                    or any(normalised_name(c) == key for c in free)
                ):
                    continue
                raise InputError(
                    Message.of(
                        N_(
                            "{mapping}: [columns] {model_column} = {column}: that column now feeds {target}, so"
                            " nothing feeds the model's {feature}; map another file column to {feature}, or remove"
                            " this line"
                        ),
                        mapping=self.path or self.name,
                        model_column=model_column,
                        column=repr(file_column),
                        target=repr(model_column),
                        feature=repr(feature),
                    )
                )


def _model_value(mapping: Path, model_column: str, value: object, card: ModelCard) -> str:
    """A mapped value as the model's text, or InputError when the model never saw it."""
    spec = card.feature(model_column)
    key = f"[values.{model_column}]"
    if isinstance(value, bool):
        value = int(value)
    if spec.kind == "binary":
        text = _BINARY_VALUES.get(str(value).strip().casefold())
        if text is None:
            raise InputError(
                Message.of(
                    N_("{mapping}: {key}: {value} is not a value of a binary column (use 1 or 0)"),
                    mapping=mapping,
                    key=key,
                    value=repr(value),
                )
            )
        return text
    if not isinstance(value, str) or value not in spec.categories:
        known = ", ".join(repr(c) for c in spec.categories)
        raise InputError(
            Message.of(
                N_("{mapping}: {key}: the model never saw {value} in {column} (it knows {known})"),
                mapping=mapping,
                key=key,
                value=repr(value),
                column=repr(model_column),
                known=known,
            )
        )
    return value


def _value_table(path: Path, model_column: str, table: dict[str, object], card: ModelCard) -> dict[str, str]:
    """One [values.COLUMN] table; two keys that are one file value once spaces around it and case are ignored (as
    ``apply_values`` matches them) must map to the same model value, or which one applies would be a guess."""
    mapped: dict[str, str] = {}
    seen: dict[str, str] = {}  # normalised file value -> the key that first gave it
    for key, value in table.items():
        mapped[key] = _model_value(path, model_column, value, card)
        first = seen.setdefault(key.strip().casefold(), key)
        if mapped[first] != mapped[key]:
            raise InputError(
                Message.of(
                    N_(
                        "{path}: [values.{model_column}]: {first} and {second} are the same file value (spaces"
                        " around it and case are ignored) but map to {one} and {other}; keep one of them"
                    ),
                    path=path,
                    model_column=model_column,
                    first=repr(first),
                    second=repr(key),
                    one=repr(mapped[first]),
                    other=repr(mapped[key]),
                )
            )
    return mapped


def _key(name: str) -> str:
    """A key from the file as an error shows it: as written, or quoted with escapes when it holds a line break,
    a control or a bidi character (the message stays one line and sends no escape sequence to a terminal)."""
    return name if name.isprintable() else repr(name)


def _parse(path: Path, data: dict[str, object], card: ModelCard, sha256: str) -> MappingFile:
    known = {*card.feature_names, *card.id_columns, card.target.column, *card.passthrough}
    unknown_tables = sorted(set(data) - {"columns", "values"})
    if unknown_tables:
        raise InputError(
            Message.of(
                N_("{path}: [{table}]: a mapping has only [columns] and [values.COLUMN] tables"),
                path=path,
                table=_key(unknown_tables[0]),
            )
        )
    columns = data.get("columns", {})
    if not isinstance(columns, dict):
        raise InputError(
            Message.of(N_('{path}: columns: should be a table of model column = "file column"'), path=path)
        )
    sources: dict[str, str] = {}
    for model_column, file_column in columns.items():
        if model_column not in known:
            raise InputError(
                Message.of(
                    N_("{path}: [columns] {model_column}: the model has no column {column}"),
                    path=path,
                    model_column=_key(model_column),
                    column=repr(model_column),
                )
            )
        if not isinstance(file_column, str) or not file_column:
            raise InputError(
                Message.of(
                    N_("{path}: [columns] {model_column}: the file column should be a name in quotes"),
                    path=path,
                    model_column=model_column,
                )
            )
        if file_column in sources.values():
            other = next(m for m, f in sources.items() if f == file_column)
            raise InputError(
                Message.of(
                    N_(
                        "{path}: [columns] {model_column}: {column} already feeds {other}; one file column can feed"
                        " one model column"
                    ),
                    path=path,
                    model_column=model_column,
                    column=repr(file_column),
                    other=repr(other),
                )
            )
        sources[model_column] = file_column
    tables = data.get("values", {})
    if not isinstance(tables, dict):
        raise InputError(Message.of(N_("{path}: values: should be tables such as [values.contract]"), path=path))
    values: dict[str, dict[str, str]] = {}
    for model_column, table in tables.items():
        if model_column not in card.feature_names:
            raise InputError(
                Message.of(
                    N_("{path}: [values.{model_column}]: the model has no feature {column}"),
                    path=path,
                    model_column=_key(model_column),
                    column=repr(model_column),
                )
            )
        if card.feature(model_column).kind == "numeric":
            raise InputError(
                Message.of(
                    N_(
                        "{path}: [values.{model_column}]: values are mapped for binary and categorical columns;"
                        " {column} is numeric"
                    ),
                    path=path,
                    model_column=model_column,
                    column=repr(model_column),
                )
            )
        if not isinstance(table, dict):
            raise InputError(
                Message.of(
                    N_('{path}: [values.{model_column}]: should be a table of "file value" = model value'),
                    path=path,
                    model_column=model_column,
                )
            )
        values[model_column] = _value_table(path, model_column, table, card)
    return MappingFile(sources, values, path, sha256, tuple(card.feature_names))


def _read_bounded(path: Path) -> bytes:
    """The file's bytes: only a regular file (a FIFO would block, a device never end), at most MAX_MAPPING_BYTES."""
    # O_NONBLOCK: opening a FIFO to read would otherwise wait for a writer before the check below could refuse it.
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise InputError(
                Message.of(N_("{path}: not a regular file; a mapping is a TOML file such as ibm.toml"), path=path)
            )
        data = handle.read(MAX_MAPPING_BYTES + 1)  # one byte more tells a file at the limit from a larger one
    if len(data) > MAX_MAPPING_BYTES:
        raise InputError(
            Message.of(
                N_("{path}: larger than {limit}; a mapping file names columns and values, it holds no data"),
                path=path,
                limit="1 MiB",
            )
        )
    return data


def load_mapping(path: Path, card: ModelCard) -> MappingFile:
    """Read and check a mapping file against the model; InputError names the file and the key."""
    path = Path(path)
    try:
        data = _read_bounded(path)
        document = tomllib.loads(data.decode("utf-8-sig"))  # a BOM from a Windows editor is no error
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(Message.of(N_("{path}: no such mapping file"), path=path)) from None
    except IsADirectoryError:  # Windows cannot open a folder as a file; POSIX reaches the regular-file check
        raise InputError(
            Message.of(N_("{path}: not a regular file; a mapping is a TOML file such as ibm.toml"), path=path)
        ) from None
    except UnicodeDecodeError:
        raise InputError(Message.of(N_("{path}: a mapping file must be UTF-8 text"), path=path)) from None
    except RecursionError:  # tomllib recurses once per level of [[[...]]] or {a = {b = ...}}
        raise InputError(Message.of(N_("{path}: not valid TOML: nested too deeply"), path=path)) from None
    except ValueError as error:  # TOMLDecodeError, and an integer longer than Python converts (4,300 digits)
        raise InputError(Message.of(N_("{path}: not valid TOML: {error}"), path=path, error=str(error))) from None
    except OSError as error:
        raise InputError(
            Message.of(N_("{path}: cannot be read ({reason})"), path=path, reason=error.strerror)
        ) from None
    return _parse(path, document, card, sha256_bytes(data))


def apply_values(cells: pd.Series, table: Mapping[str, str]) -> pd.Series:
    """Cells whose value (spaces around it ignored, then case too) the table lists become the model's value."""
    codes, uniques = pd.factorize(cells.to_numpy(dtype=object))
    distinct = pd.Series(uniques, dtype=object).astype(TEXT).str.strip()
    folded = {str(k).strip().casefold(): v for k, v in table.items()}
    exact = {str(k).strip(): v for k, v in table.items()}
    mapped = np.array(
        [
            exact.get(value, folded.get(value.casefold(), original))
            for value, original in zip(distinct, uniques, strict=True)
        ],
        dtype=object,
    )
    result = mapped[codes] if len(codes) else np.array([], dtype=object)
    if len(codes) and codes.min() < 0:
        result[codes < 0] = ""
    return pd.Series(result, index=cells.index, dtype=object)


def _toml_string(text: str) -> str:
    """A TOML basic string: json.dumps quotes and escapes as TOML does, except DELETE, which TOML forbids raw."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_key(key: str) -> str:
    return key if key and all(c.isascii() and (c.isalnum() or c in "-_") for c in key) else _toml_string(key)


def mapping_toml(mapping: MappingFile, card: ModelCard) -> str:
    """The mapping as the TOML file format documents it (json.dumps quoting is valid TOML basic-string quoting)."""
    lines = ["# model column = file column", "[columns]"]
    lines += [f"{_toml_key(model)} = {_toml_string(source)}" for model, source in mapping.columns.items()]
    for column, table in mapping.values.items():
        lines += ["", "# file value = model value", f"[values.{_toml_key(column)}]"]
        binary = card.feature(column).kind == "binary"
        for source, target in table.items():
            shown = target if binary else _toml_string(target)
            lines.append(f"{_toml_string(source)} = {shown}")
    return "\n".join(lines) + "\n"


def save_mapping(path: Path, mapping: MappingFile, card: ModelCard) -> MappingFile:
    """Write the mapping atomically; the saved mapping, with its path and sha256."""
    text = mapping_toml(mapping, card)
    atomic_write_text(Path(path), text)
    return MappingFile(
        mapping.columns, mapping.values, Path(path), sha256_bytes(text.encode("utf-8")), tuple(card.feature_names)
    )
