"""Atomic writes: the target appears whole or not at all, and no temporary file outlives a run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.core import fileio
from app.core.fileio import atomic_path, atomic_write_text


def test_a_written_file_replaces_the_target_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")
    atomic_write_text(target, "new")
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_a_failed_block_leaves_the_target_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")

    def half_written() -> None:
        with atomic_path(target) as temporary:
            temporary.write_text("half")
            raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        half_written()
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_a_signal_the_moment_the_temporary_file_is_made_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TERM and HUP unwind the stack as an exception (the CLI's handler); here one lands right after the file is
    created, before anything else runs. The file's name must already be known then, so it is removed."""
    close = os.close

    def interrupted(fd: int) -> None:
        close(fd)
        raise KeyboardInterrupt

    monkeypatch.setattr(fileio.os, "close", interrupted)
    with pytest.raises(KeyboardInterrupt), atomic_path(tmp_path / "out.csv"):
        pass
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []
