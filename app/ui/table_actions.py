"""Taking rows out of the Results table: copy them as tab-separated text (what Excel pastes into cells) and a
context menu that also exports the rows shown."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QAbstractItemModel, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMenu, QTableView

from app.core.output import neutralise_formulas
from app.ui.i18n import tr

__all__ = ["TableActions", "rows_as_tsv"]


def _cell(text: object) -> str:
    """One cell as TSV holds it: a tab or a line break inside would start another cell or row."""
    return (
        str("" if text is None else text).replace("\t", " ").replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    )


def rows_as_tsv(model: QAbstractItemModel, view_rows: Sequence[int]) -> str:
    """The header and ``view_rows`` of ``model`` as shown, tab-separated; a cell a spreadsheet would run as a
    formula is quoted as text, as the exported files do."""
    columns = range(model.columnCount())
    header = [_cell(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)) for c in columns]
    lines = ["\t".join(str(v) for v in neutralise_formulas(header))]
    for row in view_rows:
        cells = [_cell(model.data(model.index(row, c), Qt.ItemDataRole.DisplayRole)) for c in columns]
        lines.append("\t".join(str(v) for v in neutralise_formulas(cells)))
    return "\r\n".join(lines) + "\r\n"


class TableActions(QObject):
    """Copy (Ctrl+C) and a context menu on a table view; ``export_shown`` exports the rows it shows."""

    def __init__(self, view: QTableView, export_shown: Callable[[], None]) -> None:
        super().__init__(view)
        self.view = view
        self.copy_action = QAction(tr("&Copy rows"), view)
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.copy_action.triggered.connect(self.copy_selected)
        self.export_action = QAction(tr("&Export the rows shown…"), view)
        self.export_action.triggered.connect(export_shown)
        view.addAction(self.copy_action)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._menu)

    def selected_rows(self) -> list[int]:
        """The view's selected rows, top to bottom."""
        selection = self.view.selectionModel()
        return sorted({index.row() for index in selection.selectedRows()}) if selection is not None else []

    def copy_selected(self) -> str:
        """Put the selected rows (all their cells) on the clipboard as TSV; returns the text."""
        model = self.view.model()
        rows = self.selected_rows()
        if model is None or not rows:
            return ""
        text = rows_as_tsv(model, rows)
        QGuiApplication.clipboard().setText(text)
        return text

    def _menu(self, position: QPoint) -> None:
        self.copy_action.setEnabled(bool(self.selected_rows()))
        menu = QMenu(self.view)
        menu.addAction(self.copy_action)
        menu.addAction(self.export_action)
        menu.exec(self.view.viewport().mapToGlobal(position))
