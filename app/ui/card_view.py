"""The model card for people: identity, data, metrics, gates, slices and importances."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from app.ui.state import AppState

__all__ = ["ModelCardPanel", "card_html"]


def _number(value: Any, digits: int = 4) -> str:  # noqa: ANN401 - an opaque JSON or Qt value
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}g}" if abs(value) < 1e-3 and value else f"{value:.{digits}f}"
    return html.escape(str(value))


def _table(header: list[str], rows: list[list[Any]]) -> str:
    head = "<tr>" + "".join(f"<th align='left'>{html.escape(h)}</th>" for h in header) + "</tr>" if header else ""
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    style = "border-collapse:collapse"
    return f"<table cellspacing='0' cellpadding='4' border='1' style='{style}'>{head}{body}</table>"


def _outcome(gate: dict[str, Any]) -> str:
    colour = "#2b7a3d" if gate["passed"] else "#c0392b"
    return f"<span style='color:{colour}'><b>{gate['status'].replace('_', ' ')}</b></span>"


def card_html(raw: dict[str, Any]) -> str:
    """The card as HTML."""
    model, provenance, test = raw["model"], raw.get("provenance", {}), raw.get("metrics", {}).get("test", {})
    parts = [
        f"<h2>{html.escape(model['display_name'])} {html.escape(model['version'])}</h2>",
        f"<p>{html.escape(model.get('description', ''))}</p>",
        _table(
            ["", ""],
            [
                ["Algorithm", html.escape(f"{model.get('algorithm')} ({model.get('estimator')})")],
                ["Built", html.escape(str(model.get("created_at")))],
                ["Predicts", html.escape(f"{raw['target']['column']} = {raw['target']['positive_label']}")],
                ["Threshold", f"{raw['threshold']['value']:.2f}: {html.escape(raw['threshold'].get('reason', ''))}"],
                [
                    "Data",
                    f"{html.escape(str(provenance.get('data_source')))}<br><tt>{provenance.get('data_sha256')}</tt>",
                ],
                ["Model sha256", f"<tt>{model.get('onnx_sha256')}</tt>"],
                ["Code", html.escape(str(provenance.get("code_version", {}).get("commit", "unknown")))],
            ],
        ),
        "<h3>Test-set metrics</h3>",
        _table(["metric", "value"], [[k, _number(v)] for k, v in test.items() if not isinstance(v, dict)]),
        "<h3>Quality gates</h3>",
        _table(
            ["gate", "metric", "bound", "value", "outcome"],
            [
                [
                    html.escape(g["name"]),
                    f"<tt>{g['metric']}</tt>",
                    " and ".join(
                        b
                        for b in (
                            f"≥ {g['min']:g}" if g["min"] is not None else "",
                            f"≤ {g['max']:g}" if g["max"] is not None else "",
                        )
                        if b
                    ),
                    _number(g["value"], 6),
                    _outcome(g),
                ]
                for g in raw.get("gates", [])
            ],
        ),
    ]
    for attribute, result in raw.get("slices", {}).items():
        parts.append(f"<h3>Slices: {html.escape(attribute)}</h3>")
        parts.append(
            _table(
                ["group", "rows", "TPR", "FPR", "precision", "selection rate"],
                [
                    [
                        html.escape(group),
                        g["rows"],
                        _number(g["tpr"], 3),
                        _number(g["fpr"], 3),
                        _number(g["precision"], 3),
                        _number(g["selection_rate"], 3),
                    ]
                    for group, g in result["groups"].items()
                ],
            )
        )
        parts.append(
            "<p>Largest gaps: " + ", ".join(f"{k} {_number(v, 3)}" for k, v in result["gaps"].items()) + "</p>"
        )
    parts.append("<h3>Permutation importances (drop in test ROC AUC)</h3>")
    parts.append(
        _table(
            ["feature", "mean", "std"],
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
        self.browser.setHtml(card_html(dict(bundle.card.raw)) if bundle else "<p>Loading the model…</p>")
