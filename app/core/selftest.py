"""Self-test: the bundle is intact and predicts its golden rows, and the sample file scores end to end."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.core.bundle import GOLDEN_TOLERANCE, Bundle, BundleError, check_golden_rows
from app.core.dialects import InputError
from app.core.i18n import N_, Figure, Message, Nn_, general
from app.core.paths import samples_dir
from app.core.scoring import scan

__all__ = ["GOLDEN_TOLERANCE", "SelfTestResult", "run_self_test"]

_INTEGRITY, _SIGNATURE, _GOLDEN, _SAMPLE = (
    N_("bundle integrity"),
    N_("bundle signature"),
    N_("golden rows"),
    N_("sample file"),
)


@dataclass
class SelfTestResult:
    """Each check with its outcome: its name and detail as Messages, ``english()`` or ``text()`` in the current
    language."""

    checks: list[tuple[Message, bool, Message]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when every check passed."""
        return all(ok for _, ok, _ in self.checks)

    def add(self, name: str | Message, ok: bool, detail: str | Message) -> None:
        """Record one check (text is kept as it is, in no language)."""
        self.checks.append((_message(name), ok, _message(detail)))


def _message(text: str | Message) -> Message:
    return text if isinstance(text, Message) else Message.of("{text}", text=text)


def _signature_check(bundle: Bundle) -> tuple[Message, bool, Message]:
    """An installed bundle's signature and files, checked again; the shipped one is part of the program."""
    name = Message.of(_SIGNATURE)
    if bundle.origin != "installed":
        origin = N_("inside the program") if bundle.origin == "shipped" else N_("an unsigned folder (--model)")
        return name, True, Message.of(N_("not signed: {origin}, verified by its hashes"), origin=Message.of(origin))
    from app.core.model_store import ModelStore
    from app.core.signing import SignatureError

    try:
        package = ModelStore().verify(bundle.directory.name)
    except SignatureError as error:
        return name, False, Message.of("{error}", error=error)
    return (
        name,
        True,
        Message.of(N_("installed {version}, signed by trusted key {key}"), version=package.version, key=package.key),
    )


def run_self_test(bundle: Bundle, samples: Path | None = None) -> SelfTestResult:
    """Golden rows within 1e-6 of the card, then the bundled sample through reading, checks and scoring."""
    result = SelfTestResult()
    card = bundle.card
    result.add(
        Message.of(_INTEGRITY),
        True,
        Message.of(
            N_("{name} sha256 {digest}… matches the card"), name=bundle.model_path.name, digest=card.onnx_sha256[:16]
        ),
    )
    result.add(*_signature_check(bundle))
    golden = check_golden_rows(bundle)
    if golden.problem is not None:
        result.add(Message.of(_GOLDEN), False, golden.problem)
    else:
        result.add(
            Message.of(_GOLDEN),
            True,
            Message.of(
                Nn_(
                    "{count} row, max |difference| {worst} (limit {limit})",
                    "{count} rows, max |difference| {worst} (limit {limit})",
                ),
                count=Figure(golden.rows),
                worst=f"{golden.worst:.2e}",
                limit=general(GOLDEN_TOLERANCE),
            ),
        )
    folder = samples if samples is not None else samples_dir()
    sample = folder / f"{card.name}_to_score.csv"
    if sample.is_file():
        # A sample that cannot be read (no data rows, damaged) or a model that returns no probabilities fails this
        # check: they raised out of the self-test before, so the checks already made were never shown.
        try:
            report = scan(sample, bundle)
        except (InputError, BundleError) as error:
            result.add(Message.of(_SAMPLE), False, Message.of("{error}", error=error))
            return result
        invalid = report.status_counts["invalid"]
        result.add(
            Message.of(_SAMPLE),
            invalid == 0 and report.rows > 0,
            Message.of(
                Nn_("{name}: {count} row scored, {invalid} invalid", "{name}: {count} rows scored, {invalid} invalid"),
                name=sample.name,
                count=Figure(report.rows),
                invalid=Figure(invalid),
            ),
        )
    return result
