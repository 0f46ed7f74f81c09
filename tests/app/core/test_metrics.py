"""numpy metrics agree with scikit-learn's on the same data."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm
from sklearn.calibration import calibration_curve as sk_calibration

from app.core import metrics as m


def _data(seed: int, n: int = 500, ties: bool = False) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    p = np.clip(rng.normal(0.35 + 0.3 * y, 0.2), 0, 1)
    return y, (np.round(p, 1) if ties else p)


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_threshold_free_metrics_match_scikit_learn(seed: int, ties: bool) -> None:
    y, p = _data(seed, ties=ties)
    assert m.roc_auc(y, p) == pytest.approx(skm.roc_auc_score(y, p), abs=1e-12)
    assert m.average_precision(y, p) == pytest.approx(skm.average_precision_score(y, p), abs=1e-12)
    assert m.brier_score(y, p) == pytest.approx(skm.brier_score_loss(y, p), abs=1e-12)
    assert m.log_loss(y, p) == pytest.approx(skm.log_loss(y, p), abs=1e-9)
    fpr, tpr, thresholds = m.roc_curve(y, p)
    sk_fpr, sk_tpr, sk_thresholds = skm.roc_curve(y, p, drop_intermediate=False)
    np.testing.assert_allclose(fpr, sk_fpr)
    np.testing.assert_allclose(tpr, sk_tpr)
    np.testing.assert_allclose(thresholds[1:], sk_thresholds[1:])


@pytest.mark.parametrize("threshold", [0.1, 0.26, 0.5, 0.9])
def test_confusion_and_rates_match_scikit_learn(threshold: float) -> None:
    y, p = _data(3, ties=True)
    predicted = (p >= threshold).astype(int)
    tn, fp, fn, tp = skm.confusion_matrix(y, predicted, labels=[0, 1]).ravel()
    confusion = m.RankedScores(y, p).confusion(threshold)
    assert confusion.as_dict() == {"tp": tp, "fp": fp, "tn": tn, "fn": fn}
    assert confusion.accuracy == pytest.approx(skm.accuracy_score(y, predicted))
    assert confusion.precision == pytest.approx(skm.precision_score(y, predicted, zero_division=np.nan), nan_ok=True)
    assert confusion.recall == pytest.approx(skm.recall_score(y, predicted))
    assert confusion.f1 == pytest.approx(skm.f1_score(y, predicted))


def test_calibration_curve_matches_scikit_learn() -> None:
    y, p = _data(4)
    curve = m.calibration_curve(y, p, bins=10)
    observed, predicted = sk_calibration(y, p, n_bins=10, strategy="uniform")
    np.testing.assert_allclose(curve["observed_rate"], observed)
    np.testing.assert_allclose(curve["mean_predicted"], predicted)
    assert sum(curve["count"]) == len(y)


def test_single_class_gives_undefined_not_a_crash() -> None:
    y = np.zeros(10, dtype=int)
    p = np.linspace(0, 1, 10)
    summary = m.classification_summary(y, p, 0.5)
    assert summary["roc_auc"] is None
    assert summary["pr_auc"] is None
    assert summary["recall"] is None
    assert summary["confusion_matrix"] == {"tp": 0, "fp": 5, "tn": 5, "fn": 0}


def test_expected_value_counts_actions_and_hits() -> None:
    confusion = m.Confusion(tp=10, fp=30, tn=50, fn=10)
    assert m.expected_value(confusion, cost_per_action=5, value_per_true_positive=40) == 10 * 40 - 40 * 5


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 1), st.floats(0, 1, allow_nan=False)), min_size=2, max_size=60),
    st.floats(0, 1, allow_nan=False),
)
def test_ranked_confusion_matches_a_direct_count(rows: list[tuple[int, float]], threshold: float) -> None:
    y = np.array([r[0] for r in rows])
    p = np.array([r[1] for r in rows])
    confusion = m.RankedScores(y, p).confusion(threshold)
    hit = p >= threshold
    assert confusion.tp == int(np.sum(hit & (y == 1)))
    assert confusion.fp == int(np.sum(hit & (y == 0)))
    assert confusion.rows == len(rows)
    if 0 < y.sum() < len(y):
        assert m.roc_auc(y, p) == pytest.approx(skm.roc_auc_score(y, p), abs=1e-12)
