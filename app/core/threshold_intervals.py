"""Intervals the app redraws as the threshold moves: confusion-based metrics, and a band around the ROC curve.

In a stratified bootstrap every resample draws the file's positives from its positives and its negatives from
its negatives, so a resample's true positives are Binomial(positives, TP / positives) and its false positives
Binomial(negatives, FP / negatives): exactly, not as an approximation. Accuracy, precision, recall, F1, the
false-positive and selection rates at any threshold then cost two binomial draws per resample, not a pass
over the rows, which is what lets a slider show them live. The ROC band resamples each class's score
histogram (1/2048-wide bins) and takes each false-positive rate's percentile true-positive rate (vertical
averaging, Fawcett 2006).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from app.core.intervals import CI_LEVEL, SEED, Interval, interval
from app.core.metrics import Confusion, none_if_nan

__all__ = [
    "CONFUSION_METRICS",
    "WIDE_INTERVAL",
    "MetricsWithIntervals",
    "RocBand",
    "confusion_intervals",
    "metrics_with_intervals",
    "roc_band",
    "too_wide",
    "wide_metrics",
]

# An interval wider than this says little about the metric: the file is too small to tell.
WIDE_INTERVAL = 0.15
WATCHED_METRICS = ("roc_auc", "recall", "precision")  # the ones a "too wide to tell" line is written for

CONFUSION_METRICS = ("accuracy", "precision", "recall", "f1", "fpr", "selection_rate")
_BINS = 2048
_BAND_POINTS = 101


def confusion_intervals(
    positives: int,
    negatives: int,
    tp: int,
    fp: int,
    *,
    resamples: int = 1000,
    seed: int = SEED,
    level: float = CI_LEVEL,
) -> dict[str, Interval | None]:
    """The stratified bootstrap's interval of each confusion-based metric, from the confusion counts alone."""
    rng = np.random.default_rng(seed)
    if positives > 0:
        tp_draws = rng.binomial(positives, tp / positives, resamples).astype(np.float64)
    else:
        tp_draws = np.full(resamples, np.nan)
    if negatives > 0:
        fp_draws = rng.binomial(negatives, fp / negatives, resamples).astype(np.float64)
    else:
        fp_draws = np.full(resamples, np.nan)
    fn, total = positives - tp_draws, positives + negatives
    with np.errstate(invalid="ignore", divide="ignore"):
        draws = {
            "accuracy": (tp_draws + negatives - fp_draws) / total,
            "precision": np.where(tp_draws + fp_draws > 0, tp_draws / (tp_draws + fp_draws), np.nan),
            "recall": tp_draws / positives if positives else tp_draws,
            "f1": 2 * tp_draws / (2 * tp_draws + fp_draws + fn),
            "fpr": fp_draws / negatives if negatives else fp_draws,
            "selection_rate": (tp_draws + fp_draws) / total,
        }
    return {name: interval(values, level) for name, values in draws.items()}


@dataclass(frozen=True)
class RocBand:
    """The ROC curve's pointwise interval: true-positive rates from ``low`` to ``high`` at each ``fpr``."""

    fpr: list[float]
    low: list[float]
    high: list[float]
    level: float


def roc_band(
    labels: np.ndarray,
    scores: np.ndarray,
    *,
    resamples: int = 500,
    seed: int = SEED,
    level: float = CI_LEVEL,
) -> RocBand | None:
    """The band the ROC curve stays in across stratified resamples, or None without both classes."""
    y = np.asarray(labels, dtype=bool)
    p = np.asarray(scores, dtype=np.float64)
    keep = ~np.isnan(p)
    y, p = y[keep], p[keep]
    positives, negatives = int(y.sum()), int((~y).sum())
    if positives == 0 or negatives == 0:
        return None
    bins = _BINS - 1 - np.minimum((p * _BINS).astype(np.int64), _BINS - 1)  # highest scores first
    rng = np.random.default_rng(seed)
    rates = []
    for members, count in ((y, positives), (~y, negatives)):
        shares = np.bincount(bins[members], minlength=_BINS) / count
        drawn = rng.multinomial(count, shares, size=resamples)
        rates.append(np.hstack([np.zeros((resamples, 1)), np.cumsum(drawn, axis=1) / count]))
    tpr, fpr = rates
    grid = np.linspace(0, 1, _BAND_POINTS)
    # Vertical averaging: at each false-positive rate, the best true-positive rate the resample reaches there.
    curves = np.vstack([np.interp(grid, fpr[r], tpr[r]) for r in range(resamples)])
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(curves, [tail, 100 - tail], axis=0)
    return RocBand(grid.tolist(), low.tolist(), high.tolist(), level)


def too_wide(found: Sequence[float] | None) -> bool:
    """Whether an interval is too wide to tell much (see WIDE_INTERVAL)."""
    return found is not None and found[1] - found[0] > WIDE_INTERVAL


def wide_metrics(intervals: Mapping[str, Sequence[float] | None]) -> list[str]:
    """Which of the metrics an analyst reads first (ROC AUC, recall, precision) have too wide an interval."""
    return [name for name in WATCHED_METRICS if too_wide(intervals.get(name))]


@dataclass(frozen=True)
class MetricsWithIntervals:
    """The headline metrics at one threshold, each with its interval."""

    rows: int
    values: dict[str, float | None]
    intervals: dict[str, Interval | None]
    level: float

    def too_wide(self) -> list[str]:
        """The metrics whose interval is too wide to tell much from this data."""
        return wide_metrics(self.intervals)


def metrics_with_intervals(
    confusion: Confusion, auc: float | None, auc_interval: Interval | None, level: float = CI_LEVEL
) -> MetricsWithIntervals:
    """ROC AUC (with the interval given) and the confusion-based metrics with their bootstrap intervals."""
    positives, negatives = confusion.tp + confusion.fn, confusion.fp + confusion.tn
    found = confusion_intervals(positives, negatives, confusion.tp, confusion.fp, level=level)
    values = {name: none_if_nan(float(getattr(confusion, name))) for name in ("accuracy", "precision", "recall", "f1")}
    return MetricsWithIntervals(
        confusion.rows,
        {"roc_auc": auc, **values},
        {"roc_auc": auc_interval, **{name: found[name] for name in values}},
        level,
    )
