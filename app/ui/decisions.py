"""Decisions: editable costs, value across thresholds with the best one marked, and what acting means."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.i18n import integer, percent
from app.core.i18n import number as decimal
from app.ui.charts import DecisionChart
from app.ui.i18n import tr
from app.ui.lazy import WhenVisible
from app.ui.widgets import ThresholdControl

if TYPE_CHECKING:
    from app.ui.state import AppState

__all__ = ["DecisionsPanel"]


def _money(value: float) -> str:
    return decimal(value, 0)


# Which curve's best threshold the button applies: the file's realised value where it has labels (what acting
# actually earned on it), else its expected value, else the test set's, before any file is open.
_PREFERENCE = ("file_realised", "file_expected", "test_realised")


def _offered(curves: list[dict[str, Any]]) -> dict[str, Any]:
    """The curve whose best threshold "Use the best threshold" applies."""
    by_kind = {c["kind"]: c for c in curves}
    return next(by_kind[kind] for kind in _PREFERENCE if kind in by_kind)


def _best_line(curves: list[dict[str, Any]], chosen: dict[str, Any]) -> str:
    """Each curve's best threshold, named by its curve; the one the button applies in bold."""
    parts = []
    for c in curves:
        best = decimal(c["curve"].best_threshold, 2)
        parts.append(f"{c['name']} <b>{best}</b>" if c is chosen else f"{c['name']} {best}")
    return tr("Best threshold: {thresholds}. The button applies {curve}.").format(
        thresholds="; ".join(parts), curve=chosen["name"]
    )


class DecisionsPanel(QWidget):
    """What following the model to the letter means, at the current threshold and costs."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.cost = QDoubleSpinBox(objectName="costPerAction", maximum=1e9, decimals=2, singleStep=5)
        self.value = QDoubleSpinBox(objectName="valuePerTruePositive", maximum=1e9, decimals=2, singleStep=10)
        self.use_best = QPushButton(tr("Use the best threshold"), objectName="useBest")
        self.use_best.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        form = QFormLayout()
        form.addRow(tr("Cost per action (e.g. a retention offer)"), self.cost)
        form.addRow(tr("Value per true positive (e.g. a customer kept)"), self.value)
        self.threshold = ThresholdControl(state)
        self.summary = QLabel(objectName="decisionSummary", wordWrap=True)
        self.chart = DecisionChart(tr("Value of acting across thresholds"))
        top = QHBoxLayout()
        top.addLayout(form)
        top.addWidget(self.use_best)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.threshold)
        layout.addWidget(self.summary)
        layout.addWidget(self.chart, 1)
        self.cost.valueChanged.connect(self._costs_edited)
        self.value.valueChanged.connect(self._costs_edited)
        self.use_best.clicked.connect(self._use_best)
        self._best: float | None = None
        self._curves: list[dict[str, Any]] | None = None
        self._update = WhenVisible(self, self.refresh)
        for signal in (state.bundleChanged, state.tableChanged, state.costsChanged):
            signal.connect(self._data_changed)
        for signal in (state.bundleChanged, state.costsChanged):  # the inputs show the costs even while hidden
            signal.connect(self._show_costs)
        state.thresholdChanged.connect(
            WhenVisible(self, self.refresh, coalesce=True)
        )  # one redraw per burst of changes
        self._show_costs()
        self._update()

    def _show_costs(self) -> None:
        for spin, number in ((self.cost, self.state.cost_per_action), (self.value, self.state.value_per_true_positive)):
            spin.blockSignals(True)
            spin.setValue(number)
            spin.blockSignals(False)

    def _data_changed(self) -> None:
        self._curves = None  # recomputed when next shown
        self._update()

    def _costs_edited(self) -> None:
        self.state.set_costs(self.cost.value(), self.value.value())

    def _use_best(self) -> None:
        if self._best is not None:
            self.state.set_threshold(self._best)

    def curves(self) -> list[dict[str, Any]]:
        """Value curves: realised on the card's test set and (with labels) the file; expected on the file."""
        if self._curves is None:
            self._curves = self._compute_curves()
        return self._curves

    def _compute_curves(self) -> list[dict[str, Any]]:
        from app.core.decisions import expected_curve, realised_curve

        state = self.state
        cost, value = state.cost_per_action, state.value_per_true_positive
        result = []
        ranked = state.card_ranked()
        if ranked is not None:
            curve = realised_curve(ranked, cost, value)
            result.append(
                {
                    "name": tr("test set, realised"),
                    "kind": "test_realised",
                    "curve": curve,
                    "color": "#1f6fb2",
                    "rows": ranked.scores.size,
                }
            )
        if state.table is not None:
            file_ranked = state.file_ranked()
            if file_ranked is not None:
                result.append(
                    {
                        "name": tr("this file, realised"),
                        "kind": "file_realised",
                        "curve": realised_curve(file_ranked, cost, value),
                        "color": "#c0392b",
                        "rows": file_ranked.scores.size,
                    }
                )
            result.append(
                {
                    "name": tr("this file, expected"),
                    "kind": "file_expected",
                    "curve": expected_curve(state.table.probability, cost, value),
                    "color": "#d9822b",
                    "rows": int((~np.isnan(state.table.probability)).sum()),
                }
            )
        return result

    def refresh(self) -> None:
        """Recompute the curves and the summary."""
        state = self.state
        if state.bundle is None:
            return
        curves = self.curves()
        if not curves:
            return
        chosen = _offered(curves)
        self._best = chosen["curve"].best_threshold
        self.use_best.setText(
            tr("Use the best threshold ({threshold}, {curve})").format(
                threshold=decimal(self._best, 2), curve=chosen["name"]
            )
        )
        lines = []
        if state.table is not None:
            expected_curve = curves[-1]  # the file's expected value: every scored row counts, labelled or not
            expected, acted = expected_curve["curve"].at(state.threshold)
            scored = expected_curve["rows"]
            lines.append(
                tr(
                    "At threshold {threshold} the model says to act on <b>{acted}</b> of {scored} scored rows"
                    " ({share})."
                ).format(
                    threshold=decimal(state.threshold, 2),
                    acted=integer(acted),
                    scored=integer(scored),
                    share=percent(acted / scored),
                )
                if scored
                else tr("No row could be scored.")
            )
            lines.append(
                tr("Expected value: <b>{value}</b> (each probability taken as the chance that acting pays).").format(
                    value=_money(expected)
                )
            )
            if chosen["kind"] == "file_realised":
                realised, _ = chosen["curve"].at(state.threshold)
                lines.append(
                    tr("Realised value on the file's labels: <b>{value}</b> ({rows} labelled rows).").format(
                        value=_money(realised), rows=integer(chosen["rows"])
                    )
                )
            lines.append(_best_line(curves, chosen))
        else:
            value, acted = chosen["curve"].at(state.threshold)
            lines.append(
                tr(
                    "On the model card's test set, acting at {threshold} means {acted} actions and a realised value"
                    " of <b>{value}</b>; the best threshold there is {best}. Open a file to see what acting means"
                    " for it."
                ).format(
                    threshold=decimal(state.threshold, 2),
                    acted=integer(acted),
                    value=_money(value),
                    best=decimal(self._best, 2),
                )
            )
        self.summary.setText("<br>".join(lines))
        # Per 1,000 rows, so the test set and a file of any size share one scale.
        scaled = [(c, 1000 / max(c["rows"], 1)) for c in curves]
        self.chart.redraw(
            [
                {
                    "name": c["name"],
                    "thresholds": c["curve"].thresholds,
                    "values": c["curve"].values * factor,
                    "color": c["color"],
                    "best": (c["curve"].best_threshold, c["curve"].at(c["curve"].best_threshold)[0] * factor),
                }
                for c, factor in scaled
            ],
            state.threshold,
        )
