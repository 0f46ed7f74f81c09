"""The Decisions tab says which curve each best threshold comes from, and its button applies the file's own."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.core.decisions import expected_curve, realised_curve
from app.core.i18n import number
from app.ui.main_window import MainWindow
from tests.app.inputs import LABELLED, SAMPLE
from tests.app.ui.conftest import open_and_wait


def test_a_labelled_file_offers_its_realised_best_threshold(qtbot, window: MainWindow) -> None:
    table = open_and_wait(qtbot, window, LABELLED)
    panel = window.panels["Decisions"]
    window.tabs.setCurrentWidget(panel)
    state = window.state
    cost, value = state.cost_per_action, state.value_per_true_positive
    test_best = realised_curve(state.card_ranked(), cost, value).best_threshold
    file_best = realised_curve(state.file_ranked(), cost, value).best_threshold
    expected_best = expected_curve(table.probability, cost, value).best_threshold
    text = panel.summary.text()
    assert f"test set, realised {number(test_best, 2)}" in text
    assert f"this file, realised <b>{number(file_best, 2)}</b>" in text
    assert f"this file, expected {number(expected_best, 2)}" in text
    assert "applies this file, realised" in text
    assert panel.use_best.text() == f"Use the best threshold ({number(file_best, 2)}, this file, realised)"
    qtbot.mouseClick(panel.use_best, Qt.MouseButton.LeftButton)
    assert state.threshold == file_best


def test_an_unlabelled_file_offers_its_expected_best_and_no_file_the_test_set(qtbot, window: MainWindow) -> None:
    panel = window.panels["Decisions"]
    window.tabs.setCurrentWidget(panel)
    state = window.state
    cost, value = state.cost_per_action, state.value_per_true_positive
    test_best = realised_curve(state.card_ranked(), cost, value).best_threshold
    assert panel.use_best.text() == f"Use the best threshold ({number(test_best, 2)}, test set, realised)"
    table = open_and_wait(qtbot, window, SAMPLE)
    expected_best = expected_curve(table.probability, cost, value).best_threshold
    assert panel.use_best.text() == f"Use the best threshold ({number(expected_best, 2)}, this file, expected)"
    assert "this file, realised" not in panel.summary.text()  # no labels, no realised value
    assert "applies this file, expected" in panel.summary.text()
    qtbot.mouseClick(panel.use_best, Qt.MouseButton.LeftButton)
    assert state.threshold == expected_best
