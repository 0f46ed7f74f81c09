"""The exit codes of ``python -m model_build``, in one place, and the error that carries one."""

from __future__ import annotations

__all__ = ["EXIT_BUNDLE", "EXIT_DATA", "EXIT_GATES", "EXIT_OK", "EXIT_USAGE", "BuildError", "exit_code_for"]

EXIT_OK = 0  # built (or the command did what it said)
EXIT_USAGE = 2  # bad configuration or arguments, or a stage's input is missing
EXIT_DATA = 3  # the data was refused: its hash changed, or validation failed
EXIT_BUNDLE = 3  # keygen/package: the bundle to sign cannot be used
EXIT_GATES = 4  # the quality gates failed; the shipped bundle is untouched


class BuildError(RuntimeError):
    """A build that stopped on purpose: bad data, failed gates or a missing artifact."""

    def __init__(self, message: str, exit_code: int, outcome: str) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.outcome = outcome


def exit_code_for(error: Exception) -> int | None:
    """The exit code for an error the build reports in one line, or None for one it does not expect."""
    from model_build.config import ConfigError
    from model_build.ingest import DataError

    if isinstance(error, BuildError):
        return error.exit_code
    if isinstance(error, ConfigError):
        return EXIT_USAGE
    if isinstance(error, DataError):
        return EXIT_DATA
    return None
