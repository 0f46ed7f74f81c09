"""The words shown for the codes the core writes, and a gate's bound, in English and Spanish."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from babel.messages.pofile import read_po

from app.core import i18n
from app.core.drift import TOO_FEW_ROWS
from app.core.words import DRIFT_STATUSES, GATE_STATUSES, SEVERITIES, VERDICTS, gate_bound, verdict_word, word


@pytest.fixture
def spanish() -> None:
    i18n.set_language("es")  # the autouse fixture in tests/conftest.py goes back to English after the test


def test_words_in_english_are_the_marked_words() -> None:
    assert word(SEVERITIES, "warning") == "warning"
    assert word(VERDICTS, "ok") == "OK"
    assert word(DRIFT_STATUSES, TOO_FEW_ROWS) == "too few rows"
    assert word(GATE_STATUSES, "not_applicable") == "not applicable"


def test_words_in_spanish_come_from_the_catalogue(spanish: None) -> None:
    assert word(VERDICTS, "ok") == "CORRECTO"
    assert word(DRIFT_STATUSES, "alert") == "alerta"
    assert word(DRIFT_STATUSES, TOO_FEW_ROWS) == "muy pocas filas"
    assert word(GATE_STATUSES, "waived") == "dispensado"
    assert word(GATE_STATUSES, "not_applicable") == "no aplicable"


@pytest.mark.parametrize("words", [SEVERITIES, VERDICTS, DRIFT_STATUSES, GATE_STATUSES])
def test_every_code_has_a_spanish_word(words: Mapping[str, str]) -> None:
    with (i18n.locale_dir() / "es" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po").open("rb") as handle:
        catalogue = read_po(handle)
    for code, english in words.items():
        entry = catalogue.get(english)
        assert entry is not None, code
        assert entry.string, code
        assert not entry.fuzzy, code
        i18n.set_language("es")
        assert word(words, code) == entry.string  # the compiled catalogue agrees with its source
        i18n.set_language("en")


def test_a_code_with_no_word_is_shown_as_it_is_or_spelled_out() -> None:
    assert word(GATE_STATUSES, "not_run") == "not_run"
    assert word(GATE_STATUSES, "not_run", keep=False) == "not run"
    assert word(GATE_STATUSES, "") == ""  # gettext would give the catalogue's header for ""
    assert word({}, "a_b_c", keep=False) == "a b c"


def test_a_code_with_no_word_stays_as_it_is_in_spanish(spanish: None) -> None:
    assert word(GATE_STATUSES, "") == ""
    assert word(SEVERITIES, "fatal") == "fatal"


def test_verdicts_are_capitals() -> None:
    assert [verdict_word(v) for v in ("ok", "warning", "error")] == ["OK", "WARNING", "ERROR"]
    assert verdict_word("partial") == "PARTIAL"
    assert verdict_word("") == ""


def test_verdicts_in_spanish(spanish: None) -> None:
    assert verdict_word("ok") == "CORRECTO"
    assert verdict_word("warning") == verdict_word("warning").upper() != "WARNING"
    assert verdict_word("partial") == "PARTIAL"


@pytest.mark.parametrize(
    ("gate", "expected"),
    [
        ({"min": 0.83}, "≥ 0.83"),
        ({"max": 0.1}, "≤ 0.1"),
        ({"min": 0}, "≥ 0"),  # zero is a bound, not a missing one
        ({"min": None, "max": 0.05}, "≤ 0.05"),
        ({"min": 0.7, "max": 0.9}, "≥ 0.7 and ≤ 0.9"),
        ({"min": 1e-05}, "≥ 1e-05"),
        ({"min": 0.8, "bound": "point"}, "≥ 0.8"),
        ({"min": 0.8, "bound": "lower"}, "≥ 0.8 (lower end of the interval)"),
        ({"max": -0.005, "bound": "upper"}, "≤ -0.005 (upper end of the interval)"),
        ({"min": 0.8, "bound": "middle"}, "≥ 0.8 (middle end of the interval)"),
        ({}, ""),
    ],
)
def test_gate_bound_in_english(gate: dict[str, object], expected: str) -> None:
    assert gate_bound(gate) == expected


def test_gate_bound_in_spanish(spanish: None) -> None:
    assert gate_bound({"min": 0.83}) == "≥ 0,83"
    assert gate_bound({"min": 0.7, "max": 0.9}) == "≥ 0,7 y ≤ 0,9"
    assert gate_bound({"min": 0.8, "bound": "lower"}) == "≥ 0,8 (extremo inferior del intervalo)"
    assert gate_bound({"max": 1e-05}) == "≤ 1e-05"


def test_gate_bound_writes_a_nan_bound_as_it_is() -> None:
    assert gate_bound({"min": float("nan")}) == "≥ nan"
