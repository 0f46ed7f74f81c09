"""What build.spec keeps of PyInstaller's analysis and how it cleans the collected Linux tree, on small fake trees."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "packaging"))
import elf  # noqa: E402
import pruning  # noqa: E402

SELECTION = pruning.Selection(
    mpl_data=("matplotlibrc", "DejaVuSans.ttf"),
    qt_plugins={"platforms", "styles"},
    plugins_in={"platforms": pruning.plugin_names("qxcb", "qoffscreen")},
    drop_qt_libs=("Qt6Network", "Qt6Qml"),
)
QT = "PySide6/Qt"
BINUTILS = sys.platform.startswith("linux") and shutil.which("as") is not None and shutil.which("ld") is not None


def test_plugin_names_are_those_of_every_platform() -> None:
    assert pruning.plugin_names("qxcb") == {"libqxcb.so", "qxcb.dll", "libqxcb.dylib"}
    assert len(pruning.plugin_names("qxcb", "qico")) == 6


def test_qt_plugin_kind_is_the_folder_under_plugins() -> None:
    assert pruning.qt_plugin_kind(f"{QT}/plugins/platforms/libqxcb.so") == "platforms"
    assert pruning.qt_plugin_kind(f"{QT}/lib/libQt6Core.so.6") is None


@pytest.mark.parametrize(
    ("destination", "kept"),
    [
        (f"{QT}/translations/qt_de.qm", False),  # a language the program does not speak
        (f"{QT}/translations/qtbase_es.qm", True),  # Qt's dialogs in Spanish
        (f"{QT}/translations/qtbase_en.qm", False),  # English is Qt's own source language
        (f"{QT}/translations/qtdeclarative_es.qm", False),  # QML, which the program does not use
        ("babel/locale-data/es.dat", True),
        ("babel/locale-data/root.dat", True),
        ("babel/locale-data/es_MX.dat", False),
        ("babel/locale-data/de.dat", False),
        ("babel/global.dat", True),
        ("resources/locale/es/LC_MESSAGES/scoredesk.mo", True),
        ("resources/locale/es/LC_MESSAGES/scoredesk.po", False),
        ("resources/locale/scoredesk_es.qm", True),
        ("resources/locale/scoredesk_es.ts", False),
        ("matplotlib/mpl-data/matplotlibrc", True),
        ("matplotlib/mpl-data/fonts/ttf/DejaVuSans.ttf", True),
        ("matplotlib/mpl-data/fonts/ttf/cmr10.ttf", False),
        ("matplotlib/mpl-data/sample_data/goog.npz", False),
        (f"{QT}/plugins/platforms/libqxcb.so", True),
        (f"{QT}/plugins/platforms/libqoffscreen.so", True),
        (f"{QT}/plugins/platforms/libqwayland.so", False),  # a kept folder keeps only the plugins listed
        (f"{QT}/plugins/styles/libqmodernwindowsstyle.so", True),  # a folder not listed keeps all
        (f"{QT}/plugins/xcbglintegrations/libqxcb-glx-integration.so", False),  # a folder not kept
        (f"{QT}/lib/libQt6Network.so.6", False),
        ("PySide6/Qt6Qml.dll", False),
        ("Qt6Network", False),
        (f"{QT}/lib/libQt6Core.so.6", True),
        ("resources/model/model.onnx", True),
    ],
)
def test_keeps_follows_the_selection(destination: str, kept: bool) -> None:
    assert pruning.keeps(SELECTION, destination) is kept


def test_select_keeps_the_entries_in_order() -> None:
    entries = [
        ("b.so", "/src/b.so", "BINARY"),
        (f"{QT}/translations/qt_de.qm", "/src/qt_de.qm", "DATA"),
        ("a.so", "/src/a.so", "BINARY"),
    ]
    assert pruning.select(SELECTION, entries) == [entries[0], entries[2]]


def test_roots_are_extensions_plugins_and_the_dlopened_libraries() -> None:
    dlopened = ("libpython",)
    assert pruning.is_root("numpy/_core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so", dlopened)
    assert pruning.is_root("nacl/_sodium.abi3.so", dlopened)
    assert pruning.is_root("select.pyd", dlopened)
    assert pruning.is_root(f"{QT}/plugins/styles/libqfusion.so", dlopened)
    assert pruning.is_root("libpython3.11.so.1.0", dlopened)
    assert not pruning.is_root(f"{QT}/lib/libQt6Core.so.6", dlopened)
    assert not pruning.is_extension_or_plugin("libpython3.11.so.1.0")


def _binary(name: str, kind: str = "BINARY") -> pruning.Entry:
    return (name, f"/src/{name}", kind)


def test_prune_keeps_what_the_roots_reach_and_drops_the_rest() -> None:
    graph = {
        "/src/ext.cpython-311-x86_64-linux-gnu.so": ["liba.so.1", "libc.so.6"],
        "/src/liba.so.1": ["libb.so.1"],
        "/src/libb.so.1": [],
        "/src/libdlopened.so": ["libd.so.1"],
        "/src/libd.so.1": [],
        "/src/liborphan.so.1": ["libb.so.1"],  # nothing kept links against it
        "/src/libX11.so.6": ["libxcb-only-x11-needs.so.1"],  # a system library: never walked through
        "/src/libxcb-only-x11-needs.so.1": [],
    }
    binaries = [_binary(Path(source).name) for source in graph]
    kept = pruning.prune_unreferenced_libraries(
        binaries, system_libraries={"libX11.so.6", "libc.so.6"}, dlopened=("libdlopened",), needed=graph.__getitem__
    )
    assert [dest for dest, _, _ in kept] == [
        "ext.cpython-311-x86_64-linux-gnu.so",
        "liba.so.1",
        "libb.so.1",
        "libdlopened.so",
        "libd.so.1",
    ]


def test_prune_follows_a_symbolic_link_to_its_target() -> None:
    graph = {
        "/src/ext.abi3.so": ["libz3.so.1"],
        "/src/libz3.so.1.2.3": ["libdep.so.1"],
        "/src/libdep.so.1": [],
    }
    binaries = [
        _binary("ext.abi3.so"),
        ("libz3.so.1", "libz3.so.1.2.3", "SYMLINK"),  # a link's source is its target's name
        _binary("libz3.so.1.2.3"),
        _binary("libdep.so.1"),
        _binary("libunused.so.1"),
    ]
    kept = pruning.prune_unreferenced_libraries(binaries, system_libraries=(), dlopened=(), needed=graph.__getitem__)
    assert kept == binaries[:4]


def _library(folder: Path, soname: str, *links: Path) -> Path:
    """A tiny real shared library with ``soname``, linked against ``links``."""
    work = folder / f"{soname}.build"
    work.mkdir()
    (work / "lib.s").write_text(
        f'\t.text\n\t.globl f_{len(links)}\nf_{len(links)}:\n\tret\n\t.section .note.GNU-stack,"",@progbits\n'
    )
    subprocess.run(["as", "-o", "lib.o", "lib.s"], cwd=work, check=True)
    out = folder / soname
    subprocess.run(
        ["ld", "-shared", "--no-as-needed", "-soname", soname, "-o", str(out), "lib.o", *map(str, links)],
        cwd=work,
        check=True,
    )
    return out


@pytest.mark.skipif(not BINUTILS, reason="needs Linux and binutils")
def test_prune_on_real_libraries_reads_their_direct_dependencies(tmp_path: Path) -> None:
    base = _library(tmp_path, "libbase.so.1")
    middle = _library(tmp_path, "libmiddle.so.1", base)
    top = _library(tmp_path, "ext.cpython-311-x86_64-linux-gnu.so", middle)
    orphan = _library(tmp_path, "liborphan.so.1", base)
    assert pruning.direct_dependencies(str(top)) == ["libmiddle.so.1"]  # direct only: not libbase
    assert elf.Elf(middle).soname() == "libmiddle.so.1"
    binaries = [(p.name, str(p), "BINARY") for p in (top, middle, base, orphan)]
    kept = pruning.prune_unreferenced_libraries(binaries, system_libraries=(), dlopened=())
    assert [dest for dest, _, _ in kept] == ["ext.cpython-311-x86_64-linux-gnu.so", "libmiddle.so.1", "libbase.so.1"]


@pytest.mark.skipif(not BINUTILS or shutil.which("strip") is None, reason="needs Linux and binutils")
def test_strip_unneeded_drops_the_static_symbols_and_keeps_the_dynamic_ones(tmp_path: Path) -> None:
    library = _library(tmp_path, "libone.so.1")
    assert elf.Elf(library).file.get_section_by_name(".symtab") is not None
    pruning.strip_unneeded(library)
    assert elf.Elf(library).file.get_section_by_name(".symtab") is None
    assert elf.Elf(library).defined_symbols() == {"f_0"}


def _tree(internal: Path) -> None:
    """A collected tree: real libraries, a vendored one, ICU's data library with its link, and a dangling link."""
    for name in ("libQt6Core.so.6", "numpy.libs/libscipy_openblas64_-ff651d7f.so", "PySide6/Qt/lib/libicudata.so.73"):
        (internal / name).parent.mkdir(parents=True, exist_ok=True)
        (internal / name).write_bytes(b"\x7fELF")
    (internal / "mod.cpython-311-x86_64-linux-gnu.so").write_bytes(b"\x7fELF")
    (internal / "resources").mkdir()
    (internal / "resources" / "model.onnx").write_bytes(b"model")
    (internal / "PySide6" / "Qt" / "lib" / "libicudata.so").symlink_to("libicudata.so.73")
    (internal / "libQt6Core.so").symlink_to("libQt6Core.so.6")
    (internal / "libgone.so.1").symlink_to("PySide6/Qt/lib/libgone.so.1")  # pruned after PyInstaller linked it


def test_finish_linux_strips_shrinks_icu_and_removes_dangling_links(tmp_path: Path) -> None:
    internal = tmp_path / "_internal"
    internal.mkdir()
    _tree(internal)
    stripped: list[Path] = []
    shrunk: list[Path] = []
    pruning.finish_linux(internal, strip=stripped.append, shrink=shrunk.append)
    assert [p.relative_to(internal).as_posix() for p in stripped] == [
        "PySide6/Qt/lib/libicudata.so.73",
        "libQt6Core.so.6",
        "mod.cpython-311-x86_64-linux-gnu.so",
    ]  # sorted; no links, nothing in a vendored *.libs folder
    assert shrunk == [internal / "PySide6" / "Qt" / "lib" / "libicudata.so.73"]
    assert not (internal / "libgone.so.1").is_symlink()
    assert (internal / "libQt6Core.so").is_symlink()
    assert (internal / "PySide6" / "Qt" / "lib" / "libicudata.so").is_symlink()


def test_finish_linux_needs_binutils(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pruning.shutil, "which", lambda name: None)
    with pytest.raises(SystemExit, match="binutils is needed"):
        pruning.finish_linux(tmp_path, strip=print, shrink=print)
