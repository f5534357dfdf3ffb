"""Regions on expressions: the piecewise functions they settle.

A region on a single symbol (``z > 0``) becomes a fresh positive symbol (see
context.py). A region on an expression, such as ``w1*x1 + w2*x2 > 0`` (a hidden
unit's pre-activation), cannot; but on it the non-smooth functions of that
expression have known values, which is all a proof needs:

    on e > 0:  Max(e, 0) = e,  Heaviside(e) = 1,  Abs(e) = e,  sign(e) = 1
    on e < 0:  Max(e, 0) = 0,  Heaviside(e) = 0,  Abs(e) = -e, sign(e) = -1

and a Piecewise condition that compares e with 0 takes its truth value. Only
strict regions settle Heaviside and sign (their value at 0 is a convention);
``e >= 0`` settles Max and Abs only. Nothing else about e is assumed.
"""

from __future__ import annotations

from collections.abc import Iterable

import sympy as sp
from sympy.logic.boolalg import BooleanFalse, BooleanTrue

from ..model import relation_text

__all__ = ["sign_rewrites"]


def _settled(e: sp.Basic, sign: str) -> dict[sp.Basic, sp.Basic]:
    """Rewrites valid where e > 0 ("+"), e < 0 ("-"), e >= 0 ("0+") or e <= 0 ("0-")."""
    T, F = sp.true, sp.false
    if sign == "+":
        out = {
            sp.Max(e, 0): e,
            sp.Heaviside(e): sp.Integer(1),
            sp.Abs(e): e,
            sp.sign(e): sp.Integer(1),
            sp.Min(e, 0): sp.Integer(0),
        }
        truth = {e > 0: T, e >= 0: T, e < 0: F, e <= 0: F, sp.Eq(e, 0): F, sp.Ne(e, 0): T}
    elif sign == "-":
        out = {
            sp.Max(e, 0): sp.Integer(0),
            sp.Heaviside(e): sp.Integer(0),
            sp.Abs(e): -e,
            sp.sign(e): sp.Integer(-1),
            sp.Min(e, 0): e,
        }
        truth = {e > 0: F, e >= 0: F, e < 0: T, e <= 0: T, sp.Eq(e, 0): F, sp.Ne(e, 0): T}
    elif sign == "0+":
        out = {sp.Max(e, 0): e, sp.Abs(e): e, sp.Min(e, 0): sp.Integer(0)}
        truth = {e >= 0: T, e < 0: F}
    else:
        out = {sp.Max(e, 0): sp.Integer(0), sp.Abs(e): -e, sp.Min(e, 0): e}
        truth = {e <= 0: T, e > 0: F}
    for rel, value in truth.items():
        if not isinstance(rel, (BooleanTrue, BooleanFalse)):
            out[rel] = value
    return {k: v for k, v in out.items() if k != v and not k.is_number}


def sign_rewrites(where: Iterable[sp.Basic]) -> tuple[dict[sp.Basic, sp.Basic], list[str]]:
    """Substitutions valid on the regions ``e > 0``, ``e < 0`` (and non-strict) for non-symbol e."""
    subs: dict[sp.Basic, sp.Basic] = {}
    used: list[str] = []
    for rel in where:
        if isinstance(rel, (BooleanTrue, BooleanFalse)) or rel.rel_op not in (">", "<", ">=", "<="):
            continue
        lhs, rhs = rel.lhs, rel.rhs
        if (isinstance(lhs, sp.Symbol) and rhs.is_number) or (isinstance(rhs, sp.Symbol) and lhs.is_number):
            continue  # single symbols are handled by a fresh constrained symbol
        e = lhs - rhs
        if e.is_number:
            continue
        sign = {">": "+", "<": "-", ">=": "0+", "<=": "0-"}[rel.rel_op]
        opposite = {"+": "-", "-": "+", "0+": "0-", "0-": "0+"}[sign]
        for form in dict.fromkeys((e, sp.expand(e))):
            for expr, s in ((form, sign), (-form, opposite)):
                for key, value in _settled(expr, s).items():
                    subs.setdefault(key, value)
        used.append(relation_text(rel))
    return subs, used
