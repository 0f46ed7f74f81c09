"""The language people read: messages through gettext, numbers through Babel, errors in any language."""

from __future__ import annotations

import math
import pickle

import pytest

from app.core import i18n
from app.core.i18n import (
    N_,
    Figure,
    LocalizedError,
    Message,
    Nn_,
    Remedy,
    general,
    general_text,
    gettext,
    integer,
    isolated,
    ngettext,
    number,
    percent,
    set_front_end,
    set_language,
    shown,
)


@pytest.fixture
def window() -> object:
    set_front_end("window")
    yield
    set_front_end("cli")


def test_the_compiled_catalogue_is_there_for_every_language() -> None:
    for code in i18n.LANGUAGES:
        if code != i18n.SOURCE_LANGUAGE:
            assert (i18n.locale_dir() / code / "LC_MESSAGES" / f"{i18n.DOMAIN}.mo").is_file()


def test_set_language_switches_messages_and_refuses_what_it_lacks() -> None:
    assert gettext("golden rows") == "golden rows"
    set_language("es")
    assert i18n.language() == "es"
    assert gettext("golden rows") == "filas de referencia"
    assert gettext("") == ""  # never the catalogue's header
    assert gettext("a sentence no catalogue has") == "a sentence no catalogue has"
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        set_language("fr")
    assert i18n.language() == "es"


def test_plurals_follow_the_count() -> None:
    assert ngettext("{count} row", "{count} rows", 1) == "{count} row"
    assert ngettext("{count} row", "{count} rows", 0) == "{count} rows"
    message = Message.of(Nn_("{count} row", "{count} rows"), count=Figure(2))
    assert message.english() == "2 rows"
    assert Message.of(Nn_("{count} row", "{count} rows"), count=Figure(1)).english() == "1 row"


@pytest.mark.parametrize(
    ("figure", "in_english", "in_spanish"),
    [
        (Figure(3049), "3049", "3.049"),
        (Figure(3049, grouped=True), "3,049", "3.049"),
        (Figure(0.8431, 3), "0.843", "0,843"),
        (Figure(1234.5, 2, grouped=True), "1,234.50", "1.234,50"),
        (Figure(0.213, 1, share=True), "21.3%", "21,3\xa0%"),
        (Figure(0.5, share=True), "50%", "50\xa0%"),
        (Figure(0), "0", "0"),
        (Figure(-2.5, 1), "-2.5", "-2,5"),
    ],
)
def test_figures_are_pythons_in_english_and_the_languages_otherwise(
    figure: Figure, in_english: str, in_spanish: str
) -> None:
    # (Not named "english": a parameter of that name would replace the autouse fixture that resets the language.)
    assert figure.english() == in_english
    assert figure.local() == in_english
    set_language("es")
    assert figure.english() == in_english  # JSON and logs keep the English bytes
    assert figure.local() == in_spanish


def test_numbers_counts_and_shares_in_each_language() -> None:
    assert (number(0.8434), integer(19382), percent(0.2134)) == ("0.843", "19,382", "21.3%")
    assert number(2.0, 0) == "2"
    set_language("es")
    assert (number(0.8434), integer(19382), percent(0.2134)) == ("0,843", "19.382", "21,3\xa0%")


def test_general_keeps_the_digits_a_number_has() -> None:
    assert general(0.8) == Figure(0.8, 1)
    assert general(5.0) == Figure(5.0, 0)
    assert general(1e-06) == "1e-06"  # no plain form: the text
    assert general(math.nan) == "nan"
    assert general(math.inf) == "inf"
    assert general_text(0.00123) == "0.00123"
    set_language("es")
    assert general_text(0.00123) == "0,00123"
    assert general_text(1.2e-05) == "1,2e-05"
    assert general(0.25).local() == "0,25"  # type: ignore[union-attr]


def test_a_message_keeps_its_template_and_values_for_any_language() -> None:
    message = Message.of(N_("golden rows"))
    nested = Message.of("{name}: {detail}", name=message, detail=Figure(0.5, 2))
    assert nested.english() == "golden rows: 0.50"
    set_language("es")
    assert nested.text() == "filas de referencia: 0,50"
    assert nested.english() == "golden rows: 0.50"


def test_values_from_files_can_be_isolated_and_tuples_are_joined() -> None:
    message = Message.of("{column} and {codes}", column="\u202eevil", codes=(Figure(1), Figure(2)))
    assert message.text() == "\u202eevil and 1, 2"
    assert message.text(isolate=True) == "\u2068\u202eevil\u2069 and 1, 2"
    assert isolated("") == "\u2068\u2069"


def test_a_localized_error_is_english_in_str_shown_in_the_language_and_pickles() -> None:
    error = LocalizedError(Message.of(N_("golden rows")))
    assert str(error) == "golden rows"
    set_language("es")
    assert error.shown() == shown(error) == "filas de referencia"
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is LocalizedError
    assert copy.shown() == "filas de referencia"
    assert shown(ValueError("plain")) == "plain"
    assert LocalizedError("untranslated").shown() == "untranslated"


class Named(LocalizedError):
    """An error whose constructor takes other arguments than its message."""

    def __init__(self, name: str) -> None:
        super().__init__(Message.of("{name} failed", name=name))
        self.name = name


def test_a_subclass_with_its_own_arguments_pickles_with_its_note() -> None:
    copy = pickle.loads(pickle.dumps(Named("x")))
    assert type(copy) is Named
    assert (str(copy), copy.name, copy.shown()) == ("x failed", "x", "x failed")


def test_a_remedy_names_the_front_ends_controls(window: object) -> None:
    remedy = Remedy(Message.of("use --mapping"), Message.of("use File ▸ Map columns…"))
    assert remedy.text() == "use File ▸ Map columns…"
    assert remedy.english() == "use --mapping"  # JSON and logs keep the command line's words
    set_front_end("cli")
    assert remedy.text() == "use --mapping"
    with pytest.raises(ValueError, match="unknown front end 'web'"):
        set_front_end("web")
