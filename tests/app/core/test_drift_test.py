"""The drift test that knows its sample size: chi-square, Benjamini-Hochberg, and the verdict rules."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from app.core.drift import (
    PSI_ALERT,
    PSI_WARN,
    assess_drift,
    benjamini_hochberg,
    chi_square,
    chi_square_survival,
    drift_verdict,
    rows_to_tell,
)


@pytest.mark.parametrize(("statistic", "dof"), [(0.5, 1), (3.0, 2), (16.9, 9), (100.0, 5), (1e-3, 3), (400.0, 300)])
def test_the_survival_function_is_scipys(statistic: float, dof: int) -> None:
    assert chi_square_survival(statistic, dof) == pytest.approx(stats.chi2.sf(statistic, dof), rel=1e-9)


def test_chi_square_is_scipys_goodness_of_fit_when_no_bin_is_pooled() -> None:
    frequencies = np.array([0.2, 0.3, 0.1, 0.4])
    counts = np.array([30, 25, 20, 25])
    found = chi_square(frequencies, counts)
    reference = stats.chisquare(counts, frequencies * counts.sum())
    assert found is not None
    assert found.statistic == pytest.approx(reference.statistic)
    assert found.p_value == pytest.approx(reference.pvalue)
    assert found.dof == 3


def test_bins_expecting_fewer_than_five_rows_are_pooled() -> None:
    found = chi_square([0.45, 0.45, 0.05, 0.05], np.array([40, 40, 10, 10]))  # the last two expect 5 each
    assert found is not None
    assert found.dof == 3
    found = chi_square([0.48, 0.48, 0.02, 0.02], np.array([45, 45, 5, 5]))  # they expect 2 each: pooled, 4 < 5
    assert found is not None
    assert found.dof == 1  # the pool still expects fewer than five, so it joins the smallest bin


def test_benjamini_hochberg_on_a_worked_example() -> None:
    # sorted 0.005, 0.01, 0.03, 0.04 times 4/rank: 0.02, 0.02, 0.04, 0.04, then the running minimum from the top
    adjusted = benjamini_hochberg([0.01, 0.04, 0.03, 0.005])
    np.testing.assert_allclose(adjusted, [0.02, 0.04, 0.04, 0.02])
    np.testing.assert_allclose(benjamini_hochberg([0.5, 0.9]), [0.9, 0.9])


def test_an_alert_needs_the_psi_band_and_significance() -> None:
    assert drift_verdict(PSI_ALERT, significant=True, rows=1000, rows_needed=100) == "alert"
    assert drift_verdict(PSI_ALERT, significant=False, rows=1000, rows_needed=100) == "too_few_rows"
    assert drift_verdict(0.01, significant=True, rows=1_000_000, rows_needed=100) == "ok"  # real but negligible
    assert drift_verdict(0.01, significant=False, rows=50, rows_needed=100) == "too_few_rows"


def test_rows_to_tell_grows_with_the_bins() -> None:
    # a warn-sized shift (PSI 0.1) is significant once rows x 0.1 passes the 5% critical value
    assert rows_to_tell([0.5, 0.5]) == int(np.ceil(stats.chi2.isf(0.05, 1) / 0.1))
    assert rows_to_tell([0.1] * 10) == int(np.ceil(stats.chi2.isf(0.05, 9) / 0.1))


def test_files_drawn_from_training_rarely_raise_a_false_alarm() -> None:
    rng = np.random.default_rng(7)
    frequencies = {f"f{i}": rng.dirichlet(np.ones(10)) for i in range(19)}
    references = {name: {"frequencies": f.tolist()} for name, f in frequencies.items()}
    flagged = by_psi_alone = 0
    for _ in range(200):
        counts = {name: rng.multinomial(150, f) for name, f in frequencies.items()}
        found = assess_drift(references, counts, 150)
        flagged += sum(d["status"] in ("warn", "alert") for d in found.values())
        by_psi_alone += sum(d["psi"] >= PSI_WARN for d in found.values())
    # PSI alone flags about one in five features of these 150-row files: sampling noise, not drift
    assert by_psi_alone / (200 * 19) > 0.1
    assert flagged / (200 * 19) < 0.01


def test_a_real_shift_is_found_and_only_where_it_is() -> None:
    rng = np.random.default_rng(11)
    base = np.full(10, 0.1)
    shifted = np.r_[np.full(5, 0.04), np.full(5, 0.16)]
    references = {"same": {"frequencies": base.tolist()}, "moved": {"frequencies": base.tolist()}}
    counts = {"same": rng.multinomial(2000, base), "moved": rng.multinomial(2000, shifted)}
    found = assess_drift(references, counts, 2000)
    assert found["moved"]["status"] in ("warn", "alert")
    assert found["moved"]["significant"] is True
    assert found["same"]["status"] == "ok"
