"""`python -m app`: the desktop window; with a command (score, check, evaluate, info, self-test), the CLI."""

from __future__ import annotations

import sys


def main() -> int:
    """Dispatch to the CLI when a command is given."""
    if len(sys.argv) > 1:
        from app.cli import main as cli_main

        return cli_main(sys.argv[1:])
    from app.cli import main as cli_main

    # Until the desktop window lands, the program without arguments shows the model's summary.
    return cli_main(["info"])


if __name__ == "__main__":
    sys.exit(main())
