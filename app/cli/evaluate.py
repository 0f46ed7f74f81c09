"""``evaluate``: metrics, with their intervals, on a labelled file."""

from __future__ import annotations

import argparse
import json

from app.cli.common import _options
from app.cli.exits import EXIT_OK
from app.cli.numbers import _count, _fmt, _with_interval
from app.core.bundle import Bundle
from app.core.i18n import Figure, ngettext
from app.core.i18n import gettext as _
from app.core.words import SEVERITIES, word


def _evaluate(args: argparse.Namespace, bundle: Bundle) -> int:
    from app.core.evaluation import evaluate_file
    from app.core.threshold_intervals import wide_metrics

    result, report = evaluate_file(
        args.input,
        bundle,
        args.label,
        args.threshold,
        options=_options(args, bundle),
        resamples=args.bootstrap,
        level=args.ci_level,
    )
    if args.json:
        print(json.dumps(result, indent=1))
        return EXIT_OK
    cm = result["confusion_matrix"]
    excluded = result["rows_excluded"]
    print(
        ngettext(
            "{input}: {rows} labelled row scored, {positives} positive ({invalid} invalid and {unlabelled}"
            " unlabelled rows left out)",
            "{input}: {rows} labelled rows scored, {positives} positive ({invalid} invalid and {unlabelled}"
            " unlabelled rows left out)",
            int(result["rows"]),
        ).format(
            input=args.input,
            rows=_count(result["rows"]),
            positives=_count(result["positives"]),
            invalid=_count(excluded["invalid"]),
            unlabelled=_count(excluded["missing_label"]),
        )
    )
    print(
        "  "
        + "  ".join(
            f"{k} {_with_interval(result[k], result['ci'].get(k))}"
            for k in ("roc_auc", "pr_auc", "accuracy", "precision", "recall", "f1")
        )
    )
    if any(result["ci"].values()):
        print(
            _("  ({level} intervals: {method})").format(
                level=Figure(result["ci_level"], 0, share=True).local(), method=result["ci_method"]
            )
        )
    for k in wide_metrics(result["ci"]):
        low, high = result["ci"][k]
        print(
            ngettext(
                "  {rows} row: {metric} {value}, {level} interval {low}-{high}: too wide to tell much from this"
                " file; score more labelled rows",
                "  {rows} rows: {metric} {value}, {level} interval {low}-{high}: too wide to tell much from this"
                " file; score more labelled rows",
                int(result["rows"]),
            ).format(
                rows=_count(result["rows"]),
                metric=k,
                value=_fmt(result[k]),
                level=Figure(result["ci_level"], 0, share=True).local(),
                low=Figure(low, 2).local(),
                high=Figure(high, 2).local(),
            )
        )
    print(
        _("  at threshold {threshold}: TP {tp}  FP {fp}  TN {tn}  FN {fn}").format(
            threshold=Figure(result["threshold"], 2).local(), tp=cm["tp"], fp=cm["fp"], tn=cm["tn"], fn=cm["fn"]
        )
    )
    for attribute, metrics in result["slices"].items():
        gaps = metrics["gaps"]
        print(
            _("  {attribute}: TPR gap {tpr}, FPR gap {fpr}, selection-rate gap {selection}").format(
                attribute=attribute,
                tpr=_fmt(gaps["tpr_gap"]),
                fpr=_fmt(gaps["fpr_gap"]),
                selection=_fmt(gaps["selection_rate_gap"]),
            )
        )
    if report.verdict != "ok":
        print(_("input verdict {verdict}; run `check` for details").format(verdict=word(SEVERITIES, report.verdict)))
    return EXIT_OK
