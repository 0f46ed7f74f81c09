"""Refresh a panel now if it is on screen, or when it next appears: hidden tabs cost nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

__all__ = ["WhenVisible"]


class WhenVisible(QObject):
    """Call it instead of ``refresh``: runs at once when ``widget`` is visible, else on its next show."""

    def __init__(self, widget: QWidget, refresh: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._refresh = refresh
        self.pending = False
        widget.installEventFilter(self)

    def __call__(self, *_: Any) -> None:  # noqa: ANN401 - an opaque JSON or Qt value
        if self._widget.isVisible():
            self.pending = False
            self._refresh()
        else:
            self.pending = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Show and self.pending:
            self.pending = False
            self._refresh()
        return False
