"""The client side of a job: connect or start a cluster, check the workers, run the partitions, publish.

Nothing appears at ``OUT`` until the job is complete (``app.distributed.publish``): the parts are written into
a staging folder renamed to ``OUT`` at the end, or, on an object store, uploaded one whole object each with
``_manifest.json`` last. On an error or a cancel the futures are cancelled and what was written is removed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dask
from distributed import Client, LocalCluster, wait

from app.core.bundle import CARD_FILE, Bundle
from app.core.catalogue import SEVERITIES
from app.core.checks import STATUS_NAMES
from app.core.columns import ColumnMapping
from app.core.dialects import Cancelled, InputError
from app.core.i18n import N_, Figure, Message, Nn_
from app.core.metrics import ScoreAccumulator
from app.core.reading import CHUNK_ROWS, InputOptions
from app.core.report import FileReport, Issue, ReportBuilder
from app.distributed.inputs import expand_inputs
from app.distributed.plan import Partition, plan_partitions
from app.distributed.publish import local_path, open_output
from app.distributed.worker import ModelPlugin, PartResult, plugin_name, score_partition, worker_identity

__all__ = ["DEFAULT_PARTITION_BYTES", "JobResult", "VersionMismatch", "run_job"]

DEFAULT_PARTITION_BYTES = 64 << 20  # a few hundred thousand rows: seconds of work, small next to task overhead
_POLL_SECONDS = 0.5
# Dask's nanny sets MALLOC_TRIM_THRESHOLD_ on its workers, and setting it at all turns off glibc's adaptive
# mmap threshold: every chunk-sized pandas array then goes to the kernel and back, a fifth slower per row.
# A fixed mmap threshold above a chunk's arrays restores it. glibc reads it once, when the process starts, so it
# goes in the nanny's pre-spawn environment (LocalCluster's env= is applied inside the running worker, too
# late). Measured on 2M rows, 1 worker: 18.9 s -> 16.8 s, against 13.1 s for the local engine.
_WORKER_MALLOC = {"MALLOC_MMAP_THRESHOLD_": str(32 << 20)}
ProgressFn = Callable[[int, int, int], None]  # partitions done, partitions, rows done
# What a header says, found per input; a job of inputs with other headers has no one header to find them in.
_HEADER_CODES = ("mapped_column", "duplicate_column", "renamed_column", "extra_column")
_NAMED_INPUTS = 3  # a finding shared by a folder of monthly exports names the first few


class VersionMismatch(InputError):
    """A worker runs another scoredesk version, or holds another model, than the client."""


@dataclass
class JobResult:
    """A published job: its merged report, each input's own, the parts and where they went."""

    out: str
    report: FileReport
    input_reports: list[FileReport]
    parts: list[PartResult]
    partitions: list[Partition]
    threshold: float
    scores: ScoreAccumulator
    workers: int
    manifest: dict[str, Any] = field(default_factory=dict)


@contextlib.contextmanager
def _client(scheduler: str | None, workers: int | None) -> Iterator[tuple[Client, int]]:
    """A client of the cluster at ``scheduler``, or of a local cluster of ``workers`` single-threaded processes."""
    if scheduler:
        try:
            client = Client(scheduler, timeout="30s")
        except (OSError, ValueError) as error:  # unreachable, timed out, or not an address
            raise InputError(
                Message.of(
                    N_("cannot reach the Dask scheduler at {scheduler} ({error})"),
                    scheduler=scheduler,
                    error=str(error),
                )
            ) from None
        with client:
            yield client, len(client.scheduler_info(n_workers=-1)["workers"])
        return
    count = workers or os.cpu_count() or 1
    pre_spawn = {**dask.config.get("distributed.nanny.pre-spawn-environ"), **_WORKER_MALLOC}
    with (
        dask.config.set({"distributed.nanny.pre-spawn-environ": pre_spawn}),
        LocalCluster(
            n_workers=count,
            threads_per_worker=1,
            processes=True,
            # Dask's ":0" listens on every interface; the dashboard shows worker identities, logs and call
            # stacks without authentication, so this machine only (a free port: jobs may run side by side).
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.CRITICAL,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client, count


def _check_workers(client: Client, bundle: Bundle) -> None:
    """Every worker must run this scoredesk version and hold this model; the first that does not is named."""
    from app import __version__

    for address, seen in sorted(client.run(worker_identity, bundle.card.onnx_sha256).items()):
        if seen["version"] != __version__:
            raise VersionMismatch(
                Message.of(
                    N_(
                        "worker {address} runs scoredesk {version}, this client {client}: install the same version"
                        " on every worker"
                    ),
                    address=address,
                    version=seen["version"],
                    client=__version__,
                )
            )
        if seen["sha256"] != bundle.card.onnx_sha256:
            raise VersionMismatch(
                Message.of(
                    N_("worker {address} holds model sha256 {theirs}…, this client {ours}…"),
                    address=address,
                    theirs=str(seen["sha256"])[:12],
                    ours=bundle.card.onnx_sha256[:12],
                )
            )


def _same_columns(partitions: Sequence[Partition]) -> ColumnMapping | None:
    """The mapping every input shares (a folder of monthly exports), or None when their columns differ."""
    shapes = {(tuple(p.source.columns), repr(p.mapping)) for p in partitions}
    return partitions[0].mapping if len(shapes) == 1 else None


def _inputs_named(paths: Sequence[str]) -> Message:
    """``a.csv, b.csv, c.csv`` or ``a.csv, b.csv, c.csv and 9 more``."""
    names = ", ".join(paths[:_NAMED_INPUTS])
    if len(paths) <= _NAMED_INPUTS:
        return Message.of("{names}", names=names)
    more = Figure(len(paths) - _NAMED_INPUTS, grouped=True)
    return Message.of(Nn_("{names} and {count} more", "{names} and {count} more"), names=names, count=more)


def _header_issues(reports: Sequence[FileReport]) -> list[Issue]:
    """Each input's header findings (a renamed or an extra column...), one per finding, naming its inputs."""
    found: dict[tuple[str, str, str], tuple[Issue, list[str]]] = {}
    for report in reports:
        for issue in report.issues:
            if issue.code in _HEADER_CODES:
                found.setdefault((issue.code, issue.column, issue.message), (issue, []))[1].append(report.path)
    return [
        Issue.of(
            issue.code,
            issue.column,
            issue.severity,
            issue.rows,
            issue.examples,
            Message.of("{inputs}: {finding}", inputs=_inputs_named(paths), finding=issue.note or issue.message),
        )
        for issue, paths in found.values()
    ]


def _reports(
    bundle: Bundle,
    partitions: Sequence[Partition],
    parts: Sequence[PartResult],
    inputs: Sequence[Path | str],
    out: str,
) -> tuple[FileReport, list[FileReport]]:
    """Each input's report and the job's, merged from the parts in input order as one pass would give them."""
    card = bundle.card
    per_input: list[ReportBuilder] = []
    first = partitions[0]
    common = _same_columns(partitions)
    job = ReportBuilder(
        card,
        str(first.source.path) if len(inputs) == 1 else out,
        first.source.dialect if len(inputs) == 1 else None,
        common or ColumnMapping(source_for={}),
        first.mapping_file,
        len(first.source.columns) if common is not None else 0,
    )
    for partition, part in zip(partitions, parts, strict=True):
        if partition.input_index == len(per_input):
            source = partition.source
            per_input.append(
                ReportBuilder(
                    card,
                    str(source.path),
                    source.dialect,
                    partition.mapping,
                    partition.mapping_file,
                    len(source.columns),
                )
            )
        per_input[partition.input_index].absorb(part.partial)
        # Field counts compare rows with their own file's header: across files of other widths they say nothing.
        job.absorb(part.partial if common is not None else dataclasses.replace(part.partial, widths={}, separators={}))
    for builder, path in zip(per_input, inputs, strict=True):
        if builder.rows == 0:
            raise InputError(Message.of(N_("{path}: the file has a header but no data rows"), path=path))
    reports = [b.finish() for b in per_input]
    merged = job.finish()
    if common is None:
        rank = {s: i for i, s in enumerate(reversed(SEVERITIES))}
        issues = sorted([*merged.issues, *_header_issues(reports)], key=lambda i: (rank[i.severity], i.code, i.column))
        merged = dataclasses.replace(merged, issues=issues)
    return merged, reports


def _manifest(result: JobResult, bundle: Bundle, output_format: str, inputs: Sequence[Path | str]) -> dict[str, Any]:
    """What the published folder holds, written last: a reader that sees it sees every part."""
    from app import __version__

    card = bundle.card
    return {
        "format_version": 1,
        "scoredesk_version": __version__,
        "engine": {"name": "dask", "workers": result.workers, "partitions": len(result.parts)},
        "model": {"name": card.name, "version": card.version, "sha256": card.onnx_sha256},
        "threshold": result.threshold,
        "format": output_format,
        "rows": result.report.rows,
        "status_counts": result.report.status_counts,
        "verdict": result.report.verdict,
        "inputs": [
            {"path": str(path), "rows": report.rows, "format": report.dialect.describe() if report.dialect else None}
            for path, report in zip(inputs, result.input_reports, strict=True)
        ],
        "parts": [
            {
                "name": part.name,
                "input": partition.input_index,
                "source": partition.describe(),
                "rows": part.rows,
                "status_counts": {n: int(c) for n, c in zip(STATUS_NAMES, part.partial.status, strict=True)},
                "sha256": part.sha256,
            }
            for partition, part in zip(result.partitions, result.parts, strict=True)
        ],
        "report": result.report.to_dict(),
        "input_reports": [r.to_dict() for r in result.input_reports],
    }


def run_job(
    inputs: Sequence[str],
    out: str | Path,
    bundle: Bundle,
    *,
    threshold: float | None = None,
    output_format: str = "csv",
    scheduler: str | None = None,
    workers: int | None = None,
    options: InputOptions | None = None,
    partition_bytes: int = DEFAULT_PARTITION_BYTES,
    chunk_rows: int = CHUNK_ROWS,
    progress: ProgressFn | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> JobResult:
    """Score ``inputs`` on a Dask cluster into the folder or object-store prefix ``out``, published whole or not
    at all."""
    out = str(out)
    threshold = bundle.card.threshold if threshold is None else threshold
    files = expand_inputs(inputs)
    folder = local_path(out)
    local = [f.resolve() for f in files if isinstance(f, Path)]
    if folder is not None and any(folder.resolve() == f or folder.resolve() in f.parents for f in local):
        raise InputError(Message.of(N_("{path}: the output folder would hold an input; choose another -o"), path=out))
    partitions = plan_partitions(files, bundle, options, partition_bytes)
    output = open_output(out)
    try:
        with _client(scheduler, workers) as (client, worker_count):
            plugin = ModelPlugin(
                bundle.model_path.read_bytes(), (bundle.directory / CARD_FILE).read_bytes(), bundle.card.onnx_sha256
            )
            client.register_plugin(plugin, name=plugin_name(bundle.card.onnx_sha256))
            _check_workers(client, bundle)
            if cancelled is not None and cancelled():  # Ctrl+C while connecting
                raise Cancelled(f"{out}: cancelled")
            run = uuid.uuid4().hex[:8]
            futures = [
                client.submit(
                    score_partition,
                    partition,
                    output.parts,
                    output_format,
                    threshold,
                    bundle.card.onnx_sha256,
                    chunk_rows,
                    key=f"scoredesk-{run}-{partition.index:05d}",
                    pure=False,
                )
                for partition in partitions
            ]
            parts: dict[int, PartResult] = {}
            try:
                rows, pending = 0, set(futures)
                if progress is not None:
                    progress(0, len(partitions), 0)
                while pending:
                    # Wake up now and then even when nothing lands, so a cancel is seen on a stalled cluster.
                    try:
                        done, pending = wait(pending, timeout=_POLL_SECONDS, return_when="FIRST_COMPLETED")
                    except TimeoutError:  # nothing landed in that time
                        done = set()
                    if cancelled is not None and cancelled():
                        raise Cancelled(f"{out}: cancelled")
                    for future in sorted(done, key=lambda f: str(f.key)):
                        if cancelled is not None and cancelled():
                            raise Cancelled(f"{out}: cancelled")
                        part: PartResult = future.result()
                        parts[part.index] = part
                        rows += part.rows
                        if progress is not None:
                            progress(len(parts), len(partitions), rows)
            except BaseException:
                client.cancel(futures, force=True)
                raise
        ordered = [parts[p.index] for p in partitions]
        report, input_reports = _reports(bundle, partitions, ordered, files, out)
        scores = ScoreAccumulator(threshold)
        for part in ordered:
            scores.merge(part.scores)
        result = JobResult(out, report, input_reports, ordered, partitions, threshold, scores, worker_count)
        result.manifest = _manifest(result, bundle, output_format, files)
        output.publish(json.dumps(result.manifest, indent=1))
    except BaseException:
        output.discard()
        raise
    return result


def progress_printer(stream: Any) -> ProgressFn:  # noqa: ANN401  # a text stream
    """Progress on ``stream``: partitions done and rows per second, one line each time a partition lands."""
    started = time.perf_counter()

    def show(done: int, total: int, rows: int) -> None:
        rate = rows / max(time.perf_counter() - started, 1e-9)
        print(
            f"scoring: {done}/{total} partitions, {rows:,} {'row' if rows == 1 else 'rows'}, {rate:,.0f} rows/s",
            file=stream,
            flush=True,
        )

    return show
