"""Stage 7, export: the fitted pipeline as ONNX, with the card's key facts in its metadata."""

from __future__ import annotations

from collections.abc import Mapping

import onnx
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType, StringTensorType
from sklearn.pipeline import Pipeline

from app.core.card import SCHEMA_VERSION
from model_build.config import BuildConfig

__all__ = ["TARGET_OPSET", "export_onnx", "onnx_metadata"]

# Pinned so the same commit always writes the same bytes.
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}
PROBABILITY_OUTPUT = "probabilities"


def onnx_metadata(config: BuildConfig, threshold: float) -> dict[str, str]:
    """Key card facts carried inside the ONNX file. Nothing time-dependent, so builds stay reproducible."""
    return {
        "model_name": config.name,
        "model_version": config.version,
        "card_schema_version": str(SCHEMA_VERSION),
        "target_column": config.target.column,
        "positive_label": config.target.positive_label,
        "negative_label": config.target.negative_label,
        "threshold": f"{threshold:.6g}",
        "features": ",".join(config.feature_names),
    }


def export_onnx(pipeline: Pipeline, config: BuildConfig, metadata: Mapping[str, str]) -> bytes:
    """Convert with string inputs for categoricals, float32 numerics and plain probability arrays (no zipmap)."""
    initial_types = [
        (name, StringTensorType([None, 1]) if kind == "categorical" else FloatTensorType([None, 1]))
        for name, kind in config.features
    ]
    classifier = pipeline.named_steps["classifier"]
    model = convert_sklearn(
        pipeline,
        name=config.name,
        initial_types=initial_types,
        options={id(classifier): {"zipmap": False}},
        target_opset=TARGET_OPSET,
        final_types=None,
    )
    outputs = [o.name for o in model.graph.output]
    if PROBABILITY_OUTPUT not in outputs:
        raise RuntimeError(f"skl2onnx produced outputs {outputs}, expected {PROBABILITY_OUTPUT!r}")
    # skl2onnx collects opsets in a set: sort them, or the bytes vary with hash randomisation.
    opsets = sorted(((o.domain, o.version) for o in model.opset_import))
    del model.opset_import[:]
    for domain, version in opsets:
        model.opset_import.add(domain=domain, version=version)
    model.doc_string = f"{config.display_name} {config.version}"
    del model.metadata_props[:]
    for key, value in sorted(metadata.items()):
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(model)
    return model.SerializeToString()
