"""Inequalities and PSD claims: proved only through a checked certificate, false ones
refuted at a point (and a vector v) that satisfies every assumption."""

import pytest
from sympy import Eq, Function, I, Matrix, Rational, Symbol, exp, symbols, zeros

from verifier import Claim, Status, Step, check_relation, decide_claim
from verifier.engine.assumptions import satisfies_domain
from verifier.engine.theories.certificates import is_nonnegative, is_positive, is_real

a, b = symbols("a b", real=True)
p = Symbol("p", positive=True)
x = Symbol("x")  # complex
h = Symbol("h", real=True)
sig = 1 / (1 + exp(-h))

TRUE = [
    ((a - b) ** 2, 0, ">=", None),
    (a**2 + b**2, 2 * a * b, ">=", (a - b) ** 2),
    (exp(a), 0, ">", None),
    (p + 1, 1, ">", None),
    (-(a**2) - exp(b), 0, "<=", None),
    (-(a**2) - exp(b), 0, "<", None),
    (sig * (1 - sig), 0, ">=", None),
    (a**4 - 2 * a**2 + 1, 0, ">=", (a**2 - 1) ** 2),
]

FALSE = [
    (a**2 - 3 * a * b + b**2, 0, ">="),
    (a**2, 0, ">"),
    (a, a**2, "<="),
    (-(a**2), -1, ">="),
]


@pytest.mark.parametrize("lhs, rhs, relation, certificate", TRUE, ids=[str(i) for i in range(len(TRUE))])
def test_true_inequalities_with_a_certificate_are_proved(lhs, rhs, relation, certificate):
    result = check_relation(lhs, rhs, relation, certificate)
    assert result.status is Status.PROVED, result
    assert result.tactic == "certificate"


@pytest.mark.parametrize("lhs, rhs, relation", FALSE, ids=[str(i) for i in range(len(FALSE))])
def test_false_inequalities_are_refuted_at_a_point_that_violates_them(lhs, rhs, relation):
    result = check_relation(lhs, rhs, relation)
    assert result.status is Status.REFUTED
    point = result.counterexample
    assert all(satisfies_domain(s, v) for s, v in point.items())
    left = lhs - rhs if relation in (">=", ">") else rhs - lhs
    value = left.xreplace(point) if hasattr(left, "xreplace") else left
    assert value < 0 or (relation in (">", "<") and value == 0)


def test_a_true_inequality_without_a_readable_sign_is_never_refuted():
    # (a^2 - 1)^2 >= 0, but not in a form the rules read; a proof would be fine, a refutation wrong
    result = check_relation(a**4 - 2 * a**2 + 1, 0, ">=")
    assert result.status is not Status.REFUTED
    assert result.status is Status.PROVED or "sign" in result.reason


def test_a_wrong_certificate_proves_nothing():
    # the claim is true; the certificate is not equal to it and must not be what proves it
    result = check_relation(a**2 + b**2, 0, ">=", certificate=(a + b) ** 2)
    assert result.status is not Status.REFUTED
    assert result.status is not Status.PROVED or result.tactic != "certificate"
    assert result.status is Status.PROVED or "certificate identity" in result.reason
    false = check_relation(a**2 - b**2, 0, ">=", certificate=(a - b) ** 2)
    assert false.status is Status.REFUTED  # a = 0, b = 1


def test_squares_count_only_for_real_bases():
    assert not is_nonnegative(x**2)
    assert not is_nonnegative((I * a) ** 2)
    assert is_nonnegative(a**2)
    assert check_relation(x**2, 0, ">=").status is Status.REFUTED  # x = i
    assert check_relation((I * a) ** 2, 0, ">=").status is Status.REFUTED


def test_undefined_functions_are_not_known_real():
    f = Function("f")
    assert not is_real(f(a))
    result = check_relation(Matrix([[f(a) ** 2]]), zeros(1, 1), ">=", certificate=Matrix([[f(a)]]))
    assert result.status is not Status.PROVED


def test_signs_read_off_the_form():
    assert is_positive(exp(a) / (1 + exp(b)))
    assert is_nonnegative(Rational(1, 2) * p * (a - b) ** 2)
    assert not is_nonnegative(a * b)
    assert not is_positive(a**2)  # zero at a = 0


def test_gram_factor_proves_psd():
    A = Matrix([[a, b], [0, a], [b, 1]])
    result = check_relation(A.T * A, zeros(2, 2), ">=", certificate=A)
    assert result.status is Status.PROVED
    assert result.tactic == "certificate"


def test_psd_without_a_factor_is_never_refuted():
    A = Matrix([[a, b], [0, a]])
    result = check_relation(A.T * A, zeros(2, 2), ">=")
    assert result.status is not Status.REFUTED
    assert result.status is Status.PROVED or "Gram factor" in result.reason


def test_indefinite_matrix_is_refuted_with_a_vector():
    M = Matrix([[a, b], [b, a]])
    result = check_relation(M, zeros(2, 2), ">=")
    assert result.status is Status.REFUTED
    v = Matrix(result.vector)
    value = (v.T * M.xreplace(result.counterexample) * v)[0, 0]
    assert value < 0


def test_definiteness_is_refuted_where_the_factor_loses_rank():
    A = Matrix([[a, b], [2 * a, 2 * b]])  # rank 1 for every a, b
    result = check_relation(A.T * A, zeros(2, 2), ">")
    assert result.status is Status.REFUTED
    v = Matrix(result.vector)
    assert any(c != 0 for c in v)
    assert (v.T * (A.T * A).xreplace(result.counterexample) * v)[0, 0].expand() == 0


def test_definiteness_is_never_proved_from_a_gram_factor():
    # true here ((1 + p)^2 I > 0), but A^T A >= 0 says nothing about > 0: a singular A would do too
    A = Matrix([[1, 0], [0, 1]]) * (1 + p)
    result = check_relation(A.T * A, zeros(2, 2), ">", certificate=A)
    assert result.status is not Status.REFUTED
    assert result.status is not Status.PROVED or result.tactic != "certificate"
    singular = Matrix([[1, 1], [1, 1]]) * p
    assert check_relation(singular.T * singular, zeros(2, 2), ">", certificate=singular).status is Status.REFUTED


def test_sum_of_squares_certificate_under_a_given_sum():
    q = symbols("q1:4", nonnegative=True)
    v = Matrix(symbols("v1:4", real=True))
    P = Matrix(q)
    H = Matrix.diag(*q) - P * P.T
    sos = Rational(1, 2) * sum(q[i] * q[j] * (v[i] - v[j]) ** 2 for i in range(3) for j in range(3))
    result = check_relation((v.T * H * v)[0, 0], 0, ">=", certificate=sos, given=[Eq(sum(q), 1)])
    assert result.status is Status.PROVED
    assert any("q1 + q2 + q3 = 1" in u for u in result.used)
    # without the constraint the inequality is false (q = (2, 0, 0), v = (1, 0, 0) gives -2)
    assert check_relation((v.T * H * v)[0, 0], 0, ">=", certificate=sos).status is Status.REFUTED


def test_a_region_makes_a_sign_readable():
    assert check_relation(a, 0, ">", where=[a > 0]).status is Status.PROVED
    assert check_relation(a, 0, ">", where=[a > -1]).status is Status.REFUTED


def test_chain_relation_is_composed_and_checked_step_by_step():
    claim = Claim(
        "chain", lhs=a**2 + b**2 + 1, steps=[Step((a - b) ** 2 + 2 * a * b + 1), Step(2 * a * b, relation=">")]
    )
    assert claim.relation == ">"
    report = decide_claim(claim, timeout=None)
    assert report.status is Status.PROVED
    with pytest.raises(ValueError, match="cannot mix"):
        Claim("mixed", lhs=a, steps=[Step(b, relation=">="), Step(0, relation="<=")])
    with pytest.raises(ValueError, match="unknown relation"):
        Step(a, relation="=>")


def test_a_false_step_in_an_inequality_chain_is_caught():
    claim = Claim("bad", lhs=a**2 + b**2, steps=[Step((a + b) ** 2), Step(0, relation=">=")])
    report = decide_claim(claim, timeout=None)
    assert report.steps[0].result.status is Status.REFUTED
    assert not report.meets_expectation


def test_a_claim_relation_must_match_its_steps():
    with pytest.raises(ValueError, match="its steps give"):
        Claim("mismatch", lhs=a**2, steps=[Step(a**2), Step(0, relation=">=")], relation="<=")
    with pytest.raises(ValueError, match="own certificate"):
        Claim("certificate with steps", lhs=a**2, steps=[Step(0, relation=">=")], certificate=a)
    assert Claim("single", lhs=a**2, rhs=0, relation=">=").steps[0].relation == ">="
