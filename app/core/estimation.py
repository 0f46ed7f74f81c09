"""Performance on a file without labels, estimated from the model's own probabilities (confidence-based
performance estimation, CBPE, as NannyML describes it).

If the model is calibrated, a row scored 0.3 is a positive three times in ten. The expected confusion matrix
at the threshold is then the sum of the probabilities of the flagged rows (true positives), of their
complements (false positives), and so on; the expected ROC AUC counts each row as ``p`` of a positive and
``1 - p`` of a negative. The interval is that of the metric the labels will give once they arrive: labels
are drawn from the probabilities again and again, so a small file gets the wide interval it deserves.

Everything comes from ``ScoreAccumulator``'s histograms (1,000 bins, split at the threshold), so it costs
nothing per row beyond the histogram, and parts scored on other machines merge before the estimate.
It holds only when the model is calibrated: ``calibration_error`` measures that on the test set, and an
estimate above ``MAX_CALIBRATION_ERROR`` is marked unreliable with the reason. Calibration on the test set says
nothing of values the model never saw in training, where its probabilities are extrapolations: an estimate
for a file with more than ``MAX_BEYOND_TRAINING_SHARE`` of such rows in one feature is marked unreliable too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.core.i18n import N_, Figure, Message
from app.core.intervals import BOOTSTRAP_RESAMPLES, CI_LEVEL, SEED, interval, ranking_metrics
from app.core.metrics import ScoreAccumulator, none_if_nan

__all__ = [
    "ESTIMATED_METRICS",
    "MAX_BEYOND_TRAINING_SHARE",
    "MAX_CALIBRATION_ERROR",
    "PerformanceEstimate",
    "calibration_error",
    "card_calibration_error",
    "estimate_for_card",
    "estimate_for_probabilities",
    "estimate_performance",
]

ESTIMATED_METRICS = ("roc_auc", "accuracy", "precision", "recall", "f1")
# Expected calibration error (10 equal-width bins) above which the probabilities are not trusted as rates.
# A perfectly calibrated model shows about 0.02 on a test set of 1,400 rows from sampling alone.
MAX_CALIBRATION_ERROR = 0.05
# Share of the scored rows with one feature outside what training covered (above its maximum, below its minimum,
# an unseen category) above which the estimate does not hold. A file drawn like the training data has almost
# none (a test row falls outside the training range with a chance of about 2 in the training set's size), so
# this is a shift the model extrapolates over, such as prices raised by a third.
MAX_BEYOND_TRAINING_SHARE = 0.05


def calibration_error(count: np.ndarray, mean_predicted: np.ndarray, observed_rate: np.ndarray) -> float:
    """Expected calibration error: the row-weighted mean gap between predicted and observed rates per bin."""
    count = np.asarray(count, dtype=np.float64)
    if count.sum() == 0:
        return float("nan")
    gaps = np.abs(np.asarray(mean_predicted, dtype=np.float64) - np.asarray(observed_rate, dtype=np.float64))
    return float(np.sum(count * gaps) / count.sum())


def card_calibration_error(card_raw: Mapping[str, Any]) -> float | None:
    """The test set's calibration error as the card states it, or as its reliability curve gives it."""
    stated = card_raw.get("calibration", {}).get("ece")
    if stated is not None:
        return float(stated)
    curve = card_raw.get("curves", {}).get("calibration")
    if not curve or not curve.get("count"):
        return None
    return calibration_error(curve["count"], curve["mean_predicted"], curve["observed_rate"])


@dataclass(frozen=True)
class PerformanceEstimate:
    """Each metric's expected value with its interval, the expected confusion matrix, and whether to trust it."""

    rows: int
    threshold: float
    values: dict[str, float | None]
    intervals: dict[str, tuple[float, float] | None]
    confusion: dict[str, float]
    level: float
    reliable: bool
    reason: str  # in English, as the JSON and the run log have it
    calibration_error: float | None
    note: Message | None = None  # the reason, to show in the current language

    def shown_reason(self) -> str:
        """Why the estimate cannot be trusted, in the current language ("" when it can)."""
        return self.note.text() if self.note is not None else self.reason

    def to_dict(self) -> dict[str, Any]:
        """The ``estimated_performance`` document of ``check --json`` and the run log."""
        metrics = {
            name: {"value": self.values[name], "ci": list(ci) if (ci := self.intervals[name]) else None}
            for name in ESTIMATED_METRICS
        }
        return {
            **metrics,
            "confusion_matrix": self.confusion,
            "rows": self.rows,
            "threshold": self.threshold,
            "ci_level": self.level,
            "reliable": self.reliable,
            "reason": self.reason,
            "calibration_error": self.calibration_error,
        }


def _groups(scores: ScoreAccumulator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows grouped by score, highest first: each bin's flagged rows (at or above the threshold), then the rest.
    Returns each non-empty group's row count, mean probability, and whether it is flagged."""
    flagged_counts, flagged_sums = scores.flagged_counts[::-1], scores.flagged_sums[::-1]
    other_counts = (scores.counts - scores.flagged_counts)[::-1]
    other_sums = (scores.sums - scores.flagged_sums)[::-1]
    counts = np.column_stack([flagged_counts, other_counts]).ravel()
    sums = np.column_stack([flagged_sums, other_sums]).ravel()
    flagged = np.tile([True, False], scores.BINS)
    keep = counts > 0
    counts, sums, flagged = counts[keep], sums[keep], flagged[keep]
    return counts.astype(np.float64), np.clip(sums / counts, 0.0, 1.0), flagged


def _metrics(positive: np.ndarray, counts: np.ndarray, flagged: np.ndarray) -> dict[str, np.ndarray]:
    """Each metric for each row of per-group positives (fractional for the expectation, drawn for the interval)."""
    negative = counts[None, :] - positive
    auc, _ = ranking_metrics(positive, negative)
    tp = positive[:, flagged].sum(axis=1)
    fp = negative[:, flagged].sum(axis=1)
    fn = positive[:, ~flagged].sum(axis=1)
    total = counts.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "roc_auc": auc,
            "accuracy": (total - fp - fn) / total,
            "precision": tp / (tp + fp),
            "recall": tp / (tp + fn),
            "f1": 2 * tp / (2 * tp + fp + fn),
            "tp": tp,
            "fp": fp,
            "fn": fn,
        }


def estimate_performance(
    scores: ScoreAccumulator,
    calibration: float | None,
    *,
    beyond_training: Mapping[str, int] | None = None,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = SEED,
    level: float = CI_LEVEL,
) -> PerformanceEstimate:
    """The expected metrics of the scored rows once their labels arrive, with the interval of what they may
    turn out to be; ``calibration`` is the test set's calibration error (None: unknown), ``beyond_training``
    the rows per feature with a value training never covered (``FileReport.rows_beyond_training``)."""
    counts, means, flagged = _groups(scores)
    expected = _metrics((counts * means)[None, :], counts, flagged)
    rng = np.random.default_rng(seed)
    drawn = _metrics(
        rng.binomial(counts.astype(np.int64)[None, :], means[None, :], size=(resamples, counts.size)).astype(
            np.float64
        ),
        counts,
        flagged,
    )
    total = float(counts.sum())
    tp, fp, fn = (float(expected[k][0]) for k in ("tp", "fp", "fn"))
    if calibration is None:
        why = Message.of(
            N_("the model card has no calibration measurement, so the probabilities cannot be read as rates")
        )
    elif calibration > MAX_CALIBRATION_ERROR:
        why = Message.of(
            N_(
                "the model is poorly calibrated on its test set (calibration error {error}, above {limit}): its"
                " probabilities are not rates, so the estimate would mislead"
            ),
            error=Figure(calibration, 3),
            limit=Figure(MAX_CALIBRATION_ERROR, 2),
        )
    elif total == 0:
        why = Message.of(N_("no row was scored"))
    elif (worst := _most_beyond_training(beyond_training or {}, total)) is not None:
        column, rows = worst
        why = Message.of(
            N_(
                "{share} of the scored rows ({count}) have a '{column}' the model never saw in training (outside"
                " its training range, or an unseen category): its probabilities there are extrapolations, not"
                " rates, so the estimate would mislead"
            ),
            share=Figure(rows / total, 1, share=True),
            count=Figure(rows),
            column=column,
        )
    else:
        why = Message.of("")
    reliable, reason = not why.template, why.english()  # an empty template: nothing against it
    return PerformanceEstimate(
        rows=int(total),
        threshold=scores.threshold,
        values={name: none_if_nan(float(expected[name][0])) for name in ESTIMATED_METRICS},
        intervals={name: interval(drawn[name], level) for name in ESTIMATED_METRICS},
        confusion={"tp": tp, "fp": fp, "tn": total - tp - fp - fn, "fn": fn},
        level=level,
        reliable=reliable,
        reason=reason,
        calibration_error=calibration,
        note=why,
    )


def _most_beyond_training(beyond_training: Mapping[str, int], total: float) -> tuple[str, int] | None:
    """The feature with the most rows beyond training, when they are too many for the estimate to hold."""
    if not beyond_training:
        return None
    column = max(beyond_training, key=lambda name: beyond_training[name])
    rows = min(beyond_training[column], int(total))  # some of them may be rows that were not scored
    return (column, rows) if rows > MAX_BEYOND_TRAINING_SHARE * total else None


def estimate_for_card(
    scores: ScoreAccumulator, card_raw: Mapping[str, Any], beyond_training: Mapping[str, int] | None = None
) -> PerformanceEstimate:
    """The estimate for rows a bundle scored, trusted as far as its card's calibration and the file's rows
    beyond training allow."""
    return estimate_performance(scores, card_calibration_error(card_raw), beyond_training=beyond_training)


def estimate_for_probabilities(
    probability: np.ndarray,
    threshold: float,
    card_raw: Mapping[str, Any],
    beyond_training: Mapping[str, int] | None = None,
) -> PerformanceEstimate:
    """The estimate for a scored file's probabilities (NaN for rows not scored) at ``threshold``."""
    scores = ScoreAccumulator(threshold)
    scores.add(np.asarray(probability, dtype=np.float64))
    return estimate_for_card(scores, card_raw, beyond_training)
