"""The window in Spanish: Qt's translation file for its own strings, the core's catalogue for the issues, numbers
in the Spanish form; and the language menu remembers a choice for the next start."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QImage, QTextDocumentFragment
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QTableWidget,
    QTextEdit,
    QTreeWidget,
    QWidget,
)

from app.core import i18n, language
from app.core.bundle import Bundle
from app.ui.i18n import install_language
from app.ui.main_window import MainWindow
from app.ui.table_model import FIXED_COLUMNS
from tests.app.inputs import LABELLED
from tests.app.ui.conftest import close_window, open_and_wait, shown_window

SPANISH_TABS = [
    "Resultados",
    "Validación",
    "Calidad del modelo",
    "Decisiones",
    "Equidad",
    "Deriva",
    "Hipótesis",
    "Historial",
    "Ficha del modelo",
]


@pytest.fixture
def spanish_window(qtbot, bundle: Bundle) -> Iterator[MainWindow]:
    install_language("es")
    main = shown_window(qtbot, bundle)
    yield main
    close_window(main)
    install_language("en")


def test_every_tab_renders_in_spanish(qtbot, spanish_window: MainWindow, tmp_path: Path) -> None:
    window = spanish_window
    open_and_wait(qtbot, window, LABELLED)
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == SPANISH_TABS
    assert [a.text() for a in window.menuBar().actions()] == ["&Archivo", "&Modelo", "&Ver", "Ay&uda"]
    assert window.export_report_action.text() == "Exportar &informe…"
    # The status line: Qt's string, the core's Spanish dialect description, Spanish numbers.
    assert window.message.text().startswith("telco_churn_labelled.csv: 500 filas (498 bien, 2 con aviso, 0 no válidas)")
    assert "separado por comas" in window.message.text()
    results = window.panels["Results"]
    probability = results.model.index(0, FIXED_COLUMNS.index("probability")).data()
    assert re.fullmatch(r"0,\d{3}", probability), probability  # the output keeps 0.312; the window shows 0,312
    sanity = window.panels["Sanity"]
    tree = sanity.findChild(QTreeWidget)
    assert tree is not None
    groups = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert groups == ["Avisos (1)"]
    issue = tree.topLevelItem(0).child(0)
    assert issue.text(0) == "Fuera del rango del entrenamiento"
    assert issue.text(3) == "Fuera del rango del entrenamiento en '\u2068monthly_charges\u2069': 2 filas"
    assert "Este archivo se puede puntuar, con avisos." in sanity.banner.text()
    quality = window.panels["Model quality"]
    window.tabs.setCurrentWidget(quality)
    roc = quality.file_side.roc
    qtbot.waitUntil(lambda: roc.figure is not None and bool(roc.figure.axes), timeout=60_000)
    axes = roc.figure.axes[0]
    assert axes.get_title() == "Curva ROC (este archivo)"
    assert axes.get_xlabel() == "tasa de falsos positivos"
    legend = axes.get_legend_handles_labels()[1]
    assert "este archivo: banda del 95\xa0%" in legend
    assert "conjunto de prueba (AUC 0,843)" in legend
    assert "Haga clic en una celda para ver sus filas." in quality.file_side.summary.text()
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        path = tmp_path / f"es_tab_{index}.png"
        assert window.grab().save(str(path))
        image = QImage(str(path))
        colours = {image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 37)}
        assert len(colours) > 5, f"tab {window.tabs.tabText(index)} looks blank"
        if os.environ.get("SHOT_DIR"):
            window.grab().save(str(Path(os.environ["SHOT_DIR"]) / f"es_tab_{index}.png"))


# Words of English sentences that no Spanish label, the sample's values or a column name holds.
_ENGLISH = re.compile(r"\b(the|of|and|with|rows?|open|show|file|threshold|training|select|click|no issues)\b", re.I)


def _visible_texts(window: MainWindow) -> dict[str, str]:
    """Every text the window's widgets show, by where it is (the model card's own text is data, left out)."""
    texts: dict[str, str] = {}
    for widget in window.findChildren(QWidget):
        name = f"{type(widget).__name__}:{widget.objectName()}"
        if isinstance(widget, QLabel):
            texts[name + ":" + str(len(texts))] = QTextDocumentFragment.fromHtml(widget.text()).toPlainText()
        elif isinstance(widget, QAbstractButton | QGroupBox):
            texts[name + ":" + str(len(texts))] = (
                widget.text() if isinstance(widget, QAbstractButton) else widget.title()
            )
        elif isinstance(widget, QTableWidget | QTreeWidget):
            header = widget.horizontalHeaderItem if isinstance(widget, QTableWidget) else widget.headerItem().text
            count = widget.columnCount()
            labels = [header(i).text() if isinstance(widget, QTableWidget) and header(i) else "" for i in range(count)]
            if isinstance(widget, QTreeWidget):
                labels = [widget.headerItem().text(i) for i in range(count)]
            texts[name + ":header"] = " | ".join(labels)
        elif isinstance(widget, QTextEdit) and widget.objectName() != "modelCard":
            texts[name] = widget.toPlainText()
        elif isinstance(widget, QComboBox):
            texts[name] = " | ".join(widget.itemText(i) for i in range(widget.count()))
    for action in window.findChildren(QAction):
        texts[f"action:{action.text()}"] = action.text().replace("&", "")
    return {k: re.sub(r"/\S+", "", v) for k, v in texts.items() if v}  # a path is no sentence


def test_no_english_sentence_is_left_in_the_spanish_window(qtbot, spanish_window: MainWindow) -> None:
    """The runtime side of the translation test: a string shown but never marked for translation shows here."""
    window = spanish_window
    open_and_wait(qtbot, window, LABELLED)
    window.panels["Results"].view.selectRow(0)
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
    english = {where: text for where, text in _visible_texts(window).items() if _ENGLISH.search(text)}
    assert english == {}


def test_the_language_menu_switches_the_window_now_and_remembers_the_choice(qtbot, window: MainWindow) -> None:
    table = open_and_wait(qtbot, window, LABELLED)
    window.tabs.setCurrentIndex(2)
    assert i18n.language() == "en"
    actions = window.language_actions
    assert [a.text() for a in actions.values()] == ["English", "Español"]
    assert actions["en"].isChecked()
    try:
        actions["es"].trigger()
        assert language.remembered_language() == "es"
        assert language.choose_language(None) == "es"  # what the next start picks, and the CLI
        assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == SPANISH_TABS
        assert window.tabs.currentIndex() == 2
        assert [a.text() for a in window.menuBar().actions()] == ["&Archivo", "&Modelo", "&Ver", "Ay&uda"]
        assert window.language_actions["es"].isChecked()
        assert window.state.table is table  # the open file stays, drawn again in Spanish
        model = window.panels["Results"].model
        assert model.rowCount() == len(table)
        assert model.headerData(1, Qt.Orientation.Horizontal) == "probabilidad"
        assert "Umbral" in window.threshold_label.text()
        assert "Español" in window.message.text()
        quality = window.panels["Model quality"]
        window.tabs.setCurrentWidget(quality)
        assert quality.file_side.matrix.counts()  # the new panels draw the same file
        qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # one shortcut, not two
        assert window.tabs.currentIndex() == 0
    finally:
        window.language_actions["en"].trigger()
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())][0] == "Results"


def test_the_drift_tab_writes_its_psi_bound_as_the_report_does(qapp) -> None:
    from app.core.drift import PSI_WARN
    from app.ui.drift import drift_summary

    assert "PSI below 0.1," in drift_summary({}, 500, PSI_WARN)
    install_language("es")
    try:
        assert "PSI por debajo de 0,1 o sin" in drift_summary({}, 500, PSI_WARN)  # the report's form, not 0,10
    finally:
        install_language("en")


def test_the_results_table_speaks_spanish_and_names_issues(qtbot, spanish_window: MainWindow, tmp_path: Path) -> None:
    import pandas as pd

    from tests.app.inputs import SAMPLE

    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    frame.loc[0, "contract"] = "Weekly"
    path = tmp_path / "semanal.csv"
    frame.to_csv(path, index=False)
    open_and_wait(qtbot, spanish_window, path)
    model = spanish_window.panels["Results"].model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(FIXED_COLUMNS))]
    assert headers == ["fila", "probabilidad", "predicción", "estado", "problemas"]
    assert model.headerData(len(FIXED_COLUMNS), Qt.Orientation.Horizontal) == model.columns()[len(FIXED_COLUMNS)]
    assert model.data(model.index(0, 3)) == "aviso"
    assert model.data(model.index(0, 4)) == "Categoría no vista (contract)"
