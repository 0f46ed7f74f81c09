"""Fairness views of the card's test set and of an open labelled file (the core behind the Fairness panel)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app.core.bundle import load_bundle
from app.core.fairness import card_slices, file_groups, file_slices, min_group_rows, tpr_gap_bound
from app.core.table import load_table
from tests.app.inputs import LABELLED


@pytest.fixture(scope="module")
def bundle():
    return load_bundle()


def test_the_tpr_gap_gate_is_found_among_the_gates() -> None:
    gates = [{"metric": "test.roc_auc", "min": 0.8}, {"metric": "test.max_tpr_gap", "max": 0.15}]
    assert tpr_gap_bound(gates) == 0.15
    assert tpr_gap_bound([{"metric": "test.roc_auc", "min": 0.8}]) is None
    assert tpr_gap_bound([{"metric": "test.max_tpr_gap", "max": None}]) is None
    assert tpr_gap_bound([]) is None


def test_card_slices_cover_every_test_row_and_move_with_the_threshold(bundle) -> None:
    stored = bundle.card.raw["test_predictions"]
    labels, scores = np.asarray(stored["label"]), np.asarray(stored["probability"])
    at_card = card_slices(bundle.card, bundle.card.threshold)
    assert set(at_card) == set(stored["groups"])
    for name, groups in stored["groups"].items():
        assert sum(g["rows"] for g in at_card[name]["groups"].values()) == len(labels)
        for group, values in at_card[name]["groups"].items():  # recomputed here by hand, per group
            rows = np.asarray(groups, dtype=object) == group
            flagged = scores[rows] >= bundle.card.threshold
            positives = labels[rows] == 1
            expected = flagged[positives].mean() if positives.any() else None
            assert values["tpr"] == pytest.approx(expected)
    strict = card_slices(bundle.card, 0.9)
    first = next(iter(strict))
    assert strict[first]["groups"] != at_card[first]["groups"]


def test_file_slices_use_only_labelled_scored_rows(bundle) -> None:
    table = load_table(LABELLED, bundle)
    groups = file_groups(table, bundle.card)
    labelled = pd.read_csv(LABELLED, dtype=str)
    assert len(groups.labels) == len(groups.probability) == len(groups.frame) <= len(labelled)
    assert not np.isnan(groups.probability).any()
    result = file_slices(groups, bundle.card, bundle.card.threshold)
    assert set(result) == {s.name for s in bundle.card.sensitive if s.column in labelled.columns}
    for attribute in result.values():
        assert sum(g["rows"] for g in attribute["groups"].values()) == len(groups.labels)
        assert attribute["min_group_rows"] == min_group_rows(bundle.card)
