"""Scored files: rows copied exactly as written where they can be, the same content wherever they cannot."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.bundle import load_bundle
from app.core.output import OUTPUT_COLUMNS, score_to_csv
from tests.app.inputs import LABELLED, SAMPLE

BUNDLE = load_bundle()
HEADER, *ROWS = SAMPLE.read_text(encoding="utf-8").splitlines()
MULTILINE_ROW = ROWS[0].replace(ROWS[0].split(",")[0], '"id\nwith a line break"', 1)


def _score(tmp_path: Path, lines: list[str], newline: str = "\n", **options) -> str:
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(newline.join(lines).encode("utf-8") + newline.encode())
    score_to_csv(source, out, BUNDLE, **options)
    return out.read_text(encoding="utf-8")


def _parsed(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def _with_note(row: str, note: str) -> str:
    return f"{row},{note}"


def test_rows_are_copied_exactly_as_written(tmp_path: Path) -> None:
    # Quotes a spreadsheet did not need, spaces, accents: the scored file keeps each row byte for byte.
    rows = [
        _with_note(ROWS[0], '"plain"'),
        _with_note(ROWS[1], "  spaced  "),
        _with_note(ROWS[2], '"São Paulo; Ærø"'),
        _with_note(ROWS[3], '"Smith, J"'),  # a quoted separator: written cell by cell, quoted the same way
    ]
    written = _score(tmp_path, [HEADER + ",notes", *rows]).splitlines()
    assert written[0] == HEADER + ",notes," + ",".join(OUTPUT_COLUMNS)
    for row, line in zip(rows, written[1:], strict=True):
        assert line.startswith(row + ",")
        assert len(next(csv.reader([line]))) == len(next(csv.reader([row]))) + len(OUTPUT_COLUMNS)


def test_formulas_are_neutralised_in_copied_rows(tmp_path: Path) -> None:
    first = ROWS[0].split(",", 1)[1]
    rows = [
        _with_note(ROWS[0], "=1+1"),
        _with_note(ROWS[1], "-3"),
        _with_note(ROWS[2], '"=SUM(A1,B1)"'),
        "@x," + first + ",fine",
        _with_note(ROWS[4], "dash-in-the-middle"),
    ]
    scored = _parsed(_score(tmp_path, [HEADER + ",notes", *rows]))
    assert scored["notes"].tolist() == ["'=1+1", "-3", "'=SUM(A1,B1)", "fine", "dash-in-the-middle"]
    assert scored.iloc[3, 0] == "'@x"


def test_copying_and_writing_cell_by_cell_give_the_same_file_content(tmp_path: Path) -> None:
    # Every awkward row shape once; the multi-line row forces its block to be written cell by cell.
    rows = [
        _with_note(ROWS[0], "=1+1"),
        _with_note(ROWS[1], '"say ""hi"""'),
        _with_note(ROWS[2], '"a,b"'),
        ROWS[3],  # one field short: the missing note is written as an empty cell
        _with_note(ROWS[4], "x,surplus"),  # one field too many: flagged, written to the header's width
        "",
        _with_note(ROWS[5], "-3"),
        *[_with_note(row, "ok") for row in ROWS[6:40]],
    ]
    copied = _parsed(_score(tmp_path, [HEADER + ",notes", *rows]))
    by_cell = _parsed(_score(tmp_path, [HEADER + ",notes", _with_note(MULTILINE_ROW, "first"), *rows]))
    pd.testing.assert_frame_equal(copied, by_cell.iloc[1:].reset_index(drop=True))
    assert len(copied) == len(rows) - 1  # the blank line is no record
    assert copied.loc[4, "row_issues"] == "malformed_row"


def test_lone_carriage_returns_end_lines_too(tmp_path: Path) -> None:
    scored = _parsed(_score(tmp_path, [HEADER, *ROWS[:20]], newline="\r"))
    assert scored.iloc[:, 0].tolist() == [row.split(",")[0] for row in ROWS[:20]]


CELL = st.sampled_from(["plain", "", "=1+1", "-3", "a,b", 'say "hi"', "line\nbreak", "two\r\nlines", "ü", " "])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    notes=st.lists(CELL, min_size=1, max_size=25),
    chunk_rows=st.integers(min_value=1, max_value=6),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_blocks_cut_anywhere_give_the_same_file(notes: list[str], chunk_rows: int, newline: str) -> None:
    # Small blocks put cuts between, and tempt them inside, quoted multi-line fields.
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerow([*HEADER.split(","), "notes"])
    writer.writerows([*next(csv.reader([ROWS[i % len(ROWS)]])), note] for i, note in enumerate(notes))
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.csv"
        source.write_text(buffer.getvalue(), encoding="utf-8", newline="")
        whole, cut = Path(folder) / "whole.csv", Path(folder) / "cut.csv"
        score_to_csv(source, whole, BUNDLE)
        score_to_csv(source, cut, BUNDLE, chunk_rows=chunk_rows)
        assert cut.read_bytes() == whole.read_bytes()
        assert len(_parsed(whole.read_text(encoding="utf-8"))) == len(notes)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_only_some_rows_are_written_each_exactly_as_the_whole_files_output_has_it(tmp_path: Path, suffix: str) -> None:
    bundle = load_bundle()
    whole, part = tmp_path / f"whole{suffix}", tmp_path / f"part{suffix}"
    score_to_csv(LABELLED, whole, bundle, chunk_rows=64)
    only = np.zeros(500, dtype=bool)
    only[[0, 3, 63, 64, 65, 200, 499]] = True
    result = score_to_csv(LABELLED, part, bundle, chunk_rows=64, only=only)
    assert result.report.rows == 500  # the report still covers the whole file
    read = (
        (lambda p: pd.read_excel(p, dtype=str))
        if suffix == ".xlsx"
        else (lambda p: pd.read_csv(p, dtype=str, keep_default_na=False))
    )
    expected = read(whole).iloc[np.flatnonzero(only)].reset_index(drop=True)
    pd.testing.assert_frame_equal(read(part), expected)
