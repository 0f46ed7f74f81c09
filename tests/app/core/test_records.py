"""Cutting decoded text into records: header ends, block cuts, whole lines, fields beyond the header."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.dialects import Dialect
from app.core.records import (
    EXTRA_FIELDS,
    extra_names,
    header_end,
    joined_extras,
    line_count,
    line_widths,
    offset_message,
    parser_message,
    read_options,
    record_cut,
    record_widths,
    trim_lines,
    trim_records,
    whole_lines,
)

COMMA = Dialect(encoding="utf-8", bom=False, separator=",", newline="\n")
SEMICOLON = Dialect(encoding="utf-8", bom=False, separator=";", newline="\r\n", decimal=",")


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("a,b\n1,2\n", 4),
        ("a,b\r\n1,2\r\n", 5),
        ('"a\nx",b\n1,2\n', 8),  # a quoted line break belongs to the header
        ("a,b", 3),  # a header with no line end, nothing after it
        ("", 0),
    ],
)
def test_header_end_is_just_past_the_header_record(text: str, end: int) -> None:
    assert header_end(text, ",") == end


def test_header_end_uses_the_separator_it_is_given() -> None:
    text = '"a;\nb";c\n1;2\n'
    assert header_end(text, ";") == len('"a;\nb";c\n')


@pytest.mark.parametrize(
    ("text", "count"),
    [("", 0), ("a", 0), ("a\n", 1), ("a\r\n", 1), ("a\r", 1), ("a\r\nb\rc\nd", 3), ("\n\n\r\r\n", 4)],
)
def test_line_count_counts_every_kind_of_line_end_once(text: str, count: int) -> None:
    assert line_count(text, 0, len(text)) == count


def test_line_count_counts_only_within_the_range() -> None:
    text = "a\r\nb\r\nc\r\n"
    assert line_count(text, 3, len(text)) == 2
    assert line_count(text, 0, 0) == 0
    assert line_count(text, 2, 3) == 1  # the LF of a CRLF cut in two still ends a line


def test_record_cut_ends_after_the_last_line_end_within_the_limit() -> None:
    buffer = "a,b\n1,2\n3,4"
    assert record_cut(buffer, 100) == 8
    assert record_cut(buffer, 8) == 8  # the line end at index 7 is within 8 characters
    assert record_cut(buffer, 7) == 4
    assert record_cut(buffer, 3) == 0  # no whole line fits
    assert record_cut("", 10) == 0


def test_record_cut_never_splits_a_quoted_line_break() -> None:
    buffer = 'h\n"x\ny"\nz\n'
    assert record_cut(buffer, 5) == 2  # a cut after `"x\n` would end inside quotes: back to the header's end
    assert record_cut(buffer, 8) == 8  # the quoted field closed: the cut may follow it
    assert record_cut(buffer, len(buffer)) == len(buffer)


def test_record_cut_never_splits_a_crlf() -> None:
    assert record_cut("\r\n", 0) == 0  # a limit of 0 cuts nothing off (it cut after the CR)
    assert record_cut("a\r\nb\r\n", 2) == 0  # the CR at the edge may be the first half of CRLF
    assert record_cut("a\r\nb\r\n", 3) == 3


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["a", ",", '"', "\n", "\r\n", "\r", "x y"]), max_size=30),
    st.integers(min_value=0, max_value=80),
)
def test_record_cut_is_at_a_line_end_with_balanced_quotes_before_it(parts: list[str], limit: int) -> None:
    buffer = "".join(parts)
    cut = record_cut(buffer, limit)
    assert 0 <= cut <= min(limit, len(buffer))
    if cut:
        assert buffer[cut - 1] in "\r\n"
        assert buffer.count('"', 0, cut) % 2 == 0
        assert not (buffer[cut - 1] == "\r" and buffer.startswith("\n", cut))  # a CRLF is never split


def test_whole_lines_of_a_plain_block() -> None:
    lines, fields, kept, every = whole_lines("1,2\n3,4,5\n", "\n", ",")  # type: ignore[misc]
    assert lines == ["1,2", "3,4,5"]
    assert fields.tolist() == [2, 3]
    assert kept is None
    assert every == ["1,2", "3,4,5", ""]


def test_whole_lines_of_an_empty_block() -> None:
    lines, fields, kept, every = whole_lines("", "\n", ",")  # type: ignore[misc]
    assert lines == []
    assert fields.tolist() == []
    assert kept is None
    assert every == []


def test_whole_lines_leave_out_blank_lines_and_say_which_were_kept() -> None:
    lines, fields, kept, every = whole_lines("1,2\n\n \t\n3,4\n", "\n", ",")  # type: ignore[misc]
    assert lines == ["1,2", "3,4"]
    assert fields.tolist() == [2, 2]
    assert kept is not None
    assert kept.tolist() == [0, 3]
    assert every == ["1,2", "", " \t", "3,4", ""]


def test_whole_lines_keep_a_tab_line_in_a_tab_separated_file() -> None:
    # A line of one tab holds two empty fields in a tab-separated file: it is a row, not a blank line.
    lines, fields, kept, _ = whole_lines("1\t2\n\t\n", "\n", "\t")  # type: ignore[misc]
    assert lines == ["1\t2", "\t"]
    assert fields.tolist() == [2, 2]
    assert kept is None


def test_whole_lines_join_a_quoted_line_break_into_one_record() -> None:
    lines, fields, _, every = whole_lines('1,"a\nb"\n2,c\n', "\n", ",")  # type: ignore[misc]
    assert lines == ['1,"a\nb"', "2,c"]
    assert fields.tolist() == [2, 2]
    assert every == ['1,"a\nb"', "2,c", ""]


def test_whole_lines_take_excel_lf_inside_a_crlf_file() -> None:
    whole = whole_lines('1,"a\nb"\r\n2,c\r\n', "\r\n", ",")
    assert whole is not None
    assert whole[0] == ['1,"a\nb"', "2,c"]


@pytest.mark.parametrize(
    ("block", "newline"),
    [
        ("1,2\r\n3,4\n", "\r\n"),  # a lone LF in a CRLF file
        ("1,2\n3,4\r\n", "\n"),  # a CR in an LF file
        ("1,2\r3,4\n", "\r"),  # an LF in a CR file
        ('1,"a\n', "\n"),  # the block ends inside quotes
        ("1,a\nb\r\n", "\r\n"),  # an unquoted LF inside a CRLF record
    ],
)
def test_whole_lines_refuse_a_block_they_cannot_read_line_by_line(block: str, newline: str) -> None:
    assert whole_lines(block, newline, ",") is None


def test_trim_lines_leaves_a_block_without_surplus_fields_alone() -> None:
    block = "1,2\n3,4\n"
    lines, fields, kept, every = whole_lines(block, "\n", ",")  # type: ignore[misc]
    assert trim_lines(block, "\n", every, lines, fields, kept, ",", 2) == (block, None)


def test_trim_lines_cuts_each_line_after_the_header_width() -> None:
    block = '1,2,3,,\n\n"a,b",x,y\n5,6\n'
    lines, fields, kept, every = whole_lines(block, "\n", ",")  # type: ignore[misc]
    trimmed, tails = trim_lines(block, "\n", every, lines, fields, kept, ",", 2)
    assert trimmed == '1,2\n\n"a,b",x\n5,6\n'
    assert tails is not None
    assert tails.tolist() == ["3", "y", ""]  # trailing empty fields are no surplus


@pytest.mark.parametrize(
    "block",
    ["1,2,3,4\n5,6\n", '"a,b",2,"c\nd",e\n7,8\n', "1,2\r\n\r\n3,4,5\r\n", "1,2,3", ",,,\n"],
)
def test_trim_records_agrees_with_trim_lines(block: str) -> None:
    newline = "\r\n" if "\r\n" in block else "\n"
    whole = whole_lines(block, newline, ",")
    assert whole is not None
    lines, fields, kept, every = whole
    by_lines, line_tails = trim_lines(block, newline, every, lines, fields, kept, ",", 2)
    by_records, record_tails = trim_records(block, ",", 2)
    assert by_records == by_lines
    expected = line_tails.tolist() if line_tails is not None else [""] * len(lines)
    assert record_tails.tolist() == expected


def test_trim_records_reads_quotes_only_at_a_field_start() -> None:
    trimmed, tails = trim_records('a"b,c,"d,e"\n', ",", 2)
    assert trimmed == 'a"b,c\n'
    assert tails.tolist() == ['"d,e"']


def test_trim_records_of_an_empty_block() -> None:
    trimmed, tails = trim_records("", ",", 3)
    assert trimmed == ""
    assert tails.tolist() == []


def test_trimmed_rows_parse_to_the_header_width() -> None:
    block = '1,2,3\n"x,y",z,"p\nq",r\n'
    trimmed, tails = trim_records(block, ",", 2)
    rows = list(csv.reader(io.StringIO(trimmed, newline="")))
    assert rows == [["1", "2"], ["x,y", "z"]]
    assert [next(csv.reader([tail])) for tail in tails.tolist()] == [["3"], ["p\nq", "r"]]


def test_joined_extras_write_the_surplus_back_as_csv() -> None:
    extras = pd.DataFrame(
        {
            "e0": ["x", "", np.nan, "a;b", "line\nbreak"],
            "e1": ["", "", np.nan, "c", ""],
            "e2": ["y", "", np.nan, "", ""],
        }
    )
    assert joined_extras(extras, SEMICOLON).tolist() == ["x;;y", "", "", '"a;b";c', '"line\nbreak"']


def test_joined_extras_of_no_rows_and_of_no_surplus() -> None:
    assert joined_extras(pd.DataFrame({"e0": []}), COMMA).tolist() == []
    assert joined_extras(pd.DataFrame({"e0": ["", np.nan]}), COMMA).tolist() == ["", ""]


def test_joined_extras_of_one_block_leave_the_frame_alone() -> None:
    # One column, or object columns pandas keeps in one block: to_numpy is a read-only view of it.
    one = pd.DataFrame({"e0": ["a", np.nan]})
    assert joined_extras(one, COMMA).tolist() == ["a", ""]
    block = pd.DataFrame({"e0": ["a", None], "e1": [None, "b"]}, dtype=object)
    assert joined_extras(block, COMMA).tolist() == ["a", ",b"]
    assert block["e0"].isna().tolist() == [False, True]  # the caller's frame is unchanged


def test_extra_names_cannot_clash_with_a_header() -> None:
    assert extra_names() == []
    names = extra_names(3)
    assert len(set(names)) == 3
    assert all(name.startswith("\x00") for name in names)


def test_read_options_read_every_cell_as_written() -> None:
    text = "1,NA,,0042\n2,null,x,1e5,surplus\n"
    frame = pd.read_csv(io.StringIO(text), **read_options(COMMA, ["a", "b", "c", "d"]))  # type: ignore[call-overload]
    assert list(frame.columns[:4]) == ["a", "b", "c", "d"]
    assert len(frame.columns) == 4 + EXTRA_FIELDS
    assert frame["b"].tolist() == ["NA", "null"]  # no value turns into a missing one
    assert frame["c"].tolist() == ["", "x"]
    assert frame["d"].tolist() == ["0042", "1e5"]  # no number is converted
    assert frame[extra_names(1)[0]].tolist() == ["", "surplus"]


def test_read_options_follow_the_dialect_and_the_extra_room() -> None:
    options = read_options(SEMICOLON, ["a"], extra_fields=0)
    assert options["sep"] == ";"
    assert options["names"] == ["a"]


def test_parser_message_drops_pandas_wording() -> None:
    error = pd.errors.ParserError("Error tokenizing data. C error: Expected 2 fields in line 3, saw 4\n")
    assert parser_message(error) == "expected 2 fields in line 3, saw 4"
    assert parser_message(ValueError("")) == ""


def test_offset_message_counts_from_the_top_of_the_file() -> None:
    assert offset_message("expected 2 fields in line 3, saw 4", 10, 0) == "expected 2 fields in line 13, saw 4"
    assert offset_message("bad row 5", 0, 100) == "bad row 106"
    assert offset_message("nothing to move", 7, 7) == "nothing to move"


def test_line_widths_read_quoted_separators_as_text() -> None:
    lines = ['1,"a,b"', "1,2,3", '"",""']
    fields = np.array([3, 3, 2])
    assert line_widths(lines, fields, ",").tolist() == [2, 3, 2]
    assert fields.tolist() == [3, 3, 2]  # the counts it was given are not changed
    assert line_widths([], np.array([], dtype=np.int64), ",").tolist() == []


def test_record_widths_agree_with_the_parser_or_say_none() -> None:
    block = '1,"a,b"\n\n2,3,4\n"x\ny",z\n'
    assert record_widths(block, ",", 3).tolist() == [2, 3, 2]  # type: ignore[union-attr]
    assert record_widths(block, ",", 4) is None  # a different row count from the parser's
    assert record_widths("", ",", 0).tolist() == []  # type: ignore[union-attr]
