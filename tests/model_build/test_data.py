"""Data tests: the snapshots hold their contract; corrupted or changed data is refused, clearly."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from model_build.__main__ import EXIT_DATA, main
from model_build.config import load_config
from model_build.history import read_runs
from model_build.ingest import DataError, ingest
from model_build.validate import validate
from tests.model_build.conftest import CONFIGS, DATA, derive_config


@pytest.mark.parametrize("name", ["telco_churn", "credit_scoring"])
def test_snapshots_pass_validation_and_match_provenance(name: str) -> None:
    config = load_config(CONFIGS / f"{name}.toml")
    snapshot = ingest(config)
    report = validate(snapshot.frame, config)
    assert report.passed, report.to_text()
    assert [f for f in report.findings if f.severity == "error"] == []
    provenance = (DATA / "PROVENANCE.md").read_text(encoding="utf-8")
    assert f"{name}.csv" in provenance
    assert snapshot.sha256 in provenance
    assert snapshot.sha256 == hashlib.sha256((DATA / f"{name}.csv").read_bytes()).hexdigest()


def test_telco_ranges_and_shares_hold() -> None:
    config = load_config(CONFIGS / "telco_churn.toml")
    frame = ingest(config).frame
    tenure = pd.to_numeric(frame["tenure"])
    assert tenure.between(0, 72).all()
    assert pd.to_numeric(frame["monthly_charges"]).gt(0).all()
    assert frame["total_charges"].isna().sum() == 11  # customers in their first month, per PROVENANCE.md
    report = validate(frame, config)
    assert 0.26 < report.positive_share < 0.27
    assert frame["customer_id"].is_unique


def _corrupt_copy(tmp_path: Path) -> Path:
    frame = pd.read_csv(DATA / "telco_churn.csv", dtype=str, keep_default_na=False)
    frame.loc[4, "tenure"] = "-3"  # impossible
    frame.loc[9, "contract"] = "Weekly"  # outside the declared categories
    frame.loc[10, "customer_id"] = frame.loc[11, "customer_id"]  # duplicate id
    frame.loc[20, "churn"] = "Maybe"  # not a label
    frame.loc[30, "monthly_charges"] = "lots"  # not a number
    path = tmp_path / "telco_corrupt.csv"
    frame.to_csv(path, index=False)
    return path


def test_corrupted_copy_fails_with_a_report_naming_columns_and_rows(tmp_path: Path) -> None:
    source = _corrupt_copy(tmp_path)
    config = load_config(derive_config("telco_churn", tmp_path, source=str(source)))
    report = validate(ingest(config, accept_data_change=True).frame, config)
    assert not report.passed
    by_check = {(f.check, f.column): f for f in report.findings}
    assert by_check[("rule", "tenure")].examples == ("customer_id=5",)
    assert "Weekly" in by_check[("categories", "contract")].message
    assert by_check[("duplicate_id", "customer_id")].rows == 2
    assert "Maybe" in by_check[("label", "churn")].message
    assert by_check[("type", "monthly_charges")].examples == ("customer_id=31",)
    text = report.to_text()
    assert "FAILED" in text
    assert "column 'tenure'" in text
    assert "customer_id=5" in text


def test_cli_refuses_invalid_data_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _corrupt_copy(tmp_path)
    config = derive_config("telco_churn", tmp_path, source=str(source))
    out = tmp_path / "bundle"
    code = main(["--config", str(config), "--out", str(out), "--work", str(tmp_path / "work"), "--accept-data-change"])
    assert code == EXIT_DATA
    err = capsys.readouterr().err
    assert "Data validation FAILED" in err
    assert "rule 'tenure >= 0' does not hold" in err
    assert not out.exists()
    assert read_runs(tmp_path / "work" / "history.jsonl")[-1]["outcome"] == "data_invalid"


def test_changed_data_is_refused_unless_accepted_and_recorded(tmp_path: Path) -> None:
    changed = tmp_path / "telco.csv"
    changed.write_bytes((DATA / "telco_churn.csv").read_bytes() + b"\n")
    config = load_config(derive_config("telco_churn", tmp_path, source=str(changed)))
    with pytest.raises(DataError, match="--accept-data-change"):
        ingest(config)
    snapshot = ingest(config, accept_data_change=True)
    assert snapshot.hash_accepted_change
    assert snapshot.sha256 != config.data.sha256

    code = main(
        [
            "--config",
            str(config.path),
            "--work",
            str(tmp_path / "work"),
            "--out",
            str(tmp_path / "b"),
            "--stage",
            "ingest",
        ]
    )
    assert code == EXIT_DATA
    code = main(
        [
            "--config",
            str(config.path),
            "--work",
            str(tmp_path / "work"),
            "--out",
            str(tmp_path / "b"),
            "--stage",
            "validate",
            "--accept-data-change",
        ]
    )
    assert code == 0
    last = read_runs(tmp_path / "work" / "history.jsonl")[-1]
    assert last["accepted_data_change"] is True
    assert last["data_sha256"] == hashlib.sha256(changed.read_bytes()).hexdigest()
    assert json.loads((tmp_path / "work" / "telco_churn" / "validation.json").read_text())["passed"]


def test_unreadable_data_is_a_data_error(tmp_path: Path) -> None:
    broken = tmp_path / "telco.csv"
    broken.write_bytes(b"\xff\xfe\x00garbage\x00\x81")
    config = load_config(derive_config("telco_churn", tmp_path, source=str(broken)))
    with pytest.raises(DataError, match="cannot read"):
        ingest(config, accept_data_change=True)
