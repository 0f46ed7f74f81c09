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
