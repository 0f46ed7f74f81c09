"""Self-test: the bundle is intact and predicts its golden rows, and the sample file scores end to end."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from app.core.bundle import Bundle
from app.core.paths import samples_dir
from app.core.scoring import scan

__all__ = ["GOLDEN_TOLERANCE", "SelfTestResult", "run_self_test"]

GOLDEN_TOLERANCE = 1e-6


@dataclass
class SelfTestResult:
    """Each check with its outcome."""

    checks: list[tuple[str, bool, str]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when every check passed."""
        return all(ok for _, ok, _ in self.checks)

    def add(self, name: str, ok: bool, detail: str) -> None:
        """Record one check."""
        self.checks.append((name, ok, detail))


def _signature_check(bundle: Bundle) -> tuple[str, bool, str]:
    """An installed bundle's signature and files, checked again; the shipped one is part of the program."""
    if bundle.origin != "installed":
        origin = "inside the program" if bundle.origin == "shipped" else "an unsigned folder (--model)"
        return "bundle signature", True, f"not signed: {origin}, verified by its hashes"
    from app.core.model_store import ModelStore
    from app.core.signing import SignatureError

    try:
        package = ModelStore().verify(bundle.directory.name)
    except SignatureError as error:
        return "bundle signature", False, str(error)
    return "bundle signature", True, f"installed {package.version}, signed by trusted key {package.key}"


def run_self_test(bundle: Bundle, samples: Path | None = None) -> SelfTestResult:
    """Golden rows within 1e-6 of the card, then the bundled sample through reading, checks and scoring."""
    result = SelfTestResult()
    card = bundle.card
    result.add("bundle integrity", True, f"{bundle.model_path.name} sha256 {card.onnx_sha256[:16]}… matches the card")
    result.add(*_signature_check(bundle))
    golden = card.raw.get("golden_rows", [])
    if not golden:
        result.add("golden rows", False, "the card has no golden rows")
    else:
        frame = pd.DataFrame([row["inputs"] for row in golden], dtype=object)
        expected = np.array([row["probability"] for row in golden], dtype=np.float64)
        actual = bundle.predictor.predict(frame)
        worst = float(np.max(np.abs(actual - expected)))
        result.add(
            "golden rows",
            worst <= GOLDEN_TOLERANCE,
            f"{len(golden)} rows, max |difference| {worst:.2e} (limit {GOLDEN_TOLERANCE:g})",
        )
    folder = samples if samples is not None else samples_dir()
    sample = folder / f"{card.name}_to_score.csv"
    if sample.is_file():
        report = scan(sample, bundle)
        invalid = report.status_counts["invalid"]
        result.add(
            "sample file",
            invalid == 0 and report.rows > 0,
            f"{sample.name}: {report.rows} rows scored, {invalid} invalid",
        )
    return result
