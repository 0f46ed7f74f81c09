"""``score --engine dask`` on a real LocalCluster of two worker processes, against the local engine.

No mocks: the workers are separate processes that receive the model as bytes, read byte ranges with the core's
reader and write part files; a worker is killed for real and the job still completes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import fsspec
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from distributed import Client, LocalCluster

from app.core import i18n
from app.core.bundle import Bundle, load_bundle
from app.core.dialects import Cancelled, InputError
from app.core.output import score_to_csv
from app.core.scoring import ModelOutputError, scan
from app.distributed import job
from app.distributed.job import VersionMismatch, run_job
from app.distributed.publish import MANIFEST
from tests.app.faulty_models import scaled_bundle
from tests.app.inputs import VARIANTS, sample_frame, write_csv
from tests.conftest import REPO

PART = 4_000  # bytes per partition: the 200-row sample becomes many partitions


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0") as running:
        yield running


@pytest.fixture(scope="module")
def bundle() -> Bundle:
    return load_bundle()


def _inputs(folder: Path) -> tuple[list[Path], list[pd.DataFrame]]:
    """Three files as three tools write them, sharing some ids across files; and what they hold."""
    frame = sample_frame()
    first = frame.iloc[:120].copy()
    second = frame.iloc[80:200].copy()  # rows 80..119 repeat ids of the first file
    second.loc[second.index[5], "monthly_charges"] = "=cmd|'/c calc'!A1"  # a formula, neutralised in the output
    third = frame.iloc[:60].copy()
    third.loc[third.index[:10], "tenure"] = ""
    paths = [
        write_csv(first, folder / "a.csv"),
        write_csv(second, folder / "b.csv", **VARIANTS["excel_de"]),  # type: ignore[arg-type]
        folder / "c.csv.gz",
    ]
    # Needless quotes beside quoted line breaks: each row is copied as written, in whatever block it falls.
    paths[0].write_text(paths[0].read_text().replace(",Zürich office", ',"Zürich office"'), encoding="utf-8")
    paths[2].write_bytes(gzip.compress(write_csv(third, folder / "c-plain.csv", sep="\t").read_bytes()))
    (folder / "c-plain.csv").unlink()
    return paths, [first, second, third]


def _local_output(path: Path, out: Path, bundle: Bundle) -> bytes:
    score_to_csv(path, out, bundle)
    return out.read_bytes()


def _joined_parts(out: Path, manifest: dict, input_index: int) -> bytes:
    """An input's CSV parts concatenated with one header kept (a part's header is its first line)."""
    joined = b""
    for part in manifest["parts"]:
        if part["input"] == input_index:
            data = (out / part["name"]).read_bytes()
            if joined:
                data = data[data.index(b"\n") + 1 :]
            joined += data
    return joined


def test_csv_parts_and_reports_equal_the_local_engine(tmp_path: Path, cluster: LocalCluster, bundle: Bundle) -> None:
    inputs, frames = _inputs(tmp_path)
    out = tmp_path / "scored"
    result = run_job([str(p) for p in inputs], out, bundle, scheduler=cluster.scheduler_address, partition_bytes=PART)
    manifest = json.loads((out / MANIFEST).read_text())
    assert len(manifest["parts"]) > 6  # the plain files were cut, the gzip file is one partition
    for index, path in enumerate(inputs):
        assert _joined_parts(out, manifest, index) == _local_output(path, tmp_path / f"local-{index}.csv", bundle)
        assert result.input_reports[index].to_dict() == scan(path, bundle, predict=False).to_dict()
    assert b"'=cmd" in _joined_parts(out, manifest, 1)
    # Across files: every id of b.csv's first 40 rows and of c.csv is also in a.csv.
    ids = pd.concat(frame["customer_id"].str.strip() for frame in frames)
    duplicated = int(ids.duplicated(keep=False).sum())
    issue = next(i for i in result.report.issues if i.code == "duplicate_id")
    assert issue.rows == duplicated
    assert manifest["rows"] == sum(r.rows for r in result.input_reports) == 300
    assert manifest["model"]["sha256"] == bundle.card.onnx_sha256
    assert sum(p["rows"] for p in manifest["parts"]) == 300
    for part in manifest["parts"]:
        assert hashlib.sha256((out / part["name"]).read_bytes()).hexdigest() == part["sha256"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".scored")]  # the staging folder is gone


def test_a_folder_of_exports_gives_the_report_of_one_file(
    tmp_path: Path, cluster: LocalCluster, bundle: Bundle
) -> None:
    """Monthly exports in a folder: the merged report is the local report of the files joined into one, drift
    (summed bin counts), missing shares and duplicate ids across files included."""
    frame = sample_frame()
    frame.loc[150:199, "monthly_charges"] = (frame.loc[150:199, "monthly_charges"].astype(float) * 1.8).astype(str)
    folder = tmp_path / "exports"
    folder.mkdir()
    months = [frame.iloc[:90], frame.iloc[60:150], frame.iloc[150:]]
    for number, month in enumerate(months):
        write_csv(month, folder / f"2026-0{number + 1}.csv")
    (folder / "_SUCCESS").write_text("")  # a marker file, skipped
    joined = write_csv(pd.concat(months), tmp_path / "joined.csv")
    result = run_job([str(folder)], tmp_path / "out", bundle, scheduler=cluster.scheduler_address, partition_bytes=PART)
    expected = scan(joined, bundle, predict=False).to_dict()
    merged = result.report.to_dict()
    for key in ("file", "format"):
        merged.pop(key), expected.pop(key)
    assert merged == expected
    assert any(i["code"] == "duplicate_id" for i in merged["issues"])


def test_parquet_in_and_out_keeps_types_and_row_order(tmp_path: Path, cluster: LocalCluster, bundle: Bundle) -> None:
    frame = sample_frame().drop(columns=["notes"])
    typed = frame.astype({"tenure": "int64", "monthly_charges": "float64", "senior_citizen": "int64"})
    typed["total_charges"] = pd.to_numeric(typed["total_charges"], errors="coerce")  # a few blanks become nulls
    table = pa.Table.from_pandas(typed, preserve_index=False)
    source = tmp_path / "in.parquet"
    pq.write_table(table, source, row_group_size=70)
    out = tmp_path / "out"
    run_job([str(source)], out, bundle, scheduler=cluster.scheduler_address, output_format="parquet")
    manifest = json.loads((out / MANIFEST).read_text())
    assert [p["name"] for p in manifest["parts"]] == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    back = pa.concat_tables([pq.read_table(out / p["name"]) for p in manifest["parts"]])
    for name in table.column_names:
        assert back.schema.field(name).type == table.schema.field(name).type
    assert back.column("customer_id").to_pylist() == table.column("customer_id").to_pylist()
    assert back.schema.field("probability").type == pa.float64()
    for name in ("prediction", "row_status", "row_issues"):
        assert back.schema.field(name).type == pa.string()
    # The same rows as CSV through the local engine give the same probabilities.
    csv_path = write_csv(frame, tmp_path / "same.csv")
    score_to_csv(csv_path, tmp_path / "local.csv", bundle)
    local = pd.read_csv(tmp_path / "local.csv", dtype={"row_status": str})
    scored = back.column("probability").to_numpy(zero_copy_only=False)
    expected = local["probability"].to_numpy(dtype=float)
    both = ~np.isnan(expected)
    assert np.allclose(np.round(scored[both], 6), expected[both])
    assert back.column("row_status").to_pylist() == local["row_status"].tolist()


def test_killing_a_worker_mid_job_leaves_the_output_unchanged(tmp_path: Path, bundle: Bundle) -> None:
    big = pd.concat([sample_frame()] * 10, ignore_index=True)
    path = write_csv(big, tmp_path / "big.csv")
    expected = _local_output(path, tmp_path / "local.csv", bundle)
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0") as cluster,
        Client(cluster) as client,
    ):
        pids = client.run(os.getpid)
        killed: list[tuple[int, int]] = []

        def kill_one(done: int, total: int, rows: int) -> None:
            if not killed:
                victim = sorted(pids.values())[0]
                os.kill(victim, signal.SIGKILL)
                killed.append((done, total))

        out = tmp_path / "out"
        run_job([str(path)], out, bundle, scheduler=cluster.scheduler_address, partition_bytes=PART, progress=kill_one)
        assert killed
        assert killed[0][0] < killed[0][1]  # the worker died while partitions were still to come
        manifest = json.loads((out / MANIFEST).read_text())
        assert _joined_parts(out, manifest, 0) == expected


def test_an_unreadable_partition_stops_the_job_and_publishes_nothing(
    tmp_path: Path, cluster: LocalCluster, bundle: Bundle
) -> None:
    frame = sample_frame()
    text = write_csv(frame, tmp_path / "x.csv").read_text(encoding="utf-8")
    broken = tmp_path / "broken.csv"
    broken.write_text(text + '9999,"an unterminated quoted field\n', encoding="utf-8")
    out = tmp_path / "new" / "deeper" / "out"  # folders the job makes, and removes again when it fails
    with pytest.raises(
        InputError,
        match=r"broken\.csv, bytes 0 to [\d,]+: cannot be read as CSV \(EOF inside string starting at row 201\)",
    ):
        run_job([str(broken)], out, bundle, scheduler=cluster.scheduler_address, partition_bytes=PART)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.csv", "x.csv"]


def test_an_error_raised_on_a_worker_is_shown_in_the_language(
    tmp_path: Path, cluster: LocalCluster, bundle: Bundle
) -> None:
    text = write_csv(sample_frame(), tmp_path / "x.csv").read_text(encoding="utf-8")
    broken = tmp_path / "broken.csv"
    broken.write_text(text + '9999,"an unterminated quoted field\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:  # pickled on the worker, unpickled here with its Message
        run_job([str(broken)], tmp_path / "out", bundle, scheduler=cluster.scheduler_address, partition_bytes=PART)
    i18n.set_language("es")
    try:
        assert re.search(
            r"broken\.csv, bytes 0 a [\d.]+: no se puede leer como CSV \(EOF inside string", caught.value.shown()
        )
    finally:
        i18n.set_language("en")
    assert re.search(r"broken\.csv, bytes 0 to [\d,]+: cannot be read as CSV", str(caught.value))


def test_a_damaged_parquet_file_is_named_and_nothing_is_published(
    tmp_path: Path, cluster: LocalCluster, bundle: Bundle
) -> None:
    source = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pandas(sample_frame()), source)
    source.write_bytes(source.read_bytes()[:-200])
    with pytest.raises(InputError, match=r"in\.parquet: cannot be read as Parquet"):
        run_job([str(source)], tmp_path / "out", bundle, scheduler=cluster.scheduler_address)
    assert [p.name for p in tmp_path.iterdir()] == ["in.parquet"]


def test_cancel_publishes_nothing(tmp_path: Path, cluster: LocalCluster, bundle: Bundle) -> None:
    path = write_csv(pd.concat([sample_frame()] * 5), tmp_path / "in.csv")
    done: list[int] = []
    with pytest.raises(Cancelled):
        run_job(
            [str(path)],
            tmp_path / "out",
            bundle,
            scheduler=cluster.scheduler_address,
            partition_bytes=PART,
            progress=lambda d, t, r: done.append(d),
            cancelled=lambda: any(d >= 1 for d in done),
        )
    assert done == [0, 1]
    assert [p.name for p in tmp_path.iterdir()] == ["in.csv"]


def test_a_worker_of_another_version_is_refused(tmp_path: Path, bundle: Bundle) -> None:
    path = write_csv(sample_frame(), tmp_path / "in.csv")

    def other_version() -> None:
        import app

        app.__version__ = "0.0.1"

    with (
        LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0") as cluster,
        Client(cluster) as client,
    ):
        client.run(other_version)
        with pytest.raises(VersionMismatch, match=r"worker tcp://\S+ runs scoredesk 0\.0\.1, this client \S+"):
            run_job([str(path)], tmp_path / "out", bundle, scheduler=cluster.scheduler_address)
    assert [p.name for p in tmp_path.iterdir()] == ["in.csv"]


def _cli(*args: str, env: dict[str, str] | None = None, prelude: str = "") -> subprocess.CompletedProcess[str]:
    code = f"{prelude}import sys; from app.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


def test_cli_runs_on_a_scheduler_and_refuses_an_existing_output(tmp_path: Path, cluster: LocalCluster) -> None:
    path = write_csv(sample_frame(), tmp_path / "in.csv")
    out = tmp_path / "out"
    env = {"SCOREDESK_DASK_SCHEDULER": cluster.scheduler_address}
    done = _cli("score", str(path), "-o", str(out), "--engine", "dask", "--partition-mb", "0.004", env=env)
    assert done.returncode == 0, done.stderr
    assert "on 2 workers" in done.stdout
    assert "partitions" in done.stderr
    from app.core.runlog import RunLog

    (record,) = RunLog.default().read()  # one record for the whole job
    assert record["scoredesk"]["engine"]["name"] == "dask"
    assert record["scoredesk"]["engine"]["workers"] == 2
    assert record["scoredesk"]["engine"]["partitions"] == len(json.loads((out / MANIFEST).read_text())["parts"]) > 1
    assert record["scoredesk"]["rows"]["total"] == 200
    again = _cli("score", str(path), "-o", str(out), "--engine", "dask", "--no-log", env=env)
    assert again.returncode == 2
    assert "already exists" in again.stderr
    assert "Traceback" not in again.stderr


def test_ctrl_c_exits_130_and_publishes_nothing(tmp_path: Path) -> None:
    """The workers are paused, so the job is certainly running when Ctrl+C arrives."""
    from distributed.core import Status

    def pause(dask_worker: object) -> None:
        dask_worker.status = Status.paused  # type: ignore[attr-defined]

    path = write_csv(sample_frame(), tmp_path / "in.csv")
    with (  # no memory limit, so no memory monitor to resume the paused worker
        LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address="127.0.0.1:0", memory_limit=0) as cluster,
        Client(cluster) as client,
    ):
        client.run(pause)
        code = "import sys; from app.cli import main; sys.exit(main(sys.argv[1:]))"
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                code,
                "score",
                str(path),
                "-o",
                str(tmp_path / "out"),
                "--engine",
                "dask",
                "--scheduler",
                cluster.scheduler_address,
                "--no-log",
            ],
            cwd=REPO,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stderr is not None
        started = process.stderr.readline()  # the first progress line: partitions submitted, none done
        assert started.startswith("scoring: 0/"), started + process.stderr.read()
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=300)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr
    assert [p.name for p in tmp_path.iterdir()] == ["in.csv"]


def test_without_the_extra_the_engine_says_how_to_install_it(tmp_path: Path) -> None:
    path = write_csv(sample_frame(), tmp_path / "in.csv")
    blocked = "import sys; [sys.modules.__setitem__(m, None) for m in ('dask', 'distributed', 'pyarrow')]; "
    done = _cli("score", str(path), "-o", str(tmp_path / "out"), "--engine", "dask", "--no-log", prelude=blocked)
    assert done.returncode == 2
    assert "uv sync --extra dask" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_inputs_with_other_columns_and_an_earlier_output_in_the_folder(
    tmp_path: Path, cluster: LocalCluster, bundle: Bundle
) -> None:
    """Files whose headers differ get no false field-count error in the job's report; an earlier job's output
    folder inside an input folder is not read as input; the same file named twice is read once."""
    folder = tmp_path / "in"
    folder.mkdir()
    frame = sample_frame()
    write_csv(frame.iloc[:100], folder / "a.csv")
    write_csv(frame.iloc[100:].assign(region="north"), folder / "b.csv")
    first = run_job([str(folder)], folder / "scored", bundle, scheduler=cluster.scheduler_address)
    assert not [i for i in first.report.issues if i.code == "inconsistent_fields"]
    again = run_job(
        [str(folder), str(folder / "sub" / ".." / "a.csv")],
        tmp_path / "again",
        bundle,
        scheduler=cluster.scheduler_address,
    )
    assert [Path(r.path).name for r in again.input_reports] == ["a.csv", "b.csv"]
    assert again.report.rows == 200


def test_a_parquet_column_of_lists_passes_through(tmp_path: Path, cluster: LocalCluster, bundle: Bundle) -> None:
    table = pa.Table.from_pandas(sample_frame(), preserve_index=False)
    table = table.append_column("tags", pa.array([["a", "b"]] * table.num_rows, type=pa.list_(pa.string())))
    source = tmp_path / "in.parquet"
    pq.write_table(table, source)
    run_job([str(source)], tmp_path / "out", bundle, scheduler=cluster.scheduler_address, output_format="parquet")
    back = pq.read_table(tmp_path / "out" / "part-00000.parquet")
    assert back.schema.field("tags").type == pa.list_(pa.string())
    assert back.column("tags").to_pylist()[0] == ["a", "b"]


def test_fsspec_urls_are_read_like_local_paths(tmp_path: Path, cluster: LocalCluster, bundle: Bundle) -> None:
    """Inputs named by URL go through fsspec on the client and on every worker (file:// here; s3://, gs://
    and abfs:// take the same path once their backend is installed)."""
    folder = tmp_path / "exports"
    folder.mkdir()
    frame = sample_frame()
    write_csv(frame.iloc[:100], folder / "a.csv")
    write_csv(frame.iloc[100:], folder / "b.csv", **VARIANTS["excel_de"])  # type: ignore[arg-type]
    (folder / "_SUCCESS").write_text("")
    pq.write_table(pa.Table.from_pandas(frame.iloc[:50], preserve_index=False), tmp_path / "c.parquet")
    by_path = run_job(
        [str(folder), str(tmp_path / "c.parquet")],
        tmp_path / "by-path",
        bundle,
        scheduler=cluster.scheduler_address,
        partition_bytes=PART,
    )
    by_url = run_job(
        [folder.as_uri(), (tmp_path / "c.parquet").as_uri()],
        tmp_path / "by-url",
        bundle,
        scheduler=cluster.scheduler_address,
        partition_bytes=PART,
    )
    assert [p.name for p in by_url.parts] == [p.name for p in by_path.parts]
    for part in by_path.parts:
        assert (tmp_path / "by-url" / part.name).read_bytes() == (tmp_path / "by-path" / part.name).read_bytes()
    assert by_url.report.status_counts == by_path.report.status_counts
    assert len(by_url.parts) > 3
    with pytest.raises(InputError, match="matches no file"):
        run_job([f"file://{tmp_path}/nothing-*.csv"], tmp_path / "none", bundle, scheduler=cluster.scheduler_address)


@pytest.fixture(scope="module")
def thread_cluster() -> Iterator[LocalCluster]:
    """Workers as threads of this process, so they share fsspec's in-memory file system with the test: an object
    store without a server (memory:// has no rename, like s3:// or gs://)."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address="127.0.0.1:0") as running:
        yield running


def _store_listing(url: str) -> list[str]:
    fs, root = fsspec.core.url_to_fs(url)
    return sorted(p.rsplit("/", 1)[-1] for p in fs.find(root)) if fs.exists(root) else []


def test_an_object_store_output_gets_whole_parts_and_the_manifest_last(
    tmp_path: Path, thread_cluster: LocalCluster, bundle: Bundle
) -> None:
    inputs, _ = _inputs(tmp_path)
    out = f"memory://bucket-{tmp_path.name}/scored"
    result = run_job(
        [str(p) for p in inputs], out, bundle, scheduler=thread_cluster.scheduler_address, partition_bytes=PART
    )
    fs, root = fsspec.core.url_to_fs(out)
    manifest = json.loads(fs.cat_file(f"{root}/{MANIFEST}"))
    assert _store_listing(out) == sorted([MANIFEST, *(p["name"] for p in manifest["parts"])])  # no temporary file
    assert len(manifest["parts"]) == len(result.parts) > 6
    for index, path in enumerate(inputs):
        joined = b""
        for part in manifest["parts"]:
            if part["input"] == index:
                data = fs.cat_file(f"{root}/{part['name']}")
                assert hashlib.sha256(data).hexdigest() == part["sha256"]
                joined += data[data.index(b"\n") + 1 :] if joined else data
        assert joined == _local_output(path, tmp_path / f"local-{index}.csv", bundle)
    with pytest.raises(InputError, match="already exists"):  # never written over, on a store either
        run_job([str(inputs[0])], out, bundle, scheduler=thread_cluster.scheduler_address)


def test_a_failed_job_deletes_what_it_uploaded(tmp_path: Path, thread_cluster: LocalCluster, bundle: Bundle) -> None:
    good = write_csv(sample_frame(), tmp_path / "good.csv")
    broken = tmp_path / "broken.csv"
    broken.write_text(good.read_text(encoding="utf-8") + '9999,"an unterminated quoted field\n', encoding="utf-8")
    out = f"memory://bucket-{tmp_path.name}/scored"
    # The good file's partitions are uploaded while the broken one fails: none of them stays.
    with pytest.raises(InputError, match=r"broken\.csv, bytes 0 to [\d,]+: cannot be read as CSV"):
        run_job([str(good), str(broken)], out, bundle, scheduler=thread_cluster.scheduler_address, partition_bytes=PART)
    assert _store_listing(out) == []


def test_a_file_url_output_is_published_by_rename(tmp_path: Path, cluster: LocalCluster, bundle: Bundle) -> None:
    path = write_csv(sample_frame(), tmp_path / "in.csv")
    run_job([str(path)], (tmp_path / "out").as_uri(), bundle, scheduler=cluster.scheduler_address)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [MANIFEST, "part-00000.csv"]
    assert (tmp_path / "out" / "part-00000.csv").read_bytes() == _local_output(path, tmp_path / "local.csv", bundle)


def _start_environment() -> dict[str, str]:
    """The environment this process started with (glibc reads its malloc settings then), not os.environ now."""
    with open("/proc/self/environ", "rb") as handle:
        pairs = [item.split(b"=", 1) for item in handle.read().split(b"\0") if b"=" in item]
    return {key.decode(): value.decode() for key, value in pairs}


def test_the_jobs_own_workers_start_with_a_fixed_mmap_threshold() -> None:
    """Set after the worker process starts, as LocalCluster's env= does, the threshold does nothing."""
    with job._client(None, 1) as (client, count):
        started = client.run(_start_environment)
    assert count == 1
    [environment] = started.values()
    assert environment.get("MALLOC_MMAP_THRESHOLD_") == str(32 << 20)
    assert "MALLOC_TRIM_THRESHOLD_" in environment  # Dask's own pre-spawn settings are kept


def test_discard_removes_the_staging_folder_a_cancelled_task_still_writes_into(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cancelled task keeps running on its worker: here it opens its scratch file in the staging folder while the
    first removal empties it, which leaves the folder behind (as a loaded machine once did in
    test_cancel_publishes_nothing). The folder must go all the same, and nothing at OUT."""
    from app.distributed import publish

    output = publish.open_output(tmp_path / "out")
    staging = Path(output.parts.location)
    (staging / "part-00000.csv").write_text("a part\n")
    remove = shutil.rmtree
    calls: list[Path] = []

    def racing(path: Path, ignore_errors: bool = False) -> None:
        calls.append(Path(path))
        remove(path, ignore_errors=ignore_errors)
        if len(calls) == 1:  # the task's scratch file appears as rmtree finishes, so the folder stays
            staging.mkdir()
            (staging / ".part-00001.csv.tmp").write_text("half")

    monkeypatch.setattr(publish.shutil, "rmtree", racing)
    output.discard()
    assert len(calls) == 2
    assert list(tmp_path.iterdir()) == []


def _listening() -> set[tuple[int, str, int]]:
    """Every socket this process and its children listen on: (pid, address, port)."""
    import psutil

    me = psutil.Process()
    return {
        (process.pid, connection.laddr.ip, connection.laddr.port)
        for process in (me, *me.children(recursive=True))
        for connection in process.net_connections(kind="inet")
        if connection.status == psutil.CONN_LISTEN
    }


def test_the_jobs_own_cluster_listens_on_loopback_only() -> None:
    """The local cluster's dashboard (worker identities, logs, call stacks; no authentication) and every other
    port it opens are reachable from this machine only."""
    before = _listening()
    with job._client(None, 1) as (client, _count):
        opened = _listening() - before
        dashboard = client.dashboard_link
    assert len(opened) >= 4, opened  # the scheduler, its dashboard, the nanny and the worker
    assert {address for _pid, address, _port in opened} == {"127.0.0.1"}, opened
    assert dashboard.startswith("http://127.0.0.1:")


@pytest.mark.parametrize("factor", [math.nan, 3.0, -1.0], ids=["nan", "times 3", "times -1"])
def test_a_model_whose_output_is_no_probability_stops_the_job(
    tmp_path: Path, cluster: LocalCluster, factor: float
) -> None:
    """The worker that meets the first such row names it within its partition; nothing is published."""
    broken = load_bundle(scaled_bundle(tmp_path / "model", factor))
    path = write_csv(sample_frame(), tmp_path / "in.csv")
    with pytest.raises(
        ModelOutputError,
        match=re.escape(f"{broken.card.name} {broken.card.version} returned ")
        + r"\S+ as the probability of row \d+ of \S*in\.csv, bytes [\d,]+ to [\d,]+: a probability is a number from 0"
        r" to 1",
    ):
        run_job([str(path)], tmp_path / "out", broken, scheduler=cluster.scheduler_address, partition_bytes=PART)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "model"]


def test_the_cli_exits_3_on_a_model_whose_output_is_no_probability(tmp_path: Path, cluster: LocalCluster) -> None:
    model = scaled_bundle(tmp_path / "model", math.nan)
    path = write_csv(sample_frame(), tmp_path / "in.csv")
    env = {"SCOREDESK_DASK_SCHEDULER": cluster.scheduler_address}
    done = _cli("score", str(path), "-o", str(tmp_path / "out"), "--engine", "dask", "--model", str(model), env=env)
    assert done.returncode == 3, done.stderr
    card = load_bundle(model).card
    shown = f"error: model bundle: {card.name} {card.version} returned NaN as the probability of row 1 of"
    assert re.search("^" + re.escape(shown), done.stderr, re.M), done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "model"]


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _append(path: Path) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(path.read_text(encoding="utf-8").split("\n", 2)[1] + "\n")


def _rewrite_same_size(path: Path) -> None:
    """Other bytes of the same length, written later (set a second on: a file system's clock is coarse)."""
    before = path.stat()
    data = path.read_bytes()
    path.write_bytes(data.replace(b",No,", b",NO,", 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    assert path.stat().st_size == before.st_size


CHANGES = {"truncated": _truncate, "appended to": _append, "rewritten at the same size": _rewrite_same_size}


@pytest.mark.parametrize("by_url", [False, True], ids=["path", "file URL"])
@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_an_input_changed_after_planning_fails_the_job_and_publishes_nothing(
    tmp_path: Path, cluster: LocalCluster, bundle: Bundle, monkeypatch: pytest.MonkeyPatch, change, by_url: bool
) -> None:
    """Before, the partitions read whatever the file held by then: a file truncated after planning published
    half its rows with exit 0. The plan records each input's size and modification time; every partition
    compares them with the file it reads."""
    path = write_csv(pd.concat([sample_frame()] * 3), tmp_path / "in.csv")
    planned = job.plan_partitions

    def plan_then_change(*args, **kwargs):  # the file changes once the client has cut it into partitions
        partitions = planned(*args, **kwargs)
        assert len(partitions) > 3
        change(path)
        return partitions

    monkeypatch.setattr(job, "plan_partitions", plan_then_change)
    with pytest.raises(InputError, match=r"in\.csv(, bytes [\d,]+ to [\d,]+)?: the file changed since the job started"):
        run_job(
            [path.as_uri() if by_url else str(path)],
            tmp_path / "out",
            bundle,
            scheduler=cluster.scheduler_address,
            partition_bytes=PART,
        )
    assert [p.name for p in tmp_path.iterdir()] == ["in.csv"]


def test_a_parquet_file_replaced_after_planning_fails_the_job(
    tmp_path: Path, cluster: LocalCluster, bundle: Bundle, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "in.parquet"
    table = pa.Table.from_pandas(sample_frame(), preserve_index=False)
    pq.write_table(table, source, row_group_size=70)
    planned = job.plan_partitions

    def plan_then_replace(*args, **kwargs):
        partitions = planned(*args, **kwargs)
        reversed_rows = table.take(list(range(table.num_rows - 1, -1, -1)))  # the same row groups, other rows
        pq.write_table(reversed_rows, source, row_group_size=70)
        return partitions

    monkeypatch.setattr(job, "plan_partitions", plan_then_replace)
    with pytest.raises(InputError, match=r"in\.parquet, row group \d: the file changed since the job started"):
        run_job([str(source)], tmp_path / "out", bundle, scheduler=cluster.scheduler_address)
    assert [p.name for p in tmp_path.iterdir()] == ["in.parquet"]


def test_an_input_written_to_while_it_is_planned_stops_the_job_before_it_starts(
    tmp_path: Path, bundle: Bundle, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cuts are placed in the file the client read: if it grew meanwhile, they may be in the wrong places."""
    from app.distributed import plan

    path = write_csv(sample_frame(), tmp_path / "in.csv")
    cut = plan.byte_ranges

    def cut_then_append(*args, **kwargs):
        ranges = list(cut(*args, **kwargs))
        _append(path)
        return ranges

    monkeypatch.setattr(plan, "byte_ranges", cut_then_append)
    with pytest.raises(InputError, match=r"in\.csv: the file changed since the job started \([\d,]+ bytes then"):
        plan.plan_partitions([path], bundle, None, PART)


def test_inputs_with_other_columns_keep_their_column_findings_in_the_jobs_report(
    tmp_path: Path, cluster: LocalCluster
) -> None:
    """Before, a job whose inputs had different headers reported renamed and extra columns only in the manifest's
    per-input reports: the summary, the run log and the job's report had none."""
    frame = sample_frame()
    renamed = write_csv(frame.iloc[:100].rename(columns={"tenure": "Tenure"}), tmp_path / "a.csv")
    extra = write_csv(frame.iloc[100:].assign(region="north"), tmp_path / "b.csv")
    plain = [write_csv(frame.iloc[:20], tmp_path / f"{name}.csv") for name in "cd"]
    out = tmp_path / "out"
    env = {"SCOREDESK_DASK_SCHEDULER": cluster.scheduler_address}
    inputs = [str(p) for p in (renamed, extra, *plain)]
    done = _cli("score", *inputs, "-o", str(out), "--engine", "dask", env=env)
    assert done.returncode == 0, done.stderr
    assert re.search(rf"renamed_column +{re.escape(str(renamed))}: column 'Tenure' was read as 'tenure'", done.stdout)
    assert re.search(rf"extra_column +{re.escape(str(extra))}: column 'region' is not used by the model", done.stdout)
    every = f"{renamed}, {extra}, {plain[0]} and 1 more: column 'notes' is not used by the model; passed through"
    assert every in done.stdout  # one line for a finding the inputs share
    from app.core.runlog import RunLog

    (record,) = RunLog.default().read()
    assert {"renamed_column", "extra_column"} <= set(record["scoredesk"]["issues"])
    report = json.loads((out / MANIFEST).read_text())["report"]
    found = {(i["code"], i["column"], i["message"]) for i in report["issues"] if i["code"].endswith("_column")}
    assert found == {
        ("renamed_column", "tenure", f"{renamed}: column 'Tenure' was read as 'tenure'"),
        ("extra_column", "region", f"{extra}: column 'region' is not used by the model; passed through"),
        ("extra_column", "notes", every),
    }
    assert report["verdict"] == "warning"  # a renamed column is a warning, in the job's verdict too
