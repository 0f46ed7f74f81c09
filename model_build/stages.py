"""The build's stages, each declared once: what it reads, how it runs, what it writes, how that is read back.

``STAGES`` is the single registry: the pipeline runs it in order, ``--stage`` picks from it, and a test checks
that ``dvc.yaml`` names the same stages, artifacts and code.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

import joblib
import numpy as np
import pandas as pd

from app.core.bundle import load_bundle
from app.core.fileio import atomic_write_bytes, atomic_write_text, sha256_bytes
from app.core.predictor import OnnxPredictor
from app.core.prepare import prepare_features
from model_build import card_builder
from model_build.bundle_writer import write_bundle
from model_build.calibrate import calibrate
from model_build.compare import compare_with_champion
from model_build.config import BuildConfig
from model_build.evaluate import ThresholdChoice, choose_threshold, evaluate
from model_build.exit_codes import EXIT_DATA, EXIT_GATES, EXIT_USAGE, BuildError
from model_build.export import PROBABILITY_OUTPUT, export_onnx, onnx_metadata
from model_build.gates import GateResult, evaluate_gates, measured_intervals, measurements
from model_build.ingest import Snapshot, ingest
from model_build.options import BuildOptions
from model_build.parity import check_parity
from model_build.samples import write_samples
from model_build.split import Split, labels_of, load_split, make_split, save_split
from model_build.train import CandidateResult, TrainResult, feature_specs, train
from model_build.validate import ValidationReport, validate

__all__ = ["COMMON_CODE", "STAGES", "BuildState", "Stage", "stage_named"]

R = TypeVar("R")
JsonDict = dict[str, Any]  # a stage result that is plain JSON (evaluation, parity, comparison)

# Code every stage runs: the driver, the registry, reading the config and the snapshot.
COMMON_CODE = (
    "model_build/pipeline.py",
    "model_build/options.py",
    "model_build/stages.py",
    "model_build/config.py",
    "model_build/ingest.py",
)


class BuildState:
    """One build's results in memory, and the work folder their artifacts go to."""

    def __init__(self, options: BuildOptions, config: BuildConfig, results: dict[str, object]) -> None:
        self.options = options
        self.config = config
        self.artifacts = options.work_dir / config.name
        self.results = results
        self._card: JsonDict | None = None

    def result(self, stage: Stage[R]) -> R:
        """A stage's result, typed as the stage declares it (the driver has run or loaded it)."""
        return cast(R, self.results[stage.name])

    @property
    def frame(self) -> pd.DataFrame:
        """The data snapshot."""
        return self.result(INGEST).frame

    def path(self, artifact: str) -> Path:
        """Where an artifact of this build lives in the work folder."""
        return self.artifacts / artifact

    def save_json(self, artifact: str, data: object) -> None:
        """Write a JSON artifact atomically."""
        atomic_write_text(self.path(artifact), json.dumps(data, indent=1, sort_keys=True, default=str))

    def read_json(self, artifact: str) -> Any:  # noqa: ANN401 - JSON is whatever the artifact holds
        """Read a JSON artifact back."""
        return json.loads(self.path(artifact).read_text())

    def card(self) -> JsonDict:
        """The model card from every stage's results (written only when the gates pass), built once per run."""
        if self._card is None:
            self._card = _build_card(self)
        return self._card


@dataclass(frozen=True)
class Stage(Generic[R]):
    """One build stage: the stages whose results it reads, how it runs, and its artifacts in the work folder."""

    name: str
    reads: tuple[str, ...]
    run: Callable[[BuildState], R]
    describe: Callable[[R], str]
    artifacts: tuple[str, ...] = ()  # files in the work folder (DVC's outs)
    save: Callable[[BuildState, R], None] | None = None
    load: Callable[[BuildState], R] | None = None  # None: the stage runs whenever a later one needs it
    refuse: Callable[[R], None] | None = None  # raises BuildError after saving, when the result stops the build
    code: tuple[str, ...] = field(default=())  # source files beside COMMON_CODE whose change reruns it (DVC's deps)


# ---- each stage's run, save and load ---------------------------------------------------------------------------


def _ingest(state: BuildState) -> Snapshot:
    return ingest(state.config, state.options.accept_data_change)


def _validate(state: BuildState) -> ValidationReport:
    return validate(state.frame, state.config)


def _refuse_invalid(report: ValidationReport) -> None:
    if not report.passed:
        raise BuildError(report.to_text(), exit_code=EXIT_DATA, outcome="data_invalid")


def _load_validation(state: BuildState) -> ValidationReport:
    report = ValidationReport.from_dict(state.read_json("validation.json"))
    _refuse_invalid(report)  # a later stage never runs on data that failed validation
    return report


def _split(state: BuildState) -> Split:
    return make_split(state.frame, state.config)


def _train(state: BuildState) -> TrainResult:
    trained = train(state.frame, state.result(SPLIT), state.config)
    model, calibration = calibrate(state.frame, state.result(SPLIT), trained.pipeline, state.config)
    return TrainResult(trained.winner, model, trained.candidates, calibration)


def _save_train(state: BuildState, result: TrainResult) -> None:
    state.artifacts.mkdir(parents=True, exist_ok=True)
    # A build-time artifact for the later stages only; the app never loads pickles.
    joblib.dump(result.pipeline, state.path("winner.joblib"))
    candidates = [c.to_dict() for c in result.candidates]
    saved = {"winner": result.winner, "candidates": candidates, "calibration": result.calibration}
    state.save_json("candidates.json", saved)


def _load_train(state: BuildState) -> TrainResult:
    saved = state.read_json("candidates.json")
    candidates = [CandidateResult(**c) for c in saved["candidates"]]
    pipeline = joblib.load(state.path("winner.joblib"))
    return TrainResult(saved["winner"], pipeline, candidates, saved.get("calibration", {}))


def _threshold(state: BuildState) -> ThresholdChoice:
    rows = state.frame.iloc[state.result(SPLIT).validation]
    scores = state.result(TRAIN).pipeline.predict_proba(prepare_features(rows, feature_specs(state.config)))[:, 1]
    return choose_threshold(labels_of(rows, state.config), scores, state.config)


def _evaluate(state: BuildState) -> JsonDict:
    return evaluate(
        state.frame, state.result(SPLIT), state.result(TRAIN).pipeline, state.result(THRESHOLD), state.config
    )


def _save_evaluation(state: BuildState, result: JsonDict) -> None:
    state.save_json("evaluation.json", result)
    # The headline numbers, flat, for `dvc metrics show` and `dvc metrics diff`.
    metrics = {k: v for k, v in result["metrics"].items() if isinstance(v, int | float) or v is None}
    if state.options.metrics_path is not None:
        atomic_write_text(state.options.metrics_path, json.dumps(metrics, indent=1, sort_keys=True) + "\n")


def _export(state: BuildState) -> bytes:
    metadata = onnx_metadata(state.config, state.result(THRESHOLD).value)
    return export_onnx(state.result(TRAIN).pipeline, state.config, metadata)


def _parity(state: BuildState) -> JsonDict:
    rows = state.frame.iloc[state.result(SPLIT).test]
    threshold = state.result(THRESHOLD).value
    return check_parity(state.result(EXPORT), state.result(TRAIN).pipeline, rows, threshold, state.config).to_dict()


def _compare(state: BuildState) -> JsonDict:
    rows = state.frame.iloc[state.result(SPLIT).test]
    predictor = OnnxPredictor(state.result(EXPORT), feature_specs(state.config), PROBABILITY_OUTPUT)
    labels, scores = labels_of(rows, state.config), predictor.predict(rows)
    config = state.config
    return compare_with_champion(
        state.options.out_dir,
        config.name,
        rows,
        labels,
        scores,
        state.result(THRESHOLD).value,
        test=config.comparison.test,
        level=config.comparison.level,
        resamples=config.intervals.resamples,
        seed=config.intervals.seed,
    )


def _gates(state: BuildState) -> list[GateResult]:
    # Each result is bound first: passed straight to a Mapping parameter, mypy would solve R as Mapping.
    evaluation, parity, comparison = state.result(EVALUATE), state.result(PARITY), state.result(COMPARE)
    measured, intervals = measurements(evaluation, parity, comparison), measured_intervals(evaluation, comparison)
    return evaluate_gates(
        state.config.gates, measured, comparison["compared"], state.options.allow_regression, intervals
    )


def _load_gates(state: BuildState) -> list[GateResult]:
    return [GateResult(**{k: v for k, v in g.items() if k != "passed"}) for g in state.read_json("gates.json")]


def _bundle(state: BuildState) -> Path:
    failed = [g for g in state.result(GATES) if not g.passed]
    out_dir = state.options.out_dir
    if failed:
        lines = [f"  {g.name}: {g.metric} = {g.value if g.value is not None else 'n/a'} ({g.note})" for g in failed]
        raise BuildError(
            f"Quality gates failed; the bundle in {out_dir} was left untouched:\n" + "\n".join(lines),
            exit_code=EXIT_GATES,
            outcome="gates_failed",
        )
    card = state.card()
    write_bundle(out_dir, state.result(EXPORT), card, card_builder.render_markdown(card))
    load_bundle(out_dir)  # prove the app accepts what was written
    samples = state.options.samples_dir or Path(out_dir).parent / "samples"
    write_samples(state.frame.iloc[state.result(SPLIT).test], state.config, samples)
    return out_dir


def _build_card(state: BuildState) -> JsonDict:
    model, split, config, frame = state.result(EXPORT), state.result(SPLIT), state.config, state.frame
    snapshot = state.result(INGEST)
    # Bound first: passed straight to a Mapping/Sequence parameter, mypy would solve R as that (Stage is invariant).
    evaluation, parity, comparison, gates = (
        state.result(EVALUATE),
        state.result(PARITY),
        state.result(COMPARE),
        state.result(GATES),
    )
    predictor = OnnxPredictor(model, feature_specs(config), PROBABILITY_OUTPUT)
    data = {
        "source": card_builder.display_path(snapshot.source),
        "sha256": snapshot.sha256,
        "rows": len(frame),
        "positive_share": float(np.mean(labels_of(frame, config))),
        "split": {
            "train": len(split.train),
            "validation": len(split.validation),
            "test": len(split.test),
            "seed": config.split.seed,
            "stratified_on": config.target.column,
        },
    }
    return card_builder.build_card(
        config=config,
        data=data,
        train_rows=frame.iloc[split.train],
        trained=state.result(TRAIN),
        threshold=state.result(THRESHOLD),
        evaluation=evaluation,
        onnx_sha256=sha256_bytes(model),
        golden=card_builder.golden_rows(frame.iloc[split.test], predictor.predict, config),
        parity=parity,
        comparison=comparison,
        gates=gates,
    )


def _json_stage_io(artifact: str) -> tuple[Callable[[BuildState, JsonDict], None], Callable[[BuildState], JsonDict]]:
    """Save and load for a stage whose result is one JSON document."""

    def save(state: BuildState, result: JsonDict) -> None:
        state.save_json(artifact, result)

    def load(state: BuildState) -> JsonDict:
        return cast(JsonDict, state.read_json(artifact))

    return save, load


def _describe_compare(result: JsonDict) -> str:
    if not result["compared"]:
        return f"skipped: {result['reason']}"
    tested = result.get("tests", {}).get("roc_auc")
    p_value = "n/a" if not tested or tested["p_value"] is None else f"{tested['p_value']:.3g}"
    ci = f" ({_interval_text(tested['ci'])}, p {p_value}, {tested['test']})" if tested else ""
    return f"ROC AUC delta {result['deltas']['roc_auc']:+.4f}{ci}, {result['decision_flip_share']:.2%} decisions flip"


def _interval_text(pair: list[float] | None) -> str:
    return "interval n/a" if pair is None else f"interval {pair[0]:+.4f} to {pair[1]:+.4f}"


def _describe_train(result: TrainResult) -> str:
    validation = ", ".join(f"{c.name} {c.validation['roc_auc']:.4f}" for c in result.candidates)
    method = result.calibration.get("method", "none")
    return f"winner {result.winner} (validation ROC AUC: {validation}); calibration: {method}"


def _describe_evaluate(result: JsonDict) -> str:
    m, ci = result["metrics"], result.get("test_ci", {}).get("intervals", {})
    roc = ci.get("roc_auc")
    band = f" ({roc[0]:.4f}-{roc[1]:.4f})" if roc else ""
    ece = result.get("ece")
    calibration = f", ECE {ece:.4f}" if ece is not None else ""
    return f"test ROC AUC {m['roc_auc']:.4f}{band}, Brier {m['brier']:.4f}, F1 {m['f1']:.4f}{calibration}"


# ---- the registry ---------------------------------------------------------------------------------------------

INGEST: Stage[Snapshot] = Stage(
    "ingest", (), _ingest, lambda r: f"{len(r.frame)} rows, sha256 {r.sha256[:12]}", code=("model_build/ingest.py",)
)
VALIDATE: Stage[ValidationReport] = Stage(
    "validate",
    ("ingest",),
    _validate,
    lambda r: f"{len(r.findings)} finding(s)",
    artifacts=("validation.json",),
    save=lambda state, report: state.save_json("validation.json", report.to_dict()),
    load=_load_validation,
    refuse=_refuse_invalid,
    code=("model_build/validate.py", "app/core/prepare.py", "app/core/rules.py"),
)
SPLIT: Stage[Split] = Stage(
    "split",
    ("ingest", "validate"),
    _split,
    lambda r: f"train {len(r.train)}, validation {len(r.validation)}, test {len(r.test)}",
    artifacts=("split.csv",),
    save=lambda state, split: save_split(split, state.frame, state.config, state.path("split.csv")),
    load=lambda state: load_split(state.frame, state.config, state.path("split.csv")),
    code=("model_build/split.py",),
)
TRAIN: Stage[TrainResult] = Stage(
    "train",
    ("ingest", "split"),
    _train,
    _describe_train,
    artifacts=("candidates.json", "winner.joblib"),
    save=_save_train,
    load=_load_train,
    code=(
        "model_build/train.py",
        "model_build/calibrate.py",
        "model_build/export.py",
        "app/core/prepare.py",
        "app/core/metrics.py",
        "app/core/predictor.py",
    ),
)
THRESHOLD: Stage[ThresholdChoice] = Stage(
    "threshold",
    ("ingest", "split", "train"),
    _threshold,
    lambda r: f"{r.value:.2f} ({r.expected_value_per_row:,.2f} per row on validation)",
    artifacts=("threshold.json",),
    save=lambda state, choice: state.save_json("threshold.json", choice.to_dict()),
    load=lambda state: ThresholdChoice(**state.read_json("threshold.json")),
    code=("model_build/evaluate.py",),
)
_save_evaluate, _load_evaluate = _json_stage_io("evaluation.json")
EVALUATE: Stage[JsonDict] = Stage(
    "evaluate",
    ("ingest", "split", "train", "threshold"),
    _evaluate,
    _describe_evaluate,
    artifacts=("evaluation.json",),
    save=_save_evaluation,
    load=_load_evaluate,
    code=(
        "model_build/evaluate.py",
        "app/core/metrics.py",
        "app/core/slices.py",
        "app/core/intervals.py",
        "app/core/estimation.py",
    ),
)
EXPORT: Stage[bytes] = Stage(
    "export",
    ("train", "threshold"),
    _export,
    lambda r: f"{len(r):,} bytes, sha256 {sha256_bytes(r)[:12]}",
    artifacts=("model.onnx",),
    save=lambda state, model: atomic_write_bytes(state.path("model.onnx"), model),
    load=lambda state: state.path("model.onnx").read_bytes(),
    code=("model_build/export.py",),
)
_save_parity, _load_parity = _json_stage_io("parity.json")
PARITY: Stage[JsonDict] = Stage(
    "parity",
    ("ingest", "split", "train", "threshold", "export"),
    _parity,
    lambda r: f"max |dp| {r['max_abs_diff']:.2e}, {r['label_mismatches']} label mismatch(es)",
    artifacts=("parity.json",),
    save=_save_parity,
    load=_load_parity,
    code=("model_build/parity.py", "app/core/predictor.py"),
)
_save_compare, _load_compare = _json_stage_io("comparison.json")
COMPARE: Stage[JsonDict] = Stage(
    "compare",
    ("ingest", "split", "threshold", "export"),
    _compare,
    _describe_compare,
    artifacts=("comparison.json",),
    save=_save_compare,
    load=_load_compare,
    code=("model_build/compare.py", "app/core/intervals.py"),
)
GATES: Stage[list[GateResult]] = Stage(
    "gates",
    ("evaluate", "parity", "compare"),
    _gates,
    lambda r: f"{sum(g.passed for g in r)}/{len(r)} passed",
    artifacts=("gates.json",),
    save=lambda state, results: state.save_json("gates.json", [g.to_dict() for g in results]),
    load=_load_gates,
    code=("model_build/gates.py",),
)
BUNDLE: Stage[Path] = Stage(
    "bundle",
    ("ingest", "split", "train", "threshold", "evaluate", "export", "parity", "compare", "gates"),
    _bundle,
    str,
    code=(
        "model_build/card_builder.py",
        "model_build/bundle_writer.py",
        "model_build/samples.py",
        "app/core/card.py",
        "app/core/drift.py",
    ),
)

STAGES: tuple[Stage[Any], ...] = (
    INGEST,
    VALIDATE,
    SPLIT,
    TRAIN,
    THRESHOLD,
    EVALUATE,
    EXPORT,
    PARITY,
    COMPARE,
    GATES,
    BUNDLE,
)
STAGE_NAMES = tuple(stage.name for stage in STAGES)


def stage_named(name: str) -> Stage[Any]:
    """The registry's stage called ``name``."""
    return STAGES[STAGE_NAMES.index(name)]


def missing_input(stage: str, needed: str, artifacts: Path) -> BuildError:
    """The error for a stage run on its own whose input is not in the work folder."""
    return BuildError(
        f"stage {stage!r} needs the output of stage {needed!r}, which is not in {artifacts};"
        f" run `python -m model_build --stage {needed}` (or the whole build) first",
        exit_code=EXIT_USAGE,
        outcome="missing_artifact",
    )
