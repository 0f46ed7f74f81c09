"""The string dtypes the core states: Python-backed, whichever libraries are installed."""

from __future__ import annotations

import numpy as np
import pandas as pd

from app.core.text import NULLABLE_TEXT, TEXT


def test_text_is_python_backed_with_nan_for_missing() -> None:
    assert TEXT.storage == "python"
    assert TEXT.na_value is np.nan
    series = pd.Series(["a", None, ""], dtype=TEXT)
    assert series.isna().tolist() == [False, True, False]
    assert series.iloc[1] is np.nan
    assert series.str.upper().dtype == TEXT  # string operations keep the dtype


def test_nullable_text_is_python_backed_with_na_for_missing() -> None:
    assert NULLABLE_TEXT.storage == "python"
    series = pd.Series(["a", np.nan], dtype=NULLABLE_TEXT)
    assert series.iloc[1] is pd.NA
    assert series.str.strip().fillna("").tolist() == ["a", ""]


def test_read_csv_with_text_keeps_every_cell_as_written() -> None:
    import io

    frame = pd.read_csv(io.StringIO("a,b\n0042,NA\n"), dtype=TEXT, keep_default_na=False)
    assert frame.dtypes.tolist() == [TEXT, TEXT]
    assert frame.iloc[0].tolist() == ["0042", "NA"]
