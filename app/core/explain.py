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

__all__ = ["Contribution", "explain_prepared", "explain_rows", "reference_values", "swings"]


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


def swings(predictor: OnnxPredictor, card: ModelCard, values: Mapping[str, Any]) -> list[Contribution]:
    """What would move one row most: per feature, the value (any category; a number's 5th or 95th training
    percentile) that changes its probability most, and that change; largest first.

    The contributions of a row at the training reference are all zero (each feature already is its reference);
    this says instead where the probability can go from there. ``values`` are prepared, as ``predict_one`` takes.
    """
    candidates = [(spec, value) for spec in card.features for value in _alternatives(spec)]
    if not candidates:
        return []
    # One batch: the row once as it is, then once per alternative value.
    batch = {
        spec.name: [values[spec.name]] + [value if other is spec else values[spec.name] for other, value in candidates]
        for spec in card.features
    }
    feed = {
        spec.name: np.array(column, dtype=np.float32 if spec.is_numeric else str).reshape(-1, 1)
        for spec, column in zip(card.features, batch.values(), strict=True)
    }
    probabilities = predictor.predict_prepared(feed)
    best: dict[str, Contribution] = {}
    for (spec, value), probability in zip(candidates, probabilities[1:], strict=True):
        effect = float(probability - probabilities[0])
        if spec.name not in best or abs(effect) > abs(best[spec.name].effect):
            best[spec.name] = Contribution(spec.name, value, values[spec.name], effect)
    return sorted(best.values(), key=lambda c: -abs(c.effect))


def _alternatives(spec: FeatureSpec) -> list[Any]:
    """The values a feature is tried at: its categories (binary ones as numbers), or two percentiles."""
    if spec.kind == "binary":
        return [float(category) for category in spec.categories]
    if not spec.is_numeric:
        return list(spec.categories)
    quantiles = spec.stats.get("quantiles", {}) if spec.stats else {}
    low = quantiles.get("p05", spec.stats.get("min") if spec.stats else None)
    high = quantiles.get("p95", spec.stats.get("max") if spec.stats else None)
    return [float(v) for v in (low, high) if v is not None]
