"""Expressions as LaTeX: a :class:`sympy.printing.latex.LatexPrinter` subclass.

Every expression of the appendix goes through :class:`VerifierLatexPrinter`. It
differs from SymPy's printer only where an appendix needs it, each in its own
``_print_X`` method:

* symbols and function names are user text: a name that is not plain letters,
  digits, ``_ ^ '`` and balanced braces (``a%b``, ``\\input{...}``) is printed as
  escaped text, so it can never run as TeX;
* the entries of a written-out instance, symbols named ``g[1]`` or ``x[1, 2]``,
  print with subscripts (g_{1}), like SymPy's own ``Indexed`` (``_print_Indexed``);
* a derivative of an indexed entry prints as ∂/∂z_{j};
* SymPy's own constants (oo, pi, I) print by SymPy's own ``_latex``.

Named subexpressions (``Derivation(names=...)``) are applied before printing, by
:func:`verifier.render.names.named`, which keeps what is printed equal to what was
checked.
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.printing.latex import LatexPrinter

from ..names import Names, named
from .text import escape

__all__ = ["VerifierLatexPrinter", "math", "plain_name"]

_PLAIN_NAME = re.compile(r"[A-Za-z0-9_^' {}]+")
_ENTRY_NAME = re.compile(r"([A-Za-z][A-Za-z0-9]*)\[([0-9, ]+)\]")


def plain_name(name: str) -> bool:
    """A name SymPy prints as maths without risk: letters, digits, _ ^ ' and balanced braces."""
    if not _PLAIN_NAME.fullmatch(name):
        return False
    depth = 0
    for char in name:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


class VerifierLatexPrinter(LatexPrinter):
    """SymPy's LaTeX printer with safe user names and subscripted entries."""

    printmethod = "_verifier_latex"

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        entry = _ENTRY_NAME.fullmatch(expr.name)
        if entry is not None:  # g[1], the entry of a written-out instance: g_{1}
            base = self._print(sp.Symbol(entry.group(1)))
            indices = ",".join(i.strip() for i in entry.group(2).split(","))
            return f"{{{base}}}_{{{indices}}}"
        if not plain_name(expr.name):
            return r"\text{" + escape(expr.name) + "}"
        printed: str = super()._print_Symbol(expr, style)
        return printed

    _print_Dummy = _print_Symbol

    def _print_constant(self, expr: sp.Basic) -> str:
        """SymPy's own constants (oo, zoo, pi, I, ...): their LaTeX is SymPy's ``_latex`` method,
        which ``printmethod`` above no longer reaches (it is SymPy's code, not a user's name);
        without this they came out as \\text{Infinity}, \\text{\\Pi}."""
        text: str = expr._latex(self)
        return text

    _print_Infinity = _print_NegativeInfinity = _print_ComplexInfinity = _print_NaN = _print_constant
    _print_Pi = _print_EulerGamma = _print_Catalan = _print_GoldenRatio = _print_ImaginaryUnit = _print_constant

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        base = self._print(expr.base.label)
        indices = ",".join(self._print(i) for i in expr.indices)
        return f"{{{base}}}_{{{indices}}}"

    def _hprint_Function(self, func: str) -> str:
        if not plain_name(func):
            # The name is placed by %-formatting further on: no bare % may remain.
            return r"\text{" + escape(func).replace(r"\%", r"\texttt{\char37}") + "}"
        printed: str = super()._hprint_Function(func)
        return printed

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        if not any(isinstance(v, (sp.Indexed, sp.Symbol)) for v, _ in expr.variable_count):
            printed: str = super()._print_Derivative(expr)
            return printed
        total = sum(count for _, count in expr.variable_count)
        parts = []
        for variable, count in expr.variable_count:
            power = f"^{{{count}}}" if count > 1 else ""
            parts.append(rf"\partial {self._print(variable)}{power}")
        top = r"\partial" + (f"^{{{total}}}" if total > 1 else "")
        body = self._print(expr.expr)
        if isinstance(expr.expr, (sp.Add, sp.Mul)) or expr.expr.is_Add:
            body = rf"\left({body}\right)"
        return rf"\frac{{{top}}}{{{' '.join(parts)}}} {body}"


def math(expr: sp.Basic, names: Names = ()) -> str:
    """An expression as LaTeX maths, under the derivation's names."""
    if isinstance(expr, sp.MatrixBase):
        expr = sp.ImmutableMatrix(expr)
    if names and isinstance(expr, sp.Basic):
        expr = named(expr, names)
    printed: str = VerifierLatexPrinter().doprint(expr)
    return printed
