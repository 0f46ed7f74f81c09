"""How to run one build: the options the driver (pipeline) is given and every stage reads.

Its own module so that ``stages`` can read the options without importing the driver that runs the stages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["BuildOptions"]


@dataclass(frozen=True)
class BuildOptions:
    """How to run one build."""

    config_path: Path
    out_dir: Path
    work_dir: Path
    accept_data_change: bool = False
    allow_regression: bool = False
    stages: tuple[str, ...] = ()  # empty: every stage; else only these, reading the others' outputs
    samples_dir: Path | None = None  # default: "samples" beside the bundle folder
    tracking_uri: str | None = None  # log the build to MLflow there (optional extra `tracking`)
    metrics_path: Path | None = None  # also write the flat test metrics here (DVC tracks it in git)
    echo: Callable[[str], None] = print
