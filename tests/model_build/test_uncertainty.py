"""Intervals in the card, gates that bound an interval, and the tested champion comparison, on real builds."""

from __future__ import annotations

import numpy as np
import pytest

from app.core.bundle import load_bundle
from app.core.intervals import METRICS, bootstrap, delong_test
from model_build.__main__ import EXIT_GATES, main
from model_build.compare import compare_with_champion, paired_tests
from model_build.config import GateConfig, load_config
from model_build.evaluate import SLICE_CI_METRICS
from model_build.gates import evaluate_gates
from model_build.history import read_runs
from model_build.ingest import ingest
from model_build.split import labels_of, make_split
from tests.model_build.conftest import CONFIGS, LOGISTIC_ONLY, Built, derive_config


def _test_rows(config_name: str = "telco_churn") -> tuple:
    config = load_config(CONFIGS / f"{config_name}.toml")
    frame = ingest(config).frame
    rows = frame.iloc[make_split(frame, config).test]
    return rows, labels_of(rows, config)


def test_the_card_carries_an_interval_for_every_test_metric(telco_build: Built) -> None:
    card = load_bundle(telco_build.out).card.raw
    test, test_ci = card["metrics"]["test"], card["metrics"]["test_ci"]
    assert test_ci["level"] == 0.95
    assert test_ci["method"] == "stratified bootstrap, 1000 resamples, seed 20261202"
    assert set(test_ci["intervals"]) == {*METRICS, "max_tpr_gap"}
    for name in (*METRICS, "max_tpr_gap"):
        if name == "selection_rate":  # not a headline metric of the card's test block
            continue
        low, high = test_ci["intervals"][name]
        assert low <= test[name] <= high, name
        assert high - low > 0, name
    low, high = test_ci["intervals"]["roc_auc"]
    assert 0.03 < high - low < 0.06, "about ±0.02 on 1,409 rows"
    # DeLong's analytic interval agrees with the bootstrap's at each end.
    delong_low, delong_high = test_ci["delong"]["roc_auc"]
    assert delong_low == pytest.approx(low, abs=0.005)
    assert delong_high == pytest.approx(high, abs=0.005)


def test_the_card_intervals_are_the_cores_bootstrap_of_the_shipped_model(telco_build: Built) -> None:
    """Recomputed from the ONNX model's own test scores with app.core, the card's intervals come back."""
    bundle = load_bundle(telco_build.out)
    rows, labels = _test_rows()
    draws = bootstrap(labels, bundle.predictor.predict(rows), bundle.card.threshold, resamples=1000, seed=20261202)
    found = draws.intervals(0.95)
    for name in METRICS:
        np.testing.assert_allclose(found[name], bundle.card.raw["metrics"]["test_ci"]["intervals"][name], atol=1e-4)


def test_every_slice_group_that_counts_in_the_gaps_has_intervals(telco_build: Built) -> None:
    card = load_bundle(telco_build.out).card.raw
    largest_gaps = []
    for attribute, result in card["slices"].items():
        for group, metrics in result["groups"].items():
            assert set(metrics["ci"]) == set(SLICE_CI_METRICS), (attribute, group)
            for name, pair in metrics["ci"].items():
                if not metrics["in_gaps"]:
                    assert pair is None
                    continue
                assert pair is not None, (attribute, group, name)
                assert pair[0] <= metrics[name] <= pair[1], (attribute, group, name)
        low, high = result["gaps_ci"]["tpr_gap"]
        assert low <= high
        largest_gaps.append(high)
    # The largest gap is taken over the attributes resample by resample, so its upper end is at least each
    # attribute's (equal here: senior_citizen's gap is the larger one in every resample).
    assert card["metrics"]["test_ci"]["intervals"]["max_tpr_gap"][1] >= max(largest_gaps) - 1e-12


def _gate(bound: str, **limits: float) -> GateConfig:
    return GateConfig(name="Ranks churners well", metric="test.roc_auc", bound=bound, **limits)


def test_a_lower_bound_gate_checks_the_intervals_low_end_not_the_point() -> None:
    measured = {"test.roc_auc": 0.843}
    intervals = {"test.roc_auc": ([0.821, 0.866], 0.95)}
    point, lower, upper = evaluate_gates(
        [_gate("point", min=0.83), _gate("lower", min=0.83), _gate("upper", min=0.87)],
        measured,
        False,
        False,
        intervals,
    )
    assert (point.status, point.value) == ("passed", 0.843)
    assert (lower.status, lower.value, lower.point, lower.interval) == ("failed", 0.821, 0.843, [0.821, 0.866])
    assert "the interval's lower end >= 0.83" in lower.note
    assert (upper.status, upper.value) == ("failed", 0.866)
    # Without an interval there is no end to check: the gate fails and says why.
    (missing,) = evaluate_gates([_gate("lower", min=0.8)], measured, False, False, {})
    assert missing.status == "failed"
    assert "no interval" in missing.note


def test_a_lower_bound_gate_fails_a_real_build_whose_point_passes(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    lower = derive_config("telco_churn", tmp_path, candidates=LOGISTIC_ONLY)
    text = lower.read_text().replace(
        'metric = "test.roc_auc"\nmin = 0.83\n', 'metric = "test.roc_auc"\nmin = 0.83\nbound = "lower"\n'
    )
    lower.write_text(text)
    code = main(["--config", str(lower), "--out", str(tmp_path / "bundle"), "--work", str(tmp_path / "w1")])
    assert code == EXIT_GATES
    assert "Ranks churners well: test.roc_auc" in capsys.readouterr().err
    gate = next(g for g in read_runs(tmp_path / "w1" / "history.jsonl")[-1]["gates"] if g["metric"] == "test.roc_auc")
    assert gate["point"] >= 0.83 > gate["value"] == gate["interval"][0]
    assert gate["bound"] == "lower"
    assert not (tmp_path / "bundle").exists()
    # The same gate on the lower end with a minimum the interval clears passes, and the summary says what it checked.
    lower.write_text(text.replace("min = 0.83\nbound", "min = 0.80\nbound"))
    code = main(["--config", str(lower), "--out", str(tmp_path / "bundle"), "--work", str(tmp_path / "w2")])
    assert code == 0
    out = capsys.readouterr().out
    assert "gate passed         Ranks churners well: test.roc_auc = 0.82" in out
    assert "(lower end of 0.82" in out
    markdown = (tmp_path / "bundle" / "MODEL_CARD.md").read_text()
    assert "| Ranks churners well | `test.roc_auc` | >= 0.8 | lower end |" in markdown


def _regression_gate() -> GateConfig:
    return GateConfig(name="No regression", metric="champion.roc_auc_delta", min=-0.005, bound="upper")


def _gate_on(comparison: dict) -> object:
    measured = {"champion.roc_auc_delta": comparison["deltas"]["roc_auc"]}
    intervals = {"champion.roc_auc_delta": (comparison["tests"]["roc_auc"]["ci"], comparison["test_level"])}
    (result,) = evaluate_gates([_regression_gate()], measured, comparison["compared"], False, intervals)
    return result


def test_a_challenger_worse_within_noise_passes_and_a_clearly_worse_one_fails(telco_build: Built) -> None:
    bundle = load_bundle(telco_build.out)
    rows, labels = _test_rows()
    champion = bundle.predictor.predict(rows)
    threshold = bundle.card.threshold

    def noised(sd: float, seed: int) -> np.ndarray:
        return np.clip(champion + np.random.default_rng(seed).normal(0, sd, champion.size), 0, 1)

    def compared(challenger: np.ndarray) -> dict:
        return compare_with_champion(telco_build.out, "telco_churn", rows, labels, challenger, threshold)

    slightly, clearly = compared(noised(0.06, seed=1)), compared(noised(0.3, seed=0))
    slight, clear = slightly["tests"]["roc_auc"], clearly["tests"]["roc_auc"]
    # Slightly worse: the point difference alone is past the tolerance, but the interval still reaches it.
    assert -0.02 < slight["difference"] < -0.005 < slight["ci"][1], slight
    assert _gate_on(slightly).status == "passed"
    # Heavily noised scores: worse with confidence.
    assert clear["ci"][1] < -0.005, clear
    assert clear["p_value"] < 1e-6
    assert _gate_on(clearly).status == "failed"
    assert slightly["test_level"] == 0.95
    assert set(slightly["tests"]) == set(slightly["deltas"])
    assert {t["test"] for m, t in slightly["tests"].items() if m != "roc_auc"} == {"paired_bootstrap"}
    assert slight["test"] == "delong"


WEAK = """
[[candidates]]
name = "stump"
estimator = "random_forest"
params = { n_estimators = 1, max_depth = 1, max_features = 1, bootstrap = false }
"""


def _champion_gate(work) -> dict:
    return next(g for g in read_runs(work / "history.jsonl")[-1]["gates"] if g["metric"] == "champion.roc_auc_delta")


def test_real_challengers_a_little_worse_pass_and_clearly_worse_fail_the_tested_gate(
    tmp_path, telco_build: Built
) -> None:
    out = tmp_path / "shipped"
    out.mkdir()
    for item in telco_build.out.iterdir():
        (out / item.name).write_bytes(item.read_bytes())
    # About 0.002 ROC AUC below the champion: past a -0.001 tolerance on the point, not with confidence.
    candidates = LOGISTIC_ONLY.replace("C = 1.0", "C = 0.005")
    weaker = derive_config("telco_churn", tmp_path, candidates=candidates, method='"none"')  # as it is, uncalibrated
    weaker.write_text(weaker.read_text().replace("min = -0.005\nbound", "min = -0.001\nbound"))
    assert main(["--config", str(weaker), "--out", str(out), "--work", str(tmp_path / "w1")]) == 0
    gate = _champion_gate(tmp_path / "w1")
    assert gate["point"] < -0.001 < gate["value"] == gate["interval"][1]
    assert gate["status"] == "passed"
    # A one-split stump: far worse, so the whole interval lies below the tolerance.
    stump = tmp_path / "stump"
    stump.mkdir()
    config = derive_config("telco_churn", stump, candidates=WEAK)
    assert main(["--config", str(config), "--out", str(out), "--work", str(tmp_path / "w2")]) == EXIT_GATES
    gate = _champion_gate(tmp_path / "w2")
    assert gate["interval"][1] < -0.005
    assert gate["status"] == "failed"


def test_the_comparison_test_and_level_come_from_the_config(telco_build: Built) -> None:
    bundle = load_bundle(telco_build.out)
    rows, labels = _test_rows()
    champion = bundle.predictor.predict(rows)
    challenger = np.clip(champion + np.random.default_rng(1).normal(0, 0.05, champion.size), 0, 1)
    thresholds = (bundle.card.threshold, bundle.card.threshold)
    at_95 = paired_tests(labels, challenger, champion, thresholds, resamples=500)
    at_80 = paired_tests(labels, challenger, champion, thresholds, level=0.8, resamples=500)
    bootstrapped = paired_tests(labels, challenger, champion, thresholds, test="paired_bootstrap", resamples=500)
    assert at_95["roc_auc"]["test"] == "delong"
    assert at_95["roc_auc"] == delong_test(labels, challenger, champion, 0.95).to_dict()
    width = lambda t: t["ci"][1] - t["ci"][0]  # noqa: E731
    assert width(at_80["roc_auc"]) < width(at_95["roc_auc"])
    assert bootstrapped["roc_auc"]["test"] == "paired_bootstrap"
    # Two tests of the same difference: the same point, intervals alike.
    assert bootstrapped["roc_auc"]["difference"] == pytest.approx(at_95["roc_auc"]["difference"], abs=1e-9)
    assert bootstrapped["roc_auc"]["ci"] == pytest.approx(at_95["roc_auc"]["ci"], abs=0.004)


def test_the_rebuild_carries_the_tested_comparison_in_card_and_markdown(telco_rebuild: Built) -> None:
    card = load_bundle(telco_rebuild.out).card.raw
    comparison = card["comparison"]
    assert comparison["test_level"] == 0.95
    assert comparison["tests"]["roc_auc"] == {"difference": 0.0, "ci": [0.0, 0.0], "p_value": 1.0, "test": "delong"}
    gate = next(g for g in card["gates"] if g["metric"] == "champion.roc_auc_delta")
    assert (gate["bound"], gate["interval"], gate["status"]) == ("upper", [0.0, 0.0], "passed")
    markdown = (telco_rebuild.out / "MODEL_CARD.md").read_text()
    assert "| roc_auc | 0.0000 | 0.0000 to 0.0000 | 1.0000 | delong |" in markdown
    assert "| No regression against the shipped model | `champion.roc_auc_delta` | >= -0.005 | upper end |" in markdown
