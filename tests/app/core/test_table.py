"""The scored table the desktop app holds: compact text columns, search, sort keys, and loading a scored file."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.bundle import load_bundle
from app.core.columns import ColumnMapping
from app.core.dialects import Cancelled, InputError
from app.core.reading import InputOptions
from app.core.report import FileReport
from app.core.table import ScoredTable, TextColumn, load_table
from tests.app.inputs import LABELLED, SAMPLE, write_csv


def _text(*values: str | None) -> np.ndarray:
    return np.array(values, dtype=object)


# TextColumn


def test_a_repetitive_column_is_kept_as_categorical_codes() -> None:
    column = TextColumn([_text("No", "Yes", "No", "No")])
    assert column.categorical is not None
    assert column.values is None
    assert len(column) == 4
    assert [column.cell(i) for i in range(4)] == ["No", "Yes", "No", "No"]
    assert column.take(np.array([3, 1])).tolist() == ["No", "Yes"]


def test_a_mostly_distinct_column_is_kept_plain() -> None:
    column = TextColumn([_text("101", "102", "103", "101")])  # 3 distinct of 4: more than half
    assert column.values is not None
    assert column.categorical is None
    assert [column.cell(i) for i in range(4)] == ["101", "102", "103", "101"]
    assert column.take(np.array([2, 0])).tolist() == ["103", "101"]


def test_exactly_half_distinct_stays_categorical() -> None:
    assert TextColumn([_text("a", "b", "a", "b")]).categorical is not None


def test_parts_are_joined_in_order_with_new_values_in_later_parts() -> None:
    categorical = TextColumn([_text("a", "a", "b", "a"), _text("c", "a")])
    assert categorical.categorical is not None
    assert len(categorical) == 6
    assert [categorical.cell(i) for i in range(6)] == ["a", "a", "b", "a", "c", "a"]
    plain = TextColumn([_text("1", "2", "3"), _text("4", "1")])
    assert plain.values is not None
    assert [plain.cell(i) for i in range(5)] == ["1", "2", "3", "4", "1"]


def test_an_empty_column() -> None:
    column = TextColumn([_text()])
    assert len(column) == 0
    assert column.contains("x").shape == (0,)
    codes, values = column.codes_and_values()
    assert codes.size == 0
    assert len(values) == 0


@pytest.mark.parametrize("parts", [[_text("Fiber", "DSL", "fiber", "No")], [_text("No", "DSL", "No", "No")]])
def test_contains_is_a_substring_match_on_folded_text(parts: list[np.ndarray]) -> None:
    column = TextColumn(parts)
    expected = [("dsl" in str(v).casefold()) for v in parts[0]]
    assert column.contains("dsl").tolist() == expected
    assert not column.contains("cable").any()
    assert column.contains("").all()


def test_contains_on_a_plain_column() -> None:
    column = TextColumn([_text("Zürich", "São Paulo", "zurich", "Basel")])
    assert column.values is not None
    assert column.contains("zürich").tolist() == [True, False, False, False]
    assert column.contains("a").tolist() == [False, True, False, True]


def test_codes_and_values_index_the_distinct_values() -> None:
    for column in (TextColumn([_text("b", "a", "b", "b")]), TextColumn([_text("b", "a", "c", "b")])):
        codes, values = column.codes_and_values()
        assert [values[c] for c in codes] == [column.cell(i) for i in range(len(column))]
        assert sorted(values) == sorted(set(values))


# ScoredTable built by hand


def _table(path: Path, columns: dict[str, list[str]], labels: list[int] | None = None) -> ScoredTable:
    rows = len(next(iter(columns.values())))
    report = FileReport(str(path), rows, None, ColumnMapping(source_for={}), {}, [], {})
    return ScoredTable(
        path=path,
        stamp=(0, 0.0),
        columns=list(columns),
        text={name: TextColumn([_text(*values)]) for name, values in columns.items()},
        probability=np.linspace(0.1, 0.9, rows),
        status=np.zeros(rows, dtype=np.int8),
        issues=np.full(rows, "", dtype=object),
        labels=None if labels is None else np.array(labels, dtype=np.int8),
        report=report,
    )


def test_length_cells_and_labels(tmp_path: Path) -> None:
    table = _table(tmp_path / "f.csv", {"id": ["1", "2", "3"], "plan": ["A", "B", "A"]}, labels=[1, 0, -1])
    assert len(table) == 3
    assert table.cell(1, "plan") == "B"
    assert table.cell(2, "id") == "3"
    assert table.has_labels
    assert table.options == InputOptions()


@pytest.mark.parametrize(("labels", "has"), [(None, False), ([-1, -1], False), ([-2, -1], False), ([-1, 0], True)])
def test_has_labels_needs_one_usable_label(tmp_path: Path, labels: list[int] | None, has: bool) -> None:
    assert _table(tmp_path / "f.csv", {"id": ["1", "2"]}, labels).has_labels is has


def test_search_any_column_ignoring_case(tmp_path: Path) -> None:
    table = _table(tmp_path / "f.csv", {"id": ["a1", "b2", "c3", "d4"], "plan": ["DSL", "No", "dsl", "Fiber"]})
    assert table.search("DSL").tolist() == [True, False, True, False]
    assert table.search("b").tolist() == [False, True, False, True]  # "b2" and "Fiber"
    assert not table.search("cable").any()
    assert table.search("").all()


def test_search_an_empty_table(tmp_path: Path) -> None:
    table = _table(tmp_path / "f.csv", {"id": []})
    assert table.search("x").shape == (0,)
    assert table.search("").shape == (0,)


def test_sort_keys_order_numbers_numerically_with_ties_equal(tmp_path: Path) -> None:
    values = ["10", "9", "10", "100", "2.5"]
    keys = _table(tmp_path / "f.csv", {"n": values}).sort_keys("n")
    assert np.argsort(keys, kind="stable").tolist() == [4, 1, 0, 2, 3]  # 2.5, 9, 10, 10, 100 (not as text)
    assert keys[0] == keys[2]


def test_sort_keys_put_empty_cells_of_a_number_column_last(tmp_path: Path) -> None:
    values = [str(v) for v in range(10, 0, -1)] + [""]  # 10 of 11 distinct values are numbers
    keys = _table(tmp_path / "f.csv", {"n": values}).sort_keys("n")
    assert np.argsort(keys, kind="stable").tolist() == [9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 10]


def test_sort_keys_order_text_alphabetically_ignoring_case(tmp_path: Path) -> None:
    values = ["beta", "Alpha", "alpha", "Gamma", "beta", "alpha"]
    keys = _table(tmp_path / "f.csv", {"t": values}).sort_keys("t")
    assert keys[1] == keys[2] == keys[5]
    assert keys[0] == keys[4]
    assert keys[1] < keys[0] < keys[3]


def test_sort_keys_put_a_cell_with_no_value_last(tmp_path: Path) -> None:
    table = _table(tmp_path / "f.csv", {"id": ["3", "1", "2"]})
    table.text["id"] = TextColumn([_text("c", None, "a", "b")])  # plain: code -1 for the missing cell
    keys = table.sort_keys("id")
    assert keys[1] == np.inf
    assert np.argsort(keys, kind="stable").tolist() == [2, 3, 0, 1]


def test_sort_keys_put_empty_cells_of_a_text_column_last(tmp_path: Path) -> None:
    keys = _table(tmp_path / "f.csv", {"t": ["No", "", "Yes", "No", ""]}).sort_keys("t")
    assert np.argsort(keys, kind="stable").tolist() == [0, 3, 2, 1, 4]


def test_sort_keys_of_a_number_column_with_blanks_and_few_values(tmp_path: Path) -> None:
    keys = _table(tmp_path / "f.csv", {"n": ["10", "5", "", "5", "10"]}).sort_keys("n")
    assert np.argsort(keys, kind="stable").tolist() == [1, 3, 0, 4, 2]


def test_changed_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("a\n1\n")
    table = _table(path, {"a": ["1"]})
    stat = os.stat(path)
    table.stamp = (stat.st_size, stat.st_mtime)
    assert not table.changed_on_disk()
    with path.open("a") as handle:
        handle.write("2\n")  # the size changes: no clock involved
    assert table.changed_on_disk()
    path.unlink()
    assert table.changed_on_disk()


# load_table


@pytest.fixture(scope="module")
def bundle():
    return load_bundle()


def test_load_table_scores_the_golden_rows_as_the_build_recorded(bundle, tmp_path: Path) -> None:
    golden = bundle.card.raw["golden_rows"]
    frame = pd.DataFrame([row["inputs"] for row in golden])
    path = write_csv(frame, tmp_path / "golden.csv")
    table = load_table(path, bundle)
    assert len(table) == len(golden)
    assert table.columns == list(frame.columns)
    complete = np.array([all(v is not None for v in row["inputs"].values()) for row in golden])
    assert complete.sum() >= 20
    expected = np.array([row["probability"] for row in golden])
    np.testing.assert_allclose(table.probability[complete], expected[complete], rtol=0, atol=1e-6)
    assert (table.status[complete] == 0).all()
    # a row with every feature missing has a recorded probability, but a file scan refuses to guess it
    assert np.isnan(table.probability[~complete]).all()
    assert (table.status[~complete] == 2).all()
    assert all("too_many_missing" in issues for issues in table.issues[~complete])
    assert table.labels is None
    assert not table.has_labels
    assert table.cell(0, "customer_id") == golden[0]["inputs"]["customer_id"]
    assert table.cell(1, "contract") == golden[1]["inputs"]["contract"]
    assert table.cell(len(golden) - 1, "contract") == ""  # written as an empty cell
    stat = os.stat(path)
    assert table.stamp == (stat.st_size, stat.st_mtime)
    assert not table.changed_on_disk()
    assert table.options == InputOptions()
    assert table.report.rows == len(golden)
    assert table.path == path


def test_load_table_reads_the_labels(bundle, tmp_path: Path) -> None:
    frame = pd.read_csv(LABELLED, dtype=str, keep_default_na=False).head(30)
    frame.loc[3, "churn"] = ""
    table = load_table(write_csv(frame, tmp_path / "labelled.csv"), bundle)
    expected = np.where(frame["churn"] == "Yes", 1, np.where(frame["churn"] == "No", 0, -1))
    assert table.labels is not None
    assert table.labels.tolist() == expected.tolist()
    assert table.has_labels


def test_load_table_marks_invalid_rows_without_a_score(bundle, tmp_path: Path) -> None:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).head(6)
    frame.loc[2, "tenure"] = "-3"
    frame.loc[4, "contract"] = "Weekly"
    table = load_table(write_csv(frame, tmp_path / "spoilt.csv"), bundle)
    assert table.status.tolist() == [0, 0, 2, 0, 1, 0]
    assert np.isnan(table.probability[2])
    assert not np.isnan(np.delete(table.probability, 2)).any()
    assert table.issues[2] == "impossible_value:tenure"
    assert table.issues[4] == "unseen_category:contract"
    assert table.search("weekly").tolist() == [False, False, False, False, True, False]


def test_prepared_rows_are_the_model_inputs(bundle, tmp_path: Path) -> None:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).head(5)
    frame.loc[1, "total_charges"] = ""
    table = load_table(write_csv(frame, tmp_path / "in.csv"), bundle)
    prepared = table.prepared(np.array([3, 1]), bundle.card)
    assert list(prepared.columns) == list(bundle.card.feature_names)
    assert prepared["tenure"].dtype == np.float32
    assert prepared["tenure"].tolist() == [float(frame.loc[3, "tenure"]), float(frame.loc[1, "tenure"])]
    assert np.isnan(prepared["total_charges"].iloc[1])
    assert prepared["contract"].tolist() == [frame.loc[3, "contract"], frame.loc[1, "contract"]]


def test_load_table_refuses_a_missing_file_and_honours_cancel(bundle, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_table(tmp_path / "absent.csv", bundle)
    with pytest.raises(Cancelled):
        load_table(SAMPLE, bundle, cancelled=lambda: True)


def test_load_table_refuses_a_file_without_rows(bundle, tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text(SAMPLE.read_text().splitlines()[0] + "\n")
    with pytest.raises(InputError, match="no data rows"):
        load_table(path, bundle)


@pytest.fixture(scope="module")
def wide_table(tmp_path_factory: pytest.TempPathFactory) -> ScoredTable:
    """A file of 170 columns (the sample's and 150 of short random text), loaded as the window loads it."""
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).head(40)
    rng = np.random.default_rng(7)
    letters = list("abcXYZ012 ,.é")
    for index in range(150):
        frame[f"extra_{index}"] = ["".join(rng.choice(letters, size=rng.integers(0, 6))) for _ in range(len(frame))]
    path = tmp_path_factory.mktemp("wide") / "wide.csv"
    frame.to_csv(path, index=False)
    return load_table(path, load_bundle())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(needle=st.text(alphabet="abcXYZ012 ,.éE", min_size=1, max_size=3))
def test_a_wide_files_search_finds_what_the_column_by_column_search_finds(wide_table: ScoredTable, needle: str) -> None:
    assert wide_table.row_text is not None  # wide: indexed for search when it was loaded
    by_row = wide_table.search(needle)
    indexed, wide_table.row_text = wide_table.row_text, None
    try:
        assert (by_row == wide_table.search(needle)).all()
    finally:
        wide_table.row_text = indexed


def test_a_narrow_file_is_searched_column_by_column() -> None:
    assert load_table(SAMPLE, load_bundle()).row_text is None
