"""The CLI in Spanish: the same codes, columns and JSON; the human lines and numbers in Spanish."""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path

import pytest

from app.cli import EXIT_BUNDLE, EXIT_INPUT, EXIT_OK
from app.core import i18n
from app.core.dialects import InputError
from app.core.i18n import N_, Message
from tests.app.inputs import LABELLED, SAMPLE, sample_frame, write_csv
from tests.app.running import run_cli as run


def _codes(text: str) -> list[tuple[str, str]]:
    """Each issue line's code and its quoted column."""
    return re.findall(r"^\s+\S+\s+([a-z_]+)\s+.*?'([^']*)'", text, re.M)


def test_check_in_spanish_prints_spanish_messages_with_the_same_codes(tmp_path: Path, capsys) -> None:
    frame = sample_frame()
    frame.loc[3, "tenure"] = "-4"  # impossible
    frame.loc[5, "monthly_charges"] = "abc"  # not a number
    frame.loc[7, "contract"] = "Weekly"  # unseen
    path = write_csv(frame, tmp_path / "mixed.csv")
    code, english, _ = run(["check", str(path), "--lang", "en"], capsys)
    assert code == 0
    code, spanish, _ = run(["check", str(path), "--lang", "es"], capsys)
    assert code == 0
    assert _codes(spanish) == _codes(english)
    assert len(_codes(english)) >= 3
    assert "veredicto ERROR" in spanish
    assert "Valor imposible en 'tenure': 1 fila (filas 4)" in spanish
    assert "No es un número en 'monthly_charges': 1 fila" in spanish
    assert "deriva:" in spanish
    assert "rendimiento estimado en estas" in spanish
    assert re.search(r"roc_auc 0,\d{4} \(0,\d{3}-0,\d{3}\)", spanish)
    for word in ("rows", "verdict", "missing", "drift", "estimated"):
        assert not re.search(rf"\b{word}\b", spanish), word


def test_json_and_written_files_do_not_change_with_the_language(tmp_path: Path, capsys) -> None:
    _, english, _ = run(["check", str(LABELLED), "--json", "--lang", "en"], capsys)
    _, spanish, _ = run(["check", str(LABELLED), "--json", "--lang", "es"], capsys)
    assert json.loads(spanish) == json.loads(english)
    assert "Outside the training range in 'monthly_charges'" in spanish  # the message field stays English
    run(["score", str(SAMPLE), "-o", str(tmp_path / "en.csv"), "--no-log", "--lang", "en"], capsys)
    _, summary, _ = run(["score", str(SAMPLE), "-o", str(tmp_path / "es.csv"), "--no-log", "--lang", "es"], capsys)
    assert "con el umbral 0,19" in summary
    assert (tmp_path / "es.csv").read_bytes() == (tmp_path / "en.csv").read_bytes()


def test_lang_is_remembered_for_the_next_command(capsys) -> None:
    run(["check", str(SAMPLE), "--lang", "es"], capsys)
    i18n.set_language("en")  # as a new process starts
    _, text, _ = run(["check", str(SAMPLE)], capsys)
    assert "filas" in text
    _, text, _ = run(["check", str(SAMPLE), "--lang", "en"], capsys)
    assert "rows" in text
    _, text, _ = run(["check", str(SAMPLE)], capsys)
    assert "rows" in text


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[list[str], str, str]]:
    """Typical bad inputs: the command, its English error line as the CLI always wrote it, and the Spanish one."""
    missing = tmp_path / "missing.csv"
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    lacking = write_csv(sample_frame().drop(columns=["tenure"]), tmp_path / "lacking.csv")
    mapping = tmp_path / "bad.toml"
    mapping.write_text('[columns]\nnothere = "x"\n', encoding="utf-8")
    absent = tmp_path / "absent.toml"
    return {
        "missing file": (
            ["check", str(missing)],
            f"error: {missing}: no such file",
            f"error: {missing}: no existe el archivo",
        ),
        "empty file": (
            ["check", str(empty)],
            f"error: {empty}: the file is empty",
            f"error: {empty}: el archivo está vacío",
        ),
        "file lacking a model column": (
            ["score", str(lacking), "-o", str(tmp_path / "out.csv"), "--no-log"],
            f"error: {lacking}: missing column 'tenure' (numeric): map one of the file's columns to it with --mapping",
            f"error: {lacking}: falta la columna 'tenure' (numeric): asígnele una de las columnas del archivo con"
            " --mapping",
        ),
        "bad mapping file": (
            ["check", str(SAMPLE), "--mapping", str(mapping)],
            f"error: {mapping}: [columns] nothere: the model has no column 'nothere'",
            f"error: {mapping}: [columns] nothere: el modelo no tiene la columna 'nothere'",
        ),
        "missing mapping file": (
            ["check", str(SAMPLE), "--mapping", str(absent)],
            f"error: {absent}: no such mapping file",
            f"error: {absent}: no existe el archivo de asignación",
        ),
        "bad argument": (
            ["score", str(SAMPLE), "-o", str(tmp_path / "out.csv"), "--threshold", "2"],
            "error: python -m app score: argument --threshold: threshold 2 is outside the allowed range: within 0..1"
            " (see --help)",
            "error: python -m app score: argument --threshold: umbral 2 está fuera del intervalo permitido: dentro"
            " de 0..1 (consulte --help)",
        ),
        "local engine given two files": (
            ["score", str(SAMPLE), str(SAMPLE), "-o", str(tmp_path / "out.csv")],
            "error: 2 inputs given: the local engine scores one file; use --engine dask",
            "error: se han indicado 2 entradas: el motor local puntúa un archivo; use --engine dask",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing file",
        "empty file",
        "file lacking a model column",
        "bad mapping file",
        "missing mapping file",
        "bad argument",
        "local engine given two files",
    ],
)
def test_bad_inputs_are_one_error_line_in_the_language_with_the_same_exit_code(
    tmp_path: Path, capsys, case: str
) -> None:
    command, english, spanish = _bad_inputs(tmp_path)[case]
    code_en, _, err_en = run([*command, "--lang", "en"], capsys)
    code_es, _, err_es = run([*command, "--lang", "es"], capsys)
    assert code_en == code_es == EXIT_INPUT
    assert err_en == english + "\n"  # the English bytes of every earlier release
    assert err_es == spanish + "\n"


def test_a_broken_model_bundle_is_reported_in_spanish_with_exit_code_3(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "model"
    code_en, _, err_en = run(["info", "--model", str(folder), "--lang", "en"], capsys)
    code_es, _, err_es = run(["info", "--model", str(folder), "--lang", "es"], capsys)
    assert code_en == code_es == EXIT_BUNDLE
    assert err_en == f"error: model bundle: model bundle folder {folder} does not exist\n"
    assert err_es == f"error: carpeta del modelo: la carpeta del modelo {folder} no existe\n"


def test_info_in_spanish(capsys) -> None:
    code, english, _ = run(["info", "--lang", "en"], capsys)
    assert code == EXIT_OK
    assert "predicts churn = 'Yes' at threshold 0.19" in english
    assert re.search(r"^gate passed {9}Ranks churners well \(test\.roc_auc = 0\.843194\)$", english, re.M)
    assert "trusted model-package keys: none" in english
    code, spanish, _ = run(["info", "--lang", "es"], capsys)
    assert code == EXIT_OK
    assert "predice churn = 'Yes' con el umbral 0,19" in spanish
    assert re.search(r"^control superado {7}Ranks churners well \(test\.roc_auc = 0,843194\)$", spanish, re.M)
    assert "claves de confianza para paquetes de modelos: ninguna" in spanish
    assert "prueba: roc_auc 0,8432" in spanish
    gates = [line for line in spanish.splitlines() if line.startswith("control ")]
    assert len(gates) == len(re.findall(r"^gate ", english, re.M))
    ours = "\n".join(line for line in spanish.splitlines() if line not in gates)  # gate names are the card's
    for word in ("predicts", "threshold", "trusted", "built", "bundle", "test"):
        assert not re.search(rf"\b{word}\b", ours), word
    _, as_json, _ = run(["info", "--json", "--lang", "es"], capsys)
    assert json.loads(as_json) == json.loads(run(["info", "--json", "--lang", "en"], capsys)[1])


def test_history_in_spanish_with_its_alerts(tmp_path: Path, capsys) -> None:
    code, empty, _ = run(["history", "--lang", "es"], capsys)
    assert code == EXIT_OK
    assert empty.startswith("Aún no hay puntuaciones registradas (el registro es ")
    run(["score", str(SAMPLE), "-o", str(tmp_path / "a.csv"), "--lang", "en"], capsys)
    shifted = sample_frame().drop(columns=["notes"])
    shifted["tenure"] = "70"
    shifted["contract"] = "Two year"
    run(["score", str(write_csv(shifted, tmp_path / "loyal.csv")), "-o", str(tmp_path / "b.csv")], capsys)
    run(["score", str(tmp_path / "missing.csv"), "-o", str(tmp_path / "c.csv")], capsys)  # a failed run
    _, english, _ = run(["history", "--lang", "en"], capsys)
    _, spanish, _ = run(["history", "--lang", "es"], capsys)
    assert english.splitlines()[0] == (
        f"{'when (UTC)':<20} {'file':<28} {'rows':>9} {'verdict':<8} {'positive':>8} {'band':>9}"
        f" {'est. ROC AUC':>19}  largest drift"
    )
    assert re.search(
        r"^ALERT drift: \S+ \(loyal\.csv\): tenure drifted, PSI \d\.\d\d \(alert from 0\.25\)$", english, re.M
    )
    assert "(1 run that did not finish: failed or cancelled)" in english
    header = spanish.splitlines()[0]
    assert header.startswith("cuándo (UTC)")
    assert header.endswith("  mayor deriva")
    assert "veredicto" in header
    assert re.search(
        r"^ALERTA drift: \S+ \(loyal\.csv\): tenure se ha desviado, PSI \d,\d\d \(alerta desde 0,25\)$", spanish, re.M
    )
    assert re.search(r"^ALERTA positive_rate: .*tasa de positivos \d+,\d\xa0% fuera de la banda", spanish, re.M)
    assert "(1 ejecución que no terminó: falló o se canceló)" in spanish
    rows = [line for line in spanish.splitlines() if "loyal.csv" in line and not line.startswith("ALERTA")]
    assert len(rows) == 1
    assert " 200 " in rows[0]
    for word in ("rows", "drifted", "positive rate", "outside", "did not finish"):
        assert word not in spanish, word
    _, as_json, _ = run(["history", "--json", "--lang", "es"], capsys)
    assert json.loads(as_json) == json.loads(run(["history", "--json", "--lang", "en"], capsys)[1])
    assert "tenure drifted, PSI" in as_json  # the alert's message stays English in the JSON


def test_model_commands_and_self_test_in_spanish(capsys) -> None:
    code, _, err = run(["model", "rollback", "--lang", "es"], capsys)
    assert code == EXIT_INPUT
    assert err == "error: el modelo incluido está activo; no hay ninguna versión anterior a la que volver\n"
    code, _, err = run(["model", "use", "9.9.9", "--lang", "en"], capsys)
    assert code == EXIT_INPUT
    assert err == "error: version 9.9.9 is not installed (installed: none)\n"
    code, out, _ = run(["model", "list", "--lang", "es"], capsys)
    assert code == EXIT_OK
    assert out.startswith("  incluido telco_churn ")
    assert out.rstrip().endswith("(activo)")
    code, out, _ = run(["self-test", "--no-gui", "--lang", "es"], capsys)
    assert code == EXIT_OK
    assert "ok   filas de referencia: " in out
    assert out.rstrip().endswith("autocomprobación superada")
    code, out, _ = run(["self-test", "--no-gui", "--lang", "en"], capsys)
    assert "ok   golden rows: " in out
    assert out.rstrip().endswith("self-test passed")


def test_a_translated_error_pickles_with_its_message() -> None:
    error = InputError(Message.of(N_("{path}: the file is empty"), path=Path("data.csv")))
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is InputError
    assert str(again) == "data.csv: the file is empty"
    i18n.set_language("es")
    try:
        assert again.shown() == "data.csv: el archivo está vacío"
    finally:
        i18n.set_language("en")


def test_the_commands_help_is_in_the_language() -> None:
    from app.cli import _parser

    i18n.set_language("es")
    spanish = _parser().format_help()
    assert "puntuar un archivo CSV en un archivo CSV nuevo" in spanish
    assert "Puntúe archivos de clientes sin conexión con el modelo incluido." in spanish
    i18n.set_language("en")
    assert "score a CSV file into a new CSV file" in _parser().format_help()


def test_an_output_that_cannot_be_written_is_explained_in_spanish(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "report.txt"
    blocker.write_text("not a folder")
    out = blocker / "scored.csv"
    code, _, english = run(["score", str(SAMPLE), "-o", str(out), "--no-log", "--lang", "en"], capsys)
    assert code == 2
    assert f"{blocker} is a file, not a folder; choose another folder for the output" in english
    code, _, spanish = run(["score", str(SAMPLE), "-o", str(out), "--no-log", "--lang", "es"], capsys)
    assert code == 2
    assert f"{out}: no se puede escribir: {blocker} es un archivo, no una carpeta" in spanish
    assert blocker.read_text() == "not a folder"
