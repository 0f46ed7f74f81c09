"""Every path the program uses: shipped resources, the model bundle and writable user data.

Nothing else in the code base builds paths from ``__file__``; frozen builds
(PyInstaller) unpack resources under ``sys._MEIPASS`` and this module is the only
place that knows it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = [
    "APP_NAME",
    "bundle_dir",
    "icons_dir",
    "is_frozen",
    "keys_dir",
    "project_root",
    "resources_dir",
    "samples_dir",
    "user_data_dir",
]

APP_NAME = "ScoreDesk"
_ORG_NAME = "ScoreDesk"


def is_frozen() -> bool:
    """True when running from a PyInstaller build."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def project_root() -> Path:
    """The source checkout's top folder (or the frozen build's unpack folder)."""
    if is_frozen():
        return Path(sys._MEIPASS)  # type: ignore[attr-defined]
    return Path(__file__).resolve().parents[2]


def resources_dir() -> Path:
    """Folder holding everything the app ships: model bundle, samples, icons."""
    return project_root() / "resources"


def bundle_dir() -> Path:
    """Default model bundle folder (model.onnx + model_card.json)."""
    return resources_dir() / "model"


def keys_dir() -> Path:
    """The public keys this program trusts for signed model packages (fixed when the program is built)."""
    return resources_dir() / "keys"


def icons_dir() -> Path:
    """The app's icons."""
    return resources_dir() / "icons"


def samples_dir() -> Path:
    """Bundled sample input files."""
    return resources_dir() / "samples"


def user_data_dir() -> Path:
    """Writable per-user folder for logs and run history; ``SCOREDESK_DATA_DIR`` overrides it."""
    override = os.environ.get("SCOREDESK_DATA_DIR")
    if override:
        path = Path(override)
    else:
        from platformdirs import user_data_path

        path = user_data_path(APP_NAME, _ORG_NAME)
    path.mkdir(parents=True, exist_ok=True)
    return path
