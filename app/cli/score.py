"""``score``: a file scored into a new CSV file, here or on a Dask cluster."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from app.cli.common import _issue_lines, _options, _status_line
from app.cli.exits import EXIT_OK
from app.cli.numbers import _count
from app.core.bundle import Bundle
from app.core.i18n import N_, Figure, Message, ngettext
from app.core.i18n import gettext as _
from app.core.reading import InputError


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
