"""Stage 3, split: stratified train / validation / test parts, reproducible from the seed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from model_build.config import BuildConfig

__all__ = ["PARTS", "Split", "labels_of", "load_split", "make_split", "save_split"]

PARTS = ("train", "validation", "test")


@dataclass(frozen=True)
class Split:
    """Row positions of each part in the ingested frame."""

    train: np.ndarray
    validation: np.ndarray
    test: np.ndarray

    def part(self, name: str) -> np.ndarray:
        """Positions of one part."""
        return getattr(self, name)


def labels_of(frame: pd.DataFrame, config: BuildConfig) -> np.ndarray:
    """1 for the positive label, 0 otherwise."""
    return (frame[config.target.column].astype("string").str.strip() == config.target.positive_label).to_numpy(
        dtype=np.int64
    )


def make_split(frame: pd.DataFrame, config: BuildConfig) -> Split:
    """Split rows in the configured fractions, stratified on the label."""
    y = labels_of(frame, config)
    positions = np.arange(len(frame))
    fractions = config.split
    train, rest = train_test_split(positions, train_size=fractions.train, stratify=y, random_state=fractions.seed)
    validation_share = fractions.validation / (fractions.validation + fractions.test)
    validation, test = train_test_split(
        rest, train_size=validation_share, stratify=y[rest], random_state=fractions.seed
    )
    return Split(train=np.sort(train), validation=np.sort(validation), test=np.sort(test))


def _row_keys(frame: pd.DataFrame, config: BuildConfig) -> pd.Series:
    id_column = next((c for c in config.id_columns if c in frame.columns), None)
    return frame[id_column].astype(str) if id_column else pd.Series(np.arange(len(frame)).astype(str))


def save_split(split: Split, frame: pd.DataFrame, config: BuildConfig, path: Path) -> None:
    """Persist each row's id (or position) and part."""
    from app.core.fileio import atomic_write_text

    keys = _row_keys(frame, config).to_numpy()
    parts = np.empty(len(frame), dtype=object)
    for name in PARTS:
        parts[split.part(name)] = name
    table = pd.DataFrame({"key": keys, "part": parts})
    atomic_write_text(path, table.to_csv(index=False, lineterminator="\n"))


def load_split(frame: pd.DataFrame, config: BuildConfig, path: Path) -> Split:
    """Read a persisted split back onto the same frame."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    part_of = dict(zip(table["key"], table["part"], strict=True))
    parts = _row_keys(frame, config).map(part_of).to_numpy()
    return Split(**{name: np.flatnonzero(parts == name) for name in PARTS})
