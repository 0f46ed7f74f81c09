"""What the frozen build keeps of PyInstaller's analysis, and the Linux clean-up after COLLECT (used by build.spec).

build.spec declares what to keep (a ``Selection``); these functions apply it to the analysis' TOC entries,
walk the libraries' direct link-time dependencies again from what is kept, and strip the collected tree.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import elf
import icu_data

Entry = tuple[str, str, str]  # a PyInstaller TOC entry: (destination, source, kind)


@dataclass(frozen=True)
class Selection:
    """What of the analysed data and libraries the build keeps (declared in build.spec)."""

    mpl_data: Collection[str]  # names of the mpl-data files and folders kept
    qt_plugins: Collection[str]  # Qt plugin folders kept
    plugins_in: Mapping[str, Collection[str]]  # within these kept folders, only these plugin files
    drop_qt_libs: Sequence[str]  # Qt libraries dropped (only the dropped plugins and modules use them)
    languages: Collection[str] = ("en", "es")  # the languages whose translations and number formats ship


def plugin_names(*names: str) -> set[str]:
    """The file names of Qt plugins ``names`` on Linux, Windows and macOS."""
    return {
        f"{prefix}{name}{suffix}"
        for prefix, suffix in (("lib", ".so"), ("", ".dll"), ("lib", ".dylib"))
        for name in names
    }


def qt_plugin_kind(destination: str) -> str | None:
    """The Qt plugin folder (e.g. ``platforms``) ``destination`` is in, or None if it is no plugin."""
    parts = Path(destination).parts
    return parts[parts.index("plugins") + 1] if "plugins" in parts else None


def keeps(selection: Selection, destination: str) -> bool:
    """Whether the file bound for ``destination`` stays in the build."""
    parts, name = Path(destination).parts, Path(destination).name
    if "translations" in parts:  # Qt's own: its dialogs' buttons in each language the program speaks
        return name in {f"qtbase_{language}.qm" for language in selection.languages if language != "en"}  # Qt's source
    if "locale-data" in parts:  # Babel's CLDR data: root and our languages (1,100 locales, 30 MB, otherwise)
        return name in {f"{language}.dat" for language in ("root", *selection.languages)}
    if parts[:2] == ("resources", "locale") and not name.endswith((".mo", ".qm")):
        return False  # the translators' sources (.po, .ts); the program loads the compiled catalogues
    if "mpl-data" in parts and not any(keep in parts for keep in selection.mpl_data):
        return False
    kind = qt_plugin_kind(destination)
    if kind is not None:
        if kind not in selection.qt_plugins:
            return False
        if kind in selection.plugins_in and Path(destination).name not in selection.plugins_in[kind]:
            return False
    return not any(f"lib{lib}.so" in name or f"{lib}.dll" in name or name == lib for lib in selection.drop_qt_libs)


def select(selection: Selection, entries: Iterable[Entry]) -> list[Entry]:
    """The entries whose destination ``keeps`` accepts, in order."""
    return [entry for entry in entries if keeps(selection, entry[0])]


def is_extension_or_plugin(destination: str) -> bool:
    """Python extension modules and Qt plugins are loaded by name at run time: they are the roots."""
    name, parts = Path(destination).name, Path(destination).parts
    return ".cpython-" in name or ".abi3." in name or name.endswith(".pyd") or "plugins" in parts


def is_root(destination: str, dlopened: Collection[str]) -> bool:
    """Whether the library is loaded by name (an extension, a plugin, or one of ``dlopened``), not linked to."""
    return is_extension_or_plugin(destination) or any(name in Path(destination).name for name in dlopened)


def direct_dependencies(library: str) -> list[str]:
    """Names of the libraries ``library`` links against itself (PyInstaller's ldd answer is transitive on Linux)."""
    if sys.platform.startswith("linux"):
        return elf.needed(Path(library))
    from PyInstaller.depend.bindepend import get_imports

    return [Path(name).name for name, _ in get_imports(library)]


def prune_unreferenced_libraries(
    binaries: Iterable[Entry],
    system_libraries: Collection[str],
    dlopened: Collection[str],
    needed: Callable[[str], Sequence[str]] = direct_dependencies,
) -> list[Entry]:
    """Drop the system's libraries, and those nothing kept links against (``needed``: a file's direct ones).

    Filtering plugins out after the analysis leaves their dependencies behind (GTK, cairo, Kerberos...);
    this walks the direct link-time dependencies again from the roots, never through a system library.
    """
    binaries = [entry for entry in binaries if Path(entry[0]).name not in system_libraries]
    by_name = {Path(dest).name: (dest, src, kind) for dest, src, kind in binaries}
    roots = [src for dest, src, kind in binaries if is_root(dest, dlopened)]
    kept: set[str] = set()
    stack = list(roots)
    while stack:
        source = stack.pop()
        for base in needed(source):
            if base in by_name and base not in kept:
                kept.add(base)
                dest, src, kind = by_name[base]
                if kind != "SYMLINK":
                    stack.append(src)
                else:
                    target = Path(src).name
                    if target in by_name and target not in kept:
                        kept.add(target)
                        stack.append(by_name[target][1])
    return [(dest, src, kind) for dest, src, kind in binaries if is_root(dest, dlopened) or Path(dest).name in kept]


def strippable(internal: Path) -> list[Path]:
    """The libraries under ``internal`` to strip: real files, not the vendored ones in ``*.libs`` folders."""
    out = []
    for library in sorted(internal.rglob("*.so*")):
        vendored = any(part.endswith(".libs") for part in library.relative_to(internal).parts)
        if library.is_file() and not library.is_symlink() and not vendored:
            out.append(library)
    return out


def icu_data_libraries(internal: Path) -> list[Path]:
    """The ICU data libraries (real files, not their links) under ``internal``."""
    return [p for p in internal.rglob("libicudata.so*") if p.is_file() and not p.is_symlink()]


def remove_dangling_links(internal: Path) -> None:
    """Remove the symbolic links under ``internal`` whose targets are gone."""
    for link in list(internal.rglob("*")):
        if link.is_symlink() and not link.exists():
            link.unlink()


def strip_unneeded(library: Path) -> None:
    """Strip debug information and static symbols from ``library`` (its dynamic symbols stay)."""
    subprocess.run(["strip", "--strip-unneeded", str(library)], check=True)


def finish_linux(
    internal: Path,
    strip: Callable[[Path], object] = strip_unneeded,
    shrink: Callable[[Path], object] = icu_data.shrink,
) -> None:
    """Strip the collected libraries, put in ICU's English-only data library, drop the links left dangling."""
    if shutil.which("strip") is None:
        raise SystemExit("build.spec: binutils is needed (strip, as, ld); install it and build again")
    for library in strippable(internal):
        strip(library)
    for library in icu_data_libraries(internal):
        shrink(library)
    # PyInstaller links top-level names to libraries from its own dependency scan, some of which were pruned.
    remove_dangling_links(internal)
