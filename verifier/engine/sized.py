"""Deciding a claim over symbolic sizes: a proof for every size, cross-checked at concrete ones.

Order of work (the same as for ordinary claims, sizes added):

1. The claim is instantiated at concrete sizes (k = 1, 2, 3, 7 and a large one)
   and at values of its free indices, and each instance is searched numerically
   for a counterexample that satisfies the instantiated assumptions. A re-checked
   difference refutes the claim; the counterexample names the size, the indices
   and the point.
2. The index calculus (``indexed``) tries to reduce ``lhs - rhs`` to zero for every
   size in range.
3. A proof together with a counterexample is an engine bug: reported loudly, and
   the claim is left undecided (never proved).
"""

from __future__ import annotations

import random
import time

import sympy as sp

from sympy.logic.boolalg import BooleanFalse

from ..model import Status, as_sympy, domain_text
from ..report import Attempt, Outcome, Result
from .context import relation_text
from .indexed import RESERVED, Known, differentiate, prove_zero, rename_bound
from .instances import agree, agree_fast, builder, index_values, instance, scaled_value
from .numeric import NotNumeric, recheck

__all__ = ["decide_sized", "has_indexed", "CHECK_SIZES"]

#: Concrete sizes of the numeric cross-check: small ones exhaustively over the free
#: indices (with readable points first), then a medium and a large one on a sample.
CHECK_SIZES = (1, 2, 3, 7, 50)
#: Up to this size the instances are differentiated concretely (independently of
#: SymPy's indexed calculus); above it, the claim's derivatives are taken with the
#: indexed calculus first, and only the sums are written out.
CONCRETE_DERIVATIVES_UP_TO = 7


def has_indexed(*exprs) -> bool:
    return any(isinstance(e, sp.Basic) and e.has(sp.Indexed, sp.Sum) for e in exprs)


def _scope(sizes, values) -> str:
    return ", ".join(f"{s} = {values[s]}" for s, _ in sizes) if sizes else "the stated size"


def _size_values(sizes) -> list[dict]:
    """Size assignments for the cross-check: each size at each check value at least its least."""
    if not sizes:
        return [{}]
    out = []
    for value in CHECK_SIZES:
        out.append({s: max(int(least), value) for s, least in sizes})
    unique = []
    for v in out:
        if v not in unique:
            unique.append(v)
    return unique


def _domains(lhs, rhs) -> tuple[str, ...]:
    groups: dict[str, list[str]] = {}
    for expr in (lhs, rhs):
        for base in sorted(expr.atoms(sp.IndexedBase), key=sp.default_sort_key):
            text = domain_text(sp.Symbol("t", **base.assumptions0))
            if text != "complex" and str(base) not in groups.get(text, []):
                groups.setdefault(text, []).append(str(base))
    return tuple(f"{', '.join(names)} {text}" for text, names in groups.items())


def cross_check(lhs, rhs, given, where, sizes, indices, seed: int, deadline: float | None):
    """(witness dict or None, checked sizes in words, points agreed, skipped reason)."""
    rng = random.Random(seed)
    checked, agreed = [], 0
    differentiated = None
    for values in _size_values(sizes):
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
                differentiated = tuple(differentiate(rename_bound(as_sympy(e, "a bound or expression"))) for e in (lhs, rhs))
            for combo in combos:
                at = {**values, **combo}
                ok, differs = agree_fast(*differentiated, given, where, at, seed, points)
                agreed += ok
                if differs is not None:
                    left, right, sampler, _ = instance(*differentiated, given, where, at, seed, scaled=True)
                    filler = random.Random(seed)
                    full = {s: scaled_value(s, filler, largest) for s in sampler.free} | differs
                    for symbol, expr in sampler.context.sample_elimination:
                        full[symbol] = expr.xreplace(full)
                    witness = recheck(left, right, full, sampler)
                    if witness is not None:
                        point = {**{s: sp.Integer(v) for s, v in at.items()}, **witness.point}
                        found = {"point": point, "lhs": witness.lhs_value, "rhs": witness.rhs_value, "at": _scope(sizes, values), "combo": combo}
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
                    {"point": point, "lhs": witness.lhs_value, "rhs": witness.rhs_value, "at": _scope(sizes, values), "combo": combo},
                    checked,
                    agreed,
                    None,
                )
            agreed += ok
        checked.append(_scope(sizes, values) if sizes else "as stated")
    return None, checked, agreed, None


def decide_sized(lhs, rhs, given, where, by, seed, sizes, indices, budget) -> Result:
    """Decide an indexed claim for every size in range (see the module docstring)."""
    deadline = None if budget is None else time.monotonic() + budget * 0.9
    trace: list[Attempt] = []
    domains = _domains(lhs, rhs)
    facts = tuple(relation_text(g) for g in given if isinstance(g, sp.Equality))
    if isinstance(lhs, sp.MatrixBase):
        reason = "a claim over symbolic sizes is stated entry by entry, with free indices; this one is a matrix"
        return Result(Status.UNDECIDED, (Attempt("index calculus", Outcome.SKIPPED, reason),), reason=reason)
    names = {s.name for e in (lhs, rhs) for s in e.free_symbols if isinstance(s, sp.Symbol)}
    clash = sorted(n for n in names if n.startswith(RESERVED))
    if clash:
        reason = f"the names {', '.join(clash)} are reserved for bound indices; rename them"
        return Result(Status.UNDECIDED, (Attempt("index calculus", Outcome.SKIPPED, reason),), reason=reason)

    if any(isinstance(g, BooleanFalse) for g in given) or any(isinstance(w, BooleanFalse) for w in where):
        reason = "assumptions unsatisfiable: a given fact or region is false as stated; nothing is proved under them"
        return Result(Status.UNDECIDED, (Attempt("assumptions", Outcome.UNSATISFIABLE, reason),), reason=reason)
    started = time.perf_counter()
    witness, checked, agreed, gap = cross_check(lhs, rhs, given, where, sizes, indices, seed, deadline)
    took = time.perf_counter() - started
    sizes_text = "; ".join(checked) if checked else "no size"
    known = Known(tuple(sizes), tuple(indices), frozenset(i for i, _, _ in indices))

    if witness is None:
        outcome = Outcome.AGREES if not gap else Outcome.SKIPPED
        detail = f"equal at {agreed} points at {sizes_text}" + (f" ({gap})" if gap else "")
        trace.append(Attempt("cross-check", outcome, detail, took))
    else:
        point = ", ".join(f"{k} = {v}" for k, v in witness["point"].items())
        trace.append(Attempt("cross-check", Outcome.REFUTED, f"sides differ at {witness['at']}: {point}", took))

    if witness is None and agreed == 0 and not gap:
        # as for ordinary claims: nothing is proved under assumptions no point satisfies
        reason = "no point satisfying all assumptions was found at any checked size (they may be inconsistent); nothing is proved under them"
        trace.append(Attempt("cross-check", Outcome.NO_POINT, reason))
        return Result(Status.UNDECIDED, tuple(trace), reason=reason, domains=domains)
    if by == "sorry" and witness is None:
        trace.append(Attempt("sorry", Outcome.SKIPPED, "step not justified (by='sorry')"))
        return Result(Status.UNDECIDED, tuple(trace), reason=f"skipped (by='sorry'); equal at {sizes_text}", domains=domains)

    started = time.perf_counter()
    try:
        proved, proof = prove_zero(lhs - rhs, known, given)
        error = None
    except Exception as exc:  # SymPy raises on some inputs: no proof, and say why
        proved, proof, error = False, None, f"{type(exc).__name__}: {exc}"
    took = time.perf_counter() - started
    rules = "; ".join(proof.rules) if proof is not None else ""

    if witness is not None:
        if proved:
            # Both cannot be right: one of the two engines is wrong. Never prove.
            reason = (
                f"ENGINE BUG: the index calculus reduced lhs - rhs to 0 for all sizes, but the "
                f"instance at {witness['at']} differs at a re-checked point; the claim is left undecided"
            )
            trace.append(Attempt("index calculus", Outcome.DISAGREEMENT, reason, took))
            return Result(Status.UNDECIDED, tuple(trace), reason=reason, domains=domains)
        return Result(
            Status.REFUTED,
            tuple(trace),
            tactic="cross-check",
            counterexample=witness["point"],
            lhs_value=witness["lhs"],
            rhs_value=witness["rhs"],
            used=facts + tuple(relation_text(w) for w in where),
            domains=domains,
        )
    if proved:
        trace.append(Attempt("index calculus", Outcome.ZERO, f"lhs - rhs reduced to 0 for all sizes; rules: {rules}", took))
        used = (facts if proof.given else ()) + tuple(proof.ranges)
        return Result(Status.PROVED, tuple(trace), tactic="index calculus", used=used, domains=domains)
    detail = error or f"no reduction to 0 (rules tried: {rules or 'none applied'})"
    trace.append(Attempt("index calculus", Outcome.ERROR if error else Outcome.NONZERO, detail, took))
    reason = f"equal at {agreed} points at {sizes_text}, no proof for all sizes found"
    return Result(Status.UNDECIDED, tuple(trace), reason=reason, domains=domains)
