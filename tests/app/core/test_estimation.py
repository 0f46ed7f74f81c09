"""Performance estimated without labels (CBPE), validated against the labels it did not see."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app.core import estimation
from app.core.bundle import load_bundle
from app.core.estimation import ESTIMATED_METRICS, card_calibration_error, estimate_performance
from app.core.evaluation import label_values
from app.core.metrics import RankedScores, ScoreAccumulator, roc_auc
from app.core.scoring import scan
from tests.conftest import REPO


def _realised(labels: np.ndarray, scores: np.ndarray, threshold: float) -> dict[str, float]:
    confusion = RankedScores(labels, scores).confusion(threshold)
    return {
        "roc_auc": roc_auc(labels, scores),
        "accuracy": confusion.accuracy,
        "precision": confusion.precision,
        "recall": confusion.recall,
        "f1": confusion.f1,
    }


def _estimate(scores: np.ndarray, threshold: float, calibration: float | None = 0.02) -> estimation.PerformanceEstimate:
    accumulator = ScoreAccumulator(threshold)
    for chunk in np.array_split(scores, 3):  # as a file arrives, chunk by chunk
        accumulator.add(chunk)
    return estimate_performance(accumulator, calibration)


def test_the_realised_metrics_of_20_unseen_files_fall_inside_the_estimates() -> None:
    """The labelled test set cut into 20 random files: each file's realised metric, once its labels are looked
    at, lies inside the estimate's 95% interval in at least 17 of them."""
    bundle = load_bundle()
    test = bundle.card.section("test_predictions")
    labels, scores = np.asarray(test["label"], dtype=bool), np.asarray(test["probability"])
    threshold = bundle.card.threshold
    files = np.array_split(np.random.default_rng(0).permutation(labels.size), 20)
    inside = dict.fromkeys(ESTIMATED_METRICS, 0)
    for rows in files:
        estimate = _estimate(scores[rows], threshold, card_calibration_error(bundle.card.raw))
        assert estimate.reliable, estimate.reason
        realised = _realised(labels[rows], scores[rows], threshold)
        for name in ESTIMATED_METRICS:
            low, high = estimate.intervals[name]  # type: ignore[misc]
            inside[name] += low <= realised[name] <= high
    assert all(count >= 17 for count in inside.values()), inside


def test_the_estimate_on_the_whole_test_set_is_close_to_the_truth() -> None:
    bundle = load_bundle()
    test = bundle.card.section("test_predictions")
    labels, scores = np.asarray(test["label"], dtype=bool), np.asarray(test["probability"])
    estimate = _estimate(scores, bundle.card.threshold)
    realised = _realised(labels, scores, bundle.card.threshold)
    for name in ESTIMATED_METRICS:
        assert estimate.values[name] == pytest.approx(realised[name], abs=0.03), name
    confusion = estimate.confusion
    assert sum(confusion.values()) == pytest.approx(labels.size)
    assert confusion["tp"] + confusion["fp"] == int(np.sum(scores >= bundle.card.threshold))  # exact at the split


def _snapshot_and_drifted() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The build's snapshot as text, and the same with monthly charges x1.35."""
    frame = pd.read_csv(REPO / "model_build" / "data" / "telco_churn.csv", dtype=str, keep_default_na=False)
    drifted = frame.copy()
    drifted["monthly_charges"] = (pd.to_numeric(frame["monthly_charges"]) * 1.35).round(2).astype(str)
    return frame, drifted


def _drifted_case() -> tuple[dict[str, float], dict[str, float], dict[str, float], dict[str, float]]:
    """Every labelled customer of the build's snapshot (7,043 rows; the 500-row sample moves by noise alone),
    scored as they are and with monthly charges x1.35: realised and estimated metrics, before and after."""
    bundle = load_bundle()
    frame, drifted = _snapshot_and_drifted()
    labels = label_values(frame["churn"], bundle.card) == 1
    threshold = bundle.card.threshold
    before_scores, after_scores = bundle.predictor.predict(frame), bundle.predictor.predict(drifted)
    return (
        _realised(labels, before_scores, threshold),
        _realised(labels, after_scores, threshold),
        _estimate(before_scores, threshold).values,  # type: ignore[return-value]
        _estimate(after_scores, threshold).values,  # type: ignore[return-value]
    )


def _moves_alike(name: str) -> None:
    before, after, estimated_before, estimated_after = _drifted_case()
    realised_change = after[name] - before[name]
    estimated_change = estimated_after[name] - estimated_before[name]
    assert abs(realised_change) > 0.01  # the drift moves this metric by more than noise
    assert np.sign(estimated_change) == np.sign(realised_change), (name, realised_change, estimated_change)


@pytest.mark.parametrize("name", ["accuracy", "recall"])
def test_on_drifted_data_the_estimate_moves_the_way_the_truth_does(name: str) -> None:
    _moves_alike(name)


@pytest.mark.xfail(
    strict=True,
    reason="open (issue 15): monthly charges x1.35 changes a feature without changing who churns, so on the"
    " shifted rows the probabilities stop being rates, the one assumption CBPE rests on: realised precision"
    " rises (+0.017) while the estimate falls (-0.019). Accuracy (+0.017 / +0.006) and recall (-0.026 / -0.018)"
    " move alike. The estimate says so itself: it is marked unreliable on this file (the test below).",
)
def test_on_drifted_data_the_estimated_precision_moves_the_way_the_truth_does() -> None:
    _moves_alike("precision")


def _scanned_estimate(frame: pd.DataFrame, path: Path) -> estimation.PerformanceEstimate:
    """The estimate ``check`` makes for a file: scored, checked, and trusted as far as the file allows."""
    bundle = load_bundle()
    frame.drop(columns=["churn"]).to_csv(path, index=False)
    scores = ScoreAccumulator(bundle.card.threshold)
    report = scan(path, bundle, on_chunk=lambda chunk: scores.add(chunk.probability))
    return estimation.estimate_for_card(scores, bundle.card.raw, report.rows_beyond_training())


def test_on_drifted_data_the_estimate_says_it_does_not_hold(tmp_path: Path) -> None:
    """Monthly charges x1.35 puts a third of the customers above any charge the model was trained on, where
    its probabilities are extrapolations: the estimate is marked unreliable, naming the column and the share,
    while the same customers undrifted get a reliable one."""
    frame, drifted = _snapshot_and_drifted()
    assert _scanned_estimate(frame, tmp_path / "snapshot.csv").reliable
    estimate = _scanned_estimate(drifted, tmp_path / "drifted.csv")
    assert not estimate.reliable
    beyond = int((pd.to_numeric(drifted["monthly_charges"]) > 118.35).sum())  # the card's training maximum
    assert beyond > 0.25 * len(drifted)
    assert f"{beyond / len(drifted):.1%} of the scored rows ({beyond}) have a 'monthly_charges'" in estimate.reason
    assert "never saw in training" in estimate.reason
    assert estimate.to_dict()["reliable"] is False


@pytest.mark.parametrize(("rows", "reliable"), [(50, True), (51, False)])
def test_more_than_5_percent_of_rows_beyond_training_in_one_feature_make_the_estimate_unreliable(
    rows: int, reliable: bool
) -> None:
    scores = np.random.default_rng(4).beta(2, 5, 1000)
    beyond = {"tenure": 30, "monthly_charges": rows, "contract": 40}  # the share is per feature, not summed
    accumulator = ScoreAccumulator(0.3)
    accumulator.add(scores)
    estimate = estimate_performance(accumulator, 0.02, beyond_training=beyond)
    assert estimate.reliable is reliable
    assert ("'monthly_charges'" in estimate.reason) is not reliable


def test_a_small_file_gets_a_wide_interval_and_a_large_one_a_narrow_one() -> None:
    rng = np.random.default_rng(1)
    small = _estimate(rng.beta(2, 5, 200), 0.3)
    large = _estimate(rng.beta(2, 5, 200_000), 0.3)
    width = {name: (e.intervals["recall"][1] - e.intervals["recall"][0]) for name, e in (("s", small), ("l", large))}  # type: ignore[index]
    assert width["s"] > 0.1 > 0.02 > width["l"]


def test_poor_calibration_marks_the_estimate_unreliable_with_the_reason() -> None:
    scores = np.random.default_rng(2).random(500)
    poor = _estimate(scores, 0.5, calibration=0.12)
    assert not poor.reliable
    assert "poorly calibrated" in poor.reason
    assert "0.120" in poor.reason
    assert poor.values["accuracy"] is not None  # still computed, shown greyed out
    unknown = _estimate(scores, 0.5, calibration=None)
    assert not unknown.reliable
    assert "no calibration" in unknown.reason
    document = poor.to_dict()
    assert document["reliable"] is False
    assert set(ESTIMATED_METRICS) <= set(document)
    assert document["accuracy"]["ci"][0] <= document["accuracy"]["value"] <= document["accuracy"]["ci"][1]


def test_merged_parts_give_the_same_estimate_as_one_pass() -> None:
    scores = np.random.default_rng(3).beta(2, 5, 5000)
    whole = ScoreAccumulator(0.3)
    whole.add(scores)
    merged = ScoreAccumulator(0.3)
    for part in np.array_split(scores, 4):
        accumulator = ScoreAccumulator(0.3)
        accumulator.add(part)
        merged.merge(accumulator)
    first, second = estimate_performance(whole, 0.02), estimate_performance(merged, 0.02)
    assert first.intervals == second.intervals
    assert first.values == pytest.approx(second.values)


def test_the_card_calibration_error_comes_from_its_reliability_curve() -> None:
    raw = {"curves": {"calibration": {"count": [10, 30], "mean_predicted": [0.1, 0.5], "observed_rate": [0.2, 0.5]}}}
    assert card_calibration_error(raw) == pytest.approx(0.1 * 10 / 40)
    assert card_calibration_error({"calibration": {"ece": 0.07}, **raw}) == 0.07
    assert card_calibration_error({}) is None
    assert 0 < card_calibration_error(load_bundle().card.raw) < estimation.MAX_CALIBRATION_ERROR  # type: ignore[operator]
