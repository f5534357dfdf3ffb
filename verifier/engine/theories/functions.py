"""Generic functions: refutation through concrete polynomial stand-ins.

A claim about an undefined function f (``Function("f")``) cannot be evaluated at
a point. But a claim stated for *every* f is false as soon as it fails for one f,
so each undefined function is replaced by a polynomial with fresh real
coefficients (cubic in its arguments): smooth, and general enough
to meet given facts such as g'(x*) = 0, which become linear equations in the
coefficients that the context solves like any other. The usual numeric search
then runs; a counterexample names the concrete functions it used. A function
stated positive (or nonzero, nonnegative) stands in as exp of a polynomial, a
negative one as -exp; integrality cannot be met, so such functions are left alone,
and so are real functions applied to arguments not known to be real. A function
used at two arities gets a stand-in for each. Never used to prove anything.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeAlias

import sympy as sp
from sympy.core.function import AppliedUndef

from ...model import Status
from ...report import Result
from ..assumptions import build_context
from ..numeric import NotNumeric, Sampler, Witness, find_counterexample, in_exponents
from .certificates import is_real

__all__ = ["polynomial_stand_ins", "refute_with_polynomials", "Concrete"]

#: Concrete functions for undefined ones: function class (or (class, arity)) -> Lambda,
#: as a mapping or as pairs.
Interpretation: TypeAlias = dict[tuple[sp.FunctionClass, int], sp.Lambda] | Iterable[tuple[object, sp.Lambda]]

#: Stated properties a stand-in cannot be given: no polynomial or exponential has them.
_UNSUPPORTED = (
    "integer",
    "rational",
    "zero",
    "odd",
    "even",
    "prime",
    "composite",
    "irrational",
    "algebraic",
    "transcendental",
)


@dataclass(frozen=True)
class Concrete:
    """A refutation (``result``) with its trace line, or ``result=None``, the evidence seen and
    at how many points the stand-in claim agreed."""

    result: Result | None
    detail: str
    agreed: int = 0


def _applied(exprs: Iterable[object]) -> list[AppliedUndef]:
    found: set[AppliedUndef] = set()
    for e in exprs:
        if isinstance(e, sp.Basic):
            found |= e.atoms(AppliedUndef)
    return sorted(found, key=sp.default_sort_key)


def _wrapper(atom: AppliedUndef) -> tuple[Callable[[sp.Expr], sp.Expr], str | None]:
    """How a polynomial p becomes a stand-in with the function's stated sign: p, exp(p) or -exp(p)."""
    if atom.is_positive or atom.is_nonnegative or atom.is_nonzero:
        return sp.exp, "positive"
    if atom.is_negative or atom.is_nonpositive:
        return (lambda p: -sp.exp(p)), "negative"
    return (lambda p: p), None


def polynomial_stand_ins(exprs: Iterable[object]) -> dict[tuple[sp.FunctionClass, int], sp.Lambda] | None:
    """{(function class, arity): Lambda}, each a polynomial with fresh real coefficients (or
    exp of one, for a function stated positive), or None if some function cannot stand in.

    A function used at two arities gets one stand-in per arity; one of arity 0 (``c()``)
    is a constant, a fresh coefficient. A sign-restricted stand-in is exp(p) of a real p,
    so only where every argument is real.
    """
    stand_ins: dict[tuple[sp.FunctionClass, int], sp.Lambda] = {}
    applied = _applied(exprs)
    for atom in applied:
        key = (atom.func, len(atom.args))
        if key in stand_ins:
            continue
        if any(getattr(atom, "is_" + name) for name in _UNSUPPORTED):
            return None
        wrap, sign = _wrapper(atom)
        same = [a for a in applied if (a.func, len(a.args)) == key]
        if (atom.is_real or sign) and not all(is_real(arg) for a in same for arg in a.args):
            return None  # a real function at a possibly complex argument: a real stand-in would not do
        arity = len(atom.args)
        variables = (
            sp.symbols(f"t1:{arity + 1}", real=True) if arity > 1 else ((sp.Symbol("t", real=True),) if arity else ())
        )
        degree = 3  # cubic: second derivatives still depend on the point (quadratics would hide swapped variables in a Hessian)
        terms = [m for d in range(degree + 1) for m in itertools.combinations_with_replacement(variables, d)]
        suffix = f"{arity}_" if any(a.func == atom.func and len(a.args) != arity for a in applied) else ""
        coefficients = sp.symbols(f"{atom.func.__name__}_{suffix}c0:{len(terms)}", real=True)
        poly = sum(c * sp.Mul(*m) for c, m in zip(coefficients, terms))
        stand_ins[key] = sp.Lambda(variables, wrap(poly))
    return stand_ins


def apply_interpretation(expr: sp.Basic, interpretation: Interpretation) -> sp.Basic:
    """``expr`` with each undefined function replaced by its concrete Lambda of the same arity.

    ``interpretation`` maps (or lists pairs) function class -> Lambda, or (class, arity) -> Lambda.
    """
    pairs: Iterable[tuple[object, sp.Lambda]] = (
        interpretation.items() if isinstance(interpretation, dict) else interpretation
    )
    for key, lam in pairs:
        func = key[0] if isinstance(key, tuple) else key
        arity = len(lam.variables)
        expr = expr.replace(
            lambda node, f=func, a=arity: isinstance(node, AppliedUndef) and node.func == f and len(node.args) == a,
            lambda node, lam=lam: lam(*node.args),
        )
    return expr


def _concrete(expr: sp.Basic, stand_ins: Interpretation) -> sp.Basic:
    expr = apply_interpretation(expr, stand_ins)
    if isinstance(expr, sp.Basic) and expr.has(sp.Limit):  # doit would hand the limit to sympy.limit
        return expr.replace(lambda node: isinstance(node, (sp.Derivative, sp.Subs)), lambda node: node.doit())
    return expr.doit()


def refute_with_polynomials(
    lhs: sp.Basic,
    rhs: sp.Basic,
    given: Iterable[sp.Basic],
    where: Iterable[sp.Basic],
    seed: int,
    count: int,
    find: Callable[..., tuple[Witness | None, int, int]] = find_counterexample,
) -> Concrete | None:
    """A re-checked counterexample with polynomials for the undefined functions; else the
    evidence seen (``result=None``), or None when no stand-in could be evaluated.
    ``find`` searches the concrete claim (``find_counterexample``, or the gate's search for
    sides that hold limits)."""
    stand_ins = polynomial_stand_ins([lhs, rhs, *given, *where])
    if not stand_ins:
        return None
    try:
        c_lhs, c_rhs = _concrete(lhs, stand_ins), _concrete(rhs, stand_ins)
        c_given = tuple(_concrete(g, stand_ins) for g in given)
        c_where = tuple(_concrete(w, stand_ins) for w in where)
        ctx = build_context(c_given, c_where)
        if ctx.unsatisfiable:
            return None
        sampler = Sampler(ctx, c_lhs.free_symbols | c_rhs.free_symbols, seed, tame=in_exponents([c_lhs, c_rhs]))
        witness, agreed, _ = find(c_lhs, c_rhs, sampler, count)
    except (NotNumeric, TypeError, ValueError):
        return None
    if witness is None:
        names = ", ".join(dict.fromkeys(f.__name__ for f, _ in stand_ins))
        return Concrete(None, f"equal at {agreed} points with concrete functions standing in for {names}", agreed)
    coefficients = {s for lam in stand_ins.values() for s in lam.expr.free_symbols} - set().union(
        *(set(lam.variables) for lam in stand_ins.values())
    )
    point = {k: v for k, v in witness.point.items() if k not in coefficients}
    shown = dict(point)
    labels: list[str] = []
    interpretation: list[tuple[sp.FunctionClass, sp.Lambda]] = []
    for (func, _), lam in stand_ins.items():
        body = sp.expand(
            lam.expr.xreplace({c: witness.point.get(c, 0) for c in lam.expr.free_symbols if c in coefficients})
        )
        label = sp.Symbol(f"{func.__name__}({', '.join(map(str, lam.variables))})")
        shown[label] = body
        labels.append(f"{label} = {body}")
        interpretation.append((func, sp.Lambda(lam.variables, body)))
    where_text = f" in entry {witness.entry}" if witness.entry is not None else ""
    values = ", ".join(f"{k} = {v}" for k, v in point.items())
    detail = f"sides differ{where_text} for the concrete functions {'; '.join(labels)} at {values}"
    result = Result(
        Status.REFUTED,
        (),
        tactic="numeric",
        counterexample=shown,
        lhs_value=witness.lhs_value,
        rhs_value=witness.rhs_value,
        entry=witness.entry,
        interpretation=tuple(interpretation),
    )
    return Concrete(result, detail)
