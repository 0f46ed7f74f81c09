"""``report``: the shareable HTML report on a file."""

from __future__ import annotations

import argparse

from app.cli.common import _options
from app.cli.exits import EXIT_OK
from app.cli.numbers import _count
from app.core.bundle import Bundle
from app.core.i18n import N_, Figure, Message, ngettext
from app.core.reading import InputError
from app.core.words import verdict_word


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
