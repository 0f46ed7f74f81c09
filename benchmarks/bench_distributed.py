"""`score --engine dask` on 10M rows, side by side with the local engine and a plain Dask script.

    uv run python benchmarks/bench_distributed.py [--rows 10000000] [--work /tmp/scoredesk-bench-distributed]
        [--repeat 1] [--record]

Data: ``--rows`` customers resampled (numpy, fixed seed) from the telco snapshot
(model_build/data/telco_churn.csv, the label dropped; else resources/samples/telco_churn_to_score.csv) with
fresh ids 1..N, written in 500k-row blocks by pyarrow as CSV (unquoted, as the snapshot is) and as Parquet (one
row group per block, the columns typed as pyarrow infers them from the snapshot). Files in ``--work`` with the
right row count are reused.

Each run is one fresh process, as a user starts it (interpreter, imports, the local cluster's start-up, the
client's planning and publishing all count), on the same file, the output removed between runs:

- local: ``python -m app score data.csv -o out.csv --no-log``
- dask, 1 and 2 workers: ``python -m app score data.csv -o out/ --engine dask --workers N --no-log``
- dask, 2 workers, Parquet: ``python -m app score data.parquet -o out/ --engine dask --workers 2 --format parquet``
- plain Dask script (``--plain`` mode of this file): what a data engineer would write without the app:
  ``dd.read_csv(dtype=str, blocksize=64MB)``, ``map_partitions`` feeding onnxruntime (one session per worker
  process, one thread) the features as float32 or str, ``to_csv`` of a part per partition; no checks, no
  report, no manifest; a LocalCluster of 2 single-threaded worker processes

Memory: every process of the run's tree is read from /proc every 0.1 s; a process's peak is the kernel's
high-water mark of its resident memory (VmHWM) at the last reading. Workers are the tree's multiprocessing
children (``spawn_main``); for the local engine its one process is the worker. The client's own peak and the
planning passes (the encoding scan of the whole file, the byte-range cut) are reported apart, timed in this
process.

Goals: 2 workers >= 1.5x the rows/s of 1; dask with 1 worker within 1.25x of the local engine's time; the full
path (2 workers, CSV) within 1.5x of the plain script's time; every dask worker's peak < 600 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from _common import PYTHON, REPO, compile_bytecode, machine, record

SNAPSHOT = REPO / "model_build" / "data" / "telco_churn.csv"
SAMPLE = REPO / "resources" / "samples" / "telco_churn_to_score.csv"
MODEL = REPO / "resources" / "model"
BLOCK_ROWS = 500_000  # rows per written block, and per Parquet row group
SEED = 20261202
PLAIN_BLOCKSIZE = 64 << 20
GOAL_SCALING, GOAL_VS_LOCAL, GOAL_VS_PLAIN, GOAL_WORKER_MB = 1.5, 1.25, 1.5, 600.0


# --- data -----------------------------------------------------------------------------------------------------


def _csv_rows(path: Path) -> int:
    """Data rows of a CSV without quoted line breaks: its line ends minus the header."""
    lines = 0
    with open(path, "rb") as handle:
        while block := handle.read(64 << 20):
            lines += block.count(b"\n")
    return lines - 1


def _parquet_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


def make_data(rows: int, work: Path) -> tuple[Path, Path]:
    """``work/telco_<rows>.csv`` and ``.parquet``: the same resampled rows, made unless already there."""
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    work.mkdir(parents=True, exist_ok=True)
    csv_path, parquet_path = work / f"telco_{rows}.csv", work / f"telco_{rows}.parquet"
    need_csv = not (csv_path.exists() and _csv_rows(csv_path) == rows)
    need_parquet = not (parquet_path.exists() and _parquet_rows(parquet_path) == rows)
    if not (need_csv or need_parquet):
        return csv_path, parquet_path
    base = SNAPSHOT if SNAPSHOT.exists() else SAMPLE
    with open(base, encoding="utf-8") as handle:
        names = handle.readline().strip().split(",")
    as_text = pcsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False)
    text = pcsv.read_csv(base, convert_options=as_text)
    typed = pcsv.read_csv(base)  # numbers as numbers, a blank number as null: what a Parquet export holds
    if "churn" in names:
        text, typed = text.drop_columns(["churn"]), typed.drop_columns(["churn"])
    id_at = text.column_names.index("customer_id")
    rng = np.random.default_rng(SEED)
    started = time.perf_counter()
    csv_part, parquet_part = csv_path.with_suffix(".csv.part"), parquet_path.with_suffix(".parquet.part")
    unquoted = pcsv.WriteOptions(quoting_style="none", quoting_header="none")
    csv_writer = pcsv.CSVWriter(
        str(csv_part), text.schema.set(id_at, pa.field("customer_id", pa.int64())), write_options=unquoted
    )
    parquet_writer = pq.ParquetWriter(parquet_part, typed.schema.set(id_at, pa.field("customer_id", pa.int64())))
    try:
        for start in range(0, rows, BLOCK_ROWS):
            size = min(BLOCK_ROWS, rows - start)
            picks = pa.array(rng.integers(0, text.num_rows, size))
            ids = pa.array(np.arange(start + 1, start + size + 1, dtype=np.int64))
            if need_csv:
                csv_writer.write_table(text.take(picks).set_column(id_at, "customer_id", ids))
            if need_parquet:
                block = typed.take(picks).set_column(id_at, "customer_id", ids)
                parquet_writer.write_table(block, row_group_size=BLOCK_ROWS)
    finally:
        csv_writer.close()
        parquet_writer.close()
    if need_csv:
        csv_part.replace(csv_path)
    else:
        csv_part.unlink()
    if need_parquet:
        parquet_part.replace(parquet_path)
    else:
        parquet_part.unlink()
    print(f"made {rows:,} rows from {base.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return csv_path, parquet_path


# --- the plain Dask script ------------------------------------------------------------------------------------


def _plain_partition(frame: Any, model: str, features: list[tuple[str, bool]], threshold: float) -> Any:  # noqa: ANN401
    """Score one pandas partition with onnxruntime: numbers to float32, the rest to str, no checks."""
    import onnxruntime as ort
    from distributed import get_worker

    worker = get_worker()
    session = getattr(worker, "_bench_session", None)
    if session is None:
        options = ort.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        worker._bench_session = session  # type: ignore[attr-defined]
    feed = {
        name: (frame[name].astype(np.float32) if numeric else frame[name].astype(str)).to_numpy().reshape(-1, 1)
        for name, numeric in features
    }
    probability = session.run(["probabilities"], feed)[0][:, 1].astype(np.float64)
    return frame.assign(probability=probability, prediction=np.where(probability >= threshold, "Yes", "No"))


def plain_script(source: Path, out: Path, workers: int) -> None:
    """The script a data engineer would write with Dask and onnxruntime (run as its own process)."""
    import logging

    import dask.dataframe as dd
    import pandas as pd
    from distributed import Client, LocalCluster

    card = json.loads((MODEL / "model_card.json").read_text())
    features = [(f["name"], f["kind"] in ("numeric", "binary")) for f in card["features"]]
    threshold = float(card["threshold"]["value"])
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster),
    ):
        frame = dd.read_csv(str(source), dtype=str, blocksize=PLAIN_BLOCKSIZE)
        meta = frame._meta.assign(probability=pd.Series(dtype="float64"), prediction=pd.Series(dtype="str"))
        scored = frame.map_partitions(_plain_partition, str(MODEL / "model.onnx"), features, threshold, meta=meta)
        out.mkdir(parents=True)
        scored.to_csv(str(out / "part-*.csv"), index=False)


# --- measuring ------------------------------------------------------------------------------------------------


def _status(pid: int) -> dict[str, str] | None:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)


def _kb(fields: dict[str, str], name: str) -> int:
    return int(fields.get(name, "0 kB").split()[0])


@dataclass
class Seen:
    role: str  # client, worker or other
    hwm_kb: int = 0
    cpu_s: float = 0.0  # user + system at the last reading


@dataclass
class Run:
    """One measured run: wall seconds, the peaks of its processes, and when each stderr line arrived."""

    name: str
    seconds: float
    client_mb: float
    worker_mb: list[float]
    tree_mb: float
    client_cpu_s: float  # CPU seconds of the client process (the local engine: all of it)
    worker_cpu_s: list[float]  # of each worker process
    tree_cpu_s: float  # of the whole tree, from the kernel's accounting of reaped children
    others_cpu_s: float  # of processes outside the run (and outside this benchmark) meanwhile
    stderr: list[tuple[float, str]] = field(default_factory=list)


def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _status(int(entry.name))) is not None:
            parents[int(entry.name)] = int(fields.get("PPid", "0").strip())
    tree, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        tree.extend(children)
        frontier.extend(children)
    return tree


TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of one process so far (its children excluded)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / TICK


def _machine_busy_seconds() -> float:
    """CPU seconds every process on the machine has used since boot (/proc/stat: all but idle and iowait)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICK


def _own_cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _role(pid: int, root: int) -> str:
    if pid == root:
        return "client"
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "other"
    return "worker" if b"spawn_main" in command else "other"


def run_measured(name: str, command: Sequence[str], worker_is_client: bool = False) -> Run:
    """Run ``command`` to completion, sampling its process tree's memory; fail loudly if it fails."""
    busy, children, own = (
        _machine_busy_seconds(),
        _own_cpu_seconds(resource.RUSAGE_CHILDREN),
        _own_cpu_seconds(resource.RUSAGE_SELF),
    )
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen: dict[int, Seen] = {}
    tree_peak = [0]
    lines: list[tuple[float, str]] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            total = 0
            for pid in [process.pid, *_descendants(process.pid)]:
                fields = _status(pid)
                if fields is None:
                    continue
                entry = seen.setdefault(pid, Seen(_role(pid, process.pid)))
                entry.hwm_kb = max(entry.hwm_kb, _kb(fields, "VmHWM"))
                entry.cpu_s = max(entry.cpu_s, _cpu_seconds(pid) or 0.0)
                total += _kb(fields, "VmRSS")
            tree_peak[0] = max(tree_peak[0], total)
            done.wait(0.1)

    def read_stderr() -> None:
        assert process.stderr is not None
        for raw in process.stderr:
            lines.append((time.perf_counter() - started, raw.decode(errors="replace").rstrip()))

    threads = [threading.Thread(target=sample, daemon=True), threading.Thread(target=read_stderr, daemon=True)]
    for thread in threads:
        thread.start()
    process.wait()
    seconds = time.perf_counter() - started
    done.set()
    for thread in threads:
        thread.join()
    tree_cpu = _own_cpu_seconds(resource.RUSAGE_CHILDREN) - children
    others = _machine_busy_seconds() - busy - tree_cpu - (_own_cpu_seconds(resource.RUSAGE_SELF) - own)
    if process.returncode != 0:
        tail = "\n".join(line for _, line in lines[-20:])
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{tail}")
    root = seen.get(process.pid, Seen("client"))
    workers = [s for s in seen.values() if s.role == "worker"]
    if worker_is_client:
        workers = [root]
    return Run(
        name,
        seconds,
        root.hwm_kb / 1024,
        [w.hwm_kb / 1024 for w in workers],
        tree_peak[0] / 1024,
        root.cpu_s,
        [w.cpu_s for w in workers],
        tree_cpu,
        max(others, 0.0),
        lines,
    )


def _output_rows(out: Path) -> int:
    """Rows the run wrote: the manifest's count, else the CSV rows of the file or of every part."""
    if out.is_dir() and (out / "_manifest.json").exists():
        return int(json.loads((out / "_manifest.json").read_text())["rows"])
    parts = sorted(out.glob("part-*.csv")) if out.is_dir() else [out]
    return sum(_csv_rows(p) for p in parts)


def _planning(csv_path: Path) -> dict[str, float]:
    """The client's passes over the CSV before any task starts, timed in this process."""
    from app.core.bundle import load_bundle
    from app.core.reading import byte_ranges
    from app.core.scoring import open_for_scoring
    from app.distributed.job import DEFAULT_PARTITION_BYTES

    bundle = load_bundle()
    started = time.perf_counter()
    source, _, _ = open_for_scoring(csv_path, bundle)
    opened = time.perf_counter()
    assert source.source is not None
    spans = byte_ranges(source.source, source.dialect, DEFAULT_PARTITION_BYTES)
    cut = time.perf_counter()
    return {"open_s": round(opened - started, 2), "byte_ranges_s": round(cut - opened, 2), "partitions": len(spans)}


def _progress(run: Run) -> dict[str, float]:
    """From the dask CLI's progress lines (``scoring: D/N partitions``): when the tasks were submitted (0/N,
    after the client's planning and the cluster's start-up), when the first and the last partition landed,
    and when the process ended (after merging the reports and publishing)."""
    landed = []
    for at, line in run.stderr:
        if line.startswith("scoring: "):
            done, total = line.split()[1].split("/")
            landed.append((at, int(done), int(total)))
    if not landed:
        return {}
    submitted = next((at for at, done, _ in landed if done == 0), float("nan"))
    first = next((at for at, done, _ in landed if done > 0), float("nan"))
    return {
        "partitions": landed[-1][2],
        "submitted_s": round(submitted, 1),
        "first_part_s": round(first, 1),
        "last_part_s": round(landed[-1][0], 1),
        "exit_s": round(run.seconds, 1),
    }


@dataclass(frozen=True)
class Case:
    key: str
    engine: str
    workers: int
    command: list[str]
    worker_is_client: bool = False  # the local engine: one process does everything


def _remove(*paths: Path) -> None:
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


# --- main -----------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/scoredesk-bench-distributed"))
    parser.add_argument("--repeat", type=int, default=1, help="runs of each command, interleaved; the median counts")
    parser.add_argument("--record", action="store_true", help="also write benchmarks/results/distributed.json")
    parser.add_argument("--plain", nargs=3, metavar=("IN", "OUT", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plain:
        plain_script(Path(args.plain[0]), Path(args.plain[1]), int(args.plain[2]))
        return

    csv_path, parquet_path = make_data(args.rows, args.work)
    out = args.work / "out"
    app = [PYTHON, "-m", "app", "score"]
    dask = ["--engine", "dask", "--no-log"]
    cases = [
        Case("local", "local", 1, [*app, str(csv_path), "-o", str(out.with_suffix(".csv")), "--no-log"], True),
        Case("dask-1", "dask csv", 1, [*app, str(csv_path), "-o", str(out), *dask, "--workers", "1"]),
        Case("dask-2", "dask csv", 2, [*app, str(csv_path), "-o", str(out), *dask, "--workers", "2"]),
        Case(
            "parquet",
            "dask parquet",
            2,
            [*app, str(parquet_path), "-o", str(out), *dask, "--workers", "2", "--format", "parquet"],
        ),
        Case(
            "plain",
            "plain dask script",
            2,
            [PYTHON, str(Path(__file__).resolve()), "--plain", str(csv_path), str(out), "2"],
        ),
    ]
    compile_bytecode()
    planning = _planning(csv_path)
    for path in (csv_path, parquet_path):  # into the page cache, for every run alike
        with open(path, "rb") as handle:
            while handle.read(64 << 20):
                pass
    runs: dict[str, list[Run]] = {case.key: [] for case in cases}
    for _ in range(args.repeat):  # interleaved, so drift in machine load hits every command alike
        for case in cases:
            _remove(out, out.with_suffix(".csv"))
            run = run_measured(case.key, case.command, case.worker_is_client)
            written = _output_rows(out.with_suffix(".csv") if case.worker_is_client else out)
            if written != args.rows:
                raise RuntimeError(f"{case.key}: wrote {written:,} rows, not {args.rows:,}")
            print(f"{case.key}: {run.seconds:.1f} s", file=sys.stderr, flush=True)
            runs[case.key].append(run)
    _remove(out, out.with_suffix(".csv"))

    table = []
    for case in cases:
        values = runs[case.key]
        seconds = statistics.median(r.seconds for r in values)
        table.append(
            {
                "engine": case.engine,
                "workers": case.workers,
                "seconds": round(seconds, 1),
                "rows_per_s": round(args.rows / seconds),
                "worker_peak_mb": round(max(max(r.worker_mb, default=0.0) for r in values), 1),
                "client_peak_mb": round(max(r.client_mb for r in values), 1),
                "tree_peak_mb": round(max(r.tree_mb for r in values), 1),
                "client_cpu_s": round(statistics.median(r.client_cpu_s for r in values), 1),
                "worker_cpu_s": [round(c, 1) for c in values[0].worker_cpu_s],
                "tree_cpu_s": round(statistics.median(r.tree_cpu_s for r in values), 1),
                "others_cpu_s": round(max(r.others_cpu_s for r in values), 1),
                "runs": len(values),
                "runs_s": [round(r.seconds, 1) for r in values],
                "runs_others_cpu_s": [round(r.others_cpu_s, 1) for r in values],
                **_progress(values[0]),
            }
        )
    local, one, two, parquet, plain = table
    ratios = {
        "scaling_2_vs_1_workers": round(two["rows_per_s"] / one["rows_per_s"], 2),
        "dask_1_worker_vs_local_time": round(one["seconds"] / local["seconds"], 2),
        "full_path_vs_plain_script_time": round(two["seconds"] / plain["seconds"], 2),
        "worker_peak_mb": max(one["worker_peak_mb"], two["worker_peak_mb"], parquet["worker_peak_mb"]),
    }
    meets = {
        "scaling_2_vs_1_workers": ratios["scaling_2_vs_1_workers"] >= GOAL_SCALING,
        "dask_1_worker_vs_local_time": ratios["dask_1_worker_vs_local_time"] <= GOAL_VS_LOCAL,
        "full_path_vs_plain_script_time": ratios["full_path_vs_plain_script_time"] <= GOAL_VS_PLAIN,
        "worker_peak_mb": ratios["worker_peak_mb"] < GOAL_WORKER_MB,
    }
    goals = {
        "scaling_2_vs_1_workers": f">= {GOAL_SCALING}",
        "dask_1_worker_vs_local_time": f"<= {GOAL_VS_LOCAL}",
        "full_path_vs_plain_script_time": f"<= {GOAL_VS_PLAIN}",
        "worker_peak_mb": f"< {GOAL_WORKER_MB:.0f}",
    }

    print(f"\n{args.rows:,} rows, {csv_path.stat().st_size / 2**20:,.0f} MB of CSV, {machine()['cpus']} CPUs")
    header = (
        f"{'engine':18} {'workers':>7} {'seconds':>8} {'rows/s':>10} {'MB/worker':>10} {'MB client':>10}"
        f" {'CPU-s client':>12} {'CPU-s workers':>14} {'CPU-s others':>12}"
    )
    print(header)
    print("-" * len(header))
    for row in table:
        workers_cpu = "+".join(f"{c:.0f}" for c in row["worker_cpu_s"]) if row["engine"] != "local" else "-"
        print(
            f"{row['engine']:18} {row['workers']:>7} {row['seconds']:>8.1f} {row['rows_per_s']:>10,}"
            f" {row['worker_peak_mb']:>10.0f} {row['client_peak_mb']:>10.0f}"
            f" {row['client_cpu_s']:>12.1f} {workers_cpu:>14} {row['others_cpu_s']:>12.1f}"
        )
    print(
        "MB: peak resident memory (VmHWM); CPU-s others: CPU used meanwhile by processes outside the run"
        " (another job on the machine skews every figure)"
    )
    print(
        f"\nclient planning before any task: encoding scan and open {planning['open_s']} s,"
        f" byte ranges {planning['byte_ranges_s']} s ({planning['partitions']} partitions)"
    )
    for row in table:
        if "first_part_s" in row:
            print(
                f"{row['engine']} ({row['workers']} workers, {row['partitions']} partitions): tasks submitted at"
                f" {row['submitted_s']} s, first partition landed at {row['first_part_s']} s, last at"
                f" {row['last_part_s']} s, exit at {row['exit_s']} s"
            )
    print()
    for name, value in ratios.items():
        print(f"{name}: {value} (goal {goals[name]}): {'met' if meets[name] else 'NOT met'}")
    result = {
        "rows": args.rows,
        "csv_mb": round(csv_path.stat().st_size / 2**20, 1),
        "table": table,
        "planning": planning,
        "ratios": ratios,
        "goals": goals,
        "meets_goals": meets,
    }
    if args.record:
        record("distributed", result)
    else:
        print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
