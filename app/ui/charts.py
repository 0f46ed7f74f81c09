"""Charts: one base widget owns a matplotlib canvas; each subclass only draws what core computed.

matplotlib is imported when the first chart is drawn, not at start-up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QMenu, QSizePolicy, QVBoxLayout, QWidget

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
    "ImportanceChart",
    "RocChart",
]

_COLORS = {
    "model": "#1f6fb2",
    "file": "#d9822b",
    "ok": "#4a9d5b",
    "warn": "#e0a800",
    "alert": "#c0392b",
    "unsure": "#9a9a9a",
    "grid": "#dddddd",
}


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
        figure.clear()
        axes = figure.add_subplot()
        axes.set_title(self.title, fontsize=10)
        axes.grid(True, color=_COLORS["grid"], linewidth=0.6)
        self.draw_chart(axes, *args, **kwargs)
        canvas.draw_idle()

    def draw_chart(self, axes: Axes, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401 - each subclass's own data
        """Subclasses draw into ``axes``."""
        raise NotImplementedError

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
        menu.addAction("Save chart as PNG or SVG…", self.save_dialog)
        menu.exec(self.mapToGlobal(position))

    def save_dialog(self) -> None:
        """Ask where to save the chart."""
        name = self.title.lower().replace(" ", "_") + ".png"
        path, _ = QFileDialog.getSaveFileName(self, "Save chart", name, "PNG image (*.png);;SVG image (*.svg)")
        if path:
            self.save(Path(path))


class RocChart(ChartWidget):
    """ROC curves with their AUC and the operating point at the threshold."""

    def draw_chart(self, axes: Axes, curves: Sequence[Mapping[str, Any]]) -> None:
        axes.plot([0, 1], [0, 1], color="#999999", linestyle=":", linewidth=1)
        for curve in curves:
            label = f"{curve['name']} (AUC {curve['auc']:.3f})" if curve.get("auc") is not None else curve["name"]
            band = curve.get("band")
            if band is not None:  # the core's RocBand: where the curve stays across resamples
                axes.fill_between(
                    band.fpr,
                    band.low,
                    band.high,
                    color=curve["color"],
                    alpha=0.18,
                    linewidth=0,
                    label=f"{curve['name']}: {band.level:.0%} band",
                )
            axes.plot(curve["fpr"], curve["tpr"], color=curve["color"], label=label, linewidth=1.6)
            if curve.get("point"):
                axes.plot(*curve["point"], marker="o", color=curve["color"], markersize=7)
        axes.set_xlabel("false-positive rate")
        axes.set_ylabel("true-positive rate")
        axes.set_xlim(0, 1)
        axes.set_ylim(0, 1.02)
        axes.legend(loc="lower right", fontsize=8)


class CalibrationChart(ChartWidget):
    """Predicted probability against the observed positive rate."""

    def draw_chart(self, axes: Axes, curves: Sequence[Mapping[str, Any]]) -> None:
        axes.plot([0, 1], [0, 1], color="#999999", linestyle=":", linewidth=1, label="perfect")
        for curve in curves:
            axes.plot(
                curve["mean_predicted"], curve["observed_rate"], marker="o", color=curve["color"], label=curve["name"]
            )
        axes.set_xlabel("mean predicted probability")
        axes.set_ylabel("observed positive rate")
        axes.set_xlim(0, 1)
        axes.set_ylim(0, 1)
        axes.legend(loc="upper left", fontsize=8)


class DecisionChart(ChartWidget):
    """Value of acting across thresholds, with the best threshold and the current one."""

    def draw_chart(self, axes: Axes, curves: Sequence[Mapping[str, Any]], threshold: float) -> None:
        for curve in curves:
            axes.plot(curve["thresholds"], curve["values"], color=curve["color"], label=curve["name"], linewidth=1.6)
            best = curve["best"]
            axes.plot([best[0]], [best[1]], marker="*", markersize=12, color=curve["color"])
            axes.annotate(f"best {best[0]:.2f}", best, textcoords="offset points", xytext=(6, 6), fontsize=8)
        axes.axvline(threshold, color="#555555", linestyle="--", linewidth=1, label=f"threshold {threshold:.2f}")
        axes.axhline(0, color="#999999", linewidth=0.8)
        axes.set_xlabel("threshold")
        axes.set_ylabel("value of acting per 1,000 rows")
        axes.legend(loc="best", fontsize=8)


class DriftChart(ChartWidget):
    """PSI per feature as bars, with the warn and alert bands; grey where the file is too small to tell."""

    def draw_chart(self, axes: Axes, drift: Mapping[str, Mapping[str, Any]], warn: float, alert: float) -> None:
        names = list(drift)
        values = [drift[n]["psi"] for n in names]
        statuses = [drift[n]["status"] for n in names]
        colors = [_COLORS.get(status, _COLORS["unsure"]) for status in statuses]
        top = max([alert * 1.4, *values]) if values else alert * 1.4
        axes.axvspan(warn, alert, color=_COLORS["warn"], alpha=0.12, label=f"warn ≥ {warn}")
        axes.axvspan(alert, top, color=_COLORS["alert"], alpha=0.10, label=f"alert ≥ {alert}")
        bars = axes.barh(range(len(names)), values, color=colors)
        unsure = [bar for bar, status in zip(bars, statuses, strict=True) if status not in _COLORS]
        for bar in unsure:
            bar.set_hatch("//")
        if unsure:
            unsure[0].set_label("too few rows to tell")
        labels = [f"{n}  (p {_p_text(drift[n].get('p_value'))})" for n in names]
        axes.set_yticks(range(len(names)), labels, fontsize=7)
        axes.invert_yaxis()
        axes.set_xlim(0, top)
        axes.set_xlabel("PSI  (p: chi-square, Benjamini-Hochberg adjusted)", fontsize=8)
        axes.legend(loc="lower right", fontsize=8)


def _p_text(p_value: float | None) -> str:
    """A p-value short enough for an axis label."""
    if p_value is None:
        return "n/a"
    return "< 0.001" if p_value < 0.001 else f"{p_value:.3f}"


class GroupRateChart(ChartWidget):
    """TPR and FPR per group of each sensitive attribute, with their intervals as error bars."""

    def draw_chart(self, axes: Axes, slices: Mapping[str, Mapping[str, Any]]) -> None:
        names: list[str] = []
        for metric, color, offset in (("tpr", _COLORS["model"], -0.15), ("fpr", _COLORS["file"], 0.15)):
            positions, values, below, above = [], [], [], []
            row = 0
            for attribute, found in slices.items():
                for group, rates in found["groups"].items():
                    if metric == "tpr":
                        names.append(f"{attribute}={group}")
                    interval = rates.get("ci", {}).get(metric)
                    if rates[metric] is not None:
                        positions.append(row + offset)
                        values.append(rates[metric])
                        below.append(rates[metric] - interval[0] if interval else 0.0)
                        above.append(interval[1] - rates[metric] if interval else 0.0)
                    row += 1
            axes.errorbar(values, positions, xerr=[below, above], fmt="o", color=color, capsize=3, label=metric.upper())
        axes.set_yticks(range(len(names)), names, fontsize=7)
        axes.invert_yaxis()
        axes.set_xlim(0, 1)
        axes.set_xlabel("rate (bars: 95% interval)")
        axes.legend(fontsize=8, loc="upper left")


class DistributionChart(ChartWidget):
    """One feature's training and current distributions, bin by bin."""

    def draw_chart(
        self, axes: Axes, labels: Sequence[str], training: Sequence[float], current: Sequence[float]
    ) -> None:
        positions = range(len(labels))
        axes.bar([p - 0.2 for p in positions], training, width=0.4, color=_COLORS["model"], label="training")
        axes.bar([p + 0.2 for p in positions], current, width=0.4, color=_COLORS["file"], label="this file")
        axes.set_xticks(list(positions), labels, rotation=45, ha="right", fontsize=7)
        axes.set_ylabel("share of rows")
        axes.legend(fontsize=8)


class Importance(TypedDict):
    """One entry of the card's ``importances`` section."""

    feature: str
    mean: float
    std: float


class ImportanceChart(ChartWidget):
    """The card's permutation importances: how much test ROC AUC drops when a feature is shuffled."""

    def draw_chart(self, axes: Axes, importances: Sequence[Importance], top: int = 12) -> None:
        rows = list(importances)[:top]
        axes.barh(range(len(rows)), [r["mean"] for r in rows], xerr=[r["std"] for r in rows], color="#7f8c8d")
        axes.set_yticks(range(len(rows)), [r["feature"] for r in rows], fontsize=7)
        axes.invert_yaxis()
        axes.set_xlabel("drop in test ROC AUC when shuffled (all rows)")


class ExplanationChart(ChartWidget):
    """Features that pushed a probability up (red) or down (blue)."""

    def show_contributions(self, contributions: Sequence[Contribution], limit: int = 10) -> None:
        """The ``limit`` largest contributions, each labelled ``feature = value``."""
        top = contributions[:limit]
        self.redraw([f"{c.feature} = {_shown(c.value)}" for c in top], [c.effect for c in top])

    def draw_chart(self, axes: Axes, names: Sequence[str], effects: Sequence[float], xlabel: str = "") -> None:
        colors = ["#c0392b" if e > 0 else "#1f6fb2" for e in effects]
        axes.barh(range(len(names)), effects, color=colors)
        axes.set_yticks(range(len(names)), names, fontsize=7)
        axes.invert_yaxis()
        axes.axvline(0, color="#555555", linewidth=0.8)
        # A floor on the scale, so rounding noise at the reference values does not fill the chart.
        reach = max([0.05, *(abs(e) * 1.1 for e in effects)])
        axes.set_xlim(-reach, reach)
        axes.set_xlabel(xlabel or "change in probability against the training reference")


def _shown(value: object) -> str:
    """A feature value as people write it (float32 noise rounded away)."""
    return f"{value:.6g}" if isinstance(value, float) else str(value)
