"""Extract, merge and compile the translations: gettext catalogues (Babel) for the core, the CLI and the report,
Qt's translation files (pyside6-lupdate and pyside6-lrelease) for the window.

    uv run python packaging/translations.py          # after changing user-facing strings: update, then translate
    uv run python packaging/translations.py --check  # exit 1 if a catalogue is out of date (tests do the same)

English is the source language. Each run rewrites ``resources/locale/<lang>/LC_MESSAGES/scoredesk.po`` with every
message the code marks (new ones untranslated, gone ones dropped), compiles it to ``scoredesk.mo``, and does the
same for ``resources/locale/scoredesk_<lang>.ts`` / ``.qm``. ``tests/test_translations.py`` fails while any
message lacks a translation.
"""

from __future__ import annotations

import argparse
import datetime
import io
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parents[1]
LOCALE = REPO / "resources" / "locale"
DOMAIN = "scoredesk"
TRANSLATED = ("es",)
# Where gettext messages are marked: the core, the CLI, the cluster engine, the report and the charts they share
# with the window.
GETTEXT_SOURCES = ("app/core", "app/cli", "app/distributed", "app/report", "app/plots.py")
QT_SOURCES = ("app/ui",)
_EPOCH = datetime.datetime(2026, 12, 3, tzinfo=datetime.UTC)
KEYWORDS = {"_": None, "gettext": None, "N_": None, "ngettext": (1, 2), "Nn_": (1, 2)}


def _python_files(sources: tuple[str, ...]) -> Iterator[Path]:
    for source in sources:
        path = REPO / source
        yield from sorted(path.rglob("*.py")) if path.is_dir() else [path]


def extract() -> Catalog:
    """Every message the gettext sources mark, with where it is used."""
    catalog = Catalog(project="ScoreDesk", domain=DOMAIN, charset="utf-8")
    for path in _python_files(GETTEXT_SOURCES):
        where = path.relative_to(REPO).as_posix()
        for line, message, _comments, context in extract_from_file("python", path, keywords=KEYWORDS):
            catalog.add(message, None, [(where, line)], context=context)
    return catalog


def po_path(language: str) -> Path:
    """The language's gettext catalogue (the source the translator edits)."""
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def ts_path(language: str) -> Path:
    """The language's Qt translation source."""
    return LOCALE / f"{DOMAIN}_{language}.ts"


def _po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=120, omit_header=False, sort_output=True, include_lineno=False)
    return out.getvalue()


def _mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def merged(language: str) -> Catalog:
    """The language's catalogue updated to the messages the code marks now (translations kept)."""
    path = po_path(language)
    if path.exists():
        with open(path, "rb") as handle:
            catalog = read_po(handle, locale=language, domain=DOMAIN)
    else:
        catalog = Catalog(locale=language, domain=DOMAIN, project="ScoreDesk", charset="utf-8")
    catalog.update(extract(), no_fuzzy_matching=True)
    catalog.obsolete.clear()
    # No date or placeholder that changes on every run: the same messages give the same bytes.
    catalog.creation_date = catalog.revision_date = _EPOCH
    catalog.fuzzy = False
    catalog.copyright_holder, catalog.msgid_bugs_address = "the ScoreDesk developers", ""
    catalog.last_translator, catalog.language_team = "the ScoreDesk developers", language
    return catalog


def _lupdate(language: str, target: Path) -> None:
    """Refresh ``target`` (a copy of the language's .ts) from the window's sources with pyside6-lupdate."""
    files = [str(p.relative_to(REPO)) for p in _python_files(QT_SOURCES)]
    subprocess.run(
        [
            _tool("pyside6-lupdate"),
            *files,
            "-no-obsolete",
            "-locations",
            "none",
            "-target-language",
            language,
            "-ts",
            str(target),
        ],
        cwd=REPO,
        check=True,
        capture_output=True,
    )


def _lrelease(source: Path, target: Path) -> None:
    subprocess.run([_tool("pyside6-lrelease"), str(source), "-qm", str(target)], check=True, capture_output=True)


def _tool(name: str) -> str:
    """A PySide6 tool of this environment (beside the interpreter), else from PATH."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else shutil.which(name) or name


def outdated() -> list[str]:
    """The translation files that differ from what this module would write now."""
    stale = []
    for language in TRANSLATED:
        catalog = merged(language)
        po, mo = po_path(language), po_path(language).with_suffix(".mo")
        if not po.exists() or po.read_bytes() != _po_bytes(catalog):
            stale.append(str(po.relative_to(REPO)))
        if not mo.exists() or mo.read_bytes() != _mo_bytes(catalog):
            stale.append(str(mo.relative_to(REPO)))
        with tempfile.TemporaryDirectory() as scratch:
            ts = Path(scratch) / ts_path(language).name
            if ts_path(language).exists():
                shutil.copyfile(ts_path(language), ts)
            _lupdate(language, ts)
            if not ts_path(language).exists() or ts.read_bytes() != ts_path(language).read_bytes():
                stale.append(str(ts_path(language).relative_to(REPO)))
            qm = Path(scratch) / "out.qm"
            _lrelease(ts, qm)
            shipped = ts_path(language).with_suffix(".qm")
            if not shipped.exists() or qm.read_bytes() != shipped.read_bytes():
                stale.append(str(shipped.relative_to(REPO)))
    return stale


def update() -> None:
    """Rewrite every language's .po/.mo and .ts/.qm from the code's messages."""
    for language in TRANSLATED:
        catalog = merged(language)
        po_path(language).parent.mkdir(parents=True, exist_ok=True)
        po_path(language).write_bytes(_po_bytes(catalog))
        po_path(language).with_suffix(".mo").write_bytes(_mo_bytes(catalog))
        _lupdate(language, ts_path(language))
        _lrelease(ts_path(language), ts_path(language).with_suffix(".qm"))


def main(argv: list[str] | None = None) -> int:
    """Update the translation files, or with --check only say which are out of date."""
    parser = argparse.ArgumentParser(prog="python packaging/translations.py", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file is out of date")
    args = parser.parse_args(argv)
    if args.check:
        stale = outdated()
        for name in stale:
            print(f"out of date: {name} (run `uv run python packaging/translations.py`)")
        return 1 if stale else 0
    update()
    return 0


if __name__ == "__main__":
    sys.exit(main())
