"""History over logged runs, with its alerts, and per-row reasons in the scored file."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from app.cli import EXIT_OK, main
from app.core.bundle import load_bundle
from app.core.explain import reference_values
from app.core.prepare import prepare_features
from tests.app.inputs import SAMPLE, read_output, sample_frame, write_csv


def test_history_lists_runs_and_raises_alerts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(SAMPLE), "-o", str(tmp_path / "a.csv")]) == EXIT_OK
    shifted = sample_frame().drop(columns=["notes"])
    shifted["tenure"] = "70"
    shifted["contract"] = "Two year"
    assert main(["score", str(write_csv(shifted, tmp_path / "loyal.csv")), "-o", str(tmp_path / "b.csv")]) == EXIT_OK
    capsys.readouterr()
    assert main(["history", "--json"]) == EXIT_OK
    history = json.loads(capsys.readouterr().out)
    assert [run["file"] for run in history["runs"]] == [SAMPLE.name, "loyal.csv"]
    assert len(history["psi"]) == 2
    assert len(history["psi"][0]) == len(history["features"]) == 19
    tenure = history["features"].index("tenure")
    assert history["psi"][1][tenure] > 0.25 > history["psi"][0][tenure]
    kinds = {(alert["run"], alert["kind"]) for alert in history["alerts"]}
    assert (1, "drift") in kinds
    assert (1, "positive_rate") in kinds  # loyal long-tenure customers: almost nobody flagged
    assert not any(run == 0 for run, _ in kinds)
    assert "out_of_range" in history["issue_rates"]
    assert main(["history"]) == EXIT_OK
    text = capsys.readouterr().out
    assert "ALERT drift" in text
    assert "loyal.csv" in text
    estimated = history["runs"][0]["estimated_roc_auc"]
    assert estimated["ci"][0] < estimated["value"] < estimated["ci"][1]
    assert estimated["test"] == pytest.approx(load_bundle().card.raw["metrics"]["test"]["roc_auc"])
    assert estimated["gate"] == 0.83


def test_history_never_sends_escape_sequences_from_the_log_to_the_terminal(
    tmp_path: Path, isolated_user_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.core.runlog import LOG_NAME

    assert main(["score", str(SAMPLE), "-o", str(tmp_path / "a.csv")]) == EXIT_OK
    log = isolated_user_data / LOG_NAME
    record = json.loads(log.read_text(encoding="utf-8"))
    record["file"]["name"] = "a\x1b[2Jb\x9b31m\u202e.csv"  # clear the screen; CSI in C1; right-to-left override
    record["scoredesk"]["drift"] = {"ten\x1b]0;owned\x07ure": 0.9}
    record["scoredesk"]["drift_status"] = {}
    record["scoredesk"]["verdict"] = "ok\r"
    record["@timestamp"] = "2026-01-01\x1b[1A"
    with open(log, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")
    capsys.readouterr()
    assert main(["history"]) == EXIT_OK
    out = capsys.readouterr().out
    assert not any(c in out for c in "\x1b\x07\x9b\r\u202e"), repr(out)
    assert "a\\x1b[2Jb" in out  # shown escaped, so the reader sees what the log holds
    assert "ALERT drift" in out
    assert "ten\\x1b]0;owned\\x07ure" in out
    assert main(["history", "--json"]) == EXIT_OK
    document = json.loads(capsys.readouterr().out)
    assert document["runs"][1]["file"] == "a\x1b[2Jb\x9b31m\u202e.csv"  # JSON keeps the value, escaped by JSON


def test_history_alerts_when_the_estimated_roc_auc_cannot_reach_the_gate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 300 copies of one customer: the model cannot rank them, so once labels arrive ROC AUC will be 0.5
    same = sample_frame().drop(columns=["notes"]).iloc[[0] * 300].reset_index(drop=True)
    same["customer_id"] = [f"C{i:04d}" for i in range(300)]
    assert main(["score", str(write_csv(same, tmp_path / "same.csv")), "-o", str(tmp_path / "s.csv")]) == EXIT_OK
    assert main(["score", str(SAMPLE), "-o", str(tmp_path / "a.csv")]) == EXIT_OK
    capsys.readouterr()
    assert main(["history", "--json"]) == EXIT_OK
    history = json.loads(capsys.readouterr().out)
    assert history["runs"][0]["estimated_roc_auc"]["value"] == pytest.approx(0.5)
    kinds = {(alert["run"], alert["kind"]) for alert in history["alerts"]}
    assert (0, "estimated_performance") in kinds
    assert (1, "estimated_performance") not in kinds
    assert main(["history"]) == EXIT_OK
    assert "is below the model's gate of 0.83 even at its upper bound" in capsys.readouterr().out


def test_explain_adds_each_rows_top_reasons(tmp_path: Path) -> None:
    out = tmp_path / "explained.csv"
    assert main(["score", str(SAMPLE), "-o", str(out), "--explain", "3", "--no-log"]) == EXIT_OK
    scored = read_output(out)
    assert list(scored.columns[-3:]) == ["reason_1", "reason_2", "reason_3"]
    assert (scored[["reason_1", "reason_2", "reason_3"]] != "").all().all()
    bundle = load_bundle()
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).iloc[[0]]
    prepared = prepare_features(frame, bundle.card.features)
    base = bundle.predictor.predict_prepared(prepared)[0]
    feature, rest = scored.loc[0, "reason_1"].split("=", 1)
    effect = float(rest.rsplit("(", 1)[1].rstrip(")"))
    swapped = prepared.copy()
    swapped[feature] = reference_values(bundle.card)[feature]
    if bundle.card.feature(feature).is_numeric:
        swapped[feature] = swapped[feature].astype("float32")
    assert effect == pytest.approx(base - bundle.predictor.predict_prepared(swapped)[0], abs=1e-3)
    effects = [abs(float(scored.loc[0, f"reason_{k}"].rsplit("(", 1)[1].rstrip(")"))) for k in (1, 2, 3)]
    assert effects == sorted(effects, reverse=True)


def test_explain_bounds(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["score", str(SAMPLE), "-o", str(tmp_path / "x.csv"), "--explain", "0"]) == 2
    assert "outside the allowed range: within 1..10" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()
