"""Runs over time from the run log: which records count, the series drawn, and the alerts raised."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest

from app.core import i18n
from app.core.drift import PSI_ALERT
from app.core.history import printable, run_label, summarise_runs, well_formed

UTC = dt.UTC


def _run(
    name: str = "customers.csv",
    timestamp: str = "2026-12-03T14:05:00+00:00",
    *,
    total: int = 100,
    drift: dict[str, float | None] | None = None,
    issues: dict[str, int] | None = None,
    rate: float | None = 0.25,
    band: dict[str, float] | None = None,
    **data: object,
) -> dict[str, Any]:
    """A score record as the run log writes it, with only the fields the history reads."""
    return {
        "@timestamp": timestamp,
        "event": {"id": f"run-{name}-{timestamp}", "outcome": "success"},
        "file": {"name": name},
        "scoredesk": {
            "source": "cli",
            "verdict": "ok",
            "threshold": 0.19,
            "rows": {"total": total},
            "model": {"version": "1.0.0"},
            "drift": drift if drift is not None else {"tenure": 0.01},
            "issues": issues if issues is not None else {},
            "scores": {"positive_rate": rate, "deciles": [0.1 * i for i in range(1, 10)]},
            "positive_rate_band": band if band is not None else {"low": 0.2, "high": 0.3, "expected": 0.25},
            **data,
        },
    }


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("customers.csv", "customers.csv"),
        ("", ""),
        ("a\x1b[2Jb", "a\\x1b[2Jb"),  # ESC would clear the screen
        ("evil\u202etxt.csv", "evil\\u202etxt.csv"),  # would reverse what follows
        ("tab\there\n", "tab\\x09here\\x0a"),
        ("São Paulo, Zürich, 東京", "São Paulo, Zürich, 東京"),  # letters of any script stay
        ("\u2066x\u2069", "\\u2066x\\u2069"),
    ],
)
def test_printable_writes_control_and_override_characters_as_escapes(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_a_score_record_is_well_formed() -> None:
    assert well_formed(_run())
    assert well_formed(_run(rate=None, drift={"tenure": None}))  # no rate, a feature with too few rows


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r.pop("scoredesk"),
        lambda r: r["scoredesk"].pop("rows"),
        lambda r: r["scoredesk"]["rows"].update(total=float("nan")),
        lambda r: r["scoredesk"]["rows"].update(total="100"),
        lambda r: r["scoredesk"].update(threshold=True),  # a bool is no number
        lambda r: r["scoredesk"]["drift"].update(tenure=float("inf")),
        lambda r: r["scoredesk"]["drift"].update(tenure="high"),
        lambda r: r["scoredesk"]["issues"].update(missing_value=None),
        lambda r: r["scoredesk"]["scores"].update(deciles=[0.1, float("nan")]),
        lambda r: r["scoredesk"]["positive_rate_band"].pop("expected"),
        lambda r: r["scoredesk"]["model"].update(version=None),
        lambda r: r.update(file="customers.csv"),
        lambda r: r.update({"@timestamp": 20261203}),
    ],
)
def test_a_record_the_history_cannot_read_is_not_well_formed(change: Callable[[dict[str, Any]], object]) -> None:
    record = _run()
    change(record)
    assert not well_formed(record)


def test_other_values_are_not_well_formed() -> None:
    assert not well_formed(None)
    assert not well_formed([])
    assert not well_formed({"scoredesk": []})


def test_no_records_are_an_empty_history() -> None:
    history = summarise_runs([])
    assert history.runs == []
    assert history.features == []
    assert history.alerts == []
    assert history.to_dict()["runs"] == []


def test_series_line_up_across_runs_with_different_features() -> None:
    first = _run("a.csv", drift={"tenure": 0.01}, issues={"missing_value": 10})
    second = _run("b.csv", drift={"contract": 0.02, "tenure": 0.03}, issues={"unseen_category": 5}, total=50)
    history = summarise_runs([first, second])
    assert history.features == ["tenure", "contract"]
    assert history.psi == [[0.01, None], [0.03, 0.02]]
    assert history.issue_rates == {"missing_value": [0.1, 0.0], "unseen_category": [0.0, 0.1]}
    assert history.positive_rate == [0.25, 0.25]
    assert history.alerts == []


def test_a_run_of_no_rows_has_rates_not_a_division_by_zero() -> None:
    history = summarise_runs([_run(total=0, issues={"missing_value": 0})])
    assert history.issue_rates == {"missing_value": [0.0]}


def test_limit_keeps_the_last_runs_and_unreadable_records_are_counted() -> None:
    runs = [_run(f"{i}.csv") for i in range(5)]
    failed = _run("failed.csv")
    failed["event"]["outcome"] = "failure"
    history = summarise_runs([*runs, {"message": "another tool's line"}, failed], limit=2, skipped=3)
    assert [run["file"]["name"] for run in history.runs] == ["3.csv", "4.csv"]
    assert history.skipped == 4
    assert history.unfinished == 1


def test_drift_alerts_from_the_alert_level_unless_the_test_calls_it_noise() -> None:
    run = _run(drift={"tenure": PSI_ALERT, "contract": PSI_ALERT - 0.001, "charges": 0.9})
    run["scoredesk"]["drift_status"] = {"charges": "ok"}  # large, but not more than sampling noise
    history = summarise_runs([run])
    assert [alert.kind for alert in history.alerts] == ["drift"]
    assert history.alerts[0].run == 0
    assert "tenure drifted, PSI" in history.alerts[0].message


def test_a_positive_rate_outside_the_band_alerts_and_its_edges_do_not() -> None:
    band = {"low": 0.2, "high": 0.3, "expected": 0.25}
    history = summarise_runs([_run(rate=0.2, band=band), _run(rate=0.3, band=band), _run(rate=0.35, band=band)])
    assert [(alert.run, alert.kind) for alert in history.alerts] == [(2, "positive_rate")]
    assert "positive rate 35.0% outside the training band 20.0%–30.0% (test set: 25.0%)" in history.alerts[0].message


def test_an_estimated_auc_below_the_gate_at_its_upper_bound_alerts_only_when_reliable() -> None:
    def estimate(high: float, reliable: bool) -> dict[str, Any]:
        return {"roc_auc": {"value": 0.7, "ci": [0.6, high]}, "reliable": reliable, "roc_auc_gate": 0.8}

    runs = [
        _run(estimated_performance=estimate(0.79, True)),
        _run(estimated_performance=estimate(0.79, False)),
        _run(estimated_performance=estimate(0.81, True)),
        _run(estimated_performance={"roc_auc": {"value": float("nan"), "ci": [0.6, 0.7]}}),  # malformed: none
    ]
    history = summarise_runs(runs)
    assert [(alert.run, alert.kind) for alert in history.alerts] == [(0, "estimated_performance")]
    assert history.estimated_auc[3] is None
    assert history.estimated_auc[1] is not None
    assert history.estimated_auc[1].reliable is False


def test_the_json_document_is_strict_json() -> None:
    run = _run(drift={"tenure": 0.5}, rate=0.9, estimated_performance={"roc_auc": {"value": 0.7, "ci": [0.6, 0.8]}})
    document = summarise_runs([run, copy.deepcopy(run)]).to_dict()
    text = json.dumps(document, allow_nan=False)
    assert json.loads(text)["runs"][0]["estimated_roc_auc"]["ci"] == [0.6, 0.8]
    assert [alert["kind"] for alert in document["alerts"]] == ["drift", "positive_rate"] * 2


def test_run_labels_name_the_file_and_the_time_in_a_zone() -> None:
    run = _run("customers.csv", "2026-12-03T14:05:00+00:00")
    assert run_label(run, UTC) == "customers.csv 03 Dec 14:05"
    assert run_label(run, dt.timezone(dt.timedelta(hours=-5))) == "customers.csv 03 Dec 09:05"
    assert run_label(_run(timestamp="2026-12-03T14:05:00"), UTC) == "customers.csv 03 Dec 14:05"  # taken as UTC
    assert run_label(_run(timestamp="yesterday"), UTC) == "customers.csv ?"
    assert run_label({"@timestamp": "2026-12-03T14:05:00+00:00"}, UTC) == "? 03 Dec 14:05"
    i18n.set_language("es")
    assert run_label(run, UTC) == "customers.csv 03 dic 14:05"


def test_runs_named_alike_are_numbered_and_alerts_can_use_those_names() -> None:
    same = _run(rate=0.9)
    history = summarise_runs([same, copy.deepcopy(same)])
    assert history.labels(UTC) == ["customers.csv 03 Dec 14:05", "customers.csv 03 Dec 14:05 (2)"]
    alert = history.alerts[1]
    assert alert.shown().startswith("2026-12-03T14:05:00+00:00 (customers.csv): positive rate 90.0%")
    assert alert.shown("customers.csv 03 Dec 14:05 (2)").startswith("customers.csv 03 Dec 14:05 (2): positive rate")
    assert alert.message == alert.shown()  # English, as the JSON keeps it
