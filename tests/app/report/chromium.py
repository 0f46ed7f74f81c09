"""Debian's headless Chromium driven over the DevTools protocol through a pipe (``--remote-debugging-pipe``).

No port is opened and no client library or browser download is needed: Chromium reads commands from its fd 3
and writes answers and events to its fd 4, one JSON message per NUL-terminated line. Every wait is for a
condition (an answer, an event), with a generous deadline for a busy machine, never a fixed sleep.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["Chromium", "find_chromium"]

# The shim puts the two pipe ends on fds 3 and 4 in the child (subprocess keeps fd numbers, it cannot move
# them), then becomes Chromium: no preexec_fn, so it is safe beside the test process's threads.
_SHIM = (
    "import fcntl, os, sys\n"
    "r, w = (fcntl.fcntl(int(fd), fcntl.F_DUPFD, 10) for fd in sys.argv[1:3])\n"
    "os.dup2(r, 3); os.dup2(w, 4); os.close(r); os.close(w)\n"
    "os.execv(sys.argv[3], sys.argv[3:])\n"
)

_FLAGS = (
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--remote-debugging-pipe",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
)


def find_chromium() -> str | None:
    """The Chromium executable: $SCOREDESK_CHROMIUM, else Debian's ``chromium`` on the PATH."""
    return os.environ.get("SCOREDESK_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


class ChromiumError(RuntimeError):
    """The browser answered a command with an error, or did not answer in time."""


class Chromium:
    """One headless browser with one page; ``send`` a command, ``wait_for`` an event, ``close`` at the end."""

    def __init__(self, executable: str, profile: Path, timeout: float = 90.0) -> None:
        self.timeout = timeout
        self.log = profile.parent / f"{profile.name}-stderr.log"
        commands_read, self._commands = os.pipe()
        self._answers, answers_write = os.pipe()
        with open(self.log, "wb") as stderr:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    _SHIM,
                    str(commands_read),
                    str(answers_write),
                    executable,
                    *_FLAGS,
                    f"--user-data-dir={profile}",
                    "about:blank",
                ],
                pass_fds=(commands_read, answers_write),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        os.close(commands_read)
        os.close(answers_write)
        self._ids = itertools.count(1)
        self._condition = threading.Condition()
        self._answers_by_id: dict[int, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self._closed = False
        self._reader = threading.Thread(target=self._read, name="chromium-devtools", daemon=True)
        self._reader.start()
        self.session = ""

    # ---- the protocol ----------------------------------------------------------------------------
    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self._answers, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                break
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            with self._condition:
                for raw in messages:
                    message = json.loads(raw)
                    if "id" in message:
                        self._answers_by_id[message["id"]] = message
                    else:
                        self.events.append(message)
                self._condition.notify_all()
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    def _wait(self, found: Callable[[], Any], what: str) -> Any:  # noqa: ANN401 - whatever the condition finds
        with self._condition:
            result = self._condition.wait_for(lambda: found() or self._closed, timeout=self.timeout)
            if result is True and self._closed and not found():
                raise ChromiumError(f"Chromium closed its pipe while waiting for {what}; see {self.log}")
            if not result:
                raise ChromiumError(f"no {what} from Chromium within {self.timeout:.0f} s; see {self.log}")
            return found()

    def send(self, method: str, params: dict[str, Any] | None = None, *, page: bool = True) -> dict[str, Any]:
        """Run one command (on the page's session unless ``page`` is False) and return its result."""
        number = next(self._ids)
        message: dict[str, Any] = {"id": number, "method": method, "params": params or {}}
        if page and self.session:
            message["sessionId"] = self.session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        answer = self._wait(lambda: self._answers_by_id.get(number), f"answer to {method}")
        if "error" in answer:
            raise ChromiumError(f"{method}: {answer['error']}")
        return dict(answer.get("result", {}))

    def wait_for(self, method: str, after: int = 0) -> dict[str, Any]:
        """The first event ``method`` of the page at or after position ``after`` of ``events``."""

        def first() -> dict[str, Any] | None:
            return next(
                (
                    e
                    for e in self.events[after:]
                    if e.get("method") == method and e.get("sessionId", self.session) == self.session
                ),
                None,
            )

        return dict(self._wait(first, f"event {method}"))

    def page_events(self, method: str) -> list[dict[str, Any]]:
        """The page's events ``method`` so far (their params)."""
        with self._condition:
            return [
                e["params"] for e in self.events if e.get("method") == method and e.get("sessionId") == self.session
            ]

    # ---- a page ----------------------------------------------------------------------------------
    def open_page(self, width: int = 1200, height: int = 900) -> None:
        """A new page with its console, network and page events on, at a desktop window size."""
        target = self.send("Target.createTarget", {"url": "about:blank"}, page=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True}, page=False)[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )

    def load(self, url: str) -> None:
        """Navigate and wait for the load event; then one round trip, so every earlier event has arrived."""
        before = len(self.events)
        answer = self.send("Page.navigate", {"url": url})
        if answer.get("errorText"):
            raise ChromiumError(f"{url}: {answer['errorText']}")
        self.wait_for("Page.loadEventFired", before)
        self.evaluate("document.readyState")

    def evaluate(self, expression: str) -> Any:  # noqa: ANN401 - a JSON value from the page
        """The value of a JavaScript expression in the page."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise ChromiumError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path, full_page: bool = True) -> Path:
        """A PNG of the page: all of it, or the window's first screen."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            size = self.send("Page.getLayoutMetrics")["cssContentSize"]
            params |= {
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
            }
        path.write_bytes(base64.b64decode(self.send("Page.captureScreenshot", params)["data"]))
        return path

    def pdf(self) -> bytes:
        """The page printed as the print dialog would (print stylesheet, backgrounds)."""
        return base64.b64decode(
            self.send("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True})["data"]
        )

    def close(self) -> None:
        """Ask the browser to quit; stop it if it does not."""
        try:
            if self.process.poll() is None:
                self.send("Browser.close", page=False)
        except (ChromiumError, OSError):
            pass
        try:
            self.process.wait(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._commands, self._answers):
            try:
                os.close(fd)
            except OSError:
                pass
        self._reader.join(timeout=self.timeout)
