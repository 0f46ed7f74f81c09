"""Error dialogs with the core's clear message, and a last-resort hook for unexpected exceptions."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from app.ui.i18n import tr

__all__ = ["install_excepthook", "show_error"]


def show_error(parent: QWidget | None, title: str, message: str, *, bug: bool = False) -> QMessageBox:
    """A window-modal, non-blocking error box (tests find it; the event loop keeps running).

    ``bug`` marks an error no check foresaw (its traceback is in errors.log) apart from a problem with the
    user's input, which the user can fix.
    """
    icon = QMessageBox.Icon.Critical if bug else QMessageBox.Icon.Warning
    box = QMessageBox(icon, title, message, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorDialog")
    box.open()
    return box


def install_excepthook(parent_getter: Callable[[], QWidget | None]) -> None:
    """Log unexpected exceptions to the user data folder and show a friendly dialog instead of a traceback."""

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        from app.crashlog import log_exception

        where = log_exception(error.with_traceback(trace))
        show_error(
            parent_getter(),
            tr("Unexpected error"),
            tr("Something went wrong: {error}\n\nThe app is still usable. The details were saved to {where}.").format(
                error=error, where=where
            ),
        )

    sys.excepthook = hook
