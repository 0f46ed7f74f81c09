"""The words shown for the codes the core writes (severities, verdicts, drift and gate statuses), in the current
language. The codes themselves stay in the JSON; the CLI, the report and the issues' messages show these."""

from __future__ import annotations

from collections.abc import Mapping

from app.core.drift import TOO_FEW_ROWS
from app.core.i18n import N_, gettext

__all__ = ["DRIFT_STATUSES", "GATE_STATUSES", "SEVERITIES", "VERDICTS", "verdict_word", "word"]

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
