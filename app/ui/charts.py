"""Charts: one base widget owns a matplotlib canvas; each subclass only draws what core computed.

The drawing itself is app.plots' (Qt-free, so the HTML report draws the same charts); these widgets put it on
screen. matplotlib is imported when the first chart is drawn, not at start-up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFileDialog, QLabel, QMenu, QSizePolicy, QVBoxLayout, QWidget

from app.plots import (
    Importance,
    draw_calibration,
    draw_decisions,
    draw_distribution,
    draw_drift,
    draw_explanation,
    draw_group_rates,
    draw_importances,
    draw_roc,
    new_axes,
)
from app.ui.i18n import tr

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
    from matplotlib.figure import Figure

    from app.core.explain import Contribution

__all__ = [
    "CalibrationChart",
    "ChartWidget",
    "DecisionChart",
    "DistributionChart",
    "DriftChart",
    "ExplanationChart",
    "GroupRateChart",
    "Importance",
    "ImportanceChart",
    "RocChart",
]


class ChartWidget(QWidget):
    """A matplotlib figure in a widget, with Save as PNG/SVG on its context menu."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.setObjectName(f"chart:{title}")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._placeholder = QLabel(title, alignment=Qt.AlignmentFlag.AlignCenter)
        self._layout.addWidget(self._placeholder)
        self.figure: Figure | None = None  # both made by the first draw
        self.canvas: FigureCanvasQTAgg | None = None
        self._drawn: tuple[tuple[Any, ...], dict[str, Any]] | None = None  # the last data drawn, to fit it again
        self._drawn_width = 0
        self._fit = QTimer(self, singleShot=True, interval=50)
        self._fit.timeout.connect(self._fit_to_width)
        self.setMinimumSize(260, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)

    def _ensure_canvas(self) -> tuple[Figure, FigureCanvasQTAgg]:
        if self.figure is not None and self.canvas is not None:
            return self.figure, self.canvas
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        figure = self.figure = Figure(figsize=(4.5, 3.2), layout="constrained")
        canvas = self.canvas = FigureCanvasQTAgg(figure)
        canvas.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self._layout.replaceWidget(self._placeholder, canvas)
        self._placeholder.deleteLater()
        return figure, canvas

    # Each subclass's draw_chart declares its own data; redraw only forwards it. Any (not object) is what lets
    # a subclass narrow ``*args, **kwargs`` to named parameters without breaking the override.
    def redraw(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401 - forwarded to the subclass's draw_chart
        """Clear and draw again with new data."""
        figure, canvas = self._ensure_canvas()
        self._drawn = (args, kwargs)
        self._drawn_width = self.width()
        if self.isVisible() and self.width() > 1 and self.height() > 1:
            # A new canvas has the default figure size until Qt resizes it: wrap labels to the size it will show.
            ratio = canvas.devicePixelRatioF() or 1.0
            figure.set_size_inches(self.width() * ratio / figure.dpi, self.height() * ratio / figure.dpi, forward=False)
        axes = new_axes(figure, self.title)
        self.draw_chart(axes, *args, **kwargs)
        canvas.draw_idle()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Labels and titles are wrapped to the chart's width when drawn: a chart drawn before the window laid it
        out (or resized since) draws again, once the resizing has settled, so none stays cut or needlessly wrapped."""
        super().resizeEvent(event)
        if self._drawn is not None and self.width() != self._drawn_width:
            self._fit.start()

    def _fit_to_width(self) -> None:
        if self._drawn is not None and self.width() != self._drawn_width:
            self.redraw(*self._drawn[0], **self._drawn[1])

    def draw_chart(self, axes: Axes, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401 - each subclass's own data
        """Subclasses draw into ``axes``."""
        raise NotImplementedError

    def shows_data(self) -> bool:
        """True once the chart has drawn something that is still on screen."""
        return self.figure is not None and any(axes.has_data() for axes in self.figure.axes)

    def clear(self) -> None:
        """Show nothing: what the chart drew belonged to a file, row or model no longer shown."""
        if self.figure is None or self.canvas is None:
            return  # never drawn: the placeholder shows the title only
        self._drawn = None
        new_axes(self.figure, self.title)
        self.canvas.draw_idle()

    def save(self, path: Path) -> Path:
        """Write the chart as PNG or SVG (by the file's suffix)."""
        figure, _ = self._ensure_canvas()
        path = Path(path)
        if path.suffix.lower() not in (".png", ".svg"):
            path = path.with_suffix(".png")
        figure.savefig(path, dpi=150)
        return path

    def _menu(self, position: QPoint) -> None:
        menu = QMenu(self)
        menu.addAction(tr("Save chart as PNG or SVG…"), self.save_dialog)
        menu.exec(self.mapToGlobal(position))

    def save_dialog(self) -> None:
        """Ask where to save the chart."""
        name = self.title.lower().replace(" ", "_") + ".png"
        path, _ = QFileDialog.getSaveFileName(self, tr("Save chart"), name, "PNG image (*.png);;SVG image (*.svg)")
        if path:
            self.save(Path(path))


class RocChart(ChartWidget):
    """ROC curves with their AUC and the operating point at the threshold."""

    def draw_chart(self, axes: Axes, curves: Sequence[Mapping[str, Any]]) -> None:
        draw_roc(axes, curves)


class CalibrationChart(ChartWidget):
    """Predicted probability against the observed positive rate."""

    def draw_chart(self, axes: Axes, curves: Sequence[Mapping[str, Any]]) -> None:
        draw_calibration(axes, curves)


class DecisionChart(ChartWidget):
    """Value of acting across thresholds, with the best threshold and the current one."""

    def draw_chart(self, axes: Axes, curves: Sequence[Mapping[str, Any]], threshold: float) -> None:
        draw_decisions(axes, curves, threshold)


class DriftChart(ChartWidget):
    """PSI per feature as bars, with the warn and alert bands; grey where the file is too small to tell."""

    def draw_chart(self, axes: Axes, drift: Mapping[str, Mapping[str, Any]], warn: float, alert: float) -> None:
        draw_drift(axes, drift, warn, alert)


class GroupRateChart(ChartWidget):
    """TPR and FPR per group of each sensitive attribute, with their intervals as error bars."""

    def draw_chart(self, axes: Axes, slices: Mapping[str, Mapping[str, Any]]) -> None:
        draw_group_rates(axes, slices)


class DistributionChart(ChartWidget):
    """One feature's training and current distributions, bin by bin."""

    def draw_chart(
        self, axes: Axes, labels: Sequence[str], training: Sequence[float], current: Sequence[float]
    ) -> None:
        draw_distribution(axes, labels, training, current)


class ImportanceChart(ChartWidget):
    """The card's permutation importances: how much test ROC AUC drops when a feature is shuffled."""

    def draw_chart(self, axes: Axes, importances: Sequence[Importance], top: int = 12) -> None:
        draw_importances(axes, importances, top)


_LABEL_CHARS = 25  # the longest category the model knows, "Bank transfer (automatic)", stays whole


class ExplanationChart(ChartWidget):
    """Features that pushed a probability up (red) or down (blue)."""

    def show_contributions(self, contributions: Sequence[Contribution], limit: int = 10, joiner: str = " = ") -> None:
        """The ``limit`` largest contributions, each labelled ``feature = value`` (or ``feature → value``)."""
        top = contributions[:limit]
        self.redraw([f"{c.feature}{joiner}{_shown(c.value)}" for c in top], [c.effect for c in top])

    def draw_chart(self, axes: Axes, names: Sequence[str], effects: Sequence[float], xlabel: str = "") -> None:
        draw_explanation(axes, names, effects, xlabel)


def _shown(value: object) -> str:
    """A feature value as people write it: float32 noise rounded away, long text cut (1 MB took 200 s to draw)."""
    text = f"{value:.6g}" if isinstance(value, float) else str(value)
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1] + "…"
