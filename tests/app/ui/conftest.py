"""UI fixtures: the real bundle and a main window driven by pytest-qt; settings go to the isolated data folder."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.bundle import Bundle, load_bundle
from app.ui.main_window import MainWindow
from app.ui.settings import Settings
from app.ui.state import AppState


@pytest.fixture(autouse=True)
def window_words() -> Iterator[None]:
    """The window's tests see messages as the window words them (app.ui.app.main sets this at start)."""
    from app.core import i18n

    i18n.set_front_end("window")
    yield
    i18n.set_front_end("cli")


@pytest.fixture(scope="session")
def bundle() -> Bundle:
    return load_bundle()


def shown_window(qtbot, bundle: Bundle) -> MainWindow:
    """A main window on ``bundle``, shown at a fixed size (in whatever language is installed)."""
    main = MainWindow(AppState(), Settings())
    qtbot.addWidget(main)
    main.resize(1300, 850)
    main.use_bundle(bundle)
    main.show()
    return main


def close_window(main: MainWindow) -> None:
    """Stop the window's jobs and close it."""
    main.jobs.cancel()
    main.jobs.wait()
    main.close()
    gc.collect()  # in the GUI thread, so no worker thread of a later test finalises this window's Qt objects


@pytest.fixture
def window(qtbot, bundle: Bundle) -> MainWindow:
    main = shown_window(qtbot, bundle)
    yield main
    close_window(main)


def open_and_wait(qtbot, window: MainWindow, path: Path, timeout: int = 60_000):
    """Open a file and wait for the worker to finish and clean up."""
    with qtbot.waitSignal(window.fileLoaded, timeout=timeout) as blocker:
        window.open_file(path)
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=timeout)
    return blocker.args[0]
