"""Back-propagation through softmax, ReLU and dropout (seed 3.1 to 3.6; erratum 3.2e).

Network: z1 = W1 x, a_hat = relu(z1), a = m * a_hat (dropout mask m, elementwise),
z2 = W2 a, yhat = softmax(z2), L = -sum_i y_i ln yhat_i, y on the simplex.

ReLU is relu(z) = Max(z, 0). It is not differentiable at z = 0 (claim 3.3 shows the
two one-sided difference quotients, 1 and 0), so every claim through it is stated on
regions where each pre-activation has a sign, and the indicator 1[z > 0] takes the
value 0 at z = 0 *by convention* (the seed writes 1 for z >= 0; either choice is a
convention, and SymPy's Heaviside(0) = 1/2 is not used for it).

Checked at k = 3 classes, 2 hidden units, 2 inputs: each verdict holds at that size only.
"""

from sympy import Eq, KroneckerDelta, Matrix, Max, Piecewise, Symbol, diag, exp, log, symbols

from verifier import Claim, Derivation, Status, Step

K, H, D = 3, 2, 2  # classes, hidden units, inputs
scope = f"k = {K}, hidden = {H}, inputs = {D}"


def relu(t):
    return Max(t, 0)


def indicator(t):
    """1[t > 0], with the convention 1[0] = 0 (an explicit choice, see the module docstring)."""
    return Piecewise((1, t > 0), (0, True))


def softmax(v):
    S = sum(exp(vi) for vi in v)
    return Matrix([exp(vi) / S for vi in v])


y = Matrix(symbols(f"y1:{K + 1}", nonnegative=True))
simplex = Eq(sum(y), 1)

# 3.1, 3.2: softmax and cross-entropy in the logits z2.
z = Matrix(symbols(f"z1:{K + 1}", real=True))
yhat_z = softmax(z)
L_z = -sum(y[i] * log(yhat_z[i]) for i in range(K))
grad_z = Matrix([L_z.diff(zj) for zj in z])

# 3.3: the ReLU on one real number.
t = Symbol("t", real=True)

# 3.4, 3.5: the dropout and the second layer as maps of their own inputs.
a_hat = Matrix(symbols(f"ahat1:{H + 1}", real=True))
a_sym = Matrix(symbols(f"a1:{H + 1}", real=True))
m = Matrix(symbols(f"m1:{H + 1}", real=True))
W2 = Matrix(K, H, lambda i, j: Symbol(f"V{i + 1}{j + 1}", real=True))

# 3.6: the whole network, as a function of W1.
W1 = Matrix(H, D, lambda i, j: Symbol(f"W{i + 1}{j + 1}", real=True))
x = Matrix(symbols(f"x1:{D + 1}", real=True))
z1 = W1 * x
a_net = m.multiply_elementwise(z1.applyfunc(relu))
yhat_net = softmax(W2 * a_net)
L_net = -sum(y[i] * log(yhat_net[i]) for i in range(K))
dL_dW1 = Matrix(H, D, lambda j, l: L_net.diff(W1[j, l]))


def backprop_claim(signs: str) -> Claim:
    """3.6 on the region where the pre-activations z1_j have the given signs ('+' or '-')."""
    where = [z1[j] > 0 if s == "+" else z1[j] < 0 for j, s in enumerate(signs)]
    delta2 = yhat_net - y  # dL/dz2 (3.2)
    back = W2.T * delta2  # through z2 = W2 a (3.5)
    dropped = back.multiply_elementwise(m)  # through a = m * a_hat (3.4)
    delta1 = dropped.multiply_elementwise(z1.applyfunc(indicator))  # through relu (3.3)
    return Claim(
        f"3.6 dL/dW1 on z1 signs ({', '.join(signs)})",
        title="dL/dW1 = [(W2^T (yhat - y)) * m * 1[z1 > 0]] x^T",
        source="seed 3.6",
        lhs=dL_dW1,
        steps=[
            Step(delta1 * x.T, by="given", note="chain rule dL/dz2 . dz2/da . da/dahat . dahat/dz1 . dz1/dW1, with sum y = 1"),
        ],
        given=[simplex],
        where=where,
        scope=scope,
        note="on this region relu(z1_j) is z1_j or 0 and 1[z1_j > 0] is 1 or 0: no convention at 0 is involved",
    )


claims = [
    Claim(
        "3.1 softmax Jacobian",
        title="d yhat_k / d z_i = yhat_k (delta_ki - yhat_i)",
        source="seed 3.1",
        lhs=yhat_z.jacobian(z),
        rhs=Matrix(K, K, lambda k, i: yhat_z[k] * (KroneckerDelta(k, i) - yhat_z[i])),
        by="cancel",
        scope=f"k = {K}",
    ),
    Claim(
        "3.2 gradient in the logits",
        title="dL/dz2 = yhat - y (y on the simplex)",
        source="seed 3.2",
        lhs=grad_z,
        steps=[
            Step(Matrix([-y[j] + sum(y) * yhat_z[j] for j in range(K)]), by="cancel",
                 note="L = -sum_i y_i z_i + (sum_i y_i) log sum_d exp(z_d)"),
            Step(yhat_z - y, by="given", note="sum_i y_i = 1"),
        ],
        given=[simplex],
        scope=f"k = {K}",
    ),
    Claim(
        "3.2e gradient as written",
        title="erratum: dL/dz2_k = yhat_k (the seed drops -y_k)",
        source="seed 3.2e",
        lhs=grad_z,
        rhs=yhat_z,
        expect=Status.REFUTED,
        given=[simplex],
        scope=f"k = {K}",
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
        title="da/d a_hat = diag(m)",
        source="seed 3.4",
        lhs=m.multiply_elementwise(a_hat).jacobian(a_hat),
        rhs=diag(*m),
        by="expand",
        scope=f"hidden = {H}",
    ),
    Claim(
        "3.5 second-layer Jacobian",
        title="dz2/da = W2",
        source="seed 3.5",
        lhs=(W2 * a_sym).jacobian(a_sym),
        rhs=W2,
        by="expand",
        scope=f"k = {K}, hidden = {H}",
    ),
    backprop_claim("++"),
    backprop_claim("+-"),
]

derivation = Derivation(
    name="backprop_relu_dropout",
    title="Back-propagation through softmax, ReLU and dropout",
    source="seed 3",
    claims=tuple(claims),
    assumptions=(
        "z1 = W1 x, a_hat = relu(z1) = Max(z1, 0), a = m * a_hat (dropout mask m), z2 = W2 a (W2 entries V_ij), yhat = softmax(z2)",
        "L = -sum_i y_i ln yhat_i with y on the simplex (a given fact of the claims that need it)",
        "ReLU convention at 0: 1[z > 0] is 0 at z = 0 (relu is not differentiable there; "
        "SymPy's Heaviside(0) = 1/2 is not used); the claims through relu hold on sign regions of z1",
        f"checked at {scope}: each verdict holds at that size only",
    ),
)
