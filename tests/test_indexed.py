"""The index calculus: every rule proves true claims for all sizes and never proves false ones.

Each rule has a true claim that needs it (proved, with the scope "for all k >= 1")
and a false claim that a careless version of the rule would prove (refuted, with
a counterexample naming the size, or at least never proved).
"""

import pytest
from sympy import (
    Derivative,
    Eq,
    IndexedBase,
    Integer,
    KroneckerDelta,
    Piecewise,
    Sum,
    Symbol,
    diff,
    exp,
    log,
    sqrt,
    symbols,
)

from verifier import Claim, Status, check, decide_claim
from verifier.engine import sized
from verifier.engine.sized import indexed
from verifier.engine.sized.instances import concrete, entry_symbol
from verifier.render.terminal import scope_text

k = Symbol("k", integer=True, positive=True)
n = Symbol("n", integer=True, positive=True)
a, b, c, d, i, j = symbols("a b c d i j", integer=True)
z = IndexedBase("z", real=True)
y = IndexedBase("y", nonnegative=True)
X = IndexedBase("X", real=True)
t = Symbol("t", real=True)
S = Sum(exp(z[d]), (d, 1, k))


def decide(lhs, rhs, indices=None, given=(), sizes=(k,)):
    return check(lhs, rhs, given=given, sizes=sizes, indices=indices or {})


def assert_refuted_with_size(result, size=k):
    assert result.status is Status.REFUTED, result.reason
    assert size in result.counterexample  # the counterexample names the size
    assert result.lhs_value != result.rhs_value


# --- delta contraction, under the recorded index range --------------------------------


def test_delta_contraction_proves_with_the_index_range_recorded():
    r = decide(Sum(z[d] * KroneckerDelta(d, j), (d, 1, k)), z[j], {j: (1, k)})
    assert r.status is Status.PROVED
    assert "j in [1, k]" in r.used


def test_delta_contraction_needs_the_index_inside_the_sum_range():
    # j may be k + 1, outside the sum: the claim is false there
    r = decide(Sum(z[d] * KroneckerDelta(d, j), (d, 1, k)), z[j], {j: (1, k + 1)})
    assert_refuted_with_size(r)
    assert r.counterexample[j] == r.counterexample[k] + 1


def test_delta_is_not_contracted_without_a_known_range():
    known = indexed.Known(((k, 1),), (), frozenset())
    expr = Sum(z[d] * KroneckerDelta(d, j), (d, 1, k))
    normal = indexed.normalise(indexed.rename_bound(expr), known, 0, indexed.Proof())
    assert normal.has(Sum)


# --- Piecewise from doit(), resolved only by the ranges ------------------------------------


def test_piecewise_from_doit_is_resolved_by_the_index_range():
    doit = Sum(exp(z[d]) * KroneckerDelta(d, j), (d, 1, k)).doit()
    assert isinstance(doit, Piecewise)
    r = decide(doit, exp(z[j]), {j: (1, k)})
    assert r.status is Status.PROVED
    assert "j in [1, k]" in r.used


def test_piecewise_outside_the_range_is_not_resolved_to_its_first_branch():
    doit = Sum(exp(z[d]) * KroneckerDelta(d, j), (d, 1, k)).doit()
    r = decide(doit, exp(z[j]), {j: (1, k + 1)})
    assert_refuted_with_size(r)


def test_condition_holds_only_when_the_ranges_decide_it():
    known = indexed.Known(((k, 1),), ((j, 1, k),), frozenset({j}))
    assert indexed.condition_holds((j >= 1) & (j <= k), known) is True
    assert indexed.condition_holds(j > k, known) is False
    assert indexed.condition_holds(j <= k - 1, known) is None


# --- linearity, factors, counting -------------------------------------------------------


def test_linearity_and_index_free_factors():
    r = decide(Sum(t * z[d] + y[d], (d, 1, k)), t * Sum(z[c], (c, 1, k)) + Sum(y[c], (c, 1, k)))
    assert r.status is Status.PROVED


def test_sum_of_a_product_is_not_the_product_of_sums():
    r = decide(Sum(z[d] * y[d], (d, 1, k)), Sum(z[c], (c, 1, k)) * Sum(y[c], (c, 1, k)))
    assert_refuted_with_size(r)


def test_sum_of_squares_is_not_the_square_of_the_sum():
    r = decide(Sum(z[d] ** 2, (d, 1, k)), Sum(z[d], (d, 1, k)) ** 2)
    assert_refuted_with_size(r)


def test_sum_of_a_constant_counts_its_terms():
    assert decide(Sum(t, (j, 1, n)), n * t, sizes=(n,)).status is Status.PROVED
    assert decide(Sum(t, (j, 2, n)), (n - 1) * t, sizes=(n,)).status is Status.PROVED  # empty at n = 1


def test_sum_of_a_constant_off_by_one_is_refuted():
    assert_refuted_with_size(decide(Sum(t, (j, 1, n)), (n + 1) * t, sizes=(n,)), n)


# --- renaming by depth: no capture ----------------------------------------------------------


def test_double_sums_equal_up_to_bound_names_are_proved():
    left = Sum(Sum(X[a, b] * z[b], (b, 1, k)), (a, 1, k))
    right = Sum(Sum(X[c, d] * z[d], (d, 1, k)), (c, 1, k))
    assert decide(left - right, 0).status is Status.PROVED


def test_renaming_does_not_capture_a_double_sum_into_the_diagonal():
    # one name for every bound index would turn X[a, b] into X[m, m]
    r = decide(Sum(Sum(X[a, b], (b, 1, k)), (a, 1, k)), Sum(X[a, a], (a, 1, k)))
    assert_refuted_with_size(r)


def test_derivative_by_an_entry_whose_index_is_also_bound_inside():
    # d/dz[i] of sum_i y_i z_i: the bound i is not the free one
    lhs = Derivative(Sum(y[i] * z[i], (i, 1, k)), z[i])
    assert decide(lhs, y[i], {i: (1, k)}).status is Status.PROVED
    assert_refuted_with_size(decide(lhs, Sum(y[c], (c, 1, k)), {i: (1, k)}))


# --- given facts about sums -------------------------------------------------------------------


def test_given_fact_about_a_sum_is_substituted():
    simplex = Eq(Sum(y[c], (c, 1, k)), 1)
    r = decide(Sum(t * y[d], (d, 1, k)), t, given=[simplex])
    assert r.status is Status.PROVED
    assert "Sum(y[c], (c, 1, k)) = 1" in r.used


def test_without_the_given_fact_the_sum_is_not_one():
    assert_refuted_with_size(decide(Sum(t * y[d], (d, 1, k)), t))


# --- case split on a delta between free indices, square roots ---------------------------------


def test_delta_between_free_indices_is_split_into_cases():
    yhat = lambda e: exp(z[e]) / S  # noqa: E731
    r = decide(yhat(j) * KroneckerDelta(i, j), yhat(i) * KroneckerDelta(i, j), {i: (1, k), j: (1, k)})
    assert r.status is Status.PROVED
    assert_refuted_with_size(decide(yhat(j) * KroneckerDelta(i, j), yhat(j), {i: (1, k), j: (1, k)}))


def test_square_root_of_a_sum_is_not_the_sum_of_roots():
    r = decide(sqrt(Sum(z[d] ** 2, (d, 1, k))), Sum(sqrt(z[d] ** 2), (d, 1, k)))
    assert_refuted_with_size(r)


# --- softmax: the headline claims -----------------------------------------------------------------


L = -Sum(y[c] * log(exp(z[c]) / S), (c, 1, k))
SIMPLEX = Eq(Sum(y[c], (c, 1, k)), 1)


def test_softmax_hessian_proved_for_all_k():
    yhat = lambda e: exp(z[e]) / S  # noqa: E731
    rhs = yhat(i) * KroneckerDelta(i, j) - yhat(i) * yhat(j)
    r = decide(Derivative(L, z[i], z[j]), rhs, {i: (1, k), j: (1, k)}, given=[SIMPLEX])
    assert r.status is Status.PROVED
    assert any(
        s.tactic == "cross-check" and s.outcome == "agrees" and f"k = {sized.LARGE}" in s.detail for s in r.steps
    )


def test_softmax_hessian_with_a_sign_slip_is_refuted():
    yhat = lambda e: exp(z[e]) / S  # noqa: E731
    rhs = yhat(i) * KroneckerDelta(i, j) + yhat(i) * yhat(j)
    assert_refuted_with_size(decide(Derivative(L, z[i], z[j]), rhs, {i: (1, k), j: (1, k)}, given=[SIMPLEX]))


# --- the cross-check catches an engine bug -----------------------------------------------------------


def test_a_broken_index_calculus_cannot_prove_what_a_concrete_size_refutes(monkeypatch):
    # The gate runs before every prover: a prover that "proves" anything is never reached.
    monkeypatch.setattr(sized, "prove_zero", lambda expr, known, given: (True, indexed.Proof()))
    r = decide(Sum(z[d] ** 2, (d, 1, k)), Sum(z[d], (d, 1, k)) ** 2)
    assert r.status is Status.REFUTED
    assert not any(s.tactic == "index calculus" for s in r.steps)


def test_concrete_instances_differentiate_without_the_index_calculus():
    instance = concrete(Derivative(L, z[j]), {k: 3, j: 2})
    entries = [entry_symbol(z, (e,)) for e in (1, 2, 3)]
    ys = [entry_symbol(y, (e,)) for e in (1, 2, 3)]
    total = sum(exp(e) for e in entries)
    written_out = -sum(ye * log(exp(ze) / total) for ye, ze in zip(ys, entries))
    assert (instance - diff(written_out, entries[1])).expand() == 0


# --- scope in words, derived from the claim --------------------------------------------------------


def test_scope_says_for_all_k_only_for_a_proof():
    claim = Claim("count", lhs=Sum(t, (j, 1, k)), rhs=k * t, sizes=[k])
    assert scope_text(decide_claim(claim, timeout=None)) == "for all k >= 1"
    wrong = Claim("count", lhs=Sum(t, (j, 1, k)), rhs=t, sizes=[(k, 2)])
    report = decide_claim(wrong, timeout=None)
    assert report.status is Status.REFUTED
    assert scope_text(report) == "refuted at k = 2"


def test_a_sum_bounded_by_an_undeclared_size_is_rejected():
    with pytest.raises(ValueError, match="bounds a sum but is not declared"):
        Claim("count", lhs=Sum(t, (j, 1, k)), rhs=k * t)


def test_sizes_and_a_typed_scope_are_not_both_allowed():
    with pytest.raises(ValueError, match="derived from them"):
        Claim("count", lhs=Sum(t, (j, 1, k)), rhs=k * t, sizes=[k], scope="all k")


def test_an_index_range_may_only_use_declared_sizes():
    with pytest.raises(ValueError, match="not a declared size"):
        Claim("entry", lhs=z[j], rhs=z[j], sizes=[k], indices={j: (1, n)})


# --- exact checking at one concrete size, shared sums as atoms -------------------------------------

from verifier.engine.sized.at_size import prove_at_size  # noqa: E402
from verifier.engine.sized.instances import DefinedAtom, builder  # noqa: E402


def test_at_size_proves_the_softmax_hessian_at_that_size_only():
    yhat = lambda e: exp(z[e]) / S  # noqa: E731
    rhs = yhat(i) * KroneckerDelta(i, j) - yhat(i) * yhat(j)
    r = prove_at_size(Derivative(L, z[i], z[j]), rhs, [SIMPLEX], (), ((i, 1, k), (j, 1, k)), {k: 5})
    assert r.status is Status.PROVED
    assert "all 25 entries" in r.steps[0].detail and "k = 5" in r.steps[0].detail


def test_at_size_never_proves_a_sign_slip():
    yhat = lambda e: exp(z[e]) / S  # noqa: E731
    rhs = yhat(i) * KroneckerDelta(i, j) + yhat(i) * yhat(j)
    r = prove_at_size(Derivative(L, z[i], z[j]), rhs, [SIMPLEX], (), ((i, 1, k), (j, 1, k)), {k: 3})
    assert r.status is not Status.PROVED


def test_at_size_without_the_given_fact_is_not_proved():
    yhat = lambda e: exp(z[e]) / S  # noqa: E731
    r = prove_at_size(Derivative(L, z[j]), yhat(j) - y[j], [], (), ((j, 1, k),), {k: 3})
    assert r.status is not Status.PROVED


def test_a_shared_sum_becomes_an_atom_whose_derivative_is_the_definitions():
    build = builder(atoms=True, fixed={k}, indices={j})
    atom = build(S, {k: 4})
    assert isinstance(atom, DefinedAtom)
    z2 = entry_symbol(z, (2,))
    assert diff(atom, z2) == exp(z2)
    assert atom.is_positive
    written = build(Sum(z[d], (d, 1, k)), {k: 4})  # linear: written out, not an atom
    assert not isinstance(written, DefinedAtom)


def test_nothing_is_proved_under_assumptions_no_size_satisfies():
    # sum_c y_c = -1 with y >= 0 holds at no size: the identity below must not come out proved
    r = decide(Sum(t * y[d], (d, 1, k)), -t, given=[Eq(Sum(y[c], (c, 1, k)), -1)])
    assert r.status is Status.UNDECIDED


def test_nothing_is_proved_when_no_sampled_size_has_a_feasible_point():
    u = Symbol("u", real=True)  # sum_c y_c = u - 1 >= 0 needs u >= 1: infeasible where u < 1
    r = check(Sum(t * y[d], (d, 1, k)), t * (u - 1), given=[Eq(Sum(y[c], (c, 1, k)), u - 1)], where=[u < 1], sizes=[k])
    assert r.status is Status.UNDECIDED
    assert "no point" in r.reason


# --- products of sums, exchanged sums, squares of sums (prenex form) ---------------------------------

p = Symbol("p", integer=True, positive=True)
m, q = symbols("m q", integer=True)
A = IndexedBase("A", real=True)  # a_i: one weight per example
Xm = IndexedBase("x", real=True)  # x[i, m]: n examples, p features
SIZES = (n, p)


def _ex(i_, m_):
    return Xm[i_, m_]


def _slope(lo=1, hi_m=p, limit_of_m=None):
    """sum_i a_i sum_m x_im sum_k x_km a_k (the descent slope's shape), m up to ``hi_m``."""
    inner = Sum(_ex(c, m) * A[c], (c, 1, n))
    return Sum(A[a] * Sum(_ex(a, m) * inner, (m, lo, limit_of_m if limit_of_m is not None else hi_m)), (a, 1, n))


def _squares(hi_n=n, hi_m=p):
    return Sum(Sum(A[a] * _ex(a, m), (a, 1, hi_n)) ** 2, (m, 1, hi_m))


def _known():
    return indexed.Known(((n, 1), (p, 1)), (), frozenset())


def assert_never_proved(lhs, rhs, sizes=SIZES):
    """Refuted by the cross-check, and the index calculus alone does not prove it either."""
    r = decide(lhs, rhs, sizes=sizes)
    assert r.status is Status.REFUTED, r.reason
    ok, _ = indexed.prove_zero(lhs - rhs, indexed.Known(tuple((s, 1) for s in sizes), (), frozenset()))
    assert not ok


def test_exchanged_sums_and_a_square_of_a_sum_are_proved_for_all_sizes():
    # sum_i a_i (x_i . sum_k a_k x_k) = |sum_i a_i x_i|^2 = sum_m (sum_i a_i x_im)^2
    r = decide(_slope(), _squares(), sizes=SIZES)
    assert r.status is Status.PROVED, r.reason
    assert scope_text(decide_claim(Claim("slope", lhs=_slope(), rhs=_squares(), sizes=[n, p]), timeout=None)) == (
        "for all n >= 1, p >= 1"
    )
    assert any("independent limits exchanged" in s.detail for s in r.steps if s.tactic == "index calculus")


def test_a_product_of_sums_gets_distinct_bound_indices():
    # both factors bind a: the product is a double sum over two indices, not sum_a a_a^2
    lhs = Sum(A[a], (a, 1, n)) * Sum(Xm[a, 1], (a, 1, n))
    assert decide(lhs, Sum(Sum(A[a] * Xm[c, 1], (c, 1, n)), (a, 1, n)), sizes=(n,)).status is Status.PROVED
    assert_never_proved(lhs, Sum(A[a] * Xm[a, 1], (a, 1, n)), sizes=(n,))


def test_a_square_of_a_sum_is_a_product_of_two_copies():
    assert decide(Sum(A[a], (a, 1, n)) ** 2, Sum(Sum(A[a] * A[c], (c, 1, n)), (a, 1, n)), sizes=(n,)).status is (
        Status.PROVED
    )


def test_exchanged_slope_with_a_wrong_sign_is_refuted():
    assert_never_proved(_slope(), -_squares())


def test_exchanged_slope_without_the_square_is_refuted():
    assert_never_proved(_slope(), Sum(Sum(A[a] * _ex(a, m), (a, 1, n)), (m, 1, p)))


def test_exchanged_slope_with_an_off_by_one_range_is_refuted():
    assert_never_proved(_slope(), _squares(hi_m=p - 1))
    assert_never_proved(_slope(), _squares(hi_n=n - 1))


def test_sums_whose_limits_depend_on_each_other_are_not_exchanged():
    # sum_{i <= n} sum_{j <= i} x_i y_j is not sum_{j <= n} sum_{i <= j} x_i y_j
    lhs = Sum(Sum(A[a] * Xm[c, 1], (c, 1, a)), (a, 1, n))
    assert_never_proved(lhs, Sum(Sum(A[a] * Xm[c, 1], (a, 1, c)), (c, 1, n)), sizes=(n,))
    # the slope with m running up to i (the limit mentions the outer index) is not |.|^2
    assert_never_proved(_slope(limit_of_m=a), _squares())
    limits, _ = indexed.prenex(indexed.rename_bound(lhs))
    bound = {index for index, _, _ in limits}
    assert any((lo.free_symbols | hi.free_symbols) & bound for _, lo, hi in limits)
    assert indexed._merge_products(indexed.rename_bound(lhs), 0) is None  # left in the rest, never merged


def test_indices_are_renamed_into_one_another_only_within_one_range():
    # symmetric in names but not in values: c_ik is not symmetric, and n != p
    lhs = Sum(Sum(A[a] * Xm[c, 2] * Xm[a, c], (c, 1, n)), (a, 1, n))
    assert_never_proved(lhs, Sum(Sum(A[c] * Xm[a, 2] * Xm[a, c], (c, 1, n)), (a, 1, n)), sizes=(n,))
    lhs = Sum(Sum(A[a] * Xm[c, 2], (c, 1, p)), (a, 1, n))
    assert_never_proved(lhs, Sum(Sum(A[a] * Xm[c, 2], (c, 1, n)), (a, 1, p)))


def test_renaming_by_depth_keeps_an_inner_limit_on_the_outer_index():
    # the inner sum rebinds a, and its upper limit is the outer a
    expr = Sum(Sum(A[a], (a, 1, a)), (a, 1, n))
    renamed = indexed.rename_bound(expr)
    (outer, lo, hi) = renamed.limits[-1]
    inner = renamed.function if len(renamed.limits) == 1 else Sum(renamed.function, *renamed.limits[:-1])
    (inner_index, _, inner_hi) = inner.limits[-1]
    assert inner_hi == outer and inner_index != outer and inner.function == A[inner_index]


# --- given values put in after differentiating --------------------------------------------------------


def test_a_given_value_is_put_in_after_the_derivative():
    lhs = Derivative(Sum(A[a] * exp(t * Xm[a, 1]), (a, 1, n)), t)
    r = decide(lhs, Sum(A[a] * Xm[a, 1], (a, 1, n)), given=[Eq(t, 0)], sizes=(n,))
    assert r.status is Status.PROVED
    assert "t = 0" in r.used
    assert_refuted_with_size(decide(lhs, Sum(A[a] * Xm[a, 1] ** 2, (a, 1, n)), given=[Eq(t, 0)], sizes=(n,)), n)


def test_a_given_value_is_not_put_where_the_symbol_may_be_bound_or_differentiated():
    from sympy import Function, Integral

    f = Function("f")
    s_ = Symbol("s", real=True)
    proof = indexed.Proof()
    for held in (Derivative(f(t), t) + t, Integral(f(t), (t, 0, 1)) + t):
        assert indexed._put_values(held, [Eq(t, 0)], proof) == held
    assert not proof.given
    assert indexed._put_values(exp(t) * Xm[1, 1] + t, [Eq(t, 0)], proof) == Xm[1, 1]
    assert proof.given
    # where t is only a parameter, its value goes in: d/ds f(t, s) at t = 0 is d/ds f(0, s)
    assert indexed._put_values(Derivative(f(t, s_), s_), [Eq(t, 0)], proof) == Derivative(f(0, s_), s_)


def test_a_concrete_derivative_with_held_subexpressions_is_the_plain_one():
    from sympy import Abs

    from verifier.engine.sized.instances import _Concrete

    eta = Symbol("eta", real=True)
    deep = Sum(Xm[a, 1] * exp(-Sum(Xm[a, c] * A[c], (c, 1, n))), (a, 1, n))  # held: free of eta
    for expr in (log(1 + exp(eta * deep)) * deep, Abs(eta * deep - 1) * deep):
        for size in (2, 3):
            written = concrete(expr, {n: size})
            built = _Concrete()(Derivative(expr, eta), {n: size})
            assert (built - diff(written, eta)).subs(eta, Symbol("e0")).xreplace(
                {s: 1 + k_ / 7 for k_, s in enumerate(sorted(written.free_symbols - {eta}, key=str))}
            ).subs(Symbol("e0"), 0.3).evalf() == pytest.approx(0, abs=1e-12)


def test_an_all_size_claim_whose_cross_check_cannot_run_is_never_proved():
    # true by renaming, and the index calculus would prove it; but an integer-valued function
    # has no polynomial stand-in, so the cross-check cannot run and nothing is proved
    from sympy import Function

    w = Function("w", integer=True)
    r = decide(Sum(w(Xm[a, 1]), (a, 1, n)), Sum(w(Xm[c, 1]), (c, 1, n)), sizes=(n,))
    assert r.status is Status.UNDECIDED
    assert any(s.tactic == "index calculus" and s.outcome == "skipped" for s in r.steps)
    assert any("no stand-in" in s.detail for s in r.steps if s.tactic == "cross-check")


def test_an_entry_symbol_has_its_base_domain_whatever_was_asked_before():
    # entry symbols are kept per (base, indices): bases that differ only in their domain
    # must still give entries of their own domain
    real, positive = IndexedBase("W", real=True), IndexedBase("W", positive=True)
    assert entry_symbol(real, [Integer(2)]) is entry_symbol(real, (2,))
    assert entry_symbol(real, (2,)).is_positive is None
    assert entry_symbol(positive, (2,)).is_positive is True
    assert entry_symbol(positive, (2, 3)).name == "W[2,3]"
