"""File ▸ Export report… (Ctrl+R): the window writes the same report as `python -m app report`, in a worker."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog

from app.cli import main as cli_main
from app.ui.main_window import MainWindow
from tests.app.inputs import LABELLED, SAMPLE, sample_frame, write_csv
from tests.app.report.page import read_page
from tests.app.ui.conftest import open_and_wait


def _without_date(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if '<tr class="generated">' not in line]


def test_ctrl_r_writes_the_same_report_as_the_cli(qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    assert not window.export_report_action.isEnabled()  # no file open yet
    open_and_wait(qtbot, window, LABELLED)
    assert window.export_report_action.isEnabled()
    window.state.set_threshold(0.35)
    target = tmp_path / "from the window.html"
    asked: list[str] = []

    def save_name(_parent, caption, suggestion, _filter):
        asked.append(suggestion)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    assert window.export_report_action.shortcut() == QKeySequence("Ctrl+R")
    with qtbot.waitSignal(window.exportFinished, timeout=120_000) as done:
        qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=30_000)
    assert done.args == [str(target)]
    assert asked[0].endswith("telco_churn_labelled_report.html")
    assert f"Exported {target}" in window.message.text()
    cli_out = tmp_path / "cli.html"
    assert cli_main(["report", str(LABELLED), "-o", str(cli_out), "--threshold", "0.35"]) == 0
    assert _without_date(target) == _without_date(cli_out)  # same numbers, charts and bytes but for the date
    page = read_page(target.read_text(encoding="utf-8"))
    assert "0.35 (the card's: 0.19)" in page.text


def test_the_menu_item_uses_the_current_costs(qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    open_and_wait(qtbot, window, SAMPLE)
    window.state.set_costs(10.0, 500.0)
    target = tmp_path / "costs.html"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    (item,) = [a for a in window.menuBar().actions()[0].menu().actions() if a.text() == "Export &report…"]
    with qtbot.waitSignal(window.exportFinished, timeout=120_000):
        item.trigger()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=30_000)
    text = read_page(target.read_text(encoding="utf-8")).text
    assert "at 10.00 per action and 500.00 per true positive" in text
    assert "Acting on a row costs 10.00; acting on a true positive is worth 500.00." in text


def test_a_file_changed_since_opening_is_not_reported(qtbot, window: MainWindow, tmp_path: Path) -> None:
    path = write_csv(sample_frame(), tmp_path / "customers.csv")
    open_and_wait(qtbot, window, path)
    write_csv(sample_frame().head(50), path)
    with qtbot.waitSignal(window.jobFailed, timeout=10_000) as failed:
        assert window.export_report(tmp_path / "stale.html") is None
    assert "changed since it was opened" in failed.args[0]
    assert not (tmp_path / "stale.html").exists()
    window.last_error.close()


def test_a_report_that_cannot_be_written_says_why(qtbot, window: MainWindow, tmp_path: Path) -> None:
    open_and_wait(qtbot, window, SAMPLE)
    folder = tmp_path / "a folder.html"
    folder.mkdir()
    with qtbot.waitSignal(window.jobFailed, timeout=120_000) as failed:
        window.export_report(folder)
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=30_000)
    assert f"{folder}: is a folder, not a regular file" in failed.args[0]
    window.last_error.close()
