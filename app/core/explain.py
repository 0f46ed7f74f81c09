"""Why a row got its score: each feature replaced by its training reference value, in one ONNX run.

The contribution of a feature is the row's probability minus the probability with that
feature set to the reference (median for numbers, most frequent category otherwise):
positive values pushed the score up. Cheap, model-agnostic, and uses the ONNX model alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from app.core.card import FeatureSpec, ModelCard
from app.core.predictor import OnnxPredictor

__all__ = ["Contribution", "explain_prepared", "explain_rows", "reference_values"]


@dataclass(frozen=True)
class Contribution:
    """One feature's push on one row's probability."""

    feature: str
    value: Any
    reference: Any
    effect: float


def reference_values(card: ModelCard) -> dict[str, Any]:
    """Each feature's training reference: the median for numbers, the most frequent category otherwise."""
    return {spec.name: _reference(spec) for spec in card.features}


def _reference(spec: FeatureSpec) -> float | str:
    if spec.is_numeric:
        quantiles = spec.stats.get("quantiles", {}) if spec.stats else {}
        return float(quantiles.get("p50", spec.stats.get("mean", 0.0) if spec.stats else 0.0))
    if spec.shares:
        return max(spec.shares, key=lambda category: spec.shares[category])
    return spec.categories[0] if spec.categories else ""


def explain_prepared(predictor: OnnxPredictor, prepared: pd.DataFrame, references: Mapping[str, Any]) -> np.ndarray:
    """Effects, shape (rows, features): probability minus probability with that feature at its reference."""
    features = predictor.features
    rows = len(prepared)
    if rows == 0:
        return np.empty((0, len(features)))
    base = predictor.predict_prepared(prepared)
    # One batch: every row repeated once per feature, that feature swapped for its reference.
    batch = prepared.iloc[np.repeat(np.arange(rows), len(features))].reset_index(drop=True)  # by position
    which = np.tile(np.arange(len(features)), rows)
    for position, spec in enumerate(features):
        batch.loc[which == position, spec.name] = references[spec.name]
    swapped = predictor.predict_prepared(batch).reshape(rows, len(features))
    return np.asarray(base[:, None] - swapped, dtype=np.float64)


def explain_rows(
    predictor: OnnxPredictor, prepared: pd.DataFrame, references: Mapping[str, Any]
) -> list[list[Contribution]]:
    """Contributions per row, largest absolute effect first."""
    effects = explain_prepared(predictor, prepared, references)
    result = []
    for row, row_effects in enumerate(effects):
        contributions = [
            Contribution(spec.name, _plain(prepared[spec.name].iloc[row]), references[spec.name], float(effect))
            for spec, effect in zip(predictor.features, row_effects, strict=True)
        ]
        result.append(sorted(contributions, key=lambda c: -abs(c.effect)))
    return result


def _plain(value: object) -> object:
    """numpy scalars as Python values (for display and JSON)."""
    return value.item() if isinstance(value, np.generic) else value
