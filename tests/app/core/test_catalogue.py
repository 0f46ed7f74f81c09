"""The declared catalogue of input issues: codes, scopes, severities, and the words shown for them."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from app.core import i18n
from app.core.catalogue import CATALOGUE, SEVERITIES, IssueType, severity_of
from app.core.words import SEVERITIES as SEVERITY_WORDS
from tests.conftest import REPO

# A code and its severity written as literals where an issue is made: Issue.of("code", column, "severity", ...
_LITERAL_ISSUE = re.compile(r'Issue\.of\(\s*"([a-z_]+)",\s*[^,]+,\s*"([a-z]+)"')


def test_every_entry_is_well_formed() -> None:
    assert CATALOGUE
    for code, entry in CATALOGUE.items():
        assert isinstance(entry, IssueType)
        assert entry.code == code
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", code), code
        assert entry.scope in ("row", "file"), code
        assert entry.severity in SEVERITIES, code
        assert entry.title.strip(), code
        assert entry.meaning.strip().endswith("."), code


def test_titles_are_unique() -> None:
    titles = [entry.title for entry in CATALOGUE.values()]
    assert len(set(titles)) == len(titles)


def test_severity_of_every_code_and_no_other() -> None:
    for code, entry in CATALOGUE.items():
        assert severity_of(code) == entry.severity
    with pytest.raises(KeyError):
        severity_of("not_a_code")
    with pytest.raises(KeyError):
        severity_of("")


def test_every_severity_is_used_and_has_a_word() -> None:
    assert {entry.severity for entry in CATALOGUE.values()} == set(SEVERITIES)
    assert set(SEVERITY_WORDS) == set(SEVERITIES)


def test_every_title_and_meaning_has_a_spanish_translation() -> None:
    with (i18n.locale_dir() / "es" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po").open("rb") as handle:
        catalogue = read_po(handle)
    for entry in CATALOGUE.values():
        for text in (entry.title, entry.meaning):
            message = catalogue.get(text)
            assert message is not None, text
            assert message.string, text
    i18n.set_language("es")
    assert i18n.gettext(CATALOGUE["missing_value"].title) != CATALOGUE["missing_value"].title


def test_issues_made_with_literal_codes_use_catalogued_codes_and_severities() -> None:
    found = []
    for path in sorted((REPO / "app").rglob("*.py")):
        for code, severity in _LITERAL_ISSUE.findall(path.read_text(encoding="utf-8")):
            found.append((path.name, code, severity))
            assert code in CATALOGUE, (path, code)
            assert CATALOGUE[code].severity == severity, (path, code, severity)
    assert len(found) >= 5  # the pattern still finds the issues made in app.core.report
