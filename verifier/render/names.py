"""Named subexpressions, for printing only: μ for Σ x_m / n, x̂_r for (x_r - μ)/s.

A derivation names subexpressions (``Derivation(names={mu: ..., xhat[a]: ...})``).
Before an expression is printed, each definition is replaced by its name; the
result is used only if putting the definitions back gives the checked expression
exactly, so what is printed is what was checked. The engine never sees names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeAlias

import sympy as sp

__all__ = ["definitions", "instances", "named"]

#: A derivation's names: (name, definition) pairs, as ``Derivation.names`` holds them.
Names: TypeAlias = Sequence[tuple[sp.Basic, sp.Basic]]

#: At most this many index values per indexed name (x̂_1, x̂_i, x̂_r, ...).
MAX_INSTANCES = 24


def _replace(expr: sp.Basic, old: sp.Basic, new: sp.Basic) -> sp.Basic:
    """``expr`` with ``old`` replaced by ``new``, also inside products and sums (a*old*b, old + c).

    Plain structural work with no algebra: a product or sum containing every factor
    or term of ``old`` gets ``new`` for them; a power of ``old``'s base with a
    multiple of its exponent gets a power of ``new``.
    """
    if expr == old:
        return new
    if not expr.args or isinstance(expr, (sp.MatrixBase,)):
        return expr
    if isinstance(old, sp.Pow) and isinstance(expr, sp.Pow) and expr.base == old.base:
        ratio = expr.exp / old.exp
        if ratio.is_Integer:
            return new**ratio
    args = [_replace(a, old, new) for a in expr.args]
    if isinstance(expr, (sp.Mul, sp.Add)) and type(old) is type(expr):
        remaining = list(expr.args)
        for arg in old.args:
            if arg in remaining:
                remaining.remove(arg)
            else:
                break
        else:
            op = sp.Mul if isinstance(expr, sp.Mul) else sp.Add
            return op(new, *[_replace(a, old, new) for a in remaining])
    if any(a is not b for a, b in zip(args, expr.args)):
        return expr.func(*args)
    return expr


def instances(names: Iterable[tuple[sp.Basic, sp.Basic]], exprs: Iterable[sp.Basic]) -> list[tuple[sp.Basic, sp.Basic]]:
    """The names to try on ``exprs``: each plain name, and each indexed name at every index in use."""
    used = set()
    for expr in exprs:
        for entry in expr if isinstance(expr, sp.MatrixBase) else [expr]:
            for item in sp.preorder_traversal(entry):
                if isinstance(item, sp.Indexed):
                    used.update(item.indices)
    out = []
    for key, definition in names:
        if isinstance(key, sp.Indexed):
            (index,) = key.indices
            for value in sorted(used, key=sp.default_sort_key)[:MAX_INSTANCES]:
                out.append((key.subs(index, value), definition.subs(index, value)))
        else:
            out.append((key, definition))
    return out


def named(expr: sp.Basic, names: Names) -> sp.Basic:
    """``expr`` with every named definition in it printed under its name (largest first)."""
    if not names or not isinstance(expr, sp.Basic):
        return expr
    if isinstance(expr, sp.MatrixBase):
        return sp.ImmutableMatrix(expr.rows, expr.cols, [named(e, names) for e in expr])
    pairs = sorted(instances(names, [expr]), key=lambda kv: -sp.count_ops(kv[1]) - len(sp.srepr(kv[1])) / 1000)
    current = expr
    applied: list[tuple[sp.Basic, sp.Basic]] = []
    for key, definition in pairs:
        if key in expr.free_symbols or (isinstance(key, sp.Indexed) and expr.has(key)):
            continue  # the name means something else here
        candidate = _replace(current, definition, key)
        if candidate == current:
            continue
        back = candidate
        for k, d in reversed(applied + [(key, definition)]):
            back = back.xreplace({k: d})
        if back == expr:
            current = candidate
            applied.append((key, definition))
    return current


def definitions(names: Names) -> list[tuple[sp.Basic, sp.Basic]]:
    """Each name with its definition, printed with the other (smaller) names: s = √(σ² + ε)."""
    out = []
    for index, (key, definition) in enumerate(names):
        others = [pair for n, pair in enumerate(names) if n != index]
        out.append((key, named(definition, others)))
    return out
