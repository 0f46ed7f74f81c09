"""What a report is about (a scored file, the model, the threshold and the costs) and what app.core computes
from it, once, with the same functions the desktop's panels call."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from app.core.i18n import N_

if TYPE_CHECKING:
    from app.core.bundle import Bundle
    from app.core.decisions import DecisionCurve
    from app.core.estimation import PerformanceEstimate
    from app.core.metrics import RankedScores
    from app.core.table import ScoredTable
    from app.core.views import QualityView

__all__ = ["ReportRequest"]


@dataclass(frozen=True)
class ReportRequest:
    """A report's inputs: the scored file, its model, and the threshold and costs to judge it at."""

    table: ScoredTable
    bundle: Bundle
    threshold: float
    cost_per_action: float
    value_per_true_positive: float
    title: str | None = None

    @classmethod
    def at_card_costs(
        cls, table: ScoredTable, bundle: Bundle, threshold: float | None = None, title: str | None = None
    ) -> ReportRequest:
        """The request at the card's decision costs (and its threshold unless one is given): the CLI's."""
        costs = bundle.card.section("decision_costs")
        return cls(
            table,
            bundle,
            bundle.card.threshold if threshold is None else float(threshold),
            float(costs.get("cost_per_action", 0.0)),
            float(costs.get("value_per_true_positive", 0.0)),
            title,
        )

    @property
    def raw(self) -> dict[str, Any]:
        """The model card as JSON."""
        return dict(self.bundle.card.raw)

    @property
    def card_ranked(self) -> RankedScores | None:
        """The card's test-set predictions, sorted (the test set's quality view's, as the window's)."""
        return self.card_quality.ranked

    @property
    def file_ranked(self) -> RankedScores | None:
        """The file's labelled, scored rows, sorted; None without labels (its quality view's, as the window's)."""
        return self.file_quality.ranked if self.file_quality is not None else None

    @property
    def scored_rows(self) -> int:
        """Rows that got a probability (invalid rows get none)."""
        return int((~np.isnan(self.table.probability)).sum())

    def expected_at_threshold(self) -> tuple[float, int]:
        """Expected value and rows to act on at exactly the threshold (not the nearest grid point)."""
        from app.core.decisions import expected_curve

        curve = expected_curve(
            self.table.probability, self.cost_per_action, self.value_per_true_positive, np.array([self.threshold])
        )
        return float(curve.values[0]), int(curve.acted[0])

    def realised_at_threshold(self) -> tuple[float, int] | None:
        """Value realised on the file's labelled rows at the threshold, and rows acted on; None without labels."""
        from app.core.decisions import realised_curve

        if self.file_ranked is None:
            return None
        curve = realised_curve(
            self.file_ranked, self.cost_per_action, self.value_per_true_positive, np.array([self.threshold])
        )
        return float(curve.values[0]), int(curve.acted[0])

    @cached_property
    def decision_curves(self) -> list[tuple[str, DecisionCurve, str, int]]:
        """(name, curve, colour, rows) as the Decisions panel draws them: test set, file realised, file expected.

        The names are in English, marked for the catalogue: show them with gettext."""
        from app.core.decisions import expected_curve, realised_curve

        cost, value = self.cost_per_action, self.value_per_true_positive
        curves = []
        if self.card_ranked is not None:
            curves.append(
                (
                    N_("test set, realised"),
                    realised_curve(self.card_ranked, cost, value),
                    "#1f6fb2",
                    self.card_ranked.scores.size,
                )
            )
        if self.file_ranked is not None:
            curves.append(
                (
                    N_("this file, realised"),
                    realised_curve(self.file_ranked, cost, value),
                    "#c0392b",
                    self.file_ranked.scores.size,
                )
            )
        curves.append(
            (
                N_("this file, expected"),
                expected_curve(self.table.probability, cost, value),
                "#d9822b",
                self.scored_rows,
            )
        )
        return curves

    @cached_property
    def card_quality(self) -> QualityView:
        """The test set's quality view (the window's Model quality panel draws the same)."""
        from app.core.views import card_quality

        return card_quality(self.bundle.card)

    @cached_property
    def file_quality(self) -> QualityView | None:
        """The labelled file's quality view; None without labels."""
        from app.core.views import file_quality

        return file_quality(self.table)

    @cached_property
    def estimate(self) -> PerformanceEstimate | None:
        """An unlabelled file's expected performance (confidence-based estimation); None for a labelled file."""
        from app.core.estimation import estimate_for_probabilities

        if self.table.has_labels:
            return None
        return estimate_for_probabilities(
            self.table.probability, self.threshold, self.raw, self.table.report.rows_beyond_training()
        )

    @cached_property
    def slices(self) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """Fairness slices with intervals at the threshold: the card's test set, and the labelled file's."""
        from app.core.fairness import card_slices, file_groups, file_slices, with_intervals

        card = self.bundle.card
        on_card = with_intervals(card_slices(card, self.threshold))
        on_file = None
        if self.table.has_labels:
            on_file = with_intervals(file_slices(file_groups(self.table, card), card, self.threshold))
        return on_card, on_file
