"""Entry point of the frozen program: the desktop window by default, the CLI with a command."""

import sys

from app.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
