"""Rows and headers a hostile or broken export holds: nothing is lost, and the cost stays bounded."""

from __future__ import annotations

import csv
import tracemalloc
from pathlib import Path

from app.core.bundle import load_bundle
from app.core.output import score_to_csv
from app.core.reading import open_input
from tests.app.inputs import SAMPLE

BUNDLE = load_bundle()
HEADER, *ROWS = SAMPLE.read_text(encoding="utf-8").splitlines()
WIDTH = len(HEADER.split(","))
csv.field_size_limit(2**31 - 1)  # the output holds a 200 KB cell on purpose


def _records(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _scored(tmp_path: Path, text: str, **options) -> list[list[str]]:
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(text, encoding="utf-8", newline="")
    score_to_csv(source, out, BUNDLE, **options)
    return _records(out)


def test_fields_beyond_the_header_are_kept_in_extra_fields(tmp_path: Path) -> None:
    text = f'{HEADER}\n{ROWS[0]},EXTRA1,EXTRA2\n{ROWS[1]}\n{ROWS[2]},"quoted, with a comma",x\n'
    header, first, second, third = _scored(tmp_path, text)
    extra = header.index("extra_fields")
    assert first[extra] == "EXTRA1,EXTRA2"
    assert first[header.index("row_issues")] == "malformed_row"
    assert second[extra] == ""
    assert third[extra] == '"quoted, with a comma",x'  # as written, quotes included
    assert first[:WIDTH] == next(csv.reader([ROWS[0]]))


def test_extra_fields_survive_blocks_with_quoted_line_breaks(tmp_path: Path) -> None:
    # A block holding a quoted line break is parsed record by record, with 40 surplus fields on one row.
    surplus = ",".join(f"e{i}" for i in range(40))
    first = ROWS[0].split(",", 1)
    text = f'{HEADER}\n"id\nbroken",{first[1]}\n{ROWS[1]},{surplus}\n{ROWS[2]}\n'
    header, *rows = _scored(tmp_path, text)
    assert len(rows) == 3
    assert rows[1][header.index("extra_fields")] == surplus
    assert rows[0][0] == "id\nbroken"


def test_a_row_of_a_hundred_thousand_fields_costs_memory_for_its_text_not_its_fields(tmp_path: Path) -> None:
    line = ROWS[0] + ",x" * 100_000  # 200 KB of text in 100k surplus fields
    source = tmp_path / "wide.csv"
    source.write_text(f"{HEADER}\n{ROWS[1]}\n{line}\n{ROWS[2]}\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    tracemalloc.start()
    try:
        score_to_csv(source, out, BUNDLE)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 100 * len(line)  # parsed into columns it took over 1,000 times the line
    header, *rows = _records(out)
    assert len(rows) == 3
    assert rows[1][header.index("extra_fields")] == ",".join(["x"] * 100_000)
    assert rows[1][header.index("row_status")] == "invalid"


def test_a_header_longer_than_the_sample_is_read_whole(tmp_path: Path) -> None:
    names = [f"c{i}_" + "x" * 100 for i in range(3_000)]  # 320 KB of header, beyond the 256 KiB sample
    values = ",".join("v" for _ in names)
    text = f"{HEADER},{','.join(names)}\n{ROWS[0]},{values}\n{ROWS[1]},{values}\n"
    source = tmp_path / "in.csv"
    source.write_text(text, encoding="utf-8")
    assert open_input(source).columns[-1] == names[-1]
    header, *rows = _scored(tmp_path, text)
    assert header[WIDTH : WIDTH + len(names)] == names
    assert len(rows) == 2
    assert all(row[header.index("row_status")] != "invalid" for row in rows)


def test_a_utf8_file_with_one_stray_byte_stays_utf8_and_names_the_row(tmp_path: Path) -> None:
    from app.core.scoring import scan

    rows = [f"{row},José Müller" for row in ROWS[:30]]
    rows[27] = rows[27].replace("José Müller", "Caf\udce9")  # one Windows-1252 é, as a re-saved cell leaves it
    source = tmp_path / "in.csv"
    source.write_bytes("\n".join([HEADER + ",name", *rows, ""]).encode("utf-8", errors="surrogateescape"))
    report = scan(source, BUNDLE)
    assert report.dialect is not None
    assert report.dialect.encoding == "utf-8"
    assert "1 invalid byte" in report.dialect.describe()
    (issue,) = report.issues_of("invalid_bytes")
    assert issue.examples == (28,)
    out = tmp_path / "out.csv"
    score_to_csv(source, out, BUNDLE)
    header, *scored = _records(out)
    names = [row[header.index("name")] for row in scored]
    assert names[:27] == ["José Müller"] * 27
    assert names[27] == "Caf\ufffd"


def test_a_windows_1252_file_is_still_read_as_such(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes("\n".join([HEADER + ",name", *(f"{row},José" for row in ROWS[:5]), ""]).encode("cp1252"))
    opened = open_input(source)
    assert opened.dialect.encoding == "cp1252"
    assert opened.dialect.replaced == 0


def test_surplus_text_that_starts_like_a_formula_is_neutralised(tmp_path: Path) -> None:
    header, row = _scored(tmp_path, f"{HEADER}\n{ROWS[0]},=cmd|' /C calc'!A0,x\n")
    assert row[header.index("extra_fields")] == "'=cmd|' /C calc'!A0,x"


def test_a_row_of_empty_fields_after_a_blank_line_survives_in_a_lone_cr_file(tmp_path: Path) -> None:
    # pandas' parser drops a lone separator line after a blank line when lines end in a lone CR.
    lines = [HEADER, ROWS[0], "", ",", ROWS[1], '"a\rb"' + ROWS[2][ROWS[2].index(",") :]]
    header, *rows = _scored(tmp_path, "\r".join(lines) + "\r")
    assert len(rows) == 4
    assert rows[1][:2] == ["", ""]
    assert rows[3][0] == "a\rb"


def test_a_quote_inside_a_surplus_field_is_text_not_the_start_of_a_quoted_field(tmp_path: Path) -> None:
    # Review: '5" screen' in one row's surplus and 20 surplus fields in another swallowed 198 rows.
    lines = [HEADER, *ROWS[:10]]
    lines[2] += ',5" screen'
    lines[5] += ",x" * 20
    header, *rows = _scored(tmp_path, "\n".join(lines) + "\n")
    assert len(rows) == 10
    assert rows[1][header.index("extra_fields")] == '5" screen'
    assert rows[4][header.index("extra_fields")] == ",".join(["x"] * 20)


def test_a_row_wider_than_the_padding_never_shifts_the_others_into_an_index(tmp_path: Path) -> None:
    # Review: 20 trailing empty fields on the first row plus a quoted line break shifted every row left.
    lines = [HEADER + ",note", *(row + ",ok" for row in ROWS[:60])]
    lines[1] += "," * 20
    lines[50] = lines[50][:-2] + '"two\nlines"'
    header, *rows = _scored(tmp_path, "\n".join(lines) + "\n")
    assert len(rows) == 60
    assert [row[0] for row in rows] == [row.split(",")[0] for row in ROWS[:60]]
    assert rows[49][WIDTH] == "two\nlines"


def test_a_repeated_name_never_clashes_with_a_real_one(tmp_path: Path) -> None:
    text = f"{HEADER},note,note,note.1\n" + "".join(f"{row},a,b,c\n" for row in ROWS[:5])
    header, *rows = _scored(tmp_path, text)
    assert header[WIDTH : WIDTH + 3] == ["note", "note", "note.1"]
    assert rows[0][WIDTH : WIDTH + 3] == ["a", "b", "c"]


def test_trailing_separators_are_no_field_count_problem(tmp_path: Path) -> None:
    from app.core.scoring import scan

    every_row = tmp_path / "rows.csv"
    every_row.write_text(HEADER + "\n" + "".join(f"{row},\n" for row in ROWS[:50]))
    only_header = tmp_path / "header.csv"
    only_header.write_text(HEADER + ",\n" + "".join(f"{row}\n" for row in ROWS[:50]))
    for path in (every_row, only_header):
        report = scan(path, BUNDLE)
        assert not report.issues_of("inconsistent_fields"), path
        assert not report.issues_of("short_row_tail"), path
        assert report.status_counts["invalid"] == 0, path


def test_a_first_row_wider_than_the_padding_keeps_its_surplus_in_a_multiline_block(tmp_path: Path) -> None:
    surplus = ",".join(f"s{i}" for i in range(20))
    lines = [HEADER + ",note", *(row + ",ok" for row in ROWS[:30])]
    lines[1] += "," + surplus
    lines[20] = lines[20][:-2] + '"two\nlines"'
    header, *rows = _scored(tmp_path, "\n".join(lines) + "\n")
    assert len(rows) == 30
    assert rows[0][header.index("extra_fields")] == surplus
    assert rows[0][0] == ROWS[0].split(",")[0]
