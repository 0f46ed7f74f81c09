"""Settings that outlive a session: last folder, threshold, costs, window geometry, recent files."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from app.core.paths import user_data_dir

__all__ = ["MAX_RECENT", "Settings"]

MAX_RECENT = 8


class Settings:
    """A typed face on QSettings; thresholds and costs are kept per model."""

    def __init__(self, settings: QSettings | None = None) -> None:
        # An INI file in the user's data folder: one place for everything writable, on every platform.
        self._settings = settings or QSettings(str(user_data_dir() / "settings.ini"), QSettings.Format.IniFormat)

    def _float(self, key: str) -> float | None:
        value = self._settings.value(key)
        try:
            return None if value is None else float(value)
        except (TypeError, ValueError):
            return None

    @property
    def last_folder(self) -> str:
        """Folder of the last opened or exported file."""
        return str(self._settings.value("last_folder", ""))

    @last_folder.setter
    def last_folder(self, folder: str) -> None:
        self._settings.setValue("last_folder", folder)

    def threshold(self, model: str) -> float | None:
        """The user's threshold for a model, if they moved it."""
        return self._float(f"models/{model}/threshold")

    def set_threshold(self, model: str, value: float) -> None:
        """Remember the threshold for a model."""
        self._settings.setValue(f"models/{model}/threshold", float(value))

    def costs(self, model: str) -> tuple[float, float] | None:
        """(cost per action, value per true positive) for a model, if edited."""
        cost, value = self._float(f"models/{model}/cost_per_action"), self._float(f"models/{model}/value_per_tp")
        return None if cost is None or value is None else (cost, value)

    def set_costs(self, model: str, cost: float, value: float) -> None:
        """Remember the decision costs for a model."""
        self._settings.setValue(f"models/{model}/cost_per_action", float(cost))
        self._settings.setValue(f"models/{model}/value_per_tp", float(value))

    @property
    def log_runs(self) -> bool:
        """Whether scored files are recorded in the run log (on unless turned off)."""
        return str(self._settings.value("log_runs", "true")).lower() in ("true", "1")

    @log_runs.setter
    def log_runs(self, value: bool) -> None:
        self._settings.setValue("log_runs", "true" if value else "false")

    @property
    def geometry(self) -> QByteArray | None:
        """The main window's saved geometry."""
        value = self._settings.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._settings.setValue("window/geometry", value)

    @property
    def recent_files(self) -> list[str]:
        """Most recent first."""
        value = self._settings.value("recent_files", [])
        if isinstance(value, str):
            return [value]
        if not value:
            return []
        assert isinstance(value, Iterable)  # QSettings gives back the list add_recent stored
        return [str(v) for v in value]

    def add_recent(self, path: str) -> None:
        """Put ``path`` (absolute) first in the recent files; a relative entry an older version stored goes, as it
        named a file only from the folder it was opened in."""
        files = [path, *(p for p in self.recent_files if p != path and Path(p).is_absolute())][:MAX_RECENT]
        self._settings.setValue("recent_files", files)

    def mappings(self) -> dict[str, str]:
        """Saved column mappings by the header they were made for (see mapping_draft.header_key)."""
        self._settings.beginGroup("mappings")
        try:
            return {key: str(self._settings.value(key)) for key in self._settings.childKeys()}
        finally:
            self._settings.endGroup()

    def remember_mapping(self, header: str, path: str) -> None:
        """Use the mapping file at ``path`` for every file with this header from now on."""
        self._settings.setValue(f"mappings/{header}", path)

    def forget_mapping(self, header: str) -> None:
        """Stop using a saved mapping for files with this header (the mapping file itself stays)."""
        self._settings.remove(f"mappings/{header}")

    def sync(self) -> None:
        """Write to disk now."""
        self._settings.sync()
