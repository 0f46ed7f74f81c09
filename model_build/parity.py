"""Stage 8, parity: the ONNX file, run by the app's own predictor, must agree with scikit-learn."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from app.core.predictor import OnnxPredictor
from app.core.prepare import prepare_features
from model_build.config import BuildConfig
from model_build.export import PROBABILITY_OUTPUT
from model_build.train import feature_specs

__all__ = ["ParityResult", "check_parity"]


@dataclass(frozen=True)
class ParityResult:
    """How far ONNX and scikit-learn probabilities are apart, and how many decisions differ."""

    rows: int
    max_abs_diff: float
    mean_abs_diff: float
    label_mismatches: int
    threshold: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def check_parity(
    onnx_model: bytes, pipeline: Pipeline, rows: pd.DataFrame, threshold: float, config: BuildConfig
) -> ParityResult:
    """Score ``rows`` with both models and compare probabilities and thresholded labels."""
    specs = feature_specs(config)
    predictor = OnnxPredictor(onnx_model, specs, PROBABILITY_OUTPUT)
    prepared = prepare_features(rows, specs)
    onnx_scores = predictor.predict_prepared(prepared)
    sklearn_scores = pipeline.predict_proba(prepared)[:, 1]
    difference = np.abs(onnx_scores - sklearn_scores)
    mismatches = int(np.sum((onnx_scores >= threshold) != (sklearn_scores >= threshold)))
    return ParityResult(
        rows=len(rows),
        max_abs_diff=float(difference.max()) if len(rows) else 0.0,
        mean_abs_diff=float(difference.mean()) if len(rows) else 0.0,
        label_mismatches=mismatches,
        threshold=threshold,
    )
