"""The Model card tab: the card's metrics with their intervals, the gates' bounds, the champion test."""

from __future__ import annotations

import os
import re
from pathlib import Path

from app.ui.card_view import card_html
from app.ui.main_window import MainWindow


def test_the_card_view_shows_each_metric_with_its_interval(qtbot, window: MainWindow, tmp_path: Path) -> None:
    panel = window.panels["Model card"]
    window.tabs.setCurrentWidget(panel)
    text = panel.browser.toPlainText()
    raw = window.state.bundle.card.raw
    low, high = raw["metrics"]["test_ci"]["intervals"]["roc_auc"]
    assert f"{low:.4f}–{high:.4f}" in text  # the card's own bootstrap interval, as the build stored it
    assert "95% interval" in text
    assert "stratified bootstrap, 1000 resamples" in text
    assert re.search(r"\d\.\d{3} \(0\.\d{3}–0\.\d{3}\)", text), "slice rates carry their intervals"
    assert "Champion vs challenger" in text
    assert "upper end of the interval" in text  # the no-regression gate checks the difference's upper end
    assert "Expected calibration error on the test set: 0.0" in text
    assert window.grab().save(str(tmp_path / "card.png"))
    if os.environ.get("SHOT"):
        window.grab().save(os.environ["SHOT"])


def test_a_card_from_before_the_intervals_still_renders(window: MainWindow) -> None:
    raw = dict(window.state.bundle.card.raw)
    raw["metrics"] = {"test": raw["metrics"]["test"]}
    raw["comparison"] = {"compared": False, "reason": "no shipped bundle"}
    raw.pop("calibration", None)
    html = card_html(raw)
    assert "n/a" in html
    assert "Not compared: no shipped bundle" in html


def test_the_gates_bounds_are_written_in_the_language_of_the_window(window: MainWindow) -> None:
    from app.ui.i18n import install_language

    raw = window.state.bundle.card.raw
    assert "≥ -0.005 (upper end of the interval)" in card_html(raw)
    install_language("es")
    try:
        spanish = card_html(raw)
    finally:
        install_language("en")
    assert "≥ -0,005 (extremo superior del intervalo)" in spanish  # as the Spanish report writes it
    assert "≥ 0,83" in spanish
    assert ">superado<" in spanish  # the gate's outcome
    assert "Controles de calidad" in spanish  # a heading pyside6-lupdate had not seen inside an f-string
    assert "end of the interval" not in spanish
