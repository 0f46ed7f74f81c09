"""Our performance estimation without labels (CBPE) against NannyML's, on the same files.

NannyML is not a dependency: it runs in an environment of its own, given by ``--nannyml-python`` (for example
``uv venv /tmp/nannyml && VIRTUAL_ENV=/tmp/nannyml uv pip install nannyml statsmodels``). Both estimate the
same files, and each estimate is set against the metric the files' labels give:

- the card's test set (1,409 rows): NannyML fits its calibrator on the first half (its reference, with labels),
  then both estimate five files cut from the second half;
- the drifted case: every labelled customer of the snapshot with monthly charges x1.35, cut into seven
  files, NannyML's reference being the same customers undrifted.

Ours uses the probabilities as they are (the card's calibration error says whether that holds); NannyML
recalibrates them on its reference first. Run: `uv run python benchmarks/bench_cbpe_nannyml.py
--nannyml-python /tmp/nannyml/bin/python` (results/cbpe_nannyml.json).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from _common import record

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

METRICS = ("roc_auc", "accuracy", "precision", "recall", "f1")

_NANNYML = """
import json, sys
import nannyml as nml
import pandas as pd

reference, analysis, chunk_size, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
estimator = nml.CBPE(
    y_pred_proba="probability", y_pred="prediction", y_true="label", problem_type="classification_binary",
    metrics=["roc_auc", "accuracy", "precision", "recall", "f1"], chunk_size=chunk_size,
)
estimator.fit(pd.read_csv(reference))
table = estimator.estimate(pd.read_csv(analysis)).filter(period="analysis").to_df()
found = {m: table[(m, "value")].tolist() for m in ["roc_auc", "accuracy", "precision", "recall", "f1"]}
json.dump(found, open(out, "w"))
"""


def _ours(labels: np.ndarray, scores: np.ndarray, threshold: float, calibration: float | None) -> dict:
    from app.core.estimation import estimate_performance
    from app.core.metrics import RankedScores, ScoreAccumulator, roc_auc

    accumulator = ScoreAccumulator(threshold)
    accumulator.add(scores)
    estimate = estimate_performance(accumulator, calibration)
    confusion = RankedScores(labels, scores).confusion(threshold)
    realised = {
        "roc_auc": roc_auc(labels, scores),
        "accuracy": confusion.accuracy,
        "precision": confusion.precision,
        "recall": confusion.recall,
        "f1": confusion.f1,
    }
    return {"ours": estimate.values, "realised": realised}


def _frame(labels: np.ndarray, scores: np.ndarray, threshold: float) -> pd.DataFrame:
    return pd.DataFrame({"label": labels.astype(int), "probability": scores, "prediction": (scores >= threshold) * 1})


def _case(
    python: str, folder: Path, name: str, reference: pd.DataFrame, analysis: pd.DataFrame, files: int, card: dict
) -> dict:
    """Both estimates and the realised metric on each of ``files`` consecutive files of ``analysis``."""
    from app.core.estimation import card_calibration_error

    chunk = int(np.ceil(len(analysis) / files))
    reference_path, analysis_path, out = folder / f"{name}_ref.csv", folder / f"{name}_an.csv", folder / f"{name}.json"
    reference.to_csv(reference_path, index=False)
    analysis.to_csv(analysis_path, index=False)
    subprocess.run([python, "-c", _NANNYML, reference_path, analysis_path, str(chunk), out], check=True)
    theirs = json.loads(out.read_text())
    threshold = float(card["threshold"]["value"])
    rows = []
    for index, start in enumerate(range(0, len(analysis), chunk)):
        part = analysis.iloc[start : start + chunk]
        if index >= len(theirs["roc_auc"]):
            break
        ours = _ours(
            part["label"].to_numpy(bool), part["probability"].to_numpy(), threshold, card_calibration_error(card)
        )
        rows.append({**ours, "nannyml": {m: theirs[m][index] for m in METRICS}, "rows": len(part)})
    summary = {}
    for metric in METRICS:
        error = {
            who: float(np.mean([abs(r[who][metric] - r["realised"][metric]) for r in rows]))
            for who in ("ours", "nannyml")
        }
        gap = float(np.mean([abs(r["ours"][metric] - r["nannyml"][metric]) for r in rows]))
        summary[metric] = {
            "mean_abs_error_ours": round(error["ours"], 4),
            "mean_abs_error_nannyml": round(error["nannyml"], 4),
            "mean_abs_difference": round(gap, 4),
        }
    return {"files": rows, "summary": summary}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nannyml-python", required=True, help="a Python with nannyml installed")
    args = parser.parse_args()
    from app.core.bundle import load_bundle
    from app.core.evaluation import label_values

    bundle = load_bundle()
    card, threshold = dict(bundle.card.raw), bundle.card.threshold
    stored = card["test_predictions"]
    test = _frame(np.asarray(stored["label"], dtype=bool), np.asarray(stored["probability"]), threshold)
    half = len(test) // 2
    data = pd.read_csv(REPO / "model_build" / "data" / "telco_churn.csv", dtype=str, keep_default_na=False)
    labels = label_values(data["churn"], bundle.card) == 1
    drifted = data.copy()
    drifted["monthly_charges"] = (pd.to_numeric(data["monthly_charges"]) * 1.35).round(2).astype(str)
    with tempfile.TemporaryDirectory() as folder:
        cases = {
            "test_set": _case(args.nannyml_python, Path(folder), "test", test.iloc[:half], test.iloc[half:], 5, card),
            "drifted": _case(
                args.nannyml_python,
                Path(folder),
                "drifted",
                _frame(labels, bundle.predictor.predict(data), threshold),
                _frame(labels, bundle.predictor.predict(drifted), threshold),
                7,
                card,
            ),
        }
    record("cbpe_nannyml", {"threshold": threshold, **{name: case["summary"] for name, case in cases.items()}})


if __name__ == "__main__":
    main()
