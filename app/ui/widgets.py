"""Widgets several panels share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QSlider, QWidget

from app.ui.i18n import tr

if TYPE_CHECKING:
    from app.ui.state import AppState

__all__ = ["ThresholdControl"]


class ThresholdControl(QWidget):
    """A slider and a spin box bound to the app's threshold."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.slider = QSlider(Qt.Orientation.Horizontal, objectName="thresholdSlider", minimum=1, maximum=99)
        self.spin = QDoubleSpinBox(objectName="thresholdSpin", minimum=0.01, maximum=0.99, singleStep=0.01, decimals=2)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(tr("Decision threshold")))
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.spin)
        self.slider.valueChanged.connect(lambda value: state.set_threshold(value / 100))
        self.spin.valueChanged.connect(state.set_threshold)
        state.thresholdChanged.connect(self._show)
        self._show(state.threshold)

    def _show(self, threshold: float) -> None:
        for widget, value in ((self.slider, round(threshold * 100)), (self.spin, threshold)):
            widget.blockSignals(True)
            widget.setValue(value)
            widget.blockSignals(False)
