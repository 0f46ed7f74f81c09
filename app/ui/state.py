"""The app's shared state: the bundle, the scored file, the threshold and the decision costs.

Panels receive this object in their constructor and listen to its signals; none of
them computes metrics itself (that is app.core's job).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    import numpy as np

    from app.core.bundle import Bundle
    from app.core.metrics import RankedScores
    from app.core.table import ScoredTable
    from app.core.views import QualityView

__all__ = ["AppState"]


class AppState(QObject):
    """Observable state shared by the main window's panels."""

    bundleChanged = Signal()
    tableChanged = Signal()
    thresholdChanged = Signal(float)
    costsChanged = Signal()
    rowsRequested = Signal(object, str)  # boolean mask over the table's rows, and what they are
    rowSelected = Signal(int)  # a row of the table, -1 for none

    def __init__(self, bundle: Bundle | None = None) -> None:
        super().__init__()
        self.bundle: Bundle | None = None
        self.table: ScoredTable | None = None
        self.threshold = 0.5
        self.cost_per_action = 0.0
        self.value_per_true_positive = 0.0
        self.selected_row = -1
        self._cache: dict[str, Any] = {}
        if bundle is not None:
            self.set_bundle(bundle)

    def set_bundle(
        self,
        bundle: Bundle,
        threshold: float | None = None,
        costs: tuple[float, float] | None = None,
        card_view: QualityView | None = None,
    ) -> None:
        """Use a verified bundle; threshold and costs default to the card's; ``card_view``: its test set's quality
        view, when a worker computed it already."""
        self.bundle = bundle
        self.table = None
        self._cache.clear()
        if card_view is not None:
            self._cache["card_quality"] = card_view
        card_costs = bundle.card.section("decision_costs")
        self.threshold = bundle.card.threshold if threshold is None else threshold
        self.cost_per_action, self.value_per_true_positive = costs or (
            float(card_costs.get("cost_per_action", 0.0)),
            float(card_costs.get("value_per_true_positive", 0.0)),
        )
        self.bundleChanged.emit()
        self.tableChanged.emit()
        self.thresholdChanged.emit(self.threshold)
        self.costsChanged.emit()

    def set_table(self, table: ScoredTable | None, quality: QualityView | None = None) -> None:
        """Show a newly scored file (or none); ``quality``: its quality view, when a worker computed it already."""
        self.table = table
        self._cache.pop("file_quality", None)
        if quality is not None:
            self._cache["file_quality"] = quality
        self.selected_row = -1
        self.tableChanged.emit()

    def set_threshold(self, threshold: float) -> None:
        """Move the decision threshold (clamped to 0.01..0.99)."""
        threshold = round(min(0.99, max(0.01, float(threshold))), 2)
        if threshold != self.threshold:
            self.threshold = threshold
            self.thresholdChanged.emit(threshold)

    def set_costs(self, cost_per_action: float, value_per_true_positive: float) -> None:
        """Change the decision costs."""
        if (cost_per_action, value_per_true_positive) != (self.cost_per_action, self.value_per_true_positive):
            self.cost_per_action, self.value_per_true_positive = cost_per_action, value_per_true_positive
            self.costsChanged.emit()

    def select_row(self, row: int) -> None:
        """Tell the panels which table row the user is looking at."""
        self.selected_row = row
        self.rowSelected.emit(row)

    def request_rows(self, mask: np.ndarray, description: str) -> None:
        """Ask the results table to show just these rows."""
        self.rowsRequested.emit(mask, description)

    def card_quality(self) -> QualityView | None:
        """The test set's quality view, computed once per model."""
        if "card_quality" not in self._cache and self.bundle is not None:
            from app.core.views import card_quality

            self._cache["card_quality"] = card_quality(self.bundle.card)
        return self._cache.get("card_quality")

    def file_quality(self) -> QualityView | None:
        """The open file's quality view (None without a labelled file), computed once per file."""
        if self.table is None:
            return None
        if "file_quality" not in self._cache:
            from app.core.views import file_quality

            self._cache["file_quality"] = file_quality(self.table)
        view: QualityView | None = self._cache["file_quality"]
        return view

    def card_ranked(self) -> RankedScores | None:
        """The card's test-set predictions, sorted once for threshold queries (the test set's quality view's)."""
        view = self.card_quality()
        return view.ranked if view is not None else None

    def file_ranked(self) -> RankedScores | None:
        """The loaded file's labelled, scored rows, sorted once; None without labels (its quality view's)."""
        view = self.file_quality()
        return view.ranked if view is not None else None
