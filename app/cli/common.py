"""What several commands share: the input options they were given, issue and status lines."""

from __future__ import annotations

import argparse

from app.cli.numbers import _count
from app.core.bundle import Bundle
from app.core.i18n import gettext as _
from app.core.reading import InputOptions
from app.core.report import FileReport
from app.core.words import SEVERITIES, word


def _options(args: argparse.Namespace, bundle: Bundle) -> InputOptions:
    """The sheet and the column mapping the command was given."""
    from app.core.mapping_file import load_mapping

    mapping = load_mapping(args.mapping, bundle.card) if args.mapping is not None else None
    return InputOptions(sheet=args.sheet, mapping=mapping)


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


def _status_line(report: FileReport) -> str:
    counts = report.status_counts
    return _("{ok} ok, {warning} warning, {invalid} invalid").format(
        ok=_count(counts["ok"]), warning=_count(counts["warning"]), invalid=_count(counts["invalid"])
    )
