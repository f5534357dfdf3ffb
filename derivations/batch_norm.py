"""Batch normalisation: the backward pass over a mini-batch of n values (seed 2.1 to 2.6; erratum 2.5e).

The seed's layer centres only: xhat_j = x_j - mu with mu = (1/n) sum_m x_m, and
yhat_j = gamma xhat_j + beta. The loss L enters only through its upstream gradient
g_j = dL/dyhat_j (chain rule: dL/dx_i = sum_j g_j dyhat_j/dx_i), so the claims hold
for every loss. 2.6 is the real layer, with the variance.

Claims with a symbolic n are proved for all n >= 1 and cross-checked numerically at
n = 1, 2, 3, 7, 50; 2.4 is about n = 1 only and 2.5 about the limit n -> oo.
"""

from sympy import Derivative, Eq, IndexedBase, KroneckerDelta, Limit, Sum, Symbol, oo, sqrt, symbols

from verifier import Claim, Derivation, Status, Step

n = Symbol("n", integer=True, positive=True)
i, j, m, r = symbols("i j m r", integer=True)
x = IndexedBase("x", real=True)  # the mini-batch
g = IndexedBase("g", real=True)  # upstream gradients dL/dyhat_j
xh = IndexedBase("xhat", real=True)  # xhat as independent variables (2.2)
gamma, beta = symbols("gamma beta", real=True)
epsilon = Symbol("epsilon", positive=True)
delta = KroneckerDelta

mu = Sum(x[m], (m, 1, n)) / n


def xhat(a):
    """Mean-centred value a."""
    return x[a] - mu


def dL_dx(a, centred=xhat, upstream=g):
    """dL/dx_a by the chain rule through yhat_r = gamma centred(r) + beta."""
    return Sum(upstream[r] * Derivative(gamma * centred(r) + beta, x[a]), (r, 1, n))


variance = Sum((x[m] - mu) ** 2, (m, 1, n)) / n
s = sqrt(variance + epsilon)


def xhat_full(a):
    """Normalised value a of the full layer: (x_a - mu) / sqrt(var + epsilon)."""
    return (x[a] - mu) / s


# Names for printing only: the trace and the appendix write mu, sigma^2, s and xhat_a
# for these subexpressions and define each once. The engine never sees them.
MU, VAR, S, L = Symbol("mu"), Symbol("sigma^2"), Symbol("s"), Symbol("L")
XH, YH = IndexedBase("xhat"), IndexedBase("yhat")
a = Symbol("a", integer=True)
names = {MU: mu, VAR: variance, S: s, XH[a]: xhat_full(a)}


def title(lhs, rhs, words=""):
    """A maths title: the claim as an equation (printed by each renderer's printer), then words."""
    return (Eq(lhs, rhs, evaluate=False),) + ((words,) if words else ())


claims = [
    Claim(
        "2.1 centring Jacobian",
        title=title(Derivative(XH[j], x[i]), delta(i, j) - 1 / n, " for the centring layer"),
        source="seed 2.1",
        lhs=Derivative(xhat(j), x[i]),
        rhs=delta(i, j) - 1 / n,
        sizes=[n],
        indices={i: (1, n), j: (1, n)},
    ),
    Claim(
        "2.2 through the affine map",
        title=title(Derivative(L, XH[i]), gamma * Derivative(L, YH[i])),
        source="seed 2.2",
        lhs=Sum(g[r] * Derivative(gamma * xh[r] + beta, xh[i]), (r, 1, n)),
        steps=[
            Step(Sum(g[r] * gamma * delta(r, i), (r, 1, n)), note="d yhat_r / d xhat_i = gamma delta_ri"),
            Step(gamma * g[i], note="the delta picks r = i"),
        ],
        sizes=[n],
        indices={i: (1, n)},
    ),
    Claim(
        "2.3 backward pass",
        title=title(Derivative(L, x[i]), gamma * g[i] - gamma / n * Sum(g[j], (j, 1, n))),
        source="seed 2.3",
        lhs=dL_dx(i),
        steps=[
            Step(Sum(g[r] * gamma * (delta(r, i) - 1 / n), (r, 1, n)), note="2.1"),
            Step(gamma * g[i] - gamma / n * Sum(g[r], (r, 1, n)), note="the delta picks r = i"),
        ],
        sizes=[n],
        indices={i: (1, n)},
    ),
    Claim(
        "2.4 one example",
        title=("n = 1: ", Eq(XH[1], 0, evaluate=False), ", so ", Eq(Derivative(L, x[1]), 0, evaluate=False)),
        source="seed 2.4",
        lhs=dL_dx(1).subs(n, 1),
        steps=[
            Step(Sum(g[r] * Derivative(gamma * 0 + beta, x[1]), (r, 1, 1)), note="xhat_1 = x_1 - x_1 = 0"),
            Step(0),
        ],
        scope="n = 1",
    ),
    Claim(
        "2.5 large batch",
        title=(
            Eq(Limit(delta(i, j) - 1 / n, n, oo), delta(i, j), evaluate=False),
            ": the Jacobian 2.1 for a large batch",
        ),
        source="seed 2.5",
        lhs=Limit(delta(i, j) - 1 / n, n, oo),
        rhs=delta(i, j),
        scope="n -> oo, each entry (2.1 for all n)",
    ),
    Claim(
        "2.5e correction with g_j = 1",
        title=(
            "with g_j = 1 for every j the correction ",
            Eq(gamma / n * Sum(g[j], (j, 1, n)), gamma, evaluate=False),
            " for every n",
        ),
        source="seed 2.5e (support: the arithmetic behind the counterexample)",
        lhs=gamma / n * Sum(1, (r, 1, n)),
        rhs=gamma,
        sizes=[n],
    ),
    Claim(
        "2.5e conclusion as written, g_j = 1",
        title=(
            "erratum: ",
            Eq(Derivative(L, x[i]), gamma * g[i], evaluate=False),
            " for a large batch; with g_j = 1, dL/dx_i = 0 for every n, not gamma",
        ),
        source="seed 2.5e",
        lhs=Sum(Derivative(gamma * xhat(r) + beta, x[i]), (r, 1, n)),
        rhs=gamma,
        expect=Status.REFUTED,
        sizes=[n],
        indices={i: (1, n)},
    ),
    Claim(
        "2.6 full batch norm",
        title=title(
            Derivative(L, x[i]),
            gamma / (n * S) * (n * g[i] - Sum(g[j], (j, 1, n)) - XH[i] * Sum(g[j] * XH[j], (j, 1, n))),
            " for the full layer",
        ),
        source="seed 2.6",
        lhs=dL_dx(i, centred=xhat_full),
        rhs=gamma / (n * s) * (n * g[i] - Sum(g[r], (r, 1, n)) - xhat_full(i) * Sum(g[r] * xhat_full(r), (r, 1, n))),
        sizes=[n],
        indices={i: (1, n)},
    ),
]

derivation = Derivation(
    name="batch_norm",
    title="Batch normalisation: the backward pass for every batch size",
    source="seed 2",
    claims=tuple(claims),
    names=names,
    assumptions=(
        "centring layer: xhat_j = x_j - (1/n) sum_m x_m, yhat_j = gamma xhat_j + beta",
        "full layer (2.6): xhat_j = (x_j - mu) / sqrt(var + epsilon), var = (1/n) sum_m (x_m - mu)^2, epsilon > 0",
        "g_j = dL/dyhat_j is the upstream gradient; dL/dx_i = sum_j g_j dyhat_j/dx_i",
        "claims over a symbolic n are proved for all n >= 1",
    ),
)
