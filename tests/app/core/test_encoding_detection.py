"""The encodings the reader tells on the files statistical detectors get wrong (benchmarks/bench_encoding.py).

Each file is written here byte for byte; the encoding expected and the names read back are written literally.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app.core.dialects import SAMPLE_BYTES, InputError
from app.core.reading import open_input

HEADER = "customer_id,name,monthly_charges\n"


def _read(path: Path) -> tuple[str, bool, int, list[str]]:
    """Encoding, BOM, bytes read as U+FFFD, and the ``name`` column as the reader gives it."""
    opened = open_input(path)
    names = pd.concat([chunk.text for chunk in opened.chunks()])["name"].tolist()
    return opened.dialect.encoding, opened.dialect.bom, opened.dialect.replaced, names


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("stray_row", [0, 12_000, 15_999])  # in the first sample, past it, the last row
def test_utf8_with_one_stray_byte_stays_utf8(tmp_path: Path, stray_row: int) -> None:
    rows = [f"{i},José Müller,29.85\n".encode() for i in range(16_000)]
    rows[stray_row] = f"{stray_row},Caf".encode() + b"\xe9" + b",29.85\n"  # one Windows-1252 byte
    data = HEADER.encode() + b"".join(rows)
    assert (data.index(b"\xe9") > SAMPLE_BYTES) == (stray_row > 0)  # past the head: the whole-file pass finds it
    encoding, bom, replaced, names = _read(_write(tmp_path, data))
    assert (encoding, bom, replaced) == ("utf-8", False, 1)
    assert names[stray_row] == "Caf\ufffd"
    assert names.count("José Müller") == 15_999


@pytest.mark.parametrize(("codec", "expected"), [("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be")])
def test_utf16_without_a_bom(tmp_path: Path, codec: str, expected: str) -> None:
    text = HEADER + "1,Zoë,29.85\n2,Müller,12.5\n3,Núñez,7\n4,5 €,1\n"
    encoding, bom, replaced, names = _read(_write(tmp_path, text.encode(codec)))
    assert (encoding, bom, replaced) == (expected, False, 0)
    assert names == ["Zoë", "Müller", "Núñez", "5 €"]


@pytest.mark.xfail(
    strict=True,
    raises=InputError,
    reason="UTF-16 without a BOM is told only when every NUL falls on one side: a character such as U+0100 "
    "or U+4E00 puts one on the other, and mostly non-Latin text has too few; both read as binary content",
)
@pytest.mark.parametrize(
    ("codec", "cells"),
    [("utf-16-le", ["Müller", "Āsa"]), ("utf-16-be", ["Müller", "一郎"]), ("utf-16-le", ["Иванов Сергей"] * 40)],
    ids=["le-U+0100", "be-U+4E00", "le-cyrillic"],
)
def test_utf16_without_a_bom_beyond_latin(tmp_path: Path, codec: str, cells: list[str]) -> None:
    text = HEADER + "".join(f"{i},{cell},29.85\n" for i, cell in enumerate(cells, 1))
    encoding, bom, replaced, names = _read(_write(tmp_path, text.encode(codec)))
    assert (encoding, bom, replaced) == (codec, False, 0)
    assert names == cells


@pytest.mark.parametrize(
    "cells",
    [["José"], ["12 €", "7 €"], ["Núñez", "Peña", "Muñoz"], ["Café", "5 €", "España"]],
    ids=["1-row-e-acute", "2-rows-euro", "3-rows-n-tilde", "e-euro-n"],
)
def test_short_windows_1252_files(tmp_path: Path, cells: list[str]) -> None:
    text = HEADER + "".join(f"{i},{cell},29.85\n" for i, cell in enumerate(cells, 1))
    encoding, bom, replaced, names = _read(_write(tmp_path, text.encode("cp1252")))
    assert (encoding, bom, replaced) == ("cp1252", False, 0)
    assert names == cells


def test_latin1_with_bytes_windows_1252_leaves_undefined(tmp_path: Path) -> None:
    data = HEADER.encode() + b"1,Ren\x81e,29.85\n2,M\xfcller,12.5\n3,Zo\xeb,7\n"
    encoding, bom, replaced, names = _read(_write(tmp_path, data))
    assert (encoding, bom, replaced) == ("latin-1", False, 0)
    assert names == ["Ren\x81e", "Müller", "Zoë"]


def test_ascii_reads_as_utf8(tmp_path: Path) -> None:
    encoding, bom, replaced, names = _read(_write(tmp_path, (HEADER + "1,Smith,29.85\n2,Jones,7\n").encode("ascii")))
    assert (encoding, bom, replaced) == ("utf-8", False, 0)
    assert names == ["Smith", "Jones"]


@pytest.mark.parametrize("bom", [b"\xff\xfe", b"\xfe\xff"], ids=["le", "be"])
@pytest.mark.parametrize("size", [400, 3_000, 200_000])
@pytest.mark.parametrize("seed", range(5))
def test_binary_data_behind_a_utf16_byte_order_mark_is_binary_content(
    tmp_path: Path, bom: bytes, size: int, seed: int
) -> None:
    """Two bytes that happen to be FF FE (a compressed or encrypted file) once read as UTF-16 into one column
    named with a screenful of CJK; the file is binary, and the error says so."""
    data = bom + np.random.default_rng(seed).integers(0, 256, size, dtype=np.uint8).tobytes()
    with pytest.raises(InputError, match="binary content, not a CSV text file"):
        _read(_write(tmp_path, data))


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_text_beyond_the_basic_plane_and_cut_by_the_sample_still_reads(tmp_path: Path, codec: str) -> None:
    """CJK names and emoji (surrogate pairs), one pair cut in two by the end of the sample the encoding is told
    from: text, not binary."""
    bom = codecs.BOM_UTF16_LE if codec == "utf-16-le" else codecs.BOM_UTF16_BE
    rows = [f"{i},{name},29.85\n" for i, name in enumerate(["王秀英", "Zoë 😀", "𠜎𠜱 Núñez", "Иванов"] * 1_800, 1)]
    before = bom + (HEADER + "".join(rows)).encode(codec)
    prefix = f"{len(rows) + 1},"
    # The emoji's first half ends the sample, its second half follows it.
    padding = (SAMPLE_BYTES - 2 - len(before) - len(prefix.encode(codec))) // 2
    rows.append(f"{prefix}{'x' * padding}😀,1\n")
    rows += [f"{len(rows) + 1 + i},王,2\n" for i in range(10)]
    data = bom + (HEADER + "".join(rows)).encode(codec)
    assert (
        0xD800 <= int.from_bytes(data[SAMPLE_BYTES - 2 : SAMPLE_BYTES], "little" if "le" in codec else "big") < 0xDC00
    )
    encoding, bom_found, replaced, names = _read(_write(tmp_path, data))
    assert (encoding, bom_found, replaced) == ("utf-16", True, 0)
    assert names == [row.split(",")[1] for row in rows]
