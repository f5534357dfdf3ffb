"""The engine: decides ``lhs relation rhs`` under assumptions as proved, refuted or undecided.

Every claim goes through one pipeline (``pipeline.py``): exact rewrites, the
assumptions and their consistency, the numeric gate, feasibility, then the provers
registered for the claim's kind. ``check`` and ``check_relation`` only validate the
input and run that pipeline in a child process stopped at the time limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import cast

import sympy as sp

from ..model import Claim, Derivation, Indices, IndicesSpec, Sizes, SizesSpec, Status, as_sympy
from ..report import Attempt, ClaimReport, DerivationReport, Outcome, Result, StepReport
from .pipeline import Problem, decide_problem
from .sized import matrix
from .theories.limits import with_witness
from .timeout import TimeLimit, WorkerError, call_with_time_limit

__all__ = ["check", "check_relation", "decide", "decide_claim", "DEFAULT_TIMEOUT"]

DEFAULT_TIMEOUT = 60.0


def _shape(expr: sp.Basic) -> object:
    return expr.shape if isinstance(expr, (sp.MatrixBase, sp.MatrixExpr)) else "scalar"  # Indexed.shape raises


def check(
    lhs: object,
    rhs: object,
    given: Iterable[sp.Basic] = (),
    where: Iterable[sp.Basic] = (),
    by: str = "auto",
    timeout: float | None = None,
    seed: int = 0,
    sizes: SizesSpec = (),
    indices: IndicesSpec = (),
) -> Result:
    """Decide ``lhs == rhs`` given the equalities ``given`` on the region ``where``.

    ``lhs`` and ``rhs`` are SymPy expressions or matrices of one shape. With a
    ``timeout`` (seconds) the work runs in a child process that is stopped at the
    limit, and the result is then undecided. ``sizes`` and ``indices`` (as in
    ``Claim``) make it a claim over symbolic sizes, decided for every size.
    """
    return check_relation(
        lhs, rhs, "==", None, given, where, by=by, timeout=timeout, seed=seed, sizes=sizes, indices=indices
    )


def check_relation(
    lhs: object,
    rhs: object,
    relation: str = "==",
    certificate: object = None,
    given: Iterable[sp.Basic] = (),
    where: Iterable[sp.Basic] = (),
    by: str = "auto",
    timeout: float | None = None,
    seed: int = 0,
    sizes: SizesSpec = (),
    indices: IndicesSpec = (),
) -> Result:
    """Decide ``lhs relation rhs``; inequalities need a certificate (see certificates.py)."""
    lhs, rhs = as_sympy(lhs, "lhs"), as_sympy(rhs, "rhs")
    written = (lhs, rhs)  # as stated, for the counterexample's inverses below
    if not matrix.is_matrix_notation(lhs, rhs) and _shape(lhs) != _shape(
        rhs
    ):  # matrix notation: the Claim checks shapes
        raise ValueError(f"shapes differ: lhs {_shape(lhs)}, rhs {_shape(rhs)}")
    # The same validation as a Claim's, by building one: one home for every input check.
    claim = Claim(
        "check",
        lhs,
        rhs,
        by=by,
        relation=relation,
        certificate=certificate,
        given=tuple(given),
        where=tuple(where),
        sizes=cast(Sizes, sizes),  # the Claim normalises either form
        indices=cast(Indices, indices),
    )
    lhs, rhs, given, where = claim.lhs, claim.rhs, claim.given, claim.where
    certificate = claim.steps[-1].certificate
    sizes, indices = claim.sizes, claim.indices
    if relation == "==":
        try:  # matrix notation (MatrixSymbol X, w): the entry (i, j) in index notation, sizes from the dimensions
            lhs, rhs, given, sizes, indices = matrix.to_index_claim(lhs, rhs, given, sizes, indices)
        except matrix.NotTranslated as exc:
            reason = f"not translated into index notation: {exc}"
            return Result(
                Status.UNDECIDED,
                (Attempt("matrix notation", Outcome.BEYOND, str(exc)),),
                reason=reason,
                relation=relation,
            )
    problem = Problem(lhs, rhs, relation, certificate, given, where, sizes, indices, by, seed)
    started = time.perf_counter()
    try:
        result: Result = call_with_time_limit(decide_problem, (problem, timeout), timeout)
    except TimeLimit as exc:
        result = Result(
            Status.UNDECIDED, (Attempt("engine", Outcome.TIME_LIMIT, str(exc)),), reason=str(exc), relation=relation
        )
    except WorkerError as exc:
        result = Result(
            Status.UNDECIDED,
            (Attempt("engine", Outcome.ERROR, str(exc)),),
            reason=f"engine error: {exc}",
            relation=relation,
        )
    singular = matrix.singular_inverse(result.counterexample or {}, *written) if result.status is Status.REFUTED else ""
    if singular:  # matrix notation: a point where an inv(M) is singular refutes nothing
        result = Result(
            Status.UNDECIDED,
            result.steps + (Attempt("recheck", Outcome.ERROR, singular),),
            reason=f"not refuted: {singular}",
            relation=relation,
        )
    return replace(result, seconds=time.perf_counter() - started)


def decide_claim(
    claim: Claim,
    given: Iterable[sp.Basic] = (),
    where: Iterable[sp.Basic] = (),
    timeout: float | None = DEFAULT_TIMEOUT,
    seed: int = 0,
) -> ClaimReport:
    """Check each step of the claim's chain, then the statement itself when needed."""
    started = time.perf_counter()
    given = tuple(given) + claim.given
    where = tuple(where) + claim.where
    reports = []
    previous = claim.lhs
    for index, step in enumerate(claim.steps, 1):
        result = check_relation(
            previous,
            step.rhs,
            step.relation,
            step.certificate,
            given,
            where,
            by=step.by,
            timeout=timeout,
            seed=seed,
            sizes=claim.sizes,
            indices=claim.indices,
        )
        reports.append(StepReport(index, previous, step, result))
        previous = step.rhs
    if all(r.result.status is Status.PROVED for r in reports):
        status, conclusion = Status.PROVED, None
    else:
        conclusion = (
            reports[0].result
            if len(reports) == 1
            else check_relation(
                claim.lhs,
                claim.rhs,
                claim.relation,
                None,
                given,
                where,
                timeout=timeout,
                seed=seed,
                sizes=claim.sizes,
                indices=claim.indices,
            )
        )
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


def decide(
    derivation: Derivation,
    timeout: float | None = DEFAULT_TIMEOUT,
    seed: int = 0,
    on_claim: Callable[[ClaimReport], object] | None = None,
    on_start: Callable[[Derivation, Claim], object] | None = None,
) -> DerivationReport:
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
