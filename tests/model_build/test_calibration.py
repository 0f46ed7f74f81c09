"""Calibration: the test ECE in the card, and recalibration that ships only when it helps and exports with parity."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.core.bundle import load_bundle
from app.core.estimation import calibration_error, card_calibration_error
from app.core.metrics import brier_score
from model_build.config import ConfigError, load_config
from model_build.ingest import ingest
from model_build.split import labels_of, make_split
from tests.model_build.conftest import LOGISTIC_ONLY, Built, build, derive_config

# Heavily regularised: its probabilities are squeezed towards the base rate, so recalibration has work to do.
SQUEEZED = LOGISTIC_ONLY.replace("C = 1.0", "C = 0.001")


def _calibration_config(tmp_path: Path, method: str, candidates: str = SQUEEZED) -> Path:
    return derive_config("telco_churn", tmp_path, candidates=candidates, method=f'"{method}"')


def test_the_card_states_the_test_ece_from_its_reliability_curve(telco_build: Built) -> None:
    card = load_bundle(telco_build.out).card.raw
    curve, calibration = card["curves"]["calibration"], card["calibration"]
    expected = calibration_error(
        np.array(curve["count"]), np.array(curve["mean_predicted"]), np.array(curve["observed_rate"])
    )
    assert calibration["ece"] == pytest.approx(expected, abs=1e-12)
    assert card_calibration_error(card) == calibration["ece"]
    assert 0 < calibration["ece"] < 0.05
    assert calibration["brier_test"] == card["metrics"]["test"]["brier"]
    assert set(calibration) >= {"ece", "method", "brier_test_uncalibrated", "brier_test", "reason"}


def test_the_shipped_winner_keeps_its_probabilities_and_says_why(telco_build: Built) -> None:
    """Logistic regression is calibrated already: sigmoid does not lower the test Brier score, and skl2onnx's
    isotonic converter (nearest threshold, not interpolation) does not reproduce scikit-learn, so neither ships."""
    calibration = load_bundle(telco_build.out).card.raw["calibration"]
    assert calibration["setting"] == "auto"
    assert calibration["method"] == "none"
    assert calibration["brier_test"] == calibration["brier_test_uncalibrated"]
    tried = calibration["tried"]
    assert tried["sigmoid"]["brier_test"] >= calibration["brier_test_uncalibrated"]
    assert tried["sigmoid"]["onnx_max_abs_diff"] <= 1e-5
    assert tried["isotonic"]["onnx_max_abs_diff"] > 1e-5
    assert "sigmoid not used: it does not lower the test Brier score" in calibration["reason"]
    assert "isotonic not used: its ONNX export is off by up to" in calibration["reason"]


def test_sigmoid_recalibration_ships_when_it_lowers_the_test_brier(tmp_path: Path) -> None:
    built = build(_calibration_config(tmp_path, "auto"), tmp_path)
    assert built.outcome.bundle_written, built.outcome.gates
    bundle = load_bundle(built.out)
    calibration = bundle.card.raw["calibration"]
    # Isotonic lowers the Brier score too, but its ONNX export is off: sigmoid is the one that can ship.
    assert calibration["method"] == "sigmoid"
    assert calibration["brier_test"] < calibration["brier_test_uncalibrated"] - 0.005
    assert calibration["tried"]["isotonic"]["brier_test"] < calibration["brier_test_uncalibrated"]
    assert "ONNX export is off" in calibration["tried"]["isotonic"]["rejected_because"]
    # The shipped ONNX model is the calibrated one: parity holds and its test Brier is the card's.
    parity = bundle.card.raw["parity"]
    assert parity["max_abs_diff"] <= 1e-5
    assert parity["label_mismatches"] == 0
    config = load_config(built.config)
    frame = ingest(config).frame
    test = frame.iloc[make_split(frame, config).test]
    assert brier_score(labels_of(test, config), bundle.predictor.predict(test)) == pytest.approx(
        calibration["brier_test"], abs=1e-6
    )
    assert built.outcome.results["train"].pipeline.named_steps["classifier"].__class__.__name__ == (
        "CalibratedClassifierCV"
    )
    assert "- Recalibration: sigmoid" in (built.out / "MODEL_CARD.md").read_text()


@pytest.mark.parametrize(
    ("method", "reason"),
    [
        ("none", "recalibration is off"),
        ("isotonic", "isotonic not used: its ONNX export is off by up to"),
    ],
)
def test_recalibration_that_is_off_or_fails_parity_is_not_shipped(tmp_path: Path, method: str, reason: str) -> None:
    built = build(_calibration_config(tmp_path, method, LOGISTIC_ONLY), tmp_path)  # the shipped model's settings
    assert built.outcome.bundle_written
    calibration = load_bundle(built.out).card.raw["calibration"]
    assert calibration["method"] == "none"
    assert reason in calibration["reason"]
    assert calibration["brier_test"] == calibration["brier_test_uncalibrated"]
    assert built.outcome.results["train"].pipeline.named_steps["classifier"].__class__.__name__ == "LogisticRegression"


def test_an_unknown_calibration_method_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\[calibration\] method 'platt' is not one of auto, none"):
        load_config(_calibration_config(tmp_path, "platt"))
