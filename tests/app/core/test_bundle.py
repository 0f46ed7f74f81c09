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
