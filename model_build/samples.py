"""Sample input files for the app, drawn from the test split: one to score, one with labels to back-test."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from app.core.fileio import atomic_write_text
from model_build.config import BuildConfig

__all__ = ["LABELLED_ROWS", "UNLABELLED_ROWS", "sample_names", "write_samples"]

UNLABELLED_ROWS = 200
LABELLED_ROWS = 500


def sample_names(config: BuildConfig) -> tuple[str, str]:
    """File names of the unlabelled and the labelled sample."""
    return f"{config.name}_to_score.csv", f"{config.name}_labelled.csv"


def _as_csv(rows: pd.DataFrame) -> str:
    buffer = io.StringIO()
    rows.to_csv(buffer, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL, na_rep="")
    return buffer.getvalue()


def write_samples(test_rows: pd.DataFrame, config: BuildConfig, folder: Path) -> list[Path]:
    """Write both samples (the snapshot's original text and column order) atomically."""
    rng = np.random.default_rng(config.split.seed)
    order = rng.permutation(len(test_rows))
    wanted = {*config.id_columns, *config.feature_names, *config.passthrough}
    columns = [c for c in test_rows.columns if c in wanted]  # the snapshot's own column order
    unlabelled = test_rows.iloc[np.sort(order[:UNLABELLED_ROWS])][columns]
    labelled = test_rows.iloc[np.sort(order[:LABELLED_ROWS])][[*columns, config.target.column]]
    paths = [Path(folder) / name for name in sample_names(config)]
    for path, rows in zip(paths, (unlabelled, labelled), strict=True):
        atomic_write_text(path, _as_csv(rows))
    return paths
