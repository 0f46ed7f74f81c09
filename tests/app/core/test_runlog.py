"""The run log: ECS fields, privacy by default, rotation, and surviving a crash mid-write."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app.cli import main
from app.core.metrics import ScoreAccumulator
from app.core.runlog import LOG_NAME, RunLog
from tests.app.inputs import SAMPLE, sample_frame, write_csv


def _score(source: Path, out: Path, *extra: str) -> None:
    assert main(["score", str(source), "-o", str(out), *extra]) == 0


def test_a_score_run_writes_one_ecs_line(isolated_user_data: Path, tmp_path: Path) -> None:
    _score(SAMPLE, tmp_path / "out.csv")
    lines = (isolated_user_data / LOG_NAME).read_text().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["@timestamp"].endswith("Z")
    assert record["event"]["action"] == "score"
    assert record["event"]["outcome"] == "success"
    assert record["event"]["duration"] > 0  # nanoseconds, as ECS has it
    assert record["ecs"]["version"]
    assert record["service"] == {"name": "scoredesk", "version": __import__("app").__version__}
    assert record["file"]["name"] == SAMPLE.name
    assert len(record["file"]["hash"]["sha256"]) == 64
    data = record["scoredesk"]
    assert data["model"]["name"] == "telco_churn"
    assert len(data["model"]["sha256"]) == 64
    assert data["rows"] == {"total": 200, "ok": 199, "warning": 1, "invalid": 0}
    assert data["issues"] == {"out_of_range": 1}
    assert set(data["drift"]) == set(data["drift_status"])
    assert len(data["drift"]) == 19
    scores = data["scores"]
    assert len(scores["deciles"]) == 9
    assert sum(scores["histogram"]["counts"]) == 200
    assert 0 < scores["positive_rate"] < 1
    assert data["threshold"] == pytest.approx(0.19)
    band = data["positive_rate_band"]
    assert band["low"] < band["expected"] < band["high"]
    estimate = data["estimated_performance"]
    low, high = estimate["roc_auc"]["ci"]
    assert low < estimate["roc_auc"]["value"] < high
    assert estimate["rows"] == 200
    assert estimate["reliable"] is True


def test_no_row_values_are_logged_by_default(isolated_user_data: Path, tmp_path: Path) -> None:
    frame = sample_frame().drop(columns=["notes"])
    frame["customer_id"] = [f"SECRET-{i:04d}" for i in range(len(frame))]
    frame.loc[0, "payment_method"] = "Bitcoin wallet 1A2b3C"
    _score(write_csv(frame, tmp_path / "private.csv"), tmp_path / "out.csv")
    text = (isolated_user_data / LOG_NAME).read_text()
    assert "SECRET-" not in text
    assert "Bitcoin" not in text


def test_log_rows_opts_in_to_row_events(isolated_user_data: Path, tmp_path: Path) -> None:
    _score(SAMPLE, tmp_path / "out.csv", "--log-rows")
    log = RunLog(isolated_user_data / LOG_NAME)
    rows = log.row_log().read("score.row")
    (run,) = log.read("score")
    assert not log.read("score.row")  # row events have their own file: they never rotate summaries away
    assert len(rows) == 200
    assert {r["scoredesk"]["run_id"] for r in rows} == {run["event"]["id"]}
    first = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).iloc[0]
    assert rows[0]["scoredesk"]["values"]["customer_id"] == first["customer_id"]
    assert rows[0]["scoredesk"]["row"] == 1


def test_a_log_rows_run_that_fails_midway_still_ends_with_its_summary(
    isolated_user_data: Path, tmp_path: Path, capsys
) -> None:
    # 60,000 good rows, then a quote that never closes: the reader fails after the first chunks were logged.
    good = write_csv(pd.concat([sample_frame()] * 300, ignore_index=True), tmp_path / "good.csv")
    broken = tmp_path / "broken.csv"
    broken.write_bytes(good.read_bytes() + b'"' + b"x" * 100 + b"\n")
    assert main(["score", str(broken), "-o", str(tmp_path / "out.csv"), "--log-rows"]) == 2
    assert "EOF inside string" in capsys.readouterr().err
    log = RunLog(isolated_user_data / LOG_NAME)
    (run,) = log.read("score")
    rows = log.row_log().read("score.row")
    assert rows, "the first chunks' rows were logged before the failure"
    assert {r["scoredesk"]["run_id"] for r in rows} == {run["event"]["id"]}
    assert run["event"]["outcome"] == "failure"
    assert run["error"]["type"] == "InputError"
    assert "EOF inside string" in run["error"]["message"]
    assert run["scoredesk"]["rows_logged"] == len(rows)
    assert run["file"]["name"] == "broken.csv"
    assert log.path.read_text().rstrip("\n").splitlines()[-1] == json.dumps(run, sort_keys=True, separators=(",", ":"))
    assert not (tmp_path / "out.csv").exists()


def test_history_leaves_unfinished_runs_out_and_counts_them(isolated_user_data: Path, tmp_path: Path, capsys) -> None:
    _score(SAMPLE, tmp_path / "out.csv")
    assert main(["score", str(tmp_path / "missing.csv"), "-o", str(tmp_path / "out2.csv")]) == 2
    (failed,) = [r for r in RunLog(isolated_user_data / LOG_NAME).read() if r["event"]["outcome"] != "success"]
    assert failed["error"]["type"] in {"InputError", "FileNotFoundError"}
    capsys.readouterr()
    assert main(["history", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert len(document["runs"]) == 1
    assert document["unfinished"] == 1
    assert document["skipped"] == 0
    assert main(["history"]) == 0
    assert "1 run that did not finish" in capsys.readouterr().out


def test_no_log_writes_nothing(isolated_user_data: Path, tmp_path: Path) -> None:
    _score(SAMPLE, tmp_path / "out.csv", "--no-log")
    assert not (isolated_user_data / LOG_NAME).exists()


def test_rotation_by_size_keeps_the_newest(tmp_path: Path) -> None:
    log = RunLog(tmp_path / LOG_NAME, max_bytes=2_000, backups=3)
    for index in range(60):
        log.append([{"event": {"action": "score"}, "n": index, "padding": "x" * 200}])
    files = log.files()
    assert [f.name for f in files] == [f"{LOG_NAME}.3", f"{LOG_NAME}.2", f"{LOG_NAME}.1", LOG_NAME]
    assert all(f.stat().st_size < 2_000 + 300 for f in files)
    numbers = [r["n"] for r in log.read()]
    assert numbers == sorted(numbers)
    assert numbers[-1] == 59
    assert len(numbers) < 60  # the oldest rotated away


def test_a_torn_line_is_skipped_and_not_continued(tmp_path: Path) -> None:
    log = RunLog(tmp_path / LOG_NAME)
    log.append([{"event": {"action": "score"}, "n": 1}])
    with open(log.path, "a", encoding="utf-8") as handle:
        handle.write('{"event": {"action": "score"}, "n": 2, "torn')  # what a crash leaves behind
    log.append([{"event": {"action": "score"}, "n": 3}])
    assert [r["n"] for r in log.read()] == [1, 3]


def test_a_process_killed_mid_write_cannot_break_reading(tmp_path: Path) -> None:
    log = RunLog(tmp_path / LOG_NAME)
    log.append([{"event": {"action": "score"}, "n": 1}])
    writer = (
        "import os, signal, sys\n"
        "fd = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND)\n"
        'os.write(fd, b\'{"event": {"action": "score"}, "n": 2, "big": "\' + b\'y\' * 100000)\n'
        "print('half written', flush=True)\n"
        "signal.pause()  # hang here, half written, until killed\n"
        "os.write(fd, b'\"}\\n')\n"
    )
    process = subprocess.Popen([sys.executable, "-c", writer, str(log.path)], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "half written"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    assert [r["n"] for r in log.read()] == [1]
    log.append([{"event": {"action": "score"}, "n": 3}])
    assert [r["n"] for r in log.read()] == [1, 3]


def test_score_accumulator_deciles_match_numpy() -> None:
    rng = np.random.default_rng(0)
    values = rng.beta(2, 5, 50_000)
    accumulator = ScoreAccumulator(0.3)
    for chunk in np.array_split(np.r_[values, [np.nan] * 10], 7):
        accumulator.add(chunk)
    summary = accumulator.summary()
    assert summary["scored"] == 50_000
    np.testing.assert_allclose(summary["deciles"], np.quantile(values, np.arange(1, 10) / 10), atol=1.5e-3)
    assert summary["positive_rate"] == pytest.approx(np.mean(values >= 0.3))
    assert sum(summary["histogram"]["counts"]) == 50_000


_WRITER = """
import sys
from pathlib import Path
from app.core.runlog import RunLog

log = RunLog(Path(sys.argv[1]), max_bytes=400, backups=200)
for index in range(40):
    log.append([{"writer": int(sys.argv[2]), "index": index, "event": {"action": "score"}, "pad": "x" * 60}])
"""


def test_concurrent_writers_across_rotations_lose_no_record(tmp_path: Path) -> None:
    # Six processes append at a size that rotates every few records: every record must survive.
    path = tmp_path / "runs.jsonl"
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(path), str(n)], stderr=subprocess.PIPE) for n in range(6)
    ]
    errors = [writer.communicate(timeout=300)[1] for writer in writers]
    assert [writer.returncode for writer in writers] == [0] * 6, errors
    records = RunLog(path, max_bytes=400, backups=200).read()
    assert sorted((r["writer"], r["index"]) for r in records) == [(w, i) for w in range(6) for i in range(40)]


@pytest.mark.parametrize(
    "foreign",
    [
        {"event": "x"},
        {"event": {"action": "score"}, "scoredesk": {"rows": {"total": "many"}, "model": {"version": "1"}}},
        {"event": {"action": "score"}, "scoredesk": {"rows": {"total": 5}, "model": {"version": "1"}, "drift": []}},
        {"event": {"action": "score"}, "scoredesk": {"rows": {"total": 5}, "model": {"version": "1"}, "scores": 3}},
    ],
    ids=["event as text", "total as text", "drift as a list", "scores as a number"],
)
def test_history_skips_foreign_records_with_a_count(isolated_user_data: Path, tmp_path: Path, capsys, foreign) -> None:
    _score(SAMPLE, tmp_path / "out.csv")
    with open(isolated_user_data / LOG_NAME, "a", encoding="utf-8") as log:
        log.write(json.dumps(foreign) + "\n")
    _score(SAMPLE, tmp_path / "out.csv")
    capsys.readouterr()
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert out.count(SAMPLE.name) == 2
    assert "(1 record of" in out
    assert main(["history", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert len(document["runs"]) == 2
    assert document["skipped"] == 1


def test_one_append_larger_than_the_cap_rotates_inside_it(tmp_path: Path) -> None:
    log = RunLog(tmp_path / LOG_NAME, max_bytes=5_000, backups=30)
    log.append([{"event": {"action": "score"}, "n": index, "padding": "x" * 100} for index in range(400)])
    files = log.files()
    assert len(files) > 5
    line = len(json.dumps({"event": {"action": "score"}, "n": 399, "padding": "x" * 100})) + 1
    assert all(path.stat().st_size <= 5_000 for path in files), [path.stat().st_size for path in files]
    assert all(path.stat().st_size > 5_000 - line for path in files[:-1])  # filled, not rotated early
    numbers = [r["n"] for r in log.read()]
    assert numbers == list(range(400 - len(numbers), 400))  # the newest, in order, none torn


def test_row_events_never_push_run_summaries_out_of_the_log(
    isolated_user_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.core.bundle import load_bundle
    from app.core.output import score_to_csv
    from app.core.runlog import RunRecorder

    bundle = load_bundle()
    log = RunLog(isolated_user_data / LOG_NAME, max_bytes=60_000, backups=3)

    def run(source: Path, log_rows: bool) -> str:
        recorder = RunRecorder(log, bundle, "cli", log_rows=log_rows)
        result = score_to_csv(source, tmp_path / "out.csv", bundle, sinks=recorder.sinks, chunk_rows=500)
        recorder.succeeded(result.report, result.scores)
        return recorder.run_id

    for _ in range(3):
        run(SAMPLE, log_rows=False)
    big = write_csv(pd.concat([sample_frame()] * 10, ignore_index=True), tmp_path / "big.csv")  # 2,000 rows
    run_id = run(big, log_rows=True)  # about 1.5 MB of row events, 500 rows (370 KB) an append, 60 KB a file
    assert main(["history", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert len(document["runs"]) == 4
    assert document["runs"][-1]["run_id"] == run_id
    rows = log.row_log().read("score.row")
    assert rows
    assert {r["scoredesk"]["run_id"] for r in rows} == {run_id}
    numbers = [r["scoredesk"]["row"] for r in rows]
    assert numbers == list(range(2001 - len(numbers), 2001))  # the newest rows the row log holds, in order
    assert all(path.stat().st_size <= 60_000 for path in [*log.files(), *log.row_log().files()])


def _strict_json(text: str) -> object:
    def refuse(constant: str) -> object:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


NON_FINITE = {
    "positive rate": (("scoredesk", "scores", "positive_rate"), float("nan")),
    "decile": (("scoredesk", "scores", "deciles"), [0.1, float("inf")]),
    "psi": (("scoredesk", "drift", "tenure"), float("nan")),
    "threshold": (("scoredesk", "threshold"), float("nan")),
    "rows": (("scoredesk", "rows", "total"), float("inf")),
    "model version": (("scoredesk", "model", "version"), float("nan")),
    "run id": (("event", "id"), float("nan")),
    "file name": (("file", "name"), float("-inf")),
    "verdict": (("scoredesk", "verdict"), float("nan")),
    "band": (("scoredesk", "positive_rate_band", "low"), float("nan")),
}


@pytest.mark.parametrize(("where", "value"), NON_FINITE.values(), ids=NON_FINITE.keys())
def test_history_json_is_strict_json_whatever_the_log_holds(
    isolated_user_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], where: tuple[str, ...], value
) -> None:
    _score(SAMPLE, tmp_path / "out.csv")
    (record,) = RunLog(isolated_user_data / LOG_NAME).read()
    target = record
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    with open(isolated_user_data / LOG_NAME, "a", encoding="utf-8") as log:
        log.write(json.dumps(record) + "\n")  # Python writes NaN and Infinity bare, as a careless tool would
    capsys.readouterr()
    assert main(["history", "--json"]) == 0
    document = _strict_json(capsys.readouterr().out)
    assert isinstance(document, dict)
    assert len(document["runs"]) == 1
    assert document["skipped"] == 1
    assert main(["history"]) == 0
    assert "(1 record of" in capsys.readouterr().out
