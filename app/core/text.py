"""The string dtypes the core relies on, stated instead of left to whichever libraries are installed.

pandas 3 stores text in pyarrow whenever it can import pyarrow, which changes what some operations return and
how fast they run. The core states Python-backed strings, so a file scores to the same bytes at the same speed
whether or not pyarrow (the ``dask`` extra) is installed beside it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["NULLABLE_TEXT", "TEXT"]

TEXT = pd.StringDtype("python", na_value=np.nan)  # cells as read; what ``dtype=str`` means without pyarrow
NULLABLE_TEXT = pd.StringDtype("python")  # missing is pd.NA; what ``astype("string")`` means without pyarrow
