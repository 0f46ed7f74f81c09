"""What-if: a form generated from the card's features; the prediction follows every change."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.core.decisions import decision_digits, predicted
from app.core.i18n import general_text, number
from app.ui.charts import ExplanationChart, ImportanceChart
from app.ui.i18n import tr
from app.ui.lazy import WhenVisible

if TYPE_CHECKING:
    from app.core.card import FeatureSpec
    from app.ui.state import AppState

__all__ = ["WhatIfPanel"]

_OUT_OF_RANGE = "background:#fff4cc;"
# Below this, a row's contributions are the rounding of the form's spin boxes (a median of 1405.325 shown as
# 1405.33), not a change anyone made.
_AT_REFERENCE = 1e-4


class WhatIfPanel(QWidget):
    """Edit one customer's features and watch the probability and its reasons move."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.editors: dict[str, QComboBox | QDoubleSpinBox] = {}
        self._importance_stale = True  # the card's importances: drawn once per bundle
        self.result = QLabel(objectName="whatIfResult")
        self.result.setStyleSheet("font-size:16px; padding:6px;")
        self.flags = QLabel(objectName="whatIfFlags", wordWrap=True)
        self.load_row = QPushButton(tr("Copy the selected row"), objectName="loadSelectedRow")
        self.reset = QPushButton(tr("Training reference values"), objectName="resetWhatIf")
        self.explanation = ExplanationChart(tr("What moves this prediction"))
        self.importance = ImportanceChart(tr("What matters overall (model card)"))
        self.form_holder = QWidget()
        self.form = QFormLayout(self.form_holder)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(self.form_holder)
        buttons = QHBoxLayout()
        buttons.addWidget(self.load_row)
        buttons.addWidget(self.reset)
        left = QVBoxLayout()
        left.addLayout(buttons)
        left.addWidget(scroll, 1)
        right = QVBoxLayout()
        right.addWidget(self.result)
        right.addWidget(self.flags)
        right.addWidget(self.explanation, 1)
        right.addWidget(self.importance, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addLayout(right, 2)
        self.load_row.clicked.connect(self.copy_selected_row)
        self.reset.clicked.connect(self.reset_values)
        state.bundleChanged.connect(self.build_form)
        self._update = WhenVisible(self, self.update_prediction)
        state.thresholdChanged.connect(self._update)
        state.rowSelected.connect(lambda row: self.load_row.setEnabled(row >= 0))
        self.load_row.setEnabled(False)
        self.build_form()

    def build_form(self) -> None:
        """One editor per feature: categories as combo boxes, numbers as spin boxes (training range noted)."""
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors.clear()
        self._importance_stale = True
        bundle = self.state.bundle
        if bundle is None:
            return
        for spec in bundle.card.features:
            editor = self._editor(spec)
            self.editors[spec.name] = editor
            self.form.addRow(spec.name, editor)
        self.reset_values()

    def _editor(self, spec: FeatureSpec) -> QComboBox | QDoubleSpinBox:
        if spec.kind == "categorical" or spec.kind == "binary":
            box = QComboBox(objectName=f"whatIf:{spec.name}")
            box.addItems(list(spec.categories))
            box.currentIndexChanged.connect(self._update)
            return box
        low, high = float(spec.stats["min"]), float(spec.stats["max"])
        span = max(high - low, 1.0)
        # Any number can be typed; values outside the training range or the domain rules are flagged, not refused.
        spin = QDoubleSpinBox(objectName=f"whatIf:{spec.name}", minimum=-1e9, maximum=1e9)
        spin.setDecimals(0 if spec.stats.get("integer") else 2)
        spin.setSingleStep(1.0 if spec.stats.get("integer") else max(span / 100, 0.01))
        spin.setToolTip(tr("training range {low} to {high}").format(low=general_text(low), high=general_text(high)))
        spin.valueChanged.connect(self._update)
        return spin

    def values(self) -> dict[str, Any]:
        """The form's values, prepared as the model takes them."""
        bundle = self.state.bundle
        assert bundle is not None
        result: dict[str, Any] = {}
        for spec in bundle.card.features:
            editor = self.editors[spec.name]
            if isinstance(editor, QComboBox):
                result[spec.name] = float(editor.currentText()) if spec.kind == "binary" else editor.currentText()
            else:
                result[spec.name] = editor.value()
        return result

    def set_values(self, values: dict[str, Any]) -> None:
        """Fill the form (unknown categories and empty cells keep the current value)."""
        for name, value in values.items():
            editor = self.editors.get(name)
            if editor is None or value is None or value == "":
                continue
            editor.blockSignals(True)
            if isinstance(editor, QComboBox):
                text = f"{float(value):g}" if isinstance(value, float) else str(value)
                index = editor.findText(text)
                if index >= 0:
                    editor.setCurrentIndex(index)
            else:
                try:
                    editor.setValue(float(value))
                except (TypeError, ValueError):
                    pass
            editor.blockSignals(False)
        self._update()

    def reset_values(self) -> None:
        """Start from the training reference values (medians and most frequent categories)."""
        if self.state.bundle is None:
            return
        from app.core.explain import reference_values

        self.set_values(reference_values(self.state.bundle.card))

    def copy_selected_row(self) -> None:
        """Fill the form from the row selected in the results table."""
        table, bundle, row = self.state.table, self.state.bundle, self.state.selected_row
        if table is None or bundle is None or row < 0:
            return
        self.set_values(table.model_row(row, bundle.card))  # mapped and prepared as scored; blanks imputed

    def update_prediction(self) -> None:
        """Score the form's row and explain it; flag values outside the training range."""
        bundle = self.state.bundle
        if bundle is None or not self.editors:
            return
        values = self.values()
        probability = bundle.predictor.predict_one(values)
        label = (
            bundle.card.target.positive_label
            if predicted(probability, self.state.threshold)
            else bundle.card.target.negative_label
        )
        self.result.setText(
            tr("Probability <b>{probability}</b>: {label} at threshold {threshold}").format(
                probability=number(probability, decision_digits(probability, self.state.threshold)),
                label=label,
                threshold=number(self.state.threshold, 2),
            )
        )
        outside = []
        for spec in bundle.card.features:
            editor = self.editors[spec.name]
            if isinstance(editor, QDoubleSpinBox):
                out = not spec.stats["min"] <= editor.value() <= spec.stats["max"]
                editor.setStyleSheet(_OUT_OF_RANGE if out else "")
                if out:
                    outside.append(
                        tr("{feature} {value} (training {low}–{high})").format(
                            feature=spec.name,
                            value=general_text(editor.value()),
                            low=general_text(spec.stats["min"]),
                            high=general_text(spec.stats["max"]),
                        )
                    )
        self.flags.setText(
            tr("Outside the training range: {values}").format(values="; ".join(outside)) if outside else ""
        )
        self.last_probability = probability
        self._explain(values)

    def _explain(self, values: dict[str, Any]) -> None:
        import pandas as pd

        from app.core.explain import explain_rows, reference_values

        bundle = self.state.bundle
        assert bundle is not None
        prepared = pd.DataFrame([values])
        for spec in bundle.card.features:
            if spec.is_numeric:
                prepared[spec.name] = prepared[spec.name].astype("float32")
        (contributions,) = explain_rows(bundle.predictor, prepared, reference_values(bundle.card))
        if all(abs(c.effect) < _AT_REFERENCE for c in contributions):
            # At the reference values (the form's start) every contribution is zero and the chart would be empty:
            # show instead how far each feature can move this prediction, and to which value.
            from app.core.explain import swings

            self.explanation.title = tr("At the reference values: how far each feature can move the probability")
            self.explanation.show_contributions(swings(bundle.predictor, bundle.card, values), joiner=" → ")
        else:
            self.explanation.title = tr("What moves this prediction")
            self.explanation.show_contributions(contributions)
        if self._importance_stale:  # it changes with the bundle only, not with each edit of the form
            self.importance.redraw(bundle.card.section("importances") or [])
            self._importance_stale = False
