"""Signed packages that are genuine but must not run, crafted packages, and the installed-model store's memory
(issue #30): each made for real with throwaway keys and driven through the CLI as a user would."""

from __future__ import annotations

import io
import json
import math
import os
import shutil
import subprocess
import sys
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.cli import EXIT_BUNDLE, EXIT_INPUT, EXIT_OK
from app.core.card import card_digest
from app.core.fileio import sha256_file
from app.core.model_store import ModelStore
from app.core.signing import MANIFEST, SIGNATURE, write_package
from model_build.packaging import package
from tests.app.core import test_signed_models
from tests.app.core.test_signed_models import _bundle, _package, _seed
from tests.app.running import run_cli as _run

REPO = Path(__file__).resolve().parents[3]
keys = test_signed_models.keys  # the same fixture: a trusted key and a stranger's
SAMPLE = str(REPO / "resources/samples/telco_churn_to_score.csv")


def _events(data: Path) -> list[dict[str, Any]]:
    log = data / "runs.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.is_file() else []


def _refusals(data: Path) -> list[str]:
    return [e["event"]["reason"] for e in _events(data) if e["event"]["action"] == "model.refused"]


def _reseal(folder: Path) -> None:
    """The card as a build would write it for the ONNX file now in ``folder``."""
    card = json.loads((folder / "model_card.json").read_text())
    card["model"]["onnx_sha256"] = sha256_file(folder / "model.onnx")
    card["integrity"]["card_sha256"] = card_digest(card)
    (folder / "model_card.json").write_text(json.dumps(card, indent=1))


def _times(tmp_path: Path, key: Path, factor: float, *, golden_follow: bool = False) -> Path:
    """A validly signed 1.0.1 whose graph multiplies the probabilities by ``factor`` (a Mul node on the output)."""
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    folder = _bundle(tmp_path / f"times-{factor}", "1.0.1")
    model = onnx.load(str(folder / "model.onnx"))
    for node in model.graph.node:
        node.output[:] = ["raw_probabilities" if o == "probabilities" else o for o in node.output]
    model.graph.initializer.append(numpy_helper.from_array(np.array(factor, dtype=np.float32), "factor"))
    model.graph.node.append(helper.make_node("Mul", ["raw_probabilities", "factor"], ["probabilities"]))
    onnx.save(model, str(folder / "model.onnx"))
    if golden_follow:  # the card's golden rows rewritten to what the graph gives, so only the range can refuse it
        card = json.loads((folder / "model_card.json").read_text())
        for row in card["golden_rows"]:
            row["probability"] = row["probability"] * factor
        (folder / "model_card.json").write_text(json.dumps(card))
    _reseal(folder)
    return package(folder, _seed(key), tmp_path / f"dist-{factor}")


Change = Callable[[dict[str, bytes], dict[str, Any]], None]


def _resigned(source: Path, key: Path, target: Path, change: Change) -> Path:
    """``source`` with its files and manifest changed, the hashes recomputed and signed again with ``key``."""
    import hashlib

    with zipfile.ZipFile(source) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        files = {name: archive.read(name) for name in ("model.onnx", "model_card.json", "MODEL_CARD.md")}
    change(files, manifest)
    manifest["files"] = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    target.write_bytes(write_package(files, manifest, _seed(key)))
    return target


def _nothing_installed() -> None:
    store = ModelStore()
    assert store.versions() == []
    assert store.active_version is None
    left = [p.name for p in store.root.iterdir() if p.name != ".lock"] if store.root.is_dir() else []
    assert left == []  # no version, no .incoming-* folder, no pointer


# ---- 1: outputs that are not probabilities ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("factor", "follow", "said"),
    [
        (math.nan, False, "gives nan"),
        (3.0, False, "outside 0 to 1"),
        (-1.0, False, "outside 0 to 1"),
        (3.0, True, "outside 0 to 1"),  # golden rows that agree with the broken graph are no excuse
    ],
)
def test_a_model_whose_outputs_are_not_probabilities_is_refused(
    tmp_path: Path, keys, capsys, isolated_user_data, factor: float, follow: bool, said: str
) -> None:
    bad = _times(tmp_path, keys["key"], factor, golden_follow=follow)
    code, _, err = _run(["model", "verify", str(bad)], capsys)
    assert (code, err.count("\n")) == (EXIT_BUNDLE, 1), err
    assert "golden rows" in err
    assert said in err or "cannot predict them" in err  # the latter once the predictor itself refuses such outputs
    code, out, err = _run(["model", "install", str(bad)], capsys)
    assert (code, err.count("\n")) == (EXIT_BUNDLE, 1), err
    assert "golden rows" in err
    assert "installed" not in out
    _nothing_installed()
    assert len(_refusals(isolated_user_data)) == 1
    code, out, _ = _run(["info"], capsys)
    assert "Telco customer churn 1.0.0" in out


# ---- 9: a signed package whose bundle cannot load ------------------------------------------------------------


def _wrong_digest(files: dict[str, bytes], manifest: dict[str, Any]) -> None:
    card = json.loads(files["model_card.json"])
    card["model"]["onnx_sha256"] = "0" * 64
    card["integrity"]["card_sha256"] = card_digest(card)
    files["model_card.json"] = json.dumps(card).encode()


def _other_inputs(files: dict[str, bytes], manifest: dict[str, Any]) -> None:
    import hashlib

    import onnx

    model = onnx.load_from_string(files["model.onnx"])
    model.graph.input[0].name = "tenure_months"
    for node in model.graph.node:
        node.input[:] = ["tenure_months" if i == "tenure" else i for i in node.input]
    files["model.onnx"] = model.SerializeToString()
    card = json.loads(files["model_card.json"])
    card["model"]["onnx_sha256"] = hashlib.sha256(files["model.onnx"]).hexdigest()
    card["integrity"]["card_sha256"] = card_digest(card)
    files["model_card.json"] = json.dumps(card).encode()


@pytest.mark.parametrize(
    ("change", "said"),
    [(_wrong_digest, "does not match its model card"), (_other_inputs, "tenure")],
    ids=["card sha256", "graph inputs"],
)
def test_a_signed_package_whose_bundle_cannot_load_is_refused_by_verify_and_install(
    tmp_path: Path, keys, capsys, isolated_user_data, change, said: str
) -> None:
    bad = _resigned(_package(tmp_path, keys["key"]), keys["key"], tmp_path / "bad.sdmodel", change)
    code, out, err = _run(["model", "verify", str(bad)], capsys)
    assert (code, err.count("\n")) == (EXIT_BUNDLE, 1), err
    assert "every file intact" not in out
    assert said in err
    assert ".incoming" not in err  # the user's package is named, not a folder of ours
    code, _, err = _run(["model", "install", str(bad)], capsys)
    assert (code, err.count("\n")) == (EXIT_BUNDLE, 1), err
    assert "details in" not in err  # no "unexpected BundleError (details in errors.log)"
    assert said in err
    _nothing_installed()
    assert len(_refusals(isolated_user_data)) == 1
    code, _, err = _run(["model", "use", "1.0.1"], capsys)
    assert code == EXIT_INPUT
    assert "not installed" in err


# ---- 17: the manifest bound to the card, and versions that are plain versions -----------------------------


def test_a_manifest_that_disagrees_with_the_card_is_refused(tmp_path: Path, keys, capsys, isolated_user_data) -> None:
    good = _package(tmp_path, keys["key"])
    lies = _resigned(good, keys["key"], tmp_path / "lies.sdmodel", lambda f, m: m["model"].update(version="9.9.9"))
    code, _, err = _run(["model", "install", str(lies)], capsys)
    assert (code, err.count("\n")) == (EXIT_BUNDLE, 1), err
    assert "the manifest says telco_churn 9.9.9, the model card telco_churn 1.0.1" in err
    for version in ("../../elsewhere", "1.0/../../x", "", "1.0.1\n", "x" * 200):
        path = _resigned(
            good, keys["key"], tmp_path / "v.sdmodel", lambda f, m, v=version: m["model"].update(version=v)
        )
        code, _, err = _run(["model", "install", str(path)], capsys)
        assert (code, err.count("\n")) == (EXIT_BUNDLE, 1), (version, err)
        assert "not a plain version" in err, (version, err)
    _nothing_installed()
    assert len(_refusals(isolated_user_data)) == 6


# ---- 7: size limits, and the signature before the model is inflated -------------------------------------


def test_devices_and_folders_are_refused_without_reading_them(tmp_path: Path, capsys, isolated_user_data) -> None:
    for path, kind in (("/dev/zero", "character device"), (str(tmp_path), "folder")):
        for command in (["model", "verify", path], ["model", "install", path]):
            code, _, err = _run(command, capsys)
            assert (code, err.count("\n")) == (EXIT_BUNDLE, 1), err
            assert f"{path}: is a {kind}, not a model package file" in err
    assert len(_refusals(isolated_user_data)) == 2


def _bomb(target: Path, source: Path, megabytes: int) -> Path:
    """``source`` with its model.onnx replaced by ``megabytes`` of zeros (a few hundred kB compressed)."""
    with zipfile.ZipFile(source) as archive:
        files = {name: archive.read(name) for name in archive.namelist() if name != "model.onnx"}
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        with archive.open("model.onnx", "w") as handle:
            for _ in range(megabytes):
                handle.write(bytes(1 << 20))
    return target


def test_the_signature_is_checked_before_the_model_is_inflated(tmp_path: Path, keys, capsys) -> None:
    untrusted = _bomb(tmp_path / "bomb.sdmodel", _package(tmp_path / "s", keys["stranger"]), 120)
    assert untrusted.stat().st_size < 1_000_000
    tracemalloc.start()
    try:
        code, _, err = _run(["model", "verify", str(untrusted)], capsys)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == EXIT_BUNDLE
    assert "which this program does not trust" in err
    assert peak < 30_000_000  # the 120 MB member was never inflated


def test_members_and_packages_beyond_the_limits_are_refused(
    tmp_path: Path, keys, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = _package(tmp_path, keys["key"])
    bomb = _bomb(tmp_path / "bomb.sdmodel", good, 3)
    monkeypatch.setattr("app.core.signing.MAX_MEMBER_BYTES", {**_limits(), "model.onnx": 2 << 20})
    code, _, err = _run(["model", "install", str(bomb)], capsys)
    assert (code, err.count("\n")) == (EXIT_BUNDLE, 1), err
    assert "model.onnx inflates to 3.0 MB, more than the 2.0 MB a package's model.onnx may hold" in err
    many = tmp_path / "many.sdmodel"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(many, "w") as archive:
        for name in source.namelist():
            archive.writestr(name, source.read(name))
        for index in range(100):
            archive.writestr(f"x{index}", b"")
    code, _, err = _run(["model", "verify", str(many)], capsys)
    assert (code, err.count("\n")) == (EXIT_BUNDLE, 1), err
    assert "holds 105 files; a model package holds 5" in err


def _limits() -> dict[str, int]:
    from app.core.signing import MAX_MEMBER_BYTES

    return dict(MAX_MEMBER_BYTES)


# ---- 8 and 25: crafted packages ------------------------------------------------------------------------------


def _rezip(source: Path, target: Path, change: Callable[[list[tuple[str, bytes]]], None]) -> Path:
    with zipfile.ZipFile(source) as archive:
        entries = [(name, archive.read(name)) for name in archive.namelist()]
    change(entries)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            archive.writestr(name, data)
    target.write_bytes(buffer.getvalue())
    return target


def _replace(name: str, data: bytes) -> Callable[[list[tuple[str, bytes]]], None]:
    def change(entries: list[tuple[str, bytes]]) -> None:
        entries[:] = [(n, data if n == name else d) for n, d in entries]

    return change


@pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")
def test_crafted_packages_exit_3_with_one_line_and_a_refusal_event(
    tmp_path: Path, keys, capsys, isolated_user_data
) -> None:
    good = _package(tmp_path, keys["key"])
    cases = {
        "short signature": (_replace(SIGNATURE, b"x" * 10), "manifest.sig has 10 bytes; an Ed25519 signature has 64"),
        "nested manifest": (_replace(MANIFEST, b"[" * 100_000 + b"]" * 100_000), "the manifest is nested too deeply"),
        "manifest of lists": (_replace(MANIFEST, b'{"files": {}, "model": []}'), "which this program does not trust"),
        "two model.onnx": (lambda e: e.append(("model.onnx", b"evil")), "holds model.onnx twice"),
    }
    for label, (change, said) in cases.items():
        bad = _rezip(good, tmp_path / f"{label}.sdmodel", change)
        for command in ("verify", "install"):
            code, out, err = _run(["model", command, str(bad)], capsys)
            assert (code, err.count("\n")) == (EXIT_BUNDLE, 1), (label, err)
            assert said in err, (label, err)
            assert "details in" not in err
    assert len(_refusals(isolated_user_data)) == len(cases)
    _nothing_installed()


def test_a_signed_manifest_of_the_wrong_shape_is_refused(tmp_path: Path, keys, capsys) -> None:
    good = _package(tmp_path, keys["key"])
    for label, change in {
        "model a list": lambda f, m: m.__setitem__("model", []),
        "name a number": lambda f, m: m["model"].__setitem__("name", 7),
    }.items():
        bad = _resigned(good, keys["key"], tmp_path / "shape.sdmodel", change)
        code, _, err = _run(["model", "install", str(bad)], capsys)
        assert (code, err.count("\n")) == (EXIT_BUNDLE, 1), (label, err)
        assert "the manifest does not name the model" in err, (label, err)


# ---- 2: a program upgrade and an older installed model ---------------------------------------------------


@pytest.fixture
def shipped_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The program after an upgrade: it ships telco_churn 2.0.0."""
    folder = _bundle(tmp_path / "shipped-2.0.0", "2.0.0")
    monkeypatch.setattr("app.core.model_store.bundle_dir", lambda: folder)
    return folder


def test_after_a_program_upgrade_the_newer_shipped_model_runs(tmp_path: Path, keys, capsys, monkeypatch) -> None:
    assert _run(["model", "install", str(_package(tmp_path, keys["key"]))], capsys)[0] == EXIT_OK
    folder = _bundle(tmp_path / "shipped-2.0.0", "2.0.0")
    monkeypatch.setattr("app.core.model_store.bundle_dir", lambda: folder)
    code, out, err = _run(["info"], capsys)
    assert code == EXIT_OK
    assert "Telco customer churn 2.0.0" in out
    assert "model in use: the shipped telco_churn 2.0.0" in out
    code, out, _ = _run(["model", "list"], capsys)
    assert "  shipped telco_churn 2.0.0   (active)" in out
    assert "  1.0.1   (older than the shipped 2.0.0: not used)" in out
    code, out, _ = _run(["model", "list", "--json"], capsys)
    assert json.loads(out)["running"] == {"origin": "shipped", "version": "2.0.0"}


def test_an_older_installed_model_runs_only_when_chosen_and_says_so_everywhere(
    tmp_path: Path, keys, capsys, shipped_2, isolated_user_data
) -> None:
    signed = _package(tmp_path, keys["key"])
    assert _run(["model", "install", str(signed)], capsys)[0] == EXIT_INPUT  # below the shipped 2.0.0
    code, _, err = _run(["model", "install", str(signed), "--allow-downgrade"], capsys)
    assert code == EXIT_OK, err
    warning = "the installed telco_churn 1.0.1 runs, older than the shipped 2.0.0, because it was chosen explicitly"
    for command in (["info"], ["model", "list"], ["self-test", "--no-gui"]):
        code, out, err = _run(command, capsys)
        assert code == EXIT_OK, (command, out, err)
        assert err == f"warning: {warning}\n", command
        assert warning in out, command
    code, out, err = _run(["score", SAMPLE, "-o", str(tmp_path / "o.csv"), "--no-log"], capsys)
    assert code == EXIT_OK
    assert warning in err
    code, out, _ = _run(["info", "--json"], capsys)
    assert json.loads(out)["warning"] == warning
    assert _run(["model", "rollback"], capsys)[0] == EXIT_OK  # back to the shipped 2.0.0
    code, _, err = _run(["model", "use", "1.0.1"], capsys)
    assert code == EXIT_INPUT
    assert "1.0.1 is older than the shipped 2.0.0; --allow-downgrade uses it anyway" in err
    assert _run(["model", "use", "1.0.1", "--allow-downgrade"], capsys)[0] == EXIT_OK
    assert warning in _run(["info"], capsys)[2]


# ---- 5 and 6: the high-water mark, and active.json ----------------------------------------------------


def test_a_version_older_than_one_installed_before_is_refused_after_a_rollback(
    tmp_path: Path, keys, capsys, isolated_user_data
) -> None:
    older, newer = (_package(tmp_path / v, keys["key"], v) for v in ("1.0.1", "1.0.2"))
    assert _run(["model", "install", str(newer)], capsys)[0] == EXIT_OK
    assert _run(["model", "rollback"], capsys)[0] == EXIT_OK
    assert ModelStore().active_version is None
    code, _, err = _run(["model", "install", str(older)], capsys)
    assert (code, err.count("\n")) == (EXIT_INPUT, 1), err
    assert "telco_churn 1.0.1 is not newer than 1.0.2 installed before" in err
    assert "--allow-downgrade" in err
    assert "1.0.2" in _refusals(isolated_user_data)[-1]
    assert _run(["model", "install", str(older), "--allow-downgrade"], capsys)[0] == EXIT_OK
    installed = [e for e in _events(isolated_user_data) if e["event"]["action"] == "model.installed"]
    assert installed[-1]["event"]["reason"] == "a downgrade below 1.0.2, allowed with --allow-downgrade"
    code, _, err = _run(["info"], capsys)
    assert "the installed telco_churn 1.0.1 runs, older than 1.0.2 installed before" in err


def test_active_json_is_checked_at_every_start(tmp_path: Path, keys, capsys) -> None:
    for version in ("1.0.1", "1.0.2"):
        assert _run(["model", "install", str(_package(tmp_path / version, keys["key"], version))], capsys)[0] == 0
    store = ModelStore()
    pointer = store.root / "active.json"
    pointer.write_text(json.dumps({"version": "1.0.1", "previous": []}))
    code, out, err = _run(["info"], capsys)
    assert "Telco customer churn 1.0.0" in out
    assert "active.json names telco_churn 1.0.1, older than 1.0.2 installed before" in err
    assert "using the shipped model telco_churn 1.0.0 instead" in err
    elsewhere = tmp_path / "outside"
    shutil.copytree(store.root / "1.0.2", elsewhere)
    relative = os.path.relpath(elsewhere, store.root)
    for named in (relative, "../../elsewhere", ".incoming-x", 7):
        pointer.write_text(json.dumps({"version": named, "previous": []}))
        code, out, err = _run(["info"], capsys)
        assert "Telco customer churn 1.0.0" in out, named
        assert f"active.json names {named!r}, which is not an installed version" in err, named
        assert "using the shipped model telco_churn 1.0.0 instead" in err


# ---- 16: which model runs instead -----------------------------------------------------------------------


def test_a_tampered_install_names_the_model_used_instead(tmp_path: Path, keys, capsys) -> None:
    assert _run(["model", "install", str(_package(tmp_path, keys["key"]))], capsys)[0] == EXIT_OK
    (ModelStore().root / "1.0.1" / "model_card.json").write_text("{}")
    code, out, err = _run(["info"], capsys)
    said = "model_card.json does not match its sha256 in the manifest (altered); using the shipped model"
    assert f"{said} telco_churn 1.0.0 instead" in err
    assert f"{said} telco_churn 1.0.0 instead" in out
    assert "model in use: the shipped telco_churn 1.0.0" in out


# ---- 18 and 19: concurrent installs, and what a killed install leaves ------------------------------------

_INSTALL = """
import fcntl, os, sys, tempfile, time
from pathlib import Path
from app.core import model_store
model_store.keys_dir = lambda: Path(sys.argv[2])
meeting, real_mkdtemp, real_flock, me = Path(sys.argv[3]), tempfile.mkdtemp, fcntl.flock, str(os.getpid())
def flock(fd, operation):  # say so before waiting for the store's lock
    if os.readlink(f"/proc/self/fd/{fd}").endswith("/.lock"):
        (meeting / f"waiting-{me}").touch()
    return real_flock(fd, operation)
def mkdtemp(*args, **kwargs):  # both unpack at once (the race, made certain), unless one waits for the lock
    if str(kwargs.get("prefix", "")).startswith(".incoming") and not (meeting / f"met-{me}").exists():
        (meeting / f"met-{me}").touch()
        deadline = time.monotonic() + 120  # a safety net only: the other arrives or waits
        while not [p for p in meeting.iterdir() if not p.name.endswith(me)] and time.monotonic() < deadline:
            time.sleep(0.01)
    return real_mkdtemp(*args, **kwargs)
fcntl.flock, tempfile.mkdtemp = flock, mkdtemp
try:
    model_store.ModelStore().install(Path(sys.argv[1]))
except model_store.InstallRefused as error:
    print(error, file=sys.stderr)
    sys.exit(2)
"""


def test_two_installs_of_one_version_at_once_one_wins_the_other_says_so(
    tmp_path: Path, keys, isolated_user_data
) -> None:
    signed, meeting = _package(tmp_path, keys["key"]), tmp_path / "meeting"
    meeting.mkdir()
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", _INSTALL, str(signed), str(keys["trusted"]), str(meeting)],
            cwd=REPO,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = sorted((run.wait(timeout=300), run.stderr.read() if run.stderr else "") for run in runs)
    assert [code for code, _ in results] == [0, 2], results
    assert "is not newer than the active 1.0.1" in results[1][1]
    assert len(_refusals(isolated_user_data)) == 1
    assert sorted(p.name for p in ModelStore().root.iterdir() if p.name != ".lock") == [
        "1.0.1",
        "active.json",
        "installed.json",
    ]


_KILLED = """
import os, signal, sys
from pathlib import Path
from app.core import model_store
model_store.keys_dir = lambda: Path(sys.argv[2])
def killed(*args):  # the files are unpacked in .incoming-*; the rename never happens
    os.kill(os.getpid(), signal.SIGKILL)
model_store.os.replace = killed
model_store.ModelStore().install(Path(sys.argv[1]))
"""


def test_what_a_killed_install_leaves_is_removed_by_the_next(tmp_path: Path, keys, capsys) -> None:
    signed = _package(tmp_path, keys["key"])
    result = subprocess.run(
        [sys.executable, "-c", _KILLED, str(signed), str(keys["trusted"])], cwd=REPO, capture_output=True, check=False
    )
    assert result.returncode == -9, result.stderr
    root = ModelStore().root
    assert [p.name.startswith(".incoming-") for p in root.iterdir() if p.name != ".lock"] == [True]
    assert _run(["model", "install", str(signed)], capsys)[0] == EXIT_OK
    assert sorted(p.name for p in root.iterdir() if p.name != ".lock") == ["1.0.1", "active.json", "installed.json"]


def test_a_rollback_reads_only_installed_versions_from_active_json(tmp_path: Path, keys, capsys) -> None:
    assert _run(["model", "install", str(_package(tmp_path, keys["key"]))], capsys)[0] == EXIT_OK
    pointer = ModelStore().root / "active.json"
    pointer.write_text(json.dumps({"version": "1.0.1", "previous": ["1.0.9"]}))
    code, _, err = _run(["model", "rollback"], capsys)
    assert (code, err) == (EXIT_INPUT, "error: version 1.0.9 is not installed (installed: 1.0.1)\n")
    pointer.write_text(json.dumps({"version": "1.0.1", "previous": [7, "../x"]}))
    code, out, err = _run(["model", "rollback"], capsys)
    assert code == EXIT_OK, err
    assert "rolled back to the shipped model telco_churn 1.0.0" in out


def test_an_installed_file_grown_on_disk_is_not_read_whole(tmp_path: Path, keys, capsys) -> None:
    assert _run(["model", "install", str(_package(tmp_path, keys["key"]))], capsys)[0] == EXIT_OK
    os.truncate(ModelStore().root / "1.0.1" / "MODEL_CARD.md", 300 << 20)  # sparse: no disk, 300 MB to read
    tracemalloc.start()
    try:
        code, out, err = _run(["info"], capsys)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == EXIT_OK
    assert "MODEL_CARD.md is larger than the 4.0 MB a package's MODEL_CARD.md may hold" in err
    assert "using the shipped model telco_churn 1.0.0 instead" in err
    assert peak < 150_000_000  # the 300 MB were never read (loading the shipped model takes some 70 MB)
