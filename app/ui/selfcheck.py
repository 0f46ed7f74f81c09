"""The desktop half of `self-test`: build the main window offscreen on the bundle and render every tab."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.core.bundle import Bundle

__all__ = ["check_main_window"]


def check_main_window(bundle: Bundle) -> tuple[bool, str]:
    """(passed, detail) after building the window offscreen with the sample file loaded."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from app.core.paths import samples_dir
    from app.ui.main_window import PANEL_TITLES, MainWindow
    from app.ui.settings import Settings
    from app.ui.state import AppState

    # Offscreen whatever the environment says: a self-test must not pop up windows or need a display.
    application = QApplication.instance() or QApplication(["scoredesk-self-test", "-platform", "offscreen"])
    window = MainWindow(AppState(), Settings())
    try:
        window.use_bundle(bundle)
        sample = samples_dir() / f"{bundle.card.name}_to_score.csv"
        if sample.is_file():
            loop = QEventLoop()
            window.fileLoaded.connect(loop.quit)
            window.jobFailed.connect(loop.quit)
            QTimer.singleShot(60_000, loop.quit)
            window.open_file(sample)
            loop.exec()
            window.jobs.wait()
            application.processEvents()
        rendered = 0
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            application.processEvents()
            if not window.grab().isNull():
                rendered += 1
        rows = len(window.state.table) if window.state.table is not None else 0
        passed = rendered == window.tabs.count() == len(PANEL_TITLES) and (rows > 0 or not sample.is_file())
        return passed, f"{rendered} of {window.tabs.count()} tabs rendered offscreen, sample shown with {rows} rows"
    finally:
        window.close()
