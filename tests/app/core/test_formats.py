"""Formats analysts have: workbooks and compressed CSV score exactly as the same data in a plain CSV file."""

from __future__ import annotations

import bz2
import csv
import gzip
import lzma
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from app.core.bundle import load_bundle
from app.core.output import score_to_csv
from app.core.reading import InputError, InputOptions, open_input
from app.core.scoring import scan
from tests.app.inputs import SAMPLE

BUNDLE = load_bundle()


def _probabilities(path: Path, tmp_path: Path, **options) -> list[str]:
    out = tmp_path / f"{path.name}.scored.csv"
    score_to_csv(path, out, BUNDLE, **options)
    with open(out, encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return [row[header.index("probability")] for row in rows]


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return _probabilities(SAMPLE, tmp_path_factory.mktemp("plain"))


@pytest.mark.parametrize(
    ("suffix", "compress"),
    [(".gz", gzip.compress), (".bz2", bz2.compress), (".xz", lzma.compress)],
)
def test_compressed_csv_scores_as_the_plain_file(tmp_path: Path, expected, suffix: str, compress) -> None:
    path = tmp_path / f"customers.csv{suffix}"
    path.write_bytes(compress(SAMPLE.read_bytes()))
    assert _probabilities(path, tmp_path) == expected
    dialect = scan(path, BUNDLE).dialect
    assert dialect is not None
    assert dialect.describe().startswith({".gz": "gzip", ".bz2": "bz2", ".xz": "xz"}[suffix] + "-compressed, UTF-8")


def test_a_zip_of_one_csv_scores_as_the_plain_file(tmp_path: Path, expected) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(SAMPLE, "customers.csv")
    assert _probabilities(path, tmp_path) == expected


def test_a_zip_of_several_files_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.csv", "x\n1\n")
        archive.writestr("b.csv", "x\n2\n")
    with pytest.raises(InputError, match=r"zip archive of 2 files \(a.csv, b.csv\); unzip it"):
        open_input(path)


def test_a_truncated_gzip_is_named_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "cut.csv.gz"
    data = gzip.compress(SAMPLE.read_bytes() * 20)
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="gzip-compressed data is damaged or cut short"):
        scan(path, BUNDLE)


def _sample_frame() -> pd.DataFrame:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    for column in frame.columns:  # numbers as numbers, the way a workbook holds them
        converted = pd.to_numeric(frame[column], errors="coerce")
        if converted.notna().all():
            frame[column] = converted
    return frame


def test_an_xlsx_sheet_scores_as_the_csv(tmp_path: Path, expected) -> None:
    path = tmp_path / "customers.xlsx"
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        pd.DataFrame({"note": ["a cover sheet"]}).to_excel(writer, sheet_name="About", index=False)
        _sample_frame().to_excel(writer, sheet_name="Customers", index=False)
    assert _probabilities(path, tmp_path, options=InputOptions(sheet="Customers")) == expected
    with pytest.raises(InputError, match="missing column"):  # the first sheet is the default
        scan(path, BUNDLE)
    with pytest.raises(InputError, match=r"has no sheet 'Nope'; its sheets are 'About', 'Customers'"):
        open_input(path, sheet="Nope")


def test_an_ods_sheet_scores_as_the_csv(tmp_path: Path, expected) -> None:
    path = tmp_path / "customers.ods"
    _sample_frame().to_excel(path, engine="odf", index=False)
    assert _probabilities(path, tmp_path) == expected


def test_workbook_cells_come_in_as_the_sheet_holds_them(tmp_path: Path) -> None:
    import datetime as dt

    from app.core.excel import cell_text

    assert [cell_text(v) for v in (5.0, 29.85, True, None, dt.date(2024, 1, 31), "x")] == [
        "5",
        "29.85",
        "TRUE",
        "",
        "2024-01-31",
        "x",
    ]
    assert cell_text(dt.datetime(2024, 1, 31, 12, 30)) == "2024-01-31 12:30:00"


def test_an_xlsx_output_holds_the_csv_columns_with_numbers_as_numbers(tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    header, *rows = SAMPLE.read_text(encoding="utf-8").splitlines()
    source = tmp_path / "in.csv"
    source.write_text("\n".join([header + ",notes", *(f"{r},=HYPERLINK(1)" for r in rows[:20])]) + "\n")
    csv_out, xlsx_out = tmp_path / "out.csv", tmp_path / "out.xlsx"
    score_to_csv(source, csv_out, BUNDLE)
    score_to_csv(source, xlsx_out, BUNDLE)
    with open(csv_out, encoding="utf-8", newline="") as handle:
        expected = list(csv.reader(handle))
    sheet = CalamineWorkbook.from_path(str(xlsx_out)).get_sheet_by_name("Scored").to_python()
    assert [str(c) for c in sheet[0]] == expected[0]
    probability = expected[0].index("probability")
    assert isinstance(sheet[1][probability], float)
    assert sheet[1][probability] == pytest.approx(float(expected[1][probability]))
    assert sheet[1][expected[0].index("notes")] == "'=HYPERLINK(1)"
    assert sheet[1][0] == float(expected[1][0])  # the id, a plain number, is a number


@pytest.mark.parametrize(
    ("suffix", "decompress"), [(".gz", gzip.decompress), (".bz2", bz2.decompress), (".xz", lzma.decompress)]
)
def test_a_compressed_output_name_writes_the_same_csv_compressed(tmp_path: Path, suffix: str, decompress) -> None:
    plain, packed = tmp_path / "out.csv", tmp_path / f"out.csv{suffix}"
    score_to_csv(SAMPLE, plain, BUNDLE)
    score_to_csv(SAMPLE, packed, BUNDLE)
    assert decompress(packed.read_bytes()) == plain.read_bytes()


def test_telling_the_encoding_reports_progress_and_honours_cancel(tmp_path: Path) -> None:
    from app.core.reading import Cancelled

    path = tmp_path / "big.csv.gz"
    header, *rows = SAMPLE.read_text(encoding="utf-8").splitlines()
    path.write_bytes(gzip.compress(("\n".join([header, *rows * 60]) + "\n").encode("utf-8")))
    seen: list[tuple[int, int]] = []
    open_input(path, progress=lambda done, total: seen.append((done, total)))
    assert seen
    assert all(0 <= done <= total == path.stat().st_size for done, total in seen)
    with pytest.raises(Cancelled):
        open_input(path, cancelled=lambda: True)


def test_a_damaged_deflate_stream_is_an_input_error(tmp_path: Path) -> None:
    import random

    data = bytearray(gzip.compress(SAMPLE.read_bytes()))
    rng = random.Random(0)
    for _ in range(3):
        data[rng.randrange(20, len(data) - 20)] ^= rng.randrange(1, 256)
    path = tmp_path / "damaged.csv.gz"
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="damaged or cut short"):
        scan(path, BUNDLE)


def test_an_empty_zip_is_named_as_one(tmp_path: Path) -> None:
    path = tmp_path / "empty.zip"
    zipfile.ZipFile(path, "w").close()
    with pytest.raises(InputError, match="zip archive with no file in it"):
        open_input(path)


def test_xlsx_output_keeps_odd_numbers_as_text_and_refuses_what_a_sheet_cannot_hold(tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    from app.core.fileio import OutputError

    header, *rows = SAMPLE.read_text(encoding="utf-8").splitlines()
    source = tmp_path / "in.csv"
    source.write_text("\n".join([header + ",note", f"{rows[0]},1e400", f"{rows[1]},12E4"]) + "\n")
    out = tmp_path / "out.xlsx"
    score_to_csv(source, out, BUNDLE)
    sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Scored").to_python()
    note = sheet[0].index("note")
    assert [sheet[1][note], sheet[2][note]] == ["1e400", "12E4"]
    source.write_text("\n".join([header + ",note", f"{rows[0]}," + "x" * 40_000]) + "\n")
    with pytest.raises(OutputError, match="32,767"):
        score_to_csv(source, tmp_path / "long.xlsx", BUNDLE)
    assert not (tmp_path / "long.xlsx").exists()


def test_progress_never_goes_back_while_a_file_is_read_twice(tmp_path: Path) -> None:
    header, *rows = SAMPLE.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "big.csv"
    path.write_text("\n".join([header, *rows * 60]) + "\n", encoding="utf-8")
    seen: list[int] = []
    scan(path, BUNDLE, progress=lambda done, total: seen.append(done), chunk_rows=1000)
    assert seen == sorted(seen)
    assert seen[-1] == path.stat().st_size
