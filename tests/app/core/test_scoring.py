"""Reading, checking and scoring a file in chunks: the report, the chunks handed on, and what stops a run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app.core.bundle import load_bundle
from app.core.dialects import Cancelled, InputError
from app.core.report import FileReport
from app.core.scoring import AmbiguousColumnsError, MissingColumnsError, ModelOutputError, ScoredChunk, scan
from tests.app.faulty_models import scaled_bundle
from tests.app.inputs import LABELLED, SAMPLE, write_csv

BUNDLE = load_bundle()


def _frame(path: Path = SAMPLE) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _chunks(path: Path, chunk_rows: int) -> tuple[list[ScoredChunk], FileReport]:
    chunks: list[ScoredChunk] = []
    report = scan(path, BUNDLE, on_chunk=chunks.append, chunk_rows=chunk_rows)
    return chunks, report


def test_the_sample_scores_every_row_with_the_predictors_probabilities() -> None:
    chunks, report = _chunks(SAMPLE, 10_000)
    frame = _frame()
    assert report.rows == len(frame) == 200
    assert report.status_counts["invalid"] == 0
    assert sum(report.status_counts.values()) == report.rows
    probability = np.concatenate([chunk.probability for chunk in chunks])
    np.testing.assert_allclose(probability, BUNDLE.predictor.predict(frame), atol=1e-7)
    assert chunks[0].start == 0


def test_chunks_of_any_size_give_the_same_rows_and_report() -> None:
    whole, whole_report = _chunks(LABELLED, 100_000)
    small, small_report = _chunks(LABELLED, 7)
    assert len(small) > len(whole)
    assert [c.start for c in small] == sorted(c.start for c in small)
    np.testing.assert_array_equal(
        np.concatenate([c.probability for c in small]), np.concatenate([c.probability for c in whole])
    )
    assert small_report.status_counts == whole_report.status_counts
    assert {i.code: i.rows for i in small_report.issues} == {i.code: i.rows for i in whole_report.issues}
    assert {k: v["psi"] for k, v in small_report.drift.items()} == {k: v["psi"] for k, v in whole_report.drift.items()}


def test_an_invalid_row_gets_no_probability(tmp_path: Path) -> None:
    frame = _frame()
    frame.loc[3, "tenure"] = "lots"
    chunks, report = _chunks(write_csv(frame, tmp_path / "bad.csv"), 50)
    probability = np.concatenate([c.probability for c in chunks])
    assert report.status_counts["invalid"] == 1
    assert np.isnan(probability[3])
    assert np.isfinite(np.delete(probability, 3)).all()
    assert report.issues_of("non_numeric")[0].examples == (4,)  # rows count from 1


def test_without_predict_the_rows_are_checked_not_scored() -> None:
    chunks: list[ScoredChunk] = []
    report = scan(SAMPLE, BUNDLE, predict=False, on_chunk=chunks.append)
    assert report.rows == 200
    assert all(np.isnan(c.probability).all() for c in chunks)


def test_a_file_lacking_a_feature_is_refused_naming_it(tmp_path: Path) -> None:
    path = write_csv(_frame().drop(columns=["contract"]), tmp_path / "no_contract.csv")
    with pytest.raises(MissingColumnsError, match="contract") as caught:
        scan(path, BUNDLE)
    assert "contract" in caught.value.report.mapping.missing


def test_two_columns_that_could_feed_one_feature_are_refused(tmp_path: Path) -> None:
    frame = _frame()
    frame.insert(len(frame.columns), "Contract", frame["contract"])
    frame = frame.drop(columns=["contract"])
    frame.insert(len(frame.columns), "CONTRACT", frame["Contract"])
    with pytest.raises(AmbiguousColumnsError, match="contract"):
        scan(write_csv(frame, tmp_path / "twice.csv"), BUNDLE)


def test_a_header_without_rows_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text(SAMPLE.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="the file has a header but no data rows"):
        scan(path, BUNDLE)


def test_one_row_scores(tmp_path: Path) -> None:
    frame = _frame().head(1)
    chunks, report = _chunks(write_csv(frame, tmp_path / "one.csv"), 10)
    assert report.rows == 1
    assert chunks[0].probability.tolist() == pytest.approx(BUNDLE.predictor.predict(frame).tolist(), abs=1e-7)


def test_a_model_returning_no_probability_stops_the_run(tmp_path: Path) -> None:
    broken = load_bundle(scaled_bundle(tmp_path / "tripled", 3.0))
    with pytest.raises(ModelOutputError, match="a probability is a number from 0 to 1"):
        scan(SAMPLE, broken)


def test_progress_rises_to_the_whole_file_and_cancel_stops(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    scan(LABELLED, BUNDLE, progress=lambda done, total: seen.append((done, total)), chunk_rows=50)
    done = [d for d, _ in seen]
    assert done == sorted(done)
    assert seen[-1][0] == seen[-1][1] == LABELLED.stat().st_size
    with pytest.raises(Cancelled):
        scan(LABELLED, BUNDLE, cancelled=lambda: True, chunk_rows=50)
