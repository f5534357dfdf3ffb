"""Claims beyond the engine (limits) and the numerical witness shown for them.

A claim that holds a SymPy ``Limit`` is a statement of analysis, not an identity:
the engine never evaluates it (SymPy's ``limit`` is not trusted to decide) and
reports it undecided with that reason. A derivation may attach a witness: pairs
(term, target) of numbers, such as the ratios e_{k+1}/e_k^2 of Newton iterates on
a concrete f and the value they should approach. The trace shows each term's
value and its gap to the target: evidence for a reader, never a proof.
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from ..report import Attempt, Outcome, Result

__all__ = ["beyond_engine", "rational_limits", "witness_text", "with_witness"]

WITNESS_DIGITS = 40


def _rational_limit(limit: sp.Limit):
    """The value of Limit(P(n)/Q(n), n, oo) for polynomials P, Q in n, or None.

    Decided by degrees alone: deg P < deg Q gives 0, equal degrees the ratio of the
    leading coefficients. Only when the leading coefficient of Q is known to be
    nonzero (else the degree could drop); a divergent or non-rational one is left alone.
    """
    expr, var, point = limit.args[0], limit.args[1], limit.args[2]
    if point is not sp.oo:
        return None
    num, den = sp.fraction(sp.together(expr))
    try:
        top, bottom = sp.Poly(num, var), sp.Poly(den, var)
    except sp.PolynomialError:
        return None
    if any(var in c.free_symbols for c in top.coeffs() + bottom.coeffs()):
        return None
    lead = bottom.LC()
    if lead.is_zero is not False:
        return None
    if top.is_zero or top.degree() < bottom.degree():
        return sp.Integer(0)
    if top.degree() == bottom.degree():
        return top.LC() / lead
    return None


def rational_limits(*exprs) -> tuple[tuple, tuple[str, ...]]:
    """``exprs`` with each limit of a rational function of n as n -> oo replaced by its value."""
    out, notes = [], []
    for expr in exprs:
        if isinstance(expr, sp.Basic) and expr.has(sp.Limit):
            values = {}
            for limit in expr.atoms(sp.Limit):
                value = _rational_limit(limit)
                if value is not None:
                    values[limit] = value
                    notes.append(f"lim {sp.sstr(limit.args[1])}->oo of a rational function = {sp.sstr(value)} (by degrees)")
            expr = expr.xreplace(values)
        out.append(expr)
    return tuple(out), tuple(dict.fromkeys(notes))


def beyond_engine(*exprs) -> str | None:
    """Why a statement is outside what the engine decides, or None."""
    for expr in exprs:
        if isinstance(expr, sp.Basic) and expr.has(sp.Limit):
            return "the statement is a limit: the engine decides identities and certified inequalities, not limits (not evaluated)"
    return None


def witness_text(pairs) -> str:
    """'t1 (gap g1), t2 (gap g2), ... -> target' at 40 digits, shown to 6."""
    parts = []
    targets = []
    for term, target in pairs:
        value = sp.N(term, WITNESS_DIGITS)
        goal = sp.N(target, WITNESS_DIGITS)
        gap = sp.N(term - target, WITNESS_DIGITS)
        if not (value.is_number and goal.is_number and gap.is_number):
            parts.append(f"{sp.sstr(term)[:40]} (not a number)")
            continue
        parts.append(f"{sp.N(value, 6)} (gap {float(abs(gap)):.1e})")
        targets.append(sp.N(goal, 6))
    aim = f" -> {targets[0]}" if targets and all(t == targets[0] for t in targets) else ""
    return ", ".join(parts) + aim


def with_witness(result: Result, pairs) -> Result:
    """An undecided result with the numerical witness appended to its trace and reason."""
    text = witness_text(pairs)
    steps = result.steps + (Attempt("witness", Outcome.EVIDENCE, text + " (numerical evidence, not a proof)"),)
    return replace(result, steps=steps, reason=f"{result.reason}; numerical witness: {text}")
