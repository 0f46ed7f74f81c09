"""Helpers shared by the benchmarks: timing subprocesses and recording results."""

from __future__ import annotations

import json
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
REPO = Path(__file__).resolve().parents[1]


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    import os

    return {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()}


def time_command(command: Sequence[str], repeat: int, cwd: Path = REPO) -> list[float]:
    """Wall-clock seconds of ``repeat`` runs of a command that must succeed."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - started)
    return times


def _tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants now (Linux /proc), in MB."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = dict(line.split(":", 1) for line in (entry / "status").read_text().splitlines() if ":" in line)
        except OSError:
            continue
        parents[int(entry.name)] = int(fields.get("PPid", "0").strip())
        rss[int(entry.name)] = int(fields.get("VmRSS", "0 kB").split()[0])
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(rss.get(pid, 0) for pid in tree) / 1024


def compile_bytecode() -> None:
    """Compile every module the measured commands import, as an installed program has them.

    With PYTHONDONTWRITEBYTECODE set (as on the benchmark machine), each run would otherwise
    compile pandas, scikit-learn and the app from source again: a second or more per run that
    no user pays and that would blur the comparison.
    """
    import site
    import sysconfig

    folders = [*site.getsitepackages(), sysconfig.get_paths()["stdlib"], str(REPO / "app")]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}  # the stdlib's test data warns
    subprocess.run([PYTHON, "-m", "compileall", "-q", "-j", "0", *folders], check=False, **quiet)


def run_measured(command: Sequence[str], cwd: Path = REPO) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB, summed over the process and its workers) of one run."""
    import threading

    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_mb(process.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {stderr.decode(errors='replace')[-500:]}")
    return seconds, peak[0]


def summary(values: Sequence[float], digits: int | None = None) -> dict[str, float]:
    """Median, min and max of a sample (rounded to ``digits`` if given), and its size."""
    figures = {"median": statistics.median(values), "min": min(values), "max": max(values)}
    if digits is not None:
        figures = {name: round(value, digits) for name, value in figures.items()}
    return {**figures, "runs": len(values)}


def build_telco_model(folder: Path) -> Any:  # noqa: ANN401 - an opaque JSON or Qt value
    """Build the telco model into ``folder`` (bundle/, work/, samples/), as the baselines need it."""
    from model_build.pipeline import BuildOptions, run_build

    return run_build(
        BuildOptions(
            config_path=REPO / "model_build" / "configs" / "telco_churn.toml",
            out_dir=folder / "bundle",
            work_dir=folder / "work",
            samples_dir=folder / "samples",
            echo=lambda _: None,
        )
    )


def record(name: str, result: dict[str, Any]) -> Path:
    """Write ``results/<name>.json`` and echo it."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {"benchmark": name, "measured_at": time.strftime("%Y-%m-%d %H:%M:%S"), "machine": machine(), **result}
    path.write_text(json.dumps(payload, indent=1) + "\n")
    print(json.dumps(payload, indent=1))
    return path


PYTHON = sys.executable
