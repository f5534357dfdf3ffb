"""The one decision pipeline: its stages, its registries, and the defects it closes by construction."""

from __future__ import annotations

import time

import pytest
from sympy import (
    Eq,
    Function,
    Heaviside,
    IndexedBase,
    Integer,
    KroneckerDelta,
    Rational,
    Subs,
    Sum,
    Symbol,
    cos,
    exp,
    sin,
    symbols,
)

from verifier import Status, check
from verifier.engine import pipeline, tactics
from verifier.engine.assumptions import replace_symbols
from verifier.engine.theories.expectation import independent
from verifier.report import Outcome

x = Symbol("x", real=True)
s = Symbol("s", real=True)
t = Symbol("t", real=True)
k = Symbol("k", integer=True, positive=True)
n, p = symbols("n p", integer=True, positive=True)
d, j = symbols("d j", integer=True)
z = IndexedBase("z", real=True)


def test_the_stages_run_in_one_fixed_order():
    assert [stage.__name__ for stage in pipeline.STAGES] == ["rewrite", "assumptions", "gate", "feasibility", "provers"]


def test_tactics_are_derived_from_the_rung_registry():
    assert tactics.TACTICS[0] == "auto" and tactics.TACTICS[-1] == "sorry"
    assert [name for name in tactics.TACTICS if name not in ("auto", "sorry", tactics.GIVEN)] == [
        r.name for r in tactics.RUNGS
    ]


def test_every_claim_kind_has_a_prover_or_says_it_has_none():
    kinds = {kind for prover in pipeline.PROVERS for kind in prover.kinds}
    assert {pipeline.Kind.EQUALITY, pipeline.Kind.RELATION, pipeline.Kind.SIZED} <= kinds


# --- a claim the gate cannot evaluate reaches only trusted provers -------------------------------------

whole = Function("w", integer=True)  # integer-valued: no stand-in function can be made


def test_an_unevaluable_claim_is_not_proved_by_an_untrusted_rung():
    result = check(whole(t) * (sin(t) ** 2 + cos(t) ** 2), whole(t), timeout=60)
    assert result.status is not Status.PROVED  # simplify would prove it, but simplify needs the gate
    assert any(a.outcome is Outcome.SKIPPED and a.tactic == "numeric" for a in result.steps)


def test_an_unevaluable_claim_is_still_proved_by_polynomial_arithmetic():
    result = check(whole(t) * (t + 1) ** 2, whole(t) * t**2 + 2 * whole(t) * t + whole(t), timeout=60)
    assert result.status is Status.PROVED
    assert result.tactic == "expand"


# --- the defects of issue #10, one reproducer each ------------------------------------------------------


def test_region_rewrites_do_not_reach_inside_a_binder():
    g = x - x**3 / 10**4
    result = check(Subs(Heaviside(x - 1), x, g), 1, where=[x - 1 > 0], timeout=60)
    assert result.status is Status.REFUTED  # false at x = 101: the sampler leaves |x| <= 24
    assert abs(result.counterexample[x]) > 100


def test_an_expression_key_is_not_replaced_under_a_binder_of_its_variable():
    inside = Subs(Heaviside(x - 1), x, x**2)
    assert replace_symbols(inside + Heaviside(x - 1), {Heaviside(x - 1): 1}) == inside + 1


def test_an_unrelated_fact_about_a_function_does_not_switch_off_the_gate():
    positive_g = Function("g", positive=True)
    result = check(x * (x + 1), x**2 + 2 * x, given=[Eq(positive_g(s), 1)], timeout=60)
    assert result.status is not Status.PROVED
    assert any("not about this claim" in a.detail for a in result.steps)


def test_a_positive_function_gets_a_positive_stand_in():
    positive_g = Function("g", positive=True)
    result = check(positive_g(s) + 1, 0, timeout=60)
    assert result.status is Status.REFUTED


def test_an_arity_zero_function_is_a_constant_for_the_gate():
    c = Function("c")
    result = check(c() * (x + 1), c() * x, timeout=60)
    assert result.status is Status.REFUTED


def test_a_function_at_two_arities_gets_a_stand_in_for_each():
    f = Function("f")
    result = check(f(x) + f(x, x), 2 * f(x), timeout=60)
    assert result.status is Status.REFUTED


def test_a_delta_is_not_contracted_at_a_non_integer_argument():
    result = check(Sum(KroneckerDelta(d, k / 2), (d, 1, k)), 1, sizes={k: 8}, timeout=60)
    assert result.status is Status.REFUTED
    assert result.counterexample[k] % 2 == 1  # at an odd k no d equals k/2


def test_a_sized_claim_about_an_undefined_function_is_cross_checked_on_stand_ins():
    f = Function("f")
    result = check(Sum(f(z[d]), (d, 1, k)), k * f(z[1]), sizes={k: 1}, timeout=60)
    assert result.status is Status.REFUTED


def test_a_sized_claim_with_expectations_is_cross_checked():
    D = IndexedBase("D")
    E = independent([D[1], D[2]], mean=1, variance=1)
    result = check(E(D[1] * D[2]) * Sum(z[d], (d, 1, k)), 2 * Sum(z[d], (d, 1, k)), sizes={k: 1}, timeout=60)
    assert result.status is Status.REFUTED


def test_a_users_symbol_is_never_an_engine_atom():
    taken = Symbol("Σ0", positive=True)
    result = check(Sum(exp(z[d]), (d, 1, k)), taken, sizes={k: 1}, timeout=60)
    assert result.status is Status.REFUTED


def test_size_symbols_take_different_values():
    result = check(Sum(z[d], (d, 1, n)), Sum(z[d], (d, 1, p)), sizes={n: 1, p: 1}, timeout=60)
    assert result.status is Status.REFUTED
    assert result.counterexample[n] != result.counterexample[p]


def test_sizes_of_both_parities_are_checked_beyond_the_least():
    result = check(Sum((-1) ** d, (d, 1, k)), 0, sizes={k: 8}, timeout=60)
    assert result.status is Status.REFUTED
    assert result.counterexample[k] % 2 == 1


def test_sized_claims_with_piecewise_linear_functions_are_evaluated():
    result = check(Sum(abs(z[d]) + sin(z[d]), (d, 1, k)), Sum(z[d] + sin(z[d]), (d, 1, k)), sizes={k: 1}, timeout=60)
    assert result.status is Status.REFUTED
    assert "engine error" not in result.reason


def test_inconsistent_moments_are_contradictory_assumptions():
    D = Symbol("D")
    E = independent([D], mean=0, variance=-1)
    result = check(E(D**2), -1, timeout=60)
    assert result.status is Status.UNDECIDED
    assert "unsatisfiable" in result.reason


# --- no rung starves the others ---------------------------------------------------------------------------


def _hang(expr):
    while True:
        time.sleep(0.01)


def test_a_rung_that_hangs_gives_way_to_the_next(monkeypatch):
    hanging = tactics.Rung("expand", _hang, 1.0, trusted=True)
    monkeypatch.setattr(tactics, "RUNGS", (hanging,) + tactics.RUNGS[1:])
    result = check((x**2 - 1) / (x - 1), x + 1, timeout=20)
    assert result.status is Status.PROVED
    assert any(a.tactic == "expand" and a.outcome is Outcome.TIME_LIMIT for a in result.steps)


@pytest.mark.parametrize("value", [Rational(1, 2), 0, -1])
def test_a_false_claim_is_refuted_whatever_the_seed(value):
    result = check(x**2, x, where=[x > value], timeout=60, seed=3)
    assert result.status is Status.REFUTED


def test_check_rejects_a_sum_over_an_undeclared_size_as_a_claim_does():
    with pytest.raises(ValueError, match="bounds a sum but is not declared"):
        check(Sum(z[d], (d, 1, n)), 0)


def test_a_value_evalf_cannot_resolve_is_no_counterexample():
    from sympy import diff, log

    from verifier.engine.assumptions import build_context
    from verifier.engine.numeric import Sampler, recheck

    h, y = symbols("h y", real=True)
    sigma = 1 / (1 + exp(-h))
    loss = -(y * log(sigma) + (1 - y) * log(1 - sigma))
    # At h = 10201 plain evalf gives d loss/dh = 7e-4283 instead of 1: a false witness.
    assert recheck(diff(loss, h), sigma - y, {h: 10201, y: 0}, Sampler(build_context(), {h, y})) is None
    assert check(diff(loss, h), sigma - y, timeout=60).status is not Status.REFUTED


def test_a_side_that_cancels_to_exactly_zero_still_gives_a_counterexample():
    """Strict evaluation cannot certify digits of an exact 0 (its terms cancel); the difference
    can be certified, and the side is the other side plus it. The true claim stays unrefuted."""
    from verifier.engine.assumptions import build_context
    from verifier.engine.numeric import Sampler, recheck
    from verifier.engine.recheck import counterexample_problem

    r = Symbol("r", real=True)
    zero = (exp(r) + 1) ** 2 - exp(2 * r) - 2 * exp(r) - 1  # 0, written so that nothing cancels
    witness = recheck(zero, exp(-r) / 7, {r: Integer(1)}, Sampler(build_context(), {r}))
    assert witness is not None and witness.lhs_value == 0 and witness.rhs_value > 0
    assert counterexample_problem(zero, exp(-r) / 7, (), (), {r: Integer(1)}) is None
    assert counterexample_problem(zero, Integer(0), (), (), {r: Integer(1)}) is not None  # true there
    result = check(zero, exp(-r) / 7, where=[r > 0], timeout=60)
    assert result.status is Status.REFUTED and result.counterexample[r] > 0
    assert check(zero, 0, where=[r > 0], timeout=60).status is not Status.REFUTED


def test_a_false_claim_about_an_unrestricted_function_is_refuted_with_the_function_named():
    from sympy import Derivative

    y = Function("y")
    u, v, w = symbols("u v w", real=True)
    result = check(Derivative(y(u, v, w), u, v), Derivative(y(u, v, w), u, w), timeout=60)
    assert result.status is Status.REFUTED
    assert result.interpretation  # the concrete y that the counterexample uses


def test_a_symbol_the_derivative_drops_still_gets_a_value_in_the_counterexample():
    from sympy import Derivative, log

    a, w, y = symbols("a w y", real=True)
    loss = -a * w * y + log(exp(a * w) + 1)  # y drops out of the second derivative
    result = check(Derivative(loss, (w, 2)), (1 - 1 / (1 + exp(-a * w))) / (1 + exp(-a * w)), timeout=60)
    assert result.status is Status.REFUTED  # the a**2 factor is missing
    assert y in result.counterexample


# --- the order of the provers --------------------------------------------------------------------


def test_an_identity_of_inverse_functions_goes_to_the_calculus_rung_first():
    from sympy import atan, pi

    t = Symbol("t", positive=True)
    result = check(atan(t) + atan(1 / t), pi / 2, timeout=60)
    assert result.status is Status.PROVED and result.tactic == "calculus"
    rungs = {rung.name for rung in tactics.RUNGS}
    assert not any(a.tactic in rungs for a in result.steps)  # no rung ran before it


def test_other_identities_keep_the_registry_order():
    from sympy import cos, sin

    result = check(sin(x) ** 2 + cos(x) ** 2, 1, timeout=60)
    assert result.status is Status.PROVED and result.tactic != "calculus"
    assert not any(a.tactic == "calculus" for a in result.steps)


def test_when_the_calculus_rung_cannot_prove_an_inverse_identity_the_ladder_still_runs():
    from sympy import Eq, atan

    y = Symbol("y", real=True)
    result = check(atan(y), atan(x), given=[Eq(y, x)], timeout=60)  # given facts: not the calculus rung's
    assert result.status is Status.PROVED and result.tactic != "calculus"


# --- the gate stops sampling where exact algebra has decided -------------------------------------


def _numeric(result):
    (attempt,) = [a for a in result.steps if a.tactic == "numeric"]
    return attempt


def test_a_claim_exact_algebra_proves_is_sampled_only_until_a_few_points_agree():
    from verifier.engine.numeric import SETTLED_AFTER

    result = check((x + 1) ** 3, x**3 + 3 * x**2 + 3 * x + 1, timeout=60)
    assert result.status is Status.PROVED and result.tactic == "expand"
    assert "exact algebra" in _numeric(result).detail
    assert pipeline.search(*_gate_args((x + 1) ** 3, x**3 + 3 * x**2 + 3 * x + 1)).agreed == SETTLED_AFTER


def _gate_args(lhs, rhs, by="auto"):
    from verifier.engine.assumptions import build_context
    from verifier.engine.problem import Problem

    problem = Problem(lhs, rhs, "==", None, (), (), (), (), by, 0)
    context = build_context((), ())
    first = pipeline._candidates(problem)[0]
    exactly = (lambda: first.exact(problem, context)) if first.exact is not None and by != "sorry" else None
    return problem, context, None, exactly


@pytest.mark.parametrize(
    "lhs, rhs, by",
    [
        ((x + 1) ** 3, x**3 + 3 * x**2 + 3 * x + 1, "sorry"),  # never proved: every point is its evidence
        (sin(x) ** 2 + cos(x) ** 2, Integer(1), "auto"),  # exact algebra does not decide it
    ],
)
def test_other_claims_get_every_point(lhs, rhs, by):
    result = check(lhs, rhs, by=by, timeout=60)
    assert "exact algebra" not in _numeric(result).detail
    assert _numeric(result).detail.startswith("equal at 20 points")


def test_an_identity_the_calculus_rung_proves_first_gets_every_point():
    from sympy import atan, pi

    q = Symbol("q", positive=True)
    result = check(atan(q) + atan(1 / q), pi / 2, timeout=60)
    assert result.tactic == "calculus" and _numeric(result).detail.startswith("equal at 20 points")


def test_a_false_claim_that_agrees_at_the_first_points_is_still_refuted():
    # equal at x = 1, 2, -1, 1/2, 3 (the first values sampled), different elsewhere
    bump = (x - 1) * (x - 2) * (x + 1) * (x - Rational(1, 2)) * (x - 3)
    result = check(x**2 + bump, x**2, timeout=60)
    assert result.status is Status.REFUTED
    assert bump.subs(x, result.counterexample[x]) != 0


def test_a_piecewise_identity_goes_to_the_cases_prover_first():
    from sympy import Abs, Max

    y = Symbol("y", real=True)
    result = check(Max(x, y), (x + y + Abs(x - y)) / 2, timeout=60)
    assert result.status is Status.PROVED and result.tactic == "cases"
    rungs = {rung.name for rung in tactics.RUNGS}
    assert not any(a.tactic in rungs for a in result.steps)  # no rung ran before it


def test_a_constant_side_is_screened_like_any_other(monkeypatch):
    from sympy import pi

    from verifier.engine import numeric

    exact = []
    evaluate = numeric.evaluate
    monkeypatch.setattr(numeric, "evaluate", lambda *a, **k: exact.append(a) or evaluate(*a, **k))
    assert check(sin(x) ** 2 + cos(x) ** 2, 1).status is Status.PROVED
    assert check(sin(x) ** 2 + cos(x) ** 2 - 1 + pi, pi).status is Status.PROVED  # mpmath.pi itself
    assert not exact  # every point decided by the compiled screen (1 and pi came back as Python/mpmath constants)
    assert check(sin(x) ** 2 + cos(x) ** 2, pi / 3).status is Status.REFUTED


def test_a_symbol_named_like_a_constant_or_function_is_not_taken_for_it():
    # lambdify named each argument after its symbol: an argument "pi" shadowed the constant
    # pi, and p + pi = 2 p screened as equal at every point (undecided, not refuted)
    from sympy import gamma, pi

    p, g = Symbol("pi"), Symbol("gamma", positive=True)
    refuted = check(p + pi, 2 * p)
    assert refuted.status is Status.REFUTED
    assert check(gamma(g) + g, 2 * g).status is Status.REFUTED  # a symbol named like a function
    assert check(p + pi - p, pi).status is Status.PROVED


def test_a_point_with_a_value_that_is_not_rational_is_evaluated_exactly():
    # solving the fact for w divides by log(6) - log(2) - log(3), which is 0: the sampled w
    # is not a rational number, and the compiled screen has no word there
    r, w = symbols("r w", real=True)
    from sympy import log

    fact = Eq(r + (log(6) - log(2) - log(3)) * w, 1)
    assert check(r, 2, given=[fact]).status is Status.REFUTED
    assert check(r, 1, given=[fact]).status is not Status.REFUTED
