"""Loading the model bundle (model.onnx + model_card.json) with its integrity checks."""

from __future__ import annotations

import json
import math
import stat
from dataclasses import dataclass
from pathlib import Path

from app.core.card import CardError, ModelCard, card_digest
from app.core.fileio import file_kind, sha256_file
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
    origin: str = "shipped"  # shipped | installed | unsigned (--model DIR)
    signed_by: str | None = None  # the key id of an installed, signed bundle

    @property
    def provenance(self) -> dict[str, str | None]:
        """Where the model came from, for the run log: ``{"origin": ..., "key_id": ...}``."""
        return {"origin": self.origin, "key_id": self.signed_by}

    @property
    def model_path(self) -> Path:
        """Path of the ONNX file."""
        return self.directory / MODEL_FILE


def _require_file(path: Path, directory: Path) -> None:
    """A bundle file must be a regular file: say what it is when it is missing or something else."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise BundleError(f"model bundle {directory}: {path.name} is missing") from None
    except OSError as error:
        raise BundleError(f"model bundle {directory}: {path.name} cannot be read ({error.strerror})") from None
    if not stat.S_ISREG(mode):
        raise BundleError(f"model bundle {directory}: {path.name} is {file_kind(mode)}, not a regular file")


def read_card(directory: Path) -> ModelCard:
    """Parse and validate the card in ``directory``, checking its own digest."""
    path = Path(directory) / CARD_FILE
    _require_file(path, directory)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"), parse_constant=_no_constant, parse_float=_finite)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BundleError(f"model card {path} is not valid JSON ({error}); it may be truncated") from None
    except RecursionError:
        raise BundleError(f"model card {path} is nested too deeply to be a model card") from None
    except ValueError as error:
        raise BundleError(f"model card {path}: {error}") from None
    try:
        card = ModelCard.from_dict(raw)
    except CardError as error:
        raise BundleError(f"{path}: {error}") from None
    except (TypeError, ValueError, KeyError, AttributeError, IndexError) as error:  # a shape no check foresaw
        raise BundleError(f"{path}: malformed model card ({type(error).__name__}: {error})") from None
    recorded = raw["integrity"].get("card_sha256") if "integrity" in raw else None
    if recorded != card_digest(raw):
        raise BundleError(f"model card {path} was modified after the build (its digest does not match)")
    return card


def _no_constant(name: str) -> float:
    raise ValueError(f"holds {name}, which is not a number a model card may carry")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"holds the number {text}, too large to be finite")
    return value


def load_bundle(directory: Path | None = None, *, threads: int | None = None) -> Bundle:
    """Load and verify a bundle: card schema and digest, ONNX sha256, inputs, metadata (``threads``: see
    ``OnnxPredictor``)."""
    directory = Path(directory) if directory is not None else bundle_dir()
    if not directory.is_dir():
        raise BundleError(f"model bundle folder {directory} does not exist")
    card = read_card(directory)
    model_path = directory / MODEL_FILE
    _require_file(model_path, directory)
    actual = sha256_file(model_path)
    if actual != card.onnx_sha256:
        raise BundleError(
            f"{model_path} does not match its model card (sha256 {actual[:12]}…, card expects"
            f" {card.onnx_sha256[:12]}…): the file was modified or truncated"
        )
    try:
        predictor = OnnxPredictor(model_path, card.features, card.probability_output, threads=threads)
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
