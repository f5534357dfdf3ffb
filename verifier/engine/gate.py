"""The numeric gate: one search for a counterexample, for every kind of claim.

Every claim passes here before any prover (see pipeline.py). The gate samples points
that satisfy every assumption (numeric.Sampler), evaluates both sides, and re-checks
a difference at higher precision before it reports it. What it saw is returned as
``Evidence``: a re-checked witness, or how many feasible points agreed, or that the
claim could not be evaluated at all (``ran=False``), in which case only provers that
are sound without the gate may run.

* equalities: the sides at sampled points, entry by entry for matrices; claims about
  undefined functions at concrete stand-in functions (functions.py, interpret.py);
  sides that hold a limit with the limit evaluated by its rules at each point, where a
  divergent limit differs from a finite value (limits.py);
* inequalities: the difference on the wrong side of 0, for matrices v^T (A - B) v;
* claims over symbolic sizes: written-out instances at several concrete sizes (sized.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import replace

import sympy as sp

from . import tactics
from .assumptions import Context, build_context
from .numeric import (
    NotNumeric,
    Point,
    Sampler,
    find_counterexample,
    in_exponents,
    special_values,
)
from .problem import Evidence, Found, Kind, Problem
from .sized import cross_check_evidence
from .sized import relations as sized_relations
from .theories import functions
from .theories.certificates import matrix_counterexample, orient, scalar_counterexample
from .theories.interpret import interpreted_counterexample
from .theories.limits import find_limit_counterexample
from .timeout import TimeLimit, time_box

__all__ = ["search", "feasible_point"]

#: The share of the time left that the first prover's exact decision gets (``settled``).
EXACT_SHARE = 0.1


def search(
    problem: Problem, context: Context | None, deadline: float | None, exactly: Callable[[], bool] | None = None
) -> Evidence:
    """The gate for ``problem`` (a pipeline.Problem) under ``context`` (None for sized claims).

    ``exactly``: the first prover's quick exact decision (``Prover.exact``), asked once the
    first few points agree; when it holds, the equality's sampling stops there.
    """
    started = time.perf_counter()
    kind = problem.kind
    if kind is Kind.EQUALITY:
        assert context is not None, "only a sized claim comes without a context"
        evidence = _equality(problem, context, deadline, exactly)
    elif kind is Kind.RELATION:
        assert context is not None, "only a sized claim comes without a context"
        evidence = _relation(problem, context)
    elif kind is Kind.SIZED:
        evidence = cross_check_evidence(problem, deadline)
    else:
        evidence = sized_relations.search(problem)
    return _timed(evidence, time.perf_counter() - started)


def _timed(evidence: Evidence, seconds: float) -> Evidence:
    return replace(evidence, seconds=seconds)


def _entries_of(lhs: sp.Basic) -> int:
    return lhs.rows * lhs.cols if isinstance(lhs, sp.MatrixBase) else 1


def _evaluated(expr: sp.Basic) -> sp.Basic:
    """Derivatives and Subs taken once, exactly (``tactics.evaluate``), not again at every point.

    The independent re-check of a counterexample (recheck.py) evaluates the sides as
    stated, so a wrong evaluation here cannot produce a refutation on its own.
    """
    try:
        return tactics.evaluate(expr)
    except Exception:  # SymPy raises on some inputs: the points evaluate the claim as stated
        return expr


def _equality(
    problem: Problem, context: Context, deadline: float | None, exactly: Callable[[], bool] | None
) -> Evidence:
    lhs, rhs = _evaluated(problem.lhs), _evaluated(problem.rhs)
    count = max(6, min(20, 400 // _entries_of(lhs)))
    # the symbols as stated: a derivative may drop one (d2/dw2 of -a w y), which the point still names
    symbols = problem.lhs.free_symbols | problem.rhs.free_symbols
    sides = list(lhs) + list(rhs) if isinstance(lhs, sp.MatrixBase) else [lhs, rhs]
    sampler = Sampler(context, symbols, problem.seed, special_values(sides, symbols), in_exponents(sides))
    limits = any(isinstance(side, sp.Basic) and side.has(sp.Limit) for side in sides)
    exact: list[bool] = []

    def settled() -> bool:
        """The first prover decides the claim exactly (``Prover.exact``): no point can differ,
        and the points that agreed show the proof is not vacuous, so sampling stops there."""
        assert exactly is not None
        left = None if deadline is None else deadline - time.monotonic()
        try:
            with time_box(None if left is None else max(0.05, EXACT_SHARE * left)):
                exact.append(exactly())
        except TimeLimit:
            return False
        except Exception:  # SymPy raises on some inputs: sample on
            return False
        return exact[-1]

    try:
        if limits:
            witness, agreed, seen = find_limit_counterexample(lhs, rhs, sampler, count)
        else:
            witness, agreed, seen = find_counterexample(
                lhs, rhs, sampler, count, settled if exactly is not None else None
            )
    except NotNumeric as exc:
        gap = str(exc)
        # Undefined functions: a claim for every f is false as soon as it fails for one f.
        find = find_limit_counterexample if limits else find_counterexample
        concrete = functions.refute_with_polynomials(lhs, rhs, problem.given, problem.where, problem.seed, count, find)
        if concrete is not None and concrete.result is not None:
            r = concrete.result
            found = Found(r.counterexample or {}, r.lhs_value, r.rhs_value, r.entry, interpretation=r.interpretation)
            return Evidence("numeric", True, 1, 0, found, concrete.detail)
        if concrete is not None and concrete.agreed:
            return Evidence("numeric", True, concrete.agreed, concrete.agreed, None, concrete.detail)
        # (not for limits: its interpretations are evaluated with doit, which would hand a limit to SymPy)
        false_for = None if limits else interpreted_counterexample(lhs, rhs, problem.given, problem.where, problem.seed)
        if false_for is not None:
            found = Found(
                false_for.point,
                false_for.lhs_value,
                false_for.rhs_value,
                false_for.entry,
                interpretation=false_for.interpretation,
                interpretation_only=not false_for.faithful,
            )
            return Evidence("numeric", True, 1, 0, found, false_for.text)
        if concrete is not None:
            gap = f"{gap}; {concrete.detail}"
        return Evidence("numeric", False, detail=gap)
    if witness is not None:
        where_text = f" in entry {witness.entry}" if witness.entry is not None else ""
        point = ", ".join(f"{k} = {v}" for k, v in witness.point.items())
        found = Found(dict(witness.point), witness.lhs_value, witness.rhs_value, witness.entry)
        return Evidence("numeric", True, seen, agreed, found, f"sides differ{where_text}" + (point and f" at {point}"))
    if exact and exact[-1]:
        text = "equal at a point satisfying the assumptions; no more points: lhs - rhs is 0 by exact algebra"
        return Evidence("numeric", True, seen, agreed, None, text, agreement="numerically equal at a point")
    return Evidence(
        "numeric",
        True,
        seen,
        agreed,
        None,
        f"equal at {agreed} points satisfying the assumptions",
        agreement=f"numerically equal at {agreed} points",
    )


def _relation(problem: Problem, context: Context) -> Evidence:
    lhs, rhs, relation = problem.lhs, problem.rhs, problem.relation
    diff, strict = orient(lhs, rhs, relation)
    is_matrix = isinstance(diff, sp.MatrixBase)
    if is_matrix and diff.rows != diff.cols:
        return Evidence(
            "numeric", False, detail=f"a matrix inequality needs square matrices, not {diff.rows}x{diff.cols}"
        )
    symbols = lhs.free_symbols | rhs.free_symbols
    sides = list(diff) if is_matrix else [diff]
    sampler = Sampler(context, symbols, problem.seed, special_values(sides, symbols), in_exponents(sides))
    try:
        if is_matrix:
            point, vector, value, seen = matrix_counterexample(diff, strict, sampler, 12, problem.seed)
        else:
            (point, value, seen), vector = scalar_counterexample(diff, strict, sampler, 20), None
    except NotNumeric as exc:
        return Evidence("numeric", False, detail=str(exc))
    if point is None:
        text = f"holds at {seen} points satisfying the assumptions"
        return Evidence("numeric", True, seen, seen, None, text, agreement=text)
    assert value is not None, "a point comes with its value"
    point = dict(sorted(point.items(), key=lambda kv: sp.default_sort_key(kv[0])))
    shown = dict(point)
    if is_matrix:
        assert vector is not None, "a point comes with its vector v"
        vec = sp.Matrix(vector)
        left = (vec.T * lhs.xreplace(point) * vec)[0, 0]
        right = (vec.T * rhs.xreplace(point) * vec)[0, 0]
        for i, c in enumerate(vector, 1):
            shown[sp.Symbol(f"v[{i}]")] = c
        what = f"v^T (lhs - rhs) v = {sp.N(value, 6)} with v = ({', '.join(map(str, vector))})"
    else:
        left, right = lhs.xreplace(point), rhs.xreplace(point)
        what = f"lhs - rhs = {sp.N(value, 6) if relation in ('>=', '>') else sp.N(-value, 6)}"
    text = ", ".join(f"{k} = {v}" for k, v in point.items())
    found = Found(shown, sp.N(left, 15), sp.N(right, 15), vector=tuple(vector) if vector is not None else None)
    return Evidence("numeric", True, seen, seen, found, f"{what}, so not lhs {relation} rhs, at {text}")


def feasible_point(assumptions: Iterable[sp.Basic], seed: int) -> Point | None:
    """A point satisfying the given facts and regions in ``assumptions``, or None if none is found."""
    from sympy.logic.boolalg import Boolean

    given = tuple(
        a
        for a in assumptions
        if isinstance(a, sp.Equality) or isinstance(a, Boolean) and not isinstance(a, sp.core.relational.Relational)
    )
    where = tuple(a for a in assumptions if a not in given)
    context = build_context(given, where)
    if context.unsatisfiable:
        return None
    symbols: set[sp.Basic] = set()
    for a in assumptions:
        symbols |= getattr(a, "free_symbols", set())
    try:
        return next(iter(Sampler(context, symbols, seed).points(1)), None)
    except NotNumeric:
        return None
