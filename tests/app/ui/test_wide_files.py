"""Wide files and huge cells: the window does bounded work on the GUI thread, and every value stays reachable.

Timings are the benchmark's job (benchmarks/bench_app.py); these tests count the work instead.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import Qt

from app.core.mapping_draft import FileSample, model_columns, read_sample
from app.core.table import ScoredTable
from app.ui import mapping_dialog
from app.ui.main_window import MainWindow
from app.ui.mapping_dialog import MappingDialog
from tests.app.inputs import SAMPLE
from tests.app.ui.conftest import open_and_wait

EXTRA = 600  # far more columns than fit in a window


def _wide(path: Path, extra: int = EXTRA, hide: str | None = None) -> Path:
    """The sample with ``extra`` numbered columns; the last one's values are long; ``hide`` renames a model column."""
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    if hide:
        frame = frame.rename(columns={hide: f"{hide}_in_file"})
    columns = {f"extra_{i:04d}": [f"{row}.{i}" for row in range(len(frame))] for i in range(extra - 1)}
    columns["last_column"] = [f"the last column's value on row {row}, written out" for row in range(len(frame))]
    pd.concat([frame, pd.DataFrame(columns)], axis=1).to_csv(path, index=False)
    return path


@pytest.fixture
def cells_read(monkeypatch) -> set[str]:
    """The columns whose cells anything asked the scored table for (the real cells are still returned)."""
    asked: set[str] = set()
    real = ScoredTable.cell

    def cell(self: ScoredTable, row: int, column: str) -> str:
        asked.add(column)
        return real(self, row, column)

    monkeypatch.setattr(ScoredTable, "cell", cell)
    return asked


def test_a_wide_file_sizes_only_the_columns_in_view(qtbot, window: MainWindow, tmp_path: Path, cells_read) -> None:
    table = open_and_wait(qtbot, window, _wide(tmp_path / "wide.csv"))
    results = window.panels["Results"]
    window.tabs.setCurrentWidget(results)
    qtbot.waitUntil(results.view.isVisible)
    # Sizing every column to its contents read all 620 columns' cells on the GUI thread: seconds at 5,000.
    assert 0 < len(cells_read) < 60, len(cells_read)
    model, header = results.model, results.view.horizontalHeader()
    last = model.columnCount() - 1
    assert model.columnCount() == 5 + len(table.columns)
    assert model.headerData(last, Qt.Orientation.Horizontal) == ("last_column")
    assert header.sectionSize(last) == header.defaultSectionSize()  # not sized yet: out of view
    # Scrolled into view, the last column is sized to its contents and shows its values.
    results.view.scrollTo(model.index(0, last))
    qtbot.waitUntil(lambda: header.sectionSize(last) > header.defaultSectionSize())
    assert model.data(model.index(3, last)) == "the last column's value on row 3, written out"
    assert "last_column" in cells_read


def test_starting_a_job_collects_only_the_young_generations(qtbot, window: MainWindow, monkeypatch) -> None:
    collected: list[int] = []
    real = gc.collect
    monkeypatch.setattr(gc, "collect", lambda generation=2: collected.append(generation) or real(generation))
    open_and_wait(qtbot, window, SAMPLE)
    # A full collection (generation 2) at every file opened stalled the window 60 to 130 ms.
    assert collected == [1]
    assert gc.isenabled()  # paused while the worker ran, resumed after


def test_a_huge_cell_is_shortened_on_screen_and_kept_whole(qtbot, window: MainWindow, tmp_path: Path) -> None:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    huge = "lorem ipsum " * 10_000  # 120 kB in one cell of a model column (an unseen category)
    frame.loc[0, "payment_method"] = huge
    frame.to_csv(tmp_path / "huge.csv", index=False)
    table = open_and_wait(qtbot, window, tmp_path / "huge.csv")
    results = window.panels["Results"]
    model = results.model
    column = model.columns().index("payment_method")
    shown = model.data(model.index(0, column))
    tip = model.data(model.index(0, column), Qt.ItemDataRole.ToolTipRole)
    assert shown.startswith("lorem ipsum lorem")
    assert shown.endswith("…")
    assert len(shown) <= 201
    assert tip.startswith(shown[:-1])
    assert len(shown) < len(tip) <= 2001
    assert model.data(model.index(1, column)) == frame.loc[1, "payment_method"]  # short cells unchanged
    assert table.cell(0, "payment_method") == huge  # the data (and so the export) keeps the whole value
    assert results.view.horizontalHeader().sectionSize(column) <= 400
    window.tabs.setCurrentWidget(results)
    qtbot.waitUntil(lambda: results.explanation.isVisible() and results.explanation.height() > 100)
    results.view.selectRow(0)
    qtbot.waitUntil(lambda: "Row 1" in results.detail.toPlainText())
    detail = results.detail.toPlainText()
    assert "payment_method" in detail
    assert "lorem ipsum" in detail
    assert len(detail) < 2000
    # Its explanation labels the feature with its value: drawing 1.2 MB of it took 200 s.
    qtbot.waitUntil(lambda: results.explanation.shows_data(), timeout=30_000)  # explained off the GUI thread
    labels = [label.get_text() for label in results.explanation.figure.axes[0].get_yticklabels()]
    label = next(label for label in labels if label.startswith("payment_method = "))
    assert label.startswith("payment_method = lorem ipsum")
    assert len(label) < 80


def test_the_sanity_panel_lists_a_wide_files_issues_in_batches(qtbot, window: MainWindow, tmp_path: Path) -> None:
    table = open_and_wait(qtbot, window, _wide(tmp_path / "wide.csv"))
    sanity = window.panels["Sanity"]
    tree = sanity.tree

    def listed() -> list[str]:
        groups = [tree.topLevelItem(g) for g in range(tree.topLevelItemCount())]
        return [group.child(c).text(1) for group in groups for c in range(group.childCount())]

    sanity.refresh()
    # One row per unused column: 600 here (4,980 for 5,000 columns, 120 ms) were all built in one go before.
    assert len(listed()) <= 300
    qtbot.waitUntil(lambda: len(listed()) == len(table.report.issues))
    assert listed()[-1] == "last_column"
    assert tree.topLevelItem(tree.topLevelItemCount() - 1).text(0) == "Information (600)"


@pytest.fixture
def labels_computed(monkeypatch) -> list[str]:
    """The file columns whose example values the mapping dialog looked up (the real values are returned)."""
    asked: list[str] = []
    real = FileSample.values

    def values(self: FileSample, column: str, limit: int = 50) -> list[str]:
        asked.append(column)
        return real(self, column, limit)

    monkeypatch.setattr(FileSample, "values", values)
    return asked


@pytest.fixture
def previews(monkeypatch) -> list[object]:
    """The mappings the dialog previewed (each preview scores the sample, now off the GUI thread)."""
    asked: list[object] = []
    real = mapping_dialog.preview

    def preview(sample: FileSample, bundle, mapping) -> dict[str, int]:
        asked.append(mapping)
        return real(sample, bundle, mapping)

    monkeypatch.setattr(mapping_dialog, "preview", preview)
    return asked


def test_the_mapping_dialog_looks_up_examples_only_for_columns_shown(
    qtbot, bundle, tmp_path: Path, labels_computed, previews
) -> None:
    sample = read_sample(_wide(tmp_path / "wide.csv", hide="female"), bundle)
    dialog = MappingDialog(bundle, sample)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    # One picker per model column, each listing every file column with examples: 20 x 620 lookups before.
    assert len(labels_computed) < 100, len(labels_computed)
    picker = dialog.picker("female")
    assert picker.count() == len(sample.columns) + 1
    assert picker.itemData(picker.count() - 1) == "last_column"
    label = picker.itemText(picker.count() - 1)  # looked up when asked for; long examples shortened
    assert label.startswith("last_column   (e.g. the last column's value…, "), label
    assert "…" in label
    assert len(label) < 120
    assert labels_computed[-1] == "last_column"
    # Its list opens below it and labels the rows it shows (Fusion's menu-like popup measured all 620).
    before = len(labels_computed)
    picker.showPopup()
    qtbot.waitUntil(picker.view().isVisible)
    assert len(labels_computed) - before < 40
    picker.hidePopup()
    assert dialog.picker("tenure").currentData() == "tenure"  # still matched by name
    qtbot.waitUntil(dialog.preview_ready)  # the count is made off the GUI thread
    assert "no row can be scored" in dialog.preview_label.text()
    # Typing a column's first letter picks it, as before (one key: a slow machine's keystrokes would each
    # start a new search); the mapping and its preview follow.
    picker.setFocus()
    previews.clear()
    qtbot.keyClicks(picker, "f")
    qtbot.waitUntil(dialog.preview_ready)
    assert len(previews) == 1  # a pick previewed the same mapping three times before
    assert picker.currentData() == "female_in_file"
    assert dialog.mapping().columns == {"female": "female_in_file"}
    assert f"{len(sample.rows)} would be scored and 0 invalid" in dialog.preview_label.text()


def test_the_mapping_dialog_shortens_a_huge_value_and_maps_it_whole(qtbot, bundle, tmp_path: Path) -> None:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    huge = "Two year " * 10_000  # 90 kB
    frame.loc[0, "contract"] = huge
    frame.to_csv(tmp_path / "huge.csv", index=False)
    dialog = MappingDialog(bundle, read_sample(tmp_path / "huge.csv", bundle))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.columns_table.setCurrentCell(model_columns(bundle).index("contract"), 2)
    shown = [dialog.values_table.item(row, 0).text() for row in range(dialog.values_table.rowCount())]
    assert max(len(text) for text in shown) <= 200  # the whole value made each repaint elide 90 kB
    assert any(text.startswith("Two year Two year") and text.endswith("…") for text in shown)
    choice = dialog.value_choice(huge.strip())  # values are read with the spaces around them ignored
    choice.setCurrentIndex(choice.findData("Two year"))
    assert dialog.mapping().values["contract"][huge.strip()] == "Two year"
