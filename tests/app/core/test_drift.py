"""Drift's bins and PSI: references from training values, counts that merge, statuses and verdicts per feature.

The chi-square test, Benjamini-Hochberg and rows_to_tell are tested against scipy in test_drift_test.py.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from app.core.bundle import load_bundle
from app.core.drift import (
    MISSING_BIN,
    OTHER_BIN,
    PSI_ALERT,
    PSI_WARN,
    TOO_FEW_ROWS,
    assess_drift,
    bin_counts,
    bin_index,
    drift_status,
    drifted_and_unsure,
    psi,
    reference_for,
)
from app.core.prepare import prepare_features
from tests.app.inputs import LABELLED

CARD = load_bundle().card


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (None, "ok"),
        (0.0, "ok"),
        (PSI_WARN - 1e-9, "ok"),
        (PSI_WARN, "warn"),
        (PSI_ALERT - 1e-9, "warn"),
        (PSI_ALERT, "alert"),
        (5.0, "alert"),
    ],
)
def test_drift_status_bands(value: float | None, status: str) -> None:
    assert drift_status(value) == status


def test_a_numeric_reference_has_decile_edges_and_a_missing_bin() -> None:
    column = pd.Series([str(v) for v in range(100)] + ["", "x"])  # two cells no number
    reference = reference_for(column, "numeric")
    assert reference["kind"] == "numeric"
    assert len(reference["edges"]) == 9
    assert reference["edges"] == sorted(reference["edges"])
    frequencies = reference["frequencies"]
    assert len(frequencies) == len(reference["edges"]) + 2
    assert frequencies[-1] == pytest.approx(2 / 102)  # the missing bin
    assert sum(frequencies) == pytest.approx(1.0)


def test_a_constant_or_empty_numeric_column_has_one_edge_or_none() -> None:
    constant = reference_for(pd.Series(["3"] * 10), "numeric")
    assert constant["edges"] == [3.0]  # ties collapse into one edge
    assert constant["frequencies"] == [0.0, 1.0, 0.0]  # a value on an edge falls to its right
    empty = reference_for(pd.Series([], dtype=object), "numeric")
    assert empty["edges"] == []
    assert empty["frequencies"] == [0.0, 0.0]
    missing = reference_for(pd.Series(["", "nan"]), "numeric")
    assert missing["frequencies"] == [0.0, 1.0]


def test_a_categorical_reference_has_other_and_missing_bins() -> None:
    reference = reference_for(pd.Series(["b", "a", " a ", None, "b", "b"]), "categorical")
    assert reference["bins"] == ["a", "b", OTHER_BIN, MISSING_BIN]
    assert reference["frequencies"] == pytest.approx([2 / 6, 3 / 6, 0.0, 1 / 6])
    one = reference_for(pd.Series(["only"] * 3), "categorical")
    assert one["frequencies"] == [1.0, 0.0, 0.0]


def test_bin_index_puts_unseen_values_in_other_and_blanks_in_missing() -> None:
    categorical = {"kind": "categorical", "bins": ["a", "b", OTHER_BIN, MISSING_BIN]}
    assert bin_index(np.array(["b", "a", "zzz", ""], dtype=object), categorical).tolist() == [1, 0, 2, 3]
    numeric = {"kind": "numeric", "edges": [1.0, 2.0]}
    values = np.array([-math.inf, 0.5, 1.0, 1.5, 2.0, math.inf, math.nan])
    assert bin_index(values, numeric).tolist() == [0, 0, 1, 1, 2, 2, 3]


def test_bin_counts_of_chunks_add_up_to_the_whole() -> None:
    reference = CARD.feature("tenure").reference
    values = np.random.default_rng(0).integers(0, 80, 1000).astype(float)
    values[::17] = np.nan
    whole = bin_counts(values, reference)
    assert whole.sum() == values.size
    assert (bin_counts(values[:333], reference) + bin_counts(values[333:], reference)).tolist() == whole.tolist()
    weighted = bin_counts(np.array([5.0, 70.0]), reference, weights=np.array([3.0, 2.0]))
    assert weighted.sum() == 5
    assert bin_counts(np.array([]), reference).tolist() == [0] * len(reference["frequencies"])


def test_psi_of_known_shares() -> None:
    assert psi([0.5, 0.5], [0.5, 0.5]) == 0.0
    assert psi([0.5, 0.5], [0.9, 0.1]) == pytest.approx(0.4 * math.log(1.8) + 0.4 * math.log(5))
    assert psi([0.5, 0.5], [0.9, 0.1]) == pytest.approx(psi([0.9, 0.1], [0.5, 0.5]))  # symmetric
    assert math.isfinite(psi([1.0, 0.0], [0.0, 1.0]))  # an empty bin stands at 1e-4, never log(0)
    assert psi([], []) == 0.0


def test_drifted_and_unsure_keep_the_order_given() -> None:
    drift = {
        "c": {"status": "alert"},
        "a": {"status": TOO_FEW_ROWS},
        "b": {"status": "warn"},
        "d": {"status": "ok"},
    }
    assert drifted_and_unsure(drift) == (["c", "b"], ["a"])
    assert drifted_and_unsure({}) == ([], [])


def test_a_file_like_training_shows_no_drift_on_the_shipped_references() -> None:
    references = {f.name: f.reference for f in CARD.features}
    rows = 100_000
    counts = {
        name: np.round(np.asarray(ref["frequencies"]) * rows).astype(np.int64) for name, ref in references.items()
    }
    result = assess_drift(references, counts, rows)
    assert set(result) == set(references)
    assert all(found["status"] == "ok" for found in result.values())
    assert all(found["psi"] < 1e-6 for found in result.values())


def test_the_labelled_sample_against_the_shipped_references() -> None:
    frame = pd.read_csv(LABELLED, dtype=str, keep_default_na=False)
    prepared = prepare_features(frame, CARD.features)
    references = {f.name: f.reference for f in CARD.features}
    counts = {name: bin_counts(prepared[name].to_numpy(), ref) for name, ref in references.items()}
    result = assess_drift(references, counts, len(frame))
    for name, found in result.items():
        assert found["psi"] == round(psi(references[name]["frequencies"], counts[name] / len(frame)), 6)
        assert found["status"] in ("ok", "warn", "alert", TOO_FEW_ROWS)
        assert found["significant"] == (found["p_value"] is not None and found["p_value"] < 0.05)
        if found["status"] in ("warn", "alert"):
            assert found["significant"]


def test_no_rows_or_no_counts_assess_nothing() -> None:
    references = {"tenure": CARD.feature("tenure").reference}
    assert assess_drift(references, {"tenure": np.zeros(11, dtype=np.int64)}, 0) == {}
    assert assess_drift(references, {}, 100) == {}
