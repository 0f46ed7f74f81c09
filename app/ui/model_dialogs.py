"""The Model menu's dialogs: an update shown against the active model before it is installed, and the versions.

They draw what the core computed (``app.core.champion``, ``app.core.model_store``); every change goes through
the store, which verifies signatures and files, and is recorded in the run log.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.card import ModelCard
from app.core.champion import FileComparison, compare_cards
from app.core.i18n import gettext, integer, number, percent, shown
from app.core.model_store import ModelStore
from app.ui.i18n import tr

__all__ = ["UpdateDialog", "VersionsDialog"]


class UpdateDialog(QDialog):
    """The challenger's test metrics beside the champion's, and the decisions that would flip; Install or not."""

    def __init__(
        self,
        champion: ModelCard,
        challenger: ModelCard,
        key: str,
        on_file: FileComparison | None = None,
        file_name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, objectName="updateDialog")
        self.setWindowTitle(
            tr("Install {model} {version}?").format(model=challenger.display_name, version=challenger.version)
        )
        result = compare_cards(champion, challenger)
        intro = QLabel(
            tr(
                "<b>{model} {version}</b>, signed by trusted key {key}, against the active {active}, on the test"
                " sets their model cards carry:"
            ).format(model=challenger.display_name, version=challenger.version, key=key, active=champion.version),
            wordWrap=True,
        )
        self.table = QTableWidget(len(result["metrics"]), 4, objectName="comparisonTable")
        self.table.setHorizontalHeaderLabels(
            [tr("Metric"), tr("Active {version}").format(version=champion.version), challenger.version, tr("Change")]
        )
        for row, (name, values) in enumerate(result["metrics"].items()):
            delta = number(values["delta"], 4)
            cells = (
                name,
                number(values["champion"], 4),
                number(values["challenger"], 4),
                delta if delta.startswith("-") else "+" + delta,
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        flips = result["flip_share"]
        self.flips = QLabel(
            gettext(result["reason"])
            if flips is None
            else tr("{share} of the {rows} test rows would get the other decision.").format(
                share=percent(flips, 2), rows=integer(result["rows"])
            ),
            objectName="flipLabel",
            wordWrap=True,
        )
        self.on_file = QLabel(objectName="onFileLabel", wordWrap=True)
        if on_file is not None:
            champion_auc, challenger_auc = on_file["roc_auc"]["champion"], on_file["roc_auc"]["challenger"]
            # compare_on_file fills both with roc_auc(), a float (NaN for one class), never None
            assert champion_auc is not None
            assert challenger_auc is not None
            change = number(challenger_auc - champion_auc, 4)
            self.on_file.setText(
                tr(
                    "On {file} ({rows} labelled rows): ROC AUC {before} -> {after} ({change}); {share} of its"
                    " decisions would flip."
                ).format(
                    file=file_name,
                    rows=integer(on_file["rows"]),
                    before=number(champion_auc, 4),
                    after=number(challenger_auc, 4),
                    change=change if change.startswith("-") else "+" + change,
                    share=percent(on_file["flip_share"], 2),
                )
            )
        else:
            self.on_file.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.install_button = buttons.addButton(tr("&Install and use it"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (intro, self.table, self.flips, self.on_file, buttons):
            layout.addWidget(widget)
        # Wide and tall enough that every column and row of the comparison shows whole, not cut at ~240 px.
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        width = header.length() + self.table.verticalHeader().width() + 4 * self.table.frameWidth() + 48
        height = self.table.verticalHeader().length() + header.height() + 4 * self.table.frameWidth()
        self.table.setMinimumSize(width - 48, height)
        self.resize(max(width, 560), self.sizeHint().height())


class VersionsDialog(QDialog):
    """The installed versions, the active one marked; switch to one, or roll back."""

    def __init__(self, store: ModelStore, shipped: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="versionsDialog")
        self.store, self.shipped = store, shipped
        self.changed = False
        self.setWindowTitle(tr("Model versions"))
        self.list = QListWidget(objectName="versionList")
        self.status = QLabel(objectName="versionStatus", wordWrap=True)
        self.use_button = QPushButton(tr("&Use this version"), objectName="useVersion")
        self.rollback_button = QPushButton(tr("&Roll back"), objectName="rollBack")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        self.use_button.clicked.connect(self.use_selected)
        self.rollback_button.clicked.connect(self.roll_back)
        layout = QVBoxLayout(self)
        for widget in (self.list, self.status, self.use_button, self.rollback_button, close):
            layout.addWidget(widget)
        self.refresh()

    def refresh(self) -> None:
        """List the shipped model and every installed version, the active one marked."""
        self.list.clear()
        active = self.store.active_version
        entries = [(None, tr("shipped {model}").format(model=self.shipped))] + [(v, v) for v in self.store.versions()]
        for version, text in entries:
            item = QListWidgetItem(text + ("   " + tr("(active)") if version == active else ""))
            item.setData(256, version)
            self.list.addItem(item)
            if version == active:
                self.list.setCurrentItem(item)
        self.rollback_button.setEnabled(active is not None)

    def use_selected(self) -> None:
        """Make the selected installed version active."""
        item = self.list.currentItem()
        version = item.data(256) if item is not None else None
        if version is None:
            self.status.setText(tr("The shipped model is active after a rollback to it; pick an installed version."))
            return
        # picking a version here is the explicit choice an older one needs; the status bar then warns of it
        done = tr("{version} is now active.").format(version=version)
        self._change(lambda: self.store.use(version, allow_downgrade=True), done)

    def roll_back(self) -> None:
        """Go back to the version active before the last switch."""
        self._change(
            lambda: self.status.setText(
                tr("Rolled back to {version}.").format(version=self.store.rollback() or tr("the shipped model"))
            )
        )

    def _change(self, action: Callable[[], object], done: str = "") -> None:
        from app.core.model_store import InstallRefused
        from app.core.signing import SignatureError

        try:
            action()
        except (InstallRefused, SignatureError) as error:
            self.status.setText(shown(error))
            return
        if done:
            self.status.setText(done)
        self.changed = True
        self.refresh()
