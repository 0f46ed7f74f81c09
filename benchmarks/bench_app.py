"""The desktop app: start-up to the window shown, and the longest main-thread stall while it works.

Stalls are measured while the window opens 1M rows, a 200-row file of 5,000 columns and a file with one
20 MB cell, and while the mapping dialog opens (and a column is picked) on files of 100, 300 and 5,000 columns.
Goals: start-up <= 0.5 s median from source; the longest stall of the event loop <= 100 ms, in every case.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import PYTHON, REPO, compile_bytecode, record, summary
from datasets import CACHE, big_file

GOAL_STARTUP_S, GOAL_STALL_MS = 0.5, 100.0
SAMPLE = REPO / "resources" / "samples" / "telco_churn_to_score.csv"
SETTLE_MS = 500  # keep the heartbeat going this long after the work, so deferred layout and painting count


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


def wide_file(columns: int, hide: str | None = None) -> Path:
    """The 200-row sample widened to ``columns`` columns with numbered extra ones (cached).

    ``hide`` renames that model column, so opening the file asks for a mapping.
    """
    import pandas as pd

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"wide_{columns}{f'_{hide}' if hide else ''}.csv"
    if path.exists():
        return path
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    if hide:
        frame = frame.rename(columns={hide: f"{hide}_in_file"})
    extra = {f"extra_{i:05d}": [f"{(row * 7 + i) % 997}.{i % 10}" for row in range(len(frame))] for i in range(columns)}
    frame = pd.concat([frame, pd.DataFrame(extra)], axis=1).iloc[:, :columns]
    frame.to_csv(path, index=False)
    return path


def huge_cell_file(megabytes: int) -> Path:
    """The sample with one cell of ``megabytes`` MB in an extra ``notes`` column of row 1 (cached)."""
    import pandas as pd

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"huge_cell_{megabytes}mb.csv"
    if path.exists():
        return path
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    frame["notes"] = ""
    frame.loc[0, "notes"] = "lorem ipsum " * (megabytes * 1_000_000 // 12)
    frame.to_csv(path, index=False)
    return path


def _application():  # a QApplication, imported late
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication(sys.argv)


def _window():  # a shown MainWindow on the shipped model, imported late
    from app.core.bundle import load_bundle
    from app.ui.main_window import MainWindow
    from app.ui.settings import Settings
    from app.ui.state import AppState

    _application()
    window = MainWindow(AppState(), Settings())
    window.resize(1300, 850)
    window.use_bundle(load_bundle())
    window.show()
    return window


def heartbeat(start: Callable[[Callable[[], None]], None], settle_ms: int = SETTLE_MS) -> dict[str, float]:
    """Run ``start(done)`` in the event loop beside a 5 ms timer; the gaps between its ticks until after ``done``.

    The start itself runs inside the loop, so work it does synchronously counts as a stall.
    """
    from PySide6.QtCore import QEventLoop, QTimer

    application = _application()
    ticks: list[float] = []
    timer = QTimer(interval=5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    loop = QEventLoop()
    finished: list[float] = []

    def done() -> None:
        finished.append(time.perf_counter())
        QTimer.singleShot(settle_ms, loop.quit)

    timer.start()
    started = time.perf_counter()
    ticks.append(started)
    QTimer.singleShot(0, lambda: start(done))
    loop.exec()
    timer.stop()
    application.processEvents()
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    return {
        "seconds": round((finished[0] if finished else time.perf_counter()) - started, 2),
        "longest_stall_ms": round(max(gaps) * 1000, 1),
        "p99_gap_ms": round(statistics.quantiles(gaps, n=100, method="inclusive")[98] * 1000, 1),
        "ticks": len(ticks),
    }


def opening(path: Path, search: str = "") -> dict[str, float]:
    """The longest stall while a fresh window opens ``path``, scores it and shows it (then searches it)."""
    window = _window()
    try:

        def start(done: Callable[[], None]) -> None:
            window.fileLoaded.connect(lambda _table: done())
            window.jobFailed.connect(lambda _message: done())
            window.open_file(path)

        figures = heartbeat(start)
        if search:
            results = window.panels["Results"]

            def find(done: Callable[[], None]) -> None:
                results.model.modelReset.connect(done)
                results.search.setText(search)  # filtered 250 ms later, as typed

            figures["search_longest_stall_ms"] = heartbeat(find)["longest_stall_ms"]
        return figures
    finally:
        window.jobs.cancel()
        window.jobs.wait()
        window.close()


def longest_stall(rows: int) -> dict[str, float]:
    """Open a big file in the real window and time the gaps between 5 ms timer ticks on the main thread."""
    with tempfile.TemporaryDirectory() as folder:
        os.environ["SCOREDESK_DATA_DIR"] = folder
        return {"rows": rows, **opening(big_file(rows))}


def mapping_stalls(count: int, hidden: str = "female") -> dict[str, dict[str, float]]:
    """Stalls of the mapping dialog on a file of ``count`` columns: opening it, picking a column, a picker's list."""
    window = _window()
    dialogs: list = []

    def ask(done: Callable[[], None]) -> None:
        window.mappingRequested.connect(lambda dialog: (dialogs.append(dialog), done()))
        window.jobFailed.connect(lambda _message: done())
        window.open_file(wide_file(count, hidden))

    results = {f"mapping dialog {count} columns": heartbeat(ask)}
    picker = dialogs[0].picker(hidden)

    def pick(done: Callable[[], None]) -> None:
        picker.setCurrentIndex(picker.findData(f"{hidden}_in_file"))
        done()

    results[f"pick a column, {count} columns"] = heartbeat(pick)

    def popup(done: Callable[[], None]) -> None:
        picker.showPopup()
        done()

    results[f"open a picker, {count} columns"] = heartbeat(popup)
    picker.hidePopup()
    dialogs[0].reject()
    window.jobs.cancel()
    window.jobs.wait()
    window.close()
    return results


def wide_stalls(columns: list[int]) -> dict[str, dict[str, float]]:
    """Stalls of the window on wide files: opening one, and the mapping dialog on one."""
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        os.environ["SCOREDESK_DATA_DIR"] = folder
        for count in columns:
            opened = opening(wide_file(count), search="DSL")
            results[f"search {count} columns"] = {**opened, "longest_stall_ms": opened.pop("search_longest_stall_ms")}
            results[f"open {count} columns"] = opened
            results |= mapping_stalls(count)
    return results


def huge_cell_stalls(megabytes: int) -> dict[str, dict[str, float]]:
    """Stalls of the window on a file with one huge cell: opening it, then selecting that row."""
    with tempfile.TemporaryDirectory() as folder:
        os.environ["SCOREDESK_DATA_DIR"] = folder
        path = huge_cell_file(megabytes)
        window = _window()

        def start(done: Callable[[], None]) -> None:
            window.fileLoaded.connect(lambda _table: done())
            window.jobFailed.connect(lambda _message: done())
            window.open_file(path)

        results = {f"open a {megabytes} MB cell": heartbeat(start)}
        results_panel = window.panels["Results"]
        window.tabs.setCurrentWidget(results_panel)

        def select(row: int) -> Callable[[Callable[[], None]], None]:
            def start(done: Callable[[], None]) -> None:
                results_panel.view.selectRow(row)
                done()

            return start

        # The first selection draws the first explanation chart, which imports matplotlib: measured apart.
        results["select a first row (imports matplotlib)"] = heartbeat(select(1))
        results["select another row"] = heartbeat(select(2))  # what any row costs: its explanation chart
        results[f"select the row of a {megabytes} MB cell"] = heartbeat(select(0))
        window.jobs.cancel()
        window.jobs.wait()
        window.close()
    return results


def _over_runs(figures: list[dict[str, float]]) -> dict[str, Any]:
    """One case's longest stall over several runs: the median (the figure), the worst and each run's."""
    stalls = [figure["longest_stall_ms"] for figure in figures]
    return {
        "longest_stall_ms": statistics.median(stalls),
        "worst_run_ms": max(stalls),
        "runs_ms": stalls,
        "seconds": statistics.median(figure["seconds"] for figure in figures),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--columns", type=int, nargs="*", default=[100, 300, 5000])
    parser.add_argument("--cell-mb", type=int, default=20)
    parser.add_argument("--only-stalls", action="store_true", help="skip start-up and the 1M-row file")
    parser.add_argument("--stall-runs", type=int, default=3, help="each stall case's median over this many runs")
    args = parser.parse_args()
    compile_bytecode()  # as installed, else first imports on the GUI thread would count their compilation
    result: dict[str, Any] = {"goals": {"startup_median_s": GOAL_STARTUP_S, "longest_stall_ms": GOAL_STALL_MS}}
    if not args.only_stalls:
        result["startup_seconds"] = summary(startup_seconds([PYTHON, "-m", "app"], args.repeat), digits=3)
        result["stall"] = longest_stall(args.rows)
    runs = [wide_stalls(args.columns) | huge_cell_stalls(args.cell_mb) for _ in range(args.stall_runs)]
    result["stalls"] = {case: _over_runs([run[case] for run in runs]) for case in runs[0]}
    worst = max(result["stalls"].items(), key=lambda item: item[1]["longest_stall_ms"])
    result["worst_stall"] = {"case": worst[0], **worst[1]}
    result["meets_goals"] = {
        "startup": result["startup_seconds"]["median"] <= GOAL_STARTUP_S if "startup_seconds" in result else None,
        "stall": max(result.get("stall", {}).get("longest_stall_ms", 0), worst[1]["longest_stall_ms"]) <= GOAL_STALL_MS,
    }
    record("app" if not args.only_stalls else "app_stalls", result)


if __name__ == "__main__":
    main()
