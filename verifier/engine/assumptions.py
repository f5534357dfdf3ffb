"""Assumptions a claim is decided under: given facts, regions, symbol domains.

Two views of the same assumptions are built here:

* for **proofs**, a region such as ``z > 0`` becomes a substitution ``z -> p`` with a
  fresh positive symbol (a claim on ``z > 0`` is the same claim for every positive
  ``p``), and each given equality that is linear in one of its symbols with a
  constant coefficient is solved for that symbol and eliminated;
* for **sampling**, the same eliminations in the original symbols, so a random point
  satisfies every given fact by construction; regions and facts that cannot be
  solved are checked on each point.

Either way only what holds under the assumptions is used, never more.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeAlias

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.logic.boolalg import BooleanFalse, BooleanTrue

from ..model import domain_text, relation_text
from .regions import sign_rewrites

__all__ = [
    "Context",
    "build_context",
    "satisfies_domain",
    "linear_solution",
    "replace_symbols",
    "fact_holds",
    "relevant_assumptions",
    "relation_text",
]

#: Expressions with their own variables: Sum(i, (i, 1, n)), Integral, Lambda, and
#: Derivative(f(x), x), whose x is the variable of differentiation, not a value.
#: Given facts solved for one symbol each: ((symbol, value), ...), applied in order.
Elimination: TypeAlias = tuple[tuple[sp.Symbol, sp.Basic], ...]

_BINDERS = (sp.Derivative, sp.Subs, sp.Lambda, sp.concrete.expr_with_limits.ExprWithLimits)


def replace_symbols(expr: sp.Basic, mapping: Mapping[sp.Basic, sp.Basic]) -> sp.Basic:
    """``expr`` with each key of ``mapping`` replaced by its value, respecting bound variables.

    Symbol keys: ``xreplace`` is literal: it would turn ``Sum(i, (i, 1, n))`` with
    ``i -> 3`` into ``Sum(3, (3, 1, n))`` and ``Derivative(f(x), x)`` with ``x -> 1`` into
    a derivative "with respect to 1". Where a mapped symbol occurs under such a binder,
    ``subs`` is used, which leaves bound variables alone and turns the derivative into
    ``Subs(Derivative(f(x), x), x, 1)``.

    Expression keys (the region rewrites ``Heaviside(x - 1) -> 1``): never inside a binder
    whose variable the key or its value mentions (in ``Subs(Heaviside(x - 1), x, g)`` the
    x is not the region's x). Leaving a rewrite out is always sound; applying it there is not.
    """
    if not mapping:
        return expr
    symbols = {k: v for k, v in mapping.items() if isinstance(k, sp.Symbol)}
    others = {k: v for k, v in mapping.items() if not isinstance(k, sp.Symbol)}
    if others and isinstance(expr, sp.Basic):
        expr = _replace_outside_binders(expr, others)
    if not symbols:
        return expr
    keys = set(symbols)
    for node in expr.atoms(*_BINDERS):
        if keys & node.atoms(sp.Symbol):
            return expr.subs(symbols, simultaneous=True)
    return expr.xreplace(symbols)


def _replace_outside_binders(expr: sp.Basic, mapping: Mapping[sp.Basic, sp.Basic]) -> sp.Basic:
    if expr in mapping:
        return mapping[expr]
    if not expr.args:
        return expr
    if isinstance(expr, _BINDERS):
        bound = set(getattr(expr, "variables", ()))
        mapping = {
            k: v for k, v in mapping.items() if not (bound & (k.free_symbols | getattr(v, "free_symbols", set())))
        }
        if not mapping:
            return expr
    args = [_replace_outside_binders(a, mapping) if isinstance(a, sp.Basic) else a for a in expr.args]
    if all(a is b for a, b in zip(args, expr.args)):
        return expr
    return expr.func(*args)


def relevant_assumptions(
    lhs: sp.Basic,
    rhs: sp.Basic,
    certificate: sp.Basic | None,
    given: Sequence[sp.Basic],
    where: Sequence[sp.Basic],
) -> tuple[tuple[sp.Basic, ...], tuple[sp.Basic, ...], tuple[sp.Basic, ...]]:
    """(given, where, dropped): the assumptions connected to the claim through shared symbols.

    A fact about other symbols says nothing about this claim; keeping it would only let
    it switch off a guard (a fact with an undefined function cannot be evaluated). A fact
    is kept when it shares a symbol, an indexed family or an undefined function with the
    claim or with a fact already kept. Truth values (Eq(1, 2) as stated) are always kept.
    """

    def names(e: object) -> set[sp.Basic]:
        if not isinstance(e, sp.Basic):
            return set()
        out = set(e.free_symbols) | {a.func for a in e.atoms(AppliedUndef)}
        out |= {b.label for b in e.atoms(sp.IndexedBase)}
        return out

    if not given and not where:
        return (), (), ()
    reached = names(lhs) | names(rhs) | names(certificate)
    pending = [(kind, a) for kind, items in (("given", given), ("where", where)) for a in items]
    kept: list[tuple[str, sp.Basic]] = []
    changed = True
    while changed:
        changed = False
        for item in list(pending):
            kind, a = item
            own = names(a)
            if isinstance(a, (BooleanTrue, BooleanFalse)) or own & reached:
                kept.append(item)
                pending.remove(item)
                reached |= own
                changed = True
    keep = {id(a) for _, a in kept}
    return (
        tuple(a for a in given if id(a) in keep),
        tuple(a for a in where if id(a) in keep),
        tuple(a for _, a in pending),
    )


def fact_holds(fact: sp.Basic, point: Mapping[sp.Basic, sp.Basic]) -> bool | None:
    """Whether the equality ``fact`` holds *exactly* at ``point``; None if it cannot be evaluated
    there (it holds an undefined function), which the caller must not read as either.

    A small numeric gap is not enough: exp(-1000*p) = 0 is within 1e-40 of holding
    at p = 1 yet never holds. The gap must be exactly zero, as SymPy evaluates it
    or after ``simplify`` of the number (sin(1)**2 + cos(1)**2 - 1).
    """
    if isinstance(fact, BooleanTrue):
        return True
    if isinstance(fact.lhs, sp.MatrixBase) and isinstance(fact.rhs, sp.MatrixBase):
        if fact.lhs.shape != fact.rhs.shape:
            return False
        verdicts = [fact_holds(sp.Eq(a, b, evaluate=False), point) for a, b in zip(fact.lhs, fact.rhs)]
        return False if False in verdicts else (None if None in verdicts else True)
    try:
        gap = replace_symbols(fact.lhs - fact.rhs, point)
        if gap.has(sp.Subs, sp.Derivative):
            gap = gap.doit()
        if gap == 0:
            return True
        if gap.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            return False
        if not gap.is_number:
            return None
        if abs(complex(sp.N(gap, 60))) > 1e-40:
            return False
        zero: bool = sp.simplify(gap) == 0
        return zero
    except Exception:  # SymPy cannot evaluate the fact here: not known to hold
        return False


def region_holds(region: sp.Basic, point: Mapping[sp.Basic, sp.Basic]) -> bool:
    """Whether the region (a relation or a Boolean combination) evaluates to true at ``point``."""
    return _region_holds(region, frozenset((s, point.get(s)) for s in region.free_symbols))


@functools.lru_cache(maxsize=8192)  # a claim's mutants and steps are sampled at the same points
def _region_holds(region: sp.Basic, values: frozenset[tuple[sp.Basic, sp.Basic | None]]) -> bool:
    mapping = {s: v for s, v in values if v is not None}
    try:
        return replace_symbols(region, mapping) is sp.true
    except TypeError:  # "Invalid comparison of non-real": outside the region
        return False


@functools.lru_cache(maxsize=8192)  # the sampler asks for the same few values again and again
def satisfies_domain(symbol: sp.Symbol, value: sp.Basic) -> bool:
    """Whether ``value`` (a number) has every property declared on ``symbol``."""
    for key, wanted in symbol.assumptions0.items():
        if getattr(value, "is_" + key, None) is not wanted:
            return False
    return True


@dataclass(frozen=True)
class Context:
    given: tuple[sp.Basic, ...]  # the given equalities, as stated
    where: tuple[sp.Basic, ...]  # the regions, as stated
    region_subs: dict[sp.Basic, sp.Basic]  # for proofs: symbol -> expression in a fresh, constrained symbol
    region_used: tuple[str, ...]  # the regions that region_subs encodes, in words
    proof_elimination: Elimination  # ((symbol, value), ...) in the region symbols, applied in order
    sample_elimination: Elimination  # the same in the original symbols
    residual_given: tuple[sp.Basic, ...]  # given facts neither view could solve: checked on samples only
    unsatisfiable: str | None  # why the assumptions contradict each other, if found

    def for_proof(self, expr: sp.Basic, with_given: bool) -> sp.Basic:
        expr = replace_symbols(expr, self.region_subs)
        if with_given:
            for symbol, value in self.proof_elimination:
                expr = replace_symbols(expr, {symbol: value})
        return expr

    @property
    def given_text(self) -> tuple[str, ...]:
        return tuple(relation_text(g) for g in self.given if not isinstance(g, BooleanTrue))


def _region_substitution(where: Iterable[sp.Basic]) -> tuple[dict[sp.Basic, sp.Basic], list[str]]:
    """Sign conditions on single symbols as substitutions into fresh symbols."""
    subs: dict[sp.Basic, sp.Basic] = {}
    used: list[str] = []
    for rel in where:
        if isinstance(rel, (BooleanTrue, BooleanFalse)):
            continue
        lhs, rhs = rel.lhs, rel.rhs
        op = rel.rel_op
        if isinstance(rhs, sp.Symbol) and not isinstance(lhs, sp.Symbol):
            lhs, rhs = rhs, lhs
            op = {">": "<", "<": ">", ">=": "<=", "<=": ">=", "!=": "!=", "==": "=="}[op]
        if not (isinstance(lhs, sp.Symbol) and rhs.is_number and rhs.is_real) or lhs in subs:
            continue
        # A Dummy, never a Symbol: Symbol("z", positive=True) may be another symbol of
        # the claim, and z -> that symbol would identify two independent variables.
        # An integer symbol minus an integer bound is an integer: keep that too.
        name = lhs.name
        integer = {"integer": True} if lhs.is_integer and rhs.is_integer else {}
        if op in (">", "<"):
            fresh = sp.Dummy(name, positive=True, **integer)
        elif op in (">=", "<="):
            fresh = sp.Dummy(name, nonnegative=True, **integer)
        elif op == "!=" and rhs == 0:
            fresh = sp.Dummy(name, nonzero=True, **integer) if lhs.is_real else sp.Dummy(name, zero=False)
        else:
            continue
        subs[lhs] = rhs + fresh if op in (">", ">=", "!=") else rhs - fresh
        used.append(relation_text(rel))
    return subs, used


def linear_solution(expr: sp.Basic, symbols: Iterable[sp.Basic]) -> tuple[sp.Symbol, sp.Basic] | None:
    """(symbol, value) with expr == 0 <=> symbol == value, or None.

    Only a symbol that appears linearly with a nonzero *constant* coefficient is
    solved for, so the solution is unique and no division by a possibly-zero
    expression happens. The last such symbol (in sort order) is preferred, so
    ``y1 + y2 + y3 = 1`` eliminates ``y3``.
    """
    for symbol in sorted(symbols, key=sp.default_sort_key, reverse=True):
        if not isinstance(symbol, sp.Symbol):
            continue
        slope = sp.diff(expr, symbol)
        # The coefficient must be *known* nonzero: log(6) - log(2) - log(3) is a number
        # SymPy does not reduce to 0, and dividing by it would "solve" a fact that says
        # nothing about the symbol.
        if slope.free_symbols or slope.has(sp.nan, sp.zoo) or not slope.is_number or slope.is_zero is not False:
            continue
        rest = sp.expand(expr - slope * symbol)
        if rest.has(symbol):
            continue
        return symbol, sp.expand(-rest / slope)
    return None


def _eliminate(given: Iterable[sp.Basic]) -> tuple[Elimination, tuple[sp.Basic, ...], str | None]:
    solutions: list[tuple[sp.Symbol, sp.Basic]] = []
    residual: list[sp.Basic] = []
    for eq in given:
        if isinstance(eq, BooleanTrue):
            continue
        if isinstance(eq, BooleanFalse):
            return (), (), "a given fact is false as stated"
        expr = eq.lhs - eq.rhs
        if isinstance(expr, sp.MatrixBase):  # Eq(Matrix, Matrix): entry by entry, unsolved
            residual.append(eq)
            continue
        for symbol, value in solutions:
            expr = replace_symbols(expr, {symbol: value})
        expr = sp.expand(expr)
        if expr == 0:
            continue
        if expr.is_number:
            return (), (), f"the given facts contradict each other ({relation_text(eq)} cannot hold with the others)"
        found = linear_solution(expr, expr.free_symbols)
        if found is None:
            residual.append(eq)
            continue
        symbol, value = found
        solutions = [(s, sp.expand(v.xreplace({symbol: value}))) for s, v in solutions]
        solutions.append((symbol, value))
    for symbol, value in solutions:
        if value.is_number and not satisfies_domain(symbol, value):
            return (), (), f"{symbol} is declared {_domain(symbol)} but the given facts force {symbol} = {value}"
    # A fact left unsolved may contradict the solved ones: x*y = 1 with x = 0.
    for eq in residual:
        expr = eq.lhs - eq.rhs
        if isinstance(expr, sp.MatrixBase):
            continue
        for symbol, value in solutions:
            expr = replace_symbols(expr, {symbol: value})
        expr = sp.expand(expr)
        if expr.is_number and expr != 0 and not expr.has(sp.nan, sp.zoo):
            return (), (), f"the given facts contradict each other ({relation_text(eq)} cannot hold with the others)"
    return tuple(solutions), tuple(residual), None


def _domain(symbol: sp.Symbol) -> str:
    return domain_text(symbol)


def build_context(given: Iterable[sp.Basic] = (), where: Iterable[sp.Basic] = ()) -> Context:
    given, where = tuple(given), tuple(where)
    unsat = None
    if any(isinstance(w, BooleanFalse) for w in where):
        unsat = "a region condition is false as stated"
    region_subs, region_used = _region_substitution(where)
    settled, settled_used = sign_rewrites(where)  # regions on expressions: Max, Heaviside, ... of them
    region_subs = {**settled, **region_subs}
    region_used = region_used + settled_used
    sample_elim, residual, why = _eliminate(given)
    unsat = unsat or why
    proof_given = tuple(
        replace_symbols(g, region_subs) if not isinstance(g, (BooleanTrue, BooleanFalse)) else g for g in given
    )
    proof_elim, _, why = _eliminate(proof_given)
    unsat = unsat or why
    return Context(
        given=given,
        where=where,
        region_subs=region_subs,
        region_used=tuple(region_used),
        proof_elimination=proof_elim,
        sample_elimination=sample_elim,
        residual_given=residual,
        unsatisfiable=unsat,
    )
