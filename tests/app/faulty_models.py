"""Broken models for the tests: the shipped model with its probabilities multiplied by a constant.

The bundle's hashes are recomputed as the build computes them, so it loads like any bundle: the fault is in
what the model returns, not in its files.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from app.core.bundle import CARD_FILE, MODEL_FILE
from app.core.card import card_digest
from app.core.paths import bundle_dir


def scaled_model(factor: float) -> bytes:
    """The shipped ONNX model with a Mul node appended to its probabilities output."""
    import onnx
    from onnx import TensorProto, helper

    model = onnx.load(bundle_dir() / MODEL_FILE)
    for node in model.graph.node:
        node.output[:] = ["unscaled" if name == "probabilities" else name for name in node.output]
    model.graph.initializer.append(helper.make_tensor("factor", TensorProto.FLOAT, [], [factor]))
    model.graph.node.append(helper.make_node("Mul", ["unscaled", "factor"], ["probabilities"]))
    onnx.checker.check_model(model)
    return model.SerializeToString()


def scaled_bundle(folder: Path, factor: float) -> Path:
    """A copy of the shipped bundle in ``folder`` whose model multiplies its probabilities by ``factor``."""
    shutil.copytree(bundle_dir(), folder)
    model = scaled_model(factor)
    (folder / MODEL_FILE).write_bytes(model)
    raw = json.loads((folder / CARD_FILE).read_text(encoding="utf-8"))
    raw["model"]["onnx_sha256"] = hashlib.sha256(model).hexdigest()
    raw["integrity"]["card_sha256"] = card_digest(raw)
    (folder / CARD_FILE).write_text(json.dumps(raw), encoding="utf-8")
    return folder
