"""Bad input ends in one clear line and exit 2, and the other derivations are still verified;
a claim that hangs ends undecided at its time limit; contradictory assumptions prove nothing;
a counterexample that does not hold up is an engine bug, never a refutation."""

from __future__ import annotations

import textwrap
import time

import pytest
from sympy import Eq, Integer, Symbol, symbols

from verifier import Status, check
from verifier.cli import main
from verifier.engine import numeric

GOOD = textwrap.dedent(
    """
    from sympy import symbols
    from verifier import Claim, Derivation, Status
    a, b = symbols("a b", real=True)
    derivation = Derivation(name="good", title="binomial square", claims=[
        Claim("square", lhs=(a + b) ** 2, rhs=a**2 + 2*a*b + b**2, by="expand"),
        Claim("erratum", lhs=(a + b) ** 2, rhs=a**2 + b**2, expect=Status.REFUTED),
    ])
    """
)

HEADER = "from sympy import Matrix, symbols, Eq\nfrom verifier import Claim, Derivation, Step\na, b = symbols('a b')\n"


def claim_file(claim_source: str, name: str = "bad") -> str:
    return HEADER + f"derivation = Derivation(name={name!r}, title='t', claims=[{claim_source}])\n"


#: (file name, source, what the one error line must say)
BAD_FILES = [
    ("syntax", "from sympy import symbols\nx = symbols('x'\n", "syntax.py:2: syntax error: '(' was never closed"),
    ("imports", "import no_such_module_for_verifier\n", "import error: No module named 'no_such_module_for_verifier'"),
    (
        "raises",
        "x = 1\nraise RuntimeError('the author left a bug')\n",
        "raises.py:2: RuntimeError while building the derivation: the author left a bug",
    ),
    ("divides", HEADER + "c = 1 / 0\n", "ZeroDivisionError while building the derivation"),
    ("empty", "x = 1\n", "defines no Derivation"),
    ("duplicate", GOOD, "derivation name 'good' is already used by"),
    (
        "shapes",
        claim_file("Claim('c', lhs=Matrix([a, b]), rhs=Matrix([[a, b]]))"),
        "shapes differ: lhs is a 2x1 matrix but step 1 is a 1x2 matrix",
    ),
    (
        "string_lhs",
        claim_file("Claim('c', lhs='a + b', rhs=a + b)"),
        "is the string 'a + b'; build it with SymPy objects (strings are never parsed)",
    ),
    ("string_step", claim_file("Claim('c', lhs=a, steps=[Step('a')])"), "strings are never parsed"),
    ("list_lhs", claim_file("Claim('c', lhs=[a, b], rhs=a)"), "must be a SymPy expression or Matrix, not list"),
    ("object_lhs", claim_file("Claim('c', lhs=object(), rhs=a)"), "must be a SymPy expression or Matrix, not object"),
    ("relation_lhs", claim_file("Claim('c', lhs=a > 0, rhs=a)"), "is the relation or truth value a > 0"),
    ("unknown_tactic", claim_file("Claim('c', lhs=a, steps=[Step(a, by='magic')])"), "unknown tactic by='magic'"),
    ("close_tactic", claim_file("Claim('c', lhs=a, steps=[Step(a, by='expnad')])"), "did you mean 'expand'?"),
    (
        "given_not_eq",
        claim_file("Claim('c', lhs=a, rhs=a, given=[a > 0])"),
        "given must hold SymPy relations such as Equality",
    ),
    ("two_claims", claim_file("Claim('c', lhs=a, rhs=a), Claim('c', lhs=b, rhs=b)"), "two claims are named 'c'"),
    ("no_claims", HEADER + "derivation = Derivation(name='none', title='t', claims=[])\n", "has no claims"),
    (
        "bad_name",
        HEADER + "derivation = Derivation(name='has space', title='t', claims=[Claim('c', lhs=a, rhs=a)])\n",
        "must be an identifier",
    ),
    ("exits", "import sys\nsys.exit(3)\n", "the file called sys.exit(3)"),
]


@pytest.mark.parametrize("name, source, message", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_is_one_line_exit_2_and_the_rest_still_runs(derivation_dir, capsys, name, source, message):
    derivation_dir("good", GOOD)
    derivation_dir(name, source)
    code = main(["--all", "--dir", str(derivation_dir.folder), "--timeout", "30"])
    captured = capsys.readouterr()
    assert code == 2
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("verify: ") and f"{name}.py" in lines[0], lines[0]
    assert message in lines[0], lines[0]
    # the good derivation was still verified, and met its expectations
    assert "binomial square" in captured.out and "2 claims" in captured.out
    assert "NOT as expected" not in captured.out


#: An array as numpy makes one (numpy is not a dependency, so a stand-in with its interface:
#: shape, indexing, iteration, tolist and __array__, the hooks SymPy might try to convert).
ARRAY_LIKE = textwrap.dedent(
    """
    class ndarray:
        shape = (2,)
        def __init__(self, values): self.values = list(values)
        def __len__(self): return len(self.values)
        def __getitem__(self, i): return self.values[i]
        def __iter__(self): return iter(self.values)
        def tolist(self): return list(self.values)
        def __array__(self, dtype=None): raise AssertionError("converted")
    """
)


def test_array_as_lhs_is_one_clear_line(derivation_dir, capsys):
    derivation_dir("good", GOOD)
    derivation_dir("arrays", ARRAY_LIKE + claim_file("Claim('c', lhs=ndarray([1.0, 2.0]), rhs=a)"))
    assert main(["--all", "--dir", str(derivation_dir.folder)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "must be a SymPy expression or Matrix, not ndarray" in err[0]


def test_named_derivation_with_a_bad_file_beside_it(derivation_dir, capsys):
    """Asking for one derivation by name still works when another file is broken."""
    derivation_dir("good", GOOD)
    derivation_dir("syntax", "x = (\n")
    code = main(["good", "--dir", str(derivation_dir.folder)])
    captured = capsys.readouterr()
    assert code == 0 and "binomial square" in captured.out


SLOW = textwrap.dedent(
    """
    from sympy import symbols
    from verifier import Claim, Derivation
    a, b, c, d, e, f = symbols("a b c d e f", real=True)
    S = a + b + c + d + e + f
    # True, and agrees numerically at once, but expanding it takes minutes.
    derivation = Derivation(name="slow", title="a claim that takes minutes", claims=[
        Claim("huge expansion", lhs=S**30 * (a - b), rhs=S**29 * (a**2 - b**2 + (a - b) * (c + d + e + f))),
        Claim("quick", lhs=(a + b) ** 2, rhs=a**2 + 2*a*b + b**2),
    ])
    """
)


def test_a_claim_that_hangs_ends_undecided_at_the_time_limit_and_the_run_completes(derivation_dir, capsys):
    derivation_dir("slow", SLOW)
    derivation_dir("good", GOOD)
    started = time.monotonic()
    code = main(["--all", "--dir", str(derivation_dir.folder), "--timeout", "2", "--trace"])
    took = time.monotonic() - started
    out = capsys.readouterr().out
    assert code == 1  # the slow claim is expected proved and is not
    assert "time limit 2 s" in out
    assert "binomial square" in out and "quick" in out
    assert took < 60, took


def test_check_with_a_time_limit_returns_undecided():
    a, b, c, d, e, f = symbols("a b c d e f", real=True)
    S = a + b + c + d + e + f
    started = time.monotonic()
    result = check(S**30 * (a - b), S**29 * (a**2 - b**2 + (a - b) * (c + d + e + f)), timeout=1.5)
    assert time.monotonic() - started < 10
    assert result.status is Status.UNDECIDED and result.reason == "time limit 1.5 s"


INCONSISTENT = textwrap.dedent(
    """
    from sympy import Eq, symbols
    from verifier import Claim, Derivation
    x = symbols("x")
    p = symbols("p", positive=True)
    r, s = symbols("r s", real=True)
    derivation = Derivation(name="inconsistent", title="contradictory assumptions", claims=[
        Claim("x is 1 and 2", lhs=x, rhs=5, given=[Eq(x, 1), Eq(x, 2)]),
        Claim("positive p is -1", lhs=p**2, rhs=7, given=[Eq(p + 2, 1)]),
        Claim("region against domain", lhs=p, rhs=-p, where=[p < -1]),
        Claim("nonlinear", lhs=r, rhs=r + 1, given=[Eq(r * s, 1), Eq(s, 0)]),
    ])
    """
)


def test_inconsistent_assumptions_are_reported_and_prove_nothing(derivation_dir, capsys):
    derivation_dir("inconsistent", INCONSISTENT)
    code = main(["inconsistent", "--dir", str(derivation_dir.folder)])
    out = capsys.readouterr().out
    assert code == 1
    assert out.count("unsatisfiable") >= 4, out
    assert "✔ proved" not in out


def test_a_witness_that_fails_the_recheck_is_an_engine_bug_not_a_refutation(monkeypatch):
    """The numeric search is replaced by one that returns a point where the sides agree."""
    x = Symbol("x", real=True)
    bogus = numeric.Witness({x: Integer(1)}, None, Integer(2), Integer(3), Integer(-1))
    import verifier.engine as engine

    monkeypatch.setattr(
        engine.gate, "find_counterexample", lambda lhs, rhs, sampler, count, settled=None: (bogus, 0, 1)
    )
    result = check((x + 1) ** 2, x**2 + 2 * x + 1)
    assert result.status is Status.UNDECIDED
    assert "engine bug" in result.reason and "failed the independent re-check" in result.reason
    assert result.counterexample is None


def test_a_witness_outside_the_given_facts_is_rejected(monkeypatch):
    y1, y2 = symbols("y1 y2", nonnegative=True)
    bogus = numeric.Witness(
        {y1: Integer(1), y2: Integer(1)}, None, Integer(1), Integer(0), Integer(1)
    )  # y1 + y2 = 1 fails there
    import verifier.engine as engine

    monkeypatch.setattr(
        engine.gate, "find_counterexample", lambda lhs, rhs, sampler, count, settled=None: (bogus, 0, 1)
    )
    result = check(y1, 1 - y2, given=[Eq(y1 + y2, 1)])
    assert result.status is Status.UNDECIDED and "given fact" in result.reason


def test_a_witness_outside_the_domain_is_rejected(monkeypatch):
    p = Symbol("p", positive=True)
    bogus = numeric.Witness({p: Integer(-1)}, None, Integer(1), Integer(-1), Integer(2))
    import verifier.engine as engine

    monkeypatch.setattr(
        engine.gate, "find_counterexample", lambda lhs, rhs, sampler, count, settled=None: (bogus, 0, 1)
    )
    result = check(abs(p), p)
    assert result.status is Status.UNDECIDED and "outside its domain (positive" in result.reason


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0"])
def test_bad_timeout_is_a_usage_error(capsys, value):
    assert main(["good", "--timeout", value]) == 2
    err = capsys.readouterr().err
    assert "--timeout must be a positive, finite number" in err and "Traceback" not in err


def test_non_numeric_timeout_is_rejected_by_the_parser(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["good", "--timeout", "abc"])
    assert caught.value.code == 2 and "invalid float value" in capsys.readouterr().err
