"""Bootstrap and DeLong intervals: reproducible, consistent with the point metrics, and covering what they claim."""

from __future__ import annotations

import itertools
import math
from statistics import NormalDist

import numpy as np
import pytest

from app.core import intervals
from app.core.bundle import load_bundle
from app.core.metrics import average_precision, brier_score, classification_summary, log_loss, roc_auc


def _data(seed: int, rows: int = 300, separation: float = 1.2) -> tuple[np.ndarray, np.ndarray]:
    """A binormal model: positives' scores ~ N(separation, 1), negatives' ~ N(0, 1), squashed into (0, 1)."""
    rng = np.random.default_rng(seed)
    y = rng.random(rows) < 0.3
    z = rng.normal(size=rows) + separation * y
    return y, 1 / (1 + np.exp(-z))


def test_the_bootstrap_is_reproducible_with_its_seed() -> None:
    y, p = _data(1)
    first = intervals.bootstrap(y, p, 0.5, resamples=200, seed=7)
    again = intervals.bootstrap(y, p, 0.5, resamples=200, seed=7)
    other = intervals.bootstrap(y, p, 0.5, resamples=200, seed=8)
    for name in intervals.METRICS:
        np.testing.assert_array_equal(first.draws[name], again.draws[name])
    assert first.intervals() == again.intervals()
    assert first.intervals()["roc_auc"] != other.intervals()["roc_auc"]


def test_resample_counts_keep_each_class_size() -> None:
    y, _ = _data(2)
    counts = intervals._stratified_counts(y, 50, np.random.default_rng(0))
    np.testing.assert_array_equal(counts[:, y].sum(axis=1), np.full(50, y.sum()))
    np.testing.assert_array_equal(counts[:, ~y].sum(axis=1), np.full(50, (~y).sum()))


def test_weighted_metrics_equal_the_point_metrics_on_repeated_rows() -> None:
    """Counts as weights give exactly the metrics of the data with each row repeated that often."""
    y, p = _data(3, rows=120)
    p = np.round(p, 2)  # ties, which both ROC AUC and average precision must treat as scikit-learn does
    counts = np.random.default_rng(4).integers(0, 4, size=y.size)
    repeated_y, repeated_p = np.repeat(y, counts), np.repeat(p, counts)
    weighted = intervals.weighted_metrics(y, p, counts[None, :].astype(float), 0.4)
    summary = classification_summary(repeated_y, repeated_p, 0.4)
    assert weighted["roc_auc"][0] == pytest.approx(roc_auc(repeated_y, repeated_p), abs=1e-12)
    assert weighted["pr_auc"][0] == pytest.approx(average_precision(repeated_y, repeated_p), abs=1e-12)
    assert weighted["log_loss"][0] == pytest.approx(log_loss(repeated_y, repeated_p), abs=1e-12)
    assert weighted["brier"][0] == pytest.approx(brier_score(repeated_y, repeated_p), abs=1e-12)
    for name in ("accuracy", "precision", "recall", "f1"):
        assert weighted[name][0] == pytest.approx(summary[name], abs=1e-12), name
    assert weighted["selection_rate"][0] == pytest.approx(np.mean(repeated_p >= 0.4), abs=1e-12)


def test_the_bootstrap_interval_covers_the_true_auc_at_its_level() -> None:
    """300 data sets drawn from a model whose AUC is known: the 95% interval holds it in 92-98% of them."""
    separation = 1.2
    true_auc = NormalDist().cdf(separation / math.sqrt(2))  # binormal, equal variances
    bootstrap_hits = delong_hits = 0
    for seed in range(300):
        y, p = _data(1000 + seed, rows=300, separation=separation)
        low, high = intervals.bootstrap(y, p, 0.5, resamples=1000, seed=seed).intervals()["roc_auc"]  # type: ignore[misc]
        bootstrap_hits += low <= true_auc <= high
        low, high = intervals.delong_interval(y, p)  # type: ignore[misc]
        delong_hits += low <= true_auc <= high
    assert 0.92 <= bootstrap_hits / 300 <= 0.98, bootstrap_hits
    assert 0.92 <= delong_hits / 300 <= 0.98, delong_hits


def _delong_by_the_formula(labels: np.ndarray, scores: np.ndarray) -> tuple[float, float]:
    """DeLong et al. (1988) as published: the kernel psi over every positive-negative pair, no ranks."""
    positives = scores[labels]
    negatives = scores[~labels]
    m, n = positives.size, negatives.size

    def psi(x: float, y: float) -> float:
        return 1.0 if x > y else 0.5 if x == y else 0.0

    v10 = [sum(psi(x, y) for y in negatives) / n for x in positives]
    v01 = [sum(psi(x, y) for x in positives) / m for y in negatives]
    auc = sum(v10) / m
    s10 = sum((v - auc) ** 2 for v in v10) / (m - 1)
    s01 = sum((v - auc) ** 2 for v in v01) / (n - 1)
    return auc, s10 / m + s01 / n


def test_delong_matches_a_small_example_worked_by_hand() -> None:
    # Positives 0.9, 0.8, 0.4; negatives 0.7, 0.4, 0.2, 0.1 (one tie, counted half).
    # V10 = 1, 1, 2.5/4 -> AUC 0.875; V01 = 2/3, 2.5/3, 1, 1 (mean 0.875 too).
    # S10 = 0.09375 / 2 = 0.046875; S01 = 0.0763889 / 3 = 0.0254630; var = S10/3 + S01/4 = 0.0219907.
    labels = np.array([1, 1, 1, 0, 0, 0, 0], dtype=bool)
    scores = np.array([0.9, 0.8, 0.4, 0.7, 0.4, 0.2, 0.1])
    aucs, covariance = intervals._covariance(labels, [scores])
    assert aucs[0] == pytest.approx(0.875, abs=1e-9)
    assert covariance[0, 0] == pytest.approx(0.0219907, abs=1e-6)
    low, high = intervals.delong_interval(labels, scores)  # type: ignore[misc]
    assert (low, high) == pytest.approx((0.875 - 1.959964 * 0.1482926, 1.0), abs=1e-5)


def test_delong_matches_the_published_formula_on_random_data() -> None:
    y, p = _data(5, rows=80)
    p = np.round(p, 1)  # many ties
    auc, variance = _delong_by_the_formula(y, p)
    aucs, covariance = intervals._covariance(y, [p])
    assert aucs[0] == pytest.approx(auc, abs=1e-12) == pytest.approx(roc_auc(y, p), abs=1e-12)
    assert covariance[0, 0] == pytest.approx(variance, rel=1e-10)


def test_delong_paired_test_by_the_formula() -> None:
    """The paired test's variance is var1 + var2 - 2 cov, cov from the two models' placements."""
    y, first = _data(6, rows=90)
    second = np.clip(first + np.random.default_rng(6).normal(0, 0.15, y.size), 0, 1)
    result = intervals.delong_test(y, first, second)
    positives, negatives = y, ~y
    placements = []
    for scores in (first, second):
        v10 = np.array([np.mean((x > scores[negatives]) + 0.5 * (x == scores[negatives])) for x in scores[positives]])
        v01 = np.array([np.mean((scores[positives] > v) + 0.5 * (scores[positives] == v)) for v in scores[negatives]])
        placements.append((v10, v01))
    (a10, a01), (b10, b01) = placements
    m, n = positives.sum(), negatives.sum()
    variance = (
        np.var(a10, ddof=1) / m + np.var(a01, ddof=1) / n + np.var(b10, ddof=1) / m + np.var(b01, ddof=1) / n
    ) - 2 * (np.cov(a10, b10)[0, 1] / m + np.cov(a01, b01)[0, 1] / n)
    difference = roc_auc(y, first) - roc_auc(y, second)
    assert result.difference == pytest.approx(difference, abs=1e-12)
    z = abs(difference) / math.sqrt(variance)
    assert result.p_value == pytest.approx(2 * (1 - NormalDist().cdf(z)), abs=1e-10)
    assert result.ci == pytest.approx(
        (difference - 1.959964 * math.sqrt(variance), difference + 1.959964 * math.sqrt(variance)), abs=1e-6
    )


def test_the_same_model_twice_is_no_difference_and_a_noisy_copy_is_worse_with_confidence() -> None:
    y, p = _data(7, rows=2000)
    same = intervals.delong_test(y, p, p)
    assert (same.difference, same.p_value) == (0.0, 1.0)
    noisy = np.clip(p + np.random.default_rng(7).normal(0, 0.3, y.size), 0, 1)
    worse = intervals.delong_test(y, noisy, p)
    assert worse.difference < 0
    assert worse.ci is not None
    assert worse.ci[1] < 0
    assert worse.p_value is not None
    assert worse.p_value < 0.001
    paired = intervals.paired_bootstrap(y, noisy, p, (0.5, 0.5), resamples=300)
    assert paired["roc_auc"].ci is not None
    assert paired["roc_auc"].ci[1] < 0
    assert paired["roc_auc"].p_value is not None
    assert paired["roc_auc"].p_value < 0.01
    # DeLong and the paired bootstrap agree on the ROC AUC difference's interval.
    assert paired["roc_auc"].ci == pytest.approx(worse.ci, abs=0.01)


def test_delong_agrees_with_the_bootstrap_on_our_test_set() -> None:
    test = load_bundle().card.section("test_predictions")
    y, p = np.asarray(test["label"], dtype=bool), np.asarray(test["probability"])
    bootstrap = intervals.bootstrap(y, p, 0.5).intervals()["roc_auc"]
    delong = intervals.delong_interval(y, p)
    assert bootstrap is not None
    assert delong is not None
    assert bootstrap == pytest.approx(delong, abs=0.005)
    assert delong[1] - delong[0] > 0.02  # a 1,409-row test set: a few points wide, as the issue measured


def test_slices_and_the_tpr_gap_get_intervals() -> None:
    y, p = _data(8, rows=600)
    group = np.random.default_rng(80).random(y.size) < 0.5  # another stream than the labels
    draws = intervals.bootstrap(y, p, 0.5, resamples=300, groups={"a": group, "b": ~group})
    found = draws.intervals()
    for name in ("slice:a:recall", "slice:b:recall", "slice:a:roc_auc", "tpr_gap"):
        low, high = found[name]  # type: ignore[misc]
        assert low <= draws.point[name] <= high, name
    assert draws.point["tpr_gap"] == pytest.approx(abs(draws.point["slice:a:recall"] - draws.point["slice:b:recall"]))


def test_an_undefined_metric_has_no_interval() -> None:
    y = np.zeros(50, dtype=bool)
    p = np.linspace(0, 1, 50)
    found = intervals.bootstrap(y, p, 0.5, resamples=100).intervals()
    assert found["roc_auc"] is None
    assert found["recall"] is None
    assert found["accuracy"] is not None
    assert intervals.delong_interval(y, p) is None


@pytest.mark.parametrize(("rows", "positives"), list(itertools.product([1, 2, 40], [0, 1, 2])))
def test_tiny_inputs_never_raise(rows: int, positives: int) -> None:
    y = np.arange(rows) < min(positives, rows)
    p = np.linspace(0.1, 0.9, rows)
    intervals.bootstrap(y, p, 0.5, resamples=20).intervals()
    intervals.delong_interval(y, p)
    intervals.delong_test(y, p, p[::-1].copy())


def test_large_files_resample_cells_and_agree_with_the_row_by_row_bootstrap() -> None:
    rng = np.random.default_rng(5)
    labels = rng.random(30_000) < 0.27
    scores = np.clip(labels * 0.25 + rng.random(30_000) * 0.75, 0, 1)
    binned = intervals.bootstrap(labels, scores, 0.4, resamples=400)
    exact = intervals.bootstrap(labels, scores, 0.4, resamples=400, exact=True)
    assert binned.point == exact.point  # the point values are always exact
    for name in intervals.METRICS:
        (low, high), (exact_low, exact_high) = binned.intervals()[name], exact.intervals()[name]
        width = exact_high - exact_low
        assert abs(low - exact_low) < 0.2 * width, name
        assert abs(high - exact_high) < 0.2 * width, name
