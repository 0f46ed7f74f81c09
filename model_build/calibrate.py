"""Recalibration of the winner (part of stage 4, train): sigmoid or isotonic, fitted on validation, kept only when
it lowers the test Brier score and its ONNX export predicts like scikit-learn.

The calibrator wraps the fitted classifier (frozen: it is not refitted) behind the same preparation step, so the
exported graph is skl2onnx's own CalibratedClassifierCV converter after the unchanged preprocessing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import Pipeline

from app.core.metrics import brier_score
from app.core.predictor import OnnxPredictor
from app.core.prepare import prepare_features
from model_build.config import BuildConfig
from model_build.export import PROBABILITY_OUTPUT, export_onnx, onnx_metadata
from model_build.split import Split, labels_of
from model_build.train import feature_specs

__all__ = ["PARITY_TOLERANCE", "calibrate", "calibrated_pipeline"]

PARITY_TOLERANCE = 1e-5  # what the parity gate asks of every shipped model


def calibrated_pipeline(pipeline: Pipeline, method: str, x: pd.DataFrame, y: np.ndarray) -> Pipeline:
    """The fitted ``pipeline`` with its classifier's probabilities recalibrated by ``method`` on ``x``, ``y``."""
    prepare, classifier = pipeline.named_steps["prepare"], pipeline.named_steps["classifier"]
    calibrated = CalibratedClassifierCV(FrozenEstimator(classifier), method=method)
    calibrated.fit(prepare.transform(x), y)
    # skl2onnx converts the calibrated classifier's base estimator by its type, and has no converter for the
    # FrozenEstimator wrapper; the wrapper only delegates, so the fitted classifier itself predicts the same.
    for fitted in calibrated.calibrated_classifiers_:
        fitted.estimator = classifier
    return Pipeline([("prepare", prepare), ("classifier", calibrated)])


def _onnx_gap(model: Pipeline, config: BuildConfig, test: pd.DataFrame, scores: np.ndarray) -> tuple[float, str]:
    """The largest |ONNX - scikit-learn| probability on the test rows, or infinity and why the export failed."""
    try:
        onnx_model = export_onnx(model, config, onnx_metadata(config, 0.5))
    except Exception as error:  # any converter failure means: this calibration cannot ship
        return float("inf"), f"skl2onnx cannot export it ({type(error).__name__}: {error})"
    onnx_scores = OnnxPredictor(onnx_model, feature_specs(config), PROBABILITY_OUTPUT).predict(test)
    return float(np.abs(onnx_scores - scores).max()) if len(test) else 0.0, ""


def calibrate(frame: pd.DataFrame, split: Split, pipeline: Pipeline, config: BuildConfig) -> tuple[Pipeline, dict]:
    """The model to ship (the winner, or the winner recalibrated) and the record of what was tried and why."""
    specs = feature_specs(config)
    validation, test = frame.iloc[split.validation], frame.iloc[split.test]
    x_validation, y_validation = prepare_features(validation, specs), labels_of(validation, config)
    x_test, y_test = prepare_features(test, specs), labels_of(test, config)
    uncalibrated = brier_score(y_test, pipeline.predict_proba(x_test)[:, 1])
    setting = config.calibration.method
    report: dict[str, Any] = {
        "setting": setting,
        "method": "none",
        "fitted_on": "validation",
        "brier_test_uncalibrated": uncalibrated,
        "brier_test": uncalibrated,
        "tried": {},
        "reason": "",
    }
    if setting == "none":
        report["reason"] = "recalibration is off ([calibration] method = none)"
        return pipeline, report
    tried: dict[str, dict[str, Any]] = report["tried"]
    models: dict[str, Pipeline] = {}
    for method in ("sigmoid", "isotonic") if setting == "auto" else (setting,):
        model = calibrated_pipeline(pipeline, method, x_validation, y_validation)
        scores = model.predict_proba(x_test)[:, 1]
        gap, failure = _onnx_gap(model, config, test, scores)
        brier = brier_score(y_test, scores)
        if failure or gap > PARITY_TOLERANCE:
            verdict = failure or f"its ONNX export is off by up to {gap:.2g} (parity needs {PARITY_TOLERANCE:g})"
        elif brier >= uncalibrated:
            verdict = f"it does not lower the test Brier score ({brier:.5f} against {uncalibrated:.5f})"
        else:
            verdict = ""
            models[method] = model
        tried[method] = {"brier_test": brier, "onnx_max_abs_diff": gap, "rejected_because": verdict}
    if not models:
        report["reason"] = "; ".join(f"{m} not used: {t['rejected_because']}" for m, t in tried.items())
        return pipeline, report
    best = min(models, key=lambda m: tried[m]["brier_test"])
    report |= {
        "method": best,
        "brier_test": tried[best]["brier_test"],
        "reason": (
            f"{best} calibration fitted on validation lowers the test Brier score from {uncalibrated:.5f} to"
            f" {tried[best]['brier_test']:.5f}, and its ONNX export agrees within"
            f" {tried[best]['onnx_max_abs_diff']:.1e}"
        ),
    }
    return models[best], report
