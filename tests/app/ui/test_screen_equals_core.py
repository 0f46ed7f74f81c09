"""The window shows the numbers the core computes for the same file and threshold: on the samples, on the IBM-like
mapped export and on a file whose contracts are coded; nothing on screen is left from the previous file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt

from app.core.bundle import Bundle
from app.core.explain import explain_rows, reference_values
from app.core.fairness import file_groups, file_slices
from app.core.mapping_file import load_mapping
from app.core.metrics import roc_auc
from app.core.reading import InputOptions
from app.ui.main_window import MainWindow
from tests.app.core.test_analyst_files import IBM_MAPPING, _ibm_export
from tests.app.inputs import LABELLED, SAMPLE
from tests.app.ui.conftest import open_and_wait

CODED_MAPPING = """[values.contract]
Monthly = "Month-to-month"
1yr = "One year"
2yr = "Two year"
"""


def _open(qtbot, window: MainWindow, path: Path, options: InputOptions | None = None):
    with qtbot.waitSignal(window.fileLoaded, timeout=60_000) as blocker:
        window.open_file(path, options)
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    return blocker.args[0]


def _ibm(tmp_path: Path, bundle: Bundle, source: Path = LABELLED) -> tuple[Path, InputOptions]:
    export, mapping = tmp_path / "ibm.csv", tmp_path / "ibm.toml"
    _ibm_export(source, export)
    mapping.write_text(IBM_MAPPING, encoding="utf-8")
    return export, InputOptions(mapping=load_mapping(mapping, bundle.card))


def _coded(tmp_path: Path, bundle: Bundle) -> tuple[Path, InputOptions]:
    frame = pd.read_csv(LABELLED, dtype=str, keep_default_na=False)
    frame["contract"] = frame["contract"].map({"Month-to-month": "Monthly", "One year": "1yr", "Two year": "2yr"})
    path, mapping = tmp_path / "coded.csv", tmp_path / "coded.toml"
    frame.to_csv(path, index=False)
    mapping.write_text(CODED_MAPPING, encoding="utf-8")
    return path, InputOptions(mapping=load_mapping(mapping, bundle.card))


def _select(window: MainWindow, row: int) -> None:
    results = window.panels["Results"]
    assert results.model.table_row(row) == row  # unsorted and unfiltered: the view's rows are the file's
    results.view.selectRow(row)


def _what_if_copy(qtbot, window: MainWindow, row: int) -> float:
    _select(window, row)
    whatif = window.panels["What-if"]
    window.tabs.setCurrentWidget(whatif)
    qtbot.waitUntil(lambda: whatif.load_row.isEnabled())
    qtbot.mouseClick(whatif.load_row, Qt.MouseButton.LeftButton)
    return whatif.last_probability


def _legend(chart) -> list[str]:
    if chart.figure is None or not chart.figure.axes:
        return []
    legend = chart.figure.axes[0].get_legend()
    return [text.get_text() for text in legend.get_texts()] if legend is not None else []


def _chart_labels(chart) -> list[str]:
    """The tick labels of a horizontal bar chart (the explanation's ``feature = value``)."""
    if chart.figure is None or not chart.figure.axes:
        return []
    return [label.get_text() for label in chart.figure.axes[0].get_yticklabels() if " = " in label.get_text()]


@pytest.mark.parametrize("case", ["ibm", "coded"])
def test_what_if_copies_the_row_as_the_core_prepared_it(qtbot, window: MainWindow, bundle, tmp_path, case) -> None:
    path, options = (_ibm if case == "ibm" else _coded)(tmp_path, bundle)
    table = _open(qtbot, window, path, options)
    whatif = window.panels["What-if"]
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if case == "ibm":
        rows = [0, int(np.flatnonzero(frame["gender"] == "Female")[0])]  # a blank TotalCharges; a female
    else:
        rows = [int(np.flatnonzero(frame["contract"] == code)[0]) for code in ("Monthly", "1yr", "2yr")]
    for row in rows:
        assert table.status[row] != 2
        probability = _what_if_copy(qtbot, window, row)
        assert probability == pytest.approx(table.probability[row], abs=1e-6), f"row {row}"
        if case == "ibm":
            median = reference_values(bundle.card)["total_charges"]
            if row == 0:
                assert whatif.editors["total_charges"].value() == pytest.approx(median, abs=0.01)
            else:
                assert whatif.editors["female"].currentText() == "1"
        else:
            expected = {"Monthly": "Month-to-month", "1yr": "One year", "2yr": "Two year"}[frame["contract"][row]]
            assert whatif.editors["contract"].currentText() == expected


def test_why_this_score_explains_the_mapped_value(qtbot, window: MainWindow, bundle, tmp_path) -> None:
    path, options = _coded(tmp_path, bundle)
    table = _open(qtbot, window, path, options)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = int(np.flatnonzero(frame["contract"] == "2yr")[0])
    _select(window, row)
    results = window.panels["Results"]
    qtbot.waitUntil(lambda: bool(_chart_labels(results.explanation)), timeout=10_000)  # explained off the GUI thread
    labels = _chart_labels(results.explanation)
    assert "contract = Two year" in labels
    assert not any("2yr" in label for label in labels)
    (expected,) = explain_rows(
        bundle.predictor, table.prepared(np.array([row]), bundle.card), reference_values(bundle.card)
    )
    top = expected[0]
    assert (
        labels[0] == f"{top.feature} = {top.value:.6g}"
        if isinstance(top.value, float)
        else f"{top.feature} = {top.value}"
    )


def test_the_update_comparison_scores_a_mapped_file_through_its_mapping(
    qtbot, window: MainWindow, bundle, tmp_path: Path, monkeypatch
) -> None:
    from app.core.signing import read_private_key
    from model_build.packaging import keygen, package
    from tests.app.core.test_signed_models import _bundle

    path, options = _ibm(tmp_path, bundle)
    _open(qtbot, window, path, options)
    private, _ = keygen(tmp_path / "keys")
    monkeypatch.setattr("app.core.model_store.keys_dir", lambda: tmp_path / "keys")
    signed = package(_bundle(tmp_path / "bundle", "1.0.1"), read_private_key(private.read_text(), private), tmp_path)
    with qtbot.waitSignal(window.updateShown, timeout=60_000) as shown:
        window.install_update(signed)
    dialog = shown.args[0]
    text = dialog.on_file.text()
    assert "0.00%" in text, text
    auc = f"{roc_auc(*_labelled(window.state.table)):.4f}"
    assert text.count(auc) == 2, text
    dialog.reject()


def _labelled(table) -> tuple[np.ndarray, np.ndarray]:
    usable = (table.labels >= 0) & ~np.isnan(table.probability)
    return table.labels[usable], table.probability[usable]


def test_opening_an_unlabelled_file_leaves_nothing_of_the_labelled_one(qtbot, window: MainWindow) -> None:
    open_and_wait(qtbot, window, LABELLED)
    quality, fairness, results = window.panels["Model quality"], window.panels["Fairness"], window.panels["Results"]
    for panel in (quality, fairness):
        window.tabs.setCurrentWidget(panel)
    assert any("this file" in text for text in _legend(quality.file_side.roc))
    assert fairness.file_side.table.rowCount() > 0
    window.tabs.setCurrentWidget(results)
    _select(window, 0)
    qtbot.waitUntil(lambda: bool(_chart_labels(results.explanation)), timeout=10_000)

    open_and_wait(qtbot, window, SAMPLE)
    assert _chart_labels(results.explanation) == []  # no row is selected in the new file
    for panel in (quality, fairness):
        window.tabs.setCurrentWidget(panel)
    assert not any("this file" in text for text in _legend(quality.file_side.roc))
    assert _legend(quality.file_side.calibration) == []
    assert fairness.file_side.table.rowCount() == 0
    assert fairness.file_side.chart.figure is None or not fairness.file_side.chart.figure.axes[0].has_data()
    decisions, drift = window.panels["Decisions"], window.panels["Drift"]
    window.tabs.setCurrentWidget(decisions)
    assert not any("this file, realised" in text for text in _legend(decisions.chart))  # no labels, no realised curve
    assert "this file, expected" in decisions.use_best.text()  # the unlabelled file's own best, not the last file's
    window.tabs.setCurrentWidget(drift)
    psi = {
        drift.psi_table.item(r, 0).text(): drift.psi_table.item(r, 1).text() for r in range(drift.psi_table.rowCount())
    }
    table = window.state.table
    assert psi == {name: f"{found['psi']:.3f}" for name, found in table.report.drift.items()}


def test_why_this_score_is_cleared_for_an_invalid_row(qtbot, window: MainWindow, tmp_path: Path) -> None:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    frame.loc[1, "tenure"] = "many"
    path = tmp_path / "one_invalid.csv"
    frame.to_csv(path, index=False)
    table = open_and_wait(qtbot, window, path)
    assert table.status[1] == 2
    results = window.panels["Results"]
    _select(window, 0)
    qtbot.waitUntil(lambda: bool(_chart_labels(results.explanation)), timeout=10_000)
    _select(window, 1)
    assert _chart_labels(results.explanation) == []
    arrived = results.reasons.arrived
    _select(window, 0)
    _select(window, 1)  # before row 0's reasons arrive: they are dropped, not drawn for the invalid row
    qtbot.waitUntil(lambda: results.reasons.arrived > arrived, timeout=10_000)
    assert _chart_labels(results.explanation) == []


def test_fairness_groups_a_mapped_file_by_the_models_values(qtbot, window: MainWindow, bundle, tmp_path) -> None:
    path, options = _ibm(tmp_path, bundle)
    table = _open(qtbot, window, path, options)
    ours = open_and_wait(qtbot, window, LABELLED)
    expected = file_slices(file_groups(ours, bundle.card), bundle.card, window.state.threshold)
    table = _open(qtbot, window, path, options)
    fairness = window.panels["Fairness"]
    window.tabs.setCurrentWidget(fairness)
    shown = fairness.file_side.table
    cells = {
        (shown.item(r, 0).text(), shown.item(r, 1).text()): shown.item(r, 2).text() for r in range(shown.rowCount())
    }
    assert ("female", "1") in cells
    assert ("female", "Female") not in cells
    for attribute, result in expected.items():
        for group, values in result["groups"].items():
            assert cells[(attribute, group)] == f"{values['rows']:,}"
    groups = file_groups(table, bundle.card)
    assert set(groups.frame["female"].astype(str)) <= {"0", "1", "0.0", "1.0"}


def test_the_quality_view_equals_the_core_on_a_mapped_file(qtbot, window: MainWindow, bundle, tmp_path) -> None:
    path, options = _ibm(tmp_path, bundle)
    table = _open(qtbot, window, path, options)
    from app.core.views import file_quality

    quality = window.panels["Model quality"]
    window.tabs.setCurrentWidget(quality)
    view = file_quality(table)
    assert view is not None
    assert f"this file (AUC {view.auc:.3f})" in _legend(quality.file_side.roc)
    counts = quality.file_side.matrix.counts()
    confusion = view.ranked.confusion(window.state.threshold)
    assert counts == {"tp": confusion.tp, "fp": confusion.fp, "tn": confusion.tn, "fn": confusion.fn}


def test_the_row_detail_names_the_value_the_mapped_column_holds(qtbot, window: MainWindow, bundle, tmp_path) -> None:
    path, options = _ibm(tmp_path, bundle, SAMPLE)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[3, "MonthlyCharges"] = "500.5"
    frame.to_csv(path, index=False)
    table = _open(qtbot, window, path, options)
    assert "_value:monthly_charges" in table.issues[3]
    _select(window, 3)
    assert "in \u2068monthly_charges\u2069 (value '\u2068500.5\u2069')" in window.panels["Results"].detail.toPlainText()


def test_file_text_is_shown_as_text_never_as_markup(qtbot, window: MainWindow, tmp_path: Path) -> None:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    frame.loc[0, "contract"] = "<h1>big</h1>"
    frame.loc[1, "contract"] = f'<img src="file://{tmp_path}/x.png">'
    frame["notes\u202e"] = "x"  # a right-to-left override in an extra column's header
    path = tmp_path / "markup.csv"
    frame.to_csv(path, index=False)
    open_and_wait(qtbot, window, path)
    detail = window.panels["Results"].detail
    _select(window, 0)
    assert "'\u2068<h1>big</h1>\u2069'" in detail.toPlainText()
    _select(window, 1)
    assert f'<img src="file://{tmp_path}/x.png">' in detail.toPlainText()
    sanity = window.panels["Sanity"]
    shown = [
        sanity.tree.topLevelItem(g).child(i).text(3)
        for g in range(sanity.tree.topLevelItemCount())
        for i in range(sanity.tree.topLevelItem(g).childCount())
    ]
    extra = next(text for text in shown if "notes" in text)
    assert "\u2068notes\u202e\u2069" in extra  # the override ends with the header's isolate
    assert sanity.banner.textFormat() == Qt.TextFormat.PlainText


def test_a_probability_next_to_the_threshold_shows_the_side_it_is_decided_on(qtbot, window: MainWindow) -> None:
    import math
    import re

    table = open_and_wait(qtbot, window, LABELLED)
    p = table.probability
    gap = np.where(np.isnan(p), np.inf, np.ceil(p * 100) / 100 - p)
    gap[gap == 0] = np.inf
    row = int(np.argmin(gap))
    threshold = math.ceil(p[row] * 100) / 100
    assert gap[row] < 0.0005, "the sample has a probability just under a threshold"
    window.state.set_threshold(threshold)
    _select(window, row)
    text = window.panels["Results"].detail.toPlainText()
    shown = float(re.search(r"Probability ([0-9.]+):", text).group(1))
    assert "No at threshold" in text
    assert shown < threshold
