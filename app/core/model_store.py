"""Installed model bundles: verified .sdmodel packages unpacked in the user data folder, one folder per version,
and a pointer file naming the active one.

An install unpacks into a hidden folder, syncs it, renames it into place, and only then replaces the pointer
(atomically): a crash at any moment leaves the old model or the new one active, never half of one. Every load
checks the signature and the hashes again, so a bundle altered on disk, or signed by a key since revoked, is
refused and the shipped bundle used instead.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import __version__
from app.core.bundle import Bundle, BundleError, load_bundle, read_card
from app.core.card import SCHEMA_VERSION
from app.core.fileio import atomic_write_text
from app.core.i18n import N_, LocalizedError, Message
from app.core.paths import bundle_dir, keys_dir, user_data_dir
from app.core.signing import (
    MANIFEST,
    SIGNATURE,
    Package,
    SignatureError,
    TrustedKeys,
    check_files,
    read_package,
    verify_manifest,
)

__all__ = ["ActiveModel", "InstallRefused", "ModelStore", "version_key"]

POINTER = "active.json"


class InstallRefused(LocalizedError, ValueError):
    """A package that is genuine but may not be installed (version, app, schema or model name)."""


class UnreadableInstall(SignatureError):
    """An installed version's files cannot be read, so its signature cannot be checked."""


def version_key(version: str) -> tuple[Any, ...]:
    """Versions compared part by part, numbers as numbers: 1.10.0 is above 1.9.2."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in version.replace("-", ".").split("."))


@dataclass(frozen=True)
class ActiveModel:
    """The bundle the app runs with, where it came from, and why the shipped one is used when it is."""

    bundle: Bundle
    installed: str | None = None  # the installed version, None for the shipped bundle
    key: str | None = None  # the id of the key that signed it
    problem: str = ""  # why an installed model could not be used (the shipped one is used instead), in English
    problem_note: Message | None = None  # the same, to show in any language

    def shown_problem(self) -> str:
        """Why an installed model could not be used, in the current language ("" when it could)."""
        return self.problem_note.text() if self.problem_note is not None else self.problem


@dataclass
class ModelStore:
    """The installed models of this user."""

    root: Path = field(default_factory=lambda: user_data_dir() / "models")
    trusted: TrustedKeys = field(default_factory=lambda: TrustedKeys.from_folder(keys_dir()))

    # ---- the pointer ------------------------------------------------------------------------
    def _pointer(self) -> dict[str, Any]:
        try:
            data = json.loads((self.root / POINTER).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    @property
    def active_version(self) -> str | None:
        """The installed version in use, or None for the shipped bundle."""
        version = self._pointer().get("version")
        return str(version) if version else None

    def _point_to(self, version: str | None, history: list[str]) -> None:
        atomic_write_text(self.root / POINTER, json.dumps({"version": version, "previous": history}) + "\n")

    def _switch_to(self, version: str) -> None:
        """Make ``version`` active, remembering the one it replaces for a rollback."""
        current, history = self.active_version, list(self._pointer().get("previous", []))
        self._point_to(version, [*history, current] if current else history)

    # ---- reading installed bundles -----------------------------------------------------------
    def versions(self) -> list[str]:
        """Installed versions, oldest first."""
        if not self.root.is_dir():
            return []
        found = [p.name for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(".")]
        return sorted(found, key=version_key)

    def verify(self, version: str) -> Package:
        """Check an installed version's signature and files again, as they are on disk now."""
        folder = self.root / version
        try:
            manifest_bytes, signature = (folder / MANIFEST).read_bytes(), (folder / SIGNATURE).read_bytes()
            files = {
                p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name not in (MANIFEST, SIGNATURE)
            }
        except OSError as error:
            raise UnreadableInstall(
                Message.of(
                    N_("installed model {version}: cannot be read ({reason})"), version=version, reason=error.strerror
                )
            ) from None
        where = f"installed model {version} ({folder})"
        manifest = verify_manifest(manifest_bytes, signature, self.trusted, where)
        check_files(manifest, files, where)
        return Package(manifest, files, manifest_bytes, signature)

    def active(self) -> ActiveModel:
        """The bundle to run with: the active installed one when it verifies, else the shipped one, saying why."""
        version = self.active_version
        if version is None:
            return ActiveModel(load_bundle(bundle_dir()))
        try:
            package = self.verify(version)
            bundle = dataclasses.replace(load_bundle(self.root / version), origin="installed", signed_by=package.key)
            return ActiveModel(bundle, installed=version, key=package.key)
        except (SignatureError, BundleError) as error:
            note = Message.of(N_("{error}; using the shipped model instead"), error=error)
            return ActiveModel(load_bundle(bundle_dir()), problem=note.english(), problem_note=note)

    # ---- changing what is active -------------------------------------------------------------
    def _record(self, action: str, model: dict[str, Any], outcome: str = "success", reason: str = "") -> None:
        from app.core.runlog import RunLog, model_event

        RunLog.default().append([model_event(action, model, outcome, reason)])

    def install(
        self,
        package_path: Path,
        *,
        allow_downgrade: bool = False,
        allow_other_model: bool = False,
        before_switch: Callable[[Bundle], None] | None = None,
    ) -> Package:
        """Verify a package, unpack it and make it active; refuse (changing nothing) what may not run here.

        ``before_switch`` sees the verified challenger before it becomes active (to show it against the champion).
        Every install and every refusal is an event in the run log.
        """
        try:
            package = read_package(package_path, self.trusted)
            self._admit(package, allow_downgrade, allow_other_model)
        except (SignatureError, InstallRefused) as error:
            self._record("model.refused", {"package": str(package_path)}, "failure", str(error))
            raise
        self.root.mkdir(parents=True, exist_ok=True)
        target = self.root / package.version
        if not target.is_dir():
            incoming = Path(tempfile.mkdtemp(prefix=".incoming-", dir=self.root))
            try:
                files = {**package.files, MANIFEST: package.manifest_bytes, SIGNATURE: package.signature}
                for name, data in files.items():
                    with open(incoming / name, "wb") as handle:
                        handle.write(data)
                        handle.flush()
                        os.fsync(handle.fileno())
                os.replace(incoming, target)
            finally:
                shutil.rmtree(incoming, ignore_errors=True)
        self.verify(package.version)  # what landed on disk is what was signed
        if before_switch is not None:
            before_switch(load_bundle(target))
        self._switch_to(package.version)
        self._record("model.installed", facts(package))
        return package

    def _admit(self, package: Package, allow_downgrade: bool, allow_other_model: bool) -> None:
        manifest = package.manifest
        if manifest.get("card_schema") != SCHEMA_VERSION:
            raise InstallRefused(
                Message.of(
                    N_("{name} {version}: card schema {schema}; this app reads schema {supported}"),
                    name=package.name,
                    version=package.version,
                    schema=repr(manifest.get("card_schema")),
                    supported=SCHEMA_VERSION,
                )
            )
        needed = str(manifest.get("min_app_version", "0"))
        if version_key(needed) > version_key(__version__):
            raise InstallRefused(
                Message.of(
                    N_("{name} {version} needs ScoreDesk {needed} or newer; this is {current}"),
                    name=package.name,
                    version=package.version,
                    needed=needed,
                    current=__version__,
                )
            )
        shipped = read_card(bundle_dir())  # its name and version: no need to start the model
        if package.name != shipped.name and not allow_other_model:
            raise InstallRefused(
                Message.of(
                    N_(
                        "{name} {version} is another model than this app's {shipped}; --allow-other-model installs"
                        " it anyway"
                    ),
                    name=package.name,
                    version=package.version,
                    shipped=repr(shipped.name),
                )
            )
        current = self.active_version or shipped.version
        if version_key(package.version) <= version_key(current) and not allow_downgrade:
            raise InstallRefused(
                Message.of(
                    N_("{name} {version} is not newer than the active {current}; --allow-downgrade installs it anyway"),
                    name=package.name,
                    version=package.version,
                    current=current,
                )
            )

    def use(self, version: str) -> None:
        """Make an installed version active (after verifying it)."""
        if version not in self.versions():
            installed = ", ".join(self.versions())
            raise InstallRefused(
                Message.of(
                    N_("version {version} is not installed (installed: {installed})"),
                    version=version,
                    installed=installed or Message.of(N_("none")),
                )
            )
        package = self.verify(version)
        self._switch_to(version)
        self._record("model.activated", facts(package))

    def rollback(self) -> str | None:
        """Go back to the version active before the last switch (None: the shipped bundle)."""
        history = list(self._pointer().get("previous", []))
        if self.active_version is None:
            raise InstallRefused(Message.of(N_("the shipped model is active; there is nothing to roll back to")))
        previous = history.pop() if history else None
        if previous is not None:
            self.verify(previous)
        left = self.active_version
        self._point_to(previous, history)
        self._record("model.rolled_back", {"version": previous, "from_version": left})
        return previous


def facts(package: Package) -> dict[str, Any]:
    """What the run log records of a model package."""
    return {
        "name": package.name,
        "version": package.version,
        "sha256": package.manifest["files"]["model.onnx"],
        "key_id": package.key,
    }
