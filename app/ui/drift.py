"""Drift: PSI per feature against training, and one feature's distributions overlaid."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.i18n import Figure, general_text, gettext, integer, number
from app.core.words import DRIFT_STATUSES, word
from app.plots import bin_labels
from app.ui.charts import DistributionChart, DriftChart
from app.ui.i18n import QT_TR_NOOP, tr
from app.ui.lazy import WhenVisible

if TYPE_CHECKING:
    from app.ui.state import AppState

__all__ = ["DriftPanel", "drift_summary"]


_STATUS = {"ok": QT_TR_NOOP("ok"), "warn": QT_TR_NOOP("warn"), "alert": QT_TR_NOOP("alert")}
_COLUMNS = [
    QT_TR_NOOP("feature"),
    "PSI",
    QT_TR_NOOP("status"),
    QT_TR_NOOP("adjusted p"),
    QT_TR_NOOP("significant"),
]


def _psi_row(drift: dict) -> list[str]:
    """One feature's cells, written as the HTML report writes them (the same core values and words)."""
    p_value, significant = drift.get("p_value"), drift.get("significant")
    return [
        Figure(drift["psi"], 3).local(),
        word(DRIFT_STATUSES, drift["status"], keep=False),
        gettext("n/a") if p_value is None else general_text(p_value, ".3g"),
        gettext("n/a") if significant is None else gettext("yes") if significant else gettext("no"),
    ]


def drift_summary(drift: dict, rows: int, warn: float) -> str:
    """One paragraph: the drifted features, then those the file is too small to tell about."""
    from app.core.drift import drifted_and_unsure  # not at import: the core pulls in pandas

    names, unsure = drifted_and_unsure(drift)
    drifted = [
        f"{name} (PSI {number(drift[name]['psi'], 2)}, {tr(_STATUS.get(drift[name]['status'], drift[name]['status']))})"
        for name in names
    ]
    text = (
        tr("Drifted: {features}.").format(features=", ".join(drifted))
        if drifted
        else tr("No feature drifted (PSI below {psi}, or no significant change).").format(psi=general_text(warn))
    )
    if unsure:
        more = " " + tr("and {count} more").format(count=len(unsure) - 6) if len(unsure) > 6 else ""
        shown = ", ".join(unsure[:6]) + more
        text += " " + tr("Too few rows to tell ({rows} rows) for {features}: score more rows to know.").format(
            rows=integer(rows), features=shown
        )
    return text


class DriftPanel(QWidget):
    """How far the loaded file's features moved from the training data."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.summary = QLabel(objectName="driftSummary", wordWrap=True)
        self.feature = QComboBox(objectName="driftFeature")
        self.psi_chart = DriftChart(tr("Drift per feature (PSI)"))
        self.distribution = DistributionChart(tr("Training and current distribution"))
        self.psi_table = QTableWidget(0, len(_COLUMNS), objectName="driftTable")
        self.psi_table.setHorizontalHeaderLabels([tr(c) for c in _COLUMNS])
        self.psi_table.verticalHeader().setVisible(False)
        self.psi_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.psi_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.psi_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.psi_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        picker = QHBoxLayout()
        picker.addWidget(QLabel(tr("Feature")))
        picker.addWidget(self.feature, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addLayout(picker)
        right_layout.addWidget(self.distribution, 1)
        splitter = QSplitter()
        splitter.addWidget(self.psi_chart)
        splitter.addWidget(self.psi_table)  # the chart's numbers, beside it
        splitter.addWidget(right)
        splitter.setSizes([420, 380, 420])
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        self.feature.currentTextChanged.connect(self._draw_feature)
        self.psi_table.itemSelectionChanged.connect(self._table_chose)
        self._update = WhenVisible(self, self.refresh)
        state.tableChanged.connect(self._update)
        self._update()

    def refresh(self) -> None:
        """Redraw for the loaded file."""
        table = self.state.table
        self.feature.blockSignals(True)
        self.feature.clear()
        self.feature.blockSignals(False)
        self.psi_table.setRowCount(0)
        if table is None or not table.report.drift:
            self.summary.setText(tr("Open a file to compare its features with the training data."))
            return
        from app.core.drift import PSI_ALERT, PSI_WARN

        # The report's order: most drifted first, ties by name.
        drift = dict(sorted(table.report.drift.items(), key=lambda item: (-item[1]["psi"], item[0])))
        self.summary.setText(drift_summary(drift, table.report.rows, PSI_WARN))
        self.psi_chart.redraw(drift, PSI_WARN, PSI_ALERT)
        self.psi_table.setRowCount(len(drift))
        for row, (name, found) in enumerate(drift.items()):
            for column, text in enumerate([name, *_psi_row(found)]):
                self.psi_table.setItem(row, column, QTableWidgetItem(text))
        for column in range(1, len(_COLUMNS)):
            self.psi_table.resizeColumnToContents(column)
        self.feature.addItems(list(drift))

    def _table_chose(self) -> None:
        rows = self.psi_table.selectionModel().selectedRows()
        if rows:
            self.feature.setCurrentText(self.psi_table.item(rows[0].row(), 0).text())

    def _draw_feature(self, name: str) -> None:
        table, bundle = self.state.table, self.state.bundle
        if not name or table is None or bundle is None or name not in table.report.drift_counts:
            return
        reference = bundle.card.feature(name).reference
        counts = table.report.drift_counts[name]
        total = max(int(counts.sum()), 1)
        self.distribution.title = tr("{feature}: training and current distribution").format(feature=name)
        self.distribution.redraw(bin_labels(dict(reference)), reference["frequencies"], (counts / total).tolist())
