"""A full `python -m model_build` run (all stages, telco config), wall clock. Goal: under 60 s on 2 cores."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _common import PYTHON, record, summary, time_command

GOAL_SECONDS = 60.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        out, work = Path(folder) / "bundle", Path(folder) / "work"
        command = [PYTHON, "-m", "model_build", "--out", str(out), "--work", str(work)]
        times = time_command(command, args.repeat)
    stats = summary(times)
    record(
        "model_build", {"seconds": stats, "goal_seconds": GOAL_SECONDS, "meets_goal": stats["median"] < GOAL_SECONDS}
    )


if __name__ == "__main__":
    main()
