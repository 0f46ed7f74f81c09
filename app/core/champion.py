"""A challenger model against the active champion, on the test set their cards carry.

The deltas are the difference of the cards' test metrics. The share of flipped decisions needs the same
test rows in both cards (the same data and split, as a retrain on a new snapshot of the same rows has);
otherwise it is left out, and the reason given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypedDict

import numpy as np

from app.core.card import ModelCard
from app.core.i18n import N_, Figure, gettext

if TYPE_CHECKING:
    from app.core.bundle import Bundle
    from app.core.table import ScoredTable

__all__ = ["COMPARED_METRICS", "FileComparison", "compare_cards", "compare_on_file", "comparison_lines"]


class FileComparison(TypedDict):
    """Champion and challenger on the labelled rows of an open file."""

    rows: int
    roc_auc: dict[str, float | None]  # champion, challenger
    flip_share: float


COMPARED_METRICS = ("roc_auc", "pr_auc", "brier", "log_loss", "accuracy", "precision", "recall", "f1")


def compare_cards(champion: ModelCard, challenger: ModelCard) -> dict[str, Any]:
    """Per metric the champion's value, the challenger's and the delta; and the share of decisions that flip."""
    old, new = champion.section("metrics").get("test", {}), challenger.section("metrics").get("test", {})
    metrics = {
        name: {"champion": old[name], "challenger": new[name], "delta": new[name] - old[name]}
        for name in COMPARED_METRICS
        if isinstance(old.get(name), int | float) and isinstance(new.get(name), int | float)
    }
    result: dict[str, Any] = {"metrics": metrics, "flip_share": None, "rows": None, "reason": ""}
    before, after = champion.section("test_predictions"), challenger.section("test_predictions")
    if not _same_rows(before, after):
        # In English; gettext(result["reason"]) in the current language.
        result["reason"] = N_("the two cards' test sets differ, so decisions cannot be compared row by row")
        return result
    p_old, p_new = np.asarray(before["probability"], float), np.asarray(after["probability"], float)
    flips = (p_old >= champion.threshold) != (p_new >= challenger.threshold)
    result.update(flip_share=float(flips.mean()) if flips.size else 0.0, rows=int(flips.size))
    return result


def _same_rows(before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    old, new = before.get("label"), after.get("label")
    return bool(old) and old == new and len(before.get("probability", ())) == len(old or ())


def comparison_lines(champion: ModelCard, challenger: ModelCard) -> list[str]:
    """The comparison as `model install` prints it, in the current language."""
    result = compare_cards(champion, challenger)
    lines = [
        gettext("challenger {challenger} against the active {champion}, on the cards' test sets:").format(
            challenger=challenger.version, champion=champion.version
        )
    ]
    for name, values in result["metrics"].items():
        delta = Figure(values["delta"], 4).local()
        delta = delta if delta.startswith("-") else "+" + delta
        before, after = Figure(values["champion"], 4).local(), Figure(values["challenger"], 4).local()
        lines.append(f"  {name:<10} {before} -> {after} ({delta})")
    if result["flip_share"] is None:
        lines.append(gettext("  decisions: {reason}").format(reason=gettext(result["reason"])))
    else:
        lines.append(
            gettext("  decisions that flip at each model's threshold: {share} of {rows}").format(
                share=Figure(result["flip_share"], 2, share=True).local(),
                rows=Figure(result["rows"], grouped=True).local(),
            )
        )
    return lines


def compare_on_file(table: ScoredTable | None, champion: Bundle, challenger: Bundle) -> FileComparison | None:
    """Both models on an open file's labelled rows (None without labels): ROC AUC of each and the flipped share.

    ``table`` is the scored table (champion's probabilities), the models are bundles; the challenger scores the
    same rows, prepared exactly as scoring prepared them.
    """
    from app.core.metrics import roc_auc

    if table is None or not table.has_labels:
        return None
    labels = np.asarray(table.labels)
    rows = np.flatnonzero((labels >= 0) & ~np.isnan(table.probability))
    if not rows.size or len(set(labels[rows].tolist())) < 2:
        return None
    before = table.probability[rows]
    after = np.asarray(challenger.predictor.predict(table.prepared(rows, challenger.card)), dtype=float)
    flips = (before >= champion.card.threshold) != (after >= challenger.card.threshold)
    return {
        "rows": int(rows.size),
        "roc_auc": {"champion": roc_auc(labels[rows], before), "challenger": roc_auc(labels[rows], after)},
        "flip_share": float(flips.mean()),
    }
