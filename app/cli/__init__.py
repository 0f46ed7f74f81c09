"""The headless command line: score, check, evaluate, report, info, history, model and self-test.

Exit codes: 0 done (warnings allowed); 2 the input or the arguments cannot be used
(one line on stderr names the file and the problem, and no output file is left);
3 the model bundle failed its integrity check.

The parser is in ``parser``, each command in a module of its own, and ``runner`` owns the language,
the model, signals, a closed pipe and the exit codes (``exits``).
"""

from __future__ import annotations

from app.cli.exits import (
    EXIT_BUNDLE,
    EXIT_INPUT,
    EXIT_INTEGRITY,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_SIGNAL,
    EXIT_UNEXPECTED,
)
from app.cli.info import card_summary
from app.cli.parser import _parser
from app.cli.runner import main

__all__ = [
    "EXIT_BUNDLE",
    "EXIT_INPUT",
    "EXIT_INTEGRITY",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_SIGNAL",
    "EXIT_UNEXPECTED",
    "_parser",
    "card_summary",
    "main",
]
