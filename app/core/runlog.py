"""The run log: one JSON line per scoring run, in Elastic Common Schema field names where ECS has one.

Lines are appended whole; the file rotates by size, inside an append too (one append of 50,000 rows is
about 37 MB: checked only before it, one run would rotate every other run away); a torn last line (a
crash mid-write) is skipped by readers and never glued to the next record. Raw row values are not logged
unless asked for (``score.row`` events, one per row), and then into their own file, ``runs.rows.jsonl``,
with its own rotation, so row events never push a run's summary out of ``runs.jsonl``. Row events are
written while the file is scanned, so they come *before* the run's summary line: holding them back until
the summary is known would keep every row in memory. Both carry the run's id (``event.id`` /
``scoredesk.run_id``), and every run that started ends with a summary line, whatever its outcome:
``success``, ``failure``, or ``unknown`` when it was cancelled or interrupted, so row events are never
left without one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import sys
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from app.core.bundle import Bundle
from app.core.card import ModelCard
from app.core.checks import STATUS_NAMES
from app.core.estimation import estimate_for_card
from app.core.fileio import sha256_file
from app.core.metrics import ScoreAccumulator, positive_rate_band
from app.core.paths import user_data_dir
from app.core.report import FileReport
from app.core.scoring import Cancelled, ScoredChunk

__all__ = [
    "DEFAULT_MAX_BYTES",
    "LOG_NAME",
    "RowLogger",
    "RunLog",
    "RunRecorder",
    "model_event",
    "run_record",
]

LOG_NAME = "runs.jsonl"
DEFAULT_MAX_BYTES = 10 * 2**20
DEFAULT_BACKUPS = 5
DEFAULT_ROW_BACKUPS = 10  # row events: 11 files of 10 MB hold about 150,000 rows (some 740 bytes a row)
ECS_VERSION = "8.11.0"


@dataclass
class RunLog:
    """An append-only JSON-lines file with size-based rotation (runs.jsonl, runs.jsonl.1, ...)."""

    path: Path
    max_bytes: int = DEFAULT_MAX_BYTES
    backups: int = DEFAULT_BACKUPS
    row_backups: int = DEFAULT_ROW_BACKUPS

    @classmethod
    def default(cls) -> RunLog:
        """The log in the user's data folder."""
        return cls(user_data_dir() / LOG_NAME)

    def row_log(self) -> RunLog:
        """Where ``score.row`` events go: ``runs.rows.jsonl`` beside the log, rotating on its own."""
        name = f"{self.path.stem}.rows{self.path.suffix}"
        return RunLog(self.path.with_name(name), self.max_bytes, self.row_backups, self.row_backups)

    def append(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Append records, one line each, rotating whenever the next line would take the file past its size."""
        lines = [
            (json.dumps(record, sort_keys=True, separators=(",", ":"), default=_plain) + "\n").encode("utf-8")
            for record in records
        ]
        if not lines:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._locked():  # another process may be rotating: size check, rotation and append are one step
            batch = [b"\n"] if self._ends_torn() else []  # never continue a line a crash left unfinished
            size = (self.path.stat().st_size if self.path.exists() else 0) + len(batch)
            for line in lines:
                if size and size + len(line) > self.max_bytes:  # a line alone larger than the cap still goes in
                    self._write(b"".join(batch))
                    self._rotate()
                    batch, size = [], 0
                batch.append(line)
                size += len(line)
            self._write(b"".join(batch))

    def _write(self, data: bytes) -> None:
        if not data:
            return
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            view = memoryview(data)
            while view:  # os.write may write less than asked (a signal, a full pipe): carry on where it stopped
                view = view[os.write(descriptor, view) :]
        finally:
            os.close(descriptor)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold an exclusive lock on ``runs.jsonl.lock`` (the log itself is renamed by rotation)."""
        descriptor = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(descriptor, msvcrt.LK_LOCK, 1)  # retries for 10 s, then raises OSError
            else:
                import fcntl

                fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)  # closing releases the lock

    def _ends_torn(self) -> bool:
        if not self.path.exists() or self.path.stat().st_size == 0:
            return False
        with open(self.path, "rb") as handle:
            handle.seek(-1, os.SEEK_END)
            return handle.read(1) != b"\n"

    def _rotate(self) -> None:
        for index in range(self.backups - 1, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{index}")
            if older.exists():
                os.replace(older, self.path.with_name(f"{self.path.name}.{index + 1}"))
        os.replace(self.path, self.path.with_name(f"{self.path.name}.1"))

    def files(self) -> list[Path]:
        """Log files, oldest first."""
        rotated = [self.path.with_name(f"{self.path.name}.{i}") for i in range(self.backups, 0, -1)]
        return [p for p in [*rotated, self.path] if p.exists()]

    def read(self, action: str | None = "score") -> list[dict[str, Any]]:
        """Records, oldest first, optionally only one ``event.action``; unreadable lines are skipped."""
        return self.read_counted(action)[0]

    def read_counted(self, action: str | None = "score") -> tuple[list[dict[str, Any]], int]:
        """Records as ``read`` gives them, and how many lines were skipped: torn by a crash, not JSON objects,
        or without an ``event`` object (another tool's lines)."""
        records, skipped = [], 0
        for path in self.files():
            with open(path, encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    try:
                        record = json.loads(line)
                    except (json.JSONDecodeError, RecursionError):
                        skipped += bool(line.strip())  # a torn line from a crash mid-write
                        continue
                    if not isinstance(record, dict) or not isinstance(record.get("event", {}), dict):
                        skipped += 1
                        continue
                    if action is None or record.get("event", {}).get("action") == action:
                        records.append(record)
        return records, skipped


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"cannot log {type(value).__name__}")


def _timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _file_fields(path: Path) -> dict[str, Any]:
    exists = path.is_file()
    return {
        "name": path.name,
        "size": path.stat().st_size if exists else None,
        "hash": {"sha256": sha256_file(path) if exists else None},
    }


def _model_fields(bundle: Bundle) -> dict[str, Any]:
    card = bundle.card
    return {"name": card.name, "version": card.version, "sha256": card.onnx_sha256, **bundle.provenance}


def _envelope(run_id: str, started: dt.datetime, duration_s: float, outcome: str, app_version: str) -> dict[str, Any]:
    """The ECS fields every summary line has, whatever the run's outcome."""
    return {
        "@timestamp": _timestamp(started),
        "ecs": {"version": ECS_VERSION},
        "event": {
            "kind": "event",
            "category": ["process"],
            "type": ["info"],
            "action": "score",
            "id": run_id,
            "outcome": outcome,
            "dataset": "scoredesk.runs",
            "module": "scoredesk",
            "duration": int(duration_s * 1e9),  # ECS: nanoseconds
        },
        "service": {"name": "scoredesk", "version": app_version},
        "host": {"name": socket.gethostname()},
    }


def _estimate_fields(scores: ScoreAccumulator, bundle: Bundle, report: FileReport) -> dict[str, Any]:
    """The run's performance estimate, with the test-set ROC AUC and its gate to compare it against."""
    raw = bundle.card.raw
    gate = next((g.get("min") for g in raw.get("gates", []) if g.get("metric") == "test.roc_auc"), None)
    return estimate_for_card(scores, raw, report.rows_beyond_training()).to_dict() | {
        "test_roc_auc": raw.get("metrics", {}).get("test", {}).get("roc_auc"),
        "roc_auc_gate": gate,
    }


def run_record(
    *,
    report: FileReport,
    scores: ScoreAccumulator,
    bundle: Bundle,
    app_version: str,
    started: dt.datetime,
    duration_s: float,
    source: str,
    run_id: str,
) -> dict[str, Any]:
    """The summary line of one successful scoring run: ECS fields, then ScoreDesk's own under ``scoredesk.*``."""
    issue_rows: dict[str, int] = {}
    for issue in report.issues:
        issue_rows[issue.code] = issue_rows.get(issue.code, 0) + issue.rows
    summary = scores.summary()
    band = positive_rate_band(bundle.card.raw.get("test_predictions", {}), scores.threshold, summary["scored"])
    return {
        **_envelope(run_id, started, duration_s, "success", app_version),
        "file": _file_fields(Path(report.path)),
        "scoredesk": {
            "source": source,
            "model": _model_fields(bundle),
            "rows": {"total": report.rows, **report.status_counts},
            "issues": issue_rows,
            "drift": {name: d["psi"] for name, d in report.drift.items()},
            "drift_status": {name: d["status"] for name, d in report.drift.items()},
            "verdict": report.verdict,
            "threshold": scores.threshold,
            "scores": summary,
            "positive_rate_band": band,
            # What performance to expect once the labels arrive (CBPE): History plots its ROC AUC per run.
            "estimated_performance": _estimate_fields(scores, bundle, report),
            "mapping": (
                {"name": report.mapping_file["name"], "sha256": report.mapping_file["sha256"]}
                if report.mapping_file
                else None
            ),
        },
    }


def unfinished_run_record(
    *,
    path: Path,
    error: BaseException,
    bundle: Bundle,
    app_version: str,
    started: dt.datetime,
    duration_s: float,
    source: str,
    run_id: str,
    rows_logged: int,
) -> dict[str, Any]:
    """The summary line of a run that failed (``failure``) or was cancelled or interrupted (``unknown``)."""
    stopped = isinstance(error, Cancelled | KeyboardInterrupt) or not isinstance(error, Exception)
    return {
        **_envelope(run_id, started, duration_s, "unknown" if stopped else "failure", app_version),
        "error": {"type": type(error).__name__, "message": str(error)},
        "file": _file_fields(path),
        "scoredesk": {"source": source, "model": _model_fields(bundle), "rows_logged": rows_logged},
    }


class RunRecorder:
    """One scoring run in the run log, for the CLI and the window alike: its row events while the file is
    scanned (only when asked for), then one summary line whatever the outcome."""

    def __init__(self, log: RunLog, bundle: Bundle, source: str, *, log_rows: bool = False) -> None:
        self.log, self.bundle, self.source = log, bundle, source
        self.run_id = uuid.uuid4().hex
        self.started = dt.datetime.now(dt.UTC)
        self._clock = time.perf_counter()
        self.rows = RowLogger(log, self.run_id, bundle.card) if log_rows else None

    @property
    def sinks(self) -> list[RowLogger]:
        """The scan sinks this run needs: the row logger, when rows are logged."""
        return [self.rows] if self.rows is not None else []

    def _duration(self) -> float:
        return time.perf_counter() - self._clock

    def succeeded(
        self, report: FileReport, scores: ScoreAccumulator, engine: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Append the summary line of a run that scored ``report``'s file; returns the record. ``engine``
        describes a run on a cluster (name, workers, partitions): one record for the whole job."""
        from app import __version__

        record = run_record(
            report=report,
            scores=scores,
            bundle=self.bundle,
            app_version=__version__,
            started=self.started,
            duration_s=self._duration(),
            source=self.source,
            run_id=self.run_id,
        )
        record["scoredesk"]["engine"] = dict(engine) if engine is not None else {"name": "local", "workers": 1}
        self.log.append([record])
        return record

    def unfinished(self, path: Path, error: BaseException) -> dict[str, Any]:
        """Append the summary line of a run that ``error`` ended early; returns the record."""
        from app import __version__

        record = unfinished_run_record(
            path=Path(path),
            error=error,
            bundle=self.bundle,
            app_version=__version__,
            started=self.started,
            duration_s=self._duration(),
            source=self.source,
            run_id=self.run_id,
            rows_logged=self.rows.logged if self.rows is not None else 0,
        )
        self.log.append([record])
        return record

    @contextlib.contextmanager
    def recording(self, path: Path) -> Iterator[RunRecorder]:
        """Around the scoring of ``path``: if it raises, log why (the exception still propagates)."""
        try:
            yield self
        except BaseException as error:
            with contextlib.suppress(OSError):  # a log that cannot be written must not hide the real error
                self.unfinished(path, error)
            raise


class RowLogger:
    """A scan sink writing one ``score.row`` event per row (only with --log-rows: raw values are private)."""

    def __init__(self, log: RunLog, run_id: str, card: ModelCard) -> None:
        self.log = log.row_log()
        self.run_id = run_id
        self.columns = [*card.id_columns, *(feature.name for feature in card.features)]
        self.logged = 0

    def __call__(self, chunk: ScoredChunk) -> None:
        source_for = chunk.mapping.source_for
        present = [c for c in self.columns if c in source_for]
        values = {c: chunk.text[source_for[c]].to_numpy(dtype=object) for c in present}
        stamp = _timestamp(dt.datetime.now(dt.UTC))
        events = (
            {
                "@timestamp": stamp,
                "event": {"kind": "event", "action": "score.row", "dataset": "scoredesk.rows", "module": "scoredesk"},
                "scoredesk": {
                    "run_id": self.run_id,
                    "row": chunk.start + i + 1,
                    "values": {c: str(values[c][i]) for c in present},
                    "probability": None if np.isnan(chunk.probability[i]) else float(chunk.probability[i]),
                    "status": STATUS_NAMES[int(chunk.assessment.status[i])],
                    "issues": str(chunk.assessment.issues[i]),
                },
            }
            for i in range(len(chunk.probability))
        )
        self.log.append(events)
        self.logged += len(chunk.probability)


MODEL_ACTIONS = ("model.installed", "model.activated", "model.rolled_back", "model.refused")


def model_event(action: str, model: Mapping[str, Any], outcome: str = "success", reason: str = "") -> dict[str, Any]:
    """An ECS event for a change of the active model: ``model.installed``, ``.activated``, ``.rolled_back`` or
    ``.refused``; ``model`` holds name, version, sha256 and key_id where known."""
    from app import __version__

    if action not in MODEL_ACTIONS:
        raise ValueError(f"unknown model action {action!r}")
    return {
        "@timestamp": _timestamp(dt.datetime.now(dt.UTC)),
        "ecs": {"version": ECS_VERSION},
        "event": {
            "kind": "event",
            "category": ["configuration"],
            "type": ["change"] if outcome == "success" else ["denied"],
            "action": action,
            "outcome": outcome,
            "reason": reason or None,
            "dataset": "scoredesk.models",
            "module": "scoredesk",
        },
        "service": {"name": "scoredesk", "version": __version__},
        "host": {"name": socket.gethostname()},
        "scoredesk": {"model": dict(model)},
    }
