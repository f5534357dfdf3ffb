"""Claims over symbolic sizes: the gate at concrete sizes, the proof for every size.

For the pipeline (``engine/pipeline.py``), a claim with ``sizes=`` or indexed entries
is of kind SIZED (or SIZED_RELATION, see ``relations``):

* the gate (``cross_check_evidence``): the claim is instantiated at concrete sizes
  (each size from its least value up, odd and even, a large one, and different values
  for different size symbols) and at values of its free indices; each instance is
  searched for a counterexample that satisfies the instantiated assumptions, re-checked
  at high precision. Undefined functions get concrete stand-ins, or the gate says it
  could not run (and then nothing is proved);
* the prover (``prove_for_all_sizes``): the index calculus (``indexed``) reduces
  ``lhs - rhs`` to zero for every size in range.

Matrix notation (``matrix``) is translated into this index form before either runs.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TypedDict

import sympy as sp
from sympy.core.function import AppliedUndef

from ...model import Indices, Sizes, as_sympy
from ...report import Attempt, Outcome
from ..assumptions import relation_text
from ..numeric import NotNumeric, Point, recheck
from ..problem import Evidence, Found, Problem, Proof, Run
from ..theories.functions import apply_interpretation, polynomial_stand_ins
from ..timeout import TimeLimit, time_box
from .indexed import Known, differentiate, prove_zero, rename_bound
from .instances import agree, agree_fast, builder, index_values, instance, scaled_value

__all__ = ["cross_check_evidence", "prove_for_all_sizes", "size_assignments"]

#: Up to this size the instances are differentiated concretely (independently of
#: SymPy's indexed calculus); above it, the claim's derivatives are taken with the
#: indexed calculus first, and only the sums are written out.
CONCRETE_DERIVATIVES_UP_TO = 7
#: Offsets from each size's least value: the least, both parities, a size well beyond.
OFFSETS = (0, 1, 2, 6)
LARGE = 16


class _Witness(TypedDict):
    """A counterexample the cross-check found: the point, both sides' values, the sizes in words."""

    point: Point
    lhs: sp.Basic
    rhs: sp.Basic
    at: str
    combo: dict[sp.Symbol, int]


def _scope(sizes: Sizes, values: Mapping[sp.Symbol, int]) -> str:
    return ", ".join(f"{s} = {values[s]}" for s, _ in sizes) if sizes else "the stated size"


def size_assignments(sizes: Sizes) -> list[dict[sp.Symbol, int]]:
    """Size assignments for the cross-check.

    Every size at its least value and beyond it (odd and even), at a large size, and,
    with several size symbols, assignments where they differ (n != p both ways).
    """
    if not sizes:
        return [{}]
    least = [(s, int(lo)) for s, lo in sizes]
    out = [{s: lo + step for s, lo in least} for step in OFFSETS]
    if len(least) > 1:
        for shift in range(1, len(least) + 1):
            out.append({s: lo + (i + shift) % 3 for i, (s, lo) in enumerate(least)})
        out.append({s: (max(LARGE, lo) if i == 0 else lo + 3) for i, (s, lo) in enumerate(least)})
    out.append({s: max(LARGE, lo + 9) for s, lo in least})
    unique: list[dict[sp.Symbol, int]] = []
    for v in out:
        if v not in unique:
            unique.append(v)
    return unique


def cross_check(
    lhs: sp.Basic,
    rhs: sp.Basic,
    given: Iterable[sp.Basic],
    where: Iterable[sp.Basic],
    sizes: Sizes,
    indices: Indices,
    seed: int,
    deadline: float | None,
) -> tuple[_Witness | None, list[str], int, str | None]:
    """(witness dict or None, checked sizes in words, points agreed, skipped reason)."""
    rng = random.Random(seed)
    checked: list[str] = []
    agreed = 0
    differentiated = None
    for values in size_assignments(sizes):
        if deadline is not None and time.monotonic() > deadline:
            return None, checked, agreed, "time limit"
        largest = max(values.values(), default=1)
        small = largest <= 3
        combos = index_values(indices, values, 9 if small else (3 if largest <= 10 else 2), rng) if indices else [{}]
        if not combos:
            continue
        points = 4 if small else (2 if largest <= 10 else 1)
        if largest > CONCRETE_DERIVATIVES_UP_TO:
            # Large size: derivatives by the indexed calculus, sums evaluated without
            # writing them out; a difference is re-checked on the written-out instance.
            if differentiated is None:
                differentiated = tuple(
                    differentiate(rename_bound(as_sympy(e, "a bound or expression"))) for e in (lhs, rhs)
                )
            for combo in combos:
                at = {**values, **combo}
                d_lhs, d_rhs = differentiated
                ok, differs = agree_fast(d_lhs, d_rhs, given, where, at, seed, points)
                agreed += ok
                if differs is not None:
                    left, right, sampler, _ = instance(d_lhs, d_rhs, given, where, at, seed, scaled=True)
                    filler = random.Random(seed)
                    full = {s: scaled_value(s, filler, largest) for s in sampler.free} | differs
                    for symbol, expr in sampler.context.sample_elimination:
                        full[symbol] = expr.xreplace(full)
                    witness = recheck(left, right, full, sampler)
                    if witness is not None:
                        point = {**{s: sp.Integer(v) for s, v in at.items()}, **witness.point}
                        found: _Witness = {
                            "point": point,
                            "lhs": witness.lhs_value,
                            "rhs": witness.rhs_value,
                            "at": _scope(sizes, values),
                            "combo": combo,
                        }
                        return found, checked, agreed, None
            checked.append(_scope(sizes, values))
            continue
        build = builder()
        for combo in combos:
            at = {**values, **combo}
            left, right, sampler, context = instance(lhs, rhs, given, where, at, seed, scaled=not small, build=build)
            if context.unsatisfiable:
                continue
            try:
                witness, ok = agree(left, right, sampler, points)
            except NotNumeric as exc:
                return None, checked, agreed, str(exc)
            if witness is not None:
                point = {**{s: sp.Integer(v) for s, v in at.items()}, **witness.point}
                return (
                    {
                        "point": point,
                        "lhs": witness.lhs_value,
                        "rhs": witness.rhs_value,
                        "at": _scope(sizes, values),
                        "combo": combo,
                    },
                    checked,
                    agreed,
                    None,
                )
            agreed += ok
        checked.append(_scope(sizes, values) if sizes else "as stated")
    return None, checked, agreed, None


def _stand_ins(
    problem: Problem,
) -> tuple[Problem | None, dict[tuple[sp.FunctionClass, int], sp.Lambda], str | None]:
    """(problem with concrete functions for its undefined ones, the stand-ins, why not)."""
    exprs = [problem.lhs, problem.rhs, *problem.given, *problem.where]
    if not any(isinstance(e, sp.Basic) and e.atoms(AppliedUndef) for e in exprs):
        return problem, {}, None
    stand_ins = polynomial_stand_ins(exprs)
    if not stand_ins:
        return (
            None,
            {},
            (
                "no stand-in for an undefined function (a stated integrality, or a real function at an argument "
                "not known to be real)"
            ),
        )

    def put(e: sp.Basic) -> sp.Basic:
        return apply_interpretation(e, stand_ins)

    return (
        replace(
            problem,
            lhs=put(problem.lhs),
            rhs=put(problem.rhs),
            given=tuple(map(put, problem.given)),
            where=tuple(map(put, problem.where)),
        ),
        stand_ins,
        None,
    )


def _interpretation(
    stand_ins: Mapping[tuple[sp.FunctionClass, int], sp.Lambda], point: Point
) -> tuple[Point, tuple[tuple[sp.FunctionClass, sp.Lambda], ...]]:
    """(the point without the stand-ins' coefficients, the concrete functions at those coefficients)."""
    coefficients: set[sp.Basic] = set()
    for lam in stand_ins.values():
        coefficients |= lam.expr.free_symbols - set(lam.variables)
    functions = tuple(
        (func, sp.Lambda(lam.variables, sp.expand(lam.expr.xreplace({c: point.get(c, 0) for c in coefficients}))))
        for (func, _), lam in stand_ins.items()
    )
    return {k: v for k, v in point.items() if k not in coefficients}, functions


def cross_check_evidence(problem: Problem, deadline: float | None) -> Evidence:
    """The gate for a claim over symbolic sizes: written-out instances at concrete sizes."""
    if isinstance(problem.lhs, sp.MatrixBase):
        return Evidence(
            "cross-check",
            False,
            detail="a claim over symbolic sizes is stated entry by entry, with free indices; this one is a matrix",
        )
    concrete_problem, stand_ins, why = _stand_ins(problem)
    if concrete_problem is None:
        assert why is not None, "_stand_ins says why it gives no problem"
        return Evidence("cross-check", False, detail=why)
    p = concrete_problem
    try:
        witness, checked, agreed, gap = cross_check(
            p.lhs, p.rhs, p.given, p.where, p.sizes, p.indices, p.seed, deadline
        )
    except NotNumeric as exc:
        witness, checked, agreed, gap = None, [], 0, str(exc)
    sizes_text = "; ".join(checked) if checked else "no size"
    if witness is not None:
        values, functions = _interpretation(stand_ins, witness["point"])
        point = ", ".join(f"{k} = {v}" for k, v in values.items())
        if functions:
            point += "; for " + "; ".join(
                f"{f.__name__}({', '.join(map(str, lam.variables))}) = {sp.sstr(lam.expr)}" for f, lam in functions
            )
        found = Found(values, witness["lhs"], witness["rhs"], interpretation=functions)
        return Evidence(
            "cross-check",
            True,
            max(agreed, 1),
            agreed,
            found,
            f"sides differ at {witness['at']}: {point}",
            where_text=" at any checked size",
        )
    if gap:
        return Evidence(
            "cross-check",
            False,
            detail=f"not evaluated at every checked size ({gap}); equal at {agreed} points at {sizes_text}",
        )
    return Evidence(
        "cross-check",
        True,
        agreed,
        agreed,
        None,
        f"equal at {agreed} points at {sizes_text}",
        where_text=" at any checked size",
    )


def prove_for_all_sizes(run: Run) -> Proof | None:
    """The index calculus: a Proof when lhs - rhs reduces to 0 for every size in range, else None."""
    p = run.problem
    known = Known(tuple(p.sizes), tuple(p.indices), frozenset(i for i, _, _ in p.indices))
    started = time.perf_counter()
    try:
        with time_box(run.remaining()):
            proved, proof = prove_zero(p.lhs - p.rhs, known, p.given)
        error = None
    except TimeLimit as exc:
        proved, proof, error = False, None, f"time limit ({exc})"
    except Exception as exc:  # SymPy raises on some inputs: no proof, and say why
        proved, proof, error = False, None, f"{type(exc).__name__}: {exc}"
    took = time.perf_counter() - started
    rules = "; ".join(proof.rules) if proof is not None else ""
    if proved and proof is not None:
        run.trace.append(
            Attempt("index calculus", Outcome.ZERO, f"lhs - rhs reduced to 0 for all sizes; rules: {rules}", took)
        )
        facts = tuple(relation_text(g) for g in p.given if isinstance(g, sp.Equality))
        return Proof("index calculus", (facts if proof.given else ()) + tuple(proof.ranges))
    left = f"; left: {sp.sstr(proof.residue)}" if proof is not None and proof.residue is not None else ""
    detail = error or f"no reduction to 0 (rules tried: {rules or 'none applied'}){left}"
    run.trace.append(Attempt("index calculus", Outcome.ERROR if error else Outcome.NONZERO, detail, took))
    return None
