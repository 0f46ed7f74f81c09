"""A virtual table over a scored file: only the visible cells are ever turned into text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QPainter
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from app.core.catalogue import CATALOGUE
from app.core.decisions import decision_digits
from app.core.i18n import Figure, gettext
from app.ui.i18n import QT_TR_NOOP, tr

if TYPE_CHECKING:
    from app.core.table import ScoredTable

__all__ = ["FIXED_COLUMNS", "ProbabilityDelegate", "ResultsModel", "issue_names", "shortened"]

FIXED_COLUMNS = ("row", "probability", "prediction", "status", "issues")
# The fixed columns' headers and the statuses as shown (the codes stay in the files the app writes).
_FIXED_HEADERS = {
    "row": QT_TR_NOOP("row"),
    "probability": QT_TR_NOOP("probability"),
    "prediction": QT_TR_NOOP("prediction"),
    "status": QT_TR_NOOP("status"),
    "issues": QT_TR_NOOP("issues"),
}
_STATUSES = (QT_TR_NOOP("ok"), QT_TR_NOOP("warning"), QT_TR_NOOP("invalid"))
# A cell is drawn and measured from its text: a 20 MB one took seconds. The table keeps the whole value.
SHOWN_CHARS, TIP_CHARS = 200, 2000
_STATUS_COLOURS = {1: QColor("#fff4cc"), 2: QColor("#f8d7d4")}
ProbabilityRole = Qt.ItemDataRole.UserRole + 1
_ROLE = Qt.ItemDataRole
_ANSWERED = frozenset(int(r) for r in (_ROLE.DisplayRole, _ROLE.ToolTipRole, _ROLE.BackgroundRole, ProbabilityRole))


def issue_names(tags: str) -> str:
    """A row's issue codes as their names: ``unseen_category:contract`` reads "Unseen category (contract)"."""
    names = []
    for tag in filter(None, tags.split(";")):
        code, _, column = tag.partition(":")
        title = gettext(CATALOGUE[code].title) if code in CATALOGUE else code
        names.append(f"{title} ({column})" if column else title)
    return "; ".join(names)


class ResultsModel(QAbstractTableModel):
    """Rows of a ScoredTable through a view: an index array that sorting and filtering rearrange."""

    def __init__(self) -> None:
        super().__init__()
        self.table: ScoredTable | None = None
        self.view = np.empty(0, dtype=np.int64)
        self.threshold = 0.5
        self.labels = ("No", "Yes")
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._columns = list(FIXED_COLUMNS)

    def set_table(self, table: ScoredTable | None, labels: tuple[str, str] = ("No", "Yes")) -> None:
        """Show a new table, unfiltered."""
        self.beginResetModel()
        self.table = table
        self.labels = labels
        self._columns = [*FIXED_COLUMNS, *(table.columns if table is not None else [])]
        self.view = np.arange(len(table)) if table is not None else np.empty(0, dtype=np.int64)
        self._sort = None
        self.endResetModel()

    def set_view(self, rows: np.ndarray) -> None:
        """Show ``rows`` (indices into the table), keeping the current sort."""
        self.beginResetModel()
        self.view = np.asarray(rows, dtype=np.int64)
        if self._sort is not None:
            self.view = self._sorted(self.view, *self._sort)
        self.endResetModel()

    def set_threshold(self, threshold: float) -> None:
        """Predictions and the probability bars' colours depend on the threshold: repaint those columns."""
        self.threshold = threshold
        if self.rowCount():
            first, last = FIXED_COLUMNS.index("probability"), FIXED_COLUMNS.index("prediction")
            self.dataChanged.emit(self.index(0, first), self.index(self.rowCount() - 1, last))

    def columns(self) -> list[str]:
        """Header labels: the fixed columns, then the file's own."""
        return self._columns

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else int(self.view.size)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns())

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: ANN401 - an opaque JSON or Qt value
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            name = self.columns()[section]
            return tr(_FIXED_HEADERS[name]) if section < len(FIXED_COLUMNS) else name  # a file's column as written
        return None

    def table_row(self, view_row: int) -> int:
        """The table row shown at ``view_row``."""
        return int(self.view[view_row])

    def prediction(self, row: int) -> str:
        """The label at the current threshold, empty for unscored rows."""
        p = self.table.probability[row] if self.table is not None else np.nan
        return "" if np.isnan(p) else self.labels[int(p >= self.threshold)]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: ANN401 - an opaque JSON or Qt value
        # Views ask for a dozen roles per cell: answer the ones not drawn here before any lookup.
        if role not in _ANSWERED:
            return None
        if not index.isValid() or self.table is None:
            return None
        row = int(self.view[index.row()])
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = _STATUS_COLOURS.get(int(self.table.status[row]))
            return QBrush(colour) if colour is not None else None
        name = self.columns()[index.column()]
        if role == ProbabilityRole:
            return float(self.table.probability[row]) if name == "probability" else None
        return shortened(self._text(row, name), SHOWN_CHARS if role == Qt.ItemDataRole.DisplayRole else TIP_CHARS)

    def _text(self, row: int, name: str) -> str:
        """The whole text of one cell: a fixed column's, or the file's as read."""
        assert self.table is not None
        if name == "row":
            return str(row + 1)
        if name == "probability":
            p = self.table.probability[row]
            if np.isnan(p):
                return ""
            return Figure(float(p), decision_digits(float(p), self.threshold)).local()  # 0.312 / 0,312; 0.18998
        if name == "prediction":
            return self.prediction(row)
        if name == "status":
            return tr(_STATUSES[int(self.table.status[row])])
        if name == "issues":
            return issue_names(str(self.table.issues[row]))
        return self.table.cell(row, name)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the view by a column, with numpy on the whole column."""
        if self.table is None:
            return
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self.view = self._sorted(self.view, column, order)
        self.layoutChanged.emit()

    def _sorted(self, rows: np.ndarray, column: int, order: Qt.SortOrder) -> np.ndarray:
        table = self.table
        assert table is not None
        name = self.columns()[column]
        if name == "row":
            keys = rows.astype(np.float64)
        elif name in ("probability", "prediction"):
            keys = np.nan_to_num(table.probability[rows], nan=np.inf)
        elif name == "status":
            keys = table.status[rows].astype(np.float64)
        elif name == "issues":
            keys = np.unique(table.issues[rows].astype(str), return_inverse=True)[1].astype(np.float64)
        else:
            keys = table.sort_keys(name)[rows]
        order_index = np.argsort(keys, kind="stable")
        if order == Qt.SortOrder.DescendingOrder:
            order_index = order_index[::-1]
        return rows[order_index]


def shortened(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis, when longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ProbabilityDelegate(QStyledItemDelegate):
    """Draws the probability as a bar, red above the threshold and blue below."""

    def __init__(self, model: ResultsModel) -> None:
        super().__init__()
        self._model = model

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        value = index.data(ProbabilityRole)
        if value is None or np.isnan(value):
            super().paint(painter, option, index)
            return
        painter.save()
        rect = option.rect.adjusted(2, 3, -2, -3)
        colour = QColor("#e8a29a") if value >= self._model.threshold else QColor("#a9c8e8")
        painter.fillRect(rect.x(), rect.y(), int(rect.width() * value), rect.height(), colour)
        painter.restore()
        super().paint(painter, option, index)
