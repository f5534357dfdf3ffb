"""A corpus of textbook identities, each with a citation, its domains, and mutants.

Data only: every entry is checkable through the public API
``verifier.check(lhs, rhs, given=..., where=..., sizes=..., indices=...)``.
Each true identity comes with at least one mutant: the identity with one plausible
error (a sign, a dropped factor, 1/n, a transpose, a swapped argument, or the same
formula with a domain assumption dropped). A mutant is false: it has a
counterexample inside its stated domain.

Families: ``ml`` (ML calculus), ``assume`` (scalar identities that need the symbol
domains), ``inverse`` (inverse trigonometric and hyperbolic), ``elementary``
(exp, log, trigonometric and hyperbolic), ``algebra``, ``sums`` (symbolic size n,
the index calculus) and ``matrix`` (Matrix Cookbook at concrete sizes).

Citations: DLMF = NIST Digital Library of Mathematical Functions (chapter 4);
MC = Petersen & Pedersen, The Matrix Cookbook (2012), by section and formula;
DL = Goodfellow, Bengio, Courville, Deep Learning (2016); PRML = Bishop, Pattern
Recognition and Machine Learning (2006); MLPP = Murphy, Machine Learning: a
Probabilistic Perspective (2012); CM = Graham, Knuth, Patashnik, Concrete
Mathematics (2nd ed.).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from sympy import (
    Abs,
    Derivative,
    Eq,
    I,
    IndexedBase,
    KroneckerDelta,
    Matrix,
    Max,
    Min,
    Rational,
    Sum,
    Symbol,
    acos,
    acosh,
    acot,
    asin,
    asinh,
    atan,
    atanh,
    cos,
    cosh,
    coth,
    exp,
    eye,
    factorial,
    log,
    pi,
    sign,
    sin,
    sinh,
    sqrt,
    symbols,
    tan,
    tanh,
    zeros,
)

__all__ = ["Identity", "CORPUS", "FAMILIES", "quick"]


@dataclass(frozen=True)
class Identity:
    """One claim ``lhs == rhs`` under its assumptions; ``true`` says whether it holds."""

    name: str
    family: str
    lhs: object
    rhs: object
    true: bool
    cite: str
    where: tuple = ()
    given: tuple = ()
    sizes: tuple = ()
    indices: tuple = ()  # ((index, (lo, hi)), ...)
    mutant_of: str | None = None  # for a mutant: the name of its true identity

    def check_args(self) -> dict:
        """Keyword arguments of ``verifier.check`` besides lhs and rhs."""
        return dict(given=self.given, where=self.where, sizes=self.sizes, indices=dict(self.indices))


CORPUS: list[Identity] = []


def T(name, family, lhs, rhs, cite, mutants, where=(), given=(), sizes=(), indices=()):
    """A true identity and its mutants: each mutant is (label, rhs), (label, lhs, rhs) or
    (label, lhs, rhs, overrides) where overrides replaces where/given."""
    assert mutants, f"{name}: a true identity needs a mutant"
    base = dict(where=tuple(where), given=tuple(given), sizes=tuple(sizes), indices=tuple(dict(indices).items()))
    CORPUS.append(Identity(name, family, lhs, rhs, True, cite, **base))
    for mutant in mutants:
        label, *sides = mutant
        overrides = {}
        if len(sides) == 1:
            m_lhs, m_rhs = lhs, sides[0]
        elif len(sides) == 2:
            m_lhs, m_rhs = sides
        else:
            m_lhs, m_rhs, overrides = sides
        fields = {**base, **{k: tuple(v) for k, v in overrides.items()}}
        CORPUS.append(Identity(f"{name}~{label}", family, m_lhs, m_rhs, False, cite, mutant_of=name, **fields))


# --- symbols ----------------------------------------------------------------------------

x, y, a, b, c, d, m, t = symbols("x y a b c d m t", real=True)
p, q, r, lam = symbols("p q r lambda", positive=True)
w, v = symbols("w v", nonnegative=True)
u, s2 = symbols("u s2", real=True)  # u lives in the region -1 < u < 1 where stated
z = Symbol("z")  # complex
n = Symbol("n", integer=True, positive=True)
i, j, k, l, mm = symbols("i j k l m_", integer=True)
ONE = (u > -1, u < 1)
UNIT = (v > 0, v < 1)


def sigmoid(e):
    return 1 / (1 + exp(-e))


def softplus(e):
    return log(1 + exp(e))


# --- ML calculus --------------------------------------------------------------------------

s = sigmoid(x)
T(
    "sigmoid_exp",
    "ml",
    s,
    exp(x) / (exp(x) + 1),
    "DL eq. 3.30 (logistic sigmoid)",
    [("sign", exp(x) / (exp(x) - 1)), ("swapped", exp(-x) / (exp(x) + 1))],
)
T(
    "sigmoid_derivative",
    "ml",
    Derivative(s, x),
    s * (1 - s),
    "DL eq. 3.34; PRML eq. 4.88",
    [("sign", s * (1 + s)), ("dropped", 1 - s)],
)
T("sigmoid_symmetry", "ml", 1 - s, sigmoid(-x), "DL eq. 3.35", [("swapped", sigmoid(x))])
T("log_sigmoid", "ml", log(s), -softplus(-x), "DL eq. 3.36", [("sign", -softplus(x))])
T("softplus_derivative", "ml", Derivative(softplus(x), x), s, "DL eq. 3.37", [("swapped", sigmoid(-x))])
T(
    "logit_inverse",
    "ml",
    sigmoid(log(v / (1 - v))),
    v,
    "DL eq. 3.38 (logit on (0, 1))",
    [("swapped", 1 - v)],
    where=UNIT,
)
T(
    "softplus_inverse",
    "ml",
    softplus(log(exp(p) - 1)),
    p,
    "DL eq. 3.39 (x > 0)",
    [("sign", softplus(log(exp(p) + 1)), p)],
)
T("softplus_odd_part", "ml", softplus(x) - softplus(-x), x, "DL eq. 3.41", [("sign", -x)])
T(
    "softplus_second_derivative",
    "ml",
    Derivative(softplus(x), x, 2),
    s * (1 - s),
    "issue #11; DL eq. 3.34 and 3.37",
    [("square", s**2), ("sign", s * (1 + s))],
)
T(
    "tanh_half_derivative",
    "ml",
    Derivative(tanh(x / 2), x),
    (1 - tanh(x / 2) ** 2) / 2,
    "issue #11; DLMF §4.34",
    [("dropped half", 1 - tanh(x / 2) ** 2)],
)
T(
    "sigmoid_tanh",
    "ml",
    s,
    (1 + tanh(x / 2)) / 2,
    "issue #11; DLMF 4.28 with DL eq. 3.30",
    [("argument", (1 + tanh(x)) / 2), ("sign", (1 - tanh(x / 2)) / 2)],
)
T(
    "tanh_sigmoid",
    "ml",
    tanh(x),
    2 * sigmoid(2 * x) - 1,
    "DL §6.3.2 (tanh(z) = 2 sigma(2z) - 1)",
    [("argument", 2 * sigmoid(x) - 1)],
)
T("tanh_derivative", "ml", Derivative(tanh(x), x), 1 - tanh(x) ** 2, "DLMF §4.34", [("sign", 1 + tanh(x) ** 2)])
T(
    "tanh_derivative_sigmoid",
    "ml",
    Derivative(tanh(x), x),
    4 * sigmoid(2 * x) * (1 - sigmoid(2 * x)),
    "DL §6.3.2 with DL eq. 3.34",
    [("factor", 2 * sigmoid(2 * x) * (1 - sigmoid(2 * x)))],
)
T(
    "sigmoid_second_derivative",
    "ml",
    Derivative(s, x, 2),
    s * (1 - s) * (1 - 2 * s),
    "DL eq. 3.34 differentiated",
    [("sign", s * (1 - s) * (1 + 2 * s))],
)
bce = -(y * log(s) + (1 - y) * log(1 - s))
T("bce_logit_gradient", "ml", Derivative(bce, x), s - y, "PRML eq. 4.91 (one sample)", [("sign", y - s)])
zw = sigmoid(w * a)
bce_w = -(y * log(zw) + (1 - y) * log(1 - zw))
T("bce_weight_gradient", "ml", Derivative(bce_w, w), (zw - y) * a, "PRML eq. 4.91", [("dropped input", zw - y)])
T(
    "logistic_loss_softplus",
    "ml",
    -(y * log(sigmoid(a)) + (1 - y) * log(1 - sigmoid(a))),
    softplus(a) - y * a,
    "MLPP §8.3.1 (NLL of logistic regression)",
    [("sign", softplus(a) + y * a)],
)
T(
    "logistic_hessian_scalar",
    "ml",
    Derivative(softplus(w * a) - y * w * a, w, 2),
    sigmoid(w * a) * (1 - sigmoid(w * a)) * a**2,
    "PRML eq. 4.97",
    [("dropped square", sigmoid(w * a) * (1 - sigmoid(w * a)))],
)
T(
    "softmax2_sigmoid",
    "ml",
    exp(a) / (exp(a) + exp(b)),
    sigmoid(a - b),
    "PRML eq. 4.57-4.58",
    [("swapped", sigmoid(b - a))],
)
T(
    "logsumexp2_gradient",
    "ml",
    Derivative(log(exp(a) + exp(b)), a),
    exp(a) / (exp(a) + exp(b)),
    "PRML eq. 4.104",
    [("swapped", exp(b) / (exp(a) + exp(b)))],
)
a1, a2, a3 = symbols("a1 a2 a3", real=True)
y1, y2, y3 = symbols("y1 y2 y3", real=True)
S3 = exp(a1) + exp(a2) + exp(a3)
s1, s2_, s3 = exp(a1) / S3, exp(a2) / S3, exp(a3) / S3
T(
    "logsumexp3_gradient",
    "ml",
    Derivative(log(S3), a1),
    s1,
    "PRML eq. 4.104; DL §4.1",
    [("dropped term", exp(a1) / (exp(a2) + exp(a3)))],
)
T(
    "logsumexp_shift",
    "ml",
    log(exp(a) + exp(b)),
    m + log(exp(a - m) + exp(b - m)),
    "DL §4.1 (stable softmax); MLPP §3.5.3",
    [("sign", m + log(exp(a + m) + exp(b + m)))],
)
T("softmax_jacobian_diagonal", "ml", Derivative(s1, a1), s1 * (1 - s1), "PRML eq. 4.106", [("sign", s1 * (1 + s1))])
T("softmax_jacobian_offdiagonal", "ml", Derivative(s1, a2), -s1 * s2_, "PRML eq. 4.106", [("sign", s1 * s2_)])
ce = -(y1 * log(s1) + y2 * log(s2_) + y3 * log(s3))
T(
    "softmax_ce_gradient",
    "ml",
    Derivative(ce, a1),
    s1 - y1,
    "PRML eq. 4.109 (targets sum to 1)",
    [("sign", y1 - s1), ("given dropped", Derivative(ce, a1), s1 - y1, dict(given=()))],
    given=[Eq(y1 + y2 + y3, 1)],
)
x1, x2, x3, mu = symbols("x1 x2 x3 mu", real=True)
sigma = Symbol("sigma", positive=True)
gauss = sum(-((xi - mu) ** 2) / (2 * sigma**2) - log(sigma) - log(2 * pi) / 2 for xi in (x1, x2, x3))
T(
    "gaussian_mean_gradient",
    "ml",
    Derivative(gauss, mu),
    (x1 + x2 + x3 - 3 * mu) / sigma**2,
    "PRML eq. 2.118-2.121",
    [("power", (x1 + x2 + x3 - 3 * mu) / sigma)],
)
one = -((x - mu) ** 2) / (2 * sigma**2) - log(sigma) - log(2 * pi) / 2
T(
    "gaussian_scale_gradient",
    "ml",
    Derivative(one, sigma),
    -1 / sigma + (x - mu) ** 2 / sigma**3,
    "PRML eq. 1.54",
    [("power", -1 / sigma + (x - mu) ** 2 / sigma**2)],
)
T(
    "gaussian_log_density",
    "ml",
    log(exp(-((x - mu) ** 2) / (2 * sigma**2)) / sqrt(2 * pi * sigma**2)),
    one,
    "PRML eq. 1.46 and 1.54",
    [("sign", one + 2 * log(sigma))],
)
T(
    "poisson_loglik_gradient",
    "ml",
    Derivative(r * log(lam) - lam - log(factorial(r)), lam),
    r / lam - 1,
    "MLPP §2.3.3 (Poisson), MLE",
    [("sign", r / lam + 1)],
)
T(
    "bernoulli_loglik_gradient",
    "ml",
    Derivative(p * log(v) + q * log(1 - v), v),
    p / v - q / (1 - v),
    "MLPP §3.3.1 (Bernoulli likelihood)",
    [("sign", p / v + q / (1 - v))],
    where=UNIT,
)
T(
    "bernoulli_entropy_derivative",
    "ml",
    Derivative(-v * log(v) - (1 - v) * log(1 - v), v),
    log((1 - v) / v),
    "MLPP §2.8.1 (entropy)",
    [("swapped", log(v / (1 - v)))],
    where=UNIT,
)
T(
    "swish_derivative",
    "ml",
    Derivative(x * s, x),
    s + x * s * (1 - s),
    "Ramachandran et al. 2017, Swish",
    [("square", s + x * s**2)],
)
T(
    "ridge_gradient",
    "ml",
    Derivative(lam * w**2 / 2 + (y - w * a) ** 2 / 2, w),
    lam * w - a * (y - w * a),
    "DL eq. 7.2-7.5",
    [("sign", lam * w + a * (y - w * a))],
)
T(
    "least_squares_gradient",
    "ml",
    Derivative((w * x1 - y1) ** 2 + (w * x2 - y2) ** 2, w),
    2 * (x1 * (w * x1 - y1) + x2 * (w * x2 - y2)),
    "DL eq. 5.10 (normal equations)",
    [("dropped 2", x1 * (w * x1 - y1) + x2 * (w * x2 - y2))],
)
T(
    "logistic_loss_gradient_features",
    "ml",
    Derivative(softplus(a1 * x1 + a2 * x2) - y * (a1 * x1 + a2 * x2), a2),
    (sigmoid(a1 * x1 + a2 * x2) - y) * x2,
    "PRML eq. 4.91",
    [("transposed feature", (sigmoid(a1 * x1 + a2 * x2) - y) * x1)],
)
T(
    "kl_gaussian_unit_gradient",
    "ml",
    Derivative((sigma**2 + mu**2 - 1) / 2 - log(sigma), sigma),
    sigma - 1 / sigma,
    "Kingma & Welling 2014, Appendix B (Gaussian KL)",
    [("sign", sigma + 1 / sigma)],
)

# --- scalar identities that need the domains ----------------------------------------------

T(
    "log_product",
    "assume",
    log(p * q),
    log(p) + log(q),
    "DLMF §4.8 (positive arguments)",
    [("product", log(p) * log(q)), ("real domain", log(x * y), log(x) + log(y))],
)
T(
    "log_quotient",
    "assume",
    log(p / q),
    log(p) - log(q),
    "DLMF §4.8 (positive arguments)",
    [("swapped", log(q) - log(p))],
)
T(
    "log_power",
    "assume",
    log(p**a),
    a * log(p),
    "DLMF §4.8 (positive base, real exponent)",
    [("power of log", log(p) ** a), ("complex exponent", log(p**z), z * log(p))],
)
T("log_sqrt", "assume", log(sqrt(p)), log(p) / 2, "DLMF §4.8", [("factor", 2 * log(p))])
T("exp_power", "assume", exp(a * log(p)), p**a, "DLMF §4.2", [("product", a * p)])
T(
    "log_exp_real",
    "assume",
    log(exp(x)),
    x,
    "DLMF §4.2 (log exp x = x, x real)",
    [("complex", log(exp(z)), z), ("sign", -x)],
)
T("sqrt_square_positive", "assume", sqrt(p**2), p, "DLMF §4.8 with 4.2.26", [("real domain", sqrt(x**2), x)])
T("sqrt_square_abs", "assume", sqrt(x**2), Abs(x), "DLMF §4.2 (principal root)", [("no Abs", x)])
T("abs_scale", "assume", Abs(p * x), p * Abs(x), "|ab| = |a||b| with a > 0", [("no Abs", p * x)])
T(
    "power_of_product",
    "assume",
    (p * q) ** a,
    p**a * q**a,
    "DLMF §4.8 (positive bases, real exponent)",
    [("sum", p**a + q**a), ("real domain", sqrt(x * y), sqrt(x) * sqrt(y))],
)
T("power_sum_exponent", "assume", p ** (a + b), p**a * p**b, "DLMF §4.2", [("product exponent", p ** (a * b))])
T(
    "power_of_power",
    "assume",
    (p**a) ** b,
    p ** (a * b),
    "DLMF §4.2 with 4.8.7",
    [("complex", sqrt(z**2), z), ("sum exponent", p ** (a + b))],
)
T(
    "sqrt_perfect_square",
    "assume",
    sqrt(4 * p**2 + 4 * p * q + q**2),
    2 * p + q,
    "issue #11",
    [("sign", 2 * p - q), ("real domain", sqrt(4 * x**2 + 4 * x * y + y**2), 2 * x + y)],
)
T("sqrt_factor_out", "assume", sqrt(p**2 * q), p * sqrt(q), "DLMF §4.8", [("real domain", sqrt(x**2 * q), x * sqrt(q))])
T("cube_root_cube", "assume", (p**3) ** Rational(1, 3), p, "DLMF §4.2", [("real domain", (x**3) ** Rational(1, 3), x)])
T(
    "rationalise",
    "assume",
    1 / (sqrt(p) + sqrt(q)),
    (sqrt(p) - sqrt(q)) / (p - q),
    "elementary algebra (conjugate)",
    [("sign", (sqrt(p) + sqrt(q)) / (p - q))],
)
T(
    "sqrt_quotient",
    "assume",
    sqrt(p / q),
    sqrt(p) / sqrt(q),
    "DLMF §4.8",
    [("real domain", sqrt(x / y), sqrt(x) / sqrt(y)), ("swapped", sqrt(q) / sqrt(p))],
)
T(
    "log_combination",
    "assume",
    log(p**2 * q) / 2,
    log(p) + log(q) / 2,
    "DLMF §4.8 and 4.8.7",
    [("dropped half", log(p) + log(q))],
)
T("exp_sum", "assume", exp(x + y), exp(x) * exp(y), "DLMF §4.5 (exp(a+b) = exp a exp b)", [("sum", exp(x) + exp(y))])
T("exp_difference", "assume", exp(x - y), exp(x) / exp(y), "DLMF §4.5", [("sign", exp(x) / exp(-y))])
T("abs_square", "assume", Abs(x) ** 2, x**2, "|x|^2 = x^2 for real x", [("complex", Abs(z) ** 2, z**2)])
T("abs_product", "assume", Abs(x * y), Abs(x) * Abs(y), "|ab| = |a||b|", [("sum", Abs(x + y), Abs(x) + Abs(y))])
T(
    "sqrt_product",
    "assume",
    sqrt(p) * sqrt(q),
    sqrt(p * q),
    "DLMF §4.8",
    [("real domain", sqrt(x) * sqrt(y), sqrt(x * y))],
)
T("log_ratio", "assume", log(1 + p) - log(p), log((1 + p) / p), "DLMF §4.8", [("dropped", log(1 / p))])
T("negative_power", "assume", p ** (-a), 1 / p**a, "DLMF §4.2", [("sign", -(p**a))])
T(
    "max_by_abs",
    "assume",
    Max(x, y),
    (x + y + Abs(x - y)) / 2,
    "max(a, b) = (a + b + |a - b|)/2",
    [("min", (x + y - Abs(x - y)) / 2)],
)
T(
    "min_by_abs",
    "assume",
    Min(x, y),
    (x + y - Abs(x - y)) / 2,
    "min(a, b) = (a + b - |a - b|)/2",
    [("max", (x + y + Abs(x - y)) / 2)],
)
T("sign_times", "assume", x * sign(x), Abs(x), "x sign(x) = |x| for real x", [("no Abs", x)])
T("relu_abs", "assume", Max(x, 0), (x + Abs(x)) / 2, "ReLU(x) = (x + |x|)/2 (DL §6.3.1)", [("sign", (x - Abs(x)) / 2)])
T("sqrt_nonnegative_square", "assume", sqrt(w) ** 2, w, "DLMF §4.2", [("power", sqrt(w) ** 3)])

# --- inverse trigonometric and hyperbolic ------------------------------------------------

T(
    "asin_plus_acos",
    "inverse",
    asin(u) + acos(u),
    pi / 2,
    "issue #11; DLMF §4.23-4.24 (Arcsin + Arccos)",
    [("sign", asin(u) - acos(u), pi / 2), ("value", pi)],
    where=ONE,
)
T(
    "atan_reciprocal",
    "inverse",
    atan(p) + atan(1 / p),
    pi / 2,
    "DLMF §4.24 (x > 0)",
    [("real domain", atan(x) + atan(1 / x), pi / 2), ("value", pi)],
)
T(
    "acosh_log",
    "inverse",
    acosh(1 + p),
    log(1 + p + sqrt((1 + p) ** 2 - 1)),
    "issue #11; DLMF §4.37",
    [("sign", log(1 + p - sqrt((1 + p) ** 2 - 1)))],
)
T(
    "asinh_log",
    "inverse",
    asinh(x),
    log(x + sqrt(x**2 + 1)),
    "DLMF §4.37",
    [("sign", -log(x + sqrt(x**2 + 1))), ("inner sign", log(x + sqrt(x**2 - 1)))],
)
T(
    "atanh_log",
    "inverse",
    atanh(u),
    log((1 + u) / (1 - u)) / 2,
    "DLMF §4.37",
    [("dropped half", log((1 + u) / (1 - u)))],
    where=ONE,
)
T("cos_asin", "inverse", cos(asin(u)), sqrt(1 - u**2), "DLMF §4.24 (table 4.16.3)", [("no root", 1 - u**2)], where=ONE)
T("sin_acos", "inverse", sin(acos(u)), sqrt(1 - u**2), "DLMF table 4.16.3", [("wrong", u)], where=ONE)
T(
    "tan_asin",
    "inverse",
    tan(asin(u)),
    u / sqrt(1 - u**2),
    "DLMF table 4.16.3",
    [("product", u * sqrt(1 - u**2))],
    where=ONE,
)
T("asin_odd", "inverse", asin(-u), -asin(u), "DLMF §4.24", [("sign", asin(u))], where=ONE)
T(
    "acos_reflection",
    "inverse",
    acos(-u),
    pi - acos(u),
    "DLMF §4.23 (Arccos(-z) = pi - Arccos z)",
    [("sign", -acos(u))],
    where=ONE,
)
T("atan_odd", "inverse", atan(-x), -atan(x), "DLMF §4.24", [("sign", atan(x))])
T(
    "atan_double",
    "inverse",
    2 * atan(u),
    atan(2 * u / (1 - u**2)),
    "DLMF §4.24 with u = v (|u| < 1)",
    [("region dropped", 2 * atan(x), atan(2 * x / (1 - x**2)), dict(where=())), ("sign", atan(2 * u / (1 + u**2)))],
    where=ONE,
)
T(
    "asin_as_atan",
    "inverse",
    asin(u),
    atan(u / sqrt(1 - u**2)),
    "DLMF §4.23 (arcsin via arctan)",
    [("sign", atan(u / sqrt(1 + u**2)))],
    where=ONE,
)
T("cosh_asinh", "inverse", cosh(asinh(x)), sqrt(1 + x**2), "DLMF §4.37 (compositions)", [("sign", sqrt(1 - x**2))])
T(
    "sinh_acosh",
    "inverse",
    sinh(acosh(1 + p)),
    sqrt(p * (p + 2)),
    "DLMF §4.37 (compositions)",
    [("sign", sqrt(p * (p - 2)))],
)
T("tanh_atanh", "inverse", tanh(atanh(u)), u, "DLMF 4.37", [("sign", -u)], where=ONE)
T(
    "atan_addition",
    "inverse",
    atan(u) + atan(t),
    atan((u + t) / (1 - u * t)),
    "DLMF §4.24 (|u|, |t| < 1)",
    [("sign", atan((u + t) / (1 + u * t)))],
    where=ONE + (t > -1, t < 1),
)
T(
    "asinh_derivative",
    "inverse",
    Derivative(asinh(x), x),
    1 / sqrt(1 + x**2),
    "DLMF §4.40",
    [("sign", 1 / sqrt(2 + x**2))],
)
T("acosh_derivative", "inverse", Derivative(acosh(1 + p), p), 1 / sqrt(p * (p + 2)), "DLMF §4.40", [("dropped", 1 / p)])
T("atan_derivative", "inverse", Derivative(atan(x), x), 1 / (1 + x**2), "DLMF §4.26", [("sign", 1 / (1 - x**2))])
T(
    "asin_derivative",
    "inverse",
    Derivative(asin(u), u),
    1 / sqrt(1 - u**2),
    "DLMF §4.26",
    [("sign", -1 / sqrt(1 - u**2))],
    where=ONE,
)
T(
    "atanh_derivative",
    "inverse",
    Derivative(atanh(u), u),
    1 / (1 - u**2),
    "DLMF §4.40",
    [("sign", 1 / (1 + u**2))],
    where=ONE,
)
T("acot_positive", "inverse", acot(p), pi / 2 - atan(p), "DLMF §4.23 (x > 0)", [("sign", pi / 2 + atan(p))])
T(
    "asin_half_angle",
    "inverse",
    asin(u),
    2 * atan(u / (1 + sqrt(1 - u**2))),
    "DLMF 4.24 (tangent half-angle)",
    [("dropped 2", atan(u / (1 + sqrt(1 - u**2))))],
    where=ONE,
)
T(
    "acos_half_angle",
    "inverse",
    acos(u),
    2 * atan(sqrt((1 - u) / (1 + u))),
    "DLMF 4.24 (tangent half-angle)",
    [("dropped 2", atan(sqrt((1 - u) / (1 + u))))],
    where=ONE,
)
T("asinh_odd", "inverse", asinh(-x), -asinh(x), "DLMF §4.37", [("sign", asinh(x))])
T(
    "atanh_addition",
    "inverse",
    atanh(u) + atanh(t),
    atanh((u + t) / (1 + u * t)),
    "DLMF §4.38 (|u|, |t| < 1)",
    [("sign", atanh((u + t) / (1 - u * t)))],
    where=ONE + (t > -1, t < 1),
)
T(
    "acos_via_asin",
    "inverse",
    acos(v),
    asin(sqrt(1 - v**2)),
    "DLMF 4.24 (0 < v < 1)",
    [("region", acos(u), asin(sqrt(1 - u**2)), dict(where=ONE))],
    where=UNIT,
)
T(
    "gudermannian",
    "inverse",
    atan(sinh(x)),
    2 * atan(tanh(x / 2)),
    "DLMF §4.23 (gd x)",
    [("dropped 2", atan(tanh(x / 2)))],
)
T(
    "gudermannian_exp",
    "inverse",
    2 * atan(exp(x)) - pi / 2,
    atan(sinh(x)),
    "DLMF §4.23",
    [("dropped shift", 2 * atan(exp(x)), atan(sinh(x)))],
)

# --- exp, log, trigonometric and hyperbolic ------------------------------------------------

T("pythagoras", "elementary", sin(x) ** 2 + cos(x) ** 2, 1, "DLMF §4.20", [("sign", sin(x) ** 2 - cos(x) ** 2, 1)])
T("cos_double", "elementary", cos(2 * x), 1 - 2 * sin(x) ** 2, "DLMF §4.21", [("dropped 2", 1 - sin(x) ** 2)])
T("sin_double", "elementary", sin(2 * x), 2 * sin(x) * cos(x), "DLMF §4.21", [("dropped 2", sin(x) * cos(x))])
T(
    "sin_addition",
    "elementary",
    sin(a + b),
    sin(a) * cos(b) + cos(a) * sin(b),
    "DLMF §4.21",
    [("sign", sin(a) * cos(b) - cos(a) * sin(b))],
)
T(
    "cos_addition",
    "elementary",
    cos(a + b),
    cos(a) * cos(b) - sin(a) * sin(b),
    "DLMF §4.21",
    [("sign", cos(a) * cos(b) + sin(a) * sin(b))],
)
T(
    "tan_addition",
    "elementary",
    tan(a + b),
    (tan(a) + tan(b)) / (1 - tan(a) * tan(b)),
    "DLMF §4.21",
    [("sign", (tan(a) + tan(b)) / (1 + tan(a) * tan(b)))],
)
T(
    "tan_half",
    "elementary",
    tan(x / 2),
    sin(x) / (1 + cos(x)),
    "DLMF §4.21 (half angle)",
    [("sign", sin(x) / (1 - cos(x)))],
)
T("cosh_sinh", "elementary", cosh(x) ** 2 - sinh(x) ** 2, 1, "DLMF §4.33", [("sign", cosh(x) ** 2 + sinh(x) ** 2, 1)])
T("sinh_double", "elementary", sinh(2 * x), 2 * sinh(x) * cosh(x), "DLMF §4.35", [("dropped 2", sinh(x) * cosh(x))])
T("cosh_double", "elementary", cosh(2 * x), 2 * cosh(x) ** 2 - 1, "DLMF §4.35", [("sign", 2 * cosh(x) ** 2 + 1)])
T(
    "tanh_addition",
    "elementary",
    tanh(a + b),
    (tanh(a) + tanh(b)) / (1 + tanh(a) * tanh(b)),
    "DLMF §4.35",
    [("sign", (tanh(a) + tanh(b)) / (1 - tanh(a) * tanh(b)))],
)
T("cosh_exp", "elementary", cosh(x), (exp(x) + exp(-x)) / 2, "DLMF §4.28", [("dropped half", exp(x) + exp(-x))])
T("sinh_exp", "elementary", sinh(x), (exp(x) - exp(-x)) / 2, "DLMF §4.28", [("swapped", (exp(-x) - exp(x)) / 2)])
T(
    "tanh_exp",
    "elementary",
    tanh(x),
    (exp(2 * x) - 1) / (exp(2 * x) + 1),
    "DLMF §4.28",
    [("reciprocal", (exp(2 * x) + 1) / (exp(2 * x) - 1))],
)
T("euler_formula", "elementary", exp(I * x), cos(x) + I * sin(x), "DLMF §4.14", [("conjugate", cos(x) - I * sin(x))])
T(
    "cos_exp",
    "elementary",
    cos(x),
    (exp(I * x) + exp(-I * x)) / 2,
    "DLMF §4.14",
    [("dropped half", exp(I * x) + exp(-I * x))],
)
T(
    "sin_triple",
    "elementary",
    sin(3 * x),
    3 * sin(x) - 4 * sin(x) ** 3,
    "DLMF §4.21",
    [("sign", 3 * sin(x) + 4 * sin(x) ** 3)],
)
T(
    "cos_triple",
    "elementary",
    cos(3 * x),
    4 * cos(x) ** 3 - 3 * cos(x),
    "DLMF §4.21",
    [("sign", 4 * cos(x) ** 3 + 3 * cos(x))],
)
T(
    "product_to_sum",
    "elementary",
    sin(a) * sin(b),
    (cos(a - b) - cos(a + b)) / 2,
    "DLMF §4.21",
    [("swapped", (cos(a + b) - cos(a - b)) / 2)],
)
T(
    "sum_to_product",
    "elementary",
    sin(a) + sin(b),
    2 * sin((a + b) / 2) * cos((a - b) / 2),
    "DLMF §4.21",
    [("swapped", 2 * cos((a + b) / 2) * sin((a - b) / 2))],
)
T("sec_tan", "elementary", 1 + tan(x) ** 2, 1 / cos(x) ** 2, "DLMF §4.14", [("swapped", 1 / sin(x) ** 2)])
T(
    "sinh_addition",
    "elementary",
    sinh(a + b),
    sinh(a) * cosh(b) + cosh(a) * sinh(b),
    "DLMF §4.35",
    [("sign", sinh(a) * cosh(b) - cosh(a) * sinh(b))],
)
T(
    "cosh_addition",
    "elementary",
    cosh(a + b),
    cosh(a) * cosh(b) + sinh(a) * sinh(b),
    "DLMF §4.35",
    [("sign", cosh(a) * cosh(b) - sinh(a) * sinh(b))],
)
T("exp_cosh_sinh", "elementary", exp(x), cosh(x) + sinh(x), "DLMF §4.28", [("sign", cosh(x) - sinh(x))])
T(
    "log_cosh_stable",
    "elementary",
    log(cosh(x)),
    x + log(1 + exp(-2 * x)) - log(2),
    "DLMF §4.28 (stable log-cosh)",
    [("sign", x + log(1 + exp(-2 * x)) + log(2))],
)
T(
    "tanh_half_exp",
    "elementary",
    tanh(x / 2),
    (exp(x) - 1) / (exp(x) + 1),
    "DLMF §4.28",
    [("reciprocal", (exp(x) + 1) / (exp(x) - 1))],
)
T(
    "coth_exp",
    "elementary",
    coth(p),
    (exp(2 * p) + 1) / (exp(2 * p) - 1),
    "DLMF §4.28",
    [("reciprocal", (exp(2 * p) - 1) / (exp(2 * p) + 1))],
)
T("sin_shift", "elementary", sin(x + pi / 2), cos(x), "DLMF §4.14", [("sign", -cos(x))])
T("cos_square", "elementary", cos(x) ** 2, (1 + cos(2 * x)) / 2, "DLMF §4.21", [("sign", (1 - cos(2 * x)) / 2)])
T("exp_log_sum", "elementary", exp(log(p) + log(q)), p * q, "DLMF §4.2 and §4.5", [("sum", p + q)])
T(
    "issue_power_tower",
    "elementary",
    w ** (w ** (w * v) * v ** (w * v)) * v ** (w ** (w * v) * v ** (w * v)),
    (w * v) ** ((w * v) ** (w * v)),
    "SymPy sympy/simplify/tests/test_powsimp.py (x, y nonnegative)",
    [("swapped", (w * v) ** (w ** (w * v)))],
)
T(
    "issue_power_tower_2",
    "elementary",
    2 ** (2 ** (2 * x) * x),
    2 ** (x * 4**x),
    "SymPy test_powsimp.py (powsimp deep)",
    [("power", 2 ** (x * 2**x))],
)

# --- algebra ------------------------------------------------------------------------------

T("binomial_square", "algebra", (a + b) ** 2, a**2 + 2 * a * b + b**2, "binomial theorem", [("dropped", a**2 + b**2)])
T(
    "binomial_cube",
    "algebra",
    (a + b) ** 3,
    a**3 + 3 * a**2 * b + 3 * a * b**2 + b**3,
    "binomial theorem",
    [("coefficient", a**3 + a**2 * b + a * b**2 + b**3)],
)
T("difference_of_squares", "algebra", a**2 - b**2, (a - b) * (a + b), "elementary algebra", [("square", (a - b) ** 2)])
T(
    "sum_of_cubes",
    "algebra",
    a**3 + b**3,
    (a + b) * (a**2 - a * b + b**2),
    "elementary algebra",
    [("sign", (a + b) * (a**2 + a * b + b**2))],
)
T(
    "geometric_sum",
    "algebra",
    Sum(x**k, (k, 0, 5)),
    (x**6 - 1) / (x - 1),
    "CM §2.3 (geometric sum)",
    [("off by one", (x**5 - 1) / (x - 1))],
)
T(
    "partial_fractions",
    "algebra",
    1 / (x * (x + 1)),
    1 / x - 1 / (x + 1),
    "CM §2.6 (telescoping)",
    [("sign", 1 / x + 1 / (x + 1))],
)
T(
    "brahmagupta_fibonacci",
    "algebra",
    (a**2 + b**2) * (c**2 + d**2),
    (a * c + b * d) ** 2 + (a * d - b * c) ** 2,
    "Brahmagupta-Fibonacci identity",
    [("sign", (a * c + b * d) ** 2 + (a * d + b * c) ** 2)],
)
T(
    "sophie_germain",
    "algebra",
    a**4 + 4 * b**4,
    (a**2 + 2 * b**2 + 2 * a * b) * (a**2 + 2 * b**2 - 2 * a * b),
    "Sophie Germain identity",
    [("dropped", (a**2 + 2 * b**2) ** 2)],
)
T(
    "completing_square",
    "algebra",
    p * x**2 + b * x + c,
    p * (x + b / (2 * p)) ** 2 + c - b**2 / (4 * p),
    "completing the square",
    [("sign", p * (x + b / (2 * p)) ** 2 + c + b**2 / (4 * p))],
)
root = (-b + sqrt(b**2 - 4 * p * c)) / (2 * p)
T(
    "quadratic_root",
    "algebra",
    p * root**2 + b * root + c,
    0,
    "quadratic formula",
    [("dropped 2", p * ((-b + sqrt(b**2 - 4 * p * c)) / p) ** 2 + b * (-b + sqrt(b**2 - 4 * p * c)) / p + c, 0)],
)
root2 = (-b - sqrt(b**2 - 4 * p * c)) / (2 * p)
T("vieta_sum", "algebra", root + root2, -b / p, "Vieta's formulas", [("sign", b / p)])
T("vieta_product", "algebra", root * root2, c / p, "Vieta's formulas", [("sign", -c / p)])
T(
    "telescoping_sum",
    "algebra",
    Sum(1 / (k * (k + 1)), (k, 1, 8)),
    Rational(8, 9),
    "CM §2.6",
    [("off by one", Rational(9, 10))],
)
T(
    "continued_fraction",
    "algebra",
    1 / (1 + 1 / (1 + 1 / p)),
    (p + 1) / (2 * p + 1),
    "elementary algebra",
    [("swapped", (p + 1) / (p + 2))],
)
T(
    "cubic_expansion",
    "algebra",
    (x + 1) * (x + 2) * (x + 3),
    x**3 + 6 * x**2 + 11 * x + 6,
    "elementary algebra",
    [("coefficient", x**3 + 6 * x**2 + 12 * x + 6)],
)
T(
    "trinomial_square",
    "algebra",
    (a + b + c) ** 2,
    a**2 + b**2 + c**2 + 2 * (a * b + b * c + c * a),
    "elementary algebra",
    [("dropped 2", a**2 + b**2 + c**2 + a * b + b * c + c * a)],
)
T("cyclotomic_quotient", "algebra", (x**3 - 1) / (x - 1), x**2 + x + 1, "elementary algebra", [("sign", x**2 - x + 1)])
T(
    "harmonic_mean",
    "algebra",
    2 / (1 / p + 1 / q),
    2 * p * q / (p + q),
    "harmonic mean",
    [("dropped 2", p * q / (p + q))],
)
T(
    "fourth_power_difference",
    "algebra",
    a**4 - b**4,
    (a - b) * (a + b) * (a**2 + b**2),
    "elementary algebra",
    [("square", (a**2 - b**2) ** 2)],
)
T("gauss_sum_concrete", "algebra", Sum(k, (k, 1, 10)), 55, "CM §2.2 (Gauss)", [("off by one", 45)])
T(
    "sum_of_squares_concrete",
    "algebra",
    Sum(k**2, (k, 1, 6)),
    sp.Integer(91),
    "CM §2.5 (sum of squares)",
    [("factor", sp.Integer(182))],
)
T(
    "lagrange_identity_3",
    "algebra",
    (a**2 + b**2 + c**2) * (x**2 + y**2 + t**2) - (a * x + b * y + c * t) ** 2,
    (a * y - b * x) ** 2 + (b * t - c * y) ** 2 + (a * t - c * x) ** 2,
    "Lagrange's identity (n = 3)",
    [("sign", (a * y + b * x) ** 2 + (b * t - c * y) ** 2 + (a * t - c * x) ** 2)],
)

# --- sums over a symbolic size n ------------------------------------------------------------

g, xs, W, Y, A = (
    IndexedBase("g", real=True),
    IndexedBase("x", real=True),
    IndexedBase("w", real=True),
    IndexedBase("y", real=True),
    IndexedBase("A", real=True),
)
zz = IndexedBase("z", real=True)
SIZE = dict(sizes=(n,), indices={j: (1, n)})
SIZE2 = dict(sizes=(n,), indices={i: (1, n), j: (1, n)})
Sx = Sum(xs[mm], (mm, 1, n))
Sq = Sum((xs[mm] - 1) ** 2, (mm, 1, n))
T(
    "delta_contraction",
    "sums",
    Sum(g[k] * KroneckerDelta(k, j), (k, 1, n)),
    g[j],
    "MC §1 (Kronecker delta); Einstein summation",
    [("size", n * g[j])],
    **SIZE,
)
T(
    "delta_under_scaled_root",
    "sums",
    Sum(g[k] * KroneckerDelta(k, j) / sqrt(1 + Sq / n), (k, 1, n)),
    g[j] / sqrt(1 + Sq / n),
    "issue #11 (the gap)",
    [("dropped 1/n", g[j] / sqrt(1 + Sq))],
    **SIZE,
)
T(
    "constant_sum",
    "sums",
    Sum(c, (k, 1, n)),
    n * c,
    "CM §2.2 (sum of a constant)",
    [("off by one", (n + 1) * c)],
    sizes=(n,),
)
T(
    "mean_centering",
    "sums",
    Sum(xs[k] - Sx / n, (k, 1, n)),
    0,
    "Ioffe & Szegedy 2015 (batch norm), mean subtraction",
    [("dropped 1/n", Sum(xs[k] - Sx, (k, 1, n)), 0)],
    sizes=(n,),
)
T(
    "variance_shortcut",
    "sums",
    Sum((xs[k] - Sx / n) ** 2, (k, 1, n)) / n,
    Sum(xs[k] ** 2, (k, 1, n)) / n - (Sx / n) ** 2,
    "PRML eq. 1.56 (variance)",
    [("sign", Sum(xs[k] ** 2, (k, 1, n)) / n + (Sx / n) ** 2)],
    sizes=(n,),
)
Sz = Sum(exp(zz[k]), (k, 1, n))
T(
    "logsumexp_gradient_n",
    "sums",
    Derivative(log(Sz), zz[j]),
    exp(zz[j]) / Sz,
    "PRML eq. 4.104-4.106",
    [("dropped normaliser", exp(zz[j]))],
    **SIZE,
)
T(
    "linear_gradient_n",
    "sums",
    Derivative(Sum(W[k] * xs[k], (k, 1, n)), W[j]),
    xs[j],
    "MC eq. 69 (d x^T a / dx = a)",
    [("swapped", W[j])],
    **SIZE,
)
T(
    "square_gradient_n",
    "sums",
    Derivative(Sum(W[k] ** 2, (k, 1, n)), W[j]),
    2 * W[j],
    "MC eq. 81 with B = I",
    [("dropped 2", W[j])],
    **SIZE,
)
Sw = Sum(W[k] ** 2, (k, 1, n))
T(
    "norm_gradient_n",
    "sums",
    Derivative(sqrt(Sw), W[j]),
    W[j] / sqrt(Sw),
    "MC §2.6 (d ||x|| / dx = x / ||x||)",
    [("factor", 2 * W[j] / sqrt(Sw))],
    **SIZE,
)
T(
    "mse_gradient_n",
    "sums",
    Derivative(Sum((W[k] - Y[k]) ** 2, (k, 1, n)) / 2, W[j]),
    W[j] - Y[j],
    "DL eq. 5.10",
    [("sign", Y[j] - W[j])],
    **SIZE,
)
T(
    "centering_gradient_n",
    "sums",
    Derivative(xs[j] - Sx / n, xs[j]),
    1 - 1 / n,
    "Ioffe & Szegedy 2015, backprop of the mean",
    [("dropped 1/n", 1)],
    **SIZE,
)
T(
    "sum_linearity",
    "sums",
    Sum(a * xs[k] + b * g[k], (k, 1, n)),
    a * Sum(xs[k], (k, 1, n)) + b * Sum(g[k], (k, 1, n)),
    "CM §2.3 (distributive and associative laws)",
    [("dropped factor", a * Sum(xs[k], (k, 1, n)) + Sum(g[k], (k, 1, n)))],
    sizes=(n,),
)
T(
    "double_delta",
    "sums",
    Sum(Sum(A[k, l] * KroneckerDelta(k, i) * KroneckerDelta(l, j), (l, 1, n)), (k, 1, n)),
    A[i, j],
    "MC §1 (Kronecker delta)",
    [("transpose", A[j, i])],
    **SIZE2,
)
T(
    "trace_gradient_n",
    "sums",
    Derivative(Sum(A[k, k], (k, 1, n)), A[i, j]),
    KroneckerDelta(i, j),
    "MC §2.5 (d Tr X / dX = I)",
    [("all ones", 1)],
    **SIZE2,
)
T(
    "softmax_gradient_n",
    "sums",
    Derivative(exp(zz[i]) / Sz, zz[j]),
    exp(zz[i]) / Sz * (KroneckerDelta(i, j) - exp(zz[j]) / Sz),
    "PRML eq. 4.106",
    [("sign", exp(zz[i]) / Sz * (KroneckerDelta(i, j) + exp(zz[j]) / Sz))],
    **SIZE2,
)
T(
    "quadratic_form_gradient_n",
    "sums",
    Derivative(Sum(Sum(W[k] * A[k, l] * W[l], (l, 1, n)), (k, 1, n)), W[j]),
    Sum((A[j, k] + A[k, j]) * W[k], (k, 1, n)),
    "MC eq. 81 (d x^T B x / dx = (B + B^T) x)",
    [("transpose dropped", Sum(2 * A[j, k] * W[k], (k, 1, n)))],
    **SIZE,
)

# --- matrices at concrete sizes (Matrix Cookbook) ----------------------------------------------


def square(name, size):
    return Matrix(size, size, lambda r_, c_: Symbol(f"{name}{r_ + 1}{c_ + 1}", real=True))


def column(name, size):
    return Matrix(size, 1, lambda r_, _: Symbol(f"{name}{r_ + 1}", real=True))


A2, B2, C2 = square("a", 2), square("b", 2), square("c", 2)
A3 = square("a", 3)
xv, av = column("x", 3), column("v", 3)
x2, u2, v2 = column("x", 2), column("u", 2), column("v", 2)
P2 = sp.diag(p, q)


def gradient(expr, variables):
    return Matrix([Derivative(expr, e) for e in variables])


T(
    "det_product",
    "matrix",
    (A2 * B2).det(),
    A2.det() * B2.det(),
    "MC §1.3, det(AB) = det(A) det(B)",
    [("sum", A2.det() + B2.det())],
)
T("det_transpose", "matrix", A3.T.det(), A3.det(), "MC §1.3, det(A^T) = det(A)", [("sign", -A3.det())])
T("transpose_product", "matrix", (A2 * B2).T, B2.T * A2.T, "MC §1.1 eq. 5, (AB)^T = B^T A^T", [("order", A2.T * B2.T)])
T(
    "inverse_product",
    "matrix",
    (P2 * B2).inv(),
    B2.inv() * P2.inv(),
    "MC §1.1 eq. 1, (AB)^-1 = B^-1 A^-1",
    [("order", P2.inv() * B2.inv())],
)
T(
    "trace_cyclic",
    "matrix",
    (A2 * B2 * C2).trace(),
    (B2 * C2 * A2).trace(),
    "MC §1.2 eq. 16, Tr(ABC) = Tr(BCA)",
    [("swapped", (B2 * A2 * C2).trace())],
)
T(
    "trace_of_product",
    "matrix",
    (A2.T * B2).trace(),
    sum(A2[e] * B2[e] for e in range(4)),
    "MC §1.2, Tr(A^T B) = sum A_ij B_ij",
    [("no transpose", (A2 * B2).trace())],
)
a11, a12, a21, a22 = A2
T(
    "inverse_2x2",
    "matrix",
    A2.inv(),
    Matrix([[a22, -a12], [-a21, a11]]) / A2.det(),
    "MC §5.4 (inverse of a 2x2 matrix)",
    [("diagonal", Matrix([[a11, -a12], [-a21, a22]]) / A2.det())],
)
T(
    "cayley_hamilton_2x2",
    "matrix",
    A2 * A2 - A2.trace() * A2 + A2.det() * eye(2),
    zeros(2, 2),
    "MC Cayley-Hamilton (n = 2)",
    [("sign", A2 * A2 + A2.trace() * A2 + A2.det() * eye(2))],
)
T("gradient_linear", "matrix", gradient((av.T * xv)[0, 0], xv), av, "MC eq. 69, d x^T a / dx = a", [("swapped", xv)])
T(
    "gradient_quadratic",
    "matrix",
    gradient((x2.T * B2 * x2)[0, 0], x2),
    (B2 + B2.T) * x2,
    "MC eq. 81, d x^T B x / dx = (B + B^T) x",
    [("symmetric", 2 * B2 * x2)],
)
X2 = square("X", 2)
T(
    "gradient_det",
    "matrix",
    X2.applyfunc(lambda e: Derivative(X2.det(), e)),
    X2.det() * X2.inv().T,
    "MC eq. 49, d det X / dX = det(X) X^-T",
    [("transpose", X2.det() * X2.inv())],
)
T(
    "gradient_trace_AX",
    "matrix",
    X2.applyfunc(lambda e: Derivative((A2 * X2).trace(), e)),
    A2.T,
    "MC §2.5, d Tr(AX) / dX = A^T",
    [("transpose", A2)],
)
T(
    "gradient_trace_XTX",
    "matrix",
    X2.applyfunc(lambda e: Derivative((X2.T * X2).trace(), e)),
    2 * X2,
    "MC §2.5, d Tr(X^T X) / dX = 2X",
    [("dropped 2", X2)],
)
T("det_scaling", "matrix", (c * A3).det(), c**3 * A3.det(), "MC §1.3, det(cA) = c^n det(A)", [("power", c * A3.det())])
T("det_inverse", "matrix", P2.inv().det(), 1 / P2.det(), "MC §1.3, det(A^-1) = 1/det(A)", [("reciprocal", P2.det())])
T(
    "inverse_transpose",
    "matrix",
    A2.T.inv(),
    A2.inv().T,
    "MC §1.1 eq. 3, (A^T)^-1 = (A^-1)^T",
    [("no transpose", A2.inv())],
)
T(
    "sherman_morrison",
    "matrix",
    (P2 + u2 * v2.T).inv(),
    P2.inv() - P2.inv() * u2 * v2.T * P2.inv() / (1 + (v2.T * P2.inv() * u2)[0, 0]),
    "MC §3.2.2, Sherman-Morrison",
    [("sign", P2.inv() + P2.inv() * u2 * v2.T * P2.inv() / (1 + (v2.T * P2.inv() * u2)[0, 0]))],
)
T(
    "hessian_quadratic",
    "matrix",
    sp.hessian((x2.T * B2 * x2)[0, 0], list(x2)),
    B2 + B2.T,
    "MC eq. 81 differentiated",
    [("symmetric", 2 * B2)],
)
T(
    "gradient_squared_distance",
    "matrix",
    gradient(((xv - av).T * (xv - av))[0, 0], xv),
    2 * (xv - av),
    "MC §2.4 (d ||x - a||^2 / dx)",
    [("dropped 2", xv - av)],
)
T(
    "frobenius_trace",
    "matrix",
    (A2 * A2.T).trace(),
    sum(e**2 for e in A2),
    "MC §10.4, ||A||_F^2 = Tr(A A^T)",
    [("square of trace", A2.trace() ** 2)],
)
T(
    "adjugate_identity",
    "matrix",
    A2 * A2.adjugate(),
    A2.det() * eye(2),
    "MC §1 (adjugate), A adj(A) = det(A) I",
    [("transpose", A2 * A2.adjugate().T)],
)

FAMILIES = tuple(dict.fromkeys(e.family for e in CORPUS))


def quick() -> list[Identity]:
    """A small subset for ``--quick``: the issue's identities, a few of each family, with mutants."""
    picked = {
        "softplus_second_derivative",
        "tanh_half_derivative",
        "sigmoid_tanh",
        "asin_plus_acos",
        "acosh_log",
        "sqrt_perfect_square",
        "issue_power_tower",
        "delta_under_scaled_root",
        "sigmoid_derivative",
        "log_product",
        "atan_reciprocal",
        "cos_double",
        "binomial_cube",
        "det_product",
        "gradient_quadratic",
        "mean_centering",
    }
    return [e for e in CORPUS if e.name in picked or e.mutant_of in picked]
