"""The headless command line: score, check, evaluate, report, info and self-test.

Exit codes: 0 done (warnings allowed); 2 the input or the arguments cannot be used
(one line on stderr names the file and the problem, and no output file is left);
3 the model bundle failed its integrity check.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from app.core.bundle import Bundle, BundleError, load_bundle
from app.core.drift import drifted_and_unsure
from app.core.estimation import PerformanceEstimate
from app.core.fileio import OutputError
from app.core.i18n import LANGUAGES, N_, Figure, Message, general, ngettext, set_language, shown
from app.core.i18n import gettext as _
from app.core.language import choose_language
from app.core.reading import InputError, InputOptions
from app.core.report import FileReport
from app.core.scoring import MissingColumnsError
from app.core.words import DRIFT_STATUSES, GATE_STATUSES, SEVERITIES, verdict_word, word

if TYPE_CHECKING:
    from app.core.model_store import ModelStore

__all__ = ["EXIT_BUNDLE", "EXIT_INPUT", "EXIT_OK", "main"]

EXIT_OK, EXIT_INPUT, EXIT_BUNDLE = 0, 2, 3


class _UsageError(Exception):
    """Bad arguments, reported in one line with exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(_("{program}: {message} (see --help)").format(program=self.prog, message=message))


def _bounded(convert: type[float] | type[int], low: float, high: float, what: str) -> Callable[[str], float | int]:
    """An argparse type: a number of the given kind within [low, high], with a one-line error otherwise. The
    numbers in the message are written as they are typed (``0.5``), whatever the language."""

    def parse(text: str) -> float | int:
        try:
            value = convert(text)
        except ValueError:
            if convert is int:
                message = _("{what} {text} is not a whole number")
            else:
                message = _("{what} {text} is not a number")
            raise argparse.ArgumentTypeError(message.format(what=_(what), text=repr(text))) from None
        if not low <= value <= high:
            if high == float("inf"):
                limits = _("at least {low}").format(low=f"{low:g}")
            else:
                limits = _("within {low}..{high}").format(low=f"{low:g}", high=f"{high:g}")
            raise argparse.ArgumentTypeError(
                _("{what} {value} is outside the allowed range: {limits}").format(
                    what=_(what), value=f"{value:g}", limits=limits
                )
            )
        return value + 0  # -0.0 becomes 0.0, so it prints as 0.00

    return parse


_threshold = _bounded(float, 0.0, 1.0, N_("threshold"))
_reasons = _bounded(int, 1, 10, "--explain")
_limit = _bounded(int, 1, float("inf"), "--limit")
_workers = _bounded(int, 1, 1024, "--workers")
_partition_mb = _bounded(float, 0.001, 1 << 20, "--partition-mb")


def _program_name() -> str:
    """How the user started us: the frozen program as typed (``scoredesk`` from the .deb), else ``python -m app``."""
    return Path(sys.argv[0]).name if getattr(sys, "frozen", False) else "python -m app"


def _parser() -> _Parser:
    parser = _Parser(prog=_program_name(), description=_("Score customer files offline with the bundled model."))
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    language = _Parser(add_help=False)
    language.add_argument(
        "--lang",
        choices=sorted(LANGUAGES),
        default=None,
        help=_("the language of messages (default: the one last chosen, else the system's); remembered"),
    )
    model = _Parser(add_help=False)
    model.add_argument(
        "--model", type=Path, default=None, metavar="DIR", help=_("model bundle folder (default: the bundled one)")
    )
    reading = _Parser(add_help=False)
    reading.add_argument(
        "--mapping",
        type=Path,
        default=None,
        metavar="FILE",
        help=_("column mapping (TOML) for a file whose columns differ"),
    )
    reading.add_argument(
        "--sheet",
        default=None,
        metavar="NAME",
        help=_("the workbook sheet to read (default: the active one, else the first visible one)"),
    )
    score = commands.add_parser(
        "score", parents=[language, model, reading], help=_("score a CSV file into a new CSV file")
    )
    score.add_argument(
        "input", nargs="+", metavar="IN", help=_("the file to score (with --engine dask: files, folders, globs)")
    )
    score.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT",
        help=_("scored file; - for stdout; with --engine dask a new folder or object-store URL"),
    )
    score.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help=_("local: this process (default); dask: a Dask cluster"),
    )
    score.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help=_("a running Dask scheduler, tcp://host:8786 (default: $SCOREDESK_DASK_SCHEDULER, else a local cluster)"),
    )
    score.add_argument(
        "--workers",
        type=_workers,
        default=None,
        metavar="N",
        help=_("local cluster's worker processes (default: the cores)"),
    )
    score.add_argument(
        "--format", choices=("csv", "parquet"), default="csv", help=_("--engine dask's part files (default csv)")
    )
    score.add_argument(
        "--partition-mb",
        type=_partition_mb,
        default=64,
        metavar="MB",
        help=_("--engine dask: bytes of CSV per partition (default 64)"),
    )
    score.add_argument(
        "--threshold", type=_threshold, default=None, metavar="T", help=_("decision threshold (default: the card's)")
    )
    score.add_argument(
        "--explain", type=_reasons, default=0, metavar="K", help=_("add each row's top K reasons to OUT")
    )
    score.add_argument("--no-log", action="store_true", help=_("do not record this run in the run log"))
    score.add_argument(
        "--log-rows", action="store_true", help=_("also log every row's values (off by default: privacy)")
    )
    check = commands.add_parser(
        "check", parents=[language, model, reading], help=_("sanity and drift report for a CSV file")
    )
    check.add_argument("input", type=Path, metavar="IN")
    check.add_argument("--json", action="store_true")
    evaluate = commands.add_parser(
        "evaluate", parents=[language, model, reading], help=_("metrics on a labelled CSV file")
    )
    evaluate.add_argument("input", type=Path, metavar="IN")
    evaluate.add_argument(
        "--label", default=None, metavar="COLUMN", help=_("label column (default: the card's target)")
    )
    evaluate.add_argument("--threshold", type=_threshold, default=None, metavar="T")
    evaluate.add_argument("--json", action="store_true")
    evaluate.add_argument(
        "--ci-level",
        type=_ci_level,
        default=0.95,
        metavar="L",
        help=_("confidence level of the intervals (default 0.95)"),
    )
    evaluate.add_argument(
        "--bootstrap",
        type=_resamples,
        default=1000,
        metavar="N",
        help=_("bootstrap resamples for the intervals (default 1000; 0 for none)"),
    )
    report = commands.add_parser(
        "report",
        parents=[language, model, reading],
        help=_("a self-contained HTML report on a file: summary, sanity, drift, quality, decisions, fairness, card"),
    )
    report.add_argument("input", type=Path, metavar="IN")
    report.add_argument("-o", "--output", type=Path, required=True, metavar="OUT", help=_("the HTML file to write"))
    report.add_argument(
        "--threshold", type=_threshold, default=None, metavar="T", help=_("decision threshold (default: the card's)")
    )
    report.add_argument(
        "--title", default=None, metavar="TEXT", help=_("the report's title (default: the file's name)")
    )
    info = commands.add_parser("info", parents=[language, model], help=_("the model card's summary"))
    info.add_argument("--json", action="store_true")
    history = commands.add_parser(
        "history", parents=[language, model], help=_("scoring runs over time: drift, scores, issues and alerts")
    )
    history.add_argument("--json", action="store_true")
    history.add_argument("--limit", type=_limit, default=50, help=_("how many recent runs (default 50)"))
    models = commands.add_parser("model", help=_("install, list, switch and verify signed model packages"))
    model_commands = models.add_subparsers(dest="model_command", required=True, parser_class=_Parser)
    install = model_commands.add_parser(
        "install", parents=[language], help=_("verify a .sdmodel package and make it the active model")
    )
    install.add_argument("package", type=Path, metavar="FILE.sdmodel")
    install.add_argument(
        "--allow-downgrade",
        action="store_true",
        help=_("install a version not newer than the active, the shipped or one installed before"),
    )
    install.add_argument("--allow-other-model", action="store_true", help=_("install a model of another name"))
    listing = model_commands.add_parser(
        "list", parents=[language], help=_("the installed versions, the active one marked")
    )
    listing.add_argument("--json", action="store_true")
    use = model_commands.add_parser("use", parents=[language], help=_("make an installed version active"))
    use.add_argument("version", metavar="VERSION")
    use.add_argument(
        "--allow-downgrade",
        action="store_true",
        help=_("use a version older than the shipped one or one installed before (a warning names both)"),
    )
    model_commands.add_parser(
        "rollback", parents=[language], help=_("go back to the version active before the last switch")
    )
    verify = model_commands.add_parser(
        "verify", parents=[language], help=_("check a package, or the active model, against the trusted keys")
    )
    verify.add_argument("package", type=Path, nargs="?", default=None, metavar="FILE.sdmodel")
    verify.add_argument("--active", action="store_true", help=_("verify the active installed model"))
    self_test = commands.add_parser(
        "self-test",
        parents=[language, model],
        help=_("verify the bundle, its golden rows, the sample file and the window"),
    )
    self_test.add_argument("--no-gui", action="store_true", help=_("skip building the desktop window offscreen"))
    return parser


def _fmt(value: object, digits: int = 4) -> str:
    if value is None:
        return _("n/a")
    return Figure(value, digits).local() if isinstance(value, float) else str(value)


def _issue_lines(report: FileReport, limit: int = 20) -> list[str]:
    lines = []
    for issue in report.issues[:limit]:
        more = ", …" if issue.rows > len(issue.examples) else ""
        rows = (
            _(" (rows {rows}{more})").format(rows=", ".join(map(str, issue.examples)), more=more)
            if issue.examples
            else ""
        )
        lines.append(f"  {word(SEVERITIES, issue.severity):<7} {issue.code:<16} {issue.shown()}{rows}")
    if len(report.issues) > limit:
        lines.append(_("  … and {count} more (use --json for all)").format(count=len(report.issues) - limit))
    return lines


def _psi(value: float) -> str:
    return Figure(value, 3).local()


def _drift_line(report: FileReport) -> str:
    if not report.drift:
        return _("drift: not computed")
    drifted, unsure = drifted_and_unsure(report.drift)
    worst = max(report.drift.items(), key=lambda item: item[1]["psi"])
    features = len(report.drift)
    if drifted:
        line = _("drift: {features}").format(
            features=", ".join(
                f"{n} {_psi(report.drift[n]['psi'])} ({word(DRIFT_STATUSES, report.drift[n]['status'])})"
                for n in drifted
            )
        )
    elif unsure:
        line = _("drift: none confirmed (largest PSI {psi}, {feature})").format(
            psi=_psi(worst[1]["psi"]), feature=worst[0]
        )
    else:
        return _("drift: all {count} features ok (largest PSI {psi}, {feature})").format(
            count=features, psi=_psi(worst[1]["psi"]), feature=worst[0]
        )
    if unsure:
        line += ngettext(
            "; {count} of {features} features: too few rows to tell ({rows} row)",
            "; {count} of {features} features: too few rows to tell ({rows} rows)",
            report.rows,
        ).format(count=len(unsure), features=features, rows=_count(report.rows))
    return line


def _share(value: float, digits: int = 1) -> str:
    """A share as a percentage: ``21%`` / ``21 %``."""
    return Figure(value, digits, share=True).local()


def _count(value: int) -> str:
    """A count as the English output always wrote it (3049), or in the language's own form (3.049)."""
    return Figure(value).local()


def _status_line(report: FileReport) -> str:
    counts = report.status_counts
    return _("{ok} ok, {warning} warning, {invalid} invalid").format(
        ok=_count(counts["ok"]), warning=_count(counts["warning"]), invalid=_count(counts["invalid"])
    )


def _options(args: argparse.Namespace, bundle: Bundle) -> InputOptions:
    """The sheet and the column mapping the command was given."""
    from app.core.mapping_file import load_mapping

    mapping = load_mapping(args.mapping, bundle.card) if args.mapping is not None else None
    return InputOptions(sheet=args.sheet, mapping=mapping)


def _score(args: argparse.Namespace, bundle: Bundle) -> int:
    from app.core.output import score_to_csv
    from app.core.runlog import RunLog, RunRecorder

    if args.engine == "dask":
        return _score_distributed(args, bundle)
    for option, given in (("--scheduler", args.scheduler), ("--workers", args.workers)):
        if given:
            raise InputError(Message.of(N_("{option} applies to --engine dask"), option=option))
    if len(args.input) > 1:
        raise InputError(
            Message.of(
                N_("{count} inputs given: the local engine scores one file; use --engine dask"),
                count=Figure(len(args.input)),
            )
        )
    if args.format != "csv":
        raise InputError(Message.of(N_("--format parquet writes a folder of parts: use it with --engine dask")))
    args.input = Path(args.input[0])
    recorder = None if args.no_log else RunRecorder(RunLog.default(), bundle, "cli", log_rows=args.log_rows)
    to_stdout = str(args.output) == "-"  # the rows go to standard output, the summary to stderr
    summary = sys.stderr if to_stdout else sys.stdout
    with recorder.recording(args.input) if recorder else contextlib.nullcontext():
        result = score_to_csv(
            args.input,
            None if to_stdout else Path(args.output),
            bundle,
            args.threshold,
            sinks=recorder.sinks if recorder else [],
            explain=args.explain,
            stream=sys.stdout.buffer if to_stdout else None,
            options=_options(args, bundle),
        )
    if recorder:
        recorder.succeeded(result.report, result.scores)
    report = result.report
    print(
        ngettext(
            "Scored {rows} row of {input} into {output}: {statuses}; {positive} predicted {label} at threshold"
            " {threshold}.",
            "Scored {rows} rows of {input} into {output}: {statuses}; {positive} predicted {label} at threshold"
            " {threshold}.",
            report.rows,
        ).format(
            rows=_count(report.rows),
            input=args.input,
            output=_("standard output") if to_stdout else args.output,
            statuses=_status_line(report),
            positive=_count(result.predicted_positive),
            label=repr(bundle.card.target.positive_label),
            threshold=Figure(result.threshold, 2).local(),
        ),
        file=summary,
    )
    if report.dialect is not None and report.dialect.container.startswith("sheet") and args.sheet is None:
        print(_("Read {sheet}.").format(sheet=report.dialect.note().text()), file=summary)  # which one, unasked
    print("\n".join(_issue_lines(report, limit=10)), file=summary)
    return EXIT_OK


@contextlib.contextmanager
def _interrupt_as_cancel() -> Iterator[Callable[[], bool]]:
    """Ctrl+C sets a flag the job polls, rather than landing wherever Dask's client happens to be (it can be
    swallowed there); a cancelled job then unwinds as an interrupt (exit 130)."""
    from app.core.dialects import Cancelled

    pressed: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: pressed.append(signum))
    try:
        yield lambda: bool(pressed)
    except Cancelled:
        if pressed:
            raise KeyboardInterrupt from None
        raise
    finally:
        signal.signal(signal.SIGINT, previous)


def _score_distributed(args: argparse.Namespace, bundle: Bundle) -> int:
    """``score --engine dask``: the same checks and output, partition by partition on a Dask cluster."""
    from app.distributed import INSTALL_HINT

    try:
        from app.distributed.job import progress_printer, run_job
    except ImportError:
        raise InputError(Message.of(INSTALL_HINT)) from None
    from app.core.runlog import RunLog, RunRecorder

    if str(args.output) == "-":
        raise InputError(Message.of(N_("--engine dask writes a folder of parts; give -o a new folder, not -")))
    if args.explain or args.log_rows:
        raise InputError(
            Message.of(
                N_("{option} is not available with --engine dask"),
                option="--explain" if args.explain else "--log-rows",
            )
        )
    recorder = None if args.no_log else RunRecorder(RunLog.default(), bundle, "cli")
    with (
        recorder.recording(Path(args.input[0])) if recorder else contextlib.nullcontext(),
        _interrupt_as_cancel() as interrupted,
    ):
        result = run_job(
            args.input,
            args.output,
            bundle,
            threshold=args.threshold,
            output_format=args.format,
            scheduler=args.scheduler or os.environ.get("SCOREDESK_DASK_SCHEDULER") or None,
            workers=args.workers,
            options=_options(args, bundle),
            partition_bytes=int(args.partition_mb * 2**20),
            progress=progress_printer(sys.stderr),
            cancelled=interrupted,
        )
    if recorder:
        engine = {
            "name": "dask",
            "workers": result.workers,
            "partitions": len(result.parts),
            "inputs": len(result.input_reports),
        }
        recorder.succeeded(result.report, result.scores, engine=engine)
    report = result.report
    inputs = len(result.input_reports)
    print(
        ngettext(
            "Scored {rows} of {inputs} input into {output} ({parts} {format} parts on {workers} workers):"
            " {statuses}; {positive} predicted {label} at threshold {threshold}.",
            "Scored {rows} of {inputs} inputs into {output} ({parts} {format} parts on {workers} workers):"
            " {statuses}; {positive} predicted {label} at threshold {threshold}.",
            inputs,
        ).format(
            rows=ngettext("{count} row", "{count} rows", report.rows).format(count=_count(report.rows)),
            inputs=inputs,
            output=args.output,
            parts=len(result.parts),
            format=args.format,
            workers=result.workers,
            statuses=_status_line(report),
            positive=_count(result.scores.positive),
            label=repr(bundle.card.target.positive_label),
            threshold=Figure(result.threshold, 2).local(),
        )
    )
    print("\n".join(_issue_lines(report, limit=10)))
    return EXIT_OK


def _check(args: argparse.Namespace, bundle: Bundle) -> int:
    from app.core.estimation import estimate_for_card
    from app.core.metrics import ScoreAccumulator
    from app.core.scoring import scan

    scores = ScoreAccumulator(bundle.card.threshold)
    try:
        report = scan(
            args.input, bundle, on_chunk=lambda chunk: scores.add(chunk.probability), options=_options(args, bundle)
        )
    except MissingColumnsError as error:
        _print_check(error.report, None, args.json)
        raise
    _print_check(report, estimate_for_card(scores, bundle.card.raw, report.rows_beyond_training()), args.json)
    return EXIT_OK


def _print_check(report: FileReport, estimate: PerformanceEstimate | None, as_json: bool) -> None:
    if as_json:
        document = report.to_dict()
        if estimate is not None:
            document["estimated_performance"] = estimate.to_dict()
        print(json.dumps(document, indent=1))
        return
    form = f" ({report.dialect.note().text()})" if report.dialect else ""
    verdict = verdict_word(report.verdict)
    print(
        ngettext(
            "{path}: {rows} row{form}; verdict {verdict}", "{path}: {rows} rows{form}; verdict {verdict}", report.rows
        ).format(path=report.path, rows=_count(report.rows), form=form, verdict=verdict)
    )
    if report.rows:
        print(_("rows: {statuses}").format(statuses=_status_line(report)))
    print("\n".join(_issue_lines(report)) or _("  no issues"))
    print(_drift_line(report))
    if estimate is not None:
        print(_estimate_line(estimate))


def _estimate_line(estimate: PerformanceEstimate) -> str:
    """Expected performance once the labels arrive, or why it cannot be trusted."""
    parts = "  ".join(
        f"{name} {_with_interval(estimate.values[name], estimate.intervals[name])}"
        for name in ("roc_auc", "accuracy", "precision", "recall", "f1")
    )
    level = Figure(estimate.level, 0, share=True).local()
    head = ngettext(
        "estimated performance on {rows} row ({level} intervals, no labels needed)",
        "estimated performance on these {rows} rows ({level} intervals, no labels needed)",
        int(estimate.rows),
    ).format(rows=_count(estimate.rows), level=level)
    if not estimate.reliable:
        return _("{head}: not reliable, {reason}\n  (for reference only) {figures}").format(
            head=head, reason=estimate.shown_reason(), figures=parts
        )
    return f"{head}:\n  {parts}"


def _evaluate(args: argparse.Namespace, bundle: Bundle) -> int:
    from app.core.evaluation import evaluate_file
    from app.core.threshold_intervals import wide_metrics

    result, report = evaluate_file(
        args.input,
        bundle,
        args.label,
        args.threshold,
        options=_options(args, bundle),
        resamples=args.bootstrap,
        level=args.ci_level,
    )
    if args.json:
        print(json.dumps(result, indent=1))
        return EXIT_OK
    cm = result["confusion_matrix"]
    excluded = result["rows_excluded"]
    print(
        ngettext(
            "{input}: {rows} labelled row scored, {positives} positive ({invalid} invalid and {unlabelled}"
            " unlabelled rows left out)",
            "{input}: {rows} labelled rows scored, {positives} positive ({invalid} invalid and {unlabelled}"
            " unlabelled rows left out)",
            int(result["rows"]),
        ).format(
            input=args.input,
            rows=_count(result["rows"]),
            positives=_count(result["positives"]),
            invalid=_count(excluded["invalid"]),
            unlabelled=_count(excluded["missing_label"]),
        )
    )
    print(
        "  "
        + "  ".join(
            f"{k} {_with_interval(result[k], result['ci'].get(k))}"
            for k in ("roc_auc", "pr_auc", "accuracy", "precision", "recall", "f1")
        )
    )
    if any(result["ci"].values()):
        print(
            _("  ({level} intervals: {method})").format(
                level=Figure(result["ci_level"], 0, share=True).local(), method=result["ci_method"]
            )
        )
    for k in wide_metrics(result["ci"]):
        low, high = result["ci"][k]
        print(
            ngettext(
                "  {rows} row: {metric} {value}, {level} interval {low}-{high}: too wide to tell much from this"
                " file; score more labelled rows",
                "  {rows} rows: {metric} {value}, {level} interval {low}-{high}: too wide to tell much from this"
                " file; score more labelled rows",
                int(result["rows"]),
            ).format(
                rows=_count(result["rows"]),
                metric=k,
                value=_fmt(result[k]),
                level=Figure(result["ci_level"], 0, share=True).local(),
                low=Figure(low, 2).local(),
                high=Figure(high, 2).local(),
            )
        )
    print(
        _("  at threshold {threshold}: TP {tp}  FP {fp}  TN {tn}  FN {fn}").format(
            threshold=Figure(result["threshold"], 2).local(), tp=cm["tp"], fp=cm["fp"], tn=cm["tn"], fn=cm["fn"]
        )
    )
    for attribute, metrics in result["slices"].items():
        gaps = metrics["gaps"]
        print(
            _("  {attribute}: TPR gap {tpr}, FPR gap {fpr}, selection-rate gap {selection}").format(
                attribute=attribute,
                tpr=_fmt(gaps["tpr_gap"]),
                fpr=_fmt(gaps["fpr_gap"]),
                selection=_fmt(gaps["selection_rate_gap"]),
            )
        )
    if report.verdict != "ok":
        print(_("input verdict {verdict}; run `check` for details").format(verdict=word(SEVERITIES, report.verdict)))
    return EXIT_OK


def _with_interval(value: float | None, interval: Sequence[float] | None) -> str:
    """``0.843 (0.821-0.866)``, or the bare value where there is no interval."""
    if interval is None or value is None:
        return _fmt(value)
    return f"{_fmt(value)} ({Figure(interval[0], 3).local()}-{Figure(interval[1], 3).local()})"


def _ci_level(text: str) -> float:
    value = float(text)
    if not 0.5 <= value < 1:
        raise argparse.ArgumentTypeError(
            _("{text}: a confidence level is between 0.5 and 1, for example 0.95").format(text=text)
        )
    return value


def _resamples(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 100_000:
        raise argparse.ArgumentTypeError(_("{text}: give 0 to 100000 resamples").format(text=text))
    return value


def _report(args: argparse.Namespace, bundle: Bundle) -> int:
    """``report``: the file scored at the card's costs, written as one HTML page (the window's Export report…)."""
    from app.core.table import load_table
    from app.report import ReportRequest, write_report

    if str(args.output) == "-":
        raise InputError(Message.of(N_("report: -o - is not supported; give a file name such as report.html")))
    if args.output.exists() and args.input.exists() and args.output.resolve() == args.input.resolve():
        raise InputError(
            Message.of(N_("{path}: the report would overwrite the input file; choose another -o"), path=args.output)
        )
    table = load_table(args.input, bundle, options=_options(args, bundle))
    request = ReportRequest.at_card_costs(table, bundle, args.threshold, args.title)
    out = write_report(request, args.output)
    _expected, acted = request.expected_at_threshold()
    print(
        ngettext(
            "Wrote the report on {input} to {output}: {rows} row, verdict {verdict}; {acted} to act on at threshold"
            " {threshold}.",
            "Wrote the report on {input} to {output}: {rows} rows, verdict {verdict}; {acted} to act on at threshold"
            " {threshold}.",
            table.report.rows,
        ).format(
            input=args.input,
            output=out,
            rows=_count(table.report.rows),
            verdict=verdict_word(table.report.verdict),
            acted=_count(acted),
            threshold=Figure(request.threshold, 2).local(),
        )
    )
    return EXIT_OK


def card_summary(bundle: Bundle) -> dict[str, Any]:
    """The facts ``info`` shows."""
    raw = bundle.card.raw
    return {
        "name": bundle.card.name,
        "display_name": bundle.card.display_name,
        "version": bundle.card.version,
        "algorithm": raw["model"].get("algorithm"),
        "created_at": raw["model"].get("created_at"),
        "onnx_sha256": bundle.card.onnx_sha256,
        "data_sha256": raw.get("provenance", {}).get("data_sha256"),
        "code_version": raw.get("provenance", {}).get("code_version"),
        "target": {"column": bundle.card.target.column, "positive_label": bundle.card.target.positive_label},
        "threshold": bundle.card.threshold,
        "test_metrics": {k: v for k, v in raw.get("metrics", {}).get("test", {}).items() if k != "confusion_matrix"},
        "gates": [{k: g[k] for k in ("name", "metric", "value", "status")} for g in raw.get("gates", [])],
        "bundle": str(bundle.directory),
        "in_use": {"origin": bundle.origin, "version": bundle.card.version, "key_id": bundle.signed_by},
        "warning": bundle.warning.english() if bundle.warning is not None else None,
        "trusted_keys": _trusted_key_ids(),
    }


def _in_use(bundle: Bundle) -> str:
    """Which model runs, in words: the shipped one, an installed one and its key, or a folder."""
    model = f"{bundle.card.name} {bundle.card.version}"
    if bundle.origin == "installed":
        return _("model in use: the installed {model}, signed by key {key}").format(model=model, key=bundle.signed_by)
    if bundle.origin == "shipped":
        return _("model in use: the shipped {model}").format(model=model)
    return _("model in use: {model} from the unsigned folder {folder}").format(model=model, folder=bundle.directory)


def _trusted_key_ids() -> list[str]:
    from app.core.paths import keys_dir
    from app.core.signing import TrustedKeys

    return TrustedKeys.from_folder(keys_dir()).active_ids


def _info(args: argparse.Namespace, bundle: Bundle) -> int:
    summary = card_summary(bundle)
    if args.json:
        print(json.dumps(summary, indent=1))
        return EXIT_OK
    metrics = summary["test_metrics"]
    print(
        _("{name} {version} ({algorithm}), built {created}").format(
            name=summary["display_name"],
            version=summary["version"],
            algorithm=summary["algorithm"],
            created=summary["created_at"],
        )
    )
    print(
        _("predicts {column} = {label} at threshold {threshold}").format(
            column=summary["target"]["column"],
            label=repr(summary["target"]["positive_label"]),
            threshold=Figure(summary["threshold"], 2).local(),
        )
    )
    print(_("bundle {folder}").format(folder=summary["bundle"]))
    print(_in_use(bundle))
    if bundle.warning is not None:
        print("warning: " + bundle.warning.text())
    print(_("trusted model-package keys: {keys}").format(keys=", ".join(summary["trusted_keys"]) or _("none")))
    print(_("data sha256 {digest}").format(digest=summary["data_sha256"]))
    print(_("model sha256 {digest}").format(digest=summary["onnx_sha256"]))
    print(
        _("test: {metrics}").format(
            metrics=", ".join(
                f"{k} {_fmt(metrics.get(k))}"
                for k in ("roc_auc", "pr_auc", "brier", "accuracy", "precision", "recall", "f1")
            )
        )
    )
    for gate in summary["gates"]:
        value = _("n/a") if gate["value"] is None else _general(gate["value"])
        status = word(GATE_STATUSES, str(gate["status"]))
        print(
            _("gate {status} {name} ({metric} = {value})").format(
                status=f"{status:<14}", name=gate["name"], metric=gate["metric"], value=value
            )
        )
    return EXIT_OK


def _general(value: float) -> str:
    """A number as ``:g`` writes it (``0.843194``, ``1e-05``), with the language's decimal mark."""
    shown_value = general(value)
    return shown_value if isinstance(shown_value, str) else shown_value.local()


def _self_test(args: argparse.Namespace, bundle: Bundle) -> int:
    from app.core.selftest import run_self_test

    if bundle.warning is not None:
        print("warning: " + bundle.warning.text())
    result = run_self_test(bundle)
    if not args.no_gui:
        try:
            from app.ui.selfcheck import check_main_window

            result.add(Message.of(N_("desktop window")), *check_main_window(bundle))
        except ImportError as error:  # a headless install without Qt
            result.add(
                Message.of(N_("desktop window")),
                False,
                Message.of(N_("Qt is not available: {error}"), error=str(error)),
            )
    for name, ok, detail in result.checks:
        print(f"{'ok  ' if ok else 'FAIL'} {name.text()}: {detail.text()}")
    print(_("self-test passed") if result.passed else _("self-test FAILED"))
    return EXIT_OK if result.passed else EXIT_BUNDLE


def _history(args: argparse.Namespace) -> int:
    from app.core.history import printable, summarise_runs
    from app.core.runlog import RunLog

    log = RunLog.default()
    records, skipped = log.read_counted()
    history = summarise_runs(records, limit=args.limit, skipped=skipped)
    if args.json:
        print(json.dumps(history.to_dict(), indent=1))
        return EXIT_OK
    skipped_note = ngettext(
        "({count} record of {log} skipped: damaged, or not from a scoring run)",
        "({count} records of {log} skipped: damaged, or not from a scoring run)",
        history.skipped,
    ).format(count=_count(history.skipped), log=log.path)
    unfinished = ngettext(
        "({count} run that did not finish: failed or cancelled)",
        "({count} runs that did not finish: failed or cancelled)",
        history.unfinished,
    ).format(count=_count(history.unfinished))
    if not history.runs:
        print(_("No scoring runs logged yet (the log is {log}).").format(log=log.path))
        for count, line in ((history.unfinished, unfinished), (history.skipped, skipped_note)):
            if count:
                print(line)
        return EXIT_OK
    # Each column as wide as its heading in the current language, and at least as wide as in English.
    headings = (
        (_("when (UTC)"), 20, "<"),
        (_("file"), 28, "<"),
        (_("rows"), 9, ">"),
        (_("verdict"), 8, "<"),
        (_("positive"), 8, ">"),
        (_("band"), 9, ">"),
        (_("est. ROC AUC"), 19, ">"),
    )
    widths = [(max(width, len(heading)), align) for heading, width, align in headings]

    def row(cells: Sequence[str], last: str) -> str:  # names from the log are other people's: never raw escapes
        shown = (printable(cell) for cell in cells)
        return " ".join(f"{cell:{align}{width}}" for cell, (width, align) in zip(shown, widths, strict=True)) + (
            f"  {printable(last)}"
        )

    print(row([heading for heading, _width, _align in headings], _("largest drift")))
    series = zip(history.runs, history.positive_rate, history.band, history.psi, history.estimated_auc, strict=True)
    for run, rate, band, psi, estimate in series:
        data = run["scoredesk"]
        drifts = [(value, name) for value, name in zip(psi, history.features, strict=True) if value is not None]
        worst = f"{max(drifts)[1]} {Figure(max(drifts)[0], 3).local()}" if drifts else "-"
        band_text = f"{_share(band['low'], 0)}–{_share(band['high'], 0)}" if band else "-"
        when, name = printable(run.get("@timestamp", "?"))[:19], printable(run.get("file", {}).get("name") or "?")[:28]
        estimated = "-"
        if estimate is not None:
            low, high = Figure(estimate.low, 2).local(), Figure(estimate.high, 2).local()
            estimated = f"{Figure(estimate.value, 3).local()} ({low}-{high})"
        if estimate is not None and not estimate.reliable:
            estimated += "?"
        verdict = str(data.get("verdict", "?"))
        cells = [
            when,
            name,
            Figure(data["rows"]["total"], grouped=True).local(),
            verdict_word(verdict).lower() if verdict in ("ok", "warning", "error") else verdict,
            _fmt(rate, 3),
            band_text,
            estimated,
        ]
        print(row(cells, worst))
    for alert in history.alerts:
        print(_("ALERT {kind}: {message}").format(kind=alert.kind, message=printable(alert.shown())))
    for count, line in ((history.unfinished, unfinished), (history.skipped, skipped_note)):
        if count:
            print(line)
    return EXIT_OK


def _model(args: argparse.Namespace, bundle: Bundle) -> int:
    from app.core.champion import comparison_lines
    from app.core.model_store import InstallRefused, ModelStore
    from app.core.signing import SignatureError

    store = ModelStore()
    try:
        if args.model_command == "install":
            package = store.install(
                args.package,
                allow_downgrade=args.allow_downgrade,
                allow_other_model=args.allow_other_model,
                before_switch=lambda challenger: print("\n".join(comparison_lines(bundle.card, challenger.card))),
            )
            print(
                _("installed {name} {version} (signed by key {key}); it is now active").format(
                    name=package.name, version=package.version, key=package.key
                )
            )
        elif args.model_command == "list":
            _list_models(store, bundle, args.json)
        elif args.model_command == "use":
            store.use(args.version, allow_downgrade=args.allow_downgrade)
            print(_("version {version} is now active").format(version=args.version))
        elif args.model_command == "rollback":
            previous = store.rollback()
            if previous:
                print(_("rolled back to {version}").format(version=previous))
            else:
                print(_("rolled back to the shipped model {model}").format(model=_shipped_version()))
        else:
            if args.package is not None:
                package, _challenger = store.examine(args.package)
            elif store.active_version is not None:
                package = store.verify(store.active_version)
            else:
                print(
                    _("the shipped model {model} is active; it is verified by its hashes").format(
                        model=_shipped_version()
                    )
                )
                return EXIT_OK
            print(
                _("ok: {name} {version}, signed by trusted key {key}, every file intact").format(
                    name=package.name, version=package.version, key=package.key
                )
            )
    except InstallRefused as error:
        hint = f"; {error.hint.text()}" if error.hint is not None else ""
        print(f"error: {shown(error)}{hint}", file=sys.stderr)
        return EXIT_INPUT
    except (SignatureError, BundleError) as error:
        print(f"error: {shown(error)}", file=sys.stderr)
        return EXIT_BUNDLE
    return EXIT_OK


def _list_models(store: ModelStore, bundle: Bundle, as_json: bool) -> None:
    """The shipped model and the installed versions; the one running marked, and why when it is not the newest."""
    from app.core.bundle import read_card

    shipped = read_card(store.shipped)
    running = bundle.directory.name if bundle.origin == "installed" else None
    older = [v for v in store.versions() if bundle.card.name == shipped.name and _older(v, shipped.version)]
    if as_json:
        rows = [{"version": v, "active": v == store.active_version} for v in store.versions()]
        print(
            json.dumps(
                {
                    "shipped": f"{shipped.name} {shipped.version}",
                    "active": store.active_version,
                    "installed": rows,
                    "running": {"origin": bundle.origin, "version": bundle.card.version},
                    "warning": bundle.warning.english() if bundle.warning is not None else None,
                },
                indent=1,
            )
        )
        return
    marker = _("   (active)") if bundle.origin == "shipped" else ""
    print(_("  shipped {model}").format(model=f"{shipped.name} {shipped.version}") + marker)
    for version in store.versions():
        note = ""
        if version in older and version != running:
            note = "   " + _("(older than the shipped {version}: not used)").format(version=shipped.version)
        print(f"{'*' if version == running else ' '} {version}{note}")
    if bundle.warning is not None:
        print("warning: " + bundle.warning.text())


def _older(version: str, than: str) -> bool:
    from app.core.model_store import version_key

    return version_key(version) < version_key(than)


def _shipped_version() -> str:
    """The shipped bundle's model and version."""
    from app.core.bundle import read_card
    from app.core.model_store import ModelStore

    card = read_card(ModelStore().shipped)
    return f"{card.name} {card.version}"


_HANDLERS = {
    "score": _score,
    "check": _check,
    "evaluate": _evaluate,
    "report": _report,
    "info": _info,
    "self-test": _self_test,
    "model": _model,
}


_WITHOUT_MODEL = {"history": _history}  # commands that read no model: they never load or verify one


def _bundle(directory: Path | None) -> Bundle:
    """``--model DIR``, else the active installed model when it verifies, else the shipped one (saying why)."""
    if directory is not None:
        from app.core.policy import require_signed

        if require_signed():
            raise BundleError(
                Message.of(
                    N_(
                        "{folder}: this machine accepts only signed models (require_signed in settings.ini); install a"
                        " signed .sdmodel package with `model install` instead"
                    ),
                    folder=directory,
                )
            )
        bundle = dataclasses.replace(load_bundle(directory), origin="unsigned")
        print(
            "note: "
            + _(
                "model bundle {folder} is unsigned: its hashes catch accidents (truncation, a stray edit), not"
                " deliberate changes; use it only if you trust where it came from"
            ).format(folder=directory),
            file=sys.stderr,
        )
        return bundle
    from app.core.model_store import ModelStore

    active = ModelStore().active()
    if not active.problem:
        return active.bundle
    print(f"warning: {active.shown_problem()}", file=sys.stderr)
    return dataclasses.replace(active.bundle, warning=active.problem_note)


class _Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: unwind like Ctrl+C, so temporary files are removed on the way out."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_terminated(signum: int, _frame: object) -> None:
    raise _Terminated(signum)


@contextlib.contextmanager
def _terminate_cleanly() -> Iterator[None]:
    """While a command runs, TERM and HUP unwind the stack instead of killing the process where it stands."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous = {signum: signal.signal(signum, _raise_terminated) for signum in wanted}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _silence_stdout() -> None:
    """The reader of our output went away (``score … | head``): send the rest, and Python's final flush, nowhere."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _language_for_arguments(argv: Sequence[str]) -> None:
    """The language of the argument errors: the one ``--lang`` asks for, else the remembered or the system's (it
    is remembered only once the arguments parse)."""
    arguments, asked = list(argv), None
    for index, argument in enumerate(arguments):  # the last one counts, as argparse has it
        if argument.startswith("--lang="):
            asked = argument.partition("=")[2]
        elif argument == "--lang" and index + 1 < len(arguments):
            asked = arguments[index + 1]
    if asked in LANGUAGES:
        set_language(asked)
    else:
        choose_language(None)


def main(argv: Sequence[str]) -> int:
    """Run one command; never lets a traceback reach the user."""
    _language_for_arguments(argv)
    try:
        args = _parser().parse_args(list(argv))
    except _UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INPUT
    if args.lang is not None:  # remembered once the arguments parse; without it, the pre-pass chose already
        choose_language(args.lang)
    if args.command in _WITHOUT_MODEL:
        return _run(lambda: _WITHOUT_MODEL[args.command](args))
    try:
        bundle = _bundle(getattr(args, "model", None))
    except BundleError as error:
        print("error: " + _("model bundle: {error}").format(error=shown(error)), file=sys.stderr)
        return EXIT_BUNDLE
    except Exception as error:  # a bundle no check foresaw is still a bundle that cannot be used
        from app.crashlog import log_exception

        where = log_exception(error)
        print(
            "error: "
            + _("model bundle: cannot be loaded ({error}; details in {where})").format(
                error=f"{type(error).__name__}: {error}", where=where
            ),
            file=sys.stderr,
        )
        return EXIT_BUNDLE
    return _run(lambda: _HANDLERS[args.command](args, bundle))


def _run(command: Callable[[], int]) -> int:
    """Run a command's handler; every error it raises becomes one line on stderr and an exit code."""
    try:
        with _terminate_cleanly():
            code = command()
            sys.stdout.flush()  # a closed pipe shows here, not at exit as "Exception ignored"
            return code
    except (InputError, OutputError) as error:
        print(f"error: {shown(error)}", file=sys.stderr)  # "error:" stays: scripts look for it
        return EXIT_INPUT
    except BundleError as error:  # found while scoring: a model whose output is no probability
        print("error: " + _("model bundle: {error}").format(error=shown(error)), file=sys.stderr)
        return EXIT_BUNDLE
    except BrokenPipeError:
        _silence_stdout()  # the job itself finished; a reader that stopped early is no failure
        return EXIT_OK
    except OSError as error:
        where = error.filename or _("input")
        print(f"error: {where}: {error.strerror or error}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("error: " + _("interrupted; no output was written"), file=sys.stderr)
        return 130
    except _Terminated as stop:
        print(
            "error: " + _("stopped by signal {signal}; no output was written").format(signal=stop.signum),
            file=sys.stderr,
        )
        return 128 + stop.signum
    except Exception as error:  # the last line of defence: log the details, show one line
        from app.crashlog import log_exception

        where = log_exception(error)
        print(
            "error: "
            + _("unexpected {error} (details in {where})").format(
                error=f"{type(error).__name__}: {error}", where=where
            ),
            file=sys.stderr,
        )
        return 1
