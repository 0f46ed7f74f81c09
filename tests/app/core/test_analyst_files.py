"""Analysts' own files: the IBM Telco export with a mapping, short rows, yes/no columns, numbers as spreadsheets
write them, repeated column names, and every mapping error in one line."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app.cli import EXIT_INPUT, EXIT_OK, main
from app.core.bundle import load_bundle
from app.core.mapping_file import load_mapping
from app.core.output import score_to_csv
from app.core.reading import InputError, InputOptions
from app.core.scoring import scan
from tests.app.inputs import LABELLED, SAMPLE

BUNDLE = load_bundle()
BINARY = [f.name for f in BUNDLE.card.features if f.kind == "binary"]
# The IBM export's headers for our columns (WA_Fn-UseC_-Telco-Customer-Churn.csv).
IBM_NAMES = {
    "customer_id": "customerID",
    "female": "gender",
    "senior_citizen": "SeniorCitizen",
    "partner": "Partner",
    "dependents": "Dependents",
    "tenure": "tenure",
    "phone_service": "PhoneService",
    "multiple_lines": "MultipleLines",
    "internet_service": "InternetService",
    "online_security": "OnlineSecurity",
    "online_backup": "OnlineBackup",
    "device_protection": "DeviceProtection",
    "tech_support": "TechSupport",
    "streaming_tv": "StreamingTV",
    "streaming_movies": "StreamingMovies",
    "contract": "Contract",
    "paperless_billing": "PaperlessBilling",
    "payment_method": "PaymentMethod",
    "monthly_charges": "MonthlyCharges",
    "total_charges": "TotalCharges",
    "churn": "Churn",
}
IBM_MAPPING = """# model column = file column
[columns]
customer_id = "customerID"
female = "gender"

# file value = model value, for one model column
[values.female]
Female = 1
Male = 0
"""


def _ibm_export(source: Path, path: Path) -> pd.DataFrame:
    """Our snapshot shaped as the IBM export: its headers, gender as Female/Male, Yes/No binaries."""
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    frame["female"] = frame["female"].map({"1": "Female", "0": "Male"})
    for column in BINARY:
        if column not in ("female", "senior_citizen"):  # the export keeps SeniorCitizen as 0/1
            frame[column] = frame[column].map({"1": "Yes", "0": "No"})
    frame.loc[frame.index[:11], "total_charges"] = " "  # the export's 11 blank TotalCharges
    frame = frame.rename(columns=IBM_NAMES)
    frame.to_csv(path, index=False, lineterminator="\r\n")
    return frame


def _scored(path: Path, out: Path, options: InputOptions | None = None, sep: str = ",") -> pd.DataFrame:
    score_to_csv(path, out, BUNDLE, options=options)
    return pd.read_csv(out, dtype=str, keep_default_na=False, sep=sep)


def test_the_ibm_export_scores_with_a_mapping_like_our_own_file(tmp_path: Path) -> None:
    export, mapping = tmp_path / "WA_Fn-UseC_-Telco-Customer-Churn.csv", tmp_path / "ibm.toml"
    _ibm_export(LABELLED, export)
    mapping.write_text(IBM_MAPPING, encoding="utf-8")
    code = main(["score", str(export), "-o", str(tmp_path / "nomap.csv"), "--no-log"])
    assert code == EXIT_INPUT  # without the mapping: 'female' is missing, and the message says what fixes it
    options = InputOptions(mapping=load_mapping(mapping, BUNDLE.card))
    ibm = _scored(export, tmp_path / "ibm.csv", options)
    ours = _scored(LABELLED, tmp_path / "ours.csv")
    assert (ibm["row_status"] != "invalid").all()
    assert ibm.loc[:10, "row_issues"].str.contains("missing_value:total_charges").all()
    same = ibm.index[11:]  # the rows whose TotalCharges the export kept
    assert ibm.loc[same, "probability"].tolist() == ours.loc[same, "probability"].tolist()
    report = scan(export, BUNDLE, options=options)
    assert report.to_dict()["mapping"]["name"] == "ibm.toml"


def test_the_ibm_export_evaluates_with_the_models_usual_auc(tmp_path: Path, capsys) -> None:
    export, mapping = tmp_path / "ibm.csv", tmp_path / "ibm.toml"
    _ibm_export(LABELLED, export)
    mapping.write_text(IBM_MAPPING, encoding="utf-8")
    assert main(["evaluate", str(export), "--label", "Churn", "--mapping", str(mapping), "--json"]) == EXIT_OK
    import json

    result = json.loads(capsys.readouterr().out)
    assert 0.8 < result["roc_auc"] < 0.9


def test_yes_no_and_other_spellings_score_exactly_as_one_zero(tmp_path: Path) -> None:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    spellings = [("Yes", "No"), (" yes ", "NO"), ("TRUE", "false"), ("y", "N"), ("t", "F")]
    words = frame.copy()
    for index, column in enumerate(BINARY):
        yes, no = spellings[index % len(spellings)]
        words[column] = frame[column].map({"1": yes, "0": no})
    words.loc[0, "partner"] = "maybe"
    plain, spelled = tmp_path / "plain.csv", tmp_path / "spelled.csv"
    frame.to_csv(plain, index=False)
    words.to_csv(spelled, index=False)
    expected, got = _scored(plain, tmp_path / "a.csv"), _scored(spelled, tmp_path / "b.csv")
    assert got.loc[1:, "probability"].tolist() == expected.loc[1:, "probability"].tolist()
    assert got.loc[0, "row_issues"] == "impossible_value:partner"
    assert got.loc[0, "probability"] == ""


def _rows(lines: list[str], path: Path) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_short_rows_get_no_score_and_trailing_ones_a_warning(tmp_path: Path) -> None:
    header, *rows = SAMPLE.read_text(encoding="utf-8").splitlines()
    cells = rows[0].split(",")
    lines = [header + ",notes", rows[0] + ",x", ",".join(cells[:5]), rows[1], rows[2] + ",y"]
    scored = _scored(_rows(lines, tmp_path / "in.csv"), tmp_path / "out.csv")
    assert "short_row" in scored["row_issues"].tolist()[1].split(";")
    assert scored["probability"].tolist()[1] == ""
    assert scored["row_status"].tolist()[2] == "warning"
    assert "short_row_tail" in scored["row_issues"].tolist()[2]
    assert scored["probability"].tolist()[2] != ""


def test_a_file_half_resaved_with_another_separator_is_inconsistent_and_never_scored(tmp_path: Path, capsys) -> None:
    header, *rows = SAMPLE.read_text(encoding="utf-8").splitlines()
    lines = [header.replace(",", ";"), *(r.replace(",", ";") for r in rows[:9]), *rows[9:]]
    path = _rows(lines, tmp_path / "mixed.csv")
    report = scan(path, BUNDLE)
    (issue,) = report.issues_of("inconsistent_fields")
    assert "9 rows match it, but 191 rows with 1" in issue.message
    assert "rows 10 to 200 look comma-separated while the header is semicolon-separated" in issue.message
    scored = _scored(path, tmp_path / "out.csv", sep=";")
    assert len(scored) == 200
    assert (scored["probability"].iloc[9:] == "").all()
    assert (scored["row_status"].iloc[9:] == "invalid").all()
    assert main(["check", str(path)]) == EXIT_OK
    assert "inconsistent_fields" in capsys.readouterr().out


def test_a_row_mostly_missing_is_not_scored(tmp_path: Path) -> None:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    features = list(BUNDLE.card.feature_names)
    frame.loc[0, features[:10]] = ""  # 10 of 19 missing: more than half
    frame.loc[1, features[:9]] = ""  # 9 of 19: still scored
    frame.to_csv(tmp_path / "in.csv", index=False)
    scored = _scored(tmp_path / "in.csv", tmp_path / "out.csv")
    assert "too_many_missing" in scored.loc[0, "row_issues"]
    assert scored.loc[0, "probability"] == ""
    assert "too_many_missing" not in scored.loc[1, "row_issues"]
    assert scored.loc[1, "probability"] != ""


def test_numbers_with_thousands_separators_and_currency_signs(tmp_path: Path) -> None:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    plain = tmp_path / "plain.csv"
    frame.to_csv(plain, index=False)
    written = frame.copy()
    written.loc[0, "total_charges"] = "{:,.2f}".format(float(frame.loc[0, "total_charges"]) + 1000)
    frame.loc[0, "total_charges"] = str(float(frame.loc[0, "total_charges"]) + 1000)
    written.loc[1, "monthly_charges"] = "$" + frame.loc[1, "monthly_charges"]
    written.loc[2, "monthly_charges"] = frame.loc[2, "monthly_charges"] + " €"
    written.loc[3, "monthly_charges"] = "£ " + frame.loc[3, "monthly_charges"]
    frame.to_csv(plain, index=False)
    fancy = tmp_path / "fancy.csv"
    written.to_csv(fancy, index=False)  # "1,889.50" is quoted in a comma file, as spreadsheets write it
    assert '"' in fancy.read_text().splitlines()[1]
    expected, got = _scored(plain, tmp_path / "a.csv"), _scored(fancy, tmp_path / "b.csv")
    assert got["probability"].tolist() == expected["probability"].tolist()
    (currency,) = scan(fancy, BUNDLE).issues_of("currency_sign")
    assert currency.severity == "info"
    assert currency.rows == 3
    assert got.loc[1, "row_status"] == expected.loc[1, "row_status"]  # information, not a warning


def test_decimal_comma_thousands_are_read(tmp_path: Path) -> None:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    frame.loc[0, "total_charges"] = "1889.5"
    plain = tmp_path / "plain.csv"
    frame.to_csv(plain, index=False)
    german = frame.copy()
    for column in ("monthly_charges", "total_charges"):
        german[column] = german[column].str.replace(".", ",", regex=False)
    german.loc[0, "total_charges"] = "1.889,50"
    path = tmp_path / "de.csv"
    german.to_csv(path, index=False, sep=";")
    assert (
        _scored(path, tmp_path / "b.csv", sep=";")["probability"].str.replace(",", ".").tolist()
        == _scored(plain, tmp_path / "a.csv")["probability"].tolist()
    )


def test_two_columns_that_could_feed_one_model_column_need_a_mapping(tmp_path: Path, capsys) -> None:
    header, *rows = SAMPLE.read_text(encoding="utf-8").splitlines()
    tenure = header.split(",").index("tenure")
    lines = [header + ",tenure", *(r + "," + r.split(",")[tenure] for r in rows)]
    path = _rows(lines, tmp_path / "twice.csv")
    assert main(["score", str(path), "-o", str(tmp_path / "out.csv"), "--no-log"]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert f"columns {tenure + 1} ('tenure'), 21 ('tenure.1') could each feed the model's 'tenure'" in err
    assert "--mapping" in err
    mapping = tmp_path / "pick.toml"
    mapping.write_text('[columns]\ntenure = "tenure.1"\n')
    assert main(["score", str(path), "-o", str(tmp_path / "out.csv"), "--mapping", str(mapping), "--no-log"]) == 0


def test_repeated_names_among_other_columns_pass_through_with_a_warning(tmp_path: Path) -> None:
    header, *rows = SAMPLE.read_text(encoding="utf-8").splitlines()
    lines = [header + ",notes,notes", *(r + ",first,second" for r in rows[:5])]
    path = _rows(lines, tmp_path / "notes.csv")
    report = scan(path, BUNDLE)
    (issue,) = report.issues_of("duplicate_column")
    assert issue.column == "notes"
    out = tmp_path / "out.csv"
    score_to_csv(path, out, BUNDLE)
    with open(out, encoding="utf-8", newline="") as handle:
        written = list(csv.reader(handle))
    assert written[0][20:22] == ["notes", "notes"]
    assert written[1][20:22] == ["first", "second"]


MAPPING_ERRORS = {
    "syntax": ('[columns]\nfemale = "gender\n', "not valid TOML: .*line 2"),
    "no such file column": ('[columns]\nfemale = "sex"\n', r"\[columns\] female = 'sex': the file has no column 'sex'"),
    "no such model column": ('[columns]\nfemal = "gender"\n', r"\[columns\] femal: the model has no column 'femal'"),
    "value the model never saw": (
        '[columns]\nfemale = "gender"\n[values.contract]\nMonthly = "Monthly plan"\n',
        r"\[values.contract\]: the model never saw 'Monthly plan' in 'contract'",
    ),
    "binary value": ('[columns]\nfemale = "gender"\n[values.female]\nFemale = 2\n', r"\[values.female\]: 2 is not"),
    "one file column twice": (
        '[columns]\nfemale = "gender"\npartner = "gender"\n',
        r"\[columns\] partner: 'gender' already feeds 'female'",
    ),
    "numeric values": ('[values.tenure]\n"a" = 1\n', r"\[values.tenure\]: values are mapped for binary"),
    "unknown table": ('[colums]\nfemale = "gender"\n', r"\[colums\]: a mapping has only"),
}


@pytest.mark.parametrize(("text", "message"), MAPPING_ERRORS.values(), ids=MAPPING_ERRORS.keys())
def test_each_mapping_error_is_one_line_naming_the_file_and_key(tmp_path: Path, capsys, text: str, message) -> None:
    export, mapping = tmp_path / "ibm.csv", tmp_path / "bad.toml"
    _ibm_export(SAMPLE, export)
    mapping.write_text(text, encoding="utf-8")
    code = main(["check", str(export), "--mapping", str(mapping)])
    err = capsys.readouterr().err
    assert code == EXIT_INPUT
    assert err.count("\n") == 1
    assert "bad.toml" in err
    import re

    assert re.search(message, err), err


def test_values_the_mapping_does_not_list_follow_the_usual_rules(tmp_path: Path) -> None:
    export, mapping = tmp_path / "ibm.csv", tmp_path / "ibm.toml"
    frame = _ibm_export(SAMPLE, export)
    frame.loc[20, "gender"] = "Other"
    frame.to_csv(export, index=False)
    mapping.write_text(IBM_MAPPING, encoding="utf-8")
    scored = _scored(export, tmp_path / "out.csv", InputOptions(mapping=load_mapping(mapping, BUNDLE.card)))
    assert scored.loc[20, "row_issues"] == "impossible_value:female"


def test_mapping_files_round_trip_through_toml(tmp_path: Path) -> None:
    from app.core.mapping_file import MappingFile, save_mapping

    mapping = MappingFile(
        columns={"female": 'gen"der', "contract": "Contrato ñ"},
        values={"female": {"Mujer": "1", "Hombre\n": "0"}, "contract": {"Mensual": "Month-to-month"}},
    )
    saved = save_mapping(tmp_path / "m.toml", mapping, BUNDLE.card)
    again = load_mapping(saved.path, BUNDLE.card)
    assert dict(again.columns) == dict(mapping.columns)
    assert {k: dict(v) for k, v in again.values.items()} == {k: dict(v) for k, v in mapping.values.items()}
    assert again.sha256 == saved.sha256


def test_a_mapping_file_column_that_is_missing_raises_input_error(tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text('[columns]\nfemale = "sex"\n')
    with pytest.raises(InputError, match="m.toml"):
        scan(SAMPLE, BUNDLE, options=InputOptions(mapping=load_mapping(mapping, BUNDLE.card)))


def test_apply_values_matches_ignoring_spaces_then_case() -> None:
    from app.core.mapping_file import apply_values

    cells = pd.Series([" Female", "MALE", "x", ""], dtype=object)
    assert apply_values(cells, {"Female": "1", "Male": "0"}).tolist() == ["1", "0", "x", ""]
    assert np.array_equal(apply_values(pd.Series([], dtype=object), {"a": "1"}).to_numpy(), np.array([]))


def test_the_run_log_records_the_mapping_used(tmp_path: Path, isolated_user_data: Path) -> None:
    import json

    export, mapping = tmp_path / "ibm.csv", tmp_path / "ibm.toml"
    _ibm_export(SAMPLE, export)
    mapping.write_text(IBM_MAPPING, encoding="utf-8")
    assert main(["score", str(export), "-o", str(tmp_path / "out.csv"), "--mapping", str(mapping)]) == EXIT_OK
    record = json.loads((isolated_user_data / "runs.jsonl").read_text().splitlines()[-1])
    assert record["scoredesk"]["mapping"]["name"] == "ibm.toml"
    assert len(record["scoredesk"]["mapping"]["sha256"]) == 64


def test_dot_grouped_thousands_in_a_decimal_comma_file_are_thousands(tmp_path: Path) -> None:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    frame["total_charges"] = [str(round(float(v))) if i % 15 == 0 else v for i, v in enumerate(frame["total_charges"])]
    plain = tmp_path / "plain.csv"
    frame.to_csv(plain, index=False)
    german = frame.copy()
    for column in ("monthly_charges", "total_charges"):
        german[column] = german[column].str.replace(".", ",", regex=False)
    german["total_charges"] = [
        f"{int(v):,}".replace(",", ".") if i % 15 == 0 else v for i, v in enumerate(german["total_charges"])
    ]
    assert any("." in v for v in german["total_charges"])  # 2.497 meaning 2,497
    path = tmp_path / "de.csv"
    german.to_csv(path, index=False, sep=";")
    got = _scored(path, tmp_path / "b.csv", sep=";")["probability"].str.replace(",", ".").tolist()
    assert got == _scored(plain, tmp_path / "a.csv")["probability"].tolist()


def test_the_ibm_export_is_sliced_by_the_models_values_as_our_own_file(tmp_path: Path, capsys) -> None:
    import json

    export, mapping = tmp_path / "ibm.csv", tmp_path / "ibm.toml"
    _ibm_export(LABELLED, export)
    mapping.write_text(IBM_MAPPING, encoding="utf-8")
    assert main(["evaluate", str(export), "--label", "Churn", "--mapping", str(mapping), "--json"]) == EXIT_OK
    ibm = json.loads(capsys.readouterr().out)["slices"]
    assert main(["evaluate", str(LABELLED), "--json"]) == EXIT_OK
    ours = json.loads(capsys.readouterr().out)["slices"]
    assert set(ibm["female"]["groups"]) == {"0", "1"}  # not Female/Male
    assert ibm["female"]["groups"]["1"]["rows"] == ours["female"]["groups"]["1"]["rows"]
    assert ibm["female"]["groups"]["1"]["tpr"] == ours["female"]["groups"]["1"]["tpr"]
