"""History: scoring runs over time from the run log, with drift, score and issue trends and alerts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QGridLayout, QLabel, QListWidget, QVBoxLayout, QWidget

from app.core.i18n import general_text, number
from app.ui.charts import ChartWidget
from app.ui.i18n import tr
from app.ui.lazy import WhenVisible

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from app.core.history import RunHistory
    from app.ui.state import AppState

__all__ = ["HistoryPanel"]


def _name_runs(axes: Axes, history: RunHistory) -> None:
    """Name the runs on the x axis by file and date, upright on two lines; with more runs than there is room for
    side by side, every k-th one."""
    figure = axes.get_figure(root=True)
    width = figure.get_size_inches()[0] * 72 if figure is not None else 324.0  # points
    most = max(2, int(width * 0.6 / 16))  # a two-line label of 6-point text is about 16 points wide upright
    labels = [label.replace(" ", "\n", 1) for label in history.labels()]
    step = max(1, -(-len(labels) // most))
    runs = list(range(len(labels)))
    axes.set_xticks(runs[::step], labels[::step], fontsize=6, rotation=90)


class PsiHeatmap(ChartWidget):
    """PSI per feature (rows) and run (columns)."""

    def draw_chart(self, axes: Axes, history: RunHistory) -> None:
        import numpy as np

        from app.core.drift import PSI_ALERT

        values = np.array([[np.nan if v is None else v for v in run] for run in history.psi], dtype=float).T
        image = axes.imshow(values, aspect="auto", cmap="YlOrRd", vmin=0, vmax=max(PSI_ALERT * 1.6, np.nanmax(values)))
        axes.set_yticks(range(len(history.features)), history.features, fontsize=7)
        _name_runs(axes, history)
        axes.set_xlabel(tr("run"))
        axes.grid(False)
        assert self.figure is not None  # redraw made it before calling draw_chart
        self.figure.colorbar(image, ax=axes, label="PSI")


class ScoreTrend(ChartWidget):
    """Score deciles and the positive rate with its training band, run by run."""

    def draw_chart(self, axes: Axes, history: RunHistory) -> None:
        runs = range(len(history.runs))
        for decile in range(9):
            values = [d[decile] if len(d) > decile else None for d in history.deciles]
            axes.plot(
                runs,
                values,  # type: ignore[arg-type]  # matplotlib draws None as a gap; its stubs do not list None
                color="#1f6fb2",
                marker="_",
                markersize=10,
                alpha=0.25 + 0.5 * (decile == 4),
                linewidth=1 + (decile == 4),
            )
        banded = [(run, band) for run, band in zip(runs, history.band, strict=True) if band]
        if banded:
            # Error bars rather than a filled area, so a single run shows its band too.
            centre = [band["expected"] for _, band in banded]
            below = [band["expected"] - band["low"] for _, band in banded]
            above = [band["high"] - band["expected"] for _, band in banded]
            axes.errorbar(
                [run for run, _ in banded],
                centre,
                yerr=[below, above],
                fmt="none",
                ecolor="#c0392b",
                alpha=0.35,
                elinewidth=6,
                label=tr("training band"),
            )
        axes.plot(
            runs,
            history.positive_rate,  # type: ignore[arg-type]  # None is a gap to matplotlib; its stubs do not list None
            color="#c0392b",
            marker="o",
            label=tr("positive rate"),
        )
        _name_runs(axes, history)
        axes.set_ylim(0, 1)
        axes.set_xlabel(tr("run (blue: score deciles, median darker)"))
        axes.legend(fontsize=8, loc="upper left")


class EstimateTrend(ChartWidget):
    """ROC AUC estimated without labels per run, with its interval, against the test set and the gate."""

    def draw_chart(self, axes: Axes, history: RunHistory) -> None:
        runs = range(len(history.runs))
        for run, estimate in zip(runs, history.estimated_auc, strict=True):
            if estimate is None:
                continue
            # grey: the estimate does not hold (its reason is in the run log)
            color = "#1f6fb2" if estimate.reliable else "#9a9a9a"
            axes.errorbar(
                [run],
                [estimate.value],
                yerr=[[estimate.value - estimate.low], [estimate.high - estimate.value]],
                fmt="o",
                color=color,
                ecolor=color,
                alpha=0.8,
                elinewidth=6,
                capsize=0,
            )
        shown = [e for e in history.estimated_auc if e is not None]
        tests = [e.test for e in shown if e.test is not None]
        gates = [e.gate for e in shown if e.gate is not None]
        if tests:
            axes.axhline(
                tests[-1],
                color="#4a9d5b",
                linestyle="--",
                linewidth=1,
                label=tr("test set {auc}").format(auc=number(tests[-1], 3)),
            )
        if gates:
            axes.axhline(
                gates[-1],
                color="#c0392b",
                linestyle=":",
                linewidth=1.2,
                label=tr("gate {bound}").format(bound=general_text(gates[-1])),
            )
        axes.plot([], [], "o", color="#1f6fb2", label=tr("estimated, 95% interval"))
        _name_runs(axes, history)
        axes.set_ylim(0.4, 1)
        axes.set_ylabel("ROC AUC")
        axes.set_xlabel(tr("run (grey: the estimate does not hold)"))
        axes.legend(fontsize=7, loc="lower left")


class IssueTrend(ChartWidget):
    """Share of rows with each issue code, run by run."""

    def draw_chart(self, axes: Axes, history: RunHistory) -> None:
        runs = range(len(history.runs))
        for code, rates in history.issue_rates.items():
            if any(rates):
                axes.plot(runs, rates, marker=".", label=code)
        _name_runs(axes, history)
        axes.set_ylabel(tr("share of rows"))
        axes.set_ylim(bottom=0)
        axes.set_xlabel(tr("run"))
        if axes.get_legend_handles_labels()[0]:
            axes.legend(fontsize=7)


class HistoryPanel(QWidget):
    """Everything the run log knows, for this machine."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.summary = QLabel(objectName="historySummary", wordWrap=True)
        self.alerts = QListWidget(objectName="historyAlerts")
        self.alerts.setMaximumHeight(110)
        self.heatmap = PsiHeatmap(tr("Drift per feature and run (PSI)"))
        self.scores = ScoreTrend(tr("Scores and positive rate per run"))
        self.issues = IssueTrend(tr("Issue rates per run"))
        self.estimate = EstimateTrend(tr("Estimated ROC AUC per run (no labels)"))
        grid = QGridLayout()
        grid.addWidget(self.heatmap, 0, 0, 2, 1)
        grid.addWidget(self.scores, 0, 1)
        grid.addWidget(self.estimate, 0, 2)
        grid.addWidget(self.issues, 1, 1, 1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.alerts)
        layout.addLayout(grid, 1)
        self.history: RunHistory | None = None
        self._update = WhenVisible(self, self.refresh)
        state.tableChanged.connect(self._update)
        self._update()

    def refresh(self) -> None:
        """Read the run log again and redraw."""
        from app.core.history import summarise_runs
        from app.core.runlog import RunLog

        log = RunLog.default()
        records, skipped = log.read_counted()
        self.history = summarise_runs(records, limit=50, skipped=skipped)
        self.alerts.clear()
        if not self.history.runs:
            self.summary.setText(
                tr("No scoring runs logged yet. Every file scored here or with `score` is recorded in {path}.").format(
                    path=log.path
                )
            )
            return
        count = len(self.history.runs)
        self.summary.setText(
            (
                tr("Showing the last scoring run on this machine (from {path}).")
                if count == 1
                else tr("Showing the last {count} scoring runs on this machine (from {path}).")
            ).format(count=count, path=log.path)
        )
        labels = self.history.labels()
        for alert in self.history.alerts:
            self.alerts.addItem(alert.shown(run=labels[alert.run]))
        if not self.history.alerts:
            from app.core.drift import PSI_ALERT

            self.alerts.addItem(
                tr(
                    "No alerts: no feature crossed PSI {psi}, the positive rate stayed in its training band and no"
                    " estimated ROC AUC fell below the gate."
                ).format(psi=general_text(PSI_ALERT))
            )
        self.heatmap.redraw(self.history)
        self.scores.redraw(self.history)
        self.issues.redraw(self.history)
        self.estimate.redraw(self.history)
