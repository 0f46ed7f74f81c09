"""What an IT department requires of every user: ``require_signed`` in the user's settings.ini."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.paths import user_data_dir
from app.core.policy import SETTINGS_FILE, require_signed


def _settings(text: str | bytes) -> Path:
    path = user_data_dir() / SETTINGS_FILE
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_no_settings_file_requires_nothing() -> None:
    assert not (user_data_dir() / SETTINGS_FILE).exists()
    assert require_signed() is False


@pytest.mark.parametrize("value", ["true", "TRUE", "True", " true ", "1", "yes", "Yes"])
def test_require_signed_is_on_when_the_setting_says_so(value: str) -> None:
    _settings(f"[General]\nrequire_signed = {value}\n")
    assert require_signed() is True


@pytest.mark.parametrize("value", ["false", "0", "no", "", "on", "2", "truee", "%(x)s"])
def test_require_signed_is_off_for_any_other_value(value: str) -> None:
    _settings(f"[General]\nrequire_signed = {value}\n")
    assert require_signed() is False


def test_the_setting_counts_only_in_the_general_section() -> None:
    _settings("[General]\nlanguage = es\n\n[Other]\nrequire_signed = true\n")
    assert require_signed() is False
    _settings("[Other]\nx = 1\n\n[General]\nlanguage = es\nrequire_signed = true\n")
    assert require_signed() is True


def test_the_file_qt_writes_is_read_with_its_other_keys() -> None:
    # QSettings writes an ini with keys such as "geometry=@ByteArray(...)" and paths with backslashes.
    _settings('[General]\ngeometry="@ByteArray(\\x1\\xd9\\xd0)"\nlast_folder=C:\\\\Users\\\\x\nrequire_signed=true\n')
    assert require_signed() is True


@pytest.mark.parametrize(
    "content",
    [
        "require_signed = true\n",  # no section header
        "[General]\nrequire_signed = true\nrequire_signed = true\n",  # a key twice
        "[General\nrequire_signed = true\n",
        b"[General]\nrequire_signed = true\n\xff\xfe\n",  # not UTF-8
    ],
)
def test_a_damaged_settings_file_requires_nothing(content: str | bytes) -> None:
    _settings(content)
    assert require_signed() is False


def test_a_folder_in_place_of_the_file_requires_nothing() -> None:
    (user_data_dir() / SETTINGS_FILE).mkdir()
    assert require_signed() is False
