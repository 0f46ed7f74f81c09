"""Stage 10, gates: every declared bound checked against what the build measured.

A gate checks the point value (``bound = "point"``) or one end of the metric's interval (``"lower"`` or
``"upper"``): the test metrics' bootstrap intervals, and the champion deltas' paired-test intervals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, TypedDict

from model_build.config import GateConfig

__all__ = ["CHAMPION_PREFIX", "GateResult", "evaluate_gates", "measured_intervals", "measurements"]

CHAMPION_PREFIX = "champion."


@dataclass(frozen=True)
class GateResult:
    """One gate's bound, measured value and outcome."""

    name: str
    metric: str
    min: float | None
    max: float | None
    value: float | None  # the value checked: the point, or the interval end the bound names
    status: str  # passed | failed | not_applicable | waived
    note: str = ""
    bound: str = "point"
    point: float | None = None  # the point value, also when an interval end is checked
    interval: list[float] | None = None  # the metric's interval, when it has one
    level: float | None = None  # the interval's level

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


def measured_intervals(evaluation: Mapping[str, Any], comparison: Mapping[str, Any]) -> dict[str, Any]:
    """The interval ``[low, high]`` and level of each gate metric that has one (test metrics, champion deltas)."""
    found: dict[str, Any] = {}
    test_ci = evaluation.get("test_ci")
    if test_ci:
        for key, pair in test_ci["intervals"].items():
            found[f"test.{key}"] = (pair, test_ci["level"])
    for key, tested in comparison.get("tests", {}).items():
        found[f"{CHAMPION_PREFIX}{key}_delta"] = (tested["ci"], comparison["test_level"])
    return found


class _GateFields(TypedDict):
    """The fields every GateResult of one gate shares, whatever its outcome."""

    name: str
    metric: str
    min: float | None
    max: float | None
    value: float | None
    bound: str
    point: float | None
    interval: list[float] | None
    level: float | None


def _bound_text(gate: GateConfig) -> str:
    parts = []
    if gate.min is not None:
        parts.append(f">= {gate.min:g}")
    if gate.max is not None:
        parts.append(f"<= {gate.max:g}")
    text = " and ".join(parts)
    return text if gate.bound == "point" else f"the interval's {gate.bound} end {text}"


def evaluate_gates(
    gates: Sequence[GateConfig],
    measured: Mapping[str, Any],
    champion_compared: bool,
    allow_regression: bool = False,
    intervals: Mapping[str, Any] | None = None,
) -> list[GateResult]:
    """Check each gate on its point or interval end; champion gates do not apply without a champion and are
    waived by ``allow_regression``."""
    results = []
    known_intervals = intervals or {}
    for gate in gates:
        point = measured.get(gate.metric)
        pair, level = known_intervals.get(gate.metric, (None, None))
        value = point if gate.bound == "point" else (None if pair is None else pair[0 if gate.bound == "lower" else 1])
        is_champion_gate = gate.metric.startswith(CHAMPION_PREFIX)
        common: _GateFields = {
            "name": gate.name,
            "metric": gate.metric,
            "min": gate.min,
            "max": gate.max,
            "value": value,
            "bound": gate.bound,
            "point": point,
            "interval": list(pair) if pair is not None else None,
            "level": level,
        }
        if is_champion_gate and not champion_compared:
            results.append(GateResult(**common, status="not_applicable", note="no comparable shipped model"))
            continue
        if value is None:
            if gate.metric not in measured:
                note = f"unknown metric; known: {', '.join(sorted(measured))}"
            elif point is not None:
                note = f"no interval measured, so no {gate.bound} end to check"
            else:
                note = "not measured"
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
