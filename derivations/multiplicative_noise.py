"""Multiplicative noise on the weights acts as a regulariser (seed 5.1 to 5.3).

J = 1/2 (y_d - sum_k d_k w_k x_k)^2 with independent d_k, E[d_k] = 1 and
Var[d_k] = s^2 (so E[d_k^2] = 1 + s^2); the clean loss is J_c = 1/2 (y_d - sum_k w_k x_k)^2.
E[...] is rewritten by linearity, independence of distinct d's and these two
moments, monomial by monomial; nothing else about the d_k is assumed (no
distribution). 5.1 and the erratum 5.2e are stated for a symbolic number of weights n
(indexed entries, sums up to n) and proved or refuted for all n; 5.2 and 5.3 are checked
at n = 3 with explicit entries, and for every n:

* 5.2 by the seed's own split of the sum into the i-th term and the rest
  T = sum_{k != i} d_k w_k x_k, a random quantity independent of d_i (it is a function
  of the other d's) with E[T] = sum_{k != i} w_k x_k by linearity, for any n;
* 5.3 by induction on n over S_n = sum_{k <= n} d_k w_k x_k: the engine checks the
  base case, the step S_{n+1} = S_n + d_{n+1} c (d_{n+1} independent of S_n) for the
  first two moments, and E[J] from those moments. The induction itself is the
  argument's frame, stated here; the sums are the symbols A, B, A_rest below.
"""

from sympy import Derivative, IndexedBase, Matrix, Rational, Sum, Symbol, symbols

from verifier import Claim, Derivation, Status, Step, independent, independent_with

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
            f"5.2 E[dJ/dw_i] {tag}",
            title="E[dJ/dw_i] = dJ_c/dw_i + s^2 w_i x_i^2",
            source="seed 5.2",
            lhs=E(dJ),
            steps=[
                Step(
                    E(sum(d[i] * d[k] * x[i] * x[k] * w[k] for k in others))
                    + E(d[i] ** 2 * x[i] ** 2 * w[i])
                    - E(y_d * d[i] * x[i]),
                    by="expand",
                    note="split off k = i; linearity",
                ),
                Step(
                    sum(x[i] * w[k] * x[k] for k in others) + (1 + s**2) * w[i] * x[i] ** 2 - x[i] * y_d,
                    by="expand",
                    note="E[d_i d_k] = E[d_i] E[d_k] = 1 for k != i (independence), E[d_i^2] = 1 + s^2",
                ),
                Step(-x[i] * (y_d - sum(w[k] * x[k] for k in range(n))) + s**2 * w[i] * x[i] ** 2, by="expand"),
                Step(
                    J_c.diff(w[i]) + s**2 * w[i] * x[i] ** 2, by="expand", note="dJ_c/dw_i = -x_i (y_d - sum_k w_k x_k)"
                ),
            ],
            scope=scope,
        ),
        Claim(
            f"5.3 E[J] {tag}",
            title="E[J] = J_c + (s^2/2) sum_k w_k^2 x_k^2: a data-scaled L2 penalty",
            source="seed 5.3",
            lhs=E(J),
            steps=[
                Step(
                    Rational(1, 2) * y_d**2
                    - y_d * sum(w[k] * x[k] for k in range(n))
                    + Rational(1, 2) * sum(w[k] * x[k] * w[l] * x[l] for k in range(n) for l in range(n))
                    + Rational(1, 2) * s**2 * sum(w[k] ** 2 * x[k] ** 2 for k in range(n)),
                    by="expand",
                    note="E[d_k d_l] = 1 + s^2 delta_kl",
                ),
                Step(J_c + s**2 / 2 * sum(w[k] ** 2 * x[k] ** 2 for k in range(n)), by="expand"),
            ],
            scope=scope,
        ),
    ]


def sized_claims() -> list[Claim]:
    """5.1 and the erratum 5.2e for every number of weights n."""
    n = Symbol("n", integer=True, positive=True)
    i, k = symbols("i k", integer=True)
    d, w, x = (IndexedBase(name, real=True) for name in ("d", "w", "x"))
    noisy = Sum(d[k] * w[k] * x[k], (k, 1, n))
    J = Rational(1, 2) * (y_d - noisy) ** 2
    return [
        Claim(
            "5.1 dJ/dw_i",
            title="dJ/dw_i = -(y_d - sum_k d_k w_k x_k) d_i x_i = sum_k d_i d_k x_i x_k w_k - y_d d_i x_i",
            source="seed 5.1",
            lhs=Derivative(J, w[i]),
            steps=[
                Step(-(y_d - noisy) * d[i] * x[i], note="chain rule"),
                Step(
                    Sum(d[i] * d[k] * x[i] * x[k] * w[k], (k, 1, n)) - y_d * d[i] * x[i],
                    note="multiply out, as the seed does",
                ),
            ],
            sizes=[n],
            indices={i: (1, n)},
        ),
        Claim(
            "5.2e bracket as written",
            title="erratum: sum_{k != i} x_i w_k x_k + (1 + s^2) w_i x_i^2 - x_i y_d = x_i [sum_k w_k x_k + s^2 w_i - y_d]",
            source="seed 5.2e",
            lhs=Sum(x[i] * w[k] * x[k], (k, 1, n)) - x[i] * w[i] * x[i] + (1 + s**2) * w[i] * x[i] ** 2 - x[i] * y_d,
            rhs=x[i] * (Sum(w[k] * x[k], (k, 1, n)) + s**2 * w[i] - y_d),
            expect=Status.REFUTED,
            sizes=[n],
            indices={i: (1, n)},
            note="the s^2 w_i term lost a factor x_i inside the bracket; the seed's next line is right again",
        ),
    ]


# ---- every n: the sums as symbols, each with the meaning stated in its claim.
i_rest = Symbol("A_rest", real=True)  # sum_{k != i} w_k x_k
d_i, T = symbols("d_i T", real=True)  # the i-th noise, and the rest of the noisy sum
w_i, x_i = symbols("w_i x_i", real=True)
E_split = independent_with({d_i: (1, 1 + s**2), T: (i_rest,)})
A, B, c = symbols("A B c", real=True)  # A = sum_{k<=n} c_k, B = sum_{k<=n} c_k^2, c = c_{n+1} = w_{n+1} x_{n+1}
S, d_next = symbols("S_n d_next", real=True)
E_step = independent_with({S: (A, A**2 + s**2 * B), d_next: (1, 1 + s**2)})
d_1, c_1 = symbols("d_1 c_1", real=True)
E_base = independent([d_1], mean=1, variance=s**2)
E_loss = independent_with({S: (A, A**2 + s**2 * B)})

all_n_claims = [
    Claim(
        "5.2 E[dJ/dw_i] [all n]",
        title="E[dJ/dw_i] = dJ_c/dw_i + s^2 w_i x_i^2, with sum_k d_k w_k x_k = d_i w_i x_i + T",
        source="seed 5.2",
        lhs=E_split(-(y_d - d_i * w_i * x_i - T) * d_i * x_i),
        steps=[
            Step(
                -x_i * y_d * E_split(d_i) + w_i * x_i**2 * E_split(d_i**2) + x_i * E_split(T * d_i),
                by="expand",
                note="linearity",
            ),
            Step(
                -x_i * y_d + (1 + s**2) * w_i * x_i**2 + x_i * i_rest,
                by="expand",
                note="E[d_i] = 1, E[d_i^2] = 1 + s^2, E[T d_i] = E[T] E[d_i] (T independent of d_i)",
            ),
            Step(
                -x_i * (y_d - (i_rest + w_i * x_i)) + s**2 * w_i * x_i**2,
                by="expand",
                note="sum_k w_k x_k = A_rest + w_i x_i, so this is dJ_c/dw_i + s^2 w_i x_i^2",
            ),
        ],
        note="T = sum_{k != i} d_k w_k x_k, E[T] = A_rest = sum_{k != i} w_k x_k: holds for every n",
    ),
    Claim(
        "5.3 moments of S_n, base n = 1 [all n]",
        title="E[S_1] = c_1, E[S_1^2] = c_1^2 + s^2 c_1^2, S_1 = d_1 c_1",
        source="seed 5.3",
        lhs=Matrix([E_base(d_1 * c_1), E_base((d_1 * c_1) ** 2)]),
        rhs=Matrix([c_1, c_1**2 + s**2 * c_1**2]),
        note="the induction's base: A = c_1, B = c_1^2",
    ),
    Claim(
        "5.3 moments of S_n, step n -> n + 1 [all n]",
        title="if E[S_n] = A, E[S_n^2] = A^2 + s^2 B then E[S_{n+1}] = A + c, E[S_{n+1}^2] = (A + c)^2 + s^2 (B + c^2)",
        source="seed 5.3",
        lhs=Matrix([E_step(S + d_next * c), E_step((S + d_next * c) ** 2)]),
        rhs=Matrix([A + c, (A + c) ** 2 + s**2 * (B + c**2)]),
        note="S_{n+1} = S_n + d_{n+1} c_{n+1}; d_{n+1} is independent of S_n (a function of d_1..d_n)",
    ),
    Claim(
        "5.3 E[J] from the moments of S_n [all n]",
        title="E[J] = J_c + (s^2/2) sum_k w_k^2 x_k^2, J = 1/2 (y_d - S_n)^2",
        source="seed 5.3",
        lhs=E_loss(Rational(1, 2) * (y_d - S) ** 2),
        rhs=Rational(1, 2) * (y_d - A) ** 2 + s**2 / 2 * B,
        note="with A = sum_k w_k x_k (so 1/2 (y_d - A)^2 = J_c) and B = sum_k w_k^2 x_k^2, by the induction above",
    ),
]


derivation = Derivation(
    name="multiplicative_noise",
    title="Multiplicative noise on the weights: the expected gradient is the clean one plus an L2 term",
    source="seed 5",
    claims=tuple(sized_claims()) + tuple(claims_at(3)) + tuple(all_n_claims),
    assumptions=(
        "J = 1/2 (y_d - sum_k d_k w_k x_k)^2, J_c = 1/2 (y_d - sum_k w_k x_k)^2",
        "the d_k are mutually independent with E[d_k] = 1, Var[d_k] = s^2, so E[d_k^2] = 1 + s^2; "
        "no other property of their distribution is used",
        "5.1 and 5.2e: symbolic n, proved or refuted for all n >= 1",
        "claims marked [n=3, i=1] have explicit entries: each of those verdicts holds at that size only",
        "for every n: 5.2 with T = sum_{k != i} d_k w_k x_k independent of d_i, E[T] = A_rest = sum_{k != i} w_k x_k; "
        "5.3 by induction on n with A = sum_k w_k x_k, B = sum_k w_k^2 x_k^2 (base, step and E[J] each checked)",
    ),
)
