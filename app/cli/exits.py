"""The CLI's exit codes, by name: scripts tell a bad input from a failed model from an interrupted run."""

from __future__ import annotations

__all__ = [
    "EXIT_BUNDLE",
    "EXIT_INPUT",
    "EXIT_INTEGRITY",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_SIGNAL",
    "EXIT_UNEXPECTED",
]

EXIT_OK = 0  # done; warnings allowed
EXIT_UNEXPECTED = 1  # a failure nobody foresaw, logged with its details
EXIT_INPUT = 2  # the input or the arguments cannot be used
EXIT_BUNDLE = 3  # the model bundle failed its integrity check, or cannot be used
EXIT_INTEGRITY = EXIT_BUNDLE
EXIT_SIGNAL = 128  # plus the signal's number: stopped by TERM or HUP
EXIT_INTERRUPTED = EXIT_SIGNAL + 2  # Ctrl+C (SIGINT), as a shell reports it
