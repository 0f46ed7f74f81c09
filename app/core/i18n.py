"""The language people read: messages through gettext, numbers through Babel; never JSON, codes or column names.

The catalogues are ``resources/locale/<lang>/LC_MESSAGES/scoredesk.po``, compiled to ``.mo`` beside them
(``uv run python packaging/translations.py``). English is the source language and needs no catalogue. The
language is the one asked for (``--lang``, View ▸ Language), else the one remembered from the last time it was
asked for, else the system locale's, else English. The window's own strings use Qt's translation files
(``app.ui.i18n``); this module is the one place that says which language is on, ``app.core.language`` the one
that chooses it. It imports only ``paths``, so every other core module may use it, the lowest ones included.
"""

from __future__ import annotations

import gettext as _gettext
import math
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.numbers import format_decimal, format_percent, get_decimal_symbol

from app.core.paths import resources_dir

__all__ = [
    "DOMAIN",
    "Figure",
    "LANGUAGES",
    "LocalizedError",
    "FRONT_ENDS",
    "N_",
    "Nn_",
    "Remedy",
    "SOURCE_LANGUAGE",
    "Message",
    "front_end",
    "general",
    "general_text",
    "gettext",
    "integer",
    "isolated",
    "language",
    "locale_dir",
    "ngettext",
    "number",
    "percent",
    "set_front_end",
    "set_language",
    "shown",
]

DOMAIN = "scoredesk"
LANGUAGES = {"en": "English", "es": "Español"}  # each in its own language, as a language menu shows them
SOURCE_LANGUAGE = "en"


class _State:
    language = SOURCE_LANGUAGE
    front_end = "cli"  # whose controls a Remedy names: "cli" (options) or "window" (menus and buttons)
    translations: _gettext.NullTranslations = _gettext.NullTranslations()


def locale_dir() -> Path:
    """The folder of the compiled message catalogues."""
    return resources_dir() / "locale"


def N_(message: str) -> str:  # gettext's conventional name for "translate later"
    """Mark ``message`` for the catalogue without translating it now (it is translated where it is shown)."""
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:  # the plural form of N_
    """Mark a message with its plural form for the catalogue; ``Message.of`` picks the form by ``count``."""
    return singular, plural


def gettext(message: str) -> str:
    """``message`` in the current language ("" stays "": gettext would give the catalogue's header for it)."""
    return _State.translations.gettext(message) if message else message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form of a message for ``count``, in the current language."""
    return _State.translations.ngettext(singular, plural, count)


def language() -> str:
    """The current language's code."""
    return _State.language


def set_language(code: str) -> None:
    """Show messages and numbers in ``code`` (one of LANGUAGES) from now on."""
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}: choose one of {', '.join(LANGUAGES)}")
    if code == SOURCE_LANGUAGE:
        translations: _gettext.NullTranslations = _gettext.NullTranslations()
    else:  # a build without its catalogue still runs, in English words and the language's numbers
        translations = _gettext.translation(DOMAIN, locale_dir(), [code], fallback=True)
    _State.language, _State.translations = code, translations


def number(value: float, digits: int = 3) -> str:
    """A decimal number with ``digits`` places and grouped thousands: ``0.843`` / ``0,843``."""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=_State.language)


def integer(value: int) -> str:
    """A count with grouped thousands: ``19,382`` / ``19.382``."""
    return format_decimal(value, format="#,##0", locale=_State.language)


def percent(share: float, digits: int = 1) -> str:
    """A share as a percentage in the language's own pattern: ``21.3%`` / ``21,3 %``."""
    pattern = Locale.parse(_State.language).percent_formats[None].pattern  # '#,##0%', '#,##0\xa0%'
    places = "." + "0" * digits if digits > 0 else ""
    return format_percent(
        share, format=pattern.replace("0%", f"0{places}%").replace("0\xa0%", f"0{places}\xa0%"), locale=_State.language
    )


@dataclass(frozen=True)
class Figure:
    """A number inside a message: as Python writes it in English (the bytes of every existing output), in the
    language's own form otherwise."""

    value: float
    digits: int | None = None  # None: a count
    share: bool = False  # a share shown as a percentage
    grouped: bool = False  # thousands grouped in English too: 3,049 and 1,234.50 (else 3049 and 1234.50)

    def english(self) -> str:
        """``3049``, ``0.123``, ``12.3%``: Python's formatting, as the JSON messages and English output have it."""
        if self.share:
            return f"{self.value:.{self.digits or 0}%}"
        if self.digits is None:
            return f"{int(self.value):,}" if self.grouped else str(int(self.value))
        return f"{self.value:,.{self.digits}f}" if self.grouped else f"{self.value:.{self.digits}f}"

    def local(self) -> str:
        """The same number in the current language."""
        if _State.language == SOURCE_LANGUAGE:
            return self.english()
        if self.share:
            return percent(self.value, self.digits or 0)
        return integer(int(self.value)) if self.digits is None else number(self.value, self.digits)


def general_text(value: float, spec: str = "g") -> str:
    """``format(value, spec)`` (``0.1``, ``0.00123``, ``1.2e-05``) with the current language's decimal mark,
    nothing grouped: a number with the digits it has, as Python writes it in English."""
    text = format(value, spec)
    return text if _State.language == SOURCE_LANGUAGE else text.replace(".", get_decimal_symbol(_State.language))


def general(value: float) -> Figure | str:
    """A number as Python's ``:g`` writes it (``0.8``, ``1e-06``): a Figure with as many decimals when it has
    a plain form, so English keeps the bytes and another language gets its decimal mark; else the text."""
    text = f"{value:g}"
    if "e" in text or not math.isfinite(value):
        return text
    return Figure(value, len(text.partition(".")[2]))


@dataclass(frozen=True)
class Message:
    """A message kept as its English template and values, so it can be shown in any language later (the JSON
    keeps the English text)."""

    template: str  # marked with N_ where it is written, so the catalogue has it
    values: tuple[tuple[str, object], ...] = ()
    plural: str = ""  # the plural template, chosen by the value named "count"

    @classmethod
    def of(cls, template: str | tuple[str, str], **values: object) -> Message:
        """``Message.of(N_("'{column}' is empty"), column="x")``, or with ``Nn_(singular, plural)`` and a count."""
        if isinstance(template, tuple):
            return cls(template[0], tuple(values.items()), template[1])
        return cls(template, tuple(values.items()))

    def _count(self) -> int:
        count = dict(self.values).get("count")
        return int(count.value) if isinstance(count, Figure) else 1

    def english(self) -> str:
        """The message in English."""
        template = self.plural if self.plural and self._count() != 1 else self.template
        return template.format(**{k: _shown(v, english=True) for k, v in self.values})

    def text(self, isolate: bool = False) -> str:
        """The message in the current language; with ``isolate``, each value taken from a file (a column name, a
        cell) is set apart as a bidirectional isolate, so a right-to-left override in it cannot reorder the rest
        (for the window, where such text is drawn; a terminal or a file gets it unchanged)."""
        if self.plural:
            template = ngettext(self.template, self.plural, self._count())
        else:
            template = gettext(self.template)
        return template.format(
            **{k: isolated(v) if isolate and isinstance(v, str) else _shown(v, english=False) for k, v in self.values}
        )


def isolated(text: str) -> str:
    """Text from a file set inside a sentence as one bidirectional isolate (U+2068 ... U+2069): a right-to-left
    override in a header or a cell then ends with it instead of reversing the rest of the message."""
    return f"\u2068{text}\u2069"


FRONT_ENDS = ("cli", "window")


def set_front_end(name: str) -> None:
    """Word remedies for ``name``'s controls from now on: the window calls this once at start."""
    if name not in FRONT_ENDS:
        raise ValueError(f"unknown front end {name!r}: choose one of {', '.join(FRONT_ENDS)}")
    _State.front_end = name


def front_end() -> str:
    """Whose controls remedies name now."""
    return _State.front_end


@dataclass(frozen=True)
class Remedy:
    """What the user can do about a problem, worded for the front end that shows it: the command line names its
    options (``--mapping``), the window its menus (File ▸ Map columns…). Written into JSON, logs and other
    processes in the command line's English; on screen in the current front end's words and language."""

    cli: Message
    window: Message

    def english(self) -> str:
        """The command line's wording in English (what JSON and the run log keep)."""
        return self.cli.english()

    def text(self) -> str:
        """The current front end's wording in the current language."""
        return (self.window if _State.front_end == "window" else self.cli).text()


def _shown(value: object, english: bool) -> object:
    """A message's value as text: a Figure, a Message or a LocalizedError in English or the current language, a
    tuple of them joined by commas, anything else (a column name, an id) as it is."""
    if isinstance(value, tuple):
        return ", ".join(str(_shown(v, english)) for v in value)
    if isinstance(value, Figure):
        return value.english() if english else value.local()
    if isinstance(value, Message | Remedy):
        return value.english() if english else value.text()
    if isinstance(value, LocalizedError):
        return str(value) if english else value.shown()
    return value


class LocalizedError(Exception):
    """An error whose message can be shown in any language: ``str()`` is the English (logs, the run log, other
    processes), ``shown()`` the current language. Raise it with a ``Message`` or, for text not yet translated, a
    plain string. It pickles with its Message (to and from a cluster's workers), whatever its subclass's
    ``__init__`` takes."""

    note: Message | None = None

    def __init__(self, message: str | Message = "") -> None:
        self.note = message if isinstance(message, Message) else None
        super().__init__(message.english() if isinstance(message, Message) else message)

    def shown(self) -> str:
        """The message in the current language."""
        return self.note.text() if self.note is not None else str(self)

    def __reduce__(self) -> tuple[object, ...]:
        # Exception pickles as ``type(*args)``, which a subclass taking other arguments than its message cannot
        # take; rebuilt without calling __init__, its attributes (the note among them) come back as they were.
        return _rebuilt, (type(self), self.args), self.__dict__


def _rebuilt(kind: type[LocalizedError], args: tuple[object, ...]) -> LocalizedError:
    """A LocalizedError unpickled: its class and ``args`` as they were, its attributes set by pickle after."""
    error = kind.__new__(kind, *args)
    error.args = args
    return error


def shown(error: BaseException) -> str:
    """Any error's message in the current language (its own text when it has no translation)."""
    return error.shown() if isinstance(error, LocalizedError) else str(error)
