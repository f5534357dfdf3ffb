"""A soundness corpus: claims as data, with what the engine must do with each.

* ``PROVED``: a true claim the engine must prove;
* ``TRUE``: a true claim it may leave undecided but must never refute (and, being
  true, a proof is fine too);
* ``REFUTED``: a false claim it must refute, with a counterexample that is checked
  here again, independently of the engine: every free symbol has a value in its
  declared domain, every given fact holds exactly, every region holds, and the two
  sides differ at 100 digits;
* ``NOT_PROVED``: a false (or meaningless) claim that the engine may be unable to
  refute, for instance because a function with a sign assumption has no concrete
  stand-in; it must never be proved (a false claim the engine does refute is ``REFUTED``);
* ``UNSAT``: assumptions that contradict each other; nothing may be proved under them.

Claims that depend on assumptions appear twice or more (the same statement under
different domains, facts or regions), each with its own expectation. Many of these
were found by attacking the engine: the comment names the pitfall.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sympy import (
    Abs,
    Derivative,
    Eq,
    Float,
    Function,
    Heaviside,
    Integer,
    Matrix,
    Max,
    Min,
    Piecewise,
    Rational,
    Subs,
    Sum,
    Symbol,
    asin,
    atan,
    cbrt,
    conjugate,
    cos,
    exp,
    factorial,
    floor,
    log,
    nan,
    oo,
    pi,
    re,
    sign,
    sin,
    sqrt,
    symbols,
    sympify,
    tan,
    true,
    zoo,
)
from sympy.logic.boolalg import BooleanTrue

from verifier import Status, check
from verifier.engine.recheck import counterexample_problem

PROVED, TRUE, REFUTED, NOT_PROVED, UNSAT = "proved", "true", "refuted", "not proved", "unsat"

x, y, w = symbols("x y w")  # complex
r, s, t = symbols("r s t", real=True)
p, q = symbols("p q", positive=True)
u, v = symbols("u v", nonnegative=True)
m = Symbol("m", negative=True)
n, k, i = symbols("n k i", integer=True)
nz = Symbol("nz", nonzero=True)
y1, y2, y3 = symbols("y1:4", nonnegative=True)
h = Symbol("h", real=True)
f = Function("f")
r_pos = Symbol("r", positive=True)  # a different symbol that shares r's name
sig = 1 / (1 + exp(-h))
simplex = Eq(y1 + y2 + y3, 1)


@dataclass(frozen=True)
class Case:
    name: str
    lhs: object
    rhs: object
    expect: str
    given: tuple = ()
    where: tuple = ()


CORPUS = [
    # --- algebra: true and false
    Case("binomial square", (r + s) ** 2, r**2 + 2 * r * s + s**2, PROVED),
    Case("freshman's dream", (r + s) ** 2, r**2 + s**2, REFUTED),
    Case("cube", (x + y) ** 3, x**3 + 3 * x**2 * y + 3 * x * y**2 + y**3, PROVED),
    Case("cube, a term dropped", (x + y) ** 3, x**3 + 3 * x**2 * y + y**3, REFUTED),
    Case("difference of squares", (x - y) * (x + y), x**2 - y**2, PROVED),
    Case("difference of squares, sign", (x - y) * (x + y), y**2 - x**2, REFUTED),
    Case("cancel a common factor", (x**2 - 1) / (x - 1), x + 1, PROVED),
    Case("cancel, wrong sign", (x**2 - 1) / (x - 1), x - 1, REFUTED),
    Case("partial fractions", 1 / (r * (r + 1)), 1 / r - 1 / (r + 1), PROVED),
    Case("partial fractions, sign", 1 / (r * (r + 1)), 1 / r + 1 / (r + 1), REFUTED),
    Case("huge constant kept", r + Integer(10) ** 100, r, REFUTED),
    Case(
        "huge constant, true",
        (r + Integer(10) ** 50) ** 2 - r**2,
        2 * Integer(10) ** 50 * r + Integer(10) ** 100,
        PROVED,
    ),
    # --- exponentials and the sigmoid
    Case("exp product", exp(x) * exp(-x), 1, PROVED),
    Case("exp of a sum is not a sum", exp(x + 1), exp(x) + 1, REFUTED),
    Case("exp(2x) = exp(x)^2", exp(2 * x), exp(x) ** 2, PROVED),
    Case("exp(x/3)^3 = exp(x)", exp(x / 3) ** 3, exp(x), PROVED),
    # exp(x/2) = sqrt(exp(x)) only off the branch cut: false at x = 4i.
    Case("exp(x/2) vs sqrt(exp(x)), complex x", exp(x / 2), sqrt(exp(x)), REFUTED),
    Case("exp(r/2) = sqrt(exp(r)), real r", exp(r / 2), sqrt(exp(r)), PROVED),
    Case("sqrt(exp(2x)) vs exp(x), complex x", sqrt(exp(2 * x)), exp(x), REFUTED),
    Case("sqrt(exp(2r)) = exp(r), real r", sqrt(exp(2 * r)), exp(r), PROVED),
    Case("sigmoid derivative", sig.diff(h), sig * (1 - sig), PROVED),
    Case("sigmoid derivative as misprinted", sig.diff(h), sig * (sig - 1), REFUTED),
    Case("1 - sigmoid(h) = sigmoid(-h)", 1 - sig, sig.subs(h, -h), PROVED),
    # --- roots, logs and powers: assumption-dependent
    Case("sqrt(x^2) = x, complex x", sqrt(x**2), x, REFUTED),
    Case("sqrt(r^2) = r, real r", sqrt(r**2), r, REFUTED),
    Case("sqrt(p^2) = p, positive p", sqrt(p**2), p, PROVED),
    Case("sqrt(m^2) = -m, negative m", sqrt(m**2), -m, PROVED),
    Case("sqrt(m^2) = m, negative m", sqrt(m**2), m, REFUTED),
    Case("sqrt(r^2) = |r|", sqrt(r**2), Abs(r), PROVED),
    Case("sqrt(xy) = sqrt(x)sqrt(y), complex", sqrt(x * y), sqrt(x) * sqrt(y), REFUTED),
    Case("sqrt(pq) = sqrt(p)sqrt(q), positive", sqrt(p * q), sqrt(p) * sqrt(q), PROVED),
    Case("sqrt(1/x) = 1/sqrt(x), complex", sqrt(1 / x), 1 / sqrt(x), REFUTED),
    Case("sqrt(1/p) = 1/sqrt(p), positive", sqrt(1 / p), 1 / sqrt(p), PROVED),
    Case("log(xy) = log x + log y, complex", log(x * y), log(x) + log(y), REFUTED),
    Case("log(pq) = log p + log q, positive", log(p * q), log(p) + log(q), PROVED),
    Case("log(r^2) = 2 log r, real", log(r**2), 2 * log(r), REFUTED),
    Case("log(p^2) = 2 log p, positive", log(p**2), 2 * log(p), PROVED),
    Case("log(exp(x)) = x, complex", log(exp(x)), x, REFUTED),
    Case("log(exp(r)) = r, real", log(exp(r)), r, PROVED),
    Case("exp(y log x) = x^y", exp(y * log(x)), x**y, PROVED),
    Case("(x^2)^y = x^(2y), complex", (x**2) ** y, x ** (2 * y), REFUTED),
    Case("(p^2)^y = p^(2y), positive base", (p**2) ** y, p ** (2 * y), PROVED),
    Case("cube root of a cube, real", cbrt(r**3), r, REFUTED),  # principal root: cbrt(-1) is not -1
    Case("(-1)^(2n) = 1, integer n", (-1) ** (2 * n), 1, PROVED),
    Case("(-1)^n = 1, integer n", (-1) ** n, 1, REFUTED),
    Case("cos(pi n)^2 = 1, integer n", cos(pi * n) ** 2, 1, PROVED),
    Case("cos(pi r)^2 = 1, real r", cos(pi * r) ** 2, 1, REFUTED),
    # --- trigonometry and inverse functions
    Case("Pythagoras", sin(x) ** 2 + cos(x) ** 2, 1, PROVED),
    Case("double angle", sin(2 * x), 2 * sin(x) * cos(x), PROVED),
    Case("double angle, factor dropped", sin(2 * x), 2 * sin(x), REFUTED),
    Case("asin(sin r) = r", asin(sin(r)), r, REFUTED),
    Case("atan(tan r) = r", atan(tan(r)), r, REFUTED),
    Case("asin(sin r) = r on |r| < 1 (not decided)", asin(sin(r)), r, TRUE, (), (r > -1, r < 1)),
    # --- complex-only pitfalls: real-valued samples would miss these
    Case("|x|^2 = x^2, complex", Abs(x) ** 2, x**2, REFUTED),
    Case("|r|^2 = r^2, real", Abs(r) ** 2, r**2, PROVED),
    Case("conjugate(x) = x, complex", conjugate(x), x, REFUTED),
    Case("conjugate(r) = r, real", conjugate(r), r, PROVED),
    Case("re(x) = x, complex", re(x), x, REFUTED),
    Case("|x|^2 = x conj(x)", Abs(x) ** 2, x * conjugate(x), TRUE),
    # --- piecewise, Max, Heaviside, sign, floor
    Case("relu is the identity", Max(r, 0), r, REFUTED),
    Case("relu on r > 0", Max(r, 0), r, PROVED, (), (r > 0,)),
    Case("relu on r < 0", Max(r, 0), 0, PROVED, (), (r < 0,)),
    Case("relu on r > -1 is not the identity", Max(r, 0), r, REFUTED, (), (r > -1,)),
    Case("relu as r Heaviside(r)", Max(r, 0), r * Heaviside(r), TRUE),
    Case("min + max = sum", Min(r, s) + Max(r, s), r + s, TRUE),
    Case("min + max, sign slip", Min(r, s) + Max(r, s), r - s, REFUTED),
    Case("sign(r) r = |r|", sign(r) * r, Abs(r), PROVED),
    Case("sign(x) x = |x|, complex", sign(x) * x, Abs(x), REFUTED),
    Case("floor(r + 1/2) = r", floor(r + Rational(1, 2)), r, REFUTED),
    Case("piecewise abs", Piecewise((r, r >= 0), (-r, True)), Abs(r), TRUE),
    Case("piecewise abs, wrong branch", Piecewise((r, r >= 0), (r, True)), Abs(r), REFUTED),
    # --- regions
    Case("sqrt((p-1)^2) = p - 1 on p > 1", sqrt((p - 1) ** 2), p - 1, PROVED, (), (p > 1,)),
    Case("sqrt((p-1)^2) = 1 - p on p < 1", sqrt((p - 1) ** 2), 1 - p, PROVED, (), (p < 1,)),
    Case("sqrt((p-1)^2) = p - 1 on p < 1", sqrt((p - 1) ** 2), p - 1, REFUTED, (), (p < 1,)),
    Case("sqrt(x^2) = x on x > 0, complex x", sqrt(x**2), x, PROVED, (), (x > 0,)),
    Case("|r - s| = r - s on r - s > 0 (not a sign region)", Abs(r - s), r - s, TRUE, (), (r - s > 0,)),
    Case("|r - s| = s - r on r - s > 0", Abs(r - s), s - r, REFUTED, (), (r - s > 0,)),
    Case("integer n on n > 2 stays an integer", cos(pi * (n - 1)) ** 2, 1, PROVED, (), (n > 2,)),
    Case("integer n on n >= 0, (-1)^n = 1", (-1) ** n, 1, REFUTED, (), (n >= 0,)),
    Case("real r on r > 0 is not an integer", sin(pi * r), 0, REFUTED, (), (r > 0,)),
    # A region's fresh symbol must not be another symbol named r (found by attack).
    Case("two symbols named r", r + r_pos, 0, REFUTED, (), (r < 0,)),
    Case("two symbols named r, no numeric check", f(r + r_pos), f(0), REFUTED, (), (r < 0,)),
    # --- given facts
    Case("simplex: y1 + y2 = 1 - y3", y1 + y2, 1 - y3, PROVED, (simplex,)),
    Case("without the simplex", y1 + y2, 1 - y3, REFUTED),
    Case("simplex, wrong consequence", 2 * y1, y1 + y2, REFUTED, (simplex,)),
    Case("simplex, a sum that is 1", y1 * (y1 + y2 + y3) + y2, y1 + y2, PROVED, (simplex,)),
    Case("linear fact in two symbols", r * s, r * (2 * r + 1), PROVED, (Eq(s - 2 * r, 1),)),
    Case("linear fact, wrong use", r * s, r * (2 * r - 1), REFUTED, (Eq(s - 2 * r, 1),)),
    Case("nonlinear fact r^2 = 1 does not give r = 1", r, 1, REFUTED, (Eq(r**2, 1),)),
    Case("nonlinear fact on r > 0", r, 1, TRUE, (Eq(r**2, 1),), (r > 0,)),
    Case("fact with a bound variable", Sum(i, (i, 1, 3)) * n, 3 * n, REFUTED, (Eq(i, 3),), (n > 0,)),
    # c = log(6) - log(2) - log(3) is 0 but not reduced by SymPy: the fact says x = 1
    # and nothing about y; solving it for y divides by zero (found by attack: x == 1 was
    # "refuted" at y = 1/c).
    Case("hidden zero coefficient, true", r, 1, TRUE, (Eq(r + (log(6) - log(2) - log(3)) * w, 1),)),
    Case("hidden zero coefficient, false", r, 2, REFUTED, (Eq(r + (log(6) - log(2) - log(3)) * w, 1),)),
    Case("fact gives a matrix entry", Matrix([r, s]).dot(Matrix([1, 1])), 1 + s, PROVED, (Eq(r, 1),)),
    # --- matrices
    Case(
        "transpose of a product",
        (Matrix([[r, s], [t, 1]]) * Matrix([[1, r], [0, s]])).T,
        Matrix([[1, r], [0, s]]).T * Matrix([[r, s], [t, 1]]).T,
        PROVED,
    ),
    Case(
        "transpose of a product, order kept",
        (Matrix([[r, s], [t, 1]]) * Matrix([[1, r], [0, s]])).T,
        Matrix([[r, s], [t, 1]]).T * Matrix([[1, r], [0, s]]).T,
        REFUTED,
    ),
    Case("symmetric matrix is its transpose", Matrix([[r, s], [s, t]]).T, Matrix([[r, s], [s, t]]), PROVED),
    Case("a matrix is not its transpose", Matrix([[r, s], [t, r]]).T, Matrix([[r, s], [t, r]]), REFUTED),
    Case("outer product", Matrix([r, s]) * Matrix([r, s]).T, Matrix([[r**2, r * s], [r * s, s**2]]), PROVED),
    Case(
        "softmax Jacobian entry",
        (exp(r) / (exp(r) + exp(s))).diff(s),
        -exp(r) * exp(s) / (exp(r) + exp(s)) ** 2,
        PROVED,
    ),
    # --- undefined functions (no numeric check possible: the ladder alone decides)
    Case("chain rule", f(r**2).diff(r), 2 * r * Subs(Derivative(f(t), t), t, r**2), PROVED),
    Case("chain rule, factor 2 dropped", f(r**2).diff(r), r * Subs(Derivative(f(t), t), t, r**2), REFUTED),
    Case("f(exp(x/2)) = f(sqrt(exp(x)))", f(exp(x / 2)), f(sqrt(exp(x))), REFUTED),
    Case("f(sqrt(p^2)) = f(p)", f(sqrt(p**2)), f(p), PROVED),
    # no polynomial stands in for a positive function, so no point can show this false
    Case("a positive function equal to -1", Function("g", positive=True)(r), -1, NOT_PROVED),
    # --- floats, infinities, undefined values
    Case("float rounding is not an identity", r + Float("1e-20"), r, NOT_PROVED),
    Case("floats that differ", 0.5 * r, 0.25 * r + r / 4 + Rational(1, 10), REFUTED),
    Case("oo = oo is undefined, not proved", oo, oo, NOT_PROVED),
    Case("zoo r = zoo is undefined, not proved", zoo * r, zoo, NOT_PROVED),
    Case("nan = nan is not proved", nan, nan, NOT_PROVED),
    Case("gamma-like recursion", factorial(n + 1), (n + 1) * factorial(n), PROVED, (), (n >= 0,)),
    # --- inconsistent assumptions: nothing is proved
    Case("x = 1 and x = 2", x, 5, UNSAT, (Eq(x, 1), Eq(x, 2))),
    Case("positive p with p = -1 (through a sum)", p + q, 1, UNSAT, (Eq(p + q, -1),)),
    Case("x y = 1 with x = 0", r, 5, UNSAT, (Eq(r * s, 1), Eq(r, 0))),
    Case("real r with r^2 = -1 - s^2", r, 5, UNSAT, (Eq(r**2, -1 - s**2),)),
    Case("region against the domain", p, -p, UNSAT, (), (p < 0,)),
    Case("two regions that exclude each other", r, 1, UNSAT, (), (r > 0, r < 0)),
    Case("region against a fact", r, 3, UNSAT, (Eq(r, 1),), (r > 2,)),
    Case("unsatisfiable within 1e-400", p, p + 1, UNSAT, (Eq(exp(-1000 * p), 0, evaluate=False),)),
]


def _point_problem(case: Case, result) -> str | None:
    """Why the counterexample is not one, checked here with exact arithmetic and 100 digits."""
    point = result.counterexample
    lhs, rhs = sympify(case.lhs), sympify(case.rhs)
    if hasattr(lhs, "shape"):
        lhs, rhs = lhs[result.entry], rhs[result.entry]
    if result.interpretation:  # refuted for concrete functions standing in for the undefined ones

        def concrete(e):
            for func, body in result.interpretation:
                e = e.replace(func, body)
            return e.doit()

        lhs, rhs = concrete(lhs), concrete(rhs)
        point = {k: v for k, v in point.items() if v.is_number}  # the bodies are listed for the reader
    free = lhs.free_symbols | rhs.free_symbols
    for fact in case.given + case.where:
        free |= fact.free_symbols
    if not free <= set(point):
        return f"missing values for {free - set(point)}"
    for symbol, value in point.items():
        for key, wanted in symbol.assumptions0.items():
            if getattr(value, f"is_{key}") is not wanted:
                return f"{symbol} = {value} violates {key}={wanted}"
    for fact in case.given:
        if isinstance(fact, BooleanTrue):
            continue
        if (fact.lhs - fact.rhs).subs(point).doit().simplify() != 0:
            return f"given {fact} fails"
    for region in case.where:
        if region.subs(point) is not true:
            return f"region {region} fails"
    gap = (lhs - rhs).subs(point).doit().evalf(100)
    if not gap.is_number or abs(complex(gap)) < 1e-30:
        return f"sides agree at {point}: gap {gap}"
    return None


@pytest.mark.parametrize("case", CORPUS, ids=[c.name for c in CORPUS])
def test_corpus(case: Case):
    result = check(case.lhs, case.rhs, given=case.given, where=case.where, timeout=60)
    if case.expect == PROVED:
        assert result.status is Status.PROVED, result
    elif case.expect == TRUE:
        assert result.status is not Status.REFUTED, result
    elif case.expect == NOT_PROVED:
        assert result.status is not Status.PROVED, result
    elif case.expect == UNSAT:
        assert result.status is Status.UNDECIDED, result
        assert "unsatisfiable" in result.reason or "may be inconsistent" in result.reason, result.reason
    else:
        assert result.status is Status.REFUTED, result
        problem = _point_problem(case, result)
        assert problem is None, problem


def test_corpus_is_large_and_mixed():
    kinds = {kind: sum(1 for c in CORPUS if c.expect == kind) for kind in (PROVED, TRUE, REFUTED, NOT_PROVED, UNSAT)}
    assert len(CORPUS) >= 60 and min(kinds.values()) >= 5, kinds
    names = [c.name for c in CORPUS]
    assert len(set(names)) == len(names)


def test_assumption_dependent_pairs_go_both_ways():
    """The same statement is proved under one set of assumptions and refuted under another."""
    pairs = [
        (check(sqrt(p**2), p), check(sqrt(r**2), r)),
        (check(log(p * q), log(p) + log(q)), check(log(x * y), log(x) + log(y))),
        (check(Max(r, 0), r, where=[r > 0]), check(Max(r, 0), r, where=[r > -1])),
        (check(y1 + y2, 1 - y3, given=[simplex]), check(y1 + y2, 1 - y3)),
        (check(exp(r / 2), sqrt(exp(r))), check(exp(x / 2), sqrt(exp(x)))),
    ]
    for proved, refuted in pairs:
        assert proved.status is Status.PROVED and refuted.status is Status.REFUTED


def test_claims_about_undefined_functions_are_tried_on_concrete_ones():
    """No point can evaluate f(r), so the ladder alone would decide; a concrete f shows the claim false."""
    false_claims = [
        (f(r**2).diff(r), r * Subs(Derivative(f(t), t), t, r**2)),
        (f(exp(x / 2)), f(sqrt(exp(x)))),
        (f(r + 1) - f(r), f(r).diff(r)),
        (Matrix([f(r), r]), Matrix([f(-r), r])),
    ]
    for lhs, rhs in false_claims:
        result = check(lhs, rhs)
        assert result.status is not Status.PROVED, result
        if result.status is Status.REFUTED:  # refuted with concrete functions standing in for f
            assert result.interpretation, result
            problem = counterexample_problem(
                lhs, rhs, (), (), result.counterexample, result.entry, result.interpretation
            )
            assert problem is None, problem
        else:
            assert result.status is Status.UNDECIDED and "false for f(u) = " in result.reason, result
    true_claim = check((f(r) * f(s)).diff(r), f(s) * f(r).diff(r))
    assert true_claim.status is Status.PROVED
