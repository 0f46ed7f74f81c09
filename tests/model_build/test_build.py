"""Model tests on real builds: gates, parity, reproducibility, champion comparison, stages, history."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from app.core.bundle import load_bundle
from app.core.fileio import sha256_file
from app.core.metrics import roc_auc
from model_build.__main__ import EXIT_GATES, main
from model_build.config import load_config
from model_build.history import read_runs
from model_build.ingest import ingest
from model_build.split import labels_of, make_split
from tests.model_build.conftest import CONFIGS, LOGISTIC_ONLY, Built, build, derive_config

WEAK = """
[[candidates]]
name = "stump"
estimator = "random_forest"
params = { n_estimators = 1, max_depth = 1, max_features = 1, bootstrap = false }
"""


def test_every_gate_passes_and_the_bundle_loads(telco_build: Built) -> None:
    outcome = telco_build.outcome
    assert outcome.bundle_written
    assert all(g.passed for g in outcome.gates), outcome.gates
    metrics = outcome.results["evaluate"]["metrics"]
    assert metrics["roc_auc"] >= 0.83
    bundle = load_bundle(telco_build.out)
    assert bundle.card.name == "telco_churn"
    assert bundle.card.raw["gates_passed"] is True
    assert {g["metric"] for g in bundle.card.raw["gates"]} >= {
        "test.roc_auc",
        "test.brier",
        "test.max_tpr_gap",
        "parity.max_abs_diff",
        "champion.roc_auc_delta",
    }


def test_onnx_matches_scikit_learn_on_the_whole_test_set(telco_build: Built) -> None:
    parity = telco_build.outcome.results["parity"]
    assert parity["rows"] == len(telco_build.outcome.results["split"].test)
    assert parity["max_abs_diff"] <= 1e-5
    assert parity["label_mismatches"] == 0


def test_threshold_is_chosen_on_validation_not_test(telco_build: Built) -> None:
    results = telco_build.outcome.results
    assert results["threshold"].rows == len(results["split"].validation)
    assert 0 < results["threshold"].value < 1
    assert "validation" in results["threshold"].reason


def test_two_builds_of_the_same_commit_and_data_are_identical(telco_build: Built, telco_rebuild: Built) -> None:
    first, second = telco_build.outcome.results, telco_rebuild.outcome.results
    assert first["evaluate"]["metrics"] == second["evaluate"]["metrics"]
    assert first["export"] == second["export"]
    history = read_runs(telco_build.work / "history.jsonl") + read_runs(telco_rebuild.work / "history.jsonl")
    assert history[0]["onnx_sha256"] == history[1]["onnx_sha256"] == sha256_file(telco_build.out / "model.onnx")


def test_the_card_names_its_data_by_its_place_in_the_project_not_the_builders_path(telco_build: Built) -> None:
    built = json.loads((telco_build.out / "model_card.json").read_text(encoding="utf-8"))
    for card in (built, load_bundle().card.raw):  # the build's, and the shipped bundle's
        assert card["data"]["source"] == "model_build/data/telco_churn.csv"
        assert card["provenance"]["data_source"] == "model_build/data/telco_churn.csv"


def test_rebuild_is_compared_with_the_shipped_champion(telco_rebuild: Built) -> None:
    comparison = telco_rebuild.outcome.results["compare"]
    assert comparison["compared"] is True
    assert comparison["deltas"]["roc_auc"] == pytest.approx(0.0, abs=1e-12)
    assert comparison["decision_flip_share"] == 0.0
    regression_gate = next(g for g in telco_rebuild.outcome.gates if g.metric == "champion.roc_auc_delta")
    assert regression_gate.status == "passed"


def test_card_metrics_are_reproduced_by_the_shipped_onnx(telco_build: Built) -> None:
    bundle = load_bundle(telco_build.out)
    config = load_config(CONFIGS / "telco_churn.toml")
    frame = ingest(config).frame
    test = frame.iloc[make_split(frame, config).test]
    scores = bundle.predictor.predict(test)
    assert roc_auc(labels_of(test, config), scores) == pytest.approx(
        bundle.card.raw["metrics"]["test"]["roc_auc"], abs=1e-5
    )
    stored = np.array(bundle.card.raw["test_predictions"]["probability"])
    assert np.abs(stored - scores).max() < 1e-5


def test_golden_rows_reproduce(telco_build: Built) -> None:
    import pandas as pd

    bundle = load_bundle(telco_build.out)
    golden = bundle.card.raw["golden_rows"]
    assert len(golden) == 21
    frame = pd.DataFrame([row["inputs"] for row in golden])
    features = list(bundle.card.feature_names)
    assert frame[features].iloc[-1].isna().all(), "an all-missing row exercises every imputation path"
    assert frame["customer_id"].notna().all()
    assert np.ptp([row["probability"] for row in golden[:-1]]) > 0.8, "rows spread over the score range"
    expected = np.array([row["probability"] for row in golden])
    assert np.abs(bundle.predictor.predict(frame) - expected).max() <= 1e-6


def test_weak_candidate_fails_the_auc_gate_and_leaves_the_bundle_untouched(
    tmp_path: Path, telco_build: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "shipped"
    out.mkdir()
    for item in telco_build.out.iterdir():
        (out / item.name).write_bytes(item.read_bytes())
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    config = derive_config("telco_churn", tmp_path, candidates=WEAK)
    code = main(["--config", str(config), "--out", str(out), "--work", str(tmp_path / "work")])
    assert code == EXIT_GATES
    err = capsys.readouterr().err
    assert "Ranks churners well: test.roc_auc" in err
    assert "left untouched" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert read_runs(tmp_path / "work" / "history.jsonl")[-1]["outcome"] == "gates_failed"


def test_allow_regression_waives_only_the_champion_gate(tmp_path: Path, telco_build: Built) -> None:
    out = tmp_path / "shipped"
    out.mkdir()
    for item in telco_build.out.iterdir():
        (out / item.name).write_bytes(item.read_bytes())
    # A more regularised logistic regression: about 0.002 ROC AUC below the shipped model, fair and in parity.
    # The gate checks the bare difference here (bound = "point"), so that small drop fails it and can be waived.
    # Not recalibrated: sigmoid calibration would help this model, move its threshold and widen its TPR gap.
    weaker = LOGISTIC_ONLY.replace("C = 1.0", "C = 0.005")
    config = derive_config("telco_churn", tmp_path, candidates=weaker, method='"none"')
    text = config.read_text().replace('min = -0.005\nbound = "upper"', 'min = -0.001\nbound = "point"')
    assert 'bound = "point"' in text
    config.write_text(text)
    code = main(["--config", str(config), "--out", str(out), "--work", str(tmp_path / "w1")])
    assert code == EXIT_GATES
    code = main(["--config", str(config), "--out", str(out), "--work", str(tmp_path / "w2"), "--allow-regression"])
    assert code == 0
    run = read_runs(tmp_path / "w2" / "history.jsonl")[-1]
    assert run["allow_regression"] is True
    statuses = {g["metric"]: g["status"] for g in run["gates"]}
    assert statuses["champion.roc_auc_delta"] == "waived"
    assert statuses["test.roc_auc"] == "passed"


def test_credit_scoring_builds_end_to_end_with_no_code_change(tmp_path: Path) -> None:
    built = build(CONFIGS / "credit_scoring.toml", tmp_path)
    assert built.outcome.bundle_written
    bundle = load_bundle(built.out)
    assert bundle.card.target.positive_label == "bad"
    assert set(bundle.card.raw["slices"]) == {"Age bands", "Marital"}
    assert set(bundle.card.raw["slices"]["Age bands"]["groups"]) >= {"18-29", "30-44", "45-59"}


def test_single_stage_reads_earlier_outputs(telco_build: Built, capsys: pytest.CaptureFixture[str]) -> None:
    work = str(telco_build.work)
    assert main(["--work", work, "--out", str(telco_build.out), "--stage", "threshold"]) == 0
    out = capsys.readouterr().out
    assert "threshold  started" in out
    assert "train      started" not in out
    assert json.loads((telco_build.work / "telco_churn" / "threshold.json").read_text())["value"] == pytest.approx(
        telco_build.outcome.results["threshold"].value
    )


def test_single_stage_without_earlier_outputs_says_what_to_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--work", str(tmp_path), "--out", str(tmp_path / "b"), "--stage", "evaluate"]) == 2
    assert "needs the output of stage 'split'" in capsys.readouterr().err


def test_history_lists_runs(telco_build: Built, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "--work", str(telco_build.work)]) == 0
    out = capsys.readouterr().out
    assert "telco_churn" in out
    assert "success" in out
    assert main(["history", "--work", str(telco_build.work), "--json"]) == 0
    runs = json.loads(capsys.readouterr().out)
    assert runs[0]["metrics"]["roc_auc"] >= 0.83
    assert runs[0]["duration_s"] > 0


_SIMPLE_THEN_BETTER = """
[[candidates]]
name = "stump"
estimator = "random_forest"
params = { n_estimators = 1, max_depth = 1, max_features = 1, bootstrap = false }

[[candidates]]
name = "logistic_regression"
estimator = "logistic_regression"
params = { C = 1.0, max_iter = 2000 }
"""


@pytest.mark.parametrize(("tolerance", "winner"), [("1.0", "stump"), ("0.0", "logistic_regression")])
def test_simplest_candidate_within_tolerance_wins(tmp_path: Path, tolerance: str, winner: str) -> None:
    # A stump listed first (simplest) and a clearly better logistic regression: the tolerance decides.
    from model_build.train import train

    config = load_config(derive_config("telco_churn", tmp_path, candidates=_SIMPLE_THEN_BETTER, tolerance=tolerance))
    frame = ingest(config).frame
    trained = train(frame, make_split(frame, config), config)
    stump, logistic = trained.candidates
    assert stump.validation["roc_auc"] < logistic.validation["roc_auc"] - 0.05  # the simpler one really is worse
    assert trained.winner == winner


def test_samples_come_from_the_test_split(telco_build: Built) -> None:
    import pandas as pd

    samples = telco_build.out.parent / "samples"
    to_score = pd.read_csv(samples / "telco_churn_to_score.csv", dtype=str)
    labelled = pd.read_csv(samples / "telco_churn_labelled.csv", dtype=str)
    assert len(to_score) == 200
    assert len(labelled) == 500
    assert "churn" not in to_score.columns
    assert set(labelled["churn"]) == {"Yes", "No"}
    frame = ingest(load_config(CONFIGS / "telco_churn.toml")).frame
    test_ids = set(frame["customer_id"].iloc[telco_build.outcome.results["split"].test])
    assert set(to_score["customer_id"]) <= test_ids
    assert set(labelled["customer_id"]) <= test_ids
