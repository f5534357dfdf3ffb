"""One-line Unicode maths for the terminal and plain text: y₁, ŷ, z_c, Σ, ∂, δᵢⱼ.

A :class:`sympy.printing.str.StrPrinter` subclass: each construct has its own
``_print_X`` method and recursion goes through ``self._print``, so nothing is
edited after printing and no constructor text (``Derivative(``, ``Sum(``) remains.
No rich here; the terminal wraps the lines this returns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import sympy as sp
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.pretty.pretty_symbology import pretty_symbol, sub, sup
from sympy.printing.str import StrPrinter

__all__ = ["UnicodePrinter", "matrix_lines", "one_line"]

_ENTRY_NAME = re.compile(r"([A-Za-z][A-Za-z0-9]*)\[([0-9, ]+)\]")
_RELATIONS = {"==": "=", "!=": "≠", ">=": "≥", "<=": "≤", ">": ">", "<": "<"}


def _subscript(text: str) -> str | None:
    """``text`` in Unicode subscripts, or None when a character has none (c, d, ...)."""
    out = []
    for char in text:
        small = sub.get(char)
        if not small:
            return None
        out.append(small)
    return "".join(out)


def _superscript(text: str) -> str | None:
    out = []
    for char in text:
        small = sup.get(char)
        if not small:
            return None
        out.append(small)
    return "".join(out)


class UnicodePrinter(StrPrinter):
    """StrPrinter with subscripts, hats, Greek letters, Σ, ∂ and δ, on one line."""

    printmethod = "_unicode_oneline"

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        entry = _ENTRY_NAME.fullmatch(expr.name)
        name: str = pretty_symbol(entry.group(1) if entry is not None else expr.name)
        if entry is not None:  # y[1], an entry of a written-out instance: y₁
            indices = [sp.Integer(int(i)) for i in entry.group(2).split(",")]
            return name + self._index_text(indices)
        return name

    _print_Dummy = _print_Symbol

    def _index_text(self, indices: Iterable[sp.Basic]) -> str:
        printed: list[str] = [self._print(i) for i in indices]
        joined = "".join(printed) if all(len(p) == 1 for p in printed) else ",".join(printed)
        small = _subscript(joined)
        if small is not None:
            return small
        return "_" + joined if len(printed) == 1 and len(joined) == 1 else f"_({','.join(printed)})"

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        label: str = self._print(expr.base.label)
        return label + self._index_text(expr.indices)

    def _print_IndexedBase(self, expr: sp.IndexedBase) -> str:
        label: str = self._print(expr.label)
        return label

    def _print_KroneckerDelta(self, expr: sp.KroneckerDelta) -> str:
        return "δ" + self._index_text(expr.args)

    def _print_Sum(self, expr: sp.Sum) -> str:
        body = self._print(expr.function)
        limits = []
        for variable, lo, hi in expr.limits:
            limits.append(f"{self._print(variable)}={self._print(lo)}..{self._print(hi)}")
        return f"Σ[{', '.join(limits)}]({body})"  # self-delimiting: Σ[d=1..k](exp(z_d))²

    def _print_Product(self, expr: sp.Product) -> str:
        body = self._print(expr.function)
        limits = ", ".join(f"{self._print(v)}={self._print(lo)}..{self._print(hi)}" for v, lo, hi in expr.limits)
        return f"Π[{limits}]({body})"

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        total = sum(count for _, count in expr.variable_count)
        order = _superscript(str(total)) if total > 1 else ""
        parts = []
        for variable, count in expr.variable_count:
            power = _superscript(str(count)) if count > 1 else ""
            parts.append(f"∂{self._print(variable)}{power}")
        return f"∂{order}/{''.join(parts)}({self._print(expr.expr)})"

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        base, exponent = expr.as_base_exp()
        if exponent is sp.S.Half:
            return f"√({self._print(base)})"
        if exponent.is_Integer and exponent > 1:
            small = _superscript(str(exponent))
            if small is not None:
                powered: str = self.parenthesize(base, PRECEDENCE["Pow"], strict=False)
                return powered + small
        if exponent.is_negative:
            if exponent.is_Rational and exponent != -1:
                inverse: str = self.parenthesize(
                    sp.Pow(base, -exponent, evaluate=False), PRECEDENCE["Mul"], strict=True
                )
                return "1/" + inverse
            printed: str = super()._print_Pow(expr, rational)
            return printed
        return f"{self.parenthesize(base, PRECEDENCE['Pow'], strict=False)}^{self.parenthesize(exponent, PRECEDENCE['Pow'])}"

    def _print_Relational(self, expr: sp.core.relational.Relational) -> str:
        op = _RELATIONS.get(expr.rel_op, expr.rel_op)
        return f"{self._print(expr.lhs)} {op} {self._print(expr.rhs)}"

    def _print_Limit(self, expr: sp.Limit) -> str:
        e, z, z0, _ = expr.args
        return f"lim[{self._print(z)}→{self._print(z0)}]({self._print(e)})"

    def _print_Infinity(self, expr: sp.Basic) -> str:
        return "∞"

    def _print_NegativeInfinity(self, expr: sp.Basic) -> str:
        return "-∞"

    def _print_Exp1(self, expr: sp.Basic) -> str:
        return "e"

    def _print_Pi(self, expr: sp.Basic) -> str:
        return "π"

    def _print_MatrixBase(self, expr: sp.MatrixBase) -> str:
        return (
            "["
            + "; ".join(", ".join(self._print(expr[i, j]) for j in range(expr.cols)) for i in range(expr.rows))
            + "]"
        )

    _print_ImmutableDenseMatrix = _print_MatrixBase
    _print_MutableDenseMatrix = _print_MatrixBase

    def _print_Transpose(self, expr: sp.Transpose) -> str:
        matrix: str = self.parenthesize(expr.arg, PRECEDENCE["Pow"])
        return matrix + "ᵀ"

    def _print_Heaviside(self, expr: sp.Heaviside) -> str:
        return f"H({self._print(expr.args[0])})"

    def _print_Max(self, expr: sp.Max) -> str:
        return "max(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_Min(self, expr: sp.Min) -> str:
        return "min(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_Abs(self, expr: sp.Abs) -> str:
        return f"|{self._print(expr.args[0])}|"


_PRINTER = UnicodePrinter()


def one_line(expr: sp.Basic) -> str:
    """``expr`` on one line: ∂/∂z_j (-Σ[c=1..k] y_c*log(…)), never cut (the caller wraps)."""
    printed: str = _PRINTER.doprint(sp.ImmutableMatrix(expr) if isinstance(expr, sp.MatrixBase) else expr)
    return printed


def matrix_lines(matrix: sp.MatrixBase, width: int) -> list[str]:
    """A matrix as lines that fit ``width`` where they can: one row a line, else one entry a line."""
    rows = [[one_line(matrix[i, j]) for j in range(matrix.cols)] for i in range(matrix.rows)]
    as_rows = ["[" + ", ".join(row) + "]" for row in rows]
    if all(len(line) <= width for line in as_rows):
        return [f"{matrix.rows}×{matrix.cols} matrix, by rows:"] + as_rows
    lines = [f"{matrix.rows}×{matrix.cols} matrix, entry by entry:"]
    for i, row in enumerate(rows, 1):
        for j, entry in enumerate(row, 1):
            lines.append(f"({i},{j}): {entry}")
    return lines
