"""Stage 10, gates: every declared bound checked against what the build measured."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, TypedDict

from model_build.config import GateConfig

__all__ = ["CHAMPION_PREFIX", "GateResult", "evaluate_gates", "measurements"]

CHAMPION_PREFIX = "champion."


@dataclass(frozen=True)
class GateResult:
    """One gate's bound, measured value and outcome."""

    name: str
    metric: str
    min: float | None
    max: float | None
    value: float | None
    status: str  # passed | failed | not_applicable | waived
    note: str = ""

    @property
    def passed(self) -> bool:
        """False only for a failed gate."""
        return self.status != "failed"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with ``passed`` spelled out."""
        return asdict(self) | {"passed": self.passed}


def measurements(
    evaluation: Mapping[str, Any], parity: Mapping[str, Any], comparison: Mapping[str, Any]
) -> dict[str, Any]:
    """Flatten what the build measured into the names gates refer to (``test.roc_auc``, ...)."""
    values: dict[str, Any] = {}
    for key, value in evaluation["metrics"].items():
        if isinstance(value, int | float) or value is None:
            values[f"test.{key}"] = value
    for key in ("max_abs_diff", "mean_abs_diff", "label_mismatches"):
        values[f"parity.{key}"] = parity[key]
    for key, delta in comparison.get("deltas", {}).items():
        values[f"{CHAMPION_PREFIX}{key}_delta"] = delta
    values[f"{CHAMPION_PREFIX}decision_flip_share"] = comparison.get("decision_flip_share")
    return values


class _GateFields(TypedDict):
    """The fields every GateResult of one gate shares, whatever its outcome."""

    name: str
    metric: str
    min: float | None
    max: float | None
    value: float | None


def _bound_text(gate: GateConfig) -> str:
    parts = []
    if gate.min is not None:
        parts.append(f">= {gate.min:g}")
    if gate.max is not None:
        parts.append(f"<= {gate.max:g}")
    return " and ".join(parts)


def evaluate_gates(
    gates: Sequence[GateConfig], measured: Mapping[str, Any], champion_compared: bool, allow_regression: bool = False
) -> list[GateResult]:
    """Check each gate; champion gates do not apply without a champion and are waived by ``allow_regression``."""
    results = []
    for gate in gates:
        value = measured.get(gate.metric)
        is_champion_gate = gate.metric.startswith(CHAMPION_PREFIX)
        common: _GateFields = {
            "name": gate.name,
            "metric": gate.metric,
            "min": gate.min,
            "max": gate.max,
            "value": value,
        }
        if is_champion_gate and not champion_compared:
            results.append(GateResult(**common, status="not_applicable", note="no comparable shipped model"))
            continue
        if value is None:
            note = (
                "not measured" if gate.metric in measured else f"unknown metric; known: {', '.join(sorted(measured))}"
            )
            results.append(GateResult(**common, status="failed", note=note))
            continue
        ok = (gate.min is None or value >= gate.min) and (gate.max is None or value <= gate.max)
        if not ok and is_champion_gate and allow_regression:
            results.append(GateResult(**common, status="waived", note=f"needs {_bound_text(gate)}; --allow-regression"))
        else:
            results.append(
                GateResult(
                    **common, status="passed" if ok else "failed", note="" if ok else f"needs {_bound_text(gate)}"
                )
            )
    return results
