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
    assert "using the shipped model instead" in window.message.text()
    assert "MODEL_CARD.md does not match" in window.message.text()
    window.close()
