"""The mapping dialog: which file column feeds each model column, and which file values mean the model's.

It draws what ``app.core.mapping_draft`` suggests and previews; saving writes the documented TOML file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QProxyStyle,
    QPushButton,
    QStyle,
    QStyleHintReturn,
    QStyleOption,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.bundle import Bundle
from app.core.i18n import LocalizedError, integer, shown
from app.core.mapping_draft import FileSample, Preview, model_columns, preview, suggest_columns, suggest_values
from app.core.mapping_file import MappingFile, save_mapping
from app.ui.background import Background
from app.ui.errors import show_error
from app.ui.i18n import QT_TR_NOOP, tr
from app.ui.table_model import SHOWN_CHARS, shortened

__all__ = ["MappingDialog"]

_NONE = QT_TR_NOOP("(none)")
_AS_IS = QT_TR_NOOP("(as written)")
_EXAMPLES = 3
_EXAMPLE_CHARS = 24  # an example is a hint: a long one is cut, so a label stays one short line
_PICKER_CHARS = 28  # a picker's width in characters; measuring every label would look up every example
_MISSING = QColor("#fde2e1")  # a model column with no file column yet
_KINDS = {
    "numeric": QT_TR_NOOP("numeric"),
    "categorical": QT_TR_NOOP("categorical"),
    "binary": QT_TR_NOOP("binary"),
    "id": QT_TR_NOOP("id"),
}


def _combo(table: QTableWidget, row: int, column: int) -> QComboBox:
    """The picker the dialog put in a cell (every row of both tables has one in its last column)."""
    widget = table.cellWidget(row, column)
    assert isinstance(widget, QComboBox)
    return widget


def _file_value(table: QTableWidget, row: int) -> str:
    """The whole file value a row of the value table shows, maybe shortened (every row gets its item first)."""
    item = table.item(row, 0)
    assert item is not None
    return str(item.data(Qt.ItemDataRole.UserRole))


class FileColumns(QAbstractListModel):
    """The file's columns, "(none)" first, for every picker; a label's examples are looked up when it is shown.

    Twenty pickers each labelling every column of a 5,000-column file took 30 s: one list, labelled lazily.
    """

    def __init__(self, sample: FileSample, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sample = sample
        self._names: list[str | None] = [None, *sample.columns]
        self._rows = {name: row for row, name in enumerate(self._names)}
        self._labels: dict[int, str] = {}

    def row_of(self, column: str | None) -> int:
        """The row of a file column (0, "(none)", for one the file lacks)."""
        return self._rows.get(column, 0)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._names)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: ANN401 - a Qt value
        if role == Qt.ItemDataRole.UserRole:
            return self._names[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._label(index.row())
        return None

    def match(
        self,
        start: QModelIndex | QPersistentModelIndex,
        role: int,
        value: Any,  # noqa: ANN401 - a Qt value
        hits: int = 1,
        flags: Qt.MatchFlag = Qt.MatchFlag.MatchStartsWith | Qt.MatchFlag.MatchWrap,
    ) -> list[QModelIndex]:
        """Find by name, without labelling every row: a picker's findData, and typing a column's name."""
        if role == Qt.ItemDataRole.UserRole and isinstance(value, str):
            row = self._rows.get(value, -1)
            return [self.index(row)] if row >= max(start.row(), 1) else []
        typed = role == Qt.ItemDataRole.DisplayRole and isinstance(value, str)
        if not typed or not flags & Qt.MatchFlag.MatchStartsWith:
            return super().match(start, role, value, hits, flags)
        wanted = value.casefold()
        first = max(start.row(), 0)
        order = [*range(first, len(self._names))] + ([*range(first)] if flags & Qt.MatchFlag.MatchWrap else [])
        names = [tr(_NONE) if name is None else name for name in self._names]
        found = [self.index(row) for row in order if names[row].casefold().startswith(wanted)]
        return found[:hits] if hits > 0 else found

    def _label(self, row: int) -> str:
        name = self._names[row]
        if name is None:
            return tr(_NONE)
        if row not in self._labels:
            values = self._sample.values(name, _EXAMPLES)
            examples = ", ".join(shortened(value, _EXAMPLE_CHARS) for value in values)
            self._labels[row] = (
                tr("{column}   (e.g. {examples})").format(column=name, examples=examples) if examples else name
            )
        return self._labels[row]


class _ListPopup(QProxyStyle):
    """The application's style, but a picker drops a scrolling list instead of a menu over itself.

    Fusion's menu-like popup is as wide as its widest label: opening it labelled all 5,000 columns (1.7 s).
    """

    def styleHint(
        self,
        hint: QStyle.StyleHint,
        option: QStyleOption | None = None,
        widget: QWidget | None = None,
        returnData: QStyleHintReturn | None = None,
    ) -> int:
        if hint == QStyle.StyleHint.SH_ComboBox_Popup:
            return 0
        return super().styleHint(hint, option, widget, returnData)


class MappingDialog(QDialog):
    """Edit a mapping for one file; ``chosen`` holds the mapping to use once accepted (saved or not)."""

    def __init__(
        self,
        bundle: Bundle,
        sample: FileSample,
        current: MappingFile | None = None,
        ask_path: Callable[[], str] | None = None,
        parent: QWidget | None = None,
        other_sheet: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent, objectName="mappingDialog")
        self.bundle, self.sample = bundle, sample
        self.chosen: MappingFile | None = None
        self._ask_path = ask_path or self._ask_save_path
        self._values: dict[str, dict[str, str]] = {k: dict(v) for k, v in (current.values if current else {}).items()}
        self.file_columns = FileColumns(sample, self)
        self._previewed: MappingFile | None = None  # the mapping the preview shows
        self.previews = Background(self)  # the preview's count, made off the GUI thread
        self._picker_style = _ListPopup()
        self._picker_style.setParent(self)
        self.setWindowTitle(tr("Map the columns of {name}").format(name=sample.path.name))
        self.resize(860, 640)
        intro = QLabel(
            tr(
                "Pick the column of <b>{name}</b> that feeds each model column. For yes/no and category columns,"
                " say which of the file's values means which of the model's."
            ).format(name=sample.path.name),
            wordWrap=True,
        )
        # Annotated: PySide6's stubs lack the objectName keyword, and a call mypy cannot match is typed Any.
        self.columns_table: QTableWidget = QTableWidget(0, 3, objectName="columnTable")
        self.columns_table.setHorizontalHeaderLabels([tr("Model column"), tr("Kind"), tr("File column (examples)")])
        self.columns_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.columns_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.columns_table.horizontalHeader().setStretchLastSection(True)
        self.values_label = QLabel(objectName="valuesLabel")
        self.values_table: QTableWidget = QTableWidget(0, 2, objectName="valueTable")
        self.values_table.setHorizontalHeaderLabels([tr("Value in the file"), tr("Means, for the model")])
        self.values_table.horizontalHeader().setStretchLastSection(True)
        self.preview_label = QLabel(objectName="previewLabel", wordWrap=True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.addButton(tr("&Save mapping…"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.use_button = buttons.addButton(tr("&Use without saving"), QDialogButtonBox.ButtonRole.ApplyRole)
        self.save_button.setObjectName("saveMapping")
        self.use_button.setObjectName("useMapping")
        self.save_button.clicked.disconnect()  # AcceptRole would close the dialog before the file is written
        self.save_button.clicked.connect(self.save)
        self.use_button.clicked.connect(self.use)
        buttons.rejected.connect(self.reject)
        self.sheet_button: QPushButton | None = None  # back to the sheet choice, for a workbook of several
        if other_sheet is not None:
            self.sheet_button = buttons.addButton(tr("Choose another s&heet…"), QDialogButtonBox.ButtonRole.ResetRole)
            self.sheet_button.clicked.connect(self.reject)
            self.sheet_button.clicked.connect(lambda: other_sheet())
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.columns_table, 3)
        layout.addWidget(self.values_label)
        layout.addWidget(self.values_table, 2)
        layout.addWidget(self.preview_label)
        layout.addWidget(buttons)
        self._fill_columns(suggest_columns(bundle, sample.columns, current.columns if current else None))
        self.columns_table.currentCellChanged.connect(lambda row, *_: self._show_values(row))
        self.columns_table.setCurrentCell(0, 2)
        self._refresh_preview()

    # ---- the column table -----------------------------------------------------------------------
    def _fill_columns(self, suggestion: dict[str, str]) -> None:
        names = model_columns(self.bundle)
        self.columns_table.setRowCount(len(names))
        kinds = {f.name: f.kind for f in self.bundle.card.features}
        for row, name in enumerate(names):
            for column, text in enumerate((name, tr(_KINDS[kinds.get(name, "id")]))):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.columns_table.setItem(row, column, item)
            picker = QComboBox(objectName=f"pick_{name}")
            # Sized by a fixed length, its list by its first row: else Qt measures every label (every example).
            picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            picker.setMinimumContentsLength(_PICKER_CHARS)
            picker.view().setUniformItemSizes(True)  # type: ignore[attr-defined]  # a QListView
            picker.setModel(self.file_columns)
            picker.setStyle(self._picker_style)
            picker.setCurrentIndex(self.file_columns.row_of(suggestion.get(name)))
            picker.currentIndexChanged.connect(lambda _=0, r=row: self._column_picked(r))
            self.columns_table.setCellWidget(row, 2, picker)
        self.columns_table.resizeColumnsToContents()

    def picker(self, model_column: str) -> QComboBox:
        """The file-column picker of one model column."""
        return _combo(self.columns_table, model_columns(self.bundle).index(model_column), 2)

    def _column_picked(self, row: int) -> None:
        self.columns_table.setCurrentCell(row, 2)
        self._show_values(row)
        self._refresh_preview()

    # ---- the value table ------------------------------------------------------------------------
    def _show_values(self, row: int) -> None:
        self.values_table.setRowCount(0)
        names = model_columns(self.bundle)
        if not 0 <= row < len(names) or names[row] not in self.bundle.card.feature_names:
            self.values_label.setText(tr("Values: the selected column takes any value."))
            return
        name = names[row]
        spec = self.bundle.card.feature(name)
        source = self.picker(name).currentData()
        if spec.kind == "numeric" or source is None:
            self.values_label.setText(
                tr("Values of {name}: numbers, read as written.").format(name=name)
                if source
                else tr("Values of {name}: no column.").format(name=name)
            )
            return
        values = self.sample.values(source)
        self.values_label.setText(
            tr("Values of {source} for the model's {name} ({kind}):").format(
                source=repr(source), name=repr(name), kind=tr(_KINDS[spec.kind])
            )
        )
        known = ["1", "0"] if spec.kind == "binary" else [str(c) for c in spec.categories]
        suggestion = suggest_values(spec, values, self._values.get(name))
        self.values_table.setRowCount(len(values))
        for index, value in enumerate(values):
            item = QTableWidgetItem(shortened(value, SHOWN_CHARS))  # a 20 MB value is elided at every repaint
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.values_table.setItem(index, 0, item)
            choice = QComboBox(objectName=f"value_{index}")
            choice.addItem(tr(_AS_IS), None)
            for model_value in known:
                shown = (
                    {"1": tr("1 (yes)"), "0": tr("0 (no)")}.get(model_value, model_value)
                    if spec.kind == "binary"
                    else None
                )
                choice.addItem(shown or model_value, model_value)
            if value in suggestion:
                choice.setCurrentIndex(choice.findData(suggestion[value]))
            choice.currentIndexChanged.connect(lambda _=0, n=name: self._values_edited(n))
            self.values_table.setCellWidget(index, 1, choice)
        self._values_edited(name)

    def value_choice(self, file_value: str) -> QComboBox:
        """The model-value picker of one file value of the column shown."""
        for row in range(self.values_table.rowCount()):
            if _file_value(self.values_table, row) == file_value:
                return _combo(self.values_table, row, 1)
        raise KeyError(file_value)

    def _values_edited(self, name: str) -> None:
        table: dict[str, str] = {}
        for row in range(self.values_table.rowCount()):
            model_value = _combo(self.values_table, row, 1).currentData()
            file_value = _file_value(self.values_table, row)
            if model_value is not None and file_value != model_value:
                table[file_value] = model_value
        self._values[name] = table
        self._refresh_preview()

    # ---- the mapping ----------------------------------------------------------------------------
    def mapping(self) -> MappingFile:
        """The mapping as the dialog shows it now: only what differs from reading the file as it is."""
        columns = {}
        for name in model_columns(self.bundle):
            source = self.picker(name).currentData()
            if source is not None and source != name:
                columns[name] = source
        values = {name: table for name, table in self._values.items() if table and self._source(name) is not None}
        return MappingFile(columns=columns, values=values, features=tuple(self.bundle.card.feature_names))

    def _source(self, name: str) -> str | None:
        return self.picker(name).currentData()

    def _refresh_preview(self) -> None:
        # A pick changes the selected row and its value table too: each asked again, ~0.1 s each.
        mapping = self.mapping()
        if mapping == self._previewed:
            return
        self._previewed = mapping
        sample, bundle = self.sample, self.bundle
        self.use_button.setEnabled(False)  # until the count says some row would be scored
        # Scoring the 2,000-row sample takes ~0.1 s: off the GUI thread, the latest pick's only.
        self.previews.run(lambda: preview(sample, bundle, mapping), self._show_preview)

    def preview_ready(self) -> bool:
        """True once the preview shows the mapping as it is now (tests wait for it)."""
        return not self.previews.busy

    def _show_preview(self, found: Preview) -> None:
        if found.missing:
            names = ", ".join(repr(name) for name in found.missing)
            text = (
                tr("The model's {names} has no file column yet: no row can be scored.")
                if len(found.missing) == 1
                else tr("The model's {names} have no file column yet: no row can be scored.")
            ).format(names=names)
        else:
            text = tr("Of the first {rows} rows, {scored} would be scored and {invalid} invalid.").format(
                rows=integer(found.rows), scored=integer(found.scored), invalid=integer(found.invalid)
            )
        self.preview_label.setText(text)
        self._mark_missing(found.missing)
        self.use_button.setEnabled(found.scored > 0)  # a mapping that scores no row is nothing to use

    def _mark_missing(self, missing: tuple[str, ...]) -> None:
        """Highlight the model columns that still need a file column, and bring the first into view."""
        names = model_columns(self.bundle)
        for row, name in enumerate(names):
            item = self.columns_table.item(row, 0)
            if item is not None:
                item.setBackground(QBrush(_MISSING) if name in missing else QBrush())
        if missing and missing[0] in names:
            first = self.columns_table.item(names.index(missing[0]), 0)
            if first is not None:
                self.columns_table.scrollToItem(first)

    def _ask_save_path(self) -> str:
        suggested = str(self.sample.path.with_suffix(".mapping.toml"))
        path, _ = QFileDialog.getSaveFileName(self, tr("Save the mapping"), suggested, "Mappings (*.toml)")
        return path

    def save(self) -> None:
        """Write the mapping where the user says, then use it."""
        path = self._ask_path()
        if not path:
            return
        try:
            self.chosen = save_mapping(Path(path), self.mapping(), self.bundle.card)
        except (OSError, LocalizedError) as error:  # a folder that cannot be written: say so, keep the dialog open
            self.save_error = show_error(
                self,
                tr("The mapping cannot be saved"),
                tr(
                    "{path} cannot be written: {reason}. Choose another folder, or use the mapping without saving."
                ).format(
                    path=path, reason=shown(error) if isinstance(error, LocalizedError) else error.strerror or error
                ),
            )
            return
        self.accept()

    def use(self) -> None:
        """Use the mapping for this file only, without writing it."""
        self.chosen = self.mapping()
        self.accept()
