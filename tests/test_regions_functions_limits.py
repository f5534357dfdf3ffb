"""Regions on expressions (ReLU), generic functions (refuted through polynomial
stand-ins), and limits (undecided, with a numerical witness, never proved)."""

from sympy import (
    Derivative,
    Eq,
    Function,
    Heaviside,
    Limit,
    Max,
    Piecewise,
    Rational,
    Symbol,
    exp,
    sin,
    symbols,
)

from verifier import Claim, Status, check, decide_claim
from verifier.engine.theories.functions import polynomial_stand_ins

a, b, u, v = symbols("a b u v", real=True)
e = a * u + b * v
t = Symbol("t", real=True)


# ---------------------------------------------------------------- regions


def test_relu_derivative_on_regions_of_an_expression():
    assert check(Max(e, 0).diff(a), u, where=[e > 0]).status is Status.PROVED
    assert check(Max(e, 0).diff(a), 0, where=[e < 0]).status is Status.PROVED
    wrong = check(Max(e, 0).diff(a), u, where=[e < 0])
    assert wrong.status is Status.REFUTED
    point = wrong.counterexample
    assert e.xreplace(point) < 0


def test_piecewise_conditions_take_their_truth_value_on_the_region():
    step = Piecewise((1, e > 0), (0, True))
    assert check(step, 1, where=[e > 0]).status is Status.PROVED
    assert check(step, 0, where=[e < 0]).status is Status.PROVED


def test_a_non_strict_region_does_not_settle_the_value_at_zero():
    # Heaviside(0) = 1/2 in SymPy: on e >= 0 nothing says Heaviside(e) = 1.
    refuted = check(Heaviside(e), 1, where=[e >= 0])
    assert refuted.status is Status.REFUTED and e.xreplace(refuted.counterexample) == 0
    assert check(Max(e, 0), e, where=[e >= 0]).status is Status.PROVED


def test_sympy_heaviside_at_zero_is_not_a_relu_convention():
    # the convention 1[0] = 0 differs from SymPy's Heaviside(0) = 1/2: refuted at the point itself
    result = check(Max(t, 0).diff(t), Piecewise((1, t > 0), (0, True)), given=[Eq(t, 0)])
    assert result.status is Status.REFUTED


def test_wrong_sign_pattern_in_backprop_is_refuted():
    # a ReLU layer with explicit entries: 2 inputs, 2 hidden units, 2 classes
    from sympy import Matrix, exp, log

    W = Matrix(2, 2, lambda i, j: Symbol(f"W{i + 1}{j + 1}", real=True))
    V = Matrix(2, 2, lambda i, j: Symbol(f"V{i + 1}{j + 1}", real=True))
    x = Matrix(symbols("x1:3", real=True))
    m = Matrix(symbols("m1:3", real=True))
    y = Matrix(symbols("y1:3", nonnegative=True))
    z1 = W * x
    z2 = V * m.multiply_elementwise(z1.applyfunc(lambda e: Max(e, 0)))
    S = sum(exp(e) for e in z2)
    yhat = z2.applyfunc(lambda e: exp(e) / S)
    L = -sum(y[c] * log(yhat[c]) for c in range(2))
    dL_dW = Matrix(2, 2, lambda row, col: L.diff(W[row, col]))
    # the gradient as if the second hidden unit were active, on the region where it is not
    active = Matrix([1, 1])
    as_if_active = (V.T * (yhat - y)).multiply_elementwise(m).multiply_elementwise(active) * x.T
    wrong = Claim("wrong region", lhs=dL_dW, rhs=as_if_active, given=[Eq(sum(y), 1)], where=[z1[0] > 0, z1[1] < 0])
    report = decide_claim(wrong, timeout=None)
    assert report.status is Status.REFUTED
    point = report.conclusion.counterexample
    assert z1[0].xreplace(point) > 0 and z1[1].xreplace(point) < 0


# ---------------------------------------------------------------- generic functions

f, g = Function("f"), Function("g")


def test_true_claims_about_generic_functions_are_proved():
    assert check((f(t) * g(t)).diff(t), f(t).diff(t) * g(t) + f(t) * g(t).diff(t)).status is Status.PROVED
    assert check(f(u, v).diff(u, v), f(u, v).diff(v, u)).status is Status.PROVED


def test_false_claims_about_generic_functions_are_refuted_by_a_polynomial():
    result = check((f(t) ** 2).diff(t), 2 * f(t))
    assert result.status is Status.REFUTED
    shown = {str(k): val for k, val in result.counterexample.items()}
    assert "f(t)" in shown
    poly, at = shown["f(t)"], result.counterexample[t]
    s = Symbol("t", real=True)
    assert (2 * poly * poly.diff(s) - 2 * poly).subs(s, at) != 0


def test_polynomial_stand_in_satisfies_the_given_facts():
    xs = Symbol("xs", real=True)
    result = check(g(xs), 0, given=[Eq(Derivative(g(xs), xs), 0)])
    assert result.status is Status.REFUTED
    poly = next(val for k, val in result.counterexample.items() if str(k) == "g(t)")
    s = Symbol("t", real=True)
    at = result.counterexample[xs]
    assert poly.diff(s).subs(s, at) == 0
    assert poly.subs(s, at) != 0


def test_functions_with_a_sign_get_a_stand_in_with_that_sign():
    positive = Function("q", positive=True)
    ((key, stand_in),) = polynomial_stand_ins([positive(t)]).items()
    assert key == (positive, 1) and isinstance(stand_in.expr, exp)  # exp of a real polynomial: positive
    assert check(positive(t), -1).status is Status.REFUTED  # q(t) = -1 is false for every positive q


def test_integer_valued_functions_get_no_stand_in():
    whole = Function("w", integer=True)
    assert polynomial_stand_ins([whole(t)]) is None
    assert check(whole(t), Rational(1, 2)).status is not Status.PROVED


def test_real_functions_at_complex_arguments_get_no_stand_in():
    from sympy import im

    real_f = Function("r", real=True)
    z = Symbol("z")  # complex
    assert polynomial_stand_ins([real_f(z)]) is None
    assert check(im(real_f(z)), 0).status is not Status.REFUTED  # true: a real function has no imaginary part
    assert polynomial_stand_ins([real_f(t)]) is not None


# ---------------------------------------------------------------- limits


def test_limits_outside_the_rules_are_undecided_never_proved_or_refuted():
    # t sin(1/t) -> 0 is true, but no rule of the engine applies (sin of 1/t): see test_limits.py
    true = check(Limit(t * sin(1 / t), t, 0), 0)
    false = check(Limit(t * sin(1 / t), t, 0), 2)
    assert true.status is Status.UNDECIDED and false.status is Status.UNDECIDED
    assert "limit" in true.reason


def test_a_witness_is_shown_as_evidence_only():
    claim = Claim(
        "limit",
        lhs=Limit(t * sin(1 / t), t, 0),
        rhs=0,
        expect=Status.UNDECIDED,
        witness=[(sin(10**k) / 10**k, 0) for k in range(1, 4)],
    )
    report = decide_claim(claim, timeout=None)
    assert report.status is Status.UNDECIDED
    assert "numerical witness" in report.conclusion.reason
    assert "-0.0544021" in report.conclusion.reason
