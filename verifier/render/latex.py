"""LaTeX appendices: a derivation's report as a fragment a paper can ``\\input``.

This module owns the page layout only. Every expression goes through
``sympy.latex``; user text (titles, notes, names, sources, assumptions) goes
through :func:`escape`, so it is printed literally and can never run as TeX.

Two layout devices keep large expressions inside the page:

* **Abbreviations.** A sum repeated inside a claim (``e^{z_1} + ... + e^{z_4}``)
  is printed once as ``S = ...`` and as ``S`` elsewhere. It is only used when
  substituting the definitions back gives exactly the checked expression, so
  what is printed is what was checked.
* **Breaking and fitting.** A long sum is broken after whole terms (the pieces
  are SymPy's own printing of each term, checked to join into SymPy's printing of
  the sum); a matrix too wide for the line is named and listed entry by entry.
  Whatever is still too wide is scaled down to the line by TeX (``\\verifierfit``).

A fragment needs ``amsmath`` and ``graphicx`` in the preamble.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import sympy as sp
from sympy.core.function import AppliedUndef

from ..engine.context import relation_text  # the wording the engine records in Result.used
from ..model import Derivation, Status, symbol_domains
from ..report import ClaimReport, DerivationReport, Result, scope_text

__all__ = [
    "escape",
    "derivation_fragment",
    "appendix",
    "standalone_document",
    "fragment_filename",
    "scope_words",
    "write_appendix",
]

#: Width of the expression column, in the rough units of :func:`_width`
#: (about half an em each); longer sums are broken over several lines.
LINE_UNITS = 52.0
#: A matrix whose estimated width exceeds this many line widths is listed entry by entry.
MATRIX_SCALE_LIMIT = 1.35
#: At most this many abbreviations per claim, each between these printed lengths.
MAX_ABBREVIATIONS = 10
ABBREVIATION_LENGTH = (20, 90)
#: ... and only when it saves at least this many printed characters.
MIN_SAVING = 120

# --------------------------------------------------------------------------- text

# ASCII characters that are special to TeX or drawn wrongly by the OT1 encoding.
# The typewriter font has every ASCII glyph in its ASCII slot in every encoding, so
# \texttt{\char N} prints the character itself whatever the user's preamble is.
_SPECIAL = {
    "\\": r"\texttt{\char92}",
    "{": r"\texttt{\char123}",
    "}": r"\texttt{\char125}",
    "_": r"\texttt{\char95}",
    "^": r"\texttt{\char94}",
    "~": r"\texttt{\char126}",
    "<": r"\texttt{\char60}",
    ">": r"\texttt{\char62}",
    "|": r"\texttt{\char124}",
    '"': r"\texttt{\char34}",
    # Straight quotes, not the curly ones (and no '' ligature): f'(x) stays f'(x).
    "'": r"\texttt{\char13}",
    "`": r"\texttt{\char18}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
}

# Non-ASCII characters people write in titles and notes, as math symbols.
_UNICODE_MATH = {
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\varepsilon",
    "ζ": r"\zeta", "η": r"\eta", "θ": r"\theta", "ι": r"\iota", "κ": r"\kappa",
    "λ": r"\lambda", "μ": r"\mu", "ν": r"\nu", "ξ": r"\xi", "π": r"\pi", "ρ": r"\rho",
    "σ": r"\sigma", "τ": r"\tau", "υ": r"\upsilon", "φ": r"\phi", "χ": r"\chi",
    "ψ": r"\psi", "ω": r"\omega", "Γ": r"\Gamma", "Δ": r"\Delta", "Θ": r"\Theta",
    "Λ": r"\Lambda", "Ξ": r"\Xi", "Π": r"\Pi", "Σ": r"\Sigma", "Φ": r"\Phi",
    "Ψ": r"\Psi", "Ω": r"\Omega", "∇": r"\nabla", "∂": r"\partial", "∑": r"\sum",
    "∏": r"\prod", "∫": r"\int", "√": r"\surd", "∞": r"\infty", "≤": r"\le", "≥": r"\ge",
    "≠": r"\ne", "≈": r"\approx", "±": r"\pm", "×": r"\times", "·": r"\cdot", "∈": r"\in",
    "→": r"\to", "←": r"\leftarrow", "⇒": r"\Rightarrow", "⇔": r"\Leftrightarrow",
    "∀": r"\forall", "∃": r"\exists", "⊤": r"\top", "‖": r"\|", "∘": r"\circ", "⊙": r"\odot",
    "⊗": r"\otimes", "⊕": r"\oplus", "−": "-", "ℓ": r"\ell", "∝": r"\propto", "∼": r"\sim",
}
_UNICODE_TEXT = {"–": "--", "—": "---", "‘": "`", "’": "'", "“": "``", "”": "''", "…": r"\ldots{}", "\u00a0": "~"}


def escape(text) -> str:
    """User text as LaTeX that prints it literally (and never runs any of it).

    Special ASCII characters are printed as themselves; common Greek letters and
    maths symbols as their TeX symbols; accented Latin letters pass through (LaTeX
    reads UTF-8); any other character as ``[U+XXXX]`` so the document compiles.
    """
    out = []
    for char in str(text):
        if char in _SPECIAL:
            out.append(_SPECIAL[char])
        elif char in "\n\t\r":
            out.append(" ")
        elif ord(char) < 32 or ord(char) == 127:
            out.append(f"[U+{ord(char):04X}]")
        elif ord(char) < 128:
            out.append(char)
        elif char in _UNICODE_MATH:
            out.append(rf"\ensuremath{{{_UNICODE_MATH[char]}}}")
        elif char in _UNICODE_TEXT:
            out.append(_UNICODE_TEXT[char])
        elif _latin_letter(char):
            out.append(char)
        else:
            out.append(f"[U+{ord(char):04X}]")
    # Break the -- and --- ligatures and the ?` !` ones, so the text stays as written.
    return "".join(out).replace("--", "-{}-").replace("?`", "?{}`").replace("!`", "!{}`")


def _latin_letter(char: str) -> bool:
    """An accented Latin-1 letter that LaTeX's UTF-8 input maps in every encoding."""
    if not ("\u00c0" <= char <= "\u00ff") or char in "ÐðÞþ×÷":
        return False
    return unicodedata.category(char).startswith("L")


# --------------------------------------------------------------------------- maths


_PLAIN_NAME = re.compile(r"[A-Za-z0-9_^' {}]+")


def _plain_name(name: str) -> bool:
    """A name SymPy prints as maths without risk: letters, digits, _ ^ ' and balanced braces."""
    if not _PLAIN_NAME.fullmatch(name):
        return False
    depth = 0
    for char in name:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _function_text(name: str) -> str:
    # SymPy fills a function's name in with %-formatting, so the name must not contain %.
    return r"\text{" + escape(name).replace(r"\%", r"\texttt{\char37}") + "}"


def math(expr) -> str:
    """An expression as LaTeX maths, by SymPy's printer.

    Symbol and function names are user text too: SymPy prints them verbatim, so a
    name such as ``a%b`` or ``\\input{...}`` is printed as escaped text instead.
    """
    if isinstance(expr, sp.MatrixBase):
        expr = sp.ImmutableMatrix(expr)
    if not isinstance(expr, sp.Basic):
        return sp.latex(expr)
    names = {s: rf"\text{{{escape(s.name)}}}" for s in expr.atoms(sp.Symbol, sp.MatrixSymbol) if not _plain_name(s.name)}
    renamed = {
        f: sp.Function(_function_text(f.func.__name__))(*f.args)
        for f in expr.atoms(AppliedUndef)
        if not _plain_name(f.func.__name__)
    }
    if renamed:
        expr = expr.xreplace(renamed)
    return sp.latex(expr, symbol_names=names) if names else sp.latex(expr)


def _entries(expr) -> list:
    return list(expr) if isinstance(expr, sp.MatrixBase) else [expr]


def _divides(node) -> bool:
    return any(p.exp.is_negative for p in node.atoms(sp.Pow))


def abbreviate(exprs, taken_names=()) -> tuple[list, list[tuple[sp.Symbol, sp.Basic]]]:
    """Replace sums repeated across ``exprs`` by symbols, for printing only.

    Returns the abbreviated expressions and ``[(symbol, definition), ...]``.
    Candidates are sums without division (``e^{z_1} + e^{z_2} + e^{z_3}``,
    ``-b - w_1 x_{11}``) that are not a whole entry of any expression (the chain
    would vanish); the one that saves the most printed characters goes first.
    The result is accepted only if substituting the definitions back (last first)
    gives each original expression exactly; otherwise nothing is abbreviated.
    """
    current = list(exprs)
    definitions: list[tuple[sp.Symbol, sp.Basic]] = []
    tops = {entry for expr in exprs for entry in _entries(expr)}
    lo, hi = ABBREVIATION_LENGTH
    for _ in range(MAX_ABBREVIATIONS):
        counts: Counter = Counter()
        for expr in current:
            for entry in _entries(expr):
                for node in sp.preorder_traversal(entry):
                    if isinstance(node, sp.Add) and node not in tops:
                        counts[node] += 1
        best, best_saving = None, MIN_SAVING - 1
        for node, count in counts.items():
            if count < 2 or _divides(node):
                continue
            length = len(math(node))
            saving = (count - 1) * length
            if lo <= length <= hi and saving > best_saving:
                best, best_saving = node, saving
        if best is None:
            break
        symbol = sp.Dummy("S")  # a Dummy never equals a symbol of the claim
        definitions.append((symbol, best))
        current = [e.xreplace({best: symbol}) for e in current]
        tops = {t.xreplace({best: symbol}) for t in tops}
    if not definitions:
        return current, []
    # Use the later abbreviations inside the earlier definitions too, then print each
    # definition after the ones it uses (S_1 = -b - w_1 x_11, S_2 = e^{S_1} + 1).
    short_for = {value: symbol for symbol, value in definitions}
    definitions = [(symbol, value.xreplace({v: s for v, s in short_for.items() if s != symbol})) for symbol, value in definitions]
    ordered: list = []
    while len(ordered) < len(definitions):
        done = {symbol for symbol, _ in ordered}
        ready = [(s, v) for s, v in definitions if s not in done and v.free_symbols & set(short_for.values()) <= done]
        if not ready:
            return list(exprs), []
        ordered += ready
    names = _abbreviation_names(len(ordered), taken_names)
    renamed = {d: sp.Dummy(name) for (d, _), name in zip(ordered, names)}
    current = [e.xreplace(renamed) for e in current]
    definitions = [(renamed[d], v.xreplace(renamed)) for d, v in ordered]
    for original, short in zip(exprs, current):
        back = short
        for symbol, value in reversed(definitions):  # each definition uses only earlier ones
            back = back.xreplace({symbol: value})
        if back != original:
            return list(exprs), []
    return current, definitions


def _abbreviation_names(count: int, taken_names) -> list[str]:
    taken = set(taken_names)
    for letter in "STUVQRABCDEFGHKMNP":
        names = [letter] if count == 1 else [f"{letter}_{i}" for i in range(1, count + 1)]
        if not taken & {letter, *names, *(math(sp.Symbol(n)) for n in names)}:
            return names
    return [f"S_{i}" for i in range(1, count + 1)]


def _width(tex: str) -> float:
    """Rough printed width of a LaTeX maths string, in units of about half an em.

    Only used to choose where to break lines and whether a matrix fits; TeX
    scales down whatever still does not fit.
    """
    width, _ = _width_from(tex, 0)
    return width


def _group(tex: str, i: int) -> tuple[str, int]:
    """The brace group (or single token) starting at ``i``, and the index after it."""
    while i < len(tex) and tex[i] == " ":
        i += 1
    if i >= len(tex):
        return "", i
    if tex[i] != "{":
        if tex[i] == "\\":
            j = i + 1
            while j < len(tex) and tex[j].isalpha():
                j += 1
            return tex[i : max(j, i + 2)], max(j, i + 2)
        return tex[i], i + 1
    depth, j = 0, i
    while j < len(tex):
        if tex[j] == "\\":
            j += 2
            continue
        if tex[j] == "{":
            depth += 1
        elif tex[j] == "}":
            depth -= 1
            if depth == 0:
                return tex[i + 1 : j], j + 1
        j += 1
    return tex[i + 1 :], len(tex)


def _width_from(tex: str, i: int) -> tuple[float, int]:
    width = 0.0
    while i < len(tex):
        char = tex[i]
        if char == "\\":
            j = i + 1
            while j < len(tex) and tex[j].isalpha():
                j += 1
            command = tex[i + 1 : j] if j > i + 1 else tex[i + 1 : i + 2]
            i = j if j > i + 1 else i + 2
            if command in ("frac", "dfrac", "tfrac"):
                top, i = _group(tex, i)
                bottom, i = _group(tex, i)
                width += max(_width(top), _width(bottom)) + 0.6
            elif command in ("left", "right", "big", "Big", "bigl", "bigr", "Bigl", "Bigr"):
                delimiter, i = _group(tex, i)
                width += 0 if delimiter == "." else 0.8
            elif command in ("mathrm", "operatorname", "text", "mathbf", "mathsf", "mathit", "hat", "bar",
                             "tilde", "overline", "boldsymbol", "mathcal", "vec", "dot", "ddot", "sqrt"):
                argument, i = _group(tex, i)
                width += _width(argument) + (1.0 if command == "sqrt" else 0)
            elif command in ("begin", "end"):
                _, i = _group(tex, i)
            elif command in ("quad",):
                width += 2
            elif command in ("qquad",):
                width += 4
            elif command in (",", ";", ":", "!", " "):
                width += 0.3
            elif command in ("cdot", "times", "le", "ge", "ne", "leq", "geq", "neq", "to", "in"):
                width += 2
            else:
                width += 1.2
        elif char in "^_":
            argument, i = _group(tex, i + 1)
            width += 0.7 * _width(argument)
        elif char == "{":
            argument, i = _group(tex, i)
            width += _width(argument)
        elif char in "+-=<>":
            width += 2
            i += 1
        elif char in " }":
            i += 1
        elif char in ",;.":
            width += 0.6
            i += 1
        elif char in "()[]|":
            width += 0.8
            i += 1
        else:
            width += 1
            i += 1
    return width, i


def _sum_lines(expr, budget: float) -> list[str]:
    """An expression as one or more lines of LaTeX, broken after whole terms of a sum.

    Each piece is SymPy's printing of one term; they are used only if they join
    into SymPy's printing of the whole sum, so the lines say exactly what it says.
    """
    whole = math(expr)
    if _width(whole) <= budget or not isinstance(expr, sp.Add):
        return [whole]
    pieces = []
    for term in expr.as_ordered_terms():
        text = math(term)
        if text.startswith("- "):
            pieces.append(("-", text[2:]))
        elif text.startswith("-"):
            pieces.append(("-", text[1:]))
        else:
            pieces.append(("+", text))
    joined = pieces[0][1] if pieces[0][0] == "+" else "- " + pieces[0][1]
    joined += "".join(f" {sign} {text}" for sign, text in pieces[1:])
    if joined.replace(" ", "") != whole.replace(" ", ""):
        return [whole]
    lines: list[str] = []
    line, line_width = "", 0.0
    for index, (sign, text) in enumerate(pieces):
        piece = (f"{sign} " if index or sign == "-" else "") + text
        piece_width = _width(piece)
        if line and line_width + piece_width > budget:
            lines.append(line)
            line, line_width = "", 0.0
        if not line and index:
            piece = "{} " + piece  # a binary sign at the start of a continued line
        line = f"{line} {piece}".strip()
        line_width += piece_width
    lines.append(line)
    return lines


def _matrix(tex_entries: list[list[str]]) -> str:
    rows = [" & ".join(row) for row in tex_entries]
    return r"\begin{pmatrix} " + r" \\ ".join(rows) + r" \end{pmatrix}"


def _matrix_width(tex_entries: list[list[str]]) -> float:
    columns = len(tex_entries[0]) if tex_entries else 0
    widths = [max(_width(row[j]) for row in tex_entries) for j in range(columns)]
    return sum(widths) + 2.0 * max(columns - 1, 0) + 2.0


@dataclass(frozen=True)
class _Layout:
    """The printed form of one side of a chain: lines in the chain, and entries listed after it."""

    lines: list[str]
    listing: list[tuple[str, list[str]]] = field(default_factory=list)


def _index(i: int, j: int, shape) -> str:
    """1-based matrix subscripts: 12, or 1,12 once an index has two digits."""
    return f"{i + 1}{j + 1}" if max(shape) < 10 else f"{i + 1},{j + 1}"


def _layout(expr, name: str, budget: float) -> _Layout:
    """Lay out an expression: a sum broken into lines, a matrix inline or named and listed."""
    if not isinstance(expr, sp.MatrixBase):
        return _Layout(_sum_lines(expr, budget))
    tex = [[math(expr[i, j]) for j in range(expr.cols)] for i in range(expr.rows)]
    if _matrix_width(tex) <= budget * MATRIX_SCALE_LIMIT:
        return _Layout([_matrix(tex)])
    listing = []
    for i in range(expr.rows):
        for j in range(expr.cols):
            label = rf"\left({name}\right)_{{{_index(i, j, expr.shape)}}}"
            listing.append((label, _sum_lines(expr[i, j], budget)))
    return _Layout([name], listing)


# --------------------------------------------------------------------------- words


def scope_words(report: ClaimReport) -> str:
    """What a verdict covers, in words: the same words as the terminal trace and the JSON."""
    return scope_text(report)


_VERDICT = {
    Status.PROVED: r"\textbf{proved}",
    Status.REFUTED: r"\textbf{refuted}",
    Status.UNDECIDED: r"\textbf{undecided}",
}


def _relations(report: DerivationReport, claim) -> dict[str, sp.Basic]:
    """Given facts and regions by the text the engine records in ``Result.used``."""
    found = {}
    for rel in tuple(report.derivation.given) + tuple(claim.given) + tuple(report.derivation.where) + tuple(claim.where):
        for key in (relation_text(rel), sp.sstr(rel)):
            found.setdefault(key, rel)
    return found


def _used(result: Result, relations: dict[str, sp.Basic]) -> str:
    parts = []
    for text in result.used:
        rel = relations.get(text)
        parts.append(f"${math(rel)}$" if rel is not None else escape(text))
    return "; ".join(parts)


def _how(result: Result, stated_by: str | None, relations) -> str:
    """How a step or statement was checked, in words: the tactic that closed it and the facts it used."""
    if result.status is Status.PROVED:
        closed = [t for t in (result.tactic or "").split("+") if t]
        if closed == ["structural"]:
            text = "proved: the sides are identical"
        else:
            text = "proved by " + " + ".join(escape(t) for t in closed)
        if stated_by and stated_by not in ("auto", *closed):
            text = f"stated by {escape(stated_by)}; " + text
        if result.used:
            text += "; uses " + _used(result, relations)
        return text
    if result.status is Status.REFUTED:
        return "refuted: counterexample below (re-checked at 60 digits)"
    stated = f"stated by {escape(stated_by)}; " if stated_by and stated_by not in ("auto", "sorry") else ""
    return stated + "undecided: " + escape(result.reason)


# --------------------------------------------------------------------------- blocks

_MACROS = r"""\makeatletter
\ifx\verifierfit\@undefined
  % \verifierfit{max width}{maths}: display-style maths, scaled down only if wider than max width.
  \newsavebox\verifier@box
  \ifx\resizebox\@undefined
    \newcommand\verifierfit[2]{\mbox{$\displaystyle #2$}}% graphicx not loaded: no scaling
  \else
    \newcommand\verifierfit[2]{\sbox\verifier@box{\def\arraystretch{1.35}$\displaystyle #2$}%
      \ifdim\wd\verifier@box>#1\relax\resizebox{#1}{!}{\usebox\verifier@box}\else\usebox\verifier@box\fi}
  \fi
  % \verifierwhy{text}: the justification column of a chain.
  \newcommand\verifierwhy[1]{\parbox[t]{0.3\linewidth}{\raggedright\footnotesize #1}}
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

_EXPR_WIDTH = r"0.6\linewidth"  # beside the 0.3\linewidth justification column
_FULL_WIDTH = r"\dimexpr\linewidth-9em\relax"  # beside a label such as (M_0)_{11} =
_FULL_WIDTH_CONTINUED = r"\dimexpr\linewidth-11em\relax"  # after \qquad on a continued line


def _fit(width: str, tex: str) -> str:
    return rf"\verifierfit{{{width}}}{{{tex}}}"


def _too_wide(expr, units: float) -> bool:
    if isinstance(expr, sp.MatrixBase):
        tex = [[math(expr[i, j]) for j in range(expr.cols)] for i in range(expr.rows)]
        return _matrix_width(tex) > units
    return _width(math(expr)) > units


#: A step's relation at the head of its line (matrices: ">=" is the Loewner order).
TEX_RELATION = {"==": "=", ">=": r"\geq", ">": ">", "<=": r"\leq", "<": "<"}


def _chain(report: ClaimReport, relations) -> list[str]:
    """The claim as an aligned chain: lhs, then ``= rhs_k`` with the justification on the right.

    Matrices too wide for the line are named (``M_0`` for the lhs, ``M_k`` for step k)
    and listed entry by entry after the chain, with the abbreviations.
    """
    claim = report.claim
    exprs = [claim.lhs] + [s.step.rhs for s in report.steps]
    definitions = []
    shown = exprs
    if any(_too_wide(e, 0.7 * LINE_UNITS) for e in exprs):  # abbreviate a little early: the estimate is rough
        taken = {str(s) for e in exprs for s in e.free_symbols} | {math(s) for e in exprs for s in e.free_symbols}
        shown, definitions = abbreviate(exprs, taken)
    layouts = [_layout(e, rf"\mathsf{{M}}_{{{k}}}", LINE_UNITS) for k, e in enumerate(shown)]
    rows = []
    for k, layout in enumerate(layouts):
        why = ""
        if k:
            step_report = report.steps[k - 1]
            step = step_report.step
            note = rf"\emph{{{escape(step.note)}}}\\ " if step.note else ""
            why = rf"\verifierwhy{{({k}) {note}{_how(step_report.result, step.by, relations)}}}"
        for n, line in enumerate(layout.lines):
            relation = TEX_RELATION[report.steps[k - 1].step.relation] + "{}" if k and n == 0 else ""
            indent = r"\qquad " if n else ""
            width = _EXPR_WIDTH if not n else rf"\dimexpr{_EXPR_WIDTH}-2em\relax"
            rows.append(f"  {relation}& {indent}{_fit(width, line)} && {why if n == 0 else ''}")
    out = _display(rows) + [""]
    listed = [(label, lines) for layout in layouts for label, lines in layout.listing]
    if definitions or listed:
        body = []
        for symbol, value in definitions:
            body += _definition_rows(math(symbol), _sum_lines(value, LINE_UNITS * 1.3))
        for label, lines in listed:
            body += _definition_rows(label, lines)
        named = ", ".join(f"${layout.lines[0]}$" for layout in layouts if layout.listing)
        header = r"\noindent where" + (f" ({named} entry by entry, rows and columns counted from 1)" if named else "")
        out += [header] + _display(body) + [""]
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
        rows.append(f"  {head}{_fit(width, line)} &&")
    return rows


def _value(value) -> str:
    return f"${math(value)}$" if isinstance(value, sp.Basic) else escape(value)


def _counterexample(result: Result, title: str) -> list[str]:
    """The point (a value for every free symbol) and both sides' values there, as a small table."""
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
        r"\begin{center}\small",
        rf"\emph{{{title}}}\\[0.5ex]",
        r"\begin{tabular}{@{}lp{\dimexpr\linewidth-8em\relax}@{}}",
        r"\hline",
        rf"at the point & \raggedright {point} \tabularnewline",
        *vector,
        rf"left side & ${left} = {math(result.lhs_value)}$ \\",
        rf"right side & ${right} = {math(result.rhs_value)}$ \\",
        *fails,
        r"\hline",
        r"\end{tabular}",
        r"\end{center}",
    ]


def _claim_block(report: ClaimReport, relations) -> list[str]:
    claim = report.claim
    heading = escape(claim.name)
    out = [rf"\subsection*{{{heading}}}", rf"\addcontentsline{{toc}}{{subsection}}{{{heading}}}"]
    intro = []
    if claim.title or claim.source:
        intro.append(" ".join(
            ([rf"\emph{{Claim:}} {escape(claim.title)}."] if claim.title else [])
            + ([rf"\emph{{Source:}} {escape(claim.source)}."] if claim.source else [])
        ))
    facts = [f"${math(g)}$" for g in claim.given]
    regions = [f"${math(w)}$" for w in claim.where]
    if facts or regions:
        words = [r"\emph{Given for this claim:} " + ", ".join(facts)] if facts else []
        words += [r"\emph{on the region} " + ", ".join(regions)] if regions else []
        intro.append("; ".join(words) + ".")
    if claim.note:
        intro.append(escape(claim.note))
    # One paragraph running into the chain (no empty line before the display); user text
    # is not hyphenated, so it reads (and searches) exactly as written.
    out.append(r"\begingroup\hyphenpenalty=10000 \exhyphenpenalty=10000")
    out.append(r"\noindent " + " \\\\[0.8ex]\n".join(intro) if intro else r"\noindent")  # room for sum limits
    out += _chain(report, relations)
    out.append(r"\endgroup")
    # The evidence after the chain and the verdict, kept on one page when there is a table.
    tail, tables = [], 0
    shown = set()
    for step_report in report.steps:
        result = step_report.result
        if result.status is Status.REFUTED and result.counterexample:
            also = ", which also refutes the claim" if result is report.conclusion else ""
            tail += _counterexample(result, rf"Counterexample to step ({step_report.index}){also}")
            shown.add(id(result))
            tables += 1
    conclusion = report.conclusion
    if conclusion is not None and len(report.steps) > 1:
        tail.append(r"\noindent The statement $\mathrm{lhs} = \mathrm{rhs}$ checked directly: " + _how(conclusion, None, relations) + ".")
        tail.append("")
        if conclusion.status is Status.REFUTED and conclusion.counterexample and id(conclusion) not in shown:
            tail += _counterexample(conclusion, "Counterexample to the statement")
            tables += 1
    tail.append(r"\noindent\emph{Verdict:} " + _verdict_sentence(report))
    if tables:
        tail = [r"\noindent\begin{minipage}{\linewidth}"] + tail + [r"\end{minipage}"]
    out += tail + [""]
    return out


def _verdict_sentence(report: ClaimReport) -> str:
    claim = report.claim
    text = _VERDICT[report.status]
    scope = scope_words(report)
    if scope:
        text += " " + escape(scope)
    if report.status is Status.PROVED:
        text += f", each of the {len(report.steps)} steps proved" if len(report.steps) > 1 else ""
    elif report.status is Status.UNDECIDED:
        reason = (report.conclusion.reason if report.conclusion is not None else "") or "no step decided"
        text += ": " + escape(reason.rstrip(". "))
    text += "."
    if not report.meets_expectation:
        if report.status is claim.expect and report.broken_steps:
            text += r" \textbf{Not as expected:} the statement holds, but a step is false."
        else:
            text += rf" \textbf{{Not as expected:}} expected {claim.expect.value}."
    elif claim.expect is Status.REFUTED:
        text += " An erratum kept as written: refuted, as expected."
    elif claim.expect is Status.UNDECIDED:
        text += " Undecided, as expected."
    return text


def _assumptions(report: DerivationReport) -> list[str]:
    d: Derivation = report.derivation
    exprs = []
    for c in d.claims:
        exprs += [c.lhs] + [s.rhs for s in c.steps] + list(c.given) + list(c.where)
    exprs += list(d.given) + list(d.where)
    items = []
    for domain, symbols in symbol_domains(exprs):
        names = ", ".join(f"${math(s)}$" for s in symbols)
        items.append(rf"{names}: {escape(domain)}" + (" (no domain declared)" if domain == "complex" else ""))
    for g in d.given:
        items.append(rf"given: ${math(g)}$")
    for w in d.where:
        items.append(rf"where: ${math(w)}$")
    items += [escape(a) for a in d.assumptions]
    if not items:
        return []
    out = [r"\paragraph{Assumptions.}", r"\begin{itemize}"]
    out += [rf"  \item {item}" for item in items]
    out.append(r"\end{itemize}")
    return out


def derivation_fragment(report: DerivationReport) -> str:
    """One derivation as a LaTeX fragment: a section to ``\\input`` in an appendix."""
    d = report.derivation
    counts = ", ".join(f"{report.count(s)} {s.value}" for s in Status if report.count(s))
    ok = "all as expected" if report.ok else r"\textbf{not all as expected}"
    out = [
        f"% {d.name}: generated by verifier from the checked objects; edits are lost on the next run.",
        _MACROS,
        rf"\section{{{escape(d.title)}}}",
        rf"\label{{verifier:{d.name}}}",
        r"\noindent\texttt{" + escape(d.name) + "}" + (rf". \emph{{Source:}} {escape(d.source)}" if d.source else "") + ".",
        rf"{len(report.claims)} claims: {counts}; {ok}.",
        "",
    ]
    if d.note:
        out += [r"\noindent " + escape(d.note), ""]
    out += _assumptions(report)
    relations = {}
    for claim_report in report.claims:
        relations = _relations(report, claim_report.claim)
        out += _claim_block(claim_report, relations)
    return "\n".join(out) + "\n"


def fragment_filename(name: str) -> str:
    """``NAME.tex``; a derivation called appendix or main gets a suffix so nothing is overwritten."""
    return f"{name}_derivation.tex" if name in ("appendix", "main") else f"{name}.tex"


def appendix(names) -> str:
    """``appendix.tex``: inputs each fragment in order.

    The fragments are found relative to ``\\verifierappendixdir`` (empty by default),
    so a paper elsewhere can say ``\\newcommand\\verifierappendixdir{build/appendix/}``.
    """
    lines = [
        "% Generated by verifier: the proof appendix. Needs \\usepackage{amsmath,graphicx}.",
        "% From another folder: \\newcommand\\verifierappendixdir{path/to/this/folder/} first.",
        r"\providecommand\verifierappendixdir{}",
    ]
    lines += [rf"\input{{\verifierappendixdir {fragment_filename(n)}}}" for n in names]
    return "\n".join(lines) + "\n"


def standalone_document(reports, title: str = "Verified derivations") -> str:
    """A complete document: a short summary table, then the appendix."""
    from .. import __version__

    rows = []
    for r in reports:
        expected = sum(c.meets_expectation for c in r.claims)
        rows.append(
            rf"\texttt{{{escape(r.derivation.name)}}} & {len(r.claims)} & {r.count(Status.PROVED)} & "
            rf"{r.count(Status.REFUTED)} & {r.count(Status.UNDECIDED)} & {expected}/{len(r.claims)} \\"
        )
    return "\n".join(
        [
            r"\documentclass[11pt,a4paper]{article}",
            r"\usepackage[margin=2.2cm]{geometry}",
            r"\usepackage{amsmath,amssymb,graphicx}",
            r"\setlength{\parindent}{0pt}",
            r"\setlength{\parskip}{0.5ex}",
            r"\makeatletter  % ragged section titles: long derivation titles are not hyphenated",
            r"\renewcommand\section{\@startsection{section}{1}{\z@}{-3.5ex \@plus -1ex \@minus -.2ex}"
            r"{2.3ex \@plus.2ex}{\normalfont\Large\bfseries\raggedright}}",
            r"\makeatother",
            rf"\title{{{escape(title)}}}",
            rf"\author{{checked by verifier {escape(__version__)}}}",
            r"\date{}",
            r"\begin{document}",
            r"\maketitle",
            "Each claim below was decided by the verifier: \\emph{proved} means the difference of the "
            "two sides was reduced to exactly zero by the transforms named on the right, under the stated "
            "assumptions; \\emph{refuted} means a point satisfying every assumption was found where the sides "
            "differ (shown, re-checked at 60 digits); \\emph{undecided} gives the reason. A verdict stated "
            "at a size (such as $k = 3$) holds at that size only. Every expression is printed from the "
            "objects that were checked.",
            "",
            r"\begin{center}",
            r"\begin{tabular}{lrrrrr}",
            r"derivation & claims & proved & refuted & undecided & as expected \\ \hline",
            *rows,
            r"\end{tabular}",
            r"\end{center}",
            r"\tableofcontents",
            r"\appendix",
            r"\input{appendix}",
            r"\end{document}",
            "",
        ]
    )


def write_appendix(reports, folder, standalone: bool = False) -> list:
    """Write ``NAME.tex`` per derivation and ``appendix.tex`` (and ``main.tex``) into ``folder``.

    Nothing is written outside ``folder``; returns the paths written.
    """
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for report in reports:
        path = folder / fragment_filename(report.derivation.name)
        path.write_text(derivation_fragment(report), encoding="utf-8")
        written.append(path)
    path = folder / "appendix.tex"
    path.write_text(appendix([r.derivation.name for r in reports]), encoding="utf-8")
    written.append(path)
    if standalone:
        path = folder / "main.tex"
        path.write_text(standalone_document(reports), encoding="utf-8")
        written.append(path)
    return written
