"""The report's sections, each a function of the request: summary, input sanity, drift, model quality,
decisions, fairness and the model card. Numbers come from app.core (through ``ReportRequest``), charts from
app.plots; every value taken from the file goes through ``esc``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from app import plots
from app.report.context import ReportRequest
from app.report.markup import BR, Html, el, join, table
from app.report.svg import chart_svg

__all__ = ["SECTIONS"]

_TOP_DRIFTED = 3
_METRIC_LABELS = {
    "roc_auc": "ROC AUC",
    "accuracy": "accuracy",
    "precision": "precision",
    "recall": "recall",
    "f1": "F1",
}
_CELLS = {"tp": "caught (TP)", "fn": "missed (FN)", "fp": "false alarms (FP)", "tn": "correctly left (TN)"}


def _value(value: float | None, name: str) -> str:
    if value is None or value != value:
        return "n/a"
    return f"{value:.3f}" if name in ("roc_auc", "f1", "pr_auc", "brier", "log_loss") else f"{value:.1%}"


def _with_interval(value: float | None, found: Sequence[float] | None, name: str) -> str:
    """``0.843 (0.821–0.866)``; rates as percentages; the bare value where there is no interval."""
    if found is None or value is None or value != value:
        return _value(value, name)
    return f"{_value(value, name)} ({_value(found[0], name)}–{_value(found[1], name)})"


def _interval_text(found: Sequence[float] | None, name: str) -> str:
    return "n/a" if found is None else f"{_value(found[0], name)}–{_value(found[1], name)}"


def _money(value: float) -> str:
    return f"{value:,.0f}"


def _rows(count: int) -> str:
    return f"{count:,} row{'s' if count != 1 else ''}"


def _note(*parts: object, class_: str = "note") -> Html:
    return el("p", *parts, class_=class_)


def _figure(svg: Html, caption: str) -> Html:
    return el("figure", svg, el("figcaption", caption))


# ---- summary ---------------------------------------------------------------------------------------------
def summary(request: ReportRequest, now: datetime) -> Html:
    """File, rows, verdict, model, threshold, how many to act on and what it is worth, and the date."""
    table_, card, report = request.table, request.bundle.card, request.table.report
    from app.core.fileio import sha256_file

    expected, acted = request.expected_at_threshold()
    scored = request.scored_rows
    counts = report.status_counts
    act = f"{acted:,} of {scored:,} scored rows ({acted / scored:.1%})" if scored else "none: no row could be scored"
    worth = (
        f"{_money(expected)} expected (each probability taken as the chance that acting pays), at"
        f" {request.cost_per_action:,.2f} per action and {request.value_per_true_positive:,.2f} per true positive"
    )
    realised = request.realised_at_threshold()
    rows: list[list[object]] = [
        ["File", join([table_.path.name, BR, el("code", f"sha256 {sha256_file(table_.path)}")])],
        ["Read as", report.dialect.describe() if report.dialect else "n/a"],
        [
            "Rows",
            f"{report.rows:,} ({counts['ok']:,} ok, {counts['warning']:,} warning, {counts['invalid']:,} invalid)",
        ],
        ["Input verdict", el("span", report.verdict.upper(), class_=f"verdict {report.verdict}")],
        ["Model", f"{card.display_name} {card.version} ({card.name}, {request.raw['model'].get('algorithm')})"],
        ["Threshold", f"{request.threshold:.2f} (the card's: {card.threshold:.2f})"],
        [f"Act on ({card.target.column} = {card.target.positive_label})", el("strong", act)],
        ["Expected value", el("strong", worth)],
    ]
    if report.mapping_file:
        rows.insert(2, ["Column mapping", report.mapping_file.get("name", "")])
    if realised is not None:
        rows.append(["Realised value (labelled rows)", f"{_money(realised[0])} acting on {realised[1]:,} rows"])
    date = now.strftime("%Y-%m-%d %H:%M:%S UTC")
    # The one line that differs between two runs on the same input (tests drop it and compare the bytes).
    date_row = Html(
        f'<tr class="generated"><th scope="row">Date</th>'
        f'<td><time datetime="{now:%Y-%m-%dT%H:%M:%SZ}">{date}</time></td></tr>'
    )
    body = join(el("tr", el("th", label, scope="row"), el("td", value)) for label, value in rows)
    return el("table", el("tbody", body, Html("\n"), date_row, Html("\n")), class_="facts")


# ---- input sanity ----------------------------------------------------------------------------------------
def sanity(request: ReportRequest, _now: datetime) -> Html:
    """The issues found, by severity, with their rows and example rows; then the whole catalogue."""
    from app.core.catalogue import CATALOGUE

    report = request.table.report
    rows: dict[str, int] = {}
    columns: dict[str, int] = {}
    for issue in report.issues:
        rows[issue.code] = rows.get(issue.code, 0) + issue.rows
        columns[issue.code] = columns.get(issue.code, 0) + 1

    def found(code: str, scope: str) -> str:
        if code not in columns:
            return "0"
        if scope == "row" or rows[code]:
            return _rows(rows[code])
        return f"{columns[code]} column{'s' if columns[code] != 1 else ''}"

    order = {"error": 0, "warning": 1, "info": 2}
    issues = sorted(report.issues, key=lambda i: order.get(i.severity, 3))
    verdict = {
        "ok": "No problem found: the file looks like what the model was trained on.",
        "warning": "Warnings: the scores can be used, but read the issues below.",
        "error": "Errors: some rows could not be scored, or the file is not what the model expects.",
    }[report.verdict]
    parts = [el("p", verdict, class_=f"banner {report.verdict}")]
    if issues:
        parts.append(
            table(
                ["severity", "issue", "column", "rows", "example rows", "message"],
                [
                    [
                        el("span", i.severity, class_=f"sev {i.severity}"),
                        join([CATALOGUE[i.code].title if i.code in CATALOGUE else i.code, BR, el("code", i.code)]),
                        i.column or "(file)",
                        f"{i.rows:,}" if i.rows else "",
                        ", ".join(map(str, i.examples)) + (", …" if i.rows > len(i.examples) else ""),
                        i.message,
                    ]
                    for i in issues
                ],
                class_="issues",
            )
        )
    else:
        parts.append(_note("No issue of the catalogue below was found."))
    parts.append(el("h3", "The catalogue of checks"))
    parts.append(
        table(
            ["code", "issue", "applies to", "severity", "found", "meaning"],
            [
                [el("code", t.code), t.title, t.scope, t.severity, found(t.code, t.scope), t.meaning]
                for t in CATALOGUE.values()
            ],
            class_="catalogue",
        )
    )
    return join(parts)


# ---- drift -----------------------------------------------------------------------------------------------
def drift(request: ReportRequest, _now: datetime) -> Html:
    """PSI per feature (with the chi-square p-values) and the most drifted features' distributions."""
    from app.core.drift import PSI_ALERT, PSI_WARN, drifted_and_unsure

    report = request.table.report
    if not report.drift:
        return _note("Drift was not computed: no feature of the model could be read from the file.")
    found = dict(sorted(report.drift.items(), key=lambda item: (-item[1]["psi"], item[0])))
    drifted, unsure = drifted_and_unsure(found)
    text = (
        f"Drifted: {', '.join(drifted)}."
        if drifted
        else f"No feature drifted (PSI below {PSI_WARN}, or no significant change)."
    )
    if unsure:
        text += f" Too few rows to tell ({report.rows:,} rows) for {len(unsure)} of {len(found)} features."
    height = max(3.0, 0.28 * len(found) + 1.2)
    parts = [
        _note(text),
        _figure(
            chart_svg(
                "psi", "Drift per feature (PSI)", plots.draw_drift, found, PSI_WARN, PSI_ALERT, size=(7.0, height)
            ),
            f"PSI against the training data; warn from {PSI_WARN}, alert from {PSI_ALERT}. A drift counts when the"
            " chi-square test (Benjamini-Hochberg adjusted across features) is significant too.",
        ),
        table(
            ["feature", "PSI", "status", "adjusted p", "significant"],
            [
                [
                    name,
                    f"{d['psi']:.3f}",
                    d["status"].replace("_", " "),
                    "n/a" if d.get("p_value") is None else f"{d['p_value']:.3g}",
                    "n/a" if d.get("significant") is None else "yes" if d["significant"] else "no",
                ]
                for name, d in found.items()
            ],
        ),
        el("h3", f"The {min(_TOP_DRIFTED, len(found))} features that moved most"),
    ]
    card = request.bundle.card
    charts = []
    for rank, name in enumerate(list(found)[:_TOP_DRIFTED]):
        counts = report.drift_counts.get(name)
        if counts is None:
            continue
        reference = dict(card.feature(name).reference)
        total = max(int(counts.sum()), 1)
        charts.append(
            _figure(
                chart_svg(
                    f"distribution{rank}",
                    f"{name}: training and current distribution",
                    plots.draw_distribution,
                    plots.bin_labels(reference),
                    reference["frequencies"],
                    (counts / total).tolist(),
                    size=(6.4, 3.2),
                ),
                f"{name}: PSI {found[name]['psi']:.3f}, {found[name]['status'].replace('_', ' ')}.",
            )
        )
    parts.append(el("div", *charts, class_="charts"))
    return join(parts)


# ---- model quality ---------------------------------------------------------------------------------------
def _confusion_table(confusion: Any, expected: bool = False) -> Html:  # noqa: ANN401 - a Confusion or expected counts
    def count(cell: str) -> str:
        value = confusion[cell] if isinstance(confusion, Mapping) else getattr(confusion, cell)
        return f"{value:,.0f}" if expected else f"{value:,}"

    return table(
        ["", "predicted positive", "predicted negative"],
        [
            ["actual positive", f"{count('tp')} {_CELLS['tp']}", f"{count('fn')} {_CELLS['fn']}"],
            ["actual negative", f"{count('fp')} {_CELLS['fp']}", f"{count('tn')} {_CELLS['tn']}"],
        ],
        class_="confusion",
    )


def _metrics_line(values: Mapping[str, float | None], intervals: Mapping[str, Any], level: float) -> Html:
    shown = [
        f"{label} {_with_interval(values.get(name), intervals.get(name), name)}"
        for name, label in _METRIC_LABELS.items()
        if values.get(name) is not None
    ]
    return _note(", ".join(shown) + f" ({level:.0%} intervals).")


def _wide_notes(found: Any, rows: int) -> list[Html]:  # noqa: ANN401 - MetricsWithIntervals
    notes = []
    for name in found.too_wide():
        low, high = found.intervals[name]
        notes.append(
            _note(
                f"{rows:,} rows: {_METRIC_LABELS[name]} {_value(found.values[name], name)}, {found.level:.0%}"
                f" interval {_value(low, name)}–{_value(high, name)}: too wide to tell much.",
                class_="note warn",
            )
        )
    return notes


def _point(confusion: Any) -> tuple[float, float] | None:  # noqa: ANN401 - a Confusion
    if confusion.fpr != confusion.fpr or confusion.recall != confusion.recall:
        return None
    return (confusion.fpr, confusion.recall)


def quality(request: ReportRequest, _now: datetime) -> Html:
    """The test set's and (with labels) the file's metrics with intervals, ROC with its band, calibration;
    an unlabelled file's estimated performance."""
    from app.core.threshold_intervals import metrics_with_intervals

    raw, threshold = request.raw, request.threshold
    curves = raw.get("curves", {})
    card_q = request.card_quality
    parts: list[Html] = [el("h3", f"Test set (model card) at threshold {threshold:.2f}")]
    card_confusion = request.card_ranked.confusion(threshold) if request.card_ranked else None
    if card_confusion is not None:
        found = metrics_with_intervals(card_confusion, card_q["auc"], card_q["auc_ci"])
        parts += [_confusion_table(card_confusion), _metrics_line(found.values, found.intervals, found.level)]
        parts += _wide_notes(found, found.rows)
    test_curve = {"name": "test set", "fpr": curves["roc"]["fpr"], "tpr": curves["roc"]["tpr"], "auc": card_q["auc"]}
    card_roc = [
        test_curve
        | {"color": "#1f6fb2", "point": _point(card_confusion) if card_confusion else None, "band": card_q["band"]}
    ]
    charts = [
        _figure(
            chart_svg("roc-card", "ROC curve (test set (model card))", plots.draw_roc, card_roc),
            "The shaded band: where the curve stays across stratified resamples; the dot: the threshold.",
        ),
        _figure(
            chart_svg(
                "calibration-card",
                "Calibration (test set (model card))",
                plots.draw_calibration,
                [{"name": "test set", "color": "#1f6fb2", **curves["calibration"]}],
            ),
            "Mean predicted probability against the observed rate, in tenths.",
        ),
    ]
    parts.append(el("div", *charts, class_="charts"))
    column = request.bundle.card.target.column
    file_q = request.file_quality
    if file_q is not None and request.file_ranked is not None:
        confusion = request.file_ranked.confusion(threshold)
        found = metrics_with_intervals(confusion, file_q["auc"], file_q["auc_ci"])
        parts += [
            el("h3", f"This file ({request.file_ranked.scores.size:,} labelled rows) at threshold {threshold:.2f}"),
            _confusion_table(confusion),
            _metrics_line(found.values, found.intervals, found.level),
            *_wide_notes(found, found.rows),
        ]
        file_curve = {"name": "this file", "fpr": file_q["fpr"], "tpr": file_q["tpr"], "auc": file_q["auc"]}
        roc = [
            file_curve | {"color": "#d9822b", "point": _point(confusion), "band": file_q["band"]},
            test_curve | {"color": "#1f6fb2"},
        ]
        calibration = [{"name": "this file", "color": "#d9822b", **file_q["calibration"]}]
        charts = [
            _figure(
                chart_svg("roc-file", "ROC curve (this file)", plots.draw_roc, roc), "This file against the test set."
            ),
            _figure(
                chart_svg("calibration-file", "Calibration (this file)", plots.draw_calibration, calibration),
                "Mean predicted probability against the observed rate on this file's labelled rows.",
            ),
        ]
        parts.append(el("div", *charts, class_="charts"))
    elif request.estimate is not None:
        estimate = request.estimate
        parts.append(el("h3", f"This file: estimated ({estimate.rows:,} scored rows, no '{column}' column)"))
        block = [
            _note(
                "What the metrics are expected to be once the labels arrive, from the model's probabilities"
                " (confidence-based performance estimation)."
            ),
            _confusion_table(estimate.confusion, expected=True),
            _metrics_line(estimate.values, estimate.intervals, estimate.level),
        ]
        if not estimate.reliable:
            block.append(_note(el("strong", "Not reliable: "), f"{estimate.reason}.", class_="note warn"))
        parts.append(el("div", *block, class_="estimate" if estimate.reliable else "estimate unreliable"))
    return join(parts)


# ---- decisions -------------------------------------------------------------------------------------------
def decisions(request: ReportRequest, _now: datetime) -> Html:
    """The value of acting across thresholds (per 1,000 rows), the chosen threshold and each curve's best."""
    threshold = request.threshold
    lines = []
    drawn = []
    for name, curve, color, rows in request.decision_curves:
        factor = 1000 / max(rows, 1)  # per 1,000 rows, so the test set and a file of any size share one scale
        best = curve.best_threshold
        value_at, acted_at = curve.at(threshold)
        drawn.append(
            {
                "name": name,
                "thresholds": curve.thresholds,
                "values": curve.values * factor,
                "color": color,
                "best": (best, curve.at(best)[0] * factor),
            }
        )
        lines.append([name, f"{rows:,}", f"{acted_at:,}", _money(value_at), f"{best:.2f}", _money(curve.at(best)[0])])
    return join(
        [
            _note(
                f"Acting on a row costs {request.cost_per_action:,.2f}; acting on a true positive is worth"
                f" {request.value_per_true_positive:,.2f}. Realised curves count the labels; the expected curve takes"
                " each probability as the chance that acting pays."
            ),
            _figure(
                chart_svg("decisions", "Value of acting across thresholds", plots.draw_decisions, drawn, threshold),
                f"The dashed line: the threshold used, {threshold:.2f}; the stars: each curve's best threshold.",
            ),
            table(
                ["curve", "rows", f"acted on at {threshold:.2f}", "value there", "best threshold", "value at best"],
                lines,
            ),
        ]
    )


# ---- fairness --------------------------------------------------------------------------------------------
def _slice_block(name: str, title: str, slices: Mapping[str, Any], bound: float | None) -> Html:
    rows = []
    gaps = []
    for attribute, result in slices.items():
        for group, values in result["groups"].items():
            ci = values.get("ci", {})
            rows.append(
                [
                    attribute,
                    group,
                    f"{values['rows']:,}",
                    *(_with_interval(values[m], ci.get(m), m) for m in ("tpr", "fpr", "precision", "selection_rate")),
                ]
            )
        gap = result["gaps"].get("tpr_gap")
        over = gap is not None and bound is not None and gap > bound
        text = f"{attribute} gaps: " + ", ".join(
            f"{k.replace('_gap', '')} {_value(v, k)}" for k, v in result["gaps"].items()
        )
        gaps.append(
            _note(
                text + (f": the TPR gap is above the gate's {bound:.0%}" if over else ""),
                class_="note warn" if over else "note",
            )
        )
    return join(
        [
            el("h3", title),
            table(["attribute", "group", "rows", "TPR", "FPR", "precision", "selection rate"], rows),
            *gaps,
            _figure(
                chart_svg(
                    name, f"TPR and FPR per group, 95% intervals ({title.lower()})", plots.draw_group_rates, slices
                ),
                "Each rate with its 95% interval (stratified bootstrap).",
            ),
        ]
    )


def fairness(request: ReportRequest, _now: datetime) -> Html:
    """Rates per group of each sensitive attribute with intervals, for the test set and a labelled file."""
    from app.core.fairness import min_group_rows, tpr_gap_bound

    card = request.bundle.card
    bound = tpr_gap_bound(list(card.section("gates") or []))
    note = (
        f"Equal opportunity: the true-positive rate should not differ between groups by more than {bound:.0%} (the"
        f" card's gate). Groups smaller than {min_group_rows(card)} rows are shown but left out of the gaps."
        if bound is not None
        else "The card declares no gate on the TPR gap."
    )
    on_card, on_file = request.slices
    parts = [_note(note)]
    if on_card:
        parts.append(_slice_block("slices-card", "Test set (model card)", on_card, bound))
    if on_file:
        parts.append(_slice_block("slices-file", "This file", on_file, bound))
    else:
        parts.append(_note(f"This file has no '{card.target.column}' column, so its groups cannot be compared."))
    return join(parts)


# ---- the model card --------------------------------------------------------------------------------------
def _bound(gate: Mapping[str, Any]) -> str:
    limits = " and ".join(
        b
        for b in (
            f"≥ {gate['min']:g}" if gate.get("min") is not None else "",
            f"≤ {gate['max']:g}" if gate.get("max") is not None else "",
        )
        if b
    )
    bound = gate.get("bound", "point")
    return limits if bound == "point" else f"{limits} ({bound} end of the interval)"


def card(request: ReportRequest, _now: datetime) -> Html:
    """Identity, provenance, the test metrics with their intervals, the gates and the importances."""
    from app.core.estimation import MAX_CALIBRATION_ERROR, card_calibration_error

    raw = request.raw
    model, provenance = raw["model"], raw.get("provenance", {})
    test, test_ci = raw.get("metrics", {}).get("test", {}), raw.get("metrics", {}).get("test_ci", {})
    intervals = test_ci.get("intervals", {})
    code = provenance.get("code_version", {})
    identity = [
        ["Model", f"{model['display_name']} {model['version']} ({model['name']})"],
        ["Description", model.get("description", "")],
        ["Algorithm", f"{model.get('algorithm')} ({model.get('estimator')})"],
        ["Built", str(model.get("created_at"))],
        ["Predicts", f"{raw['target']['column']} = {raw['target']['positive_label']}"],
        ["Threshold", f"{raw['threshold']['value']:.2f}: {raw['threshold'].get('reason', '')}"],
        ["Data", join([str(provenance.get("data_source")), BR, el("code", provenance.get("data_sha256"))])],
        ["Model sha256", el("code", model.get("onnx_sha256"))],
        ["Code", str(code.get("commit", "unknown") if isinstance(code, Mapping) else code)],
    ]
    level = test_ci.get("level", 0.95)
    metrics = [
        [name, _value(value, name), _interval_text(intervals.get(name), name)]
        for name, value in test.items()
        if isinstance(value, float) and name != "threshold"
    ]
    gates = [
        [
            g["name"],
            el("code", g["metric"]),
            _bound(g),
            "n/a" if g.get("value") is None else f"{g['value']:.4g}",
            el(
                "span", str(g["status"]).replace("_", " "), class_="gate " + ("passed" if g.get("passed") else "failed")
            ),
        ]
        for g in raw.get("gates", [])
    ]
    ece = card_calibration_error(raw)
    parts = [
        el(
            "table",
            el("tbody", *(el("tr", el("th", k, scope="row"), el("td", v)) for k, v in identity)),
            class_="facts",
        ),
        el("h3", f"Test-set metrics ({test.get('rows', 0):,} rows, threshold {test.get('threshold', 0):.2f})"),
        table(["metric", "value", f"{level:.0%} interval"], metrics),
        _note(f"Intervals: {test_ci.get('method')}.") if test_ci.get("method") else Html(""),
        el("h3", "Quality gates"),
        table(["gate", "metric", "bound", "value checked", "outcome"], gates),
        _note(
            "All gates passed." if raw.get("gates_passed") else "Not every gate passed.",
            class_="note" if raw.get("gates_passed") else "note warn",
        ),
    ]
    if ece is not None:
        verdict = (
            "good enough to estimate performance on files without labels"
            if ece <= MAX_CALIBRATION_ERROR
            else (f"above {MAX_CALIBRATION_ERROR}: performance is not estimated on files without labels")
        )
        parts.append(_note(f"Expected calibration error on the test set: {ece:.3f} ({verdict})."))
    if raw.get("importances"):
        parts.append(
            _figure(
                chart_svg("importances", "Permutation importances", plots.draw_importances, raw["importances"]),
                "Drop in test ROC AUC when a feature is shuffled.",
            )
        )
    return join(parts)


SECTIONS: tuple[tuple[str, str, Callable[[ReportRequest, datetime], Html]], ...] = (
    ("summary", "Summary", summary),
    ("sanity", "Input sanity", sanity),
    ("drift", "Drift", drift),
    ("quality", "Model quality", quality),
    ("decisions", "Decisions", decisions),
    ("fairness", "Fairness", fairness),
    ("card", "Model card", card),
)
