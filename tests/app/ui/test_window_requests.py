"""What the analyst asks of the window is never dropped silently: a second open, files dropped together, a model
installed while a file is open, a file that changes while it is read, charts saved where they cannot be."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication

from app.core.mapping_file import load_mapping
from app.core.reading import InputOptions
from app.ui.main_window import MainWindow
from tests.app.core.test_analyst_files import IBM_MAPPING, _ibm_export
from tests.app.inputs import LABELLED, SAMPLE
from tests.app.ui.conftest import open_and_wait


def _loaded(qtbot, window: MainWindow, path: Path) -> None:
    qtbot.waitUntil(
        lambda: window.state.table is not None and window.state.table.path == path and not window.jobs.busy,
        timeout=60_000,
    )


def test_a_second_open_while_busy_opens_after_the_first(qtbot, window: MainWindow, tmp_path: Path) -> None:
    second = tmp_path / "second.csv"
    second.write_bytes(SAMPLE.read_bytes())
    assert window.open_file(LABELLED) is not None
    assert window.open_file(second) is None  # busy: queued, and said
    assert "second.csv will open when the current job ends" in window.message.text()
    _loaded(qtbot, window, second)


def test_an_open_right_after_cancel_is_not_lost(qtbot, window: MainWindow, tmp_path: Path) -> None:
    second = tmp_path / "after_cancel.csv"
    second.write_bytes(SAMPLE.read_bytes())
    window.open_file(LABELLED)
    window.jobs.cancel()
    window.open_file(second)
    _loaded(qtbot, window, second)


def test_files_dropped_together_open_the_first_and_name_the_rest(qtbot, window: MainWindow, tmp_path: Path) -> None:
    paths = []
    for name in ("a.csv", "b.csv", "c.csv"):
        paths.append(tmp_path / name)
        paths[-1].write_bytes(SAMPLE.read_bytes())
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    window.dropEvent(event)
    assert "opens a.csv, not b.csv, c.csv" in window.message.text()
    _loaded(qtbot, window, paths[0])


def test_open_recent_keeps_the_absolute_path(qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "relative.csv").write_bytes(SAMPLE.read_bytes())
    monkeypatch.chdir(tmp_path)
    open_and_wait(qtbot, window, Path("relative.csv"))
    assert window.settings.recent_files[0] == str(tmp_path / "relative.csv")
    open_and_wait(qtbot, window, tmp_path / "relative.csv")
    assert window.settings.recent_files.count(str(tmp_path / "relative.csv")) == 1


def test_a_file_truncated_while_it_is_read_is_flagged_on_screen(qtbot, window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "shrinking.csv"
    path.write_bytes(LABELLED.read_bytes())
    lines = LABELLED.read_text(encoding="utf-8").splitlines(keepends=True)

    def truncate(_done: int, _total: int) -> None:  # while the worker reads (after it noted the file's size)
        window.jobs.progress.disconnect(truncate)
        path.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")

    window.jobs.progress.connect(truncate)
    with qtbot.waitSignal(window.jobFailed, timeout=60_000) as failed:
        window.open_file(path)
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    assert "changed while it was being read" in failed.args[0]
    assert "changed while it was being read" in window.message.text()


def test_installing_an_update_scores_the_open_file_again_with_its_unsaved_mapping(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    from app.core.signing import read_private_key
    from model_build.packaging import keygen, package
    from tests.app.core.test_signed_models import _bundle

    export, mapping = tmp_path / "ibm.csv", tmp_path / "ibm.toml"
    _ibm_export(LABELLED, export)
    mapping.write_text(IBM_MAPPING, encoding="utf-8")
    options = InputOptions(mapping=load_mapping(mapping, window.state.bundle.card))
    mapping.unlink()  # used without saving: only the window holds it now
    with qtbot.waitSignal(window.fileLoaded, timeout=60_000):
        window.open_file(export, options)
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    before = window.state.table.probability.copy()
    private, _ = keygen(tmp_path / "keys")
    monkeypatch.setattr("app.core.model_store.keys_dir", lambda: tmp_path / "keys")
    signed = package(_bundle(tmp_path / "bundle", "1.0.1"), read_private_key(private.read_text(), private), tmp_path)
    with qtbot.waitSignal(window.updateShown, timeout=60_000) as shown:
        window.install_update(signed)
    with qtbot.waitSignal(window.fileLoaded, timeout=120_000) as reloaded:
        shown.args[0].accept()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    assert window.state.bundle.card.version == "1.0.1"
    table = reloaded.args[0]
    assert table.path == export
    assert table.options.mapping is options.mapping
    assert (table.probability == before).all()


def test_charts_saved_where_they_cannot_be_get_a_plain_message(qtbot, window: MainWindow, tmp_path: Path) -> None:
    open_and_wait(qtbot, window, LABELLED)
    window.tabs.setCurrentWidget(window.panels["Model quality"])
    not_a_folder = tmp_path / "a_file"
    not_a_folder.write_text("x")
    with qtbot.waitSignal(window.jobFailed, timeout=10_000) as failed:
        assert window.export_charts(not_a_folder) == []
    assert "cannot be written" in failed.args[0]
    assert window.last_error is not None
    assert window.last_error.icon().name == "Warning"  # the user's problem, not a bug


def test_export_charts_leaves_out_what_shows_nothing(qtbot, window: MainWindow, tmp_path: Path) -> None:
    assert not window.export_charts_action.isEnabled()  # no file open
    open_and_wait(qtbot, window, LABELLED)
    assert window.export_charts_action.isEnabled()
    window.tabs.setCurrentWidget(window.panels["Results"])
    (tmp_path / "charts").mkdir()
    assert window.export_charts(tmp_path / "charts") == []  # no row selected: no 'why this score' to save


def test_messages_in_the_window_name_its_controls_not_command_line_options(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    from tests.app.core.test_analyst_files import _ibm_export

    export = tmp_path / "ibm.csv"
    _ibm_export(SAMPLE, export)
    with qtbot.waitSignal(window.mappingRequested, timeout=60_000) as asked:
        window.open_file(export)
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    asked.args[0].reject()
    assert "(File ▸ Map columns…)" in window.message.text()
    assert "--mapping" not in window.message.text()
    open_and_wait(qtbot, window, SAMPLE)
    with qtbot.waitSignal(window.jobFailed, timeout=60_000) as failed:
        window.export_scored(SAMPLE)
    assert "choose another name or folder" in failed.args[0]
    assert "-o" not in failed.args[0]


def test_the_command_line_keeps_its_own_words(tmp_path: Path, capsys) -> None:
    from app.cli import EXIT_INPUT, main
    from app.core import i18n
    from tests.app.core.test_analyst_files import _ibm_export

    i18n.set_front_end("cli")
    export = tmp_path / "ibm.csv"
    _ibm_export(SAMPLE, export)
    assert main(["score", str(export), "-o", str(tmp_path / "out.csv"), "--no-log"]) == EXIT_INPUT
    assert "with --mapping" in capsys.readouterr().err


def _broken_mapping_dialog(qtbot, window: MainWindow, tmp_path: Path):
    from app.core.mapping_draft import header_key, read_sample
    from tests.app.core.test_analyst_files import _ibm_export

    export = tmp_path / "ibm.csv"
    _ibm_export(SAMPLE, export)
    broken = tmp_path / "ibm.mapping.toml"
    broken.write_text("[columns\nfemale = ", encoding="utf-8")  # edited by hand, and broken
    header = header_key(read_sample(export, window.state.bundle).columns)
    window.settings.remember_mapping(header, str(broken))
    window.open_file(export)
    qtbot.waitUntil(lambda: getattr(window, "broken_mapping_dialog", None) is not None, timeout=60_000)
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    dialog = window.broken_mapping_dialog
    assert "ibm.mapping.toml" in dialog.text()
    return dialog, header


def test_a_broken_saved_mapping_can_be_forgotten(qtbot, window: MainWindow, tmp_path: Path) -> None:
    dialog, header = _broken_mapping_dialog(qtbot, window, tmp_path)
    forget = next(b for b in dialog.buttons() if b.text() == "Forget it")
    with qtbot.waitSignal(window.mappingRequested, timeout=60_000) as asked:
        forget.click()
    assert header not in window.settings.mappings()
    asked.args[0].reject()


def test_a_broken_saved_mapping_can_be_made_again(qtbot, window: MainWindow, tmp_path: Path) -> None:
    dialog, header = _broken_mapping_dialog(qtbot, window, tmp_path)
    again = next(b for b in dialog.buttons() if b.text() == "Map again…")
    with qtbot.waitSignal(window.mappingRequested, timeout=60_000) as asked:
        again.click()
    assert asked.args[0].isVisible()
    asked.args[0].reject()


def test_a_burst_of_threshold_changes_redraws_model_quality_once_more_not_each_time(
    qtbot, window: MainWindow, monkeypatch
) -> None:
    open_and_wait(qtbot, window, LABELLED)
    quality = window.panels["Model quality"]
    window.tabs.setCurrentWidget(quality)
    drawn: list[float] = []
    original = quality._threshold_changed
    monkeypatch.setattr(quality, "_threshold_changed", lambda t: (drawn.append(t), original(t)))
    start = window.state.threshold
    for step in range(1, 26):  # 25 presses of the right arrow, queued faster than one redraw
        window.state.set_threshold(start + step / 100)
    qtbot.waitUntil(lambda: drawn and drawn[-1] == window.state.threshold, timeout=10_000)
    assert len(drawn) == 2  # the first at once, then one for the latest
    confusion = window.state.file_ranked().confusion(window.state.threshold)
    assert quality.file_side.matrix.counts() == {
        "tp": confusion.tp,
        "fp": confusion.fp,
        "tn": confusion.tn,
        "fn": confusion.fn,
    }


def test_a_file_of_one_row_is_one_row_everywhere(qtbot, window: MainWindow, tmp_path: Path) -> None:
    header, first, *_ = SAMPLE.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "one.csv"
    path.write_text(f"{header}\n{first}\n", encoding="utf-8")
    open_and_wait(qtbot, window, path)
    assert "one.csv: 1 row (" in window.message.text()
    assert "No problems found in 1 row." == window.panels["Sanity"].banner.text()
    warned = tmp_path / "one_warning.csv"
    warned.write_text(f"{header}\n{first.replace('Month-to-month', 'Weekly')}\n", encoding="utf-8")
    open_and_wait(qtbot, window, warned)
    assert "The row has a warning of its own." in window.panels["Sanity"].banner.text()
    assert "1 rows" not in window.message.text() + window.panels["Sanity"].banner.text()


def test_model_quality_finds_its_views_made_by_the_workers(qtbot, tmp_path: Path, monkeypatch) -> None:
    """The first visit to Model quality draws; the ROC bands' resampling ran in the workers that loaded the model
    and the file, never on the GUI thread."""
    import threading

    from app.core import views
    from app.ui.settings import Settings
    from app.ui.state import AppState

    threads: list[str] = []
    for name in ("card_quality", "file_quality"):
        original = getattr(views, name)

        def traced(*args, original=original):
            threads.append(threading.current_thread().name)
            return original(*args)

        monkeypatch.setattr(views, name, traced)
    window = MainWindow(AppState(), Settings())
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.bundleLoaded, timeout=60_000):
        window.load_default_bundle()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    open_and_wait(qtbot, window, LABELLED)
    window.show()
    window.tabs.setCurrentWidget(window.panels["Model quality"])
    assert window.panels["Model quality"].file_side.matrix.counts()
    assert len(threads) == 2
    assert threading.main_thread().name not in threads
    window.close()


def test_a_report_named_pdf_is_refused_plainly(qtbot, window: MainWindow, tmp_path: Path) -> None:
    open_and_wait(qtbot, window, LABELLED)
    with qtbot.waitSignal(window.jobFailed, timeout=10_000) as failed:
        assert window.export_report(tmp_path / "report.pdf") is None
    assert "name it .html, not .pdf" in failed.args[0]
    assert not (tmp_path / "report.pdf").exists()


def test_a_small_window_stays_small_when_tabs_change(qtbot, window: MainWindow) -> None:
    window.resize(200, 150)
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        QApplication.processEvents()
    assert window.width() < 600
    assert window.height() < 500


def test_a_new_file_clears_the_search(qtbot, window: MainWindow, tmp_path: Path) -> None:
    open_and_wait(qtbot, window, LABELLED)
    results = window.panels["Results"]
    results.search.setText("Two year")
    results.apply_filters()
    assert results.model.rowCount() < 500
    table = open_and_wait(qtbot, window, SAMPLE)
    assert results.search.text() == ""
    assert results.model.rowCount() == len(table)


def test_the_threshold_is_always_on_screen_with_the_way_back_to_the_models(qtbot, window: MainWindow) -> None:
    own = window.state.bundle.card.threshold
    assert window.threshold_label.text() == f"Threshold {own:.2f} (the model's)"
    assert window.reset_threshold.isHidden()
    window.state.set_threshold(0.4)
    assert window.threshold_label.text() == f"Threshold 0.40 (yours; the model's is {own:.2f})"
    assert not window.reset_threshold.isHidden()
    qtbot.mouseClick(window.reset_threshold, Qt.MouseButton.LeftButton)
    assert window.state.threshold == round(own, 2)
    assert window.reset_threshold.isHidden()


def test_an_export_names_the_threshold_its_predictions_use(qtbot, window: MainWindow, tmp_path: Path) -> None:
    open_and_wait(qtbot, window, SAMPLE)
    window.state.set_threshold(0.3)
    with qtbot.waitSignal(window.exportFinished, timeout=60_000):
        window.export_scored(tmp_path / "out.csv")
    assert "(predictions at threshold 0.30)" in window.message.text()


def test_keyboard_reaches_the_search_and_every_tab(qtbot, window: MainWindow) -> None:
    window.activateWindow()
    for index in range(window.tabs.count()):
        qtbot.keyClick(window, Qt.Key.Key_1 + index, Qt.KeyboardModifier.ControlModifier)
        assert window.tabs.currentIndex() == index
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    results = window.panels["Results"]
    assert window.tabs.currentWidget() is results
    assert results.search.hasFocus()


def test_rows_taken_out_of_the_table_copy_as_tsv_and_export_as_scored(qtbot, window: MainWindow, tmp_path) -> None:
    from PySide6.QtGui import QGuiApplication

    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    frame.loc[1, "contract"] = "=HYPERLINK(1)"  # an unseen category that a spreadsheet would run
    path = tmp_path / "customers.csv"
    frame.to_csv(path, index=False)
    open_and_wait(qtbot, window, path)
    results = window.panels["Results"]
    results.view.selectRow(0)
    results.view.selectionModel().select(
        results.model.index(1, 0),
        results.view.selectionModel().SelectionFlag.Select | results.view.selectionModel().SelectionFlag.Rows,
    )
    text = window.table_actions.copy_selected()
    assert QGuiApplication.clipboard().text() == text
    header, first, second = text.rstrip("\r\n").split("\r\n")
    assert header.split("\t")[: results.model.columnCount()][0] == results.model.headerData(
        0, Qt.Orientation.Horizontal
    )
    assert first.split("\t")[1] == results.model.data(results.model.index(0, 1))
    assert "'=HYPERLINK(1)" in second.split("\t")
    results.status_filter.setCurrentIndex(2)  # warning rows only
    shown = results.visible_mask()
    with qtbot.waitSignal(window.exportFinished, timeout=60_000):
        assert window.export_scored(tmp_path / "rows.csv", shown) is not None, window.message.text()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    whole = tmp_path / "whole.csv"
    with qtbot.waitSignal(window.exportFinished, timeout=60_000):
        window.export_scored(whole)
    written = pd.read_csv(tmp_path / "rows.csv", dtype=str, keep_default_na=False)
    expected = pd.read_csv(whole, dtype=str, keep_default_na=False).iloc[np.flatnonzero(shown)].reset_index(drop=True)
    assert len(written) == int(shown.sum()) >= 1
    pd.testing.assert_frame_equal(written, expected)


def test_the_results_tab_names_the_threshold_of_its_predictions(qtbot, window: MainWindow) -> None:
    open_and_wait(qtbot, window, SAMPLE)
    results = window.panels["Results"]
    own = window.state.bundle.card.threshold
    assert results.count_label.text() == f"200 of 200 rows; predictions at threshold {own:.2f}"
    window.state.set_threshold(0.55)
    assert results.count_label.text().endswith("predictions at threshold 0.55")
