"""The HTML report: its sections and their numbers, escaping of everything from the file, and byte-for-byte
determinism (but for the date line)."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import numpy as np

from app.core.bundle import Bundle
from app.core.decisions import expected_curve
from app.core.drift import TOO_FEW_ROWS
from app.core.estimation import estimate_for_probabilities
from app.core.table import ScoredTable, load_table
from app.report import SECTION_IDS, ReportRequest, build_report, write_report
from tests.app.inputs import SAMPLE, sample_frame, write_csv
from tests.app.report.conftest import NOW
from tests.app.report.page import read_page

HOSTILE = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')


def _report(table: ScoredTable, bundle: Bundle, **options: object) -> str:
    return build_report(ReportRequest.at_card_costs(table, bundle, **options), NOW)  # type: ignore[arg-type]


def test_every_section_is_there_in_order_with_a_heading(labelled: ScoredTable, bundle: Bundle) -> None:
    page = read_page(_report(labelled, bundle))
    assert page.sections == list(SECTION_IDS)
    assert SECTION_IDS == ("summary", "sanity", "drift", "quality", "decisions", "fairness", "card")
    for heading in ("Summary", "Input sanity", "Drift", "Model quality", "Decisions", "Fairness", "Model card"):
        assert heading in page.text


def test_the_summary_says_how_many_to_act_on_and_what_it_is_worth(unlabelled: ScoredTable, bundle: Bundle) -> None:
    threshold = 0.3
    page = read_page(_report(unlabelled, bundle, threshold=threshold))
    costs = bundle.card.section("decision_costs")
    curve = expected_curve(
        unlabelled.probability, costs["cost_per_action"], costs["value_per_true_positive"], np.array([threshold])
    )
    scored = int((~np.isnan(unlabelled.probability)).sum())
    assert f"{int(curve.acted[0]):,} of {scored:,} scored rows" in page.text
    assert f"{curve.values[0]:,.0f} expected" in page.text
    assert "Telco customer churn 1.0.0" in page.text
    assert "0.30 (the card's: 0.19)" in page.text
    assert unlabelled.report.verdict.upper() in page.text
    assert "2026-12-03 09:30:00 UTC" in page.text
    assert f"{unlabelled.report.rows:,} (" in page.text


def test_sanity_lists_each_issue_with_its_rows_and_the_whole_catalogue(tmp_path: Path, bundle: Bundle) -> None:
    from app.core.catalogue import CATALOGUE

    frame = sample_frame()
    frame.loc[[4, 9], "tenure"] = "-5"
    table = load_table(write_csv(frame, tmp_path / "customers.csv"), bundle)
    markup = _report(table, bundle)
    page = read_page(markup)
    (issue,) = table.report.issues_of("impossible_value")
    assert issue.examples == (5, 10)
    assert "5, 10" in page.text
    assert issue.message in page.text
    assert "ERROR" in page.text
    catalogue = page.text.split("The catalogue of checks")[1]
    assert "impossible_valueImpossible valuerowerror2 rows" in catalogue  # the catalogue counts rows found
    assert "missing_valueMissing valuerowwarning0" in catalogue
    assert "extra_columnExtra columnfileinfo1 column" in catalogue  # the free-text 'notes' column
    assert "<br></br>" not in markup
    for code, kind in CATALOGUE.items():
        assert code in page.text
        assert kind.title in page.text


def test_drift_shows_psi_statuses_p_values_and_the_top_features(tmp_path: Path, bundle: Bundle) -> None:
    frame = sample_frame()
    frame["contract"] = "Two year"  # a shift no sampling noise explains
    table = load_table(write_csv(frame, tmp_path / "drifted.csv"), bundle)
    page = read_page(_report(table, bundle))
    drift = table.report.drift
    assert drift["contract"]["status"] == "alert"
    assert drift["contract"]["significant"]
    assert "Drifted: contract" in page.text
    worst = sorted(drift, key=lambda name: (-drift[name]["psi"], name))[:3]
    assert worst[0] == "contract"
    for name in worst:
        assert f"{name}: PSI {drift[name]['psi']:.3f}" in page.text
    assert f"contract{drift['contract']['psi']:.3f}alert{drift['contract']['p_value']:.3g}yes" in page.text
    assert any(i.startswith("psi-") for i in page.ids)
    assert sum(1 for i in page.ids if re.fullmatch(r"distribution\d-figure_1", i)) == 3


def test_a_small_file_says_it_is_too_small_to_tell(tmp_path: Path, bundle: Bundle) -> None:
    table = load_table(write_csv(sample_frame().head(20), tmp_path / "small.csv"), bundle)
    assert {d["status"] for d in table.report.drift.values()} == {TOO_FEW_ROWS}
    page = read_page(_report(table, bundle))
    assert "Too few rows to tell (20 rows) for 19 of 19 features." in page.text
    assert "too few rows" in page.text.split("PSI against the training data")[1]  # each feature's status


def test_a_labelled_file_is_back_tested_with_intervals(labelled: ScoredTable, bundle: Bundle) -> None:
    from app.core.intervals import delong_interval
    from app.core.metrics import roc_auc

    page = read_page(_report(labelled, bundle))
    usable = labelled.labels >= 0
    auc = roc_auc(labelled.labels[usable], labelled.probability[usable])
    low, high = delong_interval(labelled.labels[usable], labelled.probability[usable])
    assert f"ROC AUC {auc:.3f} ({low:.3f}–{high:.3f})" in page.text
    assert "This file (500 labelled rows)" in page.text
    assert "estimated" not in page.text.split("Model quality")[2].split("Decisions")[0]
    assert any(i.startswith("roc-file-") for i in page.ids)
    assert any(i.startswith("slices-file-") for i in page.ids)
    assert "this file, realised" in page.text


def test_a_one_class_file_claims_no_intervals_it_cannot_show(tmp_path: Path, bundle: Bundle) -> None:
    import pandas as pd

    from tests.app.inputs import LABELLED

    frame = pd.read_csv(LABELLED, dtype=str, keep_default_na=False)
    path = tmp_path / "stayed.csv"
    frame[frame["churn"] == "No"].head(200).to_csv(path, index=False)
    page = read_page(_report(load_table(path, bundle), bundle))
    text = re.sub(r"\s+", " ", page.text)
    this_file = text[text.index("This file (200 labelled rows)") :]
    line = this_file[this_file.index("ROC AUC") : this_file.index("This file against")]
    assert line.startswith("ROC AUC n/a, accuracy 69.5%")
    assert "interval" not in line, line  # no metric of a one-class file has an interval to show
    assert "(95% intervals)." in text  # the test set's line still has its intervals


def test_an_unlabelled_file_gets_its_estimated_performance(unlabelled: ScoredTable, bundle: Bundle) -> None:
    page = read_page(_report(unlabelled, bundle))
    estimate = estimate_for_probabilities(unlabelled.probability, bundle.card.threshold, bundle.card.raw)
    assert "This file: estimated (200 scored rows, no 'churn' column)" in page.text
    low, high = estimate.intervals["roc_auc"]
    assert f"ROC AUC {estimate.values['roc_auc']:.3f} ({low:.3f}–{high:.3f})" in page.text
    assert ("Not reliable" in page.text) == (not estimate.reliable)
    assert "has no 'churn' column, so its groups cannot be compared" in page.text


def test_the_card_section_shows_every_gate_and_the_test_intervals(labelled: ScoredTable, bundle: Bundle) -> None:
    page = read_page(_report(labelled, bundle))
    card_text = page.text.split("Quality gates")[1]
    for gate in bundle.card.raw["gates"]:
        assert gate["name"] in card_text
        assert gate["status"].replace("_", " ") in card_text
    low, high = bundle.card.raw["metrics"]["test_ci"]["intervals"]["roc_auc"]
    assert f"{low:.3f}–{high:.3f}" in page.text


def _hostile_file(tmp_path: Path) -> tuple[Path, Path]:
    """A labelled file whose name, header and cells hold markup, and a mapping whose column name does too."""
    frame = sample_frame()
    frame["churn"] = ["Yes" if i % 3 == 0 else "No" for i in range(len(frame))]
    frame = frame.rename(columns={"contract": HOSTILE[0]})
    frame[HOSTILE[1]] = HOSTILE[0]  # an extra column: named in an issue, passed through
    frame.loc[0:3, HOSTILE[0]] = HOSTILE[1]  # unseen categories
    frame.loc[5:8, "customer_id"] = HOSTILE[1]  # duplicate ids
    frame.loc[10, "tenure"] = HOSTILE[0]  # not a number
    folder = tmp_path / HOSTILE[1].replace("/", "")
    folder.mkdir()
    mapping = folder / f"{HOSTILE[0].replace('/', '')}.toml"
    mapping.write_text(f"[columns]\ncontract = {HOSTILE[0]!r}\n".replace("'", '"'), encoding="utf-8")
    return write_csv(frame, folder / f"{HOSTILE[1].replace('/', '')}.csv"), mapping


def test_markup_from_the_file_renders_as_text(tmp_path: Path, bundle: Bundle) -> None:
    from app.core.mapping_file import load_mapping
    from app.core.reading import InputOptions

    path, mapping = _hostile_file(tmp_path)
    table = load_table(path, bundle, options=InputOptions(mapping=load_mapping(mapping, bundle.card)))
    assert {"unseen_category", "duplicate_id", "extra_column", "non_numeric"} <= {i.code for i in table.report.issues}
    markup = _report(table, bundle, title=f"Churn {HOSTILE[0]} {HOSTILE[1]}")
    page = read_page(markup)
    assert "script" not in page.tags
    assert "img" not in page.tags
    assert not [(t, n) for t, n, _ in page.attributes if n.startswith("on")]
    assert not [v for _, n, v in page.attributes if n in ("src", "href") and v and not v.startswith(("#", "data:"))]
    assert f"Churn {HOSTILE[0]} {HOSTILE[1]}" in page.text  # the title, as text
    assert path.name in page.text  # the file's name
    assert f"'{HOSTILE[1]}'" in page.text  # the extra column's name, in its issue's message
    assert HOSTILE[0] in page.text.split("Input sanity")[2]  # the renamed column, as a column of an issue
    assert "<script>" not in markup
    assert "<img" not in markup


def test_same_input_gives_the_same_bytes_but_for_the_date_line(tmp_path: Path, bundle: Bundle) -> None:
    path = write_csv(sample_frame(), tmp_path / "customers.csv")
    first = write_report(ReportRequest.at_card_costs(load_table(path, bundle), bundle), tmp_path / "a.html", NOW)
    later = NOW + timedelta(days=3, hours=2)
    second = write_report(ReportRequest.at_card_costs(load_table(path, bundle), bundle), tmp_path / "b.html", later)
    one, two = first.read_text().splitlines(), second.read_text().splitlines()
    assert len(one) == len(two)
    differing = [i for i, (a, b) in enumerate(zip(one, two, strict=True)) if a != b]
    assert len(differing) == 1, [one[i][:200] for i in differing]
    assert '<tr class="generated">' in one[differing[0]]
    assert "<time" in one[differing[0]]
    assert "2026-12-06 11:30:00 UTC" in two[differing[0]]
    # matplotlib's SVG: no date, no random ids, no RDF block; ids unique across the page's charts
    assert "<dc:date>" not in one[differing[0] - 1]
    assert "metadata" not in first.read_text()
    ids = read_page(first.read_text()).ids
    assert len(ids) == len(set(ids))
    assert len(ids) > 100


def test_the_svg_charts_are_inline_and_need_no_font(labelled: ScoredTable, bundle: Bundle) -> None:
    markup = _report(labelled, bundle)
    page = read_page(markup)
    assert page.tags.count("svg") >= 10
    assert "<text" not in markup  # text is drawn as paths: no font to fetch or to lack
    assert "@font-face" not in markup
    assert '<link rel="stylesheet"' not in markup
    assert "Content-Security-Policy" in markup
    assert "default-src 'none'" in markup
    assert "section { break-before: page; }" in markup.split("@media print {")[1]  # a page per section


def test_the_report_is_not_written_over_its_input(tmp_path: Path, bundle: Bundle) -> None:
    import pytest

    from app.core.reading import InputError

    path = write_csv(sample_frame(), tmp_path / "customers.csv")
    before = path.read_bytes()
    with pytest.raises(InputError, match="would overwrite the input"):
        write_report(ReportRequest.at_card_costs(load_table(path, bundle), bundle), path, NOW)
    assert path.read_bytes() == before


def test_the_report_and_the_plots_import_no_qt(tmp_path: Path) -> None:
    # The CLI's report runs headless: app.report and app.plots must draw without PySide6 ever loading.
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from app.core.bundle import load_bundle\n"
        "from app.core.table import load_table\n"
        "from app.report import ReportRequest, write_report\n"
        "bundle = load_bundle()\n"
        f"write_report(ReportRequest.at_card_costs(load_table(Path({str(SAMPLE)!r}), bundle), bundle),"
        f" Path({str(tmp_path / 'r.html')!r}))\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken', 'app.ui'))))\n"
        "print(sorted(m for m in sys.modules if m.startswith('matplotlib.backends.backend_')))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    qt, backends = result.stdout.splitlines()
    assert qt == "[]"
    assert "backend_svg" in backends
    assert "qt" not in backends
    assert (tmp_path / "r.html").stat().st_size > 100_000
