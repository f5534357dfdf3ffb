"""Exact checking of a claim over symbolic sizes at one concrete size, in a form that scales.

The claim's derivatives are taken once, in index form (``indexed.differentiate``:
one expression for all entries, instead of one ``diff`` per entry of an expression
that grows with the size), and its sums are split by linearity with index-free
factors pulled out (``indexed.normalise`` with no index range known, so no delta is
contracted symbolically: the deltas meet the concrete index values). Then each entry (every value of the free indices) is
instantiated with every shared, nonlinear sum kept as an atom (``DefinedAtom``:
S = sum_d exp(z_d) stays S) and goes through the ladder with the given facts
eliminated. Work grows about with the number of entries times their length, not
with the expanded expression. The verdict holds at that size only; the derivatives
come from the same indexed calculus as the all-size proof, which the numeric
cross-check compares with ordinary calculus on written-out instances.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Mapping

import sympy as sp

from ...model import Indices, Status, as_sympy
from ...report import Attempt, Outcome, Result
from .. import tactics
from ..assumptions import build_context
from .indexed import Atoms, Known, Proof, differentiate, normalise, rename_bound
from .instances import builder

__all__ = ["prove_at_size"]


def _entries(indices: Indices, values: Mapping[sp.Symbol, int]) -> list[dict[sp.Symbol, int]]:
    ranges = []
    for index, lo, hi in indices:
        lo, hi = (
            int(as_sympy(lo, "a bound or expression").xreplace(values)),
            int(as_sympy(hi, "a bound or expression").xreplace(values)),
        )
        ranges.append([(index, v) for v in range(lo, hi + 1)])
    return [dict(combo) for combo in itertools.product(*ranges)]


def _zero(difference: sp.Basic) -> bool:
    """The ladder, with each A**(m/2) as a power of a symbol for sqrt(A) (see indexed.Atoms)."""
    difference = Atoms(Known()).replace(difference)
    for rung in (tactics.expand, tactics.cancel, tactics.powers):
        try:
            if rung(difference) == 0:
                return True
        except Exception:  # SymPy raises on some inputs: that rung proves nothing
            continue
    return False


def prove_at_size(
    lhs: sp.Basic,
    rhs: sp.Basic,
    given: Iterable[sp.Basic],
    where: Iterable[sp.Basic],
    indices: Indices,
    values: dict[sp.Symbol, int],
    deadline: float | None = None,
) -> Result:
    """Proved when ``lhs - rhs`` reduces to 0 at ``values`` for every value of the free indices."""
    started = time.perf_counter()
    indices_set = {index for index, _, _ in indices}
    with_atoms = builder(atoms=True, fixed=set(values), indices=indices_set)
    written_out = builder()
    # Derivatives in index form, then sums split by linearity with index-free factors
    # pulled out; no index range is assumed (the deltas meet concrete values below).
    known = Known(tuple((size, 1) for size in values))
    raw = tuple(rename_bound(differentiate(rename_bound(as_sympy(e, "a bound or expression")))) for e in (lhs, rhs))
    split = tuple(rename_bound(normalise(e, known, 0, Proof())) for e in raw)
    # Ways to check an entry, fastest first; an identity may need an atom's definition
    # (sum_m (x_m - mu) = 0) or the sums as written, so the later ones unfold more.
    ways = ((split, with_atoms), (raw, with_atoms), (raw, written_out))
    start = 0  # the way that worked for the previous entry is tried first
    plain = builder()
    facts = [sp.Eq(plain(g.lhs, values), plain(g.rhs, values)) if isinstance(g, sp.Equality) else g for g in given]
    context = build_context(facts, [plain(w, values) for w in where])
    scope = ", ".join(f"{s} = {v}" for s, v in values.items())
    if context.unsatisfiable:
        reason = f"assumptions unsatisfiable at {scope}: {context.unsatisfiable}"
        return Result(Status.UNDECIDED, (Attempt("assumptions", Outcome.UNSATISFIABLE, reason),), reason=reason)
    entries = _entries(indices, values)
    unfolded = 0
    for number, combo in enumerate(entries, 1):
        if deadline is not None and time.monotonic() > deadline:
            reason = f"time limit reached after {number - 1} of {len(entries)} entries at {scope}"
            return Result(Status.UNDECIDED, (Attempt("at size", Outcome.TIME_LIMIT, reason),), reason=reason)
        at = {**values, **combo}
        for way in range(start, len(ways)):
            (left, right), build = ways[way]
            difference = context.for_proof(build(left, at) - build(right, at), with_given=True)
            if _zero(difference):
                start = way
                unfolded += build is written_out
                break
        else:
            reason = f"entry {combo} at {scope} did not reduce to 0"
            return Result(Status.UNDECIDED, (Attempt("at size", Outcome.NONZERO, reason),), reason=reason)
    took = time.perf_counter() - started
    kept = len(entries) - unfolded
    detail = f"all {len(entries)} entries reduced to 0 at {scope} ({kept} with shared sums kept as atoms)"
    return Result(Status.PROVED, (Attempt("at size", Outcome.ZERO, detail, took),), tactic="at size", seconds=took)
