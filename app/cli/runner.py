"""Running one command: the language, the model, signals, a closed pipe, and every error as an exit code."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from app.cli.check import _check
from app.cli.evaluate import _evaluate
from app.cli.exits import EXIT_BUNDLE, EXIT_INPUT, EXIT_INTERRUPTED, EXIT_OK, EXIT_SIGNAL, EXIT_UNEXPECTED
from app.cli.history import _history
from app.cli.info import _info
from app.cli.model import _model
from app.cli.parser import _parser, _UsageError
from app.cli.report import _report
from app.cli.score import _score
from app.cli.self_test import _self_test
from app.core.bundle import Bundle, BundleError, load_bundle
from app.core.fileio import OutputError
from app.core.i18n import LANGUAGES, N_, Message, set_language, shown
from app.core.i18n import gettext as _
from app.core.language import choose_language
from app.core.reading import InputError

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
        _unforeseen(error, _("model bundle: cannot be loaded ({error}; details in {where})"))
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
        return EXIT_INTERRUPTED
    except _Terminated as stop:
        print(
            "error: " + _("stopped by signal {signal}; no output was written").format(signal=stop.signum),
            file=sys.stderr,
        )
        return EXIT_SIGNAL + stop.signum
    except Exception as error:  # the last line of defence: log the details, show one line
        _unforeseen(error, _("unexpected {error} (details in {where})"))
        return EXIT_UNEXPECTED


def _unforeseen(error: Exception, message: str) -> None:
    """An error no check foresaw: its details to the crash log, one line naming it and the log on stderr."""
    from app.crashlog import log_exception

    where = log_exception(error)
    print("error: " + message.format(error=f"{type(error).__name__}: {error}", where=where), file=sys.stderr)
