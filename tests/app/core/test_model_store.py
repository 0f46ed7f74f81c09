"""The installed models of a user: install, the active pointer, use, rollback, and falling back to the shipped one."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.bundle import CARD_FILE
from app.core.model_store import InstallRefused, ModelStore, NotNewer, version_key
from app.core.paths import bundle_dir
from app.core.signing import SignatureError, TrustedKeys, generate_key, key_id
from model_build.packaging import package
from tests.app.core.test_signed_models import _bundle

SEED, PUBLIC = generate_key()


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The shipped model as versions 1.0.1 and 1.0.2, signed, and the shipped 1.0.0 itself."""
    folder = tmp_path_factory.mktemp("packages")
    made = {v: package(_bundle(folder / v, v), SEED, folder / "dist") for v in ("1.0.1", "1.0.2")}
    made["1.0.0"] = package(bundle_dir(), SEED, folder / "dist")
    return made


@pytest.fixture
def store(tmp_path: Path) -> ModelStore:
    return ModelStore(root=tmp_path / "models", trusted=TrustedKeys({key_id(PUBLIC): PUBLIC}))


@pytest.mark.parametrize(
    ("older", "newer"),
    [("1.9.2", "1.10.0"), ("1.0.0", "1.0.1"), ("1.0", "1.0.0"), ("1.0.0", "2"), ("1.0.9", "1.0.10"), ("1.a", "1.b")],
)
def test_versions_compare_part_by_part_numbers_as_numbers(older: str, newer: str) -> None:
    assert version_key(older) < version_key(newer)
    assert version_key("1-2") == version_key("1.2")


def test_the_shipped_model_runs_when_nothing_is_installed(store: ModelStore) -> None:
    active = store.active()
    assert active.installed is None
    assert active.bundle.origin == "shipped"
    assert active.problem == ""
    assert store.versions() == []
    assert store.active_version is None


def test_an_installed_version_becomes_active_and_verifies(store: ModelStore, packages: dict[str, Path]) -> None:
    installed = store.install(packages["1.0.1"])
    assert installed.version == "1.0.1"
    assert store.versions() == ["1.0.1"]
    assert store.active_version == "1.0.1"
    assert store.newest_installed("telco_churn") == "1.0.1"
    active = store.active()
    assert (active.installed, active.key) == ("1.0.1", key_id(PUBLIC))
    assert active.bundle.origin == "installed"
    assert active.bundle.card.version == "1.0.1"
    assert store.verify("1.0.1").version == "1.0.1"


def test_what_is_not_newer_is_refused_unless_chosen(store: ModelStore, packages: dict[str, Path]) -> None:
    with pytest.raises(NotNewer, match="not newer than the active 1.0.0") as caught:
        store.install(packages["1.0.0"])
    assert caught.value.hint is not None
    assert store.versions() == []  # a refusal changes nothing
    store.install(packages["1.0.2"])
    with pytest.raises(NotNewer, match="1.0.1 is not newer than the active 1.0.2"):
        store.install(packages["1.0.1"])
    store.install(packages["1.0.1"], allow_downgrade=True)
    assert store.active_version == "1.0.1"
    assert store.active().problem.startswith("the installed telco_churn 1.0.1 runs, older than 1.0.2 installed before")


def test_use_and_rollback_walk_the_history(store: ModelStore, packages: dict[str, Path]) -> None:
    store.install(packages["1.0.1"])
    store.install(packages["1.0.2"])
    with pytest.raises(NotNewer, match="1.0.1 is older than 1.0.2 installed before"):
        store.use("1.0.1")
    store.use("1.0.1", allow_downgrade=True)
    assert store.active_version == "1.0.1"
    assert store.rollback() == "1.0.2"
    assert store.rollback() == "1.0.1"
    assert store.rollback() is None  # back to the shipped model
    assert store.active_version is None
    with pytest.raises(InstallRefused, match="nothing to roll back to"):
        store.rollback()
    with pytest.raises(InstallRefused):
        store.use("9.9.9")


def test_an_installed_version_changed_on_disk_falls_back_to_the_shipped_one(
    store: ModelStore, packages: dict[str, Path]
) -> None:
    store.install(packages["1.0.1"])
    card = store.root / "1.0.1" / CARD_FILE
    card.write_bytes(card.read_bytes().replace(b'"1.0.1"', b'"1.0.9"', 1))
    with pytest.raises(SignatureError, match="does not match its sha256"):
        store.verify("1.0.1")
    active = store.active()
    assert active.installed is None
    assert active.bundle.origin == "shipped"
    assert "using the shipped model telco_churn 1.0.0 instead" in active.problem


def test_a_damaged_pointer_falls_back_to_the_shipped_one(store: ModelStore, packages: dict[str, Path]) -> None:
    store.install(packages["1.0.1"])
    (store.root / "active.json").write_text('{"version": "../../etc"}', encoding="utf-8")
    active = store.active()
    assert active.bundle.origin == "shipped"
    assert "active.json names '../../etc', which is not an installed version" in active.problem


def test_a_package_from_a_key_not_trusted_is_refused(tmp_path: Path, packages: dict[str, Path]) -> None:
    stranger = ModelStore(root=tmp_path / "models", trusted=TrustedKeys({}))
    with pytest.raises(SignatureError, match="does not trust"):
        stranger.install(packages["1.0.1"])
    assert stranger.versions() == []
