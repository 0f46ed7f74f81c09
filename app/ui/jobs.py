"""Long jobs off the main thread: a core function runs in one QObject worker moved to a QThread."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar, cast

from PySide6.QtCore import QObject, QThread, Signal, Slot

from app.core.i18n import shown
from app.ui.i18n import tr

if TYPE_CHECKING:  # the core's reader imports pandas: never at start-up, before the window shows
    from app.core.reading import CancelFn, ProgressFn

__all__ = ["Job", "JobFailure", "JobRunner"]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)  # a Job only produces its result, so a Job[T] is a Job[object]
_PROGRESS_INTERVAL = 0.05  # seconds between progress signals, so the event loop is not flooded


@dataclass(frozen=True)
class JobFailure:
    """Why a job failed, carried to the GUI thread: the exception's type and message, and whether it is a bug."""

    kind: str  # the exception's class name
    message: str
    expected: bool  # an input, bundle or output problem the user can act on; False: a bug
    details: Path | None = None  # errors.log, where a bug's traceback was written

    @classmethod
    def of(cls, error: Exception) -> JobFailure:
        """Describe ``error``; a bug's traceback goes to errors.log here, in the thread where it is alive."""
        from app.core.bundle import BundleError
        from app.core.fileio import OutputError
        from app.core.model_store import InstallRefused
        from app.core.reading import InputError
        from app.core.signing import SignatureError

        # a package that is refused (untrusted, damaged, not newer) is the user's to act on, not a bug
        if isinstance(error, InputError | BundleError | OutputError | SignatureError | InstallRefused):
            return cls(type(error).__name__, shown(error), expected=True)
        if isinstance(error, OSError):
            return cls(type(error).__name__, f"{error.filename or 'file'}: {error.strerror or error}", expected=True)
        from app.crashlog import log_exception

        return cls(type(error).__name__, str(error), expected=False, details=log_exception(error))

    @property
    def text(self) -> str:
        """What the error dialog says: the core's own message, or a plain sentence for a bug."""
        if self.expected:
            return self.message
        return tr("Something went wrong ({kind}: {message}). The details were saved to {where}.").format(
            kind=self.kind, message=self.message, where=self.details
        )


class Job(QObject, Generic[T_co]):
    """Runs ``function(progress, cancelled)`` in a worker thread and reports its result through signals."""

    progress = Signal(int, int)
    finished = Signal(object)  # T_co
    failed = Signal(object)  # JobFailure
    cancelled = Signal()

    def __init__(self, function: Callable[[ProgressFn, CancelFn], T_co]) -> None:
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
        except Exception as error:  # every failure reaches the GUI thread as a JobFailure, never a traceback
            self.failed.emit(JobFailure.of(error))
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
        self.job: Job[object] | None = None
        self._thread: QThread | None = None
        self._on_finished: Callable[[object], None] | None = None
        self._on_failed: Callable[[JobFailure], None] | None = None
        self._on_cancelled: Callable[[], None] | None = None
        self._gc_was_enabled = True

    @property
    def busy(self) -> bool:
        """True while a job runs."""
        return self.job is not None

    def start(
        self,
        job: Job[T],
        on_finished: Callable[[T], None] | None = None,
        on_failed: Callable[[JobFailure], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
    ) -> Job[T]:
        """Run ``job`` in a new thread; the callbacks run on the main thread."""
        if self.busy:
            raise RuntimeError("a job is already running")
        self._on_finished = None
        if on_finished is not None:  # Qt's signal carries an object; the job emitted its own T
            self._on_finished = lambda result: on_finished(cast(T, result))
        self._on_failed, self._on_cancelled = on_failed, on_cancelled
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
        # finalise Qt objects off the GUI thread and crash. Pause it here and resume it in _cleanup; the pause
        # is what keeps the worker safe. Only the young generations are collected first: a full collection
        # stalled the window 60 to 130 ms at every file opened.
        gc.collect(1)
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
    def _finished(self, result: object) -> None:
        if self._on_finished is not None:
            self._on_finished(result)

    @Slot(object)
    def _failed(self, failure: JobFailure) -> None:
        if self._on_failed is not None:
            self._on_failed(failure)

    @Slot()
    def _cancelled(self) -> None:
        if self._on_cancelled is not None:
            self._on_cancelled()

    @Slot()
    def _cleanup(self) -> None:
        if self._thread is not None:
            self._thread.deleteLater()
        if self.job is not None:
            self.job.deleteLater()
        self.job, self._thread = None, None
        self._on_finished = self._on_failed = self._on_cancelled = None
        if self._gc_was_enabled:
            gc.enable()
        self.ended.emit()
