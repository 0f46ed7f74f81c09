"""Start the desktop program: the window first, everything heavy after it is on screen."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import QCoreApplication

__all__ = ["STARTUP_PROBE", "run"]

# Set to a file path to record when the window is first shown (and which heavy modules were loaded), then quit.
# The start-up benchmark and a test use it; the frozen build's self-test can too.
STARTUP_PROBE = "SCOREDESK_STARTUP_PROBE"
_HEAVY = ("pandas", "matplotlib", "onnxruntime", "sklearn", "scipy")


def run(argv: Sequence[str] | None = None, open_path: Path | None = None) -> int:
    """Create the application and the main window, then load the model in the background (and open a file)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from app.core.i18n import set_front_end
    from app.core.language import choose_language
    from app.core.paths import APP_NAME, icons_dir
    from app.ui.errors import install_excepthook
    from app.ui.i18n import install_language
    from app.ui.main_window import MainWindow, show_later
    from app.ui.settings import Settings
    from app.ui.state import AppState

    application = QApplication.instance() or QApplication(list(argv or sys.argv))
    assert isinstance(application, QApplication)  # the desktop program only ever has a QApplication
    application.setApplicationName(APP_NAME)
    application.setOrganizationName(APP_NAME)
    application.setWindowIcon(QIcon(str(icons_dir() / "scoredesk.png")))
    install_language(choose_language(None))  # the remembered choice, else the system's language
    set_front_end("window")  # messages name the window's menus, not the command line's options
    window = MainWindow(AppState(), Settings())
    install_excepthook(lambda: window)
    window.show()
    probe = os.environ.get(STARTUP_PROBE)
    if probe:
        QTimer.singleShot(0, lambda: _record_startup(probe, application))
    else:
        show_later(window, open_path=open_path)
    return application.exec()


def _record_startup(path: str, application: QCoreApplication) -> None:
    """Write the moment the window is on screen and quit (used by benchmarks and tests)."""
    loaded = sorted(name for name in _HEAVY if name in sys.modules)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"shown_at": time.time(), "heavy_modules_loaded": loaded}, handle)
    application.quit()
