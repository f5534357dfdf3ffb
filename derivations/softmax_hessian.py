"""Softmax cross-entropy: gradient and Hessian in the logits (seed 7.1, 7.2, 7.4; erratum 3.2e).

y is a probability vector (y_i >= 0, sum_i y_i = 1), yhat = softmax(z) and
L(z) = -sum_i y_i log(yhat_i).

The headline claims are stated for a symbolic number of classes k, with indexed
entries z[j], y[j] and sums up to k: they are proved for every k >= 1, and each is
cross-checked numerically at k = 1, 2, 3, 7, 50. The derivatives are left as
``Derivative`` objects, so the proof takes them with the index calculus and the
cross-check takes them again, with ordinary calculus, on the written-out instance.
The same claims with explicit entries at k = 2, 3, 4 follow: each of those holds at
its size only.
"""

from sympy import Derivative, Eq, IndexedBase, KroneckerDelta, Matrix, Rational, Sum, Symbol, diag, exp, hessian, log, symbols

from verifier import Claim, Derivation, Status, Step


def all_sizes_claims() -> list[Claim]:
    """7.1, 7.2, 7.4 and erratum 3.2e for every number of classes k >= 1."""
    k = Symbol("k", integer=True, positive=True)
    i, j, c, d = symbols("i j c d", integer=True)
    z = IndexedBase("z", real=True)
    y = IndexedBase("y", nonnegative=True)
    S = Sum(exp(z[d]), (d, 1, k))

    def yhat(a):
        return exp(z[a]) / S

    L = -Sum(y[c] * log(yhat(c)), (c, 1, k))
    simplex = Eq(Sum(y[c], (c, 1, k)), 1)
    delta = KroneckerDelta
    return [
        Claim(
            "7.1 gradient",
            title="dL/dz_j = yhat_j - y_j",
            source="seed 7.1",
            lhs=Derivative(L, z[j]),
            steps=[
                Step(-Sum(y[c] * (delta(c, j) - yhat(j)), (c, 1, k)), note="chain rule: d log(yhat_c)/dz_j = delta_cj - yhat_j"),
                Step(yhat(j) * Sum(y[c], (c, 1, k)) - y[j], note="the delta picks c = j; yhat_j comes out of the sum"),
                Step(yhat(j) - y[j], by="given", note="sum_c y_c = 1"),
            ],
            given=[simplex],
            sizes=[k],
            indices={j: (1, k)},
        ),
        Claim(
            "7.2 Hessian",
            title="d2L/dz_i dz_j = yhat_i delta_ij - yhat_i yhat_j",
            source="seed 7.2",
            lhs=Derivative(L, z[i], z[j]),
            steps=[
                Step(Derivative(yhat(i) - y[i], z[j]), by="given", note="differentiate the gradient yhat_i - y_i"),
                Step(yhat(i) * delta(i, j) - yhat(i) * yhat(j), note="d yhat_i/dz_j = yhat_i (delta_ij - yhat_j)"),
            ],
            given=[simplex],
            sizes=[k],
            indices={i: (1, k), j: (1, k)},
        ),
        Claim(
            "7.4 H 1 = 0",
            title="each row of the Hessian sums to 0: H is singular, L is not strictly convex",
            source="seed 7.4",
            lhs=Sum(Derivative(L, z[i], z[j]), (j, 1, k)),
            steps=[
                Step(Sum(yhat(i) * delta(i, j) - yhat(i) * yhat(j), (j, 1, k)), by="given", note="7.2, entry by entry"),
                Step(yhat(i) - yhat(i) * Sum(yhat(j), (j, 1, k)), note="the delta picks j = i"),
                Step(0, note="sum_j yhat_j = 1"),
            ],
            given=[simplex],
            sizes=[k],
            indices={i: (1, k)},
        ),
        Claim(
            "3.2e gradient as written",
            title="erratum: dL/dz_j = yhat_j (the - y_j term is dropped)",
            source="seed 3.2e",
            lhs=Derivative(L, z[j]),
            rhs=yhat(j),
            expect=Status.REFUTED,
            given=[simplex],
            sizes=[k],
            indices={j: (1, k)},
        ),
    ]


def claims_at(k: int) -> list[Claim]:
    z = symbols(f"z1:{k + 1}", real=True)
    y = symbols(f"y1:{k + 1}", nonnegative=True)
    S = sum(exp(zi) for zi in z)
    yhat = Matrix([exp(zi) / S for zi in z])
    L = -sum(y[i] * log(yhat[i]) for i in range(k))
    grad = Matrix([L.diff(zj) for zj in z])
    simplex = Eq(sum(y), 1)
    scope = f"k = {k}"
    delta = lambda i, j: KroneckerDelta(i, j)  # noqa: E731
    return [
        Claim(
            f"7.1 gradient [k={k}]",
            title="grad_z L = yhat - y",
            source="seed 7.1",
            lhs=grad,
            steps=[
                Step(
                    Matrix([-sum(y[i] * (delta(i, j) - yhat[j]) for i in range(k)) for j in range(k)]),
                    by="cancel",
                    note="chain rule: d log(yhat_i)/dz_j = delta_ij - yhat_j",
                ),
                Step(Matrix([yhat[j] * sum(y) - y[j] for j in range(k)]), by="expand", note="collect the sum over i"),
                Step(yhat - Matrix(y), by="given", note="sum_i y_i = 1"),
            ],
            given=[simplex],
            scope=scope,
        ),
        Claim(
            f"7.2 Hessian [k={k}]",
            title="H = diag(yhat) - yhat yhat^T",
            source="seed 7.2",
            lhs=hessian(L, z),
            steps=[
                Step((yhat - Matrix(y)).jacobian(z), by="given", note="H is the Jacobian of the gradient, yhat - y"),
                Step(diag(*yhat) - yhat * yhat.T, by="cancel", note="d yhat_i/dz_j = yhat_i (delta_ij - yhat_j)"),
            ],
            given=[simplex],
            scope=scope,
        ),
        Claim(
            f"3.2e gradient as written [k={k}]",
            title="erratum: dL/dz_k = yhat_k (the - y_k term is dropped)",
            source="seed 3.2e",
            lhs=grad,
            rhs=yhat,
            expect=Status.REFUTED,
            given=[simplex],
            scope=scope,
        ),
    ]


def psd_claims_at(k: int) -> list[Claim]:
    """7.3: v^T H v is a variance, with the sum-of-squares certificate 1/2 sum_ij yhat_i yhat_j (v_i - v_j)^2."""
    z = symbols(f"z1:{k + 1}", real=True)
    y = symbols(f"y1:{k + 1}", nonnegative=True)
    v = Matrix(symbols(f"v1:{k + 1}", real=True))
    S = sum(exp(zi) for zi in z)
    yhat = Matrix([exp(zi) / S for zi in z])
    L = -sum(y[i] * log(yhat[i]) for i in range(k))
    H = hessian(L, z)
    return [
        Claim(
            f"7.3 Hessian is PSD [k={k}]",
            title="v^T H v = sum_i yhat_i v_i^2 - (sum_i yhat_i v_i)^2 >= 0: H is PSD, L is convex in z",
            source="seed 7.3",
            lhs=(v.T * H * v)[0, 0],
            steps=[
                Step((v.T * (diag(*yhat) - yhat * yhat.T) * v)[0, 0], by="given", note="7.2, with sum_i y_i = 1"),
                Step(sum(yhat[i] * v[i] ** 2 for i in range(k)) - sum(yhat[i] * v[i] for i in range(k)) ** 2,
                     by="expand", note="the seed's variance form"),
                Step(Rational(1, 2) * sum(yhat[i] * yhat[j] * (v[i] - v[j]) ** 2 for i in range(k) for j in range(k)),
                     by="cancel", note="uses sum_i yhat_i = 1 (the seed argues by Cauchy-Schwarz)"),
                Step(0, relation=">=", note="certificate: yhat_i = exp(z_i)/S > 0 and squares of reals"),
            ],
            given=[Eq(sum(y), 1)],
            scope=f"k = {k}",
        ),
    ]


convexity_claims = [c for k in (2, 3, 4) for c in psd_claims_at(k)]


derivation = Derivation(
    name="softmax_hessian",
    title="Softmax cross-entropy: gradient yhat - y and Hessian diag(yhat) - yhat yhat^T",
    source="seed 7",
    claims=tuple(all_sizes_claims() + [c for k in (2, 3, 4) for c in claims_at(k)]) + tuple(convexity_claims),
    assumptions=(
        "yhat = softmax(z), L = -sum_i y_i log(yhat_i)",
        "y is on the simplex: y_i >= 0 and sum_i y_i = 1 (a given fact of each claim)",
        "claims without [k=...] are for a symbolic number of classes k: proved for all k >= 1",
        "claims marked [k=2], [k=3], [k=4] have explicit entries: each verdict holds at its size only",
    ),
)
