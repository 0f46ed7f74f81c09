"""`score` end to end on large files, side by side with two baselines, plus peak memory.

- ours: `python -m app score IN -o OUT` (reading, every check, drift, ONNX, writing)
- a plain pandas + joblib scikit-learn script on the same file (goal: ours at least 2x its throughput)
- the I/O floor: pandas reading and writing the same CSV as text (goal: ours within 2x of it)
- peak memory of ours on 1M and 5M rows (goal: flat, under 600 MB)

All three run with their modules' bytecode compiled beforehand, as installed programs have it.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from _common import PYTHON, build_telco_model, compile_bytecode, record, run_measured
from datasets import big_file

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--memory-rows", type=int, nargs="*", default=[1_000_000, 5_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        build_telco_model(folder)
        winner = folder / "work" / "telco_churn" / "winner.joblib"  # the same fitted pipeline as the bundle
        source, out = big_file(args.rows), folder / "out.csv"
        commands = {
            "ours": [
                PYTHON,
                "-m",
                "app",
                "score",
                str(source),
                "-o",
                str(out),
                "--model",
                str(folder / "bundle"),
                "--no-log",
            ],
            "sklearn_script": [
                PYTHON,
                str(HERE / "baselines" / "sklearn_score.py"),
                str(source),
                str(out),
                str(winner),
            ],
            "io_floor": [PYTHON, str(HERE / "baselines" / "io_floor.py"), str(source), str(out)],
        }
        compile_bytecode()
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.repeat):  # interleaved, so drift in machine load hits all three alike
            for name, command in commands.items():
                runs[name].append(run_measured(command))
        memory = {}
        for rows in args.memory_rows:
            seconds, peak = run_measured([*commands["ours"][:4], str(big_file(rows)), *commands["ours"][5:]])
            memory[str(rows)] = {"peak_mb": round(peak, 1), "seconds": round(seconds, 2)}
    result: dict[str, object] = {"rows": args.rows}
    for name, values in runs.items():
        median = statistics.median(s for s, _ in values)
        result[name] = {
            "median_s": round(median, 2),
            "rows_per_s": round(args.rows / median),
            "peak_mb": round(max(m for _, m in values), 1),
            "runs": len(values),
        }
    ours = result["ours"]["median_s"]
    result["speedup_vs_sklearn_script"] = round(result["sklearn_script"]["median_s"] / ours, 2)
    result["slowdown_vs_io_floor"] = round(ours / result["io_floor"]["median_s"], 2)
    result["memory"] = memory
    result["goals"] = {"speedup_vs_sklearn_script": ">= 2", "slowdown_vs_io_floor": "<= 2", "peak_mb": "< 600, flat"}
    result["meets_goals"] = {
        "speedup_vs_sklearn_script": result["speedup_vs_sklearn_script"] >= 2,
        "slowdown_vs_io_floor": result["slowdown_vs_io_floor"] <= 2,
        "peak_mb": all(m["peak_mb"] < 600 for m in memory.values()),
    }
    record("score", result)


if __name__ == "__main__":
    main()
