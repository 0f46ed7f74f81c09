"""Short computations a click asks for (a row's explanation), run off the GUI thread so the window never waits.

Unlike a job (app.ui.jobs), these show no progress and never block other work: a new request supersedes the
one before it, whose result is dropped when it arrives.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal

__all__ = ["Background"]


class Background(QObject):
    """One worker thread; ``run(compute, deliver)`` calls ``deliver(result)`` on the GUI thread, latest only."""

    _finished = Signal(int, object)  # emitted from the worker: Qt queues it to the GUI thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scoredesk-background")
        self._latest = 0
        self.arrived = 0  # results that came back, delivered or dropped (tests wait on it)
        self._deliver: Callable[[Any], None] | None = None
        self._finished.connect(self._arrived)
        self.destroyed.connect(lambda: self._pool.shutdown(wait=False, cancel_futures=True))

    @property
    def busy(self) -> bool:
        """True while a request's result has yet to arrive."""
        return self._deliver is not None

    def run(self, compute: Callable[[], Any], deliver: Callable[[Any], None]) -> None:
        """Compute in the worker; deliver on the GUI thread unless another request (or ``cancel``) came since."""
        self._latest += 1
        token, self._deliver = self._latest, deliver

        def work() -> None:
            try:
                result: Any = compute()
            except Exception as error:
                result = error
            self._finished.emit(token, result)

        self._pool.submit(work)

    def cancel(self) -> None:
        """Drop whatever is on its way: the window shows something else now."""
        self._latest += 1
        self._deliver = None

    def _arrived(self, token: int, result: object) -> None:
        self.arrived += 1
        if token != self._latest or self._deliver is None:
            return
        deliver, self._deliver = self._deliver, None
        if isinstance(result, Exception):
            raise result  # a bug: the window's excepthook reports it, as for any slot
        deliver(result)
