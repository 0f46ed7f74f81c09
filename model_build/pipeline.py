"""Run the build's stages in order, report progress, persist each stage's output, record the run."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np

from app.core.bundle import load_bundle
from app.core.fileio import atomic_write_bytes, atomic_write_text, sha256_bytes
from app.core.predictor import OnnxPredictor
from model_build import card_builder, history
from model_build.bundle_writer import write_bundle
from model_build.compare import compare_with_champion
from model_build.config import BuildConfig, load_config
from model_build.evaluate import ThresholdChoice, choose_threshold, evaluate
from model_build.export import PROBABILITY_OUTPUT, export_onnx, onnx_metadata
from model_build.gates import GateResult, evaluate_gates, measurements
from model_build.ingest import Snapshot, ingest
from model_build.parity import check_parity
from model_build.samples import write_samples
from model_build.split import Split, labels_of, load_split, make_split, save_split
from model_build.train import CandidateResult, TrainResult, feature_specs, train
from model_build.validate import validate

__all__ = ["STAGES", "BuildError", "BuildOptions", "BuildOutcome", "run_build"]

STAGES = (
    "ingest",
    "validate",
    "split",
    "train",
    "threshold",
    "evaluate",
    "export",
    "parity",
    "compare",
    "gates",
    "bundle",
)


class BuildError(RuntimeError):
    """A build that stopped on purpose: bad data, failed gates or a missing artifact."""

    def __init__(self, message: str, exit_code: int, outcome: str) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.outcome = outcome


@dataclass(frozen=True)
class BuildOptions:
    """How to run one build."""

    config_path: Path
    out_dir: Path
    work_dir: Path
    accept_data_change: bool = False
    allow_regression: bool = False
    stages: tuple[str, ...] = ()  # empty: every stage; else only these, reading the others' outputs
    samples_dir: Path | None = None  # default: "samples" beside the bundle folder
    tracking_uri: str | None = None  # log the build to MLflow there (optional extra `tracking`)
    metrics_path: Path | None = None  # also write the flat test metrics here (DVC tracks it in git)
    echo: Callable[[str], None] = print


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


def _describe(name: str, result: Any) -> str:
    """One line about a stage's result for the progress log."""
    if name == "ingest":
        return f"{len(result.frame)} rows, sha256 {result.sha256[:12]}"
    if name == "validate":
        return f"{len(result.findings)} finding(s)"
    if name == "split":
        return f"train {len(result.train)}, validation {len(result.validation)}, test {len(result.test)}"
    if name == "train":
        scores = ", ".join(f"{c.name} {c.validation['roc_auc']:.4f}" for c in result.candidates)
        return f"winner {result.winner} (validation ROC AUC: {scores})"
    if name == "threshold":
        return f"{result.value:.2f} ({result.expected_value_per_row:,.2f} per row on validation)"
    if name == "evaluate":
        m = result["metrics"]
        return f"test ROC AUC {m['roc_auc']:.4f}, Brier {m['brier']:.4f}, F1 {m['f1']:.4f}"
    if name == "export":
        return f"{len(result):,} bytes, sha256 {sha256_bytes(result)[:12]}"
    if name == "parity":
        return f"max |dp| {result['max_abs_diff']:.2e}, {result['label_mismatches']} label mismatch(es)"
    if name == "compare":
        if not result["compared"]:
            return f"skipped: {result['reason']}"
        return f"ROC AUC delta {result['deltas']['roc_auc']:+.4f}, {result['decision_flip_share']:.2%} decisions flip"
    if name == "gates":
        return f"{sum(g.passed for g in result)}/{len(result)} passed"
    return str(result)


class _Build:
    """One build's state: stage results in memory and on disk in the work folder."""

    def __init__(self, options: BuildOptions, config: BuildConfig) -> None:
        self.options = options
        self.config = config
        self.artifacts = options.work_dir / config.name
        self.results: dict[str, Any] = {}
        self.snapshot: Snapshot | None = None
        self._card: dict[str, Any] | None = None

    # Each stage: compute from earlier results, persist, return.
    def ingest(self) -> Snapshot:
        self.snapshot = ingest(self.config, self.options.accept_data_change)
        return self.snapshot

    @property
    def frame(self) -> Any:
        assert self.snapshot is not None
        return self.snapshot.frame

    def validate(self) -> Any:
        report = validate(self.frame, self.config)
        self._save_json("validation.json", report.to_dict())
        if not report.passed:
            raise BuildError(report.to_text(), exit_code=3, outcome="data_invalid")
        return report

    def split(self) -> Split:
        split = make_split(self.frame, self.config)
        save_split(split, self.frame, self.config, self.artifacts / "split.csv")
        return split

    def train(self) -> TrainResult:
        result = train(self.frame, self.results["split"], self.config)
        self.artifacts.mkdir(parents=True, exist_ok=True)
        # A build-time artifact for the later stages only; the app never loads pickles.
        joblib.dump(result.pipeline, self.artifacts / "winner.joblib")
        self._save_json(
            "candidates.json", {"winner": result.winner, "candidates": [c.to_dict() for c in result.candidates]}
        )
        return result

    def threshold(self) -> ThresholdChoice:
        split, trained = self.results["split"], self.results["train"]
        rows = self.frame.iloc[split.validation]
        from app.core.prepare import prepare_features

        scores = trained.pipeline.predict_proba(prepare_features(rows, feature_specs(self.config)))[:, 1]
        choice = choose_threshold(labels_of(rows, self.config), scores, self.config)
        self._save_json("threshold.json", choice.to_dict())
        return choice

    def evaluate(self) -> dict[str, Any]:
        result = evaluate(
            self.frame, self.results["split"], self.results["train"].pipeline, self.results["threshold"], self.config
        )
        self._save_json("evaluation.json", result)
        # The headline numbers, flat, for `dvc metrics show` and `dvc metrics diff`.
        metrics = {k: v for k, v in result["metrics"].items() if isinstance(v, int | float) or v is None}
        if self.options.metrics_path is not None:
            atomic_write_text(self.options.metrics_path, json.dumps(metrics, indent=1, sort_keys=True) + "\n")
        return result

    def export(self) -> bytes:
        metadata = onnx_metadata(self.config, self.results["threshold"].value)
        model = export_onnx(self.results["train"].pipeline, self.config, metadata)
        atomic_write_bytes(self.artifacts / "model.onnx", model)
        return model

    def parity(self) -> dict[str, Any]:
        rows = self.frame.iloc[self.results["split"].test]
        result = check_parity(
            self.results["export"], self.results["train"].pipeline, rows, self.results["threshold"].value, self.config
        ).to_dict()
        self._save_json("parity.json", result)
        return result

    def _test_scores(self) -> tuple[Any, np.ndarray, np.ndarray]:
        rows = self.frame.iloc[self.results["split"].test]
        predictor = OnnxPredictor(self.results["export"], feature_specs(self.config), PROBABILITY_OUTPUT)
        return rows, labels_of(rows, self.config), predictor.predict(rows)

    def compare(self) -> dict[str, Any]:
        rows, labels, scores = self._test_scores()
        result = compare_with_champion(
            self.options.out_dir, self.config.name, rows, labels, scores, self.results["threshold"].value
        )
        self._save_json("comparison.json", result)
        return result

    def gates(self) -> list[GateResult]:
        measured = measurements(self.results["evaluate"], self.results["parity"], self.results["compare"])
        results = evaluate_gates(
            self.config.gates, measured, self.results["compare"]["compared"], self.options.allow_regression
        )
        self._save_json("gates.json", [g.to_dict() for g in results])
        return results

    def bundle(self) -> Path:
        failed = [g for g in self.results["gates"] if not g.passed]
        if failed:
            lines = [f"  {g.name}: {g.metric} = {g.value if g.value is not None else 'n/a'} ({g.note})" for g in failed]
            raise BuildError(
                "Quality gates failed; the bundle in {} was left untouched:\n{}".format(
                    self.options.out_dir, "\n".join(lines)
                ),
                exit_code=4,
                outcome="gates_failed",
            )
        card = self.card()
        write_bundle(self.options.out_dir, self.results["export"], card, card_builder.render_markdown(card))
        load_bundle(self.options.out_dir)  # prove the app accepts what was written
        samples = self.options.samples_dir or Path(self.options.out_dir).parent / "samples"
        write_samples(self.frame.iloc[self.results["split"].test], self.config, samples)
        return self.options.out_dir

    def card(self) -> dict[str, Any]:
        """The model card from every stage's results (written only when the gates pass), built once per run."""
        if self._card is None:
            self._card = self._build_card()
        return self._card

    def _build_card(self) -> dict[str, Any]:
        model = self.results["export"]
        split = self.results["split"]
        predictor = OnnxPredictor(model, feature_specs(self.config), PROBABILITY_OUTPUT)
        data = {
            "source": self.snapshot.source,
            "sha256": self.snapshot.sha256,
            "rows": len(self.frame),
            "positive_share": float(labels_of(self.frame, self.config).mean()),
            "split": {
                "train": len(split.train),
                "validation": len(split.validation),
                "test": len(split.test),
                "seed": self.config.split.seed,
                "stratified_on": self.config.target.column,
            },
        }
        return card_builder.build_card(
            config=self.config,
            data=data,
            train_rows=self.frame.iloc[split.train],
            trained=self.results["train"],
            threshold=self.results["threshold"],
            evaluation=self.results["evaluate"],
            onnx_sha256=sha256_bytes(model),
            golden=card_builder.golden_rows(self.frame.iloc[split.test], predictor.predict, self.config),
            parity=self.results["parity"],
            comparison=self.results["compare"],
            gates=self.results["gates"],
        )

    # Loading persisted results, for running a single stage.
    def load(self, name: str) -> Any:
        try:
            if name == "validate":
                return json.loads((self.artifacts / "validation.json").read_text())
            if name == "split":
                return load_split(self.frame, self.config, self.artifacts / "split.csv")
            if name == "train":
                saved = json.loads((self.artifacts / "candidates.json").read_text())
                candidates = [CandidateResult(**{k: v for k, v in c.items()}) for c in saved["candidates"]]
                return TrainResult(saved["winner"], joblib.load(self.artifacts / "winner.joblib"), candidates)
            if name == "threshold":
                return ThresholdChoice(**json.loads((self.artifacts / "threshold.json").read_text()))
            if name == "export":
                return (self.artifacts / "model.onnx").read_bytes()
            if name == "gates":
                saved = json.loads((self.artifacts / "gates.json").read_text())
                return [GateResult(**{k: v for k, v in g.items() if k != "passed"}) for g in saved]
            file = {"evaluate": "evaluation.json", "parity": "parity.json", "compare": "comparison.json"}[name]
            return json.loads((self.artifacts / file).read_text())
        except FileNotFoundError:
            raise BuildError(
                f"stage {', '.join(self.options.stages)!r} needs the output of stage {name!r}, which is not in"
                f" {self.artifacts};"
                f" run `python -m model_build --stage {name}` (or the whole build) first",
                exit_code=2,
                outcome="missing_artifact",
            ) from None

    def _save_json(self, name: str, data: Any) -> None:
        atomic_write_text(self.artifacts / name, json.dumps(data, indent=1, sort_keys=True, default=str))


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


def _track(options: BuildOptions, build: _Build, outcome: BuildOutcome, gates_passed: bool) -> None:
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
        build = _Build(options, config)
        build.results = outcome.results
        last = max((STAGES.index(s) for s in options.stages), default=len(STAGES) - 1)
        selected = STAGES[: last + 1]
        for number, name in enumerate(selected, start=1):
            if options.stages and name not in ("ingest", *options.stages):
                outcome.results[name] = build.load(name)
                continue
            options.echo(f"[{number:>2}/{len(STAGES)}] {name:<10} started")
            stage_started = time.perf_counter()
            try:
                outcome.results[name] = getattr(build, name)()
            except BuildError:
                options.echo(
                    f"[{number:>2}/{len(STAGES)}] {name:<10} FAILED after {time.perf_counter() - stage_started:.2f} s"
                )
                raise
            seconds = time.perf_counter() - stage_started
            options.echo(
                f"[{number:>2}/{len(STAGES)}] {name:<10} ok in {seconds:.2f} s:"
                f" {_describe(name, outcome.results[name])}"
            )
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
