"""Baseline: the I/O floor, reading and writing the same CSV as text and doing nothing else. Usage: IN OUT"""

import sys

import pandas as pd

source, target = sys.argv[1:3]
pd.read_csv(source, dtype=str, keep_default_na=False).to_csv(target, index=False)
