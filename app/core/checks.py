"""Row-level sanity checks, computed on each column's distinct values and mapped back to rows.

``assess_chunk`` turns a chunk of text (the card's feature columns) into the model's
inputs, prepared by the same functions training used, plus a mask per issue code.
Working on ``pd.factorize``'s distinct values keeps a million rows cheap.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from app.core.card import FeatureSpec, ModelCard
from app.core.catalogue import severity_of
from app.core.drift import bin_counts
from app.core.prepare import BINARY_WORDS, category_strings, numeric_values
from app.core.reading import normalise_decimal_comma
from app.core.text import TEXT

__all__ = [
    "MISSING_TOKENS",
    "STATUS_INVALID",
    "STATUS_NAMES",
    "STATUS_OK",
    "STATUS_WARNING",
    "ChunkAssessment",
    "assess_chunk",
]

STATUS_OK, STATUS_WARNING, STATUS_INVALID = 0, 1, 2
STATUS_NAMES = ("ok", "warning", "invalid")
# Spellings of "no value" that spreadsheets and databases export (compared case-insensitively).
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "#n/a"})

_FLOAT32_MAX = float(np.finfo(np.float32).max)
IssueKey = tuple[str, str]  # (code, column); column "" for row-wide issues


@dataclass
class ChunkAssessment:
    """Model inputs, issue masks, and each row's status and issue list."""

    columns: dict[str, np.ndarray]  # model inputs per feature: float32, or fixed-width strings
    masks: dict[IssueKey, np.ndarray]
    status: np.ndarray
    issues: np.ndarray
    drift_counts: dict[str, np.ndarray]  # rows per reference bin, per feature

    @property
    def prepared(self) -> pd.DataFrame:
        """The model inputs as a DataFrame, categories as Python strings (as training saw them)."""
        return pd.DataFrame(
            {
                name: values if values.dtype.kind == "f" else values.astype(object)
                for name, values in self.columns.items()
            }
        )


def _factorize_text(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct values of a text column; a missing cell (None, from a short row) reads as ""."""
    # The NA sentinel spares pandas a NaN scan of every cell; cells are strings, so it is rarely used.
    codes, uniques = pd.factorize(values)
    if codes.size and codes.min() < 0:
        uniques = np.append(uniques.astype(object), "")
        codes = np.where(codes < 0, len(uniques) - 1, codes)
    return codes, uniques


_CURRENCY = re.compile(r"^(\s*[+-]?)\s*[$€£]\s*|\s*[$€£]\s*$")
_THOUSANDS_DOT_DECIMAL = re.compile(r"^\s*[+-]?\d{1,3}(,\d{3})+(\.\d*)?\s*$")


def _spreadsheet_numbers(distinct: pd.Series, decimal: str) -> tuple[pd.Series, np.ndarray]:
    """Numbers as spreadsheets write them made plain: a currency sign ($ € £) before or after dropped, thousands
    separators dropped (``1,889.50``, or ``1.889,50`` with a decimal comma), a decimal comma made a point.

    Only what is unambiguous is changed: a comma is a thousands separator only in a cell that also fits the
    dot-decimal pattern, and in a comma-separated file such a cell can only come quoted.
    """
    text = distinct.astype(object)
    every = "\x00".join(text)  # one scan for the characters that matter, instead of a regex per value
    currency = np.zeros(len(text), dtype=bool)
    if "$" in every or "€" in every or "£" in every:
        currency = text.str.contains(r"[$€£]", regex=True).fillna(False).to_numpy(dtype=bool)
        stripped = text.str.replace(_CURRENCY, r"\1", regex=True).str.replace(r"^([+-])\s+", r"\1", regex=True)
        text = text.where(~currency, stripped)
    if decimal == ",":
        text = normalise_decimal_comma(text) if "," in every or "." in every else text
    elif "," in every:
        grouped = text.str.match(_THOUSANDS_DOT_DECIMAL).fillna(False).to_numpy(dtype=bool)
        if grouped.any():
            text = text.where(~grouped, text.str.replace(",", "", regex=False))
    return pd.Series(text, dtype=object), currency


def _feature_masks(
    text: pd.Series, spec: FeatureSpec, card: ModelCard, decimal: str
) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray | None]:
    """Prepared values, per-code masks and drift bin counts for one feature column."""
    codes, uniques = _factorize_text(text.to_numpy(dtype=object))
    distinct = pd.Series(uniques, dtype=object).astype(TEXT).str.strip()
    lowered = distinct.str.casefold()
    flags: dict[str, np.ndarray] = {}
    if spec.kind == "categorical":
        known = distinct.isin(spec.categories).to_numpy()
        missing = (lowered.isin(MISSING_TOKENS).to_numpy()) & ~known
        prepared = category_strings(distinct.where(~missing, ""))
        flags["missing_value"] = missing
        flags["unseen_category"] = ~missing & ~known
    else:
        number_text, currency = _spreadsheet_numbers(distinct, decimal)
        if spec.kind == "binary":
            number_text = number_text.where(~lowered.isin(BINARY_WORDS), lowered.map(BINARY_WORDS))
        missing = lowered.isin(MISSING_TOKENS).to_numpy()
        cleaned = pd.Series(np.where(missing, "", number_text.astype(object)), dtype=object)
        parsed = pd.to_numeric(cleaned.replace("", np.nan), errors="coerce").to_numpy(dtype=np.float64, copy=True)
        # The model computes in float32: a number beyond its range is as unusable as infinity.
        parsed[np.abs(parsed) > _FLOAT32_MAX] = np.inf
        prepared = numeric_values(cleaned)
        prepared[np.isinf(parsed)] = np.nan
        finite = np.isfinite(parsed)
        flags["missing_value"] = missing
        flags["non_finite"] = np.isinf(parsed)
        flags["non_numeric"] = np.isnan(parsed) & ~missing
        impossible = np.zeros(len(distinct), dtype=bool)
        if spec.kind == "binary":
            impossible |= finite & ~np.isin(parsed, (0.0, 1.0))
            impossible |= flags["non_numeric"]  # "maybe" in a yes/no column: not a value a binary column has
            flags["non_numeric"] = np.zeros(len(distinct), dtype=bool)
        else:
            flags["currency_sign"] = currency & finite
        if spec.kind != "binary" and spec.stats:
            with np.errstate(invalid="ignore"):
                flags["out_of_range"] = finite & ((parsed < spec.stats["min"]) | (parsed > spec.stats["max"]))
        for rule in card.rules_for(spec.name):
            impossible |= rule.violations(np.where(finite, parsed, np.nan))
        flags["impossible_value"] = impossible
        if "out_of_range" in flags:
            flags["out_of_range"] &= ~impossible  # one issue per cell: the worse one
    # Categories become fixed-width numpy strings (what onnxruntime reads safely), indexed per row in C.
    prepared = np.asarray(prepared, dtype=np.float64 if spec.is_numeric else str)
    counts = None
    if spec.reference:
        counts = bin_counts(prepared, spec.reference, weights=np.bincount(codes, minlength=len(distinct)))
    return prepared[codes], {code: mask[codes] for code, mask in flags.items() if mask.any()}, counts


def assess_chunk(
    features: pd.DataFrame, card: ModelCard, row_masks: Mapping[str, np.ndarray], decimal: str = "."
) -> ChunkAssessment:
    """Check every feature cell; ``row_masks`` adds row-wide findings (repeated header, malformed row)."""
    rows = len(features)
    masks: dict[IssueKey, np.ndarray] = {(code, ""): mask for code, mask in row_masks.items() if mask.any()}
    prepared: dict[str, np.ndarray] = {}
    drift_counts: dict[str, np.ndarray] = {}
    for spec in card.features:
        values, flags, counts = _feature_masks(features[spec.name], spec, card, decimal)
        if counts is not None:
            drift_counts[spec.name] = counts
        prepared[spec.name] = values.astype(np.float32) if spec.is_numeric else values
        for code, mask in flags.items():
            masks[(code, spec.name)] = mask
    missing = sum(
        (mask.astype(np.int16) for (code, _), mask in masks.items() if code == "missing_value"),
        np.zeros(rows, np.int16),
    )
    too_many = missing > card.max_missing_share * len(card.features)
    if too_many.any():
        masks[("too_many_missing", "")] = too_many
    status = np.zeros(rows, dtype=np.int8)
    issues = np.full(rows, "", dtype=object)
    for (code, column), mask in masks.items():
        if severity_of(code) == "info":  # counted in the report, but no reason to doubt the row
            continue
        level = STATUS_INVALID if severity_of(code) == "error" else STATUS_WARNING
        np.maximum(status, np.where(mask, level, STATUS_OK).astype(np.int8), out=status)
        tag = f"{code}:{column}" if column else code
        hit = np.flatnonzero(mask)
        issues[hit] = [f"{existing};{tag}" if existing else tag for existing in issues[hit]]
    return ChunkAssessment(prepared, masks, status, issues, drift_counts)
