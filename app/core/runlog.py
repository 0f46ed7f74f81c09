"""The run log: one JSON line per scoring run, in Elastic Common Schema field names where ECS has one.

Lines are appended whole; the file rotates by size; a torn last line (a crash mid-write) is
skipped by readers and never glued to the next record. Raw row values are not logged unless
asked for (``rows`` events, one per row, after the run's summary line).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from app.core.fileio import sha256_file
from app.core.metrics import RankedScores
from app.core.paths import user_data_dir
from app.core.report import FileReport

__all__ = [
    "DEFAULT_MAX_BYTES",
    "LOG_NAME",
    "RowLogger",
    "RunLog",
    "ScoreAccumulator",
    "append_run",
    "positive_rate_band",
    "run_record",
]

LOG_NAME = "runs.jsonl"
DEFAULT_MAX_BYTES = 10 * 2**20
DEFAULT_BACKUPS = 5
ECS_VERSION = "8.11.0"


@dataclass
class RunLog:
    """An append-only JSON-lines file with size-based rotation (runs.jsonl, runs.jsonl.1, ...)."""

    path: Path
    max_bytes: int = DEFAULT_MAX_BYTES
    backups: int = DEFAULT_BACKUPS

    @classmethod
    def default(cls) -> RunLog:
        """The log in the user's data folder."""
        return cls(user_data_dir() / LOG_NAME)

    def append(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Append records, one line each, rotating first when the file is full."""
        lines = [json.dumps(record, sort_keys=True, separators=(",", ":"), default=_plain) + "\n" for record in records]
        if not lines:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._locked():  # another process may be rotating: size check, rotation and append are one step
            if self.path.exists() and self.path.stat().st_size >= self.max_bytes:
                self._rotate()
            prefix = "\n" if self._ends_torn() else ""  # never continue a line a crash left unfinished
            data = (prefix + "".join(lines)).encode("utf-8")
            descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(descriptor, data)
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


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"cannot log {type(value).__name__}")


class ScoreAccumulator:
    """Score distribution of a run in constant memory: a 1,000-bin histogram, so deciles are within 0.001."""

    BINS = 1000

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.counts = np.zeros(self.BINS, dtype=np.int64)
        self.scored = 0
        self.positive = 0
        self.total = 0.0

    def add(self, probability: np.ndarray) -> None:
        """Fold in one chunk's probabilities (NaN for unscored rows)."""
        scored = probability[~np.isnan(probability)]
        index = np.minimum((scored * self.BINS).astype(np.int64), self.BINS - 1)
        self.counts += np.bincount(index, minlength=self.BINS)
        self.scored += scored.size
        self.positive += int(np.sum(scored >= self.threshold))
        self.total += float(scored.sum())

    def __call__(self, chunk: Any) -> None:
        """Use as a scan sink."""
        self.add(chunk.probability)

    def summary(self) -> dict[str, Any]:
        """Deciles, a 10-bin histogram, the mean and the positive rate at the threshold."""
        if self.scored == 0:
            return {"scored": 0, "deciles": [], "histogram": {"edges": [], "counts": []}, "positive_rate": None}
        cumulative = np.cumsum(self.counts)
        deciles = [(int(np.searchsorted(cumulative, q * self.scored)) + 0.5) / self.BINS for q in np.arange(1, 10) / 10]
        return {
            "scored": self.scored,
            "mean": self.total / self.scored,
            "deciles": [round(d, 4) for d in deciles],
            "histogram": {
                "edges": [round(e, 2) for e in np.linspace(0, 1, 11)],
                "counts": self.counts.reshape(10, -1).sum(axis=1).astype(int).tolist(),
            },
            "positive_rate": self.positive / self.scored,
        }


def positive_rate_band(card_test: Mapping[str, Any], threshold: float, rows: int) -> dict[str, float] | None:
    """The positive rate the test set shows at ``threshold``, with a band for a file of ``rows`` rows.

    Three binomial standard deviations for a file of that size, and never narrower than 5 points:
    outside it, the model flags a share of rows that training does not explain.
    """
    if not card_test.get("probability") or rows <= 0:
        return None
    ranked = RankedScores(card_test["label"], card_test["probability"])
    confusion = ranked.confusion(threshold)
    rate = confusion.selection_rate
    half_width = max(0.05, 3 * float(np.sqrt(rate * (1 - rate) / rows)))
    return {"expected": rate, "low": max(0.0, rate - half_width), "high": min(1.0, rate + half_width)}


def run_record(
    *,
    report: FileReport,
    scores: ScoreAccumulator,
    bundle_card: Mapping[str, Any],
    app_version: str,
    started: dt.datetime,
    duration_s: float,
    source: str,
    run_id: str,
    outcome: str = "success",
    model_origin: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The summary line of one scoring run: ECS fields, then ScoreDesk's own under ``scoredesk.*``."""
    path = Path(report.path)
    issue_rows: dict[str, int] = {}
    for issue in report.issues:
        issue_rows[issue.code] = issue_rows.get(issue.code, 0) + issue.rows
    model = bundle_card["model"]
    summary = scores.summary()
    band = positive_rate_band(bundle_card.get("test_predictions", {}), scores.threshold, summary["scored"])
    return {
        "@timestamp": started.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
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
        "file": {
            "name": path.name,
            "size": path.stat().st_size if path.exists() else None,
            "hash": {"sha256": sha256_file(path) if path.exists() else None},
        },
        "scoredesk": {
            "source": source,
            "model": {
                "name": model["name"],
                "version": model["version"],
                "sha256": model["onnx_sha256"],
                **(model_origin or {"origin": "shipped", "key_id": None}),
            },
            "rows": {"total": report.rows, **report.status_counts},
            "issues": issue_rows,
            "drift": {name: d["psi"] for name, d in report.drift.items()},
            "drift_status": {name: d["status"] for name, d in report.drift.items()},
            "verdict": report.verdict,
            "threshold": scores.threshold,
            "scores": summary,
            "positive_rate_band": band,
            "mapping": (
                {"name": report.mapping_file["name"], "sha256": report.mapping_file["sha256"]}
                if report.mapping_file
                else None
            ),
        },
    }


def append_run(
    log: RunLog,
    report: FileReport,
    scores: ScoreAccumulator,
    card: Mapping[str, Any],
    source: str,
    started: dt.datetime,
    duration_s: float,
    run_id: str,
    model_origin: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Build a run's summary line (with this app's version) and append it; returns the record."""
    from app import __version__

    record = run_record(
        report=report,
        scores=scores,
        bundle_card=card,
        app_version=__version__,
        started=started,
        duration_s=duration_s,
        source=source,
        run_id=run_id,
        model_origin=model_origin,
    )
    log.append([record])
    return record


class RowLogger:
    """A scan sink writing one ``score.row`` event per row (only with --log-rows: raw values are private)."""

    def __init__(self, log: RunLog, run_id: str, card: Mapping[str, Any]) -> None:
        self.log = log
        self.run_id = run_id
        self.columns = [*card.get("id_columns", []), *(f["name"] for f in card["features"])]

    def __call__(self, chunk: Any) -> None:
        source_for = chunk.mapping.source_for
        present = [c for c in self.columns if c in source_for]
        values = {c: chunk.text[source_for[c]].to_numpy(dtype=object) for c in present}
        stamp = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        statuses = ("ok", "warning", "invalid")
        events = (
            {
                "@timestamp": stamp,
                "event": {"kind": "event", "action": "score.row", "dataset": "scoredesk.rows", "module": "scoredesk"},
                "scoredesk": {
                    "run_id": self.run_id,
                    "row": chunk.start + i + 1,
                    "values": {c: str(values[c][i]) for c in present},
                    "probability": None if np.isnan(chunk.probability[i]) else float(chunk.probability[i]),
                    "status": statuses[int(chunk.assessment.status[i])],
                    "issues": str(chunk.assessment.issues[i]),
                },
            }
            for i in range(len(chunk.probability))
        )
        self.log.append(events)


MODEL_ACTIONS = ("model.installed", "model.activated", "model.rolled_back", "model.refused")


def model_event(action: str, model: Mapping[str, Any], outcome: str = "success", reason: str = "") -> dict[str, Any]:
    """An ECS event for a change of the active model: ``model.installed``, ``.activated``, ``.rolled_back`` or
    ``.refused``; ``model`` holds name, version, sha256 and key_id where known."""
    from app import __version__

    if action not in MODEL_ACTIONS:
        raise ValueError(f"unknown model action {action!r}")
    return {
        "@timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
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
