"""How the CLI writes a number: the six formatters every command shares."""

from __future__ import annotations

from collections.abc import Sequence

from app.core.i18n import Figure, general
from app.core.i18n import gettext as _


def _fmt(value: object, digits: int = 4) -> str:
    if value is None:
        return _("n/a")
    return Figure(value, digits).local() if isinstance(value, float) else str(value)


def _psi(value: float) -> str:
    return Figure(value, 3).local()


def _share(value: float, digits: int = 1) -> str:
    """A share as a percentage: ``21%`` / ``21 %``."""
    return Figure(value, digits, share=True).local()


def _count(value: int) -> str:
    """A count as the English output always wrote it (3049), or in the language's own form (3.049)."""
    return Figure(value).local()


def _with_interval(value: float | None, interval: Sequence[float] | None) -> str:
    """``0.843 (0.821-0.866)``, or the bare value where there is no interval."""
    if interval is None or value is None:
        return _fmt(value)
    return f"{_fmt(value)} ({Figure(interval[0], 3).local()}-{Figure(interval[1], 3).local()})"


def _general(value: float) -> str:
    """A number as ``:g`` writes it (``0.843194``, ``1e-05``), with the language's decimal mark."""
    shown_value = general(value)
    return shown_value if isinstance(shown_value, str) else shown_value.local()
