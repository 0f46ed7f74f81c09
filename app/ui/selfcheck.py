"""The desktop half of `self-test`: the main window built offscreen on the bundle, every tab and chart drawn."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.core.bundle import Bundle

__all__ = ["check_main_window"]

# The offscreen platform says so whenever a window is shown; it is not a fault of the app.
_OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints()"


@contextmanager
def _without_offscreen_noise() -> Iterator[None]:
    """Pass Qt's messages through to stderr, except the offscreen platform's known one."""
    from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

    def handler(_mode: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        if message != _OFFSCREEN_NOISE and sys.stderr is not None:  # a windowed Windows program has no stderr
            sys.stderr.write(message + "\n")

    previous = qInstallMessageHandler(handler)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)


def check_main_window(bundle: Bundle) -> tuple[bool, str]:
    """(passed, detail) after building the window offscreen with a sample file loaded and every chart drawn."""
    from PySide6.QtCore import QEventLoop, QItemSelectionModel, QTimer
    from PySide6.QtWidgets import QApplication, QTabWidget

    from app.core.paths import samples_dir
    from app.ui.charts import ChartWidget
    from app.ui.main_window import PANEL_TITLES, MainWindow
    from app.ui.settings import Settings
    from app.ui.state import AppState

    # Offscreen whatever the environment says: a self-test must not pop up windows or need a display.
    application = QApplication.instance() or QApplication(["scoredesk-self-test", "-platform", "offscreen"])
    window = MainWindow(AppState(), Settings())
    try:
        window.use_bundle(bundle)
        # The labelled sample lights up every panel (quality, decisions, fairness draw only with labels).
        samples = [samples_dir() / f"{bundle.card.name}_{kind}.csv" for kind in ("labelled", "to_score")]
        sample = next((path for path in samples if path.is_file()), samples[-1])
        if sample.is_file():
            loop = QEventLoop()
            window.fileLoaded.connect(loop.quit)
            window.jobFailed.connect(loop.quit)
            QTimer.singleShot(60_000, loop.quit)
            window.open_file(sample)
            loop.exec()
            window.jobs.wait()
            application.processEvents()
        # The Results panel draws its two charts for a selected row and on its "Overall" sub-tab.
        from app.ui.results import ResultsPanel

        results = window.panels["Results"]
        assert isinstance(results, ResultsPanel)
        if results.model.rowCount():
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            results.view.selectionModel().setCurrentIndex(results.model.index(0, 0), flags)
        reasons = results.findChild(QTabWidget, "reasons")
        assert reasons is not None  # ResultsPanel builds its "reasons" tabs
        rendered = 0
        with _without_offscreen_noise():
            window.show()  # panels draw their charts only when shown
            for index in reversed(range(reasons.count())):
                reasons.setCurrentIndex(index)
            for index in range(window.tabs.count()):
                window.tabs.setCurrentIndex(index)
                application.processEvents()
                if not window.grab().isNull():
                    rendered += 1
        rows = len(window.state.table) if window.state.table is not None else 0
        # A deferred redraw that fails is only printed by Qt; drawing each chart here makes it a failure.
        charts = window.findChildren(ChartWidget)
        failures = []
        for chart in charts:
            try:
                if chart.canvas is None:
                    raise RuntimeError("never drawn")
                chart.canvas.draw()
            except Exception as error:
                failures.append(f"{chart.title}: {type(error).__name__}: {error}")
        passed = (
            rendered == window.tabs.count() == len(PANEL_TITLES)
            and (rows > 0 or not sample.is_file())
            and bool(charts)
            and not failures
        )
        detail = (
            f"{rendered} of {window.tabs.count()} tabs rendered offscreen, {sample.name} shown with {rows} rows, "
            f"{len(charts) - len(failures)} of {len(charts)} charts drawn"
        )
        return passed, detail + "".join(f"; {failure}" for failure in failures)
    finally:
        window.close()
