"""The per-file report: issues by code and column with example rows, drift, and the verdict.

``ReportBuilder`` accumulates chunk by chunk in constant memory (ids are kept as
64-bit hashes for the duplicate check), then ``finish`` returns a ``FileReport``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from app.core.card import ModelCard
from app.core.catalogue import CATALOGUE, SEVERITIES, severity_of
from app.core.checks import STATUS_NAMES, ChunkAssessment
from app.core.dialects import SEPARATOR_NAMES
from app.core.drift import PSI_WARN, TOO_FEW_ROWS, assess_drift
from app.core.i18n import N_, Figure, Message, Nn_
from app.core.mapping_file import MappingFile
from app.core.reading import ColumnMapping, Dialect
from app.core.words import DRIFT_STATUSES

__all__ = ["EXAMPLES", "FileReport", "Issue", "PartialReport", "ReportBuilder"]

EXAMPLES = 5
_MISSING_SHARE_MARGIN = 0.05  # five points above training before a column's missing share is flagged


@dataclass(frozen=True)
class Issue:
    """One catalogued finding with how many rows it touches and the first few of them (1-based)."""

    code: str
    column: str
    severity: str
    rows: int
    examples: tuple[int, ...]
    message: str  # in English, as the JSON has it
    note: Message | None = None  # the same message, to show in the current language

    @classmethod
    def of(cls, code: str, column: str, severity: str, rows: int, examples: tuple[int, ...], note: Message) -> Issue:
        """An issue whose message can be shown in any language."""
        return cls(code, column, severity, rows, examples, note.english(), note)

    def shown(self, isolate: bool = False) -> str:
        """The message in the current language (``isolate``: file text set apart, see ``Message.text``)."""
        return self.note.text(isolate) if self.note is not None else self.message

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape the CLI prints."""
        return {
            "code": self.code,
            "column": self.column,
            "severity": self.severity,
            "rows": self.rows,
            "examples": list(self.examples),
            "message": self.message,
        }


@dataclass
class FileReport:
    """Everything the checks found in one file."""

    path: str
    rows: int
    dialect: Dialect | None
    mapping: ColumnMapping
    status_counts: dict[str, int]
    issues: list[Issue]
    drift: dict[str, dict[str, Any]]
    extras: dict[str, Any] = field(default_factory=dict)
    drift_counts: dict[str, np.ndarray] = field(default_factory=dict)  # rows per reference bin, per feature
    mapping_file: dict[str, Any] | None = None  # the mapping used: name, sha256, columns

    @property
    def verdict(self) -> str:
        """``error`` if any issue is an error, ``warning`` if any is a warning, else ``ok``."""
        severities = {i.severity for i in self.issues}
        return "error" if "error" in severities else "warning" if "warning" in severities else "ok"

    def issues_of(self, code: str) -> list[Issue]:
        """Issues with one code."""
        return [i for i in self.issues if i.code == code]

    def rows_beyond_training(self) -> dict[str, int]:
        """Rows per feature whose value the model never saw in training: a number outside its training range,
        or an unseen category."""
        beyond: dict[str, int] = {}
        for issue in self.issues:
            if issue.code in ("out_of_range", "unseen_category"):
                beyond[issue.column] = beyond.get(issue.column, 0) + issue.rows
        return beyond

    def to_dict(self) -> dict[str, Any]:
        """The ``check --json`` document."""
        return {
            "rows": self.rows,
            "verdict": self.verdict,
            "issues": [i.to_dict() for i in self.issues],
            "drift": self.drift,
            "status_counts": self.status_counts,
            "file": self.path,
            "format": self.dialect.describe() if self.dialect else None,
            "mapping": self.mapping_file,
        }


def _row_message(code: str, column: str, count: int) -> Message:
    title = Message.of(CATALOGUE[code].title)
    if column:
        return Message.of(
            Nn_("{title} in '{column}': {count} row", "{title} in '{column}': {count} rows"),
            title=title,
            column=column,
            count=Figure(count),
        )
    return Message.of(Nn_("{title}: {count} row", "{title}: {count} rows"), title=title, count=Figure(count))


_HASH_STEP = np.uint64(0x100000001B3)  # the FNV prime: each character's place gets its own odd multiplier
_HASH_WIDTH_LIMIT = 256  # characters; longer ids are hashed one by one rather than padded into a matrix


def _binned(bins: Mapping[str, np.ndarray], name: str) -> bool:
    """Whether the feature's values were binned for drift (a column the file lacks was not)."""
    return name in bins and bins[name].size > 0


def _worth_an_issue(found: Mapping[str, Any]) -> bool:
    """Drift in the warn or alert band, confirmed or not; a small file's quiet features are no issue."""
    return found["status"] in ("warn", "alert") or (found["status"] == TOO_FEW_ROWS and found["psi"] >= PSI_WARN)


def _drift_issue(name: str, found: Mapping[str, Any], rows: int) -> Issue:
    """The file-level issue for one feature's drift verdict."""
    if found["status"] == TOO_FEW_ROWS:
        tested = (
            Message.of(N_("too few rows for the test"))
            if found["p_value"] is None
            else Message.of(N_("p = {p} after correction"), p=Figure(found["p_value"], 2))
        )
        return Issue.of(
            "drift_unconfirmed",
            name,
            "info",
            0,
            (),
            Message.of(
                Nn_(
                    "'{name}' PSI {psi}, but {rows} row is too few to tell it from sampling noise ({tested});"
                    " score more rows to know",
                    "'{name}' PSI {psi}, but {rows} rows are too few to tell it from sampling noise ({tested});"
                    " score more rows to know",
                ),
                name=name,
                psi=Figure(found["psi"], 3),
                rows=Figure(rows),
                count=Figure(rows),
                tested=tested,
            ),
        )
    return Issue.of(
        "drift",
        name,
        "warning",
        0,
        (),
        Message.of(
            N_("'{name}' drifted from training: PSI {psi} ({status}, p = {p} after correction)"),
            name=name,
            psi=Figure(found["psi"], 3),
            status=Message.of(DRIFT_STATUSES[found["status"]]),
            p=f"{found['p_value']:.2g}",
        ),
    )


def _mix(hashes: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser: spreads a polynomial hash's bits so near ids land far apart."""
    with np.errstate(over="ignore"):
        hashes ^= hashes >> np.uint64(33)
        hashes *= np.uint64(0xFF51AFD7ED558CCD)
        hashes ^= hashes >> np.uint64(33)
        hashes *= np.uint64(0xC4CEB9FE1A85EC53)
        hashes ^= hashes >> np.uint64(33)
    return hashes


def _id_hashes(values: np.ndarray) -> np.ndarray:
    """64-bit hashes of the ids without surrounding spaces (a missing cell reads as ""), vectorised in numpy.

    The same id hashes the same in every process (Python's own ``hash`` of a string is salted per process), so
    the reports of a file's parts, scored on other machines, merge into the file's report (``absorb``).
    """
    strings = [v if isinstance(v, str) else "" for v in values] if values.dtype == object else values
    text = np.strings.strip(np.asarray(strings, dtype=np.str_))
    result = np.zeros(len(text), dtype=np.int64)
    long = np.strings.str_len(text) > _HASH_WIDTH_LIMIT  # chosen per id, so an id hashes alike in any chunk
    for row in np.flatnonzero(long).tolist():
        digest = hashlib.blake2b(str(text[row]).encode("utf-8", "surrogatepass"), digest_size=8).digest()
        result[row] = np.frombuffer(digest, dtype=np.int64)[0]
    short = text[~long] if long.any() else text
    width = int(np.strings.str_len(short).max(initial=0))
    if width == 0:
        return result
    # Characters as code points, padded with zeros: a zero adds nothing, so an id hashes alike at any width
    # (and an id with trailing NUL characters hashes like the one without them).
    codes = short.astype(f"<U{width}").view(np.uint32).reshape(len(short), width).astype(np.uint64)
    powers = np.cumprod(np.full(width, _HASH_STEP, dtype=np.uint64), dtype=np.uint64)
    with np.errstate(over="ignore"):
        result[~long] = _mix(codes @ powers).view(np.int64)
    return result


@dataclass
class PartialReport:
    """What one part of a file adds to its report, with row numbers counted from the part's first row.

    Parts scored apart (on a cluster's workers) merge into the report a single pass would give: counts add,
    examples keep the first five in file order, reference-bin counts add (so PSI comes from summed counts,
    never from averaged PSIs) and id hashes join for the duplicate check across parts.
    """

    rows: int
    status: np.ndarray
    counts: dict[tuple[str, str], int]
    examples: dict[tuple[str, str], list[int]]
    missing: dict[str, int]
    bins: dict[str, np.ndarray]
    widths: dict[int, int]
    separators: dict[str, tuple[int, int, int]]
    id_hashes: list[np.ndarray]
    id_starts: list[int]


class ReportBuilder:
    """Accumulates chunk assessments into a file report."""

    def __init__(
        self,
        card: ModelCard,
        path: str,
        dialect: Dialect | None,
        mapping: ColumnMapping,
        mapping_file: MappingFile | None = None,
        header_width: int = 0,
    ) -> None:
        self.card = card
        self.mapping_file = mapping_file
        self.path = path
        self.dialect = dialect
        self.mapping = mapping
        self.rows = 0
        self._status = np.zeros(len(STATUS_NAMES), dtype=np.int64)
        self._counts: dict[tuple[str, str], int] = {}
        self._examples: dict[tuple[str, str], list[int]] = {}
        self._missing = {f.name: 0 for f in card.features}
        self._bins = {f.name: np.zeros(0, dtype=np.int64) for f in card.features if f.reference}
        self._widths: dict[int, int] = {}  # field count -> rows
        self._separators: dict[str, tuple[int, int, int]] = {}  # other separator -> first row, last row, rows
        self._header_width = header_width
        self._id_hashes: list[np.ndarray] = []
        self._id_starts: list[int] = []

    def add(self, assessment: ChunkAssessment, ids: pd.Series | None) -> None:
        """Fold one chunk in; row numbers continue from the previous chunk."""
        start = self.rows
        for key, mask in assessment.masks.items():
            hits = np.flatnonzero(mask)
            self._counts[key] = self._counts.get(key, 0) + hits.size
            examples = self._examples.setdefault(key, [])
            examples.extend(int(start + i + 1) for i in hits[: EXAMPLES - len(examples)])
            if key[0] == "missing_value":
                self._missing[key[1]] += hits.size
        self._status += np.bincount(assessment.status, minlength=len(STATUS_NAMES))
        for name, counts in assessment.drift_counts.items():
            current = self._bins.get(name)
            self._bins[name] = counts if current is None or current.size == 0 else current + counts
        if ids is not None:
            self._id_hashes.append(_id_hashes(ids.to_numpy(dtype=object)))
            self._id_starts.append(start)
        self.rows += len(assessment.status)

    def add_widths(self, widths: np.ndarray | None, start: int, other_separator: Mapping[str, np.ndarray]) -> None:
        """Fold in one chunk's field counts per row, and the rows another separator would split properly."""
        if widths is None:
            return
        values, counts = np.unique(widths, return_counts=True)
        for value, count in zip(values.tolist(), counts.tolist(), strict=True):
            self._widths[value] = self._widths.get(value, 0) + count
        for separator, rows in other_separator.items():
            first, last, count = self._separators.get(separator, (start + int(rows[0]) + 1, 0, 0))
            self._separators[separator] = (first, start + int(rows[-1]) + 1, count + rows.size)

    def partial(self) -> PartialReport:
        """This builder's state, to be merged into another builder's with ``absorb`` (rows counted from 1)."""
        return PartialReport(
            self.rows,
            self._status.copy(),
            dict(self._counts),
            {key: list(rows) for key, rows in self._examples.items()},
            dict(self._missing),
            {name: counts.copy() for name, counts in self._bins.items()},
            dict(self._widths),
            dict(self._separators),
            list(self._id_hashes),
            list(self._id_starts),
        )

    def absorb(self, part: PartialReport) -> None:
        """Fold in a part that follows every row seen so far, as if its chunks had been added here."""
        start = self.rows
        for key, count in part.counts.items():
            self._counts[key] = self._counts.get(key, 0) + count
            examples = self._examples.setdefault(key, [])
            examples.extend(start + row for row in part.examples.get(key, [])[: EXAMPLES - len(examples)])
        for name, count in part.missing.items():
            self._missing[name] = self._missing.get(name, 0) + count
        self._status += part.status
        for name, counts in part.bins.items():
            current = self._bins.get(name)
            if counts.size:
                self._bins[name] = counts.copy() if current is None or current.size == 0 else current + counts
        for value, count in part.widths.items():
            self._widths[value] = self._widths.get(value, 0) + count
        for separator, (first, last, count) in part.separators.items():
            seen = self._separators.get(separator)
            if seen is None:
                self._separators[separator] = (start + first, start + last, count)
            else:
                self._separators[separator] = (seen[0], start + last, seen[2] + count)
        self._id_hashes.extend(part.id_hashes)
        self._id_starts.extend(start + offset for offset in part.id_starts)
        self.rows += part.rows

    def _inconsistent(self) -> Issue | None:
        """A file-level error when many rows have another field count than the header: how many have how many."""
        width = self._header_width
        other = sum(count for value, count in self._widths.items() if value != width)
        if not other or other < min(10, max(1, self.rows // 10)):
            return None
        shown = sorted(((v, c) for v, c in self._widths.items() if v != width), key=lambda item: -item[1])[:4]
        spread = tuple(
            Message.of(
                Nn_("{count} row with {value}", "{count} rows with {value}"),
                count=Figure(count, grouped=True),
                value=Figure(value, grouped=True),
            )
            for value, count in shown
        )
        matching = self._widths.get(width, 0)
        values: dict[str, object] = {
            "width": Figure(width),
            "matching": Figure(matching, grouped=True),
            "spread": spread,
            "count": Figure(matching),  # picks 'row matches' or 'rows match'
        }
        template = Nn_(
            "the header has {width} fields and {matching} row matches it, but {spread}",
            "the header has {width} fields and {matching} rows match it, but {spread}",
        )
        if self._separators:
            separator, (first, last, count) = max(self._separators.items(), key=lambda item: item[1][2])
            ours = SEPARATOR_NAMES.get(self.dialect.separator, "") if self.dialect else ""
            template = Nn_(
                "the header has {width} fields and {matching} row matches it, but {spread}; rows {first} to {last}"
                " look {separator}-separated while the header is {ours}-separated (re-saved by another program?)",
                "the header has {width} fields and {matching} rows match it, but {spread}; rows {first} to {last}"
                " look {separator}-separated while the header is {ours}-separated (re-saved by another program?)",
            )
            values |= {
                "first": Figure(first, grouped=True),
                "last": Figure(last, grouped=True),
                "separator": SEPARATOR_NAMES[separator],
                "ours": ours,
            }
        return Issue.of("inconsistent_fields", "", "error", other, (), Message.of(template, **values))

    def _duplicates(self) -> Issue | None:
        """Rows whose id hash occurs more than once; memory stays at two 8-byte hashes per row."""
        if not self._id_hashes:
            return None
        ordered = np.concatenate(self._id_hashes)
        ordered.sort()
        repeated_values = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
        del ordered
        if not repeated_values.size:
            return None
        count, examples = 0, list[int]()
        for start, hashes in zip(self._id_starts, self._id_hashes, strict=True):
            rows = np.flatnonzero(np.isin(hashes, repeated_values))
            count += rows.size
            examples.extend(int(start + r + 1) for r in rows[: EXAMPLES - len(examples)])
        column = self.card.id_columns[0]
        return Issue.of(
            "duplicate_id",
            column,
            "warning",
            count,
            tuple(examples),
            Message.of(
                Nn_(
                    "{count} row shares an id with another row in '{column}'",
                    "{count} rows share an id with another row in '{column}'",
                ),
                count=Figure(count),
                column=column,
            ),
        )

    def finish(self, extras: Mapping[str, Any] | None = None) -> FileReport:
        """The finished report, issues sorted by severity (errors first), code and column."""
        issues: list[Issue] = []
        for name in self.mapping.missing:
            note = Message.of(N_("the file has no column '{name}'"), name=name)
            issues.append(Issue.of("missing_column", name, "error", 0, (), note))
        for name, source in self.mapping.mapped.items():
            where = self.mapping_file.name if self.mapping_file else Message.of(N_("the mapping"))
            note = Message.of(N_("column '{source}' feeds '{name}' ({where})"), source=source, name=name, where=where)
            issues.append(Issue.of("mapped_column", name, "info", 0, (), note))
        for name in self.mapping.duplicates:
            note = Message.of(
                N_("the header names '{name}' more than once; each is passed through in its own position"), name=name
            )
            issues.append(Issue.of("duplicate_column", name, "warning", 0, (), note))
        for name, source in self.mapping.renamed.items():
            note = Message.of(N_("column '{source}' was read as '{name}'"), source=source, name=name)
            issues.append(Issue.of("renamed_column", name, "warning", 0, (), note))
        for source in self.mapping.extra:
            note = Message.of(N_("column '{source}' is not used by the model; passed through"), source=source)
            issues.append(Issue.of("extra_column", source, "info", 0, (), note))
        for (code, column), count in self._counts.items():
            issues.append(
                Issue.of(
                    code,
                    column,
                    severity_of(code),
                    count,
                    tuple(self._examples[(code, column)]),
                    _row_message(code, column, count),
                )
            )
        duplicates = self._duplicates()
        if duplicates:
            issues.append(duplicates)
        inconsistent = self._inconsistent()
        if inconsistent:
            issues.append(inconsistent)
        binned = [s for s in self.card.features if self.rows and _binned(self._bins, s.name)]
        for spec in binned:
            share = self._missing[spec.name] / self.rows
            if share > spec.missing_share + _MISSING_SHARE_MARGIN:
                note = Message.of(
                    N_("{share} missing in '{name}' against {training} in training"),
                    share=Figure(share, 1, share=True),
                    name=spec.name,
                    training=Figure(spec.missing_share, 1, share=True),
                )
                issues.append(Issue.of("missing_share", spec.name, "warning", self._missing[spec.name], (), note))
        drift = assess_drift({s.name: s.reference for s in binned}, self._bins, self.rows)
        issues.extend(_drift_issue(name, found, self.rows) for name, found in drift.items() if _worth_an_issue(found))
        rank = {s: i for i, s in enumerate(reversed(SEVERITIES))}
        issues.sort(key=lambda i: (rank[i.severity], i.code, i.column))
        counts = {name: int(n) for name, n in zip(STATUS_NAMES, self._status, strict=True)}
        return FileReport(
            self.path,
            self.rows,
            self.dialect,
            self.mapping,
            counts,
            issues,
            drift,
            dict(extras or {}),
            dict(self._bins),
            self.mapping_file.summary() if self.mapping_file else None,
        )
