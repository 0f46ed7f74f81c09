"""The ELF facts the build needs, read with pyelftools: direct dependencies, soname, symbol versions, symbols.

``ldd`` (which PyInstaller uses) lists dependencies transitively, including those of libraries the build
leaves to the system; the build needs the direct ones (DT_NEEDED).

pyelftools replaced a hand-written reader here. On the 266 libraries PyInstaller's analysis finds and the 166
ELF files of the frozen tree both gave the same answers for everything below; pyelftools is ~8x slower (0.7 s
instead of 0.09 s for DT_NEEDED of the 266, in a build of ~75 s) and, a build-time tool, is not bundled.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from elftools.elf.dynamic import DynamicSection
from elftools.elf.elffile import ELFFile
from elftools.elf.gnuversions import GNUVerNeedSection
from elftools.elf.sections import SymbolTableSection


class Elf:
    """A parsed ELF file: its dynamic entries, needed symbol versions and dynamic symbols."""

    def __init__(self, path: Path) -> None:
        self.path, self.data = path, path.read_bytes()
        if self.data[:6] != b"\x7fELF\x02\x01":  # the build only ever meets these; anything else is a mistake
            raise ValueError(f"{path}: not a 64-bit little-endian ELF file")
        self.file = ELFFile(io.BytesIO(self.data))
        if self.file.num_sections() == 0:  # nothing to read dependencies from: say so rather than report none
            raise ValueError(f"{path}: no section headers")

    def _dynamic(self, tag: str, field: str) -> list[str]:
        return [
            getattr(entry, field)
            for section in self.file.iter_sections()
            if isinstance(section, DynamicSection)
            for entry in section.iter_tags(tag)
        ]

    def needed(self) -> list[str]:
        """The libraries this file links against directly (DT_NEEDED)."""
        return self._dynamic("DT_NEEDED", "needed")

    def soname(self) -> str | None:
        """The library's soname (DT_SONAME), if it has one."""
        names = self._dynamic("DT_SONAME", "soname")
        return names[0] if names else None

    def required_versions(self) -> dict[str, set[str]]:
        """Symbol versions this file needs, by library: e.g. ``{"libc.so.6": {"GLIBC_2.34", ...}}``."""
        out: dict[str, set[str]] = {}
        for section in self.file.iter_sections():
            if isinstance(section, GNUVerNeedSection):
                for library, versions in section.iter_versions():
                    assert library.name is not None  # iter_versions always names a Verneed from vn_file
                    out.setdefault(library.name, set()).update(version.name for version in versions)
        return out

    def _symbols(self) -> list[tuple[str, int | str, int, int]]:
        """(name, section index or special index name such as ``SHN_UNDEF``, value, size) of every dynamic symbol."""
        return [
            (symbol.name, symbol["st_shndx"], symbol["st_value"], symbol["st_size"])
            for section in self.file.iter_sections("SHT_DYNSYM")
            if isinstance(section, SymbolTableSection)
            for symbol in section.iter_symbols()
        ]

    def imported_symbols(self) -> set[str]:
        """Names of the dynamic symbols this file uses but does not define."""
        return {name for name, index, _, _ in self._symbols() if index == "SHN_UNDEF" and name}

    def defined_symbols(self) -> set[str]:
        """Names of the dynamic symbols this file defines (exports)."""
        return {name for name, index, _, _ in self._symbols() if index != "SHN_UNDEF" and name}

    def symbol_data(self, pattern: str) -> tuple[str, bytes]:
        """(name, bytes) of the first defined dynamic data symbol whose name matches ``pattern``."""
        for name, index, value, size in self._symbols():
            if size and isinstance(index, int) and 0 < index < self.file.num_sections() and re.fullmatch(pattern, name):
                home = self.file.get_section(index)
                start = value - home["sh_addr"] + home["sh_offset"]
                return name, self.data[start : start + size]
        raise ValueError(f"{self.path}: no dynamic symbol matching {pattern}")


def needed(path: Path) -> list[str]:
    """The libraries ``path`` links against directly."""
    return Elf(path).needed()
