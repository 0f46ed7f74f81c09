"""What-if starts with its chart drawn for the reference row: where each feature can move the probability."""

from __future__ import annotations

from app.core.explain import swings
from app.ui.main_window import MainWindow


def test_what_if_starts_with_its_chart_drawn_for_the_reference_row(qtbot, window: MainWindow) -> None:
    panel = window.panels["What-if"]
    window.tabs.setCurrentWidget(panel)
    bundle = window.state.bundle
    expected = swings(bundle.predictor, bundle.card, panel.values())[:10]
    axes = panel.explanation.figure.axes[0]
    widths = [bar.get_width() for bar in axes.patches]
    assert widths == [c.effect for c in expected]  # the core's swings, drawn as they are
    assert max(abs(w) for w in widths) > 0.05  # no longer a chart of zeros
    labels = [tick.get_text() for tick in axes.get_yticklabels()]
    assert labels[0].startswith(f"{expected[0].feature} → ")
    assert "reference" in axes.get_figure(root=True).get_suptitle()
    tenure = panel.editors["tenure"]
    tenure.setValue(tenure.value() + 20)  # an edit: the chart explains the edited row against the reference
    axes = panel.explanation.figure.axes[0]
    assert axes.get_yticklabels()[0].get_text().startswith("tenure = ")
    assert axes.get_figure(root=True).get_suptitle() == "What moves this prediction"
