"""Reference distributions, the population stability index (PSI), and a test that knows the sample size.

The build stores each feature's training distribution with ``reference_for``;
the app bins new data the same way with ``bin_counts`` and compares.
Missing values are a bin of their own, so a column that suddenly goes empty drifts.

PSI says how far a distribution moved but not whether the file is big enough to tell: 100 rows drawn from
the training distribution itself show PSI around 0.1 from sampling alone. So each feature also gets a
chi-square goodness-of-fit test of its binned counts against the training frequencies, the p-values are
corrected across features with Benjamini-Hochberg, and a verdict needs both (see ``drift_verdict``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from app.core.prepare import MISSING_CATEGORY, category_strings, numeric_values

__all__ = [
    "DRIFT_ALPHA",
    "PSI_ALERT",
    "PSI_WARN",
    "OTHER_BIN",
    "TOO_FEW_ROWS",
    "ChiSquare",
    "assess_drift",
    "benjamini_hochberg",
    "bin_counts",
    "bin_index",
    "chi_square",
    "chi_square_survival",
    "drift_status",
    "drift_verdict",
    "drifted_and_unsure",
    "psi",
    "reference_for",
    "rows_to_tell",
]

PSI_WARN = 0.1
PSI_ALERT = 0.25
OTHER_BIN = "(other)"
MISSING_BIN = "(missing)"
_EPSILON = 1e-4  # stands in for an empty bin so the logarithm stays finite
_NUMERIC_BINS = 10
DRIFT_ALPHA = 0.05  # false discovery rate across a file's features
TOO_FEW_ROWS = "too_few_rows"
_MIN_EXPECTED = 5.0  # the usual rule for the chi-square approximation: bins expecting fewer rows are pooled


def drift_status(value: float | None) -> str:
    """``ok`` below 0.1, ``warn`` from 0.1, ``alert`` from 0.25."""
    if value is None:
        return "ok"
    if value >= PSI_ALERT:
        return "alert"
    return "warn" if value >= PSI_WARN else "ok"


def _numeric_bins(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Bin index per value: 0..len(edges) for numbers, len(edges)+1 for missing."""
    index = np.searchsorted(edges, values, side="right")
    return np.where(np.isnan(values), len(edges) + 1, index)


def reference_for(column: pd.Series, kind: str) -> dict[str, Any]:
    """Training distribution of one feature: inner bin edges (numeric) or categories, with frequencies."""
    if kind == "categorical":
        values = category_strings(column)
        categories = sorted({v for v in values if v != MISSING_CATEGORY})
        reference = {"kind": "categorical", "bins": [*categories, OTHER_BIN, MISSING_BIN]}
    else:
        values = numeric_values(column)
        finite = values[~np.isnan(values)]
        quantiles = np.quantile(finite, np.linspace(0, 1, _NUMERIC_BINS + 1)[1:-1]) if finite.size else np.empty(0)
        reference = {"kind": "numeric", "edges": np.unique(quantiles).tolist()}
    counts = bin_counts(values, reference)
    return reference | {"frequencies": (counts / max(len(values), 1)).tolist()}


def bin_index(values: np.ndarray, reference: Mapping[str, Any]) -> np.ndarray:
    """The reference bin of each prepared value (float with NaN, or strings with ``""`` missing)."""
    if reference["kind"] == "categorical":
        categories = list(reference["bins"][:-2])
        codes = pd.Index(categories).get_indexer(values).astype(np.int64)
        return np.where(values == MISSING_CATEGORY, len(categories) + 1, np.where(codes < 0, len(categories), codes))
    return _numeric_bins(np.asarray(values, dtype=np.float64), np.asarray(reference["edges"], dtype=np.float64))


def _bin_total(reference: Mapping[str, Any]) -> int:
    return len(reference["bins"]) if reference["kind"] == "categorical" else len(reference["edges"]) + 2


def bin_counts(values: np.ndarray, reference: Mapping[str, Any], weights: np.ndarray | None = None) -> np.ndarray:
    """Counts of prepared values in the reference's bins (``weights`` counts each value that many times)."""
    return np.bincount(bin_index(values, reference), weights=weights, minlength=_bin_total(reference)).astype(np.int64)


def psi(expected: list[float] | np.ndarray, actual: list[float] | np.ndarray) -> float:
    """Population stability index: sum of (actual - expected) * ln(actual / expected)."""
    e = np.maximum(np.asarray(expected, dtype=np.float64), _EPSILON)
    a = np.maximum(np.asarray(actual, dtype=np.float64), _EPSILON)
    return float(np.sum((a - e) * np.log(a / e)))


@dataclass(frozen=True)
class ChiSquare:
    """A chi-square goodness-of-fit test of observed bin counts against reference frequencies."""

    statistic: float
    dof: int
    p_value: float


def _pooled(expected: np.ndarray, observed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bins expecting fewer than five rows pooled into one (and into the smallest other bin while that pool
    still expects fewer than five), so the chi-square approximation holds."""
    small = expected < _MIN_EXPECTED
    if not small.any():
        return expected, observed
    pool_expected, pool_observed = expected[small].sum(), observed[small].sum()
    rest_expected, rest_observed = expected[~small], observed[~small]
    if pool_expected < _MIN_EXPECTED and rest_expected.size:
        smallest = int(np.argmin(rest_expected))
        pool_expected += rest_expected[smallest]
        pool_observed += rest_observed[smallest]
        rest_expected, rest_observed = np.delete(rest_expected, smallest), np.delete(rest_observed, smallest)
    return np.r_[rest_expected, pool_expected], np.r_[rest_observed, pool_observed]


def chi_square(frequencies: list[float] | np.ndarray, counts: np.ndarray) -> ChiSquare | None:
    """The test of ``counts`` (rows per reference bin) against the training ``frequencies``, or None with no
    rows or a single bin left after pooling."""
    observed = np.asarray(counts, dtype=np.float64)
    rows = observed.sum()
    if rows <= 0:
        return None
    shares = np.asarray(frequencies, dtype=np.float64)
    # A bin training never saw still gets a sliver of expectation, as PSI does: rows in it are then surprising.
    shares = np.maximum(shares, _EPSILON)
    expected, observed = _pooled(shares / shares.sum() * rows, observed)
    if expected.size < 2:
        return None
    statistic = float(np.sum((observed - expected) ** 2 / expected))
    dof = int(expected.size - 1)
    return ChiSquare(statistic, dof, chi_square_survival(statistic, dof))


def chi_square_survival(statistic: float, dof: int) -> float:
    """P(X >= statistic) for X chi-square with ``dof`` degrees of freedom (no scipy in the app)."""
    if statistic <= 0:
        return 1.0
    return _upper_gamma_regularised(dof / 2, statistic / 2)


def _upper_gamma_regularised(a: float, x: float) -> float:
    """Q(a, x) by its series below a + 1 and its continued fraction above (Numerical Recipes, 6.2)."""
    log_prefix = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:
        term = total = 1 / a
        n = a
        for _ in range(10_000):
            n += 1
            term *= x / n
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return max(0.0, 1 - total * math.exp(log_prefix))
    tiny = 1e-300
    b = x + 1 - a
    c, d = 1 / tiny, 1 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        step = d * c
        h *= step
        if abs(step - 1) < 1e-15:
            break
    return min(1.0, math.exp(log_prefix) * h)


def benjamini_hochberg(p_values: list[float] | np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (the false-discovery-rate step-up procedure), in input order."""
    p = np.asarray(p_values, dtype=np.float64)
    if p.size == 0:
        return p
    order = np.argsort(p)
    ranked = p[order] * p.size / np.arange(1, p.size + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    result = np.empty_like(p)
    result[order] = np.minimum(adjusted, 1.0)
    return result


def rows_to_tell(frequencies: list[float] | np.ndarray, alpha: float = DRIFT_ALPHA) -> int:
    """The fewest rows with which a shift of PSI_WARN size would be significant for this feature.

    For small shifts the chi-square statistic is about rows x PSI, so a warn-sized shift is significant once
    rows x PSI_WARN exceeds the test's critical value.
    """
    bins = int(np.count_nonzero(np.asarray(frequencies, dtype=np.float64) > 0))
    dof = max(bins - 1, 1)
    low, high = 0.0, 1000.0
    for _ in range(60):  # the critical value, by bisection on the survival function
        middle = (low + high) / 2
        low, high = (middle, high) if chi_square_survival(middle, dof) > alpha else (low, middle)
    return math.ceil(high / PSI_WARN)


def drift_verdict(psi_value: float, significant: bool, rows: int, rows_needed: int) -> str:
    """``alert``/``warn`` need the PSI band and significance; a shift the test cannot confirm, or a file too
    small to show a warn-sized shift, is ``too_few_rows``; everything else is ``ok``."""
    band = drift_status(psi_value)
    if band != "ok":
        return band if significant else TOO_FEW_ROWS
    return TOO_FEW_ROWS if rows < rows_needed else "ok"


def drifted_and_unsure(drift: Mapping[str, Mapping[str, Any]]) -> tuple[list[str], list[str]]:
    """The features whose verdict is warn or alert, and those the file has too few rows to tell about, in
    ``drift``'s order: what every drift summary (CLI, window, report) says first."""
    drifted = [name for name, found in drift.items() if found["status"] in ("warn", "alert")]
    unsure = [name for name, found in drift.items() if found["status"] == TOO_FEW_ROWS]
    return drifted, unsure


def assess_drift(
    references: Mapping[str, Mapping[str, Any]], counts: Mapping[str, np.ndarray], rows: int
) -> dict[str, dict[str, Any]]:
    """Per feature: PSI, the chi-square p-value (Benjamini-Hochberg adjusted across features), whether it is
    significant, and the verdict."""
    names = [name for name in references if name in counts and rows > 0]
    tests = {name: chi_square(references[name]["frequencies"], counts[name]) for name in names}
    raw = {name: test.p_value for name, test in tests.items() if test is not None}
    adjusted = dict(zip(raw, benjamini_hochberg(list(raw.values())).tolist(), strict=True))
    result = {}
    for name in names:
        frequencies = references[name]["frequencies"]
        value = psi(frequencies, counts[name] / rows)
        p_value = adjusted.get(name)
        significant = p_value is not None and p_value < DRIFT_ALPHA
        result[name] = {
            "psi": round(value, 6),
            "status": drift_verdict(value, significant, rows, rows_to_tell(frequencies)),
            "p_value": None if p_value is None else float(p_value),
            "significant": significant,
        }
    return result
