"""A smaller ICU data library for the frozen build.

Qt's ICU (libicudata, 30 MB) carries locale data for every language. QtCore calls ICU for four things
only (QT_ICU_FUNCTIONS; a test checks QtCore's imports against it): case mapping, collation (QCollator,
e.g. the file dialog's sort order), named text codecs (QStringConverter) and time-zone display names.
ScoreDesk speaks English and Spanish and decodes CSV files in Python, never through Qt. So the frozen build
keeps ICU's core tables (character properties, normalisation, the converter alias table, the shared
supplemental data), the root, English and Spanish locale data (Spanish collation puts ñ after n; time-zone
names in Spanish), and drops:

- what no Qt call reads: break rules, currency, language, region and unit names, number spellout,
  transliteration, character names, StringPrep profiles, the spoof checker and IDNA tables;
- the locale data of other languages (ICU falls back to root, as for any locale it does not know);
- the table-driven converters (the alias table and the algorithmic ones, UTF-* and Latin-1, remain).

The kept items are copied byte for byte into a new ICU common-data package, which is wrapped in a shared
library with the original name, soname and data symbol (binutils' ``as`` and ``ld``).
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from elf import Elf

QT_ICU_FUNCTIONS = re.compile(r"u_strToLower|u_strToUpper|ucal_\w+|ucnv_\w+|UCNV_\w+|ucol_\w+")
UNUSED_TREES = frozenset({"brkitr", "curr", "lang", "region", "rbnf", "translit", "unit"})
UNUSED_ITEMS = frozenset({"unames.icu", "confusables.cfu", "uts46.nrm"})
UNUSED_SUFFIXES = frozenset({"cnv", "spp"})
LOCALE_ID = re.compile(r"[a-z]{2,3}(_[A-Za-z0-9]+)*")
KEPT_LOCALES = re.compile(r"(en|es)(_[A-Za-z0-9]+)*")  # the languages of app/core/i18n.py
SHARED_TABLES = frozenset({"res_index"})  # looks like a locale id, but lists a tree's locales
_ITEM_ALIGNMENT = 16  # ICU's pkgdata aligns every item; its loaders read them in place


def needed(item: str) -> bool:
    """Whether a common-data item (e.g. ``icudt73l/coll/de.res``) stays in the frozen build."""
    path = item.split("/", 1)[1] if "/" in item else item
    tree, _, name = path.rpartition("/")
    stem, _, suffix = name.rpartition(".")
    if tree in UNUSED_TREES or suffix in UNUSED_SUFFIXES or path in UNUSED_ITEMS:
        return False
    if suffix == "res" and stem not in SHARED_TABLES and LOCALE_ID.fullmatch(stem):
        return KEPT_LOCALES.fullmatch(stem) is not None
    return True


def items(common: bytes) -> list[tuple[str, bytes]]:
    """The (name, bytes) items of an ICU common-data package, in its (sorted) table-of-contents order."""
    header_size, magic = struct.unpack_from("<H2s", common, 0)
    big_endian, data_format = common[8], common[12:16]
    if magic != b"\xda\x27" or data_format != b"CmnD" or big_endian:
        raise ValueError("not a little-endian ICU common-data package (CmnD)")
    count = struct.unpack_from("<I", common, header_size)[0]
    entries = [struct.unpack_from("<II", common, header_size + 4 + 8 * i) for i in range(count)]
    ends = [data for _, data in entries[1:]] + [len(common) - header_size]
    out = []
    for (name_offset, data_offset), end in zip(entries, ends, strict=True):
        start = header_size + name_offset
        name = common[start : common.index(b"\0", start)].decode("ascii")
        out.append((name, common[header_size + data_offset : header_size + end]))
    return out


def package(header: bytes, kept: list[tuple[str, bytes]]) -> bytes:
    """An ICU common-data package: the original header, a table of contents, the names, the aligned items."""
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in kept)
    toc_size = 4 + 8 * len(kept)
    name_offsets, offset = [], toc_size
    for name, _ in kept:
        name_offsets.append(offset)
        offset += len(name) + 1
    body, data_offsets = bytearray(), []
    offset = toc_size + len(names)
    for _, data in kept:
        padding = -(len(header) + offset) % _ITEM_ALIGNMENT
        body += b"\0" * padding
        offset += padding
        data_offsets.append(offset)
        body += data
        offset += len(data)
    toc = struct.pack("<I", len(kept)) + b"".join(
        struct.pack("<II", name_at, data_at) for name_at, data_at in zip(name_offsets, data_offsets, strict=True)
    )
    return header + toc + names + bytes(body)


def subset(common: bytes, keep: Callable[[str], bool] = needed) -> bytes:
    """The same package with only the items ``keep`` accepts."""
    header_size = struct.unpack_from("<H", common, 0)[0]
    return package(common[:header_size], [(name, data) for name, data in items(common) if keep(name)])


def data_symbol(library: Path) -> tuple[str, bytes, str]:
    """(symbol name, the common data it points to, soname) of an ICU data library."""
    parsed = Elf(library)
    name, common = parsed.symbol_data(r"icudt\d+_dat")
    return name, common, parsed.soname() or library.name


def write_library(common: bytes, symbol: str, soname: str, out: Path) -> None:
    """Wrap common data in a shared library exporting it as ``symbol``; written atomically to ``out``."""
    missing = [tool for tool in ("as", "ld") if shutil.which(tool) is None]
    if missing:
        raise RuntimeError(f"binutils is needed to rebuild ICU's data library ({', '.join(missing)} not found)")
    with tempfile.TemporaryDirectory(dir=out.parent) as folder:
        work = Path(folder)
        (work / "common.dat").write_bytes(common)
        (work / "data.s").write_text(
            "\t.section .rodata\n"
            f"\t.globl {symbol}\n"
            f"\t.type {symbol}, @object\n"
            f"\t.balign {_ITEM_ALIGNMENT}\n"
            f"{symbol}:\n"
            '\t.incbin "common.dat"\n'
            f"\t.size {symbol}, . - {symbol}\n"
            '\t.section .note.GNU-stack,"",@progbits\n'
        )
        subprocess.run(["as", "-o", "data.o", "data.s"], cwd=work, check=True)
        subprocess.run(["ld", "-shared", "-soname", soname, "-o", "lib.so", "data.o"], cwd=work, check=True)
        os.chmod(work / "lib.so", 0o755)
        os.replace(work / "lib.so", out)


def shrink(library: Path, keep: Callable[[str], bool] = needed) -> tuple[int, int]:
    """Replace an ICU data library in place by one holding only what ``keep`` accepts; (bytes before, after)."""
    before = library.stat().st_size
    symbol, common, soname = data_symbol(library)
    write_library(subset(common, keep), symbol, soname, library)
    return before, library.stat().st_size
