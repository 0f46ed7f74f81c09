"""Shared test setup: offscreen Qt, an isolated user data folder, the repo's own paths."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Messages in English, whatever the machine's locale (the CLI's subprocesses inherit it); tests of Spanish ask.
os.environ["LANGUAGE"] = "en"

if os.environ.get("SCOREDESK_TEST_WITHOUT_PYARROW"):
    # The environment without the dask extra, in the one that has it: pandas sees no pyarrow (.ci/run runs
    # the core's output tests so, to prove the extra does not change what the local engine writes).
    import sys

    for name in ("pyarrow", "dask", "distributed"):
        sys.modules[name] = None  # type: ignore[assignment]

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def isolated_user_data(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test writes logs and settings into its own folder, never the user's."""
    folder = tmp_path_factory.mktemp("user-data")
    monkeypatch.setenv("SCOREDESK_DATA_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Each test starts and ends in English, whichever language the one before it chose."""
    from app.core import i18n

    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture(scope="session")
def repo() -> Path:
    """The checkout's top folder."""
    return REPO
