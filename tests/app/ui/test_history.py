"""History names each run by its file and date, on every chart's axis and in the alerts."""

from __future__ import annotations

from pathlib import Path

from app.ui.main_window import MainWindow
from tests.app.inputs import LABELLED, SAMPLE, sample_frame, write_csv
from tests.app.ui.conftest import open_and_wait


def test_runs_are_named_by_file_and_date_on_the_charts_and_in_the_alerts(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    open_and_wait(qtbot, window, SAMPLE)
    open_and_wait(qtbot, window, LABELLED)
    loyal = sample_frame()
    loyal["tenure"] = "72"  # every customer of ten years: tenure drifts far past the alert
    open_and_wait(qtbot, window, write_csv(loyal, tmp_path / "loyal.csv"))
    panel = window.panels["History"]
    window.tabs.setCurrentWidget(panel)
    labels = panel.history.labels()
    assert labels[0].startswith("telco_churn_to_score.csv ")
    assert labels[1].startswith("telco_churn_labelled.csv ")
    assert labels[2].startswith("loyal.csv ")
    for chart in (panel.heatmap, panel.scores, panel.issues, panel.estimate):
        shown = [tick.get_text().replace("\n", " ") for tick in chart.figure.axes[0].get_xticklabels()]
        assert shown == labels, chart.title
    alerts = [panel.alerts.item(i).text() for i in range(panel.alerts.count())]
    assert any(text.startswith(f"{labels[2]}: tenure drifted, PSI") for text in alerts), alerts
    assert all(text.startswith(tuple(labels)) for text in alerts)  # no "Run 3", no raw timestamp


def test_many_runs_keep_their_names_legible(qtbot) -> None:
    from app.core.history import summarise_runs
    from app.ui.history import IssueTrend, PsiHeatmap, ScoreTrend
    from tests.app.ui.test_charts import _assert_legible

    records = [
        {
            "@timestamp": f"2026-12-{1 + day // 3:02d}T{8 + day % 3:02d}:05:00.000Z",
            "file": {"name": f"customers_export_{day:02d}.csv"},
            "scoredesk": {
                "rows": {"total": 100},
                "model": {"version": "1"},
                "scores": {"positive_rate": 0.3, "deciles": [0.1 * i for i in range(1, 10)]},
                "drift": {"tenure": 0.01 * day, "contract": 0.02},
                "issues": {"out_of_range": day},
            },
        }
        for day in range(30)
    ]
    history = summarise_runs(records)
    for kind in (PsiHeatmap, ScoreTrend, IssueTrend):
        chart = kind("runs")
        qtbot.addWidget(chart)
        chart.redraw(history)
        _assert_legible(chart)
