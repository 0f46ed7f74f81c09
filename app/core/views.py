"""What every front end shows of a model's quality, computed once: the window's panels, the report and the CLI
format and draw these values, so they cannot disagree about a number.

The test set's view comes from the model card; a file's from its labelled, scored rows. A file without labels has
no quality view (None): nothing of a previous file's curves can stand in for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from app.core.card import ModelCard
from app.core.decisions import usable_rows
from app.core.intervals import delong_interval
from app.core.metrics import RankedScores, calibration_curve, roc_auc, roc_curve, thin_curve
from app.core.table import ScoredTable
from app.core.threshold_intervals import RocBand, roc_band

__all__ = ["QualityView", "card_quality", "card_ranked", "file_quality", "file_ranked"]

Interval = tuple[float, float]


@dataclass(frozen=True)
class QualityView:
    """A labelled set's ROC curve (thinned for drawing), ROC AUC with its interval, ROC band, calibration, and its
    scores ranked for the confusion matrix at any threshold."""

    fpr: list[float | None]
    tpr: list[float | None]
    auc: float | None
    auc_ci: Interval | None
    band: RocBand | None
    calibration: dict[str, list[Any]]
    ranked: RankedScores | None  # None: a card that stores no test predictions


def card_ranked(card: ModelCard) -> RankedScores | None:
    """The card's test-set predictions, sorted once for threshold queries; None when the card stores none."""
    stored = card.raw.get("test_predictions", {})
    return RankedScores(stored["label"], stored["probability"]) if stored.get("label") else None


def file_ranked(table: ScoredTable) -> RankedScores | None:
    """A file's labelled, scored rows, sorted once; None without labels."""
    if not table.has_labels or table.labels is None:
        return None
    usable = usable_rows(table.labels, table.probability)
    return RankedScores(table.labels[usable], table.probability[usable])


def card_quality(card: ModelCard) -> QualityView:
    """The test set's view: the card's curves and ROC AUC, its stated interval (else DeLong's on the stored test
    predictions), and the ROC band of those predictions (none when the card stores no predictions)."""
    stored = card.raw.get("test_predictions", {})
    # In the card's order, not the ranked one: the band's resamples depend on it, and the report's bytes with them.
    labels = np.asarray(stored.get("label", []), dtype=bool)
    scores = np.asarray(stored.get("probability", []), dtype=np.float64)
    curves = card.raw.get("curves", {})
    metrics = card.raw.get("metrics", {})
    stated = metrics.get("test_ci", {}).get("intervals", {}).get("roc_auc")
    auc = metrics.get("test", {}).get("roc_auc")
    return QualityView(
        fpr=list(curves.get("roc", {}).get("fpr", [])),
        tpr=list(curves.get("roc", {}).get("tpr", [])),
        auc=None if auc is None else float(auc),
        auc_ci=(stated[0], stated[1]) if stated else (delong_interval(labels, scores) if labels.size else None),
        band=roc_band(labels, scores) if labels.size else None,
        calibration=dict(curves.get("calibration", {})),
        ranked=RankedScores(labels, scores) if labels.size else None,
    )


def file_quality(table: ScoredTable) -> QualityView | None:
    """A labelled file's view, from its own rows: ROC curve, AUC with DeLong's interval (analytic: instant at a
    million rows), ROC band and calibration; None for a file without labels."""
    if not table.has_labels or table.labels is None:
        return None
    usable = usable_rows(table.labels, table.probability)
    labels, scores = table.labels[usable], table.probability[usable]  # in the file's order (see card_quality)
    fpr, tpr, _thresholds = roc_curve(labels, scores)
    fpr_points, tpr_points = thin_curve(fpr, tpr, limit=400)
    return QualityView(
        fpr=fpr_points,
        tpr=tpr_points,
        auc=roc_auc(labels, scores),  # NaN when the file holds one class
        auc_ci=delong_interval(labels, scores),
        band=roc_band(labels, scores),
        calibration=calibration_curve(labels, scores),
        ranked=RankedScores(labels, scores),
    )
