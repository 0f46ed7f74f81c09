"""Scored files are safe to open in a spreadsheet: no cell can split into records or run as a formula."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.bundle import load_bundle
from app.core.output import OUTPUT_COLUMNS, neutralise_formulas, score_to_csv
from tests.app.inputs import SAMPLE

BUNDLE = load_bundle()
HEADER, *ROWS = SAMPLE.read_text(encoding="utf-8").splitlines()


def _records(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _score_text(tmp_path: Path, text: str) -> Path:
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(text.encode("utf-8"))
    score_to_csv(source, out, BUNDLE)
    return out


def test_a_lone_cr_inside_a_quoted_cell_stays_inside_its_cell(tmp_path: Path) -> None:
    # An LF file whose quoted cell holds a lone CR: unquoted on output, it would start a record with =cmd.
    cell = "Call me\r=cmd|' /C calc'!A0"
    text = f'{HEADER},notes\n{ROWS[0]},"{cell}"\n{ROWS[1]},fine\n'
    records = _records(_score_text(tmp_path, text))
    assert len(records) == 3
    assert records[1][len(HEADER.split(","))] == cell
    assert not any(field.startswith("=") for record in records for field in record)


def test_a_lone_lf_inside_a_quoted_cell_of_a_cr_file_stays_inside_its_cell(tmp_path: Path) -> None:
    text = f'{HEADER},notes\r{ROWS[0]},"two\nlines"\r{ROWS[1]},fine\r'
    out = _score_text(tmp_path, text)
    records = _records(out)
    assert len(records) == 3
    assert records[1][len(HEADER.split(","))] == "two\nlines"


def test_lone_cr_input_gets_lone_cr_output(tmp_path: Path) -> None:
    text = "\r".join([HEADER, *ROWS[:5]]) + "\r"
    data = _score_text(tmp_path, text).read_bytes()
    assert b"\n" not in data
    assert data.count(b"\r") == 6


def test_header_cells_are_neutralised(tmp_path: Path) -> None:
    evil = '=HYPERLINK("http://evil","hdr")'
    text = f"{HEADER},{_csv_line([evil])},@sum\n{ROWS[0]},x,y\n"
    header = _records(_score_text(tmp_path, text))[0]
    assert header[: len(HEADER.split(","))] == HEADER.split(",")  # the model's own names are untouched
    assert header[len(HEADER.split(",")) : len(HEADER.split(",")) + 2] == ["'" + evil, "'@sum"]


# Cells that stress quoting: line breaks of every kind, quotes, separators, formula starts.
CELL = st.text(st.sampled_from(list("ab =+-@\"',;\r\n\t")), max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    notes=st.lists(st.tuples(CELL, CELL), min_size=1, max_size=12),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_output_reads_back_as_the_same_cells_and_records(notes: list[tuple[str, str]], newline: str) -> None:
    header = HEADER.split(",")
    rows = [[*next(csv.reader([ROWS[i % len(ROWS)]])), a, b] for i, (a, b) in enumerate(notes)]
    text = newline.join(_csv_line(row) for row in [[*header, "note_a", "note_b"], *rows]) + newline
    with tempfile.TemporaryDirectory() as folder:
        source, out = Path(folder) / "in.csv", Path(folder) / "out.csv"
        source.write_bytes(text.encode("utf-8"))
        score_to_csv(source, out, BUNDLE)
        records = _records(out)
    assert len(records) == len(rows) + 1
    width = len(header)
    for row, record in zip(rows, records[1:], strict=True):
        expected = [str(v) for v in neutralise_formulas(row[width:])]
        assert record[width : width + 2] == expected
        assert len(record) == width + 2 + len(OUTPUT_COLUMNS)


def _csv_line(row: list[str]) -> str:
    """One record, every cell with a quote, separator, CR or LF quoted."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(row)
    return buffer.getvalue()[:-2]


def test_formula_starts_hidden_behind_blanks_or_wide_forms_are_neutralised() -> None:
    hidden = [
        "＝1+1",
        "＋cmd",
        "－cmd",
        "＠SUM(A1)",
        "﹦1+1",
        "  =1+1",
        "\u00a0=1+1",
        "\u200b=1+1",
        "\x0b=1+1",
        "\x0c=1+1",
        "\u2028=1+1",
        "\n=1+1",
    ]
    assert neutralise_formulas(hidden).tolist() == ["'" + cell for cell in hidden]
    harmless = ["-3", " 42 ", "+1.5", "1e5", "  spaced  ", "a=b", "", "\u00a0text", "São Paulo"]
    assert neutralise_formulas(harmless).tolist() == harmless


def test_hidden_formula_starts_are_neutralised_in_copied_rows(tmp_path: Path) -> None:
    text = f"{HEADER},notes\n{ROWS[0]},＝1+1\n{ROWS[1]}, =1+1\n{ROWS[2]},fine\n"
    records = _records(_score_text(tmp_path, text))
    width = len(HEADER.split(","))
    assert [record[width] for record in records[1:]] == ["'＝1+1", "' =1+1", "fine"]


def test_grouped_negative_numbers_stay_numbers_not_quoted_text() -> None:
    from app.core.output import neutralise_formulas

    numbers = ["-1,000,000", "-1.234,5", "+12,345.67", "-1.000.000", " -1,000 "]
    assert list(neutralise_formulas(numbers)) == numbers
    risky = ["-1,2,3", "-1,000+A1", "=1,000", "-SUM(1,000)", "-1,00,000"]
    assert list(neutralise_formulas(risky)) == ["'" + cell for cell in risky]
