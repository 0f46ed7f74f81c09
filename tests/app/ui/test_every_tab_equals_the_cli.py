"""Screen equals core: for the samples, the IBM-like mapped export and a file whose contracts are coded, every
number each tab shows equals what the command line computes for the same file, mapping and threshold.

The command line is the independent path: `score` writes the probabilities, `check --json` the issues, drift and
estimate, `evaluate --json` the confusion matrix, ROC AUC and slices. The window reads, maps and scores the file
through its own jobs; nothing here hands it the CLI's numbers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt

from app.cli import main
from app.core.mapping_file import load_mapping
from app.core.reading import InputOptions
from app.ui.main_window import MainWindow
from app.ui.table_model import FIXED_COLUMNS
from tests.app.core.test_analyst_files import IBM_MAPPING, _ibm_export
from tests.app.inputs import LABELLED, SAMPLE
from tests.app.ui.test_screen_equals_core import CODED_MAPPING

CASES = ["sample", "labelled", "ibm", "coded"]


def _case(name: str, folder: Path) -> tuple[Path, Path | None, str | None]:
    """The file, its mapping file (if any) and its label column (if it has labels)."""
    if name == "sample":
        return SAMPLE, None, None
    if name == "labelled":
        return LABELLED, None, "churn"
    mapping = folder / f"{name}.toml"
    if name == "ibm":
        path = folder / "ibm.csv"
        _ibm_export(LABELLED, path)
        mapping.write_text(IBM_MAPPING, encoding="utf-8")
        return path, mapping, "Churn"
    frame = pd.read_csv(LABELLED, dtype=str, keep_default_na=False)
    frame["contract"] = frame["contract"].map({"Month-to-month": "Monthly", "One year": "1yr", "Two year": "2yr"})
    path = folder / "coded.csv"
    frame.to_csv(path, index=False)
    mapping.write_text(CODED_MAPPING, encoding="utf-8")
    return path, mapping, "churn"


def _cli(capsys, *args: str) -> dict:
    capsys.readouterr()
    assert main([*args, "--no-log"] if args[0] == "score" else list(args)) in (0, 1), capsys.readouterr().err
    return json.loads(capsys.readouterr().out) if "--json" in args else {}


def _number(text: str) -> float:
    return float(text.replace(",", ""))


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("threshold", [None, 0.4])
def test_every_tab_shows_what_the_command_line_computes(
    qtbot, window: MainWindow, tmp_path: Path, capsys, case: str, threshold: float | None
) -> None:
    path, mapping, label = _case(case, tmp_path)
    card = window.state.bundle.card
    t = round(card.threshold if threshold is None else threshold, 2)
    mapped = ["--mapping", str(mapping)] if mapping else []
    scored = tmp_path / "scored.csv"
    _cli(capsys, "score", str(path), "-o", str(scored), "--threshold", str(t), *mapped)
    checked = _cli(capsys, "check", str(path), "--json", *mapped)  # at the card's threshold
    evaluated = (
        _cli(capsys, "evaluate", str(path), "--json", "--threshold", str(t), "--label", label, *mapped) if label else {}
    )

    options = InputOptions(mapping=load_mapping(mapping, card)) if mapping else None
    with qtbot.waitSignal(window.fileLoaded, timeout=60_000):
        window.open_file(path, options)
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    window.state.set_threshold(t)
    expected = pd.read_csv(scored, dtype=str, keep_default_na=False)

    # Results: every row's probability, prediction and status.
    results = window.panels["Results"]
    window.tabs.setCurrentWidget(results)
    model = results.model
    assert model.rowCount() == len(expected)
    column = {name: FIXED_COLUMNS.index(name) for name in FIXED_COLUMNS}
    for row in range(model.rowCount()):
        shown = model.data(model.index(row, column["probability"]))
        cli = expected["probability"][row]
        assert (shown == "") == (cli == ""), row
        if cli:
            assert abs(_number(shown) - float(cli)) <= 10 ** -(len(shown.split(".")[1])) / 2 + 1e-6, row
        assert model.data(model.index(row, column["prediction"])) == expected["prediction"][row], row
        assert model.data(model.index(row, column["status"])) == expected["row_status"][row], row

    # Sanity: every issue's rows.
    sanity = window.panels["Sanity"]
    window.tabs.setCurrentWidget(sanity)
    qtbot.waitUntil(
        lambda: (
            sum(sanity.tree.topLevelItem(g).childCount() for g in range(sanity.tree.topLevelItemCount()))
            == len(checked["issues"])
        )
    )
    shown_rows = {
        (item.data(0, Qt.ItemDataRole.UserRole + 2).code, item.text(1)): item.text(2)
        for g in range(sanity.tree.topLevelItemCount())
        for item in (sanity.tree.topLevelItem(g).child(i) for i in range(sanity.tree.topLevelItem(g).childCount()))
    }
    assert shown_rows == {(i["code"], i["column"]): f"{i['rows']:,}" if i["rows"] else "" for i in checked["issues"]}
    assert sanity.banner.text()

    # Model quality: the file's confusion matrix and ROC AUC, or its estimate.
    quality = window.panels["Model quality"]
    window.tabs.setCurrentWidget(quality)
    counts = quality.file_side.matrix.counts()
    if evaluated:
        assert counts == evaluated["confusion_matrix"]
        legend = [t.get_text() for t in quality.file_side.roc.figure.axes[0].get_legend().get_texts()]
        assert f"this file (AUC {evaluated['roc_auc']:.3f})" in legend
    else:
        if t == round(card.threshold, 2):
            estimate = checked["estimated_performance"]["confusion_matrix"]
        else:  # `check` estimates at the card's threshold only: the core's estimate at this one
            from app.core.estimation import estimate_for_probabilities

            table = window.state.table
            found = estimate_for_probabilities(table.probability, t, card.raw, table.report.rows_beyond_training())
            estimate = found.confusion
        assert counts == {cell: round(estimate[cell]) for cell in ("tp", "fp", "tn", "fn")}

    # Decisions: the rows to act on at the threshold.
    decisions = window.panels["Decisions"]
    window.tabs.setCurrentWidget(decisions)
    acted = int((expected["prediction"] == card.target.positive_label).sum())
    assert (
        f"act on <b>{acted:,}</b> of {int((expected['probability'] != '').sum()):,} scored rows"
        in decisions.summary.text()
    )

    # Fairness: each group's rows and true-positive rate on a labelled file.
    fairness = window.panels["Fairness"]
    window.tabs.setCurrentWidget(fairness)
    table = fairness.file_side.table
    if evaluated:
        shown_groups = {
            (table.item(r, 0).text(), table.item(r, 1).text()): table.item(r, 2).text() for r in range(table.rowCount())
        }
        cli_groups = {
            (attribute, group): f"{values['rows']:,}"
            for attribute, found in evaluated["slices"].items()
            for group, values in found["groups"].items()
        }
        assert shown_groups == cli_groups
        for r in range(table.rowCount()):
            found = evaluated["slices"][table.item(r, 0).text()]["groups"][table.item(r, 1).text()]
            if found["tpr"] is not None:
                shown_tpr = float(re.match(r"([0-9.]+)%", table.item(r, 3).text()).group(1)) / 100
                assert shown_tpr == pytest.approx(found["tpr"], abs=0.0005)
    else:
        assert table.rowCount() == 0

    # Drift: each feature's PSI.
    drift = window.panels["Drift"]
    window.tabs.setCurrentWidget(drift)
    psi = {
        drift.psi_table.item(r, 0).text(): float(drift.psi_table.item(r, 1).text())
        for r in range(drift.psi_table.rowCount())
    }
    assert psi.keys() == checked["drift"].keys()
    for feature, found in checked["drift"].items():
        assert psi[feature] == pytest.approx(found["psi"], abs=0.0005), feature

    # What-if: the first scored row, copied, scores as the table does.
    first = int(np.flatnonzero(expected["probability"] != "")[0])
    results.view.selectRow(first)
    whatif = window.panels["What-if"]
    window.tabs.setCurrentWidget(whatif)
    qtbot.mouseClick(whatif.load_row, Qt.MouseButton.LeftButton)
    assert whatif.last_probability == pytest.approx(float(expected["probability"][first]), abs=1e-6)
