"""Stage 9, compare: champion (the shipped bundle) against challenger (this build) on the same rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from app.core.bundle import CARD_FILE, BundleError, load_bundle
from app.core.metrics import classification_summary

__all__ = ["COMPARED_METRICS", "compare_with_champion"]

COMPARED_METRICS = ("roc_auc", "pr_auc", "brier", "log_loss", "accuracy", "precision", "recall", "f1")


def _no_champion(reason: str) -> dict[str, Any]:
    return {"compared": False, "reason": reason, "deltas": {}, "decision_flip_share": None}


def compare_with_champion(
    out_dir: Path, model_name: str, rows: pd.DataFrame, labels: np.ndarray, scores: np.ndarray, threshold: float
) -> dict[str, Any]:
    """Metric deltas (challenger minus champion) and the share of rows whose decision flips."""
    if not (Path(out_dir) / CARD_FILE).is_file():
        return _no_champion(f"no shipped bundle in {out_dir}")
    try:
        champion = load_bundle(out_dir)
    except BundleError as error:
        return _no_champion(f"the shipped bundle cannot be used: {error}")
    if champion.card.name != model_name:
        return _no_champion(f"the shipped bundle is a different model ({champion.card.name!r})")
    missing = [f for f in champion.card.feature_names if f not in rows.columns]
    if missing:
        return _no_champion(f"the shipped model needs columns the data lacks: {missing}")
    champion_scores = champion.predictor.predict(rows)
    before = classification_summary(labels, champion_scores, champion.card.threshold)
    after = classification_summary(labels, scores, threshold)
    deltas = {
        metric: (after[metric] - before[metric]) if None not in (after[metric], before[metric]) else None
        for metric in COMPARED_METRICS
    }
    flips = (champion_scores >= champion.card.threshold) != (scores >= threshold)
    return {
        "compared": True,
        "reason": "",
        "champion": {
            "version": champion.card.version,
            "onnx_sha256": champion.card.onnx_sha256,
            "threshold": champion.card.threshold,
            "metrics": {m: before[m] for m in COMPARED_METRICS},
        },
        "challenger": {"threshold": threshold, "metrics": {m: after[m] for m in COMPARED_METRICS}},
        "deltas": deltas,
        "decision_flip_share": float(flips.mean()) if len(flips) else 0.0,
        "rows": int(len(rows)),
    }
