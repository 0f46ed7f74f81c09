"""Loading the model bundle (model.onnx + model_card.json) with its integrity checks."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from app.core.card import CardError, ModelCard, card_digest
from app.core.fileio import sha256_file
from app.core.paths import bundle_dir
from app.core.predictor import OnnxPredictor, PredictorError

__all__ = ["CARD_FILE", "MODEL_FILE", "Bundle", "BundleError", "load_bundle", "read_card"]

MODEL_FILE = "model.onnx"
CARD_FILE = "model_card.json"

# Facts the ONNX file carries in metadata_props; they must agree with the card.
_METADATA_KEYS = {"model_name": "name", "model_version": "version"}


class BundleError(RuntimeError):
    """The bundle is missing, tampered with or of an unsupported version."""


@dataclass(frozen=True)
class Bundle:
    """A verified model bundle ready to score."""

    directory: Path
    card: ModelCard
    predictor: OnnxPredictor

    @property
    def model_path(self) -> Path:
        """Path of the ONNX file."""
        return self.directory / MODEL_FILE


def read_card(directory: Path) -> ModelCard:
    """Parse and validate the card in ``directory``, checking its own digest."""
    path = Path(directory) / CARD_FILE
    if not path.is_file():
        raise BundleError(f"model bundle {directory}: {CARD_FILE} is missing")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BundleError(f"model card {path} is not valid JSON ({error}); it may be truncated") from None
    try:
        card = ModelCard.from_dict(raw)
    except CardError as error:
        raise BundleError(f"{path}: {error}") from None
    recorded = raw.get("integrity", {}).get("card_sha256")
    if recorded != card_digest(raw):
        raise BundleError(f"model card {path} was modified after the build (its digest does not match)")
    return card


def load_bundle(directory: Path | None = None) -> Bundle:
    """Load and verify a bundle: card schema and digest, ONNX sha256, inputs, metadata."""
    directory = Path(directory) if directory is not None else bundle_dir()
    if not directory.is_dir():
        raise BundleError(f"model bundle folder {directory} does not exist")
    card = read_card(directory)
    model_path = directory / MODEL_FILE
    if not model_path.is_file():
        raise BundleError(f"model bundle {directory}: {MODEL_FILE} is missing")
    actual = sha256_file(model_path)
    if actual != card.onnx_sha256:
        raise BundleError(
            f"{model_path} does not match its model card (sha256 {actual[:12]}…, card expects"
            f" {card.onnx_sha256[:12]}…): the file was modified or truncated"
        )
    try:
        predictor = OnnxPredictor(model_path, card.features, card.probability_output)
    except PredictorError as error:
        raise BundleError(f"{model_path}: {error}") from None
    metadata = predictor.metadata
    for key, attribute in _METADATA_KEYS.items():
        if metadata.get(key) != getattr(card, attribute):
            raise BundleError(
                f"{model_path} metadata {key}={metadata.get(key)!r} disagrees with the card"
                f" ({getattr(card, attribute)!r})"
            )
    return Bundle(directory=directory, card=card, predictor=predictor)
