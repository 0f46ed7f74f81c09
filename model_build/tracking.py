"""Experiment tracking with MLflow (optional extra `tracking`): candidates, the winner, gates, artifacts, registry.

The build never needs MLflow: without it, asking for tracking says how to install it, and
every other part of the build runs the same.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["INSTALL_HINT", "TrackingError", "default_tracking_uri", "log_build", "tracking_uri"]

INSTALL_HINT = "install the tracking extra (`uv sync --extra tracking`, or pip install 'scoredesk[tracking]')"


class TrackingError(RuntimeError):
    """Tracking was asked for but could not be done."""


def default_tracking_uri(work_dir: Path) -> str:
    """A local SQLite store in the work folder: runs and the model registry, no server needed."""
    return f"sqlite:///{(Path(work_dir) / 'mlflow.db').resolve()}"


def tracking_uri(flag: str | None, work_dir: Path) -> str | None:
    """The store to log to: ``--mlflow URI``, bare ``--mlflow`` or MLFLOW_TRACKING_URI; None when tracking is off."""
    if flag:
        return flag
    if flag == "" or os.environ.get("MLFLOW_TRACKING_URI"):
        return os.environ.get("MLFLOW_TRACKING_URI") or default_tracking_uri(work_dir)
    return None


def _artifact_location(uri: str) -> str | None:
    """Beside a local SQLite store (MLflow's default would be ./mlruns in whatever folder the build ran)."""
    if uri.startswith("sqlite:///"):
        return (Path(uri.removeprefix("sqlite:///")).resolve().parent / "mlartifacts").as_uri()
    return None


def _metric_name(name: str) -> str:
    """MLflow metric names allow letters, digits, _ - . / and space."""
    return "".join(c if c.isalnum() or c in "_-./ " else "_" for c in name)


def _flat_params(prefix: str, values: Mapping[str, Any]) -> dict[str, str]:
    return {f"{prefix}{key}": str(value)[:500] for key, value in values.items()}


def _interval_metrics(results: Mapping[str, Any]) -> dict[str, float]:
    """Each test metric's interval ends, calibration, and each champion difference's interval and p-value."""
    values: dict[str, float] = {}
    evaluation = results["evaluate"]
    for key, pair in (evaluation.get("test_ci") or {}).get("intervals", {}).items():
        if pair is not None:
            values[f"test_{key}_low"], values[f"test_{key}_high"] = pair
    if evaluation.get("ece") is not None:
        values["test_ece"] = evaluation["ece"]
    comparison = results.get("compare") or {}
    for key, tested in comparison.get("tests", {}).items():
        if tested["difference"] is not None:
            values[f"champion_{key}_delta"] = tested["difference"]
        if tested["ci"] is not None:
            values[f"champion_{key}_delta_low"], values[f"champion_{key}_delta_high"] = tested["ci"]
        if tested["p_value"] is not None:
            values[f"champion_{key}_p_value"] = tested["p_value"]
    return values


def _comparison_tags(results: Mapping[str, Any], config: Any) -> dict[str, str]:  # noqa: ANN401 - BuildConfig
    """The paired test's outcome against the champion, and the calibration adopted."""
    tags = {"calibration": str(getattr(results.get("train"), "calibration", {}).get("method", "none"))}
    comparison = results.get("compare") or {}
    tested = comparison.get("tests", {}).get("roc_auc")
    if not comparison.get("compared") or not tested:
        return tags | {"champion_test": "not_compared"}
    if tested["ci"] is None:
        return tags | {"champion_test": tested["test"], "champion_roc_auc_outcome": "undefined"}
    low, high = tested["ci"]
    if high < 0:
        outcome = "worse"
    elif low > 0:
        outcome = "better"
    else:
        outcome = "no_difference"
    return tags | {
        "champion_test": tested["test"],
        "champion_test_level": f"{comparison['test_level']:g}",
        "champion_roc_auc_outcome": outcome,  # at the test's level: worse, better, or no_difference
    }


def log_build(
    uri: str,
    config: Any,  # noqa: ANN401 - an opaque JSON or Qt value
    results: Mapping[str, Any],
    card: Mapping[str, Any] | None,
    onnx_model: bytes | None,
    gates_passed: bool,
) -> dict[str, str]:
    """Log one build: a parent run for the winner and a nested run per candidate; register the ONNX model."""
    try:
        import mlflow
        import onnx
        from mlflow.tracking import MlflowClient
    except ImportError:
        raise TrackingError(f"MLflow tracking was requested but MLflow is not installed; {INSTALL_HINT}") from None
    mlflow.set_tracking_uri(uri)
    if mlflow.get_experiment_by_name(config.name) is None:
        mlflow.create_experiment(config.name, artifact_location=_artifact_location(uri))
    mlflow.set_experiment(config.name)
    trained = results["train"]
    with mlflow.start_run(run_name=f"{config.name} {config.version}") as parent:
        mlflow.set_tags(
            {
                "model": config.name,
                "model_version": config.version,
                "winner": trained.winner,
                "gates_passed": str(gates_passed).lower(),
                "config": str(config.path.name),
            }
        )
        mlflow.log_params(
            {
                "data_sha256": results["ingest"].sha256,
                "seed": config.split.seed,
                "selection_metric": config.selection_metric,
                "selection_tolerance": config.selection_tolerance,
                "cost_per_action": config.cost_per_action,
                "value_per_true_positive": config.value_per_true_positive,
                "threshold": results["threshold"].value,
                "winner": trained.winner,
            }
        )
        for candidate in trained.candidates:
            with mlflow.start_run(run_name=candidate.name, nested=True):
                mlflow.set_tags(
                    {
                        "candidate": candidate.name,
                        "estimator": candidate.estimator,
                        "winner": str(candidate.name == trained.winner).lower(),
                    }
                )
                mlflow.log_params(_flat_params("", {"estimator": candidate.estimator, **candidate.params}))
                mlflow.log_metrics(
                    {
                        f"cv_{metric}_{stat}": value
                        for metric, stats in candidate.cv.items()
                        for stat, value in stats.items()
                    }
                )
                mlflow.log_metrics({f"validation_{metric}": value for metric, value in candidate.validation.items()})
        test = results["evaluate"]["metrics"]
        mlflow.log_metrics({f"test_{k}": v for k, v in test.items() if isinstance(v, int | float)})
        mlflow.log_metrics(_interval_metrics(results))
        mlflow.set_tags(_comparison_tags(results, config))
        for gate in results.get("gates", []):
            if gate.value is not None:
                mlflow.log_metric(_metric_name(f"gate {gate.name}"), float(gate.value))
            mlflow.set_tag(_metric_name(f"gate {gate.name}"), gate.status)
        if card is not None:
            mlflow.log_dict(dict(card), "model_card.json")
        version = ""
        if onnx_model is not None:  # logged once, as the registered model (not also as a loose artifact)
            info = mlflow.onnx.log_model(
                onnx.load_from_string(onnx_model), name="onnx_model", registered_model_name=config.name
            )
            client = MlflowClient()
            version = str(info.registered_model_version)
            client.set_model_version_tag(config.name, version, "gates_passed", str(gates_passed).lower())
            client.set_model_version_tag(config.name, version, "model_version", config.version)
        return {"run_id": parent.info.run_id, "experiment": config.name, "registered_version": version, "uri": uri}
