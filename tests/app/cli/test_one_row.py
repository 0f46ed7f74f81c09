"""A file of one row is '1 row', never '1 rows': in the CLI's lines, the issues and the HTML report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.cli import EXIT_OK, main
from tests.app.inputs import LABELLED, SAMPLE

WRONG = re.compile(r"\b1 (?:\w+ )?rows\b")  # '1 rows', '1 labelled rows', '1 scored rows'


def _one_row(source: Path, path: Path) -> Path:
    path.write_text("".join(source.read_text(encoding="utf-8").splitlines(keepends=True)[:2]), encoding="utf-8")
    return path


def test_one_row_is_singular_everywhere(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    unlabelled, labelled = _one_row(SAMPLE, tmp_path / "one.csv"), _one_row(LABELLED, tmp_path / "one_labelled.csv")
    commands = [
        ["score", str(unlabelled), "-o", str(tmp_path / "out.csv"), "--no-log"],
        ["check", str(unlabelled)],
        ["evaluate", str(labelled)],
        ["report", str(labelled), "-o", str(tmp_path / "labelled.html")],
        ["report", str(unlabelled), "-o", str(tmp_path / "unlabelled.html")],
    ]
    said = []
    for command in commands:
        assert main(command) == EXIT_OK, command
        captured = capsys.readouterr()
        said.append(captured.out + captured.err)
    pages = [(tmp_path / name).read_text(encoding="utf-8") for name in ("labelled.html", "unlabelled.html")]
    text = "\n".join(said + pages)
    assert not WRONG.search(text), WRONG.findall(text)
    for singular in (
        "Scored 1 row of",
        ": 1 row (UTF-8",
        "but 1 row is too few to tell it from sampling noise",
        "too few rows to tell (1 row)",
        "estimated performance on 1 row (",
        "1 labelled row scored",
        ": 1 row, verdict",
        "Too few rows to tell (1 row)",
        "This file (1 labelled row)",
        "This file: estimated (1 scored row,",
        "acting on 1 row<",
    ):
        assert singular in text, singular


def test_one_row_is_singular_in_spanish_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    unlabelled = _one_row(SAMPLE, tmp_path / "one.csv")
    assert main(["score", str(unlabelled), "-o", str(tmp_path / "out.csv"), "--no-log", "--lang", "es"]) == EXIT_OK
    assert main(["check", str(unlabelled), "--lang", "es"]) == EXIT_OK
    out = capsys.readouterr().out
    assert not re.search(r"\b1 filas\b", out), out
    assert "Puntuada 1 fila de" in out
    assert ": 1 fila (UTF-8" in out
    assert "pero 1 fila es muy poco para distinguirlo" in out
    assert "rendimiento estimado en 1 fila (" in out
