"""The model card: parsed once into typed values, refused with the first problem named, hashed canonically."""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable
from typing import Any

import pytest

from app.core.card import CardError, ModelCard, SliceSpec, canonical_json, card_digest, slice_spec
from app.core.paths import bundle_dir

RAW: dict[str, Any] = json.loads((bundle_dir() / "model_card.json").read_text(encoding="utf-8"))


def _changed(change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    raw = copy.deepcopy(RAW)
    change(raw)
    return raw


def test_the_shipped_card_parses_into_typed_values() -> None:
    card = ModelCard.from_dict(RAW)
    assert (card.name, card.version) == (RAW["model"]["name"], RAW["model"]["version"])
    assert card.threshold == RAW["threshold"]["value"]
    assert card.feature_names == tuple(f["name"] for f in RAW["features"])
    assert card.target.column == RAW["target"]["column"]
    assert card.target.positive_label == "Yes"
    assert card.id_columns == ("customer_id",)
    assert 0.0 <= card.max_missing_share <= 1.0
    contract = card.feature("contract")
    assert contract.kind == "categorical"
    assert not contract.is_numeric
    assert card.feature("tenure").is_numeric
    assert set(contract.shares) == set(contract.categories)
    assert math.isclose(sum(contract.shares.values()), 1.0, abs_tol=1e-6)


def test_feature_lookup_rules_and_sections() -> None:
    card = ModelCard.from_dict(RAW)
    with pytest.raises(KeyError):
        card.feature("not_a_feature")
    assert all(rule.column == "tenure" for rule in card.rules_for("tenure"))
    assert card.rules_for("not_a_feature") == []
    assert card.section("metrics") == RAW["metrics"]
    assert card.section("no_such_section") == {}


def test_the_digest_is_the_cards_recorded_one_and_ignores_the_integrity_section() -> None:
    assert card_digest(RAW) == RAW["integrity"]["card_sha256"]
    assert card_digest(_changed(lambda r: r["integrity"].update(card_sha256="x"))) == card_digest(RAW)
    assert card_digest(_changed(lambda r: r["threshold"].update(value=0.2))) != card_digest(RAW)
    assert card_digest({}) == card_digest({"integrity": {}})


def test_canonical_json_is_sorted_compact_ascii_and_refuses_nan() -> None:
    assert canonical_json({"b": [1, 2.5], "a": "é"}) == '{"a":"\\u00e9","b":[1,2.5]}'
    assert canonical_json({"b": 1, "a": 2}) == canonical_json({"a": 2, "b": 1})
    with pytest.raises(ValueError, match="not JSON compliant"):
        canonical_json({"x": float("nan")})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.update(schema_version=2), "model card schema version is 2; this app reads version 1"),
        (lambda r: r.pop("schema_version"), "model card schema version is None"),
        (lambda r: r.pop("model"), "model card lacks 'model'"),
        (lambda r: r["model"].pop("onnx_sha256"), "model card lacks 'model.onnx_sha256'"),
        (lambda r: r["target"].pop("positive_label"), "model card lacks 'target.positive_label'"),
        (lambda r: r.update(features=[]), "model card declares no features"),
        (lambda r: r.update(features={}), "features"),
        (lambda r: r["features"][0].update(kind="text"), "has kind 'text'; expected one of"),
        (lambda r: r["features"][0].update(missing_share=1.5), "'features[0].missing_share' is outside 0..1"),
        (lambda r: r["features"][0].update(missing_share="x"), "features[0].missing_share"),
        (lambda r: r["threshold"].update(value=1.01), "model card threshold 1.01 is outside 0..1"),
        (lambda r: r["threshold"].update(value=float("nan")), "model card threshold nan is outside 0..1"),
        (lambda r: r.update(max_missing_share=True), "'max_missing_share' should be a number within 0..1"),
        (lambda r: r.update(max_missing_share=-0.1), "'max_missing_share' should be a number within 0..1"),
        (lambda r: r.update(rules=["tenure >>> 0"]), "model card: "),
        (lambda r: r["gates"].append({"value": "high"}), "gates["),
        (lambda r: r["metrics"].update(test=[]), "metrics.test"),
    ],
)
def test_a_malformed_card_is_refused_naming_the_first_problem(
    change: Callable[[dict[str, Any]], object], message: str
) -> None:
    with pytest.raises(CardError) as caught:
        ModelCard.from_dict(_changed(change))
    assert message in str(caught.value)


def test_what_is_no_object_is_no_card() -> None:
    with pytest.raises(CardError, match="model card is not a JSON object"):
        ModelCard.from_dict([])  # type: ignore[arg-type]


def test_the_threshold_edges_and_the_display_name_default() -> None:
    for value in (0.0, 1.0):
        assert ModelCard.from_dict(_changed(lambda r, v=value: r["threshold"].update(value=v))).threshold == value
    card = ModelCard.from_dict(_changed(lambda r: r["model"].pop("display_name", None)))
    assert card.display_name == card.name


def test_slice_specs_band_numbers_with_one_label_per_band() -> None:
    assert slice_spec({"column": "female"}) == SliceSpec("female")
    banded = slice_spec({"column": "age", "bins": [0, 30, 60, 120], "labels": ["young", "middle", "old"]})
    assert banded.bins == (0.0, 30.0, 60.0, 120.0)
    assert banded.name == "age bands"
    with pytest.raises(CardError, match="4 bin edges need 3 labels"):
        slice_spec({"column": "age", "bins": [0, 30, 60, 120], "labels": ["young"]})
    with pytest.raises(CardError, match="lacks 'sensitive_attributes\\[\\].column'"):
        slice_spec({})
