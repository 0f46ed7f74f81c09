"""Build-time paths: configurations, data snapshots and the work folder."""

from __future__ import annotations

from pathlib import Path

from app.core.paths import bundle_dir, project_root, samples_dir

__all__ = ["DEFAULT_CONFIG", "configs_dir", "data_dir", "default_out_dir", "default_samples_dir", "default_work_dir"]


def configs_dir() -> Path:
    """One TOML file per model."""
    return project_root() / "model_build" / "configs"


def data_dir() -> Path:
    """Versioned data snapshots."""
    return project_root() / "model_build" / "data"


def default_work_dir() -> Path:
    """Stage outputs and the run history (not shipped, not committed)."""
    return project_root() / ".build" / "model_build"


def default_out_dir() -> Path:
    """Where the shipped bundle lives."""
    return bundle_dir()


def default_samples_dir() -> Path:
    """Where the shipped sample files live."""
    return samples_dir()


DEFAULT_CONFIG = configs_dir() / "telco_churn.toml"
