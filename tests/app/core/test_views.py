"""The quality views every front end draws: the test set's from the card, a labelled file's from its rows."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np
import pandas as pd

from app.core.bundle import load_bundle
from app.core.card import ModelCard
from app.core.metrics import roc_auc
from app.core.table import load_table
from app.core.views import card_quality, card_ranked, file_quality, file_ranked
from tests.app.inputs import LABELLED, SAMPLE, write_csv

BUNDLE = load_bundle()
CARD = BUNDLE.card


def _card(change: dict[str, object]) -> ModelCard:
    raw = copy.deepcopy(dict(CARD.raw))
    raw.update(change)
    return ModelCard.from_dict(raw)


def test_the_test_sets_view_is_the_cards() -> None:
    view = card_quality(CARD)
    assert view.fpr == CARD.raw["curves"]["roc"]["fpr"]
    assert view.tpr == CARD.raw["curves"]["roc"]["tpr"]
    assert view.auc == CARD.raw["metrics"]["test"]["roc_auc"]
    assert view.auc_ci == tuple(CARD.raw["metrics"]["test_ci"]["intervals"]["roc_auc"])  # stated, not recomputed
    assert view.band is not None
    assert len(view.band.low) == len(view.band.high) == len(view.band.fpr)
    assert all(low <= high for low, high in zip(view.band.low, view.band.high, strict=True))
    stored = CARD.raw["test_predictions"]
    assert view.ranked is not None
    assert view.ranked.positives == sum(stored["label"])
    assert view.ranked.confusion(CARD.threshold).rows == len(stored["label"])


def test_the_cards_ranked_scores_count_the_cards_confusion_matrix() -> None:
    ranked = card_ranked(CARD)
    assert ranked is not None
    confusion = ranked.confusion(CARD.raw["metrics"]["test"]["threshold"])
    stored = CARD.raw["metrics"]["test"]["confusion_matrix"]
    assert [confusion.tn, confusion.fp, confusion.fn, confusion.tp] == [
        stored["tn"],
        stored["fp"],
        stored["fn"],
        stored["tp"],
    ]


def test_a_card_without_a_stated_interval_gets_delongs() -> None:
    metrics = copy.deepcopy(CARD.raw["metrics"])
    metrics.pop("test_ci", None)
    view = card_quality(_card({"metrics": metrics}))
    assert view.auc_ci is not None
    low, high = view.auc_ci
    assert low < CARD.raw["metrics"]["test"]["roc_auc"] < high


def test_a_card_without_test_predictions_has_no_band_nor_ranking() -> None:
    card = _card({"test_predictions": {}})
    assert card_ranked(card) is None
    view = card_quality(card)
    assert view.band is None
    assert view.ranked is None
    assert view.auc_ci == tuple(CARD.raw["metrics"]["test_ci"]["intervals"]["roc_auc"])


def test_a_labelled_files_view_is_computed_from_its_rows() -> None:
    table = load_table(LABELLED, BUNDLE)
    view = file_quality(table)
    assert view is not None
    truth = pd.read_csv(LABELLED, dtype=str)["churn"].eq("Yes").to_numpy()
    assert view.auc == roc_auc(truth, table.probability)
    assert view.auc_ci is not None
    assert view.auc_ci[0] < view.auc < view.auc_ci[1]  # type: ignore[operator]
    assert view.fpr[0] == 0.0
    assert view.fpr[-1] == view.tpr[-1] == 1.0
    assert len(view.fpr) <= 401
    ranked = file_ranked(table)
    assert ranked is not None
    assert ranked.positives == int(truth.sum())
    assert ranked.confusion(0.0).rows == len(truth)


def test_a_file_without_labels_has_no_view() -> None:
    table = load_table(SAMPLE, BUNDLE)
    assert file_quality(table) is None
    assert file_ranked(table) is None


def test_a_file_of_one_class_has_a_view_without_an_auc(tmp_path: Path) -> None:
    frame = pd.read_csv(LABELLED, dtype=str, keep_default_na=False)
    one_class = write_csv(frame[frame["churn"] == "No"], tmp_path / "no_churn.csv")
    table = load_table(one_class, BUNDLE)
    view = file_quality(table)
    assert view is not None
    assert view.auc is not None
    assert math.isnan(view.auc)  # no positives: no ROC AUC, said as NaN
    ranked = file_ranked(table)
    assert ranked is not None
    assert ranked.positives == 0
    assert ranked.negatives == len(table)


def test_rows_without_a_usable_label_are_left_out(tmp_path: Path) -> None:
    frame = pd.read_csv(LABELLED, dtype=str, keep_default_na=False)
    frame.loc[:9, "churn"] = ""  # ten rows unlabelled
    table = load_table(write_csv(frame, tmp_path / "gaps.csv"), BUNDLE)
    ranked = file_ranked(table)
    assert ranked is not None
    assert ranked.positives + ranked.negatives == len(frame) - 10
    view = file_quality(table)
    assert view is not None
    labelled = frame["churn"].iloc[10:].eq("Yes").to_numpy()
    assert view.auc == roc_auc(labelled, table.probability[10:])
    assert np.isfinite(view.auc)  # type: ignore[arg-type]
