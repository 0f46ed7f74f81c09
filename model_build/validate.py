"""Stage 2, validate: the data must match the contract the config declares before anything trains on it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from app.core.prepare import numeric_values
from model_build.config import BuildConfig

__all__ = ["Finding", "ValidationReport", "validate"]

_EXAMPLES = 5


@dataclass(frozen=True)
class Finding:
    """One problem found in the data."""

    check: str
    severity: str  # error | warning
    column: str
    message: str
    rows: int = 0
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class ValidationReport:
    """Every finding, and the facts measured on the way."""

    rows: int
    positive_share: float | None
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def passed(self) -> bool:
        """True when no finding is an error."""
        return not any(f.severity == "error" for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "passed": self.passed,
            "rows": self.rows,
            "positive_share": self.positive_share,
            "findings": [asdict(f) | {"examples": list(f.examples)} for f in self.findings],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ValidationReport:
        """The report ``to_dict`` wrote (``passed`` is recomputed from the findings)."""
        findings = tuple(Finding(**{**f, "examples": tuple(f["examples"])}) for f in data["findings"])
        return cls(rows=data["rows"], positive_share=data["positive_share"], findings=findings)

    def to_text(self) -> str:
        """A report people can act on: each problem with its column and example rows."""
        verdict = "passed" if self.passed else "FAILED"
        lines = [f"Data validation {verdict}: {self.rows} rows, {len(self.findings)} finding(s)"]
        for f in self.findings:
            where = f" in column '{f.column}'" if f.column else ""
            lines.append(f"  [{f.severity}] {f.check}{where}: {f.message}")
            if f.examples:
                lines.append(f"      example rows: {', '.join(f.examples)}")
        return "\n".join(lines)


def _row_names(frame: pd.DataFrame, config: BuildConfig, mask: np.ndarray) -> tuple[str, ...]:
    """Readable names of the first offending rows: their id when there is one, else their position."""
    positions = np.flatnonzero(mask)[:_EXAMPLES]
    id_column = next((c for c in config.id_columns if c in frame.columns), None)
    if id_column:
        return tuple(f"{id_column}={frame[id_column].iloc[i]}" for i in positions)
    return tuple(f"row {i + 1}" for i in positions)


def validate(frame: pd.DataFrame, config: BuildConfig) -> ValidationReport:
    """Check schema, types, ranges and rules, missing shares, categories, ids, labels and balance."""
    findings: list[Finding] = []

    def add(check: str, column: str, message: str, mask: np.ndarray | None = None, severity: str = "error") -> None:
        rows = int(mask.sum()) if mask is not None else 0
        examples = _row_names(frame, config, mask) if mask is not None else ()
        findings.append(Finding(check, severity, column, message, rows, examples))

    required = [config.target.column, *config.id_columns, *config.feature_names, *config.passthrough]
    missing_columns = [c for c in required if c not in frame.columns]
    for column in missing_columns:
        add("schema", column, "required column is missing from the data")
    extra = sorted(set(frame.columns) - set(required))
    if extra:
        add("schema", "", f"columns not in the config are ignored: {extra}", severity="warning")
    if len(frame) < config.min_rows:
        add("row_count", "", f"{len(frame)} rows; at least {config.min_rows} are required")
    if missing_columns:
        return ValidationReport(rows=len(frame), positive_share=None, findings=tuple(findings))

    for name, kind in config.features:
        column = frame[name]
        absent = column.isna().to_numpy() | (column.astype("string").str.strip() == "").fillna(True).to_numpy()
        share = float(absent.mean()) if len(frame) else 0.0
        limit = config.missing_share_limit(name)
        if share > limit:
            add("missing_share", name, f"{share:.2%} of values are missing; at most {limit:.2%} allowed", absent)
        if kind == "categorical":
            declared = config.categories.get(name)
            if declared:
                text = column.astype("string").str.strip()
                unknown = (~text.isin(declared) & ~pd.Series(absent, index=frame.index)).to_numpy()
                if unknown.any():
                    outside = sorted(set(text[unknown].astype(str)))[:_EXAMPLES]
                    add("categories", name, f"values outside the declared set {list(declared)}: {outside}", unknown)
            continue
        values = numeric_values(column)
        not_numeric = np.isnan(values) & ~absent
        if not_numeric.any():
            add("type", name, "values that are not finite numbers", not_numeric)
        if kind == "binary":
            not_binary = ~np.isnan(values) & ~np.isin(values, (0.0, 1.0))
            if not_binary.any():
                add("binary", name, "values other than 0 and 1", not_binary)
    for rule in config.rules:
        broken = rule.violations(numeric_values(frame[rule.column]))
        if broken.any():
            add("rule", rule.column, f"rule '{rule.text}' does not hold", broken)

    for id_column in config.id_columns:
        ids = frame[id_column]
        repeated = ids.duplicated(keep=False).to_numpy() & ids.notna().to_numpy()
        if repeated.any():
            add("duplicate_id", id_column, "the same id appears on several rows", repeated)
        if ids.isna().any():
            add("missing_id", id_column, "rows without an id", ids.isna().to_numpy())

    labels = frame[config.target.column].astype("string").str.strip()
    known = (config.target.positive_label, config.target.negative_label)
    bad_label = ~labels.isin(known).fillna(False).to_numpy()
    if bad_label.any():
        seen = sorted(set(labels[bad_label].fillna("<missing>").astype(str)))[:_EXAMPLES]
        add("label", config.target.column, f"labels other than {list(known)}: {seen}", bad_label)
    valid_labels = labels[~bad_label]
    positive_share = float((valid_labels == config.target.positive_label).mean()) if len(valid_labels) else None
    low, high = config.positive_share
    if positive_share is not None and not low <= positive_share <= high:
        add(
            "class_balance",
            config.target.column,
            f"positive share {positive_share:.2%} is outside [{low:.0%}, {high:.0%}]",
        )
    return ValidationReport(rows=len(frame), positive_share=positive_share, findings=tuple(findings))
