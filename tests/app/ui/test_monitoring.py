"""Monitoring in the app: runs are logged, History shows them, Fairness flags wide gaps, importances show."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from app.core.fairness import tpr_gap_bound
from app.core.runlog import LOG_NAME, RunLog
from app.ui.fairness import _SliceTable
from app.ui.main_window import MainWindow
from tests.app.inputs import LABELLED, SAMPLE, sample_frame, write_csv
from tests.app.ui.conftest import open_and_wait


def test_opened_files_are_logged_unless_turned_off(qtbot, window: MainWindow, isolated_user_data: Path) -> None:
    open_and_wait(qtbot, window, SAMPLE)
    (run,) = RunLog(isolated_user_data / LOG_NAME).read()
    assert run["scoredesk"]["source"] == "app"
    assert run["scoredesk"]["rows"]["total"] == 200
    window.log_action.setChecked(False)
    open_and_wait(qtbot, window, LABELLED)
    assert len(RunLog(isolated_user_data / LOG_NAME).read()) == 1
    assert window.settings.log_runs is False


def test_a_cancelled_open_is_logged_as_unknown(qtbot, window: MainWindow, isolated_user_data: Path, tmp_path) -> None:
    path = write_csv(pd.concat([sample_frame()] * 500, ignore_index=True), tmp_path / "big.csv")
    with qtbot.waitSignal(window.jobCancelled, timeout=60_000):
        window.open_file(path)
        window.jobs.cancel()
    qtbot.waitUntil(lambda: not window.jobs.busy)
    (run,) = RunLog(isolated_user_data / LOG_NAME).read()
    assert run["event"]["outcome"] == "unknown"
    assert run["error"]["type"] == "Cancelled"
    assert run["scoredesk"]["source"] == "app"
    assert run["file"]["name"] == "big.csv"


def test_history_panel_shows_the_logged_runs(qtbot, window: MainWindow, tmp_path: Path) -> None:
    open_and_wait(qtbot, window, SAMPLE)
    open_and_wait(qtbot, window, LABELLED)
    panel = window.panels["History"]
    window.tabs.setCurrentWidget(panel)
    assert len(panel.history.runs) == 2
    assert "the last 2 scoring runs" in panel.summary.text()
    assert panel.heatmap.figure is not None  # drawn
    assert panel.alerts.count() >= 1
    assert all(estimate is not None for estimate in panel.history.estimated_auc)
    axes = panel.estimate.figure.axes[0]
    bands = [line for line in axes.lines if line.get_marker() == "o" and len(line.get_xdata())]
    assert len(bands) == 2  # one estimate with its interval per run
    legend = [text.get_text() for text in axes.get_legend().get_texts()]
    assert any(text.startswith("test set 0.8") for text in legend)
    assert "gate 0.83" in legend
    qtbot.waitUntil(lambda: panel.estimate.canvas is not None and panel.estimate.canvas.isVisible())
    path = tmp_path / "history.png"
    assert window.grab().save(str(path))
    if os.environ.get("SHOT"):
        window.grab().save(os.environ["SHOT"])


def test_fairness_panel_shows_groups_for_the_card_and_the_file(qtbot, window: MainWindow) -> None:
    open_and_wait(qtbot, window, LABELLED)
    panel = window.panels["Fairness"]
    window.tabs.setCurrentWidget(panel)
    groups = {panel.file_side.table.item(r, 0).text() for r in range(panel.file_side.table.rowCount())}
    assert groups == {"female", "senior_citizen"}
    assert panel.card_side.table.rowCount() == 4
    before = panel.card_side.table.item(0, 3).text()
    window.state.set_threshold(0.7)
    assert panel.card_side.table.item(0, 3).text() != before  # recomputed at the new threshold
    assert "gate" in panel.note.text()


def test_fairness_group_rates_carry_their_intervals(qtbot, window: MainWindow, tmp_path: Path) -> None:
    open_and_wait(qtbot, window, LABELLED)
    panel = window.panels["Fairness"]
    window.tabs.setCurrentWidget(panel)
    tpr = panel.card_side.table.item(0, 3).text()
    match = re.fullmatch(r"(\d+\.\d)% \((\d+)%–(\d+)%\)", tpr)
    assert match, tpr
    value, low, high = (float(g) for g in match.groups())
    assert low <= value <= high
    for side in (panel.card_side, panel.file_side):
        axes = side.chart.figure.axes[0]
        bars = [c for c in axes.collections if c.get_segments()]
        assert len(bars) == 2  # TPR and FPR, each with its error bars
        assert len(bars[0].get_segments()) == side.table.rowCount()
    qtbot.waitUntil(lambda: panel.file_side.chart.canvas is not None and panel.file_side.chart.canvas.isVisible())
    assert window.grab().save(str(tmp_path / "fairness.png"))
    if os.environ.get("SHOT"):
        window.grab().save(os.environ["SHOT"])


def test_a_gap_above_the_gate_is_flagged_red(qtbot) -> None:
    table = _SliceTable("test", "t")
    qtbot.addWidget(table)
    slices = {
        "female": {
            "groups": {
                "0": {"rows": 100, "tpr": 0.9, "fpr": 0.1, "precision": 0.5, "selection_rate": 0.3},
                "1": {"rows": 100, "tpr": 0.6, "fpr": 0.1, "precision": 0.5, "selection_rate": 0.2},
            },
            "gaps": {"tpr_gap": 0.3, "fpr_gap": 0.0, "precision_gap": 0.0, "selection_rate_gap": 0.1},
        }
    }
    table.show_slices(slices, tpr_gap_bound([{"metric": "test.max_tpr_gap", "max": 0.15}]), "")
    assert table.flagged == ["female"]
    assert "#c0392b" in table.gaps.text()
    assert table.table.item(0, 3).foreground().color().name() == "#c0392b"
    table.show_slices(slices, 0.5, "")
    assert table.flagged == []


def test_global_importances_beside_the_explanations(qtbot, window: MainWindow) -> None:
    whatif = window.panels["What-if"]
    window.tabs.setCurrentWidget(whatif)
    assert whatif.importance.figure is not None
    labels = [t.get_text() for t in whatif.importance.figure.axes[0].get_yticklabels()]
    assert labels[0] == window.state.bundle.card.section("importances")[0]["feature"]
