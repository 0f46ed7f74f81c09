"""Shared libraries the frozen Linux build takes from the system, and the Debian packages that provide them.

Besides glibc and the OpenGL driver (which PyInstaller never bundles), the build leaves out the C++ runtime,
X11 and its protocol library, fonts, D-Bus, GLib and the compression libraries, which PyInstaller would copy
from the build machine. Every Linux desktop has them (dpkg itself needs zlib, bzip2, xz and zstd), their ABIs
are stable, and a copy from the build machine can clash with the system's own graphics and font stack (the
AppImage project's excludelist names most of them for that reason) or with the system's GIO modules. Their
own dependencies (libsystemd, libgcrypt, libpng, brotli, PCRE2...) then fall out with them.
"""

from __future__ import annotations

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


def deb_depends() -> str:
    """The .deb's Depends field: every package that provides a library the build leaves to the system."""
    return ", ".join(sorted(set(SYSTEM_LIBRARIES.values())))
