"""Property-based fuzzing of the whole engine: a false claim is never proved, a true one never refuted.

Claims are drawn from a grammar of the project's building blocks: exp, log, sigmoid,
powers, products, sums, Abs/Max/Heaviside under regions (``where=[x > 0]``,
``where=[x - 1 > 0]``), a given fact (``Eq(y1 + y2, 1)``), Derivative and Subs, and sums
with Kronecker deltas over a symbolic size.

**True pairs** come from two routes built side by side: every grammar node returns the
expression as written and a value-preserving rewrite of it that holds under the stated
domains (sigmoid as exp(u)/(1 + exp(u)), exp(a + b) = exp(a) exp(b), log of a product of
positives as a sum of logs, |x - 1| = x - 1 on x > 1, y2 = 1 - y1 from the given fact,
Derivative taken by ``diff``, Subs by ``subs``, a delta sum by its contraction at an
integer in range), then optionally ``expand`` or ``together``.

**False claims** mutate the second route: flip the sign of a term, drop a factor,
change a coefficient, reverse a region, drop the given fact, move a delta's argument
to (point + n)/2 (an integer for some sizes only), move it out of range, or widen an index range past the sum.

Truth and falseness are decided here, independently of the engine: both sides are
evaluated with SymPy/mpmath at 50 digits at feasible points computed by hand (exact
values inside the region, on the given fact's line, at concrete sizes with the sums
written out). A true pair must agree at every point (else the generator is wrong and
the test says so); a mutant is kept only if it differs at one of them.

Hypothesis runs derandomized, so the examples are the same on every run.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import pytest
import sympy as sp
from hypothesis import HealthCheck, Phase, assume, example, given, note, settings
from hypothesis import strategies as st

from verifier import Result, Status, check

R = sp.Rational
x = sp.Symbol("x", real=True)
a = sp.Symbol("a", positive=True)
t = sp.Symbol("t", real=True)
y1, y2 = sp.symbols("y1 y2", nonnegative=True)
n = sp.Symbol("n", integer=True, positive=True)
d, j = sp.symbols("d j", integer=True)
z = sp.IndexedBase("z", real=True)

SIMPLEX = sp.Eq(y1 + y2, 1)
#: Feasible values by hand: inside each region (strictly), for the positive symbol, on y1 + y2 = 1.
X_POINTS = {
    None: (R(-3, 2), R(-1), R(0), R(1, 2), R(2), R(7, 3)),
    "x > 0": (R(1, 3), R(1), R(5, 2), R(6)),
    "x - 1 > 0": (R(3, 2), R(2), R(11, 3), R(7)),
    "x < 0": (R(-1, 3), R(-1), R(-5, 2)),
    "x - 1 < 0": (R(1, 2), R(0), R(-2)),
}
A_POINTS = (R(1, 3), R(2))
SIMPLEX_POINTS = ((R(0), R(1)), (R(1, 3), R(2, 3)), (R(1), R(0)))
FREE_Y_POINTS = ((R(1), R(1)), (R(0), R(0)), (R(1, 2), R(2)))
REGIONS = {None: (), "x > 0": (x > 0,), "x - 1 > 0": (x - 1 > 0,), "x < 0": (x < 0,), "x - 1 < 0": (x - 1 < 0,)}
FLIPPED = {"x > 0": "x < 0", "x - 1 > 0": "x - 1 < 0"}
TIMEOUT = 60


@dataclass(frozen=True)
class Case:
    """A claim with the feasible points at which this module decides it on its own."""

    lhs: sp.Basic
    rhs: sp.Basic
    region: str | None = None
    given: tuple = ()
    sizes: dict = field(default_factory=dict)
    indices: dict = field(default_factory=dict)
    route: str = ""

    def decide(self):
        return check(
            self.lhs,
            self.rhs,
            given=list(self.given),
            where=list(REGIONS[self.region]),
            sizes=self.sizes,
            indices=self.indices,
            timeout=TIMEOUT,
        )

    def points(self):
        """Exact points satisfying every domain, the region and the given facts (sizes written out)."""
        if self.sizes:
            yield from _sized_points(self)
            return
        ys = SIMPLEX_POINTS if self.given else FREE_Y_POINTS
        for i, xv in enumerate(X_POINTS[self.region]):
            for k, (v1, v2) in enumerate(ys):
                yield {x: xv, a: A_POINTS[(i + k) % 2], t: R(2, 3), y1: v1, y2: v2}


def _sized_points(case: Case):
    ((size, least),) = case.sizes.items()
    for nv in range(least, least + 4):
        ranges = [
            (index, sp.sympify(lo).subs(size, nv), sp.sympify(hi).subs(size, nv))
            for index, (lo, hi) in case.indices.items()
        ]
        choices = [{}]
        for index, lo, hi in ranges:
            choices = [{**c, index: v} for c in choices for v in range(int(lo), int(hi) + 1)]
        for choice in choices:
            yield {size: nv, t: R(2, 3), a: R(1, 3), **choice}


def _entry_value(i) -> sp.Rational:
    return R((7 * int(i)) % 5 - 2, 3) if i.is_integer else sp.nan


def _value(expr, point):
    """``expr`` at ``point`` to 50 digits, by SymPy's own evaluation (sums written out at concrete sizes)."""
    # at a concrete size first (SymPy's doit of a delta sum over a symbolic size is wrong); else
    # Derivative and Subs are evaluated before the point is put in
    e = expr.subs(point).doit() if expr.has(sp.Sum) else expr.doit().xreplace(point)
    e = e.replace(lambda u: isinstance(u, sp.Indexed), lambda u: _entry_value(u.indices[0]))
    value = sp.N(e.doit(), 50)
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or not value.is_number:
        return None
    return value


def gaps(case: Case):
    """|lhs - rhs| at each feasible point where both sides are defined."""
    out = []
    for point in case.points():
        left, right = _value(case.lhs, point), _value(case.rhs, point)
        if left is not None and right is not None:
            out.append(float(sp.Abs(left - right) / sp.Max(1, sp.Abs(left))))
    return out


# --- the grammar: each node is (as written, rewritten by a second route) -----------------------


def sigmoid(u):
    return 1 / (1 + sp.exp(-u))


def leaves(region, with_given, var=x):
    out = [(var, var), (a, a), (R(2), R(2)), (R(1, 2), R(1, 2)), (R(-3), R(-3))]
    if with_given:
        out += [(y2, 1 - y1), (y1, y1)]
    if region == "x > 0":
        out += [(sp.Abs(x), x), (sp.Max(x, 0), x), (sp.Heaviside(x), R(1))]
    if region == "x - 1 > 0":
        out += [
            (sp.Abs(x - 1), x - 1),
            (sp.Max(x - 1, 0), x - 1),
            (sp.Heaviside(x - 1), R(1)),
            (sp.Abs(1 - x), x - 1),
            (sp.Max(0, 1 - x), R(0)),
        ]
    return out


@st.composite
def pairs(draw, depth, region=None, with_given=False, var=x):
    """Two routes to one value under the domains: (written, rewritten)."""
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(leaves(region, with_given, var)))
    op = draw(
        st.sampled_from(
            ["add", "mul", "exp", "exp of a sum", "sigmoid", "square", "log", "log sigmoid", "derivative", "subs"]
        )
    )
    A, B = draw(pairs(depth - 1, region, with_given, var))
    if op in ("add", "mul", "exp of a sum"):
        C, D = draw(pairs(depth - 1, region, with_given, var))
        if op == "add":
            return A + C, B + D
        if op == "mul":
            return A * C, B * D
        return sp.exp(A + C), sp.exp(B) * sp.exp(D)  # every expression here is real
    if op == "exp":
        return sp.exp(A), sp.exp(B)
    if op == "sigmoid":
        return sigmoid(A), sp.exp(B) / (1 + sp.exp(B))
    if op == "square":
        return A**2, sp.expand(B * B)
    if op == "log":  # a and exp(.) and 1 + (.)^2 are positive: log of the product is the sum of logs
        return sp.log(a * sp.exp(A) * (1 + A**2)), sp.log(a) + B + sp.log(1 + B**2)
    if op == "log sigmoid":
        return sp.log(sigmoid(A)), -sp.log(1 + sp.exp(-B))
    if var is not x:  # sized claims keep to the algebra
        return A + 1, B + 1
    if op == "derivative":  # identities on an open region have equal derivatives there
        return sp.Derivative(A, x), sp.diff(B, x)
    if A.has(sp.Subs):  # SymPy folds Subs(Subs(.)) into one with x listed twice, which it cannot evaluate
        return A, B
    # x -> x + 1 maps each region into itself, so the rewrite still holds after it
    return sp.Subs(A, x, x + 1), B.subs(x, x + 1)


ROUTES = {"as built": lambda e: e, "expand": sp.expand, "together": sp.together}


@st.composite
def true_cases(draw):
    region = draw(st.sampled_from([None, "x > 0", "x - 1 > 0"]))
    with_given = draw(st.booleans())
    A, B = draw(pairs(2, region, with_given))
    route = draw(st.sampled_from(sorted(ROUTES)))
    assume(A.free_symbols or B.free_symbols)
    return Case(A, ROUTES[route](B), region, (SIMPLEX,) if with_given else (), route=route)


def _mutations(case: Case):
    """(name, mutant) for each way of breaking the rewritten side or the assumptions."""
    rhs = case.rhs
    out = []
    if isinstance(rhs, sp.Add):
        out += [("flip the sign of a term", rhs - 2 * term) for term in rhs.args[:2]]
        out += [("drop a term", rhs - term) for term in rhs.args[:2]]
    else:
        out.append(("flip the sign", -rhs))
    if isinstance(rhs, sp.Mul) and len(rhs.args) > 1:
        out += [("drop a factor", rhs / factor) for factor in rhs.args[:2]]
    numbers = sorted((c for c in rhs.atoms(sp.Rational) if c != 0), key=sp.default_sort_key)
    out += [(f"change the coefficient {c}", rhs.xreplace({c: c + 1})) for c in numbers[:2]]
    out.append(("add a constant", rhs + R(1, 7)))
    mutants = [(name, Case(case.lhs, m, case.region, case.given, route=case.route)) for name, m in out]
    if case.region in FLIPPED:  # a Subs that maps the region onto its outside, rewritten as if inside
        mirror = {"x > 0": -x, "x - 1 > 0": 2 - x}[case.region]
        mutants.append(
            (
                "Subs leaving the region",
                Case(sp.Subs(case.lhs, x, mirror), rhs.subs(x, mirror), case.region, case.given, route=case.route),
            )
        )
        mutants.append(("reverse the region", Case(case.lhs, rhs, FLIPPED[case.region], case.given, route=case.route)))
    if case.given:
        mutants.append(("drop the given fact", Case(case.lhs, rhs, case.region, (), route=case.route)))
    return mutants


@st.composite
def false_cases(draw):
    base = draw(true_cases())
    name, mutant = draw(st.sampled_from(_mutations(base)))
    return name, mutant


# --- sized claims: sums with Kronecker deltas over a symbolic size n -------------------------------


@st.composite
def sized_true_cases(draw):
    u = sp.Symbol("u", real=True)
    A, B = draw(pairs(1, var=u))
    at = draw(st.sampled_from(["j", "1", "n"]))
    c = draw(st.sampled_from([R(1), R(2), R(-1, 2)]))
    kind = draw(st.sampled_from(["contraction", "contraction with a sum", "constant sum"]))
    point = {"j": j, "1": sp.Integer(1), "n": n}[at]
    indices = {j: (1, n)} if at == "j" else {}
    if kind == "constant sum":
        lhs, rhs, indices = sp.Sum(c * A.subs(u, t), (d, 1, n)), n * c * B.subs(u, t), {}
    else:
        lhs = sp.Sum(c * A.subs(u, z[d]) * sp.KroneckerDelta(d, point), (d, 1, n))
        rhs = c * B.subs(u, z[point])
        if kind == "contraction with a sum":
            lhs, rhs = lhs + sp.Sum(z[d], (d, 1, n)), rhs + sp.Sum(z[d], (d, 1, n))
    return Case(lhs, rhs, sizes={n: 1}, indices=indices, route=f"{kind} at {at}")


def _sized_mutations(case: Case):
    out = [
        ("flip the sign", Case(case.lhs, -case.rhs, sizes=case.sizes, indices=case.indices)),
        ("add a constant", Case(case.lhs, case.rhs + R(1, 7), sizes=case.sizes, indices=case.indices)),
    ]
    deltas = list(case.lhs.atoms(sp.KroneckerDelta))
    for delta in deltas:
        point = delta.args[1]
        # (point + n)/2 is an integer in range only for some sizes; n + 1 is never in range.
        # (point + 1/2 would not do: SymPy evaluates KroneckerDelta(d, j + 1/2) to 0 at once.)
        for name, moved in (
            ("move the delta to (point + n)/2", (point + n) / 2),
            ("move the delta out of range", n + 1),
        ):
            lhs = case.lhs.xreplace({delta: sp.KroneckerDelta(d, moved)})
            out.append((name, Case(lhs, case.rhs, sizes=case.sizes, indices=case.indices)))
    if j in case.indices:
        out.append(
            ("widen the index range past the sum", Case(case.lhs, case.rhs, sizes=case.sizes, indices={j: (1, n + 1)}))
        )
    if not deltas:  # a constant sum: count one term too many
        out.append(("one term too many", Case(case.lhs, case.rhs.subs(n, n + 1), sizes=case.sizes)))
    return out


@st.composite
def sized_false_cases(draw):
    base = draw(sized_true_cases())
    return draw(st.sampled_from(_sized_mutations(base)))


# --- the properties ---------------------------------------------------------------------------------


def assert_never_refuted(case: Case):
    values = gaps(case)
    assert values and max(values) < 1e-30, f"generator bug: the pair is not equal ({case.route}): {values}"
    result = case.decide()
    note(f"{case.lhs} == {case.rhs} where {case.region} given {case.given} sizes {case.sizes} indices {case.indices}")
    assert result.status is not Status.REFUTED, (result.counterexample, result.lhs_value, result.rhs_value)


def assert_never_proved(name: str, case: Case):
    values = gaps(case)
    assume(values and max(values) > 1e-20)  # a mutant that happens to be equal is not a false claim
    result = case.decide()
    note(
        f"{name}: {case.lhs} == {case.rhs} where {case.region} given {case.given} sizes {case.sizes} "
        f"indices {case.indices}"
    )
    assert result.status is not Status.PROVED, f"FALSE PROOF ({name}) by {result.tactic}, using {result.used}"


FAST = settings(
    derandomize=True,
    deadline=None,
    max_examples=25,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
SLOW = settings(FAST, max_examples=300)

# Fixed examples, one per building block of the issue, so each is exercised on every run.
SIGMOID_CASE = Case(sigmoid(x) * (1 - sigmoid(x)), sp.exp(-x) / (1 + sp.exp(-x)) ** 2)
REGION_CASE = Case(sp.Abs(x - 1) + sp.Heaviside(x - 1), x, "x - 1 > 0")
GIVEN_CASE = Case(sp.exp(y2) * y1, sp.exp(1 - y1) * y1, None, (SIMPLEX,))
DELTA_CASE = Case(
    sp.Sum(sp.exp(z[d]) * sp.KroneckerDelta(d, j), (d, 1, n)), sp.exp(z[j]), sizes={n: 1}, indices={j: (1, n)}
)


def _true_property(case):
    assert_never_refuted(case)


def _false_property(mutation):
    assert_never_proved(*mutation)


@FAST
@given(true_cases())
@example(SIGMOID_CASE)
@example(REGION_CASE)
@example(GIVEN_CASE)
def test_true_claim_is_never_refuted(case):
    _true_property(case)


@FAST
@given(false_cases())
@example(("reverse the region", Case(sp.Abs(x - 1), x - 1, "x - 1 < 0")))
@example(("drop the given fact", Case(GIVEN_CASE.lhs, GIVEN_CASE.rhs)))
@example(("flip the sign of a term", Case(SIGMOID_CASE.lhs, sp.exp(-x) / (1 + sp.exp(-x)) ** 2 - 2 * sigmoid(x))))
def test_false_claim_is_never_proved(mutation):
    _false_property(mutation)


@settings(FAST, max_examples=15)
@given(sized_true_cases())
@example(DELTA_CASE)
def test_true_sized_claim_is_never_refuted(case):
    _true_property(case)


@settings(FAST, max_examples=15)
@given(sized_false_cases())
@example(
    (
        "move the delta to (point + n)/2",
        Case(sp.Sum(2 * sp.KroneckerDelta(d, (1 + n) / 2), (d, 1, n)), sp.Integer(2), sizes={n: 1}),
    )
)
@example(
    ("widen the index range past the sum", Case(DELTA_CASE.lhs, DELTA_CASE.rhs, sizes={n: 1}, indices={j: (1, n + 1)}))
)
def test_false_sized_claim_is_never_proved(mutation):
    _false_property(mutation)


@pytest.mark.slow
@SLOW
@given(true_cases())
def test_true_claim_is_never_refuted_many(case):
    _true_property(case)


@pytest.mark.slow
@SLOW
@given(false_cases())
def test_false_claim_is_never_proved_many(mutation):
    _false_property(mutation)


@pytest.mark.slow
@settings(SLOW, max_examples=80)
@given(sized_true_cases())
def test_true_sized_claim_is_never_refuted_many(case):
    _true_property(case)


@pytest.mark.slow
@settings(SLOW, max_examples=80)
@given(sized_false_cases())
def test_false_sized_claim_is_never_proved_many(mutation):
    _false_property(mutation)


def test_the_independent_judge_can_tell_true_from_false():
    """The judge itself: equal routes agree at every point, a mutant differs at one."""
    assert max(gaps(SIGMOID_CASE)) < 1e-30 and max(gaps(DELTA_CASE)) < 1e-30
    assert max(gaps(Case(sp.Abs(x - 1), x - 1, "x - 1 < 0"))) > 0.1
    halved = sp.Sum(sp.KroneckerDelta(d, n / 2), (d, 1, n))  # 1 at even n, 0 at odd n
    assert max(gaps(Case(halved, sp.Integer(1), sizes={n: 8}))) > 0.1
    assert max(gaps(Case(DELTA_CASE.lhs, DELTA_CASE.rhs, sizes={n: 1}, indices={j: (1, n + 1)}))) > 0.1


def test_a_false_proof_fails_the_run(monkeypatch):
    """The property can fail: with an engine that proves everything, the run stops on a false proof."""
    monkeypatch.setattr(sys.modules[__name__], "check", lambda *args, **kwargs: Result(Status.PROVED, ()))
    run = settings(FAST, max_examples=3, phases=[Phase.generate])(given(false_cases())(_false_property))
    with pytest.raises(AssertionError, match="FALSE PROOF"):
        run()


def test_a_wrong_refutation_fails_the_run(monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "check", lambda *args, **kwargs: Result(Status.REFUTED, ()))
    run = settings(FAST, max_examples=3, phases=[Phase.generate])(given(true_cases())(_true_property))
    with pytest.raises(AssertionError):
        run()
