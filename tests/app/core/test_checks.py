"""Row and file checks: each catalogued issue is raised on the rows that have it, and only there."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app.core.bundle import load_bundle
from app.core.catalogue import CATALOGUE
from app.core.drift import PSI_ALERT, PSI_WARN, drift_status, psi
from app.core.output import score_to_csv
from app.core.scoring import scan
from tests.app.inputs import read_output, sample_frame, write_csv


@pytest.fixture(scope="module")
def bundle():
    return load_bundle()


def _spoilt(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    frame = sample_frame().head(40).copy()
    frame.loc[1, "tenure"] = "-3"  # impossible under tenure >= 0
    frame.loc[2, "monthly_charges"] = "lots"  # not a number
    frame.loc[3, "contract"] = "Weekly"  # never seen in training
    frame.loc[4, "total_charges"] = ""  # missing
    frame.loc[5, "total_charges"] = "NaN"  # missing, spelt as a database would
    frame.loc[6, "monthly_charges"] = "inf"  # infinite
    frame.loc[7, "tenure"] = "500"  # above the training maximum and the domain rule tenure <= 120
    frame.loc[8, "monthly_charges"] = "500"  # above the training maximum only
    frame.loc[9, "female"] = "2"  # a binary column holds 0 or 1
    frame.loc[10] = list(frame.columns)  # a header line repeated mid-file
    frame.loc[11, "customer_id"] = frame.loc[12, "customer_id"]  # duplicate id
    frame.loc[13, "notes"] = '=HYPERLINK("http://x")'  # a formula
    frame.loc[14, "notes"] = "-3"  # a number, not a formula
    frame.loc[15, "notes"] = "+49 30 1234"  # text that starts like a formula
    frame.loc[16, "notes"] = "@SUM(A1)"
    path = write_csv(frame, tmp_path / "spoilt.csv")
    return path, frame


EXPECTED = {
    2: ("invalid", "impossible_value:tenure"),
    3: ("invalid", "non_numeric:monthly_charges"),
    4: ("warning", "unseen_category:contract"),
    5: ("warning", "missing_value:total_charges"),
    6: ("warning", "missing_value:total_charges"),
    7: ("invalid", "non_finite:monthly_charges"),
    8: ("invalid", "impossible_value:tenure"),
    9: ("warning", "out_of_range:monthly_charges"),
    10: ("invalid", "impossible_value:female"),
    11: ("invalid", "repeated_header"),
}


def test_each_row_issue_lands_on_its_row(bundle, tmp_path: Path) -> None:
    path, frame = _spoilt(tmp_path)
    out = tmp_path / "out.csv"
    result = score_to_csv(path, out, bundle)
    scored = read_output(out)
    assert len(scored) == len(frame)
    for row, (status, issue) in EXPECTED.items():
        line = scored.iloc[row - 1]
        assert line["row_status"] == status, row
        assert issue in line["row_issues"].split(";"), (row, line["row_issues"])
        if status == "invalid":
            assert line["probability"] == ""
            assert line["prediction"] == ""
        else:
            assert 0 < float(line["probability"]) < 1
            assert line["prediction"] in ("Yes", "No")
    untouched = [r for r in range(1, 41) if r not in EXPECTED and r not in (12, 13)]
    assert set(scored.iloc[[r - 1 for r in untouched]]["row_status"]) <= {"ok", "warning"}
    report = result.report
    duplicate = report.issues_of("duplicate_id")[0]
    assert duplicate.examples == (12, 13)
    assert report.verdict == "error"
    assert report.status_counts["invalid"] == 6
    assert {i.code for i in report.issues} <= set(CATALOGUE)


def test_formulas_are_neutralised_and_numbers_are_not(bundle, tmp_path: Path) -> None:
    path, _ = _spoilt(tmp_path)
    out = tmp_path / "out.csv"
    score_to_csv(path, out, bundle)
    notes = read_output(out)["notes"]
    assert notes[13] == '\'=HYPERLINK("http://x")'
    assert notes[14] == "-3"
    assert notes[15] == "'+49 30 1234"
    assert notes[16] == "'@SUM(A1)"
    assert notes[0] == "Called, no answer\nretry Monday"


def test_small_chunks_give_the_same_result(bundle, tmp_path: Path) -> None:
    path, _ = _spoilt(tmp_path)
    whole = scan(path, bundle)
    chunked = scan(path, bundle, chunk_rows=7)
    assert whole.to_dict() == chunked.to_dict()


def test_malformed_row_is_kept_and_flagged(bundle, tmp_path: Path) -> None:
    text = sample_frame().head(5).drop(columns=["notes"]).to_csv(index=False).splitlines()
    text[3] = text[3] + ",surplus,fields"
    text[4] = text[4] + ","  # a trailing separator is harmless
    path = tmp_path / "malformed.csv"
    path.write_text("\n".join(text) + "\n")
    out = tmp_path / "out.csv"
    score_to_csv(path, out, bundle)
    scored = read_output(out)
    assert len(scored) == 5
    assert scored["row_status"].tolist()[2] == "invalid"
    assert scored["row_issues"].tolist()[2] == "malformed_row"
    assert scored["row_status"].tolist()[3] != "invalid"


def test_drift_alert_on_a_shifted_feature(bundle, tmp_path: Path) -> None:
    frame = sample_frame().drop(columns=["notes"])
    frame["tenure"] = "70"
    frame["contract"] = "Two year"
    path = write_csv(frame, tmp_path / "shifted.csv")
    report = scan(path, bundle, predict=False)
    assert report.drift["tenure"]["status"] == "alert"
    assert report.drift["contract"]["status"] == "alert"
    assert report.drift["payment_method"]["status"] == "ok"
    assert {i.column for i in report.issues_of("drift")} >= {"tenure", "contract"}


def test_missing_share_against_training(bundle, tmp_path: Path) -> None:
    frame = sample_frame().drop(columns=["notes"])
    frame.loc[: len(frame) // 2, "total_charges"] = ""
    report = scan(write_csv(frame, tmp_path / "holes.csv"), bundle, predict=False)
    (issue,) = report.issues_of("missing_share")
    assert issue.column == "total_charges"


def test_psi_bands() -> None:
    assert psi([0.5, 0.5], [0.5, 0.5]) == pytest.approx(0.0)
    assert drift_status(PSI_WARN - 1e-9) == "ok"
    assert drift_status(PSI_WARN) == "warn"
    assert drift_status(PSI_ALERT) == "alert"
    expected, actual = np.array([0.2, 0.3, 0.5]), np.array([0.3, 0.3, 0.4])
    assert psi(expected, actual) == pytest.approx(np.sum((actual - expected) * np.log(actual / expected)))
