"""Stage 9, compare: champion (the shipped bundle) against challenger (this build) on the same rows, tested.

Each metric's difference (challenger minus champion) comes with a paired test on the same test rows: DeLong's
test for ROC AUC (or the paired bootstrap, as the config says), the paired bootstrap for every other metric.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from app.core.bundle import CARD_FILE, BundleError, load_bundle
from app.core.intervals import BOOTSTRAP_RESAMPLES, CI_LEVEL, SEED, delong_test, paired_bootstrap
from app.core.metrics import classification_summary

__all__ = ["COMPARED_METRICS", "compare_with_champion", "paired_tests"]

COMPARED_METRICS = ("roc_auc", "pr_auc", "brier", "log_loss", "accuracy", "precision", "recall", "f1")


def _no_champion(reason: str) -> dict[str, Any]:
    return {
        "compared": False,
        "reason": reason,
        "deltas": {},
        "tests": {},
        "test_level": None,
        "decision_flip_share": None,
    }


def paired_tests(
    labels: np.ndarray,
    challenger: np.ndarray,
    champion: np.ndarray,
    thresholds: tuple[float, float],
    *,
    test: str = "delong",
    level: float = CI_LEVEL,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = SEED,
) -> dict[str, dict[str, Any]]:
    """Each compared metric's difference, its interval at ``level``, p-value and test, on the same rows."""
    tests = paired_bootstrap(labels, challenger, champion, thresholds, resamples=resamples, seed=seed, level=level)
    found = {metric: tests[metric].to_dict() for metric in COMPARED_METRICS}
    if test == "delong":
        found["roc_auc"] = delong_test(labels, challenger, champion, level).to_dict()
    for tested in found.values():  # undefined (one class only): JSON has no NaN
        if isinstance(tested["difference"], float) and math.isnan(tested["difference"]):
            tested["difference"] = None
    return found


def compare_with_champion(
    out_dir: Path,
    model_name: str,
    rows: pd.DataFrame,
    labels: np.ndarray,
    scores: np.ndarray,
    threshold: float,
    *,
    test: str = "delong",
    level: float = CI_LEVEL,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = SEED,
) -> dict[str, Any]:
    """Metric deltas (challenger minus champion) with their paired tests, and the share of decisions that flip."""
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
    thresholds = (threshold, champion.card.threshold)
    tests = paired_tests(
        labels, scores, champion_scores, thresholds, test=test, level=level, resamples=resamples, seed=seed
    )
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
        "tests": tests,
        "test_level": level,
        "decision_flip_share": float(flips.mean()) if len(flips) else 0.0,
        "rows": int(len(rows)),
    }
