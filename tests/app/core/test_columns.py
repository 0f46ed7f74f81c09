"""Which file column feeds which model column, and header names made unique."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.core.bundle import load_bundle
from app.core.columns import header_names, map_columns, normalised_name
from app.core.dialects import InputError
from app.core.paths import samples_dir

PATH = Path("input.csv")


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Monthly Charges", "monthlycharges"),
        ("monthly_charges", "monthlycharges"),
        ("MONTHLY-charges.", "monthlycharges"),
        (" a\tb ", "ab"),
        ("", ""),
        ("Straße", "strasse"),
    ],
)
def test_normalised_name_ignores_case_spaces_underscores_hyphens_and_dots(name: str, key: str) -> None:
    assert normalised_name(name) == key


def test_exact_names_map_with_nothing_renamed() -> None:
    mapping = map_columns(["id", "tenure", "note"], ["tenure"], ["id"])
    assert dict(mapping.source_for) == {"tenure": "tenure", "id": "id"}
    assert dict(mapping.renamed) == {}
    assert mapping.missing == ()
    assert mapping.extra == ("note",)


def test_loose_names_map_and_are_reported_as_renamed() -> None:
    mapping = map_columns(["Monthly Charges", "TENURE"], ["monthly_charges", "tenure"])
    assert dict(mapping.source_for) == {"monthly_charges": "Monthly Charges", "tenure": "TENURE"}
    assert dict(mapping.renamed) == dict(mapping.source_for)


def test_an_exact_match_is_never_taken_by_a_loose_one() -> None:
    # "Tenure" loosely matches both expected names; "tenure" exactly matches one: that one wins it.
    mapping = map_columns(["TENURE", "tenure"], ["Tenure", "tenure"])
    assert mapping.source_for["tenure"] == "tenure"
    assert mapping.source_for["Tenure"] == "TENURE"


def test_two_loose_candidates_are_ambiguous_not_a_pick() -> None:
    mapping = map_columns(["Monthly Charges", "monthly-charges"], ["monthly_charges"])
    assert dict(mapping.ambiguous) == {"monthly_charges": ("Monthly Charges", "monthly-charges")}
    assert "monthly_charges" not in mapping.source_for
    assert mapping.missing == ()  # ambiguous, not missing
    assert mapping.extra == ("Monthly Charges", "monthly-charges")


def test_missing_counts_only_required_columns() -> None:
    mapping = map_columns(["tenure"], ["tenure", "contract"], ["customer_id"])
    assert mapping.missing == ("contract",)


def test_an_explicit_mapping_comes_first_and_ignores_unknown_names() -> None:
    mapping = map_columns(
        ["Contrato", "contract", "x"], ["contract"], explicit={"contract": "Contrato", "not_a_feature": "x"}
    )
    assert mapping.source_for["contract"] == "Contrato"
    assert dict(mapping.mapped) == {"contract": "Contrato"}
    assert mapping.extra == ("contract", "x")


def test_a_repeated_header_is_a_duplicate_and_makes_its_column_ambiguous() -> None:
    mapping = map_columns(["tenure", "tenure.1", "id", "id.1"], ["tenure"], written=["tenure", "tenure", "id", "id"])
    assert dict(mapping.ambiguous) == {"tenure": ("tenure", "tenure.1")}  # which one to score is never guessed
    assert "tenure" not in mapping.source_for
    assert mapping.duplicates == ("tenure", "id")
    assert mapping.extra == ("tenure", "tenure.1", "id", "id.1")


def test_mapping_no_columns() -> None:
    mapping = map_columns([], ["tenure"])
    assert mapping.missing == ("tenure",)
    assert mapping.extra == ()
    assert map_columns(["a"], []).extra == ("a",)


def test_the_sample_maps_every_feature_of_the_shipped_model() -> None:
    card = load_bundle().card
    text = (samples_dir() / "telco_churn_to_score.csv").read_text(encoding="utf-8")
    written, unique = header_names(text, ",", PATH)
    mapping = map_columns(unique, [f.name for f in card.features], written=written)
    assert mapping.missing == ()
    assert mapping.renamed == {}
    assert set(mapping.source_for) == {f.name for f in card.features}


def test_header_names_are_made_unique_as_pandas_does() -> None:
    written, unique = header_names("a,b,a,a.1,a,,c\n1,2\n", ",", PATH)
    assert written == ["a", "b", "a", "a.1", "a", "", "c"]
    assert unique == ["a", "b", "a.2", "a.1", "a.3", "column_6", "c"]  # never clashing with a real a.1
    assert len(set(unique)) == len(unique)


def test_header_names_strip_and_drop_trailing_separators() -> None:
    written, unique = header_names(' id ;"x;y";;\r\n', ";", PATH)
    assert written == [" id ", "x;y"]
    assert unique == ["id", "x;y"]


def test_header_names_of_one_column_and_a_quoted_line_break() -> None:
    assert header_names("only\n", ",", PATH) == (["only"], ["only"])
    assert header_names('"two\nlines",b\n', ",", PATH)[1] == ["two\nlines", "b"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty (no header line)"),
        (",,,\n1,2\n", "the file is empty (no header line)"),
        ("\na,b\n", "the first line is blank; the header must be the first line"),
        ("\r\n\r\na,b\r\n", "the first line is blank; the header must be the first line"),
    ],
)
def test_a_file_without_a_header_line_is_refused_by_name(text: str, message: str) -> None:
    with pytest.raises(InputError, match="^" + re.escape(f"input.csv: {message}")):
        header_names(text, ",", PATH)
