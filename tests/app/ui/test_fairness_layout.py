"""Fairness: the group tables show every column whole, without scrolling sideways, at the default window size."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QStyle, QTableWidget

from app.core.bundle import Bundle
from app.ui.i18n import install_language
from app.ui.main_window import MainWindow
from tests.app.inputs import LABELLED
from tests.app.ui.conftest import close_window, open_and_wait, shown_window


def _cut_columns(table: QTableWidget) -> list[str]:
    """Columns narrower than their header, or with a cell whose text (wrapped where it may) does not fit."""
    header = table.horizontalHeader()
    metrics = table.fontMetrics()
    margin = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1)
    cut = []
    for column in range(table.columnCount()):
        width = header.sectionSize(column)
        name = table.horizontalHeaderItem(column).text()
        if width < header.sectionSizeFromContents(column).width():
            cut.append(f"{name}: header {width} < {header.sectionSizeFromContents(column).width()}")
        for row in range(table.rowCount()):
            text = table.item(row, column).text()
            flags = Qt.TextFlag.TextWordWrap if table.wordWrap() else 0
            needed = metrics.boundingRect(QRect(0, 0, width - margin, 10_000), flags, text)
            if needed.width() > width - margin or needed.height() > table.rowHeight(row):
                cut.append(
                    f"{name}: {text!r} needs {needed.width()}x{needed.height()} in {width}x{table.rowHeight(row)}"
                )
    return cut


@pytest.mark.parametrize("language", ["en", "es"])
def test_group_tables_fit_at_the_default_window_size(qtbot, bundle: Bundle, language: str) -> None:
    install_language(language)
    window = shown_window(qtbot, bundle)
    try:
        _check_fit(qtbot, window)
    finally:
        close_window(window)
        install_language("en")


def _check_fit(qtbot, window: MainWindow) -> None:
    window.resize(1280, 820)
    open_and_wait(qtbot, window, LABELLED)
    panel = window.panels["Fairness"]
    window.tabs.setCurrentWidget(panel)
    for side in (panel.card_side, panel.file_side):
        table = side.table
        qtbot.waitUntil(lambda table=table: table.viewport().width() > 0)
        assert table.rowCount() > 0
        header = table.horizontalHeader()
        assert header.length() <= table.viewport().width(), (header.length(), table.viewport().width())
        assert not table.horizontalScrollBar().isVisible()
        assert _cut_columns(table) == []
