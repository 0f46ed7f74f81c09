"""``history``: the scoring runs over time, from the run log."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from app.cli.exits import EXIT_OK
from app.cli.numbers import _count, _fmt, _share
from app.core.i18n import Figure, ngettext
from app.core.i18n import gettext as _
from app.core.words import verdict_word


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
