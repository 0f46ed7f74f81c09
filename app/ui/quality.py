"""Model quality: confusion matrix, ROC and calibration for the card's test set and the loaded file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.i18n import integer, number, percent
from app.ui.charts import CalibrationChart, RocChart
from app.ui.i18n import QT_TR_NOOP, tr
from app.ui.lazy import WhenVisible
from app.ui.widgets import ThresholdControl

if TYPE_CHECKING:
    from app.core.estimation import PerformanceEstimate
    from app.core.metrics import Confusion
    from app.core.threshold_intervals import MetricsWithIntervals
    from app.core.views import QualityView
    from app.ui.state import AppState

__all__ = ["ConfusionMatrixWidget", "QualityPanel"]

_CELL_NAMES = {
    "tp": QT_TR_NOOP("caught (TP)"),
    "fn": QT_TR_NOOP("missed (FN)"),
    "fp": QT_TR_NOOP("false alarms (FP)"),
    "tn": QT_TR_NOOP("correctly left (TN)"),
}


class ConfusionMatrixWidget(QWidget):
    """Counts and rates in a 2x2 grid; cells are buttons when they can show their rows."""

    cellClicked = Signal(str)

    def __init__(self, name: str, clickable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.cells: dict[str, QPushButton] = {}
        grid = QGridLayout(self)
        grid.addWidget(QLabel(tr("<b>actual positive</b>")), 1, 0)
        grid.addWidget(QLabel(tr("<b>actual negative</b>")), 2, 0)
        grid.addWidget(QLabel(tr("<b>predicted positive</b>"), alignment=Qt.AlignmentFlag.AlignCenter), 0, 1)
        grid.addWidget(QLabel(tr("<b>predicted negative</b>"), alignment=Qt.AlignmentFlag.AlignCenter), 0, 2)
        for cell, (row, column) in {"tp": (1, 1), "fn": (1, 2), "fp": (2, 1), "tn": (2, 2)}.items():
            button = QPushButton(objectName=f"{name}:{cell}")
            button.setMinimumHeight(54)
            button.setEnabled(clickable)
            button.setToolTip(
                tr("Show the {cell} rows in the table").format(cell=tr(_CELL_NAMES[cell]))
                if clickable
                else tr(_CELL_NAMES[cell])
            )
            button.clicked.connect(lambda _=False, c=cell: self.cellClicked.emit(c))
            self.cells[cell] = button
            grid.addWidget(button, row, column)

    def show_confusion(self, confusion: Confusion | None) -> None:
        """Fill the cells: count, then the share of its actual class."""
        for cell, button in self.cells.items():
            if confusion is None:
                button.setText("–")
                continue
            count = getattr(confusion, cell)
            actual = confusion.tp + confusion.fn if cell in ("tp", "fn") else confusion.fp + confusion.tn
            rate = percent(count / actual) if actual else tr("n/a")
            button.setText(f"{integer(count)}\n{rate} {tr(_CELL_NAMES[cell])}")

    def counts(self) -> dict[str, int]:
        """The numbers shown, for tests and screen readers."""
        return {
            cell: int(button.text().split("\n")[0].replace(",", ""))
            for cell, button in self.cells.items()
            if button.text() not in ("", "–")
        }


class _Side(QGroupBox):
    """One column of the panel: matrix, headline numbers, ROC and calibration."""

    def __init__(self, title: str, name: str, clickable: bool) -> None:
        super().__init__(tr(title))
        self.matrix = ConfusionMatrixWidget(name, clickable)
        self.summary = QLabel(objectName=f"{name}:summary", wordWrap=True)
        self.roc = RocChart(tr("ROC curve ({side})").format(side=tr(title).lower()))
        self.calibration = CalibrationChart(tr("Calibration ({side})").format(side=tr(title).lower()))
        layout = QVBoxLayout(self)
        layout.addWidget(self.matrix)
        layout.addWidget(self.summary)
        layout.addWidget(self.roc, 1)
        layout.addWidget(self.calibration, 1)


class QualityPanel(QWidget):
    """Side by side: the card's test set, and the loaded file when it has labels (back-testing)."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.threshold = ThresholdControl(state)
        self.card_side = _Side(QT_TR_NOOP("Test set (model card)"), "cardMatrix", clickable=False)
        self.file_side = _Side(QT_TR_NOOP("This file"), "fileMatrix", clickable=True)
        sides = QHBoxLayout()
        sides.addWidget(self.card_side)
        sides.addWidget(self.file_side)
        layout = QVBoxLayout(self)
        layout.addWidget(self.threshold)
        layout.addLayout(sides, 1)
        self.file_side.matrix.cellClicked.connect(self._cell_clicked)
        self._file_view: QualityView | None = None
        self._file_view_ready = False
        self.estimate: PerformanceEstimate | None = None  # the unlabelled file's, as last shown
        self._update = WhenVisible(self, self.refresh)
        state.bundleChanged.connect(self._data_changed)
        state.tableChanged.connect(self._data_changed)
        state.thresholdChanged.connect(WhenVisible(self, self.refresh, coalesce=True))  # one redraw per burst
        self._data_changed()

    def _data_changed(self) -> None:
        self._file_view = None  # taken from the state when next shown
        self._file_view_ready = False
        self._update()

    def refresh(self) -> None:
        """Redraw for the current file and threshold."""
        if not self._file_view_ready:
            self._file_view = self.state.file_quality()
            self._file_view_ready = True
            self._draw_calibration()  # does not depend on the threshold
        self._threshold_changed(self.state.threshold)

    def _card_view(self) -> QualityView:
        """The test set's view (the state keeps it once per model)."""
        view = self.state.card_quality()
        assert view is not None  # a bundle is loaded
        return view

    def _draw_calibration(self) -> None:
        bundle = self.state.bundle
        if bundle is None:
            return
        card_curve = self._card_view().calibration
        self.card_side.calibration.redraw([{"name": tr("test set"), "color": "#1f6fb2", **card_curve}])
        if self._file_view is not None:
            self.file_side.calibration.redraw(
                [{"name": tr("this file"), "color": "#d9822b", **self._file_view.calibration}]
            )
        else:
            self.file_side.calibration.clear()  # an unlabelled file has no calibration; nothing of the last file's

    def _threshold_changed(self, threshold: float) -> None:
        bundle = self.state.bundle
        if bundle is None:
            return
        card = self._card_view()
        card_confusion = card.ranked.confusion(threshold) if card.ranked else None
        self.card_side.matrix.show_confusion(card_confusion)
        self.card_side.summary.setText(_summary(card_confusion, card.auc, card.auc_ci))
        test_curve = {"name": tr("test set"), "fpr": card.fpr, "tpr": card.tpr, "auc": card.auc, "color": "#1f6fb2"}
        self.card_side.roc.redraw([test_curve | {"point": _point(card_confusion), "band": card.band}])
        view = self._file_view
        if view is None or view.ranked is None:
            self.file_side.roc.clear()
            self._show_estimate(threshold)
            return
        self.file_side.setTitle(tr("This file"))
        self.file_side.setEnabled(True)
        confusion = view.ranked.confusion(threshold)
        self.file_side.matrix.show_confusion(confusion)
        self.file_side.summary.setText(
            _summary(confusion, view.auc, view.auc_ci) + " " + tr("Click a cell to see its rows.")
        )
        self.file_side.roc.redraw(
            [
                {
                    "name": tr("this file"),
                    "fpr": view.fpr,
                    "tpr": view.tpr,
                    "auc": view.auc,
                    "color": "#d9822b",
                    "point": _point(confusion),
                    "band": view.band,
                },
                test_curve,
            ]
        )

    def _show_estimate(self, threshold: float) -> None:
        """An unlabelled file: what its metrics are expected to be once the labels arrive (CBPE)."""
        bundle, table = self.state.bundle, self.state.table
        assert bundle is not None
        self.file_side.matrix.show_confusion(None)
        if table is None:
            self.file_side.setTitle(tr("This file"))
            self.file_side.setEnabled(False)
            self.file_side.summary.setText(
                tr(
                    "Open a file to see the performance expected on it, or one with a '{column}' column to back-test"
                    " the model on it."
                ).format(column=bundle.card.target.column)
            )
            return
        from app.core.estimation import estimate_for_probabilities
        from app.core.threshold_intervals import wide_metrics

        estimate = estimate_for_probabilities(
            table.probability, threshold, bundle.card.raw, table.report.rows_beyond_training()
        )
        self.estimate = estimate
        self.file_side.setTitle(tr("This file: estimated (no labels yet)"))
        self.file_side.matrix.show_confusion(_expected_confusion(estimate.confusion))
        text = tr(
            "<b>Estimated on this file</b> ({rows} scored rows, no '{column}' column): {metrics}. What the metrics"
            " are expected to be once the labels arrive, from the model's probabilities (confidence-based"
            " performance estimation)."
        ).format(rows=integer(estimate.rows), column=bundle.card.target.column, metrics=_estimate_text(estimate))
        text += _wide_lines(wide_metrics(estimate.intervals), estimate, tr("too wide to tell much."))
        if not estimate.reliable:
            unreliable = tr("<b>Not reliable:</b> {reason}.").format(reason=estimate.shown_reason())
            text = f"<span style='color:#888888'>{text}<br>{unreliable}</span>"
        self.file_side.summary.setText(text)
        self.file_side.setEnabled(estimate.reliable)  # greyed out when the estimate cannot be trusted

    def _cell_clicked(self, cell: str) -> None:
        table = self.state.table
        if table is None or table.labels is None:
            return
        from app.core.decisions import confusion_mask

        mask = confusion_mask(table.labels, table.probability, self.state.threshold, cell)
        self.state.request_rows(
            mask,
            tr("{cell} at threshold {threshold}").format(
                cell=tr(_CELL_NAMES[cell]), threshold=number(self.state.threshold, 2)
            ),
        )


def _point(confusion: Confusion | None) -> tuple[float, float] | None:
    if confusion is None or confusion.fpr != confusion.fpr or confusion.recall != confusion.recall:
        return None
    return (confusion.fpr, confusion.recall)


def _summary(confusion: Confusion | None, auc: float | None, auc_ci: tuple[float, float] | None) -> str:
    """The headline metrics with their intervals, and a plain warning when an interval is too wide."""
    if confusion is None:
        return ""
    from app.core.threshold_intervals import metrics_with_intervals

    found = metrics_with_intervals(confusion, auc, auc_ci)
    parts = [
        f"{tr(label)} {_with_interval(found.values[name], found.intervals[name], name)}"
        for name, label in _LABELS.items()
        if name != "roc_auc" or auc is not None
    ]
    text = ", ".join(parts) + " " + tr("({level} intervals).").format(level=percent(found.level, 0))
    return text + _wide_lines(found.too_wide(), found, tr("too wide to tell much from this file."))


def _wide_lines(names: list[str], found: MetricsWithIntervals | PerformanceEstimate, verdict: str) -> str:
    """A plain line per metric whose interval is too wide: ``200 rows: recall 78.0%, 95% interval …``."""
    text = ""
    for name in names:
        low, high = found.intervals[name] or (0.0, 0.0)
        text += "<br>" + tr("{rows} rows: {metric} {value}, {level} interval {low}–{high}: {verdict}").format(
            rows=integer(found.rows),
            metric=tr(_LABELS[name]),
            value=_value(found.values[name], name),
            level=percent(found.level, 0),
            low=_value(low, name),
            high=_value(high, name),
            verdict=verdict,
        )
    return text


_LABELS = {
    "roc_auc": QT_TR_NOOP("ROC AUC"),
    "accuracy": QT_TR_NOOP("accuracy"),
    "precision": QT_TR_NOOP("precision"),
    "recall": QT_TR_NOOP("recall"),
    "f1": QT_TR_NOOP("F1"),
}


def _value(value: float | None, name: str) -> str:
    if value is None:
        return tr("n/a")
    return number(value, 3) if name in ("roc_auc", "f1") else percent(value)


def _with_interval(value: float | None, found: tuple[float, float] | None, name: str) -> str:
    """``ROC AUC 0.843 (0.821–0.866)``; rates as percentages."""
    if found is None or value is None:
        return _value(value, name)
    return f"{_value(value, name)} ({_value(found[0], name)}–{_value(found[1], name)})"


def _estimate_text(estimate: PerformanceEstimate) -> str:
    return ", ".join(
        f"{tr(label)} {_with_interval(estimate.values[name], estimate.intervals[name], name)}"
        for name, label in _LABELS.items()
    )


def _expected_confusion(expected: dict[str, float]) -> Confusion:
    """The expected confusion matrix in whole rows, for the matrix widget."""
    from app.core.metrics import Confusion

    return Confusion(*(round(expected[cell]) for cell in ("tp", "fp", "tn", "fn")))
