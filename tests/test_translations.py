"""Every user-facing string the code marks has a Spanish translation, with the same placeholders, and the
compiled catalogues the program loads are the ones its sources give (so a new string cannot ship untranslated)."""

from __future__ import annotations

import ast
import re
import sys
import xml.etree.ElementTree as ElementTree

import pytest
from babel.messages.pofile import read_po

from app.core import i18n, language
from app.core.i18n import Figure, Message, Nn_
from tests.conftest import REPO

sys.path.insert(0, str(REPO / "packaging"))
import translations

_FIELD = re.compile(r"\{(\w*)[^{}]*\}")


def _fields(text: str) -> set[str]:
    return set(_FIELD.findall(text))


def test_the_translation_files_are_up_to_date_with_the_code() -> None:
    """Extracting the messages again changes nothing: run `uv run python packaging/translations.py` if it does."""
    assert translations.outdated() == []


@pytest.mark.parametrize("language", translations.TRANSLATED)
def test_every_gettext_message_is_translated_with_its_placeholders(language: str) -> None:
    with open(translations.po_path(language), "rb") as handle:
        catalog = read_po(handle, locale=language)
    marked = {m.id for m in translations.extract() if m.id}
    assert marked, "no marked message found: the extraction is broken"
    missing, broken = [], []
    for message in catalog:
        if not message.id:
            continue
        sources = [message.id] if isinstance(message.id, str) else list(message.id)
        targets = [message.string] if isinstance(message.string, str) else list(message.string)
        if message.fuzzy or not all(targets):
            missing.append(sources[0])
        elif any(_fields(target) != _fields(sources[0]) for target in targets):
            broken.append(sources[0])
    assert missing == [], f"{len(missing)} messages have no {language} translation"
    assert broken == [], "translations whose {placeholders} differ from the English"
    assert marked <= {m.id for m in catalog}


def _window_literals() -> set[tuple[str, int, str]]:
    """Every literal the window's code hands to tr() or QT_TR_NOOP, with where: read from the syntax tree, so a call
    inside an f-string counts too (pyside6-lupdate does not see those)."""
    found = set()
    for path in sorted((REPO / "app").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("tr", "QT_TR_NOOP")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add((str(path.relative_to(REPO)), node.lineno, node.args[0].value))
    return found


@pytest.mark.parametrize("language", translations.TRANSLATED)
def test_every_string_the_window_marks_reaches_its_translation_file(language: str) -> None:
    root = ElementTree.parse(translations.ts_path(language)).getroot()
    extracted = {m.findtext("source") for m in root.findall("./context/message")}
    literals = _window_literals()
    assert len(literals) > 100, "the window's tr() calls were not found"
    assert sorted(found for found in literals if found[2] not in extracted) == []


@pytest.mark.parametrize("language", translations.TRANSLATED)
def test_every_window_string_is_translated(language: str) -> None:
    root = ElementTree.parse(translations.ts_path(language)).getroot()
    messages = root.findall("./context/message")
    assert len(messages) > 20, "the window's strings were not extracted"
    unfinished = [
        m.findtext("source")
        for m in messages
        if (m.find("translation") is None or m.find("translation").get("type") == "unfinished")  # type: ignore[union-attr]
        or not (m.findtext("translation") or "".join(m.find("translation").itertext()))  # type: ignore[union-attr]
    ]
    assert unfinished == []
    broken = [
        m.findtext("source")
        for m in messages
        if _fields(m.findtext("source") or "") != _fields("".join(m.find("translation").itertext()))  # type: ignore[union-attr]
    ]
    assert broken == []


def test_spanish_messages_and_numbers() -> None:
    i18n.set_language("es")
    try:
        note = Message.of(Nn_("{title}: {count} row", "{title}: {count} rows"), title="x", count=Figure(19382))
        assert note.text() == "x: 19.382 filas"
        assert note.english() == "x: 19382 rows"
        assert i18n.number(0.843) == "0,843"
        assert i18n.integer(19382) == "19.382"
        assert i18n.percent(0.213) == "21,3\xa0%"
    finally:
        i18n.set_language("en")
    assert note.text() == "x: 19382 rows"
    assert i18n.number(0.843) == "0.843"
    assert i18n.integer(19382) == "19,382"


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"LANG": "es_ES.UTF-8"}, "es"),
        ({"LANG": "es_MX.UTF-8", "LC_ALL": ""}, "es"),
        ({"LANGUAGE": "es:en", "LANG": "en_US.UTF-8"}, "es"),
        ({"LC_ALL": "de_DE.UTF-8", "LANG": "es_ES.UTF-8"}, "en"),  # the first set decides; German is not ours
        ({"LANG": "C.UTF-8"}, "en"),
    ],
)
def test_the_language_follows_the_system_locale(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], expected: str
) -> None:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert language.system_language() == expected


def test_a_chosen_language_is_remembered_over_the_system_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "en")
    try:
        assert language.choose_language(None) == "en"
        assert language.choose_language("es") == "es"
        assert language.choose_language(None) == "es"  # remembered
        assert i18n.gettext("Missing value") == "Valor ausente"
    finally:
        i18n.set_language("en")
    assert language.remembered_language() == "es"
    language.remember_language("en")
    assert language.choose_language(None) == "en"


def test_general_numbers_keep_their_digits_and_take_the_decimal_mark() -> None:
    from app.core.i18n import general_text

    assert (general_text(0.1), general_text(0.00123, ".3g"), general_text(1.2e-05)) == ("0.1", "0.00123", "1.2e-05")
    assert general_text(1234.5) == "1234.5"  # nothing grouped: as Python writes it
    i18n.set_language("es")
    assert (general_text(0.1), general_text(0.00123, ".3g"), general_text(1.2e-05)) == ("0,1", "0,00123", "1,2e-05")
    assert general_text(1234.5) == "1234,5"
