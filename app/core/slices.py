"""Slice (fairness) metrics per group of a sensitive attribute."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from app.core.card import SliceSpec
from app.core.metrics import RankedScores, none_if_nan
from app.core.prepare import category_strings, numeric_values

__all__ = ["GAP_METRICS", "MISSING_GROUP", "all_slice_metrics", "largest_gap", "slice_groups", "slice_metrics"]

MISSING_GROUP = "(missing)"
GAP_METRICS = ("tpr", "fpr", "precision", "selection_rate")


def slice_groups(column: pd.Series, spec: SliceSpec) -> np.ndarray:
    """Group label of every row: the band for binned attributes, else the value itself."""
    if spec.bins:
        values = numeric_values(column)
        index = np.searchsorted(np.asarray(spec.bins), values, side="right") - 1
        labels = np.array(list(spec.labels) + [MISSING_GROUP], dtype=object)
        outside = np.isnan(values) | (index < 0) | (index >= len(spec.labels))
        return labels[np.where(outside, len(spec.labels), index)]
    groups = category_strings(column)
    groups[groups == ""] = MISSING_GROUP
    return groups


def slice_metrics(
    labels: np.ndarray, scores: np.ndarray, groups: np.ndarray, threshold: float, min_group_rows: int = 30
) -> dict[str, Any]:
    """TPR, FPR, precision and selection rate per group, and the largest gap of each.

    Groups smaller than ``min_group_rows`` are reported but left out of the gaps:
    a handful of rows makes any rate swing and would trip the gate by chance.
    """
    y = np.asarray(labels).astype(bool)
    p = np.asarray(scores, dtype=np.float64)
    names = np.array([str(g) for g in groups], dtype=object)  # groups are named, and selected, as text
    per_group: dict[str, dict[str, Any]] = {}
    for group in sorted(set(names.tolist())):
        mask = names == group
        confusion = RankedScores(y[mask], p[mask]).confusion(threshold)
        per_group[group] = {
            "rows": int(mask.sum()),
            "positives": int(y[mask].sum()),
            "tpr": none_if_nan(confusion.recall),
            "fpr": none_if_nan(confusion.fpr),
            "precision": none_if_nan(confusion.precision),
            "selection_rate": none_if_nan(confusion.selection_rate),
            "in_gaps": bool(mask.sum() >= min_group_rows and group != MISSING_GROUP),
        }
    gaps: dict[str, float | None] = {}
    for metric in GAP_METRICS:
        values = [g[metric] for g in per_group.values() if g["in_gaps"] and g[metric] is not None]
        gaps[f"{metric}_gap"] = float(max(values) - min(values)) if len(values) >= 2 else None
    return {"groups": per_group, "gaps": gaps, "min_group_rows": min_group_rows}


def all_slice_metrics(
    frame: pd.DataFrame,
    labels: np.ndarray,
    scores: np.ndarray,
    specs: Sequence[SliceSpec],
    threshold: float,
    min_group_rows: int = 30,
) -> dict[str, Any]:
    """Slice metrics for every sensitive attribute present in ``frame``, keyed by attribute name."""
    result: dict[str, Any] = {}
    for spec in specs:
        if spec.column in frame.columns:
            groups = slice_groups(frame[spec.column], spec)
            result[spec.name] = {
                "column": spec.column,
                **slice_metrics(labels, scores, groups, threshold, min_group_rows),
            }
    return result


def largest_gap(slices: dict[str, Any], metric: str = "tpr") -> float | None:
    """Largest ``metric`` gap across all attributes, or None when none is defined."""
    gaps = [s["gaps"].get(f"{metric}_gap") for s in slices.values()]
    defined = [g for g in gaps if g is not None]
    return max(defined) if defined else None
