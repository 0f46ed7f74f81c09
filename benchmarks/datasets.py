"""Large input files for the benchmarks, made by repeating the telco snapshot with fresh ids."""

from __future__ import annotations

import argparse
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


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("rows", type=int)
    print(big_file(parser.parse_args().rows))
