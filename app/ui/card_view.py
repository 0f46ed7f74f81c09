"""The model card for people: identity, data, metrics, gates, slices and importances."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from app.core.i18n import general_text, integer, number, percent
from app.ui.i18n import QT_TR_NOOP, tr

if TYPE_CHECKING:
    from app.ui.state import AppState

__all__ = ["ModelCardPanel", "card_html"]

_SLICE_RATES = ("tpr", "fpr", "precision", "selection_rate")


def _number(value: Any, digits: int = 4) -> str:  # noqa: ANN401 - an opaque JSON or Qt value
    if value is None:
        return tr("n/a")
    if isinstance(value, float):
        return general_text(value, f".{digits}g" if abs(value) < 1e-3 and value else f".{digits}f")
    return html.escape(str(value))


def _table(header: list[str], rows: list[list[Any]]) -> str:
    head = (
        "<tr>" + "".join(f"<th align='left'>{html.escape(tr(h) if h else h)}</th>" for h in header) + "</tr>"
        if header
        else ""
    )
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    style = "border-collapse:collapse"
    return f"<table cellspacing='0' cellpadding='4' border='1' style='{style}'>{head}{body}</table>"


def _interval(found: Any, digits: int = 4) -> str:  # noqa: ANN401 - a JSON value: [low, high] or null
    if not isinstance(found, list | tuple) or len(found) != 2 or None in found:
        return tr("n/a")
    return f"{_number(float(found[0]), digits)}–{_number(float(found[1]), digits)}"


def _with_interval(value: Any, found: Any, digits: int = 3) -> str:  # noqa: ANN401 - JSON values
    text = _number(value, digits)
    return text if found is None or value is None else f"{text} ({_interval(found, digits)})"


def _comparison(comparison: dict[str, Any]) -> list[str]:
    """Champion against challenger: each metric's difference with its interval and p-value."""
    if not comparison.get("compared"):
        reason = html.escape(comparison.get("reason", "")) if comparison else ""
        shown = tr("Not compared: {reason}.").format(reason=reason) if reason else tr("Not compared.")
        return ["<h3>" + tr("Champion vs challenger") + "</h3>", f"<p>{shown}</p>"]
    tests = comparison.get("tests", {})
    level = comparison.get("test_level")
    rows = [
        [
            name,
            _number(found.get("difference")),
            _interval(found.get("ci")),
            _number(found.get("p_value"), 3),
            html.escape(str(found.get("test", ""))),
        ]
        for name, found in tests.items()
    ]
    champion = comparison.get("champion", {})
    head = (
        "<p>"
        + tr(
            "Challenger (this model) minus champion (version {version}) on the same {rows} test rows{level}; decisions"
            " that flip: {flips}."
        ).format(
            version=html.escape(str(champion.get("version"))),
            rows=integer(comparison.get("rows", 0)),
            level=", " + tr("{level} intervals").format(level=percent(level, 0)) if isinstance(level, float) else "",
            flips=_number(comparison.get("decision_flip_share"), 3),
        )
        + "</p>"
    )
    if not rows:  # a card built before the paired tests: the bare deltas
        rows = [[k, _number(v), tr("n/a"), tr("n/a"), tr("none")] for k, v in comparison.get("deltas", {}).items()]
    heading = "<h3>" + tr("Champion vs challenger") + "</h3>"
    return [
        heading,
        head,
        _table([QT_TR_NOOP("metric"), QT_TR_NOOP("difference"), QT_TR_NOOP("interval"), "p", QT_TR_NOOP("test")], rows),
    ]


def _calibration(raw: dict[str, Any]) -> list[str]:
    from app.core.estimation import MAX_CALIBRATION_ERROR, card_calibration_error

    ece = card_calibration_error(raw)
    stated = raw.get("calibration", {})
    if ece is None:
        return []
    verdict = (
        tr("good enough to estimate performance on files without labels")
        if ece <= MAX_CALIBRATION_ERROR
        else tr("above {limit}: performance is not estimated on files without labels").format(
            limit=_number(MAX_CALIBRATION_ERROR, 2)
        )
    )
    lines = [
        tr("Expected calibration error on the test set: {ece} ({verdict}).").format(
            ece=_number(ece, 3), verdict=verdict
        )
    ]
    if stated.get("method"):
        lines.append(
            tr("Recalibration: {method}. {reason}").format(
                method=html.escape(str(stated["method"])), reason=html.escape(str(stated.get("reason", "")))
            )
        )
    return ["<h3>" + tr("Calibration") + "</h3>", "<p>" + "<br>".join(lines) + "</p>"]


def _outcome(gate: dict[str, Any]) -> str:
    from app.core.words import GATE_STATUSES, word  # not at import: its drift codes pull in pandas

    colour = "#2b7a3d" if gate["passed"] else "#c0392b"
    return f"<span style='color:{colour}'><b>{word(GATE_STATUSES, gate['status'], keep=False)}</b></span>"


def card_html(raw: dict[str, Any]) -> str:
    """The card as HTML."""
    from app.core.words import gate_bound  # not at import: its drift codes pull in pandas

    model, provenance, test = raw["model"], raw.get("provenance", {}), raw.get("metrics", {}).get("test", {})
    test_ci = raw.get("metrics", {}).get("test_ci", {})
    intervals = test_ci.get("intervals", {})
    parts = [
        f"<h2>{html.escape(model['display_name'])} {html.escape(model['version'])}</h2>",
        f"<p>{html.escape(model.get('description', ''))}</p>",
        _table(
            ["", ""],
            [
                [tr("Algorithm"), html.escape(f"{model.get('algorithm')} ({model.get('estimator')})")],
                [tr("Built"), html.escape(str(model.get("created_at")))],
                [tr("Predicts"), html.escape(f"{raw['target']['column']} = {raw['target']['positive_label']}")],
                [
                    tr("Threshold"),
                    f"{number(raw['threshold']['value'], 2)}: {html.escape(raw['threshold'].get('reason', ''))}",
                ],
                [
                    tr("Data"),
                    f"{html.escape(str(provenance.get('data_source')))}<br><tt>{provenance.get('data_sha256')}</tt>",
                ],
                [tr("Model sha256"), f"<tt>{model.get('onnx_sha256')}</tt>"],
                [tr("Code"), html.escape(str(provenance.get("code_version", {}).get("commit", "unknown")))],
            ],
        ),
        "<h3>" + tr("Test-set metrics") + "</h3>",
        _table(
            [
                QT_TR_NOOP("metric"),
                QT_TR_NOOP("value"),
                tr("{level} interval").format(level=percent(test_ci.get("level", 0.95), 0)),
            ],
            [
                [k, _number(v), _interval(intervals.get(k)) if k in intervals or not intervals else ""]
                for k, v in test.items()
                if not isinstance(v, dict)
            ],
        ),
        "<p>" + tr("Intervals: {method}.").format(method=html.escape(str(test_ci.get("method")))) + "</p>"
        if test_ci.get("method")
        else "",
        "<h3>" + tr("Quality gates") + "</h3>",
        _table(
            [
                QT_TR_NOOP("gate"),
                QT_TR_NOOP("metric"),
                QT_TR_NOOP("bound"),
                QT_TR_NOOP("value checked"),
                QT_TR_NOOP("outcome"),
            ],
            [
                [
                    html.escape(g["name"]),
                    f"<tt>{g['metric']}</tt>",
                    gate_bound(g),
                    _number(g["value"], 6),
                    _outcome(g),
                ]
                for g in raw.get("gates", [])
            ],
        ),
        *_comparison(dict(raw.get("comparison", {}))),
        *_calibration(raw),
    ]
    for attribute, result in raw.get("slices", {}).items():
        parts.append("<h3>" + tr("Slices: {attribute}").format(attribute=html.escape(attribute)) + "</h3>")
        parts.append(
            _table(
                [
                    QT_TR_NOOP("group"),
                    QT_TR_NOOP("rows"),
                    "TPR",
                    "FPR",
                    QT_TR_NOOP("precision"),
                    QT_TR_NOOP("selection rate"),
                ],
                [
                    [
                        html.escape(group),
                        integer(g["rows"]),
                        *(_with_interval(g[m], (g.get("ci") or {}).get(m)) for m in _SLICE_RATES),
                    ]
                    for group, g in result["groups"].items()
                ],
            )
        )
        gaps_ci = result.get("gaps_ci") or {}
        parts.append(
            "<p>"
            + tr("Largest gaps:")
            + " "
            + ", ".join(f"{k} {_with_interval(v, gaps_ci.get(k))}" for k, v in result["gaps"].items())
            + "</p>"
        )
    parts.append("<h3>" + tr("Permutation importances (drop in test ROC AUC)") + "</h3>")
    parts.append(
        _table(
            [QT_TR_NOOP("feature"), QT_TR_NOOP("mean"), QT_TR_NOOP("std")],
            [[html.escape(i["feature"]), _number(i["mean"]), _number(i["std"])] for i in raw.get("importances", [])],
        )
    )
    return "".join(parts)


class ModelCardPanel(QWidget):
    """Shows the bundled model's card."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.browser = QTextBrowser(objectName="modelCard")
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        state.bundleChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Render the current card."""
        bundle = self.state.bundle
        self.browser.setHtml(card_html(dict(bundle.card.raw)) if bundle else "<p>" + tr("Loading the model…") + "</p>")
