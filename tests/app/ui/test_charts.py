"""Chart layout: at a chart widget's default size, in English and in Spanish, no tick label overlaps another and
every label lies inside the figure."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from matplotlib.axis import Axis
from matplotlib.text import Text

from app.core.bundle import Bundle
from app.core.explain import explain_rows, reference_values
from app.core.prepare import prepare_features
from app.ui.charts import (
    CalibrationChart,
    ChartWidget,
    DecisionChart,
    DriftChart,
    ExplanationChart,
    GroupRateChart,
    ImportanceChart,
    RocChart,
)
from app.ui.i18n import install_language
from tests.app.inputs import SAMPLE


@pytest.fixture(params=["en", "es"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    install_language(request.param)
    yield request.param
    install_language("en")


def _drawn(chart: ChartWidget) -> list[Text]:
    """Every visible text of the chart's figure (ticks, axis labels, title, legend), drawn at its default size."""
    assert chart.figure is not None
    chart.figure.set_size_inches(4.5, 3.2)  # the size the widget gives a figure before any layout
    chart.figure.set_dpi(100)
    chart.figure.canvas.draw()
    texts = []
    for axes in chart.figure.axes:
        texts.extend([*_ticks(axes.xaxis), *_ticks(axes.yaxis)])
        texts.extend([axes.xaxis.label, axes.yaxis.label, axes.title])
        legend = axes.get_legend()
        if legend is not None:
            texts.extend(legend.get_texts())
        texts.extend(axes.texts)
    return [t for t in texts if t.get_visible() and t.get_text()]


def _ticks(axis: Axis) -> list[Text]:
    """The tick labels matplotlib draws: those of ticks inside the axis's view (the locator may place more)."""
    low, high = sorted(axis.get_view_interval())
    slack = (high - low) * 1e-9
    ticks = zip(axis.get_majorticklocs(), axis.get_major_ticks(), strict=False)
    return [
        tick.label1
        for location, tick in ticks
        if low - slack <= location <= high + slack and tick.label1.get_visible() and tick.label1.get_text()
    ]


def _assert_legible(chart: ChartWidget) -> None:
    figure = chart.figure
    texts = _drawn(chart)
    renderer = figure.canvas.get_renderer()
    bounds = figure.bbox
    for text in texts:
        box = text.get_window_extent(renderer)
        inside = (
            box.x0 >= bounds.x0 - 0.5 and box.x1 <= bounds.x1 + 0.5 and box.y0 >= -0.5 and box.y1 <= bounds.y1 + 0.5
        )
        assert inside, f"{text.get_text()!r} is cut: {box} outside {bounds}"
    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            shown = _ticks(axis)
            for a, b in combinations(shown, 2):
                assert not a.get_window_extent(renderer).overlaps(b.get_window_extent(renderer)), (
                    f"ticks {a.get_text()!r} and {b.get_text()!r} overlap"
                )


def _contributions(bundle: Bundle, row: int) -> list:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).iloc[[row]].reset_index(drop=True)
    prepared = prepare_features(frame, bundle.card.features)
    (contributions,) = explain_rows(bundle.predictor, prepared, reference_values(bundle.card))
    return contributions


@pytest.mark.parametrize("row", [0, 7, 42])
def test_why_this_score_is_legible_at_its_default_size(qtbot, bundle: Bundle, language: str, row: int) -> None:
    chart = ExplanationChart("Why this score")
    qtbot.addWidget(chart)
    chart.show_contributions(_contributions(bundle, row))
    _assert_legible(chart)


def test_decisions_best_labels_do_not_overlap(qtbot, language: str) -> None:
    chart = DecisionChart("Value of acting across thresholds")
    qtbot.addWidget(chart)
    thresholds = np.linspace(0, 1, 101)
    curves = [
        {
            "name": name,
            "thresholds": thresholds,
            "values": 100 - 400 * (thresholds - centre) ** 2,
            "color": color,
            "best": (centre, 100.0),
        }
        for name, centre, color in (
            ("test set, realised", 0.30, "#1f6fb2"),
            ("this file, realised", 0.31, "#c0392b"),
            ("this file, expected", 0.32, "#d9822b"),
        )
    ]
    chart.redraw(curves, 0.5)
    _assert_legible(chart)
    figure = chart.figure
    renderer = figure.canvas.get_renderer()
    axes = figure.axes[0]
    # Each curve's best threshold is said once, legibly: no two texts in the plot area overlap.
    inner = [*axes.texts, *(axes.get_legend().get_texts() if axes.get_legend() else [])]
    assert sum("0.3" in t.get_text() or "0,3" in t.get_text() for t in inner) == 3
    for a, b in combinations(inner, 2):
        assert not a.get_window_extent(renderer).overlaps(b.get_window_extent(renderer))


def _other_charts(bundle: Bundle) -> dict[str, tuple[type[ChartWidget], tuple]]:
    """Every other chart of the window, with the card's own names and numbers where it has them."""
    from app.core.fairness import card_slices, with_intervals

    card = bundle.card
    names = [spec.name for spec in card.features]
    grid = np.linspace(0, 1, 21)
    curve = {
        "name": "test set",
        "fpr": grid,
        "tpr": np.sqrt(grid),
        "auc": 0.84,
        "color": "#1f6fb2",
        "point": (0.3, 0.7),
    }
    calibration = {"name": "test set", "mean_predicted": grid, "observed_rate": grid, "color": "#1f6fb2"}
    drift = {
        name: {"psi": 0.02 * i, "status": ("ok", "warn", "alert", "unsure")[i % 4], "p_value": 0.5 / (i + 1)}
        for i, name in enumerate(names)
    }
    return {
        "roc": (RocChart, ([curve],)),
        "calibration": (CalibrationChart, ([calibration],)),
        "drift": (DriftChart, (drift, 0.1, 0.25)),
        "fairness": (GroupRateChart, (with_intervals(card_slices(card, 0.5)),)),
        "importances": (ImportanceChart, (card.section("importances") or [],)),
    }


@pytest.mark.parametrize("name", ["roc", "calibration", "drift", "fairness", "importances"])
def test_every_chart_keeps_its_labels_inside_in_both_languages(qtbot, bundle: Bundle, language: str, name: str) -> None:
    kind, data = _other_charts(bundle)[name]
    chart = kind(name)
    qtbot.addWidget(chart)
    chart.redraw(*data)
    _assert_legible(chart)
