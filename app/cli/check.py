"""``check``: the sanity and drift report on a file, and the performance to expect."""

from __future__ import annotations

import argparse
import json

from app.cli.common import _issue_lines, _options, _status_line
from app.cli.exits import EXIT_OK
from app.cli.numbers import _count, _psi, _with_interval
from app.core.bundle import Bundle
from app.core.drift import drifted_and_unsure
from app.core.estimation import PerformanceEstimate
from app.core.i18n import Figure, ngettext
from app.core.i18n import gettext as _
from app.core.report import FileReport
from app.core.scoring import MissingColumnsError
from app.core.words import DRIFT_STATUSES, verdict_word, word


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
