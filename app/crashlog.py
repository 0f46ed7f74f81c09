"""Unexpected errors are written with their traceback to the user's data folder, never shown raw."""

from __future__ import annotations

import datetime as dt
import traceback
from pathlib import Path

from app.core.paths import user_data_dir

__all__ = ["log_exception"]


def log_exception(error: BaseException) -> Path:
    """Append the traceback to ``errors.log`` in the user data folder and return its path."""
    path = user_data_dir() / "errors.log"
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"--- {stamp}\n{text}\n")
    return path
