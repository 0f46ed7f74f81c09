"""Cutting a CSV file into byte ranges and merging the parts' reports: the same rows and report as one pass.

These are the core's pieces ``score --engine dask`` stands on; they are tested here without a cluster.
"""

from __future__ import annotations

import string
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.bundle import Bundle, load_bundle
from app.core.metrics import ScoreAccumulator
from app.core.reading import byte_ranges, byte_splittable, open_input
from app.core.report import ReportBuilder, _id_hashes
from app.core.scoring import open_for_scoring, scan, scan_chunks
from tests.app.inputs import VARIANTS, sample_frame, write_csv


@pytest.fixture(scope="module")
def bundle() -> Bundle:
    return load_bundle()


def _rows_of(path: Path, spans: list[tuple[int, int]] | None) -> list[tuple[str, ...]]:
    source = open_input(path)
    chunks = [c for span in spans for c in source.chunks(7, span)] if spans else list(source.chunks(7))
    rows: list[tuple[str, ...]] = []
    for chunk in chunks:
        rows.extend(zip(*(chunk.text[c] for c in chunk.text.columns), chunk.extras, strict=True))
    return rows


_FIELD = st.text(alphabet=string.ascii_letters + ',"\n\r ;é', max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    records=st.lists(st.lists(_FIELD, min_size=3, max_size=3), min_size=1, max_size=40),
    newline=st.sampled_from(["\n", "\r\n"]),
    part_bytes=st.integers(min_value=1, max_value=200),
)
def test_byte_ranges_cut_only_between_records(
    tmp_path: Path, records: list[list[str]], newline: str, part_bytes: int
) -> None:
    """Quoted separators, quotes and line breaks never fall on a cut: reading range by range gives every row
    exactly as reading the whole file does."""
    lines = ["a,b,c"]
    for record in records:
        lines.append(",".join('"' + field.replace('"', '""') + '"' for field in record))
    path = tmp_path / "quoted.csv"
    path.write_bytes((newline.join(lines) + newline).encode("utf-8"))
    source = open_input(path)
    assert source.source is not None
    spans = byte_ranges(source.source, source.dialect, part_bytes)
    assert spans[0][0] == 0
    assert spans[-1][1] == path.stat().st_size
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert _rows_of(path, spans) == _rows_of(path, None)


def test_a_large_file_is_cut_into_many_ranges(tmp_path: Path) -> None:
    path = write_csv(sample_frame(), tmp_path / "notes.csv")  # free text with quoted line breaks
    source = open_input(path)
    assert source.source is not None
    spans = byte_ranges(source.source, source.dialect, 2_000)
    assert len(spans) > 10
    assert _rows_of(path, spans) == _rows_of(path, None)


@pytest.mark.parametrize(("variant", "splittable"), [("utf8", True), ("cp1252", True), ("utf16", False)])
def test_only_encodings_whose_quote_and_line_end_are_single_bytes_are_cut(
    tmp_path: Path, variant: str, splittable: bool
) -> None:
    path = write_csv(sample_frame(), tmp_path / f"{variant}.csv", **VARIANTS[variant])  # type: ignore[arg-type]
    source = open_input(path)
    assert source.source is not None
    assert byte_splittable(source.source, source.dialect) is splittable
    assert (len(byte_ranges(source.source, source.dialect, 2_000)) > 1) is splittable


@pytest.mark.parametrize("variant", ["utf8", "excel_de", "semicolon_decimal_comma", "crlf", "utf8_bom"])
def test_merged_part_reports_equal_the_single_pass(tmp_path: Path, bundle: Bundle, variant: str) -> None:
    """Counts, examples, missing shares, drift from summed bin counts, field counts and duplicate ids across
    parts: the report merged from parts scored apart is the report of one pass, to the last field."""
    frame = sample_frame()
    frame.loc[[3, 120, 190], "customer_id"] = frame.loc[0, "customer_id"]  # duplicates across parts
    frame.loc[60:90, "tenure"] = ""  # missing values, in a few parts only
    frame.loc[150, "monthly_charges"] = "lots"
    path = write_csv(frame, tmp_path / "in.csv", **VARIANTS[variant])  # type: ignore[arg-type]
    whole = scan(path, bundle).to_dict()

    source, mapping, job = open_for_scoring(path, bundle)
    assert source.source is not None
    spans = byte_ranges(source.source, source.dialect, 3_000)
    assert len(spans) > 5
    for span in spans:
        part = ReportBuilder(bundle.card, str(path), source.dialect, mapping)
        scan_chunks(source, source.chunks(50, span), bundle, mapping, part)
        job.absorb(part.partial())
    merged = job.finish().to_dict()
    assert merged == whole
    assert any(issue["code"] == "duplicate_id" and issue["rows"] == 4 for issue in merged["issues"])


def test_id_hashes_do_not_depend_on_the_process_or_the_padding() -> None:
    """The duplicate check across parts compares hashes made in other processes: Python's salted hash would not
    do. Known values pin the function, and an id hashes alike whatever the width of its neighbours."""
    short = _id_hashes(np.asarray(["A1", " A1 ", "B"], dtype=object))
    wide = _id_hashes(np.asarray(["A1", "a much longer id in the same chunk"], dtype=object))
    assert short[0] == short[1] == wide[0]
    assert short[0] != short[2]
    assert (
        _id_hashes(np.asarray(["x" * 300, "x" * 300, "y"], dtype=object)).tolist()[:2]
        == [*_id_hashes(np.asarray(["x" * 300], dtype=object)).tolist()] * 2
    )
    assert int(_id_hashes(np.asarray([""], dtype=object))[0]) == 0


def test_score_distributions_merge() -> None:
    rng = np.random.default_rng(3)
    values = rng.random(1000)
    values[::17] = np.nan
    whole, first, second = ScoreAccumulator(0.3), ScoreAccumulator(0.3), ScoreAccumulator(0.3)
    whole.add(values)
    first.add(values[:400])
    second.add(values[400:])
    first.merge(second)
    assert first.summary()["deciles"] == whole.summary()["deciles"]
    assert first.positive == whole.positive
    with pytest.raises(ValueError, match="threshold"):
        first.merge(ScoreAccumulator(0.5))


def test_id_hashes_are_the_same_in_every_process() -> None:
    """Workers are other processes, each with its own string-hash salt: the id hashes must not depend on it."""
    import subprocess
    import sys

    code = (
        "import numpy as np; from app.core.report import _id_hashes;"
        " print(_id_hashes(np.asarray(['7590-VHVEG', ' 42 ', 'Zürich'], dtype=object)).tolist())"
    )
    seen = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**__import__("os").environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(seen) == 1


@pytest.mark.parametrize(
    "row",
    [
        '7,"Monitor, 27"" wide",x\n',  # a quoted field with a doubled quote: cut as usual
        '7,27" monitor,x\n',  # a quote as text in an unquoted field: the count would be off
        '7,27",x\n',  # the same at the field's end
        '7, "spaced",x\n',  # a quote after a space is text to the parser
    ],
)
def test_a_quote_the_count_cannot_trust_keeps_the_file_whole(tmp_path: Path, row: str) -> None:
    """Cuts stay right when every quote opens or closes a field; a quote that is text would flip the count and
    put the next cut inside a quoted field, so such a file is read as one range, exactly as a whole."""
    lines = ["a,b,c\n"] + [f'{i},"note\nover two lines",y\n' for i in range(200)]
    lines.insert(50, row)
    path = tmp_path / "quotes.csv"
    path.write_text("".join(lines), encoding="utf-8")
    source = open_input(path)
    assert source.source is not None
    spans = byte_ranges(source.source, source.dialect, 500)
    trusted = row.startswith('7,"Monitor')
    assert (len(spans) > 1) is trusted
    assert _rows_of(path, spans) == _rows_of(path, None)


def test_a_file_that_ends_inside_quotes_is_one_range(tmp_path: Path) -> None:
    path = tmp_path / "open.csv"
    path.write_text("a,b,c\n" + "1,2,3\n" * 300 + '4,"never closed,5\n', encoding="utf-8")
    source = open_input(path)
    assert source.source is not None
    assert byte_ranges(source.source, source.dialect, 100) == [(0, path.stat().st_size)]


def test_rows_are_copied_as_written_whatever_block_they_fall_in(tmp_path: Path, bundle: Bundle) -> None:
    """A quoted line break in one row no longer makes its whole block be rewritten cell by cell: needless
    quotes elsewhere are kept, so scoring the file in pieces gives the bytes of scoring it whole."""
    from app.core.output import score_to_csv

    frame = sample_frame()
    path = write_csv(frame, tmp_path / "in.csv")
    text = path.read_text(encoding="utf-8").replace(",Zürich office", ',"Zürich office"')
    path.write_text(text, encoding="utf-8")
    whole = tmp_path / "whole.csv"
    small = tmp_path / "small.csv"
    score_to_csv(path, whole, bundle)
    score_to_csv(path, small, bundle, chunk_rows=3)
    assert whole.read_bytes() == small.read_bytes()
    assert b',"Z\xc3\xbcrich office",' in whole.read_bytes()
    assert b'"Called, no answer\nretry Monday"' in whole.read_bytes()


def test_an_id_hashes_alike_next_to_a_very_long_one() -> None:
    alone = _id_hashes(np.asarray(["47"], dtype=object))
    beside = _id_hashes(np.asarray(["x" * 300, "47"], dtype=object))
    assert beside[1] == alone[0]


def _scored_in_ranges(path: Path, bundle: Bundle, part_bytes: int) -> tuple[str, int]:
    """What the workers write for each byte range, joined with one header kept; and how many ranges."""
    import io

    from app.core.output import CsvSink

    source, mapping, _ = open_for_scoring(path, bundle)
    assert source.source is not None
    spans = byte_ranges(source.source, source.dialect, part_bytes)
    joined = ""
    for number, span in enumerate(spans):
        buffer = io.StringIO()
        sink = CsvSink(lambda _dialect, out=buffer: out, bundle, bundle.card.threshold)
        builder = ReportBuilder(bundle.card, str(path), source.dialect, mapping)
        scan_chunks(source, source.chunks(span=span), bundle, mapping, builder, on_chunk=sink)
        text = buffer.getvalue()
        joined += (
            text if number == 0 else text[len(text.split(source.dialect.newline, 1)[0]) + len(source.dialect.newline) :]
        )
    return joined, len(spans)


@pytest.mark.parametrize(
    ("newline", "inside", "cut"),
    [
        ("\r\n", '"line one\nline two"', True),  # Excel: LF inside quoted cells of a CRLF file
        ("\r\n", '"line one\r\nline two"', True),
        ("\n", '"line one\nline two"', True),
        ("\r\n", "stray\nLF", False),  # a lone LF outside quotes ends a row for the parser
        ("\n", "stray\rCR", False),
        ("\r", '"line one\rline two"', True),
    ],
)
def test_ranges_score_to_the_bytes_of_the_whole_file(
    tmp_path: Path, bundle: Bundle, newline: str, inside: str, cut: bool
) -> None:
    frame = sample_frame().drop(columns=["notes"])
    path = write_csv(frame, tmp_path / "in.csv", newline=newline)
    lines = path.read_bytes().decode("utf-8").split(newline)
    lines[1] = lines[1] + "," + inside  # one cell beyond the header: an extra field, kept
    lines[60] = lines[60].replace(",Month-to-month,", ',"Month-to-month",')  # needless quotes
    path.write_bytes(newline.join(lines).encode("utf-8"))
    whole = tmp_path / "whole.csv"
    from app.core.output import score_to_csv

    score_to_csv(path, whole, bundle)
    joined, ranges = _scored_in_ranges(path, bundle, 1_500)
    assert (ranges > 1) is cut
    assert joined.encode("utf-8") == whole.read_bytes()
