"""Back-testing on a labelled file: the model's metrics on the analyst's own data, with numpy alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from app.core.bundle import Bundle
from app.core.card import ModelCard
from app.core.i18n import N_, Message
from app.core.intervals import BOOTSTRAP_RESAMPLES, CI_LEVEL, METRICS, SEED, bootstrap, delong_interval
from app.core.metrics import classification_summary, roc_curve, thin_curve
from app.core.reading import InputError, InputOptions
from app.core.report import EXAMPLES, FileReport
from app.core.scoring import CancelFn, ProgressFn, ScoredChunk, scan
from app.core.slices import all_slice_metrics
from app.core.text import TEXT

__all__ = ["LABEL_MISSING", "LABEL_UNKNOWN", "LabelCollector", "evaluate_file", "label_values", "labelled_metrics"]

LABEL_MISSING, LABEL_UNKNOWN = -1, -2
_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"0", "false", "no", "n", "f"}


def label_values(text: pd.Series, card: ModelCard) -> np.ndarray:
    """1 for the positive label, 0 for the negative, -1 when empty, -2 when unrecognised.

    The card's own labels match ignoring case and spaces; 1/0 and true/false are accepted too.
    """
    values = text.astype(TEXT).str.strip().str.casefold().to_numpy(dtype=object)
    positive = card.target.positive_label.strip().casefold()
    negative = card.target.negative_label.strip().casefold()
    result = np.full(len(values), LABEL_UNKNOWN, dtype=np.int8)
    result[np.isin(values, [*(_FALSE - {positive}), negative])] = 0
    result[np.isin(values, [*(_TRUE - {negative}), positive])] = 1
    result[values == ""] = LABEL_MISSING
    return result


class LabelCollector:
    """A scan sink keeping probabilities, labels and sensitive-attribute values."""

    def __init__(self, card: ModelCard, label: str) -> None:
        self.card = card
        self.label = label
        self.probability: list[np.ndarray] = []
        self.labels: list[np.ndarray] = []
        self.groups: dict[str, list[np.ndarray]] = {}
        self.unknown: dict[str, list[int]] = {}

    def __call__(self, chunk: ScoredChunk) -> None:
        column = chunk.mapping.source_for.get(self.label)  # scan maps it, like any column the card names
        if column is None:
            raise InputError(
                Message.of(
                    N_("{path}: no label column {column}; name it with --label"),
                    path=chunk.source.path,
                    column=repr(self.label),
                )
            )
        labels = label_values(chunk.text[column], self.card)
        self.probability.append(chunk.probability)
        self.labels.append(labels)
        for row in np.flatnonzero(labels == LABEL_UNKNOWN):
            rows = self.unknown.setdefault(str(chunk.text[column].iloc[row]), [])
            if len(rows) < EXAMPLES:
                rows.append(int(chunk.start + row + 1))
        for spec in self.card.sensitive:
            # A sensitive feature is grouped by the value the model saw (after the mapping: 'Female' -> 1), as the
            # card's test set and the window are; any other sensitive column by its text as read.
            if spec.column in chunk.assessment.columns:
                self.groups.setdefault(spec.column, []).append(chunk.assessment.columns[spec.column])
                continue
            source = chunk.mapping.source_for.get(spec.column)
            if source is not None:
                self.groups.setdefault(spec.column, []).append(chunk.text[source].to_numpy(dtype=object))

    def arrays(self) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
        """All probabilities, labels and sensitive columns, in file order."""
        probability = np.concatenate(self.probability) if self.probability else np.empty(0)
        labels = np.concatenate(self.labels) if self.labels else np.empty(0, dtype=np.int8)
        groups = pd.DataFrame({c: np.concatenate(parts) for c, parts in self.groups.items()})
        return probability, labels, groups


def _as_list(found: tuple[float, float] | None) -> list[float] | None:
    """An interval as JSON writes it: a two-item list, or None where the metric cannot be told."""
    return None if found is None else list(found)


def labelled_metrics(
    probability: np.ndarray,
    labels: np.ndarray,
    groups: pd.DataFrame,
    card: ModelCard,
    threshold: float,
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    level: float = CI_LEVEL,
) -> dict[str, Any]:
    """Metrics with their intervals, ROC points and slices on the rows that have both a score and a label."""
    usable = ~np.isnan(probability) & (labels >= 0)
    y, p = labels[usable].astype(np.int64), probability[usable]
    summary = classification_summary(y, p, threshold)
    found = bootstrap(y, p, threshold, resamples=resamples).intervals(level) if resamples > 0 else {}
    summary["ci"] = {name: _as_list(found.get(name)) for name in METRICS}
    summary["ci_level"] = level
    summary["ci_method"] = f"stratified bootstrap, {resamples} resamples, seed {SEED}" if resamples > 0 else None
    delong = delong_interval(y, p, level)
    summary["ci_delong"] = {"roc_auc": _as_list(delong)}
    fpr, tpr, thresholds = roc_curve(y, p)
    min_rows = int(card.section("fairness").get("min_group_rows", 30))
    slices = all_slice_metrics(groups[usable].reset_index(drop=True), y, p, card.sensitive, threshold, min_rows)
    return summary | {
        "roc": dict(zip(("fpr", "tpr", "threshold"), thin_curve(fpr, tpr, thresholds), strict=True)),
        "slices": slices,
    }


def evaluate_file(
    path: Path,
    bundle: Bundle,
    label: str | None = None,
    threshold: float | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
    options: InputOptions | None = None,
    resamples: int = BOOTSTRAP_RESAMPLES,
    level: float = CI_LEVEL,
) -> tuple[dict[str, Any], FileReport]:
    """Score a labelled file and compute its metrics with their intervals; unusable labels raise InputError
    naming them."""
    card = bundle.card
    label = label or card.target.column
    threshold = card.threshold if threshold is None else threshold
    collector = LabelCollector(card, label)
    report = scan(
        Path(path),
        bundle,
        on_chunk=collector,
        progress=progress,
        cancelled=cancelled,
        optional_columns=[label],
        options=options,
    )
    if collector.unknown:
        found = [
            Message.of(N_("{value} (rows {rows})"), value=repr(value), rows=", ".join(map(str, rows)))
            for value, rows in list(collector.unknown.items())[:5]
        ]
        shown = Message.of(
            "; ".join(f"{{v{i}}}" for i in range(len(found))), **{f"v{i}": m for i, m in enumerate(found)}
        )
        raise InputError(
            Message.of(
                N_("{path}: column {column} holds labels other than {positive} and {negative}: {values}"),
                path=path,
                column=repr(label),
                positive=repr(card.target.positive_label),
                negative=repr(card.target.negative_label),
                values=shown,
            )
        )
    probability, labels, groups = collector.arrays()
    result = labelled_metrics(probability, labels, groups, card, threshold, resamples=resamples, level=level)
    if result["rows"] == 0:
        raise InputError(
            Message.of(
                N_("{path}: no row has both a usable label in {column} and a score"), path=path, column=repr(label)
            )
        )
    result["rows_in_file"] = report.rows
    result["rows_excluded"] = {
        "invalid": int(np.sum(np.isnan(probability))),
        "missing_label": int(np.sum(~np.isnan(probability) & (labels == LABEL_MISSING))),
    }
    result["label_column"] = label
    return result, report
