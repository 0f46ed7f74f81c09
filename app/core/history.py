"""Runs over time, from the run log: drift per feature, score distribution, positive rate, issue rates, alerts."""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.core.drift import PSI_ALERT
from app.core.i18n import N_, Figure, Message, general, language

__all__ = ["Alert", "EstimatedAuc", "RunHistory", "printable", "run_label", "summarise_runs", "well_formed"]


_BIDI_CONTROLS = {"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}  # embeddings, overrides, isolates


def printable(text: str) -> str:
    """``text`` safe for a terminal: control and bidirectional-override characters written as ``\\x1b``, ``\\u202e``.

    File and feature names in the log come from other people's files; raw, ESC [2J clears the screen and U+202E
    reverses what follows."""
    return "".join(
        (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
        if unicodedata.category(c) == "Cc" or unicodedata.bidirectional(c) in _BIDI_CONTROLS
        else c
        for c in text
    )


@dataclass(frozen=True)
class EstimatedAuc:
    """One run's ROC AUC estimated without labels, its interval, and what it is judged against."""

    value: float
    low: float
    high: float
    reliable: bool
    test: float | None  # the test-set ROC AUC of the model that scored the run
    gate: float | None  # the build's gate on the test-set ROC AUC

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "value": self.value,
            "ci": [self.low, self.high],
            "reliable": self.reliable,
            "test": self.test,
            "gate": self.gate,
        }


def _estimated_auc(data: dict[str, Any]) -> EstimatedAuc | None:
    """The run's estimate, or None for runs logged before estimates were, or a malformed one."""
    estimate = data.get("estimated_performance")
    if not isinstance(estimate, dict) or not isinstance(auc := estimate.get("roc_auc"), dict):
        return None
    value, interval = auc.get("value"), auc.get("ci")
    if value is None or not _number(value) or not isinstance(interval, list) or len(interval) != 2:
        return None
    if not all(map(_number, interval)):
        return None
    test, gate = estimate.get("test_roc_auc"), estimate.get("roc_auc_gate")
    return EstimatedAuc(
        float(value),
        float(interval[0]),
        float(interval[1]),
        estimate.get("reliable") is True,
        float(test) if test is not None and _number(test) else None,
        float(gate) if gate is not None and _number(gate) else None,
    )


@dataclass(frozen=True)
class Alert:
    """Something in a run that needs a person's attention."""

    run: int  # index into RunHistory.runs
    kind: str  # drift | positive_rate | estimated_performance
    message: str  # in English, as ``history --json`` has it
    note: Message | None = field(default=None, compare=False)  # the same message, to show in any language

    @classmethod
    def of(cls, run: int, kind: str, note: Message) -> Alert:
        """An alert whose message can be shown in any language."""
        return cls(run, kind, note.english(), note)

    def shown(self, run: str | None = None) -> str:
        """The message in the current language; ``run`` names the run in it instead of its timestamp and file."""
        if self.note is None:
            return self.message
        if run is None or "run" not in dict(self.note.values):
            return self.note.text()
        values = {**dict(self.note.values), "run": run}
        return Message(self.note.template, tuple(values.items()), self.note.plural).text()


def run_label(run: dict[str, Any], zone: dt.tzinfo | None = None) -> str:
    """A run as people name it: its file and when it ran, ``customers.csv 03 Dec 14:05`` (in ``zone``, by default
    this machine's, and the current language's month)."""
    from babel.dates import format_datetime

    name = run.get("file", {}).get("name") or "?"
    try:
        moment = dt.datetime.fromisoformat(str(run.get("@timestamp", "")))
    except ValueError:
        return f"{name} ?"
    if moment.tzinfo is None:  # the log writes UTC; a hand-edited line without a zone is taken as UTC too
        moment = moment.replace(tzinfo=dt.UTC)
    moment = moment.astimezone(zone)
    return f"{name} {format_datetime(moment, 'dd MMM HH:mm', tzinfo=moment.tzinfo, locale=language())}"


@dataclass
class RunHistory:
    """The logged runs in time order, and the series the history views draw."""

    runs: list[dict[str, Any]]
    features: list[str] = field(default_factory=list)
    psi: list[list[float | None]] = field(default_factory=list)  # runs x features
    positive_rate: list[float | None] = field(default_factory=list)
    band: list[dict[str, float] | None] = field(default_factory=list)
    deciles: list[list[float]] = field(default_factory=list)
    issue_rates: dict[str, list[float]] = field(default_factory=dict)
    estimated_auc: list[EstimatedAuc | None] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    skipped: int = 0  # log records that are not well-formed score records (another tool's, or edited)
    unfinished: int = 0  # runs that failed or were cancelled: they have no scores to draw

    def labels(self, zone: dt.tzinfo | None = None) -> list[str]:
        """Each run's name (``run_label``); a run named like an earlier one gets ``(2)``, ``(3)``... after it."""
        seen: dict[str, int] = {}
        result = []
        for run in self.runs:
            label = run_label(run, zone)
            seen[label] = seen.get(label, 0) + 1
            result.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
        return result

    def to_dict(self) -> dict[str, Any]:
        """The ``history --json`` document."""
        return {
            "runs": [
                {
                    "timestamp": run.get("@timestamp"),
                    "run_id": run.get("event", {}).get("id"),
                    "file": run.get("file", {}).get("name"),
                    "source": run["scoredesk"].get("source"),
                    "model_version": run["scoredesk"]["model"]["version"],
                    "rows": run["scoredesk"]["rows"]["total"],
                    "verdict": run["scoredesk"].get("verdict"),
                    "threshold": run["scoredesk"].get("threshold"),
                    "positive_rate": rate,
                    "positive_rate_band": band,
                    "deciles": deciles,
                    "estimated_roc_auc": estimate.to_dict() if estimate else None,
                }
                for run, rate, band, deciles, estimate in zip(
                    self.runs, self.positive_rate, self.band, self.deciles, self.estimated_auc, strict=True
                )
            ],
            "features": self.features,
            "psi": self.psi,
            "issue_rates": self.issue_rates,
            "alerts": [{"run": a.run, "kind": a.kind, "message": a.message} for a in self.alerts],
            "skipped": self.skipped,
            "unfinished": self.unfinished,
        }


def _number(value: object) -> bool:
    """A finite number: NaN and Infinity, which Python's json reads and writes, are no JSON and no measurement."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _text(value: object) -> bool:
    return isinstance(value, str)


def _maybe(value: object, check: Callable[[Any], bool]) -> bool:
    return value is None or check(value)


def well_formed(record: object) -> bool:
    """A ``score`` record with every field the history reads, of the type it reads (foreign lines are not), its
    numbers finite (``history --json`` must stay JSON)."""
    if not isinstance(record, dict) or not isinstance(data := record.get("scoredesk"), dict):
        return False
    rows, scores, band = data.get("rows"), data.get("scores", {}), data.get("positive_rate_band")
    model, drift, issues = data.get("model"), data.get("drift", {}), data.get("issues", {})
    file, event = record.get("file", {}), record.get("event", {})
    return (
        isinstance(record.get("@timestamp", ""), str)
        and isinstance(file, dict)
        and _maybe(file.get("name"), _text)
        and isinstance(event, dict)
        and _maybe(event.get("id"), _text)
        and _maybe(data.get("source"), _text)
        and _maybe(data.get("verdict"), _text)
        and _maybe(data.get("threshold"), _number)
        and isinstance(rows, dict)
        and _number(rows.get("total"))
        and isinstance(model, dict)
        and (isinstance(model.get("version"), str) or _number(model.get("version")))
        and isinstance(drift, dict)
        and all(_maybe(v, _number) for v in drift.values())
        and isinstance(issues, dict)
        and all(_number(v) for v in issues.values())
        and isinstance(scores, dict)
        and _maybe(scores.get("positive_rate"), _number)
        and isinstance(scores.get("deciles", []), list)
        and all(_number(v) for v in scores.get("deciles", []))
        and _maybe(band, lambda b: isinstance(b, dict) and all(_number(b.get(k)) for k in ("low", "high", "expected")))
    )


def _unfinished(record: object) -> bool:
    """A run's summary line that says it failed or was cancelled (``event.outcome`` other than success)."""
    event = record.get("event") if isinstance(record, dict) else None
    return isinstance(event, dict) and event.get("outcome", "success") != "success"


def summarise_runs(records: Sequence[Any], limit: int | None = None, skipped: int = 0) -> RunHistory:
    """Series and alerts from the last ``limit`` well-formed ``score`` records of finished runs (oldest first).

    Runs that failed or were cancelled are counted in ``unfinished``; other records are counted in ``skipped``
    (with the ``skipped`` lines the log reader already left out), never a reason to fail.
    """
    finished = [r for r in records if not _unfinished(r)]
    runs = [r for r in finished if well_formed(r)]
    skipped += len(finished) - len(runs)
    history = RunHistory(runs=runs[-limit:] if limit else runs, skipped=skipped)
    history.unfinished = len(records) - len(finished)
    runs = history.runs
    features: list[str] = []
    for run in runs:
        features.extend(name for name in run["scoredesk"].get("drift", {}) if name not in features)
    history.features = features
    codes = sorted({code for run in runs for code in run["scoredesk"].get("issues", {})})
    history.issue_rates = {code: [] for code in codes}
    for index, run in enumerate(runs):
        data = run["scoredesk"]
        drift = data.get("drift", {})
        history.psi.append([drift.get(name) for name in features])
        scores = data.get("scores", {})
        rate = scores.get("positive_rate")
        band = data.get("positive_rate_band")
        history.positive_rate.append(rate)
        history.band.append(band)
        history.deciles.append(scores.get("deciles", []))
        total = max(data["rows"]["total"], 1)
        for code in codes:
            history.issue_rates[code].append(data.get("issues", {}).get(code, 0) / total)
        where = f"{run.get('@timestamp', '?')} ({run.get('file', {}).get('name', '?')})"
        estimate = _estimated_auc(data)
        history.estimated_auc.append(estimate)
        if estimate and estimate.reliable and estimate.gate is not None and estimate.high < estimate.gate:
            history.alerts.append(
                Alert.of(
                    index,
                    "estimated_performance",
                    Message.of(
                        N_(
                            "{run}: estimated ROC AUC {value} ({low}–{high}) is below the model's gate of {gate} even"
                            " at its upper bound"
                        ),
                        run=where,
                        value=Figure(estimate.value, 3),
                        low=Figure(estimate.low, 3),
                        high=Figure(estimate.high, 3),
                        gate=general(estimate.gate),
                    ),
                )
            )
        statuses = data.get("drift_status", {}) if isinstance(data.get("drift_status"), dict) else {}
        for name, value in drift.items():
            # A run logged with the significance test says whether its PSI was more than sampling noise.
            if value is not None and value >= PSI_ALERT and statuses.get(name, "alert") == "alert":
                history.alerts.append(
                    Alert.of(
                        index,
                        "drift",
                        Message.of(
                            N_("{run}: {name} drifted, PSI {psi} (alert from {limit})"),
                            run=where,
                            name=name,
                            psi=Figure(value, 2),
                            limit=general(PSI_ALERT),
                        ),
                    )
                )
        if rate is not None and band and not band["low"] <= rate <= band["high"]:
            history.alerts.append(
                Alert.of(
                    index,
                    "positive_rate",
                    Message.of(
                        N_("{run}: positive rate {rate} outside the training band {low}–{high} (test set: {expected})"),
                        run=where,
                        rate=Figure(rate, 1, share=True),
                        low=Figure(band["low"], 1, share=True),
                        high=Figure(band["high"], 1, share=True),
                        expected=Figure(band["expected"], 1, share=True),
                    ),
                )
            )
    return history
