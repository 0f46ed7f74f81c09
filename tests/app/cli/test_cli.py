"""The command-line contract: commands, JSON keys, exit codes, one-line errors, no output left behind."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from app.cli import EXIT_BUNDLE, EXIT_INPUT, EXIT_OK
from app.core.bundle import load_bundle
from app.core.paths import bundle_dir
from tests.app.inputs import LABELLED, SAMPLE, read_output, sample_frame, write_csv
from tests.app.running import run_cli as run

REPO = Path(__file__).resolve().parents[3]


def test_score_writes_every_row_with_the_added_columns(tmp_path: Path, capsys) -> None:
    out = tmp_path / "scored.csv"
    code, stdout, _ = run(["score", str(SAMPLE), "-o", str(out)], capsys)
    assert code == EXIT_OK
    assert "Scored 200 rows" in stdout
    scored = read_output(out)
    original = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    assert list(scored.columns) == [
        *original.columns,
        "probability",
        "prediction",
        "row_status",
        "row_issues",
        "extra_fields",
    ]
    pd.testing.assert_frame_equal(scored[original.columns], original)
    assert set(scored["prediction"]) == {"Yes", "No"}


def test_score_threshold_moves_predictions(tmp_path: Path, capsys) -> None:
    run(["score", str(SAMPLE), "-o", str(tmp_path / "low.csv"), "--threshold", "0.05"], capsys)
    run(["score", str(SAMPLE), "-o", str(tmp_path / "high.csv"), "--threshold", "0.9"], capsys)
    low = (read_output(tmp_path / "low.csv")["prediction"] == "Yes").sum()
    high = (read_output(tmp_path / "high.csv")["prediction"] == "Yes").sum()
    assert low > high


def test_existing_output_column_names_are_not_overwritten(tmp_path: Path, capsys) -> None:
    frame = sample_frame().drop(columns=["notes"])
    frame["probability"] = "analyst's own"
    source = write_csv(frame, tmp_path / "in.csv")
    assert run(["score", str(source), "-o", str(tmp_path / "out.csv")], capsys)[0] == EXIT_OK
    scored = read_output(tmp_path / "out.csv")
    assert set(scored["probability"]) == {"analyst's own"}
    assert scored["probability_1"].astype(float).between(0, 1).all()


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "the file is empty"),
        (b"\x00\x01\x02\x03binary\x00\x00\xff", "binary content"),
        (b"customer_id,tenure\n1,5\n", "missing columns 'monthly_charges' (numeric), 'total_charges' (numeric)"),
        (b"Dear customer,\nthanks\n", "it has a single column, so it may not be a CSV file"),
    ],
)
def test_unusable_input_exits_2_with_one_line_and_no_output(
    tmp_path: Path, capsys, content: bytes, fragment: str
) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(content)
    out = tmp_path / "out.csv"
    code, _, err = run(["score", str(source), "-o", str(out)], capsys)
    assert code == EXIT_INPUT
    assert err.count("\n") == 1
    assert str(source) in err
    assert fragment in err
    assert "Traceback" not in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [source]


def test_failed_score_leaves_an_existing_output_untouched(tmp_path: Path, capsys) -> None:
    out = tmp_path / "out.csv"
    out.write_text("precious")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    assert run(["score", str(bad), "-o", str(out)], capsys)[0] == EXIT_INPUT
    assert out.read_text() == "precious"


def test_bad_arguments_exit_2_in_one_line(capsys) -> None:
    code, _, err = run(["score", str(SAMPLE), "-o", "x.csv", "--threshold", "1.5"], capsys)
    assert code == EXIT_INPUT
    assert "threshold 1.5 is outside the allowed range: within 0..1" in err
    assert err.count("\n") == 1
    assert run(["frobnicate"], capsys)[0] == EXIT_INPUT
    code, _, err = run(["score", str(SAMPLE), "-o", str(SAMPLE)], capsys)
    assert code == EXIT_INPUT
    assert "would overwrite the input" in err


def test_check_json_has_the_contract_keys(tmp_path: Path, capsys) -> None:
    frame = sample_frame()
    frame.loc[0, "tenure"] = "-1"
    code, stdout, _ = run(["check", str(write_csv(frame, tmp_path / "in.csv")), "--json"], capsys)
    assert code == EXIT_OK
    report = json.loads(stdout)
    assert {"rows", "verdict", "issues", "drift"} <= set(report)
    assert report["rows"] == 200
    assert report["verdict"] == "error"
    issue = next(i for i in report["issues"] if i["code"] == "impossible_value")
    assert {"code", "column", "severity", "rows", "examples"} <= set(issue)
    assert issue == issue | {"column": "tenure", "severity": "error", "rows": 1, "examples": [1]}
    assert set(report["drift"]) == set(load_bundle().card.feature_names)
    assert all(set(d) == {"psi", "status", "p_value", "significant"} for d in report["drift"].values())


def test_check_estimates_performance_without_labels(capsys) -> None:
    code, stdout, _ = run(["check", str(SAMPLE), "--json"], capsys)
    assert code == EXIT_OK
    estimate = json.loads(stdout)["estimated_performance"]
    assert {"roc_auc", "accuracy", "precision", "recall", "f1", "confusion_matrix", "reliable", "reason"} <= set(
        estimate
    )
    for name in ("roc_auc", "accuracy", "precision", "recall", "f1"):
        low, high = estimate[name]["ci"]
        assert low <= estimate[name]["value"] <= high, name
    assert sum(estimate["confusion_matrix"].values()) == pytest.approx(estimate["rows"])
    assert estimate["rows"] == 200
    assert estimate["reliable"] is True
    code, stdout, _ = run(["check", str(SAMPLE)], capsys)
    assert "estimated performance on these 200 rows (95% intervals, no labels needed):" in stdout


def test_check_does_not_trust_its_estimate_where_the_model_extrapolates(tmp_path: Path, capsys) -> None:
    """Monthly charges raised by a third: over 5% of the rows lie above the training maximum, so the estimate is
    kept, marked unreliable with the column and share, and the text says it is for reference only."""
    frame = sample_frame()
    frame["monthly_charges"] = (pd.to_numeric(frame["monthly_charges"]) * 1.35).round(2).astype(str)
    source = write_csv(frame, tmp_path / "raised.csv")
    code, stdout, _ = run(["check", str(source), "--json"], capsys)
    assert code == EXIT_OK
    document = json.loads(stdout)
    beyond = next(i["rows"] for i in document["issues"] if i["code"] == "out_of_range")
    estimate = document["estimated_performance"]
    assert estimate["reliable"] is False
    assert estimate["reason"].startswith(f"{beyond / 200:.1%} of the scored rows ({beyond}) have a 'monthly_charges'")
    assert estimate["roc_auc"]["value"] is not None  # still computed, for reference
    code, stdout, _ = run(["check", str(source)], capsys)
    assert "not reliable, " in stdout
    assert "(for reference only)" in stdout


def test_check_on_missing_columns_reports_and_exits_2(tmp_path: Path, capsys) -> None:
    source = write_csv(sample_frame().drop(columns=["tenure"]), tmp_path / "in.csv")
    code, stdout, err = run(["check", str(source), "--json"], capsys)
    assert code == EXIT_INPUT
    assert json.loads(stdout)["issues"][0] == json.loads(stdout)["issues"][0] | {
        "code": "missing_column",
        "column": "tenure",
    }
    assert "'tenure'" in err


def test_evaluate_json_uses_exactly_the_contract_names(capsys) -> None:
    code, stdout, _ = run(["evaluate", str(LABELLED), "--json"], capsys)
    assert code == EXIT_OK
    result = json.loads(stdout)
    contract = {
        "rows",
        "positives",
        "roc_auc",
        "pr_auc",
        "accuracy",
        "precision",
        "recall",
        "f1",
        "confusion_matrix",
        "roc",
        "slices",
    }
    assert contract <= set(result)
    assert set(result["confusion_matrix"]) == {"tp", "fp", "tn", "fn"}
    assert set(result["slices"]) == {"female", "senior_citizen"}


def test_evaluate_gives_every_metric_its_interval_at_the_level_asked(capsys) -> None:
    code, stdout, _ = run(["evaluate", str(LABELLED), "--json", "--ci-level", "0.9", "--bootstrap", "200"], capsys)
    assert code == EXIT_OK
    result = json.loads(stdout)
    assert result["ci_level"] == 0.9
    assert "200 resamples" in result["ci_method"]
    for name in ("roc_auc", "pr_auc", "accuracy", "precision", "recall", "f1", "brier", "log_loss"):
        low, high = result["ci"][name]
        assert low <= result[name] <= high, name
    delong_low, delong_high = result["ci_delong"]["roc_auc"]
    assert delong_low < result["roc_auc"] < delong_high
    code, wider, _ = run(["evaluate", str(LABELLED), "--json", "--ci-level", "0.99", "--bootstrap", "200"], capsys)
    low99, high99 = json.loads(wider)["ci"]["roc_auc"]
    low90, high90 = result["ci"]["roc_auc"]
    assert high99 - low99 > high90 - low90


def test_evaluate_prints_each_metric_with_its_interval(capsys) -> None:
    code, stdout, _ = run(["evaluate", str(LABELLED), "--bootstrap", "200"], capsys)
    assert code == EXIT_OK
    line = next(line for line in stdout.splitlines() if line.strip().startswith("roc_auc"))
    assert re.search(r"roc_auc\s+0\.\d{4} \(0\.\d{3}-\d\.\d{3}\)", line), line


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [("--ci-level", "1.5", "--ci-level"), ("--ci-level", "abc", "--ci-level"), ("--bootstrap", "-3", "--bootstrap")],
)
def test_evaluate_interval_options_are_checked(option: str, value: str, message: str, capsys) -> None:
    code, _, err = run(["evaluate", str(LABELLED), option, value], capsys)
    assert code == EXIT_INPUT
    assert message in err
    assert err.count("\n") == 1


def test_info_and_self_test(capsys) -> None:
    code, stdout, _ = run(["info", "--json"], capsys)
    assert code == EXIT_OK
    info = json.loads(stdout)
    assert info["name"] == "telco_churn"
    assert info["test_metrics"]["roc_auc"] >= 0.83
    assert len(info["data_sha256"]) == 64
    code, stdout, _ = run(["self-test"], capsys)
    assert code == EXIT_OK
    assert "golden rows" in stdout
    assert "self-test passed" in stdout


@pytest.fixture
def tampered_bundle(tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    shutil.copytree(bundle_dir(), folder)
    model = folder / "model.onnx"
    model.write_bytes(model.read_bytes()[:-10])
    return folder


@pytest.mark.parametrize(
    "command", [["score", str(SAMPLE), "-o", "OUT"], ["check", str(SAMPLE)], ["info"], ["self-test"]]
)
def test_tampered_bundle_exits_3(tampered_bundle: Path, tmp_path: Path, capsys, command: list[str]) -> None:
    command = [str(tmp_path / "out.csv") if part == "OUT" else part for part in command]
    code, _, err = run([*command, "--model", str(tampered_bundle)], capsys)
    assert code == EXIT_BUNDLE
    assert "modified or truncated" in err
    assert not (tmp_path / "out.csv").exists()


def test_real_entry_point_scores_without_scikit_learn_or_scipy(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    probe = """
import runpy, sys
sys.argv = ["app", "score", sys.argv[1], "-o", sys.argv[2]]
try:
    runpy.run_module("app", run_name="__main__")
except SystemExit as exit:
    assert exit.code == 0, exit.code
heavy = ("sklearn", "scipy", "skl2onnx", "joblib", "PySide6")
print("HEAVY", sorted(m for m in sys.modules if m.split(".")[0] in heavy))
"""
    result = subprocess.run(
        [sys.executable, "-c", probe, str(SAMPLE), str(out)], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "HEAVY []" in result.stdout
    assert len(read_output(out)) == 200


def test_main_sends_commands_to_the_cli_and_a_lone_file_to_the_window(tmp_path: Path, monkeypatch) -> None:
    import argparse

    from app.__main__ import CLI_COMMANDS, file_to_open
    from app.cli import _parser

    subcommands = next(action for action in _parser()._actions if isinstance(action, argparse._SubParsersAction))
    assert set(subcommands.choices) == CLI_COMMANDS
    assert file_to_open([str(SAMPLE)]) == SAMPLE  # what a file manager's "Open with ScoreDesk" passes
    assert file_to_open(["score", str(SAMPLE)]) is None
    assert file_to_open([str(tmp_path / "missing.csv")]) is None  # the CLI then says what is wrong
    assert file_to_open([str(tmp_path)]) is None
    assert file_to_open(["x" * 5000]) is None  # too long a name for the file system: no traceback
    assert file_to_open(["--help"]) is None
    monkeypatch.chdir(tmp_path)
    (tmp_path / "info").write_text("a file named like a command")
    assert file_to_open(["info"]) is None


def test_inputs_that_are_no_files_say_what_they_are(tmp_path: Path, capsys) -> None:
    import os

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    loop_a, loop_b = tmp_path / "a.csv", tmp_path / "b.csv"
    loop_a.symlink_to(loop_b)
    loop_b.symlink_to(loop_a)
    dangling = tmp_path / "gone.csv"
    dangling.symlink_to(tmp_path / "nowhere.csv")
    expected = {
        fifo: "is a FIFO (named pipe), not a file",
        Path("/dev/zero"): "is a character device, not a file",
        loop_a: "is a loop of symbolic links",
        dangling: "which does not exist",
    }
    for path, fragment in expected.items():
        code, _, err = run(["check", str(path)], capsys)
        assert code == EXIT_INPUT
        assert err == f"error: {path}: {err.split(': ', 2)[2]}"
        assert fragment in err


def test_history_limit_must_be_positive_and_threshold_minus_zero_is_zero(tmp_path: Path, capsys) -> None:
    code, _, err = run(["history", "--limit", "0"], capsys)
    assert code == EXIT_INPUT
    assert "--limit 0 is outside the allowed range: at least 1" in err
    code, out, _ = run(["score", str(SAMPLE), "-o", str(tmp_path / "out.csv"), "--threshold", "-0", "--no-log"], capsys)
    assert code == EXIT_OK
    assert "at threshold 0.00." in out


def test_history_never_loads_a_model(tmp_path: Path, capsys, isolated_user_data: Path) -> None:
    broken = tmp_path / "broken-bundle"
    broken.mkdir()
    (broken / "model_card.json").write_text("{not json")  # any command that loads it exits 3
    assert run(["info", "--model", str(broken)], capsys)[0] == EXIT_BUNDLE
    code, out, err = run(["history", "--model", str(broken)], capsys)
    assert code == EXIT_OK
    assert "No scoring runs logged yet" in out
    assert err == ""  # not even the unsigned-model note: the bundle was never read


@pytest.mark.parametrize("command", [["check", str(LABELLED)], ["check", str(LABELLED), "--json"], ["info"]])
def test_a_reader_gone_before_the_first_line_ends_quietly(command: list[str], isolated_user_data: Path) -> None:
    # `check FILE | head` whose reader has already exited: the write fails at once, whatever the timing.
    reader, writer = os.pipe()
    os.close(reader)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "app", *command], stdout=writer, stderr=subprocess.PIPE, text=True, cwd=REPO
        )
    finally:
        os.close(writer)
    assert result.returncode == EXIT_OK
    assert result.stderr == ""
