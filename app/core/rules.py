"""Domain rules such as ``tenure >= 0``: parsed once, evaluated on whole columns."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.core.i18n import N_, LocalizedError, Message

__all__ = ["Rule", "RuleError", "parse_rule"]

_OPERATORS: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}
_RULE = re.compile(r"^\s*([A-Za-z_][\w ]*?)\s*(>=|<=|==|!=|>|<)\s*(-?[0-9.eE+-]+)\s*$")


class RuleError(LocalizedError, ValueError):
    """A rule string that cannot be understood."""


@dataclass(frozen=True)
class Rule:
    """``column op value``: a condition every valid row satisfies."""

    column: str
    op: str
    value: float

    @property
    def text(self) -> str:
        """The rule as people write it, e.g. ``tenure >= 0``."""
        value = self.value
        shown = str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)  # every digit
        return f"{self.column} {self.op} {shown}"

    def violations(self, values: np.ndarray) -> np.ndarray:
        """Mask of rows that break the rule; missing values never count as violations."""
        values = np.asarray(values, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            holds = _OPERATORS[self.op](values, self.value)
        return np.asarray(~holds & ~np.isnan(values), dtype=bool)


def parse_rule(text: str) -> Rule:
    """Parse ``"column op number"``; raise RuleError naming the rule otherwise."""
    match = _RULE.match(text)
    if not match:
        raise RuleError(
            Message.of(N_("cannot read rule {text}: expected 'column op number', e.g. 'tenure >= 0'"), text=repr(text))
        )
    column, op, raw_value = match.groups()
    try:
        value = float(raw_value)
    except ValueError:
        raise RuleError(
            Message.of(
                N_("cannot read rule {text}: {raw_value} is not a number"), text=repr(text), raw_value=repr(raw_value)
            )
        ) from None
    return Rule(column=column.strip(), op=op, value=value)
