"""Stages 5 and 6: choose the threshold on validation, then evaluate the winner on test."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.inspection import permutation_importance
from sklearn.pipeline import Pipeline

from app.core.decisions import realised_curve
from app.core.metrics import (
    RankedScores,
    calibration_curve,
    classification_summary,
    precision_recall_curve,
    roc_curve,
    thin_curve,
)
from app.core.prepare import prepare_features
from app.core.slices import all_slice_metrics, largest_gap, slice_groups
from model_build.config import BuildConfig
from model_build.split import Split, labels_of
from model_build.train import feature_specs

__all__ = ["ThresholdChoice", "choose_threshold", "evaluate"]


@dataclass(frozen=True)
class ThresholdChoice:
    """The decision threshold and why it was chosen."""

    value: float
    expected_value: float
    expected_value_per_row: float
    rows: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def choose_threshold(labels: np.ndarray, scores: np.ndarray, config: BuildConfig) -> ThresholdChoice:
    """The grid threshold with the highest expected value under the decision costs (validation only)."""
    cost, value = config.cost_per_action, config.value_per_true_positive
    # The same curve, and the same "best threshold", as the app's Decisions tab.
    curve = realised_curve(RankedScores(labels, scores), cost, value)
    threshold = curve.best_threshold  # the lowest threshold reaching the best value
    best, _ = curve.at(threshold)
    rows = len(labels)
    reason = (
        f"Maximises expected value on the validation set ({rows} rows): acting on a predicted positive costs"
        f" {cost:g} and a true positive is worth {value:g}; at {threshold:.2f} the expected value is"
        f" {best:,.0f} ({best / rows:,.2f} per row)."
    )
    return ThresholdChoice(threshold, best, best / rows, rows, reason)


def _importances(pipeline: Pipeline, x: pd.DataFrame, y: np.ndarray, seed: int) -> list[dict[str, float]]:
    result = permutation_importance(pipeline, x, y, scoring="roc_auc", n_repeats=5, random_state=seed, n_jobs=1)
    rows = [
        {"feature": name, "mean": float(mean), "std": float(std)}
        for name, mean, std in zip(x.columns, result.importances_mean, result.importances_std, strict=True)
    ]
    return sorted(rows, key=lambda r: -r["mean"])


def evaluate(
    frame: pd.DataFrame, split: Split, pipeline: Pipeline, threshold: ThresholdChoice, config: BuildConfig
) -> dict[str, Any]:
    """Test-set metrics, curves, slices and importances of the winner."""
    test = frame.iloc[split.test]
    x = prepare_features(test, feature_specs(config))
    y = labels_of(test, config)
    scores = pipeline.predict_proba(x)[:, 1]
    fpr, tpr, roc_thresholds = roc_curve(y, scores)
    precision, recall, pr_thresholds = precision_recall_curve(y, scores)
    slices = all_slice_metrics(test, y, scores, config.sensitive, threshold.value, config.min_group_rows)
    metrics = classification_summary(y, scores, threshold.value)
    metrics["max_tpr_gap"] = largest_gap(slices, "tpr")
    return {
        "metrics": metrics,
        "curves": {
            "roc": dict(zip(("fpr", "tpr", "threshold"), thin_curve(fpr, tpr, roc_thresholds), strict=True)),
            "pr": dict(
                zip(("precision", "recall", "threshold"), thin_curve(precision, recall, pr_thresholds), strict=True)
            ),
            "calibration": calibration_curve(y, scores),
        },
        "slices": slices,
        "importances": _importances(pipeline, x, y, config.split.seed),
        "test_predictions": {
            "probability": np.round(scores, 6).tolist(),
            "label": y.astype(int).tolist(),
            # Group of each test row per sensitive attribute, so the app can recompute slices at any threshold.
            "groups": {s.name: slice_groups(test[s.column], s).tolist() for s in config.sensitive if s.column in test},
        },
    }
