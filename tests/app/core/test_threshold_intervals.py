"""Intervals at a moving threshold: the binomial form of the stratified bootstrap, and the ROC band."""

from __future__ import annotations

import numpy as np
import pytest

from app.core import intervals
from app.core.bundle import load_bundle
from app.core.metrics import roc_curve
from app.core.threshold_intervals import CONFUSION_METRICS, confusion_intervals, roc_band


@pytest.fixture(scope="module")
def test_set() -> tuple[np.ndarray, np.ndarray]:
    stored = load_bundle().card.raw["test_predictions"]
    return np.array(stored["label"], dtype=bool), np.array(stored["probability"])


@pytest.mark.parametrize("threshold", [0.1, 0.19, 0.5, 0.8])
def test_binomial_draws_give_the_row_bootstraps_intervals(test_set, threshold: float) -> None:
    labels, scores = test_set
    flagged = scores >= threshold
    found = confusion_intervals(
        int(labels.sum()), int((~labels).sum()), int((labels & flagged).sum()), int((~labels & flagged).sum())
    )
    rows = intervals.bootstrap(labels, scores, threshold).intervals()
    for name in ("accuracy", "precision", "recall", "f1", "selection_rate"):
        (low, high), (row_low, row_high) = found[name], rows[name]
        width = row_high - row_low
        assert abs(low - row_low) < 0.15 * width, name
        assert abs(high - row_high) < 0.15 * width, name


def test_confusion_intervals_are_seeded_and_hold_the_point() -> None:
    first = confusion_intervals(200, 800, 150, 100)
    assert first == confusion_intervals(200, 800, 150, 100)
    assert first != confusion_intervals(200, 800, 150, 100, seed=1)
    assert set(first) == set(CONFUSION_METRICS)
    low, high = first["recall"]
    assert low < 0.75 < high


def test_no_predicted_positives_leaves_precision_undefined() -> None:
    found = confusion_intervals(50, 50, 0, 0)
    assert found["precision"] is None
    assert found["recall"] == (0.0, 0.0)


def test_the_roc_band_holds_the_curve_and_narrows_with_more_rows(test_set) -> None:
    labels, scores = test_set
    band = roc_band(labels, scores)
    assert band is not None
    fpr, tpr, _ = roc_curve(labels, scores)
    on_grid = np.interp(band.fpr, fpr, tpr)
    inside = (np.array(band.low) - 0.01 <= on_grid) & (on_grid <= np.array(band.high) + 0.01)
    assert inside.mean() >= 0.95
    rng = np.random.default_rng(3)
    picks = rng.choice(labels.size, 300, replace=False)
    small = roc_band(labels[picks], scores[picks])
    assert small is not None
    width = np.mean(np.array(band.high) - np.array(band.low))
    small_width = np.mean(np.array(small.high) - np.array(small.low))
    assert small_width > 1.5 * width
    assert roc_band(np.ones(10, dtype=bool), np.linspace(0, 1, 10)) is None
