"""Reports a reader trusts and can read (issue 14): wording decided once, honest verdicts,
readable maths in the terminal and LaTeX, named subexpressions, maths titles, suggested
corrections and model errors at construction."""

import io
import json

import pytest
import sympy as sp
from rich.console import Console
from sympy import Derivative, Eq, IndexedBase, Matrix, Sum, Symbol, exp, log, symbols

from verifier import Claim, Derivation, Status, Step, wording
from verifier.cli import main
from verifier.engine import decide, decide_claim
from verifier.model import ModelError, short_text
from verifier.render import json as json_report
from verifier.render import latex
from verifier.render.names import named
from verifier.render.terminal import derivation_trace, summary_table
from verifier.render.text import failure_text, verdict_line
from verifier.render.unicode import matrix_lines, one_line

x = symbols("x", real=True)
a, b = symbols("a b", real=True)
k = Symbol("k", integer=True, positive=True)
j, c, d = symbols("j c d", integer=True)
z, y = IndexedBase("z", real=True), IndexedBase("y", nonnegative=True)


def rendered(renderable, width=80) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(renderable)
    return console.file.getvalue()


# ---------------------------------------------------------------- the one-line printer


def test_one_line_printer_writes_subscripts_sums_and_partials_not_constructors():
    S = Sum(exp(z[d]), (d, 1, k))
    L = -Sum(y[c] * log(exp(z[c]) / S), (c, 1, k))
    text = one_line(Derivative(L, z[j]) + sp.KroneckerDelta(c, j) + Symbol("y1") + Symbol("xhat"))
    for constructor in ("Derivative(", "Sum(", "KroneckerDelta(", "Indexed", "[c]"):
        assert constructor not in text
    assert "∂/∂z_j(" in text and "Σ[d=1..k](exp(z_d))" in text and "y₁" in text and "x̂" in text


def test_one_line_printer_keeps_powers_of_sums_unambiguous():
    S = Sum(exp(z[d]), (d, 1, k))
    assert one_line(1 / S**2) == "1/Σ[d=1..k](exp(z_d))²"


def test_wide_matrix_rows_become_one_entry_a_line():
    wide = Matrix([[exp(x) / (exp(x) + exp(2 * x) + exp(3 * x)) for _ in range(3)]])
    lines = matrix_lines(wide, 40)
    assert lines[0].endswith("entry by entry:") and lines[1].startswith("(1,1): ")
    assert len(lines) == 4
    assert matrix_lines(Matrix([[1, 2], [3, 4]]), 40)[1:] == ["[1, 2]", "[3, 4]"]


# ---------------------------------------------------------------- honest verdicts


def half_proved_derivation():
    """A claim whose statement is proved directly while step 2 is left undecided (by='sorry')."""
    return Derivation(
        name="half",
        title="A chain with a gap",
        claims=[
            Claim(
                "gap", lhs=(x + 1) ** 2, steps=[Step(x**2 + 2 * x + 1, by="expand"), Step(x**2 + 2 * x + 1, by="sorry")]
            )
        ],
    )


@pytest.fixture(scope="module")
def half_report():
    report = decide(half_proved_derivation(), timeout=None)
    claim = report.claims[0]
    assert claim.status is Status.PROVED and claim.steps[1].result.status is Status.UNDECIDED
    return report


def test_wording_says_proved_directly_with_the_undecided_step(half_report):
    said = wording.verdict(half_report.claims[0])
    assert said.caveat == "step 2 undecided"
    assert said.sentence.startswith("proved directly") and "step 2 undecided" in said.sentence
    assert "each of the" not in said.sentence


def test_every_renderer_says_proved_directly_and_step_2_undecided(half_report):
    claim = half_report.claims[0]
    terminal = rendered(derivation_trace(half_report, detail=False))  # as verify --all prints it
    assert "step 2 undecided" in terminal
    tex = latex.derivation_fragment(half_report)
    assert r"\textbf{proved} directly" in tex and r"\textbf{step 2 undecided}" in tex
    assert "each of the 2 steps proved" not in tex
    doc = json_report.claim(claim, "half")
    assert doc["caveat"] == "step 2 undecided" and doc["open_steps"] == [2]
    assert "proved directly" in doc["verdict_text"]
    assert "step 2 undecided" in verdict_line(claim)


def test_summary_of_verify_all_flags_a_proof_with_an_undecided_step(half_report):
    text = rendered(summary_table([half_report]), width=80)
    assert "half: gap: proved directly; step 2 undecided" in text


def test_verify_all_flags_it_on_the_command_line(derivation_dir, capsys):
    derivation_dir(
        "half",
        """
from sympy import symbols
from verifier import Claim, Derivation, Step
x = symbols("x", real=True)
derivation = Derivation(name="half", title="A chain with a gap", claims=[
    Claim("gap", lhs=(x + 1) ** 2, steps=[Step(x**2 + 2*x + 1, by="expand"), Step(x**2 + 2*x + 1, by="sorry")])])
""",
    )
    assert main(["--all", "--dir", str(derivation_dir.folder), "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "⚠ step 2 undecided" in out and "proved directly; step 2 undecided" in out


def test_a_fully_proved_chain_has_no_caveat():
    report = decide_claim(
        Claim("sq", lhs=(x + 1) ** 2, steps=[Step(x**2 + 2 * x + 1, by="expand"), Step(1 + x * (x + 2))]), timeout=None
    )
    assert report.status is Status.PROVED and wording.caveat(report) == ""
    assert (
        wording.verdict(report).sentence
        == "proved for all values allowed by the assumptions, each of the 2 steps proved"
    )


def test_a_refuted_verdict_says_refuted_once():
    report = decide_claim(
        Claim("e", lhs=(a + b) ** 2, rhs=a**2 + b**2, scope="k = 3", expect=Status.REFUTED), timeout=None
    )
    sentence = latex.verdict_sentence(report)
    assert sentence.count("refuted") == 2  # the verdict, and "refuted as expected"
    assert "refuted refuted" not in sentence and r"\textbf{refuted} at k = 3" in sentence


# ---------------------------------------------------------------- suggested corrections


def test_a_refuted_equality_carries_the_engines_correction():
    report = decide_claim(Claim("e", lhs=(a + b) ** 2, rhs=a**2 + b**2, expect=Status.REFUTED), timeout=30)
    correction = report.correction
    assert correction is not None and correction.status is Status.PROVED
    assert sp.expand(correction.lhs - (a + b) ** 2) == 0
    assert sp.expand(correction.residual - 2 * a * b) == 0


def test_a_refuted_derivative_over_symbolic_sizes_gets_the_derivative_the_engine_computed():
    S = Sum(exp(z[d]), (d, 1, k))
    L = -Sum(y[c] * log(exp(z[c]) / S), (c, 1, k))
    claim = Claim(
        "3.2e",
        lhs=Derivative(L, z[j]),
        rhs=exp(z[j]) / S,
        given=[Eq(Sum(y[c], (c, 1, k)), 1)],
        sizes=[k],
        indices={j: (1, k)},
        expect=Status.REFUTED,
    )
    report = decide_claim(claim, timeout=60)
    assert report.status is Status.REFUTED
    correction = report.correction
    assert correction is not None and correction.status is Status.PROVED
    assert not correction.lhs.has(Derivative)
    assert correction.residual == -y[j]


def test_the_correction_is_shown_labelled_in_every_renderer():
    derivation = Derivation(
        name="binomial", title="Binomial", claims=[Claim("e", lhs=(a + b) ** 2, rhs=a**2 + b**2, expect=Status.REFUTED)]
    )
    report = decide(derivation, timeout=30)
    label = wording.CORRECTION_LABEL
    assert label in rendered(derivation_trace(report))
    assert latex.escape(label) in latex.derivation_fragment(report)
    assert label in failure_text(report.claims[0])
    doc = json_report.claim(report.claims[0], "binomial")
    assert doc["correction"]["label"] == label and doc["correction"]["lhs_checked"] == "proved"
    assert sp.expand(sp.sympify(doc["correction"]["residual"]) - 2 * sp.Symbol("a") * sp.Symbol("b")) == 0


def test_a_proved_claim_has_no_correction():
    assert decide_claim(Claim("sq", lhs=(a + b) ** 2, rhs=a**2 + 2 * a * b + b**2), timeout=None).correction is None


# ---------------------------------------------------------------- named subexpressions


n = Symbol("n", integer=True, positive=True)
m, i, r = symbols("m i r", integer=True)
xs = IndexedBase("x", real=True)
mu = Sum(xs[m], (m, 1, n)) / n
MU, XH = Symbol("mu"), IndexedBase("xhat")
t = Symbol("t", integer=True)


def test_named_prints_a_definition_under_its_name_only_when_it_gives_back_the_expression():
    expr = Sum((xs[r] - mu) ** 2, (r, 1, n)) / n - mu
    shown = named(expr, ((MU, mu),))
    assert shown.has(MU) and not shown.has(Sum(xs[m], (m, 1, n)))
    assert shown.xreplace({MU: mu}) == expr
    assert named(expr, ((XH[t], xs[t] - mu),)).xreplace({XH[r]: xs[r] - mu}) == expr


def named_derivation(names):
    claim = Claim(
        "centre",
        lhs=Derivative(xs[j] - mu, xs[i]),
        rhs=sp.KroneckerDelta(i, j) - 1 / n,
        sizes=[n],
        indices={i: (1, n), j: (1, n)},
    )
    return Derivation(
        name="centring", title=("Centring: ", Eq(XH[j], xs[j] - MU, evaluate=False)), claims=[claim], names=names
    )


def test_names_change_the_printing_and_never_a_verdict():
    plain = decide(named_derivation({}), timeout=60)
    with_names = decide(named_derivation({MU: mu}), timeout=60)
    assert [c.status for c in plain.claims] == [c.status for c in with_names.claims] == [Status.PROVED]
    trace = rendered(derivation_trace(with_names))
    assert "Notation" in trace and "μ = Σ[m=1..n](xₘ)/n" in trace and "∂/∂xᵢ(-μ + x_j)" in trace
    tex = latex.derivation_fragment(with_names)
    assert r"\paragraph{Notation.}" in tex and r"\mu" in tex
    assert tex.count(latex.math(mu)) == 1  # the definition, listed once


def test_a_maths_title_is_printed_as_maths_and_its_text_escaped():
    derivation = Derivation(
        name="t",
        title=("100% of ", Eq(Symbol("y1"), 1, evaluate=False)),
        claims=[Claim("c", lhs=x, rhs=x, title=(Derivative(Symbol("L"), x), " & more"))],
    )
    report = decide(derivation, timeout=None)
    tex = latex.derivation_fragment(report)
    assert r"\section{100\% of $y_{1} = 1$}" in tex
    assert r"$\frac{\partial}{\partial x} L$ \& more" in tex
    assert "∂/∂x(L) & more" in rendered(derivation_trace(report))
    assert json_report.derivation(report)["title"] == "100% of Eq(y1, 1)"


def test_a_title_of_another_type_is_refused():
    with pytest.raises(TypeError, match="title"):
        Claim("c", lhs=x, rhs=x, title=3)


# ---------------------------------------------------------------- model errors at Claim(...)


def test_an_undeclared_index_is_a_model_error_naming_this_file_and_line():
    with pytest.raises(ModelError, match=r"test_reports\.py:\d+: claim 'g'.*z\[j\].*indices=\{j: \(lo, hi\)\}"):
        Claim("g", lhs=Derivative(Sum(z[c], (c, 1, k)), z[j]), rhs=1, sizes=[k])


def test_a_sum_without_sizes_is_a_model_error_naming_this_file_and_line():
    with pytest.raises(ModelError, match=r"test_reports\.py:\d+: claim 's': k bounds a sum"):
        Claim("s", lhs=Sum(y[c], (c, 1, k)), rhs=1)


def test_a_model_error_is_a_value_error_and_a_declared_claim_is_fine():
    assert issubclass(ModelError, ValueError)
    Claim("ok", lhs=Derivative(Sum(z[c], (c, 1, k)), z[j]), rhs=1, sizes=[k], indices={j: (1, k)})
    Claim("entries", lhs=z[1] + z[2], rhs=z[2] + z[1])


# ---------------------------------------------------------------- the progress hook


def test_decide_announces_each_claim_before_deciding_it():
    started, finished = [], []
    derivation = Derivation(
        name="two", title="two", claims=[Claim("a", lhs=x, rhs=x), Claim("b", lhs=2 * x, rhs=x + x)]
    )
    decide(
        derivation,
        timeout=None,
        on_start=lambda d, claim: started.append((d.name, claim.name, len(finished))),
        on_claim=finished.append,
    )
    assert started == [("two", "a", 0), ("two", "b", 1)]


def test_json_document_is_schema_2_with_correction_fields():
    derivation = Derivation(
        name="binomial", title="Binomial", claims=[Claim("e", lhs=(a + b) ** 2, rhs=a**2 + b**2, expect=Status.REFUTED)]
    )
    doc = json.loads(json_report.dumps(json_report.document([decide(derivation, timeout=30)])))
    assert doc["schema_version"] == 2
    assert doc["derivations"][0]["claims"][0]["correction"]["label"] == "the engine's computation"


# ---------------------------------------------------------------- the appendix


def test_entries_of_written_out_instances_print_with_subscripts():
    assert latex.math(Symbol("g[1]")) == "{g}_{1}" and latex.math(Symbol("x[1, 2]")) == "{x}_{1,2}"
    assert latex.math(IndexedBase("g")[j]) == "{g}_{j}"
    assert "[" not in latex.math(Symbol("g[1]"))


def test_a_gram_certificate_is_printed_in_the_appendix():
    A = Matrix([[1, 1], [0, 1]])
    H = A.T * A
    derivation = Derivation(
        name="psd",
        title="PSD",
        claims=[Claim("gram", lhs=H, steps=[Step(A.T * A), Step(sp.zeros(2, 2), relation=">=", certificate=A)])],
    )
    report = decide(derivation, timeout=None)
    assert report.claims[0].status is Status.PROVED
    tex = latex.derivation_fragment(report)
    block = tex[tex.index(r"\emph{Certificate of step (2):} the Gram factor $A$") :]
    assert r"\mathrm{previous} - \mathrm{rhs} = A^{T} A" in block
    assert "A &= " in block and latex.math(A) in block


def test_a_left_side_shown_before_is_referred_to_not_printed_again():
    lhs = (a + b) ** 4
    derivation = Derivation(
        name="twice",
        title="twice",
        claims=[
            Claim("right", lhs=lhs, rhs=sp.expand(lhs), by="expand"),
            Claim("wrong", lhs=lhs, rhs=a**4 + b**4, expect=Status.REFUTED),
        ],
    )
    tex = latex.derivation_fragment(decide(derivation, timeout=30))
    block = tex[tex.index(r"\subsection*{wrong}") :]
    assert r"\text{the left side of right}" in block and latex.math(lhs) not in block.split("Suggested")[0]


def test_short_text_prints_a_long_sum_only_as_far_as_it_shows():
    xs = sp.symbols("x0:3000")
    text = short_text(sp.Add(*[(i + 1) * v for i, v in enumerate(xs)]))
    assert len(text) <= 70 and text.endswith("...")
    x, y = sp.symbols("x y")
    for short in (x + 1, x - 2 * y, sp.exp(-x) / (1 + sp.exp(-x)) ** 2):  # printed whole: it reads back
        assert sp.sympify(short_text(short), locals={"x": x, "y": y}) == short
