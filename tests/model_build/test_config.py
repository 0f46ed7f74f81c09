"""Configurations: the shipped ones load; broken ones are refused with the setting named."""

from __future__ import annotations

from pathlib import Path

import pytest

from model_build.config import ConfigError, load_config
from tests.model_build.conftest import CONFIGS, derive_config


@pytest.mark.parametrize("name", ["telco_churn", "credit_scoring"])
def test_shipped_configs_load_with_their_data_hash(name: str) -> None:
    config = load_config(CONFIGS / f"{name}.toml")
    assert Path(config.data.source).is_file()
    assert len(config.data.sha256) == 64
    assert {c.estimator for c in config.candidates} >= {
        "logistic_regression",
        "hist_gradient_boosting",
        "random_forest",
    }
    assert config.sensitive, "slice metrics need sensitive attributes"
    assert any(g.metric == "test.roc_auc" for g in config.gates)


def test_credit_config_bands_age_for_slices() -> None:
    config = load_config(CONFIGS / "credit_scoring.toml")
    age = next(s for s in config.sensitive if s.column == "Age")
    assert age.labels == ("18-29", "30-44", "45-59", "60+")
    assert {s.column for s in config.sensitive} == {"Age", "Marital"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"metric": '"accuracy_at_random"'}, "[selection] metric 'accuracy_at_random'"),
        ({"train": "0.7"}, "sum to 1"),
        ({"cost_per_action": '"cheap"'}, "wrong type"),
        ({"estimator": '"svm"'}, "unknown estimator 'svm'"),
        ({"rules": '["tenure >>= 0"]'}, "cannot read rule 'tenure >>= 0'"),
    ],
)
def test_bad_settings_are_named(tmp_path: Path, change: dict[str, str], message: str) -> None:
    path = derive_config("telco_churn", tmp_path, **change)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_config(path)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml")


def test_feature_cannot_be_the_target(tmp_path: Path) -> None:
    path = derive_config("telco_churn", tmp_path, numeric='["tenure", "monthly_charges", "total_charges", "churn"]')
    with pytest.raises(ConfigError, match="cannot be both a feature and the target"):
        load_config(path)


def test_scoring_max_missing_share_is_read_and_checked(tmp_path) -> None:
    from pathlib import Path

    import pytest

    from model_build.config import ConfigError, load_config

    source = Path(__file__).resolve().parents[2] / "model_build" / "configs" / "telco_churn.toml"
    text = source.read_text()
    assert load_config(source).row_max_missing_share == 0.5
    for value, ok in (("0.3", True), ("1.5", False), ('"half"', False)):
        config = tmp_path / "telco_churn.toml"
        config.write_text(text + f"\n[scoring]\nmax_missing_share = {value}\n")
        (tmp_path / "data").mkdir(exist_ok=True)
        if ok:
            assert load_config(config).row_max_missing_share == 0.3
        else:
            with pytest.raises(ConfigError, match="max_missing_share"):
                load_config(config)
