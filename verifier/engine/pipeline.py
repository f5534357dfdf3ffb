"""The one decision pipeline: every claim, of every kind, passes the same stages in order.

Outline (``STAGES``; each stage is a function written once, here):

1. ``rewrite``      exact rewrites of the statement (E[...] by linearity and the stated
                    moments, limits by the rules of theories/limits.py); a statement the
                    engine does not decide (a limit no rule evaluates) goes on to the gate,
                    which may refute it at concrete points, and ends there, undecided.
2. ``assumptions``  the given facts and regions that bear on the claim, their
                    consistency (contradictory assumptions: nothing is proved).
3. ``gate``         the numeric search for a counterexample at points that satisfy every
                    assumption (``gate.search``, one function for every kind of claim),
                    re-checked; a counterexample refutes the claim here.
4. ``feasibility``  no feasible point, or a side undefined at every one: undecided.
                    A claim the gate could not evaluate goes on, but only to provers
                    that are sound without the gate (``Prover.trusted``).
5. ``provers``      the provers registered in ``PROVERS``, in order, for the claim's kind.

A claim is proved only at the end of stage 5, so no prover can be reached without
the guards of stages 2 to 4. Outcomes are typed: ``Status`` for verdicts, ``Outcome``
for trace lines, ``Kind`` for claims, ``Evidence`` for what the gate saw.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, replace
from typing import Callable

import sympy as sp
from sympy.logic.boolalg import BooleanFalse

from ..model import Status, domain_text
from ..report import Attempt, Outcome, Result
from . import tactics
from .assumptions import Context, build_context, relation_text, relevant_assumptions
from .gate import feasible_point, search
from .ladder import prove_by_calculus, prove_by_cases, reduced_by_trusted_rungs, run_ladder
from .problem import Kind, Problem, Proof, Run
from .recheck import counterexample_problem
from .sized import prove_for_all_sizes
from .sized import relations as sized_relations
from .theories import cases, expectation
from .theories.certificates import prove_with_certificate
from .theories.limits import beyond_engine, evaluate_limits, infinity

__all__ = ["Kind", "Problem", "Prover", "PROVERS", "STAGES", "decide_problem"]


# ------------------------------------------------------------------ stage 1: exact rewrites


def rewrite(run: Run) -> Result | None:
    p = run.problem
    (lhs, rhs), limits = evaluate_limits(p.lhs, p.rhs, given=p.given, where=p.where, infinite=True)
    if limits:
        run.trace.append(Attempt("limit", Outcome.REWRITTEN, "; ".join(limits)))
        run.rewrites.append("limit")
        run.used += tuple(limits)
    a_limit = isinstance(p.lhs, sp.Limit) or isinstance(p.rhs, sp.Limit)
    if a_limit and (infinity(p.lhs, lhs) is not None or infinity(p.rhs, rhs) is not None):
        if lhs == rhs and lhs in (sp.oo, -sp.oo):
            # "lim = +oo", and the rules found it so: the statement holds, 0 = 0, under every
            # assumption of the claim as stated (the gate still needs a point satisfying them)
            lhs = rhs = sp.Integer(0)
            run.stated = (p.lhs, p.rhs)
        else:  # decided at points by the gate, where a divergent limit differs from a finite value
            lhs, rhs = p.lhs, p.rhs
    has_expectation = expectation.has_expectation(lhs) or expectation.has_expectation(rhs)
    beyond = beyond_engine(lhs, rhs)
    if beyond and (p.kind is not Kind.EQUALITY or has_expectation):
        return run.undecided("engine", Outcome.BEYOND, beyond)
    if beyond:  # the gate may still refute it at concrete points; no prover runs
        run.beyond = beyond
    elif has_expectation:
        contradiction = expectation.inconsistent_moments(lhs, rhs)
        if contradiction:
            reason = f"assumptions unsatisfiable: {contradiction}; nothing is proved under them"
            return run.undecided("assumptions", Outcome.UNSATISFIABLE, reason, contradiction)
        try:
            lhs, rhs, moments = expectation.reduce_pair(lhs, rhs)
        except expectation.NotReducible as exc:
            return run.undecided("expectation", Outcome.ERROR, f"expectation not reduced: {exc}", str(exc))
        run.trace.append(
            Attempt("expectation", Outcome.REWRITTEN, "linearity, independence, moments: " + "; ".join(moments))
        )
        run.rewrites.append("expectation")
        run.used += moments
    run.problem = replace(p, lhs=lhs, rhs=rhs)
    run.domains = _domains(lhs, rhs)
    return None


# ------------------------------------------------------------------ stage 2: assumptions


def assumptions(run: Run) -> Result | None:
    p = run.problem
    if any(isinstance(a, BooleanFalse) for a in p.given + p.where):
        reason = "assumptions unsatisfiable: a given fact or region is false as stated; nothing is proved under them"
        return run.undecided("assumptions", Outcome.UNSATISFIABLE, reason)
    sized = p.kind in (Kind.SIZED, Kind.SIZED_RELATION)
    if not sized:  # over symbolic sizes, the assumptions are checked on each concrete instance by the gate
        run.context = build_context(p.given, p.where)
        if run.context.unsatisfiable:
            reason = f"assumptions unsatisfiable: {run.context.unsatisfiable}; nothing is proved under them"
            return run.undecided("assumptions", Outcome.UNSATISFIABLE, reason, run.context.unsatisfiable)
    lhs, rhs = run.stated or (p.lhs, p.rhs)
    given, where, dropped = relevant_assumptions(lhs, rhs, p.certificate, p.given, p.where)
    if dropped:
        shown = "; ".join(relation_text(a) for a in dropped)
        run.trace.append(Attempt("assumptions", Outcome.SKIPPED, f"not about this claim's symbols, not used: {shown}"))
        run.problem = p = replace(p, given=given, where=where)
        run.dropped = dropped
        if not sized:
            run.context = build_context(p.given, p.where)
    return None


# ------------------------------------------------------------------ stage 3: the numeric gate


def gate(run: Run) -> Result | None:
    p = run.problem
    first = next(iter(_candidates(p)), None)
    exactly = None
    # by='sorry' is never proved: the points are all the evidence it gets
    if first is not None and first.exact is not None and p.by != "sorry" and run.context is not None:
        exactly = functools.partial(first.exact, p, run.context)
    evidence = search(p, run.context, run.deadline, exactly)
    run.evidence = evidence
    if evidence.witness is None:
        if run.beyond:  # a statement no prover decides: without a counterexample, it ends here
            outcome, detail = Outcome.AGREES if evidence.agreed else Outcome.SKIPPED, evidence.detail
            if evidence.ran and not evidence.agreed:
                detail = f"no counterexample: no rule gives the limit a value at the {evidence.seen} points sampled"
            run.trace.append(Attempt(evidence.tactic, outcome, detail, evidence.seconds))
            return run.undecided("engine", Outcome.BEYOND, run.beyond)
        return None
    w = evidence.witness
    if p.kind is Kind.EQUALITY and not w.interpretation_only:
        # Checked again along another code path (80 digits, domains read off the symbols):
        # a witness that does not hold up is an engine bug, reported as such.
        problem = counterexample_problem(p.lhs, p.rhs, p.given, p.where, w.point, w.entry, w.interpretation)
        if problem:
            reason = f"engine bug: its counterexample failed the independent re-check ({problem}); not a refutation"
            run.trace.append(Attempt(evidence.tactic, Outcome.REFUTED, evidence.detail, evidence.seconds))
            return run.undecided("recheck", Outcome.ERROR, reason, problem)
    run.trace.append(Attempt(evidence.tactic, Outcome.REFUTED, evidence.detail, evidence.seconds))
    if w.interpretation_only:
        # false for one concrete interpretation that does not meet every stated property
        # of the functions: enough to withhold a proof, not shown as a refutation
        return run.result(Status.UNDECIDED, f"not proved: {evidence.detail}")
    point = dict(w.point)
    if run.dropped:
        # A counterexample satisfies every assumption, those about other symbols too.
        others = feasible_point(run.dropped, p.seed)
        if others is None:
            reason = (
                "the sides differ at a point satisfying the claim's own assumptions, but no point was found for "
                "the assumptions about other symbols; not reported as a refutation"
            )
            return run.undecided("assumptions", Outcome.NO_POINT, reason)
        point.update(others)
    facts = tuple(relation_text(g) for g in p.given if isinstance(g, sp.Equality))
    regions = run.context.region_used if run.context is not None else tuple(relation_text(r) for r in p.where)
    return run.result(
        Status.REFUTED,
        tactic=evidence.tactic,
        counterexample=point,
        lhs_value=w.lhs_value,
        rhs_value=w.rhs_value,
        entry=w.entry,
        used=facts + regions + run.used,
        vector=w.vector,
        interpretation=w.interpretation,
    )


# ------------------------------------------------------------------ stage 4: feasibility


def feasibility(run: Run) -> Result | None:
    evidence = run.evidence
    assert evidence is not None
    if not evidence.ran:
        run.trace.append(Attempt(evidence.tactic, Outcome.SKIPPED, evidence.detail, evidence.seconds))
        return None
    if evidence.seen == 0:
        reason = (
            f"no point satisfying all assumptions was found{evidence.where_text} (they may be inconsistent); "
            "nothing is proved under them"
        )
        return run.undecided(evidence.tactic, Outcome.NO_POINT, reason)
    if evidence.agreed == 0:
        # Every feasible point makes a side undefined (x = 1 in (x**2 - 1)/(x - 1)):
        # "equal wherever both sides are defined" would hold vacuously.
        reason = (
            f"a side is undefined at every one of the {evidence.seen} points sampled under the assumptions; "
            "a proof would be vacuous, so nothing is proved"
        )
        return run.undecided(evidence.tactic, Outcome.UNDEFINED, reason)
    run.trace.append(Attempt(evidence.tactic, Outcome.AGREES, evidence.detail, evidence.seconds))
    return None


# ------------------------------------------------------------------ stage 5: the provers


@dataclass(frozen=True)
class Prover:
    """A prover for some kinds of claim. ``trusted``: sound even when the numeric gate could not run."""

    name: str
    kinds: frozenset[Kind]
    trusted: bool
    run: Callable[[Run, bool], Proof | Result | None]  # (run, trusted_only) -> a proof, a final Result, or None
    #: Claims this prover is tried first for, before the registry's order (None: none).
    first_for: Callable[[Problem], bool] | None = None
    #: A quick decision by exact algebra alone, sound without sampling (None: none). When the
    #: prover comes first and this holds, the gate stops sampling once a few points agree.
    exact: Callable[[Problem, Context], bool] | None = None


def _inverse_functions(problem: Problem) -> bool:
    """An identity of inverse trigonometric or hyperbolic functions: the calculus rung's own
    ground. The rungs rewrite these into complex logarithms, which rarely cancel, and would
    all be tried before the calculus rung."""
    return isinstance(problem.lhs, sp.Expr) and any(
        side.has(*tactics.INVERSE_FUNCTIONS) for side in (problem.lhs, problem.rhs)
    )


def _piecewise(problem: Problem) -> bool:
    """A claim about |.|, max, min, sign or Heaviside of a variable: the cases prover's ground.
    The rungs up to ``simplify`` seldom see through them."""
    return isinstance(problem.lhs, sp.Expr) and any(
        atom.free_symbols for side in (problem.lhs, problem.rhs) for atom in side.atoms(*cases.PIECEWISE)
    )


#: The provers, in the order they are tried. Trusted provers are sound by construction
#: (polynomial and rational-function arithmetic); the others rely on the gate as a net.
PROVERS = (
    Prover(
        "ladder",
        frozenset({Kind.EQUALITY}),
        True,
        run_ladder,
        exact=lambda problem, context: reduced_by_trusted_rungs(problem.lhs, problem.rhs, context),
    ),
    Prover("calculus", frozenset({Kind.EQUALITY}), False, prove_by_calculus, first_for=_inverse_functions),
    Prover("cases", frozenset({Kind.EQUALITY}), False, prove_by_cases, first_for=_piecewise),
    Prover("certificate", frozenset({Kind.RELATION}), False, lambda run, trusted_only: prove_with_certificate(run)),
    Prover("index calculus", frozenset({Kind.SIZED}), False, lambda run, trusted_only: prove_for_all_sizes(run)),
    Prover(
        "certificate", frozenset({Kind.SIZED_RELATION}), False, lambda run, trusted_only: sized_relations.prove(run)
    ),
)


def _candidates(p: Problem) -> list[Prover]:
    """The provers for this kind of claim, in the order they are tried."""
    candidates = [prover for prover in PROVERS if p.kind in prover.kinds]
    candidates.sort(key=lambda prover: not (prover.first_for is not None and prover.first_for(p)))  # stable
    return candidates


def provers(run: Run) -> Result:
    p = run.problem
    evidence = run.evidence
    assert evidence is not None
    gated = evidence.ran
    if p.by == "sorry":
        run.trace.append(Attempt("sorry", Outcome.SKIPPED, "step not justified (by='sorry')"))
        return run.result(Status.UNDECIDED, f"skipped (by='sorry'); {evidence.summary}")
    candidates = _candidates(p)
    if not candidates:
        reason = f"{evidence.summary}; no prover for {p.kind.value} claims yet"
        return run.undecided("engine", Outcome.BEYOND, reason)
    for prover in candidates:
        if not gated and not prover.trusted:
            run.trace.append(Attempt(prover.name, Outcome.SKIPPED, "needs the numeric gate, which could not run"))
            continue
        proof = prover.run(run, not gated)
        if isinstance(proof, Result):  # a prover may end the decision itself (time limit)
            return proof
        if proof is not None:
            tactic = "+".join(dict.fromkeys([*run.rewrites, *proof.tactic.split("+")]))
            return run.result(Status.PROVED, tactic=tactic, used=proof.used + run.used)
    if run.why_not:
        return run.result(Status.UNDECIDED, run.why_not)
    why = "no symbolic proof found" if gated else "no proof by the provers that are sound without it"
    left = run.open_entries
    where = f" (entry {left[0]} and {len(left) - 1} more)" if left else ""
    return run.result(Status.UNDECIDED, f"{evidence.summary}, {why}{where}")


#: The stages, in order. Each returns a final Result or None (go on); the last always decides.
STAGES = (rewrite, assumptions, gate, feasibility, provers)


def decide_problem(problem: Problem, budget: float | None = None) -> Result:
    """Decide one problem through every stage, in order (runs in the caller's process)."""
    started = time.perf_counter()
    deadline = None if budget is None else time.monotonic() + budget * 0.9
    run = Run(problem, deadline, budget, decide=decide_problem)
    for stage in STAGES:
        result = stage(run)
        if result is not None:
            return replace(result, seconds=time.perf_counter() - started)
    raise AssertionError("the last stage always decides")  # pragma: no cover


def _domains(lhs: sp.Basic, rhs: sp.Basic) -> tuple[str, ...]:
    """The declared domains of the claim's symbols and indexed families, grouped, in words."""
    groups: dict[str, list[str]] = {}
    symbols = set()
    for e in (lhs, rhs):
        if isinstance(e, sp.Basic):
            symbols |= {s for s in e.free_symbols if isinstance(s, sp.Symbol)}
            symbols |= e.atoms(sp.IndexedBase)
    for s in sorted(symbols, key=sp.default_sort_key):
        text = domain_text(s if isinstance(s, sp.Symbol) else sp.Symbol("t", **s.assumptions0))
        if text != "complex" and str(s) not in groups.get(text, []):
            groups.setdefault(text, []).append(str(s))
    return tuple(f"{', '.join(names)} {text}" for text, names in groups.items())
