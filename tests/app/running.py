"""Running the command line in-process, as the tests do."""

from __future__ import annotations

import pytest

from app.cli import main


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The exit code, standard output and standard error of one command."""
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err
