"""The one input preparation used by training, the parity check and the app.

Train like you serve: the scikit-learn pipeline is fitted on exactly what this
module produces, and the ONNX model is fed exactly the same arrays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from app.core.card import FeatureSpec
from app.core.text import NULLABLE_TEXT

__all__ = ["BINARY_WORDS", "MISSING_CATEGORY", "numeric_values", "onnx_feed", "prepare_features", "category_strings"]

# ONNX string tensors cannot hold NaN: a missing category travels as "".
MISSING_CATEGORY = ""
# How people write the two values of a yes/no column (any case, spaces around ignored), as the model's 1 and 0.
BINARY_WORDS = {"yes": "1", "no": "0", "true": "1", "false": "0", "y": "1", "n": "0", "t": "1", "f": "0"}


def numeric_values(column: pd.Series) -> np.ndarray:
    """Parse a column as float64; unparseable and non-finite cells become NaN."""
    if pd.api.types.is_bool_dtype(column):
        values = column.astype("float64").to_numpy()
    elif pd.api.types.is_numeric_dtype(column):
        values = column.to_numpy(dtype="float64", na_value=np.nan)
    else:
        text = column.astype(NULLABLE_TEXT).str.strip()
        values = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    values = np.array(values, dtype=np.float64, copy=True)
    values[~np.isfinite(values)] = np.nan
    return values


def category_strings(column: pd.Series) -> np.ndarray:
    """Column as stripped strings, missing as ``""``; integral floats lose their ``.0``."""
    if pd.api.types.is_float_dtype(column):
        as_int = column.dropna()
        # Only finite values within int64 become integers: inf or 1e20 raised in astype("Int64") before.
        if (as_int == np.round(as_int)).all() and (as_int.abs() < 2.0**63).all():
            column = column.astype("Int64")
    text = column.astype(NULLABLE_TEXT).str.strip().fillna(MISSING_CATEGORY)
    return np.asarray(text.to_numpy(dtype=object), dtype=object)


def prepare_features(frame: pd.DataFrame, features: Sequence[FeatureSpec]) -> pd.DataFrame:
    """Model inputs from a raw frame: float32 numerics (NaN when missing), string categoricals."""
    columns: dict[str, np.ndarray] = {}
    for spec in features:
        if spec.name not in frame.columns:
            raise KeyError(f"input lacks the feature column {spec.name!r}")
        column = frame[spec.name]
        if spec.is_numeric:
            columns[spec.name] = numeric_values(column).astype(np.float32)
        else:
            columns[spec.name] = category_strings(column)
    return pd.DataFrame(columns, index=frame.index)


def onnx_feed(
    prepared: pd.DataFrame | Mapping[str, np.ndarray], features: Sequence[FeatureSpec]
) -> dict[str, np.ndarray]:
    """One ``[n, 1]`` tensor per feature, named as the ONNX inputs."""
    feed: dict[str, np.ndarray] = {}
    for spec in features:
        values = np.asarray(prepared[spec.name])
        if spec.is_numeric:
            values = values.astype(np.float32, copy=False)
        else:
            # Fixed-width numpy strings, never Python str objects: onnxruntime reads the latter while the GIL
            # is released, racing any other thread that touches the same (interned) strings. It crashed.
            values = values.astype(str, copy=False)
        feed[spec.name] = values.reshape(-1, 1)
    return feed
