"""Self-test: integrity, signature, golden rows and the sample file, each check with its outcome and detail."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from app.core import i18n
from app.core.bundle import CARD_FILE, load_bundle
from app.core.card import card_digest
from app.core.model_store import ModelStore
from app.core.paths import bundle_dir, samples_dir
from app.core.selftest import SelfTestResult, run_self_test
from app.core.signing import read_private_key
from model_build.packaging import keygen, package
from tests.app.core.test_signed_models import _bundle
from tests.app.faulty_models import scaled_bundle

BUNDLE = load_bundle()
SAMPLE = samples_dir() / "telco_churn_to_score.csv"
NAMES = ["bundle integrity", "bundle signature", "golden rows", "sample file"]


def _english(result: SelfTestResult) -> list[tuple[str, bool, str]]:
    return [(name.english(), ok, detail.english()) for name, ok, detail in result.checks]


def _samples(folder: Path, rows: list[str]) -> Path:
    """A samples folder whose sample file has the shipped sample's header and ``rows``."""
    folder.mkdir()
    header = SAMPLE.read_text(encoding="utf-8").splitlines()[0]
    (folder / SAMPLE.name).write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return folder


def test_the_shipped_bundle_passes_every_check() -> None:
    result = run_self_test(BUNDLE)
    checks = _english(result)
    assert [name for name, _, _ in checks] == NAMES
    assert all(ok for _, ok, _ in checks)
    assert result.passed
    assert checks[0][2] == f"model.onnx sha256 {BUNDLE.card.onnx_sha256[:16]}… matches the card"
    assert checks[1][2] == "not signed: inside the program, verified by its hashes"
    golden = len(BUNDLE.card.raw["golden_rows"])
    assert checks[2][2].startswith(f"{golden} rows, max |difference| ")
    assert checks[2][2].endswith("(limit 1e-06)")
    rows = len(SAMPLE.read_text(encoding="utf-8").splitlines()) - 1
    assert checks[3][2] == f"{SAMPLE.name}: {rows} rows scored, 0 invalid"


def test_a_folder_without_the_sample_skips_that_check(tmp_path: Path) -> None:
    result = run_self_test(BUNDLE, tmp_path)
    assert [name for name, _, _ in _english(result)] == NAMES[:3]
    assert result.passed


def test_a_sample_with_an_invalid_row_fails_the_sample_check(tmp_path: Path) -> None:
    good, *_ = SAMPLE.read_text(encoding="utf-8").splitlines()[1:2]
    cells = good.split(",")
    cells[5] = "lots"  # tenure is a number
    result = run_self_test(BUNDLE, _samples(tmp_path / "samples", [good, ",".join(cells)]))
    assert not result.passed
    assert _english(result)[3] == ("sample file", False, f"{SAMPLE.name}: 2 rows scored, 1 invalid")
    assert all(ok for _, ok, _ in _english(result)[:3])


def test_an_empty_sample_fails_the_sample_check(tmp_path: Path) -> None:
    # The reader refuses a file with no data rows; the self-test reports it instead of stopping on it.
    folder = _samples(tmp_path / "samples", [])
    result = run_self_test(BUNDLE, folder)
    checks = _english(result)
    assert [name for name, _, _ in checks] == NAMES
    assert checks[3] == ("sample file", False, f"{folder / SAMPLE.name}: the file has a header but no data rows")
    assert not result.passed


def test_a_model_that_returns_no_probabilities_fails_golden_rows_and_the_sample(tmp_path: Path) -> None:
    bundle = load_bundle(scaled_bundle(tmp_path / "scaled", 3.0))
    result = run_self_test(bundle)
    checks = _english(result)
    assert [name for name, _, _ in checks] == NAMES
    assert checks[2][:2] == ("golden rows", False)
    assert checks[2][2].endswith("outside 0 to 1")
    assert checks[3][:2] == ("sample file", False)
    assert "a probability is a number from 0 to 1" in checks[3][2]
    assert not result.passed


def test_a_one_row_sample_says_row(tmp_path: Path) -> None:
    row = SAMPLE.read_text(encoding="utf-8").splitlines()[1]
    result = run_self_test(BUNDLE, _samples(tmp_path / "samples", [row]))
    assert _english(result)[3] == ("sample file", True, f"{SAMPLE.name}: 1 row scored, 0 invalid")


def test_an_unsigned_folder_says_so() -> None:
    result = run_self_test(dataclasses.replace(BUNDLE, origin="unsigned"))
    assert _english(result)[1] == (
        "bundle signature",
        True,
        "not signed: an unsigned folder (--model), verified by its hashes",
    )


def test_a_model_that_drifted_from_its_golden_rows_fails(tmp_path: Path) -> None:
    bundle = load_bundle(scaled_bundle(tmp_path / "scaled", 0.5))
    result = run_self_test(bundle, tmp_path)
    name, ok, detail = _english(result)[2]
    assert (name, ok) == ("golden rows", False)
    assert detail.startswith("max |difference| ")
    assert detail.endswith("from the card (limit 1e-06)")
    assert not result.passed


def test_a_card_without_golden_rows_fails(tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    shutil.copytree(bundle_dir(), folder)
    raw = json.loads((folder / CARD_FILE).read_text(encoding="utf-8"))
    raw["golden_rows"] = []
    raw["integrity"]["card_sha256"] = card_digest(raw)
    (folder / CARD_FILE).write_text(json.dumps(raw), encoding="utf-8")
    result = run_self_test(load_bundle(folder), tmp_path)
    assert _english(result)[2] == ("golden rows", False, "the card has no golden rows")
    assert not result.passed


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[ModelStore, str]:
    """The shipped model as version 1.0.1, signed with a key the program trusts and installed."""
    private, public = keygen(tmp_path / "release")
    trusted = tmp_path / "trusted"
    trusted.mkdir()
    shutil.copy(public, trusted)
    monkeypatch.setattr("app.core.model_store.keys_dir", lambda: trusted)
    seed = read_private_key(private.read_text(), private)
    path = package(_bundle(tmp_path / "bundle", "1.0.1"), seed, tmp_path / "dist")
    store = ModelStore()
    store.install(path)
    return store, public.stem.removeprefix("scoredesk-")


def test_an_installed_bundle_has_its_signature_checked_again(installed: tuple[ModelStore, str], tmp_path: Path) -> None:
    store, key = installed
    bundle = store.active().bundle
    assert bundle.origin == "installed"
    result = run_self_test(bundle, tmp_path)
    assert _english(result)[1] == ("bundle signature", True, f"installed 1.0.1, signed by trusted key {key}")
    assert result.passed


def test_an_installed_bundle_changed_since_it_loaded_fails(installed: tuple[ModelStore, str], tmp_path: Path) -> None:
    store, _ = installed
    bundle = store.active().bundle
    card = bundle.directory / CARD_FILE
    card.write_bytes(card.read_bytes() + b"\n")
    name, ok, detail = _english(run_self_test(bundle, tmp_path))[1]
    assert (name, ok) == ("bundle signature", False)
    assert CARD_FILE in detail


def test_the_checks_are_shown_in_spanish() -> None:
    result = run_self_test(BUNDLE)
    i18n.set_language("es")
    names = [name.text() for name, _, _ in result.checks]
    assert names[1:3] == ["firma del modelo", "filas de referencia"]
    assert result.checks[1][2].text() == "sin firmar: dentro del programa, verificado por sus hashes"
    assert [name.english() for name, _, _ in result.checks] == NAMES  # the JSON keeps English


def test_a_result_keeps_plain_text_as_it_is_in_every_language() -> None:
    result = SelfTestResult()
    assert result.passed  # nothing checked, nothing failed
    result.add("{not a field}", True, "50% done")
    result.add("other", False, "why")
    i18n.set_language("es")
    assert [(n.text(), ok, d.text()) for n, ok, d in result.checks] == [
        ("{not a field}", True, "50% done"),
        ("other", False, "why"),
    ]
    assert not result.passed
