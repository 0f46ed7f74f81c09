"""Back-testing numbers agree with scikit-learn's on the same data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm

from app.core.bundle import load_bundle
from app.core.evaluation import evaluate_file
from app.core.reading import InputError
from tests.app.inputs import LABELLED, write_csv


@pytest.fixture(scope="module")
def bundle():
    return load_bundle()


def test_metrics_match_scikit_learn(bundle) -> None:
    result, _ = evaluate_file(LABELLED, bundle)
    frame = pd.read_csv(LABELLED, dtype=str, keep_default_na=False)
    y = (frame["churn"] == "Yes").astype(int).to_numpy()
    p = bundle.predictor.predict(frame)
    t = bundle.card.threshold
    predicted = (p >= t).astype(int)
    assert result["rows"] == len(frame)
    assert result["positives"] == y.sum()
    assert result["roc_auc"] == pytest.approx(skm.roc_auc_score(y, p), abs=1e-9)
    assert result["pr_auc"] == pytest.approx(skm.average_precision_score(y, p), abs=1e-9)
    assert result["accuracy"] == pytest.approx(skm.accuracy_score(y, predicted))
    assert result["precision"] == pytest.approx(skm.precision_score(y, predicted))
    assert result["recall"] == pytest.approx(skm.recall_score(y, predicted))
    assert result["f1"] == pytest.approx(skm.f1_score(y, predicted))
    tn, fp, fn, tp = skm.confusion_matrix(y, predicted).ravel()
    assert result["confusion_matrix"] == {"tp": tp, "fp": fp, "tn": tn, "fn": fn}
    assert result["roc"]["fpr"][0] == 0.0
    assert result["roc"]["tpr"][-1] == 1.0
    women = frame["female"] == "1"
    assert result["slices"]["female"]["groups"]["1"]["tpr"] == pytest.approx(
        skm.recall_score(y[women], predicted[women])
    )
    assert result["slices"]["female"]["groups"]["0"]["selection_rate"] == pytest.approx(predicted[~women].mean())


def test_labels_in_other_spellings_and_missing_labels(bundle, tmp_path: Path) -> None:
    frame = pd.read_csv(LABELLED, dtype=str, keep_default_na=False)
    reference, _ = evaluate_file(LABELLED, bundle)
    frame["Churn "] = frame.pop("churn").map({"Yes": "yes", "No": "0"})
    frame.loc[:9, "Churn "] = ""
    result, _ = evaluate_file(write_csv(frame, tmp_path / "relabelled.csv"), bundle, label="churn")
    assert result["rows"] == reference["rows"] - 10
    assert result["rows_excluded"]["missing_label"] == 10


def test_unknown_labels_are_named(bundle, tmp_path: Path) -> None:
    frame = pd.read_csv(LABELLED, dtype=str, keep_default_na=False)
    frame.loc[3, "churn"] = "Maybe"
    with pytest.raises(InputError, match="'Maybe' \\(rows 4\\)"):
        evaluate_file(write_csv(frame, tmp_path / "maybe.csv"), bundle)


def test_file_without_labels_says_so(bundle) -> None:
    from tests.app.inputs import SAMPLE

    with pytest.raises(InputError, match="no label column 'churn'; name it with --label"):
        evaluate_file(SAMPLE, bundle)


def test_threshold_changes_the_confusion_matrix(bundle) -> None:
    low, _ = evaluate_file(LABELLED, bundle, threshold=0.1)
    high, _ = evaluate_file(LABELLED, bundle, threshold=0.6)
    assert low["confusion_matrix"]["tp"] > high["confusion_matrix"]["tp"]
    assert low["roc_auc"] == high["roc_auc"]
    assert np.isclose(low["threshold"], 0.1)
