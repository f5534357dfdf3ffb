"""What verify prints for inequality claims, PSD counterexamples and undecided limits."""

from verifier.cli import main

SOURCE = """
from sympy import Limit, Matrix, Symbol, sin, symbols, zeros
from verifier import Claim, Derivation, Status, Step

a, b = symbols("a b", real=True)
t = Symbol("t", real=True)
M = Matrix([[a, b], [b, a]])

derivation = Derivation(
    name="relations",
    title="inequalities",
    claims=[
        Claim("square", lhs=a**2 + b**2, steps=[Step((a - b) ** 2 + 2 * a * b), Step(2 * a * b, relation=">=")]),
        Claim("indefinite", lhs=M, rhs=zeros(2, 2), relation=">=", expect=Status.REFUTED),
        Claim("limit", lhs=Limit(t * sin(1 / t), t, 0), rhs=0, expect=Status.UNDECIDED),  # outside the limit rules
    ],
)
"""


def test_relations_render_and_meet_expectations(derivation_dir, capsys):
    derivation_dir("relations", SOURCE)
    code = main(["--all", "--trace", "--dir", str(derivation_dir.folder)])
    out = capsys.readouterr().out
    assert code == 0
    assert "≥" in out
    assert "vᵀ lhs v" in out and "fails" in out
    assert "v₁" in out
    assert "undecided: why" in out and "limit" in out
