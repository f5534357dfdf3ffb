"""Generic functions: refutation through concrete polynomial stand-ins.

A claim about an undefined function f (``Function("f")``) cannot be evaluated at
a point. But a claim stated for *every* f is false as soon as it fails for one f,
so each undefined function is replaced by a polynomial with fresh real
coefficients (degree 3 in one argument, 2 in several): smooth, and general enough
to meet given facts such as g'(x*) = 0, which become linear equations in the
coefficients that the context solves like any other. The usual numeric search
then runs; a counterexample names the concrete functions it used. Functions
declared with sign or integrality assumptions are left alone (a polynomial
might not have them), and so are real functions applied to arguments not known
to be real. Never used to prove anything.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

from ..model import Status
from ..report import Result
from .certificates import is_real
from .context import build_context
from .numeric import NotNumeric, Sampler, find_counterexample

__all__ = ["polynomial_stand_ins", "refute_with_polynomials", "Concrete"]

_RESTRICTING = ("positive", "negative", "nonnegative", "nonpositive", "zero", "nonzero", "integer", "rational")


@dataclass(frozen=True)
class Concrete:
    """A refutation (``result``) with its trace line, or ``result=None`` and the evidence seen."""

    result: Result | None
    detail: str


def _applied(exprs) -> list:
    found = set()
    for e in exprs:
        if isinstance(e, sp.Basic):
            found |= e.atoms(AppliedUndef)
    return sorted(found, key=sp.default_sort_key)


def polynomial_stand_ins(exprs) -> dict | None:
    """{function class: Lambda of a polynomial with fresh real coefficients}, or None if one cannot stand in."""
    stand_ins: dict = {}
    for atom in _applied(exprs):
        func = atom.func
        if func in stand_ins:
            continue
        if any(getattr(atom, "is_" + key) is not None for key in _RESTRICTING):
            return None
        if atom.is_real and not all(is_real(arg) for a in _applied(exprs) if a.func is func for arg in a.args):
            return None  # a real function at a possibly complex argument: a real polynomial would not stand in
        arity = len(atom.args)
        variables = sp.symbols(f"t1:{arity + 1}", real=True) if arity > 1 else (sp.Symbol("t", real=True),)
        degree = 3 if arity == 1 else 2
        terms = [m for d in range(degree + 1) for m in itertools.combinations_with_replacement(variables, d)]
        coefficients = sp.symbols(f"{func.__name__}_c0:{len(terms)}", real=True)
        poly = sum(c * sp.Mul(*m) for c, m in zip(coefficients, terms))
        stand_ins[func] = sp.Lambda(variables, poly)
    return stand_ins


def _concrete(expr, stand_ins):
    for func, lam in stand_ins.items():
        expr = expr.subs(func, lam)
    return expr.doit()


def refute_with_polynomials(lhs, rhs, given, where, seed: int, count: int) -> Concrete | None:
    """A re-checked counterexample with polynomials for the undefined functions; else the
    evidence seen (``result=None``), or None when no stand-in could be evaluated."""
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
        sampler = Sampler(ctx, c_lhs.free_symbols | c_rhs.free_symbols, seed)
        witness, agreed, _ = find_counterexample(c_lhs, c_rhs, sampler, count)
    except (NotNumeric, TypeError, ValueError):
        return None
    if witness is None:
        names = ", ".join(f.__name__ for f in stand_ins)
        return Concrete(None, f"equal at {agreed} points with random polynomials standing in for {names} (evidence only)")
    coefficients = {s for lam in stand_ins.values() for s in lam.expr.free_symbols} - set().union(*(set(lam.variables) for lam in stand_ins.values()))
    point = {k: v for k, v in witness.point.items() if k not in coefficients}
    shown = dict(point)
    names = []
    interpretation = []
    for func, lam in stand_ins.items():
        body = sp.expand(lam.expr.xreplace({c: witness.point.get(c, 0) for c in lam.expr.free_symbols if c in coefficients}))
        label = sp.Symbol(f"{func.__name__}({', '.join(map(str, lam.variables))})")
        shown[label] = body
        names.append(f"{label} = {body}")
        interpretation.append((func, sp.Lambda(lam.variables, body)))
    where_text = f" in entry {witness.entry}" if witness.entry is not None else ""
    values = ", ".join(f"{k} = {v}" for k, v in point.items())
    detail = f"sides differ{where_text} for the concrete functions {'; '.join(names)} at {values}"
    result = Result(Status.REFUTED, (), tactic="numeric", counterexample=shown, lhs_value=witness.lhs_value,
                    rhs_value=witness.rhs_value, entry=witness.entry, interpretation=tuple(interpretation))
    return Concrete(result, detail)
