"""Make the documentation's pictures again from the real program, so they follow the window and the report.

    uv run python packaging/screenshots.py            # docs/app.png, docs/app_es.png, docs/report.png

The window is the real MainWindow on the shipped model with the labelled sample open, drawn offscreen (no display
needed); each picture is one tab, a row selected where the tab explains it. The report is the real
`python -m app report` page, photographed by Debian's headless Chromium when it is installed (`.ci/run` installs
it); without Chromium the report picture is left as it is, and the script says so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
# (file, language, tab, row to select): the pictures the README and the guide show.
WINDOW_SHOTS = (("app.png", "en", "Model quality", None), ("app_es.png", "es", "Results", 1))


def window_shots(folder: Path = DOCS) -> list[Path]:
    """Draw each window picture into ``folder``; returns the files."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from app.core.bundle import load_bundle
    from app.core.i18n import set_front_end
    from app.core.paths import samples_dir
    from app.ui.i18n import install_language
    from app.ui.main_window import MainWindow
    from app.ui.settings import Settings
    from app.ui.state import AppState

    application = QApplication.instance() or QApplication([])
    set_front_end("window")
    bundle = load_bundle()
    written = []
    for name, language, tab, row in WINDOW_SHOTS:
        install_language(language)
        window = MainWindow(AppState(), Settings())
        window.resize(1280, 820)
        window.use_bundle(bundle)
        window.show()
        loop = QEventLoop()
        window.fileLoaded.connect(lambda _table, loop=loop: QTimer.singleShot(0, loop.quit))
        window.jobFailed.connect(lambda _message, loop=loop: loop.quit())
        window.open_file(samples_dir() / "telco_churn_labelled.csv")
        loop.exec()
        while window.jobs.busy:
            application.processEvents()
        if row is not None:
            window.panels["Results"].view.selectRow(row)  # type: ignore[attr-defined]
        window.tabs.setCurrentWidget(window.panels[tab])
        settle = QEventLoop()  # let the tab lay out, then its charts draw again at their laid-out size
        QTimer.singleShot(400, settle.quit)
        settle.exec()
        path = folder / name
        window.grab().save(str(path))
        written.append(path)
        window.close()
    install_language("en")
    return written


def report_shot(folder: Path = DOCS) -> Path | None:
    """Photograph the first screen of the labelled sample's report with headless Chromium (None without it)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return None
    with tempfile.TemporaryDirectory() as scratch:
        page = Path(scratch) / "report.html"
        sample = REPO / "resources" / "samples" / "telco_churn_labelled.csv"
        environment = os.environ | {"SCOREDESK_DATA_DIR": scratch}
        subprocess.run(
            [sys.executable, "-m", "app", "report", str(sample), "-o", str(page)],
            check=True,
            cwd=REPO,
            env=environment,
        )
        path = folder / "report.png"
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
        subprocess.run(
            [
                chromium,
                *flags,
                f"--user-data-dir={scratch}/profile",
                f"--screenshot={path}",
                "--window-size=1280,900",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        return path


def main() -> int:
    """Write every picture; say which."""
    with tempfile.TemporaryDirectory() as data:
        os.environ["SCOREDESK_DATA_DIR"] = data  # the user's settings and run log stay out of the pictures
        for path in window_shots():
            print(f"wrote {path.relative_to(REPO)}")
    report = report_shot()
    print(f"wrote {report.relative_to(REPO)}" if report else "no Chromium: docs/report.png left as it is")
    return 0


if __name__ == "__main__":
    sys.exit(main())
