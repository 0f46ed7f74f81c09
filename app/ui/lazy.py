"""Refresh a panel now if it is on screen, or when it next appears: hidden tabs cost nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

__all__ = ["WhenVisible"]


class WhenVisible(QObject):
    """Call it instead of ``refresh``: runs when the event loop next turns if ``widget`` is visible (requests in
    between make one refresh), else on its next show."""

    def __init__(self, widget: QWidget, refresh: Callable[[], None], coalesce: bool = False) -> None:
        super().__init__(widget)
        self._widget = widget
        self._refresh = refresh
        self._coalesce = coalesce
        self.pending = False
        # With ``coalesce``, requests that arrive together (25 presses of an arrow key queued behind one slow
        # redraw) make one more refresh, for the latest state, when the event loop next turns: not one each.
        self._soon = QTimer(self, singleShot=True, interval=0)
        self._soon.timeout.connect(self._refresh_now)
        widget.installEventFilter(self)

    def __call__(self, *_: Any) -> None:  # noqa: ANN401 - an opaque JSON or Qt value
        self.pending = True
        if not self._widget.isVisible():
            return
        if self._soon.isActive():
            return  # refreshed a moment ago: the next turn of the event loop refreshes once more, for the latest
        self._refresh_now()
        if self._coalesce:
            self._soon.start()  # requests queued behind this refresh wait for it

    def _refresh_now(self) -> None:
        if self.pending and self._widget.isVisible():
            self.pending = False
            self._refresh()

    def flush(self) -> None:
        """Refresh now if a request is waiting (for code that reads the panel right after changing the state)."""
        self._soon.stop()
        self._refresh_now()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Show and self.pending:
            self.pending = False
            self._refresh()
        return False
