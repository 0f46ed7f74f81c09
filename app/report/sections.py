"""The report's sections, each a function of the request: summary, input sanity, drift, model quality,
decisions, fairness and the model card. Numbers come from app.core (through ``ReportRequest``), charts from
app.plots; every value taken from the file goes through ``esc``.

Every word is in the current language (``gettext``) and every number in its form (``Figure``): English is
exactly Python's formatting, as it always was; values from the file and codes are shown as they are."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from app import plots
from app.core.i18n import N_, Figure, general_text, ngettext
from app.core.i18n import gettext as _
from app.core.words import DRIFT_STATUSES, GATE_STATUSES, SEVERITIES, gate_bound, verdict_word, word
from app.report.context import ReportRequest
from app.report.markup import BR, Html, el, esc, join, table
from app.report.svg import chart_svg

__all__ = ["SECTIONS"]

_TOP_DRIFTED = 3
_METRIC_LABELS = {
    "roc_auc": N_("ROC AUC"),
    "accuracy": N_("accuracy"),
    "precision": N_("precision"),
    "recall": N_("recall"),
    "f1": "F1",  # the same in every language
}
_CELLS = {
    "tp": N_("caught (TP)"),
    "fn": N_("missed (FN)"),
    "fp": N_("false alarms (FP)"),
    "tn": N_("correctly left (TN)"),
}
# The card's test metrics are listed by their codes ("roc_auc", "log_loss"); those that are English words too are
# shown in the current language.
_CARD_METRICS = {"accuracy": N_("accuracy"), "precision": N_("precision"), "recall": N_("recall")}
_SCOPES = {"row": N_("row"), "file": N_("file")}


def _count(value: float) -> str:
    """A count with its thousands grouped: ``19,382`` / ``19.382``."""
    return Figure(value, grouped=True).local()


def _whole(value: float) -> str:
    """A small count as Python writes it: ``3049`` (grouped in languages that group: ``3.049``)."""
    return Figure(value).local()


def _fixed(value: float, digits: int) -> str:
    """``0.843`` / ``0,843``."""
    return Figure(value, digits).local()


def _share(value: float, digits: int) -> str:
    """``21.3%`` / ``21,3 %``."""
    return Figure(value, digits, share=True).local()


def _value(value: float | None, name: str) -> str:
    if value is None or value != value:
        return _("n/a")
    return _fixed(value, 3) if name in ("roc_auc", "f1", "pr_auc", "brier", "log_loss") else _share(value, 1)


def _has_interval(value: float | None, found: Sequence[float] | None) -> bool:
    return found is not None and value is not None and value == value  # NaN != NaN: no value, no interval


def _with_interval(value: float | None, found: Sequence[float] | None, name: str) -> str:
    """``0.843 (0.821–0.866)``; rates as percentages; the bare value where there is no interval."""
    if found is None or not _has_interval(value, found):
        return _value(value, name)
    return f"{_value(value, name)} ({_value(found[0], name)}–{_value(found[1], name)})"


def _interval_text(found: Sequence[float] | None, name: str) -> str:
    return _("n/a") if found is None else f"{_value(found[0], name)}–{_value(found[1], name)}"


def _money(value: float) -> str:
    """A sum in whole units: ``55,860`` / ``55.860``."""
    return Figure(value, 0, grouped=True).local()


def _cost(value: float) -> str:
    """A cost or a value per row, to the cent: ``1,060.00`` / ``1.060,00``."""
    return Figure(value, 2, grouped=True).local()


def _rows(count: int) -> str:
    return ngettext("{count} row", "{count} rows", count).format(count=_count(count))


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
    act = (
        ngettext(
            "{acted} of {scored} scored row ({share})", "{acted} of {scored} scored rows ({share})", int(scored)
        ).format(acted=_count(acted), scored=_count(scored), share=_share(acted / scored, 1))
        if scored
        else _("none: no row could be scored")
    )
    worth = _(
        "{value} expected (each probability taken as the chance that acting pays), at {cost} per action and"
        " {worth} per true positive"
    ).format(value=_money(expected), cost=_cost(request.cost_per_action), worth=_cost(request.value_per_true_positive))
    realised = request.realised_at_threshold()
    verdict = report.verdict
    rows: list[list[object]] = [
        [_("File"), join([table_.path.name, BR, el("code", f"sha256 {sha256_file(table_.path)}")])],
        [_("Read as"), report.dialect.note().text() if report.dialect else _("n/a")],
        [
            _("Rows"),
            _("{rows} ({ok} ok, {warning} warning, {invalid} invalid)").format(
                rows=_count(report.rows),
                ok=_count(counts["ok"]),
                warning=_count(counts["warning"]),
                invalid=_count(counts["invalid"]),
            ),
        ],
        [
            _("Input verdict"),
            el("span", verdict_word(verdict), class_=f"verdict {verdict}"),
        ],
        [_("Model"), f"{card.display_name} {card.version} ({card.name}, {request.raw['model'].get('algorithm')})"],
        [
            _("Threshold"),
            _("{threshold} (the card's: {card})").format(
                threshold=_fixed(request.threshold, 2), card=_fixed(card.threshold, 2)
            ),
        ],
        [
            _("Act on ({column} = {label})").format(column=card.target.column, label=card.target.positive_label),
            el("strong", act),
        ],
        [_("Expected value"), el("strong", worth)],
    ]
    if report.mapping_file:
        rows.insert(2, [_("Column mapping"), report.mapping_file.get("name", "")])
    if realised is not None:
        rows.append(
            [
                _("Realised value (labelled rows)"),
                ngettext("{value} acting on {count} row", "{value} acting on {count} rows", int(realised[1])).format(
                    value=_money(realised[0]), count=_count(realised[1])
                ),
            ]
        )
    date = now.strftime("%Y-%m-%d %H:%M:%S UTC")  # machine-readable in every language
    # The one line that differs between two runs on the same input (tests drop it and compare the bytes).
    date_label = esc(_("Date"))
    date_row = Html(
        f'<tr class="generated"><th scope="row">{date_label}</th>'
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
            return _whole(0)
        if scope == "row" or rows[code]:
            return _rows(rows[code])
        return ngettext("{count} column", "{count} columns", columns[code]).format(count=_whole(columns[code]))

    order = {"error": 0, "warning": 1, "info": 2}
    issues = sorted(report.issues, key=lambda i: order.get(i.severity, 3))
    verdict = {
        "ok": _("No problem found: the file looks like what the model was trained on."),
        "warning": _("Warnings: the scores can be used, but read the issues below."),
        "error": _("Errors: some rows could not be scored, or the file is not what the model expects."),
    }[report.verdict]
    parts = [el("p", verdict, class_=f"banner {report.verdict}")]
    if issues:
        parts.append(
            table(
                [_("severity"), _("issue"), _("column"), _("rows"), _("example rows"), _("message")],
                [
                    [
                        el("span", word(SEVERITIES, i.severity, keep=False), class_=f"sev {i.severity}"),
                        join([_(CATALOGUE[i.code].title) if i.code in CATALOGUE else i.code, BR, el("code", i.code)]),
                        i.column or _("(file)"),
                        _count(i.rows) if i.rows else "",
                        ", ".join(map(_whole, i.examples)) + (", …" if i.rows > len(i.examples) else ""),
                        i.shown(),
                    ]
                    for i in issues
                ],
                class_="issues",
            )
        )
    else:
        parts.append(_note(_("No issue of the catalogue below was found.")))
    parts.append(el("h3", _("The catalogue of checks")))
    parts.append(
        table(
            [_("code"), _("issue"), _("applies to"), _("severity"), _("found"), _("meaning")],
            [
                [
                    el("code", t.code),
                    _(t.title),
                    word(_SCOPES, t.scope, keep=False),
                    word(SEVERITIES, t.severity, keep=False),
                    found(t.code, t.scope),
                    _(t.meaning),
                ]
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
        return _note(_("Drift was not computed: no feature of the model could be read from the file."))
    found = dict(sorted(report.drift.items(), key=lambda item: (-item[1]["psi"], item[0])))
    drifted, unsure = drifted_and_unsure(found)
    text = (
        _("Drifted: {features}.").format(features=", ".join(drifted))
        if drifted
        else _("No feature drifted (PSI below {psi}, or no significant change).").format(psi=general_text(PSI_WARN))
    )
    if unsure:
        text += " " + ngettext(
            "Too few rows to tell ({rows} row) for {count} of {features} features.",
            "Too few rows to tell ({rows} rows) for {count} of {features} features.",
            report.rows,
        ).format(rows=_count(report.rows), count=_whole(len(unsure)), features=_whole(len(found)))
    height = max(3.0, 0.28 * len(found) + 1.2)
    parts = [
        _note(text),
        _figure(
            chart_svg(
                "psi", _("Drift per feature (PSI)"), plots.draw_drift, found, PSI_WARN, PSI_ALERT, size=(7.0, height)
            ),
            _(
                "PSI against the training data; warn from {warn}, alert from {alert}. A drift counts when the"
                " chi-square test (Benjamini-Hochberg adjusted across features) is significant too."
            ).format(warn=general_text(PSI_WARN), alert=general_text(PSI_ALERT)),
        ),
        table(
            [_("feature"), "PSI", _("status"), _("adjusted p"), _("significant")],
            [
                [
                    name,
                    _fixed(d["psi"], 3),
                    word(DRIFT_STATUSES, d["status"], keep=False),
                    _("n/a") if d.get("p_value") is None else general_text(d["p_value"], ".3g"),
                    _("n/a") if d.get("significant") is None else _("yes") if d["significant"] else _("no"),
                ]
                for name, d in found.items()
            ],
        ),
        # "The 3 features...": a count that is 3 but for a file with fewer features, so no plural form of its own
        el("h3", _("The {count} features that moved most").format(count=_whole(min(_TOP_DRIFTED, len(found))))),
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
                    _("{name}: training and current distribution").format(name=name),
                    plots.draw_distribution,
                    plots.bin_labels(reference),
                    reference["frequencies"],
                    (counts / total).tolist(),
                    size=(6.4, 3.2),
                ),
                _("{name}: PSI {psi}, {status}.").format(
                    name=name,
                    psi=_fixed(found[name]["psi"], 3),
                    status=word(DRIFT_STATUSES, found[name]["status"], keep=False),
                ),
            )
        )
    parts.append(el("div", *charts, class_="charts"))
    return join(parts)


# ---- model quality ---------------------------------------------------------------------------------------
def _confusion_table(confusion: Any, expected: bool = False) -> Html:  # noqa: ANN401 - a Confusion or expected counts
    def count(cell: str) -> str:
        value = confusion[cell] if isinstance(confusion, Mapping) else getattr(confusion, cell)
        shown = _money(value) if expected else _count(value)
        return f"{shown} {_(_CELLS[cell])}"

    return table(
        ["", _("predicted positive"), _("predicted negative")],
        [
            [_("actual positive"), count("tp"), count("fn")],
            [_("actual negative"), count("fp"), count("tn")],
        ],
        class_="confusion",
    )


def _metrics_line(values: Mapping[str, float | None], intervals: Mapping[str, Any], level: float) -> Html:
    named = [name for name in _METRIC_LABELS if values.get(name) is not None]
    shown = ", ".join(
        f"{_(_METRIC_LABELS[name])} {_with_interval(values[name], intervals.get(name), name)}" for name in named
    )
    if not any(_has_interval(values[name], intervals.get(name)) for name in named):
        return _note(f"{shown}.")  # a one-class file: no metric has an interval, so none is announced
    return _note(_("{metrics} ({level} intervals).").format(metrics=shown, level=_share(level, 0)))


def _wide_notes(found: Any, rows: int) -> list[Html]:  # noqa: ANN401 - MetricsWithIntervals
    notes = []
    for name in found.too_wide():
        low, high = found.intervals[name]
        notes.append(
            _note(
                ngettext(
                    "{rows} row: {metric} {value}, {level} interval {low}–{high}: too wide to tell much.",
                    "{rows} rows: {metric} {value}, {level} interval {low}–{high}: too wide to tell much.",
                    rows,
                ).format(
                    rows=_count(rows),
                    metric=_(_METRIC_LABELS[name]),
                    value=_value(found.values[name], name),
                    level=_share(found.level, 0),
                    low=_value(low, name),
                    high=_value(high, name),
                ),
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
    parts: list[Html] = [
        el("h3", _("Test set (model card) at threshold {threshold}").format(threshold=_fixed(threshold, 2)))
    ]
    card_confusion = request.card_ranked.confusion(threshold) if request.card_ranked else None
    if card_confusion is not None:
        found = metrics_with_intervals(card_confusion, card_q.auc, card_q.auc_ci)
        parts += [_confusion_table(card_confusion), _metrics_line(found.values, found.intervals, found.level)]
        parts += _wide_notes(found, found.rows)
    test_curve = {"name": _("test set"), "fpr": curves["roc"]["fpr"], "tpr": curves["roc"]["tpr"], "auc": card_q.auc}
    card_roc = [
        test_curve
        | {"color": "#1f6fb2", "point": _point(card_confusion) if card_confusion else None, "band": card_q.band}
    ]
    charts = [
        _figure(
            chart_svg("roc-card", _("ROC curve (test set (model card))"), plots.draw_roc, card_roc),
            _("The shaded band: where the curve stays across stratified resamples; the dot: the threshold."),
        ),
        _figure(
            chart_svg(
                "calibration-card",
                _("Calibration (test set (model card))"),
                plots.draw_calibration,
                [{"name": _("test set"), "color": "#1f6fb2", **curves["calibration"]}],
            ),
            _("Mean predicted probability against the observed rate, in tenths."),
        ),
    ]
    parts.append(el("div", *charts, class_="charts"))
    column = request.bundle.card.target.column
    file_q = request.file_quality
    if file_q is not None and request.file_ranked is not None:
        confusion = request.file_ranked.confusion(threshold)
        found = metrics_with_intervals(confusion, file_q.auc, file_q.auc_ci)
        parts += [
            el(
                "h3",
                ngettext(
                    "This file ({count} labelled row) at threshold {threshold}",
                    "This file ({count} labelled rows) at threshold {threshold}",
                    request.file_ranked.scores.size,
                ).format(count=_count(request.file_ranked.scores.size), threshold=_fixed(threshold, 2)),
            ),
            _confusion_table(confusion),
            _metrics_line(found.values, found.intervals, found.level),
            *_wide_notes(found, found.rows),
        ]
        file_curve = {"name": _("this file"), "fpr": file_q.fpr, "tpr": file_q.tpr, "auc": file_q.auc}
        roc = [
            file_curve | {"color": "#d9822b", "point": _point(confusion), "band": file_q.band},
            test_curve | {"color": "#1f6fb2"},
        ]
        calibration = [{"name": _("this file"), "color": "#d9822b", **file_q.calibration}]
        charts = [
            _figure(
                chart_svg("roc-file", _("ROC curve (this file)"), plots.draw_roc, roc),
                _("This file against the test set."),
            ),
            _figure(
                chart_svg("calibration-file", _("Calibration (this file)"), plots.draw_calibration, calibration),
                _("Mean predicted probability against the observed rate on this file's labelled rows."),
            ),
        ]
        parts.append(el("div", *charts, class_="charts"))
    elif request.estimate is not None:
        estimate = request.estimate
        parts.append(
            el(
                "h3",
                ngettext(
                    "This file: estimated ({rows} scored row, no '{column}' column)",
                    "This file: estimated ({rows} scored rows, no '{column}' column)",
                    int(estimate.rows),
                ).format(rows=_count(estimate.rows), column=column),
            )
        )
        block = [
            _note(
                _(
                    "What the metrics are expected to be once the labels arrive, from the model's probabilities"
                    " (confidence-based performance estimation)."
                )
            ),
            _confusion_table(estimate.confusion, expected=True),
            _metrics_line(estimate.values, estimate.intervals, estimate.level),
        ]
        if not estimate.reliable:
            block.append(_note(el("strong", _("Not reliable: ")), f"{estimate.shown_reason()}.", class_="note warn"))
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
                "name": _(name),
                "thresholds": curve.thresholds,
                "values": curve.values * factor,
                "color": color,
                "best": (best, curve.at(best)[0] * factor),
            }
        )
        lines.append(
            [_(name), _count(rows), _count(acted_at), _money(value_at), _fixed(best, 2), _money(curve.at(best)[0])]
        )
    shown = _fixed(threshold, 2)
    return join(
        [
            _note(
                _(
                    "Acting on a row costs {cost}; acting on a true positive is worth {value}. Realised curves count"
                    " the labels; the expected curve takes each probability as the chance that acting pays."
                ).format(cost=_cost(request.cost_per_action), value=_cost(request.value_per_true_positive))
            ),
            _figure(
                chart_svg("decisions", _("Value of acting across thresholds"), plots.draw_decisions, drawn, threshold),
                _("The dashed line: the threshold used, {threshold}; the stars: each curve's best threshold.").format(
                    threshold=shown
                ),
            ),
            table(
                [
                    _("curve"),
                    _("rows"),
                    _("acted on at {threshold}").format(threshold=shown),
                    _("value there"),
                    _("best threshold"),
                    _("value at best"),
                ],
                lines,
            ),
        ]
    )


# ---- fairness --------------------------------------------------------------------------------------------
# The gaps as app.core.slices names them ("tpr_gap"), shown short ("tpr").
_GAPS = {
    "tpr_gap": N_("tpr"),
    "fpr_gap": N_("fpr"),
    "precision_gap": N_("precision"),
    "selection_rate_gap": N_("selection_rate"),
}


def _gap_name(key: str) -> str:
    return _(_GAPS[key]) if key in _GAPS else key.replace("_gap", "")


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
                    _count(values["rows"]),
                    *(_with_interval(values[m], ci.get(m), m) for m in ("tpr", "fpr", "precision", "selection_rate")),
                ]
            )
        gap = result["gaps"].get("tpr_gap")
        over = gap is not None and bound is not None and gap > bound
        text = _("{attribute} gaps: {gaps}").format(
            attribute=attribute,
            gaps=", ".join(f"{_gap_name(k)} {_value(v, k)}" for k, v in result["gaps"].items()),
        )
        if over and bound is not None:
            text = _("{gaps}: the TPR gap is above the gate's {bound}").format(gaps=text, bound=_share(bound, 0))
        gaps.append(_note(text, class_="note warn" if over else "note"))
    return join(
        [
            el("h3", title),
            table(
                [_("attribute"), _("group"), _("rows"), _("TPR"), _("FPR"), _("precision"), _("selection rate")], rows
            ),
            *gaps,
            _figure(
                chart_svg(
                    name,
                    _("TPR and FPR per group, 95% intervals ({title})").format(title=title.lower()),
                    plots.draw_group_rates,
                    slices,
                ),
                _("Each rate with its 95% interval (stratified bootstrap)."),
            ),
        ]
    )


def fairness(request: ReportRequest, _now: datetime) -> Html:
    """Rates per group of each sensitive attribute with intervals, for the test set and a labelled file."""
    from app.core.fairness import min_group_rows, tpr_gap_bound

    card = request.bundle.card
    bound = tpr_gap_bound(list(card.section("gates") or []))
    note = (
        _(
            "Equal opportunity: the true-positive rate should not differ between groups by more than {bound} (the"
            " card's gate). Groups smaller than {rows} rows are shown but left out of the gaps."
        ).format(bound=_share(bound, 0), rows=_whole(min_group_rows(card)))
        if bound is not None
        else _("The card declares no gate on the TPR gap.")
    )
    on_card, on_file = request.slices
    parts = [_note(note)]
    if on_card:
        parts.append(_slice_block("slices-card", _("Test set (model card)"), on_card, bound))
    if on_file:
        parts.append(_slice_block("slices-file", _("This file"), on_file, bound))
    else:
        parts.append(
            _note(
                _("This file has no '{column}' column, so its groups cannot be compared.").format(
                    column=card.target.column
                )
            )
        )
    return join(parts)


# ---- the model card --------------------------------------------------------------------------------------
def card(request: ReportRequest, _now: datetime) -> Html:
    """Identity, provenance, the test metrics with their intervals, the gates and the importances."""
    from app.core.estimation import MAX_CALIBRATION_ERROR, card_calibration_error

    raw = request.raw
    model, provenance = raw["model"], raw.get("provenance", {})
    test, test_ci = raw.get("metrics", {}).get("test", {}), raw.get("metrics", {}).get("test_ci", {})
    intervals = test_ci.get("intervals", {})
    code = provenance.get("code_version", {})
    # The card's own text (its description, the threshold's reason, the gates' names) is shown as written.
    identity = [
        [_("Model"), f"{model['display_name']} {model['version']} ({model['name']})"],
        [_("Description"), model.get("description", "")],
        [_("Algorithm"), f"{model.get('algorithm')} ({model.get('estimator')})"],
        [_("Built"), str(model.get("created_at"))],
        [_("Predicts"), f"{raw['target']['column']} = {raw['target']['positive_label']}"],
        [_("Threshold"), f"{_fixed(raw['threshold']['value'], 2)}: {raw['threshold'].get('reason', '')}"],
        [_("Data"), join([str(provenance.get("data_source")), BR, el("code", provenance.get("data_sha256"))])],
        [_("Model sha256"), el("code", model.get("onnx_sha256"))],
        [_("Code"), str(code.get("commit", _("unknown")) if isinstance(code, Mapping) else code)],
    ]
    level = test_ci.get("level", 0.95)
    metrics = [
        [word(_CARD_METRICS, name), _value(value, name), _interval_text(intervals.get(name), name)]
        for name, value in test.items()
        if isinstance(value, float) and name != "threshold"
    ]
    gates = [
        [
            g["name"],
            el("code", g["metric"]),
            gate_bound(g),
            _("n/a") if g.get("value") is None else general_text(g["value"], ".4g"),
            el(
                "span",
                word(GATE_STATUSES, str(g["status"]), keep=False),
                class_="gate " + ("passed" if g.get("passed") else "failed"),
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
        el(
            "h3",
            ngettext(
                "Test-set metrics ({rows} row, threshold {threshold})",
                "Test-set metrics ({rows} rows, threshold {threshold})",
                int(test.get("rows", 0)),
            ).format(rows=_count(test.get("rows", 0)), threshold=_fixed(test.get("threshold", 0), 2)),
        ),
        table([_("metric"), _("value"), _("{level} interval").format(level=_share(level, 0))], metrics),
        _note(_("Intervals: {method}.").format(method=test_ci.get("method"))) if test_ci.get("method") else Html(""),
        el("h3", _("Quality gates")),
        table([_("gate"), _("metric"), _("bound"), _("value checked"), _("outcome")], gates),
        _note(
            _("All gates passed.") if raw.get("gates_passed") else _("Not every gate passed."),
            class_="note" if raw.get("gates_passed") else "note warn",
        ),
    ]
    if ece is not None:
        verdict = (
            _("good enough to estimate performance on files without labels")
            if ece <= MAX_CALIBRATION_ERROR
            else _("above {limit}: performance is not estimated on files without labels").format(
                limit=general_text(MAX_CALIBRATION_ERROR)
            )
        )
        parts.append(
            _note(
                _("Expected calibration error on the test set: {error} ({verdict}).").format(
                    error=_fixed(ece, 3), verdict=verdict
                )
            )
        )
    if raw.get("importances"):
        parts.append(
            _figure(
                chart_svg("importances", _("Permutation importances"), plots.draw_importances, raw["importances"]),
                _("Drop in test ROC AUC when a feature is shuffled."),
            )
        )
    return join(parts)


# Each section's id, heading (in English: show it with gettext) and drawing.
SECTIONS: tuple[tuple[str, str, Callable[[ReportRequest, datetime], Html]], ...] = (
    ("summary", N_("Summary"), summary),
    ("sanity", N_("Input sanity"), sanity),
    ("drift", N_("Drift"), drift),
    ("quality", N_("Model quality"), quality),
    ("decisions", N_("Decisions"), decisions),
    ("fairness", N_("Fairness"), fairness),
    ("card", N_("Model card"), card),
)
