"""Runs over time, from the run log: drift per feature, score distribution, positive rate, issue rates, alerts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.core.drift import PSI_ALERT

__all__ = ["Alert", "RunHistory", "summarise_runs"]


@dataclass(frozen=True)
class Alert:
    """Something in a run that needs a person's attention."""

    run: int  # index into RunHistory.runs
    kind: str  # drift | positive_rate
    message: str


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
    alerts: list[Alert] = field(default_factory=list)

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
                }
                for run, rate, band, deciles in zip(self.runs, self.positive_rate, self.band, self.deciles, strict=True)
            ],
            "features": self.features,
            "psi": self.psi,
            "issue_rates": self.issue_rates,
            "alerts": [{"run": a.run, "kind": a.kind, "message": a.message} for a in self.alerts],
        }


def summarise_runs(runs: Sequence[dict[str, Any]]) -> RunHistory:
    """Series and alerts from ``score`` records (oldest first)."""
    runs = [r for r in runs if isinstance(r.get("scoredesk"), dict) and "rows" in r["scoredesk"]]
    history = RunHistory(runs=list(runs))
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
        for name, value in drift.items():
            if value is not None and value >= PSI_ALERT:
                history.alerts.append(
                    Alert(index, "drift", f"{where}: {name} drifted, PSI {value:.2f} (alert from {PSI_ALERT})")
                )
        if rate is not None and band and not band["low"] <= rate <= band["high"]:
            history.alerts.append(
                Alert(
                    index,
                    "positive_rate",
                    f"{where}: positive rate {rate:.1%} outside the training band"
                    f" {band['low']:.1%}–{band['high']:.1%} (test set: {band['expected']:.1%})",
                )
            )
    return history
