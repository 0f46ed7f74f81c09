"""Build configuration: one TOML file per model, read into typed, validated settings."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.card import FEATURE_KINDS, CardError, SliceSpec, TargetSpec, slice_spec
from app.core.intervals import BOOTSTRAP_RESAMPLES, CI_LEVEL, SEED
from app.core.rules import Rule, RuleError, parse_rule

__all__ = [
    "CALIBRATION_METHODS",
    "COMPARISON_TESTS",
    "ESTIMATORS",
    "GATE_BOUNDS",
    "SELECTION_METRICS",
    "BuildConfig",
    "CalibrationConfig",
    "CandidateConfig",
    "ComparisonConfig",
    "ConfigError",
    "DataConfig",
    "GateConfig",
    "IntervalsConfig",
    "SplitConfig",
    "load_config",
]

ESTIMATORS = ("logistic_regression", "hist_gradient_boosting", "random_forest")
# metric -> True when larger is better
SELECTION_METRICS = {"roc_auc": True, "pr_auc": True, "brier": False, "log_loss": False}
# Which value of a measured metric a gate checks: the point, or an end of the metric's interval.
GATE_BOUNDS = ("point", "lower", "upper")
COMPARISON_TESTS = ("delong", "paired_bootstrap")  # the test of the ROC AUC difference against the champion
CALIBRATION_METHODS = ("auto", "none", "sigmoid", "isotonic")


class ConfigError(ValueError):
    """The configuration file is missing a setting or holds an impossible one."""


@dataclass(frozen=True)
class DataConfig:
    """Where the snapshot comes from and the hash it must have."""

    source: str
    sha256: str
    table: str | None = None
    query: str | None = None

    @property
    def is_sqlite(self) -> bool:
        """True for ``sqlite:///`` sources."""
        return self.source.startswith("sqlite:///")


@dataclass(frozen=True)
class SplitConfig:
    """Train / validation / test fractions, seed and cross-validation folds."""

    train: float
    validation: float
    test: float
    seed: int
    cv_folds: int


@dataclass(frozen=True)
class CandidateConfig:
    """One candidate model: which estimator, with which parameters."""

    name: str
    estimator: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GateConfig:
    """A quality gate: a measured metric, its bounds, and which value is checked (point or an interval end)."""

    name: str
    metric: str
    min: float | None = None
    max: float | None = None
    bound: str = "point"


@dataclass(frozen=True)
class IntervalsConfig:
    """``[intervals]``: the level, resamples and seed of the bootstrap intervals stored in the card."""

    level: float = CI_LEVEL
    resamples: int = BOOTSTRAP_RESAMPLES
    seed: int = SEED


@dataclass(frozen=True)
class ComparisonConfig:
    """``[comparison]``: the paired test of the ROC AUC difference against the champion, and its level."""

    test: str = "delong"
    level: float = CI_LEVEL


@dataclass(frozen=True)
class CalibrationConfig:
    """``[calibration]``: recalibrate the winner on validation (auto: whichever method helps, if any)."""

    method: str = "auto"


@dataclass(frozen=True)
class BuildConfig:
    """Everything one model build needs to know."""

    path: Path
    raw: Mapping[str, Any]
    name: str
    display_name: str
    version: str
    description: str
    data: DataConfig
    target: TargetSpec
    id_columns: tuple[str, ...]
    passthrough: tuple[str, ...]
    features: tuple[tuple[str, str], ...]
    categories: Mapping[str, tuple[str, ...]]
    rules: tuple[Rule, ...]
    max_missing_share: Mapping[str, float]
    default_max_missing_share: float
    positive_share: tuple[float, float]
    min_rows: int
    row_max_missing_share: float  # [scoring]: a row missing more of the features than this is not scored
    sensitive: tuple[SliceSpec, ...]
    min_group_rows: int
    split: SplitConfig
    selection_metric: str
    selection_tolerance: float
    candidates: tuple[CandidateConfig, ...]
    cost_per_action: float
    value_per_true_positive: float
    gates: tuple[GateConfig, ...]
    golden_rows: int
    intervals: IntervalsConfig = IntervalsConfig()
    comparison: ComparisonConfig = ComparisonConfig()
    calibration: CalibrationConfig = CalibrationConfig()

    @property
    def feature_names(self) -> tuple[str, ...]:
        """Feature columns in model input order."""
        return tuple(name for name, _ in self.features)

    def kind_of(self, feature: str) -> str:
        """The declared kind of a feature."""
        return dict(self.features)[feature]

    def missing_share_limit(self, column: str) -> float:
        """Largest share of missing values allowed in ``column``."""
        return self.max_missing_share.get(column, self.default_max_missing_share)


def _require(section: Mapping[str, Any], key: str, where: str) -> Any:  # noqa: ANN401 - an opaque JSON or Qt value
    if key not in section:
        raise ConfigError(f"missing setting '{where}.{key}'" if where else f"missing section [{key}]")
    return section[key]


def _resolve_source(source: str, base: Path) -> str:
    """Relative paths in a config are relative to the config file's folder."""
    if source.startswith("sqlite:///"):
        path = Path(source.removeprefix("sqlite:///"))
        return "sqlite:///" + str(path if path.is_absolute() else (base / path).resolve())
    path = Path(source)
    return str(path if path.is_absolute() else (base / path).resolve())


def _features(section: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    features: list[tuple[str, str]] = []
    for kind in FEATURE_KINDS:
        features.extend((str(name), kind) for name in section.get(kind, ()))
    unknown = sorted(set(section) - set(FEATURE_KINDS))
    if unknown:
        raise ConfigError(f"[features] has unknown kind(s) {unknown}; use {', '.join(FEATURE_KINDS)}")
    names = [name for name, _ in features]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ConfigError(f"[features] lists {duplicated} more than once")
    if not features:
        raise ConfigError("[features] declares no feature")
    return tuple(features)


def _split(section: Mapping[str, Any]) -> SplitConfig:
    split = SplitConfig(
        train=float(_require(section, "train", "split")),
        validation=float(_require(section, "validation", "split")),
        test=float(_require(section, "test", "split")),
        seed=int(_require(section, "seed", "split")),
        cv_folds=int(section.get("cv_folds", 5)),
    )
    total = split.train + split.validation + split.test
    if abs(total - 1.0) > 1e-9 or min(split.train, split.validation, split.test) <= 0:
        raise ConfigError(f"[split] fractions must be positive and sum to 1 (they sum to {total:g})")
    if split.cv_folds < 2:
        raise ConfigError("[split] cv_folds must be at least 2")
    return split


def _candidates(entries: list[Mapping[str, Any]]) -> tuple[CandidateConfig, ...]:
    candidates = []
    for entry in entries:
        name = str(_require(entry, "name", "candidates[]"))
        estimator = str(_require(entry, "estimator", f"candidates[{name}]"))
        if estimator not in ESTIMATORS:
            raise ConfigError(
                f"candidate {name!r}: unknown estimator {estimator!r}; use one of {', '.join(ESTIMATORS)}"
            )
        candidates.append(CandidateConfig(name=name, estimator=estimator, params=dict(entry.get("params", {}))))
    if not candidates:
        raise ConfigError("no [[candidates]] declared")
    return tuple(candidates)


def _gate_bound(entry: Mapping[str, Any], name: str, metric: str) -> str:
    """The gate's ``bound``; a champion delta gate defaults to the end that says "worse with confidence"."""
    if "bound" in entry:
        bound = entry["bound"]
        if bound not in GATE_BOUNDS:
            raise ConfigError(f"gate {name!r}: unknown bound {bound!r}; use one of {', '.join(GATE_BOUNDS)}")
        return str(bound)
    if not (metric.startswith("champion.") and metric.endswith("_delta")):
        return "point"
    # The difference's interval must lie wholly outside the allowed range for the gate to fail.
    if "min" in entry and "max" in entry:
        raise ConfigError(f"gate {name!r} bounds {metric!r} on both sides; say which end to check with 'bound'")
    return "upper" if "min" in entry else "lower"


def _gates(entries: list[Mapping[str, Any]]) -> tuple[GateConfig, ...]:
    gates = []
    for entry in entries:
        metric = str(_require(entry, "metric", "gates[]"))
        if "min" not in entry and "max" not in entry:
            raise ConfigError(f"gate on {metric!r} has neither 'min' nor 'max'")
        name = str(entry.get("name", metric))
        gates.append(
            GateConfig(
                name=name,
                metric=metric,
                min=float(entry["min"]) if "min" in entry else None,
                max=float(entry["max"]) if "max" in entry else None,
                bound=_gate_bound(entry, name, metric),
            )
        )
    return tuple(gates)


def _level(section: Mapping[str, Any], where: str) -> float:
    value = section.get("level", CI_LEVEL)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.5 <= value < 1.0:
        raise ConfigError(f"[{where}] level should be a number within 0.5..1 (e.g. 0.95), not {value!r}")
    return float(value)


def _intervals(section: Mapping[str, Any]) -> IntervalsConfig:
    unknown = sorted(set(section) - {"level", "resamples", "seed"})
    if unknown:
        raise ConfigError(f"[intervals] has unknown setting(s) {unknown}; use level, resamples, seed")
    resamples, seed = section.get("resamples", BOOTSTRAP_RESAMPLES), section.get("seed", SEED)
    if isinstance(resamples, bool) or not isinstance(resamples, int) or resamples < 100:
        raise ConfigError(f"[intervals] resamples should be a whole number of at least 100, not {resamples!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ConfigError(f"[intervals] seed should be a whole number >= 0, not {seed!r}")
    return IntervalsConfig(level=_level(section, "intervals"), resamples=resamples, seed=seed)


def _comparison(section: Mapping[str, Any]) -> ComparisonConfig:
    unknown = sorted(set(section) - {"test", "level"})
    if unknown:
        raise ConfigError(f"[comparison] has unknown setting(s) {unknown}; use test, level")
    test = section.get("test", "delong")
    if test not in COMPARISON_TESTS:
        raise ConfigError(f"[comparison] test {test!r} is not one of {', '.join(COMPARISON_TESTS)}")
    return ComparisonConfig(test=str(test), level=_level(section, "comparison"))


def _calibration(section: Mapping[str, Any]) -> CalibrationConfig:
    unknown = sorted(set(section) - {"method"})
    if unknown:
        raise ConfigError(f"[calibration] has unknown setting(s) {unknown}; use method")
    method = section.get("method", "auto")
    if method not in CALIBRATION_METHODS:
        raise ConfigError(f"[calibration] method {method!r} is not one of {', '.join(CALIBRATION_METHODS)}")
    return CalibrationConfig(method=str(method))


def _row_share(scoring: Mapping[str, Any]) -> float:
    """``[scoring] max_missing_share``: the share of missing features above which the app scores no row."""
    value = scoring.get("max_missing_share", 0.5)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raise ConfigError(f"[scoring] max_missing_share should be a number within 0..1, not {value!r}")
    return float(value)


def _sensitive(section: Mapping[str, Any]) -> tuple[SliceSpec, ...]:
    specs = []
    for entry in section.get("sensitive", ()):
        _require(entry, "column", "fairness.sensitive[]")
        try:  # the card's own check, so the build and the app accept the same attributes
            specs.append(slice_spec(entry))
        except CardError as error:
            raise ConfigError(str(error)) from None
    return tuple(specs)


def load_config(path: Path) -> BuildConfig:
    """Read and validate a build configuration; raise ConfigError naming the setting."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"configuration file {path} does not exist") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None
    try:
        return _parse(path, raw)
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from None
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{path}: a setting has the wrong type ({error})") from None


def _parse(path: Path, raw: Mapping[str, Any]) -> BuildConfig:
    model = _require(raw, "model", "")
    data = _require(raw, "data", "")
    target = _require(raw, "target", "")
    validation = raw.get("validation", {})
    fairness = raw.get("fairness", {})
    decision = _require(raw, "decision", "")
    columns = raw.get("columns", {})
    try:
        rules = tuple(parse_rule(text) for text in validation.get("rules", ()))
    except RuleError as error:
        raise ConfigError(str(error)) from None
    features = _features(_require(raw, "features", ""))
    missing = dict(validation.get("max_missing_share", {}))
    default_missing = float(missing.pop("default", 0.0))
    selection = str(raw.get("selection", {}).get("metric", "roc_auc"))
    if selection not in SELECTION_METRICS:
        raise ConfigError(f"[selection] metric {selection!r} is not one of {', '.join(SELECTION_METRICS)}")
    share = tuple(float(v) for v in validation.get("positive_share", (0.0, 1.0)))
    if len(share) != 2:
        raise ConfigError("[validation] positive_share must be [min, max]")
    config = BuildConfig(
        path=path,
        raw=raw,
        name=str(_require(model, "name", "model")),
        display_name=str(model.get("display_name", model["name"])),
        version=str(_require(model, "version", "model")),
        description=str(model.get("description", "")),
        data=DataConfig(
            source=_resolve_source(str(_require(data, "source", "data")), path.parent),
            sha256=str(_require(data, "sha256", "data")).lower(),
            table=data.get("table"),
            query=data.get("query"),
        ),
        target=TargetSpec(
            column=str(_require(target, "column", "target")),
            positive_label=str(_require(target, "positive_label", "target")),
            negative_label=str(_require(target, "negative_label", "target")),
        ),
        id_columns=tuple(str(c) for c in columns.get("id", ())),
        passthrough=tuple(str(c) for c in columns.get("passthrough", ())),
        features=features,
        categories={str(k): tuple(str(v) for v in values) for k, values in raw.get("categories", {}).items()},
        rules=rules,
        max_missing_share={str(k): float(v) for k, v in missing.items()},
        default_max_missing_share=default_missing,
        positive_share=(share[0], share[1]),
        min_rows=int(validation.get("min_rows", 100)),
        row_max_missing_share=_row_share(raw.get("scoring", {})),
        sensitive=_sensitive(fairness),
        min_group_rows=int(fairness.get("min_group_rows", 30)),
        split=_split(_require(raw, "split", "")),
        selection_metric=selection,
        selection_tolerance=float(raw.get("selection", {}).get("tolerance", 0.0)),
        candidates=_candidates(raw.get("candidates", [])),
        cost_per_action=float(_require(decision, "cost_per_action", "decision")),
        value_per_true_positive=float(_require(decision, "value_per_true_positive", "decision")),
        gates=_gates(raw.get("gates", [])),
        golden_rows=int(raw.get("card", {}).get("golden_rows", 20)),
        intervals=_intervals(raw.get("intervals", {})),
        comparison=_comparison(raw.get("comparison", {})),
        calibration=_calibration(raw.get("calibration", {})),
    )
    _cross_check(config)
    return config


def _cross_check(config: BuildConfig) -> None:
    names = set(config.feature_names)
    reserved = {config.target.column, *config.id_columns, *config.passthrough}
    clash = sorted(names & reserved)
    if clash:
        raise ConfigError(f"{clash} cannot be both a feature and the target, an id or a passthrough column")
    for column in config.categories:
        if column not in names or config.kind_of(column) != "categorical":
            raise ConfigError(f"[categories] lists {column!r}, which is not a categorical feature")
    for rule in config.rules:
        if rule.column not in names:
            raise ConfigError(f"rule '{rule.text}' names {rule.column!r}, which is not a feature")
    for spec in config.sensitive:
        if spec.column not in names and spec.column not in config.passthrough:
            raise ConfigError(f"sensitive attribute {spec.column!r} is not a column of the data")
    if not config.data.is_sqlite and (config.data.table or config.data.query):
        raise ConfigError("[data] table and query only apply to sqlite:/// sources")
    if config.data.is_sqlite and bool(config.data.table) == bool(config.data.query):
        raise ConfigError("[data] a sqlite:/// source needs exactly one of 'table' or 'query'")
