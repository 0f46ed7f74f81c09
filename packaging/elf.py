"""Just enough ELF (64-bit, little-endian) for the build: a library's direct dependencies, soname and data symbols.

``ldd`` (which PyInstaller uses) lists dependencies transitively, including those of libraries the build
leaves to the system; the build needs the direct ones (DT_NEEDED).
"""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import NamedTuple

SHT_DYNSYM, SHT_DYNAMIC, SHT_GNU_VERNEED = 11, 6, 0x6FFFFFFE
DT_NEEDED, DT_SONAME = 1, 14


class Section(NamedTuple):
    kind: int
    address: int
    offset: int
    size: int
    link: int


class Elf:
    """A parsed ELF file: its sections, dynamic entries and dynamic symbols."""

    def __init__(self, path: Path) -> None:
        self.path, self.data = path, path.read_bytes()
        if self.data[:6] != b"\x7fELF\x02\x01":
            raise ValueError(f"{path}: not a 64-bit little-endian ELF file")
        section_at, entry_size, count = struct.unpack_from("<Q10xHH", self.data, 0x28)
        if count == 0:  # nothing to read dependencies from: say so rather than report none
            raise ValueError(f"{path}: no section headers")
        self.sections = []
        for index in range(count):
            at = section_at + index * entry_size
            _, kind, _, address, offset, size, link = struct.unpack_from("<IIQQQQI", self.data, at)
            self.sections.append(Section(kind, address, offset, size, link))

    def _string(self, table: Section, offset: int) -> str:
        start = table.offset + offset
        return self.data[start : self.data.index(b"\0", start)].decode("utf-8")

    def _dynamic(self, tag: int) -> list[str]:
        out = []
        for section in (s for s in self.sections if s.kind == SHT_DYNAMIC):
            strings = self.sections[section.link]
            for at in range(section.offset, section.offset + section.size, 16):
                entry_tag, value = struct.unpack_from("<qQ", self.data, at)
                if entry_tag == tag:
                    out.append(self._string(strings, value))
        return out

    def needed(self) -> list[str]:
        """The libraries this file links against directly (DT_NEEDED)."""
        return self._dynamic(DT_NEEDED)

    def soname(self) -> str | None:
        """The library's soname (DT_SONAME), if it has one."""
        names = self._dynamic(DT_SONAME)
        return names[0] if names else None

    def required_versions(self) -> dict[str, set[str]]:
        """Symbol versions this file needs, by library: e.g. ``{"libc.so.6": {"GLIBC_2.34", ...}}``."""
        out: dict[str, set[str]] = {}
        for section in (s for s in self.sections if s.kind == SHT_GNU_VERNEED):
            strings = self.sections[section.link]
            at = section.offset
            while True:
                _, count, file_at, aux_at, next_at = struct.unpack_from("<HHIII", self.data, at)
                names = out.setdefault(self._string(strings, file_at), set())
                aux = at + aux_at
                for _ in range(count):
                    _, _, _, name_at, aux_next = struct.unpack_from("<IHHII", self.data, aux)
                    names.add(self._string(strings, name_at))
                    aux += aux_next
                if not next_at:
                    break
                at += next_at
        return out

    def _symbols(self) -> list[tuple[str, int, int, int]]:
        """(name, section index, value, size) of every dynamic symbol."""
        out = []
        for section in (s for s in self.sections if s.kind == SHT_DYNSYM):
            strings = self.sections[section.link]
            for at in range(section.offset, section.offset + section.size, 24):
                name_at, _, _, index, value, size = struct.unpack_from("<IBBHQQ", self.data, at)
                out.append((self._string(strings, name_at), index, value, size))
        return out

    def imported_symbols(self) -> set[str]:
        """Names of the dynamic symbols this file uses but does not define."""
        return {name for name, index, _, _ in self._symbols() if index == 0 and name}

    def defined_symbols(self) -> set[str]:
        """Names of the dynamic symbols this file defines (exports)."""
        return {name for name, index, _, _ in self._symbols() if index != 0 and name}

    def symbol_data(self, pattern: str) -> tuple[str, bytes]:
        """(name, bytes) of the first defined dynamic data symbol whose name matches ``pattern``."""
        for name, index, value, size in self._symbols():
            if size and 0 < index < len(self.sections) and re.fullmatch(pattern, name):
                home = self.sections[index]
                start = value - home.address + home.offset
                return name, self.data[start : start + size]
        raise ValueError(f"{self.path}: no dynamic symbol matching {pattern}")


def needed(path: Path) -> list[str]:
    """The libraries ``path`` links against directly."""
    return Elf(path).needed()
