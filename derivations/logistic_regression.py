"""Logistic regression is convex: derivative of the sigmoid, gradient and Hessian of
the cross-entropy (seed 1.1 to 1.4; errata 1.1e and 1.3e).

h_i = w^T x_i + b, z_i = sigma(h_i) = 1/(1 + exp(-h_i)),
E(w, b) = -sum_i [y_i ln z_i + (1 - y_i) ln(1 - z_i)], X has the x_i^T as rows.
The sigmoid is written out with exp, so its derivative is derived, not assumed.
The matrix claims are checked at n = 2 examples with p = 2 features and n = 3 with
p = 2: each verdict holds at that size only.
"""

from sympy import Matrix, Symbol, diag, exp, hessian, log, symbols

from verifier import Claim, Derivation, Status, Step


def sigma(h):
    return 1 / (1 + exp(-h))


h = Symbol("h", real=True)

scalar_claims = [
    Claim(
        "1.1 sigmoid derivative",
        title="dz/dh = z (1 - z)",
        source="seed 1.1",
        lhs=sigma(h).diff(h),
        steps=[
            Step(exp(-h) / (1 + exp(-h)) ** 2, by="expand", note="quotient rule"),
            Step(sigma(h) * (1 - sigma(h)), by="cancel", note="1 - sigma(h) = exp(-h) sigma(h)"),
        ],
    ),
    Claim(
        "1.1e sigmoid derivative as written",
        title="erratum: dz/dh = sigma(h) (sigma(h) - 1)",
        source="seed 1.1e",
        lhs=sigma(h).diff(h),
        rhs=sigma(h) * (sigma(h) - 1),
        expect=Status.REFUTED,
    ),
]


def claims_at(n: int, p: int) -> list[Claim]:
    X = Matrix(n, p, lambda i, j: Symbol(f"x{i + 1}{j + 1}", real=True))
    w = Matrix(symbols(f"w1:{p + 1}", real=True))
    y = Matrix(symbols(f"y1:{n + 1}", real=True))
    b = Symbol("b", real=True)
    hs = X * w + Matrix([b] * n)
    z = hs.applyfunc(sigma)
    E = -sum(y[i] * log(z[i]) + (1 - y[i]) * log(1 - z[i]) for i in range(n))
    a = z.applyfunc(lambda zi: zi * (1 - zi))
    rows = [X[i, :].T for i in range(n)]
    scope = f"n = {n}, p = {p}"
    tag = f"[n={n}, p={p}]"
    return [
        Claim(
            f"1.2 dh_i/dw {tag}",
            title="dh_i/dw = x_i",
            source="seed 1.2",
            lhs=Matrix.hstack(*[hs[i:i + 1, :].jacobian(w).T for i in range(n)]),
            rhs=X.T,
            by="expand",
            scope=scope,
        ),
        Claim(
            f"1.3 gradient {tag}",
            title="dE/dw = X^T (z - y)",
            source="seed 1.3",
            lhs=Matrix([E.diff(wj) for wj in w]),
            steps=[
                Step(sum(((z[i] - y[i]) * rows[i] for i in range(n)), Matrix.zeros(p, 1)), by="cancel",
                     note="chain rule with dz/dh = z(1 - z): each term is x_i (z_i - y_i)"),
                Step(X.T * (z - y), by="expand", note="stack the x_i as the rows of X"),
            ],
            scope=scope,
        ),
        Claim(
            f"1.3 bias gradient {tag}",
            title="dE/db = sum_i (z_i - y_i)",
            source="seed 1.3",
            lhs=E.diff(b),
            rhs=sum(z[i] - y[i] for i in range(n)),
            by="cancel",
            scope=scope,
        ),
        Claim(
            f"1.3e gradient as written {tag}",
            title="erratum: dE/dw = X^T (y - z) (sign flipped)",
            source="seed 1.3e",
            lhs=Matrix([E.diff(wj) for wj in w]),
            rhs=X.T * (y - z),
            expect=Status.REFUTED,
            scope=scope,
        ),
        Claim(
            f"1.4 Hessian {tag}",
            title="H = sum_i a_i x_i x_i^T = X^T diag(a) X, a_i = z_i (1 - z_i)",
            source="seed 1.4",
            lhs=hessian(E, list(w)),
            steps=[
                Step(sum((a[i] * rows[i] * rows[i].T for i in range(n)), Matrix.zeros(p, p)), by="cancel",
                     note="differentiate sum_i x_i (z_i - y_i) once more"),
                Step(X.T * diag(*a) * X, by="expand", note="as matrices"),
            ],
            scope=scope,
        ),
    ]


derivation = Derivation(
    name="logistic_regression",
    title="Logistic regression: sigmoid derivative, gradient and Hessian of the cross-entropy",
    source="seed 1",
    claims=tuple(scalar_claims + [c for n, p in ((2, 2), (3, 2)) for c in claims_at(n, p)]),
    assumptions=(
        "h_i = w^T x_i + b, z_i = sigma(h_i) = 1/(1 + exp(-h_i))",
        "E(w, b) = -sum_i [y_i ln z_i + (1 - y_i) ln(1 - z_i)]",
        "matrix claims are checked at (n, p) = (2, 2) and (3, 2): each verdict holds at that size only",
    ),
)
