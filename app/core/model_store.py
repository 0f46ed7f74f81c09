"""Installed model bundles: verified .sdmodel packages unpacked in the user data folder, one folder per version,
and a pointer file naming the active one.

An install unpacks into a hidden folder, syncs it, renames it into place, and only then replaces the pointer
(atomically): a crash at any moment leaves the old model or the new one active, never half of one. Every load
checks the signature and the hashes again, so a bundle altered on disk, or signed by a key since revoked, is
refused and the shipped bundle used instead.

Nothing is installed that does not load and predict its card's golden rows. The newer of the shipped and the
installed model runs; an older one only when the user chose it (``downgrade`` in the pointer), and then with a
warning. ``installed.json`` remembers the newest version of each model ever installed, so a rollback to the
shipped model does not open the door to an older signed package. Changes take a lock (``.lock``), one at a time.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import __version__
from app.core.bundle import MODEL_FILE, Bundle, BundleError, check_golden_rows, load_bundle, read_card
from app.core.card import SCHEMA_VERSION, ModelCard
from app.core.fileio import atomic_write_text
from app.core.i18n import N_, Figure, LocalizedError, Message, shown
from app.core.paths import bundle_dir, keys_dir, user_data_dir
from app.core.signing import (
    MANIFEST,
    MAX_MEMBER_BYTES,
    SIGNATURE,
    Package,
    SignatureError,
    TrustedKeys,
    check_files,
    is_plain_version,
    read_package,
    verify_manifest,
)

__all__ = ["ActiveModel", "InstallRefused", "ModelStore", "NotNewer", "version_key"]

POINTER = "active.json"
HIGH_WATER = "installed.json"  # the newest version of each model ever installed here: a rollback's floor
_LOCK = ".lock"
_INCOMING = ".incoming-"


class InstallRefused(LocalizedError, ValueError):
    """A package that is genuine but may not be installed (version, app, schema or model name).

    ``hint`` says how the command line overrides it (the window words its own)."""

    def __init__(self, message: str | Message = "", hint: Message | None = None) -> None:
        super().__init__(message)
        self.hint = hint


class NotNewer(InstallRefused):
    """A version not newer than the active, the shipped or one installed before: a downgrade needs a choice."""


class UnreadableInstall(SignatureError):
    """An installed version's files cannot be read, so its signature cannot be checked."""


class _BadPointer(LocalizedError, ValueError):
    """active.json names something that may not run."""


def version_key(version: str) -> tuple[Any, ...]:
    """Versions compared part by part, numbers as numbers: 1.10.0 is above 1.9.2."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in version.replace("-", ".").split("."))


def _older(version: str, than: str | None) -> bool:
    return than is not None and version_key(version) < version_key(than)


@dataclass(frozen=True)
class ActiveModel:
    """The bundle the app runs with, where it came from, and what must be said about it."""

    bundle: Bundle
    installed: str | None = None  # the installed version, None for the shipped bundle
    key: str | None = None  # the id of the key that signed it
    problem: str = ""  # in English: why an installed model is not used, or that an older one runs by choice
    problem_note: Message | None = None  # the same, to show in any language

    def shown_problem(self) -> str:
        """What must be said about the model in use, in the current language ("" when nothing)."""
        return self.problem_note.text() if self.problem_note is not None else self.problem


@dataclass
class ModelStore:
    """The installed models of this user."""

    root: Path = field(default_factory=lambda: user_data_dir() / "models")
    trusted: TrustedKeys = field(default_factory=lambda: TrustedKeys.from_folder(keys_dir()))
    shipped: Path = field(default_factory=lambda: bundle_dir())  # the bundle inside the program

    # ---- the pointer and the high-water mark -------------------------------------------------------
    def _read_json(self, name: str) -> dict[str, Any]:
        try:
            data = json.loads((self.root / name).read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return {}
        return data if isinstance(data, dict) else {}

    def _pointer(self) -> dict[str, Any]:
        return self._read_json(POINTER)

    @property
    def active_version(self) -> str | None:
        """The installed version active.json names, or None for the shipped bundle."""
        version = self._pointer().get("version")
        return str(version) if version else None

    def _point_to(self, version: str | None, history: list[str], downgrade: bool = False) -> None:
        pointer = {"version": version, "previous": history, "downgrade": downgrade}
        atomic_write_text(self.root / POINTER, json.dumps(pointer) + "\n")

    def _switch_to(self, version: str, downgrade: bool = False) -> None:
        """Make ``version`` active, remembering the one it replaces for a rollback."""
        current, history = self.active_version, self._history()
        self._point_to(version, [*history, current] if current and is_plain_version(current) else history, downgrade)

    def _history(self) -> list[str]:
        """The versions active before, oldest first (what is not a plain version is no version: dropped)."""
        previous = self._pointer().get("previous")
        return [v for v in previous if is_plain_version(v)] if isinstance(previous, list) else []

    def newest_installed(self, name: str) -> str | None:
        """The newest version of model ``name`` ever installed here (kept after rollbacks, as TUF does)."""
        version = self._read_json(HIGH_WATER).get(name)
        return version if is_plain_version(version) else None

    def _raise_high_water(self, name: str, version: str) -> None:
        marks = self._read_json(HIGH_WATER)
        if not _older(version, self.newest_installed(name)):
            atomic_write_text(self.root / HIGH_WATER, json.dumps({**marks, name: version}, indent=1) + "\n")

    def _floor(self, name: str, shipped: ModelCard | None = None) -> tuple[str, Message] | None:
        """The version below which model ``name`` is a downgrade here, and what that version is."""
        shipped, newest = shipped or read_card(self.shipped), self.newest_installed(name)
        candidates = [(newest, Message.of(N_("{version} installed before"), version=newest))] if newest else []
        if shipped.name == name:
            candidates.append((shipped.version, Message.of(N_("the shipped {version}"), version=shipped.version)))
        return max(candidates, key=lambda c: version_key(c[0])) if candidates else None

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        """One change of the store at a time, across processes; the lock goes with the process, even on kill -9."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / _LOCK, "a+b") as handle:
            if sys.platform == "win32":
                import msvcrt

                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            yield

    # ---- reading installed bundles -----------------------------------------------------------
    def versions(self) -> list[str]:
        """Installed versions, oldest first."""
        if not self.root.is_dir():
            return []
        found = [p.name for p in self.root.iterdir() if p.is_dir() and is_plain_version(p.name)]
        return sorted(found, key=version_key)

    def verify(self, version: str) -> Package:
        """Check an installed version's signature and files again, as they are on disk now."""
        folder = self.root / version
        where = f"installed model {version} ({folder})"
        try:
            manifest_bytes = _read_bounded(folder / MANIFEST, where)
            signature = _read_bounded(folder / SIGNATURE, where)
            files = {
                p.name: _read_bounded(p, where)
                for p in folder.iterdir()
                if p.is_file() and p.name not in (MANIFEST, SIGNATURE)
            }
        except OSError as error:
            raise UnreadableInstall(
                Message.of(
                    N_("installed model {version}: cannot be read ({reason})"), version=version, reason=error.strerror
                )
            ) from None
        manifest = verify_manifest(manifest_bytes, signature, self.trusted, where)
        check_files(manifest, files, where)
        return Package(manifest, files, manifest_bytes, signature)

    def active(self) -> ActiveModel:
        """The bundle to run with: the newer of the shipped and the active installed one, an older installed one
        only when it was chosen, and the shipped one when the installed one does not verify, saying why."""
        pointer = self._pointer()
        named = pointer.get("version")
        if named is None:
            return ActiveModel(load_bundle(self.shipped))
        shipped = read_card(self.shipped)
        try:
            if not is_plain_version(named) or named not in self.versions():
                raise _BadPointer(
                    Message.of(
                        N_("active.json names {version}, which is not an installed version"), version=repr(named)
                    )
                )
            package = self.verify(named)
            newest = self.newest_installed(package.name)
            if _older(named, newest) and not pointer.get("downgrade"):
                raise _BadPointer(
                    Message.of(
                        N_(
                            "active.json names {name} {version}, older than {newest} installed before, and no one"
                            " chose it"
                        ),
                        name=package.name,
                        version=named,
                        newest=newest,
                    )
                )
            floor = self._floor(package.name, shipped)
            older = floor is not None and _older(named, floor[0])
            if older and not pointer.get("downgrade"):  # the program was upgraded: its newer model runs
                return ActiveModel(load_bundle(self.shipped))
            bundle = self._bound(load_bundle(self.root / named), package, self.root / named)
            bundle = dataclasses.replace(bundle, origin="installed", signed_by=package.key)
        except (SignatureError, BundleError, _BadPointer) as error:
            note = Message.of(
                N_("{error}; using the shipped model {model} instead"),
                error=error,
                model=f"{shipped.name} {shipped.version}",
            )
            return ActiveModel(load_bundle(self.shipped), problem=note.english(), problem_note=note)
        if not older or floor is None:
            return ActiveModel(bundle, installed=named, key=package.key)
        warning = Message.of(
            N_("the installed {name} {version} runs, older than {floor}, because it was chosen explicitly"),
            name=package.name,
            version=named,
            floor=floor[1],
        )
        return ActiveModel(bundle, installed=named, key=package.key, problem=warning.english(), problem_note=warning)

    @staticmethod
    def _bound(bundle: Bundle, package: Package, where: object) -> Bundle:
        """The manifest's name and version are the card's: the version is the folder's name."""
        card = bundle.card
        if (card.name, card.version) != (package.name, package.version):
            raise BundleError(
                Message.of(
                    N_("{where}: the manifest says {manifest}, the model card {card}"),
                    where=where,
                    manifest=f"{package.name} {package.version}",
                    card=f"{card.name} {card.version}",
                )
            )
        return bundle

    # ---- checking a package ----------------------------------------------------------------------
    def _vet(self, package: Package, folder: Path, package_path: Path) -> Bundle:
        """Unpack ``package`` into ``folder`` and run it: it loads, is the model its manifest names, and predicts
        its golden rows. A signature says who made a package, not that it works."""
        files = {**package.files, MANIFEST: package.manifest_bytes, SIGNATURE: package.signature}
        for name, data in files.items():
            with open(folder / name, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        try:
            bundle = self._bound(load_bundle(folder), package, package_path)
        except BundleError as error:  # name the user's package and its member, not our unpacking folder
            said = shown(error).replace(f"{folder}{os.sep}", "").replace(str(folder), MODEL_FILE)
            raise BundleError(Message.of("{path}: {error}", path=package_path, error=said)) from None
        golden = check_golden_rows(bundle)
        if golden.problem is not None:
            raise BundleError(
                Message.of(
                    N_("{path}: the model fails its golden rows: {problem}"), path=package_path, problem=golden.problem
                )
            )
        return dataclasses.replace(bundle, origin="installed", signed_by=package.key)

    def examine(self, package_path: Path, *, rules: bool = False) -> tuple[Package, Bundle]:
        """Everything an install checks, changing nothing: signature, files, the model runs its golden rows, and
        (``rules``) whether it may be installed without an override."""
        package = read_package(package_path, self.trusted)
        if rules:
            self._admit(package, allow_downgrade=False, allow_other_model=False)
        with tempfile.TemporaryDirectory(prefix="scoredesk-package-") as folder:
            return package, self._vet(package, Path(folder), Path(package_path))  # the session holds the model

    # ---- changing what is active -------------------------------------------------------------
    def _record(self, action: str, model: dict[str, Any], outcome: str = "success", reason: str = "") -> None:
        from app.core.runlog import RunLog, model_event

        RunLog.default().append([model_event(action, model, outcome, reason)])

    def _sweep(self) -> None:
        """Remove what an install killed midway left (under the lock, so none is running)."""
        for leftover in self.root.glob(f"{_INCOMING}*"):
            shutil.rmtree(leftover, ignore_errors=True)

    def install(
        self,
        package_path: Path,
        *,
        allow_downgrade: bool = False,
        allow_other_model: bool = False,
        before_switch: Callable[[Bundle], None] | None = None,
    ) -> Package:
        """Verify a package, run its golden rows, unpack it and make it active; refuse (changing nothing) what may
        not run here.

        ``before_switch`` sees the verified challenger before it becomes active (to show it against the champion).
        Every install and every refusal is an event in the run log.
        """
        with self._exclusive():
            self._sweep()
            incoming = Path(tempfile.mkdtemp(prefix=_INCOMING, dir=self.root))
            try:
                try:
                    package = read_package(package_path, self.trusted)
                    floor = self._admit(package, allow_downgrade, allow_other_model)
                    bundle = self._vet(package, incoming, Path(package_path))
                except (SignatureError, InstallRefused, BundleError) as error:
                    self._record("model.refused", {"package": str(package_path)}, "failure", str(error))
                    raise
                if before_switch is not None:
                    before_switch(bundle)
                target = self.root / package.version
                if target.exists():  # the same version again (--allow-downgrade): the verified copy replaces it
                    os.replace(target, Path(tempfile.mkdtemp(prefix=_INCOMING, dir=self.root)) / "old")
                os.replace(incoming, target)
            finally:
                self._sweep()
            self.verify(package.version)  # what landed on disk is what was signed
            self._switch_to(package.version, downgrade=floor is not None)
            self._raise_high_water(package.name, package.version)
        reason = Message.of(N_("a downgrade below {floor}, allowed with --allow-downgrade"), floor=floor).english()
        self._record("model.installed", facts(package), reason=reason if floor is not None else "")
        return package

    def _admit(self, package: Package, allow_downgrade: bool, allow_other_model: bool) -> str | None:
        """Refuse what may not be installed; returns the version it goes below when it is an allowed downgrade."""
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
        shipped = read_card(self.shipped)  # its name and version: no need to start the model
        if package.name != shipped.name and not allow_other_model:
            raise InstallRefused(
                Message.of(
                    N_("{name} {version} is another model than this app's {shipped}"),
                    name=package.name,
                    version=package.version,
                    shipped=repr(shipped.name),
                ),
                hint=Message.of(N_("--allow-other-model installs it anyway")),
            )
        current = self.active_version or shipped.version
        floor = self._floor(package.name, shipped)
        if version_key(package.version) <= version_key(current):
            refusal = Message.of(
                N_("{name} {version} is not newer than the active {current}"),
                name=package.name,
                version=package.version,
                current=current,
            )
        elif floor is not None and version_key(package.version) <= version_key(floor[0]):
            refusal = Message.of(
                N_("{name} {version} is not newer than {floor}"),
                name=package.name,
                version=package.version,
                floor=floor[1],
            )
        else:
            return None
        if not allow_downgrade:
            raise NotNewer(refusal, hint=Message.of(N_("--allow-downgrade installs it anyway")))
        return floor[0] if floor is not None and _older(package.version, floor[0]) else None

    def _require_installed(self, version: str) -> None:
        if version not in self.versions():
            installed = ", ".join(self.versions())
            raise InstallRefused(
                Message.of(
                    N_("version {version} is not installed (installed: {installed})"),
                    version=version,
                    installed=installed or Message.of(N_("none")),
                )
            )

    def use(self, version: str, *, allow_downgrade: bool = False) -> None:
        """Make an installed version active (after verifying it); one older than the newest shipped or installed
        only when ``allow_downgrade`` says the user chose it."""
        with self._exclusive():
            self._require_installed(version)
            package = self.verify(version)
            floor = self._floor(package.name)
            downgrade = floor is not None and _older(version, floor[0])
            if downgrade and not allow_downgrade:
                assert floor is not None
                raise NotNewer(
                    Message.of(N_("{version} is older than {floor}"), version=version, floor=floor[1]),
                    hint=Message.of(N_("--allow-downgrade uses it anyway")),
                )
            self._switch_to(version, downgrade)
        self._record("model.activated", facts(package))

    def rollback(self) -> str | None:
        """Go back to the version active before the last switch (None: the shipped bundle); an explicit choice."""
        with self._exclusive():
            history = self._history()
            if self.active_version is None:
                raise InstallRefused(Message.of(N_("the shipped model is active; there is nothing to roll back to")))
            previous = history.pop() if history else None
            downgrade = False
            if previous is not None:
                self._require_installed(previous)
                package = self.verify(previous)
                floor = self._floor(package.name)
                downgrade = floor is not None and _older(previous, floor[0])
            left = self.active_version
            self._point_to(previous, history, downgrade)
        self._record("model.rolled_back", {"version": previous, "from_version": left})
        return previous


def _read_bounded(path: Path, where: str) -> bytes:
    """An installed file, read no further than a package may hold of it (a file grown on disk is not read whole;
    one no package holds reads as empty, and the manifest check then names it)."""
    limit = MAX_MEMBER_BYTES.get(path.name, 0)
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit > 0:
        raise SignatureError(
            Message.of(
                N_("{where}: {name} is larger than the {limit} MB a package's {name} may hold"),
                where=where,
                name=path.name,
                limit=Figure(limit / 2**20, 1),
            )
        )
    return data[:limit]


def facts(package: Package) -> dict[str, Any]:
    """What the run log records of a model package."""
    return {
        "name": package.name,
        "version": package.version,
        "sha256": package.manifest["files"]["model.onnx"],
        "key_id": package.key,
    }
