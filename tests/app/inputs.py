"""Input files shaped the way spreadsheets and databases really write them, generated from the sample."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from app.core.paths import samples_dir

SAMPLE = samples_dir() / "telco_churn_to_score.csv"
LABELLED = samples_dir() / "telco_churn_labelled.csv"
NOTES = ["Called, no answer\nretry Monday", "Zürich office", 'said "maybe"', "", "São Paulo; Ærø"]


def sample_frame(path: Path = SAMPLE) -> pd.DataFrame:
    """The sample as text, with a free-text column full of separators, quotes, newlines and accents."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["notes"] = [NOTES[i % len(NOTES)] for i in range(len(frame))]
    return frame


def write_csv(
    frame: pd.DataFrame,
    path: Path,
    *,
    sep: str = ",",
    encoding: str = "utf-8",
    newline: str = "\n",
    decimal_comma: bool = False,
) -> Path:
    """Write ``frame`` as a given tool would; decimal commas go into the numeric columns."""
    frame = frame.copy()
    if decimal_comma:
        for column in ("monthly_charges", "total_charges"):
            frame[column] = frame[column].str.replace(".", ",", regex=False)
    buffer = io.StringIO()
    frame.to_csv(buffer, sep=sep, index=False, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


VARIANTS = {
    "utf8": {},
    "utf8_bom": {"encoding": "utf-8-sig"},
    "utf16": {"encoding": "utf-16"},
    "cp1252": {"encoding": "cp1252"},
    "latin1": {"encoding": "latin-1"},
    "semicolon": {"sep": ";"},
    "tab": {"sep": "\t"},
    "semicolon_decimal_comma": {"sep": ";", "decimal_comma": True},
    "crlf": {"newline": "\r\n"},
    "excel_de": {"sep": ";", "decimal_comma": True, "encoding": "cp1252", "newline": "\r\n"},
}


def read_output(path: Path, sep: str = ",", encoding: str = "utf-8") -> pd.DataFrame:
    """A scored file as text."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, sep=sep, encoding=encoding)
