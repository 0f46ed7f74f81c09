"""The cost of the intervals in the build: a full `python -m model_build` run (telco config) with the bootstrap
on (1,000 resamples for the test metrics, slices and the paired champion tests) and a shipped champion to compare
with, wall clock; and, in process, the seconds of each interval step. Goal: the full build stays under 60 s."""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from _common import PYTHON, REPO, record, summary, time_command

GOAL_SECONDS = 60.0


def _steps(repeat: int) -> dict[str, dict[str, float]]:
    """Seconds of the bootstrap of the test metrics and slices, the paired tests, and recalibration."""
    from app.core.bundle import load_bundle
    from app.core.prepare import prepare_features
    from app.core.slices import all_slice_metrics
    from model_build.calibrate import calibrate
    from model_build.compare import paired_tests
    from model_build.config import load_config
    from model_build.evaluate import metric_intervals
    from model_build.ingest import ingest
    from model_build.paths import DEFAULT_CONFIG
    from model_build.split import labels_of, make_split
    from model_build.train import build_pipeline, feature_specs

    config = load_config(DEFAULT_CONFIG)
    frame = ingest(config).frame
    split = make_split(frame, config)
    test = frame.iloc[split.test]
    labels = labels_of(test, config)
    bundle = load_bundle(REPO / "resources" / "model")
    scores = bundle.predictor.predict(test)
    threshold = bundle.card.threshold
    slices = all_slice_metrics(test, labels, scores, config.sensitive, threshold, config.min_group_rows)
    winner = next(c for c in config.candidates if c.name == bundle.card.raw["model"]["algorithm"])
    pipeline = build_pipeline(winner, config)
    pipeline.fit(
        prepare_features(frame.iloc[split.train], feature_specs(config)), labels_of(frame.iloc[split.train], config)
    )
    steps = {
        "test_metric_and_slice_intervals": lambda: metric_intervals(test, labels, scores, slices, threshold, config),
        "paired_champion_tests": lambda: paired_tests(labels, scores, scores[::-1].copy(), (threshold, threshold)),
        "recalibration_auto": lambda: calibrate(frame, split, pipeline, config),
    }
    timings = {}
    for name, step in steps.items():
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            step()
            times.append(time.perf_counter() - started)
        timings[name] = summary(times)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        out, work = Path(folder) / "bundle", Path(folder) / "work"
        shutil.copytree(REPO / "resources" / "model", out)  # a champion, so the compare stage runs its tests
        command = [
            PYTHON,
            "-m",
            "model_build",
            "--out",
            str(out),
            "--work",
            str(work),
            "--samples",
            str(Path(folder) / "samples"),
        ]
        times = time_command(command, args.repeat)
    stats = summary(times)
    record(
        "build_intervals",
        {
            "seconds": stats,
            "goal_seconds": GOAL_SECONDS,
            "meets_goal": stats["median"] < GOAL_SECONDS,
            "resamples": 1000,
            "champion_compared": True,
            "steps_seconds": _steps(args.repeat),
        },
    )


if __name__ == "__main__":
    main()
