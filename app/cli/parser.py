"""The argument parser: every command, its options, and the checks of their values."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from app.core.i18n import LANGUAGES, N_
from app.core.i18n import gettext as _


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
