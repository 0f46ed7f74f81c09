"""The CLI in Spanish: the same codes, columns and JSON; the human lines and numbers in Spanish."""

from __future__ import annotations

import json
import re
from pathlib import Path

from app.core import i18n
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
