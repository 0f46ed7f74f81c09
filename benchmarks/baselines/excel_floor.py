"""Baseline: the workbook I/O floor, pandas reading the first sheet with calamine, writing it as CSV. Usage: IN OUT"""

import sys

import pandas as pd

source, target = sys.argv[1:3]
pd.read_excel(source, engine="calamine").to_csv(target, index=False)
