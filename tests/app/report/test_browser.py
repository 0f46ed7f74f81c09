"""The report in a real browser: Debian's headless Chromium opens it offline, shows every section, logs no
error, makes no request but for the file itself, runs nothing injected from the file, and prints to PDF; and the
Spanish report opens just as well.

Chromium is a test requirement (.ci/run installs Debian's ``chromium``): without it these tests fail, they do
not skip, so a machine that cannot check the page never passes as one that did.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.bundle import Bundle
from app.core.table import ScoredTable, load_table
from app.report import SECTION_IDS, ReportRequest, write_report
from tests.app.report.chromium import Chromium, find_chromium
from tests.app.report.conftest import NOW
from tests.app.report.test_report import HOSTILE, _hostile_file


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    executable = find_chromium()
    if executable is None:
        pytest.fail(
            "Chromium is not installed, so the report cannot be checked in a browser: install Debian's package"
            " (apt-get install -y --no-install-recommends chromium; .ci/run does) or set SCOREDESK_CHROMIUM"
        )
    chromium = Chromium(executable, tmp_path_factory.mktemp("chromium") / "profile")
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture
def page(browser: Chromium) -> Chromium:
    browser.open_page()
    return browser


def _open(page: Chromium, path: Path) -> str:
    url = path.resolve().as_uri()
    page.load(url)
    return url


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _assert_drawn_and_offline(page: Chromium, url: str) -> None:
    """Every chart laid out with a size; no console error; no request but the file itself."""
    sizes = page.evaluate("[...document.querySelectorAll('svg.chart')].map(s => s.getBoundingClientRect().width)")
    assert len(sizes) >= 12
    assert min(sizes) > 200
    errors = [
        *(e for e in page.page_events("Runtime.consoleAPICalled") if e["type"] in ("error", "assert")),
        *page.page_events("Runtime.exceptionThrown"),
        *(e["entry"] for e in page.page_events("Log.entryAdded") if e["entry"]["level"] == "error"),
    ]
    assert errors == []
    requested = [e["request"]["url"] for e in page.page_events("Network.requestWillBeSent")]
    assert requested == [url], requested  # the file itself and nothing else: no font, script, image or frame


def test_the_labelled_sample_opens_offline_with_every_section(
    page: Chromium, labelled: ScoredTable, bundle: Bundle, tmp_path: Path
) -> None:
    report = write_report(ReportRequest.at_card_costs(labelled, bundle), tmp_path / "report.html", NOW)
    url = _open(page, report)
    sections = page.evaluate(
        "[...document.querySelectorAll('section')].map(s => ({id: s.id, heading: s.querySelector('h2').textContent,"
        " height: s.getBoundingClientRect().height, charts: s.querySelectorAll('svg').length}))"
    )
    assert [s["id"] for s in sections] == list(SECTION_IDS)
    assert [s["heading"] for s in sections] == [
        "Summary",
        "Input sanity",
        "Drift",
        "Model quality",
        "Decisions",
        "Fairness",
        "Model card",
    ]
    assert all(s["height"] > 50 for s in sections), sections
    charts = {s["id"]: s["charts"] for s in sections}
    assert charts["drift"] == 4
    assert charts["quality"] == 4
    assert charts["decisions"] == 1
    assert charts["fairness"] == 2
    # every chart is drawn: laid out with a size, its paths inside
    _assert_drawn_and_offline(page, url)
    assert page.page_events("Page.javascriptDialogOpening") == []
    shot = page.screenshot(tmp_path / "report.png")
    width, height = _png_size(shot)
    assert width == 1200
    assert height > 3000
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages >= len(SECTION_IDS)  # the print stylesheet starts each section on a new page


def test_markup_from_the_file_stays_text_in_the_browser(page: Chromium, bundle: Bundle, tmp_path: Path) -> None:
    from app.core.mapping_file import load_mapping
    from app.core.reading import InputOptions

    path, mapping = _hostile_file(tmp_path)
    table = load_table(path, bundle, options=InputOptions(mapping=load_mapping(mapping, bundle.card)))
    request = ReportRequest.at_card_costs(table, bundle, title=f"{HOSTILE[0]} {HOSTILE[1]}")
    report = write_report(request, tmp_path / "hostile.html", NOW)
    before = len(page.events)
    _open(page, report)
    injected = page.evaluate("document.querySelectorAll('script, img, iframe, object, embed, [onerror]').length")
    assert injected == 0
    assert page.evaluate("document.title") == f"{HOSTILE[0]} {HOSTILE[1]}"
    assert page.evaluate("document.querySelector('h1').textContent") == f"{HOSTILE[0]} {HOSTILE[1]}"
    body = page.evaluate("document.body.innerText")
    assert HOSTILE[0] in body
    assert HOSTILE[1] in body
    assert [e for e in page.events[before:] if e.get("method") == "Page.javascriptDialogOpening"] == []


def test_the_spanish_report_opens_with_its_spanish_headings_and_no_error(
    page: Chromium, labelled: ScoredTable, bundle: Bundle, tmp_path: Path
) -> None:
    from app.core import i18n
    from tests.app.report.test_spanish import SPANISH_SECTIONS

    i18n.set_language("es")
    try:
        report = write_report(ReportRequest.at_card_costs(labelled, bundle), tmp_path / "informe.html", NOW)
    finally:
        i18n.set_language("en")
    url = _open(page, report)
    assert page.evaluate("document.documentElement.lang") == "es"
    assert page.evaluate("[...document.querySelectorAll('section h2')].map(h => h.textContent)") == SPANISH_SECTIONS
    assert page.evaluate("document.title") == "Informe de puntuación: telco_churn_labelled.csv"
    assert "Umbral0,19 (el de la ficha: 0,19)" in page.evaluate("document.querySelector('table.facts').textContent")
    _assert_drawn_and_offline(page, url)
