"""Mapping files a user did not mean, or someone made to hurt: bounded, refused in one line, never guessed at."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd
import pytest

from app.cli import EXIT_INPUT, EXIT_OK, main
from app.core.bundle import load_bundle
from app.core.mapping_file import MappingFile, load_mapping, save_mapping
from tests.app.inputs import SAMPLE

BUNDLE = load_bundle()


def _check(mapping: Path, capsys: pytest.CaptureFixture[str], source: Path = SAMPLE) -> tuple[int, str]:
    code = main(["check", str(source), "--mapping", str(mapping)])
    return code, capsys.readouterr().err


def _one_line(err: str) -> str:
    assert err.count("\n") == 1, err
    assert err.startswith("error: "), err
    assert "unexpected" not in err, err
    assert "Traceback" not in err, err
    return err


@pytest.mark.parametrize("nesting", ["a = " + "[" * 5000 + "]" * 5000, "a = " + "{b = " * 3000 + "1" + "}" * 3000])
def test_a_deeply_nested_mapping_is_refused_in_one_line(tmp_path: Path, capsys, nesting: str) -> None:
    mapping = tmp_path / "deep.toml"
    mapping.write_text(nesting + "\n", encoding="utf-8")
    code, err = _check(mapping, capsys)
    assert code == EXIT_INPUT
    assert "deep.toml" in _one_line(err)
    assert "nested too deeply" in err


def test_a_mapping_larger_than_the_limit_is_refused_without_reading_it_all(tmp_path: Path, capsys) -> None:
    mapping = tmp_path / "huge.toml"
    mapping.write_text("# " + "x" * 2**20 + "\n[columns]\n", encoding="utf-8")
    code, err = _check(mapping, capsys)
    assert code == EXIT_INPUT
    assert _one_line(err).startswith(f"error: {mapping}: larger than 1 MiB;")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_as_mapping_is_refused_not_read_until_memory_runs_out(capsys) -> None:
    code, err = _check(Path("/dev/zero"), capsys)
    assert code == EXIT_INPUT
    assert _one_line(err).startswith("error: /dev/zero: not a regular file;")


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs are POSIX")
def test_a_fifo_as_mapping_is_refused_without_waiting_for_a_writer(tmp_path: Path, capsys) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    code, err = _check(fifo, capsys)  # opening a FIFO to read would block forever without O_NONBLOCK
    assert code == EXIT_INPUT
    assert _one_line(err).startswith(f"error: {fifo}: not a regular file;")


def test_a_folder_as_mapping_is_refused(tmp_path: Path, capsys) -> None:
    code, err = _check(tmp_path, capsys)
    assert code == EXIT_INPUT
    assert _one_line(err).startswith(f"error: {tmp_path}: not a regular file;")


def test_an_integer_too_long_to_convert_is_a_toml_error(tmp_path: Path, capsys) -> None:
    mapping = tmp_path / "digits.toml"
    mapping.write_text("[values.female]\nFemale = " + "1" * 5000 + "\n", encoding="utf-8")
    code, err = _check(mapping, capsys)
    assert code == EXIT_INPUT
    assert "digits.toml" in _one_line(err)


def _monthly_file(path: Path) -> Path:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    frame["contract"] = frame["contract"].replace({"Month-to-month": "Monthly"})
    frame.to_csv(path, index=False)
    return path


COLLISIONS = {
    "case": ('"monthly" = "Month-to-month"\n"MONTHLY" = "Two year"\n', "'monthly'", "'MONTHLY'"),
    "spaces": ('"Monthly " = "Month-to-month"\n" Monthly" = "Two year"\n', "'Monthly '", "' Monthly'"),
}


@pytest.mark.parametrize(("table", "first", "second"), COLLISIONS.values(), ids=COLLISIONS.keys())
def test_value_keys_that_are_one_value_after_normalising_must_agree(
    tmp_path: Path, capsys, table: str, first: str, second: str
) -> None:
    export = _monthly_file(tmp_path / "monthly.csv")
    mapping = tmp_path / "contract.toml"
    mapping.write_text("[values.contract]\n" + table, encoding="utf-8")
    out = tmp_path / "out.csv"
    code = main(["score", str(export), "-o", str(out), "--mapping", str(mapping), "--no-log"])
    err = _one_line(capsys.readouterr().err)
    assert code == EXIT_INPUT
    assert "contract.toml: [values.contract]" in err
    assert first in err
    assert second in err
    assert "same file value" in err
    assert not out.exists()


def test_value_keys_that_agree_after_normalising_are_accepted(tmp_path: Path, capsys) -> None:
    export = _monthly_file(tmp_path / "monthly.csv")
    mapping = tmp_path / "contract.toml"
    mapping.write_text(
        '[values.contract]\n"Monthly" = "Month-to-month"\n"MONTHLY " = "Month-to-month"\n'
        '[values.female]\n"Yes" = 1\n"YES" = "true"\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    assert main(["score", str(export), "-o", str(out), "--mapping", str(mapping), "--no-log"]) == EXIT_OK
    expected = tmp_path / "expected.csv"
    assert main(["score", str(SAMPLE), "-o", str(expected), "--no-log"]) == EXIT_OK
    scored, reference = pd.read_csv(out, dtype=str), pd.read_csv(expected, dtype=str)
    assert scored["probability"].tolist() == reference["probability"].tolist()


@pytest.mark.parametrize("command", ["check", "score"])
def test_a_model_column_given_away_by_the_mapping_is_named_as_such(tmp_path: Path, capsys, command: str) -> None:
    mapping = tmp_path / "m20.toml"
    mapping.write_text('[columns]\ntenure = "monthly_charges"\n', encoding="utf-8")
    extra = ["-o", str(tmp_path / "out.csv"), "--no-log"] if command == "score" else []
    code = main([command, str(SAMPLE), "--mapping", str(mapping), *extra])
    err = _one_line(capsys.readouterr().err)
    assert code == EXIT_INPUT
    assert "has no column" not in err
    assert "missing column" not in err
    assert "m20.toml: [columns] tenure = 'monthly_charges'" in err
    assert "nothing feeds the model's 'monthly_charges'" in err


def test_a_swap_of_two_columns_is_no_error(tmp_path: Path, capsys) -> None:
    mapping = tmp_path / "swap.toml"
    mapping.write_text('[columns]\ntenure = "monthly_charges"\nmonthly_charges = "tenure"\n', encoding="utf-8")
    assert main(["check", str(SAMPLE), "--mapping", str(mapping)]) == EXIT_OK


def test_a_saved_mapping_with_a_delete_character_loads_again(tmp_path: Path) -> None:
    mapping = MappingFile(
        columns={"female": "gen\x7fder", "contract": "Con\x7f"},
        values={"female": {"Mu\x7fjer": "1"}, "contract": {"\x7fMensual": "Month-to-month"}},
    )
    saved = save_mapping(tmp_path / "del.toml", mapping, BUNDLE.card)
    again = load_mapping(saved.path, BUNDLE.card)
    assert dict(again.columns) == dict(mapping.columns)
    assert {k: dict(v) for k, v in again.values.items()} == {k: dict(v) for k, v in mapping.values.items()}
