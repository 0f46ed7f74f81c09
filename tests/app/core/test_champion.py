"""A challenger against the champion: the cards' metric deltas, flipped decisions, and both models on a file."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app.core import i18n
from app.core.bundle import load_bundle
from app.core.card import ModelCard
from app.core.champion import COMPARED_METRICS, compare_cards, compare_on_file, comparison_lines
from app.core.metrics import roc_auc
from app.core.table import load_table
from tests.app.faulty_models import scaled_bundle
from tests.app.inputs import LABELLED, SAMPLE, write_csv

BUNDLE = load_bundle()
CARD = BUNDLE.card


def _card(version: str = "1.0.1", threshold: float | None = None, **sections: object) -> ModelCard:
    raw = copy.deepcopy(dict(CARD.raw))
    raw["model"]["version"] = version
    if threshold is not None:
        raw["threshold"]["value"] = threshold
    raw.update(sections)
    return ModelCard.from_dict(raw)


def test_a_model_against_itself_changes_nothing() -> None:
    result = compare_cards(CARD, CARD)
    assert set(result["metrics"]) == set(COMPARED_METRICS)
    assert all(values["delta"] == 0 for values in result["metrics"].values())
    assert result["flip_share"] == 0.0
    assert result["rows"] == len(CARD.raw["test_predictions"]["label"])
    assert result["reason"] == ""


def test_deltas_are_the_challenger_less_the_champion() -> None:
    metrics = copy.deepcopy(CARD.raw["metrics"])
    metrics["test"]["roc_auc"] += 0.01
    metrics["test"]["brier"] = "n/a"  # not a number: left out, not a crash
    result = compare_cards(CARD, _card(metrics=metrics))
    assert result["metrics"]["roc_auc"]["delta"] == pytest.approx(0.01)
    assert result["metrics"]["roc_auc"]["champion"] == CARD.raw["metrics"]["test"]["roc_auc"]
    assert "brier" not in result["metrics"]


def test_flips_count_rows_on_either_side_of_each_models_threshold() -> None:
    probabilities = np.asarray(CARD.raw["test_predictions"]["probability"])
    higher = 0.5
    result = compare_cards(CARD, _card(threshold=higher))
    expected = ((probabilities >= CARD.threshold) != (probabilities >= higher)).mean()
    assert result["flip_share"] == pytest.approx(expected)
    assert 0 < result["flip_share"] < 1


def test_different_test_sets_give_no_flip_share_and_say_why() -> None:
    stored = copy.deepcopy(CARD.raw["test_predictions"])
    stored["label"] = stored["label"][:-1]
    stored["probability"] = stored["probability"][:-1]
    result = compare_cards(CARD, _card(test_predictions=stored))
    assert result["flip_share"] is None
    assert result["rows"] is None
    assert "test sets differ" in result["reason"]
    assert compare_cards(CARD, _card(test_predictions={}))["flip_share"] is None  # none stored at all


def test_comparison_lines_in_english_and_spanish() -> None:
    lines = comparison_lines(CARD, _card(threshold=0.5))
    assert lines[0] == f"challenger 1.0.1 against the active {CARD.version}, on the cards' test sets:"
    assert lines[1].split()[:2] == ["roc_auc", f"{CARD.raw['metrics']['test']['roc_auc']:.4f}"]
    assert lines[1].endswith("(+0.0000)")
    assert lines[-1].startswith("  decisions that flip at each model's threshold: ")
    i18n.set_language("es")
    spanish = comparison_lines(CARD, _card(test_predictions={}))
    assert spanish[0].startswith("aspirante 1.0.1 frente al activo")
    assert spanish[-1].startswith("  decisiones: ")
    assert "," in spanish[1]  # the decimal comma


def test_both_models_on_a_labelled_file(tmp_path: Path) -> None:
    table = load_table(LABELLED, BUNDLE)
    same = compare_on_file(table, BUNDLE, BUNDLE)
    assert same is not None
    assert same["rows"] == len(table)
    assert same["flip_share"] == 0.0
    assert same["roc_auc"]["champion"] == same["roc_auc"]["challenger"]
    halved = load_bundle(scaled_bundle(tmp_path / "halved", 0.5))
    other = compare_on_file(table, BUNDLE, halved)
    assert other is not None
    assert other["roc_auc"]["challenger"] == pytest.approx(other["roc_auc"]["champion"], abs=1e-6)  # same ranking
    expected = ((table.probability >= CARD.threshold) != (table.probability * 0.5 >= CARD.threshold)).mean()
    assert other["flip_share"] == pytest.approx(expected, abs=1e-3)
    labels = pd.read_csv(LABELLED, dtype=str)["churn"].eq("Yes").to_numpy()
    assert other["roc_auc"]["champion"] == roc_auc(labels, table.probability)


def test_no_file_comparison_without_labels_or_with_one_class(tmp_path: Path) -> None:
    assert compare_on_file(None, BUNDLE, BUNDLE) is None
    assert compare_on_file(load_table(SAMPLE, BUNDLE), BUNDLE, BUNDLE) is None
    frame = pd.read_csv(LABELLED, dtype=str, keep_default_na=False)
    one_class = write_csv(frame[frame["churn"] == "Yes"], tmp_path / "churned.csv")
    assert compare_on_file(load_table(one_class, BUNDLE), BUNDLE, BUNDLE) is None
