"""Large input files for the benchmarks, made by repeating the telco snapshot with fresh ids."""

from __future__ import annotations

import argparse
import gzip
import shutil
from pathlib import Path

import pandas as pd
from _common import REPO

SNAPSHOT = REPO / "model_build" / "data" / "telco_churn.csv"
CACHE = REPO / ".build" / "benchmarks"


def big_file(rows: int, labelled: bool = False) -> Path:
    """A CSV of ``rows`` customers (cached under .build/benchmarks)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"telco_{rows}{'_labelled' if labelled else ''}.csv"
    if path.exists():
        return path
    base = pd.read_csv(SNAPSHOT, dtype=str, keep_default_na=False)
    if not labelled:
        base = base.drop(columns=["churn"])
    temporary = path.with_suffix(".part")
    with open(temporary, "w", encoding="utf-8", newline="") as handle:
        written = 0
        while written < rows:
            block = base.head(rows - written).copy()
            block["customer_id"] = [str(written + i + 1) for i in range(len(block))]
            block.to_csv(handle, index=False, header=written == 0, lineterminator="\n")
            written += len(block)
    temporary.replace(path)
    return path


def big_gzip(rows: int) -> Path:
    """``big_file(rows)`` gzip-compressed at gzip's default level 6 (cached)."""
    source = big_file(rows)
    path = source.with_name(source.name + ".gz")
    if path.exists():
        return path
    temporary = path.with_suffix(".part")
    with open(source, "rb") as plain, gzip.open(temporary, "wb", compresslevel=6) as packed:
        shutil.copyfileobj(plain, packed, 1 << 20)
    temporary.replace(path)
    return path


SHEET = "customers"


def big_workbook(rows: int) -> Path:
    """``big_file(rows)`` as an .xlsx with one sheet, SHEET, numbers written as numbers (cached).

    A column is numeric when every non-empty cell of it is a number; empty cells are left blank.
    Written with xlsxwriter in constant-memory mode, row by row.
    """
    import xlsxwriter

    path = CACHE / f"telco_{rows}.xlsx"
    if path.exists():
        return path
    frame = pd.read_csv(big_file(rows), dtype=str, keep_default_na=False)
    columns = []
    for name in frame.columns:
        values = frame[name]
        numbers = pd.to_numeric(values.replace("", None), errors="coerce")
        numeric = bool(numbers.notna().sum() == (values != "").sum())
        columns.append([None if v != v else float(v) for v in numbers] if numeric else values.tolist())
    temporary = path.with_suffix(".part")
    workbook = xlsxwriter.Workbook(str(temporary), {"constant_memory": True})
    sheet = workbook.add_worksheet(SHEET)
    sheet.write_row(0, 0, list(frame.columns))
    for row, cells in enumerate(zip(*columns, strict=True), start=1):
        for column, value in enumerate(cells):
            if value is None or value == "":
                continue
            if isinstance(value, float):
                sheet.write_number(row, column, value)
            else:
                sheet.write_string(row, column, value)
    workbook.close()
    temporary.replace(path)
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("rows", type=int)
    print(big_file(parser.parse_args().rows))
