"""The ladder: the equality prover, rung by rung over the entries still open.

The rungs are registered once, in ``tactics.RUNGS`` (cheapest first); ``given`` is
not a transform of its own but the trusted rungs again after the given facts have
been eliminated. A step's ``by=`` rung is tried first. Each rung gets its share of
the time that is left (``Rung.share``), so a rung that hangs ends and the next one
runs. When the gate could not evaluate the claim, only trusted rungs run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import sympy as sp

from ..model import Status, relation_text, short_text
from ..report import Attempt, Outcome, Result
from . import tactics
from .assumptions import Context
from .problem import Proof, Run
from .theories import calculus, cases
from .timeout import TimeLimit, time_box

__all__ = ["run_ladder", "prove_by_calculus", "prove_by_cases", "reduced_by_trusted_rungs"]

GIVEN = tactics.GIVEN
#: Every rung gets at least this long, whatever its share.
MIN_RUNG_SECONDS = 1.0


def _order(by: str, has_given: bool, trusted_only: bool) -> list[str]:
    trusted = {r.name for r in tactics.RUNGS if r.trusted}
    order = [
        n for n in tactics.LADDER if (n != GIVEN or has_given) and (not trusted_only or n in trusted or n == GIVEN)
    ]
    if by in order:
        order.remove(by)
        order.insert(0, by)
    return order


def _apply(name: str, diff: sp.Basic, ctx: Context) -> tuple[sp.Basic, bool]:
    """(reduced expression, whether given facts were substituted)."""
    rungs = {r.name: r for r in tactics.RUNGS}
    if name == GIVEN:
        substituted = ctx.for_proof(diff, with_given=True)
        reduced = substituted
        for rung in tactics.RUNGS:
            if not rung.trusted:
                continue
            reduced = rung.transform(substituted)
            if reduced == 0:
                break
        return reduced, True
    with_given = not rungs[name].trusted and bool(ctx.proof_elimination)
    return rungs[name].transform(ctx.for_proof(diff, with_given)), with_given


def _evaluated(diff: sp.Basic) -> sp.Basic:
    """The ladder starts from the evaluated form (derivatives taken, finite sums written out)."""
    try:
        return tactics.evaluate(diff)
    except Exception:  # SymPy raises on some inputs: the rungs see the form as stated
        return diff


def reduced_by_trusted_rungs(lhs: sp.Basic, rhs: sp.Basic, ctx: Context) -> bool:
    """Whether every entry of ``lhs - rhs`` is 0 as evaluated, or is reduced to 0 by a trusted
    rung without the given facts: the ladder will prove the claim by exact algebra, which is
    sound without sampling (the gate then stops once a few points agree: they show the proof
    is not vacuous)."""
    trusted = [rung for rung in tactics.RUNGS if rung.trusted]
    diff = _evaluated(lhs - rhs)
    for entry in list(diff) if isinstance(diff, sp.MatrixBase) else [diff]:
        if entry == 0:
            continue
        form = ctx.for_proof(entry, with_given=False)  # what the ladder's trusted rungs see
        if not any(rung.transform(form) == 0 for rung in trusted):
            return False
    return True


def _share(name: str, order: list[str], position: int, remaining: float | None) -> float | None:
    if remaining is None:
        return None
    shares = {r.name: r.share for r in tactics.RUNGS}
    weights = [shares.get(n, 1.0) for n in order[position:]]
    return max(MIN_RUNG_SECONDS, remaining * shares.get(name, 1.0) / sum(weights))


def run_ladder(run: Run, trusted_only: bool) -> Proof | Result | None:
    """A Proof when every entry of ``lhs - rhs`` reduced to 0; else None (the trace says how far it got)."""
    p, ctx, evidence = run.problem, run.context, run.evidence
    assert ctx is not None and evidence is not None, "the ladder runs after the assumptions and the gate"
    diff = _evaluated(p.lhs - p.rhs)
    is_matrix = isinstance(diff, sp.MatrixBase)
    entries: list[tuple[int, int] | None] = (
        [(i, j) for i in range(diff.rows) for j in range(diff.cols)] if is_matrix else [None]
    )
    open_entries = [e for e in entries if (diff[e] if is_matrix else diff) != 0]
    if len(open_entries) < len(entries):
        detail = (
            f"{len(entries) - len(open_entries)} of {len(entries)} entries identical"
            if is_matrix
            else "sides identical"
        )
        run.trace.append(Attempt("structural", Outcome.ZERO, detail))
    settled: list[str] = [] if open_entries else ["structural"]
    used_given = False
    order = _order(p.by, bool(ctx.proof_elimination), trusted_only)
    for position, name in enumerate(order):
        if not open_entries:
            break
        remaining = run.remaining()
        if remaining is not None and remaining <= 0:
            reason = f"time limit {run.budget:g} s reached in the symbolic ladder; {evidence.summary}"
            run.trace.append(Attempt(name, Outcome.TIME_LIMIT, reason))
            return Result(Status.UNDECIDED, tuple(run.trace), reason=reason, domains=run.domains, relation=p.relation)
        started = time.perf_counter()
        still_open, residue, error, reduced_here = [], None, None, []
        try:
            with time_box(_share(name, order, position, remaining)):
                for entry in open_entries:
                    try:
                        reduced, with_given = _apply(name, diff[entry] if is_matrix else diff, ctx)
                    except TimeLimit:
                        raise
                    except Exception as exc:  # SymPy raises on some inputs (StopIteration, RecursionError)
                        error = f"{type(exc).__name__}: {exc}"
                        still_open.append(entry)
                        continue
                    if reduced == 0:
                        used_given = used_given or with_given
                        reduced_here.append(entry)
                    else:
                        still_open.append(entry)
                        residue = residue if residue is not None else reduced
        except TimeLimit as exc:
            open_entries = [e for e in open_entries if e not in reduced_here]
            if reduced_here:
                settled.append(name)
            detail = f"its share of the time ran out ({exc}); the next rung runs"
            run.trace.append(Attempt(name, Outcome.TIME_LIMIT, detail, time.perf_counter() - started))
            continue
        closed = len(open_entries) - len(still_open)
        took = time.perf_counter() - started
        if is_matrix:
            detail = f"{closed} of {len(open_entries)} open entries reduced to 0"
        elif closed:
            detail = "lhs - rhs reduced to 0"
        elif error:
            detail = error
        else:
            detail = f"left {short_text(residue)}"
        if closed and not still_open:
            outcome = Outcome.ZERO
        elif error and not closed:
            outcome = Outcome.ERROR
        else:
            outcome = Outcome.PARTIAL if closed else Outcome.NONZERO
        run.trace.append(Attempt(name, outcome, detail, took))
        if closed:
            settled.append(name)
        open_entries = still_open
    if open_entries:
        run.open_entries = [e for e in open_entries if e is not None] if is_matrix else None
        return None
    facts = ctx.given_text if used_given else ()
    return Proof("+".join(dict.fromkeys(settled)), facts + ctx.region_used)


def _is_zero(expr: sp.Basic) -> bool:
    """Some rung before ``simplify`` reduces ``expr`` to exactly 0 (for the calculus and
    cases provers).

    ``cancel`` first: a derivative is a rational function of its radicals and exponentials,
    where ``expand`` multiplies out nested quotients for nothing (on the corpus's inverse
    functions, 1.3 s with ``expand`` first, 1.06 s with ``cancel`` first, the same proofs).
    """
    rungs = sorted(tactics.RUNGS[:-1], key=lambda rung: rung.name != "cancel")  # stable
    for rung in rungs:
        try:
            if rung.transform(expr) == 0:
                return True
        except Exception:  # SymPy raises on some inputs: that rung proves nothing
            continue
    return False


_T = TypeVar("_T")


def _attempt(run: Run, name: str, attempt: Callable[[], _T | None]) -> tuple[_T | None, float | None]:
    """``attempt()`` under the time that is left, and how long it took; a time limit or an
    error from SymPy is no proof (seconds None), and the trace says which (one home for the
    provers below)."""
    started = time.perf_counter()
    try:
        with time_box(run.remaining()):
            found = attempt()
    except TimeLimit as exc:
        run.trace.append(Attempt(name, Outcome.TIME_LIMIT, f"the time ran out ({exc})", time.perf_counter() - started))
        return None, None
    except Exception as exc:  # SymPy raises on some inputs: no proof, and say why
        run.trace.append(Attempt(name, Outcome.ERROR, f"{type(exc).__name__}: {exc}", time.perf_counter() - started))
        return None, None
    return found, time.perf_counter() - started


def prove_by_calculus(run: Run, trusted_only: bool) -> Proof | None:
    """The calculus rung (calculus.py): zero partial derivatives on a box and zero at one point.

    The box comes from the symbols' declared domains cut by the regions; claims with
    given facts or matrices are left to the ladder.
    """
    p = run.problem
    if isinstance(p.lhs, sp.MatrixBase) or p.given:
        return None
    diff = _evaluated(p.lhs - p.rhs)
    box = calculus.intervals_from(diff.free_symbols, p.where)
    if not box:
        return None
    quick = lambda e: tactics.cancel(e) == 0  # noqa: E731  # the first of _is_zero's rungs, kept per expression
    proof, took = _attempt(run, "calculus", lambda: calculus.constant_difference(diff, box, _is_zero, quick=quick))
    if took is None:
        return None
    if proof is None:
        run.trace.append(Attempt("calculus", Outcome.NONZERO, "no zero derivative shown on a box of the domain", took))
        return None
    run.trace.append(
        Attempt("calculus", Outcome.ZERO, f"{proof.describe()}; checked: {'; '.join(proof.conditions)}", took)
    )
    variables = {s for s, _ in proof.interval}
    regions = tuple(relation_text(w) for w in p.where if w.free_symbols & variables)
    return Proof("calculus", regions)


def prove_by_cases(run: Run, trusted_only: bool) -> Proof | None:
    """Cases on the sign of the arguments of |.|, max, min, sign, Heaviside (cases.py), each
    case reduced to 0 by the rungs before ``simplify``. Claims with given facts or matrices
    are left to the ladder; the proof holds for every value of the real symbols, so the
    regions are not used."""
    p = run.problem
    if isinstance(p.lhs, sp.MatrixBase) or p.given:
        return None
    diff = _evaluated(p.lhs - p.rhs)
    if not diff.has(*cases.PIECEWISE):
        return None
    proof, took = _attempt(run, "cases", lambda: cases.by_cases(diff, _is_zero))
    if took is None:
        return None
    if proof is None:
        detail = "no proof by cases (a case not reduced to 0, a switch not real, nested, or too many switches)"
        run.trace.append(Attempt("cases", Outcome.NONZERO, detail, took))
        return None
    run.trace.append(Attempt("cases", Outcome.ZERO, proof.describe(), took))
    return Proof("cases", ())
