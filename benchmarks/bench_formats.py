"""`score` on workbooks and compressed CSV, side by side with pandas, plus the workbook reader choice.

- xlsx: `python -m app score IN.xlsx -o OUT` on a 100k-row workbook (numbers stored as numbers, written with
  xlsxwriter) against pandas.read_excel(engine="calamine") then to_csv (baselines/excel_floor.py)
- gzip: `python -m app score IN.csv.gz -o OUT` on 1M rows against pandas.read_csv(IN.csv.gz) then to_csv
  (baselines/io_floor.py) and against ours on the same rows as plain CSV
  (goal: the .gz within 10% of the plain CSV's time and peak memory)
- reader: every row of the 100k-row sheet read with python-calamine against openpyxl's read-only mode,
  each in a fresh process (baselines/read_workbook.py); both the wall time and the read alone (from opening
  the file to the last row, the import excluded)

Every command runs with its modules' bytecode compiled beforehand, interleaved with the others in each
repeat; peak memory is resident memory of the whole process tree, the highest of the repeats.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path

from _common import PYTHON, build_telco_model, compile_bytecode, record, run_measured
from datasets import SHEET, big_file, big_gzip, big_workbook

HERE = Path(__file__).resolve().parent


def _figures(values: list[tuple[float, float]], rows: int) -> dict[str, float]:
    median = statistics.median(s for s, _ in values)
    return {
        "median_s": round(median, 2),
        "min_s": round(min(s for s, _ in values), 2),
        "max_s": round(max(s for s, _ in values), 2),
        "rows_per_s": round(rows / median),
        "peak_mb": round(max(m for _, m in values), 1),
        "runs": len(values),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--gz-rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    workbook, packed, plain = big_workbook(args.xlsx_rows), big_gzip(args.gz_rows), big_file(args.gz_rows)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        build_telco_model(folder)
        out, timing = folder / "out.csv", folder / "read.json"

        def ours(source: Path) -> list[str]:
            model = ["--model", str(folder / "bundle"), "--no-log"]
            return [PYTHON, "-m", "app", "score", str(source), "-o", str(out), *model]

        def baseline(script: str, source: Path) -> list[str]:
            return [PYTHON, str(HERE / "baselines" / script), str(source), str(out)]

        def reader(name: str) -> list[str]:
            return [PYTHON, str(HERE / "baselines" / "read_workbook.py"), name, str(workbook), SHEET, str(timing)]

        commands = {
            ("xlsx", "ours"): ours(workbook),
            ("xlsx", "pandas_read_excel_calamine"): baseline("excel_floor.py", workbook),
            ("gzip", "ours"): ours(packed),
            ("gzip", "ours_plain_csv"): ours(plain),
            ("gzip", "pandas_read_csv_gz"): baseline("io_floor.py", packed),
            ("reader", "calamine"): reader("calamine"),
            ("reader", "openpyxl"): reader("openpyxl"),
        }
        compile_bytecode()
        runs: dict[tuple[str, str], list[tuple[float, float]]] = {key: [] for key in commands}
        reads: dict[str, list[dict[str, float]]] = {"calamine": [], "openpyxl": []}
        for _ in range(args.repeat):  # interleaved, so drift in machine load hits every command alike
            for key, command in commands.items():
                runs[key].append(run_measured(command))
                if key[0] == "reader":
                    reads[key[1]].append(json.loads(timing.read_text()))

    rows = {"xlsx": args.xlsx_rows, "gzip": args.gz_rows, "reader": args.xlsx_rows}
    result: dict[str, dict[str, object]] = {group: {"rows": count} for group, count in rows.items()}
    for (group, name), values in runs.items():
        result[group][name] = _figures(values, rows[group])
    for name, seen in reads.items():
        counts = {(r["rows"], r["cells"]) for r in seen}
        if counts != {(args.xlsx_rows + 1, (args.xlsx_rows + 1) * 20)}:  # the header and 20 columns a row
            raise RuntimeError(f"{name} read {counts} (rows, cells), not the whole sheet")
        read_s = statistics.median(r["read_s"] for r in seen)
        result["reader"][name]["read_only_median_s"] = round(read_s, 3)
        result["reader"][name]["read_only_rows_per_s"] = round(args.xlsx_rows / read_s)

    xlsx, gz, read = result["xlsx"], result["gzip"], result["reader"]
    xlsx["slowdown_vs_pandas"] = round(xlsx["ours"]["median_s"] / xlsx["pandas_read_excel_calamine"]["median_s"], 2)
    gz["time_vs_plain_csv"] = round(gz["ours"]["median_s"] / gz["ours_plain_csv"]["median_s"], 3)
    gz["peak_vs_plain_csv"] = round(gz["ours"]["peak_mb"] / gz["ours_plain_csv"]["peak_mb"], 3)
    gz["slowdown_vs_pandas"] = round(gz["ours"]["median_s"] / gz["pandas_read_csv_gz"]["median_s"], 2)
    read["calamine_speedup_wall"] = round(read["openpyxl"]["median_s"] / read["calamine"]["median_s"], 2)
    read["calamine_speedup_read_only"] = round(
        read["openpyxl"]["read_only_median_s"] / read["calamine"]["read_only_median_s"], 2
    )
    goals = {
        "gzip_time_vs_plain_csv": "<= 1.10",
        "gzip_peak_vs_plain_csv": "<= 1.10",
        "calamine_faster_than_openpyxl": "> 1 (the reader choice)",
    }
    meets = {
        "gzip_time_vs_plain_csv": gz["time_vs_plain_csv"] <= 1.10,
        "gzip_peak_vs_plain_csv": gz["peak_vs_plain_csv"] <= 1.10,
        "calamine_faster_than_openpyxl": read["calamine_speedup_read_only"] > 1,
    }
    record("formats", {**result, "goals": goals, "meets_goals": meets})


if __name__ == "__main__":
    main()
