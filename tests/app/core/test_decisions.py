"""Decision curves and confusion cells: the value of acting at each threshold, and the rows behind each cell."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from app.core.decisions import DecisionCurve, confusion_mask, expected_curve, realised_curve, usable_rows
from app.core.metrics import RankedScores

COST, VALUE = 60.0, 300.0


def _data(seed: int, n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    p = np.round(np.clip(rng.normal(0.3 + 0.4 * y, 0.2), 0, 1), 2)  # rounded: many ties on the grid
    return y, p


# DecisionCurve


def test_best_threshold_is_the_highest_value() -> None:
    curve = DecisionCurve(np.array([0.1, 0.2, 0.3]), np.array([5.0, 9.0, 1.0]), np.array([3, 2, 1]))
    assert curve.best_threshold == 0.2


def test_best_threshold_on_a_tie_is_the_lowest() -> None:
    curve = DecisionCurve(np.array([0.1, 0.2, 0.3, 0.4]), np.array([1.0, 7.0, 7.0, 7.0]), np.array([4, 3, 2, 1]))
    assert curve.best_threshold == 0.2
    flat = DecisionCurve(np.array([0.1, 0.2]), np.zeros(2), np.zeros(2, dtype=int))
    assert flat.best_threshold == 0.1


def test_at_returns_value_and_rows_at_the_nearest_grid_point() -> None:
    curve = DecisionCurve(np.array([0.1, 0.2, 0.3]), np.array([5.0, 9.0, 1.0]), np.array([30, 20, 10]))
    assert curve.at(0.2) == (9.0, 20)
    assert curve.at(0.26) == (1.0, 10)
    assert curve.at(0.0) == (5.0, 30)  # below the grid: its first point
    assert curve.at(0.99) == (1.0, 10)  # above it: its last
    value, acted = curve.at(0.14)
    assert (value, acted) == (5.0, 30)
    assert isinstance(value, float)
    assert isinstance(acted, int)


# realised_curve


def test_realised_curve_on_a_hand_worked_example() -> None:
    y = np.array([1, 0, 1, 0, 1])
    p = np.array([0.9, 0.8, 0.6, 0.3, 0.1])
    grid = np.array([0.05, 0.3, 0.7, 0.95])
    curve = realised_curve(RankedScores(y, p), cost=10.0, value=50.0, grid=grid)
    # t=0.05: all 5 acted, 3 TP -> 150 - 50; t=0.3: 4 acted (0.3 is acted on, >=), 2 TP -> 100 - 40;
    # t=0.7: 2 acted, 1 TP -> 50 - 20; t=0.95: none.
    np.testing.assert_array_equal(curve.acted, [5, 4, 2, 0])
    np.testing.assert_allclose(curve.values, [100.0, 60.0, 30.0, 0.0])
    np.testing.assert_array_equal(curve.thresholds, grid)
    assert curve.best_threshold == 0.05


@pytest.mark.parametrize("seed", [0, 1])
def test_realised_curve_matches_scikit_learn_confusion_on_the_default_grid(seed: int) -> None:
    y, p = _data(seed)
    curve = realised_curve(RankedScores(y, p), COST, VALUE)
    expected_grid = np.arange(1, 100) / 100
    np.testing.assert_allclose(curve.thresholds, expected_grid)
    for index, t in enumerate(expected_grid):
        predicted = (p >= t).astype(int)
        tn, fp, fn, tp = skm.confusion_matrix(y, predicted, labels=[0, 1]).ravel()
        assert curve.acted[index] == tp + fp
        assert curve.values[index] == pytest.approx(VALUE * tp - COST * (tp + fp))


def test_realised_curve_with_no_rows_is_zero_everywhere() -> None:
    curve = realised_curve(RankedScores(np.array([], dtype=int), np.array([])), COST, VALUE)
    assert curve.values.shape == (99,)
    assert not curve.values.any()
    assert not curve.acted.any()


def test_realised_curve_with_only_negatives_loses_the_cost_of_every_action() -> None:
    p = np.array([0.2, 0.5, 0.8])
    curve = realised_curve(RankedScores(np.zeros(3, dtype=int), p), 10.0, 100.0, grid=np.array([0.1, 0.5, 0.9]))
    np.testing.assert_allclose(curve.values, [-30.0, -20.0, 0.0])
    assert curve.best_threshold == 0.9


# expected_curve


def test_expected_curve_on_a_hand_worked_example() -> None:
    p = np.array([0.9, 0.5, 0.2, np.nan])
    curve = expected_curve(p, cost=10.0, value=100.0, grid=np.array([0.1, 0.5, 0.95]))
    # t=0.1: 3 rows, 100 * 1.6 - 30 = 130; t=0.5: 2 rows (0.5 included), 100 * 1.4 - 20 = 120; t=0.95: none
    np.testing.assert_array_equal(curve.acted, [3, 2, 0])
    np.testing.assert_allclose(curve.values, [130.0, 120.0, 0.0])
    assert curve.best_threshold == 0.1


@pytest.mark.parametrize("seed", [0, 3])
def test_expected_curve_is_the_sum_of_p_times_value_minus_cost_over_acted_rows(seed: int) -> None:
    _, p = _data(seed)
    p[::17] = np.nan
    curve = expected_curve(p, COST, VALUE)
    scored = p[~np.isnan(p)]
    for index, t in enumerate(curve.thresholds):
        acted = scored[scored >= t]
        assert curve.acted[index] == acted.size
        assert curve.values[index] == pytest.approx(np.sum(acted * VALUE - COST), abs=1e-9)


@pytest.mark.parametrize("probability", [np.array([]), np.full(5, np.nan)])
def test_expected_curve_without_scores_is_zero(probability: np.ndarray) -> None:
    curve = expected_curve(probability, COST, VALUE)
    assert curve.values.shape == (99,)
    assert not curve.values.any()
    assert not curve.acted.any()


def test_expected_curve_with_all_scores_tied() -> None:
    curve = expected_curve(np.full(4, 0.5), 10.0, 100.0, grid=np.array([0.49, 0.5, 0.51]))
    np.testing.assert_array_equal(curve.acted, [4, 4, 0])
    np.testing.assert_allclose(curve.values, [160.0, 160.0, 0.0])


# usable_rows and confusion_mask


def test_usable_rows_need_a_score_and_a_label() -> None:
    labels = np.array([1, 0, -1, -2, 1], dtype=np.int8)  # -1 missing, -2 unrecognised
    p = np.array([0.1, np.nan, 0.3, 0.4, 0.9])
    assert usable_rows(labels, p).tolist() == [True, False, False, False, True]


def test_usable_rows_without_labels_is_none() -> None:
    mask = usable_rows(None, np.array([0.1, 0.2]))
    assert mask.dtype == bool
    assert mask.tolist() == [False, False]
    assert usable_rows(None, np.array([])).shape == (0,)


def test_confusion_mask_on_a_hand_worked_example() -> None:
    labels = np.array([1, 1, 0, 0, 1, 0, -1], dtype=np.int8)
    p = np.array([0.7, 0.2, 0.5, 0.1, np.nan, 0.9, 0.8])
    cells = {cell: confusion_mask(labels, p, 0.5, cell).tolist() for cell in ("tp", "fp", "tn", "fn")}
    assert cells == {
        "tp": [True, False, False, False, False, False, False],
        "fp": [False, False, True, False, False, True, False],  # 0.5 at the threshold counts as predicted
        "tn": [False, False, False, True, False, False, False],
        "fn": [False, True, False, False, False, False, False],
    }  # the unscored row and the unlabelled one are in no cell


def test_confusion_cells_partition_usable_rows_and_match_scikit_learn() -> None:
    y, p = _data(5)
    labels = y.astype(np.int8)
    labels[::11] = -1
    p[::13] = np.nan
    usable = usable_rows(labels, p)
    masks = {cell: confusion_mask(labels, p, 0.4, cell) for cell in ("tp", "fp", "tn", "fn")}
    stacked = np.vstack(list(masks.values())).astype(int)
    assert (stacked.sum(axis=0) == usable.astype(int)).all()  # every usable row in exactly one cell
    predicted = (p[usable] >= 0.4).astype(int)
    tn, fp, fn, tp = skm.confusion_matrix(labels[usable], predicted, labels=[0, 1]).ravel()
    assert {cell: int(mask.sum()) for cell, mask in masks.items()} == {"tp": tp, "fp": fp, "tn": tn, "fn": fn}


def test_confusion_mask_with_a_single_class() -> None:
    labels = np.zeros(3, dtype=np.int8)
    p = np.array([0.1, 0.6, 0.9])
    assert not confusion_mask(labels, p, 0.5, "tp").any()
    assert not confusion_mask(labels, p, 0.5, "fn").any()
    assert confusion_mask(labels, p, 0.5, "fp").tolist() == [False, True, True]
    assert confusion_mask(labels, p, 0.5, "tn").tolist() == [True, False, False]


def test_confusion_mask_on_empty_input() -> None:
    mask = confusion_mask(np.array([], dtype=np.int8), np.array([]), 0.5, "tp")
    assert mask.shape == (0,)


def test_confusion_mask_refuses_an_unknown_cell() -> None:
    with pytest.raises(KeyError):
        confusion_mask(np.array([1]), np.array([0.5]), 0.5, "tpr")


@pytest.mark.parametrize(
    ("probability", "threshold", "digits"),
    [(0.189977, 0.19, 5), (0.19, 0.19, 3), (0.5, 0.19, 3), (0.1895, 0.19, 4), (0.18999999, 0.19, 8), (0.0, 0.01, 3)],
)
def test_a_probability_is_shown_with_the_digits_that_keep_its_decision(probability, threshold, digits) -> None:
    from app.core.decisions import decision_digits, predicted

    assert decision_digits(probability, threshold) == digits
    shown = float(f"{probability:.{digits}f}")
    assert predicted(shown, threshold) == predicted(probability, threshold)
