"""Loading the model bundle (model.onnx + model_card.json) with its integrity checks."""

from __future__ import annotations

import json
import math
import stat
from dataclasses import dataclass
from pathlib import Path

from app.core.card import CardError, ModelCard, card_digest
from app.core.fileio import file_kind, sha256_file
from app.core.i18n import N_, LocalizedError, Message, general
from app.core.paths import bundle_dir
from app.core.predictor import OnnxPredictor, PredictorError

__all__ = [
    "CARD_FILE",
    "GOLDEN_TOLERANCE",
    "MODEL_FILE",
    "Bundle",
    "BundleError",
    "GoldenCheck",
    "check_golden_rows",
    "load_bundle",
    "read_card",
]

MODEL_FILE = "model.onnx"
CARD_FILE = "model_card.json"

GOLDEN_TOLERANCE = 1e-6

# Facts the ONNX file carries in metadata_props; they must agree with the card.
_METADATA_KEYS = {"model_name": "name", "model_version": "version"}


class BundleError(LocalizedError, RuntimeError):
    """The bundle is missing, tampered with or of an unsupported version."""


@dataclass(frozen=True)
class Bundle:
    """A verified model bundle ready to score."""

    directory: Path
    card: ModelCard
    predictor: OnnxPredictor
    origin: str = "shipped"  # shipped | installed | unsigned (--model DIR)
    signed_by: str | None = None  # the key id of an installed, signed bundle
    warning: Message | None = None  # said wherever this model is named: why it runs, or why another one does not

    @property
    def provenance(self) -> dict[str, str | None]:
        """Where the model came from, for the run log: ``{"origin": ..., "key_id": ...}``."""
        return {"origin": self.origin, "key_id": self.signed_by}

    @property
    def model_path(self) -> Path:
        """Path of the ONNX file."""
        return self.directory / MODEL_FILE


@dataclass(frozen=True)
class GoldenCheck:
    """The model on its card's golden rows: how many, the largest difference, and why it fails (None: it passes)."""

    rows: int
    worst: float
    problem: Message | None


def check_golden_rows(bundle: Bundle) -> GoldenCheck:
    """Predict the card's golden rows: every output a probability, each within ``GOLDEN_TOLERANCE`` of the card."""
    import numpy as np
    import pandas as pd

    golden = bundle.card.raw.get("golden_rows") or []
    if not golden:
        return GoldenCheck(0, math.nan, Message.of(N_("the card has no golden rows")))
    try:
        frame = pd.DataFrame([row["inputs"] for row in golden], dtype=object)
        expected = np.array([row["probability"] for row in golden], dtype=np.float64)
        actual = np.asarray(bundle.predictor.predict(frame), dtype=np.float64)
    except Exception as error:  # onnxruntime's errors are untyped; a model that cannot predict them fails them
        reason = f"{type(error).__name__}: {error}".splitlines()[0][:300]
        return GoldenCheck(len(golden), math.nan, Message.of(N_("cannot predict them ({reason})"), reason=reason))
    for index, value in enumerate(actual):
        if not 0.0 <= value <= 1.0:  # NaN fails this too
            template = (
                N_("row {row} gives {value}, outside 0 to 1") if math.isfinite(value) else N_("row {row} gives {value}")
            )
            return GoldenCheck(len(golden), math.nan, Message.of(template, row=index + 1, value=f"{value:.6g}"))
    worst = float(np.max(np.abs(actual - expected))) if len(actual) == len(expected) else math.inf
    if not worst <= GOLDEN_TOLERANCE:
        return GoldenCheck(
            len(golden),
            worst,
            Message.of(
                N_("max |difference| {worst} from the card (limit {limit})"),
                worst=f"{worst:.2e}",
                limit=general(GOLDEN_TOLERANCE),
            ),
        )
    return GoldenCheck(len(golden), worst, None)


def _require_file(path: Path, directory: Path) -> None:
    """A bundle file must be a regular file: say what it is when it is missing or something else."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise BundleError(
            Message.of(N_("model bundle {folder}: {name} is missing"), folder=directory, name=path.name)
        ) from None
    except OSError as error:
        raise BundleError(
            Message.of(
                N_("model bundle {folder}: {name} cannot be read ({reason})"),
                folder=directory,
                name=path.name,
                reason=error.strerror,
            )
        ) from None
    if not stat.S_ISREG(mode):
        raise BundleError(
            Message.of(
                N_("model bundle {folder}: {name} is {kind}, not a regular file"),
                folder=directory,
                name=path.name,
                kind=file_kind(mode),
            )
        )


def read_card(directory: Path) -> ModelCard:
    """Parse and validate the card in ``directory``, checking its own digest."""
    path = Path(directory) / CARD_FILE
    _require_file(path, directory)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"), parse_constant=_no_constant, parse_float=_finite)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BundleError(
            Message.of(
                N_("model card {path} is not valid JSON ({error}); it may be truncated"), path=path, error=str(error)
            )
        ) from None
    except RecursionError:
        raise BundleError(
            Message.of(N_("model card {path} is nested too deeply to be a model card"), path=path)
        ) from None
    except ValueError as error:  # a CardError from _no_constant or _finite
        raise BundleError(Message.of(N_("model card {path}: {error}"), path=path, error=error)) from None
    try:
        card = ModelCard.from_dict(raw)
    except CardError as error:
        raise BundleError(Message.of("{path}: {error}", path=path, error=error)) from None
    except (TypeError, ValueError, KeyError, AttributeError, IndexError) as error:  # a shape no check foresaw
        raise BundleError(
            Message.of(
                N_("{path}: malformed model card ({error})"), path=path, error=f"{type(error).__name__}: {error}"
            )
        ) from None
    recorded = raw["integrity"].get("card_sha256") if "integrity" in raw else None
    if recorded != card_digest(raw):
        raise BundleError(
            Message.of(N_("model card {path} was modified after the build (its digest does not match)"), path=path)
        )
    return card


def _no_constant(name: str) -> float:
    raise CardError(Message.of(N_("holds {name}, which is not a number a model card may carry"), name=name))


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise CardError(Message.of(N_("holds the number {text}, too large to be finite"), text=text))
    return value


def load_bundle(directory: Path | None = None, *, threads: int | None = None) -> Bundle:
    """Load and verify a bundle: card schema and digest, ONNX sha256, inputs, metadata (``threads``: see
    ``OnnxPredictor``)."""
    directory = Path(directory) if directory is not None else bundle_dir()
    if not directory.is_dir():
        raise BundleError(Message.of(N_("model bundle folder {folder} does not exist"), folder=directory))
    card = read_card(directory)
    model_path = directory / MODEL_FILE
    _require_file(model_path, directory)
    actual = sha256_file(model_path)
    if actual != card.onnx_sha256:
        raise BundleError(
            Message.of(
                N_(
                    "{path} does not match its model card (sha256 {actual}…, card expects {expected}…): the file was"
                    " modified or truncated"
                ),
                path=model_path,
                actual=actual[:12],
                expected=card.onnx_sha256[:12],
            )
        )
    try:
        predictor = OnnxPredictor(model_path, card.features, card.probability_output, threads=threads)
    except PredictorError as error:
        raise BundleError(Message.of("{path}: {error}", path=model_path, error=error)) from None
    try:
        metadata = predictor.metadata
    except UnicodeDecodeError:  # onnxruntime decodes metadata_props as UTF-8 only when asked for them
        raise BundleError(
            Message.of(N_("{path}: its metadata_props are not valid UTF-8 text"), path=model_path)
        ) from None
    for key, attribute in _METADATA_KEYS.items():
        if metadata.get(key) != getattr(card, attribute):
            raise BundleError(
                Message.of(
                    N_("{path} metadata {key}={value} disagrees with the card ({expected})"),
                    path=model_path,
                    key=key,
                    value=repr(metadata.get(key)),
                    expected=repr(getattr(card, attribute)),
                )
            )
    return Bundle(directory=directory, card=card, predictor=predictor)
