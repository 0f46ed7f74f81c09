"""How a text file is written, told from its bytes: line end, separator, encoding, and the description shown."""

from __future__ import annotations

import codecs
import io

import pytest

from app.core import i18n
from app.core.dialects import (
    SAMPLE_BYTES,
    ByteCounts,
    Cancelled,
    Dialect,
    InputError,
    count_bytes,
    detect_encoding,
    detect_newline,
    detect_separator,
)


@pytest.mark.parametrize(
    ("sample", "newline"),
    [("a,b\r\n1,2\n", "\r\n"), ("a,b\n1,2\r\n", "\n"), ("a,b\r1,2\r", "\r"), ("a,b", "\n"), ("", "\n")],
)
def test_detect_newline_takes_the_first_lines_end(sample: str, newline: str) -> None:
    assert detect_newline(sample) == newline


@pytest.mark.parametrize(
    ("sample", "separator"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1,5;2;3\n", ";"),  # decimal commas do not make it comma-separated
        ("a\tb\n1\t2\n", "\t"),
        ("a|b|c\n1|2|3\n", "|"),
        ('"x;y",b\n"1;2",3\n', ","),  # quoted separators are not counted
        ("only\n1\n", ","),  # one column: the default
        ("", ","),
        ("a,b;c\n1,2;3\n", ","),  # a tie: the first of comma, semicolon, tab, pipe
        ("a;b;c\n1;2\n1;2;3\n1;2;3\n", ";"),
    ],
)
def test_detect_separator(sample: str, separator: str) -> None:
    assert detect_separator(sample) == separator


def test_detect_separator_ignores_the_cut_last_line_of_a_full_sample() -> None:
    row = "1;2;3\n"
    sample = "a;b;c\n" + row * ((SAMPLE_BYTES - 10) // len(row)) + "1,2,3,4,5,6,7,8,9,10,11"
    assert len(sample) >= SAMPLE_BYTES - 4
    assert detect_separator(sample) == ";"


def test_count_bytes_of_ascii_and_empty_streams() -> None:
    assert count_bytes(io.BytesIO(b"")) == ByteCounts()
    assert count_bytes(io.BytesIO(b"a,b\n1,2\n")) == ByteCounts()


def test_count_bytes_tells_stray_bytes_from_valid_characters() -> None:
    counts = count_bytes(io.BytesIO("café, Zürich, ñ\n".encode() + b"\xe9\n"))
    assert counts.valid == 3
    assert counts.invalid == 1
    assert counts.cp1252_undefined is False
    assert count_bytes(io.BytesIO(b"\x81")).cp1252_undefined is True


def test_a_character_across_a_block_boundary_is_one_valid_character() -> None:
    data = b"a" * ((1 << 20) - 1) + "é".encode() + b"\n"  # its two bytes fall in two 1 MiB blocks
    seen: list[int] = []
    counts = count_bytes(io.BytesIO(data), progress=seen.append)
    assert (counts.valid, counts.invalid) == (1, 0)
    assert seen == [1 << 20, len(data) - (1 << 20)]


def test_a_cut_character_at_the_end_is_a_stray_byte() -> None:
    assert count_bytes(io.BytesIO("é".encode()[:1])).invalid == 1


def test_count_bytes_stops_when_cancelled() -> None:
    with pytest.raises(Cancelled):
        count_bytes(io.BytesIO(b"x"), cancelled=lambda: True)


def _never() -> ByteCounts:
    raise AssertionError("the head alone tells")


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (codecs.BOM_UTF8 + b"a,b\n", ("utf-8-sig", True, 0)),
        (codecs.BOM_UTF16_LE + "a,b\n".encode("utf-16-le"), ("utf-16", True, 0)),
        (codecs.BOM_UTF16_BE + "a,b\n".encode("utf-16-be"), ("utf-16", True, 0)),
        ("a,b\n1,2\n".encode("utf-16-le"), ("utf-16-le", False, 0)),
        ("a,b\n1,2\n".encode("utf-16-be"), ("utf-16-be", False, 0)),
    ],
)
def test_the_head_alone_tells_boms_and_utf16(head: bytes, expected: tuple[str, bool, int]) -> None:
    assert detect_encoding("f.csv", head, _never) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"a,b\n", ("utf-8", False, 0)),
        (b"", ("utf-8", False, 0)),
        ("café\n".encode(), ("utf-8", False, 0)),
        ("café, niño\n".encode() + b"\xe9", ("utf-8", False, 1)),  # one stray byte among valid characters
        ("café\n".encode("cp1252"), ("cp1252", False, 0)),
        (b"caf\xe9 \x81\n", ("latin-1", False, 0)),  # 0x81 is undefined in Windows-1252
        (b"\xe9" + "é".encode(), ("utf-8", False, 1)),  # a tie between stray and valid: UTF-8
    ],
)
def test_the_bytes_tell_utf8_from_windows_1252_and_latin1(data: bytes, expected: tuple[str, bool, int]) -> None:
    assert detect_encoding("f.csv", data, lambda: count_bytes(io.BytesIO(data))) == expected


@pytest.mark.parametrize(
    ("head", "message"),
    [
        (b"%PDF-1.7\n", "f.csv: is a PDF document, not CSV"),
        (bytes(range(32)) * 4, "f.csv: binary content, not a CSV text file"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8\x41\x00", "f.csv: binary content, not a CSV text file"),  # lone surrogate
    ],
)
def test_what_is_not_text_is_refused_by_name(head: bytes, message: str) -> None:
    with pytest.raises(InputError) as caught:
        detect_encoding("f.csv", head, _never)
    assert str(caught.value) == message


def test_one_stray_nul_is_kept_as_text() -> None:
    data = b"a,b\n1,\x002\n" + b"x" * 100
    assert detect_encoding("f.csv", data, lambda: count_bytes(io.BytesIO(data)))[0] == "utf-8"


@pytest.mark.parametrize(
    ("dialect", "described"),
    [
        (Dialect("utf-8", False, ",", "\n"), "UTF-8, comma-separated, LF"),
        (
            Dialect("utf-8-sig", True, ";", "\r\n", decimal=","),
            "UTF-8-SIG with BOM, semicolon-separated, decimal comma, CRLF",
        ),
        (Dialect("cp1252", False, "\t", "\r"), "CP1252, tab-separated, CR"),
        (Dialect("utf-8", False, "|", "\n", replaced=1), "UTF-8, pipe-separated, 1 invalid byte shown as \ufffd, LF"),
        (
            Dialect("utf-8", False, ",", "\n", replaced=1234),
            "UTF-8, comma-separated, 1,234 invalid bytes shown as \ufffd, LF",
        ),
        (
            Dialect("utf-8", False, ",", "\n", container="gzip-compressed"),
            "gzip-compressed, UTF-8, comma-separated, LF",
        ),
        (Dialect("utf-8", False, ",", "\r\n", container="sheet 'Data' of a workbook"), "sheet 'Data' of a workbook"),
    ],
)
def test_a_dialect_describes_itself(dialect: Dialect, described: str) -> None:
    assert dialect.describe() == described


def test_a_dialect_is_described_in_spanish_and_kept_in_english() -> None:
    dialect = Dialect("utf-8", False, ";", "\n", decimal=",")
    i18n.set_language("es")
    assert dialect.note().text() != dialect.describe()
    assert dialect.describe() == "UTF-8, semicolon-separated, decimal comma, LF"
