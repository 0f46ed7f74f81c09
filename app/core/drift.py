"""Reference distributions and the population stability index (PSI).

The build stores each feature's training distribution with ``reference_for``;
the app bins new data the same way with ``bin_counts`` and compares.
Missing values are a bin of their own, so a column that suddenly goes empty drifts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from app.core.prepare import MISSING_CATEGORY, category_strings, numeric_values

__all__ = [
    "PSI_ALERT",
    "PSI_WARN",
    "OTHER_BIN",
    "bin_counts",
    "bin_index",
    "drift_status",
    "psi",
    "reference_for",
]

PSI_WARN = 0.1
PSI_ALERT = 0.25
OTHER_BIN = "(other)"
MISSING_BIN = "(missing)"
_EPSILON = 1e-4  # stands in for an empty bin so the logarithm stays finite
_NUMERIC_BINS = 10


def drift_status(value: float | None) -> str:
    """``ok`` below 0.1, ``warn`` from 0.1, ``alert`` from 0.25."""
    if value is None:
        return "ok"
    if value >= PSI_ALERT:
        return "alert"
    return "warn" if value >= PSI_WARN else "ok"


def _numeric_bins(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Bin index per value: 0..len(edges) for numbers, len(edges)+1 for missing."""
    index = np.searchsorted(edges, values, side="right")
    return np.where(np.isnan(values), len(edges) + 1, index)


def reference_for(column: pd.Series, kind: str) -> dict[str, Any]:
    """Training distribution of one feature: inner bin edges (numeric) or categories, with frequencies."""
    if kind == "categorical":
        values = category_strings(column)
        categories = sorted({v for v in values if v != MISSING_CATEGORY})
        reference = {"kind": "categorical", "bins": [*categories, OTHER_BIN, MISSING_BIN]}
    else:
        values = numeric_values(column)
        finite = values[~np.isnan(values)]
        quantiles = np.quantile(finite, np.linspace(0, 1, _NUMERIC_BINS + 1)[1:-1]) if finite.size else np.empty(0)
        reference = {"kind": "numeric", "edges": np.unique(quantiles).tolist()}
    counts = bin_counts(values, reference)
    return reference | {"frequencies": (counts / max(len(values), 1)).tolist()}


def bin_index(values: np.ndarray, reference: Mapping[str, Any]) -> np.ndarray:
    """The reference bin of each prepared value (float with NaN, or strings with ``""`` missing)."""
    if reference["kind"] == "categorical":
        categories = list(reference["bins"][:-2])
        codes = pd.Index(categories).get_indexer(values).astype(np.int64)
        return np.where(values == MISSING_CATEGORY, len(categories) + 1, np.where(codes < 0, len(categories), codes))
    return _numeric_bins(np.asarray(values, dtype=np.float64), np.asarray(reference["edges"], dtype=np.float64))


def _bin_total(reference: Mapping[str, Any]) -> int:
    return len(reference["bins"]) if reference["kind"] == "categorical" else len(reference["edges"]) + 2


def bin_counts(values: np.ndarray, reference: Mapping[str, Any], weights: np.ndarray | None = None) -> np.ndarray:
    """Counts of prepared values in the reference's bins (``weights`` counts each value that many times)."""
    return np.bincount(bin_index(values, reference), weights=weights, minlength=_bin_total(reference)).astype(np.int64)


def psi(expected: list[float] | np.ndarray, actual: list[float] | np.ndarray) -> float:
    """Population stability index: sum of (actual - expected) * ln(actual / expected)."""
    e = np.maximum(np.asarray(expected, dtype=np.float64), _EPSILON)
    a = np.maximum(np.asarray(actual, dtype=np.float64), _EPSILON)
    return float(np.sum((a - e) * np.log(a / e)))
