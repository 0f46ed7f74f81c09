"""Signed model packages: key files, the trusted keys, versions safe as folder names, and a package read back."""

from __future__ import annotations

import base64
import zipfile
from pathlib import Path

import pytest

from app.core.paths import bundle_dir, keys_dir
from app.core.signing import (
    MANIFEST,
    PACKAGE_FILES,
    SIGNATURE,
    SignatureError,
    TrustedKeys,
    generate_key,
    is_plain_version,
    key_id,
    private_key_text,
    public_key_text,
    public_of,
    read_package,
    read_private_key,
    read_public_key,
)
from model_build.packaging import package


@pytest.fixture(scope="module")
def pair() -> tuple[bytes, bytes]:
    return generate_key()


def _trusting(*publics: bytes, revoked: frozenset[str] = frozenset()) -> TrustedKeys:
    return TrustedKeys({key_id(public): public for public in publics}, revoked)


@pytest.fixture(scope="module")
def signed(pair: tuple[bytes, bytes], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped bundle as a signed package."""
    return package(bundle_dir(), pair[0], tmp_path_factory.mktemp("dist"))


def test_key_files_round_trip(pair: tuple[bytes, bytes]) -> None:
    seed, public = pair
    assert public_of(seed) == public
    assert read_public_key(public_key_text(public), "k.pub") == public
    assert read_private_key(private_key_text(seed), "k.key") == seed
    assert public_key_text(public).endswith("\n")
    assert len(key_id(public)) == 16
    assert key_id(public) == key_id(bytes(public))
    assert key_id(public) != key_id(seed)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "k.pub: not an ed25519-public key file"),
        ("ed25519-private AAAA", "k.pub: not an ed25519-public key file"),
        ("ed25519-public a b", "k.pub: not an ed25519-public key file"),
        ("ed25519-public not*base64", "k.pub: the key is not valid base64"),
        ("ed25519-public " + base64.b64encode(b"x" * 31).decode(), "k.pub: an Ed25519 key has 32 bytes, this one 31"),
    ],
)
def test_a_key_file_that_is_not_one_is_refused(text: str, message: str) -> None:
    with pytest.raises(SignatureError) as caught:
        read_public_key(text, "k.pub")
    assert str(caught.value).startswith(message)


def test_the_programs_trusted_keys_read(tmp_path: Path, pair: tuple[bytes, bytes]) -> None:
    shipped = TrustedKeys.from_folder(keys_dir())
    assert shipped.revoked == frozenset()  # REVOKED ships with its comment only
    assert shipped.active_ids == sorted(shipped.keys)
    folder = tmp_path / "keys"
    folder.mkdir()
    (folder / "good.pub").write_text(public_key_text(pair[1]), encoding="ascii")
    (folder / "broken.pub").write_text("ed25519-public nope\n", encoding="ascii")
    (folder / "binary.pub").write_bytes(b"\xff\xfe")
    (folder / "good.key").write_text(private_key_text(pair[0]), encoding="ascii")  # not a .pub: ignored
    trusted = TrustedKeys.from_folder(folder)
    assert trusted.active_ids == [key_id(pair[1])]
    (folder / "REVOKED").write_text(f"# revoked keys\n{key_id(pair[1])}  # leaked\n\n", encoding="utf-8")
    trusted = TrustedKeys.from_folder(folder)
    assert trusted.revoked == {key_id(pair[1])}
    assert trusted.active_ids == []
    assert TrustedKeys.from_folder(tmp_path / "absent").active_ids == []


@pytest.mark.parametrize("version", ["1", "1.0.0", "2.0.0-rc1", "2026-12-08", "a" * 64])
def test_plain_versions(version: str) -> None:
    assert is_plain_version(version)


@pytest.mark.parametrize(
    "version", ["", "1..0", ".1", "1.", "../1", "1/2", "1 0", "a" * 65, "1" + ".1" * 16, None, 1, "1.0\n", "é"]
)
def test_versions_unsafe_as_a_folder_name(version: object) -> None:
    assert not is_plain_version(version)


def test_a_package_reads_back_the_bundles_files(signed: Path, pair: tuple[bytes, bytes]) -> None:
    read = read_package(signed, _trusting(pair[1]))
    assert set(read.files) == set(PACKAGE_FILES)
    for name in PACKAGE_FILES:
        assert read.files[name] == (bundle_dir() / name).read_bytes()
    assert read.key == key_id(pair[1])
    assert (read.name, read.version) == ("telco_churn", "1.0.0")
    assert len(read.signature) == 64


def test_a_package_signed_by_a_key_not_trusted_or_revoked_is_refused(signed: Path, pair: tuple[bytes, bytes]) -> None:
    other = generate_key()[1]
    with pytest.raises(SignatureError, match="which this program does not trust"):
        read_package(signed, _trusting(other))
    with pytest.raises(SignatureError, match="which has been revoked"):
        read_package(signed, _trusting(pair[1], revoked=frozenset({key_id(pair[1])})))


def test_a_changed_file_or_manifest_is_refused(signed: Path, pair: tuple[bytes, bytes], tmp_path: Path) -> None:
    def rewritten(name: str, change: bytes) -> Path:
        target = tmp_path / f"changed-{name}.sdmodel"
        with zipfile.ZipFile(signed) as source, zipfile.ZipFile(target, "w") as out:
            for info in source.infolist():
                data = source.read(info)
                out.writestr(info.filename, data + change if info.filename == name else data)
        return target

    trusted = _trusting(pair[1])
    with pytest.raises(SignatureError, match=r"model\.onnx does not match its sha256 in the manifest"):
        read_package(rewritten("model.onnx", b"\0"), trusted)
    with pytest.raises(SignatureError, match="the signature does not match the manifest"):
        read_package(rewritten(MANIFEST, b" "), trusted)
    with pytest.raises(SignatureError, match=f"{SIGNATURE} has 65 bytes"):
        read_package(rewritten(SIGNATURE, b"\0"), trusted)


def test_what_is_no_package_is_refused_by_name(tmp_path: Path, pair: tuple[bytes, bytes]) -> None:
    trusted = _trusting(pair[1])
    with pytest.raises(SignatureError, match="no such file"):
        read_package(tmp_path / "absent.sdmodel", trusted)
    with pytest.raises(SignatureError, match="is a folder, not a model package file"):
        read_package(tmp_path, trusted)
    (tmp_path / "text.sdmodel").write_text("hello", encoding="utf-8")
    with pytest.raises(SignatureError, match="not a model package"):
        read_package(tmp_path / "text.sdmodel", trusted)
    with zipfile.ZipFile(tmp_path / "empty.sdmodel", "w"):
        pass
    with pytest.raises(SignatureError, match="not a signed model package"):
        read_package(tmp_path / "empty.sdmodel", trusted)
