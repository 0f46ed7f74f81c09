"""Explanations: each feature's reference value, and the push each feature gave a row's probability.

With the tiny model of test_predictor (``p = 0.1 * x + {"a": 0.2, "b": 0.5}.get(c, 0)``) effects are known
exactly: swapping ``x`` for its reference ``r`` changes p by ``0.1 * (x - r)``, swapping ``c`` by the
difference of the two category terms.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from app.core.bundle import load_bundle
from app.core.card import ModelCard
from app.core.explain import Contribution, explain_prepared, explain_rows, reference_values
from app.core.predictor import OnnxPredictor
from app.core.prepare import prepare_features
from tests.app.core.test_predictor import CATEGORY_TERM, FEATURES, tiny_model
from tests.app.inputs import SAMPLE

REFERENCES = {"x": 1.0, "c": "a"}


@pytest.fixture(scope="module")
def predictor() -> OnnxPredictor:
    return OnnxPredictor(tiny_model(), FEATURES)


def _card(features: list[dict[str, Any]]) -> ModelCard:
    return ModelCard.from_dict(
        {
            "schema_version": 1,
            "model": {"name": "m", "version": "1", "onnx_sha256": "0" * 64},
            "target": {"column": "y", "positive_label": "1", "negative_label": "0"},
            "threshold": {"value": 0.5},
            "features": features,
        }
    )


def _frame(x: list[float], c: list[str], index: list[int] | None = None) -> pd.DataFrame:
    return pd.DataFrame({"x": np.array(x, dtype=np.float32), "c": np.array(c, dtype=object)}, index=index)


# reference_values


def test_reference_values_per_kind() -> None:
    card = _card(
        [
            {"name": "median", "kind": "numeric", "stats": {"mean": 9.0, "quantiles": {"p25": 1.0, "p50": 4.0}}},
            {"name": "mean_only", "kind": "numeric", "stats": {"mean": 2.5}},
            {"name": "no_stats", "kind": "numeric"},
            {"name": "flag", "kind": "binary", "stats": {"mean": 0.7, "quantiles": {"p50": 1.0}}},
            {
                "name": "shared",
                "kind": "categorical",
                "categories": ["x", "y", "z"],
                "category_shares": {"x": 0.2, "y": 0.5, "z": 0.3},
            },
            {"name": "unshared", "kind": "categorical", "categories": ["p", "q"]},
            {"name": "empty", "kind": "categorical"},
        ]
    )
    assert reference_values(card) == {
        "median": 4.0,
        "mean_only": 2.5,
        "no_stats": 0.0,
        "flag": 1.0,
        "shared": "y",
        "unshared": "p",
        "empty": "",
    }


def test_reference_numbers_are_floats() -> None:
    card = _card([{"name": "n", "kind": "numeric", "stats": {"quantiles": {"p50": 3}}}])
    value = reference_values(card)["n"]
    assert value == 3.0
    assert type(value) is float


def test_a_tie_in_category_shares_picks_the_first_listed() -> None:
    card = _card(
        [{"name": "c", "kind": "categorical", "categories": ["m", "n"], "category_shares": {"n": 0.5, "m": 0.5}}]
    )
    assert reference_values(card) == {"c": "n"}


def test_reference_values_of_the_shipped_card() -> None:
    references = reference_values(load_bundle().card)
    # the medians and most frequent categories as model_card.json records them
    assert references["tenure"] == 30.0
    assert references["monthly_charges"] == 70.2
    assert references["total_charges"] == 1405.325
    assert references["contract"] == "Month-to-month"
    assert references["internet_service"] == "Fiber optic"
    assert references["payment_method"] == "Electronic check"
    assert references["female"] == 0.0
    assert references["phone_service"] == 1.0
    assert len(references) == 19


# explain_prepared


def test_effects_are_probability_minus_probability_at_the_reference(predictor: OnnxPredictor) -> None:
    effects = explain_prepared(predictor, _frame([3.0, 1.0, 0.0], ["b", "a", "zz"]), REFERENCES)
    assert effects.shape == (3, 2)
    expected = np.array(
        [
            [0.1 * (3 - 1), CATEGORY_TERM["b"] - CATEGORY_TERM["a"]],
            [0.0, 0.0],  # the row is the reference: nothing pushed it
            [0.1 * (0 - 1), 0.0 - CATEGORY_TERM["a"]],  # an unseen category has no term
        ]
    )
    np.testing.assert_allclose(effects, expected, atol=1e-6)


def test_each_row_keeps_its_own_effects_in_a_larger_batch(predictor: OnnxPredictor) -> None:
    x = np.arange(12, dtype=np.float32)
    c = ["a", "b", "q"] * 4
    effects = explain_prepared(predictor, _frame(list(x), c), REFERENCES)
    np.testing.assert_allclose(effects[:, 0], 0.1 * (x - 1), atol=1e-6)
    np.testing.assert_allclose(effects[:, 1], [CATEGORY_TERM.get(v, 0.0) - 0.2 for v in c], atol=1e-6)


def test_effects_on_no_rows(predictor: OnnxPredictor) -> None:
    effects = explain_prepared(predictor, _frame([], []), REFERENCES)
    assert effects.shape == (0, 2)


def test_effects_do_not_depend_on_the_frames_index(predictor: OnnxPredictor) -> None:
    effects = explain_prepared(predictor, _frame([3.0, 0.0], ["b", "a"], index=[41, 7]), REFERENCES)
    np.testing.assert_allclose(effects, [[0.2, 0.3], [-0.1, 0.0]], atol=1e-6)


def test_effects_with_a_repeated_index_label(predictor: OnnxPredictor) -> None:
    effects = explain_prepared(predictor, _frame([3.0, 0.0], ["b", "a"], index=[5, 5]), REFERENCES)
    np.testing.assert_allclose(effects, [[0.2, 0.3], [-0.1, 0.0]], atol=1e-6)


def test_the_prepared_frame_is_left_as_it_was(predictor: OnnxPredictor) -> None:
    frame = _frame([3.0, 0.0], ["b", "q"])
    before = frame.copy()
    explain_prepared(predictor, frame, REFERENCES)
    pd.testing.assert_frame_equal(frame, before)


def test_a_missing_number_leaves_effects_undefined(predictor: OnnxPredictor) -> None:
    effects = explain_prepared(predictor, _frame([np.nan], ["b"]), REFERENCES)
    assert np.isnan(effects).all()  # the row itself has no probability


# explain_rows


def test_contributions_are_sorted_by_absolute_effect(predictor: OnnxPredictor) -> None:
    (first, second) = explain_rows(predictor, _frame([3.0, -4.0], ["b", "b"]), REFERENCES)
    # row 1: x pushes +0.2, c +0.3; row 2: x pushes -0.5, c +0.3
    assert [c.feature for c in first] == ["c", "x"]
    assert [c.feature for c in second] == ["x", "c"]
    assert second[0].effect == pytest.approx(-0.5, abs=1e-6)
    assert second[0] == Contribution("x", -4.0, 1.0, second[0].effect)
    assert first[0] == Contribution("c", "b", "a", first[0].effect)


def test_equal_effects_keep_the_feature_order(predictor: OnnxPredictor) -> None:
    (row,) = explain_rows(predictor, _frame([1.0], ["a"]), REFERENCES)
    assert [c.feature for c in row] == ["x", "c"]
    assert [c.effect for c in row] == [0.0, 0.0]


def test_contribution_values_are_plain_python(predictor: OnnxPredictor) -> None:
    (row,) = explain_rows(predictor, _frame([2.5], ["b"]), REFERENCES)
    values = {c.feature: c.value for c in row}
    assert type(values["x"]) is float
    assert values["x"] == 2.5
    assert values["c"] == "b"
    assert all(type(c.effect) is float for c in row)


def test_explain_rows_on_no_rows(predictor: OnnxPredictor) -> None:
    assert explain_rows(predictor, _frame([], []), REFERENCES) == []


def test_shipped_model_effects_agree_with_one_row_predictions() -> None:
    bundle = load_bundle()
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).head(3)
    prepared = prepare_features(frame, bundle.card.features)
    references = reference_values(bundle.card)
    effects = explain_prepared(bundle.predictor, prepared, references)
    names = bundle.card.feature_names
    assert effects.shape == (3, len(names))
    for row in range(3):
        values = {name: prepared[name].iloc[row] for name in names}
        values = {k: float(v) if isinstance(v, np.floating) else v for k, v in values.items()}
        base = bundle.predictor.predict_one(values)
        for position, name in enumerate(names):
            swapped = bundle.predictor.predict_one({**values, name: references[name]})
            assert effects[row, position] == pytest.approx(base - swapped, abs=1e-6), (row, name)
