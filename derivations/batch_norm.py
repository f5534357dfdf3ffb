"""Batch normalisation: the backward pass over a mini-batch of n values (seed 2.1 to 2.6; erratum 2.5e).

The seed's layer centres only: xhat_j = x_j - mu with mu = (1/n) sum_m x_m, and
yhat_j = gamma xhat_j + beta. The loss L enters only through its upstream gradient
g_j = dL/dyhat_j (chain rule: dL/dx_i = sum_j g_j dyhat_j/dx_i), so the claims hold
for every loss. 2.6 is the real layer, with the variance.

Claims with a symbolic n are proved for all n >= 1 and cross-checked numerically at
n = 1, 2, 3, 7, 50; 2.4 is about n = 1 only and 2.5 about the limit n -> oo.
"""

from sympy import Derivative, IndexedBase, KroneckerDelta, Limit, Sum, Symbol, oo, sqrt, symbols

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


claims = [
    Claim(
        "2.1 centring Jacobian",
        title="d xhat_j / d x_i = delta_ij - 1/n",
        source="seed 2.1",
        lhs=Derivative(xhat(j), x[i]),
        rhs=delta(i, j) - 1 / n,
        sizes=[n],
        indices={i: (1, n), j: (1, n)},
    ),
    Claim(
        "2.2 through the affine map",
        title="dL/d xhat_i = gamma dL/d yhat_i",
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
        title="dL/dx_i = gamma g_i - (gamma/n) sum_j g_j",
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
        title="n = 1: xhat_1 = 0, so dL/dx_1 = 0",
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
        title="d xhat_j / d x_i = delta_ij - 1/n tends to delta_ij as n -> oo",
        source="seed 2.5",
        lhs=Limit(delta(i, j) - 1 / n, n, oo),
        rhs=delta(i, j),
        scope="n -> oo, each entry (2.1 for all n)",
    ),
    Claim(
        "2.5e correction with g_j = 1",
        title="with g_j = 1 for every j the correction (gamma/n) sum_j g_j is gamma for every n",
        source="seed 2.5e (support: the arithmetic behind the counterexample)",
        lhs=gamma / n * Sum(1, (r, 1, n)),
        rhs=gamma,
        sizes=[n],
    ),
    Claim(
        "2.5e conclusion as written, g_j = 1",
        title="erratum: dL/dx_i -> gamma g_i; with g_j = 1, dL/dx_i = gamma - gamma = 0 for every n, not gamma",
        source="seed 2.5e",
        lhs=Sum(Derivative(gamma * xhat(r) + beta, x[i]), (r, 1, n)),
        rhs=gamma,
        expect=Status.REFUTED,
        sizes=[n],
        indices={i: (1, n)},
    ),
    Claim(
        "2.6 full batch norm",
        title="dL/dx_i = gamma / (n sqrt(var + eps)) (n g_i - sum_j g_j - xhat_i sum_j g_j xhat_j)",
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
    assumptions=(
        "centring layer: xhat_j = x_j - (1/n) sum_m x_m, yhat_j = gamma xhat_j + beta",
        "full layer (2.6): xhat_j = (x_j - mu) / sqrt(var + epsilon), var = (1/n) sum_m (x_m - mu)^2, epsilon > 0",
        "g_j = dL/dyhat_j is the upstream gradient; dL/dx_i = sum_j g_j dyhat_j/dx_i",
        "claims over a symbolic n are proved for all n >= 1",
    ),
)
