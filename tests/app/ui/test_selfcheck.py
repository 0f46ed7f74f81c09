"""The desktop half of `self-test`: every tab rendered and every chart drawn, on the labelled sample."""

from __future__ import annotations

import matplotlib.backends.backend_agg as backend_agg

from app.core.bundle import Bundle
from app.ui.selfcheck import check_main_window


def test_self_check_draws_every_chart_of_the_labelled_sample(qtbot, bundle: Bundle) -> None:
    passed, detail = check_main_window(bundle)
    assert passed, detail
    assert "9 of 9 tabs rendered offscreen" in detail
    assert "telco_churn_labelled.csv shown with 500 rows" in detail
    assert "17 of 17 charts drawn" in detail


def test_self_check_fails_when_a_chart_cannot_draw_its_text(qtbot, bundle: Bundle, monkeypatch) -> None:
    """As when a frozen build misses a font matplotlib needs: Qt would only print the error of a deferred draw."""

    def missing_font(*args, **kwargs):
        raise FileNotFoundError("No such file or directory: 'LastResortHE-Regular.ttf'")

    monkeypatch.setattr(backend_agg, "get_font", missing_font)
    passed, detail = check_main_window(bundle)
    assert not passed
    assert "0 of 17 charts drawn" in detail
    assert "FileNotFoundError: No such file or directory: 'LastResortHE-Regular.ttf'" in detail


def test_self_check_fails_when_a_chart_is_never_drawn(qtbot, bundle: Bundle, monkeypatch) -> None:
    from app.ui.charts import ExplanationChart

    monkeypatch.setattr(ExplanationChart, "show_contributions", lambda self, *args, **kwargs: None)
    passed, detail = check_main_window(bundle)
    assert not passed
    assert "15 of 17 charts drawn" in detail  # the Results and What-if explanations
    assert "Why this score: RuntimeError: never drawn" in detail
