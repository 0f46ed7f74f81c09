"""Stage 1, ingest: read the snapshot (CSV or SQLite) as text and verify its hash."""

from __future__ import annotations

import csv
import hashlib
import io
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from app.core.fileio import sha256_file
from model_build.config import BuildConfig, DataConfig

__all__ = ["DataError", "Snapshot", "content_sha256", "ingest", "read_source"]


class DataError(RuntimeError):
    """The data snapshot cannot be read, or is not the one the config records."""


@dataclass(frozen=True)
class Snapshot:
    """The ingested data: every cell as text (missing as NaN), with its hash."""

    frame: pd.DataFrame
    sha256: str
    source: str
    hash_accepted_change: bool = False


def content_sha256(frame: pd.DataFrame) -> str:
    """Hash of a frame's content as canonical CSV (used for SQLite sources)."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return hashlib.sha256(buffer.getvalue().encode("utf-8")).hexdigest()


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise DataError(f"data file {path} does not exist")
    try:
        # Only an empty cell is missing: a category literally called "NA" stays a category.
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise DataError(f"cannot read {path} as UTF-8 CSV: {error}") from None


def _as_text(value: object) -> object:
    if value is None:
        return float("nan")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_sqlite(data: DataConfig) -> pd.DataFrame:
    path = Path(data.source.removeprefix("sqlite:///"))
    if not path.is_file():
        raise DataError(f"SQLite database {path} does not exist")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            if data.table:
                known = {
                    row[0]
                    for row in connection.execute("SELECT name FROM sqlite_master WHERE type IN ('table','view')")
                }
                if data.table not in known:
                    raise DataError(f"SQLite database {path} has no table {data.table!r} (it has {sorted(known)})")
                quoted = data.table.replace('"', '""')
                cursor = connection.execute(f'SELECT * FROM "{quoted}"')
            else:
                cursor = connection.execute(str(data.query))
            columns = [d[0] for d in cursor.description]
            rows = [[_as_text(v) for v in row] for row in cursor.fetchall()]
    except sqlite3.Error as error:
        raise DataError(f"cannot read SQLite database {path}: {error}") from None
    return pd.DataFrame(rows, columns=columns, dtype=object)


def read_source(data: DataConfig) -> tuple[pd.DataFrame, str | None]:
    """The raw frame and, for a file, its sha256 (a query result has no file to hash)."""
    if data.is_sqlite:
        return _read_sqlite(data), None
    path = Path(data.source)
    return _read_csv(path), sha256_file(path)


def _canonical_order(frame: pd.DataFrame, id_columns: tuple[str, ...]) -> pd.DataFrame:
    """Rows sorted by id so the split does not depend on how the source ordered them."""
    present = [c for c in id_columns if c in frame.columns]
    if not present:
        return frame.reset_index(drop=True)
    keys = {c: pd.to_numeric(frame[c], errors="coerce") for c in present}
    key_frame = pd.DataFrame(
        {f"__key{i}": keys[c] for i, c in enumerate(present)} | {f"__raw{i}": frame[c] for i, c in enumerate(present)}
    )
    order = key_frame.sort_values(list(key_frame.columns), kind="mergesort").index
    return frame.loc[order].reset_index(drop=True)


def ingest(config: BuildConfig, accept_data_change: bool = False) -> Snapshot:
    """Read the configured source in canonical row order; refuse it when its hash differs from the config's."""
    raw, file_digest = read_source(config.data)
    frame = _canonical_order(raw, config.id_columns)
    # SQLite: hash the content in canonical order, so the same rows give the same hash however stored.
    digest = file_digest or content_sha256(frame)
    changed = digest != config.data.sha256
    if changed and not accept_data_change:
        raise DataError(
            f"data {config.data.source} has sha256 {digest}, but {config.path.name} records {config.data.sha256}."
            " Review the change, then rerun with --accept-data-change (the run history records it)"
            " or update [data] sha256 in the config."
        )
    return Snapshot(
        frame=frame,
        sha256=digest,
        source=config.data.source,
        hash_accepted_change=changed,
    )
