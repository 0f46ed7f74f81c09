"""The frozen build: size and file count against a naive spec (no exclusions), start-up, self-test time.

Goals: the folder at most 45% of the naive build's size; frozen start-up to the window <= 0.7 s median.
Both builds are made in this run, from the same checkout, side by side.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, record, summary
from bench_app import startup_seconds

GOAL_SIZE_SHARE, GOAL_STARTUP_S = 0.45, 0.7


def build(distpath: Path, workpath: Path, naive: bool) -> Path:
    """PyInstaller with build.spec (naive: without the spec's exclusions)."""
    environment = os.environ | ({"SCOREDESK_NAIVE_BUILD": "1"} if naive else {})
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(REPO / "build.spec"),
            "--noconfirm",
            "--log-level",
            "ERROR",
            "--distpath",
            str(distpath),
            "--workpath",
            str(workpath),
        ],
        cwd=REPO,
        env=environment,
        check=True,
        capture_output=True,
    )
    return distpath / "ScoreDesk"


def footprint(folder: Path) -> dict[str, float]:
    """Megabytes and files of a build folder (symlinks counted once, as files on disk)."""
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return {"megabytes": round(sum(p.stat().st_size for p in files) / 2**20, 1), "files": len(files)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        ours = build(folder / "dist", folder / "work", naive=False)
        naive = build(folder / "naive-dist", folder / "naive-work", naive=True)
        sizes = {"ours": footprint(ours), "naive": footprint(naive)}
        startup = startup_seconds([str(ours / "ScoreDesk")], args.repeat)
        environment = os.environ | {"QT_QPA_PLATFORM": "offscreen", "SCOREDESK_DATA_DIR": str(folder / "data")}
        self_tests = []
        for _ in range(3):
            started = time.perf_counter()
            subprocess.run([str(ours / "ScoreDesk"), "self-test"], env=environment, check=True, capture_output=True)
            self_tests.append(time.perf_counter() - started)
    share = sizes["ours"]["megabytes"] / sizes["naive"]["megabytes"]
    result = {
        "size": sizes | {"share_of_naive": round(share, 3)},
        "frozen_startup_seconds": summary(startup, digits=3),
        "frozen_self_test_seconds": {"median": round(statistics.median(self_tests), 2), "runs": len(self_tests)},
        "goals": {"share_of_naive": GOAL_SIZE_SHARE, "frozen_startup_median_s": GOAL_STARTUP_S},
    }
    result["meets_goals"] = {
        "size": share <= GOAL_SIZE_SHARE,
        "startup": result["frozen_startup_seconds"]["median"] <= GOAL_STARTUP_S,
    }
    record("release", result)


if __name__ == "__main__":
    main()
