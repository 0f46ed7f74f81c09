"""Run the build's stages in order, report progress, persist each stage's output, record the run."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.core.fileio import sha256_bytes
from model_build import history
from model_build.config import BuildConfig, load_config
from model_build.exit_codes import BuildError
from model_build.gates import GateResult
from model_build.options import BuildOptions
from model_build.stages import STAGE_NAMES, STAGES, BuildState, Stage, missing_input, stage_named

__all__ = ["STAGE_NAMES", "BuildError", "BuildOptions", "BuildOutcome", "plan", "run_build"]


@dataclass
class BuildOutcome:
    """What a finished build produced."""

    config: BuildConfig
    results: dict[str, Any] = field(default_factory=dict)
    bundle_written: bool = False
    duration_s: float = 0.0

    @property
    def gates(self) -> list[GateResult]:
        """Gate results, when the gates stage ran."""
        return self.results.get("gates", [])


def plan(selected: tuple[str, ...]) -> tuple[list[Stage[Any]], list[Stage[Any]]]:
    """The stages to run and the stages to load from the work folder, each in build order.

    Every stage runs when none is selected. Otherwise the selected ones run with ingest (the snapshot each
    works on), and what they read is loaded, or run when it has nothing to load.
    """
    if not selected:
        return list(STAGES), []
    run, load = {"ingest", *selected}, set()
    pending = list(run)
    while pending:
        for name in stage_named(pending.pop()).reads:
            if name in run or name in load:
                continue
            if stage_named(name).load is not None:
                load.add(name)
            else:
                run.add(name)
                pending.append(name)
    return [s for s in STAGES if s.name in run], [s for s in STAGES if s.name in load]


def _run_stage(stage: Stage[Any], state: BuildState, echo: Callable[[str], None]) -> object:
    """Run one stage with progress lines, save its artifacts, then let it refuse what stops the build."""
    number = f"[{STAGE_NAMES.index(stage.name) + 1:>2}/{len(STAGES)}] {stage.name:<10}"
    echo(f"{number} started")
    started = time.perf_counter()
    try:
        result = stage.run(state)
        if stage.save is not None:
            state.artifacts.mkdir(parents=True, exist_ok=True)
            stage.save(state, result)
        if stage.refuse is not None:
            stage.refuse(result)
    except BuildError:
        echo(f"{number} FAILED after {time.perf_counter() - started:.2f} s")
        raise
    echo(f"{number} ok in {time.perf_counter() - started:.2f} s: {stage.describe(result)}")
    return result


def _load_stage(stage: Stage[Any], state: BuildState, selected: tuple[str, ...]) -> object:
    assert stage.load is not None
    try:
        return stage.load(state)
    except FileNotFoundError:
        raise missing_input(", ".join(selected), stage.name, state.artifacts) from None


def _record(
    options: BuildOptions,
    config: BuildConfig | None,
    outcome: BuildOutcome | None,
    started: float,
    started_at: str,
    status: str,
    error: str = "",
) -> dict[str, Any]:
    results = outcome.results if outcome else {}
    evaluation = results.get("evaluate") or {}
    snapshot = results.get("ingest")
    export = results.get("export")
    return {
        "run_id": uuid.uuid4().hex[:12],
        "started_at": started_at,
        "duration_s": round(time.perf_counter() - started, 2),
        "config": str(options.config_path),
        "model": config.name if config else None,
        "version": config.version if config else None,
        "stage": ",".join(options.stages) or None,
        "outcome": status,
        "error": error.splitlines()[0] if error else "",
        "data_sha256": snapshot.sha256 if snapshot else None,
        "accepted_data_change": bool(snapshot and snapshot.hash_accepted_change),
        "allow_regression": options.allow_regression,
        "winner": results["train"].winner if "train" in results else None,
        "metrics": {k: v for k, v in evaluation.get("metrics", {}).items() if k != "confusion_matrix"},
        "gates": [g.to_dict() for g in results.get("gates", [])],
        "onnx_sha256": sha256_bytes(export) if isinstance(export, bytes) else None,
        "bundle": str(options.out_dir) if outcome and outcome.bundle_written else None,
    }


def _track(options: BuildOptions, build: BuildState, outcome: BuildOutcome, gates_passed: bool) -> None:
    """Log a complete build to MLflow when asked; a tracking failure is reported, not fatal."""
    if options.tracking_uri is None or options.stages:
        return
    from model_build.tracking import TrackingError, log_build

    options.echo(f"[mlflow] logging the build to {options.tracking_uri}")
    try:
        export = outcome.results.get("export")
        outcome.results["tracking"] = log_build(
            options.tracking_uri, outcome.config, outcome.results, build.card(), export, gates_passed
        )
    except TrackingError as error:
        outcome.results["tracking"] = {"error": str(error)}
    except Exception as error:  # a tracking server that fails must not lose a finished build
        outcome.results["tracking"] = {"error": f"MLflow logging failed: {error}"}
    if "error" in outcome.results["tracking"]:
        options.echo(f"[mlflow] {outcome.results['tracking']['error']}")


def run_build(options: BuildOptions) -> BuildOutcome:
    """Run every stage (or only ``options.stages``), appending the run to the history whatever happens."""
    started, started_at = time.perf_counter(), dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    config: BuildConfig | None = None
    outcome: BuildOutcome | None = None
    history_path = options.work_dir / "history.jsonl"
    try:
        config = load_config(options.config_path)
        outcome = BuildOutcome(config=config)
        build = BuildState(options, config, outcome.results)
        to_run, to_load = plan(options.stages)
        for stage in STAGES:
            if stage in to_load:
                outcome.results[stage.name] = _load_stage(stage, build, options.stages)
            elif stage in to_run:
                outcome.results[stage.name] = _run_stage(stage, build, options.echo)
        outcome.bundle_written = "bundle" in outcome.results
        _track(options, build, outcome, gates_passed=True)
        outcome.duration_s = time.perf_counter() - started
        history.append_run(history_path, _record(options, config, outcome, started, started_at, "success"))
        return outcome
    except BuildError as error:
        if error.outcome == "gates_failed" and outcome is not None:
            _track(options, build, outcome, gates_passed=False)
        history.append_run(
            history_path, _record(options, config, outcome, started, started_at, error.outcome, str(error))
        )
        raise
    except Exception as error:
        history.append_run(history_path, _record(options, config, outcome, started, started_at, "error", repr(error)))
        raise
