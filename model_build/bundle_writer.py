"""Stage 11, bundle: write model.onnx, model_card.json and MODEL_CARD.md as one atomic swap."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.core.bundle import CARD_FILE, MODEL_FILE

__all__ = ["MARKDOWN_FILE", "write_bundle"]

MARKDOWN_FILE = "MODEL_CARD.md"
_BUNDLE_FILES = {MODEL_FILE, CARD_FILE, MARKDOWN_FILE}


def write_bundle(out_dir: Path, onnx_model: bytes, card: Mapping[str, Any], markdown: str) -> None:
    """Replace the bundle folder in one rename; files of the old folder that are not ours are kept."""
    out_dir = Path(out_dir).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new.", dir=out_dir.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the bundle is read by whoever runs the app
    try:
        (staging / MODEL_FILE).write_bytes(onnx_model)
        (staging / CARD_FILE).write_text(json.dumps(card, indent=1, allow_nan=False) + "\n", encoding="utf-8")
        (staging / MARKDOWN_FILE).write_text(markdown, encoding="utf-8")
        if out_dir.exists():
            for extra in out_dir.iterdir():
                if extra.name not in _BUNDLE_FILES:
                    copy = shutil.copytree if extra.is_dir() else shutil.copy2
                    copy(extra, staging / extra.name)
        for path in staging.rglob("*"):
            if path.is_file():
                with open(path, "rb") as handle:
                    os.fsync(handle.fileno())
        retired = None
        if out_dir.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old.", dir=out_dir.parent))
            retired.rmdir()
            os.replace(out_dir, retired)
        os.replace(staging, out_dir)
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
