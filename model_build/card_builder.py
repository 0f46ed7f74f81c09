"""Assemble model_card.json (for the app) and MODEL_CARD.md (for people) from the build's results."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import platform
import subprocess
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from app.core.card import SCHEMA_VERSION, card_digest
from app.core.drift import reference_for
from app.core.fileio import sha256_file
from app.core.paths import project_root
from app.core.prepare import category_strings, numeric_values
from model_build.config import BuildConfig
from model_build.evaluate import ThresholdChoice
from model_build.export import PROBABILITY_OUTPUT, TARGET_OPSET
from model_build.gates import GateResult
from model_build.train import TrainResult

__all__ = ["build_card", "display_path", "feature_entries", "golden_rows", "render_markdown"]

_LIBRARIES = ("scikit-learn", "skl2onnx", "onnx", "onnxruntime", "numpy", "pandas", "protobuf")
_QUANTILES = {"p01": 0.01, "p05": 0.05, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p95": 0.95, "p99": 0.99}


def _missing_mask(column: pd.Series) -> np.ndarray:
    return column.isna().to_numpy() | (column.astype("string").str.strip() == "").fillna(True).to_numpy()


def feature_entries(train_rows: pd.DataFrame, config: BuildConfig) -> list[dict[str, Any]]:
    """Per feature: kind, categories, summary statistics, missing share and drift reference (training part)."""
    entries = []
    for name, kind in config.features:
        column = train_rows[name]
        entry: dict[str, Any] = {
            "name": name,
            "kind": kind,
            "role": "feature",
            "missing_share": float(_missing_mask(column).mean()),
            "rules": [rule.text for rule in config.rules if rule.column == name],
            "reference": reference_for(column, kind),
        }
        if kind == "categorical":
            values = category_strings(column)
            present = values[values != ""]
            categories, counts = np.unique(present, return_counts=True)
            entry["categories"] = categories.tolist()
            entry["category_shares"] = {c: float(n / len(values)) for c, n in zip(categories, counts, strict=True)}
        else:
            values = numeric_values(column)
            finite = values[~np.isnan(values)]
            entry["categories"] = ["0", "1"] if kind == "binary" else []
            entry["stats"] = {
                "min": float(finite.min()),
                "max": float(finite.max()),
                "mean": float(finite.mean()),
                "std": float(finite.std()),
                "quantiles": {k: float(np.quantile(finite, q)) for k, q in _QUANTILES.items()},
                "integer": bool(np.all(finite == np.round(finite))),
            }
        entries.append(entry)
    return entries


def _json_cell(value: Any) -> Any:  # noqa: ANN401 - an opaque JSON or Qt value
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def golden_rows(
    test_rows: pd.DataFrame, predict: Callable[[pd.DataFrame], np.ndarray], config: BuildConfig
) -> list[dict[str, Any]]:
    """Test rows spread over the score range, plus one row with every feature missing, with ONNX probabilities.

    The all-missing row makes ``self-test`` exercise every imputation path, whatever the test split holds.
    """
    scores = predict(test_rows)
    count = min(config.golden_rows, len(test_rows))
    order = np.argsort(scores, kind="mergesort")
    picks = sorted({int(i) for i in order[np.linspace(0, len(order) - 1, count).round().astype(int)]})
    columns = [c for c in (*config.id_columns, *config.feature_names) if c in test_rows.columns]
    rows = [{c: _json_cell(test_rows[c].iloc[i]) for c in columns} for i in picks]
    blank = {c: (rows[0][c] if c in config.id_columns else None) for c in columns}
    blank_score = predict(pd.DataFrame([blank], dtype=object))[0]
    golden = [{"inputs": row, "probability": float(scores[i])} for row, i in zip(rows, picks, strict=True)]
    return [*golden, {"inputs": blank, "probability": float(blank_score), "note": "every feature missing"}]


def _git_version() -> dict[str, Any]:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=project_root(), capture_output=True, text=True, check=True
        ).stdout.strip()

    # Dirty means uncommitted code or dependency changes; outputs a build itself rewrites (the bundle,
    # metrics, dvc.lock) do not count, or every build under `dvc repro` would call itself dirty.
    code = ("app", "model_build", "pyproject.toml", "requirements.lock", ":(exclude)model_build/metrics")
    try:
        dirty = git("status", "--porcelain", "--untracked-files=no", "--", *code)
        return {"commit": git("rev-parse", "HEAD"), "dirty": bool(dirty)}
    except (OSError, subprocess.CalledProcessError):
        return {"commit": "unknown", "dirty": None}


def display_path(source: str) -> str:
    """A data source as the card records it: relative to the project when inside it, not the builder's path."""
    try:
        return str(Path(source).relative_to(project_root()))
    except ValueError:
        return source


def _libraries() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def build_card(
    *,
    config: BuildConfig,
    data: Mapping[str, Any],
    train_rows: pd.DataFrame,
    trained: TrainResult,
    threshold: ThresholdChoice,
    evaluation: Mapping[str, Any],
    onnx_sha256: str,
    golden: Sequence[Mapping[str, Any]],
    parity: Mapping[str, Any],
    comparison: Mapping[str, Any],
    gates: Sequence[GateResult],
) -> dict[str, Any]:
    """The complete card, sealed with its own digest."""
    card: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "model": {
            "name": config.name,
            "display_name": config.display_name,
            "version": config.version,
            "description": config.description,
            "created_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "algorithm": trained.winner,
            "estimator": trained.winner_result.estimator,
            "params": trained.winner_result.params,
            "onnx_sha256": onnx_sha256,
            "onnx_inputs": [
                {"name": name, "type": "string" if kind == "categorical" else "float"} for name, kind in config.features
            ],
            "probability_output": PROBABILITY_OUTPUT,
            "opset": TARGET_OPSET,
        },
        "target": {
            "column": config.target.column,
            "positive_label": config.target.positive_label,
            "negative_label": config.target.negative_label,
        },
        "threshold": {
            "value": threshold.value,
            "reason": threshold.reason,
            "selected_on": "validation",
            "expected_value_per_row": threshold.expected_value_per_row,
        },
        "decision_costs": {
            "cost_per_action": config.cost_per_action,
            "value_per_true_positive": config.value_per_true_positive,
        },
        "features": feature_entries(train_rows, config),
        "id_columns": list(config.id_columns),
        "passthrough": list(config.passthrough),
        "max_missing_share": config.row_max_missing_share,
        "rules": [rule.text for rule in config.rules],
        "sensitive_attributes": [
            {"column": s.column, "bins": list(s.bins), "labels": list(s.labels)} for s in config.sensitive
        ],
        "fairness": {"min_group_rows": config.min_group_rows},
        "data": dict(data),
        "metrics": {
            "test": evaluation["metrics"],
            "test_ci": evaluation.get("test_ci"),
            "validation": trained.winner_result.validation,
        },
        "calibration": _calibration(trained.calibration, evaluation),
        "confusion_matrix": evaluation["metrics"]["confusion_matrix"],
        "curves": evaluation["curves"],
        "slices": evaluation["slices"],
        "importances": evaluation["importances"],
        "selection": {
            "metric": config.selection_metric,
            "tolerance": config.selection_tolerance,
            "winner": trained.winner,
        },
        "candidates": [c.to_dict() for c in trained.candidates],
        "parity": dict(parity),
        "comparison": dict(comparison),
        "gates": [g.to_dict() for g in gates],
        "gates_passed": all(g.passed for g in gates),
        "provenance": {
            "data_sha256": data["sha256"],
            "data_source": display_path(data["source"]),
            "config": display_path(str(config.path)),
            "config_sha256": sha256_file(config.path),
            "code_version": _git_version(),
            "libraries": _libraries(),
            "random_seed": config.split.seed,
        },
        "golden_rows": list(golden),
        "test_predictions": evaluation["test_predictions"],
    }
    card["integrity"] = {"card_sha256": card_digest(card)}
    return card


def _calibration(recalibration: Mapping[str, Any], evaluation: Mapping[str, Any]) -> dict[str, Any]:
    """What the app reads to trust probabilities: the test ECE, and whether and why the model was recalibrated."""
    return {
        "ece": evaluation.get("ece"),
        "bins": 10,
        "method": recalibration.get("method", "none"),
        "brier_test_uncalibrated": recalibration.get("brier_test_uncalibrated", evaluation["metrics"]["brier"]),
        "brier_test": evaluation["metrics"]["brier"],
        "reason": recalibration.get("reason", "recalibration was not recorded by this build"),
        "setting": recalibration.get("setting"),
        "fitted_on": recalibration.get("fitted_on", "validation"),
        "tried": recalibration.get("tried", {}),
    }


def _fmt(value: Any) -> str:  # noqa: ANN401 - an opaque JSON or Qt value
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def render_markdown(card: Mapping[str, Any]) -> str:
    """MODEL_CARD.md: the card for people."""
    model, target, metrics = card["model"], card["target"], card["metrics"]["test"]
    lines = [
        f"# {model['display_name']} {model['version']}",
        "",
        model.get("description", ""),
        "",
        f"- Algorithm: {model['algorithm']} ({model['estimator']})",
        f"- Built: {model['created_at']} from `{card['provenance']['data_source']}`"
        f" (sha256 `{card['provenance']['data_sha256'][:16]}…`),"
        f" code {card['provenance']['code_version']['commit'][:12]}",
        f"- Predicts `{target['column']}` = `{target['positive_label']}`; threshold {card['threshold']['value']:.2f}",
        f"- Why this threshold: {card['threshold']['reason']}",
        "",
        "## Test metrics",
        "",
        *_metric_lines(metrics, card["metrics"].get("test_ci")),
        "",
        "Confusion matrix at the threshold: "
        + ", ".join(f"{k.upper()} {v}" for k, v in card["confusion_matrix"].items()),
        "",
        "## Quality gates",
        "",
        "A gate checks the point value, or the lower or upper end of the metric's interval (column 'checks').",
        "",
        "| gate | metric | bound | checks | value checked | point | interval | outcome |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for gate in card["gates"]:
        bound = " and ".join(
            b
            for b in (
                f">= {gate['min']:g}" if gate["min"] is not None else "",
                f"<= {gate['max']:g}" if gate["max"] is not None else "",
            )
            if b
        )
        checks = gate.get("bound", "point")
        checks = checks if checks == "point" else f"{checks} end"
        lines.append(
            f"| {gate['name']} | `{gate['metric']}` | {bound} | {checks} | {_fmt(gate['value'])}"
            f" | {_fmt(gate.get('point', gate['value']))} | {_interval(gate.get('interval'))} | {gate['status']} |"
        )
    lines += ["", "## Candidates", "", "| candidate | CV ROC AUC | validation ROC AUC |", "|---|---|---|"]
    for c in card["candidates"]:
        lines.append(
            f"| {c['name']} | {c['cv']['roc_auc']['mean']:.4f} ± {c['cv']['roc_auc']['std']:.4f}"
            f" | {c['validation']['roc_auc']:.4f} |"
        )
    lines += ["", "## Slices (test set)", ""]
    for attribute, result in card["slices"].items():
        lines += [
            f"### {attribute}",
            "",
            "| group | rows | TPR | FPR | precision | selection rate |",
            "|---|---|---|---|---|---|",
        ]
        for group, g in result["groups"].items():
            label = group if g["in_gaps"] else f"{group} (too few rows for the gaps)"
            ci = g.get("ci") or {}
            cells = [f"{_fmt(g[m])}{_paren(ci.get(m))}" for m in ("tpr", "fpr", "precision", "selection_rate")]
            lines.append(f"| {label} | {g['rows']} | " + " | ".join(cells) + " |")
        gap_ci = (result.get("gaps_ci") or {}).get("tpr_gap")
        gaps = ", ".join(f"{k} {_fmt(v)}{_paren(gap_ci) if k == 'tpr_gap' else ''}" for k, v in result["gaps"].items())
        lines += ["", "Largest gaps: " + gaps, ""]
    lines += ["## Permutation importances (test ROC AUC drop)", "", "| feature | mean | std |", "|---|---|---|"]
    lines += [f"| {i['feature']} | {i['mean']:.4f} | {i['std']:.4f} |" for i in card["importances"]]
    lines += ["", *_calibration_lines(card.get("calibration"))]
    comparison = card["comparison"]
    lines += ["", "## Against the shipped model", ""]
    if comparison.get("compared"):
        lines.append(
            f"Champion {comparison['champion']['version']}; decisions flipped on"
            f" {comparison['decision_flip_share']:.2%} of test rows."
        )
        tests = comparison.get("tests", {})
        level = comparison.get("test_level")
        lines += [
            "",
            f"Differences are challenger minus champion on the same test rows, with {_level(level)} intervals.",
            "",
            "| metric | delta | interval | p-value | test |",
            "|---|---|---|---|---|",
        ]
        for k, v in comparison["deltas"].items():
            tested = tests.get(k, {})
            lines.append(
                f"| {k} | {_fmt(v)} | {_interval(tested.get('ci'))} | {_fmt(tested.get('p_value'))}"
                f" | {tested.get('test', 'n/a')} |"
            )
    else:
        lines.append(f"Not compared: {comparison.get('reason', '')}.")
    return "\n".join(lines) + "\n"


def _interval(pair: Sequence[float] | None) -> str:
    return "n/a" if pair is None else f"{pair[0]:.4f} to {pair[1]:.4f}"


def _paren(pair: Sequence[float] | None) -> str:
    return "" if pair is None else f" ({pair[0]:.3f}-{pair[1]:.3f})"


def _level(level: float | None) -> str:
    return "n/a" if level is None else f"{level:.0%}"


def _metric_lines(metrics: Mapping[str, Any], test_ci: Mapping[str, Any] | None) -> list[str]:
    found = (test_ci or {}).get("intervals", {})
    header = f"{_level(test_ci['level'])} interval" if test_ci else "interval"
    lines = [f"| metric | value | {header} |", "|---|---|---|"]
    lines += [f"| {k} | {_fmt(v)} | {_interval(found.get(k))} |" for k, v in metrics.items() if k != "confusion_matrix"]
    if test_ci:
        delong = test_ci.get("delong", {}).get("roc_auc")
        lines += ["", f"Intervals: {test_ci['method']}; DeLong's interval for ROC AUC: {_interval(delong)}."]
    return lines


def _calibration_lines(calibration: Mapping[str, Any] | None) -> list[str]:
    if not calibration:
        return []
    return [
        "## Calibration (test set)",
        "",
        f"- Expected calibration error ({calibration.get('bins', 10)} equal-width bins): {_fmt(calibration['ece'])}",
        f"- Recalibration: {calibration['method']} ({calibration['reason']})",
        f"- Brier score on test: {_fmt(calibration['brier_test'])}"
        f" (uncalibrated {_fmt(calibration['brier_test_uncalibrated'])})",
    ]
