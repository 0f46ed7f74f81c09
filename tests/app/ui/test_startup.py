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
