"""Where the scored file goes: never over a device, with the user's own path in every message, the umask's
mode, nothing left behind on a failure, a signal or a closed pipe."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.cli import EXIT_INPUT, EXIT_OK
from tests.app.inputs import SAMPLE
from tests.app.running import run_cli as run

REPO = Path(__file__).resolve().parents[3]


def test_a_fifo_output_is_refused_and_left_alone(tmp_path: Path, capsys) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, _, err = run(["score", str(SAMPLE), "-o", str(fifo), "--no-log"], capsys)
    assert code == EXIT_INPUT
    assert f"{fifo}: is a FIFO (named pipe), not a regular file" in err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_link_to_a_device_is_refused_and_the_link_kept(tmp_path: Path, capsys) -> None:
    link = tmp_path / "null.csv"
    link.symlink_to("/dev/null")
    code, _, err = run(["score", str(SAMPLE), "-o", str(link), "--no-log"], capsys)
    assert code == EXIT_INPUT
    assert "is a character device, not a regular file" in err
    assert link.is_symlink()
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_link_to_a_file_writes_the_file_and_keeps_the_link(tmp_path: Path, capsys) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert run(["score", str(SAMPLE), "-o", str(link), "--no-log"], capsys)[0] == EXIT_OK
    assert link.is_symlink()
    assert real.read_text().startswith("customer_id")


def test_a_new_output_follows_the_umask_and_a_replaced_one_keeps_its_mode(tmp_path: Path, capsys) -> None:
    previous = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.csv"
        assert run(["score", str(SAMPLE), "-o", str(fresh), "--no-log"], capsys)[0] == EXIT_OK
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        kept = tmp_path / "kept.csv"
        kept.write_text("old")
        kept.chmod(0o640)
        assert run(["score", str(SAMPLE), "-o", str(kept), "--no-log"], capsys)[0] == EXIT_OK
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    finally:
        os.umask(previous)


def test_a_long_but_valid_output_name_is_written(tmp_path: Path, capsys) -> None:
    out = tmp_path / ("x" * 246 + ".csv")  # 250 characters: valid, though a temporary name beside it is longer
    code, _, err = run(["score", str(SAMPLE), "-o", str(out), "--no-log"], capsys)
    assert code == EXIT_OK, err
    assert out.is_file()


def test_a_parent_that_is_a_file_is_named(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "report"
    blocker.write_text("a file")
    out = blocker / "scored.csv"
    code, _, err = run(["score", str(SAMPLE), "-o", str(out), "--no-log"], capsys)
    assert code == EXIT_INPUT
    assert err.startswith(f"error: {out}: cannot be written: {blocker} is a file, not a folder")


def test_a_full_disk_names_the_output_and_leaves_nothing(tmp_path: Path, capsys, monkeypatch) -> None:
    def full(_descriptor: int) -> None:  # what the kernel says when the last block is gone
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    out = tmp_path / "new" / "folder" / "scored.csv"
    code, _, err = run(["score", str(SAMPLE), "-o", str(out), "--no-log"], capsys)
    assert code == EXIT_INPUT
    assert (
        err
        == f"error: {out}: cannot be written: the disk is full; free some space or choose a folder on another disk\n"
    )
    assert list(tmp_path.iterdir()) == []  # neither the temporary file nor the folders made for it


def test_a_failed_run_removes_the_folders_it_made(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    out = tmp_path / "made" / "for" / "it.csv"
    assert run(["score", str(bad), "-o", str(out), "--no-log"], capsys)[0] == EXIT_INPUT
    assert not (tmp_path / "made").exists()


def test_stale_temporary_files_are_removed_and_fresh_ones_kept(tmp_path: Path, capsys) -> None:
    out = tmp_path / "scored.csv"
    stale, fresh = tmp_path / ".scored.csv.abc123.part", tmp_path / ".scored.csv.def456.part"
    stale.write_text("left by a killed run")
    fresh.write_text("another run, still going")
    two_days_ago = time.time() - 2 * 86400
    os.utime(stale, (two_days_ago, two_days_ago))
    assert run(["score", str(SAMPLE), "-o", str(out), "--no-log"], capsys)[0] == EXIT_OK
    assert not stale.exists()
    assert fresh.exists()


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "app", *args]


def test_a_closed_pipe_does_not_fail_a_finished_job(tmp_path: Path) -> None:
    out = tmp_path / "scored.csv"
    reader, writer = os.pipe()
    os.close(reader)  # `score … | true`: nobody reads what we print
    result = subprocess.run(
        _cli("score", str(SAMPLE), "-o", str(out), "--no-log"), stdout=writer, stderr=subprocess.PIPE, cwd=REPO
    )
    os.close(writer)
    assert result.returncode == EXIT_OK, result.stderr
    assert result.stderr == b""
    assert out.is_file()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_term_and_hup_leave_no_temporary_file(qtbot, tmp_path: Path, signum: int) -> None:
    big = tmp_path / "big.csv"
    header, *rows = SAMPLE.read_text(encoding="utf-8").splitlines()
    with open(big, "w", encoding="utf-8") as handle:
        handle.write(header + "\n")
        for _ in range(300):  # 60,000 rows: several blocks, so the run is caught mid-way
            handle.write("\n".join(rows) + "\n")
    out = tmp_path / "scored.csv"
    process = subprocess.Popen(
        _cli("score", str(big), "-o", str(out), "--no-log", "--explain", "3"), cwd=REPO, stderr=subprocess.PIPE
    )
    # Wait for the condition (the run has begun writing), never for a duration.
    qtbot.waitUntil(
        lambda: bool(list(tmp_path.glob(".scored.csv.*.part"))) or process.poll() is not None, timeout=120_000
    )
    process.send_signal(signum)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 128 + signum, err
    assert b"no output was written" in err
    assert list(tmp_path.glob(".*.part")) == []
    assert not out.exists()


def test_dash_writes_the_scored_rows_to_standard_output(tmp_path: Path) -> None:
    result = subprocess.run(_cli("score", str(SAMPLE), "-o", "-", "--no-log"), capture_output=True, cwd=tmp_path)
    assert result.returncode == EXIT_OK, result.stderr
    assert result.stdout.decode("utf-8").count("\n") == 201
    assert result.stdout.startswith(b"customer_id,")
    assert b"into standard output" in result.stderr
    assert list(tmp_path.iterdir()) == []  # no file called "-"


@pytest.mark.parametrize(
    ("code", "advice"),
    [
        (errno.EROFS, "/data/out is on a read-only file system; choose another folder"),
        (errno.EACCES, "no permission to write in /data/out; choose a folder you can write to"),
        (errno.EDQUOT, "the disk quota is used up"),
        (errno.ENAMETOOLONG, "the file name is too long for this file system; choose a shorter name"),
    ],
)
def test_write_errors_name_the_output_and_say_what_to_do(code: int, advice: str) -> None:
    from app.core.fileio import describe_output_error

    error = OSError(code, os.strerror(code), "/data/out/.scored.csv.x1y2.part")  # as the kernel names the file
    message = describe_output_error(Path("/data/out/scored.csv"), error).english()
    assert message.startswith("/data/out/scored.csv: cannot be written: ")
    assert advice in message
    assert ".part" not in message
