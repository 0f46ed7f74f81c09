"""Confidence intervals for the metrics we show, with numpy alone.

- A stratified bootstrap: positives and negatives are resampled apart (each resample keeps the class counts,
  as the test set's split did), seeded, 1,000 resamples by default. A resample is a row of counts (how often
  each row was drawn), so every metric of every resample is a matrix product or a cumulative sum over rows
  sorted once by score: no Python loop per resample.
- DeLong's analytic interval and paired test for ROC AUC (DeLong, DeLong and Clarke-Pearson, 1988), through
  the midrank algorithm of Sun and Xu (2014).

Every interval is a percentile interval ``[low, high]`` at ``level`` (0.95 unless told), or None where the
metric is undefined (one class only, or no predicted positives in most resamples).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "BOOTSTRAP_RESAMPLES",
    "CI_LEVEL",
    "SEED",
    "BootstrapDraws",
    "Interval",
    "delong_interval",
    "delong_test",
    "interval",
    "weighted_metrics",
]

BOOTSTRAP_RESAMPLES = 1000
CI_LEVEL = 0.95
SEED = 20261202
_EXACT_ROWS = 20_000  # above this, resample cells of rows (see _binned_bootstrap)
_SCORE_CELLS = 2048  # score bins of the binned bootstrap
_BATCH_CELLS = 4_000_000  # resamples x rows per batch: about 32 MB of float64 weights at a time
METRICS = ("roc_auc", "pr_auc", "log_loss", "brier", "accuracy", "precision", "recall", "f1", "selection_rate")

Interval = tuple[float, float]


def interval(draws: np.ndarray, level: float = CI_LEVEL) -> Interval | None:
    """The percentile interval of ``draws`` (NaN draws are undefined resamples, left out), or None when more
    than one in ten resamples is undefined: then the metric cannot be told from this data."""
    draws = np.asarray(draws, dtype=np.float64)
    finite = draws[np.isfinite(draws)]
    if finite.size == 0 or finite.size < 0.9 * draws.size:
        return None
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(finite, [tail, 100 - tail])
    return float(low), float(high)


def _levels(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows sorted by descending score, and the index of each sorted row's distinct-score level (ties share)."""
    order = np.argsort(-scores, kind="mergesort")
    ordered = scores[order]
    level = np.r_[0, np.cumsum(np.diff(ordered) != 0)] if ordered.size else np.empty(0, dtype=np.int64)
    return order, level


def _per_level(weights: np.ndarray, level: np.ndarray, levels: int) -> np.ndarray:
    """Sum the columns of ``weights`` (resamples x sorted rows) within each score level."""
    if weights.shape[1] == 0:
        return weights
    starts = np.flatnonzero(np.r_[True, np.diff(level) != 0])
    summed = np.add.reduceat(weights, starts, axis=1)
    assert summed.shape[1] == levels
    return summed


def ranking_metrics(positive: np.ndarray, negative: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ROC AUC and average precision of each row of per-level positive and negative weights, levels ordered
    from the highest score down; ties count half, as scikit-learn's trapezoid does."""
    total_positive = positive.sum(axis=1)
    total_negative = negative.sum(axis=1)
    negatives_above = np.cumsum(negative, axis=1) - negative
    negatives_below = total_negative[:, None] - negatives_above - negative
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = (positive * (negatives_below + 0.5 * negative)).sum(axis=1) / (total_positive * total_negative)
        true_positive = np.cumsum(positive, axis=1)
        flagged = true_positive + np.cumsum(negative, axis=1)
        precision = np.where(flagged > 0, true_positive / np.where(flagged > 0, flagged, 1), 0.0)
        average_precision = (precision * positive).sum(axis=1) / total_positive
    return auc, average_precision


@dataclass(frozen=True)
class BootstrapDraws:
    """Each metric's value on every resample, and the point value on the data itself."""

    point: dict[str, float]
    draws: dict[str, np.ndarray]
    resamples: int
    seed: int

    def intervals(self, level: float = CI_LEVEL) -> dict[str, Interval | None]:
        """Each metric's percentile interval at ``level``."""
        return {name: interval(values, level) for name, values in self.draws.items()}


def _stratified_counts(labels: np.ndarray, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """How often each row is drawn in each resample (resamples x rows), positives and negatives apart."""
    counts = np.zeros((resamples, labels.size), dtype=np.float64)
    offsets = np.arange(resamples)[:, None] * labels.size
    for members in (np.flatnonzero(labels), np.flatnonzero(~labels)):
        if members.size == 0:
            continue
        picks = members[rng.integers(0, members.size, size=(resamples, members.size))]
        counts.ravel()[:] += np.bincount((picks + offsets).ravel(), minlength=counts.size)
    return counts


def weighted_metrics(
    labels: np.ndarray, scores: np.ndarray, weights: np.ndarray, threshold: float
) -> dict[str, np.ndarray]:
    """Every metric of ``METRICS`` (and the false positive rate, ``fpr``, for slices) for each row of ``weights``
    (how often each row counts), vectorised."""
    y = np.asarray(labels, dtype=bool)
    p = np.asarray(scores, dtype=np.float64)
    order, level = _levels(p)
    levels = int(level[-1]) + 1 if level.size else 0
    sorted_weights = weights[:, order]
    positive = _per_level(sorted_weights * y[order], level, levels)
    negative = _per_level(sorted_weights * ~y[order], level, levels)
    auc, average_precision = ranking_metrics(positive, negative)
    eps = np.finfo(np.float64).eps
    clipped = np.clip(p, eps, 1 - eps)
    flagged = p >= threshold
    total = weights.sum(axis=1)
    tp = weights @ (y & flagged).astype(np.float64)
    fp = weights @ (~y & flagged).astype(np.float64)
    fn = weights @ (y & ~flagged).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "roc_auc": auc,
            "pr_auc": average_precision,
            "log_loss": weights @ -np.where(y, np.log(clipped), np.log1p(-clipped)) / total,
            "brier": weights @ (p - y) ** 2 / total,
            "accuracy": (total - fp - fn) / total,
            "precision": np.where(tp + fp > 0, tp / (tp + fp), np.nan),
            "recall": tp / (tp + fn),
            "f1": 2 * tp / (2 * tp + fp + fn),
            "selection_rate": (tp + fp) / total,
            "fpr": fp / (weights @ (~y).astype(np.float64)),
        }


def bootstrap(
    labels: np.ndarray,
    scores: np.ndarray,
    threshold: float,
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = SEED,
    groups: Mapping[str, np.ndarray] | None = None,
    exact: bool | None = None,
) -> BootstrapDraws:
    """Stratified bootstrap of every metric at ``threshold``; ``groups`` adds, per named boolean row mask,
    the slice's metrics (``slice:<name>:<metric>``) and the largest true-positive-rate gap between slices.

    Above 20,000 rows (without groups; ``exact`` overrides) rows are resampled as cells rather than one by one:
    see ``_binned_bootstrap``. Point values are always the exact ones."""
    y = np.asarray(labels, dtype=bool).ravel()
    p = np.asarray(scores, dtype=np.float64).ravel()
    if y.shape != p.shape:
        raise ValueError(f"{y.size} labels but {p.size} scores")
    rng = np.random.default_rng(seed)
    masks = dict(groups or {})
    point = {k: float(v[0]) for k, v in _all_metrics(y, p, np.ones((1, y.size)), threshold, masks).items()}
    if exact is False or (exact is None and not masks and y.size > _EXACT_ROWS):
        return BootstrapDraws(point, _binned_bootstrap(y, p, threshold, point, resamples, rng), resamples, seed)
    batch = max(1, min(resamples, _BATCH_CELLS // max(y.size, 1)))
    pieces: dict[str, list[np.ndarray]] = {}
    done = 0
    while done < resamples:
        size = min(batch, resamples - done)
        counts = _stratified_counts(y, size, rng)
        for name, values in _all_metrics(y, p, counts, threshold, masks).items():
            pieces.setdefault(name, []).append(values)
        done += size
    draws = {name: np.concatenate(values) for name, values in pieces.items()}
    return BootstrapDraws(point, draws, resamples, seed)


def _binned_bootstrap(
    y: np.ndarray, p: np.ndarray, threshold: float, point: Mapping[str, float], resamples: int, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """The stratified bootstrap with rows pooled into cells of one label, one 1/2048-wide score bin and one
    side of the threshold: drawing n rows of a class is drawing a multinomial over its cells, so a resample
    costs thousands of numbers instead of one per row (100,000 rows: about 1 s instead of 10).

    Within a cell the rows count at their mean score and mean losses, which moves the metrics by far less
    than their intervals' width; each metric's draws are shifted by the exact value minus the binned one, so
    the binning's own small bias does not move the interval."""
    bins = np.minimum((p * _SCORE_CELLS).astype(np.int64), _SCORE_CELLS - 1)
    key = (bins * 2 + (p >= threshold)) * 2 + y
    cells, inverse, sizes = np.unique(key, return_inverse=True, return_counts=True)
    label = (cells % 2).astype(bool)
    score = np.bincount(inverse, weights=p) / sizes
    eps = np.finfo(np.float64).eps
    clipped = np.clip(p, eps, 1 - eps)
    losses = {
        "log_loss": np.bincount(inverse, weights=-np.where(y, np.log(clipped), np.log1p(-clipped))) / sizes,
        "brier": np.bincount(inverse, weights=(p - y) ** 2) / sizes,
    }

    def metrics(weights: np.ndarray) -> dict[str, np.ndarray]:
        values = weighted_metrics(label, score, weights, threshold)
        total = weights.sum(axis=1)
        return values | {name: weights @ loss / total for name, loss in losses.items()}

    binned_point = {name: float(values[0]) for name, values in metrics(sizes[None, :].astype(np.float64)).items()}
    counts = np.zeros((resamples, cells.size))
    for members in (np.flatnonzero(label), np.flatnonzero(~label)):
        if members.size:
            drawn = sizes[members].sum()
            counts[:, members] = rng.multinomial(drawn, sizes[members] / drawn, size=resamples)
    return {
        name: values + (point[name] - binned_point[name]) if np.isfinite(point[name] - binned_point[name]) else values
        for name, values in metrics(counts).items()
    }


def _all_metrics(
    y: np.ndarray, p: np.ndarray, weights: np.ndarray, threshold: float, masks: Mapping[str, np.ndarray]
) -> dict[str, np.ndarray]:
    values = weighted_metrics(y, p, weights, threshold)
    rates = []
    for name, mask in masks.items():
        mask = np.asarray(mask, dtype=bool)
        for metric, slice_values in weighted_metrics(y[mask], p[mask], weights[:, mask], threshold).items():
            values[f"slice:{name}:{metric}"] = slice_values
        rates.append(values[f"slice:{name}:recall"])
    if len(rates) >= 2:
        stacked = np.vstack(rates)
        with warnings.catch_warnings():  # a resample where no slice has positives is all NaN: undefined
            warnings.simplefilter("ignore", RuntimeWarning)
            values["tpr_gap"] = np.nanmax(stacked, axis=0) - np.nanmin(stacked, axis=0)
    return values


def _structural_components(
    labels: np.ndarray, scores: Sequence[np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """DeLong's placements by midranks: AUC per model, V10 (per positive) and V01 (per negative)."""
    y = np.asarray(labels, dtype=bool)
    m, n = int(y.sum()), int((~y).sum())
    aucs, v10s, v01s = [], [], []
    for model in scores:
        p = np.asarray(model, dtype=np.float64)
        positives, negatives = p[y], p[~y]
        rank_all = _midranks(np.r_[positives, negatives])
        rank_positive = _midranks(positives)
        rank_negative = _midranks(negatives)
        v10 = (rank_all[:m] - rank_positive) / n  # share of negatives below each positive (ties half)
        v01 = 1 - (rank_all[m:] - rank_negative) / m  # share of positives above each negative
        aucs.append(v10.mean())
        v10s.append(v10)
        v01s.append(v01)
    return np.array(aucs), np.vstack(v10s), np.vstack(v01s)


def _midranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks, ties given the mean of the ranks they span."""
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    ranks = np.empty(values.size, dtype=np.float64)
    starts = np.flatnonzero(np.r_[True, np.diff(ordered) != 0])
    ends = np.r_[starts[1:], ordered.size]
    mean_rank = (starts + ends + 1) / 2  # the mean of ranks start+1 .. end
    ranks[order] = np.repeat(mean_rank, ends - starts)
    return ranks


def _covariance(labels: np.ndarray, scores: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(labels, dtype=bool)
    m, n = int(y.sum()), int((~y).sum())
    aucs, v10, v01 = _structural_components(y, scores)
    s10 = np.atleast_2d(np.cov(v10))
    s01 = np.atleast_2d(np.cov(v01))
    return aucs, s10 / m + s01 / n


def _normal_quantile(level: float) -> float:
    """The two-sided standard normal quantile for ``level`` (1.96 for 0.95)."""
    from statistics import NormalDist

    return NormalDist().inv_cdf(0.5 + level / 2)


def delong_interval(labels: np.ndarray, scores: np.ndarray, level: float = CI_LEVEL) -> Interval | None:
    """DeLong's normal interval for ROC AUC, clipped to [0, 1]; None with fewer than two of either class."""
    y = np.asarray(labels, dtype=bool)
    if y.sum() < 2 or (~y).sum() < 2:
        return None
    aucs, covariance = _covariance(y, [scores])
    half = _normal_quantile(level) * math.sqrt(max(float(covariance[0, 0]), 0.0))
    return max(0.0, float(aucs[0]) - half), min(1.0, float(aucs[0]) + half)


@dataclass(frozen=True)
class PairedDifference:
    """A paired comparison on the same rows: challenger minus champion, its interval and p-value."""

    difference: float
    ci: Interval | None
    p_value: float | None
    test: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "difference": self.difference,
            "ci": list(self.ci) if self.ci else None,
            "p_value": self.p_value,
            "test": self.test,
        }


def delong_test(
    labels: np.ndarray, challenger: np.ndarray, champion: np.ndarray, level: float = CI_LEVEL
) -> PairedDifference:
    """DeLong's paired test of two models' ROC AUC on the same rows: the difference (challenger minus champion),
    its normal interval and the two-sided p-value."""
    from statistics import NormalDist

    y = np.asarray(labels, dtype=bool)
    if y.sum() < 2 or (~y).sum() < 2:
        return PairedDifference(math.nan, None, None, "delong")
    aucs, covariance = _covariance(y, [challenger, champion])
    difference = float(aucs[0] - aucs[1])
    variance = float(covariance[0, 0] + covariance[1, 1] - 2 * covariance[0, 1])
    if variance <= 0:  # the same ranking: no difference at all
        return PairedDifference(difference, (difference, difference), 1.0, "delong")
    sd = math.sqrt(variance)
    half = _normal_quantile(level) * sd
    p_value = 2 * (1 - NormalDist().cdf(abs(difference) / sd))
    return PairedDifference(difference, (difference - half, difference + half), p_value, "delong")


def paired_bootstrap(
    labels: np.ndarray,
    challenger: np.ndarray,
    champion: np.ndarray,
    thresholds: tuple[float, float],
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = SEED,
    level: float = CI_LEVEL,
) -> dict[str, PairedDifference]:
    """Every metric's difference (challenger minus champion, each at its own threshold) on the same resamples:
    the percentile interval of the difference and a two-sided bootstrap p-value."""
    first = bootstrap(labels, challenger, thresholds[0], resamples=resamples, seed=seed)
    second = bootstrap(labels, champion, thresholds[1], resamples=resamples, seed=seed)  # same seed: same rows
    result = {}
    for name in METRICS:
        differences = first.draws[name] - second.draws[name]
        finite = differences[np.isfinite(differences)]
        share_below = float((finite <= 0).mean()) if finite.size else math.nan
        share_above = float((finite >= 0).mean()) if finite.size else math.nan
        p_value = min(1.0, 2 * min(share_below, share_above)) if finite.size else None
        result[name] = PairedDifference(
            first.point[name] - second.point[name], interval(differences, level), p_value, "paired_bootstrap"
        )
    return result
