"""LaTeX appendices: escaping, the content of a fragment, layout of large expressions,
and real compilation of every bundled derivation with pdflatex (checked with pdftotext)."""

import os
import shutil
import subprocess
import unicodedata

import pytest
import sympy as sp
from sympy import Eq, Matrix, exp, symbols

from verifier import Claim, Derivation, Status, Step
from verifier.cli import main
from verifier.engine import decide
from verifier.load import discover, load_all
from verifier.model import title_parts
from verifier.render import latex
from verifier.render.latex import blocks, layout
from verifier.render.pdf import PDFLATEX_OPTIONS, LatexError, compile_pdf, latex_command

from conftest import DERIVATIONS

HOSTILE = r"\input{/etc/passwd} 100% a_b & c # $x$ {y} ~z ^w \\ back\slash"


@pytest.fixture(scope="session")
def bundled_reports():
    """Every bundled derivation decided once for the whole session (about 30 s)."""
    loaded = load_all(discover(DERIVATIONS))
    assert not loaded.errors, loaded.errors
    return [decide(d) for d in loaded.derivations]


@pytest.fixture(scope="session")
def tex_tools():
    """pdflatex and pdftotext; skipped outside CI when missing, failed under CI=true."""
    missing = [tool for tool in ("pdflatex", "pdftotext") if shutil.which(tool) is None]
    if missing:
        reason = f"{' and '.join(missing)} not on PATH: install texlive-latex-base and poppler-utils (.ci/run does)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def pdf_text(pdf) -> str:
    """The PDF's text with ligatures undone, whitespace and hyphens removed, for substring checks."""
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "`")
    return squeeze(text)


def squeeze(text: str) -> str:
    """Text without blanks and hyphens: pdftotext joins a word hyphenated at a line end."""
    return "".join(text.split()).replace("-", "")


def small_derivation(title="Three probabilities", note="sum is one"):
    y1, y2, y3 = symbols("y1:4", nonnegative=True)
    x = symbols("x", real=True)
    return Derivation(
        name="three",
        title=title,
        source="notes, p. 3",
        assumptions=("y is a probability vector",),
        given=[Eq(y1 + y2 + y3, 1)],
        claims=[
            Claim(
                "sum", title="y1 + y2 = 1 - y3", lhs=y1 + y2, steps=[Step(1 - y3, by="given", note=note)], scope="k = 3"
            ),
            Claim("square", title="binomial", lhs=(x + 1) ** 2, steps=[Step(x**2 + 2 * x + 1, by="expand")]),
            Claim("erratum", title="freshman's dream", lhs=(x + 1) ** 2, rhs=x**2 + 1, expect=Status.REFUTED),
            Claim("draft", title="left open", lhs=x * y1, rhs=y1 * x + 0 * y2, by="sorry"),
        ],
    )


def compile_fragment(report, folder):
    paths = latex.write_appendix([report], folder, standalone=True)
    assert [p.name for p in paths] == [f"{report.derivation.name}.tex", "appendix.tex", "main.tex"]
    return compile_pdf(folder / "main.tex")


# ---------------------------------------------------------------- escaping


def test_escape_leaves_no_character_that_tex_would_interpret():
    text = latex.escape(HOSTILE)
    assert r"\input" not in text and "{/etc" not in text
    unescaped = text
    for safe in (
        r"\texttt{\char92}",
        r"\texttt{\char123}",
        r"\texttt{\char125}",
        r"\texttt{\char95}",
        r"\texttt{\char94}",
        r"\texttt{\char126}",
        r"\%",
        r"\&",
        r"\#",
        r"\$",
    ):
        unescaped = unescaped.replace(safe, "")
    assert not set(unescaped) & set("\\{}_^~%&#$"), unescaped


def test_sympys_own_constants_print_as_maths():
    """A divergent limit's value is oo; pi and I appear in claims: they print as SymPy prints them."""
    from verifier.render.latex.printer import math

    assert math(sp.oo) == r"\infty" and math(-sp.oo) == r"-\infty" and math(sp.zoo) == r"\tilde{\infty}"
    assert math(2 * sp.pi) == r"2 \pi" and math(sp.I) == "i"


def test_escape_maps_unicode_to_symbols_or_code_points():
    assert latex.escape("σ(h) ≥ 0") == r"\ensuremath{\sigma}(h) \ensuremath{\ge} 0"
    assert latex.escape("café") == "café"
    assert latex.escape("ب") == "[U+0628]"
    assert latex.escape("a -- b") == "a -{}- b"


def test_hostile_title_compiles_and_appears_literally(tmp_path, tex_tools):
    d = small_derivation(title="Title " + HOSTILE, note="note " + HOSTILE)
    report = decide(d, timeout=None)
    pdf = compile_fragment(report, tmp_path)
    text = pdf_text(pdf)
    assert squeeze("Title " + HOSTILE) in text
    assert squeeze("note " + HOSTILE) in text
    assert "root:" not in text  # /etc/passwd was not read
    assert not (tmp_path / "etc").exists()


def test_hostile_symbol_and_function_names_are_printed_as_text(tmp_path, tex_tools):
    a = sp.Symbol("a%b", real=True)
    b = sp.Symbol(r"\input{/etc/passwd}", positive=True)
    f = sp.Function("f%#")
    d = Derivation(
        name="names",
        title="hostile names",
        claims=[
            Claim("names", lhs=(a + b) ** 2 + f(a), rhs=a**2 + 2 * a * b + b**2 + f(a), by="expand"),
        ],
    )
    report = decide(d, timeout=None)
    assert report.claims[0].status is Status.PROVED
    tex = latex.derivation_fragment(report)
    assert r"\text{a\%b}" in tex and r"\input{" not in tex
    text = pdf_text(compile_fragment(report, tmp_path))
    assert "a%b" in text and squeeze(r"\input{/etc/passwd}") in text and "f%#" in text
    assert "root:" not in text


def test_compilation_never_uses_shell_escape(tex_tools):
    command = latex_command("main.tex")
    assert "-no-shell-escape" in " ".join(command) and "-shell-escape" not in command
    assert set(PDFLATEX_OPTIONS) == {"-halt-on-error", "-no-shell-escape", "-interaction=nonstopmode"}


# ---------------------------------------------------------------- content


@pytest.fixture(scope="module")
def small_report():
    return decide(small_derivation(), timeout=None)


def test_fragment_states_title_source_and_assumptions(small_report):
    tex = latex.derivation_fragment(small_report)
    y1, y2, y3 = symbols("y1:4", nonnegative=True)
    assert r"\section{Three probabilities}" in tex
    assert "notes, p. 3" in tex
    assert "$y_{1}$, $y_{2}$, $y_{3}$: nonnegative" in tex
    assert "$x$: real" in tex
    assert f"given: ${sp.latex(Eq(y1 + y2 + y3, 1))}$" in tex
    assert "y is a probability vector" in tex


def test_fragment_chain_has_each_step_with_its_justification(small_report):
    tex = latex.derivation_fragment(small_report)
    y1, y2, y3 = symbols("y1:4", nonnegative=True)
    x = symbols("x", real=True)
    assert r"\begin{flalign*}" in tex
    assert sp.latex(y1 + y2) in tex and "={}& " + blocks._fit(blocks._EXPR_WIDTH, sp.latex(1 - y3)) in tex
    assert r"\emph{sum is one}" in tex
    assert f"proved by given; uses ${sp.latex(Eq(y1 + y2 + y3, 1))}$" in tex
    assert sp.latex(x**2 + 2 * x + 1) in tex and "proved by expand" in tex


def test_fragment_verdicts_say_the_scope_and_no_more(small_report):
    tex = latex.derivation_fragment(small_report)
    assert r"\textbf{proved} at k = 3 only" in tex
    assert r"\textbf{proved} for all values allowed by the assumptions" in tex
    assert "for all n" not in tex


def test_refuted_claim_shows_the_counterexample_table_with_both_sides(small_report):
    tex = latex.derivation_fragment(small_report)
    erratum = small_report.claims[2]
    assert erratum.status is Status.REFUTED
    witness = erratum.witness
    block = tex[tex.index(r"\subsection*{erratum}") : tex.index(r"\subsection*{draft}")]
    assert r"\begin{tabular}" in block
    for symbol, value in witness.counterexample.items():
        assert f"${sp.latex(symbol)} = {sp.latex(value)}$" in block
    assert rf"$\mathrm{{lhs}} = {sp.latex(witness.lhs_value)}$" in block
    assert rf"$\mathrm{{rhs}} = {sp.latex(witness.rhs_value)}$" in block
    assert "Erratum kept as written, refuted as expected." in block


def test_undecided_claim_gives_the_reason(small_report):
    tex = latex.derivation_fragment(small_report)
    block = tex[tex.index(r"\subsection*{draft}") :]
    assert small_report.claims[3].status is Status.UNDECIDED
    assert r"\textbf{undecided}: " + latex.escape("skipped (by='sorry')") in block
    assert "Not as expected" in block


def test_appendix_inputs_fragments_in_order():
    text = latex.appendix(["b_first", "a_second", "main"])
    lines = [line for line in text.splitlines() if line.startswith(r"\input")]
    assert lines == [
        r"\input{\verifierappendixdir b_first.tex}",
        r"\input{\verifierappendixdir a_second.tex}",
        r"\input{\verifierappendixdir main_derivation.tex}",
    ]


# ---------------------------------------------------------------- large expressions


def softmax_terms(k):
    z = symbols(f"z1:{k + 1}", real=True)
    S = sum(exp(zi) for zi in z)
    return z, S


def test_long_sum_breaks_into_lines_that_are_sympys_own_terms():
    z, S = softmax_terms(6)
    expr = sum(exp(zi) / S**2 * zi for zi in z) + sum(z)
    lines = layout.sum_lines(expr, 40)
    assert len(lines) > 2
    assert squeeze(" ".join(lines)).replace("{}", "") == squeeze(sp.latex(expr))


def test_abbreviation_is_used_only_when_it_gives_back_the_checked_expression():
    z, S = softmax_terms(4)
    yhat = Matrix([exp(zi) / S for zi in z])
    exprs = [yhat.jacobian(z), sp.diag(*yhat) - yhat * yhat.T]
    shown, definitions = latex.abbreviate(exprs, taken_names={"z_{1}"})
    assert [sp.latex(v) for _, v in definitions] == [sp.latex(S)]
    symbol = definitions[0][0]
    assert sp.latex(symbol) == "S"
    for original, short in zip(exprs, shown):
        assert short.xreplace({symbol: S}) == original
        assert S not in set(sp.preorder_traversal(short[0, 0]))


def test_abbreviation_never_replaces_a_whole_entry():
    z, S = softmax_terms(3)
    shown, definitions = latex.abbreviate([Matrix([S, S + 1]), Matrix([S, S + 1])])
    assert shown[0][0] == S  # the entry itself stays as written


def test_wide_matrix_is_named_and_listed_entry_by_entry():
    z, S = softmax_terms(4)
    L = sp.log(S) - z[0]
    H = sp.hessian(L, z)
    shown = layout.layout(H, r"\mathsf{M}_{0}", layout.LINE_UNITS)
    assert shown.lines == [r"\mathsf{M}_{0}"]
    # a Hessian is symmetric entry for entry: listed by its upper triangle, and marked so
    assert shown.symmetric and len(shown.listing) == 10 and shown.listing[0][0] == r"\left(\mathsf{M}_{0}\right)_{11}"
    assert r"\left(\mathsf{M}_{0}\right)_{21}" not in dict(shown.listing)
    lopsided = H + Matrix(4, 4, lambda i, j: i)  # not symmetric: every entry listed
    assert len(layout.layout(lopsided, "M", layout.LINE_UNITS).listing) == 16
    small = layout.layout(Matrix([[z[0], 1], [0, z[1]]]), "M", layout.LINE_UNITS)
    assert small.lines[0].startswith(r"\begin{pmatrix}") and not small.listing


# ---------------------------------------------------------------- the bundled derivations, compiled


def test_every_bundled_appendix_compiles_and_contains_every_claim_title(tex_tools, bundled_reports, tmp_path):
    latex.write_appendix(bundled_reports, tmp_path, standalone=True)
    text = pdf_text(compile_pdf(tmp_path / "main.tex"))
    for report in bundled_reports:
        for part in title_parts(report.derivation.title):
            assert not isinstance(part, str) or squeeze(part) in text, part
        for claim_report in report.claims:
            claim = claim_report.claim
            for part in title_parts(claim.title):  # the text of a maths title; its maths is typeset
                assert not isinstance(part, str) or squeeze(part) in text, part
            assert squeeze(claim.name) in text, claim.name
    assert (tmp_path / "main.pdf").stat().st_size > 10_000


def test_the_bundled_appendix_is_at_most_25_pages(tex_tools, bundled_reports, tmp_path):
    latex.write_appendix(bundled_reports, tmp_path, standalone=True)
    pdf = compile_pdf(tmp_path / "main.tex")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages <= 25, pages


def test_every_bundled_fragment_compiles_on_its_own(tex_tools, bundled_reports, tmp_path):
    for report in bundled_reports:
        folder = tmp_path / report.derivation.name
        text = pdf_text(compile_fragment(report, folder))
        assert all(squeeze(p) in text for p in title_parts(report.derivation.title) if isinstance(p, str))


# ---------------------------------------------------------------- the command


SMALL = """
from sympy import symbols
from verifier import Claim, Derivation, Status
a, b = symbols("a b", real=True)
derivation = Derivation(
    name="binomial",
    title="Binomial square",
    claims=[
        Claim("square", title="(a + b)^2 expanded", lhs=(a + b) ** 2, rhs=a**2 + 2*a*b + b**2, by="expand"),
        Claim("erratum", title="freshman's dream", lhs=(a + b) ** 2, rhs=a**2 + b**2, expect=Status.REFUTED),
    ],
)
"""


def test_cli_writes_fragment_and_appendix_only_under_dir(derivation_dir, tmp_path, capsys):
    derivation_dir("binomial", SMALL)
    before = set(tmp_path.rglob("*"))
    out = tmp_path / "out" / "appendix"
    assert main(["binomial", "--dir", str(derivation_dir.folder), "--latex", str(out), "--no-cache"]) == 0
    written = set(tmp_path.rglob("*")) - before
    assert {p for p in written if p.is_file()} == {out / "binomial.tex", out / "appendix.tex"}
    assert r"\section{Binomial square}" in (out / "binomial.tex").read_text()
    assert r"\input{\verifierappendixdir binomial.tex}" in (out / "appendix.tex").read_text()


def test_cli_standalone_writes_a_complete_document(derivation_dir, tmp_path):
    derivation_dir("binomial", SMALL)
    out = tmp_path / "out"
    assert main(["--all", "--dir", str(derivation_dir.folder), "--latex", str(out), "--standalone"]) == 0
    main_tex = (out / "main.tex").read_text()
    assert main_tex.startswith(r"\documentclass") and r"\input{appendix}" in main_tex and r"\end{document}" in main_tex


def test_cli_pdf_compiles_the_document(derivation_dir, tmp_path, tex_tools):
    derivation_dir("binomial", SMALL)
    out = tmp_path / "out"
    assert main(["binomial", "--dir", str(derivation_dir.folder), "--latex", str(out), "--pdf"]) == 0
    text = pdf_text(out / "main.pdf")
    assert squeeze("(a + b)^2 expanded") in text and squeeze("freshman's dream") in text


def test_cli_pdf_without_tex_is_one_clear_line_and_exit_2(derivation_dir, tmp_path, monkeypatch, capsys):
    derivation_dir("binomial", SMALL)
    empty = tmp_path / "empty_path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    out = tmp_path / "out"
    assert main(["binomial", "--dir", str(derivation_dir.folder), "--latex", str(out), "--pdf"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "neither latexmk nor pdflatex" in err[0]
    assert (out / "main.tex").is_file()  # the LaTeX is still written


def test_cli_pdf_needs_latex_dir(capsys):
    assert main(["--all", "--pdf"]) == 2
    assert "--latex DIR" in capsys.readouterr().err


def test_compile_error_is_one_line(tmp_path, tex_tools):
    (tmp_path / "main.tex").write_text("\\documentclass{article}\\begin{document}\\undefinedthing\\end{document}\n")
    with pytest.raises(LatexError) as info:
        compile_pdf(tmp_path / "main.tex")
    assert "Undefined control sequence" in str(info.value) and "\n" not in str(info.value)


def test_scope_words_repeat_the_claims_scope_and_never_widen_it(small_report):
    from dataclasses import replace

    proved = small_report.claims[0]
    assert latex.scope_words(proved) == "at k = 3 only"
    # "for all n" is never typed: only sizes= with a proof for every size says it.
    for typed in ("for all n", "all n >= 1"):
        with pytest.raises(ValueError, match="claims every size"):
            replace(proved.claim, scope=typed, rhs=None)
    refuted = small_report.claims[2]
    assert (
        latex.scope_words(replace(refuted, claim=replace(refuted.claim, scope="k = 3", rhs=None))) == "refuted at k = 3"
    )
