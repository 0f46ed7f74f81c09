"""The declared catalogue of input issues: every code the checks can raise, its severity and meaning.

The CLI and the GUI show these; tests assert on the codes.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.i18n import N_

__all__ = ["CATALOGUE", "SEVERITIES", "IssueType", "severity_of"]

SEVERITIES = ("info", "warning", "error")


@dataclass(frozen=True)
class IssueType:
    """One kind of issue: where it applies, how bad it is, what it means."""

    code: str
    scope: str  # row | file
    severity: str
    title: str
    meaning: str


_TYPES = (
    # Per row. An error makes the row invalid: it gets no prediction.
    IssueType(
        "missing_value",
        "row",
        "warning",
        N_("Missing value"),
        N_(
            "The cell is empty; a number gets the training median, a category counts as unseen unless training"
            " had gaps."
        ),
    ),
    IssueType(
        "unseen_category",
        "row",
        "warning",
        N_("Unseen category"),
        N_("A value the model never saw in training; it contributes nothing to the score."),
    ),
    IssueType(
        "out_of_range",
        "row",
        "warning",
        N_("Outside the training range"),
        N_("A number below the training minimum or above the training maximum."),
    ),
    IssueType(
        "impossible_value",
        "row",
        "error",
        N_("Impossible value"),
        N_(
            "The value breaks a domain rule (e.g. tenure >= 0), or a binary column holds other than 0/1, yes/no,"
            " true/false, y/n or t/f."
        ),
    ),
    IssueType("non_numeric", "row", "error", N_("Not a number"), N_("Text where the model needs a number.")),
    IssueType(
        "non_finite",
        "row",
        "error",
        N_("Infinite number"),
        N_("An infinite value where the model needs a finite number."),
    ),
    IssueType(
        "repeated_header",
        "row",
        "error",
        N_("Repeated header line"),
        N_("The row repeats the header, as happens when files are concatenated."),
    ),
    IssueType(
        "malformed_row",
        "row",
        "error",
        N_("Too many fields"),
        N_("The row has more fields than the header; a separator inside an unquoted value is the usual cause."),
    ),
    IssueType(
        "invalid_bytes",
        "row",
        "warning",
        N_("Bytes not in the file's encoding"),
        N_(
            "The file is UTF-8 but for a few bytes (often a cell pasted from another program); they are shown as"
            " \ufffd. Correct that cell in the source, or save the file as UTF-8 again."
        ),
    ),
    IssueType(
        "currency_sign",
        "row",
        "info",
        N_("Currency sign stripped"),
        N_("A number written with a currency sign ($, € or £); the sign was dropped and the number read."),
    ),
    IssueType(
        "short_row",
        "row",
        "error",
        N_("Fields missing from the row"),
        N_(
            "The row has fewer fields than the header and a field a model column comes from is absent (a truncated"
            " export, or another separator)."
        ),
    ),
    IssueType(
        "short_row_tail",
        "row",
        "warning",
        N_("Trailing fields missing"),
        N_("The row has fewer fields than the header; only trailing columns the model does not use are absent."),
    ),
    IssueType(
        "too_many_missing",
        "row",
        "error",
        N_("Too many missing values"),
        N_(
            "More of the model's features are missing than the card allows (half by default): a score made mostly"
            " from training medians would be a guess."
        ),
    ),
    # Per file.
    IssueType(
        "inconsistent_fields",
        "file",
        "error",
        N_("Rows with another field count"),
        N_(
            "Many rows have a different number of fields than the header, often because part of the file was"
            " re-saved with another separator."
        ),
    ),
    IssueType(
        "missing_column", "file", "error", N_("Missing column"), N_("A column the model needs is not in the file.")
    ),
    IssueType(
        "renamed_column",
        "file",
        "warning",
        N_("Renamed column"),
        N_("A header differs from the model's only in case, spaces or underscores; it was matched."),
    ),
    IssueType(
        "extra_column", "file", "info", N_("Extra column"), N_("A column the model does not use; it is passed through.")
    ),
    IssueType(
        "mapped_column", "file", "info", N_("Mapped column"), N_("A column the mapping file says feeds a model column.")
    ),
    IssueType(
        "duplicate_column",
        "file",
        "warning",
        N_("Repeated column name"),
        N_("The header names a column more than once; each copy is passed through in its own position."),
    ),
    IssueType("duplicate_id", "file", "warning", N_("Duplicate id"), N_("The same id appears on more than one row.")),
    IssueType(
        "missing_share",
        "file",
        "warning",
        N_("More missing values than in training"),
        N_("The column's share of missing values is well above the share seen in training."),
    ),
    IssueType(
        "drift",
        "file",
        "warning",
        N_("Distribution drift"),
        N_(
            "The column's distribution differs from training (PSI from 0.1: warn, from 0.25: alert), and the"
            " chi-square test says it is no sampling noise (Benjamini-Hochberg adjusted p below 0.05)."
        ),
    ),
    IssueType(
        "drift_unconfirmed",
        "file",
        "info",
        N_("Drift too small a sample to confirm"),
        N_(
            "The column's PSI is in the warn or alert band, but the file has too few rows to tell it from sampling"
            " noise (the chi-square test is not significant)."
        ),
    ),
    IssueType(
        "output_column_renamed",
        "file",
        "info",
        N_("Output column renamed"),
        N_("The input already has a column of that name; the score column got a suffix instead of overwriting it."),
    ),
    IssueType(
        "missing_label",
        "file",
        "warning",
        N_("Missing label"),
        N_("Rows without a usable label are left out of the evaluation."),
    ),
)

CATALOGUE: dict[str, IssueType] = {t.code: t for t in _TYPES}


def severity_of(code: str) -> str:
    """Severity of a catalogued code."""
    return CATALOGUE[code].severity
