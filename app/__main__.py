"""`python -m app`: the desktop window; with a command (score, check, evaluate, info, self-test), the CLI.

A single argument naming a file opens the window on that file, as a file manager's "Open with" does.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

# The CLI's commands (app/cli/parser.py; a test keeps the two lists equal). Here so the window starts without the CLI.
CLI_COMMANDS = frozenset({"score", "check", "evaluate", "report", "info", "history", "self-test", "model"})


def file_to_open(arguments: Sequence[str]) -> Path | None:
    """The file to open in the window when the only argument names one and is no command or option, else None."""
    if len(arguments) != 1 or arguments[0] in CLI_COMMANDS or arguments[0].startswith("-"):
        return None
    try:
        return Path(arguments[0]) if Path(arguments[0]).is_file() else None
    except (OSError, ValueError):  # a name too long, or with a NUL: the CLI explains what it expected
        return None


def main() -> int:
    """The CLI when a command is given, else the desktop window."""
    arguments = sys.argv[1:]
    path = file_to_open(arguments)
    if arguments and path is None:
        from app.cli import main as cli_main

        return cli_main(arguments)
    from app.ui.app import run

    return run(sys.argv[:1], open_path=path)


if __name__ == "__main__":
    sys.exit(main())
