"""Start-up: the real `python -m app` shows its window before pandas, matplotlib or onnxruntime load."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app.ui.app import STARTUP_PROBE

REPO = Path(__file__).resolve().parents[3]


def test_window_shows_before_heavy_modules_load(tmp_path: Path) -> None:
    probe = tmp_path / "startup.json"
    environment = os.environ | {"QT_QPA_PLATFORM": "offscreen", STARTUP_PROBE: str(probe)}
    result = subprocess.run(
        [sys.executable, "-m", "app"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(probe.read_text())
    assert record["heavy_modules_loaded"] == []


def test_a_file_given_at_start_opens_once_the_model_is_loaded(qtbot) -> None:
    from app.ui.main_window import MainWindow, show_later
    from app.ui.settings import Settings
    from app.ui.state import AppState
    from tests.app.inputs import SAMPLE

    window = MainWindow(AppState(), Settings())
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.fileLoaded, timeout=60_000):
        show_later(window, open_path=SAMPLE)
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    assert window.state.table is not None
    assert len(window.state.table) == 200
