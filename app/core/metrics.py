"""Classification metrics with numpy alone (the app never imports scikit-learn).

Definitions follow scikit-learn's so the build, the app and back-tests agree:
ROC AUC is the trapezoid under the exact ROC curve, PR AUC is average precision,
and a row is predicted positive when its probability is at or above the threshold.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "Confusion",
    "RankedScores",
    "ScoreAccumulator",
    "average_precision",
    "brier_score",
    "calibration_curve",
    "classification_summary",
    "expected_value",
    "log_loss",
    "none_if_nan",
    "positive_rate_band",
    "precision_recall_curve",
    "roc_auc",
    "roc_curve",
    "thin_curve",
    "threshold_grid",
]


def none_if_nan(value: float) -> float | None:
    """JSON-safe float: undefined metrics become None."""
    return None if value is None or not math.isfinite(value) else float(value)


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else math.nan


def _as_arrays(labels: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(labels).astype(bool).ravel()
    p = np.asarray(scores, dtype=np.float64).ravel()
    if y.shape != p.shape:
        raise ValueError(f"{y.size} labels but {p.size} scores")
    return y, p


def _cumulative_counts(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """True and false positives at each distinct threshold, highest threshold first."""
    order = np.argsort(-p, kind="mergesort")
    p_sorted, y_sorted = p[order], y[order]
    distinct = np.flatnonzero(np.diff(p_sorted)) if p_sorted.size else np.empty(0, dtype=int)
    ends = np.r_[distinct, p_sorted.size - 1] if p_sorted.size else distinct
    tps = np.cumsum(y_sorted)[ends].astype(np.float64)
    fps = (ends + 1) - tps
    return tps, fps, p_sorted[ends]


def roc_curve(labels: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """False-positive rates, true-positive rates and thresholds, starting at (0, 0, inf)."""
    y, p = _as_arrays(labels, scores)
    tps, fps, thresholds = _cumulative_counts(y, p)
    positives, negatives = y.sum(), (~y).sum()
    tpr = np.r_[0.0, tps] / positives if positives else np.full(tps.size + 1, np.nan)
    fpr = np.r_[0.0, fps] / negatives if negatives else np.full(fps.size + 1, np.nan)
    return fpr, tpr, np.r_[np.inf, thresholds]


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve; NaN when only one class is present."""
    fpr, tpr, _ = roc_curve(labels, scores)
    if np.isnan(fpr).any() or np.isnan(tpr).any():
        return math.nan
    return float(np.trapezoid(tpr, fpr))


def precision_recall_curve(labels: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision and recall at each distinct threshold, highest threshold first."""
    y, p = _as_arrays(labels, scores)
    tps, fps, thresholds = _cumulative_counts(y, p)
    positives = y.sum()
    precision = np.divide(tps, tps + fps, out=np.zeros_like(tps), where=(tps + fps) > 0)
    recall = tps / positives if positives else np.full(tps.size, np.nan)
    return precision, recall, thresholds


def average_precision(labels: np.ndarray, scores: np.ndarray) -> float:
    """PR AUC as average precision: sum of precision times recall increments."""
    precision, recall, _ = precision_recall_curve(labels, scores)
    if recall.size == 0 or np.isnan(recall).any():
        return math.nan
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def log_loss(labels: np.ndarray, scores: np.ndarray) -> float:
    """Mean negative log-likelihood, probabilities clipped away from 0 and 1."""
    y, p = _as_arrays(labels, scores)
    if y.size == 0:
        return math.nan
    eps = np.finfo(np.float64).eps
    p = np.clip(p, eps, 1 - eps)
    return float(-np.mean(np.where(y, np.log(p), np.log1p(-p))))


def brier_score(labels: np.ndarray, scores: np.ndarray) -> float:
    """Mean squared difference between probability and outcome."""
    y, p = _as_arrays(labels, scores)
    return float(np.mean((p - y) ** 2)) if y.size else math.nan


@dataclass(frozen=True)
class Confusion:
    """Counts at one threshold, with the rates derived from them."""

    tp: int
    fp: int
    tn: int
    fn: int

    @property
    def rows(self) -> int:
        """All rows counted."""
        return self.tp + self.fp + self.tn + self.fn

    @property
    def accuracy(self) -> float:
        """Share of correct decisions."""
        return _ratio(self.tp + self.tn, self.rows)

    @property
    def precision(self) -> float:
        """Share of predicted positives that are positive."""
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        """Share of positives found (true-positive rate)."""
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def fpr(self) -> float:
        """Share of negatives wrongly flagged."""
        return _ratio(self.fp, self.fp + self.tn)

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    @property
    def selection_rate(self) -> float:
        """Share of rows predicted positive (acted on)."""
        return _ratio(self.tp + self.fp, self.rows)

    def as_dict(self) -> dict[str, int]:
        """``{"tp", "fp", "tn", "fn"}``."""
        return {"tp": self.tp, "fp": self.fp, "tn": self.tn, "fn": self.fn}


class RankedScores:
    """Labels and scores sorted once, so the confusion at any threshold costs O(log n)."""

    def __init__(self, labels: np.ndarray, scores: np.ndarray) -> None:
        y, p = _as_arrays(labels, scores)
        order = np.argsort(p, kind="mergesort")
        self.scores = p[order]
        # positives at or above each sorted position
        self._positives_from = np.r_[np.cumsum(y[order][::-1])[::-1], 0]
        self.positives = int(y.sum())
        self.negatives = int(y.size - self.positives)

    def confusion(self, threshold: float) -> Confusion:
        """Counts when rows with score >= threshold are predicted positive."""
        start = int(np.searchsorted(self.scores, threshold, side="left"))
        predicted = self.scores.size - start
        tp = int(self._positives_from[start])
        fp = predicted - tp
        return Confusion(tp=tp, fp=fp, tn=self.negatives - fp, fn=self.positives - tp)


def expected_value(confusion: Confusion, cost_per_action: float, value_per_true_positive: float) -> float:
    """Value of acting on every predicted positive: each action costs, each true positive pays."""
    return value_per_true_positive * confusion.tp - cost_per_action * (confusion.tp + confusion.fp)


def thin_curve(*columns: np.ndarray, limit: int = 200) -> list[list[float | None]]:
    """At most ``limit`` evenly spaced points of a curve, always keeping both ends (None where not finite)."""
    size = len(columns[0])
    keep = np.unique(np.linspace(0, size - 1, min(size, limit)).round().astype(int)) if size else np.empty(0, int)
    return [[float(v) if np.isfinite(v) else None for v in np.asarray(column)[keep]] for column in columns]


def threshold_grid(step: float = 0.01) -> np.ndarray:
    """Candidate thresholds 0.01..0.99, the resolution of every threshold choice."""
    count = round(1 / step)
    return np.round(np.arange(1, count) * step, 10)


def calibration_curve(labels: np.ndarray, scores: np.ndarray, bins: int = 10) -> dict[str, list[Any]]:
    """Mean predicted probability against the observed positive rate in equal-width bins."""
    y, p = _as_arrays(labels, scores)
    index = np.clip((p * bins).astype(int), 0, bins - 1)
    counts = np.bincount(index, minlength=bins)
    predicted = np.bincount(index, weights=p, minlength=bins)
    observed = np.bincount(index, weights=y.astype(np.float64), minlength=bins)
    filled = counts > 0
    return {
        "mean_predicted": (predicted[filled] / counts[filled]).tolist(),
        "observed_rate": (observed[filled] / counts[filled]).tolist(),
        "count": counts[filled].astype(int).tolist(),
    }


def classification_summary(labels: np.ndarray, scores: np.ndarray, threshold: float) -> dict[str, Any]:
    """The headline metrics for labelled rows at a threshold (JSON-safe)."""
    y, p = _as_arrays(labels, scores)
    confusion = RankedScores(y, p).confusion(threshold)
    return {
        "rows": int(y.size),
        "positives": int(y.sum()),
        "roc_auc": none_if_nan(roc_auc(y, p)),
        "pr_auc": none_if_nan(average_precision(y, p)),
        "log_loss": none_if_nan(log_loss(y, p)),
        "brier": none_if_nan(brier_score(y, p)),
        "accuracy": none_if_nan(confusion.accuracy),
        "precision": none_if_nan(confusion.precision),
        "recall": none_if_nan(confusion.recall),
        "f1": none_if_nan(confusion.f1),
        "threshold": float(threshold),
        "confusion_matrix": confusion.as_dict(),
    }


class ScoreAccumulator:
    """Score distribution of a run in constant memory: a 1,000-bin histogram, so deciles are within 0.001."""

    BINS = 1000

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.counts = np.zeros(self.BINS, dtype=np.int64)
        # Per bin, the probabilities' sum, and the count and sum of the rows at or above the threshold: what
        # performance estimation without labels needs (app.core.estimation), split exactly at the threshold.
        self.sums = np.zeros(self.BINS)
        self.flagged_counts = np.zeros(self.BINS, dtype=np.int64)
        self.flagged_sums = np.zeros(self.BINS)
        self.scored = 0
        self.positive = 0
        self.total = 0.0

    def add(self, probability: np.ndarray) -> None:
        """Fold in one chunk's probabilities (NaN for unscored rows)."""
        scored = probability[~np.isnan(probability)]
        index = np.minimum((scored * self.BINS).astype(np.int64), self.BINS - 1)
        flagged = scored >= self.threshold
        self.counts += np.bincount(index, minlength=self.BINS)
        self.sums += np.bincount(index, weights=scored, minlength=self.BINS)
        self.flagged_counts += np.bincount(index[flagged], minlength=self.BINS)
        self.flagged_sums += np.bincount(index[flagged], weights=scored[flagged], minlength=self.BINS)
        self.scored += scored.size
        self.positive += int(np.count_nonzero(flagged))
        self.total += float(scored.sum())

    def merge(self, other: ScoreAccumulator) -> None:
        """Fold in another run's distribution at the same threshold (a part scored on another machine)."""
        if other.threshold != self.threshold:
            raise ValueError(f"cannot merge scores at threshold {other.threshold} into {self.threshold}")
        self.counts += other.counts
        self.sums += other.sums
        self.flagged_counts += other.flagged_counts
        self.flagged_sums += other.flagged_sums
        self.scored += other.scored
        self.positive += other.positive
        self.total += other.total

    def summary(self) -> dict[str, Any]:
        """Deciles, a 10-bin histogram, the mean and the positive rate at the threshold."""
        if self.scored == 0:
            return {"scored": 0, "deciles": [], "histogram": {"edges": [], "counts": []}, "positive_rate": None}
        cumulative = np.cumsum(self.counts)
        deciles = [(int(np.searchsorted(cumulative, q * self.scored)) + 0.5) / self.BINS for q in np.arange(1, 10) / 10]
        return {
            "scored": self.scored,
            "mean": self.total / self.scored,
            "deciles": [round(d, 4) for d in deciles],
            "histogram": {
                "edges": [round(e, 2) for e in np.linspace(0, 1, 11)],
                "counts": self.counts.reshape(10, -1).sum(axis=1).astype(int).tolist(),
            },
            "positive_rate": self.positive / self.scored,
        }


def positive_rate_band(card_test: Mapping[str, Any], threshold: float, rows: int) -> dict[str, float] | None:
    """The positive rate the test set shows at ``threshold``, with a band for a file of ``rows`` rows.

    Three binomial standard deviations for a file of that size, and never narrower than 5 points:
    outside it, the model flags a share of rows that training does not explain.
    """
    if not card_test.get("probability") or rows <= 0:
        return None
    ranked = RankedScores(card_test["label"], card_test["probability"])
    confusion = ranked.confusion(threshold)
    rate = confusion.selection_rate
    half_width = max(0.05, 3 * float(np.sqrt(rate * (1 - rate) / rows)))
    return {"expected": rate, "low": max(0.0, rate - half_width), "high": min(1.0, rate + half_width)}
