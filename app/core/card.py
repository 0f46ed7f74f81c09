"""The model card: the versioned contract between the model build and the app.

The card is plain JSON. ``ModelCard`` is a typed, validated view of the parts the
app computes with; every other section stays reachable through ``raw``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.core.i18n import N_, Figure, LocalizedError, Message
from app.core.rules import Rule, RuleError, parse_rule

__all__ = [
    "FEATURE_KINDS",
    "SCHEMA_VERSION",
    "CardError",
    "FeatureSpec",
    "ModelCard",
    "SliceSpec",
    "TargetSpec",
    "canonical_json",
    "card_digest",
    "slice_spec",
]

SCHEMA_VERSION = 1
FEATURE_KINDS = ("numeric", "categorical", "binary")


class CardError(LocalizedError, ValueError):
    """The card is missing a field or holds a value of the wrong kind."""


@dataclass(frozen=True)
class TargetSpec:
    """The label column and its two classes."""

    column: str
    positive_label: str
    negative_label: str


@dataclass(frozen=True)
class FeatureSpec:
    """One model input: its kind and what training saw of it."""

    name: str
    kind: str
    categories: tuple[str, ...] = ()
    stats: Mapping[str, Any] = field(default_factory=dict)
    missing_share: float = 0.0
    reference: Mapping[str, Any] = field(default_factory=dict)
    shares: Mapping[str, float] = field(default_factory=dict)  # category -> share in training

    @property
    def is_numeric(self) -> bool:
        """Numeric and binary features enter the model as float32."""
        return self.kind in ("numeric", "binary")


@dataclass(frozen=True)
class SliceSpec:
    """A sensitive attribute; numeric ones are cut into labelled bands."""

    column: str
    bins: tuple[float, ...] = ()
    labels: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """Display name of the attribute (``Age bands`` for a binned ``Age``)."""
        return f"{self.column} bands" if self.bins else self.column


def canonical_json(data: object) -> str:
    """The one serialisation used for hashing: sorted keys, no whitespace."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def card_digest(raw: Mapping[str, Any]) -> str:
    """sha256 of the card without its own ``integrity`` section."""
    body = {key: value for key, value in raw.items() if key != "integrity"}
    return hashlib.sha256(canonical_json(body).encode("ascii")).hexdigest()


def _get(section: Mapping[str, Any], key: str, where: str) -> Any:  # noqa: ANN401 - a JSON value, checked by the caller
    if not isinstance(section, Mapping) or key not in section:
        raise CardError(Message.of(N_("model card lacks '{field}'"), field=f"{where}.{key}" if where else key))
    return section[key]


# The type of every section the app reads, so a malformed card is refused at load, not mid-run.
_SECTION_TYPES: dict[str, type | tuple[type, ...]] = {
    "model": Mapping,
    "target": Mapping,
    "threshold": Mapping,
    "features": list,
    "id_columns": list,
    "passthrough": list,
    "rules": list,
    "sensitive_attributes": list,
    "decision_costs": Mapping,
    "fairness": Mapping,
    "metrics": Mapping,
    "confusion_matrix": Mapping,
    "curves": Mapping,
    "slices": Mapping,
    "importances": list,
    "comparison": Mapping,
    "gates": list,
    "provenance": Mapping,
    "golden_rows": list,
    "test_predictions": Mapping,
    "integrity": Mapping,
}
_FEATURE_TYPES: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "kind": str,
    "categories": list,
    "stats": Mapping,
    "missing_share": (int, float),
    "reference": Mapping,
    "category_shares": Mapping,
    "rules": list,
}
_JSON_NAMES = {Mapping: N_("an object"), list: N_("a list"), str: N_("text"), (int, float): N_("a number")}


def _expect(value: object, kinds: type | tuple[type, ...], where: str) -> None:
    if not isinstance(value, kinds) or isinstance(value, bool) and kinds == (int, float):
        name = _JSON_NAMES.get(kinds)
        raise CardError(
            Message.of(
                N_("model card '{field}' should be {kind}, not {actual}"),
                field=where,
                kind=Message.of(name) if name else str(kinds),
                actual=type(value).__name__,
            )
        )


def _check_shape(raw: Mapping[str, Any]) -> None:
    """Every section and feature field the app reads has the JSON type it expects."""
    for key, kinds in _SECTION_TYPES.items():
        if key in raw:
            _expect(raw[key], kinds, key)
    for index, feature in enumerate(raw.get("features", ())):
        _expect(feature, Mapping, f"features[{index}]")
        for key, kinds in _FEATURE_TYPES.items():
            if key in feature:
                _expect(feature[key], kinds, f"features[{index}].{key}")
        for key in ("min", "max", "mean", "std"):
            if key in feature.get("stats", {}):
                _expect(feature["stats"][key], (int, float), f"features[{index}].stats.{key}")
        for key, value in feature.get("category_shares", {}).items():
            _expect(value, (int, float), f"features[{index}].category_shares.{key}")
        for key in ("edges", "bins", "frequencies"):
            if key in feature.get("reference", {}):
                _expect(feature["reference"][key], list, f"features[{index}].reference.{key}")
        if not 0.0 <= feature.get("missing_share", 0.0) <= 1.0:
            raise CardError(
                Message.of(N_("model card '{field}' is outside 0..1"), field=f"features[{index}].missing_share")
            )
    for index, gate in enumerate(raw.get("gates", ())):
        _expect(gate, Mapping, f"gates[{index}]")
        if gate.get("value") is not None:
            _expect(gate["value"], (int, float), f"gates[{index}].value")
    for key, value in raw.get("metrics", {}).items():
        _expect(value, Mapping, f"metrics.{key}")


def _share(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raise CardError(
            Message.of(
                N_("model card '{field}' should be a number within 0..1, not {value}"), field=where, value=repr(value)
            )
        )
    return float(value)


def _feature(raw: Mapping[str, Any]) -> FeatureSpec:
    name = _get(raw, "name", "features[]")
    kind = _get(raw, "kind", f"features[{name}]")
    if kind not in FEATURE_KINDS:
        raise CardError(
            Message.of(
                N_("feature {name} has kind {kind}; expected one of {kinds}"),
                name=repr(name),
                kind=repr(kind),
                kinds=", ".join(FEATURE_KINDS),
            )
        )
    return FeatureSpec(
        name=str(name),
        kind=kind,
        categories=tuple(str(c) for c in raw.get("categories", ())),
        stats=raw.get("stats", {}),
        missing_share=float(raw.get("missing_share", 0.0)),
        reference=raw.get("reference", {}),
        shares={str(k): float(v) for k, v in raw.get("category_shares", {}).items()},
    )


def slice_spec(raw: Mapping[str, Any], where: str = "sensitive_attributes[]") -> SliceSpec:
    """A sensitive attribute from the card or a build config: its column, and bins with one label per band."""
    bins = tuple(float(b) for b in raw.get("bins", ()))
    labels = tuple(str(label) for label in raw.get("labels", ()))
    if bins and len(labels) != len(bins) - 1:
        raise CardError(
            Message.of(
                N_("sensitive attribute {column}: {edges} bin edges need {labels} labels"),
                column=repr(raw.get("column")),
                edges=Figure(len(bins)),
                labels=Figure(len(bins) - 1),
            )
        )
    return SliceSpec(column=str(_get(raw, "column", where)), bins=bins, labels=labels)


@dataclass(frozen=True)
class ModelCard:
    """Typed view of model_card.json."""

    raw: Mapping[str, Any]
    name: str
    display_name: str
    version: str
    onnx_sha256: str
    target: TargetSpec
    threshold: float
    features: tuple[FeatureSpec, ...]
    passthrough: tuple[str, ...]
    id_columns: tuple[str, ...]
    rules: tuple[Rule, ...]
    sensitive: tuple[SliceSpec, ...]
    probability_output: str
    max_missing_share: float = 0.5  # a row missing more of the features than this share is not scored

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ModelCard:
        """Validate a parsed card; raise CardError naming the first problem."""
        if not isinstance(raw, Mapping):
            raise CardError(Message.of(N_("model card is not a JSON object")))
        version = raw.get("schema_version")
        if version != SCHEMA_VERSION:
            raise CardError(
                Message.of(
                    N_("model card schema version is {version}; this app reads version {supported}"),
                    version=repr(version),
                    supported=SCHEMA_VERSION,
                )
            )
        _check_shape(raw)
        model = _get(raw, "model", "")
        target = _get(raw, "target", "")
        threshold = _get(raw, "threshold", "")
        try:
            rules = tuple(parse_rule(text) for text in raw.get("rules", ()))
        except RuleError as error:
            raise CardError(Message.of(N_("model card: {error}"), error=error)) from None
        features = tuple(_feature(f) for f in _get(raw, "features", ""))
        if not features:
            raise CardError(Message.of(N_("model card declares no features")))
        value = float(_get(threshold, "value", "threshold"))
        if not 0.0 <= value <= 1.0:
            raise CardError(Message.of(N_("model card threshold {value} is outside 0..1"), value=str(value)))
        return cls(
            raw=raw,
            name=str(_get(model, "name", "model")),
            display_name=str(model.get("display_name", model["name"])),
            version=str(_get(model, "version", "model")),
            onnx_sha256=str(_get(model, "onnx_sha256", "model")),
            target=TargetSpec(
                column=str(_get(target, "column", "target")),
                positive_label=str(_get(target, "positive_label", "target")),
                negative_label=str(_get(target, "negative_label", "target")),
            ),
            threshold=value,
            features=features,
            passthrough=tuple(str(c) for c in raw.get("passthrough", ())),
            id_columns=tuple(str(c) for c in raw.get("id_columns", ())),
            rules=rules,
            sensitive=tuple(slice_spec(s) for s in raw.get("sensitive_attributes", ())),
            probability_output=str(model.get("probability_output", "probabilities")),
            max_missing_share=_share(raw.get("max_missing_share", 0.5), "max_missing_share"),
        )

    @property
    def feature_names(self) -> tuple[str, ...]:
        """Model input columns, in the ONNX input order."""
        return tuple(f.name for f in self.features)

    def feature(self, name: str) -> FeatureSpec:
        """The feature called ``name``; KeyError when the card has none."""
        for spec in self.features:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def rules_for(self, column: str) -> Sequence[Rule]:
        """Domain rules that mention ``column``."""
        return [rule for rule in self.rules if rule.column == column]

    def section(self, key: str) -> Any:  # noqa: ANN401 - a raw JSON section, as the card holds it
        """A raw card section (metrics, curves, gates...), or an empty dict."""
        return self.raw.get(key, {})
