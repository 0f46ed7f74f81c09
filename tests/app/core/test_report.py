"""The per-file report: issues counted across chunks with 1-based example rows, duplicates, drift and the verdict."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from app.core.card import ModelCard
from app.core.checks import ChunkAssessment
from app.core.columns import ColumnMapping
from app.core.dialects import Dialect
from app.core.mapping_file import MappingFile
from app.core.report import EXAMPLES, FileReport, Issue, ReportBuilder

NO_MAPPING = ColumnMapping(source_for={"n": "n", "c": "c", "id": "id"})


def _card(missing_share: float = 0.1, frequencies: tuple[float, ...] = (0.4, 0.5, 0.1)) -> ModelCard:
    """Two features; ``n`` has a reference of three bins: below 10, from 10, missing."""
    return ModelCard.from_dict(
        {
            "schema_version": 1,
            "model": {"name": "m", "version": "1", "onnx_sha256": "0" * 64},
            "target": {"column": "y", "positive_label": "1", "negative_label": "0"},
            "threshold": {"value": 0.5},
            "id_columns": ["id"],
            "features": [
                {
                    "name": "n",
                    "kind": "numeric",
                    "missing_share": missing_share,
                    "stats": {"min": 0.0, "max": 100.0},
                    "reference": {"kind": "numeric", "edges": [10.0], "frequencies": list(frequencies)},
                },
                {"name": "c", "kind": "categorical", "categories": ["p", "q"]},
            ],
        }
    )


def _chunk(
    rows: int,
    masks: dict[tuple[str, str], list[int]] | None = None,
    status: list[int] | None = None,
    drift: list[int] | None = None,
) -> ChunkAssessment:
    """A chunk of ``rows`` rows; ``masks`` list the (0-based) rows hit per issue key."""
    full = {}
    for key, hits in (masks or {}).items():
        mask = np.zeros(rows, dtype=bool)
        mask[hits] = True
        full[key] = mask
    return ChunkAssessment(
        columns={},
        masks=full,
        status=np.array(status if status is not None else [0] * rows, dtype=np.int8),
        issues=np.full(rows, "", dtype=object),
        drift_counts={"n": np.array(drift, dtype=np.int64)} if drift is not None else {},
    )


def _builder(card: ModelCard | None = None, mapping: ColumnMapping = NO_MAPPING, **kwargs: Any) -> ReportBuilder:  # noqa: ANN401 - an opaque JSON or Qt value
    return ReportBuilder(card or _card(), "in.csv", None, mapping, **kwargs)


def _ids(*values: object) -> Any:  # noqa: ANN401 - an opaque JSON or Qt value
    import pandas as pd

    return pd.Series(list(values), dtype=object)


# Issue and FileReport


def test_issue_to_dict() -> None:
    issue = Issue("missing_value", "n", "warning", 3, (1, 4, 9), "Missing value in 'n': 3 rows")
    assert issue.to_dict() == {
        "code": "missing_value",
        "column": "n",
        "severity": "warning",
        "rows": 3,
        "examples": [1, 4, 9],
        "message": "Missing value in 'n': 3 rows",
    }


def _report(*severities: str, dialect: Dialect | None = None) -> FileReport:
    issues = [Issue(f"code{i}", "", s, 0, (), "") for i, s in enumerate(severities)]
    return FileReport("f.csv", 2, dialect, NO_MAPPING, {"ok": 2, "warning": 0, "invalid": 0}, issues, {})


@pytest.mark.parametrize(
    ("severities", "verdict"),
    [
        ((), "ok"),
        (("info",), "ok"),
        (("info", "warning"), "warning"),
        (("warning", "error", "info"), "error"),
        (("error",), "error"),
    ],
)
def test_verdict_is_the_worst_severity(severities: tuple[str, ...], verdict: str) -> None:
    assert _report(*severities).verdict == verdict


def test_issues_of_one_code() -> None:
    report = _report("info", "warning")
    report.issues.append(Issue("code1", "x", "warning", 0, (), ""))
    assert [i.column for i in report.issues_of("code1")] == ["", "x"]
    assert report.issues_of("absent") == []


def test_file_report_to_dict() -> None:
    dialect = Dialect("utf-8", False, ";", "\r\n", decimal=",")
    document = _report("warning", dialect=dialect).to_dict()
    assert document == {
        "rows": 2,
        "verdict": "warning",
        "issues": [{"code": "code0", "column": "", "severity": "warning", "rows": 0, "examples": [], "message": ""}],
        "drift": {},
        "status_counts": {"ok": 2, "warning": 0, "invalid": 0},
        "file": "f.csv",
        "format": "UTF-8, semicolon-separated, decimal comma, CRLF",
        "mapping": None,
    }
    assert _report().to_dict()["format"] is None


# ReportBuilder: row issues


def test_counts_and_examples_continue_across_chunks() -> None:
    builder = _builder()
    builder.add(_chunk(4, {("missing_value", "c"): [1, 3]}), None)
    builder.add(_chunk(3, {("missing_value", "c"): [0, 2], ("unseen_category", "c"): [1]}), None)
    report = builder.finish()
    assert report.rows == 7
    (missing,) = report.issues_of("missing_value")
    assert (missing.column, missing.severity, missing.rows) == ("c", "warning", 4)
    assert missing.examples == (2, 4, 5, 7)  # 1-based, the second chunk starting at row 5
    assert missing.message == "Missing value in 'c': 4 rows"
    (unseen,) = report.issues_of("unseen_category")
    assert (unseen.rows, unseen.examples, unseen.message) == (1, (6,), "Unseen category in 'c': 1 row")


def test_examples_stop_at_the_first_few_rows() -> None:
    assert EXAMPLES == 5
    builder = _builder()
    builder.add(_chunk(4, {("impossible_value", "n"): [0, 1, 2]}), None)
    builder.add(_chunk(10, {("impossible_value", "n"): list(range(10))}), None)
    (issue,) = builder.finish().issues
    assert issue.rows == 13
    assert issue.examples == (1, 2, 3, 5, 6)
    assert issue.severity == "error"


def test_row_wide_issues_have_no_column_in_the_message() -> None:
    builder = _builder()
    builder.add(_chunk(3, {("repeated_header", ""): [0, 2]}), None)
    (issue,) = builder.finish().issues
    assert issue.message == "Repeated header line: 2 rows"
    assert issue.examples == (1, 3)


def test_status_counts_add_up_across_chunks() -> None:
    builder = _builder()
    builder.add(_chunk(4, status=[0, 1, 2, 2]), None)
    builder.add(_chunk(2, status=[0, 0]), None)
    assert builder.finish().status_counts == {"ok": 3, "warning": 1, "invalid": 2}


def test_an_empty_report() -> None:
    report = _builder().finish(extras={"note": 1})
    assert report.rows == 0
    assert report.issues == []
    assert report.drift == {}
    assert report.status_counts == {"ok": 0, "warning": 0, "invalid": 0}
    assert report.verdict == "ok"
    assert report.extras == {"note": 1}
    assert report.path == "in.csv"
    assert report.mapping_file is None


# ReportBuilder: drift and missing share


def test_drift_is_the_psi_of_the_binned_rows_against_training() -> None:
    builder = _builder()
    builder.add(_chunk(200, {("missing_value", "n"): list(range(100))}, drift=[100, 0, 100]), None)
    builder.add(_chunk(200, drift=[0, 200, 0]), None)
    report = builder.finish()
    # shares 0.25, 0.5, 0.25 against 0.4, 0.5, 0.1: (-.15) ln(.625) + 0 + .15 ln(2.5) = .15 ln 4
    expected = 0.15 * math.log(4)
    # chi-square on 100, 200, 100 against 160, 200, 40 rows: 3600/160 + 3600/40 = 112.5 on 2 degrees of freedom
    assert report.drift == {
        "n": {
            "psi": pytest.approx(round(expected, 6), abs=1e-12),
            "status": "warn",
            "p_value": pytest.approx(math.exp(-112.5 / 2), rel=1e-9),
            "significant": True,
        }
    }
    np.testing.assert_array_equal(report.drift_counts["n"], [100, 200, 100])
    (drift,) = report.issues_of("drift")
    assert (drift.column, drift.severity) == ("n", "warning")
    assert drift.message == "'n' drifted from training: PSI 0.208 (warn, p = 3.7e-25 after correction)"
    (share,) = report.issues_of("missing_share")  # 1 in 4 missing against 10% in training
    assert (share.rows, share.severity) == (100, "warning")
    assert share.message == "25.0% missing in 'n' against 10.0% in training"


def test_the_same_shift_in_four_rows_is_too_few_to_tell() -> None:
    builder = _builder()
    builder.add(_chunk(2, drift=[1, 0, 1]), None)
    builder.add(_chunk(2, drift=[0, 2, 0]), None)
    report = builder.finish()
    assert report.drift["n"]["psi"] == pytest.approx(0.15 * math.log(4), abs=1e-6)  # PSI does not change
    assert report.drift["n"]["status"] == "too_few_rows"
    assert report.drift["n"]["significant"] is False
    assert report.issues_of("drift") == []
    (unconfirmed,) = report.issues_of("drift_unconfirmed")
    assert unconfirmed.severity == "info"
    assert "4 rows are too few to tell it from sampling noise" in unconfirmed.message


def test_no_drift_when_the_file_looks_like_training() -> None:
    builder = _builder()
    builder.add(_chunk(100, {("missing_value", "n"): list(range(10))}, drift=[40, 50, 10]), None)
    report = builder.finish()
    assert report.drift == {"n": {"psi": 0.0, "status": "ok", "p_value": 1.0, "significant": False}}
    assert [i.code for i in report.issues] == ["missing_value"]  # the row finding only: no drift, no share


def test_a_file_that_looks_like_training_but_is_tiny_cannot_say_ok() -> None:
    builder = _builder()
    builder.add(_chunk(10, {("missing_value", "n"): [3]}, drift=[4, 5, 1]), None)
    report = builder.finish()
    assert report.drift["n"]["status"] == "too_few_rows"
    assert [i.code for i in report.issues] == ["missing_value"]  # a quiet small file is no issue, only unsure


def test_a_large_shift_is_an_alert() -> None:
    builder = _builder(_card(frequencies=(0.5, 0.5, 0.0)))
    builder.add(_chunk(100, drift=[100, 0, 0]), None)
    report = builder.finish()
    # shares 1, 0, 0 against .5, .5, 0 (empty bins count as 1e-4): .5 ln(1/.5) + (1e-4 - .5) ln(1e-4/.5)
    expected = 0.5 * math.log(2) + (1e-4 - 0.5) * math.log(1e-4 / 0.5)
    assert report.drift["n"]["psi"] == pytest.approx(expected, abs=1e-6)
    assert report.drift["n"]["status"] == "alert"
    assert "(alert, p = " in report.issues_of("drift")[0].message


def test_missing_share_exactly_at_the_margin_is_not_flagged() -> None:
    builder = _builder(_card(missing_share=0.2))
    builder.add(_chunk(4, {("missing_value", "n"): [0]}, drift=[1, 2, 1]), None)  # 25% = 20% + 5 points
    assert builder.finish().issues_of("missing_share") == []
    builder = _builder(_card(missing_share=0.2))
    builder.add(_chunk(3, {("missing_value", "n"): [0]}, drift=[1, 1, 1]), None)  # 33% > 25%
    assert len(builder.finish().issues_of("missing_share")) == 1


# ReportBuilder: duplicate ids


def test_duplicate_ids_across_chunks_ignoring_surrounding_spaces() -> None:
    builder = _builder()
    builder.add(_chunk(3), _ids("1", " 2", "3"))
    builder.add(_chunk(3), _ids("2 ", "4", " 1 "))
    (issue,) = builder.finish().issues
    assert issue.code == "duplicate_id"
    assert (issue.column, issue.severity, issue.rows) == ("id", "warning", 4)
    assert issue.examples == (1, 2, 4, 6)
    assert issue.message == "4 rows share an id with another row in 'id'"


def test_missing_ids_read_as_empty_text() -> None:
    builder = _builder()
    builder.add(_chunk(4), _ids(None, "7", "", "8"))
    (issue,) = builder.finish().issues
    assert (issue.rows, issue.examples) == (2, (1, 3))


def test_three_copies_of_one_id_are_three_rows() -> None:
    builder = _builder()
    builder.add(_chunk(5), _ids("a", "b", "a", "c", "a"))
    (issue,) = builder.finish().issues
    assert (issue.rows, issue.examples) == (3, (1, 3, 5))


def test_unique_ids_or_no_ids_raise_nothing() -> None:
    unique = _builder()
    unique.add(_chunk(3), _ids("1", "2", "3"))
    assert unique.finish().issues == []
    without = _builder()
    without.add(_chunk(3), None)
    assert without.finish().issues == []
    empty = _builder()
    empty.add(_chunk(0), _ids())
    assert empty.finish().issues == []


# ReportBuilder: field counts


def _widths(builder: ReportBuilder, widths: list[int], start: int = 0, other: dict[str, list[int]] | None = None):
    builder.add(_chunk(len(widths)), None)
    builder.add_widths(np.array(widths), start, {s: np.array(r) for s, r in (other or {}).items()})


def test_many_rows_with_another_field_count_are_an_error() -> None:
    builder = _builder(header_width=3)
    _widths(builder, [3] * 15 + [4, 4, 5] + [3, 3])
    (issue,) = builder.finish().issues
    assert (issue.code, issue.column, issue.severity, issue.rows) == ("inconsistent_fields", "", "error", 3)
    assert issue.message == "the header has 3 fields and 17 rows match it, but 2 rows with 4, 1 row with 5"


def test_a_few_odd_rows_are_left_to_the_row_checks() -> None:
    builder = _builder(header_width=3)
    _widths(builder, [3] * 19 + [4])  # 1 of 20: fewer than a tenth
    assert builder.finish().issues == []
    builder = _builder(header_width=3)
    builder.add_widths(None, 0, {})
    assert builder.finish().issues == []


def test_rows_another_separator_would_split_are_named() -> None:
    dialect = Dialect("utf-8", False, ",", "\n")
    builder = ReportBuilder(_card(), "in.csv", dialect, NO_MAPPING, header_width=3)
    builder.add(_chunk(4), None)
    builder.add_widths(np.array([3, 3, 1, 1]), 0, {";": np.array([2, 3])})
    builder.add(_chunk(4), None)
    builder.add_widths(np.array([1, 1, 1, 3]), 4, {";": np.array([0, 1]), "\t": np.array([2])})
    (issue,) = builder.finish().issues
    assert issue.rows == 5
    assert issue.message == (
        "the header has 3 fields and 3 rows match it, but 5 rows with 1; rows 3 to 6 look semicolon-separated"
        " while the header is comma-separated (re-saved by another program?)"
    )


# ReportBuilder: columns, mapping and order


def test_column_findings_and_the_order_of_issues() -> None:
    mapping = ColumnMapping(
        source_for={"n": "N", "c": "C "},
        renamed={"c": "C "},
        missing=("id",),
        extra=("notes",),
        mapped={"n": "N"},
        duplicates=("notes",),
    )
    mapping_file = MappingFile(columns={"n": "N"}, path=Path("/somewhere/mine.toml"), sha256="ab12")
    builder = _builder(mapping=mapping, mapping_file=mapping_file)
    builder.add(
        _chunk(3, {("non_numeric", "n"): [0], ("currency_sign", "n"): [1], ("unseen_category", "c"): [2]}), None
    )
    report = builder.finish()
    order = [(i.severity, i.code, i.column) for i in report.issues]
    assert order == [
        ("error", "missing_column", "id"),
        ("error", "non_numeric", "n"),
        ("warning", "duplicate_column", "notes"),
        ("warning", "renamed_column", "c"),
        ("warning", "unseen_category", "c"),
        ("info", "currency_sign", "n"),
        ("info", "extra_column", "notes"),
        ("info", "mapped_column", "n"),
    ]
    messages = {i.code: i.message for i in report.issues}
    assert messages["missing_column"] == "the file has no column 'id'"
    assert messages["mapped_column"] == "column 'N' feeds 'n' (mine.toml)"
    assert messages["renamed_column"] == "column 'C ' was read as 'c'"
    assert messages["extra_column"] == "column 'notes' is not used by the model; passed through"
    assert report.verdict == "error"
    assert report.mapping_file == {"name": "mine.toml", "sha256": "ab12", "columns": {"n": "N"}}
    assert report.to_dict()["mapping"] == report.mapping_file


def test_a_mapping_without_a_file_is_called_the_mapping() -> None:
    builder = _builder(mapping=ColumnMapping(source_for={"n": "N"}, mapped={"n": "N"}))
    (issue,) = builder.finish().issues
    assert issue.message == "column 'N' feeds 'n' (the mapping)"
    assert issue.severity == "info"
