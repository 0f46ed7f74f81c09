"""The report in Spanish (``report --lang es``): every heading, label and note from the catalogue, numbers in the
Spanish form (0,19; 1.409; 48,0 %), the page's ``lang``; and the English report keeps its English bytes."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.core import i18n
from app.core.bundle import Bundle
from app.core.i18n import Figure
from app.core.table import ScoredTable
from app.report import SECTION_IDS, ReportRequest, build_report
from app.report.sections import SECTIONS
from tests.app.inputs import LABELLED
from tests.app.report.conftest import NOW
from tests.app.report.page import read_page

SPANISH_SECTIONS = [
    "Resumen",
    "Validación de la entrada",
    "Deriva",
    "Calidad del modelo",
    "Decisiones",
    "Equidad",
    "Ficha del modelo",
]
_HEADING = re.compile(r"<(h[1-3]|th)\b[^>]*>(.*?)</\1>", re.DOTALL)


def _headings(markup: str) -> dict[str, list[str]]:
    """The text of the page's headings and table headers, by tag (none of them holds markup but <code>/<br>)."""
    found: dict[str, list[str]] = {}
    for tag, inner in _HEADING.findall(markup):
        found.setdefault(tag, []).append(read_page(inner).text)
    return found


def _report(table: ScoredTable, bundle: Bundle, language: str, **options: object) -> str:
    i18n.set_language(language)
    try:
        return build_report(ReportRequest.at_card_costs(table, bundle, **options), NOW)  # type: ignore[arg-type]
    finally:
        i18n.set_language("en")


@pytest.fixture(scope="module")
def spanish_cli_report(tmp_path_factory: pytest.TempPathFactory) -> str:
    """`python -m app report LABELLED -o OUT --lang es`, as a user runs it."""
    out = tmp_path_factory.mktemp("spanish") / "informe.html"
    from app.cli import main

    # A module fixture runs before the per-test isolated data folder: `--lang es` remembers its choice, so it gets a
    # folder of its own (it wrote the real user's preferences.json, and the app then started in Spanish).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCOREDESK_DATA_DIR", str(tmp_path_factory.mktemp("spanish-data")))
        try:
            assert main(["report", str(LABELLED), "-o", str(out), "--lang", "es"]) == 0
        finally:
            i18n.set_language("en")
    return out.read_text(encoding="utf-8")


def test_the_cli_writes_the_report_in_spanish(spanish_cli_report: str, bundle: Bundle) -> None:
    markup = spanish_cli_report
    page = read_page(markup)
    assert '<html lang="es">' in markup
    assert page.sections == list(SECTION_IDS)
    headings = _headings(markup)
    assert headings["h2"] == SPANISH_SECTIONS
    assert headings["h1"] == ["Informe de puntuación: telco_churn_labelled.csv"]
    nav = re.findall(r'<li><a href="#[a-z]+">(.*?)</a></li>', markup)
    assert nav == SPANISH_SECTIONS
    card = bundle.card
    assert card.threshold == 0.19
    assert "Umbral0,19 (el de la ficha: 0,19)" in page.text  # the threshold in the Spanish form
    assert "puntuado con Telco customer churn 1.0.0 con el umbral 0,19" in page.text
    rows = card.raw["metrics"]["test"]["rows"]
    assert rows >= 1000
    assert f"Métricas del conjunto de prueba ({rows // 1000}.{rows % 1000:03d} filas, umbral 0,19)" in page.text
    assert re.search(r"\d+ de 500 filas puntuadas \(\d+,\d\xa0%\)", page.text)  # a share: 48,0 %
    assert re.search(r"ROC AUC 0,\d{3} \(0,\d{3}–0,\d{3}\)", page.text)
    assert "Validación de la entradaAvisos: las puntuaciones se pueden usar" in page.text
    assert "Fuera del rango del entrenamiento en 'monthly_charges': 2 filas" in page.text  # the issue, in Spanish
    assert "Leído comoUTF-8, separado por comas, LF" in page.text
    # the charts' titles are the page's too (their text is drawn as paths, named by aria-label)
    labels = re.findall(r'<svg role="img" aria-label="([^"]*)"', markup)
    assert "Deriva por variable (PSI)" in labels
    assert "Valor de actuar según el umbral" in labels
    assert "Curva ROC (este archivo)" in labels
    assert len(labels) >= 12


def test_no_english_heading_or_label_is_left_in_the_spanish_report(
    spanish_cli_report: str, labelled: ScoredTable, bundle: Bundle
) -> None:
    english = build_report(ReportRequest.at_card_costs(labelled, bundle), NOW)
    spanish = spanish_cli_report
    assert [heading for _, heading, _ in SECTIONS] == _headings(english)["h2"]
    same_in_both = {"", "PSI"}  # the PSI column keeps its name
    for tag, texts in _headings(english).items():
        left = sorted((set(texts) & set(_headings(spanish).get(tag, []))) - same_in_both)
        assert left == [], f"English <{tag}> left in the Spanish report: {left}"
    text = read_page(spanish).text
    for heading in ("Summary", "Input sanity", "Model quality", "Fairness", "Model card", "Quality gates"):
        assert heading not in text
    for note in ("No feature drifted", "The dashed line", "Equal opportunity:", "Made by ScoreDesk", "n/a"):
        assert note not in text
    assert "<time datetime=" in spanish


def test_the_date_line_keeps_its_machine_readable_form_under_a_spanish_label(
    labelled: ScoredTable, bundle: Bundle
) -> None:
    spanish = _report(labelled, bundle, "es")
    (line,) = [line for line in spanish.splitlines() if 'class="generated"' in line]
    assert line == (
        '<tr class="generated"><th scope="row">Fecha</th>'
        '<td><time datetime="2026-12-03T09:30:00Z">2026-12-03 09:30:00 UTC</time></td></tr>'
    )
    later = build_report(ReportRequest.at_card_costs(labelled, bundle), NOW + timedelta(days=1))
    assert '<th scope="row">Date</th>' in later  # back in English


def test_the_english_report_holds_no_spanish(labelled: ScoredTable, unlabelled: ScoredTable, bundle: Bundle) -> None:
    """Not one of the report's Spanish messages (a few words or more, not the same as the English) shows up."""
    with open(Path(i18n.locale_dir()) / "es" / "LC_MESSAGES" / "scoredesk.po", "rb") as handle:
        catalog = read_po(handle, locale="es")
    spanish = set()
    for message in catalog:
        if not message.id or not any(
            where.startswith(("app/report/", "app/plots.py")) for where, _ in message.locations
        ):
            continue
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        for string in strings:
            for piece in re.split(r"\{\w+\}", string):  # the words between the placeholders
                piece = piece.strip(" .,:;()'")
                if len(piece) >= 8 and piece.lower() not in str(message.id).lower():
                    spanish.add(piece)
    assert len(spanish) > 50
    for table in (labelled, unlabelled):
        markup = build_report(ReportRequest.at_card_costs(table, bundle), NOW)
        assert '<html lang="en">' in markup
        text = read_page(markup).text
        assert sorted(piece for piece in spanish if piece in text) == []
        assert "Scoring report: " in text
        assert "Threshold0.19 (the card's: 0.19)" in text


def test_an_unlabelled_file_is_estimated_in_spanish(unlabelled: ScoredTable, bundle: Bundle) -> None:
    page = read_page(_report(unlabelled, bundle, "es", threshold=0.3))
    assert "Este archivo: estimado (200 filas puntuadas, sin columna 'churn')" in page.text
    assert "Este archivo no tiene la columna 'churn', así que sus grupos no se pueden comparar." in page.text
    assert "Umbral0,30 (el de la ficha: 0,19)" in page.text
    assert "actuaciones con 0,30" in page.text


def test_why_an_estimate_is_unreliable_is_said_in_spanish() -> None:
    """The core keeps the reason as a message: English in the JSON, the current language on screen."""
    import numpy as np

    from app.core.estimation import estimate_performance
    from app.core.metrics import ScoreAccumulator

    scores = ScoreAccumulator(0.5)
    scores.add(np.random.default_rng(0).random(200))
    uncalibrated, poor = estimate_performance(scores, None), estimate_performance(scores, 0.0712)
    english = "the model card has no calibration measurement, so the probabilities cannot be read as rates"
    assert uncalibrated.reason == uncalibrated.shown_reason() == english
    i18n.set_language("es")
    assert uncalibrated.shown_reason().startswith("la ficha del modelo no tiene ninguna medida de calibración")
    assert "(error de calibración 0,071, por encima de 0,05)" in poor.shown_reason()
    assert poor.reason.startswith(
        "the model is poorly calibrated on its test set (calibration error 0.071, above 0.05)"
    )
    assert poor.to_dict()["reason"] == poor.reason  # the JSON stays English


def test_grouped_figures_with_decimals() -> None:
    money = Figure(1234.5, 2, grouped=True)
    assert money.local() == "1,234.50" == f"{1234.5:,.2f}"
    assert Figure(-55860.4, 0, grouped=True).local() == "-55,860"
    assert Figure(3049, grouped=True).local() == "3,049"
    assert Figure(1234.5, 2).local() == "1234.50"  # not grouped unless asked, in English
    i18n.set_language("es")
    assert money.local() == "1.234,50"
    assert Figure(3049, grouped=True).local() == "3.049"
