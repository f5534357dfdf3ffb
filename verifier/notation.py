"""Matrix notation a claim may use: MatrixSymbols with a domain, elementwise functions, diag, gradients.

SymPy writes matrices of symbolic shape as ``MatrixSymbol("X", n, p)`` and matrix
expressions (``X.T * w``, ``Trace``, ``Identity``, ...). What it lacks for
derivations is provided here, as ordinary SymPy objects (so claims pickle and hash
the same in every process):

* ``matrix_symbol("a", n, 1, positive=True)``: a MatrixSymbol whose entries have a
  domain (a plain MatrixSymbol's entries are real);
* ``elementwise(f, X*w)``: f applied to every entry (SymPy's ``ElementwiseApplyFunction``);
* ``diag(v)``: the diagonal matrix of a vector (SymPy's ``DiagMatrix``);
* ``gradient(L, w)``: d L / d w, unevaluated (``Derivative(L, w)``), never SymPy's
  matrix calculus.

``check_shapes`` is the one home of shape validation: SymPy accepts ``X*(X*w - y)``
when n and p are symbols, since it cannot tell them apart. This module imports SymPy only.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Literal, TypeAlias

import sympy as sp
from sympy.core.symbol import Str
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix

__all__ = [
    "DOMAINS",
    "MatrixNotationError",
    "check_shapes",
    "diag",
    "elementwise",
    "gradient",
    "matrix_symbol",
    "shape_of",
]


#: The shape of a matrix in matrix notation: (rows, columns), each an int or a SymPy expression.
Shape: TypeAlias = tuple[sp.Expr, sp.Expr]


class MatrixNotationError(ValueError):
    """Broken matrix input, such as a product whose inner dimensions differ (one line)."""


#: Domain words a matrix's entries may have (``matrix_symbol(..., positive=True)``).
DOMAINS = ("real", "positive", "nonnegative", "negative", "nonpositive")


class NotTranslated(Exception):
    """A well-formed matrix expression the translator does not put into index notation (the reason)."""


class DomainMatrixSymbol(sp.MatrixSymbol):
    """A ``MatrixSymbol`` whose entries have a declared domain (a fourth argument)."""

    def __new__(cls, name: str, n: object, m: object, domain: str = "real") -> DomainMatrixSymbol:
        plain = sp.MatrixSymbol(name, n, m)  # validates the name and dimensions
        symbol: DomainMatrixSymbol = sp.Basic.__new__(cls, *plain.args, Str(str(domain)))
        return symbol

    @property
    def domain(self) -> str:
        name: str = self.args[3].name
        return name


def _dimension(d: object) -> sp.Expr:
    """A matrix dimension as a SymPy number or expression (shapes hold Python ints or Exprs)."""
    return sp.Integer(d) if isinstance(d, int) else d


def matrix_symbol(name: str, rows: object, cols: object, **domain: bool) -> sp.MatrixSymbol:
    """A matrix of symbolic shape with entries in a domain: ``matrix_symbol("a", n, 1, positive=True)``.

    A plain ``MatrixSymbol`` has real entries; this gives another domain of ``DOMAINS``.
    """
    chosen = [k for k, v in domain.items() if v]
    unknown = [k for k in domain if k not in DOMAINS]
    if unknown or len(chosen) > 1:
        raise ValueError(f"matrix_symbol {name!r}: give at most one of {', '.join(DOMAINS)}=True, not {domain}")
    return DomainMatrixSymbol(name, rows, cols, chosen[0] if chosen else "real")


def elementwise(function: sp.Lambda | Callable[[sp.Expr], sp.Expr], matrix: sp.MatrixExpr) -> sp.MatrixExpr:
    """``function`` applied to every entry of ``matrix`` (any shape): ``elementwise(sigmoid, X*w)``.

    ``function`` is a SymPy function (``exp``) or a Python callable of one argument.
    """
    if not isinstance(function, sp.Lambda):
        # a named (not Dummy) variable, so the claim is the same in every process (the
        # result cache hashes it), and one the body does not already use
        probe = sp.Dummy("t", real=True)
        body = function(probe)
        used = {s.name for s in body.free_symbols}
        name = next(c for c in ("t", "u", "s", "τ", "t_") if c not in used)
        t = sp.Symbol(name, real=True)
        function = sp.Lambda(t, body.xreplace({probe: t}))
    return ElementwiseApplyFunction(function, matrix)


def diag(vector: sp.MatrixExpr) -> sp.MatrixExpr:
    """The diagonal matrix with the entries of the column vector ``vector`` (SymPy's ``DiagMatrix``)."""
    return DiagMatrix(vector)


def gradient(scalar: sp.Expr, wrt: sp.MatrixExpr) -> sp.Derivative:
    """d scalar / d wrt, unevaluated, of the shape of ``wrt`` (the same as ``Derivative(scalar, wrt)``)."""
    return sp.Derivative(scalar, wrt, evaluate=False)


def derivative_kind(e: object) -> tuple[Literal["gradient", "hessian", "jacobian"], Shape] | None:
    """("gradient" | "hessian" | "jacobian", shape) of a derivative by matrices, or None.

    gradient: a scalar by a vector or matrix W (the shape of W); hessian: a scalar by
    two column vectors u, w (entry (i, j) = d2 L / du_i dw_j); jacobian: a column
    vector g by a column vector w (entry (i, j) = d g_i / d w_j, numerator layout).
    """
    if not isinstance(e, sp.Derivative) or not all(c.is_Integer for _, c in e.variable_count):
        return None
    variables = [v for v, c in e.variable_count for _ in range(int(c))]
    if not all(isinstance(v, sp.MatrixExpr) for v in variables):
        return None
    inner = shape_of(e.expr)
    scalar = inner in (None, (1, 1))
    if len(variables) == 1 and scalar:
        return "gradient", variables[0].shape
    columns = all(v.shape[1] == 1 for v in variables)
    if len(variables) == 2 and scalar and columns:
        return "hessian", (variables[0].shape[0], variables[1].shape[0])
    if len(variables) == 1 and columns and inner is not None and inner[1] == 1:
        return "jacobian", (inner[0], variables[0].shape[0])
    return None


def shape_of(e: object) -> Shape | None:
    """The shape of a side in matrix notation: a MatrixExpr's, a derivative's by matrices (see
    ``derivative_kind``), or None for a scalar."""
    kind = derivative_kind(e)
    if kind is not None:
        return kind[1]
    if isinstance(e, sp.MatrixExpr):
        shape: Shape = e.shape
        return shape
    return None


def _text(shape: Shape) -> str:
    return f"{shape[0]} x {shape[1]}"


def check_shapes(expr: object, what: str) -> None:
    """Raise MatrixNotationError where a product, sum or Hadamard product has shapes that do not match."""
    if not isinstance(expr, sp.Basic) or isinstance(expr, sp.MatrixBase):
        return
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.MatMul):
            factors = [f for f in node.args if isinstance(f, sp.MatrixExpr)]
            for left, right in itertools.pairwise(factors):
                if _dimension(left.shape[1]) != _dimension(right.shape[0]):
                    raise MatrixNotationError(
                        f"{what}: shapes do not match in a product: {left} is {_text(left.shape)} "
                        f"but {right} is {_text(right.shape)}"
                    )
        elif isinstance(node, (sp.MatAdd, sp.HadamardProduct)):
            terms = [t for t in node.args if isinstance(t, sp.MatrixExpr)]
            if len({tuple(_dimension(d) for d in t.shape) for t in terms}) > 1:
                listed = ", ".join(f"{t} is {_text(t.shape)}" for t in terms)
                raise MatrixNotationError(
                    f"{what}: shapes do not match in a {'sum' if isinstance(node, sp.MatAdd) else 'Hadamard product'}: {listed}"
                )
