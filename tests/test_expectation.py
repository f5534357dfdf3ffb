"""Expectations over independent random variables with stated moments."""

import pytest
from sympy import Rational, Symbol, exp, expand, symbols

from verifier import Status, check, independent
from verifier.engine.theories.expectation import (
    Expectation,
    NotReducible,
    reduce_expectations,
)

d = symbols("d1:4", real=True)
w = symbols("w1:4", real=True)
x = symbols("x1:4", real=True)
y = Symbol("y", real=True)
s = Symbol("s", positive=True)
E = independent(d, mean=1, variance=s**2)


def test_independence_and_moments_are_applied_monomial_by_monomial():
    assert check(E(d[0] * d[1]), 1).status is Status.PROVED
    assert check(E(d[0] ** 2), 1 + s**2).status is Status.PROVED
    assert check(E(d[0] ** 2 * d[1] * w[0]), (1 + s**2) * w[0]).status is Status.PROVED
    assert check(E(y - d[0] * w[0]), y - w[0]).status is Status.PROVED


def test_wrong_moments_are_refuted_with_the_moment_symbols_sampled():
    result = check(E(d[0] ** 2), 1)
    assert result.status is Status.REFUTED
    assert set(result.counterexample) == {s}
    assert check(E(d[0] * d[1]), 1 + s**2).status is Status.REFUTED  # distinct d's are independent


def test_random_variables_are_bound_not_free():
    assert E(d[0] * w[0]).free_symbols == {w[0], s}


def test_unstated_moments_and_non_polynomials_stay_undecided():
    third = check(E(d[0] ** 3), 1)
    assert third.status is Status.UNDECIDED and "not stated" in third.reason
    non_poly = check(E(exp(d[0])), 1)
    assert non_poly.status is Status.UNDECIDED and "polynomial" in non_poly.reason
    with pytest.raises(NotReducible):
        reduce_expectations(E(1 / d[0]))


def test_trace_names_the_moments_used():
    result = check(E(d[0] * d[1]), 1)
    assert any("independent" in u and "E[d] = 1" in u for u in result.used)
    assert result.tactic.startswith("expectation")


def test_agrees_with_sympy_stats_for_normal_noise():
    from sympy.stats import E as stats_E
    from sympy.stats import Normal

    n = 3
    J = Rational(1, 2) * (y - sum(d[k] * w[k] * x[k] for k in range(n))) ** 2
    ours = reduce_expectations(E(J))
    normals = [Normal(f"D{k}", 1, s) for k in range(n)]
    theirs = stats_E(J.xreplace(dict(zip(d, normals))))
    assert expand(ours - theirs) == 0


def test_expectation_is_a_sympy_expression_that_prints():
    from sympy import latex, sstr

    node = E(d[0] * w[0])
    assert isinstance(node, Expectation)
    assert sstr(node) == "E[d1*w1]"
    assert latex(node).startswith(r"\mathbb{E}")


def test_variables_with_their_own_moments():
    from verifier import independent_with

    T, A = symbols("T A", real=True)
    E2 = independent_with({d[0]: (1, 1 + s**2), T: (A,)})
    assert check(E2(T * d[0]), A).status is Status.PROVED
    assert check(E2(T**2), A**2).status is Status.UNDECIDED  # E[T^2] was not stated
    assert check(E2(T * d[0] ** 2), A).status is Status.REFUTED
