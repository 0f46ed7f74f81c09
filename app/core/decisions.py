"""What following the model means: expected value across thresholds, and the rows behind each decision.

Acting on a row costs ``cost_per_action``; acting on a true positive earns
``value_per_true_positive``. With labels, the value is realised; without them, each
probability stands in for the chance that acting pays (the model is calibrated on test).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np

from app.core.metrics import RankedScores, expected_value, threshold_grid

__all__ = [
    "DecisionCurve",
    "confusion_mask",
    "decision_digits",
    "expected_curve",
    "predicted",
    "realised_curve",
    "usable_rows",
]


@dataclass(frozen=True)
class DecisionCurve:
    """Value of acting at each threshold, and the best threshold."""

    thresholds: np.ndarray
    values: np.ndarray
    acted: np.ndarray

    @property
    def best_threshold(self) -> float:
        """The threshold with the highest value (the lowest one on a tie)."""
        return float(self.thresholds[int(np.argmax(self.values))])

    def at(self, threshold: float) -> tuple[float, int]:
        """(value, rows acted on) at the grid point nearest ``threshold``."""
        index = int(np.argmin(np.abs(self.thresholds - threshold)))
        return float(self.values[index]), int(self.acted[index])


def realised_curve(ranked: RankedScores, cost: float, value: float, grid: np.ndarray | None = None) -> DecisionCurve:
    """Value actually earned at each threshold, from labelled rows."""
    grid = threshold_grid() if grid is None else grid
    confusions = [ranked.confusion(t) for t in grid]
    values = np.array([expected_value(c, cost, value) for c in confusions])
    acted = np.array([c.tp + c.fp for c in confusions])
    return DecisionCurve(grid, values, acted)


def expected_curve(probability: np.ndarray, cost: float, value: float, grid: np.ndarray | None = None) -> DecisionCurve:
    """Expected value at each threshold on unlabelled rows: the sum over acted rows of p * value - cost."""
    grid = threshold_grid() if grid is None else grid
    p = np.sort(probability[~np.isnan(probability)])
    # Suffix sums: rows at or above a threshold are a suffix of the sorted scores.
    suffix = np.r_[np.cumsum(p[::-1])[::-1], 0.0]
    start = np.searchsorted(p, grid, side="left")
    acted = p.size - start
    values = value * suffix[start] - cost * acted
    return DecisionCurve(grid, values, acted)


def usable_rows(labels: np.ndarray | None, probability: np.ndarray) -> np.ndarray:
    """Rows that have both a score and a label."""
    if labels is None:
        return np.zeros(probability.size, dtype=bool)
    return np.asarray(~np.isnan(probability) & (labels >= 0), dtype=bool)


def confusion_mask(labels: np.ndarray, probability: np.ndarray, threshold: float, cell: str) -> np.ndarray:
    """Rows in one confusion-matrix cell (``tp``, ``fp``, ``tn`` or ``fn``) at the threshold."""
    usable = usable_rows(labels, probability)
    with np.errstate(invalid="ignore"):
        predicted = probability >= threshold
    actual = labels == 1
    masks = {"tp": predicted & actual, "fp": predicted & ~actual, "tn": ~predicted & ~actual, "fn": ~predicted & actual}
    return np.asarray(usable & masks[cell], dtype=bool)


def predicted(probability: float, threshold: float) -> bool:
    """The model's decision for one probability: positive at or above the threshold (the rule every front end
    and the written files use)."""
    return probability >= threshold


def decision_digits(probability: float, threshold: float, least: int = 3, most: int = 9) -> int:
    """Decimal places that show ``probability`` on the side of ``threshold`` it is decided on: 0.189977 at 0.19 is a
    No, which three places (0.190) and four (0.1900) would contradict, so it takes five (0.18998)."""
    decided = predicted(probability, threshold)
    shown = Decimal(str(probability))  # rounded as the number formatter rounds it: the decimal text, half to even
    for digits in range(least, most + 1):
        rounded = shown.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)
        if predicted(float(rounded), threshold) == decided:
            return digits
    return most
