"""The cost of the uncertainty the app shows, side by side with the same commands without it.

- `evaluate` on 100,000 labelled rows with the 1,000-resample bootstrap against `--bootstrap 0`
  (goal: the whole command under 3 s)
- performance estimation without labels (CBPE) inside `score` on 1,000,000 rows (goal: under 5% added time):
  in process, the score itself against what the estimate adds to it (the extra per-bin sums the score
  histogram keeps, and the estimate computed from it when the run-log line is written); for context, the
  whole run-log line (`score` against `score --no-log`), most of which is hashing the input file
- the bootstrap alone on 100,000 rows, in process: the cell resampling the app uses above 20,000 rows
  against the row-by-row one

Run: `uv run python benchmarks/bench_intervals.py` (results/intervals.json).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _common import PYTHON, compile_bytecode, record, run_measured
from datasets import big_file

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _median_seconds(command: list[str], repeat: int) -> float:
    return statistics.median(run_measured(command)[0] for _ in range(repeat))


def _bootstrap(rows: int) -> dict[str, float]:
    """The bootstrap alone on synthetic scores of ``rows`` rows: cells (the default) and row by row."""
    from app.core.intervals import bootstrap

    rng = np.random.default_rng(0)
    labels = rng.random(rows) < 0.27
    scores = np.clip(labels * 0.3 + rng.random(rows) * 0.7, 0, 1)
    started = time.perf_counter()
    bootstrap(labels, scores, 0.19)
    cells = time.perf_counter() - started
    started = time.perf_counter()
    bootstrap(labels, scores, 0.19, exact=True)
    return {"bootstrap_cells_s": round(cells, 2), "bootstrap_row_by_row_s": round(time.perf_counter() - started, 2)}


def _estimate_share(source: Path, out: Path, repeat: int) -> dict[str, float]:
    """What CBPE adds to scoring ``source``: the histogram's extra sums and the estimate, against the score."""
    from app.core.bundle import load_bundle
    from app.core.estimation import estimate_for_card
    from app.core.metrics import ScoreAccumulator
    from app.core.output import score_to_csv

    bundle = load_bundle()
    scoring, extra_sums, estimating = [], [], []
    for _ in range(repeat):
        started = time.perf_counter()
        result = score_to_csv(source, out, bundle)
        scoring.append(time.perf_counter() - started)
        probability = np.asarray(pd.read_csv(out, usecols=["probability"])["probability"], dtype=float)
        started = time.perf_counter()
        ScoreAccumulator(bundle.card.threshold).add(probability)
        full_add = time.perf_counter() - started
        started = time.perf_counter()  # what the histogram cost before the estimate needed its sums
        index = np.minimum((probability[~np.isnan(probability)] * 1000).astype(np.int64), 999)
        np.bincount(index, minlength=1000)
        extra_sums.append(max(full_add - (time.perf_counter() - started), 0.0))
        started = time.perf_counter()
        estimate_for_card(result.scores, bundle.card.raw)
        estimating.append(time.perf_counter() - started)
    score_s, sums_s, estimate_s = (statistics.median(v) for v in (scoring, extra_sums, estimating))
    return {
        "score_s": round(score_s, 2),
        "histogram_sums_s": round(sums_s, 3),
        "estimate_s": round(estimate_s, 3),
        "added_share": round((sums_s + estimate_s) / score_s, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--evaluate-rows", type=int, default=100_000)
    parser.add_argument("--score-rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    labelled, unlabelled = big_file(args.evaluate_rows, labelled=True), big_file(args.score_rows)
    compile_bytecode()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["SCOREDESK_DATA_DIR"] = folder  # the run log goes here, not to the user's
        evaluate = [PYTHON, "-m", "app", "evaluate", str(labelled), "--json"]
        with_ci = _median_seconds([*evaluate, "--bootstrap", "1000"], args.repeat)
        without_ci = _median_seconds([*evaluate, "--bootstrap", "0"], args.repeat)
        score = [PYTHON, "-m", "app", "score", str(unlabelled), "-o", str(Path(folder) / "out.csv")]
        logged, unlogged = [], []
        for _ in range(args.repeat):  # interleaved, so changes in machine load hit both alike
            logged.append(run_measured(score)[0])
            unlogged.append(run_measured([*score, "--no-log"])[0])
        estimate = _estimate_share(unlabelled, Path(folder) / "in_process.csv", args.repeat)
    result = {
        "evaluate": {
            "rows": args.evaluate_rows,
            "with_1000_resamples_s": round(with_ci, 2),
            "without_intervals_s": round(without_ci, 2),
            "intervals_s": round(with_ci - without_ci, 2),
        },
        "score_estimate": {"rows": args.score_rows, **estimate},
        "score_run_log_line": {
            "rows": args.score_rows,
            "with_log_s": round(statistics.median(logged), 2),
            "no_log_s": round(statistics.median(unlogged), 2),
        },
        "bootstrap": {"rows": args.evaluate_rows, **_bootstrap(args.evaluate_rows)},
        "goals": {"evaluate_s": "< 3", "estimate_added_share": "< 0.05"},
        "meets_goals": {"evaluate_s": with_ci < 3, "estimate_added_share": estimate["added_share"] < 0.05},
    }
    record("intervals", result)


if __name__ == "__main__":
    main()
