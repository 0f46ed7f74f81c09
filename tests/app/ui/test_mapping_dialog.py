"""The mapping dialog and the sheet picker, driven with real widgets: pick a column, map values, save, reopen."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from PySide6.QtCore import Qt

from app.core.mapping_file import load_mapping
from app.ui.main_window import MainWindow
from tests.app.core.test_analyst_files import _ibm_export
from tests.app.inputs import SAMPLE
from tests.app.ui.conftest import open_and_wait


def _open_needing_a_mapping(qtbot, window: MainWindow, path: Path):
    with qtbot.waitSignal(window.mappingRequested, timeout=60_000) as blocker:
        window.open_file(path)
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    return blocker.args[0]


def test_a_file_lacking_model_columns_opens_the_mapping_dialog(qtbot, window: MainWindow, tmp_path: Path) -> None:
    export = tmp_path / "ibm.csv"
    _ibm_export(SAMPLE, export)
    dialog = _open_needing_a_mapping(qtbot, window, export)
    assert dialog.isVisible()
    # Matched by name already: MonthlyCharges -> monthly_charges; not matched: gender for female.
    assert dialog.picker("monthly_charges").currentData() == "MonthlyCharges"
    assert dialog.picker("female").currentData() is None
    qtbot.waitUntil(dialog.preview_ready)  # the count is made off the GUI thread
    assert "no row can be scored" in dialog.preview_label.text()
    # Pick the column with the keyboard, as a user tabbing through the table would.
    picker = dialog.picker("female")
    picker.setFocus()
    qtbot.keyClicks(picker, "gender")
    assert picker.currentData() == "gender"
    assert "Values of 'gender'" in dialog.values_label.text()
    dialog.value_choice("Female").setCurrentIndex(dialog.value_choice("Female").findData("1"))
    dialog.value_choice("Male").setCurrentIndex(dialog.value_choice("Male").findData("0"))
    qtbot.waitUntil(dialog.preview_ready)
    assert "200 would be scored and 0 invalid" in dialog.preview_label.text()
    saved = tmp_path / "ibm.mapping.toml"
    dialog._ask_path = lambda: str(saved)  # the save dialog's answer
    with qtbot.waitSignal(window.fileLoaded, timeout=60_000) as loaded:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    table = loaded.args[0]
    assert table.report.status_counts["invalid"] == 0
    mapping = load_mapping(saved, window.state.bundle.card)
    assert mapping.columns["female"] == "gender"
    assert dict(mapping.values["female"]) == {"Female": "1", "Male": "0"}
    sanity = window.panels["Sanity"]
    assert "Mapped with \u2068ibm.mapping.toml\u2069" in sanity.mapping_label.text()
    assert "Edit" in sanity.mapping_label.text()

    # The next file with the same header is mapped without asking.
    other = tmp_path / "next_month.csv"
    frame = pd.read_csv(export, dtype=str, keep_default_na=False).iloc[:50]
    frame.to_csv(other, index=False)
    table = open_and_wait(qtbot, window, other)
    assert table.report.status_counts["invalid"] == 0
    assert table.report.mapping_file["name"] == "ibm.mapping.toml"
    assert not sanity.mapping_label.isHidden()  # shown on the Sanity tab (not the current one)

    # Edit… opens the dialog again, filled with the mapping in use.
    with qtbot.waitSignal(window.mappingRequested, timeout=60_000) as again:
        sanity.mapping_label.linkActivated.emit("edit")
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    dialog = again.args[0]
    assert dialog.picker("female").currentData() == "gender"
    dialog.reject()


def test_a_workbook_of_several_sheets_asks_which_to_open(qtbot, window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        pd.DataFrame({"note": ["cover"]}).to_excel(writer, sheet_name="About", index=False)
        pd.read_csv(SAMPLE).to_excel(writer, sheet_name="Customers", index=False)
    window.open_file(path)
    dialog = window.sheet_dialog
    assert dialog.isVisible()
    assert [dialog.comboBoxItems()[i] for i in range(2)] == ["About", "Customers"]
    with qtbot.waitSignal(window.fileLoaded, timeout=60_000) as loaded:
        dialog.setTextValue("Customers")
        dialog.accept()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    assert len(loaded.args[0]) == 200
    assert "sheet 'Customers'" in window.message.text()


def _workbook(path: Path, sheets: dict[str, pd.DataFrame], hidden: tuple[str, ...] = (), active: int = 0) -> Path:
    """A workbook as Excel saves it: some sheets hidden, one active."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            sheet.append(list(row))
        sheet.sheet_state = "hidden" if name in hidden else "visible"
    book.active = active
    book.save(path)
    return path


def test_the_sheet_picker_preselects_the_sheet_a_hidden_first_one_hides(qtbot, window: MainWindow, tmp_path) -> None:
    customers = pd.read_csv(SAMPLE)
    path = _workbook(
        tmp_path / "book.xlsx", {"Old": customers.iloc[:5], "Customers": customers}, hidden=("Old",), active=1
    )
    window.open_file(path)
    dialog = window.sheet_dialog
    assert dialog.isVisible()
    assert list(dialog.comboBoxItems()) == ["Old (hidden)", "Customers"]
    assert dialog.textValue() == "Customers"
    with qtbot.waitSignal(window.fileLoaded, timeout=60_000) as loaded:
        dialog.accept()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    assert len(loaded.args[0]) == 200
    assert "sheet 'Customers'" in window.message.text()


def test_the_mapping_dialog_goes_back_to_the_sheet_choice(qtbot, window: MainWindow, tmp_path: Path) -> None:
    cover = pd.DataFrame({"note": ["the customers are on the next sheet"]})
    path = _workbook(tmp_path / "book.xlsx", {"About": cover, "Customers": pd.read_csv(SAMPLE)})
    window.open_file(path)
    assert window.sheet_dialog.textValue() == "About"  # the active sheet, as the workbook was saved
    with qtbot.waitSignal(window.mappingRequested, timeout=60_000) as asked:
        window.sheet_dialog.accept()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    mapping = asked.args[0]
    qtbot.mouseClick(mapping.sheet_button, Qt.MouseButton.LeftButton)
    assert not mapping.isVisible()
    picker = window.sheet_dialog
    assert picker.isVisible()
    with qtbot.waitSignal(window.fileLoaded, timeout=60_000) as loaded:
        picker.setTextValue("Customers")
        picker.accept()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    assert len(loaded.args[0]) == 200


def test_a_csv_needing_a_mapping_offers_no_sheet_choice(qtbot, window: MainWindow, tmp_path: Path) -> None:
    export = tmp_path / "ibm.csv"
    _ibm_export(SAMPLE, export)
    dialog = _open_needing_a_mapping(qtbot, window, export)
    assert dialog.sheet_button is None
    dialog.reject()


def test_the_sanity_banner_leads_with_rows_that_do_not_match_the_header(qtbot, window, tmp_path: Path) -> None:
    header, *rows = SAMPLE.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "mixed.csv"
    path.write_text("\n".join([header.replace(",", ";"), *(r.replace(",", ";") for r in rows[:9]), *rows[9:]]) + "\n")
    open_and_wait(qtbot, window, path)
    banner = window.panels["Sanity"].banner.text()
    assert banner.startswith("The rows do not match the header:")
    assert "look comma-separated while the header is semicolon-separated" in banner


def test_the_mapping_dialog_names_the_missing_column_and_offers_no_use_of_a_mapping_that_scores_nothing(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    export = tmp_path / "ibm.csv"
    _ibm_export(SAMPLE, export)
    dialog = _open_needing_a_mapping(qtbot, window, export)
    qtbot.waitUntil(dialog.preview_ready)  # the count is made off the GUI thread
    assert "The model's 'female' has no file column yet" in dialog.preview_label.text()
    names = [dialog.columns_table.item(r, 0).text() for r in range(dialog.columns_table.rowCount())]
    marked = [n for r, n in enumerate(names) if dialog.columns_table.item(r, 0).background().style() != Qt.NoBrush]
    assert marked == ["female"]
    assert not dialog.use_button.isEnabled()  # nothing would be scored
    picker = dialog.picker("female")
    picker.setCurrentIndex(picker.findData("gender"))
    dialog.value_choice("Female").setCurrentIndex(dialog.value_choice("Female").findData("1"))
    dialog.value_choice("Male").setCurrentIndex(dialog.value_choice("Male").findData("0"))
    qtbot.waitUntil(dialog.preview_ready)
    assert dialog.use_button.isEnabled()
    assert [n for r, n in enumerate(names) if dialog.columns_table.item(r, 0).background().style() != Qt.NoBrush] == []
    assert dialog.columns_table.item(names.index("female"), 1).text() == "binary"
    dialog.reject()


def test_saving_a_mapping_where_it_cannot_be_written_says_so_and_keeps_the_dialog(
    qtbot, window: MainWindow, tmp_path: Path, isolated_user_data: Path
) -> None:
    export = tmp_path / "ibm.csv"
    _ibm_export(SAMPLE, export)
    dialog = _open_needing_a_mapping(qtbot, window, export)
    picker = dialog.picker("female")
    picker.setCurrentIndex(picker.findData("gender"))
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("x")
    dialog._ask_path = lambda: str(blocker / "ibm.mapping.toml")  # the save dialog's answer: inside a file
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "cannot be written" in dialog.save_error.text()
    assert dialog.save_error.icon().name == "Warning"  # the user's problem, not a bug
    assert not (isolated_user_data / "errors.log").exists()
    dialog.reject()


def test_the_preview_is_counted_off_the_gui_thread(qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    import threading

    from app.ui import mapping_dialog

    threads: list[str] = []
    real = mapping_dialog.preview
    monkeypatch.setattr(
        mapping_dialog, "preview", lambda *args: (threads.append(threading.current_thread().name), real(*args))[1]
    )
    export = tmp_path / "ibm.csv"
    _ibm_export(SAMPLE, export)
    dialog = _open_needing_a_mapping(qtbot, window, export)
    picker = dialog.picker("female")
    picker.setCurrentIndex(picker.findData("gender"))
    qtbot.waitUntil(dialog.preview_ready)
    assert threads
    assert threading.main_thread().name not in threads
    dialog.reject()
