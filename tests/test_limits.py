"""Limits: n -> oo of rational functions by degrees; at a finite point by continuity and
L'Hopital, each hypothesis checked; anything else stays undecided."""

import pytest
from sympy import (
    Abs,
    Derivative,
    Eq,
    Function,
    Integer,
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
    zoo,
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


def test_limit_whose_leading_coefficient_may_vanish_is_not_proved_and_refuted_where_it_does():
    # 1/(a n + 1) -> 0 only when a != 0; with a = 0 it is 1: the gate evaluates the limit there.
    (kept,), _ = evaluate_limits(Limit(1 / (a * n + 1), n, oo))
    assert kept.has(Limit)  # no value by degrees for every a
    result = check(Limit(1 / (a * n + 1), n, oo), 0)
    assert result.status is Status.REFUTED
    assert result.counterexample[a] == 0 and float(result.lhs_value) == 1.0


def test_divergent_rational_limits_are_infinite_and_non_rational_ones_are_not_decided():
    wrong = check(Limit(n**2 / (n + 1), n, oo), 1)
    assert wrong.status is Status.REFUTED and wrong.lhs_value == oo
    assert check(Limit(n**2 / (n + 1), n, oo), oo).status is Status.PROVED
    assert check(Limit((1 - n**3) / (n + 1), n, oo), -oo).status is Status.PROVED
    assert check(Limit((1 - n**3) / (n + 1), n, oo), oo).status is Status.REFUTED
    # the sign of a n^2 is not known: no value, and no proof either way
    assert check(Limit(a * n**2 / (n + 1), n, oo), oo).status is not Status.PROVED
    assert check(Limit(exp(-n), n, oo), 0).status is not Status.REFUTED  # true, outside the rules


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


# --- divergent limits: a pole, with its hypotheses checked -------------------------------------

g = smooth_function("g", 3)


def _judged_by_sympy(lhs, rhs, result):
    """The counterexample re-checked apart from the engine: the stated functions replaced by the
    concrete ones, the limit taken by SymPy's own ``limit``, the sides compared at 50 digits."""
    from sympy import N, Subs
    from sympy import limit as sympy_limit

    def concrete(e):
        for func, lam in result.interpretation:
            e = e.replace(func, lam)
        e = e.replace(lambda node: isinstance(node, (Derivative, Subs)), lambda node: node.doit())
        point = {k: v for k, v in result.counterexample.items() if v.is_number}
        e = e.subs(point)
        return e.replace(lambda node: isinstance(node, Limit), lambda node: sympy_limit(*node.args))

    left, right = concrete(lhs), concrete(rhs)
    return left, right, N(left - right, 50)


def _newton_without(fact: str):
    """6.3 (f) or 6.4 (g) of the Newton derivation with its hypothesis f(x*) = 0 or g'(x*) = 0 dropped."""
    if fact == "f(x*) = 0":
        ratio = Abs(x - f2(x) / d(f2, x) - xs) / e**2
        return Limit(ratio, x, xs, dir="+-"), Abs(d(f2, xs, 2)) / (2 * Abs(d(f2, xs))), [Ne(d(f2, xs), 0)]
    ratio = Abs(x - d(g, x) / d(g, x, 2) - xs) / e**2
    return Limit(ratio, x, xs, dir="+-"), Abs(d(g, xs, 3)) / (2 * Abs(d(g, xs, 2))), [Ne(d(g, xs, 2), 0)]


f2 = smooth_function("f", 2)


@pytest.mark.parametrize("fact", ["f(x*) = 0", "g'(x*) = 0"])
def test_newton_without_its_root_hypothesis_is_refuted_by_a_concrete_function(fact):
    """The two newton mutants that stayed undecided: the limit diverges for a function with
    f(x*) != 0 (g'(x*) != 0), which is no finite value."""
    lhs, rhs, where = _newton_without(fact)
    result = check(lhs, rhs, where=where)
    assert result.status is Status.REFUTED, result.reason
    assert result.interpretation and result.lhs_value == oo and result.rhs_value.is_finite
    ((func, stand_in),) = result.interpretation
    at, s = result.counterexample[xs], stand_in.variables[0]
    used = stand_in.expr if func.__name__ == "f" else stand_in.expr.diff(s)  # Newton runs on f, or on g'
    assert used.subs(s, at) != 0  # the dropped hypothesis fails: the limit diverges
    assert used.diff(s).subs(s, at) != 0  # the stated one holds: f'(x*) != 0 (g''(x*) != 0)
    left, right, gap = _judged_by_sympy(lhs, rhs, result)
    assert left == oo and right.is_finite and abs(gap) == oo


def test_newton_with_its_hypotheses_is_still_proved():
    for fn, given, where, order in [
        (f2, Eq(f2(xs), 0), Ne(d(f2, xs), 0), 0),
        (g, Eq(d(g, xs), 0), Ne(d(g, xs, 2), 0), 1),
    ]:
        value = fn(x) if order == 0 else d(fn, x)
        slope = d(fn, x) if order == 0 else d(fn, x, 2)
        ratio = Abs(x - value / slope - xs) / e**2
        rhs = Abs(d(fn, xs, 2 + order)) / (2 * Abs(d(fn, xs, 1 + order)))
        assert check(Limit(ratio, x, xs, dir="+-"), rhs, given=[given], where=[where]).status is Status.PROVED


def test_a_divergent_limit_claimed_equal_to_a_number_is_refuted():
    for limit, value in [
        (Limit(1 / t**2, t, 0, dir="+-"), 5),
        (Limit(sin(t) / t**3, t, 0, dir="+-"), 1),  # through L'Hopital: cos t / (3 t^2)
        (Limit(exp(t) / t**2 + 3, t, 0, dir="+-"), 0),  # a divergent term plus a finite one
        (Limit(1 / t, t, 0), 0),  # from the right (SymPy's default direction)
    ]:
        result = check(limit, value)
        assert result.status is Status.REFUTED, limit
        assert result.lhs_value == oo and float(result.rhs_value) == value, limit


def test_a_divergent_limit_with_a_free_symbol_is_refuted_where_it_diverges():
    b = Symbol("b", real=True)
    result = check(Limit(b / t**2, t, 0, dir="+-"), 1)
    assert result.status is Status.REFUTED
    assert result.counterexample[b] != 0 and result.lhs_value in (oo, -oo)


def test_limits_that_look_alike_but_exist_stay_proved():
    assert check(Limit((1 - cos(t)) / t**2, t, 0, dir="+-"), Rational(1, 2)).status is Status.PROVED
    assert check(Limit(sin(t) ** 3 / t**3, t, 0, dir="+-"), 1).status is Status.PROVED
    assert check(Limit(t**3 / t**2, t, 0, dir="+-"), 0).status is Status.PROVED  # cancelled before the pole test
    quotient = (f2(x) - f2(xs)) / e**2  # diverges unless f'(x*) = 0
    assert check(Limit(quotient, x, xs), d(f2, xs, 2) / 2, given=[Eq(d(f2, xs), 0)]).status is Status.PROVED


def test_true_divergent_statements_are_proved():
    for limit, value in [
        (Limit(1 / t**2, t, 0, dir="+-"), oo),
        (Limit(-1 / t**2, t, 0, dir="+-"), -oo),
        (Limit(sin(t) / t**3, t, 0, dir="+-"), oo),
        (Limit(1 / t, t, 0, dir="+"), oo),
        (Limit(1 / t, t, 0, dir="-"), -oo),
        (Limit(n**2 / (n + 1), n, oo), oo),
    ]:
        result = check(limit, value)
        assert result.status is Status.PROVED, (limit, result.reason)
        assert any("oo" in line for line in result.used), result.used
    b = Symbol("b", positive=True)
    assert check(Limit(b / t**2, t, 0, dir="+-"), oo).status is Status.PROVED
    # |Newton's step| / e^2 diverges where f(x*) != 0 (the sign of f(x*)/f'(x*) is unknown, |.| is
    # not): the rule shows it, but a proof needs a point that satisfies the regions on f, which the
    # gate does not sample (regions on undefined functions): true, so never refuted
    lhs, _, where = _newton_without("f(x*) = 0")
    result = check(lhs, oo, where=[*where, Ne(f2(xs), 0)])
    assert result.status is not Status.REFUTED
    assert "lim x->x* = oo" in next(step.detail for step in result.steps if step.tactic == "limit")
    # assumptions that contradict each other prove nothing, though the claim then has no symbol left
    contradictory = check(Limit(b / t**2, t, 0, dir="+-"), oo, where=[b**3 - 5 * b + 7 < 0])  # > 0 for b > 0
    assert contradictory.status is Status.UNDECIDED and "no point" in contradictory.reason


def test_false_divergent_statements_are_refuted_or_left_open():
    assert check(Limit(-1 / t**2, t, 0, dir="+-"), oo).status is Status.REFUTED  # it is -oo
    assert check(Limit(1 / t, t, 0, dir="-"), oo).status is Status.REFUTED  # from the left: -oo
    assert check(Limit(t**2, t, 0), oo).status is Status.REFUTED  # it is 0
    # from both sides 1/t has no limit; |1/t| -> oo says nothing about +oo: never proved
    assert check(Limit(1 / t, t, 0, dir="+-"), oo).status is not Status.PROVED
    assert check(Limit((1 - cos(t)) / t**3, t, 0, dir="+-"), 0).status is Status.REFUTED  # no finite limit
    # without f(x*) != 0 the limit may be finite (f(x*) = 0): refuted by such an f
    lhs, _, where = _newton_without("f(x*) = 0")
    result = check(lhs, oo, where=where)
    assert result.status is Status.REFUTED and result.rhs_value == oo and result.lhs_value.is_finite


def test_the_pole_rule_checks_its_hypotheses():
    h = smooth_function("h", 1)
    # h(x*) may be 0: then 1/h(x) need not diverge like a pole, or h may vanish near x*
    (kept,), _ = evaluate_limits(Limit(1 / (e**2 * h(x)), x, xs), infinite=True)
    assert kept.has(Limit)
    (value,), _ = evaluate_limits(Limit(1 / (e**2 * h(x)), x, xs), where=[Ne(h(xs), 0)], infinite=True)
    assert value == zoo  # |.| -> oo; the sign of h(x*) is not known
    (positive,), _ = evaluate_limits(Limit(1 / (e**2 * (1 + exp(x))), x, xs, dir="+-"), infinite=True)
    assert positive == oo
    # a divergent limit inside a larger expression, or without infinite=True, stays a limit
    (inside, alone), _ = evaluate_limits(2 * Limit(1 / t**2, t, 0), Limit(1 / t**2, t, 0))
    assert inside.has(Limit) and alone.has(Limit)
    # oo - oo says nothing by itself: the sum as one fraction, (t^2 - 1)/t^4, has a pole of order 4
    (both,), _ = evaluate_limits(Limit(1 / t**2 - 1 / t**4, t, 0, dir="+-"), infinite=True)
    assert both == -oo
    (cancelling,), _ = evaluate_limits(Limit(1 / t**2 - cos(t) / t**2, t, 0), infinite=True)
    assert cancelling == Rational(1, 2)  # two divergent terms whose sum has a finite limit


def test_a_divergent_counterexample_is_rechecked():
    from verifier.engine.recheck import counterexample_problem

    assert counterexample_problem(Limit(1 / t**2, t, 0, dir="+-"), Integer(5), (), (), {}) is None
    assert counterexample_problem(Limit(1 / t**2, t, 0, dir="+-"), oo, (), (), {}) is not None  # the same infinity
    assert counterexample_problem(Limit(t, t, 0), Integer(0), (), (), {}) is not None  # finite, and equal
    assert counterexample_problem(Limit(1 / t, t, 0, dir="+-"), oo, (), (), {}) is not None  # may not be told
    assert counterexample_problem(Limit(t * sin(1 / t), t, 0), Integer(1), (), (), {}) is not None  # no rule
