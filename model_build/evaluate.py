"""Stages 5 and 6: choose the threshold on validation, then evaluate the winner on test, with intervals."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.inspection import permutation_importance
from sklearn.pipeline import Pipeline

from app.core.decisions import realised_curve
from app.core.estimation import calibration_error
from app.core.intervals import METRICS, BootstrapDraws, bootstrap, delong_interval, interval
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
from model_build.config import BuildConfig, IntervalsConfig
from model_build.split import Split, labels_of
from model_build.train import feature_specs

__all__ = ["SLICE_CI_METRICS", "ThresholdChoice", "choose_threshold", "evaluate", "metric_intervals"]

# A slice group's metric (as the card names it) -> the bootstrap's name for it.
SLICE_CI_METRICS = {"tpr": "recall", "fpr": "fpr", "precision": "precision", "selection_rate": "selection_rate"}


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


def _as_list(found: tuple[float, float] | None) -> list[float] | None:
    return [found[0], found[1]] if found is not None else None


def _slice_key(attribute: str, group: str) -> str:
    return f"{attribute}\x1f{group}"  # a separator no attribute or group name holds


def _gap_draws(draws: BootstrapDraws, attribute: str, groups: list[str]) -> np.ndarray | None:
    """The attribute's TPR gap on every resample (the draws of its groups come from the same resamples)."""
    if len(groups) < 2:
        return None
    stacked = np.vstack([draws.draws[f"slice:{_slice_key(attribute, g)}:recall"] for g in groups])
    gaps = np.full(stacked.shape[1], np.nan)
    defined = np.isfinite(stacked).sum(axis=0) >= 2  # as the point gap: at least two groups with positives
    gaps[defined] = np.nanmax(stacked[:, defined], axis=0) - np.nanmin(stacked[:, defined], axis=0)
    return gaps


def metric_intervals(
    test: pd.DataFrame,
    labels: np.ndarray,
    scores: np.ndarray,
    slices: dict[str, Any],
    threshold: float,
    config: BuildConfig,
) -> dict[str, Any]:
    """Stratified bootstrap intervals of every test metric, each slice group's rates and the TPR gaps.

    One bootstrap draws the resamples for every metric, so a gap's interval comes from the groups' rates on
    the same resamples. Only groups that count in the gaps (enough rows, not missing) get intervals; the slices
    in ``slices`` receive ``ci`` per group and ``gaps_ci`` in place.
    """
    settings: IntervalsConfig = config.intervals
    masks: dict[str, np.ndarray] = {}
    in_gaps: dict[str, list[str]] = {}
    for spec in config.sensitive:
        if spec.name not in slices:
            continue
        row_groups = slice_groups(test[spec.column], spec).astype(str)
        in_gaps[spec.name] = [name for name, g in slices[spec.name]["groups"].items() if g["in_gaps"]]
        for group in in_gaps[spec.name]:
            masks[_slice_key(spec.name, group)] = row_groups == group
    draws = bootstrap(labels, scores, threshold, resamples=settings.resamples, seed=settings.seed, groups=masks)
    level = settings.level
    found = {name: _as_list(interval(draws.draws[name], level)) for name in METRICS}
    gap_draws = {attribute: _gap_draws(draws, attribute, groups) for attribute, groups in in_gaps.items()}
    for attribute, groups in in_gaps.items():
        entry = slices[attribute]
        for group, metrics in entry["groups"].items():
            metrics["ci"] = {
                name: (
                    _as_list(interval(draws.draws[f"slice:{_slice_key(attribute, group)}:{source}"], level))
                    if group in groups
                    else None
                )
                for name, source in SLICE_CI_METRICS.items()
            }
        gaps = gap_draws[attribute]
        entry["gaps_ci"] = {"tpr_gap": _as_list(interval(gaps, level)) if gaps is not None else None}
    # The largest gap over the attributes, resample by resample, as the point value takes it over attributes.
    defined = [g for g in gap_draws.values() if g is not None]
    if defined:
        stacked = np.vstack(defined)
        largest = np.full(stacked.shape[1], np.nan)
        some = np.isfinite(stacked).any(axis=0)
        largest[some] = np.nanmax(stacked[:, some], axis=0)
        found["max_tpr_gap"] = _as_list(interval(largest, level))
    else:
        found["max_tpr_gap"] = None
    return {
        "level": level,
        "method": f"stratified bootstrap, {settings.resamples} resamples, seed {settings.seed}",
        "intervals": found,
        "delong": {"roc_auc": _as_list(delong_interval(labels, scores, level))},
    }


def evaluate(
    frame: pd.DataFrame, split: Split, pipeline: Pipeline, threshold: ThresholdChoice, config: BuildConfig
) -> dict[str, Any]:
    """Test-set metrics with their intervals, curves, calibration error, slices and importances of the winner."""
    test = frame.iloc[split.test]
    x = prepare_features(test, feature_specs(config))
    y = labels_of(test, config)
    scores = pipeline.predict_proba(x)[:, 1]
    fpr, tpr, roc_thresholds = roc_curve(y, scores)
    precision, recall, pr_thresholds = precision_recall_curve(y, scores)
    slices = all_slice_metrics(test, y, scores, config.sensitive, threshold.value, config.min_group_rows)
    metrics = classification_summary(y, scores, threshold.value)
    metrics["max_tpr_gap"] = largest_gap(slices, "tpr")
    reliability = calibration_curve(y, scores)  # 10 equal-width bins
    return {
        "metrics": metrics,
        "test_ci": metric_intervals(test, y, scores, slices, threshold.value, config),
        "ece": calibration_error(*(np.asarray(reliability[k]) for k in ("count", "mean_predicted", "observed_rate"))),
        "curves": {
            "roc": dict(zip(("fpr", "tpr", "threshold"), thin_curve(fpr, tpr, roc_thresholds), strict=True)),
            "pr": dict(
                zip(("precision", "recall", "threshold"), thin_curve(precision, recall, pr_thresholds), strict=True)
            ),
            "calibration": reliability,
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
