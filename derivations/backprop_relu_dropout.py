"""Back-propagation through softmax, ReLU and dropout (seed 3.1 to 3.6).

Network: z1 = W1 x, a_hat = relu(z1), a = m * a_hat (dropout mask m, elementwise),
z2 = W2 a, yhat = softmax(z2), L = -sum_i y_i ln yhat_i, y on the simplex.
3.2 (dL/dz2 = yhat - y) and its erratum 3.2e are 7.1 and 3.2e at general k: they are
stated once, in softmax_hessian.py, citing both.

ReLU is relu(z) = Max(z, 0). It is not differentiable at z = 0 (claim 3.3 shows the
two one-sided difference quotients, 1 and 0), so every claim through it holds where
each pre-activation has a sign, and the indicator 1[z > 0] takes the value 0 at z = 0
*by convention* (the seed writes 1 for z >= 0; either choice is a convention, and
SymPy's Heaviside(0) = 1/2 is not used for it). For 3.6, relu'(z1_j) is a 0/1 symbol
r_j per hidden unit: on each sign region relu(z1_j) = r_j z1_j with r_j constant
(claims "3.6 relu = r z"), and the gradient identity holds for every r, so for all
2^H sign patterns at once.

3.1, 3.4, 3.5 and 3.6 are stated for symbolic sizes (k classes, H hidden units, D
inputs), as the seed does, and proved for all sizes.
"""

from sympy import Derivative, Eq, IndexedBase, KroneckerDelta, Max, Piecewise, Sum, Symbol, exp, log, symbols

from verifier import Claim, Derivation

k = Symbol("k", integer=True, positive=True)  # classes
H = Symbol("H", integer=True, positive=True)  # hidden units
D = Symbol("D", integer=True, positive=True)  # inputs
i, j, l, c, d, q, s = symbols("i j l c d q s", integer=True)
W1 = IndexedBase("W", real=True)  # first layer, H x D
W2 = IndexedBase("V", real=True)  # second layer, k x H
x = IndexedBase("x", real=True)
m = IndexedBase("m", real=True)  # dropout mask
r = IndexedBase("r", real=True)  # r_j = relu'(z1_j) = 1[z1_j > 0], 0 or 1, constant on a sign region
a_hat = IndexedBase("ahat", real=True)
a = IndexedBase("a", real=True)
z = IndexedBase("z", real=True)
y = IndexedBase("y", nonnegative=True)
delta = KroneckerDelta


def relu(t):
    return Max(t, 0)


def indicator(t):
    """1[t > 0], with the convention 1[0] = 0 (an explicit choice, see the module docstring)."""
    return Piecewise((1, t > 0), (0, True))


def softmax_entry(logit, index, size):
    """yhat_index = exp(logit(index)) / sum_d exp(logit(d))."""
    return exp(logit(index)) / Sum(exp(logit(d)), (d, 1, size))


# 3.3: the ReLU on one real number.
t = Symbol("t", real=True)

# 3.6: the whole network, as a function of W1, with relu(z1_j) = r_j z1_j.
z1 = lambda row: Sum(W1[row, q] * x[q], (q, 1, D))  # noqa: E731
z2 = lambda row: Sum(W2[row, s] * m[s] * r[s] * z1(s), (s, 1, H))  # noqa: E731
L_net = -Sum(y[c] * log(softmax_entry(z2, c, k)), (c, 1, k))
simplex = Eq(Sum(y[c], (c, 1, k)), 1)

claims = [
    Claim(
        "3.1 softmax Jacobian",
        title="d yhat_c / d z_i = yhat_c (delta_ci - yhat_i)",
        source="seed 3.1",
        lhs=Derivative(softmax_entry(lambda e: z[e], c, k), z[i]),
        rhs=softmax_entry(lambda e: z[e], c, k) * (delta(c, i) - softmax_entry(lambda e: z[e], i, k)),
        sizes=[k],
        indices={c: (1, k), i: (1, k)},
    ),
    Claim(
        "3.3 relu' for z > 0",
        title="d relu(z)/dz = 1 where z > 0",
        source="seed 3.3",
        lhs=relu(t).diff(t),
        rhs=1,
        where=[t > 0],
    ),
    Claim(
        "3.3 relu' for z < 0",
        title="d relu(z)/dz = 0 where z < 0",
        source="seed 3.3",
        lhs=relu(t).diff(t),
        rhs=0,
        where=[t < 0],
    ),
    Claim(
        "3.3 right quotient at 0",
        title="(relu(h) - relu(0))/h = 1 for h > 0",
        source="seed 3.3",
        lhs=(relu(t) - relu(0)) / t,
        rhs=1,
        where=[t > 0],
        note="with the next claim: the one-sided derivatives at 0 are 1 and 0, so relu'(0) is a convention",
    ),
    Claim(
        "3.3 left quotient at 0",
        title="(relu(h) - relu(0))/h = 0 for h < 0",
        source="seed 3.3",
        lhs=(relu(t) - relu(0)) / t,
        rhs=0,
        where=[t < 0],
    ),
    Claim(
        "3.3 convention at 0",
        title="1[z > 0] at z = 0 is 0: a convention (the seed takes 1), not SymPy's Heaviside(0) = 1/2",
        source="seed 3.3",
        lhs=indicator(t),
        rhs=0,
        given=[Eq(t, 0)],
        note="a definition, stated so the trace shows it; no claim below depends on it (they hold on sign regions)",
    ),
    Claim(
        "3.4 dropout Jacobian",
        title="a_j = m_j ahat_j: d a_j / d ahat_l = m_j delta_jl, i.e. da/d a_hat = diag(m)",
        source="seed 3.4",
        lhs=Derivative(m[j] * a_hat[j], a_hat[l]),
        rhs=m[j] * delta(j, l),
        sizes=[H],
        indices={j: (1, H), l: (1, H)},
    ),
    Claim(
        "3.5 second-layer Jacobian",
        title="z2_c = sum_s W2_cs a_s: d z2_c / d a_l = W2_cl, i.e. dz2/da = W2",
        source="seed 3.5",
        lhs=Derivative(Sum(W2[c, s] * a[s], (s, 1, H)), a[l]),
        rhs=W2[c, l],
        sizes=[k, H],
        indices={c: (1, k), l: (1, H)},
    ),
    Claim(
        "3.6 relu = r z where z > 0",
        title="relu(z) = r z with r = 1[z > 0] = 1",
        source="seed 3.6",
        lhs=relu(t),
        rhs=indicator(t) * t,
        where=[t > 0],
    ),
    Claim(
        "3.6 relu = r z where z < 0",
        title="relu(z) = r z with r = 1[z > 0] = 0",
        source="seed 3.6",
        lhs=relu(t),
        rhs=indicator(t) * t,
        where=[t < 0],
    ),
    Claim(
        "3.6 dL/dW1",
        title="dL/dW1_jl = (sum_c W2_cj (yhat_c - y_c)) m_j r_j x_l, i.e. [(W2^T (yhat - y)) * m * 1[z1 > 0]] x^T",
        source="seed 3.6",
        lhs=Derivative(L_net, W1[j, l]),
        rhs=Sum(W2[c, j] * (softmax_entry(z2, c, k) - y[c]), (c, 1, k)) * m[j] * r[j] * x[l],
        given=[simplex],
        sizes=[k, H, D],
        indices={j: (1, H), l: (1, D)},
        note="chain rule dL/dz2 . dz2/da . da/dahat . dahat/dz1 . dz1/dW1 with sum y = 1; "
        "r_j = 1[z1_j > 0] is constant where z1_j != 0, and the identity holds for every r",
    ),
]

derivation = Derivation(
    name="backprop_relu_dropout",
    title="Back-propagation through softmax, ReLU and dropout",
    source="seed 3",
    claims=tuple(claims),
    assumptions=(
        "z1 = W1 x, a_hat = relu(z1) = Max(z1, 0), a = m * a_hat (dropout mask m), z2 = W2 a (W2 entries V_cs), yhat = softmax(z2)",
        "L = -sum_c y_c ln yhat_c with y on the simplex (a given fact of the claims that need it)",
        "ReLU convention at 0: 1[z > 0] is 0 at z = 0 (relu is not differentiable there; "
        "SymPy's Heaviside(0) = 1/2 is not used); the claims through relu hold on sign regions of z1",
        "3.6: relu'(z1_j) = r_j, a 0/1 symbol per hidden unit, constant on each sign region",
        "sizes k (classes), H (hidden units), D (inputs) are symbolic: proved for all k, H, D >= 1",
    ),
)
