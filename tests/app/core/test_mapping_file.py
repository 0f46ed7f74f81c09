"""Mapping files: saved and loaded back the same, checked against the model, and their values applied."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.bundle import load_bundle
from app.core.dialects import InputError
from app.core.fileio import sha256_file
from app.core.mapping_file import MappingFile, apply_values, load_mapping, mapping_toml, save_mapping

CARD = load_bundle().card
CONTRACTS = CARD.feature("contract").categories

names = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sources=st.lists(names, min_size=1, max_size=4, unique=True),
    binary=st.dictionaries(names, st.sampled_from(["1", "0"]), max_size=4),
    contract=st.dictionaries(names, st.sampled_from(CONTRACTS), max_size=4),
)
def test_a_saved_mapping_loads_back_the_same(
    tmp_path: Path, sources: list[str], binary: dict[str, str], contract: dict[str, str]
) -> None:
    # Keys that are one value once spaces and case are ignored must agree: keep the first of each.
    def agreeing(table: dict[str, str]) -> dict[str, str]:
        kept: dict[str, str] = {}
        for key, value in table.items():
            if all(k.strip().casefold() != key.strip().casefold() for k in kept):
                kept[key] = value
        return kept

    columns = dict(zip(["customer_id", "female", "contract", "tenure"], sources, strict=False))
    mapping = MappingFile(columns, {"female": agreeing(binary), "contract": agreeing(contract)})
    path = tmp_path / "mapping.toml"
    saved = save_mapping(path, mapping, CARD)
    loaded = load_mapping(path, CARD)
    assert dict(loaded.columns) == columns
    assert {k: dict(v) for k, v in loaded.values.items()} == {k: dict(v) for k, v in mapping.values.items()}
    assert loaded.sha256 == saved.sha256 == sha256_file(path)
    assert loaded.path == saved.path == path
    assert loaded.features == CARD.feature_names


def test_the_saved_file_is_the_documented_format(tmp_path: Path) -> None:
    mapping = MappingFile(
        {"female": "gender"}, {"female": {"Female": "1", "Male": "0"}, "contract": {"2y": "Two year"}}
    )
    text = mapping_toml(mapping, CARD)
    assert text.splitlines()[:3] == ["# model column = file column", "[columns]", 'female = "gender"']
    assert '[values.female]\n"Female" = 1\n"Male" = 0\n' in text  # binary values as numbers
    assert '"2y" = "Two year"' in text  # categories as text
    assert tomllib.loads(text)["values"]["female"] == {"Female": 1, "Male": 0}


def test_an_empty_mapping_round_trips(tmp_path: Path) -> None:
    saved = save_mapping(tmp_path / "empty.toml", MappingFile(), CARD)
    loaded = load_mapping(tmp_path / "empty.toml", CARD)
    assert dict(loaded.columns) == {}
    assert dict(loaded.values) == {}
    assert saved.name == "empty.toml"
    assert MappingFile().name == "(unsaved mapping)"
    assert loaded.summary() == {"name": "empty.toml", "sha256": saved.sha256, "columns": {}}


def test_binary_words_and_booleans_load_as_the_models_values(tmp_path: Path) -> None:
    path = tmp_path / "words.toml"
    path.write_text('[values.female]\nF = "yes"\nM = false\nX = " TRUE "\n', encoding="utf-8")
    assert dict(load_mapping(path, CARD).values["female"]) == {"F": "1", "M": "0", "X": "1"}


def test_a_bom_from_a_windows_editor_is_no_error(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b'\xef\xbb\xbf[columns]\nfemale = "gender"\n')
    assert dict(load_mapping(path, CARD).columns) == {"female": "gender"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[other]\n", "[other]: a mapping has only [columns] and [values.COLUMN] tables"),
        ('[columns]\nnot_a_column = "x"\n', "[columns] not_a_column: the model has no column 'not_a_column'"),
        ('[columns]\nfemale = ""\n', "[columns] female: the file column should be a name in quotes"),
        ("[columns]\nfemale = 1\n", "[columns] female: the file column should be a name in quotes"),
        ('[columns]\nfemale = "g"\npartner = "g"\n', "[columns] partner: 'g' already feeds 'female'"),
        ("[values.tenure]\na = 1\n", "[values.tenure]: values are mapped for binary and categorical columns"),
        ('[values.contract]\n"2y" = "Two years"\n', "[values.contract]: the model never saw 'Two years'"),
        ("[values.female]\nF = 2\n", "[values.female]: 2 is not a value of a binary column (use 1 or 0)"),
        ('[values.female]\nF = 1\n" f " = 0\n', "'F' and ' f ' are the same file value"),
        ("[values.nope]\na = 1\n", "[values.nope]: the model has no feature 'nope'"),
        ("columns = 3\n", 'columns: should be a table of model column = "file column"'),
        ("[columns\n", "not valid TOML"),
    ],
)
def test_a_wrong_mapping_is_refused_naming_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "wrong.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_mapping(path, CARD)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_missing_or_non_utf8_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such mapping file"):
        load_mapping(tmp_path / "absent.toml", CARD)
    (tmp_path / "latin.toml").write_bytes(b'[columns]\nfemale = "g\xe9nero"\n')
    with pytest.raises(InputError, match="a mapping file must be UTF-8 text"):
        load_mapping(tmp_path / "latin.toml", CARD)


def test_the_file_must_have_every_column_the_mapping_names() -> None:
    mapping = MappingFile({"female": "gender"}, path=Path("m.toml"))
    mapping.check_file_columns(["gender", "tenure"])
    with pytest.raises(InputError, match=r"m\.toml: \[columns\] female = 'gender': the file has no column 'gender'"):
        mapping.check_file_columns([f"c{i}" for i in range(10)])


def test_a_feature_left_with_nothing_is_named() -> None:
    mapping = MappingFile({"tenure": "monthly_charges"}, features=CARD.feature_names, path=Path("m.toml"))
    with pytest.raises(InputError, match="nothing feeds the model's 'monthly_charges'"):
        mapping.check_file_columns(["monthly_charges", "charges"])
    swapped = MappingFile({"tenure": "monthly_charges", "monthly_charges": "tenure"}, features=CARD.feature_names)
    swapped.check_file_columns(["monthly_charges", "tenure"])  # a swap feeds both


def test_apply_values_matches_spaces_and_case_and_keeps_the_rest() -> None:
    cells = pd.Series([" Female", "MALE", "other", None, np.nan, "Female"], index=[5, 6, 7, 8, 9, 10], dtype=object)
    result = apply_values(cells, {"Female": "1", "male": "0"})
    assert result.tolist() == ["1", "0", "other", "", "", "1"]  # missing cells become ""
    assert result.index.tolist() == [5, 6, 7, 8, 9, 10]


def test_apply_values_prefers_the_exact_key_to_the_folded_one() -> None:
    cells = pd.Series(["yes", "YES", "Yes"], dtype=object)
    assert apply_values(cells, {"YES": "1", "yes": "0"}).tolist() == ["0", "1", "0"]


def test_apply_values_of_nothing() -> None:
    assert apply_values(pd.Series([], dtype=object), {"a": "1"}).tolist() == []
    assert apply_values(pd.Series(["a"], dtype=object), {}).tolist() == ["a"]
