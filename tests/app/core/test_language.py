"""Which language to speak: asked for, else remembered, else the system's, else English."""

from __future__ import annotations

import json

import pytest

from app.core import i18n
from app.core.language import choose_language, remember_language, remembered_language, system_language
from app.core.paths import user_data_dir

PREFERENCES = "preferences.json"
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture
def no_locale(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("locale.getlocale", lambda: (None, None))
    return monkeypatch


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({}, "en"),
        ({"LANG": "es_ES.UTF-8"}, "es"),
        ({"LANG": "es-MX"}, "es"),
        ({"LANGUAGE": "es:en", "LANG": "en_US.UTF-8"}, "es"),  # LANGUAGE comes first, as in gettext
        ({"LANGUAGE": "fr:es"}, "en"),  # the first one set decides: French, which we do not have
        ({"LANGUAGE": "", "LC_ALL": "ES_es"}, "es"),
        ({"LC_MESSAGES": "C", "LANG": "es_ES"}, "en"),
    ],
)
def test_system_language_follows_gettexts_variables(
    no_locale: pytest.MonkeyPatch, variables: dict[str, str], expected: str
) -> None:
    for name, value in variables.items():
        no_locale.setenv(name, value)
    assert system_language() == expected


def test_system_language_reads_windows_locale_names(no_locale: pytest.MonkeyPatch) -> None:
    no_locale.setattr("locale.getlocale", lambda: ("Spanish_Spain", "1252"))
    assert system_language() == "es"


def test_nothing_remembered_at_first() -> None:
    assert remembered_language() is None


def test_a_language_remembered_is_read_back_and_other_preferences_kept() -> None:
    path = user_data_dir() / PREFERENCES
    path.write_text(json.dumps({"theme": "dark", "language": "en"}), encoding="utf-8")
    remember_language("es")
    assert remembered_language() == "es"
    assert json.loads(path.read_text(encoding="utf-8")) == {"theme": "dark", "language": "es"}


@pytest.mark.parametrize(
    "content",
    [
        "",
        "not json",
        "[1, 2]",
        '"es"',
        '{"language": "de"}',
        '{"language": null}',
        '{"language": ["es"]}',  # no string: raised TypeError (unhashable) before
        '{"language": {"es": 1}}',
        "[" * 100_000 + "]" * 100_000,  # nesting too deep for json: raised RecursionError before
    ],
)
def test_a_damaged_preferences_file_remembers_nothing_and_is_mended(content: str) -> None:
    path = user_data_dir() / PREFERENCES
    path.write_text(content, encoding="utf-8")
    assert remembered_language() is None
    remember_language("es")
    assert remembered_language() == "es"


def test_choose_language_turns_on_and_remembers_what_is_asked(no_locale: pytest.MonkeyPatch) -> None:
    assert choose_language("es") == "es"
    assert i18n.language() == "es"
    i18n.set_language("en")
    assert choose_language() == "es"  # remembered, over the system's English
    assert i18n.language() == "es"


def test_choose_language_without_a_choice_takes_the_systems(no_locale: pytest.MonkeyPatch) -> None:
    no_locale.setenv("LANG", "es_ES.UTF-8")
    assert choose_language() == "es"
    assert remembered_language() is None  # the system's language is not remembered as a choice


def test_choose_language_refuses_an_unknown_language_and_remembers_nothing() -> None:
    with pytest.raises(ValueError, match="unknown language 'de'"):
        choose_language("de")
    assert remembered_language() is None
    assert i18n.language() == "en"
