"""The dependency rules and types of README's "Architecture" section: import-linter's contracts and mypy."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path


def test_import_contracts_hold(repo: Path) -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=repo, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout
    assert "0 broken" in result.stdout


def test_every_core_module_has_a_layer(repo: Path) -> None:
    # A module left out of the layers contract could import upwards, or into a cycle, unnoticed.
    contracts = tomllib.loads((repo / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    (layers,) = [c["layers"] for c in contracts if c["type"] == "layers" and c.get("containers") == ["app.core"]]
    listed = [name.strip() for layer in layers for name in layer.replace(":", "|").split("|")]
    modules = sorted(p.stem for p in (repo / "app" / "core").glob("*.py") if p.stem != "__init__")
    assert sorted(listed) == modules


def test_types_check(repo: Path) -> None:
    # Strict on app.core, checked on the rest (pyproject.toml, [tool.mypy]).
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental"], cwd=repo, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr
    assert "Success: no issues found" in result.stdout
