"""The words shown for the codes the core writes (severities, verdicts, drift and gate statuses), in the current
language. The codes themselves stay in the JSON; the CLI, the report and the issues' messages show these."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.core.drift import TOO_FEW_ROWS
from app.core.i18n import N_, general_text, gettext

__all__ = ["DRIFT_STATUSES", "GATE_STATUSES", "SEVERITIES", "VERDICTS", "gate_bound", "verdict_word", "word"]

SEVERITIES = {"error": N_("error"), "warning": N_("warning"), "info": N_("info")}
VERDICTS = {"ok": N_("OK"), "warning": N_("WARNING"), "error": N_("ERROR")}
DRIFT_STATUSES = {"ok": N_("ok"), "warn": N_("warn"), "alert": N_("alert"), TOO_FEW_ROWS: N_("too few rows")}
GATE_STATUSES = {
    "passed": N_("passed"),
    "failed": N_("failed"),
    "not_applicable": N_("not applicable"),
    "waived": N_("waived"),
}


def word(words: Mapping[str, str], code: str, keep: bool = True) -> str:
    """A code's word in the current language; a code with no word as it is (``keep``), else with spaces for its
    underscores."""
    if code in words:
        return gettext(words[code])
    return code if keep else code.replace("_", " ")


def verdict_word(verdict: str) -> str:
    """A file's verdict in capitals, in the current language."""
    return word(VERDICTS, verdict) if verdict in VERDICTS else verdict.upper()


def gate_bound(gate: Mapping[str, Any]) -> str:
    """A quality gate's limits and what they bound: ``≥ 0.83``, ``≥ -0.005 (upper end of the interval)``."""
    low = f"≥ {general_text(gate['min'])}" if gate.get("min") is not None else ""
    high = f"≤ {general_text(gate['max'])}" if gate.get("max") is not None else ""
    limits = gettext("{low} and {high}").format(low=low, high=high) if low and high else low or high
    bound = gate.get("bound", "point")
    if bound == "point":
        return limits
    if bound == "lower":
        return gettext("{limits} (lower end of the interval)").format(limits=limits)
    if bound == "upper":
        return gettext("{limits} (upper end of the interval)").format(limits=limits)
    return gettext("{limits} ({bound} end of the interval)").format(limits=limits, bound=bound)
