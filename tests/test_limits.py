"""Limits: n -> oo of rational functions by degrees; at a finite point by continuity and
L'Hopital, each hypothesis checked; anything else stays undecided."""

import pytest
from sympy import (
    Abs,
    Derivative,
    Eq,
    Function,
    KroneckerDelta,
    Limit,
    Ne,
    Rational,
    Symbol,
    cos,
    exp,
    oo,
    sin,
    sqrt,
    symbols,
)

from verifier import Status, check
from verifier.engine.theories.limits import evaluate_limits, smooth_function

n = Symbol("n", integer=True, positive=True)
i, j = symbols("i j", integer=True)
a = Symbol("a")
p = Symbol("p", positive=True)


def test_limit_of_a_rational_function_is_proved():
    assert check(Limit((2 * n + 1) / (n + 3), n, oo), 2).status is Status.PROVED
    assert check(Limit(KroneckerDelta(i, j) - 1 / n, n, oo), KroneckerDelta(i, j)).status is Status.PROVED
    assert check(Limit(p / n, n, oo), 0).status is Status.PROVED


def test_wrong_limit_value_is_refuted():
    result = check(Limit((2 * n + 1) / (n + 3), n, oo), 3)
    assert result.status is Status.REFUTED
    assert check(Limit(KroneckerDelta(i, j) - 1 / n, n, oo), KroneckerDelta(i, j) - 1).status is Status.REFUTED


def test_limit_whose_leading_coefficient_may_vanish_is_not_decided():
    # 1/(a n + 1) -> 0 only when a != 0; with a = 0 it is 1.
    assert check(Limit(1 / (a * n + 1), n, oo), 0).status is Status.UNDECIDED


def test_divergent_and_non_rational_limits_are_not_decided():
    assert check(Limit(n**2 / (n + 1), n, oo), 1).status is Status.UNDECIDED
    assert check(Limit(exp(-n), n, oo), 0).status is Status.UNDECIDED


# --- limits at a finite point: continuity and L'Hopital, each hypothesis checked ---------------

t = Symbol("t", real=True)
x, xs = symbols("x x*", real=True)
e = x - xs


def d(fn, at, order=1):
    return Derivative(fn(at), (at, order))


def test_lhopital_evaluates_sin_t_over_t():
    assert check(Limit(sin(t) / t, t, 0, dir="+-"), 1).status is Status.PROVED
    assert check(Limit((1 - cos(t)) / t**2, t, 0), Rational(1, 2)).status is Status.PROVED


def test_false_limit_is_refuted_with_the_exact_value():
    result = check(Limit(sin(t) / t, t, 0, dir="+-"), 2)
    assert result.status is Status.REFUTED
    assert float(result.lhs_value) == 1.0 and float(result.rhs_value) == 2.0
    assert any("L'Hopital" in step.detail for step in result.steps)


def test_removable_singularity_of_a_rational_function():
    assert check(Limit((t**2 - 1) / (t - 1), t, 1), 2).status is Status.PROVED
    assert check(Limit((t**2 - 1) / (t - 1), t, 1), 3).status is Status.REFUTED
    assert (
        check(Limit(((t - (t**2 - 2) / (2 * t)) - sqrt(2)) / (t - sqrt(2)) ** 2, t, sqrt(2)), sqrt(2) / 4).status
        is Status.PROVED
    )


def test_limits_that_do_not_exist_or_are_outside_the_rules_are_not_proved():
    for limit, value in [
        (Limit(1 / t, t, 0), 0),
        (Limit(Abs(t) / t, t, 0), 1),
        (Limit(t * sin(1 / t), t, 0), 0),
        (Limit(sin(a) / a, a, 0), 1),
    ]:  # a is complex: L'Hopital is for real variables
        assert check(limit, value).status is not Status.PROVED, limit


def test_newton_ratio_is_proved_under_its_hypotheses():
    f = smooth_function("f", 2)
    ratio = Abs(x - f(x) / d(f, x) - xs) / e**2
    claim = (Limit(ratio, x, xs, dir="+-"), Abs(d(f, xs, 2)) / (2 * Abs(d(f, xs))))
    result = check(*claim, given=[Eq(f(xs), 0)], where=[Ne(d(f, xs), 0)])
    assert result.status is Status.PROVED
    limit_note = next(step.detail for step in result.steps if step.tactic == "limit")
    assert "f(x*) = 0" in limit_note and "!= 0" in limit_note


def test_each_newton_hypothesis_is_needed():
    f = smooth_function("f", 2)
    ratio = Abs(x - f(x) / d(f, x) - xs) / e**2
    claim = (Limit(ratio, x, xs, dir="+-"), Abs(d(f, xs, 2)) / (2 * Abs(d(f, xs))))
    assert check(*claim, given=[Eq(f(xs), 0)]).status is not Status.PROVED  # f'(x*) != 0 missing
    assert check(*claim, where=[Ne(d(f, xs), 0)]).status is not Status.PROVED  # f(x*) = 0 missing
    f1 = smooth_function("f", 1)  # f'' need not exist
    ratio1 = Abs(x - f1(x) / d(f1, x) - xs) / e**2
    claim1 = (Limit(ratio1, x, xs), Abs(d(f1, xs, 2)) / (2 * Abs(d(f1, xs))))
    assert check(*claim1, given=[Eq(f1(xs), 0)], where=[Ne(d(f1, xs), 0)]).status is not Status.PROVED
    h = Function("h", real=True)  # no smoothness declared: not even continuity is assumed
    assert check(Limit(h(x), x, xs), h(xs)).status is not Status.PROVED


def test_a_wrong_newton_constant_is_refuted_by_a_concrete_f():
    f = smooth_function("f", 2)
    ratio = Abs(x - f(x) / d(f, x) - xs) / e**2
    result = check(Limit(ratio, x, xs), Abs(d(f, xs, 2)) / Abs(d(f, xs)), given=[Eq(f(xs), 0)], where=[Ne(d(f, xs), 0)])
    # the counterexample names a polynomial f with f(x*) = 0, f'(x*) != 0; the re-check
    # evaluates the limit again on that f at concrete numbers
    assert result.status is Status.REFUTED, result.reason
    assert result.interpretation


def test_a_given_value_is_not_substituted_inside_a_derivative():
    # f(x*) = 0 says nothing about f'(x*): the difference quotient tends to f'(x*), not 0.
    f = smooth_function("f", 1)
    (value,), _ = evaluate_limits(Limit((f(x) - f(xs)) / (x - xs), x, xs), given=[Eq(f(xs), 0)])
    assert value == d(f, xs)
    assert check(Limit((f(x) - f(xs)) / (x - xs), x, xs), 0, given=[Eq(f(xs), 0)]).status is not Status.PROVED


def test_taylor_quotient_tends_to_half_the_second_derivative():
    f = smooth_function("f", 2)
    quotient = (f(xs) - f(x) + e * d(f, x)) / e**2
    assert check(Limit(quotient, x, xs, dir="+-"), d(f, xs, 2) / 2).status is Status.PROVED
    assert check(Limit(quotient, x, xs, dir="+-"), d(f, xs, 2)).status is not Status.PROVED


def test_smoothness_order_must_be_a_natural_number():
    with pytest.raises(ValueError):
        smooth_function("f", -1)


def test_complex_valued_expressions_are_left_alone():
    c = Symbol("c")  # complex
    assert check(Limit(sin(c * t) / t, t, 0), c).status is not Status.PROVED


def test_zero_over_an_expression_that_may_vanish_near_the_point_is_not_zero():
    h = smooth_function("h", 1)  # h may be 0 on a whole interval, where 0/h is undefined
    zero = (x - xs) ** 2 - (x**2 - 2 * x * xs + xs**2)
    assert check(Limit(zero / h(x), x, xs), 0).status is not Status.PROVED
    (unknown,), _ = evaluate_limits(Limit(zero / h(x), x, xs))
    (value,), _ = evaluate_limits(Limit(zero / h(x), x, xs), where=[Ne(h(xs), 0)])
    assert unknown.has(Limit) and value == 0
