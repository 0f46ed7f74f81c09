"""Sanity issues sort by a clicked header, within their severity groups, which keep their order."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QTreeWidget

from app.ui.main_window import MainWindow
from tests.app.inputs import sample_frame, write_csv
from tests.app.ui.conftest import open_and_wait


def _click_header(qtbot, tree: QTreeWidget, column: int) -> None:
    header = tree.header()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def _groups(tree: QTreeWidget) -> list[tuple[str, list[list[str]]]]:
    result = []
    for g in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(g)
        children = [[group.child(c).text(col) for col in range(3)] for c in range(group.childCount())]
        result.append((group.text(0).split(" (")[0], children))
    return result


def test_clicking_a_header_sorts_issues_within_their_severity(qtbot, window: MainWindow, tmp_path: Path) -> None:
    frame = sample_frame()
    frame.loc[0, "tenure"] = "-5"  # an error in one row
    frame.loc[1:2, "contract"] = "Weekly"  # unseen categories: 2 rows, 11 rows and 5 rows
    frame.loc[3:13, "payment_method"] = "Cash"
    frame.loc[14:18, "internet_service"] = "Satellite"
    open_and_wait(qtbot, window, write_csv(frame, tmp_path / "customers.csv"))
    sanity = window.panels["Sanity"]
    tree = sanity.tree
    order = [name for name, _ in _groups(tree)]
    assert order[:2] == ["Errors", "Warnings"]
    orders = []
    for column in (2, 2, 1, 0):
        _click_header(qtbot, tree, column)
        assert tree.header().sortIndicatorSection() == column
        descending = tree.header().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        orders.append((column, descending))
        groups = _groups(tree)
        assert [name for name, _ in groups] == order  # errors stay first, in either order
        for _, children in groups:
            keys = [int(c[2] or 0) if column == 2 else c[column].lower() for c in children]
            assert keys == sorted(keys, reverse=descending), (column, descending, children)
    assert orders[0][1] != orders[1][1]  # a second click on a header reverses the order
    warnings = dict(_groups(tree))["Warnings"]
    unseen = [c for c in warnings if c[0] == "Unseen category"]
    assert len(unseen) == 3
    _click_header(qtbot, tree, 2)
    rows = [int(c[2]) for c in dict(_groups(tree))["Warnings"] if c[0] == "Unseen category"]
    assert rows in ([2, 5, 11], [11, 5, 2])  # by number: as text "11" would come before "2"
