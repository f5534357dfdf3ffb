"""Matrix notation over symbolic dimensions, translated to index notation.

A claim written with ``MatrixSymbol``s of symbolic shape (``X`` is n x p, ``w`` is
p x 1) and matrix expressions is turned into an ordinary claim over symbolic sizes:
the entry (i, j) of each side as an expression in ``IndexedBase`` entries and
``Sum``s over the dimension symbols, with the free indices i, j declared in
[1, rows] and [1, cols]. The index calculus (``indexed``) then proves it for every
size, and the cross-check (``sized``) refutes it at concrete sizes.

Translation, entry (a, b) of each kind of expression (indices are 1-based):

* ``X`` (n x p): ``X[a, b]``; a column vector ``w`` (p x 1): ``w[a]``; a row
  vector (1 x p): ``w[b]``. Entries are real unless the matrix is made with
  :func:`matrix_symbol` and another domain (``positive=True``, ...).
* ``A + B``: sum of entries; ``c A B``: ``c * Sum(A[a, k] B[k, b], (k, 1, cols(A)))``;
  ``A.T``: ``A[b, a]``; ``Trace(A)``: ``Sum(A[k, k])``; ``Identity``: delta;
  ``ZeroMatrix``: 0; ``OneMatrix``: 1; ``HadamardProduct``: product of entries;
  ``elementwise(f, A)``: ``f(A[a, b])``; ``diag(v)``: ``delta(a, b) v[a]``.
* ``Inverse(M)`` of a square ``MatrixSymbol``: products ``M M^-1`` cancel first;
  an inverse left over must not meet its matrix elsewhere in the claim, and then
  its entries are those of a matrix of its own, ``inv(M)`` (every invertible matrix
  is the inverse of one, so a claim true for all of them is true for ``M^-1``).
* Scalar sides: a 1 x 1 matrix expression is its entry (1, 1); ``M[r, c]`` (SymPy,
  0-based) is entry (r + 1, c + 1); scalar functions apply to these entries.
* ``Derivative(L, W)`` or ``gradient(L, W)`` for a scalar ``L``: the entry
  (a, b) is ``Derivative(L', W[a, b])`` where ``L'`` is ``L`` translated FIRST.
  SymPy's own matrix calculus is never called: ENGINE_NOTES lists its wrong zeros.
  The derivative stays unevaluated; the index calculus takes it for the proof, and
  the cross-check takes it again with ordinary calculus on written-out instances.

``as_matrices`` is the inverse map for counterexamples: the point of a refutation
(``X[1,2] = 3``, ``n = 2``) shown as explicit matrices.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix
from sympy.matrices.expressions.matexpr import MatrixElement

from ...model import Indices, Sizes, _matrix_dimensions, as_sympy
from ...notation import (
    DomainMatrixSymbol,
    MatrixNotationError,
    Shape,
    check_shapes,
    derivative_kind,
    shape_of,
)
from .instances import entry_symbol

__all__ = ["NotTranslated", "as_matrices", "is_matrix_notation", "side_shape", "to_index_claim", "translate"]


class NotTranslated(Exception):
    """A well-formed matrix expression the translator does not put into index notation (the reason)."""


# ---------------------------------------------------------------- recognising matrix notation


def _is_matrix_expr(e: object) -> bool:
    return isinstance(e, sp.MatrixExpr)


def is_matrix_notation(*exprs: object) -> bool:
    """Whether a side holds matrix expressions (``MatrixSymbol``s, possibly inside ``Derivative``)."""
    return any(
        isinstance(e, sp.Basic)
        and not isinstance(e, sp.MatrixBase)
        and (isinstance(e, sp.MatrixExpr) or e.has(sp.MatrixSymbol))
        for e in exprs
    )


def side_shape(e: object) -> Shape | None:
    """Shape of a matrix-notation side: a MatrixExpr's, a derivative's (that of its variable), or None."""
    if (
        isinstance(e, sp.Derivative)
        and any(_is_matrix_expr(v) for v, _ in e.variable_count)
        and derivative_kind(e) is None
    ):
        raise NotTranslated(
            f"{e} is not translated: gradients (a scalar by a vector or matrix), Hessians (a scalar by "
            "two column vectors) and Jacobians (a column vector by a column vector) are"
        )
    return shape_of(e)


# ---------------------------------------------------------------- the translation


def _base(m: sp.MatrixSymbol) -> sp.IndexedBase:
    domain = m.domain if isinstance(m, DomainMatrixSymbol) else "real"
    return sp.IndexedBase(m.name, **{domain: True})


def _inverse_base(m: sp.MatrixSymbol) -> sp.IndexedBase:
    # nonzero: at 1 x 1 an inverse is a nonzero number
    return sp.IndexedBase(f"inv({m.name})", real=True, nonzero=True)


def _entry_of_base(base: sp.IndexedBase, m: sp.MatrixSymbol, a: sp.Basic, b: sp.Basic) -> sp.Indexed:
    rows, cols = m.shape
    if cols == 1:
        return base[a]
    if rows == 1:
        return base[b]
    return base[a, b]


class _Translator:
    def __init__(self, taken: Iterable[str]) -> None:
        self.taken = set(taken)
        self.count = 0

    def bound(self, hint: str = "k") -> sp.Symbol:
        """A fresh summation index (renamed canonically by the index calculus anyway)."""
        while True:
            self.count += 1
            name = f"{hint}{self.count}"
            if name not in self.taken:
                self.taken.add(name)
                return sp.Symbol(name, integer=True)

    def _sum(self, body: sp.Basic, index: sp.Symbol, upper: object) -> sp.Basic:
        upper = as_sympy(upper, "an expression")
        if upper == 1:
            return body.xreplace({index: sp.Integer(1)})
        return sp.Sum(body, (index, 1, upper))

    def entry(self, e: sp.Basic, a: sp.Basic, b: sp.Basic) -> sp.Basic:
        """Entry (a, b), 1-based, of the matrix expression ``e``."""
        if isinstance(e, sp.MatrixSymbol):
            return _entry_of_base(_base(e), e, a, b)
        if isinstance(e, sp.MatrixBase):  # an explicit matrix among symbolic ones
            if as_sympy(a, "an expression").is_Integer and as_sympy(b, "an expression").is_Integer:
                return e[int(a) - 1, int(b) - 1]
            return sp.Add(
                *[
                    sp.KroneckerDelta(a, r + 1) * sp.KroneckerDelta(b, c + 1) * e[r, c]
                    for r in range(e.rows)
                    for c in range(e.cols)
                ]
            )
        if isinstance(e, sp.MatAdd):
            return sp.Add(*[self.entry(t, a, b) for t in e.args])
        if isinstance(e, sp.MatMul):
            scalars = [f for f in e.args if not _is_matrix_expr(f)]
            factors = [f for f in e.args if _is_matrix_expr(f)]
            return sp.Mul(*[self.scalar(s) for s in scalars]) * self._chain(factors, a, b)
        if isinstance(e, sp.Transpose):
            return self.entry(e.arg, b, a)
        if isinstance(e, sp.Identity):
            return sp.KroneckerDelta(a, b)
        if isinstance(e, sp.ZeroMatrix):
            return sp.Integer(0)
        if isinstance(e, sp.OneMatrix):
            return sp.Integer(1)
        if isinstance(e, sp.HadamardProduct):
            return sp.Mul(*[self.entry(t, a, b) for t in e.args])
        if isinstance(e, sp.HadamardPower):
            return self.entry(e.base, a, b) ** self.scalar(e.exp)
        if isinstance(e, ElementwiseApplyFunction):
            return e.function(self.entry(e.expr, a, b))
        if isinstance(e, DiagMatrix):
            v = e.args[0]
            inner = self.entry(v, a, 1) if v.shape[1] == 1 else self.entry(v, 1, a)
            return sp.KroneckerDelta(a, b) * inner
        if isinstance(e, sp.Inverse):
            m = e.arg
            if not isinstance(m, sp.MatrixSymbol):
                raise NotTranslated(
                    f"the inverse of {e.arg} is not translated; name the matrix (a MatrixSymbol) and invert that"
                )
            return _entry_of_base(_inverse_base(m), m, a, b)
        if isinstance(e, sp.MatPow):
            base, power = e.args
            if power == -1:
                return self.entry(sp.Inverse(base), a, b)
            if power.is_Integer and power > 0:
                return self.entry(sp.MatMul(*([base] * int(power))), a, b)
        if isinstance(e, sp.Derivative):
            return self.derivative(e, a, b)
        raise NotTranslated(f"{type(e).__name__} ({e}) is not translated into index notation")

    def _chain(self, factors: Sequence[sp.Basic], a: sp.Basic, b: sp.Basic) -> sp.Basic:
        """Entry (a, b) of the product of ``factors``: a sum over each inner dimension."""
        if len(factors) == 1:
            return self.entry(factors[0], a, b)
        half = len(factors) // 2
        if len(factors) % 2 == 0 and all(factors[half - 1 - t] == factors[half + t].T for t in range(half)):
            # a Gram product B^T B: sum_k B[k, a] B[k, b], which is a sum of squares when a = b
            gram = sp.MatMul(*factors[half:])
            k = self.bound()
            return self._sum(self.entry(gram, k, a) * self.entry(gram, k, b), k, gram.shape[0])
        first, rest = factors[0], factors[1:]
        inner = first.shape[1]
        k = self.bound()
        return self._sum(self.entry(first, a, k) * self._chain(rest, k, b), k, inner)

    def derivative(self, e: sp.Derivative, a: sp.Basic, b: sp.Basic) -> sp.Basic:
        """Entry (a, b) of a gradient, Hessian or Jacobian: the expression translated first,
        then an unevaluated derivative by entries (never SymPy's matrix calculus)."""
        side_shape(e)  # raises NotTranslated for other kinds by matrices
        found = derivative_kind(e)
        if found is None:  # not by matrices at all
            raise NotTranslated(f"{e} is not a derivative by a matrix")
        kind, _ = found
        variables = [v for v, c in e.variable_count for _ in range(int(c))]
        for variable in variables:
            if not isinstance(variable, sp.MatrixSymbol):
                raise NotTranslated(f"derivatives are taken by a MatrixSymbol, not by {variable}")

        def entry_of(v: sp.MatrixSymbol, r: sp.Basic, c: sp.Basic) -> sp.Indexed:
            return _entry_of_base(_base(v), v, r, c)

        if kind == "gradient":
            return sp.Derivative(self.scalar(e.expr), entry_of(variables[0], a, b))
        if kind == "hessian":
            return sp.Derivative(self.scalar(e.expr), entry_of(variables[0], a, 1), entry_of(variables[1], b, 1))
        return sp.Derivative(self.entry(e.expr, a, 1), entry_of(variables[0], b, 1))  # jacobian

    def scalar(self, e: sp.Basic) -> sp.Basic:
        """A scalar expression with matrix parts (1 x 1 expressions, elements, traces) in index notation."""
        if not isinstance(e, sp.Basic):
            return e
        shape = side_shape(e) if isinstance(e, sp.Derivative) else None
        if shape is not None:
            if shape != (1, 1):
                # 2 * Derivative(L, w) is a scalar Mul to SymPy: its entry (1, 1) is not the claim
                raise NotTranslated(
                    f"the {shape[0]} x {shape[1]} derivative {e} inside a scalar "
                    "expression; put it alone on a side (scale the other side instead)"
                )
            return self.derivative(e, 1, 1)
        if _is_matrix_expr(e):
            if e.shape != (1, 1):
                raise MatrixNotationError(f"{e} is a {e.shape[0]} x {e.shape[1]} matrix inside a scalar expression")
            return self.entry(e, 1, 1)
        if isinstance(e, MatrixElement):
            return self.entry(e.parent, e.i + 1, e.j + 1)  # SymPy's elements are 0-based
        if isinstance(e, sp.Trace):
            k = self.bound()
            return self._sum(self.entry(e.arg, k, k), k, e.arg.shape[0])
        if isinstance(e, sp.Sum) and e.has(MatrixElement):
            # SymPy writes (X*w)[0, 0] with sums from 0: shift them to start at 1
            # (a change of variable, valid for every size) to match the entries.
            body, limits = e.function, []
            for index, lo, hi in e.limits:
                fresh = self.bound()
                body = body.xreplace({index: fresh - 1})
                limits.append((fresh, lo + 1, hi + 1))
            return sp.Sum(self.scalar(body), *limits)
        if not e.args:
            return e
        return e.func(*[self.scalar(a) for a in e.args])


# ---------------------------------------------------------------- inverses


def _simplify_inverses(e: sp.Basic) -> sp.Basic:
    """Push inverses onto MatrixSymbols and cancel ``M M^-1`` (valid for invertible square M)."""
    if not isinstance(e, sp.Basic) or not e.has(sp.Inverse, sp.MatPow):
        return e
    e = e.func(*[_simplify_inverses(a) for a in e.args]) if e.args else e
    if isinstance(e, sp.MatPow) and e.args[1] == -1:
        e = sp.Inverse(e.args[0])
    elif isinstance(e, sp.MatPow) and e.args[1].is_Integer and e.args[1] < -1:  # S**-2 = S^-1 S^-1
        return sp.MatMul(*([_simplify_inverses(sp.Inverse(e.args[0]))] * int(-e.args[1])))
    if isinstance(e, sp.Inverse):
        inner = e.arg
        if isinstance(inner, sp.Inverse):
            return inner.arg
        if isinstance(inner, sp.Transpose):
            return sp.Transpose(_simplify_inverses(sp.Inverse(inner.arg)))
        if isinstance(inner, sp.MatMul) and all(not _is_matrix_expr(f) or f.is_square for f in inner.args):
            scalars = [f for f in inner.args if not _is_matrix_expr(f)]
            mats = [f for f in inner.args if _is_matrix_expr(f)]
            return sp.MatMul(*[1 / s for s in scalars], *[_simplify_inverses(sp.Inverse(f)) for f in reversed(mats)])
        return e
    if isinstance(e, sp.MatMul):
        args = list(e.args)
        changed = True
        while changed:
            changed = False
            for k in range(len(args) - 1):
                left, right = args[k], args[k + 1]
                if (isinstance(right, sp.Inverse) and right.arg == left) or (
                    isinstance(left, sp.Inverse) and left.arg == right
                ):
                    args[k : k + 2] = [sp.Identity(left.shape[0])]
                    changed = True
                    break
        args = [f for f in args if not isinstance(f, sp.Identity)] or [sp.Identity(e.shape[0])]
        return sp.MatMul(*args) if len(args) > 1 else args[0]
    return e


def _check_inverses(sides: Sequence[sp.Basic]) -> None:
    for side in sides:
        for inv in side.atoms(sp.Inverse):
            m = inv.arg
            outside = [s for s in sides if m in s.xreplace({inv: sp.ZeroMatrix(*inv.shape)}).atoms(sp.MatrixSymbol)]
            if outside:
                raise NotTranslated(
                    f"{m} appears both inside and outside an inverse after cancelling {m} {m}^-1; "
                    "such a claim is not translated (its entries are not independent of those of the inverse)"
                )


# ---------------------------------------------------------------- the claim


def _free_index(name: str, taken: set[str]) -> sp.Symbol:
    while name in taken:
        name += "_"
    taken.add(name)
    return sp.Symbol(name, integer=True)


@dataclass(frozen=True)
class IndexClaim:
    """A claim in matrix notation, translated: the entry (i, j) of each side, over sizes.

    ``free`` are the free indices the translation introduced (i for the rows when
    there is more than one, j for the columns), also listed in ``indices``.
    """

    lhs: sp.Basic
    rhs: sp.Basic
    given: tuple[sp.Basic, ...] = ()
    sizes: Sizes = ()
    indices: Indices = ()
    free: tuple[sp.Symbol, ...] = ()


def translate(
    lhs: sp.Basic, rhs: sp.Basic, sizes: Sizes = (), indices: Indices = (), given: Iterable[sp.Basic] = ()
) -> IndexClaim:
    """The claim ``lhs == rhs`` (under the equalities ``given``) in index notation.

    ``sizes`` and ``indices`` are normalised tuples (as ``Claim`` keeps them); each
    dimension symbol not among the sizes is added with least value 1. A given fact
    must be scalar (a 1 x 1 expression, an element, a trace); a fact about a whole
    matrix is not translated (state it entry by entry).
    """
    for side in (lhs, rhs):
        check_shapes(side, "a claim in matrix notation")
    sides = [_simplify_inverses(s) for s in (lhs, rhs)]
    shapes = [side_shape(s) for s in sides]
    matrix_shapes = [s for s in shapes if s is not None]
    if len(set(matrix_shapes)) > 1 or (len(matrix_shapes) == 1 and matrix_shapes[0] != (1, 1)):
        raise MatrixNotationError(f"shapes differ: lhs {shapes[0] or 'scalar'}, rhs {shapes[1] or 'scalar'}")
    _check_inverses(sides)
    facts = [f for f in given if isinstance(f, sp.Equality)]
    for fact in facts:
        for side in fact.args:
            check_shapes(side, "a given fact")
            if side_shape(side) not in (None, (1, 1)):
                raise NotTranslated(f"the given fact {fact} is about a whole matrix; state it for one entry or a sum")
    shape = matrix_shapes[0] if matrix_shapes else (1, 1)
    everything = sides + [side for fact in facts for side in fact.args]
    taken = {s.name for side in everything for s in side.free_symbols if isinstance(s, sp.Symbol)}
    taken |= {m.name for side in everything for m in side.atoms(sp.MatrixSymbol)}
    rows, cols = (as_sympy(d, "an expression") for d in shape)
    free = []
    a = _free_index("i", taken) if rows != 1 else sp.Integer(1)
    b = _free_index("j", taken) if cols != 1 else sp.Integer(1)
    for index, size in ((a, rows), (b, cols)):
        if isinstance(index, sp.Symbol):
            free.append((index, sp.Integer(1), size))
    translator = _Translator(taken)
    entries = []
    for side, shape_of_side in zip(sides, shapes):
        if shape_of_side is None:
            entries.append(translator.scalar(side))
        elif isinstance(side, sp.Derivative):
            entries.append(translator.derivative(side, a, b))
        else:
            entries.append(translator.entry(side, a, b))
    translated = tuple(
        sp.Eq(translator.scalar(f.lhs), translator.scalar(f.rhs), evaluate=False) if isinstance(f, sp.Equality) else f
        for f in given
    )
    sizes = tuple(sizes) + _matrix_dimensions(everything, sizes, "a claim in matrix notation")
    return IndexClaim(
        entries[0], entries[1], translated, sizes, tuple(indices) + tuple(free), tuple(i for i, _, _ in free)
    )


def to_index_claim(
    lhs: sp.Basic, rhs: sp.Basic, given: Iterable[sp.Basic] = (), sizes: Sizes = (), indices: Indices = ()
) -> tuple[sp.Basic, sp.Basic, tuple[sp.Basic, ...], Sizes, Indices]:
    """The hook for ``check``: (lhs, rhs, given, sizes, indices), translated when a side or a
    given fact is in matrix notation; unchanged otherwise.

    Raises ``MatrixNotationError`` (a ValueError) for broken input and ``NotTranslated``
    (the claim is then undecided, with that reason) for what the translator does not handle.
    """
    if not is_matrix_notation(lhs, rhs, *[side for f in given if isinstance(f, sp.Equality) for side in f.args]):
        return lhs, rhs, tuple(given), sizes, indices
    claim = translate(lhs, rhs, sizes, indices, given)
    return claim.lhs, claim.rhs, claim.given, claim.sizes, claim.indices


# ---------------------------------------------------------------- counterexamples as matrices


def as_matrices(point: Mapping[sp.Basic, sp.Basic], *sides: sp.Basic) -> dict[str, sp.ImmutableMatrix]:
    """The matrices of ``sides`` at a refutation's ``point``, as explicit matrices.

    ``point`` maps the sizes (``n``), the free indices and the entries (``X[1,2]``,
    ordinary symbols named as in ``instances.entry_symbol``) to values. Returns
    {name: Matrix}, each MatrixSymbol (and each inverse, as ``inv(M)``) of the sides
    at the sizes of the point; an entry the claim does not depend on is 0.
    """
    by_name = {str(k): v for k, v in point.items()}
    sizes = {k: v for k, v in point.items() if isinstance(k, sp.Symbol) and k.is_integer}
    out = {}
    symbols = sorted({m for side in sides for m in side.atoms(sp.MatrixSymbol)}, key=sp.default_sort_key)
    inverses = sorted(
        {i.arg for side in sides for i in _simplify_inverses(side).atoms(sp.Inverse)}, key=sp.default_sort_key
    )
    for m, base in [(m, _base(m)) for m in symbols] + [(m, _inverse_base(m)) for m in inverses]:
        rows, cols = (int(as_sympy(d, "an expression").xreplace(sizes)) for d in m.shape)
        values = sp.zeros(rows, cols)
        for r, c in itertools.product(range(1, rows + 1), range(1, cols + 1)):
            key = (
                [r] if m.shape[1] == 1 else ([c] if m.shape[0] == 1 else [r, c])
            )  # as _entry_of_base: by the symbolic shape
            values[r - 1, c - 1] = by_name.get(entry_symbol(base, key).name, sp.Integer(0))
        out[str(base)] = sp.ImmutableMatrix(values)
    return out


def singular_inverse(point: Mapping[sp.Basic, sp.Basic], *sides: sp.Basic) -> str:
    """Why a refutation's point is not a counterexample: an ``inv(M)`` there that is singular, so
    no matrix M has it as its inverse (the translation treats the inverse's entries as free).
    Empty when every inverse of the sides is invertible at the point (or there is none)."""
    inverses = {
        f"inv({i.arg.name})"
        for side in sides
        if isinstance(side, sp.Basic)
        for i in _simplify_inverses(side).atoms(sp.Inverse)
    }
    if not inverses:
        return ""
    for name, values in as_matrices(point, *sides).items():
        if name in inverses and values.det() == 0:
            return f"{name} = {values.tolist()} is singular at the point found, so it is no matrix's inverse"
    return ""
