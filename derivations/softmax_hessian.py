"""Softmax cross-entropy: gradient and Hessian in the logits, convexity (seed 7.1 to 7.4,
3.2 = 7.1; errata 3.2e, 7.1e-a, 7.1e-b, 7.2e, 7.3e).

y is a probability vector (y_i >= 0, sum_i y_i = 1), yhat = softmax(z) and
L(z) = -sum_i y_i log(yhat_i).

The claims are stated for a symbolic number of classes k, with indexed entries z[j],
y[j] and sums up to k: they are proved for every k >= 1, and each is cross-checked
numerically at k = 1, 2, 3, 7, 50. The derivatives are left as ``Derivative`` objects,
so the proof takes them with the index calculus and the cross-check takes them again,
with ordinary calculus, on the written-out instance. Each erratum is the seed's line as
written. 7.3 (an inequality) is proved for all k with its sum-of-squares certificate;
the erratum 7.3e, a link of the seed's Cauchy-Schwarz chain, is refuted at k = 3 with
explicit entries.
"""

from sympy import Derivative, Eq, IndexedBase, KroneckerDelta, Matrix, Rational, Sum, Symbol, exp, log, symbols

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
    p = IndexedBase("p", positive=True)  # any probability vector: yhat in 7.3
    v = IndexedBase("v", real=True)
    quadratic = Sum(p[c] * v[c] ** 2, (c, 1, k)) - Sum(p[c] * v[c], (c, 1, k)) ** 2
    return [
        Claim(
            "7.1 gradient",
            title="dL/dz_j = yhat_j - y_j (also 3.2, dL/dz2 = yhat - y)",
            source="seed 7.1, 3.2",
            lhs=Derivative(L, z[j]),
            steps=[
                Step(
                    -Sum(y[c] * (delta(c, j) - yhat(j)), (c, 1, k)),
                    note="chain rule: d log(yhat_c)/dz_j = delta_cj - yhat_j",
                ),
                Step(yhat(j) * Sum(y[c], (c, 1, k)) - y[j], note="the delta picks c = j; yhat_j comes out of the sum"),
                Step(yhat(j) - y[j], by="given", note="sum_c y_c = 1"),
            ],
            given=[simplex],
            sizes=[k],
            indices={j: (1, k)},
        ),
        Claim(
            "7.1e-a linear term as written",
            title="erratum: d/dz_j (-sum_i y_i z_i) = -yhat_j (it is -y_j)",
            source="seed 7.1e-a",
            lhs=Derivative(-Sum(y[c] * z[c], (c, 1, k)), z[j]),
            rhs=-yhat(j),
            expect=Status.REFUTED,
            given=[simplex],
            sizes=[k],
            indices={j: (1, k)},
        ),
        Claim(
            "7.1e-b log-sum term as written",
            title="erratum: sum_i y_i e^{z_j} / sum_d e^{z_d} = sum_i yhat_i yhat_j (it is sum_i y_i yhat_j)",
            source="seed 7.1e-b",
            lhs=Sum(y[c] * exp(z[j]) / S, (c, 1, k)),
            rhs=Sum(yhat(c) * yhat(j), (c, 1, k)),
            expect=Status.REFUTED,
            sizes=[k],
            indices={j: (1, k)},
            note="the seed uses sum_i y_i = 1 only on the next line; for y on the simplex both sides are yhat_j",
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
            "7.2e Hessian entry as written",
            title="erratum: d2L/dz_i dz_j = d/dz_j (yhat_i - yhat_i), which is 0 (it is d/dz_j (yhat_i - y_i))",
            source="seed 7.2e",
            lhs=Derivative(L, z[i], z[j]),
            rhs=Derivative(yhat(i) - yhat(i), z[j]),
            expect=Status.REFUTED,
            given=[simplex],
            sizes=[k],
            indices={i: (1, k), j: (1, k)},
            note="probably a lost hat mark; as written the right side is 0",
        ),
        Claim(
            "7.3 v^T H v",
            title="v^T (diag(p) - p p^T) v = sum_i p_i v_i^2 - (sum_i p_i v_i)^2 for H = diag(yhat) - yhat yhat^T (7.2)",
            source="seed 7.3",
            lhs=Sum(Sum(v[i] * (p[i] * delta(i, j) - p[i] * p[j]) * v[j], (j, 1, k)), (i, 1, k)),
            rhs=quadratic,
            sizes=[k],
            note="p stands for yhat, a probability vector with p_i > 0 and sum_i p_i = 1",
        ),
        Claim(
            "7.3 H is PSD",
            title="sum_i p_i v_i^2 - (sum_i p_i v_i)^2 = 1/2 sum_ij p_i p_j (v_i - v_j)^2 >= 0: H is PSD, L is convex in z",
            source="seed 7.3",
            lhs=quadratic,
            rhs=0,
            relation=">=",
            certificate=Rational(1, 2) * Sum(Sum(p[i] * p[j] * (v[i] - v[j]) ** 2, (j, 1, k)), (i, 1, k)),
            given=[Eq(Sum(p[c], (c, 1, k)), 1)],
            sizes=[k],
            note="the seed argues by Cauchy-Schwarz with sum yhat = 1; the certificate is a variance",
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


def psd_claims_at(k: int) -> list[Claim]:
    """7.3e at k classes: the last link of the seed's Cauchy-Schwarz chain (7.3 itself is proved for all k)."""
    z = symbols(f"z1:{k + 1}", real=True)
    v = Matrix(symbols(f"v1:{k + 1}", real=True))
    S = sum(exp(zi) for zi in z)
    yhat = Matrix([exp(zi) / S for zi in z])
    return [
        Claim(
            f"7.3e Cauchy-Schwarz chain as written [k={k}]",
            title="erratum: sum_i v_i^2 yhat_i <= yhat_1 (the last link of the seed's chain; false for large v)",
            source="seed 7.3e",
            lhs=sum(v[i] ** 2 * yhat[i] for i in range(k)),
            rhs=yhat[0],
            relation="<=",
            expect=Status.REFUTED,
            scope=f"k = {k}",
            note="the seed writes the free index i on the right; any i is refuted alike",
        ),
    ]


convexity_claims = psd_claims_at(3)


derivation = Derivation(
    name="softmax_hessian",
    title="Softmax cross-entropy: gradient yhat - y and Hessian diag(yhat) - yhat yhat^T",
    source="seed 7",
    claims=tuple(all_sizes_claims() + convexity_claims),
    assumptions=(
        "yhat = softmax(z), L = -sum_i y_i log(yhat_i)",
        "y is on the simplex: y_i >= 0 and sum_i y_i = 1 (a given fact of each claim)",
        "claims without [k=...] are for a symbolic number of classes k: proved for all k >= 1",
        "7.3: p_i > 0 with sum_i p_i = 1 stands for yhat (the seed: yhat is a probability vector)",
        "claims marked [k=3] have explicit entries: each verdict holds at that size only",
    ),
)
