"""Bundle integrity: the shipped bundle loads; tampered, truncated or foreign bundles are refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.core.bundle import CARD_FILE, MODEL_FILE, BundleError, load_bundle
from app.core.card import SCHEMA_VERSION, ModelCard, card_digest
from app.core.paths import bundle_dir


@pytest.fixture
def bundle_copy(tmp_path: Path) -> Path:
    target = tmp_path / "model"
    shutil.copytree(bundle_dir(), target)
    return target


def test_shipped_bundle_loads_and_passed_its_gates() -> None:
    bundle = load_bundle()
    assert bundle.card.name == "telco_churn"
    assert bundle.card.raw["gates_passed"] is True
    assert all(g["passed"] for g in bundle.card.raw["gates"])
    assert bundle.card.raw["metrics"]["test"]["roc_auc"] >= 0.83
    assert bundle.predictor.metadata["model_version"] == bundle.card.version


REQUIRED_SECTIONS = {
    "model": {"name", "display_name", "version", "created_at", "onnx_sha256", "onnx_inputs", "probability_output"},
    "target": {"column", "positive_label", "negative_label"},
    "threshold": {"value", "reason"},
    "metrics": {"test", "validation"},
    "curves": {"roc", "pr", "calibration"},
    "provenance": {"data_sha256", "code_version", "libraries", "random_seed"},
}
TEST_METRICS = {"roc_auc", "pr_auc", "log_loss", "brier", "accuracy", "precision", "recall", "f1", "confusion_matrix"}


def test_card_has_every_contract_field() -> None:
    raw = json.loads((bundle_dir() / CARD_FILE).read_text())
    assert raw["schema_version"] == SCHEMA_VERSION
    for section, keys in REQUIRED_SECTIONS.items():
        assert keys <= set(raw[section]), f"{section} lacks {keys - set(raw[section])}"
    assert TEST_METRICS <= set(raw["metrics"]["test"])
    assert {"tp", "fp", "tn", "fn"} == set(raw["confusion_matrix"])
    for feature in raw["features"]:
        assert {"name", "kind", "role", "categories", "missing_share", "reference"} <= set(feature)
        if feature["kind"] == "categorical":
            assert feature["categories"], feature["name"]
        else:
            assert {"min", "max", "mean", "std", "quantiles"} <= set(feature["stats"])
        assert abs(sum(feature["reference"]["frequencies"]) - 1) < 1e-9
    assert raw["id_columns"] == ["customer_id"]
    assert "customer_id" not in [f["name"] for f in raw["features"]]
    assert {g["column"] for g in raw["sensitive_attributes"]} == {"female", "senior_citizen"}
    for attribute in raw["slices"].values():
        for group in attribute["groups"].values():
            assert {"tpr", "fpr", "precision", "selection_rate"} <= set(group)
        assert {"tpr_gap", "fpr_gap", "precision_gap", "selection_rate_gap"} == set(attribute["gaps"])
    assert {"feature", "mean", "std"} == set(raw["importances"][0])
    assert {g["status"] for g in raw["gates"]} <= {"passed", "not_applicable", "waived"}
    assert raw["golden_rows"]
    assert all("probability" in row for row in raw["golden_rows"])
    assert raw["integrity"]["card_sha256"] == card_digest(raw)
    ModelCard.from_dict(raw)


def test_tampered_model_is_refused(bundle_copy: Path) -> None:
    model = bundle_copy / MODEL_FILE
    data = bytearray(model.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model.write_bytes(bytes(data))
    with pytest.raises(BundleError, match="modified or truncated"):
        load_bundle(bundle_copy)


def test_truncated_model_is_refused(bundle_copy: Path) -> None:
    model = bundle_copy / MODEL_FILE
    model.write_bytes(model.read_bytes()[:1000])
    with pytest.raises(BundleError, match="modified or truncated"):
        load_bundle(bundle_copy)


def test_truncated_card_is_refused(bundle_copy: Path) -> None:
    card = bundle_copy / CARD_FILE
    card.write_text(card.read_text()[:500])
    with pytest.raises(BundleError, match="not valid JSON"):
        load_bundle(bundle_copy)


def test_edited_card_is_refused(bundle_copy: Path) -> None:
    card = bundle_copy / CARD_FILE
    raw = json.loads(card.read_text())
    raw["threshold"]["value"] = 0.9
    card.write_text(json.dumps(raw))
    with pytest.raises(BundleError, match="modified after the build"):
        load_bundle(bundle_copy)


def test_other_schema_version_is_refused(bundle_copy: Path) -> None:
    card = bundle_copy / CARD_FILE
    raw = json.loads(card.read_text())
    raw["schema_version"] = SCHEMA_VERSION + 1
    raw["integrity"]["card_sha256"] = card_digest(raw)
    card.write_text(json.dumps(raw))
    with pytest.raises(BundleError, match=f"schema version is {SCHEMA_VERSION + 1}"):
        load_bundle(bundle_copy)


def test_missing_files_are_named(bundle_copy: Path, tmp_path: Path) -> None:
    (bundle_copy / MODEL_FILE).unlink()
    with pytest.raises(BundleError, match="model.onnx is missing"):
        load_bundle(bundle_copy)
    with pytest.raises(BundleError, match="does not exist"):
        load_bundle(tmp_path / "nowhere")


def _reseal(directory: Path, change) -> None:
    """Change the card as an attacker or a broken tool would, then recompute its digest as the code does."""
    path = directory / CARD_FILE
    raw = json.loads(path.read_text())
    change(raw)
    if isinstance(raw.get("integrity"), dict):
        raw["integrity"]["card_sha256"] = card_digest(raw)
    path.write_text(json.dumps(raw))


def _set_feature(key: str, value: object):
    def change(raw: dict) -> None:
        raw["features"][0][key] = value

    return change


MALFORMED = {
    "missing_share as text": _set_feature("missing_share", "abc"),
    "stats as a list": _set_feature("stats", [1, 2]),
    "a stat as text": lambda raw: raw["features"][0]["stats"].__setitem__("min", "low"),
    "features as a number": lambda raw: raw.__setitem__("features", 5),
    "a feature as text": lambda raw: raw["features"].__setitem__(0, "tenure"),
    "gates as text": lambda raw: raw.__setitem__("gates", "all passed"),
    "a gate value as text": lambda raw: raw["gates"][0].__setitem__("value", "high"),
    "model as a list": lambda raw: raw.__setitem__("model", []),
    "metrics.test as a number": lambda raw: raw["metrics"].__setitem__("test", 0.8),
}


@pytest.mark.parametrize("change", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_card_is_one_line_and_exit_3(bundle_copy: Path, change, capsys) -> None:
    from app.cli import EXIT_BUNDLE, main

    _reseal(bundle_copy, change)
    assert main(["info", "--model", str(bundle_copy)]) == EXIT_BUNDLE
    err = capsys.readouterr().err
    assert err.startswith("error: model bundle:")
    assert err.count("\n") == 1
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "text",
    [
        lambda card: card.replace('"integrity": {', '"integrity": [], "x": {', 1),
        lambda card: card.replace('"value": ', '"value": NaN, "was": ', 1),
        lambda card: card.replace('"value": ', '"value": 1e999, "was": ', 1),
        lambda card: card[:-1] + ', "deep": ' + "[" * 100_000 + "]" * 100_000 + "}",
    ],
    ids=["integrity as a list", "NaN", "infinity", "deep nesting"],
)
def test_a_card_json_no_card_may_hold_is_refused(bundle_copy: Path, text, capsys) -> None:
    from app.cli import EXIT_BUNDLE, main

    path = bundle_copy / CARD_FILE
    path.write_text(text(json.dumps(json.loads(path.read_text()))))
    assert main(["info", "--model", str(bundle_copy)]) == EXIT_BUNDLE
    err = capsys.readouterr().err
    assert err.startswith("error: model bundle:"), err
    assert err.count("\n") == 1, err


def test_a_fifo_as_the_model_is_named_as_such(bundle_copy: Path) -> None:
    import os

    (bundle_copy / MODEL_FILE).unlink()
    os.mkfifo(bundle_copy / MODEL_FILE)
    with pytest.raises(BundleError, match="model.onnx is a FIFO"):
        load_bundle(bundle_copy)


def test_a_resealed_bundle_loads_but_the_cli_says_it_is_unsigned(bundle_copy: Path, capsys) -> None:
    from app.cli import EXIT_OK, main

    _reseal(bundle_copy, lambda raw: raw["threshold"].__setitem__("value", 0.99))
    assert main(["info", "--model", str(bundle_copy)]) == EXIT_OK
    captured = capsys.readouterr()
    assert "threshold 0.99" in captured.out
    assert f"note: model bundle {bundle_copy} is unsigned" in captured.err
