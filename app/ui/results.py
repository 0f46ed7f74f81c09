"""The results panel: the scored rows, filters, and the selected row's issues and explanation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.core.decisions import decision_digits
from app.core.i18n import gettext, integer, number
from app.ui.background import Background
from app.ui.charts import ExplanationChart, ImportanceChart
from app.ui.i18n import QT_TR_NOOP, plain_html, tr
from app.ui.table_model import FIXED_COLUMNS, SHOWN_CHARS, ProbabilityDelegate, ResultsModel, shortened

if TYPE_CHECKING:
    from app.core.explain import Contribution
    from app.ui.state import AppState

__all__ = ["ResultsPanel"]

_ALL = QT_TR_NOOP("All")
_EXPLAINED_FEATURES = 10
# Sizing a column to its contents asks for its cells: only the columns in view, each once, over a few rows.
# Sizing all 5,000 columns of a wide file over all its rows froze the window for 20 s.
_FIT_ROWS = 30  # about the rows a window shows
_FIT_WIDTH = (40, 360)  # pixels: a fitted column's narrowest and widest (long text is elided, whole in its tip)


class ResultsPanel(QWidget):
    """Table of every scored row with status, prediction and text filters."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.model = ResultsModel()
        self._requested: np.ndarray | None = None

        self.status_filter = QComboBox(objectName="statusFilter")
        self.status_filter.addItems([tr(_ALL), tr("ok"), tr("warning"), tr("invalid")])
        self.prediction_filter = QComboBox(objectName="predictionFilter")
        self.search = QLineEdit(objectName="search", placeholderText=tr("Search any column…"), clearButtonEnabled=True)
        self.count_label = QLabel(objectName="rowCount")
        self.requested_label = QLabel(objectName="requestedRows")
        self.clear_requested = QPushButton(tr("Show all rows"), objectName="clearRequested")
        self.clear_requested.hide()
        self._search_timer = QTimer(self, singleShot=True, interval=250)

        filters = QHBoxLayout()
        for label, widget in ((tr("Status"), self.status_filter), (tr("Prediction"), self.prediction_filter)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.count_label)
        requested = QHBoxLayout()
        requested.addWidget(self.requested_label, 1)
        requested.addWidget(self.clear_requested)

        self.view = QTableView(objectName="resultsTable")
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setItemDelegateForColumn(FIXED_COLUMNS.index("probability"), ProbabilityDelegate(self.model))
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setResizeContentsPrecision(_FIT_ROWS)
        self.view.verticalHeader().setResizeContentsPrecision(_FIT_ROWS)
        self.view.setWordWrap(False)
        self._fitted: set[int] = set()  # columns already sized to their contents (a user's width then stays)

        self.detail = QTextBrowser(objectName="rowDetail")
        self.explanation = ExplanationChart(tr("Why this score"))
        self.reasons = Background(self)  # a row's explanation, computed off the GUI thread
        self.importance = ImportanceChart(tr("What matters overall (model card)"))
        reasons = QTabWidget(objectName="reasons")
        reasons.addTab(self.explanation, tr("This row"))
        reasons.addTab(self.importance, tr("Overall"))
        reasons.currentChanged.connect(self._draw_importance)
        side = QSplitter(Qt.Orientation.Vertical)
        side.addWidget(self.detail)
        side.addWidget(reasons)
        self.welcome = QLabel(
            tr(
                "<h2>No file open yet</h2><p>Open a CSV file or a workbook with <b>File ▸ Open…</b> (Ctrl+O),"
                " drop one on this window, or try <b>File ▸ Open Sample</b>.</p><p>Every row is checked against what"
                " the model learnt from, scored, and explained.</p>"
            ),
            objectName="welcome",
            alignment=Qt.AlignmentFlag.AlignCenter,
            wordWrap=True,
        )
        self.pages = QStackedWidget()
        self.pages.addWidget(self.welcome)
        self.pages.addWidget(self.view)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.pages)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(requested)
        layout.addWidget(splitter, 1)

        self.status_filter.currentIndexChanged.connect(self.apply_filters)
        self.prediction_filter.currentIndexChanged.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        self._search_timer.timeout.connect(self.apply_filters)
        self.clear_requested.clicked.connect(self.clear_request)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        # Scrolling, or the view growing (its scroll range changes), brings columns into view.
        self.view.horizontalScrollBar().valueChanged.connect(self._fit_columns_in_view)
        self.view.horizontalScrollBar().rangeChanged.connect(self._fit_columns_in_view)
        state.tableChanged.connect(self._table_changed)
        state.thresholdChanged.connect(self._threshold_changed)
        state.rowsRequested.connect(self.show_rows)
        self._table_changed()

    def _table_changed(self) -> None:
        card = self.state.bundle.card if self.state.bundle else None
        labels = (card.target.negative_label, card.target.positive_label) if card else ("No", "Yes")
        self.prediction_filter.blockSignals(True)
        self.prediction_filter.clear()
        self.prediction_filter.addItems([tr(_ALL), labels[1], labels[0]])
        self.prediction_filter.blockSignals(False)
        self.model.threshold = self.state.threshold
        self._fitted.clear()  # before the reset: the new header's scroll range asks for a fit at once
        self.model.set_table(self.state.table, labels)
        self.pages.setCurrentWidget(self.view if self.state.table is not None else self.welcome)
        self._requested = None
        self.requested_label.clear()
        self.clear_requested.hide()
        self.search.blockSignals(True)  # a new file starts unfiltered, and says so
        self.search.clear()
        self.search.blockSignals(False)
        self._fit_columns_in_view()
        self._show_detail(-1)
        self._update_count()

    def _fit_columns_in_view(self) -> None:
        """Size each column in view, not sized before, to its header and the cells of a few rows."""
        header = self.view.horizontalHeader()
        if self.state.table is None or not header.count():
            return
        width = self.view.viewport().width()
        visual = header.visualIndex(max(self.view.columnAt(0), 0))
        while visual < header.count():
            column = header.logicalIndex(visual)
            if header.sectionViewportPosition(column) >= width:
                break
            if column not in self._fitted and not header.isSectionHidden(column):
                self._fitted.add(column)
                hint = max(self.view.sizeHintForColumn(column), header.sectionSizeHint(column))
                header.resizeSection(column, min(max(hint, _FIT_WIDTH[0]), _FIT_WIDTH[1]))
            visual += 1

    def _threshold_changed(self, threshold: float) -> None:
        self.model.set_threshold(threshold)
        self._update_count()  # it names the threshold the predictions are at
        if self.prediction_filter.currentIndex() > 0:
            self.apply_filters()

    def visible_mask(self) -> np.ndarray:
        """Rows that pass the status, prediction, text and requested-rows filters."""
        table = self.state.table
        if table is None:
            return np.zeros(0, dtype=bool)
        mask = np.ones(len(table), dtype=bool) if self._requested is None else self._requested.copy()
        status = self.status_filter.currentIndex()
        if status > 0:
            mask &= table.status == status - 1
        prediction = self.prediction_filter.currentIndex()
        if prediction > 0:
            with np.errstate(invalid="ignore"):
                positive = table.probability >= self.state.threshold
            mask &= ~np.isnan(table.probability) & (positive if prediction == 1 else ~positive)
        text = self.search.text().strip()
        if text:
            mask &= table.search(text)
        return mask

    def apply_filters(self) -> None:
        """Recompute the visible rows."""
        if self.state.table is None:
            return
        self.model.set_view(np.flatnonzero(self.visible_mask()))
        self._update_count()

    def show_rows(self, mask: np.ndarray, description: str) -> None:
        """Show only the rows another panel asked for (an issue, a confusion-matrix cell)."""
        self._requested = np.asarray(mask, dtype=bool)
        self.status_filter.setCurrentIndex(0)
        self.prediction_filter.setCurrentIndex(0)
        self.search.clear()
        self.requested_label.setText(
            (
                tr("Showing {count} row: {description}")
                if int(self._requested.sum()) == 1
                else tr("Showing {count} rows: {description}")
            ).format(count=integer(int(self._requested.sum())), description=description)
        )
        self.clear_requested.show()
        self.apply_filters()
        if self.model.rowCount():
            self.view.selectionModel().setCurrentIndex(
                self.model.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )

    def clear_request(self) -> None:
        """Back to every row."""
        self._requested = None
        self.requested_label.clear()
        self.clear_requested.hide()
        self.apply_filters()

    def _update_count(self) -> None:
        total = len(self.state.table) if self.state.table is not None else 0
        self.count_label.setText(
            tr("{shown} of {total} rows; predictions at threshold {threshold}").format(
                shown=integer(self.model.rowCount()), total=integer(total), threshold=number(self.state.threshold, 2)
            )
        )

    def _current_changed(self, current, _previous) -> None:
        row = self.model.table_row(current.row()) if current.isValid() else -1
        self.state.select_row(row)
        self._show_detail(row)

    def _show_detail(self, row: int) -> None:
        table, bundle = self.state.table, self.state.bundle
        if table is None or bundle is None or row < 0:
            self.detail.setHtml(tr("<p>Select a row to see its issues and why it got its score.</p>"))
            self.reasons.cancel()
            self.explanation.clear()
            return
        from app.core.catalogue import CATALOGUE

        probability = table.probability[row]
        lines = [tr("<h3>Row {row}</h3>").format(row=integer(row + 1))]
        if np.isnan(probability):
            lines.append(tr("<p><b>Not scored</b>: the row is invalid.</p>"))
        else:
            decision = tr("{prediction} at threshold {threshold}").format(
                prediction=self.model.prediction(row), threshold=number(self.state.threshold, 2)
            )
            lines.append(
                tr("<p>Probability <b>{probability}</b>: {decision}</p>").format(
                    probability=number(probability, decision_digits(probability, self.state.threshold)),
                    decision=decision,
                )
            )
        issues = [tag for tag in str(table.issues[row]).split(";") if tag]
        if issues:
            lines.append("<ul>")
            for tag in issues:
                code, _, column = tag.partition(":")
                meaning = gettext(CATALOGUE[code].meaning) if code in CATALOGUE else ""
                source = table.source_column(column) if column else ""
                value = shortened(table.cell(row, source), SHOWN_CHARS) if source in table.columns else ""
                where = (
                    tr(" in <b>{column}</b> (value '{value}')").format(
                        column=plain_html(column), value=plain_html(value)
                    )
                    if column
                    else ""
                )
                title = gettext(CATALOGUE[code].title) if code in CATALOGUE else code
                lines.append(f"<li><b>{title}</b>{where}: {meaning}</li>")
            lines.append("</ul>")
        else:
            lines.append(tr("<p>No issues.</p>"))
        self.detail.setHtml("".join(lines))
        self._explain(row)

    def _draw_importance(self, index: int) -> None:
        if index == 1 and self.state.bundle is not None:
            self.importance.redraw(self.state.bundle.card.section("importances") or [])

    def _explain(self, row: int) -> None:
        table, bundle = self.state.table, self.state.bundle
        if table is None or bundle is None or np.isnan(table.probability[row]):
            self.reasons.cancel()
            self.explanation.clear()  # an invalid row has no score to explain
            return

        def explain() -> list[Contribution]:  # in the background: ~0.1 s of ONNX runs, off the GUI thread
            from app.core.explain import explain_rows, reference_values

            prepared = table.prepared(np.array([row]), bundle.card)
            (contributions,) = explain_rows(bundle.predictor, prepared, reference_values(bundle.card))
            return contributions

        self.reasons.run(explain, lambda found: self.explanation.show_contributions(found, _EXPLAINED_FEATURES))
