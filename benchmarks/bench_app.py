"""The desktop app: start-up to the window shown, and the longest main-thread stall while scoring 1M rows.

Goals: start-up <= 0.5 s median from source; the longest stall of the event loop <= 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import PYTHON, REPO, record, summary
from datasets import big_file

GOAL_STARTUP_S, GOAL_STALL_MS = 0.5, 100.0


def startup_seconds(command: list[str], repeat: int) -> list[float]:
    """Wall seconds from spawning ``command`` to its window being shown (read from the start-up probe)."""
    times = []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(repeat):
            probe = Path(folder) / f"probe{run}.json"
            environment = os.environ | {
                "QT_QPA_PLATFORM": "offscreen",
                "SCOREDESK_STARTUP_PROBE": str(probe),
                "SCOREDESK_DATA_DIR": folder,
            }
            started = time.time()
            subprocess.run(command, cwd=REPO, env=environment, check=True, capture_output=True, timeout=120)
            times.append(json.loads(probe.read_text())["shown_at"] - started)
    return times


def longest_stall(rows: int) -> dict[str, float]:
    """Open a big file in the real window and time the gaps between 5 ms timer ticks on the main thread."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from app.core.bundle import load_bundle
    from app.ui.main_window import MainWindow
    from app.ui.settings import Settings
    from app.ui.state import AppState

    application = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as folder:
        os.environ["SCOREDESK_DATA_DIR"] = folder
        window = MainWindow(AppState(), Settings())
        window.use_bundle(load_bundle())
        window.show()
        ticks: list[float] = []
        timer = QTimer(interval=5)
        timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
        loop = QEventLoop()
        window.fileLoaded.connect(loop.quit)
        window.jobFailed.connect(loop.quit)
        timer.start()
        started = time.perf_counter()
        window.open_file(big_file(rows))
        loop.exec()
        seconds = time.perf_counter() - started
        timer.stop()
        window.close()
        application.processEvents()
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    return {
        "rows": rows,
        "load_seconds": round(seconds, 2),
        "longest_stall_ms": round(max(gaps) * 1000, 1),
        "p99_gap_ms": round(statistics.quantiles(gaps, n=100)[98] * 1000, 1),
        "ticks": len(ticks),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    times = startup_seconds([PYTHON, "-m", "app"], args.repeat)
    stall = longest_stall(args.rows)
    result = {
        "startup_seconds": summary(times, digits=3),
        "stall": stall,
        "goals": {"startup_median_s": GOAL_STARTUP_S, "longest_stall_ms": GOAL_STALL_MS},
    }
    result["meets_goals"] = {
        "startup": result["startup_seconds"]["median"] <= GOAL_STARTUP_S,
        "stall": stall["longest_stall_ms"] <= GOAL_STALL_MS,
    }
    record("app", result)


if __name__ == "__main__":
    main()
