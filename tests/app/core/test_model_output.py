"""A model whose probabilities are NaN or outside [0, 1] is broken: every command that scores stops with exit 3.

The models are the shipped one with a Mul node appended to its probabilities (by NaN, 3 and -1), in a bundle
whose hashes match, so it loads; only what it returns is wrong. Before the check, the NaN model scored every row
``ok`` with an empty probability, the model times 3 wrote ``1.000000`` as ``ok``, and times -1 crashed with
"unexpected ValueError".
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from app.cli import EXIT_BUNDLE
from app.core.bundle import BundleError, load_bundle
from app.core.table import load_table
from tests.app.faulty_models import scaled_bundle
from tests.app.inputs import LABELLED, SAMPLE, sample_frame
from tests.app.running import run_cli

FACTORS = {"nan": math.nan, "times 3": 3.0, "times -1": -1.0}


@pytest.fixture(scope="module", params=FACTORS.values(), ids=FACTORS.keys())
def broken(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    return scaled_bundle(tmp_path_factory.mktemp("broken") / "model", request.param), request.param


def _model_name() -> str:
    """How the message names the model: the card's name and version (the broken copies keep the shipped one's)."""
    card = load_bundle().card
    return f"{card.name} {card.version}"


def _first_bad_row(factor: float, path: Path) -> tuple[int, str]:
    """The first row (1-based) whose scaled probability is not in [0, 1], and how the message writes its value."""
    scaled = load_bundle().predictor.predict(sample_frame(path)).astype(np.float32) * np.float32(factor)
    row = int(np.flatnonzero(~((scaled >= 0) & (scaled <= 1)))[0])
    return row + 1, "NaN" if math.isnan(factor) else f"{scaled[row]:g}"


def _assert_refused(code: int, err: str, factor: float, where: Path) -> None:
    row, value = _first_bad_row(factor, where)
    assert code == EXIT_BUNDLE, err
    assert err.count("\n") == 1, err
    assert err.startswith(
        f"error: model bundle: {_model_name()} returned {value} as the probability of row {row} of {where}:"
    ), err
    assert "a probability is a number from 0 to 1" in err
    assert "Traceback" not in err
    assert "unexpected" not in err


def test_score_stops_and_writes_nothing(broken: tuple[Path, float], tmp_path: Path, capsys) -> None:
    model, factor = broken
    out = tmp_path / "scored.csv"
    code, _, err = run_cli(["score", str(SAMPLE), "-o", str(out), "--model", str(model), "--no-log"], capsys)
    _assert_refused(code, err.split("\n", 1)[1], factor, SAMPLE)  # after the note that it is unsigned
    assert list(tmp_path.iterdir()) == []


def test_check_stops(broken: tuple[Path, float], capsys) -> None:
    model, factor = broken
    code, out, err = run_cli(["check", str(SAMPLE), "--model", str(model), "--json"], capsys)
    _assert_refused(code, err.split("\n", 1)[1], factor, SAMPLE)
    assert out == ""


def test_evaluate_stops(broken: tuple[Path, float], capsys) -> None:
    model, factor = broken
    code, out, err = run_cli(["evaluate", str(LABELLED), "--model", str(model), "--bootstrap", "0"], capsys)
    _assert_refused(code, err.split("\n", 1)[1], factor, LABELLED)
    assert out == ""


def test_report_stops_and_writes_no_page(broken: tuple[Path, float], tmp_path: Path, capsys) -> None:
    model, factor = broken
    page = tmp_path / "report.html"
    code, _, err = run_cli(["report", str(SAMPLE), "-o", str(page), "--model", str(model)], capsys)
    _assert_refused(code, err.split("\n", 1)[1], factor, SAMPLE)
    assert not page.exists()


def test_the_windows_scoring_gets_a_model_error_it_shows_as_such(broken: tuple[Path, float]) -> None:
    """The window opens a file with ``load_table``; a BundleError is an expected failure, shown as its message."""
    from app.core.scoring import ModelOutputError
    from app.ui.jobs import JobFailure

    model, factor = broken
    with pytest.raises(ModelOutputError) as caught:
        load_table(SAMPLE, load_bundle(model))
    assert isinstance(caught.value, BundleError)
    failure = JobFailure.of(caught.value)
    assert failure.expected
    assert failure.text.startswith(f"{_model_name()} returned ")


def test_a_failed_run_is_logged_as_unfinished_not_as_a_success(tmp_path: Path, capsys) -> None:
    from app.core.runlog import RunLog

    model = scaled_bundle(tmp_path / "model", math.nan)
    code, _, _ = run_cli(["score", str(SAMPLE), "-o", str(tmp_path / "out.csv"), "--model", str(model)], capsys)
    assert code == EXIT_BUNDLE
    (record,) = RunLog.default().read()
    assert record["event"]["outcome"] == "failure"
