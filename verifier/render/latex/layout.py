"""Page layout of expressions: abbreviations, line breaks after whole terms, wide matrices.

Two devices keep large expressions inside the page:

* **Abbreviations.** A sum repeated inside a claim (``e^{z_1} + ... + e^{z_4}``)
  is printed once as ``S = ...`` and as ``S`` elsewhere. It is only used when
  substituting the definitions back gives exactly the checked expression, so
  what is printed is what was checked.
* **Breaking and fitting.** A long sum is broken after whole terms (the pieces
  are the printer's own output for each term, checked to join into its printing of
  the sum); a matrix too wide for the line is named and listed entry by entry.
  Whatever is still too wide is scaled down to the line by TeX (``\\verifierfit``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import sympy as sp

from .printer import math

__all__ = ["FULL_UNITS", "LINE_UNITS", "abbreviate", "layout", "sum_lines"]


#: Width of the expression column, in the rough units of :func:`_width`
#: (about half an em each); longer sums are broken over several lines.
LINE_UNITS = 57.0
#: Width of a full line beside a label (definitions, entries listed one by one).
FULL_UNITS = 1.45 * LINE_UNITS
#: A matrix whose estimated width exceeds this many line widths is listed entry by entry.
MATRIX_SCALE_LIMIT = 1.35
#: At most this many abbreviations per claim, each between these printed lengths.
MAX_ABBREVIATIONS = 10
ABBREVIATION_LENGTH = (20, 90)
#: ... and only when it saves at least this many printed characters.
MIN_SAVING = 120


def _entries(expr: sp.Basic) -> list[sp.Basic]:
    return list(expr) if isinstance(expr, sp.MatrixBase) else [expr]


def _divides(node: sp.Basic) -> bool:
    return any(p.exp.is_negative for p in node.atoms(sp.Pow))


def abbreviate(
    exprs: Sequence[sp.Basic], taken_names: Iterable[str] = (), limit: int = MAX_ABBREVIATIONS
) -> tuple[list[sp.Basic], list[tuple[sp.Symbol, sp.Basic]]]:
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
    printed: dict[sp.Add, int] = {}  # each candidate printed once
    for _ in range(limit):
        counts: Counter[sp.Add] = Counter()
        for expr in current:
            for entry in _entries(expr):
                for node in sp.preorder_traversal(entry):
                    if isinstance(node, sp.Add) and node not in tops:
                        counts[node] += 1
        best, best_saving = None, MIN_SAVING - 1
        for node, count in counts.items():
            if count < 2 or _divides(node):
                continue
            if node not in printed:
                printed[node] = len(math(node))
            length = printed[node]
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
    definitions = [
        (symbol, value.xreplace({v: s for v, s in short_for.items() if s != symbol})) for symbol, value in definitions
    ]
    ordered: list[tuple[sp.Symbol, sp.Basic]] = []
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


def _abbreviation_names(count: int, taken_names: Iterable[str]) -> list[str]:
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
            elif command in (
                "mathrm",
                "operatorname",
                "text",
                "mathbf",
                "mathsf",
                "mathit",
                "hat",
                "bar",
                "tilde",
                "overline",
                "boldsymbol",
                "mathcal",
                "vec",
                "dot",
                "ddot",
                "sqrt",
            ):
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


def sum_lines(expr: sp.Basic, budget: float) -> list[str]:
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
    symmetric: bool = False  # listed by the upper triangle


def _index(i: int, j: int, shape: tuple[int, ...]) -> str:
    """1-based matrix subscripts: 12, or 1,12 once an index has two digits."""
    return f"{i + 1}{j + 1}" if max(shape) < 10 else f"{i + 1},{j + 1}"


def layout(expr: sp.Basic, name: str, budget: float) -> _Layout:
    """Lay out an expression: a sum broken into lines, a matrix inline or named and listed."""
    if not isinstance(expr, sp.MatrixBase):
        return _Layout(sum_lines(expr, budget))
    tex = [[math(expr[i, j]) for j in range(expr.cols)] for i in range(expr.rows)]
    if _matrix_width(tex) <= budget * MATRIX_SCALE_LIMIT:
        return _Layout([_matrix(tex)])
    # A symmetric matrix (entries equal as expressions, not merely in value) is listed
    # by its upper triangle only, and says so.
    symmetric = expr.rows == expr.cols and all(expr[i, j] == expr[j, i] for i in range(expr.rows) for j in range(i))
    listing = []
    for i in range(expr.rows):
        for j in range(i if symmetric else 0, expr.cols):
            label = rf"\left({name}\right)_{{{_index(i, j, expr.shape)}}}"
            listing.append((label, sum_lines(expr[i, j], FULL_UNITS)))
    return _Layout([name], listing, symmetric)
