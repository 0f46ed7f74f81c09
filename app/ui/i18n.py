"""The window's language: Qt's translation files for its own strings, the core's gettext for the rest.

``tr`` is the one call the window's strings go through; pyside6-lupdate finds its literals
(``packaging/translations.py``), and the compiled ``resources/locale/scoredesk_<lang>.qm`` answers them. Qt's own
dialogs (the buttons of a message box, the file dialog) use Qt's shipped ``qtbase_<lang>.qm``.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app.core import i18n
from app.core.paths import resources_dir

__all__ = ["QT_TR_NOOP", "install_language", "plain_html", "tr"]


class _Installed:
    translators: list[QTranslator] = []


def tr(text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """``text`` in the window's language (Qt's own signature, which lupdate reads). A count picks between two
    literal messages, singular and plural, rather than Qt's ``%n`` forms: English and Spanish both have two, and
    English then needs no translation file of its own."""
    return QCoreApplication.translate("", text, disambiguation, n)


def plain_html(text: str) -> str:
    """Text from a file, for a rich-text label: markup shown as written (never rendered or loaded), and
    bidirectional controls kept inside it."""
    import html

    return html.escape(i18n.isolated(text))


def install_language(code: str) -> None:
    """Switch the core and the window to ``code``: messages, numbers and Qt's own dialogs."""
    i18n.set_language(code)
    application = QCoreApplication.instance()
    for translator in _Installed.translators:
        if application is not None:
            application.removeTranslator(translator)
    _Installed.translators = []
    QLocale.setDefault(QLocale(code))
    if code == i18n.SOURCE_LANGUAGE or application is None:
        return
    sources = (
        (resources_dir() / "locale", f"scoredesk_{code}"),
        (QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath), f"qtbase_{code}"),
    )
    for folder, name in sources:
        translator = QTranslator()
        if translator.load(name, str(folder)):
            application.installTranslator(translator)
            _Installed.translators.append(translator)


def QT_TR_NOOP(text: str) -> str:  # the name pyside6-lupdate looks for
    """Mark ``text`` for the translation file without translating it now (``tr`` translates it where shown)."""
    return text
