"""Experiment tracking with MLflow (a real local store, read back through MlflowClient) and the DVC pipeline."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import onnx
import pytest

from model_build.__main__ import main
from model_build.tracking import INSTALL_HINT
from tests.model_build.conftest import LOGISTIC_ONLY, build, derive_config

REPO = Path(__file__).resolve().parents[2]
TWO_CANDIDATES = (
    LOGISTIC_ONLY
    + """
[[candidates]]
name = "hist_gradient_boosting"
estimator = "hist_gradient_boosting"
params = { max_iter = 50, max_leaf_nodes = 15 }
"""
)
WEAK = """
[[candidates]]
name = "stump"
estimator = "random_forest"
params = { n_estimators = 1, max_depth = 1, max_features = 1, bootstrap = false }
"""


@pytest.fixture(autouse=True)
def offline_mlflow(monkeypatch: pytest.MonkeyPatch) -> None:
    """No telemetry, no tracking server from the environment."""
    monkeypatch.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)


def test_a_build_logs_candidates_winner_gates_and_registers_the_onnx(tmp_path: Path) -> None:
    from mlflow.tracking import MlflowClient

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    built = build(derive_config("telco_churn", tmp_path, candidates=TWO_CANDIDATES), tmp_path, tracking_uri=uri)
    tracking = built.outcome.results["tracking"]
    client = MlflowClient(tracking_uri=uri)
    experiment = client.get_experiment_by_name("telco_churn")
    runs = client.search_runs([experiment.experiment_id])
    parent = client.get_run(tracking["run_id"])
    children = [r for r in runs if r.data.tags.get("mlflow.parentRunId") == parent.info.run_id]
    assert sorted(r.data.tags["candidate"] for r in children) == ["hist_gradient_boosting", "logistic_regression"]
    assert all("cv_roc_auc_mean" in r.data.metrics and "validation_roc_auc" in r.data.metrics for r in children)
    assert children[0].data.params["estimator"] in ("logistic_regression", "hist_gradient_boosting")
    assert parent.data.tags["gates_passed"] == "true"
    assert parent.data.tags["winner"] == built.outcome.results["train"].winner
    assert parent.data.metrics["test_roc_auc"] == pytest.approx(built.outcome.results["evaluate"]["metrics"]["roc_auc"])
    assert parent.data.tags["gate Ranks churners well"] == "passed"
    artifacts = {a.path for a in client.list_artifacts(parent.info.run_id)}
    assert "model_card.json" in artifacts
    assert "model.onnx" not in artifacts  # the ONNX is logged once: as the registered model, below
    version = client.get_model_version("telco_churn", tracking["registered_version"])
    assert version.tags["gates_passed"] == "true"
    import mlflow

    mlflow.set_tracking_uri(uri)
    logged = mlflow.onnx.load_model(f"models:/telco_churn/{tracking['registered_version']}")
    assert logged.graph == onnx.load_from_string(built.outcome.results["export"]).graph


def test_a_build_that_fails_its_gates_is_registered_as_failed(tmp_path: Path) -> None:
    from mlflow.tracking import MlflowClient

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    config = derive_config("telco_churn", tmp_path, candidates=WEAK)
    assert (
        main(["--config", str(config), "--out", str(tmp_path / "b"), "--work", str(tmp_path / "w"), "--mlflow", uri])
        == 4
    )
    client = MlflowClient(tracking_uri=uri)
    (version,) = client.search_model_versions("name='telco_churn'")
    assert version.tags["gates_passed"] == "false"
    assert not (tmp_path / "b").exists()


def test_without_mlflow_the_build_works_and_says_how_to_track(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = derive_config("telco_churn", tmp_path, candidates=LOGISTIC_ONLY)
    code = main(["--config", str(config), "--out", str(tmp_path / "plain"), "--work", str(tmp_path / "w1")])
    assert code == 0
    assert f"experiment tracking: off (to log to MLflow: {INSTALL_HINT}" in capsys.readouterr().out
    monkeypatch.setitem(sys.modules, "mlflow", None)  # as if the extra were not installed
    code = main(["--config", str(config), "--out", str(tmp_path / "b"), "--work", str(tmp_path / "w2"), "--mlflow"])
    assert code == 0
    out = capsys.readouterr().out
    assert "MLflow tracking was requested but MLflow is not installed" in out
    assert "uv sync --extra tracking" in out
    assert (tmp_path / "b" / "model.onnx").is_file()


def _dvc() -> list[str] | None:
    executable = shutil.which("dvc", path=str(Path(sys.executable).parent)) or shutil.which("dvc")
    return [executable] if executable else None


@pytest.mark.skipif(_dvc() is None, reason="dvc is not installed (CI installs it with the dev group)")
def test_dvc_repro_reruns_only_stale_stages(tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    files = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        if name.split("/")[0] in ("app", "model_build", "resources") or name in (
            "dvc.yaml",
            ".gitignore",
            "pyproject.toml",
        ):
            target = copy / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target)
    environment = os.environ | {
        "DVC_NO_ANALYTICS": "1",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@localhost",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@localhost",
    }

    def run(*command: str) -> str:
        result = subprocess.run(command, cwd=copy, env=environment, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout + result.stderr

    dvc = _dvc()
    run("git", "init", "-q")
    run(*dvc, "init", "-q")
    first = run(*dvc, "repro")
    for stage in ("validate", "train", "evaluate", "export"):
        assert f"Running stage '{stage}'" in first
    assert "Data and pipelines are up to date" in run(*dvc, "repro")
    shown = json.loads(run(*dvc, "metrics", "show", "--json"))
    assert "roc_auc" in json.dumps(shown)
    run("git", "add", "-A")
    run("git", "commit", "-qm", "built")
    config = copy / "model_build" / "configs" / "telco_churn.toml"
    config.write_text(config.read_text().replace("C = 1.0, max_iter = 2000", "C = 0.5, max_iter = 2000"))
    second = run(*dvc, "repro")
    assert "Stage 'validate' didn't change, skipping" in second
    assert "Running stage 'train'" in second
    diff = json.loads(run(*dvc, "metrics", "diff", "--json"))
    changes = diff["model_build/metrics/telco_churn.json"]
    assert changes["roc_auc"]["old"] is not None
    assert changes["roc_auc"]["new"] != changes["roc_auc"]["old"]


def test_mlflow_carries_the_intervals_and_the_champion_test(tmp_path: Path) -> None:
    from mlflow.tracking import MlflowClient

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    config = derive_config("telco_churn", tmp_path, candidates=LOGISTIC_ONLY)
    out = tmp_path / "bundle"
    assert main(["--config", str(config), "--out", str(out), "--work", str(tmp_path / "w1")]) == 0  # the champion
    assert main(["--config", str(config), "--out", str(out), "--work", str(tmp_path / "w2"), "--mlflow", uri]) == 0
    client = MlflowClient(tracking_uri=uri)
    runs = client.search_runs([client.get_experiment_by_name("telco_churn").experiment_id])
    (run,) = [r for r in runs if "candidate" not in r.data.tags]  # the parent run (nested runs are candidates)
    metrics, tags = run.data.metrics, run.data.tags
    card = json.loads((out / "model_card.json").read_text())
    low, high = card["metrics"]["test_ci"]["intervals"]["roc_auc"]
    assert (metrics["test_roc_auc_low"], metrics["test_roc_auc_high"]) == pytest.approx((low, high))
    assert metrics["test_ece"] == pytest.approx(card["calibration"]["ece"])
    # The same model again: no difference, and the paired test says so.
    assert metrics["champion_roc_auc_delta"] == 0.0
    assert (metrics["champion_roc_auc_delta_low"], metrics["champion_roc_auc_delta_high"]) == (0.0, 0.0)
    assert metrics["champion_roc_auc_p_value"] == 1.0
    assert "champion_brier_p_value" in metrics
    assert tags["champion_test"] == "delong"
    assert tags["champion_roc_auc_outcome"] == "no_difference"
    assert tags["calibration"] == "none"
    assert tags["gate No regression against the shipped model"] == "passed"
