"""Reader choice: read every row of one sheet and nothing else. Usage: calamine|openpyxl IN SHEET [TIMING.json]

calamine: CalamineWorkbook.from_path(IN).get_sheet_by_name(SHEET).iter_rows();
openpyxl: load_workbook(IN, read_only=True, data_only=True)[SHEET].iter_rows(values_only=True).
With TIMING.json, writes the rows and cells seen and the seconds from opening the file to the last row
(the import excluded).
"""

import json
import sys
import time

reader, source, sheet = sys.argv[1:4]
if reader == "calamine":
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    workbook = CalamineWorkbook.from_path(source)
    rows = workbook.get_sheet_by_name(sheet).iter_rows()
elif reader == "openpyxl":
    from openpyxl import load_workbook

    started = time.perf_counter()
    workbook = load_workbook(source, read_only=True, data_only=True)
    rows = workbook[sheet].iter_rows(values_only=True)
else:
    raise SystemExit(f"unknown reader {reader!r}")
count = cells = 0
for row in rows:
    count += 1
    cells += len(row)
seconds = time.perf_counter() - started
workbook.close()
if len(sys.argv) > 4:
    with open(sys.argv[4], "w") as handle:
        json.dump({"rows": count, "cells": cells, "read_s": seconds}, handle)
