"""Limits in n of rational functions are decided by degrees; anything else stays undecided."""

from sympy import KroneckerDelta, Limit, Symbol, exp, oo, symbols

from verifier import Status, check

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
