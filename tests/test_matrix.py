"""Matrix notation for all dimensions, and inequalities over symbolic sizes.

True identities written with MatrixSymbols of symbolic shape are proved for every
dimension (the trace says "for all n >= 1, ..."); false ones are refuted at concrete
dimensions with a counterexample that, shown as explicit matrices, really separates
the two sides; SymPy's own wrong matrix derivatives are never proved.
"""

import pickle

import pytest
import sympy as sp
from sympy import (
    Derivative,
    Eq,
    IndexedBase,
    Integer,
    MatrixSymbol,
    OneMatrix,
    Rational,
    Sum,
    Symbol,
    Trace,
    exp,
    log,
    sqrt,
    symbols,
)
from sympy.matrices.common import ShapeError

from verifier import (
    Claim,
    Status,
    Step,
    check,
    check_relation,
    decide_claim,
    diag,
    elementwise,
    gradient,
    matrix_symbol,
)
from verifier.engine.sized.matrix import as_matrices, translate

n, m, p = symbols("n m p", integer=True, positive=True)
A, B, C = MatrixSymbol("A", n, m), MatrixSymbol("B", m, p), MatrixSymbol("C", m, p)
P, Q = MatrixSymbol("P", n, n), MatrixSymbol("Q", n, n)
X, w, y = MatrixSymbol("X", n, p), MatrixSymbol("w", p, 1), MatrixSymbol("y", n, 1)
L = (X * w - y).T * (X * w - y) / (2 * n)


def sigmoid(t):
    return 1 / (1 + exp(-t))


ones = OneMatrix(n, 1)


def explicit(expr, matrices: dict, sizes: dict):
    """``expr`` with its MatrixSymbols replaced by explicit matrices: SymPy's own evaluation, an independent path."""
    concrete = expr.xreplace(sizes)
    table = {
        sp.MatrixSymbol(s.name, *[int(sp.sympify(d).xreplace(sizes)) for d in s.shape]): sp.ImmutableMatrix(
            matrices[s.name]
        )
        for s in expr.atoms(sp.MatrixSymbol)
    }
    return sp.ImmutableMatrix(concrete.xreplace(table).doit().as_explicit())


def assert_refuted_by_matrices(lhs, rhs, result):
    """The counterexample, as explicit matrices, gives different entries of the two sides (evaluated by SymPy)."""
    assert result.status is Status.REFUTED, result.reason
    point = result.counterexample
    sizes = {s: v for s, v in point.items() if s in (n, m, p)}
    matrices = as_matrices(point, lhs, rhs)
    left, right = explicit(lhs, matrices, sizes), explicit(rhs, matrices, sizes)
    assert left.shape == right.shape
    assert left != right


# --- true identities, for all dimensions ---------------------------------------------


@pytest.mark.parametrize(
    "lhs, rhs",
    [
        (A * (B + C), A * B + A * C),
        ((A * B).T, B.T * A.T),
        (Trace(A * A.T), Trace(A.T * A)),
        (Trace(P * Q), Trace(Q * P)),
        (sp.Identity(n) * X + sp.ZeroMatrix(n, p), X),
        (sp.HadamardProduct(X, X + X), 2 * sp.HadamardProduct(X, X)),
    ],
    ids=[
        "distributive",
        "transpose of a product",
        "trace of a Gram product",
        "trace cyclic",
        "identity and zero",
        "Hadamard",
    ],
)
def test_matrix_identities_are_proved_for_all_dimensions(lhs, rhs):
    r = check(lhs, rhs)
    assert r.status is Status.PROVED, r.reason
    assert r.tactic == "index calculus"


def test_gradient_of_a_quadratic_form_is_proved():
    assert (
        check(
            Derivative(w.T * MatrixSymbol("S", p, p) * w, w), (MatrixSymbol("S", p, p) + MatrixSymbol("S", p, p).T) * w
        ).status
        is Status.PROVED
    )


def test_least_squares_gradient_is_proved_for_all_n_and_p():
    claim = Claim("least squares", lhs=Derivative(L, w), rhs=X.T * (X * w - y) / n)
    assert claim.size_text == "n >= 1, p >= 1"  # the dimensions are the claim's sizes
    report = decide_claim(claim, timeout=None)
    assert report.status is Status.PROVED


def test_gradient_helper_is_the_unevaluated_derivative():
    assert gradient(L, w) == Derivative(L, w)
    assert check(gradient(L[0, 0], w), X.T * (X * w - y) / n).status is Status.PROVED  # SymPy's element form of L too


@pytest.mark.slow
def test_logistic_gradient_is_proved():
    z = elementwise(sigmoid, X * w)
    loss = -(y.T * elementwise(log, z) + (ones - y).T * elementwise(log, ones - z))
    assert check(Derivative(loss, w), X.T * (z - y)).status is Status.PROVED


def test_hessian_and_jacobian_of_a_quadratic_form_are_proved():
    S = MatrixSymbol("S", p, p)
    assert check(Derivative(w.T * S * w, w, w), S + S.T).status is Status.PROVED
    assert check(Derivative(S * w, w), S).status is Status.PROVED  # numerator layout: d(Sw)_i / dw_j = S[i, j]
    assert check(Derivative(Derivative(w.T * S * w, w), w), S + S.T).status is Status.PROVED


def test_wrong_hessian_and_jacobian_are_refuted():
    S = MatrixSymbol("S", p, p)
    assert check(Derivative(w.T * S * w, w, w), 2 * S).status is Status.REFUTED
    assert check(Derivative(S * w, w), S.T).status is Status.REFUTED


@pytest.mark.slow
def test_logistic_hessian_is_proved():
    z = elementwise(sigmoid, X * w)
    loss = -(y.T * elementwise(log, z) + (ones - y).T * elementwise(log, ones - z))
    assert check(Derivative(loss, w, w), X.T * diag(sp.HadamardProduct(z, ones - z)) * X).status is Status.PROVED


def test_inverse_cancels_and_transposes():
    S = MatrixSymbol("S", p, p)
    assert check(S * S.I * w, w).status is Status.PROVED
    assert check(S.T.I * w, S.I.T * w).status is Status.PROVED
    assert check((S.I * S.I.T).T, S.I * S.I.T).status is Status.PROVED  # only the inverse's entries appear


def test_an_inverse_next_to_its_matrix_is_not_translated_and_not_proved():
    S = MatrixSymbol("S", p, p)
    r = check(S.I * w, S.T * w)
    assert r.status is Status.UNDECIDED
    assert "inside and outside an inverse" in r.reason


# --- false claims: refuted at concrete dimensions, shown as explicit matrices -----------------


def test_dropped_transpose_is_refuted_with_explicit_matrices():
    r = check((P * Q).T, P.T * Q.T)
    assert_refuted_by_matrices((P * Q).T, P.T * Q.T, r)


def test_wrong_sign_is_refuted_with_explicit_matrices():
    r = check(A * (B - C), A * B + A * C)
    assert_refuted_by_matrices(A * (B - C), A * B + A * C, r)


def test_least_squares_without_one_over_n_is_refuted():
    r = check(Derivative(L, w), X.T * (X * w - y))
    assert r.status is Status.REFUTED
    assert r.counterexample[n] >= 2  # at n = 1 the two agree
    matrices = as_matrices(r.counterexample, L)
    assert matrices["X"].shape == (r.counterexample[n], r.counterexample[p])
    assert matrices["w"].shape == (r.counterexample[p], 1)


def test_least_squares_with_the_sign_flipped_is_refuted():
    r = check(Derivative(L, w), X.T * (y - X * w) / n)
    assert r.status is Status.REFUTED
    # the gradient at the point, computed with explicit matrices, is the negative of the claimed one
    point, sizes = r.counterexample, {n: r.counterexample[n], p: r.counterexample[p]}
    mats = as_matrices(point, L)
    Xv, wv, yv = mats["X"], mats["w"], mats["y"]
    assert Xv.T * (Xv * wv - yv) / sizes[n] != Xv.T * (yv - Xv * wv) / sizes[n]


def test_shape_mismatch_is_a_clear_error():
    with pytest.raises(ShapeError):
        MatrixSymbol("R", 2, 3) * MatrixSymbol("c", 2, 1)  # SymPy refuses concrete mismatches when built
    wrong = X * (X * w - y) / n  # but builds this one: it cannot tell p from n
    with pytest.raises(ValueError, match="shapes do not match in a product: X is n x p but"):
        check(wrong, wrong)
    with pytest.raises(ValueError, match="shapes do not match in a sum"):
        check(Derivative(L, w), X.T * y + y)  # p x 1 plus n x 1
    with pytest.raises(ValueError, match="shapes differ"):
        check(X.T * y, y)


def test_sympy_wrong_matrix_derivatives_are_never_proved():
    z = MatrixSymbol("z", n, 1)
    scalar = (y.T * z)[0, 0]
    assert scalar.diff(z) == sp.ZeroMatrix(n, 1)  # SymPy 1.14's silent wrong zero (ENGINE_NOTES)
    r = check(Derivative(scalar, z), scalar.diff(z))
    assert r.status is Status.REFUTED
    assert check(Derivative(scalar, z), y).status is Status.PROVED
    with_trace = Trace(P * z * z.T) + (z.T * z)[0, 0]
    assert check(Derivative(with_trace, z), with_trace.diff(z)).status is not Status.PROVED
    assert check(Derivative(with_trace, z), (P + P.T) * z + 2 * z).status is Status.PROVED


# --- the translator and its inverse map ------------------------------------------------------


def test_translation_names_the_free_indices_and_sizes():
    claim = translate(X * w, X * w)
    left, sizes, indices, free = claim.lhs, claim.sizes, claim.indices, claim.free
    i = free[0]
    assert indices == ((i, 1, n),)
    assert {s for s, _ in sizes} == {n, p}
    assert left.has(IndexedBase("X", real=True)[i, left.atoms(sp.Sum).pop().variables[0]])


def test_entries_have_the_declared_domain():
    a = matrix_symbol("a", n, 1, positive=True)
    assert translate(a, a).lhs.is_positive
    assert pickle.loads(pickle.dumps(diag(elementwise(sqrt, a)))) == diag(elementwise(sqrt, a))
    with pytest.raises(ValueError):
        matrix_symbol("b", n, 1, positive=True, negative=True)


def test_as_matrices_rebuilds_every_matrix_at_the_point():
    point = {
        n: Integer(2),
        p: Integer(1),
        Symbol("X[1,1]"): Integer(3),
        Symbol("X[2,1]"): Integer(-1),
        Symbol("w[1]"): Rational(1, 2),
    }
    mats = as_matrices(point, X * w, y)
    assert mats["X"] == sp.Matrix([[3], [-1]])
    assert mats["w"] == sp.Matrix([[Rational(1, 2)]])
    assert mats["y"] == sp.zeros(2, 1)  # entries the point does not name are 0


# --- inequalities over symbolic sizes ------------------------------------------------------------

k = Symbol("k", integer=True, positive=True)
i, j = symbols("i j", integer=True)
pr, v = IndexedBase("p", nonnegative=True), IndexedBase("v", real=True)
variance = Sum(pr[i] * v[i] ** 2, (i, 1, k)) - Sum(pr[i] * v[i], (i, 1, k)) ** 2
sos = Rational(1, 2) * Sum(Sum(pr[i] * pr[j] * (v[i] - v[j]) ** 2, (j, 1, k)), (i, 1, k))
normalised = [Eq(Sum(pr[i], (i, 1, k)), 1)]


def test_sum_of_squares_certificate_is_proved_for_all_k():
    claim = Claim("7.3", lhs=variance, steps=[Step(sos), Step(0, relation=">=")], given=normalised, sizes=[k])
    report = decide_claim(claim, timeout=None)
    assert report.status is Status.PROVED
    assert all(s.result.status is Status.PROVED for s in report.steps)


def test_sum_of_squares_identity_needs_sum_p_equal_one():
    r = check_relation(variance, 0, ">=", certificate=sos, sizes=[k])  # without sum p = 1
    assert r.status is not Status.PROVED


def test_false_sized_inequality_is_refuted_at_a_concrete_size():
    r = check_relation(
        Sum(pr[i] * v[i], (i, 1, k)) ** 2, Sum(pr[i] * v[i] ** 2, (i, 1, k)), ">=", given=normalised, sizes=[k]
    )
    assert r.status is Status.REFUTED
    point = r.counterexample
    size = int(point[k])
    assert size >= 2
    ps = [point[sp.Symbol(f"p[{t}]", nonnegative=True)] for t in range(1, size + 1)]
    vs = [point[sp.Symbol(f"v[{t}]", real=True)] for t in range(1, size + 1)]
    assert sum(ps) == 1 and all(q >= 0 for q in ps)  # the point satisfies the assumptions
    assert sum(q * x for q, x in zip(ps, vs)) ** 2 < sum(q * x**2 for q, x in zip(ps, vs))


def test_a_sum_that_may_run_backwards_is_not_nonnegative_by_form():
    from verifier.engine.theories.certificates import is_nonnegative

    assert is_nonnegative(Sum(pr[i], (i, 1, k)))
    assert not is_nonnegative(Sum(pr[i], (i, 1, Symbol("h", integer=True))))  # h < 0: minus a sum


def test_gram_psd_in_matrix_notation_is_proved_for_all_dimensions():
    a = matrix_symbol("a", n, 1, positive=True)
    H = X.T * diag(a) * X
    factor = diag(elementwise(sqrt, a)) * X
    assert check(H, factor.T * factor).status is Status.PROVED
    r = check_relation(H, 0, ">=", certificate=factor)
    assert r.status is Status.PROVED, r.reason
    assert check_relation(H, 0, ">", certificate=factor).status is not Status.PROVED  # definiteness never proved


def test_gram_psd_with_real_weights_is_refuted_with_a_vector():
    b = MatrixSymbol("b", n, 1)  # real, not positive: X^T diag(b) X can be indefinite
    r = check_relation(X.T * diag(b) * X, 0, ">=", certificate=diag(elementwise(sqrt, b)) * X)
    assert r.status is Status.REFUTED
    assert r.vector is not None


def test_quadratic_form_of_a_gram_matrix_is_nonnegative_by_form():
    assert check_relation(w.T * X.T * X * w, 0, ">=").status is Status.PROVED
    assert check_relation(w.T * X.T * X * w, 0, ">").status is Status.REFUTED  # w = 0


def test_a_claim_with_mismatched_shapes_is_rejected_when_built():
    with pytest.raises(ValueError, match="shapes do not match in a product: X is n x p"):
        Claim("bad", lhs=Derivative(L, w), rhs=X * (X * w - y) / n)
    with pytest.raises(ValueError, match="shapes differ"):
        Claim("bad", lhs=Derivative(L, w), rhs=y)
    Claim("psd", lhs=X.T * X, rhs=0, relation=">=")  # an inequality may end at 0


def test_sums_over_independent_ranges_commute_but_triangular_ones_do_not():
    N = Symbol("N", integer=True, positive=True)
    z, u, Z = IndexedBase("z", real=True), IndexedBase("u", real=True), IndexedBase("Z", real=True)
    square = check(
        Sum(Sum(Z[i, j] ** 2, (j, 1, N)), (i, 1, N)), Sum(Sum(Z[j, i] ** 2, (j, 1, N)), (i, 1, N)), sizes=[N]
    )
    assert square.status is Status.PROVED
    swapped = check(Sum(Sum(z[i] * u[j], (j, 1, i)), (i, 1, N)), Sum(Sum(z[i] * u[j], (i, 1, j)), (j, 1, N)), sizes=[N])
    assert swapped.status is Status.REFUTED


def test_a_sized_inequality_false_only_for_rectangular_shapes_is_refuted():
    # 1^T 1 (n) against 1^T 1 (p), each a 1 x 1 sum: equal when n = p, so only n != p refutes it
    r = check_relation(OneMatrix(1, n) * ones, OneMatrix(1, p) * OneMatrix(p, 1), ">=")
    assert r.status is Status.REFUTED
    assert r.counterexample[n] < r.counterexample[p]


def test_given_facts_in_matrix_notation_are_translated():
    q = MatrixSymbol("q", n, 1)  # a distribution: 1^T q = 1
    u = MatrixSymbol("u", n, 1)
    total = Eq((ones.T * q)[0, 0], 1)
    # (1^T q) u^T q = u^T q, using 1^T q = 1
    assert check((ones.T * q) * (u.T * q), u.T * q, given=[total]).status is Status.PROVED
    assert check((ones.T * q) * (u.T * q), u.T * q).status is Status.REFUTED  # without the fact
    r = check(q, q, given=[Eq(q, u)])
    assert r.status is Status.UNDECIDED and "whole matrix" in r.reason


def test_concrete_shapes_and_explicit_matrices_mix_with_symbolic_ones():
    A2, B2 = MatrixSymbol("A", 2, 2), MatrixSymbol("B", 2, 2)
    assert check((A2 * B2).T, B2.T * A2.T).status is Status.PROVED
    assert check((A2 * B2).T, A2.T * B2.T).status is Status.REFUTED
    X2, M = MatrixSymbol("X", n, 2), sp.ImmutableMatrix([[1, 2], [3, 4]])
    assert check((X2 * M).T, M.T * X2.T).status is Status.PROVED
    assert check(X2 * M, X2 * M.T).status is Status.REFUTED


def test_a_gradient_inside_a_scalar_expression_is_not_read_as_its_first_entry():
    # SymPy makes 2 * Derivative(L, w) a scalar Mul; reading it as entry (1, 1) would prove too much
    r = check(2 * Derivative(L, w), 2 * (X.T * (X * w - y))[0, 0] / n)  # a vector against its first entry
    assert r.status is Status.UNDECIDED
    assert "alone on a side" in r.reason


def test_inverse_powers_and_a_singular_inverse_is_no_counterexample():
    from verifier.engine.sized.matrix import singular_inverse

    S = MatrixSymbol("S", p, p)
    assert check(S.I * S.I * S * w, S.I * w).status is Status.PROVED
    r = check(S.I * w, 2 * S.I * w)
    assert r.status is Status.REFUTED and not singular_inverse(r.counterexample, S.I * w)
    ones_2x2 = {p: Integer(2), **{Symbol(f"inv(S)[{a},{b}]"): Integer(1) for a in (1, 2) for b in (1, 2)}}
    assert "singular" in singular_inverse(ones_2x2, S.I * w)  # such a point would be reported undecided
    assert singular_inverse(ones_2x2, S * w) == ""  # no inverse in the claim: nothing to check


def test_seed_jacobians_in_matrix_notation():
    q = Symbol("q", integer=True, positive=True)
    m, a_hat, W2 = MatrixSymbol("m", q, 1), MatrixSymbol("a_hat", q, 1), MatrixSymbol("W2", n, q)
    assert check(Derivative(X * w, w), X).status is Status.PROVED  # 1.2: dh/dw, all rows at once
    assert check(Derivative(sp.HadamardProduct(m, a_hat), a_hat), diag(m)).status is Status.PROVED  # 3.4
    assert check(Derivative(W2 * a_hat, a_hat), W2).status is Status.PROVED  # 3.5
    assert check(Derivative(W2 * a_hat, a_hat), 2 * W2).status is Status.REFUTED


@pytest.mark.slow
def test_logistic_hessian_is_psd_with_its_gram_factor():
    z = elementwise(sigmoid, X * w)
    loss = -(y.T * elementwise(log, z) + (ones - y).T * elementwise(log, ones - z))
    factor = diag(elementwise(sqrt, sp.HadamardProduct(z, ones - z))) * X  # seed 1.5: A = diag(sqrt(a)) X
    r = check_relation(Derivative(loss, w, w), 0, ">=", certificate=factor)
    assert r.status is Status.PROVED, r.reason
