"""The desktop app driven like a user would, offscreen, with real widgets and the real model."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QImage, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.cli import main as cli_main
from app.ui.main_window import MainWindow
from app.ui.settings import Settings
from app.ui.state import AppState
from tests.app.inputs import LABELLED, SAMPLE, sample_frame, write_csv
from tests.app.ui.conftest import open_and_wait


def test_opening_a_file_fills_the_table_and_the_sanity_panel(qtbot, window: MainWindow, tmp_path: Path) -> None:
    frame = sample_frame()
    frame.loc[0, "tenure"] = "-5"  # invalid
    frame.loc[1, "contract"] = "Weekly"  # warning
    frame.loc[2, "contract"] = "Weekly"
    table = open_and_wait(qtbot, window, write_csv(frame, tmp_path / "customers.csv"))
    results = window.panels["Results"]
    assert results.model.rowCount() == len(frame) == 200
    statuses = [results.model.data(results.model.index(row, 3)) for row in range(3)]
    assert statuses == ["invalid", "warning", "warning"]
    assert results.model.data(results.model.index(0, 1)) == ""  # no probability for an invalid row
    assert table.report.status_counts["invalid"] == 1
    sanity = window.panels["Sanity"]
    assert "errors" in sanity.banner.text()
    rows = {}
    for group in range(sanity.tree.topLevelItemCount()):
        item = sanity.tree.topLevelItem(group)
        for child in range(item.childCount()):
            entry = item.child(child)
            rows[(entry.text(0), entry.text(1))] = entry.text(2)
    assert rows[("Impossible value", "tenure")] == "1"
    assert rows[("Unseen category", "contract")] == "2"
    assert window.tabs.currentWidget() is sanity  # a file with errors opens on the sanity panel


def test_clicking_an_issue_shows_its_rows(qtbot, window: MainWindow, tmp_path: Path) -> None:
    frame = sample_frame()
    frame.loc[[3, 7, 9], "contract"] = "Weekly"
    open_and_wait(qtbot, window, write_csv(frame, tmp_path / "customers.csv"))
    sanity = window.panels["Sanity"]
    item = sanity.tree.findItems("Unseen category", Qt.MatchFlag.MatchRecursive)[0]
    sanity.tree.itemClicked.emit(item, 0)
    results = window.panels["Results"]
    shown = [results.model.table_row(r) for r in range(results.model.rowCount())]
    assert shown == [3, 7, 9]
    assert window.tabs.currentWidget() is results
    assert "Showing 3 rows" in results.requested_label.text()
    qtbot.mouseClick(results.clear_requested, Qt.MouseButton.LeftButton)
    assert results.model.rowCount() == 200


def test_filters_and_sorting(qtbot, window: MainWindow) -> None:
    table = open_and_wait(qtbot, window, SAMPLE)
    results = window.panels["Results"]
    results.prediction_filter.setCurrentIndex(1)  # the positive label
    positives = int((table.probability >= window.state.threshold).sum())
    assert results.model.rowCount() == positives
    results.prediction_filter.setCurrentIndex(0)
    results.search.setText("Two year")
    results.apply_filters()
    assert results.model.rowCount() == int((pd.read_csv(SAMPLE)["contract"] == "Two year").sum())
    results.search.clear()
    results.apply_filters()
    results.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    first = float(results.model.data(results.model.index(0, 1)))
    assert first == round(float(np.nanmax(table.probability)), 3)


def test_moving_the_slider_changes_the_confusion_matrix(qtbot, window: MainWindow) -> None:
    open_and_wait(qtbot, window, LABELLED)
    quality = window.panels["Model quality"]
    window.tabs.setCurrentWidget(quality)  # hidden panels update when they are next shown
    before_card = quality.card_side.matrix.counts()
    before_file = quality.file_side.matrix.counts()
    quality.threshold.slider.setValue(60)
    assert window.state.threshold == 0.6
    after_card = quality.card_side.matrix.counts()
    assert after_card != before_card
    assert after_card["tp"] < before_card["tp"]
    assert sum(after_card.values()) == sum(before_card.values()) == 1409
    assert quality.file_side.matrix.counts()["tp"] < before_file["tp"]
    window.tabs.setCurrentWidget(window.panels["Decisions"])
    assert window.panels["Decisions"].threshold.spin.value() == 0.6  # one threshold everywhere


def test_clicking_a_confusion_cell_shows_those_rows(qtbot, window: MainWindow) -> None:
    table = open_and_wait(qtbot, window, LABELLED)
    quality = window.panels["Model quality"]
    window.tabs.setCurrentWidget(quality)
    missed = quality.file_side.matrix.counts()["fn"]
    qtbot.mouseClick(quality.file_side.matrix.cells["fn"], Qt.MouseButton.LeftButton)
    results = window.panels["Results"]
    rows = np.array([results.model.table_row(r) for r in range(results.model.rowCount())])
    assert rows.size == missed > 0
    assert (table.labels[rows] == 1).all()
    assert (table.probability[rows] < window.state.threshold).all()


def test_a_threshold_move_redraws_the_roc_point_but_not_the_calibration(qtbot, window: MainWindow) -> None:
    open_and_wait(qtbot, window, LABELLED)
    quality = window.panels["Model quality"]
    window.tabs.setCurrentWidget(quality)
    calibration = [side.calibration.figure.axes[0] for side in (quality.card_side, quality.file_side)]
    roc = quality.file_side.roc.figure.axes[0]
    quality.threshold.spin.setValue(0.5)
    assert quality.file_side.roc.figure.axes[0] is not roc  # the operating point moved
    assert [side.calibration.figure.axes[0] for side in (quality.card_side, quality.file_side)] == calibration


def test_what_if_form_updates_its_prediction(qtbot, window: MainWindow) -> None:
    whatif = window.panels["What-if"]
    window.tabs.setCurrentWidget(whatif)
    before = whatif.last_probability
    contract = whatif.editors["contract"]
    contract.setCurrentIndex(contract.findText("Two year"))
    assert whatif.last_probability < before  # long contracts churn less
    tenure = whatif.editors["tenure"]
    tenure.setValue(500)
    assert "Outside the training range: tenure 500" in whatif.flags.text()
    assert whatif.last_probability == window.state.bundle.predictor.predict_one(whatif.values())


def test_what_if_copies_the_selected_row(qtbot, window: MainWindow) -> None:
    table = open_and_wait(qtbot, window, SAMPLE)
    results = window.panels["Results"]
    results.view.selectRow(4)
    whatif = window.panels["What-if"]
    window.tabs.setCurrentWidget(whatif)
    qtbot.mouseClick(whatif.load_row, Qt.MouseButton.LeftButton)
    assert abs(whatif.last_probability - table.probability[results.model.table_row(4)]) < 1e-6


def test_export_writes_the_same_file_as_the_cli(qtbot, window: MainWindow, tmp_path: Path, capsys) -> None:
    open_and_wait(qtbot, window, SAMPLE)
    window.state.set_threshold(0.35)
    gui_out = tmp_path / "gui.csv"
    with qtbot.waitSignal(window.exportFinished, timeout=30_000):
        window.export_scored(gui_out)
    assert cli_main(["score", str(SAMPLE), "-o", str(tmp_path / "cli.csv"), "--threshold", "0.35"]) == 0
    assert gui_out.read_bytes() == (tmp_path / "cli.csv").read_bytes()


def test_ctrl_e_exports_through_the_dialog(qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    open_and_wait(qtbot, window, SAMPLE)
    target = tmp_path / "shortcut.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    assert window.export_action.shortcut() == QKeySequence("Ctrl+E")
    assert window.open_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Open)
    assert window.quit_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Quit)
    with qtbot.waitSignal(window.exportFinished, timeout=30_000):
        qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert len(pd.read_csv(target)) == 200


def test_cancel_leaves_the_app_usable(qtbot, window: MainWindow, tmp_path: Path) -> None:
    first = open_and_wait(qtbot, window, SAMPLE)
    big = pd.concat([sample_frame()] * 500, ignore_index=True)  # 100,000 rows
    path = write_csv(big, tmp_path / "big.csv")
    with qtbot.waitSignal(window.jobCancelled, timeout=60_000):
        window.open_file(path)
        window.jobs.cancel()
    qtbot.waitUntil(lambda: not window.jobs.busy)
    assert window.state.table is first  # the earlier file is still shown
    assert "cancelled" in window.message.text()
    assert window.open_action.isEnabled()
    second = open_and_wait(qtbot, window, LABELLED)
    assert len(second) == 500


def test_a_bad_file_shows_the_error_dialog(qtbot, window: MainWindow, tmp_path: Path) -> None:
    bad = tmp_path / "photo.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with qtbot.waitSignal(window.jobFailed, timeout=30_000) as blocker:
        window.open_file(bad)
    qtbot.waitUntil(lambda: not window.jobs.busy)
    assert str(bad) in blocker.args[0]
    dialog = window.last_error
    assert isinstance(dialog, QMessageBox)
    assert dialog.isVisible()
    assert "binary content" in dialog.text()
    assert "Traceback" not in dialog.text()
    dialog.accept()
    assert window.state.table is None
    assert window.open_action.isEnabled()


def test_drag_and_drop_opens_the_file(qtbot, window: MainWindow) -> None:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(SAMPLE))])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    with qtbot.waitSignal(window.fileLoaded, timeout=30_000):
        window.dropEvent(event)
    qtbot.waitUntil(lambda: not window.jobs.busy)
    assert len(window.state.table) == 200


def test_open_sample_and_recent_files(qtbot, window: MainWindow) -> None:
    names = [action.text() for action in window.samples_menu.actions()]
    assert names == ["telco_churn_labelled.csv", "telco_churn_to_score.csv"]
    with qtbot.waitSignal(window.fileLoaded, timeout=30_000):
        window.samples_menu.actions()[1].trigger()
    qtbot.waitUntil(lambda: not window.jobs.busy)
    assert window.settings.recent_files[0] == str(SAMPLE)
    window._fill_recent()
    assert window.recent_menu.actions()[0].text() == str(SAMPLE)


def test_settings_persist_across_windows(qtbot, bundle, window: MainWindow) -> None:
    window.state.set_threshold(0.42)
    window.state.set_costs(25.0, 500.0)
    window.tabs.setCurrentWidget(window.panels["Decisions"])
    window.resize(640, 480)
    closing_geometry = window.saveGeometry()
    window.close()
    assert Settings().geometry == closing_geometry
    again = MainWindow(AppState(), Settings())
    qtbot.addWidget(again)
    again.use_bundle(bundle)
    assert again.state.threshold == 0.42
    assert (again.state.cost_per_action, again.state.value_per_true_positive) == (25.0, 500.0)
    # Restored, not the 1280x820 default (the offscreen screen caps the restored size at its own 800 wide).
    assert again.size().width() < 1280
    assert again.panels["Decisions"].cost.value() == 25.0  # the new window's panel, not the closed one's
    assert again.panels["Decisions"].value.value() == 500.0


def test_unexpected_errors_are_logged_and_shown_kindly(qtbot, window: MainWindow, isolated_user_data: Path) -> None:
    import sys

    from app.ui.errors import install_excepthook

    previous = sys.excepthook
    install_excepthook(lambda: window)
    try:
        try:
            raise ZeroDivisionError("boom in a slot")
        except ZeroDivisionError as error:
            sys.excepthook(type(error), error, error.__traceback__)
    finally:
        sys.excepthook = previous
    log = (isolated_user_data / "errors.log").read_text()
    assert "ZeroDivisionError: boom in a slot" in log
    dialog = next(w for w in window.findChildren(QMessageBox) if w.isVisible())
    assert "Something went wrong: boom in a slot" in dialog.text()
    assert "errors.log" in dialog.text()
    dialog.accept()


def test_every_tab_renders_to_png(qtbot, window: MainWindow, tmp_path: Path) -> None:
    open_and_wait(qtbot, window, LABELLED)
    window.panels["Results"].view.selectRow(0)
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        qtbot.wait(50)
        path = tmp_path / f"tab_{index}.png"
        assert window.grab().save(str(path))
        image = QImage(str(path))
        assert image.width() >= 1000
        colours = {image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 37)}
        assert len(colours) > 5, f"tab {window.tabs.tabText(index)} looks blank"
    window.tabs.setCurrentWidget(window.panels["Model quality"])
    (tmp_path / "charts").mkdir()
    saved = window.export_charts(tmp_path / "charts", ".svg")
    assert len(saved) == 4  # ROC and calibration, for the test set and the file
    assert all(p.read_text().lstrip().startswith("<?xml") for p in saved)
    png = window.panels["Model quality"].card_side.roc.save(tmp_path / "roc.png")
    assert QImage(str(png)).width() > 100


def test_about_names_both_versions(qtbot, window: MainWindow) -> None:
    from app import __version__

    window.about()
    dialog = window.findChild(QMessageBox, "aboutDialog")
    assert __version__ in dialog.text()
    assert window.state.bundle.card.version in dialog.text()
    dialog.accept()


def test_sanity_banner_tells_row_warnings_from_findings_about_the_whole_file(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    frame = sample_frame()
    frame.loc[1, "contract"] = "Weekly"  # one row with a warning of its own
    frame.loc[5, "customer_id"] = frame.loc[4, "customer_id"]  # a duplicate id: about the file, not a row status
    frame = frame.rename(columns={"tenure": "Tenure", "contract": "Contract"})  # matched, and said so once
    table = open_and_wait(qtbot, window, write_csv(frame, tmp_path / "customers.csv"))
    warned = table.report.status_counts["warning"]
    assert 1 <= warned < 10  # the duplicate id puts no row in warning
    banner = window.panels["Sanity"].banner.text()
    assert "\u2068contract\u2069" in banner  # file text set apart from the sentence around it
    banner = banner.replace("\u2068", "").replace("\u2069", "")
    assert banner.startswith(f"This file can be scored, with warnings. {warned} of 200 rows have a warning of")
    assert "About the file as a whole: Duplicate id (customer_id: 2 rows); Renamed column (contract, tenure)." in banner


def test_drift_tab_says_when_a_file_is_too_small_to_tell(qtbot, window: MainWindow, tmp_path: Path) -> None:
    small = write_csv(sample_frame().head(30), tmp_path / "thirty.csv")
    open_and_wait(qtbot, window, small)
    panel = window.panels["Drift"]
    window.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: "Too few rows to tell (30 rows)" in panel.summary.text())
    assert "Drifted:" not in panel.summary.text()
    qtbot.waitUntil(
        lambda: all(c.canvas is not None and c.canvas.isVisible() for c in (panel.psi_chart, panel.distribution))
    )
    assert window.grab().save(str(tmp_path / "drift_small.png"))
    if os.environ.get("SHOT"):
        window.grab().save(os.environ["SHOT"])
    shifted = sample_frame()
    shifted["tenure"] = "70"
    open_and_wait(qtbot, window, write_csv(shifted, tmp_path / "shifted.csv"))
    qtbot.waitUntil(lambda: "Drifted: tenure" in panel.summary.text())
    labels = [tick.get_text() for tick in panel.psi_chart.figure.axes[0].get_yticklabels()]
    assert labels[0] == "tenure  (p < 0.001)"


def test_model_quality_shows_each_metric_with_its_interval_and_a_roc_band(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    open_and_wait(qtbot, window, LABELLED)
    quality = window.panels["Model quality"]
    window.tabs.setCurrentWidget(quality)
    card_text = quality.card_side.summary.text()
    assert re.search(r"ROC AUC 0\.8\d\d \(0\.8\d\d–0\.8\d\d\)", card_text), card_text
    assert re.search(r"recall \d+\.\d% \(\d+\.\d%–\d+\.\d%\)", card_text), card_text
    assert "(95% intervals)" in card_text
    assert "too wide" not in card_text  # 1,409 test rows tell enough
    for side in (quality.card_side, quality.file_side):
        axes = side.roc.figure.axes[0]
        assert axes.collections, "no shaded band around the ROC curve"
        assert any("95% band" in text.get_text() for text in axes.get_legend().get_texts())
    qtbot.waitUntil(lambda: quality.file_side.roc.canvas is not None and quality.file_side.roc.canvas.isVisible())
    assert window.grab().save(str(tmp_path / "quality.png"))
    if os.environ.get("SHOT"):
        window.grab().save(os.environ["SHOT"])


def test_a_small_labelled_file_says_its_interval_is_too_wide(qtbot, window: MainWindow, tmp_path: Path) -> None:
    labelled = pd.read_csv(LABELLED, dtype=str, keep_default_na=False).head(60)
    open_and_wait(qtbot, window, write_csv(labelled, tmp_path / "sixty.csv"))
    quality = window.panels["Model quality"]
    window.tabs.setCurrentWidget(quality)
    text = quality.file_side.summary.text()
    assert re.search(r"60 rows: recall \d+\.\d%, 95% interval \d+\.\d%–\d+\.\d%: too wide to tell much", text), text


def test_an_unlabelled_file_gets_its_performance_estimated(qtbot, window: MainWindow, tmp_path: Path) -> None:
    open_and_wait(qtbot, window, SAMPLE)
    quality = window.panels["Model quality"]
    window.tabs.setCurrentWidget(quality)
    assert quality.file_side.title() == "This file: estimated (no labels yet)"
    assert quality.file_side.isEnabled()
    text = quality.file_side.summary.text()
    assert "Estimated on this file" in text
    assert re.search(r"ROC AUC 0\.\d{3} \(0\.\d{3}–0\.\d{3}\)", text), text
    estimate = quality.estimate
    assert estimate is not None
    assert sum(quality.file_side.matrix.counts().values()) == estimate.rows == 200
    before = quality.file_side.matrix.counts()["tp"]
    quality.threshold.spin.setValue(0.6)
    assert quality.file_side.matrix.counts()["tp"] < before  # the estimate follows the threshold
    qtbot.waitUntil(lambda: quality.card_side.roc.canvas is not None and quality.card_side.roc.canvas.isVisible())
    assert window.grab().save(str(tmp_path / "estimate.png"))
    if os.environ.get("SHOT2"):
        window.grab().save(os.environ["SHOT2"])


def test_the_estimate_is_greyed_out_with_its_reason_when_calibration_is_poor(qtbot, window: MainWindow, bundle) -> None:
    import dataclasses

    from app.core.card import ModelCard

    raw = dict(bundle.card.raw) | {"calibration": {"ece": 0.12, "method": "none"}}
    window.use_bundle(dataclasses.replace(bundle, card=ModelCard.from_dict(raw)))
    open_and_wait(qtbot, window, SAMPLE)
    quality = window.panels["Model quality"]
    window.tabs.setCurrentWidget(quality)
    assert not quality.file_side.isEnabled()
    text = quality.file_side.summary.text()
    assert "Not reliable:" in text
    assert "calibration error 0.120" in text


def test_the_estimate_is_greyed_out_where_the_model_extrapolates(qtbot, window: MainWindow, tmp_path: Path) -> None:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    frame["monthly_charges"] = (pd.to_numeric(frame["monthly_charges"]) * 1.35).round(2).astype(str)
    open_and_wait(qtbot, window, write_csv(frame, tmp_path / "raised.csv"))
    quality = window.panels["Model quality"]
    window.tabs.setCurrentWidget(quality)
    assert not quality.file_side.isEnabled()
    text = quality.file_side.summary.text()
    assert "Not reliable:" in text
    assert re.search(r"\d+\.\d% of the scored rows \(\d+\) have a 'monthly_charges' the model never saw", text), text
    qtbot.waitUntil(lambda: quality.card_side.roc.canvas is not None and quality.card_side.roc.canvas.isVisible())
    assert window.grab().save(str(tmp_path / "extrapolated.png"))
    if os.environ.get("SHOT3"):
        window.grab().save(os.environ["SHOT3"])
