"""Every path the program uses: resources from the checkout or a frozen build's unpack folder, user data."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from app.core import paths
from tests.conftest import REPO


def test_resources_resolve_inside_the_checkout() -> None:
    assert not paths.is_frozen()
    assert paths.project_root() == REPO
    assert paths.resources_dir() == REPO / "resources"
    assert (paths.bundle_dir() / "model.onnx").is_file()
    assert (paths.bundle_dir() / "model_card.json").is_file()
    assert (paths.samples_dir() / "telco_churn_to_score.csv").is_file()
    assert paths.keys_dir().is_dir()
    assert paths.icons_dir().is_dir()


def test_a_frozen_build_resolves_under_its_unpack_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.is_frozen()
    assert paths.project_root() == tmp_path
    assert paths.bundle_dir() == tmp_path / "resources" / "model"
    assert paths.samples_dir() == tmp_path / "resources" / "samples"


def test_frozen_needs_both_the_flag_and_the_unpack_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)  # e.g. another freezer, without _MEIPASS
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert not paths.is_frozen()
    assert paths.project_root() == REPO


def test_user_data_follows_the_override_and_is_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "deep" / "data"
    monkeypatch.setenv("SCOREDESK_DATA_DIR", str(folder))
    assert paths.user_data_dir() == folder
    assert folder.is_dir()
    assert paths.user_data_dir() == folder  # a second call finds it made


def test_user_data_without_the_override_is_the_platforms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCOREDESK_DATA_DIR", "")  # empty counts as unset
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    folder = paths.user_data_dir()
    assert paths.APP_NAME in folder.parts
    assert folder.is_dir()
    if sys.platform.startswith("linux"):
        assert folder.is_relative_to(tmp_path / "xdg")
