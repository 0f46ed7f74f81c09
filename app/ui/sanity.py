"""The sanity panel: the check catalogue grouped by severity and column, with counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from app.core.catalogue import CATALOGUE
from app.core.i18n import gettext, integer, isolated
from app.ui.i18n import QT_TR_NOOP, plain_html, tr

if TYPE_CHECKING:
    from app.core.report import FileReport, Issue
    from app.ui.state import AppState

__all__ = ["SanityPanel"]

_SEVERITY_TITLES = {"error": QT_TR_NOOP("Errors"), "warning": QT_TR_NOOP("Warnings"), "info": QT_TR_NOOP("Information")}
_BANNER_STYLES = {
    "error": "background:#f8d7d4; color:#7a1c14; padding:8px; font-weight:bold;",
    "warning": "background:#fff4cc; color:#6b5200; padding:8px;",
    "ok": "background:#dff0d8; color:#2b542c; padding:8px;",
}
IssueRole = Qt.ItemDataRole.UserRole + 2
# Issue rows built per turn of the event loop: a 5,000-column file's 4,980 rows at once stalled the window 120 ms.
_BATCH = 300
SortRole = Qt.ItemDataRole.UserRole + 3  # what a column sorts by: the number of rows, or the text in any case
_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


class _Item(QTreeWidgetItem):
    """A severity group or an issue: issues sort by the clicked column within their group; the groups keep
    errors first, in either order (a sort that scattered them would hide what makes a file unusable)."""

    def __lt__(self, other: QTreeWidgetItem) -> bool:
        tree = self.treeWidget()
        column = tree.sortColumn() if tree is not None else 0
        if self.parent() is None:
            ascending = tree is None or tree.header().sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
            mine, theirs = self.data(0, SortRole), other.data(0, SortRole)
            return bool(mine < theirs) if ascending else bool(mine > theirs)
        mine, theirs = self.data(column, SortRole), other.data(column, SortRole)
        if mine is None or theirs is None:
            return self.text(column).lower() < other.text(column).lower()
        return bool(mine < theirs)


class SanityPanel(QWidget):
    """Issues of the loaded file; clicking a row-level issue shows its rows in the table."""

    editMappingRequested = Signal()  # the banner's "Edit…" link

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.banner = QLabel(objectName="verdictBanner", wordWrap=True)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)  # it names the file's columns: never render them
        self.mapping_label = QLabel(objectName="mappingBanner")
        self.mapping_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.mapping_label.linkActivated.connect(lambda _link: self.editMappingRequested.emit())
        self.mapping_label.hide()
        self.tree = QTreeWidget(objectName="issueTree")
        self.tree.setHeaderLabels([tr("Issue"), tr("Column"), tr("Rows"), tr("Details")])
        self.tree.setColumnWidth(0, 260)
        self.tree.setColumnWidth(1, 160)
        self.tree.setColumnWidth(2, 80)
        # Sorted by the panel (not QTreeWidget's own sorting, which sorts as soon as it is on): issues come in the
        # report's order until a header is clicked.
        header = self.tree.header()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self._sort)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.mapping_label)
        layout.addWidget(self.tree, 1)
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemClicked.connect(self._activated)
        state.tableChanged.connect(self.refresh)
        self._filling = 0  # which refresh the queued batches of rows belong to
        self.refresh()

    def refresh(self) -> None:
        """Rebuild the tree from the loaded file's report."""
        self.tree.clear()
        self._filling += 1
        table = self.state.table
        if table is None:
            self.banner.setText(tr("Open a file to check it against what the model was trained on."))
            self.banner.setStyleSheet("padding:8px;")
            return
        report = table.report
        if report.mapping_file:
            self.mapping_label.setText(
                tr('Mapped with {name} (<a href="edit">Edit…</a>)').format(name=plain_html(report.mapping_file["name"]))
            )
            self.mapping_label.show()
        else:
            self.mapping_label.hide()
        self.banner.setText(_verdict_text(report))
        self.banner.setStyleSheet(_BANNER_STYLES[report.verdict])
        queue: list[tuple[QTreeWidgetItem, list[Issue]]] = []
        for severity in ("error", "warning", "info"):
            issues = [i for i in report.issues if i.severity == severity]
            if not issues:
                continue
            group = _Item(self.tree, [f"{tr(_SEVERITY_TITLES[severity])} ({integer(len(issues))})"])
            group.setData(0, SortRole, _SEVERITY_RANK[severity])
            group.setFirstColumnSpanned(True)
            group.setExpanded(True)
            queue.append((group, issues))
        self._add_issues(self._filling, queue)

    def _add_issues(self, filling: int, queue: list[tuple[QTreeWidgetItem, list[Issue]]]) -> None:
        """Add a batch of issue rows to their groups; the rest follow in the next turns of the event loop."""
        if filling != self._filling:  # the tree was rebuilt since: these groups are gone
            return
        budget = _BATCH
        while queue and budget:
            group, issues = queue.pop(0)
            for issue in issues[:budget]:
                entry = CATALOGUE[issue.code]
                item = _Item(
                    group,
                    [
                        gettext(entry.title),
                        issue.column,  # a cell of its own: its direction cannot reach the others
                        integer(issue.rows) if issue.rows else "",
                        issue.shown(isolate=True),
                    ],
                )
                item.setData(0, IssueRole, issue)
                for column in (0, 1, 3):
                    item.setData(column, SortRole, item.text(column).casefold())
                item.setData(2, SortRole, issue.rows or 0)
                item.setToolTip(3, gettext(entry.meaning))
            if len(issues) > budget:
                queue.insert(0, (group, issues[budget:]))
            budget -= min(budget, len(issues))
        self.tree.resizeColumnToContents(3)
        if queue:
            QTimer.singleShot(0, self, lambda: self._add_issues(filling, queue))
            return
        header = self.tree.header()
        if header.sortIndicatorSection() >= 0:  # a new file keeps the order the user chose
            self._sort(header.sortIndicatorSection(), header.sortIndicatorOrder())

    def _sort(self, column: int, order: Qt.SortOrder) -> None:
        if column >= 0:
            self.tree.sortItems(column, order)

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        issue = item.data(0, IssueRole)
        if issue is not None:
            self.select_issue_rows(issue)

    def select_issue_rows(self, issue: Issue) -> None:
        """Ask the table to show the rows an issue touches."""
        mask = self.issue_rows(issue)
        if mask is not None and mask.any():
            where = f" in {issue.column}" if issue.column else ""
            self.state.request_rows(mask, f"{issue.code}{where}")

    def issue_rows(self, issue: Issue) -> np.ndarray | None:
        """Rows of a row-level issue (from each row's issue list) or of duplicate ids."""
        table = self.state.table
        if table is None:
            return None
        if issue.code == "duplicate_id":
            source = table.report.mapping.source_for.get(issue.column, issue.column)
            codes, values = table.text[source].codes_and_values()
            counts = np.bincount(codes[codes >= 0], minlength=len(values))
            return (codes >= 0) & (counts[np.maximum(codes, 0)] > 1)
        if issue.rows == 0:
            return None
        import re

        import pandas as pd

        tag = f"{issue.code}:{issue.column}" if issue.column else issue.code
        pattern = f"(?:^|;){re.escape(tag)}(?:;|$)"
        return pd.Series(table.issues, dtype=object).str.contains(pattern, regex=True).to_numpy(dtype=bool)


def _verdict_text(report: FileReport) -> str:
    """The banner: what the rows have, what the file as a whole has, and whether anything drifted."""
    counts, rows = report.status_counts, report.rows
    drifted = any(i.code == "drift" for i in report.issues)
    drift = " " + tr("Some features drifted from the training data.") if drifted else ""
    # File-level findings are not counted in any row's status; name them so the two numbers do not contradict.
    by_kind: dict[str, list[str]] = {}
    for issue in report.issues:
        if CATALOGUE[issue.code].scope == "file" and issue.severity != "info" and issue.code != "drift":
            where = isolated(issue.column) + (
                (tr(": {count} row") if issue.rows == 1 else tr(": {count} rows")).format(count=integer(issue.rows))
                if issue.rows
                else ""
            )
            by_kind.setdefault(gettext(CATALOGUE[issue.code].title), []).append(where)
    whole = "; ".join(f"{title} ({', '.join(places)})" for title, places in by_kind.items())
    about_file = " " + tr("About the file as a whole: {findings}.").format(findings=whole) if whole else ""
    click = " " + tr("Click an issue below to see its rows.")
    lead = next((i.shown() for i in report.issues if i.code == "inconsistent_fields"), "")
    total = integer(rows)
    if lead:  # a file half in another separator: say so before anything else
        invalid = (
            " " + tr("{count} of {rows} rows cannot be scored.").format(count=integer(counts["invalid"]), rows=total)
            if counts["invalid"]
            else ""
        )
        return tr("The rows do not match the header: {problem}.").format(problem=lead) + f"{invalid}{drift}{click}"
    if report.verdict == "error":
        row_part = " " + (
            tr("The row cannot be scored and has no prediction.")
            if rows == 1
            else tr("{count} of {rows} rows cannot be scored and have no prediction.")
        ).format(count=integer(counts["invalid"]), rows=total)
        row_part = row_part if counts["invalid"] else ""
        return tr("This file has errors.") + f"{row_part}{about_file}{drift}{click}"
    if report.verdict == "warning":
        row_part = (
            " "
            + (
                tr("The row has a warning of its own.")
                if rows == 1
                else tr("{count} of {rows} rows have a warning of their own.")
            ).format(count=integer(counts["warning"]), rows=total)
            if counts["warning"]
            else ""
        )
        return tr("This file can be scored, with warnings.") + f"{row_part}{about_file}{drift}{click}"
    return (tr("No problems found in {rows} row.") if rows == 1 else tr("No problems found in {rows} rows.")).format(
        rows=total
    )
