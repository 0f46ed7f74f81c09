"""The window in Spanish: Qt's translation file for its own strings, the core's catalogue for the issues, numbers
in the Spanish form; and the language menu remembers a choice for the next start."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMessageBox, QTreeWidget

from app.core import i18n
from app.core.bundle import Bundle
from app.ui.i18n import install_language
from app.ui.main_window import MainWindow
from app.ui.settings import Settings
from app.ui.state import AppState
from tests.app.inputs import LABELLED
from tests.app.ui.conftest import open_and_wait

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
    main = MainWindow(AppState(), Settings())
    qtbot.addWidget(main)
    main.resize(1300, 850)
    main.use_bundle(bundle)
    main.show()
    yield main
    main.jobs.cancel()
    main.jobs.wait()
    main.close()
    install_language("en")
    gc.collect()


def test_every_tab_renders_in_spanish(qtbot, spanish_window: MainWindow, tmp_path: Path) -> None:
    window = spanish_window
    open_and_wait(qtbot, window, LABELLED)
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == SPANISH_TABS
    assert [a.text() for a in window.menuBar().actions()] == ["&Archivo", "&Modelo", "&Ver", "Ay&uda"]
    assert window.export_report_action.text() == "Exportar &informe…"
    # The status line: Qt's string, the core's Spanish dialect description, Spanish numbers.
    assert window.message.text().startswith("telco_churn_labelled.csv: 500 filas (498 bien, 2 con aviso, 0 no válidas)")
    assert "separado por comas" in window.message.text()
    sanity = window.panels["Sanity"]
    tree = sanity.findChild(QTreeWidget)
    assert tree is not None
    groups = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert groups == ["Avisos (1)"]
    issue = tree.topLevelItem(0).child(0)
    assert issue.text(0) == "Fuera del rango del entrenamiento"
    assert issue.text(3) == "Fuera del rango del entrenamiento en 'monthly_charges': 2 filas"
    assert "Este archivo se puede puntuar, con avisos." in sanity.banner.text()
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        path = tmp_path / f"es_tab_{index}.png"
        assert window.grab().save(str(path))
        image = QImage(str(path))
        colours = {image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 37)}
        assert len(colours) > 5, f"tab {window.tabs.tabText(index)} looks blank"
        if os.environ.get("SHOT_DIR"):
            window.grab().save(str(Path(os.environ["SHOT_DIR"]) / f"es_tab_{index}.png"))


def test_the_language_menu_remembers_the_choice_for_the_next_start(qtbot, window: MainWindow) -> None:
    assert i18n.language() == "en"
    actions = window.language_actions
    assert [a.text() for a in actions.values()] == ["English", "Español"]
    assert actions["en"].isChecked()
    actions["es"].trigger()
    assert i18n.remembered_language() == "es"
    qtbot.waitUntil(lambda: any(w.isVisible() for w in window.findChildren(QMessageBox)))
    box = next(w for w in window.findChildren(QMessageBox) if w.isVisible())
    assert "Español" in box.text()
    box.accept()
    assert i18n.choose_language(None) == "es"  # what the next start picks
