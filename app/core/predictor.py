"""Scoring with onnxruntime alone: the run-time half of the bundle contract."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from app.core.card import FeatureSpec
from app.core.prepare import onnx_feed, prepare_features

__all__ = ["OnnxPredictor", "PredictorError", "implausible"]

# float32 arithmetic can carry a true 0 or 1 a few units in the last place past the bound (float32's epsilon is
# 1.2e-7); anything beyond that is no probability at all.
_SLACK = 1e-6


class PredictorError(RuntimeError):
    """The ONNX model cannot be loaded or does not take the card's inputs."""


def implausible(probability: np.ndarray) -> np.ndarray:
    """Where a probability is NaN, infinite or outside [0, 1] beyond float32 rounding: what no working model
    returns."""
    return ~((probability >= -_SLACK) & (probability <= 1 + _SLACK))


class OnnxPredictor:
    """Probabilities of the positive class from an ONNX classifier."""

    def __init__(
        self,
        model: Path | bytes,
        features: Sequence[FeatureSpec],
        probability_output: str = "probabilities",
        positive_index: int = 1,
        threads: int | None = None,
    ) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.log_severity_level = 3
        if threads is not None:  # one per process where processes are the parallelism (a cluster's workers)
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = threads
        source = str(model) if isinstance(model, Path) else model
        try:
            self._session = ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])
        except Exception as error:  # onnxruntime raises its own untyped errors
            raise PredictorError(f"onnxruntime cannot load the model: {error}") from None
        self.features = tuple(features)
        self._output = probability_output
        self._positive_index = positive_index
        self._check_signature()

    def _check_signature(self) -> None:
        inputs = {i.name: i.type for i in self._session.get_inputs()}
        expected = {f.name: "tensor(float)" if f.is_numeric else "tensor(string)" for f in self.features}
        if inputs != expected:
            missing = sorted(set(expected) - set(inputs))
            unexpected = sorted(set(inputs) - set(expected))
            wrong = sorted(n for n in set(inputs) & set(expected) if inputs[n] != expected[n])
            raise PredictorError(
                "the ONNX model's inputs do not match the model card"
                f" (missing: {missing or 'none'}; unexpected: {unexpected or 'none'}; wrong type: {wrong or 'none'})"
            )
        outputs = [o.name for o in self._session.get_outputs()]
        if self._output not in outputs:
            raise PredictorError(f"the ONNX model has no output {self._output!r} (it has {outputs})")

    @property
    def metadata(self) -> dict[str, str]:
        """The ONNX file's ``metadata_props``."""
        return dict(self._session.get_modelmeta().custom_metadata_map)

    def predict_prepared(self, prepared: pd.DataFrame | Mapping[str, np.ndarray]) -> np.ndarray:
        """Positive-class probabilities (float64) for already prepared inputs (a frame or arrays per feature)."""
        feed = onnx_feed(prepared, self.features)
        if not feed or next(iter(feed.values())).shape[0] == 0:
            return np.empty(0, dtype=np.float64)
        (probabilities,) = self._session.run([self._output], feed)
        return np.asarray(probabilities, dtype=np.float64)[:, self._positive_index]

    def predict_one(self, values: Mapping[str, float | str | None]) -> float:
        """Probability for one row of already prepared values (what-if form): no pandas on this path."""
        feed = {
            spec.name: np.array([[values.get(spec.name, np.nan)]], dtype=np.float32)
            if spec.is_numeric
            else np.array([[values.get(spec.name) or ""]], dtype=str)  # not object: see prepare.onnx_feed
            for spec in self.features
        }
        (probabilities,) = self._session.run([self._output], feed)
        return float(probabilities[0, self._positive_index])

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Positive-class probabilities for a raw frame holding the feature columns."""
        return self.predict_prepared(prepare_features(frame, self.features))
