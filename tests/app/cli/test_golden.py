"""The CLI's words kept as golden files: every command's --help and the JSON of check and evaluate.

Rewrite them after a deliberate change with ``SCOREDESK_WRITE_GOLDEN=1 uv run pytest tests/app/cli/test_golden.py``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from app.cli import main
from tests.app.inputs import LABELLED

GOLDEN = Path(__file__).parent / "golden"
REPO = Path(__file__).resolve().parents[3]

HELPS = {
    "help": ["--help"],
    **{
        f"help-{command}": [command, "--help"]
        for command in ("score", "check", "evaluate", "report", "info", "history", "self-test", "model")
    },
    **{
        f"help-model-{command}": ["model", command, "--help"]
        for command in ("install", "list", "use", "rollback", "verify")
    },
}


def _normalised(text: str) -> str:
    """Paths and times differ from one checkout and one run to the next; the words must not."""
    text = text.replace(str(REPO), "<repo>")
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?", "<time>", text)


def _compare(name: str, text: str) -> None:
    golden = GOLDEN / f"{name}.txt"
    if os.environ.get("SCOREDESK_WRITE_GOLDEN"):
        golden.write_text(_normalised(text), encoding="utf-8")
    assert _normalised(text) == golden.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _fixed_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")  # argparse wraps help at the terminal's width


@pytest.mark.parametrize("name", sorted(HELPS))
def test_help_is_unchanged(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(HELPS[name])
    assert exit_.value.code == 0
    _compare(name, capsys.readouterr().out)


@pytest.mark.parametrize("command", ["check", "evaluate"])
def test_json_is_unchanged(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, str(LABELLED), "--json"]) == 0
    _compare(f"{command}-json", capsys.readouterr().out)
