"""Helpers shared by the benchmarks: timing subprocesses and recording results."""

from __future__ import annotations

import json
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
REPO = Path(__file__).resolve().parents[1]


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    import os

    return {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()}


def time_command(command: Sequence[str], repeat: int, cwd: Path = REPO) -> list[float]:
    """Wall-clock seconds of ``repeat`` runs of a command that must succeed."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - started)
    return times


def run_measured(command: Sequence[str], cwd: Path = REPO) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one run of a command that must succeed."""
    import os

    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {stderr[-500:]}")
    return seconds, usage.ru_maxrss / 1024  # Linux reports kilobytes


def summary(values: Sequence[float]) -> dict[str, float]:
    """Median, min and max of a sample."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": len(values)}


def record(name: str, result: dict[str, Any]) -> Path:
    """Write ``results/<name>.json`` and echo it."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {"benchmark": name, "measured_at": time.strftime("%Y-%m-%d %H:%M:%S"), "machine": machine(), **result}
    path.write_text(json.dumps(payload, indent=1) + "\n")
    print(json.dumps(payload, indent=1))
    return path


PYTHON = sys.executable
