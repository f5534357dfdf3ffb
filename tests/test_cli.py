"""The verify command: output and exit codes (0 as expected, 1 not, 2 usage errors)."""

import subprocess
import sys
import textwrap

from verifier.cli import main

from conftest import DERIVATIONS

GOOD = textwrap.dedent(
    """
    from sympy import symbols
    from verifier import Claim, Derivation, Status
    a, b = symbols("a b")
    derivation = Derivation(
        name="{name}",
        title="binomial square",
        claims=[
            Claim("square", lhs=(a + b) ** 2, rhs=a**2 + 2*a*b + b**2, by="expand"),
            Claim("erratum", lhs=(a + b) ** 2, rhs=a**2 + b**2, expect=Status.REFUTED),
        ],
    )
    """
)

WRONG_EXPECTATION = textwrap.dedent(
    """
    from sympy import symbols
    from verifier import Claim, Derivation
    a, b = symbols("a b")
    derivation = Derivation(name="wrong", title="a false claim said to hold",
                            claims=[Claim("freshman", lhs=(a + b) ** 2, rhs=a**2 + b**2)])
    """
)


def test_softmax_hessian_trace_exits_0(capsys):
    code = main(["softmax_hessian", "--dir", str(DERIVATIONS)])
    out = capsys.readouterr().out
    assert code == 0
    for text in (
        "7.1 gradient",
        "7.2 Hessian",
        "3.2e gradient as written",
        "7.3e Cauchy-Schwarz chain as written [k=3]",
        "seed 7.1, 3.2",
        "for all k >= 1",
        "at k = 3",
        "by=given",
        "refuted as expected",
        "Suggested correction (the engine's computation)",
    ):
        assert text in out, text
    assert "NOT as expected" not in out


def test_softmax_hessian_piped_at_80_columns_fits_and_shows_no_constructor_text(capsys, monkeypatch):
    monkeypatch.delenv("COLUMNS")  # a pipe into a CI log: not a terminal, no $COLUMNS
    assert main(["softmax_hessian", "--dir", str(DERIVATIONS)]) == 0
    out = capsys.readouterr().out
    long = [line for line in out.splitlines() if len(line) > 80]
    assert not long, long[:3]
    for constructor in ("Derivative(", "Sum(", "KroneckerDelta(", "Matrix("):
        assert constructor not in out, constructor
    assert "Σ[" in out and "∂/∂z_j(" in out and "entry by entry" in out


def test_unknown_name_exits_2_with_did_you_mean(capsys):
    code = main(["softmax_hesian", "--dir", str(DERIVATIONS)])
    err = capsys.readouterr().err
    assert code == 2
    assert "no derivation named 'softmax_hesian'" in err
    assert "did you mean 'softmax_hessian'" in err
    assert len(err.strip().splitlines()) == 1


def test_claim_not_meeting_its_expectation_exits_1(derivation_dir, capsys):
    derivation_dir("wrong", WRONG_EXPECTATION)
    code = main(["wrong", "--dir", str(derivation_dir.folder)])
    out = capsys.readouterr().out
    assert code == 1
    assert "expected proved" in out
    assert "refuted" in out


def test_derivation_given_as_a_path(derivation_dir, capsys):
    path = derivation_dir("mine", GOOD.format(name="mine"))
    assert main([str(path)]) == 0
    assert "binomial square" in capsys.readouterr().out


def test_all_prints_a_summary_and_survives_a_broken_file(derivation_dir, capsys):
    derivation_dir("good", GOOD.format(name="good"))
    derivation_dir("broken", "from sympy import symbols\nx = symbols('x'\n")
    code = main(["--all", "--dir", str(derivation_dir.folder)])
    captured = capsys.readouterr()
    assert code == 2
    assert "summary" in captured.out and "good" in captured.out
    assert "broken.py:" in captured.err and "syntax error" in captured.err


def test_file_without_derivation_is_an_error_line(derivation_dir, capsys):
    derivation_dir("empty", "x = 1\n")
    derivation_dir("good", GOOD.format(name="good"))
    assert main(["--all", "--dir", str(derivation_dir.folder)]) == 2
    assert "defines no Derivation" in capsys.readouterr().err


def test_exception_while_building_names_the_line(derivation_dir, capsys):
    derivation_dir("boom", "from sympy import Matrix\nM = Matrix([1, 2]) * Matrix([1, 2])\n")
    assert main(["boom", "--dir", str(derivation_dir.folder)]) == 2
    err = capsys.readouterr().err
    assert "boom.py:2" in err and "ShapeError" in err


def test_list_names_the_bundled_derivations(capsys):
    assert main(["--list", "--dir", str(DERIVATIONS)]) == 0
    out = capsys.readouterr().out
    assert "softmax_hessian" in out and "logistic_regression" in out


def test_no_arguments_is_a_usage_error(capsys):
    assert main([]) == 2
    assert "verify --help" in capsys.readouterr().err


def test_missing_folder_is_a_usage_error(tmp_path, capsys):
    assert main(["--all", "--dir", str(tmp_path / "nope")]) == 2
    assert "no folder" in capsys.readouterr().err


def test_console_script_is_installed():
    out = subprocess.run([sys.executable, "-m", "verifier.cli", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and "verifier" in out.stdout


def test_every_bundled_derivation_meets_its_expectations(capsys):
    """The CI check: `verify --all` on the bundled derivations exits 0."""
    code = main(["--all", "--dir", str(DERIVATIONS)])
    captured = capsys.readouterr()
    assert code == 0, captured.out[-3000:] + captured.err
