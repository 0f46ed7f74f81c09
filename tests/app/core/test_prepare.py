"""The one input preparation: numbers, categories, the frame the model sees and its ONNX feed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app.core.bundle import load_bundle
from app.core.card import FeatureSpec
from app.core.paths import samples_dir
from app.core.prepare import MISSING_CATEGORY, category_strings, numeric_values, onnx_feed, prepare_features

BUNDLE = load_bundle()
NUMERIC = FeatureSpec("tenure", "numeric")
BINARY = FeatureSpec("partner", "binary")
CATEGORY = FeatureSpec("contract", "categorical")


def test_numeric_values_parse_text_and_blank_out_what_is_no_finite_number() -> None:
    column = pd.Series([" 1 ", "x", "inf", "-inf", "nan", "", None, "1e3", "1,5", "-0.5"], dtype=object)
    values = numeric_values(column)
    assert values.dtype == np.float64
    expected = [1.0, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, 1000.0, np.nan, -0.5]
    np.testing.assert_array_equal(values, expected)


def test_numeric_values_of_typed_columns() -> None:
    np.testing.assert_array_equal(numeric_values(pd.Series([True, False])), [1.0, 0.0])
    np.testing.assert_array_equal(numeric_values(pd.Series([1, None], dtype="Int64")), [1.0, np.nan])
    np.testing.assert_array_equal(numeric_values(pd.Series([2.5, np.inf, -np.inf, np.nan])), [2.5] + [np.nan] * 3)
    assert numeric_values(pd.Series([], dtype=object)).shape == (0,)


def test_numeric_values_never_write_into_the_column() -> None:
    column = pd.Series([1.0, np.inf])
    numeric_values(column)
    assert column.tolist() == [1.0, np.inf]


def test_category_strings_strip_and_mark_missing() -> None:
    column = pd.Series([" Yes", "No ", None, np.nan, ""], dtype=object)
    assert category_strings(column).tolist() == ["Yes", "No", MISSING_CATEGORY, MISSING_CATEGORY, ""]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1.0, 2.0, np.nan], ["1", "2", ""]),  # integral floats lose their .0
        ([1.5, 2.0], ["1.5", "2.0"]),  # unless one is not integral
        ([np.nan, np.nan], ["", ""]),
        ([], []),
        ([1.0, np.inf], ["1.0", "inf"]),  # inf is no integer: it raised before (OverflowError)
        ([1e20], ["1e+20"]),  # beyond int64: it raised before (TypeError)
        ([2.0**62], [str(2**62)]),
    ],
)
def test_category_strings_of_float_columns(values: list[float], expected: list[str]) -> None:
    assert category_strings(pd.Series(values, dtype="float64")).tolist() == expected


def test_prepare_features_types_each_kind() -> None:
    frame = pd.DataFrame({"tenure": ["3", "x"], "partner": ["1", ""], "contract": [" Two year", None], "other": 1})
    prepared = prepare_features(frame, [NUMERIC, BINARY, CATEGORY])
    assert list(prepared.columns) == ["tenure", "partner", "contract"]
    assert prepared["tenure"].dtype == np.float32
    assert prepared["partner"].dtype == np.float32
    np.testing.assert_array_equal(prepared["tenure"], [3.0, np.nan])
    assert prepared["contract"].tolist() == ["Two year", ""]


def test_prepare_features_keep_the_index_and_refuse_a_missing_column() -> None:
    frame = pd.DataFrame({"tenure": ["1", "2"]}, index=[10, 20])
    assert prepare_features(frame, [NUMERIC]).index.tolist() == [10, 20]
    with pytest.raises(KeyError, match="input lacks the feature column 'contract'"):
        prepare_features(frame, [NUMERIC, CATEGORY])


def test_prepare_features_of_no_rows() -> None:
    prepared = prepare_features(pd.DataFrame({"tenure": [], "contract": []}, dtype=object), [NUMERIC, CATEGORY])
    assert len(prepared) == 0
    assert list(prepared.columns) == ["tenure", "contract"]


def test_onnx_feed_is_one_column_tensor_per_feature() -> None:
    prepared = prepare_features(pd.DataFrame({"tenure": ["1", ""], "contract": ["a", None]}), [NUMERIC, CATEGORY])
    feed = onnx_feed(prepared, [NUMERIC, CATEGORY])
    assert list(feed) == ["tenure", "contract"]
    assert feed["tenure"].shape == (2, 1)
    assert feed["tenure"].dtype == np.float32
    assert feed["contract"].dtype.kind == "U"  # fixed-width strings, never Python objects
    assert feed["contract"][:, 0].tolist() == ["a", ""]
    assert onnx_feed({"tenure": np.array([1.0])}, [NUMERIC])["tenure"].dtype == np.float32


def test_the_sample_prepared_scores_as_the_predictor_scores_it() -> None:
    frame = pd.read_csv(samples_dir() / "telco_churn_to_score.csv", dtype=str, keep_default_na=False)
    features = BUNDLE.card.features
    prepared = prepare_features(frame, features)
    direct = BUNDLE.predictor.predict_prepared(prepared)
    np.testing.assert_array_equal(direct, BUNDLE.predictor.predict(frame))
    assert ((direct >= 0) & (direct <= 1)).all()


def test_the_golden_rows_prepared_give_the_card_probabilities() -> None:
    golden = BUNDLE.card.raw["golden_rows"]
    frame = pd.DataFrame([row["inputs"] for row in golden], dtype=object)
    predicted = BUNDLE.predictor.predict_prepared(prepare_features(frame, BUNDLE.card.features))
    np.testing.assert_allclose(predicted, [row["probability"] for row in golden], atol=1e-6)
