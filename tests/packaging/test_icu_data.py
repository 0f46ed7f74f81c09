"""The English and Spanish ICU data library of the frozen build, and the ELF reader the build uses."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "packaging"))
import elf  # noqa: E402
import icu_data  # noqa: E402

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF and Qt's bundled ICU are Linux's")


def _qt_lib() -> Path:
    import PySide6

    return Path(PySide6.__file__).parent / "Qt" / "lib"


def _icu_data_library() -> Path:
    return next(p for p in _qt_lib().glob("libicudata.so.*") if not p.is_symlink())


# Runs in a child process: what Qt asks of ICU, printed as JSON.
PROBE = """
import functools, json
from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QTimeZone
words = ["b", "A", "é", "e", "Z", "ä", "a", "file10", "file9", "Æble", "ångström", "ß", "ña", "nz", "o"]
def order(name):
    collator = QCollator(QLocale(name))
    collator.setNumericMode(True)
    return sorted(words, key=functools.cmp_to_key(collator.compare))
print(json.dumps({
    "en_US": order("en_US"), "de_DE": order("de_DE"), "es_ES": order("es_ES"),
    "upper_tr": QLocale("tr_TR").toUpper("i"), "upper_en": QLocale("en_US").toUpper("straße"),
    "zone": QTimeZone(b"Europe/Berlin").displayName(QTimeZone.StandardTime, QTimeZone.LongName, QLocale("en_US")),
    "zone_es": QTimeZone(b"Europe/Berlin").displayName(QTimeZone.StandardTime, QTimeZone.LongName, QLocale("es_ES")),
    "codecs": {name: QStringDecoder(name).isValid() for name in ("UTF-16LE", "ISO-8859-1", "US-ASCII", "windows-1252")},
}))
"""


def _probe(preload: Path | None) -> tuple[dict, str]:
    environment = os.environ | {"QT_QPA_PLATFORM": "offscreen"}
    if preload is not None:
        environment["LD_PRELOAD"] = str(preload)  # same soname: Qt's own copy is then never loaded
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=environment, capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(result.stdout), result.stderr


def test_needed_lists_direct_dependencies_only() -> None:
    gui = elf.needed(_qt_lib() / "libQt6Gui.so.6")
    assert "libQt6Core.so.6" in gui
    assert not [name for name in gui if name.startswith("libicu")]  # QtCore's dependency, not QtGui's own
    core = elf.Elf(_qt_lib() / "libQt6Core.so.6")
    assert core.soname() == "libQt6Core.so.6"
    versions = core.required_versions()
    assert any(version.startswith("GLIBC_2.") for version in versions["libc.so.6"])
    assert any(version.startswith("GLIBCXX_3.4") for version in versions["libstdc++.so.6"])


def test_elf_reader_rejects_other_files(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a library")
    with pytest.raises(ValueError, match="not a 64-bit little-endian ELF file"):
        elf.Elf(text)


def test_qt_calls_only_the_icu_functions_the_subset_is_built_for() -> None:
    """A Qt upgrade that starts using another part of ICU must revisit packaging/icu_data.py."""
    libraries = [p for p in _qt_lib().glob("libicu*.so.*") if not p.is_symlink()]
    icu_exports = set().union(*(elf.Elf(p).defined_symbols() for p in libraries))
    used = elf.Elf(_qt_lib() / "libQt6Core.so.6").imported_symbols() & icu_exports  # C and C++ API alike
    functions = {re.sub(r"_\d+$", "", name) for name in used}
    assert "ucol_open" in functions
    assert {name for name in functions if not icu_data.QT_ICU_FUNCTIONS.fullmatch(name)} == set()


def test_only_qtcore_links_against_icu() -> None:
    pyside = _qt_lib().parents[1]
    files = [*pyside.glob("*.so*"), *_qt_lib().glob("*.so*"), *(pyside / "Qt" / "plugins").rglob("*.so")]
    linking = {p.name for p in files if not p.is_symlink() and any(name.startswith("libicu") for name in elf.needed(p))}
    assert {name for name in linking if not name.startswith("libicu")} == {"libQt6Core.so.6"}


def test_policy_keeps_core_root_and_english_and_drops_the_rest() -> None:
    keep = icu_data.needed
    for item in (
        "icudt73l/coll/ucadata.icu",
        "icudt73l/coll/root.res",
        "icudt73l/coll/en_GB.res",
        "icudt73l/root.res",
        "icudt73l/en.res",
        "icudt73l/res_index.res",
        "icudt73l/coll/res_index.res",
        "icudt73l/supplementalData.res",
        "icudt73l/pool.res",
        "icudt73l/cnvalias.icu",
        "icudt73l/zone/en.res",
        "icudt73l/nfkc.nrm",
        "icudt73l/zoneinfo64.res",
    ):
        assert keep(item), item
    for item in (
        "icudt73l/coll/de.res",
        "icudt73l/ja.res",
        "icudt73l/zone/fr.res",
        "icudt73l/brkitr/word.brk",
        "icudt73l/lang/en.res",
        "icudt73l/ibm-5348_P100-1997.cnv",
        "icudt73l/unames.icu",
        "icudt73l/rfc3491.spp",
        "icudt73l/translit/root.res",
    ):
        assert not keep(item), item


def test_subset_copies_kept_items_byte_for_byte_in_order() -> None:
    _, common, _ = icu_data.data_symbol(_icu_data_library())
    original = icu_data.items(common)
    assert icu_data.items(icu_data.subset(common, keep=lambda name: True)) == original
    kept = icu_data.items(icu_data.subset(common))
    assert kept == [(name, data) for name, data in original if icu_data.needed(name)]
    assert [name for name, _ in kept] == sorted(name for name, _ in kept)  # ICU binary-searches the names
    assert 200 < len(kept) < len(original) / 5


def test_subset_items_are_aligned_for_in_place_reading() -> None:
    _, common, _ = icu_data.data_symbol(_icu_data_library())
    package = icu_data.subset(common)
    header_size = struct.unpack_from("<H", package, 0)[0]
    count = struct.unpack_from("<I", package, header_size)[0]
    offsets = [struct.unpack_from("<II", package, header_size + 4 + 8 * i)[1] for i in range(count)]
    assert all((header_size + offset) % 16 == 0 for offset in offsets)


def test_items_rejects_what_is_not_icu_common_data() -> None:
    with pytest.raises(ValueError, match="not a little-endian ICU common-data package"):
        icu_data.items(b"\x20\x00\x00\x00" + bytes(60))


@pytest.mark.skipif(shutil.which("as") is None or shutil.which("ld") is None, reason="needs binutils")
def test_shrunk_library_serves_qt_like_the_full_one_in_english_and_spanish(tmp_path: Path) -> None:
    library = tmp_path / _icu_data_library().name
    shutil.copyfile(_icu_data_library(), library)
    before, after = icu_data.shrink(library)
    assert after < before / 8
    assert elf.Elf(library).soname() == _icu_data_library().name

    full, _ = _probe(None)
    small, warnings = _probe(library)
    assert warnings == ""
    assert (
        small["en_US"]
        == full["en_US"]
        == ["a", "A", "ä", "Æble", "ångström", "b", "e", "é", "file9", "file10", "ña", "nz", "o", "ß", "Z"]
    )
    assert small["es_ES"] == full["es_ES"]
    assert small["es_ES"].index("nz") < small["es_ES"].index("ña") < small["es_ES"].index("o")  # ñ: a letter after n
    assert small["zone_es"] == full["zone_es"] != full["zone"]
    assert small["de_DE"] == full["de_DE"]
    assert (small["upper_tr"], small["upper_en"]) == ("İ", "STRASSE")
    assert small["zone"] == full["zone"] == "Central European Standard Time"
    # Algorithmic codecs stay; table-driven ones (the app never asks Qt for them) are gone.
    assert small["codecs"] == {"UTF-16LE": True, "ISO-8859-1": True, "US-ASCII": True, "windows-1252": False}
    assert full["codecs"]["windows-1252"] is True
