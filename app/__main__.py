"""`python -m app`: the desktop window; with a command (score, check, evaluate, info, self-test), the CLI."""

from __future__ import annotations

import sys


def main() -> int:
    """The CLI when a command is given, else the desktop window."""
    if len(sys.argv) > 1:
        from app.cli import main as cli_main

        return cli_main(sys.argv[1:])
    from app.ui.app import run

    return run(sys.argv)


if __name__ == "__main__":
    sys.exit(main())
