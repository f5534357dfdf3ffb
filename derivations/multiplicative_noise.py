"""Multiplicative noise on the weights acts as a regulariser (seed 5.1 to 5.3).

J = 1/2 (y_d - sum_k d_k w_k x_k)^2 with independent d_k, E[d_k] = 1 and
Var[d_k] = s^2 (so E[d_k^2] = 1 + s^2); the clean loss is J_c = 1/2 (y_d - sum_k w_k x_k)^2.
E[...] is rewritten by linearity, independence of distinct d's and these two
moments, monomial by monomial; nothing else about the d_k is assumed (no
distribution). Checked at n = 2, 3, 4 weights: each verdict holds at that size only
(a proof for every n would need sums with a symbolic number of terms, whose
expectation needs E[d_k d_l] = 1 + s^2 delta_kl inside a double sum: not built here).
"""

from sympy import Rational, Symbol, symbols

from verifier import Claim, Derivation, Step, independent

s = Symbol("s", positive=True)  # the noise's standard deviation
y_d = Symbol("y_d", real=True)


def claims_at(n: int, i: int = 0) -> list[Claim]:
    d = symbols(f"d1:{n + 1}", real=True)
    w = symbols(f"w1:{n + 1}", real=True)
    x = symbols(f"x1:{n + 1}", real=True)
    E = independent(d, mean=1, variance=s**2)
    J = Rational(1, 2) * (y_d - sum(d[k] * w[k] * x[k] for k in range(n))) ** 2
    J_c = Rational(1, 2) * (y_d - sum(w[k] * x[k] for k in range(n))) ** 2
    dJ = J.diff(w[i])
    others = [k for k in range(n) if k != i]
    scope = f"n = {n}"
    tag = f"[n={n}, i={i + 1}]"
    return [
        Claim(
            f"5.1 dJ/dw_i {tag}",
            title="dJ/dw_i = -(y_d - sum_k d_k w_k x_k) d_i x_i",
            source="seed 5.1",
            lhs=dJ,
            steps=[
                Step(-(y_d - sum(d[k] * w[k] * x[k] for k in range(n))) * d[i] * x[i], by="expand", note="chain rule"),
                Step(sum(d[i] * d[k] * x[i] * x[k] * w[k] for k in range(n)) - y_d * d[i] * x[i], by="expand",
                     note="multiply out, as the seed does"),
            ],
            scope=scope,
        ),
        Claim(
            f"5.2 E[dJ/dw_i] {tag}",
            title="E[dJ/dw_i] = dJ_c/dw_i + s^2 w_i x_i^2",
            source="seed 5.2",
            lhs=E(dJ),
            steps=[
                Step(E(sum(d[i] * d[k] * x[i] * x[k] * w[k] for k in others)) + E(d[i] ** 2 * x[i] ** 2 * w[i])
                     - E(y_d * d[i] * x[i]), by="expand", note="split off k = i; linearity"),
                Step(sum(x[i] * w[k] * x[k] for k in others) + (1 + s**2) * w[i] * x[i] ** 2 - x[i] * y_d, by="expand",
                     note="E[d_i d_k] = E[d_i] E[d_k] = 1 for k != i (independence), E[d_i^2] = 1 + s^2"),
                Step(-x[i] * (y_d - sum(w[k] * x[k] for k in range(n))) + s**2 * w[i] * x[i] ** 2, by="expand"),
                Step(J_c.diff(w[i]) + s**2 * w[i] * x[i] ** 2, by="expand", note="dJ_c/dw_i = -x_i (y_d - sum_k w_k x_k)"),
            ],
            scope=scope,
        ),
        Claim(
            f"5.3 E[J] {tag}",
            title="E[J] = J_c + (s^2/2) sum_k w_k^2 x_k^2: a data-scaled L2 penalty",
            source="seed 5.3",
            lhs=E(J),
            steps=[
                Step(Rational(1, 2) * y_d**2 - y_d * sum(w[k] * x[k] for k in range(n))
                     + Rational(1, 2) * sum(w[k] * x[k] * w[l] * x[l] for k in range(n) for l in range(n))
                     + Rational(1, 2) * s**2 * sum(w[k] ** 2 * x[k] ** 2 for k in range(n)), by="expand",
                     note="E[d_k d_l] = 1 + s^2 delta_kl"),
                Step(J_c + s**2 / 2 * sum(w[k] ** 2 * x[k] ** 2 for k in range(n)), by="expand"),
            ],
            scope=scope,
        ),
    ]


derivation = Derivation(
    name="multiplicative_noise",
    title="Multiplicative noise on the weights: the expected gradient is the clean one plus an L2 term",
    source="seed 5",
    claims=tuple(c for n in (2, 3, 4) for c in claims_at(n)),
    assumptions=(
        "J = 1/2 (y_d - sum_k d_k w_k x_k)^2, J_c = 1/2 (y_d - sum_k w_k x_k)^2",
        "the d_k are mutually independent with E[d_k] = 1, Var[d_k] = s^2, so E[d_k^2] = 1 + s^2; "
        "no other property of their distribution is used",
        "checked at n = 2, 3, 4 (i = 1): each verdict holds at that size only",
    ),
)
