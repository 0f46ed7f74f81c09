"""Errors the user reads, in English (str(), logs, JSON, other processes) and in the current language (shown())."""

from __future__ import annotations

import gzip
import json
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.core import i18n
from app.core.bundle import BundleError, load_bundle
from app.core.card import CardError, ModelCard
from app.core.dialects import InputError
from app.core.formats import detect_source
from app.core.history import Alert, summarise_runs
from app.core.i18n import N_, Figure, LocalizedError, Message, general, shown
from app.core.model_store import InstallRefused
from app.core.paths import bundle_dir
from app.core.reading import open_input
from app.core.report import FileReport
from app.core.scoring import MissingColumnsError, scan
from tests.app.inputs import SAMPLE, sample_frame, write_csv


@pytest.fixture
def spanish() -> Iterator[None]:
    i18n.set_language("es")
    try:
        yield
    finally:
        i18n.set_language("en")


def _raised(action: Callable[[], object]) -> LocalizedError:
    with pytest.raises(LocalizedError) as caught:
        action()
    return caught.value


def test_an_input_error_is_english_in_str_and_spanish_when_shown(tmp_path: Path, spanish: None) -> None:
    error = _raised(lambda: detect_source(tmp_path / "none.csv"))
    assert isinstance(error, InputError)
    assert str(error) == f"{tmp_path / 'none.csv'}: no such file"
    assert error.shown() == shown(error) == f"{tmp_path / 'none.csv'}: no existe el archivo"


def test_missing_columns_keep_their_report_and_plural(tmp_path: Path, spanish: None) -> None:
    path = write_csv(sample_frame().drop(columns=["tenure", "contract"]), tmp_path / "lacking.csv")
    error = _raised(lambda: scan(path, load_bundle()))
    assert isinstance(error, MissingColumnsError)
    assert isinstance(error.report, FileReport)
    assert str(error) == (
        f"{path}: missing columns 'tenure' (numeric), 'contract' (categorical): map one of the file's columns to"
        " each with --mapping"
    )
    assert error.shown() == (
        f"{path}: faltan las columnas 'tenure' (numeric), 'contract' (categorical): asigne una de las columnas del"
        " archivo a cada una con --mapping"
    )


def test_errors_pickle_with_their_message_and_attributes(tmp_path: Path) -> None:
    path = write_csv(sample_frame().drop(columns=["tenure"]), tmp_path / "lacking.csv")
    missing = _raised(lambda: scan(path, load_bundle()))
    errors = [
        InputError(Message.of(N_("x {a}"), a="1")),
        InputError("plain text"),
        missing,
        BundleError(Message.of(N_("model bundle folder {folder} does not exist"), folder=tmp_path)),
        CardError(Message.of(N_("model card declares no features"))),
        InstallRefused(Message.of(N_("the shipped model is active; there is nothing to roll back to"))),
    ]
    for error in errors:
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is type(error)
        assert str(again) == str(error)
        assert again.args == error.args
        assert again.note == error.note
    again = pickle.loads(pickle.dumps(missing))
    assert isinstance(again, MissingColumnsError)
    assert again.report.path == missing.report.path  # type: ignore[attr-defined]
    i18n.set_language("es")
    try:
        assert pickle.loads(pickle.dumps(errors[3])).shown() == f"la carpeta del modelo {tmp_path} no existe"
    finally:
        i18n.set_language("en")


def test_a_card_error_inside_a_bundle_error_is_shown_in_the_language(tmp_path: Path, spanish: None) -> None:
    raw = (
        (bundle_dir() / "model_card.json")
        .read_text(encoding="utf-8")
        .replace('"schema_version": 1', '"schema_version": 7')
    )
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "model_card.json").write_text(raw, encoding="utf-8")
    error = _raised(lambda: load_bundle(folder))
    assert isinstance(error, BundleError)
    card = folder / "model_card.json"
    assert str(error) == f"{card}: model card schema version is 7; this app reads version 1"
    assert (
        error.shown() == f"{card}: la versión del esquema de la ficha del modelo es 7; esta aplicación lee la versión 1"
    )
    with pytest.raises(CardError, match="model card declares no features"):
        ModelCard.from_dict({**json.loads(raw), "schema_version": 1, "features": []})


def test_a_compressed_files_form_and_errors_in_spanish(tmp_path: Path, spanish: None) -> None:
    whole = tmp_path / "data.csv.gz"
    whole.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    source = open_input(whole)
    assert source.dialect.describe() == "gzip-compressed, UTF-8, comma-separated, LF"  # JSON and logs
    assert source.dialect.note().text() == "comprimido con gzip, UTF-8, separado por comas, LF"
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(whole.read_bytes()[:300])
    error = _raised(lambda: list(open_input(cut).chunks()))
    assert str(error).startswith(f"{cut}: the gzip-compressed data is damaged or cut short (")
    assert error.shown().startswith(f"{cut}: los datos (comprimido con gzip) están dañados o cortados (")


def test_an_alert_keeps_english_for_json_and_shows_the_language(spanish: None) -> None:
    alert = Alert.of(
        0,
        "drift",
        Message.of(
            N_("{run}: {name} drifted, PSI {psi} (alert from {limit})"),
            run="r",
            name="tenure",
            psi=Figure(0.312, 2),
            limit=general(0.25),
        ),
    )
    assert alert.message == "r: tenure drifted, PSI 0.31 (alert from 0.25)"
    assert alert.shown() == "r: tenure se ha desviado, PSI 0,31 (alerta desde 0,25)"
    assert Alert(0, "drift", "old text").shown() == "old text"  # an alert made without a Message
    assert summarise_runs([]).alerts == []


def test_general_numbers_and_empty_messages() -> None:
    assert general(0.8) == Figure(0.8, 1)
    assert general(0.0) == Figure(0.0, 0)
    assert general(1e-06) == "1e-06"  # no plain form: as Python writes it
    i18n.set_language("es")
    try:
        assert i18n.gettext("") == ""  # not the catalogue's header
        assert Message.of("").text() == ""
        assert Figure(0.843194, 6).local() == "0,843194"
    finally:
        i18n.set_language("en")
