"""Proof by cases on the sign of the arguments of |.|, max, min, sign and Heaviside (theories/cases.py)."""

from __future__ import annotations

import pytest
from sympy import Abs, Heaviside, Max, Min, Symbol, sign, symbols

from verifier import Status, check
from verifier.engine import ladder
from verifier.engine.theories import cases

x, y = symbols("x y", real=True)
z = Symbol("z")  # complex


@pytest.mark.parametrize(
    "lhs, rhs",
    [
        (Max(x, y), (x + y + Abs(x - y)) / 2),
        (Min(x, y), (x + y - Abs(x - y)) / 2),
        (Max(x, 0), (x + Abs(x)) / 2),  # ReLU
        (x * Heaviside(x), (x + Abs(x)) / 2),
        (Max(x, y) + Min(x, y), x + y),
        (Abs(x - y) * sign(y - x), y - x),  # one switch up to sign
    ],
)
def test_a_piecewise_identity_is_proved_by_cases(lhs, rhs):
    result = check(lhs, rhs, timeout=60)
    assert result.status is Status.PROVED
    assert cases.by_cases(lhs - rhs, ladder._is_zero) is not None


@pytest.mark.parametrize(
    "lhs, rhs",
    [
        (Max(x, y), (x + y - Abs(x - y)) / 2),  # that is min
        (Abs(x), x),  # false for x < 0
        (sign(x) ** 2, 1),  # false only at x = 0: the case switch = 0 decides it
        (x * Heaviside(x), Max(x, 1)),
    ],
)
def test_a_false_piecewise_claim_is_never_proved_by_cases(lhs, rhs):
    assert cases.by_cases(lhs - rhs, ladder._is_zero) is None
    assert check(lhs, rhs, timeout=60).status is Status.REFUTED


def test_a_complex_argument_is_not_split():
    # |z|**2 = z**2 holds on both signs of a real z, and at 0, but not for complex z
    assert cases.by_cases(Abs(z) ** 2 - z**2, ladder._is_zero) is None
    assert check(Abs(z) ** 2, z**2, timeout=60).status is Status.REFUTED


def test_the_zero_case_is_solved_for_a_symbol_of_the_switch():
    # at x = y: max = x, |x - y| = 0, so x - (x + y)/2 must be read with y = x
    proof = cases.by_cases(Max(x, y) - (x + y + Abs(x - y)) / 2, ladder._is_zero)
    assert proof is not None and proof.patterns == 3 and proof.switches == (x - y,)


def test_a_pattern_no_point_has_is_not_counted():
    # x = 0 and x - 1 = 0 at once: no point; the other 8 patterns reduce to 0
    diff = Abs(x) * sign(x) + Abs(x - 1) * sign(x - 1) - (2 * x - 1)
    proof = cases.by_cases(diff, ladder._is_zero)
    assert proof is not None and proof.patterns == 8


def test_nested_switches_and_too_many_are_left_alone():
    assert cases.by_cases(Abs(Abs(x) - 1) - Max(Abs(x) - 1, 1 - Abs(x)), ladder._is_zero) is None  # nested
    four = symbols("a b c d", real=True)
    assert len(four) > cases.MAX_SWITCHES
    assert cases.by_cases(sum(Abs(v) - Max(v, -v) for v in four), ladder._is_zero) is None
    assert cases.by_cases(Abs(four[0]) - Max(four[0], -four[0]), ladder._is_zero) is not None  # one is split


def test_a_switch_is_never_solved_by_dividing_by_a_coefficient_not_known_to_be_nonzero():
    from sympy import log

    c = log(6) - log(2) - log(3)  # 0, though SymPy does not reduce it
    switch = c * x + 1
    # the case switch = 0 would need x = -1/c: no proof rather than a division by 0
    assert cases.by_cases(Abs(switch) - Max(switch, -switch), ladder._is_zero) is None
    assert cases.by_cases(Abs(x + 1) - Max(x + 1, -x - 1), ladder._is_zero) is not None
