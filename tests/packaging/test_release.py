"""The release: a PyInstaller one-folder build that proves itself, packaged as tar.gz and .deb."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "packaging"))
import elf  # noqa: E402
import release  # noqa: E402
from system_libraries import SYSTEM_LIBRARIES  # noqa: E402

pytestmark = pytest.mark.slow


def _offscreen() -> dict[str, str]:
    """The frozen program's environment: offscreen, and this test's own user data folder (its run log and its
    remembered language; never the user's, which would make the program speak whatever that says)."""
    return os.environ | {"QT_QPA_PLATFORM": "offscreen"}  # the autouse fixture has set SCOREDESK_DATA_DIR


SAMPLE = REPO / "resources" / "samples" / "telco_churn_to_score.csv"


@pytest.fixture(scope="session")
def released(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build, self-test and package once for the whole session."""
    from model_build.packaging import keygen

    folder = tmp_path_factory.mktemp("release")
    private, public = keygen(folder / "release-key")  # a throwaway release key the build is told to trust
    arguments = ["--out", str(folder / "out"), "--build-dir", str(folder / "build"), "--trust-key", str(public)]
    assert release.main(arguments) == 0
    build = folder / "build" / "dist" / "ScoreDesk"
    return {"build": build, "out": folder / "out", "root": folder, "key": private, "pub": public}


def _self_test(executable: Path) -> str:
    """Run a frozen program's self-test offscreen; it must exit 0."""
    result = subprocess.run(
        [str(executable), "self-test"], env=_offscreen(), capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_frozen_self_test_passes(released: dict[str, Path]) -> None:
    output = _self_test(released["build"] / "ScoreDesk")
    assert "desktop window: 9 of 9 tabs rendered offscreen" in output
    assert "17 of 17 charts drawn" in output  # matplotlib finds its fonts in the frozen tree
    assert "golden rows: 21 rows" in output


def test_frozen_score_matches_python_byte_for_byte(released: dict[str, Path], tmp_path: Path) -> None:
    frozen, source = tmp_path / "frozen.csv", tmp_path / "source.csv"
    subprocess.run(
        [str(released["build"] / "ScoreDesk"), "score", str(SAMPLE), "-o", str(frozen)],
        env=_offscreen(),
        check=True,
        capture_output=True,
        timeout=120,
    )
    subprocess.run(
        [sys.executable, "-m", "app", "score", str(SAMPLE), "-o", str(source)],
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert frozen.read_bytes() == source.read_bytes()


def test_frozen_cli_reports_errors_like_the_source(released: dict[str, Path], tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    result = subprocess.run(
        [str(released["build"] / "ScoreDesk"), "score", str(bad), "-o", str(tmp_path / "o.csv")],
        env=_offscreen(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "missing columns" in result.stderr
    assert "Traceback" not in result.stderr
    usage = subprocess.run(
        [str(released["build"] / "ScoreDesk"), "frobnicate"], capture_output=True, text=True, timeout=120, check=False
    )
    assert usage.returncode == 2
    assert "ScoreDesk: argument command: invalid choice: 'frobnicate'" in usage.stderr  # its own name, not python's


def test_the_frozen_program_speaks_spanish(released: dict[str, Path]) -> None:
    """The compiled catalogues and Babel's Spanish number data are in the build."""
    result = subprocess.run(
        [str(released["build"] / "ScoreDesk"), "check", str(SAMPLE), "--lang", "es"],
        env=_offscreen(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "filas (UTF-8, separado por comas, LF); veredicto" in result.stdout
    assert "deriva: las 19 variables bien (PSI mayor 0," in result.stdout


def test_build_leaves_out_what_the_app_does_not_run(released: dict[str, Path]) -> None:
    internal = released["build"] / "_internal"
    top = {p.name for p in internal.iterdir()}
    for forbidden in (
        "scipy",
        "scipy.libs",
        "sklearn",
        "skl2onnx",
        "onnx",
        "joblib",
        "pytest",
        "_pytest",
        "model_build",
        "pyarrow",
        "sqlalchemy",
        "yaml",
        "psutil",
        "libcrypto.so.3",
        "libssl.so.3",
    ):
        assert forbidden not in top, forbidden
    files = [p.relative_to(internal).as_posix() for p in internal.rglob("*")]
    assert {f.rsplit("/", 1)[-1] for f in files if "/translations/" in f} == {"qtbase_es.qm"}  # Qt's dialogs
    assert {f.rsplit("/", 1)[-1] for f in files if "/locale-data/" in f} == {"root.dat", "en.dat", "es.dat"}
    assert {f for f in files if f.startswith("resources/locale/") and "." in f.rsplit("/", 1)[-1]} == {
        "resources/locale/scoredesk_es.qm",
        "resources/locale/es/LC_MESSAGES/scoredesk.mo",
    }
    assert not [f for f in files if re.search(r"Qt6(Network|Qml|Quick|Pdf|WaylandClient)", f)]
    plugins = internal / "PySide6" / "Qt" / "plugins"
    assert {p.name for p in (plugins / "platforms").iterdir()} <= {"libqxcb.so", "libqoffscreen.so", "libqminimal.so"}
    assert {p.name for p in (plugins / "platformthemes").iterdir()} == {"libqxdgdesktopportal.so"}
    assert not (plugins / "xcbglintegrations").exists()
    icu_data = next((internal / "PySide6" / "Qt" / "lib").glob("libicudata.so.*"))
    assert icu_data.stat().st_size < 5 * 2**20  # the English and Spanish subset, not ICU's 30 MB
    assert (internal / "resources" / "model" / "model.onnx").is_file()
    assert (internal / "resources" / "samples" / "telco_churn_labelled.csv").is_file()
    assert (internal / "resources" / "icons" / "scoredesk.png").is_file()


def test_every_library_a_bundled_file_needs_is_bundled_or_left_to_the_system(released: dict[str, Path]) -> None:
    internal = released["build"] / "_internal"
    bundled = {p.name for p in internal.rglob("*")}
    assert not bundled & set(SYSTEM_LIBRARIES)
    assert not [p for p in internal.rglob("*") if p.is_symlink() and not p.exists()]  # no dangling links
    missing = {}
    for library in internal.rglob("*.so*"):
        if library.is_file() and not library.is_symlink():
            for name in elf.needed(library):
                if name not in bundled and name not in SYSTEM_LIBRARIES:
                    missing.setdefault(name, library.name)
    assert missing == {}


def test_artifacts_are_named_with_both_versions_and_checksummed(released: dict[str, Path]) -> None:
    app_version, model_version = release.versions()
    stem = f"scoredesk-{app_version}-model-{model_version}-linux-x86_64"
    names = sorted(p.name for p in released["out"].iterdir())
    assert names == ["SHA256SUMS", f"{stem}.deb", f"{stem}.tar.gz"]
    for line in (released["out"] / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((released["out"] / name).read_bytes()).hexdigest() == digest
    with tarfile.open(released["out"] / f"{stem}.tar.gz") as archive:
        assert f"{stem}/ScoreDesk" in archive.getnames()


# The packages the .deb must depend on: those that own the system libraries the bundled files need.
EXPECTED_DEPENDS = [
    "libbz2-1.0",
    "libc6",
    "libdbus-1-3",
    "libegl1",
    "libfontconfig1",
    "libfreetype6",
    "libgcc-s1",
    "libgl1",
    "libglib2.0-0",
    "liblzma5",
    "libstdc++6",
    "libuuid1",
    "libx11-6",
    "libx11-xcb1",
    "libxcb1",
    "libxkbcommon-x11-0",
    "libxkbcommon0",
    "libzstd1",
    "zlib1g",
]
# The GCC release (Debian's libstdc++6 version) that introduced each libstdc++ symbol version, from GCC's ABI notes.
GCC_OF_GLIBCXX = {"3.4.28": "10", "3.4.29": "11", "3.4.30": "12", "3.4.31": "13", "3.4.32": "13.2", "3.4.33": "14"}


def _objdump(folder: Path) -> tuple[set[str], dict[str, tuple[int, ...]]]:
    """binutils' view of the ELF files under ``folder``: the libraries they need, the newest GLIBC and GLIBCXX."""
    needed: set[str] = set()
    newest: dict[str, tuple[int, ...]] = {}
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file() or path.read_bytes()[:4] != b"\x7fELF":
            continue
        dump = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True, check=True).stdout
        needed.update(re.findall(r"^\s+NEEDED\s+(\S+)$", dump, re.MULTILINE))
        references = dump.partition("Version References:")[2]
        for family, number in re.findall(r"\b(GLIBC|GLIBCXX)_(\d+(?:\.\d+)*)\b", references):
            newest[family] = max(newest.get(family, ()), tuple(map(int, number.split("."))))
    return needed, newest


def _owners(libraries: set[str]) -> set[str]:
    """The Debian packages (without architecture) that own the installed ``libraries``, by dpkg's database."""
    found = subprocess.run(
        ["dpkg", "-S", *(f"*/{name}" for name in sorted(libraries))], capture_output=True, text=True, check=False
    )
    owners: dict[str, set[str]] = {}
    for line in found.stdout.splitlines():
        packages, _, path = line.partition(": ")
        owners.setdefault(Path(path).name, set()).update(p.split(":")[0].strip() for p in packages.split(","))
    assert set(owners) >= libraries, f"no package owns {sorted(libraries - set(owners))}"
    return set().union(*(owners[name] for name in libraries))


def test_deb_installs_a_working_program(released: dict[str, Path]) -> None:
    app_version, model_version = release.versions()
    deb = next(released["out"].glob("*.deb"))
    info = subprocess.run(
        ["dpkg-deb", "-f", str(deb), "Package", "Version", "Depends"], capture_output=True, text=True, check=True
    )
    assert info.stdout.splitlines()[:2] == ["Package: scoredesk", f"Version: {app_version}+model{model_version}"]
    # Worked out without packaging/: binutils reads what the bundled files need, dpkg says which packages own it.
    needed, newest = _objdump(released["build"])
    bundled = {p.name for p in released["build"].rglob("*")}
    assert _owners(needed - bundled) == set(EXPECTED_DEPENDS)
    minimum = {
        "libc6": ".".join(map(str, newest["GLIBC"])),  # the newest glibc symbol version a bundled file needs
        "libstdc++6": GCC_OF_GLIBCXX[".".join(map(str, newest["GLIBCXX"]))],  # and the newest libstdc++ one
    }
    depends = ", ".join(f"{name} (>= {minimum[name]})" if name in minimum else name for name in EXPECTED_DEPENDS)
    assert info.stdout.splitlines()[2] == f"Depends: {depends}"
    tree = released["root"] / "extracted"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(tree)], check=True)
    desktop = (tree / "usr" / "share" / "applications" / "scoredesk.desktop").read_text()
    assert "Exec=/opt/scoredesk/ScoreDesk" in desktop
    assert (tree / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps" / "scoredesk.png").is_file()
    assert "self-test passed" in _self_test(tree / "opt" / "scoredesk" / "ScoreDesk")
    launcher = tree / "usr" / "bin" / "scoredesk"
    assert launcher.is_symlink()
    card = subprocess.run([str(launcher), "info"], env=_offscreen(), capture_output=True, text=True, timeout=120)
    assert card.returncode == 0, card.stderr
    assert f" {model_version} (" in card.stdout.splitlines()[0]
    usage = subprocess.run([str(launcher), "frobnicate"], capture_output=True, text=True, timeout=120, check=False)
    assert "scoredesk: argument command: invalid choice" in usage.stderr  # named as the user typed it


def test_the_frozen_program_installs_a_package_signed_by_the_key_it_was_built_to_trust(
    released: dict[str, Path], tmp_path: Path
) -> None:
    from app.core.signing import read_private_key
    from model_build.packaging import package
    from tests.app.core.test_signed_models import _bundle

    seed = read_private_key(released["key"].read_text(), released["key"])
    signed = package(_bundle(tmp_path / "bundle", "1.0.1"), seed, tmp_path / "dist")
    program = released["build"] / "ScoreDesk"
    env = _offscreen() | {"SCOREDESK_DATA_DIR": str(tmp_path / "data")}
    installed = subprocess.run(
        [str(program), "model", "install", str(signed)], env=env, capture_output=True, text=True, check=False
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    info = subprocess.run([str(program), "info"], env=env, capture_output=True, text=True, check=False)
    assert "1.0.1" in info.stdout, info.stdout + info.stderr
    assert info.stderr == ""
    key = released["pub"].stem.removeprefix("scoredesk-")
    assert key in info.stdout  # info names the keys the program trusts
    checked = subprocess.run(
        [str(program), "self-test", "--no-gui"], env=env, capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"bundle signature: installed 1.0.1, signed by trusted key {key}" in checked.stdout
