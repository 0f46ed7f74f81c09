"""The local run history: one JSON line per build, whatever its outcome."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["append_run", "format_runs", "read_runs"]


def append_run(path: Path, record: Mapping[str, Any]) -> None:
    """Append one run record; a line is written whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, sort_keys=True, default=str) + "\n"
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line)


def read_runs(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Recorded runs, oldest first; unreadable lines (a torn last write) are skipped."""
    if not path.is_file():
        return []
    runs = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            runs.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return runs[-limit:] if limit else runs


def _metric(run: Mapping[str, Any], key: str) -> str:
    value = (run.get("metrics") or {}).get(key)
    return f"{value:.4f}" if isinstance(value, int | float) else "-"


def format_runs(runs: list[dict[str, Any]]) -> str:
    """A table of runs, newest last."""
    if not runs:
        return "No builds recorded yet."
    header = (
        f"{'started (UTC)':<20} {'model':<16} {'version':<8} {'outcome':<18} {'winner':<24}"
        f" {'ROC AUC':>8} {'Brier':>7} {'secs':>6}  notes"
    )
    lines = [header, "-" * len(header)]
    for run in runs:
        notes = []
        if run.get("accepted_data_change"):
            notes.append(f"accepted data change to {str(run.get('data_sha256'))[:12]}")
        if run.get("allow_regression"):
            notes.append("regression allowed")
        if run.get("stage"):
            notes.append(f"stage {run['stage']} only")
        if run.get("error"):
            notes.append(str(run["error"])[:80])
        lines.append(
            f"{str(run.get('started_at', ''))[:19]:<20} {str(run.get('model', '')):<16}"
            f" {str(run.get('version', '')):<8}"
            f" {str(run.get('outcome', '')):<18} {str(run.get('winner') or '-'):<24} {_metric(run, 'roc_auc'):>8}"
            f" {_metric(run, 'brier'):>7} {run.get('duration_s', 0):>6.1f}  {'; '.join(notes)}"
        )
    return "\n".join(lines)
