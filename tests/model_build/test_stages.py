"""The stage registry: what each stage reads decides what a single-stage run loads, and dvc.yaml agrees with it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from model_build.__main__ import main
from model_build.pipeline import plan
from model_build.stages import COMMON_CODE, STAGES
from tests.model_build.conftest import Built

REPO = Path(__file__).resolve().parents[2]
DATA = "model_build/data/telco_churn.csv"


def _names(stages: list) -> list[str]:
    return [stage.name for stage in stages]


def test_a_full_build_runs_every_stage_and_loads_none() -> None:
    run, load = plan(())
    assert run == list(STAGES)
    assert load == []


def test_evaluate_alone_loads_only_what_it_reads() -> None:
    run, load = plan(("evaluate",))
    assert _names(run) == ["ingest", "evaluate"]
    assert _names(load) == ["split", "train", "threshold"]


def test_a_stage_without_saved_output_runs_when_read() -> None:
    run, load = plan(("gates", "bundle"))
    assert _names(run) == ["ingest", "gates", "bundle"]  # ingest has nothing to load: it always runs
    assert "validate" not in _names(load)


def test_every_read_names_an_earlier_stage() -> None:
    seen: set[str] = set()
    for stage in STAGES:
        assert set(stage.reads) <= seen, f"{stage.name} reads a stage that runs after it"
        seen.add(stage.name)


def _dvc_stages() -> dict:
    return yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"]


def _paths(entries: list) -> set[str]:
    return {next(iter(e)) if isinstance(e, dict) else e for e in entries}


@pytest.mark.parametrize("dvc_stage", list(_dvc_stages()))
def test_dvc_yaml_names_the_registrys_stages_deps_and_outs(dvc_stage: str) -> None:
    declared = _dvc_stages()[dvc_stage]
    group = tuple(re.search(r"--stage (\S+)", declared["cmd"]).group(1).split(","))
    run, load = plan(group)
    code = {*COMMON_CODE, *(path for stage in run for path in stage.code)}
    inputs = {f"${{work}}/{artifact}" for stage in load for artifact in stage.artifacts}
    assert _paths(declared["deps"]) == code | inputs | {DATA}
    outputs = {f"${{work}}/{artifact}" for stage in run if stage.name in group for artifact in stage.artifacts}
    if "bundle" in group:
        outputs |= {"resources/model", "resources/samples"}
    assert _paths(declared["outs"]) == outputs
    for path in code:
        assert (REPO / path).is_file(), path


def test_dvc_yaml_runs_every_stage_once_in_order() -> None:
    groups = [re.search(r"--stage (\S+)", s["cmd"]).group(1).split(",") for s in _dvc_stages().values()]
    assert ["ingest", *(name for group in groups for name in group)] == [stage.name for stage in STAGES]


def test_stage_evaluate_needs_only_the_outputs_it_reads(
    telco_build: Built, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = telco_build.work / "telco_churn"
    work = tmp_path / "work" / "telco_churn"
    work.mkdir(parents=True)
    for name in ("split.csv", "candidates.json", "winner.joblib", "threshold.json"):  # no validation.json
        shutil.copy2(saved / name, work / name)
    assert main(["--work", str(tmp_path / "work"), "--out", str(tmp_path / "bundle"), "--stage", "evaluate"]) == 0
    out = capsys.readouterr().out
    assert "evaluate   ok" in out
    assert "validate" not in out
    assert (work / "evaluation.json").read_text() == (saved / "evaluation.json").read_text()
