"""Split tests: stratified, disjoint, complete, reproducible and persisted."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from model_build.config import load_config
from model_build.ingest import ingest
from model_build.split import PARTS, labels_of, load_split, make_split, save_split
from tests.model_build.conftest import CONFIGS


@pytest.mark.parametrize("name", ["telco_churn", "credit_scoring"])
def test_split_is_stratified_disjoint_and_complete(name: str) -> None:
    config = load_config(CONFIGS / f"{name}.toml")
    frame = ingest(config).frame
    split = make_split(frame, config)
    y = labels_of(frame, config)
    ids = {part: set(frame[config.id_columns[0]].iloc[split.part(part)]) for part in PARTS}
    assert not ids["train"] & ids["validation"]
    assert not ids["train"] & ids["test"]
    assert not ids["validation"] & ids["test"]
    assert sum(len(v) for v in ids.values()) == len(frame)
    overall = y.mean()
    for part, fraction in zip(PARTS, (config.split.train, config.split.validation, config.split.test), strict=True):
        rows = split.part(part)
        assert abs(len(rows) / len(frame) - fraction) < 0.005
        assert abs(y[rows].mean() - overall) < 0.005, f"{part} is not stratified"


def test_split_is_reproducible_and_round_trips(tmp_path: Path) -> None:
    config = load_config(CONFIGS / "telco_churn.toml")
    frame = ingest(config).frame
    first, second = make_split(frame, config), make_split(frame, config)
    path = tmp_path / "split.csv"
    save_split(first, frame, config, path)
    loaded = load_split(frame, config, path)
    for part in PARTS:
        assert np.array_equal(first.part(part), second.part(part))
        assert np.array_equal(first.part(part), loaded.part(part))
    assert path.read_text().splitlines()[0] == "key,part"
