"""An independent check of a counterexample, in the process that reports it.

The numeric search re-checks its own witnesses, but with its own code (its
sampler's feasibility test, its evaluator). This module repeats the check along a
different path, from nothing but the statement and the point: 80 digits instead
of 60, the symbol domains read off the symbols'
assumptions, each given fact required to hold exactly and each region to evaluate
to true. A witness that fails here is an engine bug, never a refutation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import sympy as sp
from sympy.logic.boolalg import BooleanTrue

from ..model import domain_text
from .assumptions import replace_symbols

if TYPE_CHECKING:
    from .theories.functions import Interpretation

__all__ = ["counterexample_problem"]

DIGITS = 80


def _derivatives_taken(expr: sp.Basic) -> sp.Basic:
    """``expr`` with its derivatives and Subs evaluated, and nothing else: ``doit`` would
    also hand a Limit to ``sympy.limit``, which is never trusted."""
    if not expr.has(sp.Derivative, sp.Subs):
        return expr
    return expr.replace(lambda node: isinstance(node, (sp.Derivative, sp.Subs)), lambda node: node.doit())


def _value(expr: sp.Basic, point: Mapping[sp.Basic, sp.Basic], strict: bool = True) -> sp.Basic | None:
    # Derivatives first, then the point: the same value as substituting first (SymPy makes a
    # Subs of the derivative at the point and takes it), without ``subs`` walking the claim.
    value = replace_symbols(_derivatives_taken(expr), point)
    if value.has(sp.Limit):
        return None
    value = _derivatives_taken(value)  # one left unevaluated before the point, now at it
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or not value.is_number:
        return None
    try:  # strict: the value must carry DIGITS correct digits, or it is no evidence
        value = value.evalf(DIGITS, strict=strict, maxn=4 * DIGITS + 2000) if value != 0 else value
    except Exception:
        return None
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or not value.is_number:
        return None
    return value


def _interpreted(expr: sp.Basic, interpretation: Interpretation) -> sp.Basic:
    """``expr`` with each undefined function replaced by its concrete Lambda."""
    from .theories.functions import apply_interpretation

    expr = apply_interpretation(expr, interpretation)
    return _derivatives_taken(expr)


def counterexample_problem(
    lhs: sp.Basic,
    rhs: sp.Basic,
    given: Iterable[sp.Basic],
    where: Iterable[sp.Basic],
    point: Mapping[sp.Basic, sp.Basic],
    entry: tuple[int, int] | None = None,
    interpretation: Interpretation = (),
) -> str | None:
    """Why ``point`` is not a counterexample to ``lhs == rhs`` under the assumptions, or None if it is.

    ``interpretation`` holds the concrete functions a refutation of a claim about
    undefined functions used: the claim must hold for every function, so it is
    re-checked with these. Expectations are reduced by linearity, independence and
    the stated moments first: that is what E[...] means to the engine.
    """
    try:
        if interpretation:
            given = [
                sp.Eq(_interpreted(g.lhs, interpretation), _interpreted(g.rhs, interpretation))
                if isinstance(g, sp.Equality)
                else g
                for g in given
            ]
            where = [_interpreted(w, interpretation) for w in where]
            lhs, rhs = _interpreted(lhs, interpretation), _interpreted(rhs, interpretation)
            # the functions' bodies are listed in the point for the reader; they are not values
            point = {k: v for k, v in point.items() if getattr(v, "is_number", False)}
        from .theories import expectation
        from .theories.limits import apart, evaluate_limits, infinity

        if expectation.has_expectation(lhs) or expectation.has_expectation(rhs):
            lhs, rhs, _ = expectation.reduce_pair(lhs, rhs)
        stated = (lhs, rhs)
        # by the limit rules, at the point's values; a side that is a divergent limit becomes +-oo or zoo
        (lhs, rhs), _ = evaluate_limits(lhs, rhs, point=point, infinite=True)
        if isinstance(lhs, sp.MatrixBase):
            if entry is None:
                return "no matrix entry is named"
            lhs, rhs = lhs[entry], rhs[entry]
        free = set(lhs.free_symbols) | set(rhs.free_symbols)
        for fact in tuple(given) + tuple(where):
            free |= getattr(fact, "free_symbols", set())
        missing = sorted((str(s) for s in free - set(point)))
        if missing:
            return f"no value for {', '.join(missing)}"
        for symbol, value in point.items():
            if not isinstance(value, sp.Basic) or not value.is_number or value.is_finite is not True:
                return f"{symbol} = {value} is not known to be a finite number"
            for key, wanted in symbol.assumptions0.items():
                if getattr(value, f"is_{key}") is not wanted:
                    return f"{symbol} = {value} is outside its domain ({domain_text(symbol)}: {key} must be {wanted})"
        facts = []
        for fact in given:
            if isinstance(fact, BooleanTrue):
                continue
            if isinstance(fact.lhs, sp.MatrixBase):  # Eq(Matrix, Matrix): every entry
                facts += [sp.Eq(a, b, evaluate=False) for a, b in zip(fact.lhs, fact.rhs)]
            else:
                facts.append(fact)
        for fact in facts:
            gap = replace_symbols(fact.lhs - fact.rhs, point)
            if gap.has(sp.Subs, sp.Derivative):
                gap = gap.doit()
            if gap != 0 and sp.simplify(gap) != 0:
                return f"the given fact {sp.sstr(fact)} does not hold there (off by {sp.sstr(sp.N(gap, 6))})"
        for region in where:
            if replace_symbols(region, point) is not sp.true:
                return f"the region {sp.sstr(region)} does not hold there"
        ends = (infinity(stated[0], lhs), infinity(stated[1], rhs))
        if ends != (None, None):  # a divergent limit (or a stated +-oo) against the other side
            values = [end if end is not None else _value(side, point) for end, side in zip(ends, (lhs, rhs))]
            if None in values:
                return "a side is undefined there"
            return None if apart(*values) else "the sides are not known to differ there"
        lhs, rhs = _derivatives_taken(lhs), _derivatives_taken(rhs)  # once, not in each value below
        left, right = _value(lhs, point), _value(rhs, point)
        # both sides with DIGITS correct digits: their difference is off by far less than the
        # tolerance below, and needs no evaluation of its own
        gap = left - right if left is not None and right is not None else _value(lhs - rhs, point)
        # a side whose terms cancel to exactly 0 has no digits to certify: where it is defined,
        # it is the other side plus or minus the certified difference
        if gap is not None and left is None and right is not None and _value(lhs, point, strict=False) is not None:
            left = right + gap
        elif gap is not None and right is None and left is not None and _value(rhs, point, strict=False) is not None:
            right = left - gap
        if left is None or right is None:
            return "a side is undefined there"
        if gap is None:
            return "the difference is undefined there"
        scale = 1 + max(abs(complex(left)), abs(complex(right)))
        if abs(complex(gap)) <= scale * 10.0 ** (-(DIGITS // 2)):
            return f"the sides agree there to {DIGITS // 2} digits"
        return None
    except Exception as exc:  # the point cannot be checked: not a counterexample we can stand by
        return f"the re-check failed: {type(exc).__name__}: {exc}"
