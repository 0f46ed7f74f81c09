"""Signed model packages: made with throwaway keys, installed, refused, tampered with, rolled back."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from app.cli import EXIT_BUNDLE, EXIT_INPUT, EXIT_OK
from app.core.card import card_digest
from app.core.fileio import sha256_file
from app.core.model_store import ModelStore
from app.core.paths import bundle_dir
from app.core.signing import MANIFEST, SIGNATURE, read_private_key, write_package
from model_build.packaging import keygen, package
from tests.app.running import run_cli as _run

REPO = Path(__file__).resolve().parents[3]


def _bundle(folder: Path, version: str, name: str | None = None) -> Path:
    """A copy of the shipped bundle as a later build would write it: another version in the card and the ONNX."""
    import onnx

    shutil.copytree(bundle_dir(), folder)
    model = onnx.load(str(folder / "model.onnx"))
    for prop in model.metadata_props:
        if prop.key == "model_version":
            prop.value = version
        if prop.key == "model_name" and name:
            prop.value = name
    onnx.save(model, str(folder / "model.onnx"))
    card = json.loads((folder / "model_card.json").read_text())
    card["model"]["version"] = version
    if name:
        card["model"]["name"] = name
    card["model"]["onnx_sha256"] = sha256_file(folder / "model.onnx")
    card["integrity"]["card_sha256"] = card_digest(card)
    (folder / "model_card.json").write_text(json.dumps(card, indent=1))
    return folder


@pytest.fixture
def keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A trusted key (its .pub in the program's key folder, here a temporary one) and a stranger's key."""
    trusted_folder, elsewhere = tmp_path / "trusted", tmp_path / "elsewhere"
    private, public = keygen(tmp_path / "release")
    trusted_folder.mkdir()
    shutil.copy(public, trusted_folder)
    stranger, _ = keygen(elsewhere)
    monkeypatch.setattr("app.core.model_store.keys_dir", lambda: trusted_folder)
    return {"key": private, "pub": public, "trusted": trusted_folder, "stranger": stranger}


def _seed(path: Path) -> bytes:
    return read_private_key(path.read_text(), path)


def _package(tmp_path: Path, key: Path, version: str = "1.0.1", name: str | None = None) -> Path:
    folder = tmp_path / f"bundle-{version}-{name or 'same'}"
    return package(_bundle(folder, version, name), _seed(key), tmp_path / "dist")


def test_keygen_writes_a_private_key_only_its_owner_can_read(keys) -> None:
    assert keys["key"].stat().st_mode & 0o777 == 0o600
    assert keys["key"].name.startswith("scoredesk-")
    assert keys["pub"].suffix == ".pub"


def test_a_signed_package_installs_and_becomes_the_active_model(tmp_path: Path, keys, capsys) -> None:
    path = _package(tmp_path, keys["key"])
    assert path.name == "telco_churn-1.0.1.sdmodel"
    code, out, err = _run(["model", "install", str(path)], capsys)
    assert code == EXIT_OK, err
    assert "installed telco_churn 1.0.1" in out
    assert "challenger 1.0.1 against the active 1.0.0" in out  # shown before the switch
    assert "roc_auc    0.8432 -> 0.8432 (+0.0000)" in out
    assert "decisions that flip at each model's threshold: 0.00% of 1,409" in out
    code, out, err = _run(["info"], capsys)
    assert "1.0.1" in out
    assert err == ""
    code, out, _ = _run(["model", "list", "--json"], capsys)
    assert json.loads(out)["active"] == "1.0.1"
    assert _run(["model", "verify", "--active"], capsys)[0] == EXIT_OK
    assert (
        _run(
            [
                "score",
                str(REPO / "resources/samples/telco_churn_to_score.csv"),
                "-o",
                str(tmp_path / "o.csv"),
                "--no-log",
            ],
            capsys,
        )[0]
        == EXIT_OK
    )


def _rezip(source: Path, target: Path, change) -> Path:
    with zipfile.ZipFile(source) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    change(files)
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return target


def test_refusals_change_nothing_and_say_why(tmp_path: Path, keys, capsys) -> None:
    good = _package(tmp_path, keys["key"])
    refusals = {
        "bad signature": (lambda f: f.__setitem__(SIGNATURE, bytes(64)), EXIT_BUNDLE, "signature does not match"),
        "altered file": (lambda f: f.__setitem__("MODEL_CARD.md", b"changed"), EXIT_BUNDLE, "MODEL_CARD.md does not"),
        "extra file": (lambda f: f.__setitem__("evil.py", b"x"), EXIT_BUNDLE, "evil.py is not listed"),
        "missing file": (lambda f: f.pop("model.onnx"), EXIT_BUNDLE, "model.onnx is listed in the manifest but"),
        "no signature": (lambda f: f.pop(SIGNATURE), EXIT_BUNDLE, "not a signed model package"),
    }
    for label, (change, code, message) in refusals.items():
        bad = _rezip(good, tmp_path / f"{label}.sdmodel", change)
        got, _, err = _run(["model", "install", str(bad)], capsys)
        assert (got, err.count("\n")) == (code, 1), (label, err)
        assert message in err, (label, err)
        assert ModelStore().active_version is None, label
    stranger = _package(tmp_path / "s", keys["stranger"])
    got, _, err = _run(["model", "install", str(stranger)], capsys)
    assert got == EXIT_BUNDLE
    assert "which this program does not trust" in err


def test_a_revoked_key_is_refused(tmp_path: Path, keys, capsys) -> None:
    path = _package(tmp_path, keys["key"])
    key_id = keys["pub"].stem.removeprefix("scoredesk-")
    (keys["trusted"] / "REVOKED").write_text(f"# rotated after a laptop was lost\n{key_id}\n")
    code, _, err = _run(["model", "install", str(path)], capsys)
    assert code == EXIT_BUNDLE
    assert "has been revoked" in err


def _signed_with(tmp_path: Path, key: Path, change) -> Path:
    """A package whose manifest says something else, signed properly (so only the rule can refuse it)."""
    source = _package(tmp_path, key)
    with zipfile.ZipFile(source) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        files = {name: archive.read(name) for name in ("model.onnx", "model_card.json", "MODEL_CARD.md")}
    change(manifest)
    target = tmp_path / "changed.sdmodel"
    target.write_bytes(write_package(files, manifest, _seed(key)))
    return target


def test_packages_this_app_may_not_run_are_refused(tmp_path: Path, keys, capsys) -> None:
    cases = {
        "newer app": (lambda m: m.__setitem__("min_app_version", "99.0"), "needs ScoreDesk 99.0 or newer"),
        "unknown schema": (lambda m: m.__setitem__("card_schema", 7), "card schema 7"),
    }
    for label, (change, message) in cases.items():
        code, _, err = _run(["model", "install", str(_signed_with(tmp_path / label, keys["key"], change))], capsys)
        assert code == EXIT_INPUT, (label, err)
        assert message in err, label
    same = _package(tmp_path / "same", keys["key"], version="1.0.0")
    code, _, err = _run(["model", "install", str(same)], capsys)
    assert code == EXIT_INPUT
    assert "is not newer than the active 1.0.0; --allow-downgrade" in err
    other = _package(tmp_path / "other", keys["key"], version="2.0.0", name="credit_scoring")
    code, _, err = _run(["model", "install", str(other)], capsys)
    assert code == EXIT_INPUT
    assert "--allow-other-model" in err
    assert ModelStore().active_version is None


def test_tampering_after_install_falls_back_to_the_shipped_model_and_says_so(tmp_path: Path, keys, capsys) -> None:
    assert _run(["model", "install", str(_package(tmp_path, keys["key"]))], capsys)[0] == EXIT_OK
    store = ModelStore()
    for name in ("model.onnx", "model_card.json", "MODEL_CARD.md", MANIFEST):
        target = store.root / "1.0.1" / name
        original = target.read_bytes()
        target.write_bytes(original + b" ")
        active = store.active()
        assert active.installed is None, name
        assert "using the shipped model telco_churn 1.0.0 instead" in active.problem, name
        code, out, err = _run(["info"], capsys)
        assert "1.0.0" in out
        assert err.startswith("warning: "), name
        assert "shipped model" in err, name
        target.write_bytes(original)
    assert store.active().installed == "1.0.1"


def test_use_and_rollback_switch_between_verified_versions(tmp_path: Path, keys, capsys) -> None:
    for version in ("1.0.1", "1.0.2"):
        assert _run(["model", "install", str(_package(tmp_path / version, keys["key"], version))], capsys)[0] == 0
    store = ModelStore()
    assert store.active_version == "1.0.2"
    assert _run(["model", "rollback"], capsys)[0] == EXIT_OK
    assert store.active_version == "1.0.1"
    assert _run(["model", "use", "1.0.2"], capsys)[0] == EXIT_OK
    assert store.active_version == "1.0.2"
    code, _, err = _run(["model", "use", "3.0"], capsys)
    assert code == EXIT_INPUT
    assert "not installed" in err


_CRASH = """
import os, signal, sys
from pathlib import Path
from app.core import model_store
model_store.keys_dir = lambda: Path(sys.argv[2])
def crash(self, *args):  # the unpacked folder is in place; the pointer is not yet switched
    os.kill(os.getpid(), signal.SIGKILL)
model_store.ModelStore._point_to = crash
model_store.ModelStore().install(Path(sys.argv[1]))
"""


def test_a_crash_between_unpacking_and_switching_leaves_the_old_model_active(tmp_path: Path, keys, capsys) -> None:
    assert _run(["model", "install", str(_package(tmp_path / "a", keys["key"], "1.0.1"))], capsys)[0] == EXIT_OK
    newer = _package(tmp_path / "b", keys["key"], "1.0.2")
    result = subprocess.run(
        [sys.executable, "-c", _CRASH, str(newer), str(keys["trusted"])], cwd=REPO, capture_output=True, check=False
    )
    assert result.returncode == -9
    store = ModelStore()
    assert store.active_version == "1.0.1"
    assert store.active().installed == "1.0.1"
    assert _run(["model", "install", str(newer)], capsys)[0] == EXIT_OK  # the interrupted install can be redone
    assert store.active_version == "1.0.2"


def test_runs_record_which_model_and_key_they_ran_with(tmp_path: Path, keys, capsys, isolated_user_data) -> None:
    sample = str(REPO / "resources/samples/telco_churn_to_score.csv")
    assert _run(["score", sample, "-o", str(tmp_path / "a.csv")], capsys)[0] == EXIT_OK
    assert _run(["model", "install", str(_package(tmp_path, keys["key"]))], capsys)[0] == EXIT_OK
    assert _run(["score", sample, "-o", str(tmp_path / "b.csv")], capsys)[0] == EXIT_OK
    assert _run(["score", sample, "-o", str(tmp_path / "c.csv"), "--model", str(bundle_dir())], capsys)[0] == 0
    records = [json.loads(line) for line in (isolated_user_data / "runs.jsonl").read_text().splitlines()]
    models = [r["scoredesk"]["model"] for r in records if r["event"]["action"] == "score"]
    key = keys["pub"].stem.removeprefix("scoredesk-")
    assert [(m["version"], m["origin"], m["key_id"]) for m in models] == [
        ("1.0.0", "shipped", None),
        ("1.0.1", "installed", key),
        ("1.0.0", "unsigned", None),
    ]


def test_require_signed_refuses_unsigned_bundles(tmp_path: Path, capsys, isolated_user_data) -> None:
    (isolated_user_data / "settings.ini").write_text("[General]\nrequire_signed=true\n")
    code, _, err = _run(["info", "--model", str(bundle_dir())], capsys)
    assert code == EXIT_BUNDLE
    assert "accepts only signed models (require_signed in settings.ini)" in err
    assert _run(["info"], capsys)[0] == EXIT_OK  # the shipped bundle is part of the program


def test_self_test_verifies_an_installed_models_signature(tmp_path: Path, keys, capsys) -> None:
    assert _run(["model", "install", str(_package(tmp_path, keys["key"]))], capsys)[0] == EXIT_OK
    code, out, _ = _run(["self-test", "--no-gui"], capsys)
    assert code == EXIT_OK, out
    key = keys["pub"].stem.removeprefix("scoredesk-")
    assert f"ok   bundle signature: installed 1.0.1, signed by trusted key {key}" in out


def test_the_comparison_shows_deltas_and_flipped_decisions() -> None:
    import dataclasses

    from app.core.bundle import load_bundle
    from app.core.champion import compare_cards

    champion = load_bundle().card
    raw = json.loads(json.dumps(champion.raw))
    raw["metrics"]["test"]["roc_auc"] -= 0.01
    probabilities = raw["test_predictions"]["probability"]
    raw["test_predictions"]["probability"] = [1 - p for p in probabilities[:100]] + probabilities[100:]
    challenger = dataclasses.replace(champion, raw=raw)
    result = compare_cards(champion, challenger)
    assert result["metrics"]["roc_auc"]["delta"] == pytest.approx(-0.01)
    threshold = champion.threshold
    expected = sum((p >= threshold) != (1 - p >= threshold) for p in probabilities[:100]) / len(probabilities)
    assert result["flip_share"] == pytest.approx(expected)
    raw["test_predictions"]["label"] = raw["test_predictions"]["label"][:-1]
    assert compare_cards(champion, dataclasses.replace(champion, raw=raw))["flip_share"] is None


def test_model_changes_are_events_in_the_run_log(tmp_path: Path, keys, capsys, isolated_user_data) -> None:
    for version in ("1.0.1", "1.0.2"):
        assert _run(["model", "install", str(_package(tmp_path / version, keys["key"], version))], capsys)[0] == 0
    assert _run(["model", "rollback"], capsys)[0] == EXIT_OK
    assert _run(["model", "use", "1.0.2"], capsys)[0] == EXIT_OK
    bad = _rezip(
        _package(tmp_path / "x", keys["key"], "1.0.3"),
        tmp_path / "bad.sdmodel",
        lambda f: f.__setitem__(SIGNATURE, bytes(64)),
    )
    assert _run(["model", "install", str(bad)], capsys)[0] == EXIT_BUNDLE
    events = [json.loads(line) for line in (isolated_user_data / "runs.jsonl").read_text().splitlines()]
    actions = [(e["event"]["action"], e["scoredesk"]["model"].get("version")) for e in events]
    assert actions == [
        ("model.installed", "1.0.1"),
        ("model.installed", "1.0.2"),
        ("model.rolled_back", "1.0.1"),
        ("model.activated", "1.0.2"),
        ("model.refused", None),
    ]
    assert events[0]["scoredesk"]["model"]["key_id"] == keys["pub"].stem.removeprefix("scoredesk-")
    assert "signature does not match" in events[-1]["event"]["reason"]


def test_a_run_in_progress_keeps_its_model_while_another_instance_installs(qtbot, tmp_path: Path, keys, capsys) -> None:
    import os

    header, *rows = (REPO / "resources/samples/telco_churn_to_score.csv").read_text().splitlines()
    big = tmp_path / "big.csv"
    big.write_text(header + "\n" + "\n".join(rows * 250) + "\n")  # 50,000 rows: the run takes a while
    out = tmp_path / "scored.csv"
    env = os.environ | {"SCOREDESK_DATA_DIR": os.environ["SCOREDESK_DATA_DIR"]}
    scoring = subprocess.Popen(
        [sys.executable, "-m", "app", "score", str(big), "-o", str(out), "--explain", "2"], cwd=REPO, env=env
    )
    qtbot.waitUntil(
        lambda: bool(list(tmp_path.glob(".scored.csv.*.part"))) or scoring.poll() is not None, timeout=120_000
    )
    assert _run(["model", "install", str(_package(tmp_path, keys["key"]))], capsys)[0] == EXIT_OK
    assert scoring.wait(timeout=300) == EXIT_OK
    records = [json.loads(line) for line in (Path(env["SCOREDESK_DATA_DIR"]) / "runs.jsonl").read_text().splitlines()]
    scored = [r for r in records if r["event"]["action"] == "score"]
    assert [r["scoredesk"]["model"]["version"] for r in scored] == ["1.0.0"]  # the model it started with
    assert ModelStore().active_version == "1.0.1"  # and the next run gets the new one
