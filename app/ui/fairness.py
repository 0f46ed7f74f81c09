"""Fairness: TPR, FPR, precision and selection rate per group of each sensitive attribute, and their gaps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QBrush, QColor, QResizeEvent
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.fairness import (
    FileGroups,
    card_slices,
    file_groups,
    file_slices,
    min_group_rows,
    tpr_gap_bound,
    with_intervals,
)
from app.core.i18n import integer, percent
from app.ui.charts import GroupRateChart
from app.ui.i18n import QT_TR_NOOP, tr
from app.ui.lazy import WhenVisible
from app.ui.widgets import ThresholdControl

if TYPE_CHECKING:
    from app.ui.state import AppState

__all__ = ["FairnessPanel"]

_RED = QColor("#c0392b")
_METRICS = ("tpr", "fpr", "precision", "selection_rate")
_HEADERS = [
    QT_TR_NOOP("attribute"),
    QT_TR_NOOP("group"),
    QT_TR_NOOP("rows"),
    QT_TR_NOOP("TPR"),
    QT_TR_NOOP("FPR"),
    QT_TR_NOOP("precision"),
    QT_TR_NOOP("selection rate"),
]


_RATE_COLUMNS = range(3, len(_HEADERS))


class _GroupTable(QTableWidget):
    """A table whose columns always fit its width: rates with intervals wrap onto two lines when one does not fit
    (two tables side by side in a 1280-pixel window leave each about 600 pixels)."""

    def __init__(self, name: str) -> None:
        super().__init__(objectName=name)
        self.setColumnCount(len(_HEADERS))
        self.setHorizontalHeaderLabels([tr(h) for h in _HEADERS])
        self.verticalHeader().setVisible(False)
        self.setWordWrap(True)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Fit the columns again to the new width."""
        super().resizeEvent(event)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Each column as wide as its header and its cells; if that is too wide, the rates on two lines."""
        header = self.horizontalHeader()
        margin = 2 * (self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self) + 1) + 2
        metrics = self.fontMetrics()

        def widest(column: int, lines: bool) -> int:
            items = [self.item(row, column) for row in range(self.rowCount())]
            texts = [item.text() for item in items if item is not None]
            parts = [part for text in texts for part in (text.replace(" (", "\n(").split("\n") if lines else [text])]
            cells = max((metrics.horizontalAdvance(part) for part in parts), default=0) + margin
            return max(header.sectionSizeFromContents(column).width(), cells)

        whole = [widest(column, lines=False) for column in range(self.columnCount())]
        available = self.viewport().width()
        widths = whole
        if sum(whole) > available:
            widths = [widest(c, lines=c in _RATE_COLUMNS) for c in range(self.columnCount())]
        spare = max(0, available - sum(widths))
        for column, width in enumerate(widths):
            # What is left over goes to the rates, so the table fills its width (and may keep rates on one line).
            extra = spare // len(_RATE_COLUMNS) if column in _RATE_COLUMNS else 0
            header.resizeSection(column, width + extra)
        self.resizeRowsToContents()


class _SliceTable(QGroupBox):
    """One table of groups, and a line of gaps per attribute; gaps above the gate in red."""

    def __init__(self, title: str, name: str) -> None:
        super().__init__(tr(title))
        self.table = _GroupTable(name)
        self.gaps = QLabel(objectName=f"{name}:gaps", wordWrap=True)
        self.chart = GroupRateChart(tr("TPR and FPR per group, 95% intervals ({side})").format(side=tr(title).lower()))
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.gaps)
        layout.addWidget(self.chart, 1)
        self.flagged: list[str] = []

    def show_slices(self, slices: dict[str, Any] | None, bound: float | None, empty: str) -> None:
        self.table.setRowCount(0)
        self.flagged = []
        if not slices:
            self.gaps.setText(empty)
            self.chart.clear()  # nothing of a previous file's groups stays on screen
            return
        lines = []
        for attribute, result in slices.items():
            for group, values in result["groups"].items():
                row = self.table.rowCount()
                self.table.insertRow(row)
                cells = [
                    attribute,
                    group,
                    integer(values["rows"]),
                    *(_rate(values[m], values.get("ci", {}).get(m)) for m in _METRICS),
                ]
                for column, text in enumerate(cells):
                    self.table.setItem(row, column, QTableWidgetItem(text))
            gap = result["gaps"].get("tpr_gap")
            too_wide = gap is not None and bound is not None and gap > bound
            if too_wide:
                self.flagged.append(attribute)
            gap_text = ", ".join(f"{k.replace('_gap', '')} {_rate(v)}" for k, v in result["gaps"].items())
            line = tr("<b>{attribute}</b> gaps: {gaps}").format(attribute=attribute, gaps=gap_text)
            if too_wide:
                above = tr("the TPR gap is above the gate's {bound}").format(bound=percent(bound or 0.0, 0))
                line = f"<span style='color:{_RED.name()}'>{line}: {above}</span>"
            lines.append(line)
            for row in range(self.table.rowCount()):
                name, tpr = self.table.item(row, 0), self.table.item(row, 3)
                if too_wide and name is not None and tpr is not None and name.text() == attribute:
                    tpr.setForeground(QBrush(_RED))
        self.table.fit_columns()
        self.gaps.setText("<br>".join(lines) + "<br>" + tr("Each rate with its 95% interval (stratified bootstrap)."))
        self.chart.redraw(slices)


def _rate(value: float | None, interval: tuple[float, float] | None = None) -> str:
    if value is None:
        return tr("n/a")
    if interval is None:
        return percent(value)
    return f"{percent(value)} ({percent(interval[0], 0)}–{percent(interval[1], 0)})"


class FairnessPanel(QWidget):
    """Group metrics for the card's test set and, side by side, for a labelled file."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.threshold = ThresholdControl(state)
        self.note = QLabel(objectName="fairnessNote", wordWrap=True)
        self.card_side = _SliceTable(QT_TR_NOOP("Test set (model card)"), "cardSlices")
        self.file_side = _SliceTable(QT_TR_NOOP("This file"), "fileSlices")
        sides = QHBoxLayout()
        sides.addWidget(self.card_side)
        sides.addWidget(self.file_side)
        layout = QVBoxLayout(self)
        layout.addWidget(self.threshold)
        layout.addWidget(self.note)
        layout.addLayout(sides, 1)
        self._file_groups: FileGroups | None = None
        self._update = WhenVisible(self, self.refresh)
        for signal in (state.bundleChanged, state.tableChanged):
            signal.connect(self._data_changed)
        state.thresholdChanged.connect(
            WhenVisible(self, self.refresh, coalesce=True)
        )  # the groups stay; one redraw per burst
        self._update()

    def _data_changed(self) -> None:
        self._file_groups = None
        self._update()

    def refresh(self) -> None:
        """Recompute both sides at the current threshold."""
        bundle, table = self.state.bundle, self.state.table
        if bundle is None:
            return
        bound = tpr_gap_bound(list(bundle.card.section("gates") or []))
        groups_known = bool(bundle.card.raw.get("test_predictions", {}).get("groups"))
        self.note.setText(
            tr(
                "Equal opportunity: the true-positive rate should not differ between groups by more than {bound}"
                " (the card's gate). Groups smaller than {rows} rows are shown but left out of the gaps."
            ).format(bound=percent(bound, 0), rows=integer(min_group_rows(bundle.card)))
            + ("" if groups_known else " " + tr("This card stores test slices at its own threshold only."))
            if bound is not None
            else tr("The card declares no gate on the TPR gap.")
        )
        self.card_side.show_slices(with_intervals(card_slices(bundle.card, self.state.threshold)), bound, "")
        file_result = None
        if table is not None and table.has_labels:
            if self._file_groups is None:
                self._file_groups = file_groups(table, bundle.card)
            file_result = with_intervals(file_slices(self._file_groups, bundle.card, self.state.threshold))
        self.file_side.show_slices(
            file_result,
            bound,
            tr("Open a file with a '{column}' column to see its groups.").format(column=bundle.card.target.column),
        )
