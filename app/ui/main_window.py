"""The main window: menus, file handling and jobs; the panels do the showing."""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QWidget,
)

from app import __version__
from app.core.i18n import LANGUAGES, integer, language, number, shown
from app.core.language import remember_language
from app.core.paths import APP_NAME, samples_dir
from app.ui.errors import show_error
from app.ui.i18n import QT_TR_NOOP, tr
from app.ui.jobs import Job, JobFailure, JobRunner
from app.ui.settings import Settings

if TYPE_CHECKING:
    import numpy as np

    from app.core.bundle import Bundle
    from app.core.card import ModelCard
    from app.core.champion import FileComparison
    from app.core.formats import Source
    from app.core.mapping_draft import FileSample
    from app.core.model_store import ActiveModel
    from app.core.reading import CancelFn, InputOptions, ProgressFn
    from app.core.signing import Package
    from app.core.table import ScoredTable
    from app.core.views import QualityView
    from app.ui.charts import ChartWidget
    from app.ui.state import AppState

__all__ = ["PANEL_TITLES", "MainWindow"]

# The panels' names, which key them; the tabs show them translated.
PANEL_TITLES = (
    QT_TR_NOOP("Results"),
    QT_TR_NOOP("Sanity"),
    QT_TR_NOOP("Model quality"),
    QT_TR_NOOP("Decisions"),
    QT_TR_NOOP("Fairness"),
    QT_TR_NOOP("Drift"),
    QT_TR_NOOP("What-if"),
    QT_TR_NOOP("History"),
    QT_TR_NOOP("Model card"),
)


def _csv_filter() -> str:
    return tr(
        "Tables (*.csv *.txt *.tsv *.gz *.bz2 *.xz *.zip *.xlsx *.xlsm *.xlsb *.xls *.ods);;"
        "CSV files (*.csv *.txt *.tsv);;Workbooks (*.xlsx *.xlsm *.xlsb *.xls *.ods);;All files (*)"
    )


class MainWindow(QMainWindow):
    """Composes the panels around one AppState."""

    fileLoaded = Signal(object)
    exportFinished = Signal(str)
    jobFailed = Signal(str)
    jobCancelled = Signal()
    bundleLoaded = Signal()
    mappingRequested = Signal(object)  # the mapping dialog, once open
    updateShown = Signal(object)  # the model update dialog, once open

    def __init__(self, state: AppState, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.settings = settings
        self.jobs = JobRunner(self)
        self.last_error: QMessageBox | None = None
        self._queued_open: tuple[Path, InputOptions | None] | None = None
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.tabs = QTabWidget(objectName="tabs")
        # A set minimum replaces the panels' summed minimum sizes, which made the window jump back to about
        # 980×750 when a tab was switched after it had been made small; a small window now clips instead.
        self.tabs.setMinimumSize(320, 240)
        self.setCentralWidget(self.tabs)
        self.panels: dict[str, QWidget] = {}
        self._menu_actions: list[QAction] = []  # built by _build_menus, dropped when the language changes
        self._build_status_bar()
        self._build_menus()
        if settings.geometry is not None:
            self.restoreGeometry(settings.geometry)
        else:
            self.resize(1280, 820)
        self.state.rowsRequested.connect(
            lambda *_: self.tabs.setCurrentWidget(self.panels["Results"]) if "Results" in self.panels else None
        )
        self.state.thresholdChanged.connect(self._remember_threshold)
        self.state.costsChanged.connect(self._remember_costs)
        self.jobs.started.connect(self._job_started)
        self.jobs.ended.connect(self._job_ended)
        self.jobs.progress.connect(self._progress)
        self._placeholder = QLabel(tr("Loading the model…"), objectName="loading")
        self.tabs.addTab(self._placeholder, tr("Starting"))
        self._update_actions()

    # ---- building -------------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        self.message = QLabel(objectName="statusMessage")
        self.progress = QProgressBar(objectName="progress", maximum=1000, textVisible=False)
        self.progress.setFixedWidth(220)
        self.cancel_button = QPushButton(objectName="cancel")
        self.cancel_button.clicked.connect(self.jobs.cancel)
        # The threshold decides every prediction shown and written: it is always on screen, with the way back to
        # the model's own when it differs (it is remembered across restarts per model).
        self.threshold_label = QLabel(objectName="thresholdStatus")
        self.reset_threshold = QPushButton(objectName="resetThreshold")
        self.reset_threshold.clicked.connect(self._use_model_threshold)
        self._name_status_bar()
        bar = self.statusBar()
        bar.addWidget(self.message, 1)
        bar.addPermanentWidget(self.threshold_label)
        bar.addPermanentWidget(self.reset_threshold)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        self.progress.hide()
        self.cancel_button.hide()
        self.reset_threshold.hide()
        self.state.thresholdChanged.connect(self._show_threshold)
        self.state.bundleChanged.connect(lambda: self._show_threshold(self.state.threshold))

    def _name_status_bar(self) -> None:
        """The status bar's buttons in the current language (at start and when the language changes)."""
        self.cancel_button.setText(tr("Cancel"))
        self.reset_threshold.setText(tr("Use the model's"))
        self.reset_threshold.setToolTip(tr("Back to the threshold the model card chose"))

    def _show_threshold(self, threshold: float) -> None:
        bundle = self.state.bundle
        if bundle is None:
            self.threshold_label.clear()
            return
        own = bundle.card.threshold
        if round(own, 2) == round(threshold, 2):
            self.threshold_label.setText(
                tr("Threshold {threshold} (the model's)").format(threshold=number(threshold, 2))
            )
        else:
            self.threshold_label.setText(
                tr("Threshold {threshold} (yours; the model's is {own})").format(
                    threshold=number(threshold, 2), own=number(own, 2)
                )
            )
        self.reset_threshold.setVisible(round(own, 2) != round(threshold, 2))

    def _use_model_threshold(self) -> None:
        if self.state.bundle is not None:
            self.state.set_threshold(self.state.bundle.card.threshold)

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu(tr("&File"))
        self.open_action = self._action(menu, tr("&Open…"), QKeySequence.StandardKey.Open, self.open_dialog)
        self.samples_menu = menu.addMenu(tr("Open &Sample"))
        self.recent_menu = menu.addMenu(tr("Open &Recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        menu.addSeparator()
        self.map_action = self._action(menu, tr("&Map columns…"), QKeySequence("Ctrl+M"), self.map_columns_dialog)
        self.export_action = self._action(menu, tr("&Export scored CSV…"), QKeySequence("Ctrl+E"), self.export_dialog)
        self.export_shown_action = self._action(
            menu, tr("Export the &rows shown…"), None, lambda: self.export_shown_dialog()
        )
        self.export_report_action = self._action(
            menu, tr("Export &report…"), QKeySequence("Ctrl+R"), self.export_report_dialog
        )
        self.export_charts_action = self._action(
            menu, tr("Export this tab's &charts…"), None, self.export_charts_dialog
        )
        self.log_action = QAction(tr("&Log scoring runs"), self, checkable=True, checked=self.settings.log_runs)
        self.log_action.setToolTip(tr("Record each scored file's summary (no row values) in the run log for History"))
        self.log_action.toggled.connect(lambda on: setattr(self.settings, "log_runs", on))
        menu.addAction(self.log_action)
        menu.addSeparator()
        self.quit_action = self._action(menu, tr("&Quit"), QKeySequence.StandardKey.Quit, self.close)
        model_menu = self.menuBar().addMenu(tr("&Model"))
        self.install_action = self._action(model_menu, tr("&Install update…"), None, self.install_dialog)
        self.versions_action = self._action(model_menu, tr("&Versions…"), None, self.versions_dialog)
        view_menu = self.menuBar().addMenu(tr("&View"))
        self.language_menu = view_menu.addMenu(tr("&Language"))
        self.language_actions: dict[str, QAction] = {}
        chosen = QActionGroup(self, exclusive=True)
        for code, name in LANGUAGES.items():
            action = QAction(name, self, checkable=True, checked=code == language())
            action.setData(code)
            action.triggered.connect(lambda _checked, code=code: self.choose_language(code))
            chosen.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[code] = action
        find = QAction(tr("Find in the results"), self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.find_in_results)
        self.addAction(find)
        self._menu_actions.append(find)
        for index in range(len(PANEL_TITLES)):  # Ctrl+1 ... Ctrl+9: the tabs in order
            go = QAction(self)
            go.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            go.triggered.connect(lambda _=False, i=index: self.tabs.setCurrentIndex(i) if self.panels else None)
            self.addAction(go)
            self._menu_actions.append(go)
        help_menu = self.menuBar().addMenu(tr("&Help"))
        self._action(help_menu, tr("&About"), None, self.about)

    def _action(
        self,
        menu: QMenu,
        text: str,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None,
        slot: Callable[[], object],
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)  # shortcuts work even when the menu bar is hidden
        self._menu_actions.append(action)
        return action

    def _build_panels(self) -> None:
        """Create the panels once the model is loaded (their imports are the heavy part of start-up)."""
        from app.ui.card_view import ModelCardPanel
        from app.ui.decisions import DecisionsPanel
        from app.ui.drift import DriftPanel
        from app.ui.fairness import FairnessPanel
        from app.ui.history import HistoryPanel
        from app.ui.quality import QualityPanel
        from app.ui.results import ResultsPanel
        from app.ui.sanity import SanityPanel
        from app.ui.whatif import WhatIfPanel

        classes = (
            ResultsPanel,
            SanityPanel,
            QualityPanel,
            DecisionsPanel,
            FairnessPanel,
            DriftPanel,
            WhatIfPanel,
            HistoryPanel,
            ModelCardPanel,
        )
        panels = dict(zip(PANEL_TITLES, classes, strict=True))  # the titles are written once, above
        self.tabs.removeTab(self.tabs.indexOf(self._placeholder))
        for title, panel_class in panels.items():
            panel = panel_class(self.state)
            self.panels[title] = panel
            self.tabs.addTab(panel, tr(title))
        results = self.panels["Results"]
        assert isinstance(results, ResultsPanel)
        from app.ui.table_actions import TableActions

        self.table_actions = TableActions(results.view, self.export_shown_dialog)
        sanity = self.panels["Sanity"]
        assert isinstance(sanity, SanityPanel)
        sanity.editMappingRequested.connect(self.map_columns_dialog)

    # ---- the model ----------------------------------------------------------------------------
    def load_default_bundle(self, directory: Path | None = None) -> None:
        """Load and verify the bundle in a worker thread, so the window is never blocked."""

        warmed: dict[str, QualityView] = {}

        def load(_progress: ProgressFn, _cancelled: CancelFn) -> Bundle | ActiveModel:
            from app.core.bundle import load_bundle
            from app.core.model_store import ActiveModel, ModelStore
            from app.core.views import card_quality

            loaded = load_bundle(directory) if directory is not None else ModelStore().active()
            # What the first visit to Model quality needs, made here rather than on the GUI thread: the test set's
            # view (its ROC band resamples) and the chart drawing's imports.
            warmed["card"] = card_quality((loaded.bundle if isinstance(loaded, ActiveModel) else loaded).card)
            import matplotlib.backends.backend_qtagg
            import matplotlib.figure  # noqa: F401

            return loaded

        self.jobs.start(
            Job(load),
            lambda loaded: self._loaded(loaded, warmed.get("card")),
            lambda failure: self._fail(tr("The model cannot be used"), failure),
        )
        self.message.setText(tr("Loading and verifying the model…"))

    def _loaded(self, loaded: Bundle | ActiveModel, card_view: QualityView | None = None) -> None:
        """A bundle, or the active model (an installed one, or the shipped one and why)."""
        from app.core.model_store import ActiveModel

        if not isinstance(loaded, ActiveModel):
            self.use_bundle(loaded, card_view)
            return
        self.use_bundle(loaded.bundle, card_view)
        if loaded.problem:  # never silently: the analyst sees which model runs and why
            sys.stderr.write(f"warning: {loaded.problem}\n")
            self.message.setText(tr("Warning: {problem}").format(problem=loaded.shown_problem()))

    def use_bundle(self, bundle: Bundle, card_view: QualityView | None = None) -> None:
        """Show a verified bundle (tests hand one in directly)."""
        model = bundle.card.name
        self.state.set_bundle(bundle, self.settings.threshold(model), self.settings.costs(model), card_view)
        if not self.panels:
            self._build_panels()
        self.setWindowTitle(f"{APP_NAME}: {bundle.card.display_name} {bundle.card.version}")
        self._fill_samples()
        self.message.setText(
            tr("{model} {version} ready. Open a CSV file or a workbook (Ctrl+O), or a sample.").format(
                model=bundle.card.display_name, version=bundle.card.version
            )
        )
        self._update_actions()
        self.bundleLoaded.emit()

    # ---- model updates ----------------------------------------------------------------------------
    def install_dialog(self) -> None:
        """Model ▸ Install update…: pick a signed .sdmodel package."""
        path, _ = QFileDialog.getOpenFileName(
            self, tr("Install a model update"), self.settings.last_folder, "Model packages (*.sdmodel)"
        )
        if path:
            self.install_update(Path(path))

    def install_update(self, path: Path) -> Job | None:
        """Verify the package, show it against the active model, and install it once the user confirms."""
        if self.state.bundle is None or self.jobs.busy:
            return None
        table, champion = self.state.table, self.state.bundle

        def verify(_progress: ProgressFn, _cancelled: CancelFn) -> tuple[Package, ModelCard, FileComparison | None]:
            from app.core.model_store import ModelStore, NotNewer

            try:  # everything the install will check, so that nothing is offered that would then fail
                package, challenger = ModelStore().examine(path, rules=True)
            except NotNewer as error:
                raise NotNewer(f"{shown(error)}.\n\n{_not_newer_hint()}") from None
            return package, challenger.card, _on_open_file(challenger, table, champion)

        return self.jobs.start(
            Job(verify),
            lambda verified: self._confirm_update(path, *verified),
            lambda failure: self._fail(tr("The update cannot be installed"), failure),
        )

    def _confirm_update(self, path: Path, package: Package, card: ModelCard, on_file: FileComparison | None) -> None:
        from app.ui.model_dialogs import UpdateDialog

        assert self.state.bundle is not None
        name = self.state.table.path.name if self.state.table is not None else ""
        dialog = UpdateDialog(self.state.bundle.card, card, package.key, on_file, name, parent=self)

        def install() -> None:
            def run(_progress: ProgressFn, _cancelled: CancelFn) -> Package:
                from app.core.model_store import ModelStore

                return ModelStore().install(path)

            self.jobs.start(
                Job(run),
                lambda installed: self._model_changed(
                    tr("Installed {name} {version}.").format(name=installed.name, version=installed.version)
                ),
                lambda failure: self._fail(tr("The update cannot be installed"), failure),
            )

        dialog.accepted.connect(lambda: self._after_job(install))
        self.update_dialog = dialog
        dialog.open()
        self.updateShown.emit(dialog)

    def versions_dialog(self) -> None:
        """Model ▸ Versions…: the installed versions; switch or roll back."""
        from app.core.model_store import ModelStore
        from app.ui.model_dialogs import VersionsDialog

        bundle = self.state.bundle
        shipped = tr("{name} (in the program)").format(name=bundle.card.name) if bundle else ""
        dialog = VersionsDialog(ModelStore(), shipped, parent=self)

        def finished(_result: int) -> None:
            if dialog.changed:
                self._model_changed(tr("Model version changed."))

        dialog.finished.connect(finished)
        self.versions_window = dialog
        dialog.open()

    def _model_changed(self, message: str) -> None:
        """Load the now-active model once the current job has ended, then score the open file again with it, read
        as it was (the same sheet and mapping, saved or not)."""
        table = self.state.table
        if table is not None:
            message = tr("{message} {name} will be scored again with it.").format(message=message, name=table.path.name)

        def reload() -> None:
            self.load_default_bundle()
            if table is not None:
                self._queue_open(table.path, table.options)  # once the model's job has ended, with the new model
            self.message.setText(tr("{message} Loading it…").format(message=message))

        self._after_job(reload)

    def _after_job(self, action: Callable[[], None]) -> None:
        """Run ``action`` now, or once the running job has ended (a job's own callbacks run before it ends)."""
        if not self.jobs.busy:
            action()
            return

        def once() -> None:
            self.jobs.ended.disconnect(once)
            action()

        self.jobs.ended.connect(once)

    # ---- opening files --------------------------------------------------------------------------
    def open_dialog(self) -> None:
        """Ask for a CSV file and open it."""
        path, _ = QFileDialog.getOpenFileName(
            self, tr("Open a file to score"), self.settings.last_folder, _csv_filter()
        )
        if path:
            self.open_file(Path(path))

    def open_file(self, path: Path, options: InputOptions | None = None) -> Job | None:
        """Read, check and score ``path`` in a worker thread; a workbook of several sheets asks which first.

        Without ``options``, a mapping remembered for the file's header is used; a file that lacks model
        columns opens the mapping dialog instead of failing.
        """
        path = Path(path).absolute()  # Open Recent must reopen it from any folder
        if self.state.bundle is None:
            self.message.setText(tr("The model is not loaded yet; {name} will open once it is.").format(name=path.name))
            self._queue_open(path, options)
            return None
        if self.jobs.busy:  # never dropped: the latest request waits for the running job
            self.message.setText(tr("{name} will open when the current job ends.").format(name=path.name))
            self._queue_open(path, options)
            return None
        bundle = self.state.bundle
        from app.core.reading import InputOptions

        if options is None and (workbook := _workbook(path)) is not None and len(workbook.sheets) > 1:
            self._ask_sheet(workbook)
            return None
        from app.core.metrics import ScoreAccumulator
        from app.core.runlog import RunLog, RunRecorder

        remembered = self.settings.mappings()
        threshold = self.state.threshold  # read here, not in the worker
        recorder = RunRecorder(RunLog.default(), bundle, "app") if self.log_action.isChecked() else None

        warmed: dict[str, QualityView | None] = {}

        def load(progress: ProgressFn, cancelled: CancelFn) -> ScoredTable | MappingNeeded | MappingBroken:
            from app.core.mapping_draft import header_key, read_sample
            from app.core.mapping_file import load_mapping
            from app.core.reading import InputError
            from app.core.scoring import AmbiguousColumnsError, MissingColumnsError
            from app.core.table import load_table
            from app.core.views import file_quality

            chosen = options or InputOptions()
            with recorder.recording(path) if recorder else contextlib.nullcontext():
                if options is None and remembered:  # the header says which saved mapping applies, if any
                    sample = read_sample(path, bundle, chosen.sheet)
                    saved = remembered.get(header_key(sample.columns))
                    if saved and Path(saved).is_file():
                        try:
                            chosen = InputOptions(sheet=chosen.sheet, mapping=load_mapping(Path(saved), bundle.card))
                        except InputError as error:  # a question for the user, not a file that cannot be opened
                            return MappingBroken(sample, chosen, Path(saved), header_key(sample.columns), shown(error))
                try:
                    table = load_table(path, bundle, progress, cancelled, chosen)
                except (MissingColumnsError, AmbiguousColumnsError) as error:  # a question, not a failed run
                    return MappingNeeded(read_sample(path, bundle, chosen.sheet), chosen, shown(error))
            if recorder:
                scores = ScoreAccumulator(threshold)
                scores.add(table.probability)
                recorder.succeeded(table.report, scores)
            warmed["quality"] = file_quality(table)  # here, not on the GUI thread at the first visit to the tab
            return table

        self.message.setText(tr("Reading and scoring {name}…").format(name=path.name))
        return self.jobs.start(
            Job(load),
            lambda table: self._file_loaded(path, table, warmed.get("quality")),
            lambda failure: self._fail(tr("Cannot open {name}").format(name=path.name), failure),
            lambda: self._cancelled(tr("Opening cancelled; nothing changed.")),
        )

    def _queue_open(self, path: Path, options: InputOptions | None) -> None:
        """Open ``path`` once the running job has ended (a later request replaces an earlier one)."""
        first = self._queued_open is None
        self._queued_open = (path, options)
        if not first:
            return

        def open_queued() -> None:
            if self.jobs.busy or self.state.bundle is None:
                return  # still busy (a job started right after), or no model yet: wait for the next end
            self.jobs.ended.disconnect(open_queued)
            queued, self._queued_open = self._queued_open, None
            if queued is not None:
                self.open_file(*queued)

        self.jobs.ended.connect(open_queued)

    def _ask_sheet(self, workbook: Source) -> None:
        """A workbook of several sheets: ask which to open, the one the core reads unasked preselected (the
        active sheet, else the first visible one; a hidden sheet is listed as hidden, never preselected)."""
        from app.core.reading import InputOptions

        path = workbook.path
        labels = {tr("{sheet} (hidden)").format(sheet=s) if s in workbook.hidden else s: s for s in workbook.sheets}
        dialog = QInputDialog(self, objectName="sheetDialog")
        dialog.setWindowTitle(tr("Open {name}").format(name=path.name))
        dialog.setLabelText(
            tr("{name} has {count} sheets. Which one holds the customers?").format(
                name=path.name, count=len(workbook.sheets)
            )
        )
        dialog.setComboBoxItems(list(labels))
        dialog.setTextValue(next(label for label, sheet in labels.items() if sheet == workbook.sheet))
        dialog.textValueSelected.connect(lambda label: self.open_file(path, InputOptions(sheet=labels[label])))
        self.sheet_dialog = dialog
        dialog.open()

    def map_columns_dialog(self) -> None:
        """File ▸ Map columns…: edit the mapping of the open file."""
        table, bundle = self.state.table, self.state.bundle
        if table is None or bundle is None or self.jobs.busy:
            return

        def sample(_progress: ProgressFn, _cancelled: CancelFn) -> MappingNeeded:
            from app.core.mapping_draft import read_sample

            return MappingNeeded(read_sample(table.path, bundle, table.options.sheet), table.options, "")

        self.jobs.start(Job(sample), self._ask_mapping, lambda failure: self._fail(tr("Cannot map"), failure))

    def _ask_mapping(self, needed: MappingNeeded) -> None:
        """Open the mapping dialog; once accepted, open the file again with the mapping."""
        from app.core.mapping_draft import header_key
        from app.core.reading import InputOptions
        from app.ui.mapping_dialog import MappingDialog

        bundle = self.state.bundle
        assert bundle is not None
        workbook = _workbook(needed.sample.path) if needed.sample.sheet is not None else None
        # A workbook of several sheets: the mapping dialog can go back to the sheet choice.
        several = workbook is not None and len(workbook.sheets) > 1
        other_sheet = functools.partial(self._ask_sheet, workbook) if workbook is not None and several else None
        dialog = MappingDialog(bundle, needed.sample, needed.options.mapping, parent=self, other_sheet=other_sheet)
        if needed.reason:
            self.message.setText(needed.reason.splitlines()[0])

        def accepted() -> None:
            chosen = dialog.chosen
            if chosen is not None and chosen.path is not None:
                self.settings.remember_mapping(header_key(needed.sample.columns), str(chosen.path))
            self.open_file(needed.sample.path, InputOptions(sheet=needed.sample.sheet, mapping=chosen))

        dialog.accepted.connect(lambda: self._after_job(accepted))
        self.mapping_dialog = dialog
        dialog.open()
        self.mappingRequested.emit(dialog)

    def _file_loaded(
        self, path: Path, table: ScoredTable | MappingNeeded | MappingBroken, quality: QualityView | None = None
    ) -> None:
        if isinstance(table, MappingNeeded):
            self._ask_mapping(table)
            return
        if isinstance(table, MappingBroken):
            self._ask_about_broken_mapping(table)
            return
        self.state.set_table(table, quality)
        self.settings.last_folder = str(path.parent)
        self.settings.add_recent(str(path))

        report = table.report
        counts = report.status_counts
        self.message.setText(
            (
                tr("{name}: {rows} row ({ok} ok, {warning} warning, {invalid} invalid); {form}")
                if report.rows == 1
                else tr("{name}: {rows} rows ({ok} ok, {warning} warning, {invalid} invalid); {form}")
            ).format(
                name=path.name,
                rows=integer(report.rows),
                ok=integer(counts["ok"]),
                warning=integer(counts["warning"]),
                invalid=integer(counts["invalid"]),
                form=report.dialect.note().text() if report.dialect else "",
            )
        )
        self.setWindowTitle(f"{APP_NAME}: {path.name}")
        self.tabs.setCurrentWidget(self.panels["Sanity" if report.verdict == "error" else "Results"])
        self._update_actions()
        if table.changed_on_disk():  # what is shown is what was read; say that the file is no longer that
            self._fail(
                tr("{name} changed while it was read").format(name=path.name),
                tr(
                    "{name} changed while it was being read: the {rows} rows shown are what was read then, not what"
                    " the file holds now. Open it again to see it as it is."
                ).format(name=path.name, rows=integer(len(table))),
            )
        self.fileLoaded.emit(table)

    def _ask_about_broken_mapping(self, broken: MappingBroken) -> None:
        """The mapping remembered for this header no longer reads: map the columns again, or forget it."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            tr("The saved mapping cannot be used"),
            tr(
                "{name} is mapped with {mapping}, which cannot be read now:\n{reason}\n\nMap the columns again"
                " (and save the new mapping), or forget the saved one."
            ).format(name=broken.sample.path.name, mapping=broken.saved, reason=broken.reason),
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("brokenMappingDialog")
        remap = box.addButton(tr("Map again…"), QMessageBox.ButtonRole.AcceptRole)
        forget = box.addButton(tr("Forget it"), QMessageBox.ButtonRole.DestructiveRole)

        def chosen(_result: int) -> None:
            if box.clickedButton() is remap:
                self._ask_mapping(MappingNeeded(broken.sample, broken.options, broken.reason))
            elif box.clickedButton() is forget:
                self.settings.forget_mapping(broken.header)
                self.open_file(broken.sample.path, broken.options)

        box.finished.connect(chosen)
        self.broken_mapping_dialog = box
        box.open()
        self.message.setText(broken.reason.splitlines()[0])

    def _fill_samples(self) -> None:
        self.samples_menu.clear()
        for sample in sorted(samples_dir().glob("*.csv")):
            action = self.samples_menu.addAction(sample.name)
            action.triggered.connect(lambda _=False, s=sample: self.open_file(s))

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.recent_files:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_file(Path(p)))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction(tr("(none yet)")).setEnabled(False)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if not files:
            return
        event.acceptProposedAction()
        first, *others = files
        if first.suffix.lower() == ".sdmodel":
            self.install_update(first)
        else:
            self.open_file(first)
        if others:  # said, not dropped silently
            self.message.setText(
                tr("The window shows one file at a time: it opens {name}, not {others}.").format(
                    name=first.name, others=", ".join(other.name for other in others)
                )
            )

    # ---- exporting --------------------------------------------------------------------------
    def export_dialog(self) -> None:
        """Ask where to write the scored CSV."""
        path = self._ask_where(tr("Export scored CSV"), "_scored.csv", _csv_filter())
        if path is not None:
            self.export_scored(path)

    def _ask_where(self, title: str, ending: str, file_filter: str) -> Path | None:
        """The save dialog for an export of the open file, starting at the last folder (None: cancelled)."""
        table = self.state.table
        if table is None:
            return None
        suggestion = str(Path(self.settings.last_folder or table.path.parent) / f"{table.path.stem}{ending}")
        path, _ = QFileDialog.getSaveFileName(self, title, suggestion, file_filter)
        return Path(path) if path else None

    def _exportable(self) -> tuple[ScoredTable, Bundle] | None:
        """The open file and model when an export can start now; says why not when the file changed."""
        table, bundle = self.state.table, self.state.bundle
        if table is None or bundle is None or self.jobs.busy:
            return None
        if table.changed_on_disk():
            self._fail(
                tr("Cannot export"),
                tr("{path} changed since it was opened; open it again first.").format(path=table.path),
            )
            return None
        return table, bundle

    def export_shown_dialog(self) -> None:
        """Export only the rows the Results table shows now (a filter, a search, a clicked confusion cell)."""
        results = self.panels.get("Results")
        if results is None or self.state.table is None:
            return
        path = self._ask_where(tr("Export the rows shown"), "_rows.csv", _csv_filter())
        if path is not None:
            from app.ui.results import ResultsPanel

            assert isinstance(results, ResultsPanel)
            self.export_scored(path, results.visible_mask())

    def export_scored(self, out: Path, only: np.ndarray | None = None) -> Job | None:
        """Write the scored file exactly as `python -m app score` does, at the current threshold (``only``: just
        the rows it marks, each as the whole file's output has it)."""
        exportable = self._exportable()
        if exportable is None:
            return None
        table, bundle = exportable
        threshold = self.state.threshold

        def export(progress: ProgressFn, cancelled: CancelFn) -> Path:
            from app.core.output import score_to_csv

            return score_to_csv(
                table.path, out, bundle, threshold, progress, cancelled, options=table.options, only=only
            ).out

        self.message.setText(tr("Writing {name}…").format(name=out.name))
        return self.jobs.start(
            Job(export),
            self._exported,
            lambda failure: self._fail(tr("Export failed"), failure),
            lambda: self._cancelled(tr("Export cancelled; no file was written.")),
        )

    def find_in_results(self) -> None:
        """Ctrl+F: the Results tab, its search box ready for typing."""
        results = self.panels.get("Results")
        if results is None:
            return
        self.tabs.setCurrentWidget(results)
        search = getattr(results, "search", None)
        if search is not None:
            search.setFocus()
            search.selectAll()

    def _exported(self, out: Path) -> None:
        self.settings.last_folder = str(out.parent)
        self.message.setText(
            tr("Exported {path} (predictions at threshold {threshold})").format(
                path=out, threshold=number(self.state.threshold, 2)
            )
        )
        self.exportFinished.emit(str(out))

    def export_report_dialog(self) -> None:
        """File ▸ Export report…: ask where to write the open file's HTML report."""
        path = self._ask_where(tr("Export report"), "_report.html", tr("Web pages (*.html *.htm)"))
        if path is not None:
            self.export_report(path)

    def export_report(self, out: Path) -> Job | None:
        """Write the open file's report, as `python -m app report` does, at the current threshold and costs."""
        if out.suffix.lower() not in (".html", ".htm"):  # a web page named .pdf would open as nothing
            self._fail(
                tr("The report cannot be written"),
                tr(
                    "The report is a web page: name it .html, not {suffix}. To get a PDF, open it in a browser and"
                    " print it to PDF; its charts and tables keep their layout."
                ).format(suffix=out.suffix or tr("(no suffix)")),
            )
            return None
        exportable = self._exportable()
        if exportable is None:
            return None
        table, bundle = exportable
        from app.report import ReportRequest

        state = self.state  # read here, not in the worker
        request = ReportRequest(table, bundle, state.threshold, state.cost_per_action, state.value_per_true_positive)

        def export(progress: ProgressFn, cancelled: CancelFn) -> Path:
            from app.report import write_report

            return write_report(request, out, progress=progress, cancelled=cancelled)

        self.message.setText(tr("Writing the report {name}…").format(name=out.name))
        return self.jobs.start(
            Job(export),
            self._exported,
            lambda failure: self._fail(tr("The report cannot be written"), failure),
            lambda: self._cancelled(tr("Report cancelled; no file was written.")),
        )

    def export_charts_dialog(self) -> None:
        """Save every chart of the current tab into a folder, as PNG (asking before replacing files)."""
        folder = QFileDialog.getExistingDirectory(self, tr("Export charts to folder"), self.settings.last_folder)
        if not folder:
            return
        targets = self.chart_files(Path(folder))
        existing = [path.name for path in targets.values() if path.exists()]
        if existing:
            answer = QMessageBox.question(
                self,
                tr("Replace the charts?"),
                tr("{folder} already holds {names}. Replace them?").format(folder=folder, names=", ".join(existing)),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.export_charts(Path(folder))

    def chart_files(self, folder: Path, suffix: str = ".png") -> dict[ChartWidget, Path]:
        """The current tab's charts that show something, and the file each would be written to."""
        from app.ui.charts import ChartWidget

        panel = self.tabs.currentWidget()
        charts = panel.findChildren(ChartWidget) if panel is not None else []
        return {
            chart: folder / f"{chart.title.lower().replace(' ', '_').replace('(', '').replace(')', '')}{suffix}"
            for chart in charts
            if chart.shows_data()  # a chart never drawn, or cleared (no row selected), is no picture to export
        }

    def export_charts(self, folder: Path, suffix: str = ".png") -> list[Path]:
        """Write the current tab's charts; returns the files (none, with a plain message, if the folder refuses)."""
        saved: list[Path] = []
        try:
            for chart, path in self.chart_files(folder, suffix).items():
                saved.append(chart.save(path))
        except OSError as error:
            self._fail(
                tr("The charts cannot be saved"),
                tr("{folder} cannot be written ({reason}). Choose another folder.").format(
                    folder=folder, reason=error.strerror or error
                ),
            )
            return saved
        done = tr("Saved {count} chart to {folder}") if len(saved) == 1 else tr("Saved {count} charts to {folder}")
        self.message.setText(done.format(count=len(saved), folder=folder))
        return saved

    # ---- jobs, errors, settings -------------------------------------------------------------------
    def _job_started(self) -> None:
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self._update_actions()

    def _job_ended(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self._update_actions()

    def _progress(self, done: int, total: int) -> None:
        self.progress.setValue(int(1000 * done / total) if total else 0)

    def _fail(self, title: str, problem: JobFailure | str) -> None:
        """Show what went wrong: a job's failure (a bug is marked as one) or a message of the window's own."""
        failure = problem if isinstance(problem, JobFailure) else None
        message = failure.text if failure else str(problem)
        self.message.setText(message.splitlines()[0])
        self.last_error = show_error(self, title, message, bug=failure is not None and not failure.expected)
        self.jobFailed.emit(message)

    def _cancelled(self, message: str) -> None:
        self.message.setText(message)
        self.jobCancelled.emit()

    def _update_actions(self) -> None:
        ready = self.state.bundle is not None and not self.jobs.busy
        self.open_action.setEnabled(ready)
        self.install_action.setEnabled(ready)
        self.versions_action.setEnabled(ready)
        self.samples_menu.setEnabled(ready and not self.samples_menu.isEmpty())
        self.recent_menu.setEnabled(ready)
        self.export_action.setEnabled(ready and self.state.table is not None)
        self.export_shown_action.setEnabled(ready and self.state.table is not None)
        self.export_report_action.setEnabled(ready and self.state.table is not None)
        self.export_charts_action.setEnabled(ready and self.state.table is not None)
        self.map_action.setEnabled(ready and self.state.table is not None)

    def _remember_threshold(self, threshold: float) -> None:
        if self.state.bundle is not None:
            self.settings.set_threshold(self.state.bundle.card.name, threshold)

    def _remember_costs(self) -> None:
        if self.state.bundle is not None:
            self.settings.set_costs(
                self.state.bundle.card.name, self.state.cost_per_action, self.state.value_per_true_positive
            )

    def choose_language(self, code: str) -> None:
        """View ▸ Language: switch the window to ``code`` now, and remember it for the next start and the CLI."""
        remember_language(code)
        if code == language():
            return
        from app.ui.i18n import install_language

        install_language(code)
        self.retranslate()
        self.message.setText(tr("ScoreDesk now speaks {language}.").format(language=LANGUAGES[code]))

    def retranslate(self) -> None:
        """Build the menus and the panels again in the current language. The panels draw from the shared state
        (the model, the open file, the threshold and costs), so what they show stays; a row selection and a
        table's sort order start afresh."""
        for action in self._menu_actions:
            self.removeAction(action)
        self._menu_actions.clear()
        self.menuBar().clear()
        self._build_menus()
        self._name_status_bar()
        self._show_threshold(self.state.threshold)
        if self.panels:
            current = self.tabs.currentIndex()
            for panel in self.panels.values():
                self.tabs.removeTab(self.tabs.indexOf(panel))
                panel.deleteLater()
            self.panels.clear()
            self._build_panels()
            self.tabs.setCurrentIndex(current)
            self._fill_samples()
        else:
            self.tabs.setTabText(self.tabs.indexOf(self._placeholder), tr("Starting"))
            self._placeholder.setText(tr("Loading the model…"))
        self._update_actions()

    def about(self) -> None:
        """Versions of the app and the model."""
        bundle = self.state.bundle
        model = f"{bundle.card.display_name} {bundle.card.version}" if bundle else tr("no model loaded")
        sha = bundle.card.onnx_sha256[:16] if bundle else ""
        box = QMessageBox(
            QMessageBox.Icon.Information,
            tr("About {app}").format(app=APP_NAME),
            tr("{app} {version}\nModel: {model}\nModel sha256: {sha}…").format(
                app=APP_NAME, version=__version__, model=model, sha=sha
            ),
            parent=self,
        )
        box.setObjectName("aboutDialog")
        box.open()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.jobs.cancel()
        self.jobs.wait()
        self.settings.geometry = self.saveGeometry()
        self.settings.sync()
        super().closeEvent(event)


def _on_open_file(challenger: Bundle, table: ScoredTable | None, champion: Bundle) -> FileComparison | None:
    """The update against the active model on the open file's labelled rows, or None (runs in the worker)."""
    from app.core.champion import compare_on_file

    if table is None or not table.has_labels:
        return None
    try:
        return compare_on_file(table, champion, challenger)
    except KeyError:  # the file lacks a column the challenger needs
        return None


def _not_newer_hint() -> str:
    """How the window goes back to an older version (its words, not the command line's flags)."""
    return tr(
        "Only a newer version can be installed. To run a version installed before, choose it in Model ▸ Versions…"
    )


@dataclass(frozen=True)
class MappingNeeded:
    """What a load job returns for a file whose columns need a mapping: its first rows, and why."""

    sample: FileSample
    options: InputOptions
    reason: str


@dataclass(frozen=True)
class MappingBroken:
    """What a load job returns when the mapping remembered for the file's header no longer reads."""

    sample: FileSample
    options: InputOptions
    saved: Path
    header: str  # the key the mapping is remembered under
    reason: str


def _workbook(path: Path) -> Source | None:
    """How a workbook is read, its sheets included (None for other files, or a file that cannot be read: the
    load says why)."""
    from app.core.formats import detect_source
    from app.core.reading import InputError

    try:
        source = detect_source(path)
    except (InputError, OSError):  # the load job reports the problem properly
        return None
    return source if source.is_workbook else None


def show_later(window: MainWindow, milliseconds: int = 0, open_path: Path | None = None) -> None:
    """Load the model right after the window is on screen, then open ``open_path`` if one was given."""
    if open_path is not None:

        def open_after_loading() -> None:  # the first job to end is the model's; the file needs its worker free
            window.jobs.ended.disconnect(open_after_loading)
            if window.state.bundle is not None:
                window.open_file(open_path)

        window.jobs.ended.connect(open_after_loading)
    QTimer.singleShot(milliseconds, window.load_default_bundle)
