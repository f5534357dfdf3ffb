"""Logistic regression is convex: derivative of the sigmoid, gradient and Hessian of
the cross-entropy (seed 1.1 to 1.4; errata 1.1e and 1.3e).

h_i = w^T x_i + b, z_i = sigma(h_i) = 1/(1 + exp(-h_i)),
E(w, b) = -sum_i [y_i ln z_i + (1 - y_i) ln(1 - z_i)], X has the x_i^T as rows.
The sigmoid is written out with exp, so its derivative is derived, not assumed.

The gradient and Hessian claims are stated for a symbolic number of examples n and
features p, entry by entry (x[i, m], w[m], sums up to n and p): they are proved for
all n >= 1, p >= 1, and cross-checked numerically at n = p = 1, 2, 3, 7, 50. The
same claims in matrix form at (n, p) = (2, 2) and (3, 2) follow: each of those holds
at that size only.
"""

from sympy import Derivative, IndexedBase, Matrix, Sum, Symbol, diag, exp, hessian, log, sqrt, symbols, zeros

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


def all_sizes_claims() -> list[Claim]:
    """1.3 (with erratum 1.3e) and 1.4 for all n >= 1 examples and p >= 1 features."""
    n = Symbol("n", integer=True, positive=True)
    p = Symbol("p", integer=True, positive=True)
    i, j, l, m = symbols("i j l m", integer=True)
    x = IndexedBase("x", real=True)  # x[i, m]: feature m of example i, the rows of X
    w = IndexedBase("w", real=True)
    y = IndexedBase("y", real=True)
    b = Symbol("b", real=True)

    def z(a):
        """z_a = sigma(h_a), h_a = sum_m x[a, m] w[m] + b."""
        return sigma(Sum(x[a, m] * w[m], (m, 1, p)) + b)

    E = -Sum(y[i] * log(z(i)) + (1 - y[i]) * log(1 - z(i)), (i, 1, n))
    sizes = [n, p]
    return [
        Claim(
            "1.3 gradient",
            title="dE/dw_j = sum_i x_ij (z_i - y_i), i.e. X^T (z - y)",
            source="seed 1.3",
            lhs=Derivative(E, w[j]),
            rhs=Sum(x[i, j] * (z(i) - y[i]), (i, 1, n)),
            sizes=sizes,
            indices={j: (1, p)},
        ),
        Claim(
            "1.3 bias gradient",
            title="dE/db = sum_i (z_i - y_i)",
            source="seed 1.3",
            lhs=Derivative(E, b),
            rhs=Sum(z(i) - y[i], (i, 1, n)),
            sizes=sizes,
        ),
        Claim(
            "1.3e gradient as written",
            title="erratum: dE/dw = X^T (y - z) (sign flipped)",
            source="seed 1.3e",
            lhs=Derivative(E, w[j]),
            rhs=Sum(x[i, j] * (y[i] - z(i)), (i, 1, n)),
            expect=Status.REFUTED,
            sizes=sizes,
            indices={j: (1, p)},
        ),
        Claim(
            "1.4 Hessian",
            title="d2E/dw_j dw_l = sum_i a_i x_ij x_il, i.e. X^T diag(a) X, a_i = z_i (1 - z_i)",
            source="seed 1.4",
            lhs=Derivative(E, w[j], w[l]),
            steps=[
                Step(Derivative(Sum(x[i, j] * (z(i) - y[i]), (i, 1, n)), w[l]), note="differentiate the gradient (1.3)"),
                Step(Sum(z(i) * (1 - z(i)) * x[i, j] * x[i, l], (i, 1, n)), note="dz_i/dw_l = z_i (1 - z_i) x_il"),
            ],
            sizes=sizes,
            indices={j: (1, p), l: (1, p)},
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


def network(n: int, p: int):
    """X, w, b, y, z, E and a = z (1 - z) at n examples and p features (as in claims_at)."""
    X = Matrix(n, p, lambda i, j: Symbol(f"x{i + 1}{j + 1}", real=True))
    w = Matrix(symbols(f"w1:{p + 1}", real=True))
    y = Matrix(symbols(f"y1:{n + 1}", real=True))
    b = Symbol("b", real=True)
    z = (X * w + Matrix([b] * n)).applyfunc(sigma)
    E = -sum(y[i] * log(z[i]) + (1 - y[i]) * log(1 - z[i]) for i in range(n))
    a = z.applyfunc(lambda zi: zi * (1 - zi))
    return X, w, b, y, z, E, a


def convexity_claims_at(n: int, p: int) -> list[Claim]:
    """1.5 (H = A^T A is PSD) and 1.5e (the seed's 'positive definite') at n examples, p features."""
    X, w, b, y, z, E, a = network(n, p)
    A = diag(*[sqrt(ai) for ai in a]) * X
    scope = f"n = {n}, p = {p}"
    tag = f"[n={n}, p={p}]"
    return [
        Claim(
            f"1.5 Hessian is PSD {tag}",
            title="H = A^T A with A = diag(sqrt(a)) X, so H >= 0 and E is convex in w",
            source="seed 1.5",
            lhs=hessian(E, list(w)),
            steps=[
                Step(X.T * diag(*a) * X, by="cancel", note="1.4"),
                Step(A.T * A, by="expand", note="sqrt(a_i)^2 = a_i"),
                Step(zeros(p, p), relation=">=", certificate=A,
                     note="Gram factor: v^T A^T A v = |A v|^2; A is real as a_i = z_i (1 - z_i) > 0"),
            ],
            scope=scope,
        ),
        Claim(
            f"1.5e Hessian positive definite as written {tag}",
            title="erratum: H is positive definite (so E has a unique minimum)",
            source="seed 1.5e",
            lhs=hessian(E, list(w)),
            rhs=zeros(p, p),
            relation=">",
            expect=Status.REFUTED,
            scope=scope,
            note="needs X of full column rank; a rank-deficient X gives v != 0 with v^T H v = 0",
        ),
    ]


def descent_claims_at(n: int, p: int) -> list[Claim]:
    """1.6: along -grad, E decreases to first order: dE/d(eta) at eta = 0 is -|grad|^2 <= 0."""
    X, w, b, y, z, E, a = network(n, p)
    eta = Symbol("eta", real=True)
    grad_w = [E.diff(wj) for wj in w]
    grad_b = E.diff(b)
    # One gradient-descent step: w <- w - eta dE/dw, b <- b - eta dE/db (simultaneous update).
    step = {**{wj: wj - eta * gj for wj, gj in zip(w, grad_w)}, b: b - eta * grad_b}
    slope = E.xreplace(step).diff(eta).subs(eta, 0)
    gw = X.T * (z - y)
    gb = sum(z[i] - y[i] for i in range(n))
    return [
        Claim(
            f"1.6 descent direction [n={n}, p={p}]",
            title="w <- w - eta dE/dw, b <- b - eta dE/db: d E/d eta at eta = 0 is -|grad E|^2 <= 0",
            source="seed 1.6",
            lhs=slope,
            steps=[
                Step(-(sum(gj**2 for gj in grad_w) + grad_b**2), by="expand", note="chain rule through the update"),
                Step(-((gw.T * gw)[0, 0] + gb**2), by="cancel", note="1.3: dE/dw = X^T (z - y), dE/db = sum (z_i - y_i)"),
                Step(0, relation="<=", note="a sum of squares of real numbers is >= 0"),
            ],
            scope=f"n = {n}, p = {p}",
        ),
    ]


convexity_claims = convexity_claims_at(2, 2) + convexity_claims_at(3, 2) + descent_claims_at(1, 2)


derivation = Derivation(
    name="logistic_regression",
    title="Logistic regression: sigmoid derivative, gradient and Hessian of the cross-entropy",
    source="seed 1",
    claims=tuple(scalar_claims + all_sizes_claims() + [c for n, p in ((2, 2), (3, 2)) for c in claims_at(n, p)] + convexity_claims),
    assumptions=(
        "h_i = w^T x_i + b, z_i = sigma(h_i) = 1/(1 + exp(-h_i))",
        "E(w, b) = -sum_i [y_i ln z_i + (1 - y_i) ln(1 - z_i)]",
        "claims without [n=..., p=...] are for symbolic sizes: proved for all n >= 1, p >= 1",
        "matrix claims are checked at (n, p) = (2, 2) and (3, 2): each verdict holds at that size only",
    ),
)
