"""Installed models in the window: a model that fails verification is replaced by the shipped one, visibly."""

from __future__ import annotations

from pathlib import Path

from app.ui.main_window import MainWindow


def test_an_installed_model_that_fails_verification_is_replaced_by_the_shipped_one_visibly(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    from app.core.model_store import ModelStore
    from app.core.signing import read_private_key
    from app.ui.settings import Settings
    from app.ui.state import AppState
    from model_build.packaging import keygen, package
    from tests.app.core.test_signed_models import _bundle

    private, public = keygen(tmp_path / "keys")
    monkeypatch.setattr("app.core.model_store.keys_dir", lambda: tmp_path / "keys")
    signed = package(_bundle(tmp_path / "bundle", "1.0.1"), read_private_key(private.read_text(), private), tmp_path)
    store = ModelStore()
    store.install(signed)
    (store.root / "1.0.1" / "MODEL_CARD.md").write_text("edited on disk")
    window = MainWindow(AppState(), Settings())
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.bundleLoaded, timeout=60_000):
        window.load_default_bundle()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    assert window.state.bundle.card.version == "1.0.0"
    assert "using the shipped model telco_churn 1.0.0 instead" in window.message.text()
    assert "MODEL_CARD.md does not match" in window.message.text()
    window.close()


def test_install_update_shows_the_comparison_then_installs_and_loads_it(qtbot, window, tmp_path: Path, monkeypatch):
    from app.core.model_store import ModelStore
    from app.core.signing import read_private_key
    from model_build.packaging import keygen, package
    from tests.app.core.test_signed_models import _bundle

    private, _ = keygen(tmp_path / "keys")
    monkeypatch.setattr("app.core.model_store.keys_dir", lambda: tmp_path / "keys")
    signed = package(_bundle(tmp_path / "bundle", "1.0.1"), read_private_key(private.read_text(), private), tmp_path)
    with qtbot.waitSignal(window.updateShown, timeout=60_000) as shown:
        window.install_update(signed)
    dialog = shown.args[0]
    assert dialog.table.item(0, 0).text() == "roc_auc"
    assert dialog.table.item(0, 3).text() == "+0.0000"
    assert "0.00% of the 1,409 test rows" in dialog.flips.text()
    with qtbot.waitSignal(window.bundleLoaded, timeout=60_000):
        dialog.accept()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    assert window.state.bundle.card.version == "1.0.1"
    assert ModelStore().active_version == "1.0.1"

    window.versions_dialog()
    versions = window.versions_window
    assert [versions.list.item(i).text() for i in range(versions.list.count())][-1] == "1.0.1   (active)"
    with qtbot.waitSignal(window.bundleLoaded, timeout=60_000):
        versions.roll_back()
        versions.reject()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    assert window.state.bundle.card.version == "1.0.0"
    assert ModelStore().active_version is None


def test_an_untrusted_update_is_refused_in_a_dialog(qtbot, window, tmp_path: Path, monkeypatch) -> None:
    from app.core.signing import read_private_key
    from model_build.packaging import keygen, package
    from tests.app.core.test_signed_models import _bundle

    private, _ = keygen(tmp_path / "stranger")
    monkeypatch.setattr("app.core.model_store.keys_dir", lambda: tmp_path / "trusted-none")
    signed = package(_bundle(tmp_path / "bundle", "1.0.1"), read_private_key(private.read_text(), private), tmp_path)
    with qtbot.waitSignal(window.jobFailed, timeout=60_000) as failed:
        window.install_update(signed)
    assert "does not trust" in failed.args[0]
    assert window.state.bundle.card.version == "1.0.0"


def test_the_update_is_also_compared_on_the_open_labelled_file(qtbot, window, tmp_path: Path, monkeypatch) -> None:
    from app.core.signing import read_private_key
    from model_build.packaging import keygen, package
    from tests.app.core.test_signed_models import _bundle
    from tests.app.inputs import LABELLED
    from tests.app.ui.conftest import open_and_wait

    private, _ = keygen(tmp_path / "keys")
    monkeypatch.setattr("app.core.model_store.keys_dir", lambda: tmp_path / "keys")
    signed = package(_bundle(tmp_path / "bundle", "1.0.1"), read_private_key(private.read_text(), private), tmp_path)
    open_and_wait(qtbot, window, LABELLED)
    with qtbot.waitSignal(window.updateShown, timeout=60_000) as shown:
        window.install_update(signed)
    dialog = shown.args[0]
    text = dialog.on_file.text()
    assert text.startswith(f"On {LABELLED.name} (500 labelled rows): ROC AUC ")
    assert "(+0.0000); 0.00% of its decisions would flip" in text  # the same model under another version
    dialog.reject()


def test_refused_packages_are_refused_plainly_before_anything_is_offered(
    qtbot, window, tmp_path: Path, monkeypatch, isolated_user_data
) -> None:
    """Truncated, random, empty, bad-CRC, untrusted, failing-its-golden-rows and same-version packages: a plain
    refusal naming the problem, no 'Something went wrong', no traceback in errors.log, no Install button."""
    import random
    import zipfile

    from PySide6.QtWidgets import QMessageBox

    from app.core.model_store import ModelStore
    from app.core.signing import read_private_key
    from model_build.packaging import keygen, package
    from tests.app.core.test_package_review import _times
    from tests.app.core.test_signed_models import _bundle

    private, _ = keygen(tmp_path / "keys")
    stranger, _ = keygen(tmp_path / "stranger")
    monkeypatch.setattr("app.core.model_store.keys_dir", lambda: tmp_path / "keys")
    seed = read_private_key(private.read_text(), private)
    good = package(_bundle(tmp_path / "bundle", "1.0.1"), seed, tmp_path / "good").read_bytes()
    stored = tmp_path / "stored.sdmodel"  # uncompressed, so one changed byte reaches a member and its CRC
    with zipfile.ZipFile(tmp_path / "good" / "telco_churn-1.0.1.sdmodel") as source:
        with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as target:
            for name in source.namelist():
                target.writestr(name, source.read(name))
    bad_crc = bytearray(stored.read_bytes())
    bad_crc[bad_crc.index(b'"golden_rows"') + 3] ^= 0x01
    cases = {
        "truncated": (good[: len(good) // 2], "not a model package"),
        "random": (random.Random(30).randbytes(4096), "not a model package"),
        "empty": (b"", "not a model package"),
        "bad CRC": (bytes(bad_crc), "Bad CRC-32"),
        "untrusted": (
            package(
                _bundle(tmp_path / "b2", "1.0.1"), read_private_key(stranger.read_text(), stranger), tmp_path / "s"
            ).read_bytes(),
            "which this program does not trust",
        ),
        "golden rows": (_times(tmp_path, private, float("nan")).read_bytes(), "fails its golden rows"),
        "same version": (
            package(_bundle(tmp_path / "b3", "1.0.0"), seed, tmp_path / "same").read_bytes(),
            "is not newer than the active 1.0.0",
        ),
    }
    offered = []
    window.updateShown.connect(offered.append)
    for label, (data, said) in cases.items():
        path = tmp_path / f"{label}.sdmodel"
        path.write_bytes(data)
        with qtbot.waitSignal(window.jobFailed, timeout=60_000):
            window.install_update(path)
        qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
        box = window.last_error
        assert box.windowTitle() == "The update cannot be installed", label
        assert box.icon() == QMessageBox.Icon.Warning, label
        assert said in box.text(), (label, box.text())
        assert "Something went wrong" not in box.text(), label
        assert "--allow" not in box.text(), label
        box.close()
    assert "Model ▸ Versions" in window.last_error.text()  # the same version: how to go back, in the window's words
    assert offered == []
    assert not (isolated_user_data / "errors.log").exists()
    assert ModelStore().versions() == []
    assert window.state.bundle.card.version == "1.0.0"


def test_an_older_installed_model_chosen_explicitly_is_named_in_the_status_bar(
    qtbot, tmp_path: Path, monkeypatch, capsys
) -> None:
    from app.core.model_store import ModelStore
    from app.core.signing import read_private_key
    from app.ui.settings import Settings
    from app.ui.state import AppState
    from model_build.packaging import keygen, package
    from tests.app.core.test_signed_models import _bundle

    private, _ = keygen(tmp_path / "keys")
    monkeypatch.setattr("app.core.model_store.keys_dir", lambda: tmp_path / "keys")
    shipped = _bundle(tmp_path / "shipped", "2.0.0")  # the program was upgraded since 1.0.1 was installed
    monkeypatch.setattr("app.core.model_store.bundle_dir", lambda: shipped)
    signed = package(_bundle(tmp_path / "bundle", "1.0.1"), read_private_key(private.read_text(), private), tmp_path)
    ModelStore().install(signed, allow_downgrade=True)
    window = MainWindow(AppState(), Settings())
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.bundleLoaded, timeout=60_000):
        window.load_default_bundle()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    assert window.state.bundle.card.version == "1.0.1"
    warning = "the installed telco_churn 1.0.1 runs, older than the shipped 2.0.0, because it was chosen explicitly"
    assert window.message.text() == f"Warning: {warning}"
    assert warning in capsys.readouterr().err
    window.close()
