"""build.spec names ``app.cli`` as a hidden import; PyInstaller then collects what that package imports."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import app.cli


def test_importing_the_cli_package_imports_every_module_of_it() -> None:
    # PyInstaller follows import statements from a hidden import: a command module that only a string or a
    # lazy lookup reached would be missing from the frozen program, so each one is imported when app.cli is.
    modules = {f"app.cli.{info.name}" for info in pkgutil.iter_modules(app.cli.__path__)}
    assert {"app.cli.parser", "app.cli.runner", "app.cli.score", "app.cli.self_test"} <= modules
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, app.cli; print(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert modules <= set(loaded), modules - set(loaded)
