"""Which language to speak: the one asked for (``--lang``, View ▸ Language, then remembered for the window and the
CLI alike), else the remembered one, else the system locale's, else English."""

from __future__ import annotations

import json
import locale
import os
from pathlib import Path

from app.core.fileio import atomic_write_text
from app.core.i18n import LANGUAGES, SOURCE_LANGUAGE, set_language
from app.core.paths import user_data_dir

__all__ = ["choose_language", "remember_language", "remembered_language", "system_language"]

_PREFERENCES = "preferences.json"


def system_language() -> str:
    """The system locale's language when it is one of ours, else English (gettext's order of variables)."""
    names = [os.environ.get(v, "") for v in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")]
    names = [part for name in names for part in name.split(":")]
    names.append(locale.getlocale()[0] or "")  # Windows names it, e.g. 'Spanish_Spain'
    for name in names:
        head = name.split(".")[0].split("_")[0].split("-")[0].lower()
        if head in LANGUAGES:
            return head
        if head == "spanish":
            return "es"
        if head:
            return SOURCE_LANGUAGE  # the first one set decides, as in gettext
    return SOURCE_LANGUAGE


def _preferences_path() -> Path:
    return user_data_dir() / _PREFERENCES


def remembered_language() -> str | None:
    """The language last asked for, if any (a damaged preferences file counts as none)."""
    try:
        chosen = json.loads(_preferences_path().read_text(encoding="utf-8")).get("language")
    except (OSError, ValueError, AttributeError, RecursionError):  # RecursionError: nesting too deep for json
        return None
    # A language that is no string (a list, an object) is damage too: looking it up in LANGUAGES raised TypeError.
    return chosen if isinstance(chosen, str) and chosen in LANGUAGES else None


def remember_language(code: str) -> None:
    """Keep ``code`` as the language for the next start, of the window and of the CLI alike."""
    path = _preferences_path()
    try:
        preferences = json.loads(path.read_text(encoding="utf-8"))
        preferences = preferences if isinstance(preferences, dict) else {}
    except (OSError, ValueError, RecursionError):
        preferences = {}
    preferences["language"] = code
    atomic_write_text(path, json.dumps(preferences, indent=1) + "\n")


def choose_language(asked: str | None = None) -> str:
    """Turn on the language asked for (and remember it), else the remembered one, else the system's."""
    if asked is not None:
        set_language(asked)
        remember_language(asked)
        return asked
    code = remembered_language() or system_language()
    set_language(code)
    return code
