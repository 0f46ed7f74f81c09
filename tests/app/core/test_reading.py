"""Reading real-world CSV shapes: encodings, separators, decimal commas, line endings, quoting, headers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app.core.bundle import load_bundle
from app.core.output import score_to_csv
from app.core.reading import InputError, map_columns, normalise_decimal_comma, open_input
from app.core.scoring import MissingColumnsError, scan
from tests.app.inputs import SAMPLE, VARIANTS, read_output, sample_frame, write_csv


@pytest.fixture(scope="module")
def bundle():
    return load_bundle()


@pytest.fixture(scope="module")
def reference(bundle, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """Scores of the plain UTF-8 sample, the yardstick for every variant."""
    folder = tmp_path_factory.mktemp("reference")
    source = write_csv(sample_frame(), folder / "plain.csv")
    score_to_csv(source, folder / "out.csv", bundle)
    return read_output(folder / "out.csv")


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_shape_scores_like_plain_utf8(variant: str, bundle, reference: pd.DataFrame, tmp_path: Path) -> None:
    options = VARIANTS[variant]
    frame = sample_frame()
    source = write_csv(frame, tmp_path / f"{variant}.csv", **options)
    dialect = open_input(source, ["monthly_charges", "total_charges", "tenure"]).dialect
    assert dialect.separator == options.get("sep", ",")
    assert dialect.decimal == ("," if options.get("decimal_comma") else ".")
    assert dialect.newline == options.get("newline", "\n")
    out = tmp_path / "out.csv"
    result = score_to_csv(source, out, bundle)
    assert result.report.rows == len(frame)
    raw = out.read_bytes()
    encoding = "utf-8-sig" if dialect.bom else "utf-8"
    if dialect.bom:
        assert raw.startswith(b"\xef\xbb\xbf")
    scored = read_output(out, sep=dialect.separator, encoding=encoding)
    assert scored["customer_id"].tolist() == frame["customer_id"].tolist()
    expected_input = write_csv(frame, tmp_path / "expected.csv", **(options | {"encoding": "utf-8"}))
    original = read_output(expected_input, sep=dialect.separator)
    pd.testing.assert_frame_equal(scored[list(original.columns)], original)  # input columns unchanged
    probability = scored["probability"].str.replace(",", ".").astype(float)
    np.testing.assert_allclose(probability, reference["probability"].astype(float), atol=1e-6)
    assert scored["row_status"].tolist() == reference["row_status"].tolist()
    assert "\r\n" in raw.decode(encoding) if options.get("newline") == "\r\n" else "\r\n" not in raw.decode(encoding)


def test_headers_in_other_case_spacing_and_order_are_mapped(bundle, reference: pd.DataFrame, tmp_path: Path) -> None:
    frame = sample_frame()
    renamed = {
        "monthly_charges": "Monthly Charges",
        "tenure": "TENURE",
        "customer_id": "CustomerID",
        "payment_method": "payment-method",
    }
    frame = frame.rename(columns=renamed)
    frame = frame[list(reversed(frame.columns))]
    frame["region"] = "north"
    source = write_csv(frame, tmp_path / "renamed.csv")
    result = score_to_csv(source, tmp_path / "out.csv", bundle)
    renamed_issues = {i.column: i.message for i in result.report.issues_of("renamed_column")}
    assert set(renamed_issues) == {"monthly_charges", "tenure", "customer_id", "payment_method"}
    assert "'Monthly Charges' was read as 'monthly_charges'" in renamed_issues["monthly_charges"]
    assert {i.column for i in result.report.issues_of("extra_column")} == {"notes", "region"}
    scored = read_output(tmp_path / "out.csv")
    assert list(scored.columns[: len(frame.columns)]) == list(frame.columns)
    by_id = scored.set_index("CustomerID")["probability"].astype(float)
    expected = reference.set_index("customer_id")["probability"].astype(float)
    np.testing.assert_allclose(by_id.loc[expected.index], expected, atol=1e-9)


def test_decimal_comma_normalisation() -> None:
    values = pd.Series(["29,85", "1.234,5", "12", "", "abc", "1,2,3", "-0,5"])
    assert normalise_decimal_comma(values).tolist() == ["29.85", "1234.5", "12", "", "abc", "1,2,3", "-0.5"]


def test_column_mapping_prefers_exact_names() -> None:
    mapping = map_columns(["Tenure", "tenure", "x"], ["tenure"])
    assert mapping.source_for == {"tenure": "tenure"}
    assert mapping.extra == ("Tenure", "x")
    mapping = map_columns(["Monthly_Charges"], ["monthly_charges", "tenure"])
    assert mapping.renamed == {"monthly_charges": "Monthly_Charges"}
    assert mapping.missing == ("tenure",)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"   \n\n", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary content"),
        (b"PK\x03\x04\x14\x00\x06\x00", "is a damaged zip archive"),
        (b"\x1f\x8b\x08\x00", "the gzip-compressed data is damaged or cut short"),
        (b"%PDF-1.7\n", "is a PDF document, not CSV"),
    ],
)
def test_unreadable_files_are_named(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as raised:
        open_input(path)
    assert str(path) in str(raised.value)


def test_header_only_and_missing_columns(bundle, tmp_path: Path) -> None:
    header_only = tmp_path / "header.csv"
    header_only.write_text(SAMPLE.read_text().splitlines()[0] + "\n")
    with pytest.raises(InputError, match="header but no data rows"):
        scan(header_only, bundle)
    frame = sample_frame().drop(columns=["tenure", "contract"])
    source = write_csv(frame, tmp_path / "missing.csv")
    with pytest.raises(
        MissingColumnsError,
        match=r"missing columns 'tenure' \(numeric\), 'contract' \(categorical\): map one of the file's columns"
        r" to each with --mapping",
    ) as raised:
        scan(source, bundle)
    assert {i.column for i in raised.value.report.issues_of("missing_column")} == {"tenure", "contract"}


def test_not_a_csv_text_file_is_missing_every_column(bundle, tmp_path: Path) -> None:
    prose = tmp_path / "letter.csv"
    prose.write_text("Dear customer\nthank you for your letter\n")
    with pytest.raises(MissingColumnsError, match="'tenure'"):
        scan(prose, bundle)
