"""Single-row latency: the app's ONNX predictor against the scikit-learn pipeline, side by side.

Goal: ONNX at least 50x faster, p50 <= 0.1 ms. The scikit-learn pipeline is the build's own
winner, trained in this run from the same config, so both models are the same model.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _common import REPO, build_telco_model, record

GOAL_SPEEDUP, GOAL_P50_MS = 50.0, 0.1


def _timings(call, rows: list, repeat: int) -> np.ndarray:
    times = []
    for i in range(repeat):
        row = rows[i % len(rows)]
        started = time.perf_counter_ns()
        call(row)
        times.append(time.perf_counter_ns() - started)
    return np.array(times) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    from app.core.bundle import load_bundle
    from app.core.prepare import prepare_features

    with tempfile.TemporaryDirectory() as folder:
        outcome = build_telco_model(Path(folder))
        bundle = load_bundle(Path(folder) / "bundle")
    pipeline = outcome.results["train"].pipeline
    sample = pd.read_csv(REPO / "resources" / "samples" / "telco_churn_to_score.csv", dtype=str, keep_default_na=False)
    prepared = prepare_features(sample, bundle.card.features)
    frames = [prepared.iloc[[i]] for i in range(50)]
    dicts = [prepared.iloc[i].to_dict() for i in range(50)]
    for frame, values in zip(frames[:5], dicts[:5], strict=True):  # same model, same answer
        assert abs(pipeline.predict_proba(frame)[0, 1] - bundle.predictor.predict_one(values)) < 1e-5
    onnx = _timings(bundle.predictor.predict_one, dicts, args.repeat)
    onnx_frame = _timings(bundle.predictor.predict_prepared, frames, args.repeat)
    sklearn = _timings(lambda frame: pipeline.predict_proba(frame), frames, max(200, args.repeat // 10))

    def stats(values: np.ndarray) -> dict[str, float]:
        return {
            "p50_ms": float(np.percentile(values, 50)),
            "p95_ms": float(np.percentile(values, 95)),
            "mean_ms": float(statistics.fmean(values)),
            "calls": int(values.size),
        }

    result = {
        "model": bundle.card.raw["model"]["algorithm"],
        "onnx_predict_one": stats(onnx),
        "onnx_predict_prepared_frame": stats(onnx_frame),
        "sklearn_predict_proba": stats(sklearn),
    }
    result["speedup_p50"] = result["sklearn_predict_proba"]["p50_ms"] / result["onnx_predict_one"]["p50_ms"]
    result["goal"] = {"speedup": GOAL_SPEEDUP, "p50_ms": GOAL_P50_MS}
    result["meets_goal"] = result["speedup_p50"] >= GOAL_SPEEDUP and result["onnx_predict_one"]["p50_ms"] <= GOAL_P50_MS
    record("latency", result)


if __name__ == "__main__":
    main()
