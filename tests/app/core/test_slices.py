"""Slice (fairness) metrics: the groups of a sensitive attribute, each group's rates, and the gaps between them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm

from app.core.card import SliceSpec
from app.core.slices import GAP_METRICS, MISSING_GROUP, all_slice_metrics, largest_gap, slice_groups, slice_metrics

AGE = SliceSpec("age", bins=(18.0, 30.0, 45.0, 60.0, 120.0), labels=("18-29", "30-44", "45-59", "60+"))


# slice_groups


def test_categorical_groups_are_the_stripped_values_with_blanks_missing() -> None:
    column = pd.Series([" F", "M ", "", "F", "   "], dtype=object)
    assert slice_groups(column, SliceSpec("gender")).tolist() == ["F", "M", MISSING_GROUP, "F", MISSING_GROUP]


def test_categorical_groups_of_a_float_column_lose_the_decimal_and_nan_is_missing() -> None:
    column = pd.Series([1.0, 0.0, np.nan, 1.0])
    assert slice_groups(column, SliceSpec("female")).tolist() == ["1", "0", MISSING_GROUP, "1"]


def test_binned_groups_are_half_open_bands() -> None:
    column = pd.Series(["18", "29.9", "30", "44", "45", "59.5", "60", "119"], dtype=object)
    assert slice_groups(column, AGE).tolist() == ["18-29", "18-29", "30-44", "30-44", "45-59", "45-59", "60+", "60+"]


@pytest.mark.parametrize("value", ["17", "-5", "", "abc", "inf", "nan"])
def test_binned_values_outside_the_bands_or_unreadable_are_missing(value: str) -> None:
    assert slice_groups(pd.Series([value], dtype=object), AGE).tolist() == [MISSING_GROUP]


def test_binned_groups_of_a_numeric_column() -> None:
    column = pd.Series([25, 50, np.nan, 10])
    assert slice_groups(column, AGE).tolist() == ["18-29", "45-59", MISSING_GROUP, MISSING_GROUP]


def test_groups_of_an_empty_column() -> None:
    assert slice_groups(pd.Series([], dtype=object), SliceSpec("gender")).tolist() == []
    assert slice_groups(pd.Series([], dtype=object), AGE).tolist() == []


# slice_metrics

# Two groups of four, hand-worked at threshold 0.5 (a score equal to it is predicted positive):
#   a: labels 1 1 0 0, scores .9 .4 .6 .1 -> predicted 1 0 1 0: tp 1, fn 1, fp 1, tn 1
#   b: labels 1 0 0 0, scores .8 .7 .2 .5 -> predicted 1 1 0 1: tp 1, fn 0, fp 2, tn 1
LABELS = np.array([1, 1, 0, 0, 1, 0, 0, 0])
SCORES = np.array([0.9, 0.4, 0.6, 0.1, 0.8, 0.7, 0.2, 0.5])
GROUPS = np.array(["a"] * 4 + ["b"] * 4, dtype=object)


def test_slice_metrics_on_a_hand_worked_example() -> None:
    result = slice_metrics(LABELS, SCORES, GROUPS, 0.5, min_group_rows=4)
    a, b = result["groups"]["a"], result["groups"]["b"]
    assert (a["rows"], a["positives"], b["rows"], b["positives"]) == (4, 2, 4, 1)
    assert [a[m] for m in GAP_METRICS] == [0.5, 0.5, 0.5, 0.5]
    assert b["tpr"] == 1.0
    assert b["fpr"] == pytest.approx(2 / 3)
    assert b["precision"] == pytest.approx(1 / 3)
    assert b["selection_rate"] == 0.75
    assert a["in_gaps"]
    assert b["in_gaps"]
    assert result["gaps"] == pytest.approx(
        {"tpr_gap": 0.5, "fpr_gap": 1 / 6, "precision_gap": 1 / 6, "selection_rate_gap": 0.25}
    )
    assert result["min_group_rows"] == 4


def test_groups_below_the_minimum_are_reported_but_left_out_of_the_gaps() -> None:
    result = slice_metrics(LABELS, SCORES, GROUPS, 0.5, min_group_rows=5)
    assert result["groups"]["a"]["rows"] == 4
    assert not result["groups"]["a"]["in_gaps"]
    assert not result["groups"]["b"]["in_gaps"]
    assert result["gaps"] == dict.fromkeys(("tpr_gap", "fpr_gap", "precision_gap", "selection_rate_gap"))


def test_the_missing_group_is_never_in_the_gaps() -> None:
    groups = np.array(["a"] * 4 + [MISSING_GROUP] * 4, dtype=object)
    result = slice_metrics(LABELS, SCORES, groups, 0.5, min_group_rows=1)
    assert result["groups"][MISSING_GROUP]["rows"] == 4
    assert not result["groups"][MISSING_GROUP]["in_gaps"]
    assert result["groups"]["a"]["in_gaps"]
    assert all(gap is None for gap in result["gaps"].values())  # one group left: no gap


def test_a_group_without_positives_has_no_tpr_and_is_left_out_of_that_gap_only() -> None:
    labels = np.array([1, 0, 1, 0, 0, 0])
    scores = np.array([0.9, 0.1, 0.2, 0.8, 0.1, 0.2])
    groups = np.array(["x", "x", "x", "y", "y", "y"], dtype=object)
    result = slice_metrics(labels, scores, groups, 0.5, min_group_rows=1)
    y = result["groups"]["y"]
    assert y["positives"] == 0
    assert y["tpr"] is None
    assert y["precision"] == 0.0  # one predicted positive, and it is wrong
    assert y["fpr"] == pytest.approx(1 / 3)
    gaps = result["gaps"]
    assert gaps["tpr_gap"] is None  # only x has a TPR
    assert gaps["fpr_gap"] == pytest.approx(1 / 3)  # x: 0 of 1 negatives flagged
    assert gaps["selection_rate_gap"] == 0.0  # 1 of 3 in each


def test_a_group_with_no_predicted_positives_has_no_precision() -> None:
    result = slice_metrics(np.array([1, 0]), np.array([0.1, 0.2]), np.array(["g", "g"], dtype=object), 0.5, 1)
    group = result["groups"]["g"]
    assert group["precision"] is None
    assert group["tpr"] == 0.0
    assert group["selection_rate"] == 0.0


def test_groups_are_sorted_by_name() -> None:
    groups = np.array(["b", "c", "a", "b"], dtype=object)
    result = slice_metrics(np.array([1, 0, 1, 0]), np.array([0.6, 0.2, 0.7, 0.1]), groups, 0.5, 1)
    assert list(result["groups"]) == ["a", "b", "c"]


def test_slice_metrics_on_empty_input() -> None:
    result = slice_metrics(np.array([], dtype=int), np.array([]), np.array([], dtype=object), 0.5)
    assert result["groups"] == {}
    assert result["gaps"] == {f"{m}_gap": None for m in GAP_METRICS}


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.7])
def test_slice_metrics_match_scikit_learn(threshold: float) -> None:
    rng = np.random.default_rng(7)
    n = 600
    y = rng.integers(0, 2, n)
    p = np.round(np.clip(rng.normal(0.35 + 0.3 * y, 0.2), 0, 1), 2)
    groups = rng.choice(np.array(["north", "south", "east"], dtype=object), n)
    result = slice_metrics(y, p, groups, threshold)
    rates = {}
    for name in ("east", "north", "south"):
        mask = groups == name
        predicted = (p[mask] >= threshold).astype(int)
        tn, fp, fn, tp = skm.confusion_matrix(y[mask], predicted, labels=[0, 1]).ravel()
        rates[name] = {
            "tpr": skm.recall_score(y[mask], predicted),
            "fpr": fp / (fp + tn),
            "precision": skm.precision_score(y[mask], predicted, zero_division=np.nan),
            "selection_rate": predicted.mean(),
        }
        group = result["groups"][name]
        assert group["rows"] == mask.sum()
        assert group["positives"] == y[mask].sum()
        for metric, value in rates[name].items():
            assert group[metric] == pytest.approx(value), (name, metric)
    for metric in GAP_METRICS:
        values = [r[metric] for r in rates.values()]
        assert result["gaps"][f"{metric}_gap"] == pytest.approx(max(values) - min(values))


def test_groups_that_are_not_strings_still_select_their_rows() -> None:
    result = slice_metrics(np.array([1, 0, 1, 0]), np.array([0.9, 0.1, 0.8, 0.2]), np.array([0, 0, 1, 1]), 0.5, 1)
    assert result["groups"]["0"]["rows"] == 2
    assert result["groups"]["1"]["rows"] == 2


# all_slice_metrics and largest_gap


def test_all_slice_metrics_covers_each_attribute_present_under_its_name() -> None:
    frame = pd.DataFrame(
        {
            "female": ["1", "1", "0", "0", "1", "0"],
            "age": ["25", "35", "25", "35", "70", ""],
        }
    )
    labels = np.array([1, 0, 1, 0, 1, 0])
    scores = np.array([0.9, 0.6, 0.3, 0.1, 0.8, 0.2])
    specs = [SliceSpec("female"), AGE, SliceSpec("not_in_file")]
    result = all_slice_metrics(frame, labels, scores, specs, 0.5, min_group_rows=1)
    assert set(result) == {"female", "age bands"}
    assert result["female"]["column"] == "female"
    assert result["age bands"]["column"] == "age"
    female = result["female"]["groups"]
    # women: labels 1 0 1, scores .9 .6 .8 -> tp 2, fp 1; men: labels 1 0 0, scores .3 .1 .2 -> fn 1, tn 2
    assert (female["1"]["tpr"], female["1"]["fpr"]) == (1.0, 1.0)
    assert (female["0"]["tpr"], female["0"]["fpr"]) == (0.0, 0.0)
    assert result["female"]["gaps"]["tpr_gap"] == 1.0
    bands = result["age bands"]["groups"]
    assert {name: g["rows"] for name, g in bands.items()} == {"18-29": 2, "30-44": 2, "60+": 1, MISSING_GROUP: 1}
    assert result["age bands"]["min_group_rows"] == 1


def test_all_slice_metrics_without_attributes_is_empty() -> None:
    frame = pd.DataFrame({"other": ["x"]})
    assert all_slice_metrics(frame, np.array([1]), np.array([0.5]), [SliceSpec("female")], 0.5) == {}
    assert all_slice_metrics(frame, np.array([1]), np.array([0.5]), [], 0.5) == {}


def test_largest_gap_is_the_widest_defined_gap_across_attributes() -> None:
    slices = {
        "female": {"gaps": {"tpr_gap": 0.12, "fpr_gap": 0.30}},
        "senior": {"gaps": {"tpr_gap": 0.25, "fpr_gap": None}},
        "region": {"gaps": {"tpr_gap": None, "fpr_gap": 0.05}},
    }
    assert largest_gap(slices) == 0.25
    assert largest_gap(slices, "fpr") == 0.30
    assert largest_gap(slices, "precision") is None  # no attribute has that gap


def test_largest_gap_with_nothing_defined_is_none() -> None:
    assert largest_gap({}) is None
    assert largest_gap({"female": {"gaps": {"tpr_gap": None}}}) is None


def test_largest_gap_with_a_tie_and_a_zero_gap() -> None:
    assert largest_gap({"a": {"gaps": {"tpr_gap": 0.0}}}) == 0.0
    assert largest_gap({"a": {"gaps": {"tpr_gap": 0.2}}, "b": {"gaps": {"tpr_gap": 0.2}}}) == 0.2
