"""The mapping dialog's core: the sample it reads, what it suggests and what a mapping would do to the sample."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from app.core.bundle import load_bundle
from app.core.mapping_draft import SAMPLE_ROWS, header_key, preview, read_sample, suggest_columns
from app.core.mapping_file import MappingFile
from tests.app.core.test_analyst_files import _ibm_export
from tests.app.inputs import SAMPLE
from tests.conftest import REPO

BUNDLE = load_bundle()
SNAPSHOT = REPO / "model_build" / "data" / "telco_churn.csv"  # 7,043 rows: several reading blocks


def test_the_sample_holds_exactly_the_first_rows_it_promises(tmp_path: Path) -> None:
    export = tmp_path / "ibm.csv"
    _ibm_export(SNAPSHOT, export)
    sample = read_sample(export, BUNDLE)
    assert len(sample.rows) == SAMPLE_ROWS
    first = pd.read_csv(export, dtype=str, keep_default_na=False).head(SAMPLE_ROWS)
    assert sample.chunk.text["customerID"].tolist() == first["customerID"].tolist()
    assert len(read_sample(SAMPLE, BUNDLE).rows) == 200  # a small file: all of it


def test_an_empty_file_is_an_empty_sample(tmp_path: Path) -> None:
    header = SAMPLE.read_text(encoding="utf-8").splitlines()[0]
    empty = tmp_path / "empty.csv"
    empty.write_text(header + "\n", encoding="utf-8")
    sample = read_sample(empty, BUNDLE)
    assert len(sample.rows) == 0
    assert preview(sample, BUNDLE, MappingFile()).scored == 0


def test_the_preview_names_what_is_unmapped_and_counts_what_scores(tmp_path: Path) -> None:
    export = tmp_path / "ibm.csv"
    _ibm_export(SAMPLE, export)
    sample = read_sample(export, BUNDLE)
    unmapped = preview(sample, BUNDLE, MappingFile())
    assert unmapped.missing == ("female",)
    assert unmapped.scored == 0
    mapped = preview(sample, BUNDLE, MappingFile({"female": "gender"}, {"female": {"Female": "1", "Male": "0"}}))
    assert mapped.missing == ()
    assert mapped.scored == 200


def test_the_header_key_and_suggestions_depend_on_the_columns_only(tmp_path: Path) -> None:
    export = tmp_path / "ibm.csv"
    _ibm_export(SAMPLE, export)
    columns = read_sample(export, BUNDLE).columns
    assert header_key(columns) == header_key(list(columns))
    assert header_key(columns) != header_key(columns[::-1])
    suggested = suggest_columns(BUNDLE, columns)
    assert suggested["monthly_charges"] == "MonthlyCharges"
    assert "female" not in suggested
    assert suggest_columns(BUNDLE, columns, {"female": "gender"})["female"] == "gender"
