"""Runs are named by their file and date, in the current language, and two runs never share a name."""

from __future__ import annotations

import datetime as dt

from app.core import i18n
from app.core.history import Alert, summarise_runs
from app.core.i18n import N_, Message

UTC = dt.UTC


def _run(name: str | None, timestamp: str) -> dict:
    record: dict = {
        "@timestamp": timestamp,
        "scoredesk": {"rows": {"total": 10}, "model": {"version": "1"}, "scores": {}, "drift": {}, "issues": {}},
    }
    if name is not None:
        record["file"] = {"name": name}
    return record


def test_runs_are_named_by_file_and_date() -> None:
    history = summarise_runs(
        [
            _run("customers.csv", "2026-12-03T14:05:09.123Z"),
            _run("march.xlsx", "2026-03-01T08:00:00.000Z"),
            _run(None, "2026-12-04T09:30:00.000Z"),
        ]
    )
    assert history.labels(UTC) == ["customers.csv 03 Dec 14:05", "march.xlsx 01 Mar 08:00", "? 04 Dec 09:30"]
    eastern = dt.timezone(dt.timedelta(hours=-5))
    assert history.labels(eastern)[0] == "customers.csv 03 Dec 09:05"  # the reader's clock, not UTC


def test_two_runs_in_the_same_minute_are_told_apart_and_spanish_names_the_month() -> None:
    history = summarise_runs(
        [_run("a.csv", "2026-12-03T14:05:01.000Z"), _run("a.csv", "2026-12-03T14:05:40.000Z"), _run("a.csv", "bad")]
    )
    assert history.labels(UTC) == ["a.csv 03 Dec 14:05", "a.csv 03 Dec 14:05 (2)", "a.csv ?"]
    i18n.set_language("es")
    assert history.labels(UTC)[0] == "a.csv 03 dic 14:05"


def test_an_alert_can_name_its_run_by_its_label() -> None:
    note = Message.of(
        N_("{run}: positive rate {rate} outside the training band {low}–{high} (test set: {expected})"),
        run="2026-12-03T14:05:09.123Z (a.csv)",
        rate="9%",
        low="1%",
        high="2%",
        expected="1.5%",
    )
    alert = Alert.of(0, "positive_rate", note)
    assert alert.shown(run="a.csv 03 Dec 14:05").startswith("a.csv 03 Dec 14:05: positive rate 9%")
    assert alert.message.startswith("2026-12-03T14:05:09.123Z (a.csv): ")  # the JSON keeps the timestamp
    assert Alert(0, "drift", "old text").shown(run="x") == "old text"
