"""A derivation's claims as LaTeX blocks: the chain, the evidence, the verdict.

Words come from :mod:`verifier.wording` (decided once for every renderer); this
module only sets them: user text through :func:`escape`, expressions through
:func:`verifier.render.latex.printer.math`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sympy as sp

from ... import wording
from ...model import Derivation, Status, Title, symbol_domains, title_parts
from ...report import ClaimReport, DerivationReport, Result
from ..names import Names, definitions, named
from .layout import FULL_UNITS, LINE_UNITS, _index, _matrix_width, _width, abbreviate
from .layout import layout as _layout
from .layout import sum_lines as _sum_lines
from .printer import math
from .text import escape

__all__ = ["MACROS", "TEX_RELATION", "assumptions", "claim_block", "notation", "shared_abbreviations", "title_tex"]

MACROS = r"""\makeatletter
\ifx\verifierfit\@undefined
  % \verifierfit{max width}{maths}: display-style maths, scaled down only if wider than max width.
  \newsavebox\verifier@box
  % \verifierfittext: the same in text style (definitions and entries listed one by one: compact).
  \ifx\resizebox\@undefined
    \newcommand\verifierfit[2]{\mbox{$\displaystyle #2$}}% graphicx not loaded: no scaling
    \newcommand\verifierfittext[2]{\mbox{$\textstyle #2$}}%
  \else
    \newcommand\verifierfit[2]{\sbox\verifier@box{\def\arraystretch{1.15}$\displaystyle #2$}%
      \ifdim\wd\verifier@box>#1\relax\resizebox{#1}{!}{\usebox\verifier@box}\else\usebox\verifier@box\fi}
    \newcommand\verifierfittext[2]{\sbox\verifier@box{\def\arraystretch{1.1}$\textstyle #2$}%
      \ifdim\wd\verifier@box>#1\relax\resizebox{#1}{!}{\usebox\verifier@box}\else\usebox\verifier@box\fi}
  \fi
  % \verifierwhy{text}: the justification column of a chain.
  \newcommand\verifierwhy[1]{\parbox[t]{0.26\linewidth}{\raggedright\footnotesize #1}}
\fi
\ifx\flalign\@undefined
  \errmessage{verifier: this appendix needs \string\usepackage{amsmath,graphicx} in the preamble}
\fi
% sympy.latex prints expectations as \mathbb{E}: bold E where amssymb is not loaded.
\ifx\mathbb\@undefined
  \newcommand\mathbb[1]{\mathbf{#1}}
\fi
\makeatother
"""

_EXPR_WIDTH = r"0.66\linewidth"  # beside the 0.26\linewidth justification column
_FULL_WIDTH = r"\dimexpr\linewidth-9em\relax"  # beside a label such as (M_0)_{11} =
_FULL_WIDTH_CONTINUED = r"\dimexpr\linewidth-11em\relax"  # after \qquad on a continued line


def _fit(width: str, tex: str, text_style: bool = False) -> str:
    return rf"\verifierfit{'text' if text_style else ''}{{{width}}}{{{tex}}}"


def _too_wide(expr: sp.Basic, units: float) -> bool:
    if isinstance(expr, sp.MatrixBase):
        tex = [[math(expr[i, j]) for j in range(expr.cols)] for i in range(expr.rows)]
        return _matrix_width(tex) > units
    return _width(math(expr)) > units


#: A step's relation at the head of its line (matrices: ">=" is the Loewner order).
TEX_RELATION = {"==": "=", ">=": r"\geq", ">": ">", "<=": r"\leq", "<": "<"}


def title_tex(title: Title, names: Names = ()) -> str:
    """A title: its text escaped, its expressions as inline maths."""
    return "".join(escape(p) if isinstance(p, str) else f"${math(p, names)}$" for p in title_parts(title))


class _Used:
    """Formats the given facts a result used: as maths when the relation is known, else as text.

    :func:`verifier.wording.how` gets a placeholder for each; the sentence is escaped,
    then each placeholder becomes its maths (escaping never touches the maths).
    """

    def __init__(self, relations: Mapping[str, sp.Basic], names: Names) -> None:
        self.relations, self.names = relations, names
        self.shown: list[str] = []

    def __call__(self, text: str) -> str:
        self.shown.append(text)
        return f"@@USED{len(self.shown) - 1}@@"

    def finish(self, sentence: str) -> str:
        out = escape(sentence)
        for n, text in enumerate(self.shown):
            rel = self.relations.get(text)
            out = out.replace(f"@@USED{n}@@", f"${math(rel, self.names)}$" if rel is not None else escape(text))
        return out


def _how(result: Result, stated_by: str | None, used: _Used) -> str:
    """How a step or statement was checked: the wording's sentence, the facts used as maths."""
    text = used.finish(wording.how(result, used))
    if result.status is Status.PROVED:
        text = "proved: " + text if text.startswith("the sides") else "proved " + text
        closed = wording.closing_tactics(result)
        if stated_by and stated_by not in ("auto", *closed):
            text = f"stated by {escape(stated_by)}; " + text
        return text
    if result.status is Status.REFUTED:
        return "refuted: " + text + " (below)"
    stated = f"stated by {escape(stated_by)}; " if stated_by and stated_by not in ("auto", "sorry") else ""
    return stated + "undecided: " + text


def shared_abbreviations(
    report: DerivationReport,
) -> tuple[dict[int, list[sp.Basic]], list[tuple[sp.Symbol, sp.Basic]]]:
    """Sums repeated across the whole derivation, named once for every claim (S = e^{z_1} + e^{z_2}).

    Returns ({claim index: [lhs, rhs_1, ...] as printed}, [(symbol, definition), ...]);
    the same checks as :func:`abbreviate`: every expression must come back exactly.
    """
    names = report.derivation.names
    per_claim = [[named(c.claim.lhs, names)] + [named(s.step.rhs, names) for s in c.steps] for c in report.claims]
    flat = [e for exprs in per_claim for e in exprs]
    taken = {str(s) for e in flat for s in e.free_symbols} | {math(s) for e in flat for s in e.free_symbols}
    shown, shared = abbreviate(flat, taken, limit=SHARED_ABBREVIATIONS)
    if not shared:
        return {}, []
    out: dict[int, list[sp.Basic]] = {}
    at = 0
    for index, exprs in enumerate(per_claim):
        out[index] = shown[at : at + len(exprs)]
        at += len(exprs)
    return out, shared


#: At most this many sums named for a whole derivation.
SHARED_ABBREVIATIONS = 12


def _chain(
    report: ClaimReport,
    used: _Used,
    names: Names,
    seen: dict[sp.Basic, str],
    shown_exprs: list[sp.Basic] | None = None,
    taken_names: Iterable[str] = (),
) -> list[str]:
    """The claim as an aligned chain: lhs, then ``= rhs_k`` with the justification on the right.

    A left side already printed for an earlier claim of the derivation is referred to,
    not printed again. Matrices too wide for the line are named (``M_0`` for the lhs,
    ``M_k`` for step k) and listed entry by entry after the chain, with the abbreviations.
    """
    claim = report.claim
    exprs = shown_exprs or [named(claim.lhs, names)] + [named(s.step.rhs, names) for s in report.steps]
    earlier = seen.get(claim.lhs)
    definitions_: list[tuple[sp.Symbol, sp.Basic]] = []
    shown = exprs
    if any(_too_wide(e, 0.7 * LINE_UNITS) for e in exprs[1 if earlier else 0 :]):  # the estimate is rough
        taken = {str(s) for e in exprs for s in e.free_symbols} | {math(s) for e in exprs for s in e.free_symbols}
        shown, definitions_ = abbreviate(exprs, taken | set(taken_names))
    layouts = [_layout(e, rf"\mathsf{{M}}_{{{k}}}", LINE_UNITS) for k, e in enumerate(shown)]
    rows = []
    for k, lay in enumerate(layouts):
        why = ""
        if k:
            step_report = report.steps[k - 1]
            step = step_report.step
            note = rf"\emph{{{escape(step.note)}}}\\ " if step.note else ""
            result = step_report.result
            if len(report.steps) == 1 and result.status is Status.UNDECIDED:
                how_text = "undecided (the reason is in the verdict)"  # said once, not twice
            else:
                how_text = _how(result, step.by, used)
            why = rf"\verifierwhy{{({k}) {note}{how_text}}}"
        lines = lay.lines
        if k == 0 and earlier is not None:
            lines = [r"\text{the left side of " + escape(earlier) + "}"]
        for n, line in enumerate(lines):
            relation = TEX_RELATION[report.steps[k - 1].step.relation] + "{}" if k and n == 0 else ""
            indent = r"\qquad " if n else ""
            width = _EXPR_WIDTH if not n else rf"\dimexpr{_EXPR_WIDTH}-2em\relax"
            rows.append(f"  {relation}& {indent}{_fit(width, line)} && {why if n == 0 else ''}")
    out = _display(rows) + [""]
    listed = [
        (label, lines)
        for k, lay in enumerate(layouts)
        for label, lines in lay.listing
        if not (k == 0 and earlier is not None)
    ]
    if definitions_ or listed:
        body = []
        for symbol, value in definitions_:
            body += _definition_rows(math(symbol), _sum_lines(value, FULL_UNITS))
        for label, lines in listed:
            body += _definition_rows(label, lines)
        named_layouts = [lay for k, lay in enumerate(layouts) if lay.listing and not (k == 0 and earlier is not None)]
        listed_names = ", ".join(f"${lay.lines[0]}$" for lay in named_layouts)
        symmetric = ", ".join(f"${lay.lines[0]}$" for lay in named_layouts if lay.symmetric)
        header = r"\noindent where" + (
            f" ({listed_names} entry by entry, rows and columns counted from 1"
            + (f"; {symmetric} symmetric, so only $i \\le j$" if symmetric else "")
            + ")"
            if listed_names
            else ""
        )
        out += [header] + _display(body) + [""]
    seen.setdefault(claim.lhs, claim.name)
    return out


def _display(rows: list[str]) -> list[str]:
    """A flalign* block; a long one may break across pages (a short one stays whole)."""
    body = [r"\begin{flalign*}", " \\\\\n".join(rows), r"\end{flalign*}"]
    return [r"{\allowdisplaybreaks[1]"] + body + ["}"] if len(rows) > 8 else body


def _definition_rows(label: str, lines: list[str]) -> list[str]:
    rows = []
    for n, line in enumerate(lines):
        head = rf"{label} &= " if n == 0 else r"&\qquad "
        width = _FULL_WIDTH if not n else _FULL_WIDTH_CONTINUED
        rows.append(f"  {head}{_fit(width, line, text_style=True)} &&")
    return rows


def _value(value: object) -> str:
    return f"${math(value)}$" if isinstance(value, sp.Basic) else escape(value)


def _counterexample(result: Result, title: str) -> list[str]:
    """The point (a value for every free symbol) and both sides' values there, as a small table."""
    assert result.counterexample is not None, "a table for a refutation, which has its point"
    point = ", ".join(f"${math(symbol)} = {math(value)}$" for symbol, value in result.counterexample.items())
    entry = f"_{{{_index(*result.entry, (max(result.entry) + 1,))}}}" if result.entry is not None else ""
    left, right = r"\mathrm{lhs}" + entry, r"\mathrm{rhs}" + entry
    vector = []
    if result.vector is not None:  # a refuted matrix inequality: the quadratic forms at v
        left, right = r"v^{T} \mathrm{lhs}\, v", r"v^{T} \mathrm{rhs}\, v"
        vector = [rf"vector & $v = {math(sp.Matrix(result.vector).T)}^{{T}}$ \\"]
    fails = []
    if result.relation != "==":
        fails = [rf"fails & ${left} {TEX_RELATION[result.relation]} {right}$ \\"]
    return [
        r"\par\smallskip\noindent{\small\emph{" + title + r":}\\",
        r"\begin{tabular}{@{}lp{\dimexpr\linewidth-8em\relax}@{}}",
        rf"at the point & \raggedright {point} \tabularnewline",
        *vector,
        rf"both sides & ${left} = {math(result.lhs_value)}$, \quad ${right} = {math(result.rhs_value)}$ \\",
        *fails,
        r"\end{tabular}}\par\smallskip",
    ]


def _correction(report: ClaimReport, names: Names) -> list[str]:
    """The engine's suggested correction, labelled as its computation."""
    correction = report.correction
    if correction is None:
        return []
    words = wording.correction_words(report)
    rows = []
    label = r"\mathrm{lhs}" if words.trusted else r"\mathrm{lhs}\overset{?}{}"
    shown = ((label, correction.lhs),) if words.show_lhs else ()
    for name, expr in shown + ((r"\mathrm{lhs} - \mathrm{rhs}", correction.residual),):
        lay = _layout(named(expr, names), name, FULL_UNITS)
        if lay.listing:  # a wide matrix: entry by entry
            for entry_label, lines in lay.listing:
                rows += _definition_rows(entry_label, lines)
        else:
            rows += _definition_rows(name, lay.lines)
    return [
        rf"\noindent\emph{{{escape(words.heading)}:}} {escape(words.lhs)}, {escape(words.checked)}; {escape(words.residual)}:",
        *_display(rows),
        "",
    ]


def _certificates(report: ClaimReport, names: Names) -> list[str]:
    """The certificate of each inequality step: a Gram factor A (lhs - rhs = A^T A) or a nonnegative form."""
    out = []
    for step_report in report.steps:
        step = step_report.step
        if step.relation == "==" or step_report.result.status is not Status.PROVED:
            continue
        k = step_report.index
        if step.certificate is not None and isinstance(step.certificate, sp.MatrixBase):
            out.append(
                rf"\noindent\emph{{Certificate of step ({k}):}} the Gram factor $A$, "
                r"with $\mathrm{previous} - \mathrm{rhs} = A^{T} A$:"
            )
            out += _display(_definition_rows("A", [math(named(step.certificate, names))]))
        elif isinstance(step_report.previous, sp.MatrixBase):
            continue
        elif step.certificate is not None:
            out.append(
                rf"\noindent\emph{{Certificate of step ({k}):}} ${math(step.certificate, names)}$, nonnegative by its form."
            )
        else:
            out.append(
                rf"\noindent\emph{{Certificate of step ({k}):}} the previous expression of the chain, "
                "nonnegative by its form (a sum of products of nonnegative factors)."
            )
        out.append("")
    return out


def claim_block(
    report: ClaimReport,
    derivation: Derivation,
    seen: dict[sp.Basic, str],
    shown_exprs: list[sp.Basic] | None = None,
    taken_names: Iterable[str] = (),
) -> list[str]:
    """One claim: heading, title and facts, the chain, evidence, certificates, correction, verdict."""
    claim = report.claim
    names = derivation.names
    used = _Used(wording.relations_by_text(derivation, claim), names)
    heading = escape(claim.name)
    out = [rf"\subsection*{{{heading}}}", rf"\addcontentsline{{toc}}{{subsection}}{{{heading}}}"]
    intro = []
    if claim.title or claim.source:
        intro.append(
            " ".join(
                ([rf"{title_tex(claim.title, names)}."] if claim.title else [])
                + ([rf"\emph{{Source:}} {escape(claim.source)}."] if claim.source else [])
            )
        )
    facts = [f"${math(g, names)}$" for g in claim.given]
    regions = [f"${math(w, names)}$" for w in claim.where]
    if facts or regions:
        words = [r"\emph{Given:} " + ", ".join(facts)] if facts else []
        words += [r"\emph{on the region} " + ", ".join(regions)] if regions else []
        intro.append("; ".join(words) + ".")
    if claim.note:
        intro.append(escape(claim.note))
    out.append(r"\begingroup\hyphenpenalty=10000 \exhyphenpenalty=10000")
    out.append(r"\noindent " + " \\\\[0.3ex]\n".join(intro) if intro else r"\noindent")
    out += _chain(report, used, names, seen, shown_exprs, taken_names)
    out.append(r"\endgroup")
    tail = []
    shown = set()
    for step_report in report.steps:
        result = step_report.result
        if result.status is Status.REFUTED and result.counterexample:
            also = ", which also refutes the claim" if result is report.conclusion else ""
            tail += _counterexample(result, rf"Counterexample to step ({step_report.index}){also}")
            shown.add(id(result))
    conclusion = report.conclusion
    if conclusion is not None and len(report.steps) > 1:
        tail.append(
            r"\noindent The statement $\mathrm{lhs} = \mathrm{rhs}$ checked directly: "
            + _how(conclusion, None, used)
            + "."
        )
        tail.append("")
        if conclusion.status is Status.REFUTED and conclusion.counterexample and id(conclusion) not in shown:
            tail += _counterexample(conclusion, "Counterexample to the statement")
    tail += _certificates(report, names)
    tail += _correction(report, names)
    tail.append(r"\noindent\emph{Verdict:} " + verdict_sentence(report, used))
    return out + tail + [""]


def verdict_sentence(report: ClaimReport, used: _Used | None = None) -> str:
    """The wording's verdict sentence, the verdict in bold, what was not as expected after it."""
    used = used if used is not None else _Used({}, ())
    said = wording.verdict(report, used)
    first, _, rest = said.head.partition(" ")
    text = rf"\textbf{{{first}}}" + (" " + used.finish(rest) if rest else "")
    if said.detail:
        text += (", " if said.status is Status.PROVED else ": ") + used.finish(said.detail)
    if said.caveat:
        text += r"; \textbf{" + escape(said.caveat) + "}"
    text += "."
    if said.expectation:
        text += rf" \textbf{{Not as expected:}} {escape(said.expectation)}."
    elif said.erratum:
        text += f" {escape(said.erratum[0].upper() + said.erratum[1:])}."
    return text


def assumptions(report: DerivationReport) -> list[str]:
    d: Derivation = report.derivation
    exprs = []
    for c in d.claims:
        exprs += [c.lhs] + [s.rhs for s in c.steps] + list(c.given) + list(c.where)
    exprs += list(d.given) + list(d.where)
    items = []
    for domain, symbols in symbol_domains(exprs):
        symbol_names = ", ".join(f"${math(s)}$" for s in symbols)
        items.append(rf"{symbol_names}: {escape(domain)}" + (" (no domain declared)" if domain == "complex" else ""))
    for g in d.given:
        items.append(rf"given: ${math(g, d.names)}$")
    for w in d.where:
        items.append(rf"where: ${math(w, d.names)}$")
    items += [escape(a) for a in d.assumptions]
    if not items:
        return []
    # One run-in paragraph: symbol domains and facts are short, and a list of them is mostly white.
    return [r"\paragraph{Assumptions.} " + "; ".join(items) + ".", ""]


def notation(derivation: Derivation, shared: Iterable[tuple[sp.Symbol, sp.Basic]] = ()) -> list[str]:
    """The named subexpressions and the sums abbreviated for the whole section, each defined once."""
    if not derivation.names and not shared:
        return []
    inline, rows = [], []
    for key, value in definitions(derivation.names):  # the derivation's own names: displayed
        rows += _definition_rows(math(key), _sum_lines(value, FULL_UNITS))
    for key, value in shared:
        lines = _sum_lines(value, FULL_UNITS)
        if len(lines) == 1 and _width(lines[0]) <= SHORT_DEFINITION:  # a short sum: in the running text
            inline.append(f"${math(key)} = {lines[0]}$")
        else:
            rows += _definition_rows(math(key), lines)
    out = [
        r"\paragraph{Notation.} Throughout this section" + (": " + r"; \enspace ".join(inline) + "." if inline else ":")
    ]
    return out + (_display(rows) if rows else []) + [""]


#: A definition at most this wide (in the units of the layout) is set in the running text.
SHORT_DEFINITION = 0.45 * LINE_UNITS
