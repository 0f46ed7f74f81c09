"""Drift: PSI per feature against training, and one feature's distributions overlaid."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from app.core.i18n import general_text, integer, number
from app.plots import bin_labels
from app.ui.charts import DistributionChart, DriftChart
from app.ui.i18n import QT_TR_NOOP, tr
from app.ui.lazy import WhenVisible

if TYPE_CHECKING:
    from app.ui.state import AppState

__all__ = ["DriftPanel", "drift_summary"]


_STATUS = {"ok": QT_TR_NOOP("ok"), "warn": QT_TR_NOOP("warn"), "alert": QT_TR_NOOP("alert")}


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
        picker = QHBoxLayout()
        picker.addWidget(QLabel(tr("Feature")))
        picker.addWidget(self.feature, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addLayout(picker)
        right_layout.addWidget(self.distribution, 1)
        splitter = QSplitter()
        splitter.addWidget(self.psi_chart)
        splitter.addWidget(right)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        self.feature.currentTextChanged.connect(self._draw_feature)
        self._update = WhenVisible(self, self.refresh)
        state.tableChanged.connect(self._update)
        self._update()

    def refresh(self) -> None:
        """Redraw for the loaded file."""
        table = self.state.table
        self.feature.blockSignals(True)
        self.feature.clear()
        self.feature.blockSignals(False)
        if table is None or not table.report.drift:
            self.summary.setText(tr("Open a file to compare its features with the training data."))
            return
        from app.core.drift import PSI_ALERT, PSI_WARN

        drift = dict(sorted(table.report.drift.items(), key=lambda item: -item[1]["psi"]))
        self.summary.setText(drift_summary(drift, table.report.rows, PSI_WARN))
        self.psi_chart.redraw(drift, PSI_WARN, PSI_ALERT)
        self.feature.addItems(list(drift))

    def _draw_feature(self, name: str) -> None:
        table, bundle = self.state.table, self.state.bundle
        if not name or table is None or bundle is None or name not in table.report.drift_counts:
            return
        reference = bundle.card.feature(name).reference
        counts = table.report.drift_counts[name]
        total = max(int(counts.sum()), 1)
        self.distribution.title = tr("{feature}: training and current distribution").format(feature=name)
        self.distribution.redraw(bin_labels(dict(reference)), reference["frequencies"], (counts / total).tolist())
