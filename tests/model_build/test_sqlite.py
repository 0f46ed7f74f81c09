"""A SQLite copy of the snapshot, read through the standard library, gives the identical model."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from model_build.config import load_config
from model_build.ingest import DataError, content_sha256, ingest
from tests.model_build.conftest import DATA, LOGISTIC_ONLY, build, derive_config


def _sqlite_copy(path: Path) -> None:
    frame = pd.read_csv(DATA / "telco_churn.csv")
    # Stored in reverse order: the build must not depend on how the source orders rows.
    with sqlite3.connect(path) as connection:
        frame.iloc[::-1].to_sql("customers", connection, index=False)


def test_sqlite_copy_builds_the_identical_model(tmp_path: Path) -> None:
    database = tmp_path / "telco.db"
    _sqlite_copy(database)
    source = f"sqlite:///{database}"
    (tmp_path / "csv").mkdir()
    (tmp_path / "db").mkdir()
    csv_config = derive_config("telco_churn", tmp_path / "csv", candidates=LOGISTIC_ONLY)
    db_config = derive_config("telco_churn", tmp_path / "db", source=source, candidates=LOGISTIC_ONLY)
    text = db_config.read_text().replace(f'source = "{source}"', f'source = "{source}"\ntable = "customers"')
    db_config.write_text(text)
    frame = ingest(load_config(db_config), accept_data_change=True).frame
    db_config.write_text(text.replace(load_config(csv_config).data.sha256, content_sha256(frame)))

    from_csv = build(csv_config, tmp_path / "csv")
    from_db = build(db_config, tmp_path / "db")
    assert (from_csv.out / "model.onnx").read_bytes() == (from_db.out / "model.onnx").read_bytes()
    csv_card = json.loads((from_csv.out / "model_card.json").read_text())
    db_card = json.loads((from_db.out / "model_card.json").read_text())
    assert csv_card["metrics"] == db_card["metrics"]
    assert db_card["provenance"]["data_sha256"] == content_sha256(frame)


def test_sqlite_query_and_missing_table(tmp_path: Path) -> None:
    database = tmp_path / "telco.db"
    _sqlite_copy(database)
    config_path = derive_config("telco_churn", tmp_path, source=f"sqlite:///{database}")
    text = config_path.read_text()
    config_path.write_text(
        text.replace("[target]", 'query = "SELECT * FROM customers WHERE tenure > 0"\n\n[target]', 1)
    )
    frame = ingest(load_config(config_path), accept_data_change=True).frame
    assert len(frame) == 7043 - 11
    assert frame["customer_id"].tolist() == sorted(frame["customer_id"].tolist(), key=int)

    config_path.write_text(text.replace("[target]", 'table = "clients"\n\n[target]', 1))
    with pytest.raises(DataError, match="has no table 'clients'"):
        ingest(load_config(config_path), accept_data_change=True)
