"""A numeric guard for claims about undefined functions (``f = Function("f")``).

Such a claim cannot be evaluated at a point, so the numeric search is skipped and
the symbolic ladder alone would decide it: a rewrite that goes wrong would then
prove a false claim unopposed. A claim about an undefined ``f`` holds for *every*
function, so it must hold for a concrete one: each undefined function is given a
seeded concrete interpretation (a cubic plus an exponential in each argument, with
random rational coefficients) and the numeric search runs on the result. If the
sides differ there, the claim is false for that ``f``: it is not proved, and the
reason names the function and the point.

Given facts about the functions (``f(x0) = 0``) are interpreted too; a random
interpretation rarely satisfies them, and then no point is feasible and the guard
says nothing (the ladder decides, as before).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

from ..assumptions import build_context
from ..numeric import NotNumeric, Sampler, find_counterexample, in_exponents

__all__ = ["interpreted_counterexample", "Interpreted"]

R = sp.Rational


def _functions(*exprs: sp.Basic) -> dict[sp.FunctionClass, int | None]:
    """Each undefined function class in ``exprs`` with its arity (None if used with several)."""
    arities: dict[sp.FunctionClass, set[int]] = {}
    for expr in exprs:
        for applied in expr.atoms(AppliedUndef):
            arities.setdefault(applied.func, set()).add(len(applied.args))
    return {f: (next(iter(a)) if len(a) == 1 else None) for f, a in arities.items()}


def _concrete(arity: int, rng: random.Random) -> sp.Lambda:
    args: tuple[sp.Symbol, ...] = sp.symbols(f"u1:{arity + 1}") if arity > 1 else (sp.Symbol("u"),)

    def coeff() -> sp.Rational:
        return R(rng.randint(1, 9), rng.randint(1, 4)) * rng.choice((1, -1))

    body = coeff()
    for u in args:
        body += coeff() * u + coeff() * u**2 + coeff() * u**3 + coeff() * sp.exp(u / 2)
    if arity > 1:
        body += coeff() * args[0] * args[1]
    return sp.Lambda(args, body)


def _apply(expr: sp.Basic, interpretation: Mapping[sp.FunctionClass, sp.Lambda]) -> sp.Basic:
    for f, lam in interpretation.items():
        expr = expr.replace(f, lam)
    return expr.doit() if expr.has(sp.Derivative, sp.Subs) else expr


@dataclass(frozen=True)
class Interpreted:
    """A point where the sides differ under concrete functions standing in for the undefined ones.

    ``faithful``: the functions carry no stated property (sign, reality, integrality) the
    concrete ones might lack, so the claim, stated for every function, is false.
    """

    text: str
    point: dict[sp.Basic, sp.Basic]
    lhs_value: sp.Basic
    rhs_value: sp.Basic
    entry: tuple[int, int] | None
    interpretation: tuple[tuple[sp.FunctionClass, sp.Lambda], ...]
    faithful: bool


def _unrestricted(func: sp.FunctionClass) -> bool:
    return (
        all(key == "commutative" for key in func.default_assumptions) if hasattr(func, "default_assumptions") else True
    )


def interpreted_counterexample(
    lhs: sp.Basic, rhs: sp.Basic, given: Iterable[sp.Basic], where: Iterable[sp.Basic], seed: int = 0, tries: int = 2
) -> Interpreted | None:
    """A concrete interpretation of the undefined functions and a point where the sides differ."""
    found = _functions(lhs, rhs)
    functions = {f: a for f, a in found.items() if a}
    if not found or len(functions) < len(found):  # a function without one arity, or of arity 0
        return None
    rng = random.Random(seed)
    for _ in range(tries):
        interpretation = {f: _concrete(a, rng) for f, a in sorted(functions.items(), key=lambda kv: str(kv[0]))}
        try:
            left, right = _apply(lhs, interpretation), _apply(rhs, interpretation)
            facts = tuple(
                sp.Eq(_apply(g.lhs, interpretation), _apply(g.rhs, interpretation)) if isinstance(g, sp.Equality) else g
                for g in given
            )
            regions = tuple(
                _apply(w, interpretation) if isinstance(w, sp.core.relational.Relational) else w for w in where
            )
            ctx = build_context(facts, regions)
            if ctx.unsatisfiable:
                continue
            sampler = Sampler(ctx, left.free_symbols | right.free_symbols, seed, tame=in_exponents([left, right]))
            witness, _, _ = find_counterexample(left, right, sampler, 8)
        except (NotNumeric, TypeError, ValueError):
            continue
        if witness is not None:
            named = ", ".join(
                f"{f}{tuple(lam.variables) if len(lam.variables) > 1 else '(' + str(lam.variables[0]) + ')'}"
                f" = {sp.sstr(lam.expr)}"
                for f, lam in interpretation.items()
            )
            point = ", ".join(f"{k} = {v}" for k, v in witness.point.items())
            where_text = f" in entry {witness.entry}" if witness.entry is not None else ""
            faithful = all(_unrestricted(f) for f in interpretation)
            return Interpreted(
                f"false for {named}: the sides differ{where_text} at {point}",
                dict(witness.point),
                witness.lhs_value,
                witness.rhs_value,
                witness.entry,
                tuple(interpretation.items()),
                faithful,
            )
    return None
