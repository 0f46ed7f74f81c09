"""Long jobs off the main thread: a core function runs in one QObject worker moved to a QThread."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

__all__ = ["Job", "JobRunner", "friendly_message"]

JobFunction = Callable[[Callable[[int, int], None], Callable[[], bool]], Any]
_PROGRESS_INTERVAL = 0.05  # seconds between progress signals, so the event loop is not flooded


def friendly_message(error: BaseException) -> str:
    """The core's own message for expected errors; a logged, plain sentence for anything else."""
    from app.core.bundle import BundleError
    from app.core.fileio import OutputError
    from app.core.reading import InputError

    if isinstance(error, InputError | BundleError | OutputError):
        return str(error)
    if isinstance(error, OSError):
        return f"{error.filename or 'file'}: {error.strerror or error}"
    from app.crashlog import log_exception

    where = log_exception(error)
    return f"Something went wrong ({type(error).__name__}: {error}). The details were saved to {where}."


class Job(QObject):
    """Runs ``function(progress, cancelled)`` and reports through signals."""

    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, function: JobFunction) -> None:
        super().__init__()
        self._function = function
        self._cancel = threading.Event()
        self._last_progress = 0.0

    def cancel(self) -> None:
        """Ask the job to stop at its next check."""
        self._cancel.set()

    def _report(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last_progress >= _PROGRESS_INTERVAL or done >= total:
            self._last_progress = now
            self.progress.emit(done, total)

    @Slot()
    def run(self) -> None:
        """Run the function; exactly one of finished, failed or cancelled is emitted."""
        from app.core.scoring import Cancelled

        try:
            result = self._function(self._report, self._cancel.is_set)
        except Cancelled:
            self.cancelled.emit()
        except Exception as error:  # every failure becomes a message, never a traceback in the UI
            self.failed.emit(friendly_message(error))
        else:
            self.finished.emit(result)


class JobRunner(QObject):
    """Owns the worker thread of one job at a time and calls back on the main thread.

    Job signals are connected to this object's slots, so Qt queues them into the main
    thread; plain Python callbacks connected straight to a worker's signal would run in
    the worker thread, where touching a widget crashes.
    """

    started = Signal()
    ended = Signal()
    progress = Signal(int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.job: Job | None = None
        self._thread: QThread | None = None
        self._callbacks: dict[str, Callable[..., None]] = {}
        self._gc_was_enabled = True

    @property
    def busy(self) -> bool:
        """True while a job runs."""
        return self.job is not None

    def start(
        self,
        job: Job,
        on_finished: Callable[[Any], None] | None = None,
        on_failed: Callable[[str], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
    ) -> Job:
        """Run ``job`` in a new thread; the callbacks run on the main thread."""
        if self.busy:
            raise RuntimeError("a job is already running")
        self._callbacks = {
            name: callback
            for name, callback in (("finished", on_finished), ("failed", on_failed), ("cancelled", on_cancelled))
            if callback is not None
        }
        thread = QThread()
        job.moveToThread(thread)
        thread.started.connect(job.run)
        job.progress.connect(self._progress)
        job.finished.connect(self._finished)
        job.failed.connect(self._failed)
        job.cancelled.connect(self._cancelled)
        for signal in (job.finished, job.failed, job.cancelled):
            signal.connect(thread.quit)
        thread.finished.connect(self._cleanup)
        self.job, self._thread = job, thread
        # Python's cyclic garbage collector runs in whichever thread allocates: in the worker it would
        # finalise Qt objects off the GUI thread and crash. Collect here, pause it, resume in _cleanup.
        gc.collect()
        self._gc_was_enabled = gc.isenabled()
        gc.disable()
        thread.start()
        self.started.emit()
        return job

    def cancel(self) -> None:
        """Ask the running job to stop."""
        if self.job is not None:
            self.job.cancel()

    def wait(self, milliseconds: int = 30_000) -> None:
        """Block until the running job's thread ends (for closing the window)."""
        if self._thread is not None:
            self._thread.wait(milliseconds)

    @Slot(int, int)
    def _progress(self, done: int, total: int) -> None:
        self.progress.emit(done, total)

    @Slot(object)
    def _finished(self, result: Any) -> None:
        self._call("finished", result)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._call("failed", message)

    @Slot()
    def _cancelled(self) -> None:
        self._call("cancelled")

    def _call(self, name: str, *args: Any) -> None:
        callback = self._callbacks.get(name)
        if callback is not None:
            callback(*args)

    @Slot()
    def _cleanup(self) -> None:
        if self._thread is not None:
            self._thread.deleteLater()
        if self.job is not None:
            self.job.deleteLater()
        self.job, self._thread, self._callbacks = None, None, {}
        if self._gc_was_enabled:
            gc.enable()
        self.ended.emit()
