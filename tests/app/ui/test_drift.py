"""The Drift tab shows the PSI numbers beside its chart: feature, PSI, status, adjusted p, as the report does."""

from __future__ import annotations

from pathlib import Path

from app.core.i18n import Figure
from app.ui.main_window import MainWindow
from tests.app.inputs import sample_frame, write_csv
from tests.app.ui.conftest import open_and_wait


def test_the_psi_table_lists_every_feature_as_the_core_measured_it(qtbot, window: MainWindow, tmp_path: Path) -> None:
    loyal = sample_frame()
    loyal["tenure"] = "72"  # tenure drifts far past the alert
    table = open_and_wait(qtbot, window, write_csv(loyal, tmp_path / "loyal.csv"))
    panel = window.panels["Drift"]
    window.tabs.setCurrentWidget(panel)
    grid = panel.psi_table
    headers = [grid.horizontalHeaderItem(c).text() for c in range(grid.columnCount())]
    assert headers == ["feature", "PSI", "status", "adjusted p", "significant"]
    drift = table.report.drift
    assert grid.rowCount() == len(drift)
    rows = [[grid.item(r, c).text() for c in range(grid.columnCount())] for r in range(grid.rowCount())]
    assert rows[0][:3] == ["tenure", Figure(drift["tenure"]["psi"], 3).local(), "alert"]
    assert [row[0] for row in rows] == sorted(drift, key=lambda name: (-drift[name]["psi"], name))
    for name, psi, *_ in rows:
        assert psi == Figure(drift[name]["psi"], 3).local()
    grid.selectRow(3)  # choosing a feature in the table shows its distributions
    assert panel.feature.currentText() == rows[3][0]
