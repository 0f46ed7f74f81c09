"""Shared libraries the frozen Linux build takes from the system, and the Debian packages that provide them.

Besides glibc and the OpenGL driver (which PyInstaller never bundles), the build leaves out the C++ runtime,
X11 and its protocol library, fonts, D-Bus, GLib and the compression libraries, which PyInstaller would copy
from the build machine. Every Linux desktop has them (dpkg itself needs zlib, bzip2, xz and zstd), their ABIs
are stable, and a copy from the build machine can clash with the system's own graphics and font stack (the
AppImage project's excludelist names most of them for that reason) or with the system's GIO modules. Their
own dependencies (libsystemd, libgcrypt, libpng, brotli, PCRE2...) then fall out with them.
"""

from __future__ import annotations

from pathlib import Path

from elf import Elf

SYSTEM_LIBRARIES = {
    **dict.fromkeys(
        ("ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1"), "libc6"
    ),
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libstdc++.so.6": "libstdc++6",
    "libgcc_s.so.1": "libgcc-s1",
    "libz.so.1": "zlib1g",
    "libbz2.so.1.0": "libbz2-1.0",
    "liblzma.so.5": "liblzma5",
    "libzstd.so.1": "libzstd1",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libuuid.so.1": "libuuid1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}


# The libstdc++ symbol version each GCC release introduced; Debian's libstdc++6 carries GCC's version.
GLIBCXX_GCC: dict[tuple[int, ...], str] = {
    (3, 4, 28): "10",
    (3, 4, 29): "11",
    (3, 4, 30): "12",
    (3, 4, 31): "13",
    (3, 4, 32): "13.2",
    (3, 4, 33): "14",
}


def newest_versions(folder: Path) -> dict[str, tuple[int, ...]]:
    """The newest GLIBC and GLIBCXX symbol versions any ELF file under ``folder`` needs."""
    newest: dict[str, tuple[int, ...]] = {}
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        with open(path, "rb") as handle:
            if handle.read(4) != b"\x7fELF":
                continue
        for versions in Elf(path).required_versions().values():
            for version in versions:
                family, _, number = version.partition("_")
                if family in ("GLIBC", "GLIBCXX") and number.replace(".", "").isdigit():
                    newest[family] = max(newest.get(family, ()), tuple(int(part) for part in number.split(".")))
    return newest


def deb_depends(folder: Path) -> str:
    """The .deb's Depends field: the packages of the libraries left to the system, with the versions needed."""
    newest = newest_versions(folder)
    minimum = {}
    if "GLIBC" in newest:
        minimum["libc6"] = ".".join(map(str, newest["GLIBC"]))
    glibcxx = newest.get("GLIBCXX", ())
    if glibcxx > max(GLIBCXX_GCC):
        raise ValueError(f"libstdc++ GLIBCXX_{'.'.join(map(str, glibcxx))} is newer than GLIBCXX_GCC knows")
    if glibcxx >= min(GLIBCXX_GCC):
        minimum["libstdc++6"] = GLIBCXX_GCC[glibcxx]
    return ", ".join(
        f"{package} (>= {minimum[package]})" if package in minimum else package
        for package in sorted(set(SYSTEM_LIBRARIES.values()))
    )
