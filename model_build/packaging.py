"""`python -m model_build keygen|package`: signing keys, and a gated bundle turned into one signed .sdmodel file.

The private key comes from ``--key FILE`` or, for CI, from the environment variable ``SCOREDESK_SIGNING_KEY``
(the key file's one line). It is never written into the repository.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

from app import __version__
from app.core.bundle import BundleError, load_bundle
from app.core.card import SCHEMA_VERSION
from app.core.fileio import atomic_write_bytes
from app.core.signing import (
    FORMAT_VERSION,
    PACKAGE_FILES,
    SignatureError,
    generate_key,
    key_id,
    private_key_text,
    public_key_text,
    public_of,
    read_private_key,
    write_package,
)
from model_build.exit_codes import EXIT_BUNDLE, EXIT_OK, EXIT_USAGE
from model_build.paths import default_out_dir

__all__ = ["KEY_VARIABLE", "keygen", "main", "package"]

KEY_VARIABLE = "SCOREDESK_SIGNING_KEY"


def keygen(folder: Path) -> tuple[Path, Path]:
    """Write a new key pair into ``folder``: ``scoredesk-<id>.key`` (mode 0600) and ``scoredesk-<id>.pub``."""
    seed, public = generate_key()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"scoredesk-{key_id(public)}"
    private_path, public_path = folder / f"{name}.key", folder / f"{name}.pub"
    descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never readable by others
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(private_key_text(seed))
    public_path.write_text(public_key_text(public), encoding="ascii")
    return private_path, public_path


def package(bundle_dir: Path, seed: bytes, out_dir: Path) -> Path:
    """Verify the bundle, then write ``<name>-<version>.sdmodel`` into ``out_dir``; returns its path."""
    bundle = load_bundle(bundle_dir)
    files = {name: (bundle_dir / name).read_bytes() for name in PACKAGE_FILES}
    raw = bundle.card.raw
    if raw.get("gates_passed") is not True:
        raise BundleError(f"{bundle_dir}: the bundle did not pass its gates; only a gated model may be shipped")
    provenance = raw.get("provenance", {})
    manifest = {
        "format": FORMAT_VERSION,
        "model": {"name": bundle.card.name, "version": bundle.card.version},
        "card_schema": SCHEMA_VERSION,
        "min_app_version": __version__,
        "code_version": provenance.get("code_version"),
        "data_sha256": provenance.get("data_sha256"),
        "key_id": key_id(public_of(seed)),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
    }
    target = out_dir / f"{bundle.card.name}-{bundle.card.version}.sdmodel"
    atomic_write_bytes(target, write_package(files, manifest, seed))
    return target


def _seed(key: Path | None) -> bytes:
    if key is not None:
        try:
            return read_private_key(key.read_text(encoding="ascii"), key)
        except (OSError, UnicodeDecodeError) as error:
            raise SignatureError(f"{key}: cannot be read ({error})") from None
    text = os.environ.get(KEY_VARIABLE)
    if not text:
        raise SignatureError(f"no signing key: give --key FILE or set {KEY_VARIABLE} to the key file's line")
    return read_private_key(text, KEY_VARIABLE)


def main(argv: list[str]) -> int:
    """``keygen`` and ``package``; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m model_build", description="Signing keys and model packages.")
    commands = parser.add_subparsers(dest="command", required=True)
    keys = commands.add_parser("keygen", help="write a new Ed25519 key pair")
    keys.add_argument("--out", type=Path, required=True, metavar="DIR")
    pack = commands.add_parser("package", help="sign a gated bundle into one .sdmodel file")
    pack.add_argument("--key", type=Path, default=None, metavar="FILE", help=f"private key (or set {KEY_VARIABLE})")
    pack.add_argument(
        "--bundle", type=Path, default=None, metavar="DIR", help="bundle folder (default: resources/model)"
    )
    pack.add_argument("--out", type=Path, default=Path("dist"), metavar="DIR", help="where the .sdmodel goes (dist)")
    args = parser.parse_args(argv)
    try:
        if args.command == "keygen":
            private_path, public_path = keygen(args.out)
            print(f"private key {private_path} (mode 0600: keep it secret, never commit it)")
            print(f"public key  {public_path} (put it in resources/keys/, or pass it to release.py --trust-key)")
            return EXIT_OK
        target = package(args.bundle or default_out_dir(), _seed(args.key), args.out)
    except FileExistsError as error:
        print(f"error: {error.filename}: already exists", file=sys.stderr)
        return EXIT_USAGE
    except SignatureError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BundleError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BUNDLE
    print(f"signed {target}")
    return EXIT_OK
