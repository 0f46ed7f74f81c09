"""Signed model packages (.sdmodel): a zip of the bundle's files, a manifest of their sha256, and an Ed25519
signature over the manifest, made and checked with PyNaCl (libsodium). No cryptography is written here.

Keys are files of one line: ``ed25519-public <base64>`` and ``ed25519-private <base64 seed>``. A key's id is the
first 16 hex digits of the sha256 of its public bytes. Which keys are trusted is fixed by the program
(``resources/keys/*.pub``, less the ids in ``resources/keys/REVOKED``); nothing read at run time adds one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import re
import stat
import zipfile
import zlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.i18n import N_, Figure, LocalizedError, Message

__all__ = [
    "FORMAT_VERSION",
    "MANIFEST",
    "PACKAGE_FILES",
    "SIGNATURE",
    "Package",
    "SignatureError",
    "TrustedKeys",
    "is_plain_version",
    "key_id",
    "read_package",
]

MANIFEST, SIGNATURE = "manifest.json", "manifest.sig"
PACKAGE_FILES = ("model.onnx", "model_card.json", "MODEL_CARD.md")
FORMAT_VERSION = 1
SIGNATURE_BYTES = 64
# What a package may hold, checked against each member's declared size before anything is inflated: far above
# any model this program builds (a 4 kB logistic regression, a few MB of boosted trees), far below a zip bomb.
MAX_MEMBERS = 16
MAX_MEMBER_BYTES = {
    MANIFEST: 1 << 20,
    SIGNATURE: SIGNATURE_BYTES,
    "model.onnx": 256 << 20,
    "model_card.json": 64 << 20,
    "MODEL_CARD.md": 4 << 20,
}
MAX_TOTAL_BYTES = 320 << 20
_PLAIN_VERSION = re.compile(r"[0-9A-Za-z]+(?:[.-][0-9A-Za-z]+){0,15}")
_PUBLIC, _PRIVATE = "ed25519-public", "ed25519-private"


class SignatureError(LocalizedError, ValueError):
    """A package or key that cannot be trusted; the message says why, in one line."""


def key_id(public: bytes) -> str:
    """A key's short, stable name."""
    return hashlib.sha256(public).hexdigest()[:16]


def _key_bytes(text: str, kind: str, where: object) -> bytes:
    parts = text.split()
    if len(parts) != 2 or parts[0] != kind:
        raise SignatureError(
            Message.of(
                N_("{where}: not an {kind} key file (expected one line '{kind} <base64>')"), where=where, kind=kind
            )
        )
    try:
        raw = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError(Message.of(N_("{where}: the key is not valid base64"), where=where)) from None
    if len(raw) != 32:
        raise SignatureError(
            Message.of(N_("{where}: an Ed25519 key has 32 bytes, this one {count}"), where=where, count=len(raw))
        )
    return raw


def public_key_text(public: bytes) -> str:
    """The public key file's content."""
    return f"{_PUBLIC} {base64.b64encode(public).decode('ascii')}\n"


def private_key_text(seed: bytes) -> str:
    """The private key file's content."""
    return f"{_PRIVATE} {base64.b64encode(seed).decode('ascii')}\n"


def read_public_key(text: str, where: object) -> bytes:
    """The 32 bytes of a public key file."""
    return _key_bytes(text, _PUBLIC, where)


def read_private_key(text: str, where: object) -> bytes:
    """The 32-byte seed of a private key file."""
    return _key_bytes(text, _PRIVATE, where)


@dataclass(frozen=True)
class TrustedKeys:
    """The public keys a program trusts, by id, and the ids it has revoked."""

    keys: Mapping[str, bytes]
    revoked: frozenset[str] = frozenset()

    @classmethod
    def from_folder(cls, folder: Path) -> TrustedKeys:
        """Every ``*.pub`` in ``folder`` (a key that cannot be read is left out), and ``REVOKED``'s ids."""
        keys: dict[str, bytes] = {}
        for path in sorted(Path(folder).glob("*.pub")) if Path(folder).is_dir() else []:
            try:
                public = read_public_key(path.read_text(encoding="ascii"), path)
            except (SignatureError, OSError, UnicodeDecodeError):
                continue
            keys[key_id(public)] = public
        revoked_file = Path(folder) / "REVOKED"
        revoked = set()
        if revoked_file.is_file():
            for line in revoked_file.read_text(encoding="utf-8").splitlines():
                if line.split("#", 1)[0].strip():
                    revoked.add(line.split("#", 1)[0].strip())
        return cls(keys, frozenset(revoked))

    @property
    def active_ids(self) -> list[str]:
        """The ids of the keys that are trusted now."""
        return sorted(k for k in self.keys if k not in self.revoked)


@dataclass(frozen=True)
class Package:
    """A package whose signature and files have been checked; ``files`` are its bytes by name."""

    manifest: Mapping[str, Any]
    files: Mapping[str, bytes]
    manifest_bytes: bytes = b""  # as signed, kept to store beside the files
    signature: bytes = b""

    @property
    def name(self) -> str:
        """The model's name."""
        return str(self.manifest["model"]["name"])

    @property
    def version(self) -> str:
        """The model's version."""
        return str(self.manifest["model"]["version"])

    @property
    def key(self) -> str:
        """The id of the key that signed it."""
        return str(self.manifest["key_id"])


def is_plain_version(version: object) -> bool:
    """A version that is safe as a folder name: letters and digits in parts joined by dots or dashes."""
    return isinstance(version, str) and len(version) <= 64 and _PLAIN_VERSION.fullmatch(version) is not None


def verify_manifest(manifest_bytes: bytes, signature: bytes, trusted: TrustedKeys, where: object) -> dict[str, Any]:
    """The manifest, once its signature checks out against a trusted, unrevoked key and it names the model."""
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey

    try:
        manifest = json.loads(manifest_bytes.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SignatureError(Message.of(N_("{where}: the manifest is not valid JSON"), where=where)) from None
    except RecursionError:
        raise SignatureError(Message.of(N_("{where}: the manifest is nested too deeply"), where=where)) from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise SignatureError(Message.of(N_("{where}: the manifest lists no files"), where=where))
    if len(signature) != SIGNATURE_BYTES:
        raise SignatureError(
            Message.of(
                N_("{where}: {name} has {count} bytes; an Ed25519 signature has {expected}"),
                where=where,
                name=SIGNATURE,
                count=len(signature),
                expected=SIGNATURE_BYTES,
            )
        )
    signer = str(manifest.get("key_id", ""))
    if signer in trusted.revoked:
        raise SignatureError(
            Message.of(N_("{where}: signed with key {signer}, which has been revoked"), where=where, signer=signer)
        )
    public = trusted.keys.get(signer)
    if public is None:
        known = ", ".join(trusted.active_ids) or "none"
        raise SignatureError(
            Message.of(
                N_("{where}: signed with key {signer}, which this program does not trust (trusted: {known})"),
                where=where,
                signer=signer or "(none)",
                known=known,
            )
        )
    try:
        VerifyKey(public).verify(manifest_bytes, signature)
    except BadSignatureError:
        raise SignatureError(
            Message.of(N_("{where}: the signature does not match the manifest (altered after signing)"), where=where)
        ) from None
    _check_shape(manifest, where)
    return manifest


def _check_shape(manifest: Mapping[str, Any], where: object) -> None:
    """A signed manifest still has to name the model, and its version is used as a folder name."""
    model = manifest.get("model")
    if not isinstance(model, dict) or not isinstance(model.get("name"), str) or not model["name"]:
        raise SignatureError(
            Message.of(N_("{where}: the manifest does not name the model (model.name and model.version)"), where=where)
        )
    if not is_plain_version(model.get("version")):
        raise SignatureError(
            Message.of(
                N_(
                    "{where}: the manifest's version {version} is not a plain version (letters and digits joined by"
                    " dots or dashes)"
                ),
                where=where,
                version=repr(model.get("version"))[:80],
            )
        )
    if not all(isinstance(digest, str) for digest in manifest["files"].values()):
        raise SignatureError(Message.of(N_("{where}: the manifest lists a file without its sha256"), where=where))


def check_names(manifest: Mapping[str, Any], names: Collection[str], where: object) -> None:
    """The files the manifest lists are the ones there, and they are the package's files."""
    listed = dict(manifest["files"])
    missing = sorted(set(listed) - set(names))
    extra = sorted(set(names) - set(listed))
    if missing:
        raise SignatureError(
            Message.of(N_("{where}: {missing} is listed in the manifest but missing"), where=where, missing=missing[0])
        )
    if extra:
        raise SignatureError(
            Message.of(N_("{where}: {extra} is not listed in the manifest"), where=where, extra=extra[0])
        )
    if set(listed) != set(PACKAGE_FILES):
        raise SignatureError(
            Message.of(
                N_("{where}: the manifest must list exactly {names}"), where=where, names=", ".join(PACKAGE_FILES)
            )
        )


def check_files(manifest: Mapping[str, Any], files: Mapping[str, bytes], where: object) -> None:
    """Every file the manifest lists is there with its sha256, and no other file is."""
    check_names(manifest, list(files), where)
    for name, expected in manifest["files"].items():
        if hashlib.sha256(files[name]).hexdigest() != expected:
            raise SignatureError(
                Message.of(
                    N_("{where}: {name} does not match its sha256 in the manifest (altered)"), where=where, name=name
                )
            )


def _require_regular(path: Path) -> None:
    """Only a regular file is opened: a device or a FIFO could be read forever."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise SignatureError(Message.of(N_("{path}: no such file"), path=path)) from None
    except OSError as error:
        raise SignatureError(
            Message.of(N_("{path}: cannot be read ({reason})"), path=path, reason=error.strerror)
        ) from None
    if not stat.S_ISREG(mode):
        raise SignatureError(Message.of(N_("{path}: is {kind}, not a model package file"), path=path, kind=_kind(mode)))


def _kind(mode: int) -> Message:
    """What a path that is not a regular file is (fileio says the same; this layer may not import it)."""
    for test, name in (
        (stat.S_ISDIR, N_("a folder")),
        (stat.S_ISCHR, N_("a character device")),
        (stat.S_ISBLK, N_("a block device")),
        (stat.S_ISFIFO, N_("a FIFO (named pipe)")),
        (stat.S_ISSOCK, N_("a socket")),
    ):
        if test(mode):
            return Message.of(name)
    return Message.of(N_("not a regular file"))


def _members(archive: zipfile.ZipFile, path: Path) -> dict[str, zipfile.ZipInfo]:
    """The archive's files by name, refused when there are too many, a name twice, or more than the limits."""
    infos = [info for info in archive.infolist() if not info.is_dir()]
    if len(infos) > MAX_MEMBERS:
        raise SignatureError(
            Message.of(
                N_("{path}: holds {count} files; a model package holds {expected}"),
                path=path,
                count=len(infos),
                expected=len(PACKAGE_FILES) + 2,
            )
        )
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        if info.filename in members:
            raise SignatureError(Message.of(N_("{path}: holds {name} twice"), path=path, name=info.filename))
        members[info.filename] = info
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_BYTES:
        raise SignatureError(
            Message.of(
                N_("{path}: inflates to {size} MB, more than the {limit} MB a model package may hold"),
                path=path,
                size=_megabytes(total),
                limit=_megabytes(MAX_TOTAL_BYTES),
            )
        )
    return members


def _megabytes(size: int) -> Figure:
    return Figure(size / 2**20, 1)


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> bytes:
    """One member's bytes, refused before inflating when its declared size is beyond its limit."""
    limit = MAX_MEMBER_BYTES.get(info.filename, 0)
    if info.file_size > limit:
        raise SignatureError(
            Message.of(
                N_("{path}: {name} inflates to {size} MB, more than the {limit} MB a package's {name} may hold"),
                path=path,
                name=info.filename,
                size=_megabytes(info.file_size),
                limit=_megabytes(limit),
            )
        )
    with archive.open(info) as member:
        return member.read(limit + 1)  # zipfile stops at the declared size; the bound is a second guard


def read_package(path: Path, trusted: TrustedKeys) -> Package:
    """Open a .sdmodel file and check its signature, then every file's hash, inflating nothing it need not."""
    path = Path(path)
    _require_regular(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = _members(archive, path)
            if MANIFEST not in members or SIGNATURE not in members:
                raise SignatureError(
                    Message.of(
                        N_("{path}: not a signed model package (no {MANIFEST} or {SIGNATURE})"),
                        path=path,
                        MANIFEST=MANIFEST,
                        SIGNATURE=SIGNATURE,
                    )
                )
            manifest_bytes = _inflate(archive, members.pop(MANIFEST), path)
            signature = members.pop(SIGNATURE)
            if signature.file_size != SIGNATURE_BYTES:  # said before a key is looked up: it is the file's fault
                raise SignatureError(
                    Message.of(
                        N_("{where}: {name} has {count} bytes; an Ed25519 signature has {expected}"),
                        where=path,
                        name=SIGNATURE,
                        count=signature.file_size,
                        expected=SIGNATURE_BYTES,
                    )
                )
            signature_bytes = _inflate(archive, signature, path)
            manifest = verify_manifest(manifest_bytes, signature_bytes, trusted, path)
            check_names(manifest, list(members), path)
            contents = {name: _inflate(archive, members[name], path) for name in manifest["files"]}
    except SignatureError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError) as error:
        # a damaged or crafted archive: zipfile and zlib say what is wrong in their own words
        raise SignatureError(Message.of(N_("{path}: not a model package ({error})"), path=path, error=error)) from None
    check_files(manifest, contents, path)
    return Package(manifest, contents, manifest_bytes, signature_bytes)


def sign_manifest(manifest: Mapping[str, Any], seed: bytes) -> tuple[bytes, bytes]:
    """The manifest's bytes and their detached signature."""
    from nacl.signing import SigningKey

    data = json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8")
    return data, SigningKey(seed).sign(data).signature


def write_package(files: Mapping[str, bytes], manifest: Mapping[str, Any], seed: bytes) -> bytes:
    """A .sdmodel file's bytes: the files, the manifest and its signature."""
    data, signature = sign_manifest(manifest, seed)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, data)
        archive.writestr(SIGNATURE, signature)
        for name in PACKAGE_FILES:
            archive.writestr(name, files[name])
    return buffer.getvalue()


def generate_key() -> tuple[bytes, bytes]:
    """A new key pair: (seed, public)."""
    from nacl.signing import SigningKey

    key = SigningKey.generate()
    return bytes(key), bytes(key.verify_key)


def public_of(seed: bytes) -> bytes:
    """The public key of a private seed."""
    from nacl.signing import SigningKey

    return bytes(SigningKey(seed).verify_key)
