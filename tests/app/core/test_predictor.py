"""OnnxPredictor: loads a model, refuses one that does not take the card's inputs, and returns its probabilities.

Most tests use a tiny hand-built ONNX model whose probability is known exactly:
``p = 0.1 * x + {"a": 0.2, "b": 0.5}.get(c, 0.0)``, output ``probabilities = [1 - p, p]``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app.core.bundle import load_bundle
from app.core.card import FeatureSpec
from app.core.predictor import OnnxPredictor, PredictorError, implausible

FEATURES = (FeatureSpec("x", "numeric"), FeatureSpec("c", "categorical"))
CATEGORY_TERM = {"a": 0.2, "b": 0.5}


def tiny_model(output: str = "probabilities") -> bytes:
    """The serialised tiny model (shared with test_explain)."""
    import onnx
    from onnx import TensorProto, helper

    nodes = [
        helper.make_node(
            "LabelEncoder",
            ["c"],
            ["term"],
            domain="ai.onnx.ml",
            keys_strings=list(CATEGORY_TERM),
            values_floats=list(CATEGORY_TERM.values()),
            default_float=0.0,
        ),
        helper.make_node("Mul", ["x", "tenth"], ["scaled"]),
        helper.make_node("Add", ["scaled", "term"], ["p"]),
        helper.make_node("Sub", ["one", "p"], ["q"]),
        helper.make_node("Concat", ["q", "p"], [output], axis=1),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 1]),
            helper.make_tensor_value_info("c", TensorProto.STRING, [None, 1]),
        ],
        [helper.make_tensor_value_info(output, TensorProto.FLOAT, [None, 2])],
        [
            helper.make_tensor("tenth", TensorProto.FLOAT, [], [0.1]),
            helper.make_tensor("one", TensorProto.FLOAT, [], [1.0]),
        ],
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("ai.onnx.ml", 3)], ir_version=9
    )
    helper.set_model_props(model, {"model_name": "tiny", "model_version": "0.1"})
    onnx.checker.check_model(model)
    return model.SerializeToString()


def tiny_probability(x: float, c: str) -> float:
    """The tiny model's probability, in float32 as the model computes it."""
    return float(np.float32(x) * np.float32(0.1) + np.float32(CATEGORY_TERM.get(c, 0.0)))


@pytest.fixture(scope="module")
def predictor() -> OnnxPredictor:
    return OnnxPredictor(tiny_model(), FEATURES)


# loading


def test_loads_from_bytes_and_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "tiny.onnx"
    path.write_bytes(tiny_model())
    from_path = OnnxPredictor(path, FEATURES)
    from_bytes = OnnxPredictor(path.read_bytes(), FEATURES)
    assert from_path.features == FEATURES
    assert isinstance(from_bytes.features, tuple)
    frame = pd.DataFrame({"x": np.array([2.0], np.float32), "c": ["a"]})
    assert from_path.predict_prepared(frame)[0] == from_bytes.predict_prepared(frame)[0]


def test_metadata_is_the_models_metadata_props(predictor: OnnxPredictor) -> None:
    assert predictor.metadata == {"model_name": "tiny", "model_version": "0.1"}


@pytest.mark.parametrize("model", [b"", b"not an onnx model", b"\x08\x07" * 50])
def test_bytes_that_are_no_model_are_refused(model: bytes) -> None:
    with pytest.raises(PredictorError, match="onnxruntime cannot load the model"):
        OnnxPredictor(model, FEATURES)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PredictorError, match="cannot load"):
        OnnxPredictor(tmp_path / "absent.onnx", FEATURES)


@pytest.mark.parametrize(
    ("features", "detail"),
    [
        ((*FEATURES, FeatureSpec("z", "numeric")), "missing: ['z']; unexpected: none; wrong type: none"),
        ((FEATURES[0],), "missing: none; unexpected: ['c']; wrong type: none"),
        ((FeatureSpec("x", "categorical"), FEATURES[1]), "missing: none; unexpected: none; wrong type: ['x']"),
        ((FEATURES[0], FeatureSpec("c", "binary")), "missing: none; unexpected: none; wrong type: ['c']"),
    ],
)
def test_inputs_that_differ_from_the_card_are_named(features: tuple[FeatureSpec, ...], detail: str) -> None:
    with pytest.raises(PredictorError, match="inputs do not match the model card") as caught:
        OnnxPredictor(tiny_model(), features)
    assert detail in str(caught.value)


def test_binary_features_are_float_inputs() -> None:
    OnnxPredictor(tiny_model(), (FeatureSpec("x", "binary"), FEATURES[1]))  # no error


def test_a_missing_probability_output_is_named() -> None:
    with pytest.raises(PredictorError, match=r"no output 'probabilities' \(it has \['scores'\]\)"):
        OnnxPredictor(tiny_model(output="scores"), FEATURES)
    assert OnnxPredictor(tiny_model(output="scores"), FEATURES, probability_output="scores")


# predicting


def test_predict_prepared_returns_the_positive_class_probability(predictor: OnnxPredictor) -> None:
    x = np.array([0.0, 1.0, 2.5, 3.0, 4.0], dtype=np.float32)
    c = ["a", "b", "a", "unseen", ""]
    p = predictor.predict_prepared(pd.DataFrame({"x": x, "c": c}))
    assert p.dtype == np.float64
    np.testing.assert_allclose(p, [0.2, 0.6, 0.45, 0.3, 0.4], rtol=1e-6)
    np.testing.assert_allclose(p, [tiny_probability(a, b) for a, b in zip(x, c, strict=True)], rtol=1e-7)


def test_predict_prepared_takes_arrays_per_feature(predictor: OnnxPredictor) -> None:
    p = predictor.predict_prepared({"x": np.array([1.0, 2.0]), "c": np.array(["b", "a"], dtype=object)})
    np.testing.assert_allclose(p, [0.6, 0.4], rtol=1e-6)


def test_predict_prepared_keeps_nan_as_nan(predictor: OnnxPredictor) -> None:
    p = predictor.predict_prepared({"x": np.array([np.nan, 1.0], np.float32), "c": np.array(["a", "a"])})
    assert np.isnan(p[0])
    assert p[1] == pytest.approx(0.3, rel=1e-6)


def test_predict_prepared_on_no_rows_is_empty(predictor: OnnxPredictor) -> None:
    p = predictor.predict_prepared(pd.DataFrame({"x": np.array([], np.float32), "c": np.array([], dtype=object)}))
    assert p.shape == (0,)
    assert p.dtype == np.float64


def test_positive_index_picks_the_other_column() -> None:
    negative = OnnxPredictor(tiny_model(), FEATURES, positive_index=0)
    p = negative.predict_prepared({"x": np.array([1.0], np.float32), "c": np.array(["b"])})
    assert p[0] == pytest.approx(1 - 0.6, rel=1e-6)


def test_predict_one_fills_absent_values_as_missing(predictor: OnnxPredictor) -> None:
    assert predictor.predict_one({"x": 2.0, "c": "b"}) == pytest.approx(0.7, rel=1e-6)
    assert predictor.predict_one({"x": 2.0}) == pytest.approx(0.2, rel=1e-6)  # category "" -> default term
    assert predictor.predict_one({"x": 2.0, "c": None}) == pytest.approx(0.2, rel=1e-6)
    assert np.isnan(predictor.predict_one({"c": "a"}))  # number absent -> NaN
    assert np.isnan(predictor.predict_one({"x": None, "c": "a"}))
    assert isinstance(predictor.predict_one({"x": 0.0, "c": "a"}), float)


def test_predict_prepares_a_raw_text_frame(predictor: OnnxPredictor) -> None:
    frame = pd.DataFrame({"c": [" a ", "b", "a"], "x": ["1.5", " 3 ", ""], "other": ["q", "r", "s"]})
    p = predictor.predict(frame)
    np.testing.assert_allclose(p[:2], [0.35, 0.8], rtol=1e-6)  # categories stripped, numbers parsed
    assert np.isnan(p[2])  # an empty number is missing


def test_predict_needs_every_feature_column(predictor: OnnxPredictor) -> None:
    with pytest.raises(KeyError, match="'c'"):
        predictor.predict(pd.DataFrame({"x": ["1"]}))


# the shipped model


@pytest.fixture(scope="module")
def bundle():
    return load_bundle()


def test_shipped_model_reproduces_the_golden_rows_the_build_recorded(bundle) -> None:
    golden = bundle.card.raw["golden_rows"]
    assert golden
    frame = pd.DataFrame([row["inputs"] for row in golden])
    expected = np.array([row["probability"] for row in golden])
    np.testing.assert_allclose(bundle.predictor.predict(frame), expected, rtol=0, atol=1e-6)
    assert ((expected > 0) & (expected < 1)).all()


def test_shipped_model_predict_one_agrees_with_a_golden_row(bundle) -> None:
    row = bundle.card.raw["golden_rows"][0]
    values = {
        spec.name: float(row["inputs"][spec.name]) if spec.is_numeric else row["inputs"][spec.name]
        for spec in bundle.card.features
    }
    assert bundle.predictor.predict_one(values) == pytest.approx(row["probability"], abs=1e-6)


def test_implausible_marks_what_no_probability_is() -> None:
    """float32 rounding just past 0 or 1 is a probability; NaN, infinities and anything further are not."""
    p = np.array([0.0, 1.0, 0.5, 1 + 5e-7, -5e-7, np.nan, np.inf, -np.inf, 1.01, -0.01, 3.0])
    assert implausible(p).tolist() == [False] * 5 + [True] * 6
