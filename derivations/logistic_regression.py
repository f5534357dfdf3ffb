"""Logistic regression is convex: derivative of the sigmoid, gradient and Hessian of
the cross-entropy, their bounds and the descent step (seed 1.1 to 1.6; errata 1.1e,
1.3e, 1.3be, 1.5e).

h_i = w^T x_i + b, z_i = sigma(h_i) = 1/(1 + exp(-h_i)),
E(w, b) = -sum_i [y_i ln z_i + (1 - y_i) ln(1 - z_i)], X has the x_i^T as rows.
The sigmoid is written out with exp, so its derivative is derived, not assumed.

The seed states 1.2 to 1.6 for any number of examples n and features p: they are
stated here for symbolic n and p, entry by entry (x[i, m], w[m], sums up to n and p),
proved for all n >= 1, p >= 1 and cross-checked numerically at n = p = 1, 2, 3, 7, 16.
The PSD conclusion of 1.5 is an inequality over symbolic sizes, proved for all n, p
with its sum-of-squares certificate; the seed's definiteness erratum 1.5e is refuted at
n = p = 2 by a rank-deficient X. 1.6 is proved for all n, p twice: the slope along any
direction (u, u_0), and the seed's step along -grad, whose update uses the gradient
as 1.3 proves it; the chain rule, the exchange of the sums over examples and features
(sum_i (z_i - y_i) x_im = dE/dw_m) and the sum of squares give -|grad E|^2 <= 0.
"""

from sympy import Derivative, Eq, IndexedBase, Matrix, Rational, Sum, Symbol, diag, exp, log, sqrt, symbols, zeros

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
    Claim(
        "1.4 a_i > 0",
        title="a = z (1 - z) > 0 for z = sigma(h)",
        source="seed 1.4",
        lhs=sigma(h) * (1 - sigma(h)),
        steps=[
            Step(exp(-h) / (1 + exp(-h)) ** 2, by="cancel", note="1 - sigma(h) = exp(-h) sigma(h)"),
            Step(0, relation=">", note="exp of a real is > 0, and so is 1 + exp(-h)"),
        ],
    ),
    Claim(
        "1.4 a_i <= 1/4",
        title="a = z (1 - z) <= 1/4: 1/4 - z (1 - z) = (z - 1/2)^2",
        source="seed 1.4",
        lhs=sigma(h) * (1 - sigma(h)),
        rhs=Rational(1, 4),
        relation="<=",
        certificate=(sigma(h) - Rational(1, 2)) ** 2,
        note="the seed shows only a_i < 1; the bound 1/4 is the one that holds (at h = 0)",
    ),
]


def all_sizes_claims() -> list[Claim]:
    """1.2 to 1.6 (with errata 1.3e and 1.3be) for all n >= 1 examples and p >= 1 features."""
    n = Symbol("n", integer=True, positive=True)
    p = Symbol("p", integer=True, positive=True)
    i, j, k, l, m = symbols("i j k l m", integer=True)
    x = IndexedBase("x", real=True)  # x[i, m]: feature m of example i, the rows of X
    w = IndexedBase("w", real=True)
    y = IndexedBase("y", real=True)
    u = IndexedBase("u", real=True)  # a direction for w (1.6)
    v = IndexedBase("v", real=True)  # a test vector (1.5)
    a_ = IndexedBase("a", positive=True)  # a_i = z_i (1 - z_i) > 0 (1.4)
    b, u0, eta = symbols("b u_0 eta", real=True)

    def h(c, step=0, uw=lambda d: u[d], ub=u0):
        """h_c = sum_m x[c, m] w[m] + b, at w - step u, b - step u_0 (u_m = uw(m), u_0 = ub)."""
        if step == 0:
            return Sum(x[c, m] * w[m], (m, 1, p)) + b
        return Sum(x[c, m] * (w[m] - step * uw(m)), (m, 1, p)) + b - step * ub

    def z(c, step=0, **direction):
        return sigma(h(c, step, **direction))

    def E(step=0, **direction):
        return -Sum(y[i] * log(z(i, step, **direction)) + (1 - y[i]) * log(1 - z(i, step, **direction)), (i, 1, n))

    def grad_w(d):
        """dE/dw_d = sum_k x_kd (z_k - y_k), as 1.3 proves."""
        return Sum(x[k, d] * (z(k) - y[k]), (k, 1, n))

    grad_b = Sum(z(k) - y[k], (k, 1, n))  # dE/db (1.3)

    sizes = [n, p]
    A = lambda c, d: sqrt(a_[c]) * x[c, d]  # noqa: E731  A = diag(sqrt(a)) X
    return [
        Claim(
            "1.2 dh_i/dw",
            title="dh_i/dw_j = x_ij, i.e. dh_i/dw = x_i",
            source="seed 1.2",
            lhs=Derivative(h(i), w[j]),
            rhs=x[i, j],
            sizes=sizes,
            indices={i: (1, n), j: (1, p)},
        ),
        Claim(
            "1.3 gradient",
            title="dE/dw_j = sum_i x_ij (z_i - y_i), i.e. X^T (z - y)",
            source="seed 1.3",
            lhs=Derivative(E(), w[j]),
            rhs=Sum(x[i, j] * (z(i) - y[i]), (i, 1, n)),
            sizes=sizes,
            indices={j: (1, p)},
        ),
        Claim(
            "1.3 bias gradient",
            title="dE/db = sum_i (z_i - y_i)",
            source="seed 1.3",
            lhs=Derivative(E(), b),
            rhs=Sum(z(i) - y[i], (i, 1, n)),
            sizes=sizes,
        ),
        Claim(
            "1.3e gradient as written",
            title="erratum: dE/dw = X^T (y - z) (sign flipped)",
            source="seed 1.3e",
            lhs=Derivative(E(), w[j]),
            rhs=Sum(x[i, j] * (y[i] - z(i)), (i, 1, n)),
            expect=Status.REFUTED,
            sizes=sizes,
            indices={j: (1, p)},
        ),
        Claim(
            "1.3be bias gradient as written",
            title="erratum: dE/db = sum_i (y_i - z_i) (sign flipped, as for dE/dw)",
            source="seed 1.3be",
            lhs=Derivative(E(), b),
            rhs=Sum(y[i] - z(i), (i, 1, n)),
            expect=Status.REFUTED,
            sizes=sizes,
        ),
        Claim(
            "1.4 Hessian",
            title="d2E/dw_j dw_l = sum_i a_i x_ij x_il, i.e. X^T diag(a) X, a_i = z_i (1 - z_i)",
            source="seed 1.4",
            lhs=Derivative(E(), w[j], w[l]),
            steps=[
                Step(
                    Derivative(Sum(x[i, j] * (z(i) - y[i]), (i, 1, n)), w[l]), note="differentiate the gradient (1.3)"
                ),
                Step(Sum(z(i) * (1 - z(i)) * x[i, j] * x[i, l], (i, 1, n)), note="dz_i/dw_l = z_i (1 - z_i) x_il"),
            ],
            sizes=sizes,
            indices={j: (1, p), l: (1, p)},
        ),
        Claim(
            "1.5 H = A^T A",
            title="(X^T diag(a) X)_jl = (A^T A)_jl with A = diag(sqrt(a)) X, for a_i > 0",
            source="seed 1.5",
            lhs=Sum(a_[i] * x[i, j] * x[i, l], (i, 1, n)),
            rhs=Sum(A(i, j) * A(i, l), (i, 1, n)),
            sizes=sizes,
            indices={j: (1, p), l: (1, p)},
            note="a_i stands for z_i (1 - z_i), which is > 0 (1.4)",
        ),
        Claim(
            "1.5 H is PSD",
            title="v^T H v = sum_i a_i (v^T x_i)(x_i^T v) = sum_i a_i (x_i^T v)^2 = |A v|^2 >= 0: H is PSD, E is convex in w",
            source="seed 1.5",
            lhs=Sum(a_[i] * Sum(v[j] * x[i, j], (j, 1, p)) * Sum(x[i, l] * v[l], (l, 1, p)), (i, 1, n)),
            rhs=0,
            relation=">=",
            certificate=Sum(a_[i] * Sum(x[i, j] * v[j], (j, 1, p)) ** 2, (i, 1, n)),
            sizes=sizes,
            note="H = sum_i a_i x_i x_i^T as the seed writes it (1.4); the certificate is |A v|^2, a_i > 0",
        ),
        Claim(
            "1.6 descent slope",
            title="w <- w - eta u, b <- b - eta u_0: dE/d eta at eta = 0 is -sum_i (z_i - y_i)(u . x_i + u_0)",
            source="seed 1.6",
            lhs=Derivative(E(eta), eta),
            rhs=-Sum((z(i) - y[i]) * (Sum(x[i, m] * u[m], (m, 1, p)) + u0), (i, 1, n)),
            given=[Eq(eta, 0)],
            sizes=sizes,
            note="the chain rule through the update along any direction (u, u_0)",
        ),
        Claim(
            "1.6 descent step",
            title="w <- w - eta dE/dw, b <- b - eta dE/db: dE/d eta at eta = 0 is -|grad E|^2 <= 0",
            source="seed 1.6",
            lhs=Derivative(E(eta, uw=grad_w, ub=grad_b), eta),
            steps=[
                Step(
                    -Sum((z(i) - y[i]) * (Sum(x[i, m] * grad_w(m), (m, 1, p)) + grad_b), (i, 1, n)),
                    note="chain rule: dE/dh_i = z_i - y_i and dh_i/d eta = -(x_i . dE/dw + dE/db)",
                ),
                Step(
                    -Sum(grad_w(m) ** 2, (m, 1, p)) - grad_b**2,
                    note="exchange the sums over examples and features: sum_i (z_i - y_i) x_im = dE/dw_m (1.3)",
                ),
                Step(0, relation="<=", note="a sum of squares of real numbers is >= 0"),
            ],
            given=[Eq(eta, 0)],
            sizes=sizes,
            note="the update uses the gradient as 1.3 proves it: dE/dw_m = sum_k x_km (z_k - y_k), dE/db = sum_k (z_k - y_k)",
        ),
    ]


def network(n: int, p: int):
    """X, w, b, y, z, E and a = z (1 - z) at n examples and p features."""
    X = Matrix(n, p, lambda i, j: Symbol(f"x{i + 1}{j + 1}", real=True))
    w = Matrix(symbols(f"w1:{p + 1}", real=True))
    y = Matrix(symbols(f"y1:{n + 1}", real=True))
    b = Symbol("b", real=True)
    z = (X * w + Matrix([b] * n)).applyfunc(sigma)
    E = -sum(y[i] * log(z[i]) + (1 - y[i]) * log(1 - z[i]) for i in range(n))
    a = z.applyfunc(lambda zi: zi * (1 - zi))
    return X, w, b, y, z, E, a


def convexity_claims_at(n: int, p: int) -> list[Claim]:
    """1.5e (the seed's 'positive definite') at n examples, p features (1.5 itself is proved for all sizes).

    H is taken in the form 1.4 proves for all sizes, X^T diag(a) X, so the Hessian is not
    differentiated again here.
    """
    X, w, b, y, z, E, a = network(n, p)
    H = X.T * diag(*a) * X
    scope = f"n = {n}, p = {p}"
    tag = f"[n={n}, p={p}]"
    return [
        Claim(
            f"1.5e Hessian positive definite as written {tag}",
            title="erratum: H = X^T diag(a) X is positive definite (so E has a unique minimum)",
            source="seed 1.5e",
            lhs=H,
            rhs=zeros(p, p),
            relation=">",
            expect=Status.REFUTED,
            scope=scope,
            note="needs X of full column rank; a rank-deficient X gives v != 0 with v^T H v = 0",
        ),
    ]


derivation = Derivation(
    name="logistic_regression",
    title="Logistic regression: sigmoid derivative, gradient and Hessian of the cross-entropy",
    source="seed 1",
    claims=tuple(scalar_claims + all_sizes_claims() + convexity_claims_at(2, 2)),
    assumptions=(
        "h_i = w^T x_i + b, z_i = sigma(h_i) = 1/(1 + exp(-h_i))",
        "E(w, b) = -sum_i [y_i ln z_i + (1 - y_i) ln(1 - z_i)]",
        "claims without [n=..., p=...] are for symbolic sizes: proved for all n >= 1, p >= 1",
        "1.5 for all sizes takes a_i > 0 for z_i (1 - z_i), which 1.4 proves positive",
        "1.6 takes one step of the update w <- w - eta dE/dw, b <- b - eta dE/db, with dE/dw and dE/db as 1.3 proves them",
        "claims marked [n=..., p=...] have explicit entries: each verdict holds at that size only",
    ),
)
