"""The engine's contract: true claims prove (or stay undecided), false ones never prove
and are refuted with a witness that satisfies every assumption."""

import os
import subprocess
import sys

import pytest
from sympy import Eq, Matrix, Max, Symbol, cos, diff, exp, log, sin, sqrt, symbols

from verifier import Status, check
from verifier.engine.assumptions import build_context, satisfies_domain

x = Symbol("x")  # complex
r = Symbol("r", real=True)
p, q = symbols("p q", positive=True)
a, b = symbols("a b")
y1, y2, y3 = symbols("y1:4", nonnegative=True)
h = Symbol("h", real=True)
sig = 1 / (1 + exp(-h))

TRUE = [
    ((a + b) ** 2, a**2 + 2 * a * b + b**2),
    (sin(x) ** 2 + cos(x) ** 2, 1),
    (exp(x) * exp(-x), 1),
    (exp(2 * x), exp(x) ** 2),
    ((x**2 - 1) / (x - 1), x + 1),
    (diff(sig, h), sig * (1 - sig)),
    (log(p * q), log(p) + log(q)),
    (sqrt(p**2), p),
    (Matrix([[a, b], [b, a]]) * Matrix([1, 1]), Matrix([a + b, a + b])),
]

FALSE = [
    ((a + b) ** 2, a**2 + b**2),
    (diff(sig, h), sig * (sig - 1)),
    (exp(x + 1), exp(x) + 1),
    (Matrix([[a, b], [b, a]]).T, Matrix([[a, b], [a, b]])),
    ((x**2 - 1) / (x - 1), x - 1),
    (sin(2 * x), 2 * sin(x)),
]


@pytest.mark.parametrize("lhs, rhs", TRUE, ids=[str(i) for i in range(len(TRUE))])
def test_true_identities_are_proved(lhs, rhs):
    result = check(lhs, rhs)
    assert result.status is Status.PROVED, result
    assert result.counterexample is None
    assert result.tactic


@pytest.mark.parametrize("lhs, rhs", FALSE, ids=[str(i) for i in range(len(FALSE))])
def test_false_identities_are_refuted_with_a_real_counterexample(lhs, rhs):
    result = check(lhs, rhs)
    assert result.status is Status.REFUTED
    point = result.counterexample
    free = (Matrix([lhs]) if not hasattr(lhs, "shape") else lhs).free_symbols | getattr(rhs, "free_symbols", set())
    assert set(point) == free
    assert all(satisfies_domain(s, v) for s, v in point.items())
    gap = (lhs - rhs).xreplace(point) if not hasattr(lhs, "shape") else (lhs - rhs)[result.entry].xreplace(point)
    assert abs(complex(gap.evalf(50))) > 1e-10
    assert abs(complex(result.lhs_value) - complex(result.rhs_value)) > 1e-10


def test_sqrt_of_square_depends_on_the_domain():
    assert check(sqrt(r**2), r).status is Status.REFUTED
    assert check(sqrt(r**2), r).counterexample[r] < 0
    assert check(sqrt(p**2), p).status is Status.PROVED


def test_log_of_product_needs_positivity():
    assert check(log(a * b), log(a) + log(b)).status is Status.REFUTED
    assert check(log(p * q), log(p) + log(q)).status is Status.PROVED


def test_given_fact_is_needed_and_used():
    lhs, rhs = y1 + y2, 1 - y3
    assert check(lhs, rhs).status is Status.REFUTED
    result = check(lhs, rhs, given=[Eq(y1 + y2 + y3, 1)])
    assert result.status is Status.PROVED
    assert any("y1 + y2 + y3 = 1" in u for u in result.used)


def test_counterexample_satisfies_the_given_facts():
    result = check(y1 * 2, y1 + y2, given=[Eq(y1 + y2 + y3, 1)])
    assert result.status is Status.REFUTED
    point = result.counterexample
    assert point[y1] + point[y2] + point[y3] == 1
    assert all(v >= 0 for v in point.values())


def test_region_proves_only_inside_it():
    assert check(Max(r, 0), r).status is Status.REFUTED
    assert check(Max(r, 0), r, where=[r > 0]).status is Status.PROVED
    assert check(Max(r, 0), 0, where=[r < 0]).status is Status.PROVED
    refuted = check(Max(r, 0), r, where=[r > -1])
    assert refuted.status is Status.REFUTED and -1 < refuted.counterexample[r] < 0


def test_contradictory_givens_prove_nothing():
    result = check(x, 5, given=[Eq(x, 1), Eq(x, 2)])
    assert result.status is Status.UNDECIDED
    assert "unsatisfiable" in result.reason


def test_given_contradicting_a_domain_proves_nothing():
    result = check(p + q, 7, given=[Eq(p + q, -1)])
    assert result.status is Status.UNDECIDED


def test_a_sorry_step_is_never_proved_even_where_the_ladder_would_prove_it():
    # by="sorry": the numbers are checked, the ladder is not run; agreement alone is no proof.
    assert check((a + b) ** 2, a**2 + 2 * a * b + b**2).status is Status.PROVED
    result = check((a + b) ** 2, a**2 + 2 * a * b + b**2, by="sorry")
    assert result.status is Status.UNDECIDED
    assert "sorry" in result.reason


def test_a_false_sorry_step_is_refuted():
    result = check((a + b) ** 2, a**2 + b**2, by="sorry")
    assert result.status is Status.REFUTED
    point = result.counterexample
    assert ((a + b) ** 2 - a**2 - b**2).xreplace(point) != 0


def test_matrix_refutation_names_the_entry():
    result = check(Matrix([[a, b], [a, a]]), Matrix([[a, b], [b, a]]))
    assert result.status is Status.REFUTED
    assert result.entry == (1, 0)


def test_shapes_must_match():
    with pytest.raises(ValueError, match="shapes differ"):
        check(Matrix([a, b]), Matrix([[a, b]]))


def test_strings_are_never_parsed():
    with pytest.raises(TypeError, match="never parsed"):
        check("x + 1", x + 1)


def test_unknown_tactic_is_rejected():
    with pytest.raises(ValueError, match="unknown tactic"):
        check(x, x, by="magic")


def test_a_false_claim_is_refuted_before_a_ladder_that_would_outrun_the_time_limit():
    # expanding S**30 takes minutes; the numbers show the claim false at once
    c, d, e = symbols("c d e", real=True)
    S = a + b + c + d + e
    result = check(S**30 * (a - b), S**29 * (a**2 - b**2), timeout=20)
    assert result.status is Status.REFUTED
    gap = (S**30 * (a - b) - S**29 * (a**2 - b**2)).xreplace(result.counterexample)
    assert gap != 0


def test_elimination_prefers_the_last_symbol():
    ctx = build_context([Eq(y1 + y2 + y3, 1)])
    assert ctx.sample_elimination[0][0] == y3


def test_results_are_the_same_in_fresh_processes_under_different_hash_seeds():
    """Set and dict order changes with PYTHONHASHSEED; the counterexample and trace must not."""
    script = (
        "from sympy import symbols\nfrom verifier import check\na, b, c = symbols('a b c')\n"
        "r = check((a + b + c) ** 3, a**3 + b**3 + c**3)\n"
        "print(r.status.value, sorted((str(k), str(v)) for k, v in r.counterexample.items()), r.lhs_value, r.rhs_value,"
        " [(s.tactic, str(s.outcome)) for s in r.steps])\n"
    )
    outputs = []
    for seed in ("0", "1", "12345"):
        done = subprocess.run(
            [sys.executable, "-c", script],
            env=dict(os.environ, PYTHONHASHSEED=seed),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        outputs.append(done.stdout)
    assert outputs[0].startswith("refuted") and outputs[0] == outputs[1] == outputs[2], outputs


def test_region_symbol_is_not_confused_with_a_namesake():
    # Two different variables that print alike: x (real) and x (positive).
    x_real, x_pos = Symbol("x", real=True), Symbol("x", positive=True)
    result = check(Max(x_real, 0), x_pos, where=[x_real > 0])
    assert result.status is Status.REFUTED


def test_a_claim_undefined_wherever_the_assumptions_hold_is_not_proved():
    # x = 1 makes the left side 0/0: "equal wherever defined" would be vacuous.
    result = check((x**2 - 1) / (x - 1), x + 1, given=[Eq(x, 1)])
    assert result.status is Status.UNDECIDED
    assert "vacuous" in result.reason
    assert check((x**2 - 1) / (x - 1), x + 1).status is Status.PROVED
