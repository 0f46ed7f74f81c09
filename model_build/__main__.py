"""`python -m model_build`: build, gate and export the model bundle; `history` lists past runs."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from model_build.exit_codes import EXIT_DATA, EXIT_GATES, EXIT_OK, EXIT_USAGE, exit_code_for
from model_build.history import format_runs, read_runs
from model_build.paths import DEFAULT_CONFIG, default_out_dir, default_work_dir
from model_build.pipeline import STAGE_NAMES, BuildOptions, BuildOutcome, run_build
from model_build.tracking import INSTALL_HINT, tracking_uri


def _stages(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in STAGE_NAMES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown stage(s) {unknown}; stages are {', '.join(STAGE_NAMES)}")
    return names


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m model_build",
        description="Train, evaluate, gate and export the model bundle.",
        epilog=f"exit codes: {EXIT_OK} built, {EXIT_USAGE} bad configuration or arguments,"
        f" {EXIT_DATA} data refused (hash or validation), {EXIT_GATES} quality gates failed",
    )
    parser.add_argument("command", nargs="?", choices=["build", "history"], default="build")
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="model configuration (TOML)")
    parser.add_argument("--out", type=Path, default=None, help="bundle folder (default: resources/model)")
    parser.add_argument(
        "--samples", type=Path, default=None, help="sample files folder (default: samples beside --out)"
    )
    parser.add_argument(
        "--work", type=Path, default=None, help="stage outputs and run history (default: .build/model_build)"
    )
    parser.add_argument(
        "--stage",
        dest="stages",
        type=_stages,
        action="extend",
        default=[],
        metavar="NAME[,NAME]",
        help=f"run only these stages ({', '.join(STAGE_NAMES)}), reading earlier stages' outputs from --work",
    )
    parser.add_argument("--metrics", type=Path, default=None, help="also write the flat test metrics (JSON) here")
    parser.add_argument(
        "--mlflow",
        nargs="?",
        const="",
        default=None,
        metavar="URI",
        help="log candidates, the winner, gates and the model to MLflow (default store: --work/mlflow.db;"
        " MLFLOW_TRACKING_URI also turns it on); needs the tracking extra",
    )
    parser.add_argument(
        "--accept-data-change", action="store_true", help="build although the data hash differs from the config"
    )
    parser.add_argument(
        "--allow-regression", action="store_true", help="waive the no-regression gates against the shipped model"
    )
    parser.add_argument("--limit", type=int, default=20, help="history: how many recent runs to list")
    parser.add_argument("--json", action="store_true", help="history: print JSON")
    return parser


def _summary(outcome: BuildOutcome, out_dir: Path, stages: tuple[str, ...] = ()) -> str:
    results = outcome.results
    done = f"stage(s) {', '.join(stages)} done" if stages else "built"
    lines = ["", f"== {outcome.config.display_name} {outcome.config.version}: {done} in {outcome.duration_s:.1f} s =="]
    if "train" in results:
        lines.append(
            f"winner: {results['train'].winner} (simplest within {outcome.config.selection_tolerance:g}"
            f" of the best validation {outcome.config.selection_metric})"
        )
    if "threshold" in results:
        lines.append(f"threshold: {results['threshold'].value:.2f}")
    if "evaluate" in results:
        lines += _evaluation_lines(results["evaluate"])
    if "train" in results and results["train"].calibration:
        calibration = results["train"].calibration
        lines.append(f"calibration: {calibration['method']} ({calibration['reason']})")
    if "compare" in results:
        lines.append(_comparison_line(results["compare"]))
    for gate in outcome.gates:
        value = "n/a" if gate.value is None else f"{gate.value:.6g}"
        checked = "" if gate.bound == "point" else f" ({gate.bound} end of {_interval(gate.interval)})"
        lines.append(f"gate {gate.status:<14} {gate.name}: {gate.metric} = {value}{checked} {gate.note}".rstrip())
    if outcome.bundle_written:
        lines.append(f"bundle written to {out_dir}")
    tracking = results.get("tracking")
    if tracking and "run_id" in tracking:
        registered = f", registered as {tracking['experiment']} version {tracking['registered_version']}"
        lines.append(f"MLflow: run {tracking['run_id']} in {tracking['uri']}{registered}")
    elif tracking:
        lines.append(f"MLflow: {tracking['error']}")
    elif not stages:
        lines.append(f"experiment tracking: off (to log to MLflow: {INSTALL_HINT}, then add --mlflow)")
    return "\n".join(lines)


def _interval(pair: list[float] | None) -> str:
    return "n/a" if pair is None else f"{pair[0]:.4f}-{pair[1]:.4f}"


def _evaluation_lines(evaluation: dict) -> list[str]:
    m = evaluation["metrics"]
    test_ci = evaluation.get("test_ci")
    found = test_ci["intervals"] if test_ci else {}
    names = ("roc_auc", "pr_auc", "brier", "log_loss", "accuracy", "precision", "recall", "f1")
    level = f" ({test_ci['level']:.0%} intervals: {test_ci['method']})" if test_ci else ""
    lines = [f"test{level}:"]
    lines += [f"  {k:<10} {m[k]:.4f}  [{_interval(found.get(k))}]" for k in names]
    cm = m["confusion_matrix"]
    lines.append(f"confusion at threshold: TP {cm['tp']}  FP {cm['fp']}  TN {cm['tn']}  FN {cm['fn']}")
    if evaluation.get("ece") is not None:
        lines.append(f"expected calibration error on test: {evaluation['ece']:.4f}")
    return lines


def _comparison_line(c: dict) -> str:
    if not c["compared"]:
        return f"vs shipped: not compared ({c['reason']})"
    line = f"vs shipped: ROC AUC {c['deltas']['roc_auc']:+.4f}"
    tested = c.get("tests", {}).get("roc_auc")
    if tested:
        p_value = "n/a" if tested["p_value"] is None else f"{tested['p_value']:.3g}"
        line += f" ({c['test_level']:.0%} interval {_interval(tested['ci'])}, p {p_value}, {tested['test']})"
    return line + f", decisions flipped {c['decision_flip_share']:.2%}"


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    arguments = sys.argv[1:] if argv is None else argv
    if arguments[:1] in (["keygen"], ["package"]):
        from model_build.packaging import main as packaging_main

        return packaging_main(list(arguments))
    args = _parser().parse_args(argv)
    work_dir = args.work or default_work_dir()
    if args.command == "history":
        runs = read_runs(work_dir / "history.jsonl", args.limit)
        print(json.dumps(runs, indent=1) if args.json else format_runs(runs))
        return EXIT_OK
    out_dir = args.out or default_out_dir()
    options = BuildOptions(
        config_path=args.config,
        out_dir=out_dir,
        work_dir=work_dir,
        accept_data_change=args.accept_data_change,
        allow_regression=args.allow_regression,
        stages=tuple(args.stages),
        tracking_uri=tracking_uri(args.mlflow, work_dir),
        metrics_path=args.metrics,
        samples_dir=args.samples,
        echo=lambda line: print(line, flush=True),
    )
    try:
        outcome = run_build(options)
    except Exception as error:
        code = exit_code_for(error)
        if code is None:
            raise
        print(f"error: {error}", file=sys.stderr)
        return code
    print(_summary(outcome, out_dir, options.stages))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
