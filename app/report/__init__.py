"""The shareable HTML report of a scored file: one self-contained page an analyst can send.

Charts are inline SVG drawn by app.plots (the desktop's chart code) through matplotlib's SVG backend; styles
are inline; the page has no script and loads nothing (its Content-Security-Policy forbids any request), and
it prints with a page per section. The same request gives the same bytes but for the one line with the date.
``python -m app report`` and the window's File ▸ Export report… both call ``write_report``. The page is in the
current language (app.core.i18n), its ``lang`` attribute too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from app import __version__
from app.core.i18n import Figure, language
from app.core.i18n import gettext as _
from app.core.paths import APP_NAME
from app.report.context import ReportRequest
from app.report.markup import Html, el, esc, join
from app.report.sections import SECTIONS

__all__ = ["SECTION_IDS", "ReportRequest", "build_report", "write_report"]

SECTION_IDS = tuple(section[0] for section in SECTIONS)

# No request of any kind (scripts, fonts, images, frames): inline styles and inline SVG only.
_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

_STYLE = """
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1d1d1f;
       margin: 0 auto; max-width: 1080px; padding: 24px 32px 48px; background: #ffffff; }
header { border-bottom: 3px solid #1f6fb2; margin-bottom: 16px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; margin-top: 32px; }
h3 { font-size: 15px; margin: 20px 0 8px; }
.byline { color: #57606a; margin: 0 0 10px; }
nav ol { columns: 4; padding-left: 20px; margin: 8px 0 0; }
nav a { color: #1f6fb2; text-decoration: none; }
table { border-collapse: collapse; margin: 8px 0 12px; font-size: 13px; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { background: #f3f5f7; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.facts th { background: #f3f5f7; width: 220px; }
table.catalogue { font-size: 12px; }
code { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
td { overflow-wrap: break-word; }
table.catalogue code { white-space: nowrap; }
.verdict, .sev, .gate { font-weight: 600; }
.ok, .passed { color: #2b7a3d; } .warning { color: #8a6100; } .error, .failed { color: #b3261e; }
.info { color: #57606a; }
.banner { padding: 8px 12px; border-radius: 4px; font-weight: 600; }
.banner.ok { background: #dff0d8; } .banner.warning { background: #fff4cc; } .banner.error { background: #f8d7d4; }
.note.warn { color: #8a6100; }
.estimate.unreliable { color: #888888; }
figure { margin: 8px 0 16px; break-inside: avoid; }
figcaption { color: #57606a; font-size: 12px; }
svg.chart { max-width: 100%; height: auto; display: block; }
.charts { display: flex; flex-wrap: wrap; gap: 8px 24px; }
.charts figure { flex: 1 1 440px; }
footer { margin-top: 32px; color: #57606a; font-size: 12px; border-top: 1px solid #d0d7de; padding-top: 8px; }
@page { size: A4; margin: 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  nav { display: none; }
  section { break-before: page; }
  section#summary { break-before: auto; }
  h2, h3 { break-after: avoid; }
  table, tr { break-inside: avoid; }
  .charts figure { flex-basis: 45%; }
}
""".strip()


def build_report(
    request: ReportRequest,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> str:
    """The report's HTML; ``now`` (UTC, default the present) is the only input that is not the request's.

    ``progress(done, total)`` hears of each section drawn; ``cancelled()`` is asked between sections, and a
    True answer raises ``Cancelled``.
    """
    from app.core.dialects import Cancelled

    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    card = request.bundle.card
    title = request.title or _("Scoring report: {name}").format(name=request.table.path.name)
    sections = []
    for done, (section_id, heading, draw) in enumerate(SECTIONS):
        if cancelled is not None and cancelled():
            raise Cancelled("the report was cancelled")
        if progress is not None:
            progress(done, len(SECTIONS))
        sections.append(el("section", el("h2", _(heading)), draw(request, now), id=section_id, class_="report-section"))
    contents = el("nav", el("ol", *(el("li", el("a", _(heading), href=f"#{sid}")) for sid, heading, _draw in SECTIONS)))
    header = el(
        "header",
        el("h1", title),
        el(
            "p",
            _("{file} scored with {model} {version} at threshold {threshold}").format(
                file=request.table.path.name,
                model=card.display_name,
                version=card.version,
                threshold=Figure(request.threshold, 2).local(),
            ),
            class_="byline",
        ),
        contents,
    )
    footer = el(
        "footer",
        _("Made by {app} {version} offline: this page is self-contained, loads nothing and runs no script.").format(
            app=APP_NAME, version=__version__
        ),
    )
    head = join(
        [
            Html('<meta charset="utf-8">'),
            Html(f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">'),  # a constant with no double quote
            Html('<meta name="viewport" content="width=device-width, initial-scale=1">'),
            Html(f'<meta name="generator" content="{esc(f"{APP_NAME} {__version__}")}">'),
            Html('<link rel="icon" href="data:,">'),
            el("title", title),
            Html(f"<style>\n{_STYLE}\n</style>"),
        ],
        "\n",
    )
    body = join([header, *sections, footer], "\n")
    return (
        f'<!DOCTYPE html>\n<html lang="{esc(language())}">\n<head>\n{head}\n</head>\n<body>\n{body}\n</body>\n</html>\n'
    )


def write_report(
    request: ReportRequest,
    out: Path,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Path:
    """Write the report to ``out`` atomically (never the input file, nothing on failure); returns ``out``."""
    from app.core.fileio import atomic_write_text, output_target
    from app.core.reading import InputError

    out, source = Path(out), request.table.path
    output_target(out)  # a folder or a device is refused before the report is drawn, not after
    if out.exists() and source.exists() and out.resolve() == source.resolve():
        raise InputError(f"{out}: the report would overwrite the input file; choose another -o")
    atomic_write_text(out, build_report(request, now, progress, cancelled))
    return out
