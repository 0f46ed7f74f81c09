"""Domain rules: ``column op number`` is parsed once and evaluated on whole columns, missing values never break it."""

from __future__ import annotations

import numpy as np
import pytest

from app.core.rules import Rule, RuleError, parse_rule


@pytest.mark.parametrize(
    ("text", "column", "op", "value"),
    [
        ("tenure >= 0", "tenure", ">=", 0.0),
        ("tenure<=120", "tenure", "<=", 120.0),
        ("  monthly_charges >  0.5  ", "monthly_charges", ">", 0.5),
        ("balance < -10", "balance", "<", -10.0),
        ("total charges != 1e3", "total charges", "!=", 1000.0),
        ("_flag == 1", "_flag", "==", 1.0),
        ("x >= +2.5E-1", "x", ">=", 0.25),
        ("größe <= 250", "größe", "<=", 250.0),
    ],
)
def test_parse_rule_reads_column_operator_and_number(text: str, column: str, op: str, value: float) -> None:
    assert parse_rule(text) == Rule(column=column, op=op, value=value)


def test_the_two_character_operators_are_not_read_as_one_character_ones() -> None:
    # ">=" must not become column "x" op ">" value "=5" (or fail): the longer operator wins.
    assert parse_rule("x >= 5").op == ">="
    assert parse_rule("x <= 5").op == "<="
    assert parse_rule("x > 5").op == ">"
    assert parse_rule("x < 5").op == "<"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "tenure",
        "tenure >= ",
        ">= 0",
        "tenure = 0",  # a single '=' is not an operator
        "tenure => 0",
        "tenure >= zero",
        "tenure >= 0 months",
        "1tenure >= 0",  # a column starts with a letter or underscore
        "tenure >= nan",
        "tenure >= 0 or tenure <= 5",
    ],
)
def test_unreadable_rules_raise_rule_error_naming_the_rule(text: str) -> None:
    with pytest.raises(RuleError, match="cannot read rule") as caught:
        parse_rule(text)
    assert repr(text) in str(caught.value)


@pytest.mark.parametrize("raw", ["1.2.3", "--1", "1e", "."])
def test_a_number_shaped_value_that_is_no_number_is_named(raw: str) -> None:
    with pytest.raises(RuleError, match=f"{raw!r} is not a number"):
        parse_rule(f"x > {raw}")


def test_rule_error_is_a_value_error() -> None:
    assert issubclass(RuleError, ValueError)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tenure >= 0", "tenure >= 0"),
        ("tenure<=120.0", "tenure <= 120"),
        ("  x   >   0.5 ", "x > 0.5"),
        ("balance != -10", "balance != -10"),
    ],
)
def test_text_is_the_rule_as_people_write_it(text: str, expected: str) -> None:
    assert parse_rule(text).text == expected


def test_text_keeps_every_digit_of_the_limit() -> None:
    rule = parse_rule("total_charges <= 1234567")
    assert parse_rule(rule.text) == rule


VALUES = np.array([-1.0, 0.0, 0.5, 1.0, 2.0, np.nan])


@pytest.mark.parametrize(
    ("op", "broken"),
    [
        # hand-worked against VALUES with the limit 1; NaN (the last) never breaks a rule
        (">=", [True, True, True, False, False, False]),
        (">", [True, True, True, True, False, False]),
        ("<=", [False, False, False, False, True, False]),
        ("<", [False, False, False, True, True, False]),
        ("==", [True, True, True, False, True, False]),
        ("!=", [False, False, False, True, False, False]),
    ],
)
def test_violations_per_operator(op: str, broken: list[bool]) -> None:
    mask = Rule("x", op, 1.0).violations(VALUES)
    assert mask.dtype == bool
    assert mask.tolist() == broken


def test_missing_values_never_violate() -> None:
    assert not Rule("x", ">=", 0.0).violations(np.full(4, np.nan)).any()
    # "!=" holds for NaN under IEEE rules, "==" fails for it: neither may count a missing value
    assert not Rule("x", "==", 0.0).violations(np.array([np.nan])).any()
    assert not Rule("x", "!=", 0.0).violations(np.array([np.nan])).any()


def test_violations_on_empty_input() -> None:
    mask = Rule("x", ">=", 0.0).violations(np.array([]))
    assert mask.shape == (0,)
    assert mask.dtype == bool


def test_violations_accept_integers_and_lists() -> None:
    assert Rule("tenure", ">=", 0.0).violations([3, -1, 0]).tolist() == [False, True, False]
    assert Rule("tenure", "<=", 120.0).violations(np.array([120, 121], dtype=np.int64)).tolist() == [False, True]


def test_a_value_equal_to_the_limit_is_a_tie_that_respects_the_operator() -> None:
    at_limit = np.array([0.0])
    assert not Rule("x", ">=", 0.0).violations(at_limit).any()
    assert Rule("x", ">", 0.0).violations(at_limit).all()
    assert not Rule("x", "<=", 0.0).violations(at_limit).any()
    assert Rule("x", "<", 0.0).violations(at_limit).all()


def test_infinities_are_compared_not_treated_as_missing() -> None:
    mask = Rule("x", "<=", 500.0).violations(np.array([np.inf, -np.inf]))
    assert mask.tolist() == [True, False]


def test_rules_are_frozen_values() -> None:
    rule = parse_rule("tenure >= 0")
    assert rule == Rule("tenure", ">=", 0.0)
    assert hash(rule) == hash(Rule("tenure", ">=", 0.0))
    with pytest.raises(AttributeError):
        rule.value = 1.0  # type: ignore[misc]
