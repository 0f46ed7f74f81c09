"""Fairness views: the slices of a card's test set and of an open labelled file at a threshold, and the gate."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from app.core.card import ModelCard
from app.core.decisions import usable_rows
from app.core.intervals import CI_LEVEL
from app.core.slices import all_slice_metrics, slice_metrics
from app.core.table import ScoredTable
from app.core.threshold_intervals import confusion_intervals

__all__ = [
    "FileGroups",
    "card_slices",
    "file_groups",
    "file_slices",
    "min_group_rows",
    "tpr_gap_bound",
    "with_intervals",
]


@dataclass(frozen=True)
class FileGroups:
    """A labelled file's usable rows: their sensitive columns, labels and probabilities (kept across thresholds)."""

    frame: pd.DataFrame
    labels: np.ndarray
    probability: np.ndarray


def tpr_gap_bound(card_gates: Iterable[Mapping[str, Any]]) -> float | None:
    """The card's gate on the largest TPR gap, if it has one."""
    return next((g["max"] for g in card_gates if g["metric"] == "test.max_tpr_gap" and g.get("max") is not None), None)


def min_group_rows(card: ModelCard) -> int:
    """Groups smaller than this are shown but left out of the gaps (the card's fairness section, else 30)."""
    return int(card.section("fairness").get("min_group_rows", 30))


def card_slices(card: ModelCard, threshold: float) -> dict[str, Any]:
    """Slices of the card's test set at ``threshold`` (the stored ones when the card has no row groups)."""
    stored = card.raw.get("test_predictions", {})
    if not stored.get("groups"):
        return dict(card.section("slices"))
    labels, scores = np.asarray(stored["label"]), np.asarray(stored["probability"])
    return {
        name: slice_metrics(labels, scores, np.asarray(groups, dtype=object), threshold, min_group_rows(card))
        for name, groups in stored["groups"].items()
    }


def file_groups(table: ScoredTable, card: ModelCard) -> FileGroups:
    """The rows of a labelled file that count for fairness: labelled and scored."""
    if table.labels is None:
        raise ValueError(f"{table.path}: the file has no labels, so it has no fairness slices")
    usable = np.flatnonzero(usable_rows(table.labels, table.probability))
    mapping = table.report.mapping.source_for
    # A sensitive feature is grouped by the value the model saw (after the mapping: 'Female' -> 1), as the card's
    # test set is; any other sensitive column by its text as read.
    features = [s.column for s in card.sensitive if s.column in card.feature_names]
    prepared = table.prepared(usable, card) if features else pd.DataFrame()
    frame = pd.DataFrame(
        {
            s.column: prepared[s.column].to_numpy()
            if s.column in features
            else table.text[mapping[s.column]].take(usable)
            for s in card.sensitive
            if s.column in mapping
        }
    )
    return FileGroups(frame, table.labels[usable], table.probability[usable])


def file_slices(groups: FileGroups, card: ModelCard, threshold: float) -> dict[str, Any]:
    """Slices of a labelled file (its ``file_groups``) at ``threshold``."""
    return all_slice_metrics(
        groups.frame, groups.labels, groups.probability, card.sensitive, threshold, min_group_rows(card)
    )


def with_intervals(slices: Mapping[str, Any], level: float = CI_LEVEL) -> dict[str, Any]:
    """The slices with each group's ``ci``: the stratified bootstrap's interval of TPR, FPR, precision and
    selection rate, drawn from the group's own counts (see app.core.threshold_intervals)."""
    result: dict[str, Any] = {}
    for attribute, found in slices.items():
        groups = {}
        for group, values in found["groups"].items():
            positives = int(values["positives"])
            negatives = int(values["rows"]) - positives
            tp = round((values["tpr"] or 0.0) * positives)
            fp = round((values["fpr"] or 0.0) * negatives)
            drawn = confusion_intervals(positives, negatives, tp, fp, level=level)
            groups[group] = values | {
                "ci": {
                    "tpr": drawn["recall"],
                    "fpr": drawn["fpr"],
                    "precision": drawn["precision"],
                    "selection_rate": drawn["selection_rate"],
                }
            }
        result[attribute] = dict(found) | {"groups": groups}
    return result
