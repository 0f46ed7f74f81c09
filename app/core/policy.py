"""What an IT department can require of every user of a machine, read from the user's settings.ini.

``require_signed = true`` (in ``[General]``) refuses unsigned model folders (``--model DIR``): only the
shipped bundle and signed, installed packages run.
"""

from __future__ import annotations

import configparser

from app.core.paths import user_data_dir

__all__ = ["SETTINGS_FILE", "require_signed"]

SETTINGS_FILE = "settings.ini"


def require_signed() -> bool:
    """Whether unsigned model bundles are refused on this machine."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(user_data_dir() / SETTINGS_FILE, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return False
    value = parser.get("General", "require_signed", fallback="false")
    return value.strip().casefold() in ("true", "1", "yes")
