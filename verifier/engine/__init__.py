"""The engine: decides ``lhs == rhs`` under assumptions as proved, refuted or undecided.

Order of work for one equality:

1. Build the context (given facts solved for elimination, regions as substitutions).
   Contradictory assumptions end here: nothing is proved under them.
2. Numeric search for a counterexample at seeded points that satisfy every
   assumption. A difference, re-checked at higher precision, refutes the claim.
   No feasible point at all means the assumptions may be inconsistent: undecided.
3. The symbolic ladder (expand, cancel, powers, given facts, simplify), entry by
   entry for matrices. A rung that reduces ``lhs - rhs`` to exactly zero proves it.
4. Otherwise undecided, with the reason.

Because step 2 runs before step 3, a symbolic rewrite that went wrong cannot prove
a claim that some sampled point already contradicts.
"""

from __future__ import annotations

import time
from dataclasses import replace

import sympy as sp

from ..model import TACTICS, Claim, Derivation, Status, _check_indices, _check_sizes, as_sympy, domain_text
from ..report import Attempt, Outcome, ClaimReport, DerivationReport, Result, StepReport
from . import tactics
from .confirm import counterexample_problem
from .context import Context, build_context, relation_text
from .interpret import interpreted_counterexample
from .numeric import NotNumeric, Sampler, find_counterexample
from .sized import decide_sized
from .timeout import TimeLimit, WorkerError, call_with_time_limit
from .witness import beyond_engine, rational_limits, with_witness
from . import expectation, functions

__all__ = ["check", "check_relation", "decide", "decide_claim", "DEFAULT_TIMEOUT"]

DEFAULT_TIMEOUT = 60.0


def check(lhs, rhs, given=(), where=(), by: str = "auto", timeout: float | None = None, seed: int = 0, sizes=(), indices=()) -> Result:
    """Decide ``lhs == rhs`` given the equalities ``given`` on the region ``where``.

    ``lhs`` and ``rhs`` are SymPy expressions or matrices of one shape. With a
    ``timeout`` (seconds) the work runs in a child process that is stopped at the
    limit, and the result is then undecided. ``sizes`` and ``indices`` (as in
    ``Claim``) make it a claim over symbolic sizes, decided for every size.
    """
    lhs, rhs = as_sympy(lhs, "lhs"), as_sympy(rhs, "rhs")
    shape = lambda e: e.shape if isinstance(e, (sp.MatrixBase, sp.MatrixExpr)) else "scalar"  # noqa: E731 (Indexed.shape raises)
    if shape(lhs) != shape(rhs):
        raise ValueError(f"shapes differ: lhs {shape(lhs)}, rhs {shape(rhs)}")
    if by not in TACTICS:
        raise ValueError(f"unknown tactic by={by!r} (known: {', '.join(TACTICS)})")
    given, where = tuple(given), tuple(where)
    sizes = _check_sizes(sizes, "check")
    indices = _check_indices(indices, sizes, "check")
    started = time.perf_counter()
    try:
        result = call_with_time_limit(_decide, (lhs, rhs, given, where, by, seed, timeout, tuple(sizes), tuple(indices)), timeout)
    except TimeLimit as exc:
        result = Result(Status.UNDECIDED, (Attempt("engine", Outcome.TIME_LIMIT, str(exc)),), reason=str(exc))
    except WorkerError as exc:
        result = Result(Status.UNDECIDED, (Attempt("engine", Outcome.ERROR, str(exc)),), reason=f"engine error: {exc}")
    if result.status is Status.REFUTED and not (sizes or _has_entries(lhs, rhs)):
        # (A claim over symbolic sizes is refuted on a written-out instance at a concrete
        # size, which the sized path re-checks itself at high precision.)
        # Checked again here, along another code path: a witness that does not hold up
        # is an engine bug, reported as such, never as a refutation.
        unfinished = None
        try:  # under the same time limit: evaluating at 80 digits can be slow too
            args = (lhs, rhs, given, where, result.counterexample or {}, result.entry, result.interpretation)
            problem = call_with_time_limit(counterexample_problem, args, timeout)
        except (TimeLimit, WorkerError) as exc:
            problem = unfinished = f"the re-check did not finish: {exc}"
        if problem:
            reason = (f"a counterexample was found but {unfinished}; not reported as a refutation" if unfinished else
                      f"engine bug: its counterexample failed the independent re-check ({problem}); not a refutation")
            steps = result.steps + (Attempt("recheck", Outcome.ERROR, problem),)
            result = Result(Status.UNDECIDED, steps, reason=reason)
    return replace(result, seconds=time.perf_counter() - started)


def check_relation(lhs, rhs, relation: str = "==", certificate=None, given=(), where=(), by: str = "auto",
                   timeout: float | None = None, seed: int = 0, sizes=(), indices=()) -> Result:
    """Decide ``lhs relation rhs``; inequalities need a certificate (see certificates.py)."""
    if relation == "==":
        return check(lhs, rhs, given, where, by=by, timeout=timeout, seed=seed, sizes=sizes, indices=indices)
    if sizes or _has_entries(as_sympy(lhs, "lhs"), as_sympy(rhs, "rhs")):
        reason = "inequalities over symbolic sizes are not decided yet (only equalities are); state it at concrete sizes"
        return Result(Status.UNDECIDED, (Attempt("engine", Outcome.BEYOND, reason),), reason=reason, relation=relation)
    from .certificates import decide_relation

    lhs, rhs = as_sympy(lhs, "lhs"), as_sympy(rhs, "rhs")
    if getattr(lhs, "shape", None) != getattr(rhs, "shape", None):
        raise ValueError(f"shapes differ: lhs {getattr(lhs, 'shape', 'scalar')}, rhs {getattr(rhs, 'shape', 'scalar')}")
    certificate = None if certificate is None else as_sympy(certificate, "certificate")
    started = time.perf_counter()
    args = (lhs, rhs, relation, certificate, tuple(given), tuple(where), by, seed, timeout)
    try:
        beyond = beyond_engine(lhs, rhs)
        if beyond:
            result = Result(Status.UNDECIDED, (Attempt("engine", Outcome.BEYOND, beyond),), reason=beyond, relation=relation)
        else:
            result = call_with_time_limit(decide_relation, args, timeout)
    except TimeLimit as exc:
        result = Result(Status.UNDECIDED, (Attempt("engine", Outcome.TIME_LIMIT, str(exc)),), reason=str(exc), relation=relation)
    except WorkerError as exc:
        result = Result(Status.UNDECIDED, (Attempt("engine", Outcome.ERROR, str(exc)),), reason=f"engine error: {exc}", relation=relation)
    return replace(result, seconds=time.perf_counter() - started)


def _has_entries(*exprs) -> bool:
    """Indexed entries (z[j]): a claim over vectors of symbolic size, for the index calculus.

    A Sum alone, with no declared size and no indexed entries, stays with the ordinary
    engine, which evaluates it at concrete points.
    """
    return any(isinstance(e, sp.Basic) and e.has(sp.Indexed) for e in exprs)


def _short(expr, width: int = 70) -> str:
    text = sp.sstr(expr)
    return text if len(text) <= width else text[: width - 3] + "..."


def _domains(lhs, rhs) -> tuple[str, ...]:
    symbols = sorted((lhs.free_symbols | rhs.free_symbols), key=sp.default_sort_key)
    groups: dict[str, list[str]] = {}
    for s in symbols:
        text = domain_text(s)
        if text != "complex":
            groups.setdefault(text, []).append(str(s))
    return tuple(f"{', '.join(names)} {text}" for text, names in groups.items())


def _ladder(by: str, has_given: bool) -> list[str]:
    order = [name for name, _ in tactics.RUNGS]
    order.insert(3, "given")
    if not has_given:
        order.remove("given")
    if by in order:
        order.remove(by)
        order.insert(0, by)
    return order


def _run_rung(name: str, diff, ctx: Context):
    """(reduced expression, whether given facts were substituted)."""
    functions = dict(tactics.RUNGS)
    if name == "given":
        substituted = ctx.for_proof(diff, with_given=True)
        for _, fn in tactics.RUNGS[:3]:
            reduced = fn(substituted)
            if reduced == 0:
                return reduced, True
        return reduced, True
    with_given = name == "simplify" and bool(ctx.proof_elimination)
    return functions[name](ctx.for_proof(diff, with_given)), with_given


def _decide(lhs, rhs, given, where, by, seed, budget, sizes=(), indices=()) -> Result:
    if sizes or _has_entries(lhs, rhs):
        # sums and indexed entries: the index calculus, cross-checked at concrete sizes
        return decide_sized(lhs, rhs, given, where, by, seed, sizes, indices, budget)
    deadline = None if budget is None else time.monotonic() + budget * 0.9
    trace: list[Attempt] = []
    (lhs, rhs), limits = rational_limits(lhs, rhs)
    if limits:
        trace.append(Attempt("limit", Outcome.REWRITTEN, "; ".join(limits)))
    beyond = beyond_engine(lhs, rhs)
    if beyond:
        return Result(Status.UNDECIDED, tuple(trace) + (Attempt("engine", Outcome.BEYOND, beyond),), reason=beyond)
    moments_used: tuple[str, ...] = ()
    if expectation.has_expectation(lhs) or expectation.has_expectation(rhs):
        # E[...] rewritten by linearity, independence and the stated moments: exact under them.
        try:
            lhs, rhs, moments_used = expectation.reduce_pair(lhs, rhs)
        except expectation.NotReducible as exc:
            reason = f"expectation not reduced: {exc}"
            return Result(Status.UNDECIDED, (Attempt("expectation", Outcome.ERROR, str(exc)),), reason=reason)
        trace.append(Attempt("expectation", Outcome.REWRITTEN, "linearity, independence, moments: " + "; ".join(moments_used)))
    ctx = build_context(given, where)
    if ctx.unsatisfiable:
        reason = f"assumptions unsatisfiable: {ctx.unsatisfiable}; nothing is proved under them"
        return Result(Status.UNDECIDED, (Attempt("assumptions", Outcome.UNSATISFIABLE, ctx.unsatisfiable),), reason=reason)
    domains = _domains(lhs, rhs)
    facts = ctx.given_text

    # Numeric search first: a point that satisfies every assumption and separates the sides.
    is_matrix = isinstance(lhs, sp.MatrixBase)
    entries = [(i, j) for i in range(lhs.rows) for j in range(lhs.cols)] if is_matrix else [None]
    sampler = Sampler(ctx, lhs.free_symbols | rhs.free_symbols, seed)
    count = max(6, min(20, 400 // len(entries)))
    started = time.perf_counter()
    numeric_gap = None
    try:
        witness, agreed, seen = find_counterexample(lhs, rhs, sampler, count)
    except NotNumeric as exc:
        witness, agreed, seen, numeric_gap = None, 0, 1, str(exc)
        # Generic functions: a counterexample for one concrete polynomial f is one for f generic.
        concrete = functions.refute_with_polynomials(lhs, rhs, given, where, seed, count)
        if concrete is not None and concrete.result is not None:
            took = time.perf_counter() - started
            trace.append(Attempt("numeric", Outcome.REFUTED, concrete.detail, took))
            return replace(concrete.result, steps=tuple(trace), used=facts + ctx.region_used, domains=domains)
        if concrete is not None:
            numeric_gap = f"{numeric_gap}; {concrete.detail}"
        # Undefined functions: the claim must hold for every f, so for a concrete one too.
        false_for = interpreted_counterexample(lhs, rhs, given, where, seed)
        if false_for:
            trace.append(Attempt("numeric", Outcome.REFUTED, false_for, time.perf_counter() - started))
            return Result(Status.UNDECIDED, tuple(trace), reason=f"not proved: {false_for}")
    took = time.perf_counter() - started
    if witness is not None:
        where_text = f" in entry {witness.entry}" if witness.entry is not None else ""
        point = ", ".join(f"{k} = {v}" for k, v in witness.point.items())
        trace.append(Attempt("numeric", Outcome.REFUTED, f"sides differ{where_text} at {point}", took))
        return Result(
            Status.REFUTED,
            tuple(trace),
            tactic="numeric",
            counterexample=dict(witness.point),
            lhs_value=witness.lhs_value,
            rhs_value=witness.rhs_value,
            entry=witness.entry,
            used=facts + ctx.region_used + moments_used,
            domains=domains,
        )
    if seen == 0:
        reason = "no point satisfying all assumptions was found (they may be inconsistent); nothing is proved under them"
        trace.append(Attempt("numeric", Outcome.NO_POINT, reason, took))
        return Result(Status.UNDECIDED, tuple(trace), reason=reason)
    if not numeric_gap and agreed == 0:
        # Every feasible point makes a side undefined (x = 1 in (x**2 - 1)/(x - 1)):
        # "equal wherever both sides are defined" would hold vacuously.
        reason = (f"a side is undefined at every one of the {seen} points sampled under the assumptions; "
                  "a proof would be vacuous, so nothing is proved")
        trace.append(Attempt("numeric", Outcome.UNDEFINED, reason, took))
        return Result(Status.UNDECIDED, tuple(trace), reason=reason)
    if numeric_gap:
        trace.append(Attempt("numeric", Outcome.SKIPPED, numeric_gap, took))
    else:
        trace.append(Attempt("numeric", Outcome.AGREES, f"equal at {agreed} points satisfying the assumptions", took))
    evidence = f"numerically equal at {agreed} points" if not numeric_gap else "no numeric check possible"

    if by == "sorry":
        trace.append(Attempt("sorry", Outcome.SKIPPED, "step not justified (by='sorry')"))
        return Result(Status.UNDECIDED, tuple(trace), reason=f"skipped (by='sorry'); {evidence}")

    # The symbolic ladder, rung by rung over the entries still open.
    diff = lhs - rhs
    open_entries = [e for e in entries if (diff[e] if is_matrix else diff) != 0]
    if len(open_entries) < len(entries):
        trace.append(Attempt("structural", Outcome.ZERO, f"{len(entries) - len(open_entries)} of {len(entries)} entries identical" if is_matrix else "sides identical"))
    settled_by: list[str] = [] if open_entries else ["structural"]
    used_given = False
    for name in _ladder(by, bool(ctx.proof_elimination)):
        if not open_entries:
            break
        if deadline is not None and time.monotonic() > deadline:
            reason = f"time limit {budget:g} s reached in the symbolic ladder; {evidence}"
            trace.append(Attempt(name, Outcome.TIME_LIMIT, reason))
            return Result(Status.UNDECIDED, tuple(trace), reason=reason)
        rung_started = time.perf_counter()
        still_open, residue, error = [], None, None
        for entry in open_entries:
            try:
                reduced, with_given = _run_rung(name, diff[entry] if is_matrix else diff, ctx)
            except Exception as exc:  # SymPy raises on some inputs (StopIteration, RecursionError)
                error = f"{type(exc).__name__}: {exc}"
                still_open.append(entry)
                continue
            if reduced == 0:
                used_given = used_given or with_given
            else:
                still_open.append(entry)
                residue = residue if residue is not None else reduced
            if deadline is not None and time.monotonic() > deadline:
                still_open.extend(open_entries[open_entries.index(entry) + 1 :])
                break
        closed = len(open_entries) - len(still_open)
        took = time.perf_counter() - rung_started
        if is_matrix:
            detail = f"{closed} of {len(open_entries)} open entries reduced to 0"
        elif closed:
            detail = "lhs - rhs reduced to 0"
        elif error:
            detail = error
        else:
            detail = f"left {_short(residue)}"
        outcome = Outcome.ZERO if closed and not still_open else (Outcome.ERROR if error and not closed else (Outcome.PARTIAL if closed else Outcome.NONZERO))
        trace.append(Attempt(name, outcome, detail, took))
        if closed:
            settled_by.append(name)
        open_entries = still_open

    if open_entries:
        where_text = f" (entry {open_entries[0]} and {len(open_entries) - 1} more)" if is_matrix else ""
        reason = f"{evidence}, no symbolic proof found{where_text}"
        return Result(Status.UNDECIDED, tuple(trace), reason=reason)
    used = (facts if used_given else ()) + ctx.region_used + moments_used
    if moments_used:
        settled_by.insert(0, "expectation")
    return Result(Status.PROVED, tuple(trace), tactic="+".join(dict.fromkeys(settled_by)), used=used, domains=domains)


def decide_claim(claim: Claim, given=(), where=(), timeout: float | None = DEFAULT_TIMEOUT, seed: int = 0) -> ClaimReport:
    """Check each step of the claim's chain, then the statement itself when needed."""
    started = time.perf_counter()
    given = tuple(given) + claim.given
    where = tuple(where) + claim.where
    reports = []
    previous = claim.lhs
    for index, step in enumerate(claim.steps, 1):
        result = check_relation(previous, step.rhs, step.relation, step.certificate, given, where, by=step.by, timeout=timeout, seed=seed,
                                sizes=claim.sizes, indices=claim.indices)
        reports.append(StepReport(index, previous, step, result))
        previous = step.rhs
    if all(r.result.status is Status.PROVED for r in reports):
        status, conclusion = Status.PROVED, None
    else:
        conclusion = reports[0].result if len(reports) == 1 else check_relation(claim.lhs, claim.rhs, claim.relation, None, given, where, timeout=timeout, seed=seed,
                                                                                sizes=claim.sizes, indices=claim.indices)
        status = conclusion.status
        if status is Status.UNDECIDED and claim.witness:
            conclusion = with_witness(conclusion, claim.witness)
            if len(reports) == 1:
                reports[0] = replace(reports[0], result=conclusion)
    suggested = None
    if status is Status.REFUTED and claim.relation == "==":  # what the left side is, for the reader
        from .correction import correction

        suggested = correction(claim.lhs, claim.rhs, given, where, timeout, claim.sizes, claim.indices, seed)
    return ClaimReport(claim, status, tuple(reports), conclusion, time.perf_counter() - started, suggested)


def decide(derivation: Derivation, timeout: float | None = DEFAULT_TIMEOUT, seed: int = 0, on_claim=None,
           on_start=None) -> DerivationReport:
    """Decide every claim of a derivation; ``on_start(claim)`` before each, ``on_claim(report)`` after."""
    started = time.perf_counter()
    reports = []
    for claim in derivation.claims:
        if on_start is not None:
            on_start(derivation, claim)
        report = decide_claim(claim, derivation.given, derivation.where, timeout=timeout, seed=seed)
        reports.append(report)
        if on_claim is not None:
            on_claim(report)
    return DerivationReport(derivation, tuple(reports), time.perf_counter() - started)
