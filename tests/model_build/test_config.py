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


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "min = 0.83\n",
            'min = 0.83\nbound = "lowest"\n',
            "gate 'Ranks churners well': unknown bound 'lowest'; use one of point",
        ),
        ("level = 0.95\nresamples", "level = 95\nresamples", "[intervals] level should be a number within 0.5..1"),
        ("resamples = 1000", "resamples = 10", "[intervals] resamples should be a whole number of at least 100"),
        ("seed = 20261202\n", 'seed = "x"\n', "[intervals] seed should be a whole number"),
        ('test = "delong"', 'test = "mcnemar"', "[comparison] test 'mcnemar' is not one of delong, paired_bootstrap"),
        ('test = "delong"\nlevel = 0.95', 'test = "delong"\nlevel = 1.0', "[comparison] level should be"),
        ("[intervals]\n", "[intervals]\nmethod = 1\n", "[intervals] has unknown setting(s) ['method']"),
        (
            'min = -0.005\nbound = "upper"\n',
            "min = -0.005\nmax = 0.5\n",
            "gate 'No regression against the shipped model' bounds 'champion.roc_auc_delta' on both sides",
        ),
    ],
)
def test_bad_interval_gate_and_comparison_settings_are_named(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = derive_config("telco_churn", tmp_path)
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(
        ConfigError, match=message.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(").replace(")", r"\)")
    ):
        load_config(path)


def test_interval_comparison_and_calibration_settings_have_defaults(tmp_path: Path) -> None:
    import re

    path = derive_config("telco_churn", tmp_path)
    text = re.sub(r"^\[(intervals|comparison|calibration)\]\n(?:[a-z_]+ = .*\n)*", "", path.read_text(), flags=re.M)
    text = text.replace('bound = "upper"\n', "")
    path.write_text(text)
    config = load_config(path)
    assert (config.intervals.level, config.intervals.resamples, config.intervals.seed) == (0.95, 1000, 20261202)
    assert (config.comparison.test, config.comparison.level) == ("delong", 0.95)
    assert config.calibration.method == "auto"
    bounds = {g.metric: g.bound for g in config.gates}
    # A champion delta gate with a minimum checks the upper end of the difference's interval; others the point.
    assert bounds["champion.roc_auc_delta"] == "upper"
    assert set(bounds.values()) == {"point", "upper"}
