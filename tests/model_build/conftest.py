"""Real builds on the real snapshots, shared across the model_build tests to keep CI fast."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from model_build.pipeline import BuildOptions, BuildOutcome, run_build

CONFIGS = Path(__file__).resolve().parents[2] / "model_build" / "configs"
DATA = CONFIGS.parent / "data"

LOGISTIC_ONLY = """
[[candidates]]
name = "logistic_regression"
estimator = "logistic_regression"
params = { C = 1.0, max_iter = 2000 }
"""


def derive_config(
    base: str,
    folder: Path,
    *,
    source: str | None = None,
    candidates: str | None = None,
    extra: str = "",
    **settings: str,
) -> Path:
    """A copy of a shipped config with an absolute data path and the given changes.

    ``settings`` replace whole ``key = value`` lines (e.g. ``sha256='"abc"'``);
    ``candidates`` replaces every [[candidates]] block; ``extra`` is appended.
    """
    text = (CONFIGS / f"{base}.toml").read_text(encoding="utf-8")
    data_file = DATA / f"{base}.csv"
    text = re.sub(r'^source = ".*"$', lambda _: f"source = {json.dumps(source or str(data_file))}", text, flags=re.M)
    for key, value in settings.items():
        text, count = re.subn(rf"^{key} = .*$", f"{key} = {value}", text, count=1, flags=re.M)
        assert count == 1, f"{key} not found in {base}.toml"
    if candidates is not None:
        blocks = re.compile(r"^\[\[candidates\]\]\n(?:(?!^\[).*\n)*", re.M)
        first = blocks.search(text)
        assert first is not None
        text = blocks.sub("", text)
        text = text[: first.start()] + candidates.strip() + "\n\n" + text[first.start() :]
    path = folder / f"{base}.toml"
    path.write_text(text + extra, encoding="utf-8")
    return path


@dataclass
class Built:
    """A finished build and where it wrote."""

    outcome: BuildOutcome
    out: Path
    work: Path
    config: Path


def build(config: Path, folder: Path, **options: object) -> Built:
    """Run a whole build into ``folder/bundle`` with its work files in ``folder/work``."""
    out, work = folder / "bundle", folder / "work"
    outcome = run_build(BuildOptions(config_path=config, out_dir=out, work_dir=work, echo=lambda _: None, **options))
    return Built(outcome, out, work, config)


@pytest.fixture(scope="session")
def telco_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The shipped telco configuration, built for real once per test session."""
    folder = tmp_path_factory.mktemp("telco")
    return build(CONFIGS / "telco_churn.toml", folder)


@pytest.fixture(scope="session")
def telco_rebuild(telco_build: Built) -> Built:
    """A second build of the same commit and data into the same folder (champion = first build)."""
    outcome = run_build(
        BuildOptions(
            config_path=telco_build.config,
            out_dir=telco_build.out,
            work_dir=telco_build.work.parent / "work2",
            echo=lambda _: None,
        )
    )
    return Built(outcome, telco_build.out, telco_build.work.parent / "work2", telco_build.config)
