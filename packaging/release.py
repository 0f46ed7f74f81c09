"""Build and package a release: PyInstaller one-folder build, self-test, tar.gz, .deb and SHA256SUMS.

    uv run python packaging/release.py                 # -> dist/release/
    uv run python packaging/release.py --out DIR --skip-build

Artifact names carry both versions: scoredesk-<app>-model-<model>-<os>-<arch>.tar.gz (and .deb on Linux).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from system_libraries import deb_depends  # noqa: E402

from app import __version__  # noqa: E402
from app.core.fileio import sha256_file  # noqa: E402

NAME = "ScoreDesk"
SLUG = "scoredesk"
DEB_ARCH = {"x86_64": "amd64", "aarch64": "arm64"}


def versions() -> tuple[str, str]:
    """(app version, model version), from the package and the shipped model card."""
    card = json.loads((ROOT / "resources" / "model" / "model_card.json").read_text(encoding="utf-8"))
    return __version__, card["model"]["version"]


def artifact_stem(app_version: str, model_version: str) -> str:
    """e.g. ``scoredesk-0.1.0-model-1.0.0-linux-x86_64``."""
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    return f"{SLUG}-{app_version}-model-{model_version}-{system}-{platform.machine().lower()}"


def build(dist: Path, work: Path) -> Path:
    """Run PyInstaller on build.spec; returns the one-folder build."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(ROOT / "build.spec"),
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
        ],
        cwd=ROOT,
        check=True,
    )
    return dist / NAME


def self_test(folder: Path) -> None:
    """The frozen program must pass its own self-test before anything is packaged."""
    executable = folder / (f"{NAME}-cli.exe" if sys.platform == "win32" else NAME)
    with tempfile.TemporaryDirectory(prefix="scoredesk-selftest-") as data:  # not the builder's own settings
        environment = os.environ | {"QT_QPA_PLATFORM": "offscreen", "SCOREDESK_DATA_DIR": data}
        subprocess.run([str(executable), "self-test"], check=True, env=environment)


def make_tarball(folder: Path, out: Path, stem: str) -> Path:
    """The build folder as ``<stem>/...`` in a gzip tarball."""
    target = out / f"{stem}.tar.gz"
    with tarfile.open(target, "w:gz", compresslevel=6) as archive:
        archive.add(folder, arcname=stem)
    return target


def make_deb(folder: Path, out: Path, staging: Path, app_version: str, model_version: str) -> Path:
    """A Debian package installing to /opt/scoredesk with a launcher, a desktop entry and the icon."""
    root = staging / "deb"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(folder, root / "opt" / SLUG, symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    # A relative link: the program then names itself as typed ("scoredesk: ..."), and it works in an extracted tree.
    (root / "usr" / "bin" / SLUG).symlink_to(Path("..", "..", "opt", SLUG, NAME))
    applications = root / "usr" / "share" / "applications"
    applications.mkdir(parents=True)
    (applications / f"{SLUG}.desktop").write_text(
        "[Desktop Entry]\nType=Application\nName=ScoreDesk\n"
        "Comment=Score customer files offline with the bundled model\n"
        f"Exec=/opt/{SLUG}/{NAME} %f\nIcon={SLUG}\nTerminal=false\nCategories=Office;Finance;\n"
        "MimeType=text/csv;\n",
        encoding="utf-8",
    )
    icons = root / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps"
    icons.mkdir(parents=True)
    shutil.copy2(ROOT / "resources" / "icons" / "scoredesk.png", icons / f"{SLUG}.png")
    size_kb = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
    control = root / "DEBIAN" / "control"
    control.parent.mkdir()
    control.write_text(
        f"Package: {SLUG}\nVersion: {app_version}+model{model_version}\n"
        f"Architecture: {DEB_ARCH.get(platform.machine(), platform.machine())}\n"
        "Maintainer: ScoreDesk team <scoredesk@localhost>\n"
        f"Installed-Size: {size_kb}\nDepends: {deb_depends(folder)}\nSection: misc\nPriority: optional\n"
        f"Description: Offline scoring of customer files with an embedded model\n"
        f" ScoreDesk {app_version} with the model {model_version}: scores CSV files with ONNX Runtime,\n"
        " checks them against the training data and shows the model's quality and decisions.\n",
        encoding="utf-8",
    )
    target = out / f"{artifact_stem(app_version, model_version)}.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", str(root), str(target)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return target


def write_checksums(files: list[Path], out: Path) -> Path:
    """SHA256SUMS in the format `sha256sum -c` reads."""
    lines = [f"{sha256_file(path)}  {path.name}\n" for path in files]
    target = out / "SHA256SUMS"
    target.write_text("".join(lines), encoding="utf-8")
    return target


def trust_keys(folder: Path, keys: list[Path]) -> list[str]:
    """Put the release engineer's public keys into the build's resources/keys; returns their ids.

    This is the only way a frozen program comes to trust a key: nothing it reads at run time adds one.
    """
    from app.core.signing import SignatureError, key_id, read_public_key

    target = folder / "_internal" / "resources" / "keys"
    target.mkdir(parents=True, exist_ok=True)
    ids = []
    for key in keys:
        try:
            public = read_public_key(key.read_text(encoding="ascii"), key)
        except (OSError, UnicodeDecodeError, SignatureError) as error:
            raise SystemExit(f"error: --trust-key {key}: {error}") from None
        ids.append(key_id(public))
        shutil.copyfile(key, target / f"scoredesk-{ids[-1]}.pub")
    return ids


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "release", help="where the artifacts go")
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build", help="PyInstaller's work and dist folders")
    parser.add_argument("--skip-build", action="store_true", help="package the existing build")
    parser.add_argument(
        "--trust-key",
        type=Path,
        action="append",
        default=[],
        metavar="FILE.pub",
        help="a public key the program will trust for signed model packages (repeatable)",
    )
    args = parser.parse_args(argv)
    dist, work = args.build_dir / "dist", args.build_dir / "work"
    folder = dist / NAME if args.skip_build else build(dist, work)
    for trusted in trust_keys(folder, args.trust_key):
        print(f"trusts model packages signed by key {trusted}")
    self_test(folder)
    args.out.mkdir(parents=True, exist_ok=True)
    app_version, model_version = versions()
    artifacts = [make_tarball(folder, args.out, artifact_stem(app_version, model_version))]
    if sys.platform.startswith("linux") and shutil.which("dpkg-deb"):
        artifacts.append(make_deb(folder, args.out, args.build_dir, app_version, model_version))
    sums = write_checksums(artifacts, args.out)
    for path in [*artifacts, sums]:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
