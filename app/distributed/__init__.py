"""Scoring at scale: the core's reader, checks and output run on a Dask cluster (``score --engine dask``).

This package is the only place that imports dask, distributed and pyarrow (an import contract keeps them out of
``app.core`` and ``app.ui``); it is an optional extra and the desktop bundle does not ship it. It plans the job
on the client (``plan``), scores each partition on a worker with the core's functions (``worker``) and merges
the partitions' mergeable summaries into the report a single pass would give (``job``). It holds no copy of
the scoring logic.
"""

from __future__ import annotations

from app.core.i18n import N_

__all__ = ["INSTALL_HINT"]

INSTALL_HINT = N_(
    "--engine dask needs the dask extra, which this installation does not have: install it with"
    " `uv sync --extra dask` (or `pip install 'scoredesk[dask]'`); the desktop program does not include it"
)
