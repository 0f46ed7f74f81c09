"""Stage 4, train: fit every candidate with cross-validation, pick the winner on validation."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import ClassifierMixin
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from app.core.card import FeatureSpec
from app.core.metrics import average_precision, brier_score, log_loss, roc_auc
from app.core.prepare import prepare_features
from model_build.config import SELECTION_METRICS, BuildConfig, CandidateConfig
from model_build.split import Split, labels_of

__all__ = ["CandidateResult", "TrainResult", "build_pipeline", "feature_specs", "score_metrics", "train"]

_ESTIMATORS: dict[str, type[ClassifierMixin]] = {
    "logistic_regression": LogisticRegression,
    "hist_gradient_boosting": HistGradientBoostingClassifier,
    "random_forest": RandomForestClassifier,
}
# Only linear models get a scaler: float32 scaling in ONNX moves rows across tree split points.
_SCALED = {"logistic_regression"}
_CV_SCORING = {
    "roc_auc": "roc_auc",
    "pr_auc": "average_precision",
    "brier": "neg_brier_score",
    "log_loss": "neg_log_loss",
}


@dataclass
class CandidateResult:
    """How one candidate did in cross-validation on train and on validation."""

    name: str
    estimator: str
    params: dict[str, Any]
    cv: dict[str, dict[str, float]]
    validation: dict[str, float]
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "estimator": self.estimator,
            "params": self.params,
            "cv": self.cv,
            "validation": self.validation,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class TrainResult:
    """The fitted winner and the record of every candidate."""

    winner: str
    pipeline: Pipeline  # the model to ship: the winner, recalibrated when that helped
    candidates: list[CandidateResult] = field(default_factory=list)
    calibration: dict[str, Any] = field(default_factory=dict)  # what recalibration tried, chose and why

    @property
    def winner_result(self) -> CandidateResult:
        """The winning candidate's record."""
        return next(c for c in self.candidates if c.name == self.winner)


def feature_specs(config: BuildConfig) -> tuple[FeatureSpec, ...]:
    """The features as app.core describes them (name and kind)."""
    return tuple(FeatureSpec(name=name, kind=kind) for name, kind in config.features)


def build_pipeline(candidate: CandidateConfig, config: BuildConfig) -> Pipeline:
    """Imputation and one-hot encoding in front of the candidate's estimator."""
    numeric = [name for name, kind in config.features if kind != "categorical"]
    categorical = [name for name, kind in config.features if kind == "categorical"]
    numeric_steps: list[tuple[str, Any]] = [("impute", SimpleImputer(strategy="median"))]
    if candidate.estimator in _SCALED:
        numeric_steps.append(("scale", StandardScaler()))
    # No imputer for categories: an empty one is a level of its own when training saw it, else no level at all.
    # Imputing strings in ONNX takes some sixty string operators and made scoring several times slower.
    categorical_steps = [("encode", OneHotEncoder(handle_unknown="ignore", sparse_output=False))]
    transformers = []
    if numeric:
        transformers.append(("numeric", Pipeline(numeric_steps), numeric))
    if categorical:
        transformers.append(("categorical", Pipeline(categorical_steps), categorical))
    params = dict(candidate.params)
    estimator_class = _ESTIMATORS[candidate.estimator]
    if "random_state" in estimator_class().get_params():
        params.setdefault("random_state", config.split.seed)
    return Pipeline([("prepare", ColumnTransformer(transformers)), ("classifier", estimator_class(**params))])


def score_metrics(labels: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    """Threshold-free metrics, as app.core computes them."""
    return {
        "roc_auc": roc_auc(labels, scores),
        "pr_auc": average_precision(labels, scores),
        "brier": brier_score(labels, scores),
        "log_loss": log_loss(labels, scores),
    }


def _cross_validate(
    pipeline: Pipeline, x: pd.DataFrame, y: np.ndarray, config: BuildConfig
) -> dict[str, dict[str, float]]:
    folds = StratifiedKFold(n_splits=config.split.cv_folds, shuffle=True, random_state=config.split.seed)
    scores = cross_validate(pipeline, x, y, cv=folds, scoring=_CV_SCORING, n_jobs=1)
    result = {}
    for metric in _CV_SCORING:
        values = scores[f"test_{metric}"]
        if metric in ("brier", "log_loss"):
            values = -values  # scikit-learn negates losses so that larger is better
        result[metric] = {"mean": float(np.mean(values)), "std": float(np.std(values))}
    return result


def train(frame: pd.DataFrame, split: Split, config: BuildConfig) -> TrainResult:
    """Cross-validate and fit each candidate on train; the best on validation wins."""
    specs = feature_specs(config)
    prepared = prepare_features(frame, specs)
    y = labels_of(frame, config)
    x_train, y_train = prepared.iloc[split.train], y[split.train]
    x_validation, y_validation = prepared.iloc[split.validation], y[split.validation]
    results: list[CandidateResult] = []
    fitted: dict[str, Pipeline] = {}
    for candidate in config.candidates:
        started = time.perf_counter()
        pipeline = build_pipeline(candidate, config)
        cv = _cross_validate(pipeline, x_train, y_train, config)
        pipeline.fit(x_train, y_train)
        validation = score_metrics(y_validation, pipeline.predict_proba(x_validation)[:, 1])
        fitted[candidate.name] = pipeline
        results.append(
            CandidateResult(
                name=candidate.name,
                estimator=candidate.estimator,
                params=dict(candidate.params),
                cv=cv,
                validation=validation,
                seconds=time.perf_counter() - started,
            )
        )
    larger_is_better = SELECTION_METRICS[config.selection_metric]

    def rank(result: CandidateResult) -> float:
        value = result.validation[config.selection_metric]
        return value if larger_is_better else -value

    # Start simple: the first candidate (simplest first in the config) within the tolerance of the best wins.
    best = max(rank(r) for r in results)
    winner = next(r for r in results if rank(r) >= best - config.selection_tolerance)
    return TrainResult(winner=winner.name, pipeline=fitted[winner.name], candidates=results)
